//! `vpc`: the network of a region (public and private subnets per AZ, NAT,
//! flow logs). A region whose assets need a network gets one: the
//! inventory's vpc asset, or an implicit network.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{names, Expr, Origin, Planner};
use crate::validate::{Check, ValidAsset};

/// The vpc kind.
pub const SPEC: Spec = Spec {
    name: "vpc",
    summary: "VPC with public/private subnets per AZ, IGW, NAT, flow logs; DR gets its own (CIDR from network.dr)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &[],
    size: SizeClass::None,
    needs_vpc: false,
    needs_kms: true,
    singleton: true,
    modules: &["vpc"],
    import_keywords: &[" vpc ", " network "],
    default_qty: 1,
    quantity: Quantity::None,
    db_client_group: None,
    alarms: &[],
};

/// A vpc asset has no options: the network comes from `network:`.
#[derive(Debug, Clone)]
pub struct Options;

/// A VPC kept out of DR must not strand assets that run there.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if !a.in_dr() {
        if let Some(user) = c.inventory().assets.iter().find(|x| x.kind.needs_vpc() && x.in_dr()) {
            c.error(
                "dr",
                format!(
                    "the VPC has `dr: none` but `{}` runs in DR and needs a network there",
                    user.name
                ),
                "set `dr: active` on the vpc asset",
            );
        }
    }
    Options
}

/// The network is planned for the whole region by [`plan_network`].
pub fn plan(_p: &mut Planner<'_>, _a: &ValidAsset, _o: &Options) {}

/// The network of the region `p` plans, when any asset there needs one (or
/// the inventory lists a vpc).
pub fn plan_network(p: &mut Planner<'_>) {
    if !p.has_vpc() {
        return;
    }
    let explicit = p
        .assets()
        .find(|a| a.kind == Kind::Vpc)
        .or_else(|| p.v.assets.iter().find(|a| a.kind == Kind::Vpc));
    let label = p.vpc_label().to_string();
    let mut m = match explicit {
        Some(a) => p.call(&label, "vpc", a),
        None => p.implicit_call(
            &label,
            "vpc",
            Origin::Implicit {
                what: "region network",
                kind: Some(Kind::Vpc),
            },
            "Default network: the inventory lists no vpc asset".into(),
        ),
    };
    let l = p.layout;
    m.arg(
        "name",
        Expr::s(format!("{}-{}", p.inventory(), names::region_code(p.region()))),
    )
    .arg("cidr", Expr::s(l.cidr.to_string()))
    .arg("public_subnets", Expr::strs(l.public.iter().map(|c| c.to_string())))
    .arg("private_subnets", Expr::strs(l.private.iter().map(|c| c.to_string())))
    .arg("nat_gateway_per_az", Expr::Bool(l.nat_per_az))
    .arg("kms_key_arn", p.kms());
    let excluded = crate::catalog::eks_unsupported_az_ids(p.region());
    if p.assets().any(|a| a.kind == Kind::Eks) && !excluded.is_empty() {
        m.arg("excluded_az_ids", Expr::strs(excluded));
    }
    let tags = p.tags(explicit);
    p.push(m, Some(tags));
    for (out, what) in [
        ("vpc_id", "ID of the VPC."),
        ("private_subnet_ids", "Private subnets, one per AZ."),
        ("public_subnet_ids", "Public subnets, one per AZ."),
    ] {
        p.output(out.into(), what.into(), Expr::module(&label, out));
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, module, planned};

    const VM: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: DR}\n";

    #[test]
    fn implicit_vpc_and_kms_are_created_where_needed() {
        let p = planned(&VM.replace("DR", "active"));
        for root in p.roots() {
            assert_eq!(module(root, "vpc").unwrap().source, "vpc");
            assert_eq!(arg(module(root, "app").unwrap(), "kms_key_arn"), "module.kms.key_arn");
        }
        assert_eq!(arg(module(&p.primary, "vpc").unwrap(), "cidr"), "\"10.0.0.0/16\"");
        assert_eq!(arg(module(&p.dr, "vpc").unwrap(), "cidr"), "\"10.1.0.0/16\"");
        // us-west-1 has two AZs: the default plan uses both, not three.
        assert_eq!(
            arg(module(&p.dr, "vpc").unwrap(), "public_subnets"),
            "[\"10.1.0.0/24\", \"10.1.1.0/24\"]"
        );
    }

    #[test]
    fn dr_none_leaves_the_dr_root_without_the_asset_or_network() {
        let p = planned(&VM.replace("DR", "none"));
        assert!(module(&p.primary, "app").is_some());
        assert!(module(&p.dr, "app").is_none());
        assert!(module(&p.dr, "vpc").is_none(), "no VPC in DR when nothing there needs one");
    }
}
