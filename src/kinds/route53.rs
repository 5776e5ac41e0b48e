//! `route53`: a DNS name on a load balancer (a PRIMARY/SECONDARY failover
//! pair with health checks) or on an accelerator, in a zone acmegen creates
//! in the bootstrap root or an existing one by ID.

use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner};
use crate::validate::{reserved_domain, Check, ValidAsset};

/// The route53 kind.
pub const SPEC: Spec = Spec {
    name: "route53",
    summary: "DNS record (failover pair with health checks on a load balancer, alias on an accelerator)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Alb, Kind::GlobalAccelerator],
    fields: &["target", "zone", "zone_id", "record", "health_check_path"],
    size: SizeClass::None,
    needs_vpc: false,
    needs_kms: false,
    singleton: false,
    modules: &["route53_record", "route53_zone"],
    import_keywords: &[" route 53 ", " route53 ", " dns "],
    default_qty: 1,
    quantity: Quantity::None,
    db_client_group: None,
    alarms: &[],
};

/// A record's fields.
#[derive(Debug, Clone)]
pub struct Options {
    /// Hosted zone (domain) name.
    pub zone: String,
    /// An existing zone's ID; None: the bootstrap root creates the zone.
    pub zone_id: Option<String>,
    /// Record name inside the zone.
    pub record: String,
    /// Health check path, when it differs from the load balancer's.
    pub health_check_path: Option<String>,
}

/// A zone that can be delegated, a well-formed zone ID, both names given.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if let Some(zone) = &a.zone {
        if let Some(why) = reserved_domain(zone) {
            c.error(
                "zone",
                format!("zone `{zone}` is {why}: no certificate can ever be validated for it"),
                "set `zone` to a domain you control; acmegen creates its hosted zone in the bootstrap root (delegate it at your registrar), or give `zone_id` of an existing public zone",
            );
        }
    }
    if let Some(id) = &a.zone_id {
        let valid = id.starts_with('Z')
            && (10..=32).contains(&id.len())
            && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if !valid {
            c.error(
                "zone_id",
                format!("`{id}` is not a Route 53 hosted zone ID"),
                "give the ID shown by `aws route53 list-hosted-zones-by-name --dns-name <zone>` (Z followed by capital letters and digits), or remove zone_id to let acmegen create the zone",
            );
        }
    }
    for (field, v) in [("zone", &a.zone), ("record", &a.record)] {
        if v.is_none() {
            c.error_here(
                format!("route53 asset `{}` has no {field}", a.name),
                "add `zone:` (a domain you control, e.g. shop.acme.dev) and `record: app`",
            );
        }
    }
    Options {
        zone: a.zone.clone().unwrap_or_default(),
        zone_id: a.zone_id.clone(),
        record: a.record.clone().unwrap_or_default(),
        health_check_path: a.health_check_path.clone(),
    }
}

/// The hosted zone of route53 asset `r`: the existing zone by ID, or the
/// one the bootstrap root created (from the fact store).
pub(crate) fn zone_id(p: &mut Planner<'_>, r: &ValidAsset) -> Expr {
    let KindOptions::Route53(o) = &r.options else {
        return Expr::Null;
    };
    match &o.zone_id {
        Some(existing) => Expr::s(existing),
        None => p.fact_of("bootstrap", &format!("zone_id_{}", crate::plan::zone_label(&o.zone))),
    }
}

/// The record: a failover pair on a load balancer, or an alias on the
/// accelerator (global: its record lives in the primary root).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let Some(target) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let accelerator = target.kind == Kind::GlobalAccelerator;
    if accelerator && !p.primary() {
        return; // the accelerator is global; its alias lives in the primary root
    }
    let zone_id = zone_id(p, a);
    let mut m = p.call(&id, "route53_record", a);
    m.arg("zone_id", zone_id)
        .arg("zone_name", Expr::s(&o.zone))
        .arg("record_name", Expr::s(&o.record));
    let t = target.ident();
    if accelerator {
        m.arg("target_dns_name", Expr::module(&t, "dns_name"))
            .arg("target_zone_id", Expr::module(&t, "hosted_zone_id"));
    } else {
        m.arg("target_dns_name", Expr::module(&t, "dns_name"))
            .arg("target_zone_id", Expr::module(&t, "zone_id"));
        if a.dr != DrStrategy::None {
            m.arg(
                "failover_role",
                Expr::s(if p.primary() { "PRIMARY" } else { "SECONDARY" }),
            );
        }
        let path = match (&o.health_check_path, &target.options) {
            (Some(own), _) => own.clone(),
            (None, KindOptions::Alb(alb)) => alb.health_check_path.clone(),
            (None, _) => "/".into(),
        };
        m.arg("health_check_protocol", Expr::s(super::alb::health_protocol(p, target)))
            .arg("health_check_path", Expr::s(path));
    }
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_fqdn"),
        format!("Name served by record {}.", a.name),
        Expr::module(&id, "fqdn"),
    );
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned, WEB};

    #[test]
    fn route53_to_an_alb_is_a_primary_secondary_failover_pair() {
        let p = planned(&format!(
            "{WEB}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"
        ));
        assert_eq!(arg(module(&p.primary, "dns").unwrap(), "failover_role"), "\"PRIMARY\"");
        assert_eq!(arg(module(&p.dr, "dns").unwrap(), "failover_role"), "\"SECONDARY\"");
        assert_eq!(arg(module(&p.dr, "dns").unwrap(), "target_dns_name"), "module.lb.dns_name");
        assert_eq!(
            arg(module(&p.dr, "dns").unwrap(), "zone_id"),
            "module.facts.values[\"bootstrap/zone_id_shop_acme_platform_dev\"]"
        );
        assert_eq!(p.bootstrap.zones[0].name, "shop.acme-platform.dev");
    }

    #[test]
    fn reserved_domains_are_refused() {
        let e = errors(&format!(
            "{WEB}  - {{kind: route53, name: dns, zone: example.com, record: app, target: lb, dr: active}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("reserved for documentation")), "{e:?}");
    }
}
