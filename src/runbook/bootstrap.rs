//! The first deployment, and how each hosted zone is delegated.

use super::*;

/// Public suffixes of two labels under which a name of three labels is
/// itself a registered domain (`example.co.uk`): the common ones, enough to
/// word the delegation of a zone right.
pub(super) const SECOND_LEVEL_SUFFIXES: [&str; 8] = ["co", "com", "net", "org", "gov", "edu", "ac", "ne"];

/// The parent zone `zone` is delegated from, or None when `zone` is a
/// registered domain (its name servers are set at the registrar).
pub(super) fn parent_zone(zone: &str) -> Option<String> {
    let labels: Vec<&str> = zone.trim_end_matches('.').split('.').collect();
    let registered =
        labels.len() <= 2 || (labels.len() == 3 && labels[2].len() == 2 && SECOND_LEVEL_SUFFIXES.contains(&labels[1]));
    (!registered).then(|| labels[1..].join("."))
}

pub(super) fn bootstrap(c: &Ctx<'_>) -> Vec<Step> {
    let plan = c.plan;
    let mut created = vec!["the state buckets of both roots".to_string()];
    if plan.bootstrap.autoscaling_slr {
        created.push("the EC2 Auto Scaling service-linked role".into());
    }
    if !plan.bootstrap.zones.is_empty() {
        created.push("the public hosted zones".into());
    }
    if !plan.bootstrap.validations.is_empty() {
        created.push("the certificates' DNS validation records".into());
    }
    let mut verify = vec![format!(
        "`{}` and `{}` exist, versioned and KMS-encrypted; keep `{}/bootstrap/terraform.tfstate` safe (applied again without it, the root adopts what its fact store records instead of creating second copies).",
        plan.primary.state_bucket("$ACCOUNT_ID"),
        plan.dr.state_bucket("$ACCOUNT_ID"),
        c.dir
    )];
    if plan.bootstrap.autoscaling_slr {
        verify.push(format!(
            "`aws iam get-role --role-name AWSServiceRoleForAutoScaling` succeeds (created, or adopted where the account had it). It is deletion-protected: to tear this root down and leave the role to the account, first `{}`.",
            c.tf("bootstrap", "state rm module.service_linked_roles")
        ));
    }
    let mut steps = vec![Step::new(
        format!("Create {} (once per inventory and account)", created.join(", ")),
        vec![ACCOUNT.into(), c.tf("bootstrap", "init"), c.tf("bootstrap", "apply")],
        verify,
    )];
    for z in &plan.bootstrap.zones {
        let output = c.tf("bootstrap", &format!("output {}_name_servers", z.label));
        let dig = format!("`dig +short NS {}` lists those name servers; certificates of the roots validate through this zone, so apply them only after delegation.", z.name);
        steps.push(match parent_zone(&z.name) {
            Some(parent) => Step::new(
                format!("Delegate `{}` to its new hosted zone: NS records in the parent zone `{parent}`", z.name),
                vec![
                    output,
                    format!("aws route53 list-hosted-zones-by-name --dns-name {parent} --max-items 1 --query 'HostedZones[0].[Name,Id]' --output text   # if {parent} is hosted in Route 53"),
                ],
                vec![
                    format!("The parent zone `{parent}` has an NS record set `{}` listing exactly those name servers (a subdomain is delegated by its parent zone, wherever that zone is hosted; only a registered domain's name servers are set at the registrar).", z.name),
                    dig,
                ],
            ),
            None => Step::new(
                format!("Delegate `{}` to its new hosted zone: name servers at the domain's registrar", z.name),
                vec![output],
                vec![
                    format!("The registrar of `{}` lists exactly those name servers (a registered domain is delegated by its registrar).", z.name),
                    dig,
                ],
            ),
        });
    }
    for (root, name) in [(&plan.primary, "primary"), (&plan.dr, "dr")] {
        let required: Vec<&str> = root
            .variables
            .iter()
            .filter(|v| v.example.is_some())
            .map(|v| v.name.as_str())
            .collect();
        if !required.is_empty() {
            steps.push(Step::new(
                format!(
                    "Give the {name} root the values only you know ({})",
                    required.join(", ")
                ),
                vec![format!(
                    "cp {0}/{name}/terraform.tfvars.example {0}/{name}/terraform.tfvars   # then edit it",
                    c.dir
                )],
                vec![
                    "`terraform.tfvars` sets every variable without a default; acmegen keeps it across renders.".into(),
                ],
            ));
        }
    }
    steps.push(Step::new(
        format!("Apply the DR root first ({})", c.dr),
        vec![ACCOUNT.into(), init(c, &plan.dr), c.tf("dr", "apply")],
        vec!["DR network, keys, buckets and registries exist and the DR root has published its facts (SSM parameters under `".to_string() + &fact_store_path(&c.inv.name) + "/dr/`), so the primary can replicate and peer into them. Copies of primary databases wait for the primary's facts."],
    ));
    steps.push(Step::new(
        format!("Apply the primary root ({})", c.primary),
        vec![ACCOUNT.into(), init(c, &plan.primary), c.tf("primary", "apply")],
        vec![format!("Every primary output is set; replication rules point at the DR buckets and registry; the primary's facts are published under `{}/primary/` in {}.", fact_store_path(&c.inv.name), c.dr)],
    ));
    steps.push(Step::new(
        "Apply the DR root again: replicas and cross-region links join what the primary published",
        vec![c.tf("dr", "apply")],
        vec!["Replication runs: read replicas and secondary clusters are `available` in the DR region, buckets show replicated objects; no value was copied by hand.".into()],
    ));
    steps
}
