//! `vpc`: the network of a region (public and private subnets per AZ, NAT,
//! flow logs). A region whose assets need a network gets one: the
//! inventory's vpc asset, or an implicit network.

use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::cidr::Cidr;
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::diagnostics::Diagnostic;
use crate::inventory::{Loaded, Seg};
use crate::plan::nacl::{self, Exposure, NetworkAcls, Tier};
use crate::plan::{names, present, Expr, ModuleCall, Origin, Planner, Role};
use crate::validate::{Check, ValidAsset, Validated};

/// The vpc kind.
pub const SPEC: Spec = Spec {
    name: "vpc",
    summary: "VPC with public/private subnets per AZ, IGW, NAT, flow logs; DR gets its own (CIDR from network.dr)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["network_acls"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: true,
    singleton: true,
    modules: &["vpc"],
    import_keywords: &[" vpc ", " network "],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// A vpc asset's options (the ranges come from `network:`).
#[derive(Debug, Clone)]
pub struct Options {
    /// A network ACL per subnet tier (see [`crate::plan::nacl`]).
    pub network_acls: bool,
}

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
    Options {
        network_acls: a.network_acls.unwrap_or(false),
    }
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
    if super::rds::has_clients_group(p) {
        m.arg("database_clients_group", Expr::Bool(true));
    }
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

/// With `network_acls: true`, give the region's network module a network
/// ACL per subnet tier, derived from what the root's module calls expose
/// (run after every asset is planned).
pub fn plan_network_acls(p: &mut Planner<'_>) {
    let wanted = p.assets().any(|a| matches!(&a.options, KindOptions::Vpc(o) if o.network_acls));
    if !wanted || !p.has_vpc() {
        return;
    }
    let mut e = Exposure::default();
    for m in &p.root.modules {
        expose(m, &mut e);
    }
    // The other region's hosts that admit this VPC: the primary's databases
    // its DR clients use, bastions whose SSH ranges cover this VPC.
    let other = if p.primary() { Role::Dr } else { Role::Primary };
    for a in p.v.assets.iter().filter(|a| present(a, other)) {
        match &a.options {
            KindOptions::Rds(o) if !p.primary() && super::rds::admits_dr_clients(p, a) => {
                e.to_peer.insert(o.db.engine.port());
            }
            KindOptions::Aurora(o) if !p.primary() && super::rds::admits_dr_clients(p, a) => {
                e.to_peer.insert(o.db.engine.port());
            }
            KindOptions::Bastion(o) => {
                let here = p.layout.cidr;
                if o.ssh_cidrs.iter().filter_map(|c| c.parse::<Cidr>().ok()).any(|c| c.overlaps(here)) {
                    e.to_peer.insert(22);
                }
            }
            _ => {}
        }
    }
    let peer = p.has_peering().then_some(p.peer_layout.cidr);
    let acls = nacl::derive(p.layout, peer, &e).to_expr();
    let label = p.vpc_label().to_string();
    if let Some(m) = p.root.modules.iter_mut().find(|m| m.label == label) {
        let at = m.args.iter().position(|(n, _)| n == "tags").unwrap_or(m.args.len());
        m.args.insert(at, ("network_acls".into(), acls));
    }
}

/// With `network_acls: true`, the ACLs of both regions are ones AWS
/// accepts ([`NetworkAcls::refused`]): at most [`nacl::RULES_PER_ACL`] rules
/// per tier and direction, each number once. An error at the vpc asset's
/// `network_acls` for each that is not. The ACLs are those the roots
/// render: planned here from the validated inventory `v`.
pub(crate) fn check_network_acls(loaded: &Loaded, v: &Validated) -> Vec<Diagnostic> {
    let Some(at) = loaded
        .inventory
        .assets
        .iter()
        .position(|a| a.kind == Kind::Vpc && a.network_acls == Some(true))
    else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for role in [Role::Primary, Role::Dr] {
        let root = Planner::new(v, role).run();
        let acls = root
            .modules
            .iter()
            .find(|m| m.source == "vpc")
            .and_then(|m| m.argument("network_acls"))
            .and_then(NetworkAcls::from_expr);
        for r in acls.iter().flat_map(NetworkAcls::refused) {
            errors.push(loaded.error(
                &[Seg::Key("assets"), Seg::Index(at), Seg::Key("network_acls")],
                refused_message(&r, &root.region),
                format!(
                    "it takes {}: use fewer of them (e.g. the same `port:` for the VMs behind load balancers), or set `network_acls: false` (the security groups still filter every flow)",
                    nacl::rules_taken_by(r.tier, r.egress)
                ),
            ));
        }
    }
    errors
}

/// Why AWS would refuse the rules `r` of a network ACL in `region`.
fn refused_message(r: &nacl::Refused, region: &str) -> String {
    let tier = if r.tier == Tier::Public { "public" } else { "private" };
    let direction = if r.egress { "outbound" } else { "inbound" };
    let acl = format!("the {tier} subnets' network ACL in {region}");
    match r.reused {
        Some(n) if r.rules <= nacl::RULES_PER_ACL => format!(
            "{acl} would number two {direction} rules {n}: more than the 10 of a block of rule numbers (Terraform stops at a duplicate object key)"
        ),
        _ => format!(
            "{acl} would hold {} {direction} rules; AWS allows {} per network ACL and direction (default quota)",
            r.rules,
            nacl::RULES_PER_ACL
        ),
    }
}

/// What the module call `m` exposes through its security groups.
fn expose(m: &ModuleCall, e: &mut Exposure) {
    let num = |name: &str| match m.argument(name) {
        Some(Expr::Num(n)) => u16::try_from(*n).ok(),
        _ => None,
    };
    let cidrs = |name: &str| -> Vec<Cidr> {
        match m.argument(name) {
            Some(Expr::List(items)) => items
                .iter()
                .filter_map(|i| match i {
                    Expr::Str(s) => s.parse().ok(),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    match m.source.as_str() {
        "alb" => {
            e.listeners.insert(80);
            if m.argument("https") == Some(&Expr::Bool(true)) {
                e.listeners.insert(443);
            }
            e.target_ports.extend(num("target_port"));
        }
        "vm" => {
            let public = m.argument("subnet_ids").is_some_and(|s| s.render().contains("public_subnet_ids"));
            let tier = if public { Tier::Public } else { Tier::Private };
            e.ssh.extend(cidrs("ssh_cidrs").into_iter().map(|c| (tier, c)));
        }
        "rds" | "aurora" if !cidrs("allowed_cidr_blocks").is_empty() => {
            e.db_from_peer.extend(num("port"));
        }
        _ => {}
    }
}

/// Recovery objectives: a VPC per region: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::own_copy(),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

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

    /// `n` VMs on ports of their own, each behind a load balancer: a
    /// target port each in the private subnets' inbound ACL (with 3 AZs in
    /// us-east-2, 2 in us-west-1, answers and path MTU).
    fn load_balanced(n: usize, extra: &str) -> String {
        let mut assets = format!("  - {{kind: vpc, name: net, network_acls: true, dr: active}}\n{extra}");
        for i in 0..n {
            assets += &format!(
                "  - {{kind: vm, name: app{i}, size: t3.micro, image: nginx, port: {}, dr: active}}\n  - {{kind: alb, name: lb{i}, target: app{i}, dr: active}}\n",
                8000 + i
            );
        }
        assets
    }

    #[test]
    fn network_acls_past_the_rules_quota_are_refused() {
        let private_inbound = |assets: &str, root: fn(&crate::plan::Plan) -> &crate::plan::RootPlan| {
            let p = planned(assets);
            let acls = module(root(&p), "net").unwrap().argument("network_acls").cloned().unwrap();
            crate::plan::nacl::NetworkAcls::from_expr(&acls).unwrap().private.inbound.len()
        };
        // us-east-2: 3 private subnets + 15 target ports + 2 = 20.
        assert!(errors(&load_balanced(15, "")).is_empty());
        assert_eq!(private_inbound(&load_balanced(15, ""), |p| &p.primary), 20);
        let e = errors(&load_balanced(16, ""));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("the private subnets' network ACL in us-east-2 would hold 21 inbound rules; AWS allows 20 per network ACL and direction"),
            "{e:?}"
        );
        assert!(e[0].contains("t.yaml:6:"), "at the vpc asset: {e:?}");
        assert!(e[0].contains("per distinct port the load balancers reach their targets on"), "{e:?}");
        // A database the DR clients reach over the peering takes one more
        // in the primary.
        let db = "  - {kind: vpc_peering, name: peer, dr: active}\n  - {kind: rds, name: db, size: db.t3.micro, engine: postgres, engine_version: \"16\", dr: none}\n";
        assert!(errors(&load_balanced(14, db)).is_empty());
        assert_eq!(private_inbound(&load_balanced(14, db), |p| &p.primary), 20);
        let e = errors(&load_balanced(15, db));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("in us-east-2 would hold 21 inbound rules"), "{e:?}");
        // Without network ACLs nothing is counted.
        assert!(errors(&load_balanced(16, "").replace("network_acls: true", "network_acls: false")).is_empty());
    }

    #[test]
    fn dr_none_leaves_the_dr_root_without_the_asset_or_network() {
        let p = planned(&VM.replace("DR", "none"));
        assert!(module(&p.primary, "app").is_some());
        assert!(module(&p.dr, "app").is_none());
        assert!(module(&p.dr, "vpc").is_none(), "no VPC in DR when nothing there needs one");
    }
}
