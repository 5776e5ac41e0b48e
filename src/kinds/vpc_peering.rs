//! `vpc_peering`: peering between the primary and the DR VPC. The primary
//! requests it once the DR root has published its VPC; the DR root accepts
//! it once the primary has published the connection (the fact store).

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// The vpc_peering kind.
pub const SPEC: Spec = Spec {
    name: "vpc_peering",
    summary: "peering between the primary and the DR VPC (primary requests, DR accepts, routes both ways)",
    // Without its DR side the primary's request would wait for an accepter
    // that never comes (and a half-open peering routes nothing).
    dr: &[DrStrategy::Active],
    dr_hints: &[(
        DrStrategy::None,
        "a peering connects the primary and the DR VPC, so it always has a DR side; remove the asset if the regions need no peering",
    )],
    targets: &[],
    fields: &[],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: true,
    two_azs: false,
    needs_kms: false,
    singleton: true,
    modules: &["vpc_peering_requester", "vpc_peering_accepter"],
    import_keywords: &[],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// Peering has no options.
#[derive(Debug, Clone)]
pub struct Options;

/// Nothing beyond the common checks.
pub fn check(_c: &mut Check<'_>, _a: &Asset) -> Options {
    Options
}

/// The requester (primary) or the accepter (DR) side, each gated on the
/// other root's fact; the facts stay in the store, so later applies (and a
/// failover apply) never drop the peering.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, _o: &Options) {
    let route_tables = 1 + p.layout.private.len() as i64;
    let label = a.ident();
    let peer_cidr = Expr::s(p.peer_layout.cidr.to_string());
    let mut m;
    if p.primary() {
        m = p.call(&label, "vpc_peering_requester", a);
        m.count = Some(p.once_published("vpc_id"));
        m.arg("name", Expr::s(p.name(a)))
            .arg("vpc_id", p.vpc("vpc_id"))
            .arg("peer_vpc_id", p.fact("vpc_id"))
            .arg("peer_region", Expr::s(p.peer_region()))
            .arg("peer_cidr", peer_cidr);
        let id = m.out_or_null("peering_connection_id");
        let ready = p.fact_present("vpc_id");
        p.publish("vpc_peering_connection_id", id.clone(), Some(ready));
        p.output(
            "vpc_peering_connection_id".into(),
            "Peering connection to the DR VPC (published to the fact store for the DR root).".into(),
            id,
        );
    } else {
        m = p.call(&label, "vpc_peering_accepter", a);
        m.count = Some(p.once_published("vpc_peering_connection_id"));
        m.arg("name", Expr::s(p.name(a)))
            .arg("peering_connection_id", p.fact("vpc_peering_connection_id"))
            .arg("peer_cidr", peer_cidr);
        let id = m.out_or_null("peering_connection_id");
        p.output(
            "vpc_peering_connection_id".into(),
            "Peering connection accepted from the primary VPC.".into(),
            id,
        );
        let vpc = p.vpc("vpc_id");
        p.publish("vpc_id", vpc, None);
    }
    m.arg("route_table_ids", p.vpc("route_table_ids"))
        .arg("route_table_count", Expr::Num(route_tables));
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
}

/// Recovery objectives: the peering connects the two regions' VPCs: nothing to fail over.
pub fn objective(_: &crate::objectives::Context<'_>, _: &Asset) -> crate::objectives::Estimate {
    crate::objectives::Estimate::own_copy()
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

    #[test]
    fn vpc_peering_requests_from_primary_and_accepts_in_dr() {
        let p = planned("  - {kind: vpc, name: net, dr: active}\n  - {kind: vpc_peering, name: peer, dr: active}\n");
        let req = module(&p.primary, "peer").unwrap();
        assert_eq!(req.source, "vpc_peering_requester");
        assert_eq!(arg(req, "peer_cidr"), "\"10.1.0.0/16\"");
        assert_eq!(arg(req, "route_table_count"), "4");
        let acc = module(&p.dr, "peer").unwrap();
        assert_eq!(acc.source, "vpc_peering_accepter");
        assert_eq!(arg(acc, "peer_cidr"), "\"10.0.0.0/16\"");
        // Each side joins once the other published its half; no variable to copy.
        assert_eq!(
            req.count.as_ref().unwrap().render(),
            "contains(module.facts.names, \"dr/vpc_id\") ? 1 : 0"
        );
        assert_eq!(
            acc.count.as_ref().unwrap().render(),
            "contains(module.facts.names, \"primary/vpc_peering_connection_id\") ? 1 : 0"
        );
        assert_eq!(p.dr.facts_published, vec!["vpc_id".to_string()]);
        assert_eq!(p.primary.facts_published, vec!["vpc_peering_connection_id".to_string()]);
        assert!(p.dr.variables.iter().all(|v| v.name != "vpc_peering_connection_id"));
        assert!(p.primary.variables.iter().all(|v| v.name != "dr_vpc_id"));
        let facts = module(&p.primary, "facts").unwrap();
        assert_eq!(facts.providers[0].1.render(), "aws.dr", "the store is in the DR region");
        assert!(module(&p.dr, "facts").unwrap().providers.is_empty());
    }

    #[test]
    fn a_peering_without_its_dr_side_is_refused() {
        // `dr: none` used to render a requester that waits forever for an
        // accepter the DR root never plans.
        let e = errors("  - {kind: vpc, name: net, dr: active}\n  - {kind: vpc_peering, name: peer, dr: none}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("DR strategy `none` is not possible for kind `vpc_peering`"),
            "{e:?}"
        );
        assert!(e[0].contains("use one of: active (a peering connects"), "{e:?}");
    }
}
