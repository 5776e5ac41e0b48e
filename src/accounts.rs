//! Checks across the inventories of one AWS account. AWS keeps some settings
//! once per account and region, and every inventory's roots manage theirs as
//! if they were alone: two inventories that say they share an account
//! (`account:`) are checked together where that is not so.
//!
//! - The ECR registry's replication configuration: one per registry, and
//!   PutReplicationConfiguration replaces it whole, so the primary root that
//!   applies last would drop the other inventory's rule (its DR registry then
//!   stops receiving images).
//! - EBS encryption by default and its key: each apply would set the region's
//!   default to its own key, and a destroy would turn it off for everyone.
//! - The GitHub OIDC provider of the CI roles: one per account and URL, so
//!   one inventory creates it (`ci.oidc_provider: create`) and the others
//!   read it (`existing`); a second creation fails the bootstrap's apply.
//! - The regional quotas that add up across inventories (Elastic IPs, load
//!   balancers, EKS clusters): each inventory alone fits, the account may not.
//!
//! Inventories without `account:` are taken to be each in an account of its
//! own; the checks run in `render` and `check` over the inventories they read.

use crate::diagnostics::Diagnostic;
use crate::inventory::source_map::Seg;
use crate::inventory::{DrStrategy, Kind, Loaded};
use crate::quotas;
use std::collections::BTreeMap;

/// The quotas whose usage adds up across the inventories of an account (the
/// default VPC counts once per region, vCPUs are checked at plan time).
const SHARED_QUOTAS: &[&str] = &["elastic_ips", "application_load_balancers", "eks_clusters"];

/// What the inventories sharing an account get wrong together, in inventory
/// order (empty: nothing).
pub fn check(inventories: &[&Loaded]) -> Vec<Diagnostic> {
    let mut accounts: BTreeMap<&str, Vec<&Loaded>> = BTreeMap::new();
    for l in inventories {
        if let Some(account) = l.inventory.account.as_deref() {
            accounts.entry(account).or_default().push(l);
        }
    }
    let mut out = Vec::new();
    for (account, members) in &accounts {
        if members.len() > 1 {
            registry_replication(account, members, &mut out);
            ebs_default(account, members, &mut out);
            github_provider(account, members, &mut out);
            shared_quotas(account, members, &mut out);
        }
    }
    out
}

/// The first asset of `l` that the primary root replicates through the
/// registry's replication configuration.
fn replicated_registry(l: &Loaded) -> Option<usize> {
    l.inventory
        .assets
        .iter()
        .position(|a| a.kind == Kind::Ecr && a.dr == DrStrategy::Replica)
}

fn registry_replication(account: &str, members: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let mut owners: BTreeMap<&str, &Loaded> = BTreeMap::new();
    for l in members {
        let Some(i) = replicated_registry(l) else { continue };
        let region = l.inventory.regions.primary.as_str();
        match owners.get(region) {
            None => {
                owners.insert(region, l);
            }
            Some(owner) => out.push(l.error(
                &[Seg::Key("assets"), Seg::Index(i)],
                format!(
                    "`{}` replicates ECR repositories out of {region}, and so does {} in the same account `{account}`: a registry has one replication configuration, and the primary root applied last would replace the other's rule (its DR region would stop receiving images)",
                    l.inventory.assets[i].name,
                    owner.path.display()
                ),
                format!(
                    "keep the replicated repositories of account `{account}` in {region} in one inventory, or give this inventory another primary region or another `account:`"
                ),
            )),
        }
    }
}

fn ebs_default(account: &str, members: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let mut owners: BTreeMap<&str, &Loaded> = BTreeMap::new();
    for l in members.iter().filter(|l| l.inventory.ebs_default_encryption) {
        let regions = [&l.inventory.regions.primary, &l.inventory.regions.dr];
        let taken: Vec<(&str, &Loaded)> = regions
            .iter()
            .filter_map(|r| owners.get(r.as_str()).map(|o| (r.as_str(), *o)))
            .collect();
        if let Some((region, owner)) = taken.first() {
            out.push(l.error(
                &[Seg::Key("ebs_default_encryption")],
                format!(
                    "EBS encryption by default in {region} is an account-wide setting that {} already manages in account `{account}`: each apply would set the region's default key to its own, and a destroy would turn the setting off for both",
                    owner.path.display()
                ),
                format!(
                    "let one inventory of account `{account}` manage it: remove `ebs_default_encryption` here (acmegen's own volumes carry their keys either way; where this inventory's roots were applied with it, run `terraform state rm 'module.<kms>.aws_ebs_encryption_by_default.account[0]' 'module.<kms>.aws_ebs_default_kms_key.account[0]'` in both roots first, or the next apply turns the setting off)"
                ),
            ));
            continue;
        }
        for r in regions {
            owners.insert(r.as_str(), l);
        }
    }
}

