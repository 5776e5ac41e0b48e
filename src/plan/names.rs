//! Every name acmegen gives to what it creates, in one place: the planner
//! writes them into the Terraform, the runbook into its commands, so the two
//! cannot disagree.

use crate::inventory::Kind;
use crate::plan::expr::{Expr, Part};

/// Labels of the module calls acmegen adds by itself: the fact store, the
/// private DNS zone, replication alarms and ECR replication, and the network
/// and key of a root where no asset of that kind is present (`Some(kind)`:
/// an asset of that kind may take the label, it replaces the implicit call).
/// An asset whose Terraform name is one of them would be a second
/// `module` block of that name.
pub const IMPLICIT_LABELS: &[(&str, Option<Kind>)] = &[
    ("facts", None),
    (crate::kinds::rds::PRIVATE_ZONE, None),
    (crate::kinds::cloudwatch::IMPLICIT_LABEL, None),
    ("ecr_replication", None),
    ("vpc", Some(Kind::Vpc)),
    ("kms", Some(Kind::Kms)),
];

/// Short region code used in resource names.
///
/// ```
/// assert_eq!(acmegen::plan::region_code("us-east-2"), "use2");
/// assert_eq!(acmegen::plan::region_code("ap-southeast-1"), "apse1");
/// ```
pub fn region_code(region: &str) -> String {
    let mut parts = region.split('-');
    let geo = parts.next().unwrap_or_default();
    let dir = parts.next().unwrap_or_default();
    let num = parts.next().unwrap_or_default();
    let dir_code: String = ["north", "south", "east", "west", "central"]
        .iter()
        .fold(dir.to_string(), |acc, w| {
            if acc.contains(w) {
                acc.replace(w, &w[..1])
            } else {
                acc
            }
        });
    format!("{geo}{dir_code}{num}")
}

/// Name (and identifier) of an asset's resources in `region`:
/// `<inventory>-<asset>-<region code>`, e.g. DB identifiers, cluster names.
pub fn resource(inventory: &str, asset: &str, region: &str) -> String {
    resource_coded(inventory, asset, &region_code(region))
}

/// [`resource`] in the region whose [`region_code`] is `code` (a planner
/// names thousands of resources in one region and makes the code once).
pub fn resource_coded(inventory: &str, asset: &str, code: &str) -> String {
    let mut name = String::with_capacity(inventory.len() + asset.len() + code.len() + 2);
    for part in [inventory, "-", asset, "-", code] {
        name.push_str(part);
    }
    name
}

/// A bucket of `asset` in `region`: globally unique through the account ID,
/// resolved by Terraform (`local.account_id`).
pub fn bucket(inventory: &str, asset: &str, region: &str) -> Expr {
    Expr::template(vec![
        Part::Text(format!("{inventory}-{asset}-")),
        Part::Interp(Expr::local("account_id")),
        Part::Text(format!("-{region}")),
    ])
}

/// The same bucket name for a shell command, with the account ID in `account`
/// (e.g. `$ACCOUNT_ID`).
pub fn bucket_in_shell(inventory: &str, asset: &str, account: &str, region: &str) -> String {
    format!("{inventory}-{asset}-{account}-{region}")
}

/// The ARN of a CloudTrail trail named `trail` in `region` of this account.
pub fn trail_arn(region: &str, trail: &str) -> Expr {
    Expr::template(vec![
        Part::Text(format!("arn:aws:cloudtrail:{region}:")),
        Part::Interp(Expr::local("account_id")),
        Part::Text(format!(":trail/{trail}")),
    ])
}

/// Load balancer name (at most 32 characters with the `-tg` suffix of its
/// target group).
pub fn load_balancer(inventory: &str, asset: &str, region: &str) -> String {
    let suffix = format!("-{}", region_code(region));
    let mut base = format!("{inventory}-{asset}").replace('_', "-");
    base.truncate(29 - suffix.len());
    format!("{}{suffix}", base.trim_end_matches('-'))
}

/// Identifier of an Aurora global database (one per asset, both regions).
pub fn global_cluster(inventory: &str, asset: &str) -> String {
    format!("{inventory}-{asset}")
}

/// ECR repository name of an asset.
pub fn repository(inventory: &str, asset: &str) -> String {
    format!("{inventory}/{asset}")
}

/// Name of a global accelerator.
pub fn accelerator(inventory: &str, asset: &str) -> String {
    format!("{inventory}-{asset}")
}

/// The DR root's promotion variable of the asset whose Terraform identifier
/// is `ident` (`<ident>_standby`): true while the asset stands by in DR,
/// false once a failover promotes it (a PostgreSQL cluster leaves standby,
/// a backup plan starts). Planned by the kinds, set by the runbook.
pub fn standby_variable(ident: &str) -> String {
    format!("{ident}_standby")
}

/// Name prefix of a database's master secret (Secrets Manager adds a suffix).
pub fn master_secret_prefix(identifier: &str) -> String {
    format!("{identifier}-master-")
}

