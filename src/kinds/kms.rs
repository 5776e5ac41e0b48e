//! `kms`: the customer-managed key of a region. Every region that holds
//! encrypted assets gets one: the inventory's kms assets, or an implicit key.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{names, Expr, Origin, Planner};
use crate::validate::{Check, ValidAsset};

/// The kms kind.
pub const SPEC: Spec = Spec {
    name: "kms",
    summary: "customer-managed KMS key (rotation on); DR gets an independent key under the same alias",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &[],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["kms"],
    import_keywords: &[" kms ", " encryption key"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// A kms asset has no options of its own.
#[derive(Debug, Clone)]
pub struct Options;

/// Nothing beyond the common checks.
pub fn check(_c: &mut Check<'_>, _a: &Asset) -> Options {
    Options
}

/// Keys are planned for the whole region by [`plan_keys`].
pub fn plan(_p: &mut Planner<'_>, _a: &ValidAsset, _o: &Options) {}

/// The keys of the region `p` plans: the inventory's kms assets present
/// here, or an implicit one when something needs a key and none is listed.
/// The first key encrypts the region's assets, and takes over EBS default
/// encryption where the inventory asks for it.
pub fn plan_keys(p: &mut Planner<'_>) {
    let keys: Vec<&ValidAsset> = p.assets().filter(|a| a.kind == crate::inventory::Kind::Kms).collect();
    let needs = p.has_vpc() || p.assets().any(|a| a.kind.needs_kms()) || !keys.is_empty();
    if !needs {
        return;
    }
    let inventory = p.inventory().to_string();
    let ebs_default = p.v.inventory.ebs_default_encryption;
    let autoscaling = p.uses_autoscaling();
    if keys.is_empty() {
        let mut m = p.implicit_call(
            "kms",
            "kms",
            Origin::Implicit {
                what: "region key",
                kind: Some(crate::inventory::Kind::Kms),
            },
            "Default customer-managed key of this region (the inventory lists no kms asset)".into(),
        );
        m.arg(
            "name",
            Expr::s(format!("{inventory}-default-{}", names::region_code(p.region()))),
        )
        .arg("alias", Expr::s(names::key_alias(&inventory, None)))
        .arg(
            "description",
            Expr::s(format!("Default encryption key of {inventory} in {}", p.region())),
        )
        .arg("ebs_encryption_by_default", Expr::Bool(ebs_default))
        .arg("autoscaling_service_linked_role", Expr::Bool(autoscaling));
        let tags = p.tags(None);
        p.push(m, Some(tags));
    }
    let first = p.kms_label().to_string();
    for k in keys {
        let id = k.ident();
        let mut m = p.call(&id, "kms", k);
        m.arg("name", Expr::s(p.name(k)))
            .arg("alias", Expr::s(names::key_alias(&inventory, Some(&k.name))))
            .arg(
                "description",
                Expr::s(k.purpose.clone().unwrap_or_else(|| format!("{} key", k.name))),
            )
            .arg("ebs_encryption_by_default", Expr::Bool(ebs_default && id == first))
            .arg("autoscaling_service_linked_role", Expr::Bool(id == first && autoscaling));
        let tags = p.tags(Some(k));
        p.push(m, Some(tags));
        p.output(
            format!("{id}_key_arn"),
            format!("ARN of KMS key {}.", k.name),
            Expr::module(&id, "key_arn"),
        );
    }
}

/// Recovery objectives: a key per region: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, module, planned};

    #[test]
    fn an_implicit_key_where_assets_need_one_and_ebs_default_untouched() {
        let p = planned("  - {kind: s3, name: data, dr: replica}\n");
        for root in p.roots() {
            let kms = module(root, "kms").unwrap();
            assert_eq!(arg(kms, "ebs_encryption_by_default"), "false");
            assert_eq!(arg(kms, "alias"), "\"alias/t-default\"");
        }
    }

    #[test]
    fn a_listed_key_replaces_the_implicit_one_in_each_region() {
        let p = planned("  - {kind: kms, name: main, dr: active}\n  - {kind: s3, name: data, dr: replica}\n");
        for root in p.roots() {
            assert!(module(root, "kms").is_none());
            assert_eq!(arg(module(root, "main").unwrap(), "alias"), "\"alias/t-main\"");
            assert_eq!(arg(module(root, "data").unwrap(), "kms_key_arn"), "module.main.key_arn");
        }
    }
}