fn github_provider(account: &str, members: &[&Loaded], out: &mut Vec<Diagnostic>) {
    let creates = |l: &&&Loaded| {
        l.inventory
            .ci
            .as_ref()
            .is_some_and(|ci| ci.oidc_provider == crate::inventory::ci::OidcProvider::Create)
    };
    let mut creators = members.iter().filter(creates);
    let Some(first) = creators.next() else { return };
    for l in creators {
        out.push(l.error(
            &[Seg::Key("ci")],
            format!(
                "this bootstrap creates the account's GitHub OIDC provider, and so does {}'s in the same account `{account}`: IAM holds one provider per URL, so the second apply fails (EntityAlreadyExists)",
                first.path.display()
            ),
            format!("set `oidc_provider: existing` under `ci:` here (the bootstrap then reads the provider {} creates; apply that bootstrap first)", first.path.display()),
        ));
    }
}

fn shared_quotas(account: &str, members: &[&Loaded], out: &mut Vec<Diagnostic>) {
    for key in SHARED_QUOTAS {
        let quota = quotas::QUOTAS.iter().find(|q| q.key == *key).expect("a listed quota");
        // Region → (inventory, its usage there).
        let mut by_region: BTreeMap<String, Vec<(&Loaded, quotas::Usage)>> = BTreeMap::new();
        for l in members {
            for u in quotas::usage(&l.inventory, key) {
                if u.total > 0 {
                    by_region.entry(u.region.clone()).or_default().push((l, u));
                }
            }
        }
        for (region, uses) in by_region {
            if uses.len() < 2 {
                continue;
            }
            let total: u32 = uses.iter().map(|(_, u)| u.total).sum();
            let limit = uses
                .iter()
                .map(|(l, _)| quotas::limit(&l.inventory.quotas, &region, quota))
                .max()
                .unwrap_or(quota.default);
            if total <= limit {
                continue;
            }
            let (last, _) = uses.last().expect("two or more");
            let each = uses
                .iter()
                .map(|(l, u)| format!("{} {} ({})", l.path.display(), u.total, u.parts.join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
            out.push(last.error(
                &[Seg::Key("regions")],
                format!(
                    "the inventories of account `{account}` plan {total} {} in {region} together, above the account's {limit}: {each}",
                    quota.what
                ),
                format!(
                    "raise the quota (`{}`) and state the new value in the `quotas:` of each inventory of account `{account}` ({{{region}: {{{}: {total}}}}}), or move an inventory to another region or account",
                    quotas::raise_command(quota, total, &region),
                    quota.key
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn loaded(file: &str, body: &str) -> Loaded {
        crate::inventory::parse(body, Path::new(file)).expect("parses")
    }

    const ECR: &str = "  - {kind: ecr, name: images, dr: replica}\n";

    fn inv(name: &str, account: Option<&str>, regions: (&str, &str), extra: &str, assets: &str) -> String {
        format!(
            "name: {name}\nowner: me\n{}{extra}regions: {{primary: {}, dr: {}}}\nassets:\n{assets}",
            account.map_or(String::new(), |a| format!("account: {a}\n")),
            regions.0,
            regions.1
        )
    }

    #[test]
    fn two_inventories_of_an_account_cannot_both_replicate_a_registry() {
        let a = loaded("a.yaml", &inv("a", Some("prod"), ("us-east-1", "us-west-2"), "", ECR));
        let b = loaded(
            "b.yaml",
            &inv(
                "b",
                Some("prod"),
                ("us-east-1", "eu-west-1"),
                "",
                &format!("  - {{kind: vpc, name: net, dr: active}}\n{ECR}"),
            ),
        );
        let found = check(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert_eq!((d.file.as_path(), d.line), (Path::new("b.yaml"), 7), "{d:?}");
        assert!(
            d.message.contains(
                "`images` replicates ECR repositories out of us-east-1, and so does a.yaml in the same account `prod`"
            ),
            "{}",
            d.message
        );
        // Other regions, other accounts, or no account: nothing shared.
        let c = loaded("c.yaml", &inv("c", Some("prod"), ("us-east-2", "us-west-2"), "", ECR));
        let d2 = loaded(
            "d.yaml",
            &inv("d", Some("staging"), ("us-east-1", "us-west-2"), "", ECR),
        );
        let e = loaded("e.yaml", &inv("e", None, ("us-east-1", "us-west-2"), "", ECR));
        assert!(check(&[&a, &c, &d2, &e]).is_empty());
    }

    #[test]
    fn one_inventory_of_an_account_manages_ebs_default_encryption_in_a_region() {
        let vpc = "  - {kind: vpc, name: net, dr: active}\n";
        let a = loaded(
            "a.yaml",
            &inv(
                "a",
                Some("prod"),
                ("us-east-2", "us-west-1"),
                "ebs_default_encryption: true\n",
                vpc,
            ),
        );
        // Its DR region is a's DR region.
        let b = loaded(
            "b.yaml",
            &inv(
                "b",
                Some("prod"),
                ("eu-west-1", "us-west-1"),
                "ebs_default_encryption: true\n",
                vpc,
            ),
        );
        let found = check(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].file.as_path(), found[0].line), (Path::new("b.yaml"), 4));
        assert!(
            found[0].message.contains("in us-west-1") && found[0].help.contains("terraform state rm"),
            "{found:?}"
        );
        let off = loaded("b.yaml", &inv("b", Some("prod"), ("eu-west-1", "us-west-1"), "", vpc));
        assert!(check(&[&a, &off]).is_empty());
    }

    #[test]
    fn one_inventory_of_an_account_creates_its_github_provider() {
        let ci = |provider: &str| {
            format!("ci: {{repository: acme/infra, acmegen: {{path: .}}, oidc_provider: {provider}}}\n")
        };
        let vpc = "  - {kind: vpc, name: net, dr: active}\n";
        let a = loaded(
            "a.yaml",
            &inv("a", Some("prod"), ("us-east-2", "us-west-1"), &ci("create"), vpc),
        );
        let b = loaded(
            "b.yaml",
            &inv("b", Some("prod"), ("eu-west-1", "eu-west-2"), &ci("create"), vpc),
        );
        let found = check(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].file.as_path(), found[0].line), (Path::new("b.yaml"), 4));
        assert!(found[0].help.contains("`oidc_provider: existing`"), "{found:?}");
        let b = loaded(
            "b.yaml",
            &inv("b", Some("prod"), ("eu-west-1", "eu-west-2"), &ci("existing"), vpc),
        );
        assert!(check(&[&a, &b]).is_empty());
    }

    #[test]
    fn drill_copies_share_a_drill_account_of_their_own() {
        let ci = "ci: {repository: acme/infra, acmegen: {path: .}}\n";
        let a = loaded("a.yaml", &inv("a", Some("prod"), ("us-east-1", "us-west-2"), ci, ECR));
        let copy = crate::ci::workflows::drill_copy(&a.inventory);
        assert_eq!(copy.account.as_deref(), Some("prod-drill"));
        // Rendered beside the inventories (inventory/<drill>.yaml): the copy
        // creates the drill account's provider and replicates its registry
        // there, not in the production account.
        let drill = loaded("a-drill.yaml", &crate::ci::workflows::drill_yaml(&a.inventory));
        assert_eq!(drill.inventory.account.as_deref(), Some("prod-drill"));
        assert!(check(&[&a, &drill]).is_empty());
    }

    #[test]
    fn quotas_add_up_across_the_inventories_of_an_account() {
        // Each alone fits the default 5 in us-east-2, together they do not.
        let eips = "  - {kind: vm, name: app, size: t3.micro, qty: 1, dr: none}\n  - {kind: eip, name: ips, qty: 1, target: app, dr: none}\n";
        let a = loaded("a.yaml", &inv("a", Some("prod"), ("us-east-2", "us-west-1"), "", eips));
        let b = loaded("b.yaml", &inv("b", Some("prod"), ("us-east-2", "eu-west-1"), "", eips));
        let alone = |l: &Loaded| quotas::usage(&l.inventory, "elastic_ips")[0].total;
        assert!(
            alone(&a) <= 5 && alone(&a) + alone(&b) > 5,
            "{} {}",
            alone(&a),
            alone(&b)
        );
        let found = check(&[&a, &b]);
        assert_eq!(found.len(), 1, "{found:?}");
        let d = &found[0];
        assert!(d.message.starts_with(&format!("the inventories of account `prod` plan {} Elastic IP addresses in us-east-2 together, above the account's 5: a.yaml", alone(&a) + alone(&b))), "{}", d.message);
        assert!(
            d.help.contains(
                "aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3"
            ),
            "{}",
            d.help
        );
        // A raised quota stated in the account's inventories.
        let raised = "quotas: {us-east-2: {elastic_ips: 10}}\n";
        let a = loaded(
            "a.yaml",
            &inv("a", Some("prod"), ("us-east-2", "us-west-1"), raised, eips),
        );
        assert!(check(&[&a, &b]).is_empty());
    }
}