/// Terraform label of a hosted zone: `shop.example.org` → `shop_example_org`.
pub fn zone_label(zone: &str) -> String {
    zone.trim_end_matches('.').replace(['.', '-'], "_")
}

/// The fact (and primary output) naming the listener of accelerator
/// `label`, which the DR root's endpoint group and the runbook read.
pub fn listener_fact(label: &str) -> String {
    format!("{label}_listener_arn")
}

/// SSM path of an inventory's fact store (in its DR region).
pub fn fact_store_path(inventory: &str) -> String {
    format!("/acmegen/{inventory}")
}

/// The failover marker's name in the fact store (see [`failover_marker`]):
/// the roots read it as a fact, `module.facts.names` holds it while a
/// failover is declared.
pub const FAILOVER_MARKER_FACT: &str = "failover/declared";

/// SSM parameter (in the DR region, under the fact store) that marks a
/// declared failover: the runbook's failover writes it first, its failback
/// deletes it last. While it exists the CI's apply workflow applies neither
/// root (a push would apply the DR root without the failover values), and
/// every plan of either root fails unless `var.failover_acknowledged` holds
/// its value, the time of the declaration (the runbook's
/// `incident.auto.tfvars`, see [`INCIDENT_TFVARS`]): an apply by hand or by
/// `acmegen deploy` would put the standby values back.
pub fn failover_marker(inventory: &str) -> String {
    format!("{}/{FAILOVER_MARKER_FACT}", fact_store_path(inventory))
}

/// A shell glob that matches exactly the failover marker's values the
/// runbook writes (`date -u +%Y-%m-%dT%H:%M:%SZ`): what the workflows and
/// the runbook pass on from the marker, a value anyone with write access to
/// the parameter sets, is checked against it first.
pub const DECLARED_TIME_GLOB: &str = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z";

/// The file in each root's directory that acknowledges a declared failover
/// (`failover_acknowledged = "<the marker's value>"`): the runbook's
/// failover writes the DR root's, its failback both, and its last step
/// deletes them with the marker.
pub const INCIDENT_TFVARS: &str = "incident.auto.tfvars";

/// Default prefix of the state buckets of an inventory.
pub fn state_bucket_prefix(inventory: &str, configured: Option<&str>) -> String {
    configured.map_or_else(|| format!("{inventory}-tfstate"), str::to_string)
}

/// Alias of the key that encrypts the state buckets.
pub fn state_key_alias(inventory: &str) -> String {
    format!("alias/{inventory}-tfstate")
}

/// Alias of the region key: the first kms asset's, or the implicit one.
pub fn key_alias(inventory: &str, kms_asset: Option<&str>) -> String {
    format!("alias/{inventory}-{}", kms_asset.unwrap_or("default"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        assert_eq!(region_code("us-east-2"), "use2");
        assert_eq!(region_code("us-west-1"), "usw1");
        assert_eq!(region_code("ap-southeast-2"), "apse2");
        assert_eq!(region_code("eu-central-1"), "euc1");
    }

    #[test]
    fn names_fit_aws_limits() {
        assert_eq!(
            load_balancer("acme-multiregion", "ingress", "us-east-1"),
            "acme-multiregion-ingress-use1"
        );
        assert!(load_balancer("a-very-long-inventory-name", "and_asset", "ap-southeast-2").len() <= 29);
        assert_eq!(
            bucket("shop", "data", "us-east-2").render(),
            "\"shop-data-${local.account_id}-us-east-2\""
        );
        assert_eq!(
            bucket_in_shell("shop", "data", "$ACCOUNT_ID", "us-east-2"),
            "shop-data-$ACCOUNT_ID-us-east-2"
        );
    }

    /// Every module call acmegen adds by itself, in the examples and in an
    /// inventory with no network or key asset, has a label of
    /// [`IMPLICIT_LABELS`] (which validation keeps asset names off), and
    /// every label listed is used.
    #[test]
    fn every_implicit_label_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
        let mut texts: Vec<String> = std::fs::read_dir(&dir)
            .expect("inventory/")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("reads"))
            .collect();
        texts.push(
            "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n".into(),
        );
        let mut seen = std::collections::BTreeSet::new();
        for text in &texts {
            let plan = crate::kinds::testing::planned_text(text);
            for m in plan.roots().into_iter().flat_map(|r| r.modules.iter()) {
                if let crate::plan::Origin::Implicit { .. } = m.origin {
                    assert!(
                        IMPLICIT_LABELS.iter().any(|(l, _)| *l == m.label),
                        "implicit module call `{}` is not in IMPLICIT_LABELS",
                        m.label
                    );
                    seen.insert(m.label.clone());
                }
            }
        }
        for (label, _) in IMPLICIT_LABELS {
            assert!(seen.contains(*label), "`{label}` is listed but never planned");
        }
    }
}
