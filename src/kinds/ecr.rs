//! `ecr`: a container repository per region (immutable tags, scan on push,
//! KMS); `replica` adds the repository to the registry's replication into DR.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{names, Expr, Origin, Planner};
use crate::validate::{Check, ValidAsset};

/// The ecr kind.
pub const SPEC: Spec = Spec {
    name: "ecr",
    summary: "ECR repository; DR: the repository, replica: registry replication into it",
    dr: &[DrStrategy::Active, DrStrategy::Replica, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["image_tag", "dr_image_tag"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft {
        dr: (DrStrategy::Replica, "replicated into the DR region"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["ecr", "ecr_replication"],
    import_keywords: &[" ecr ", " container registry", " image registry"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &["replication.ecr.amazonaws.com"],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// A repository's fields.
#[derive(Debug, Clone)]
pub struct Options {
    /// The application image tag deployed from it.
    pub image_tag: Option<String>,
}

/// The DR region deploys the same tag (a design-doc pre-step).
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if let (Some(tag), Some(dr_tag)) = (&a.image_tag, &a.dr_image_tag) {
        if tag != dr_tag && a.in_dr() {
            c.error(
                "dr_image_tag",
                format!("DR image tag {dr_tag} differs from primary image tag {tag}"),
                "the DR plan requires the same application version in both regions: deploy the same tag",
            );
        }
    }
    Options {
        image_tag: a.image_tag.clone(),
    }
}

/// The repository.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, _o: &Options) {
    let id = a.ident();
    let mut m = p.call(&id, "ecr", a);
    m.arg("repository_name", Expr::s(names::repository(p.inventory(), &a.name)))
        .arg("kms_key_arn", p.kms());
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_repository_url"),
        format!("URL of repository {}.", a.name),
        Expr::module(&id, "repository_url"),
    );
}

/// In the primary root: one registry-wide replication rule for the replica
/// repositories (the registry has a single replication configuration).
pub fn plan_replication(p: &mut Planner<'_>) {
    if !p.primary() {
        return;
    }
    let inventory = p.inventory().to_string();
    let prefixes: Vec<String> = p
        .v
        .assets
        .iter()
        .filter(|a| a.kind == Kind::Ecr && a.dr == DrStrategy::Replica)
        .map(|a| names::repository(&inventory, &a.name))
        .collect();
    if prefixes.is_empty() {
        return;
    }
    let mut m = p.implicit_call(
        "ecr_replication",
        "ecr_replication",
        Origin::Implicit {
            what: "registry replication",
            kind: Some(Kind::Ecr),
        },
        "Registry-wide replication of the replica repositories into the DR region".into(),
    );
    m.arg("destination_region", Expr::s(p.peer_region()))
        .arg("repository_prefixes", Expr::strs(prefixes));
    p.push(m, None);
}

/// Recovery objectives: the DR registry serves what was replicated.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::Replica => crate::objectives::Estimate::new(
            "0: the DR registry serves the replicated images",
            "images pushed before the outage (replication takes minutes)",
            "registry replication of the repository prefix",
            crate::objectives::NOTHING,
        ),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

/// An error on `image` when `a` runs in DR but pulls from repository
/// `ecr`, which is not replicated there (the DR root would reference a
/// module call it does not have).
pub(crate) fn check_pulled_in_dr(c: &mut Check<'_>, a: &Asset, ecr: &Asset) {
    if a.in_dr() && !ecr.in_dr() {
        c.error(
            "image",
            format!("`{}` runs in DR but repository `{}` is not replicated there", a.name, ecr.name),
            format!("set `dr: replica` on `{}`, or keep `{}` out of DR", ecr.name, a.name),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, module, planned};

    #[test]
    fn ecr_replica_adds_one_registry_replication_rule_in_the_primary() {
        let p = planned("  - {kind: ecr, name: api, dr: replica}\n  - {kind: ecr, name: web, dr: active}\n");
        let r = module(&p.primary, "ecr_replication").unwrap();
        assert_eq!(arg(r, "repository_prefixes"), "[\"t/api\"]");
        assert_eq!(arg(r, "destination_region"), "\"us-west-1\"");
        assert!(module(&p.dr, "ecr_replication").is_none());
        assert!(module(&p.dr, "api").is_some() && module(&p.dr, "web").is_some());
    }
}
