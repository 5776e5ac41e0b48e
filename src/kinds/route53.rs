//! `route53`: a DNS name on a load balancer (a PRIMARY/SECONDARY failover
//! pair with health checks) or on an accelerator, in a zone acmegen creates
//! in the bootstrap root or an existing one by ID.

use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::inventory::source_map::Seg;
use crate::validate::{reserved_domain, Check, ValidAsset};

/// The route53 kind.
pub const SPEC: Spec = Spec {
    name: "route53",
    summary: "DNS record (failover pair with health checks on a load balancer, alias on an accelerator)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::GlobalAccelerator, Kind::Alb],
    fields: &["target", "zone", "zone_id", "record", "health_check_path", "migration"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft {
        fields: super::DraftFields::Dns,
        ..super::Draft::PLAIN
    },
    category: super::Category::Steering,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["route53_record", "route53_zone"],
    import_keywords: &[" route 53 ", " route53 ", " dns "],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
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
    /// A DNS shift from an existing endpoint, when the inventory has one.
    pub migration: Option<Migration>,
}

/// Prefix of the name holding the failover pair while a migration's
/// weighted records hold the public name.
pub const MIGRATION_PREFIX: &str = "failover";

/// A validated `migration:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// DNS name of the existing endpoint (no trailing dot).
    pub from: String,
    /// Its hosted zone when it is an alias target (A alias records), else
    /// None (CNAME records).
    pub from_zone_id: Option<String>,
    /// Percent of the answers that go to the new stack.
    pub weight: u32,
}

impl Options {
    /// The name of the failover pair inside the zone: the record itself, or
    /// `failover.<record>` while a migration's weighted records hold it.
    pub fn failover_record(&self) -> String {
        match &self.migration {
            Some(_) => format!("{MIGRATION_PREFIX}.{}", self.record),
            None => self.record.clone(),
        }
    }

    /// The public name users reach, `record.zone`.
    pub fn fqdn(&self) -> String {
        format!("{}.{}", self.record, self.zone.trim_end_matches('.'))
    }
}

/// A Route 53 hosted zone ID: Z, then capitals and digits.
fn is_zone_id(id: &str) -> bool {
    id.starts_with('Z') && (10..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A DNS label of a host name: 1 to 63 letters, digits and hyphens, not
/// starting or ending with a hyphen (RFC 1123).
fn is_host_label(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && !l.starts_with('-')
        && !l.ends_with('-')
        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The longest domain name (RFC 1035, without the final dot).
const NAME_MAX: usize = 253;

/// A host name of letters, digits, hyphens and dots, with at least two labels.
fn is_host_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    name.len() <= NAME_MAX && name.split('.').count() >= 2 && name.split('.').all(is_host_label)
}

/// The zone is a domain of two labels or more (a hosted zone acmegen
/// creates, and whose names get certificates), the record a name inside
/// it: not the apex (`@` or empty), whose failover pair, health checks and
/// certificate the modules do not render (they name `<record>.<zone>`).
fn check_names(c: &mut Check<'_>, a: &Asset) {
    let zone_ok = match &a.zone {
        Some(zone) if !is_host_name(zone) => {
            c.error(
                "zone",
                format!("zone `{zone}` is not a domain acmegen can create a hosted zone in"),
                "give a domain of at least two labels (e.g. shop.acme.dev), each 1-63 letters, digits and hyphens, not starting or ending with a hyphen",
            );
            false
        }
        _ => true,
    };
    let Some(record) = &a.record else { return };
    let apex = record.is_empty() || record == "@";
    if apex {
        c.error(
            "record",
            format!("record `{record}` names the zone apex, which acmegen does not render"),
            "give a name inside the zone, e.g. `record: www`: the failover pair, its health checks and the certificate acmegen renders are for <record>.<zone>, never the bare zone",
        );
    } else if !record.trim_end_matches('.').split('.').all(is_host_label) || record.ends_with('.') {
        c.error(
            "record",
            format!("record `{record}` is not a DNS name inside the zone"),
            "give one or more labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen, joined by `.` and without the zone (e.g. `www` or `app.eu`)",
        );
    } else if let (Some(zone), true) = (&a.zone, zone_ok) {
        let migration = if a.migration.is_some() { MIGRATION_PREFIX.len() + 1 } else { 0 };
        let len = migration + record.len() + 1 + zone.trim_end_matches('.').len();
        if len > NAME_MAX {
            c.error(
                "record",
                format!(
                    "`{record}.{zone}` is {len} characters long{}, over the {NAME_MAX} of a DNS name",
                    if migration > 0 { format!(" with the migration's `{MIGRATION_PREFIX}.`") } else { String::new() }
                ),
                "shorten the record or the zone",
            );
        }
    }
}

/// The `migration:` block: an existing endpoint that is not the public name
/// itself, a weight in 0..=100, and the failover pair it needs.
fn check_migration(c: &mut Check<'_>, a: &Asset) -> Option<Migration> {
    let m = a.migration.as_ref()?;
    let at = |field| [Seg::Key("migration"), Seg::Key(field)];
    let mut ok = true;
    if !is_host_name(&m.from) {
        c.error_in(
            &at("from"),
            format!("migration.from `{}` is not a DNS name", m.from),
            "give the DNS name of the existing endpoint, e.g. its load balancer's `legacy-123.us-east-1.elb.amazonaws.com`",
        );
        ok = false;
    }
    let from = m.from.trim_end_matches('.').to_ascii_lowercase();
    if let (Some(zone), Some(record)) = (&a.zone, &a.record) {
        let public = format!("{record}.{}", zone.trim_end_matches('.')).to_ascii_lowercase();
        let failover = format!("{MIGRATION_PREFIX}.{public}");
        if from == public || from == failover {
            c.error_in(
                &at("from"),
                format!("migration.from `{}` is this record's own name", m.from),
                "give the existing endpoint's own DNS name (its load balancer or server), not the public name the migration moves",
            );
            ok = false;
        }
    }
    if m.weight > 100 {
        c.error_in(
            &at("weight"),
            format!("migration.weight {} is above 100", m.weight),
            "give the percentage of answers for the new stack, 0 to 100 (`acmegen migrate <inventory> --weight N` edits it)",
        );
        ok = false;
    }
    if let Some(id) = &m.from_zone_id {
        if !is_zone_id(id) {
            c.error_in(
                &at("from_zone_id"),
                format!("`{id}` is not a Route 53 hosted zone ID"),
                "give the canonical hosted zone ID of the existing load balancer (`aws elbv2 describe-load-balancers --query 'LoadBalancers[].CanonicalHostedZoneId'`), or remove from_zone_id for CNAME records",
            );
            ok = false;
        }
    }
    let on_alb = a
        .target
        .as_deref()
        .and_then(|t| c.named(t))
        .is_some_and(|(_, t)| t.kind == Kind::Alb);
    if !on_alb || a.dr != DrStrategy::Active {
        c.error_in(
            &[Seg::Key("migration")],
            format!("route53 asset `{}`: a migration needs the failover pair of a load balancer record", a.name),
            "give the record `target: <alb asset>` and `dr: active` (its PRIMARY/SECONDARY pair moves to failover.<record> and the weighted records share the public name between it and the existing endpoint)",
        );
        ok = false;
    }
    ok.then(|| Migration {
        from,
        from_zone_id: m.from_zone_id.clone(),
        weight: m.weight,
    })
}

/// A zone that can be delegated, a well-formed zone ID, both names given
/// and well formed.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    check_names(c, a);
    if let Some(zone) = a.zone.as_ref().filter(|z| is_host_name(z)) {
        if let Some(why) = reserved_domain(zone) {
            c.error(
                "zone",
                format!("zone `{zone}` is {why}: no certificate can ever be validated for it"),
                "set `zone` to a domain you control; acmegen creates its hosted zone in the bootstrap root (delegate it with NS records in its parent zone, or at your registrar for a registered domain), or give `zone_id` of an existing public zone",
            );
        }
    }
    if let Some(id) = &a.zone_id {
        if !is_zone_id(id) {
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
    let migration = check_migration(c, a);
    Options {
        zone: a.zone.clone().unwrap_or_default(),
        zone_id: a.zone_id.clone(),
        record: a.record.clone().unwrap_or_default(),
        health_check_path: a.health_check_path.clone(),
        migration,
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
    let record_name = if accelerator { o.record.clone() } else { o.failover_record() };
    m.arg("zone_id", zone_id)
        .arg("zone_name", Expr::s(&o.zone))
        .arg("record_name", Expr::s(record_name));
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
            if p.primary() {
                let rotation = p.var(
                    &format!("{id}_in_rotation"),
                    &format!(
                        "Whether the PRIMARY record of {} may answer (its health check decides); false keeps traffic on the DR region (failback sets it until the data is back).",
                        a.name
                    ),
                    "bool",
                    Expr::Bool(true),
                    VarRole::TrafficDial,
                );
                m.arg("in_rotation", rotation);
                // The weighted records of a migration are global: they
                // live in the primary root, next to the PRIMARY record.
                if let Some(mig) = &o.migration {
                    m.arg("migration_record_name", Expr::s(&o.record))
                        .arg("migration_from", Expr::s(&mig.from))
                        .arg("migration_weight", Expr::Num(i64::from(mig.weight)));
                    if let Some(z) = &mig.from_zone_id {
                        m.arg("migration_from_zone_id", Expr::s(z));
                    }
                }
                // The failover takes the primary out of rotation with the
                // calculated check while the primary's state is unreachable:
                // its ID lives in the fact store, in the DR region.
                p.publish(
                    &format!("{id}_rotation_health_check_id"),
                    Expr::module(&id, "rotation_health_check_id"),
                    None,
                );
            }
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

/// Recovery objectives: the failover pair's health checks move DNS; a
/// record on an accelerator never moves (whatever its strategy).
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    use crate::objectives::{dns_failover_seconds, ALIAS_TTL_SECONDS, ROUTE53_DATA_PLANE, ROUTE53_HEALTH_CHECK};
    let on_accelerator = a
        .target
        .as_deref()
        .and_then(|t| ctx.asset(t))
        .is_some_and(|g| g.kind == Kind::GlobalAccelerator);
    if on_accelerator {
        return crate::objectives::Estimate::new(
            "0: the record names the accelerator, which is global",
            "n/a",
            "Route 53 answers from every region; the accelerator moves traffic between regions",
            ROUTE53_DATA_PLANE,
        );
    }
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::new(
            format!("{}s", dns_failover_seconds()),
            "n/a",
            format!(
                "health checks every {}s, {} failures, {}s alias TTL",
                ROUTE53_HEALTH_CHECK.0, ROUTE53_HEALTH_CHECK.1, ALIAS_TTL_SECONDS
            ),
            format!("{ROUTE53_DATA_PLANE}; holding the primary out of rotation until failback needs the Route 53 API (us-east-1)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, objective, planned, WEB};

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
        // The primary record can be held out of rotation through a root
        // variable, and the DR region knows the check that does it.
        assert_eq!(arg(module(&p.primary, "dns").unwrap(), "in_rotation"), "var.dns_in_rotation");
        assert_eq!(
            p.primary.variable("dns_in_rotation").unwrap().role,
            crate::plan::VarRole::TrafficDial
        );
        assert!(p.primary.facts_published.contains(&"dns_rotation_health_check_id".to_string()));
        assert!(module(&p.dr, "dns").unwrap().argument("in_rotation").is_none());
    }

    #[test]
    fn reserved_domains_are_refused() {
        let e = errors(&format!(
            "{WEB}  - {{kind: route53, name: dns, zone: example.com, record: app, target: lb, dr: active}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("reserved for documentation")), "{e:?}");
    }

    /// The apex (`@`, empty) rendered `.zone` or failed verification
    /// (exit 3); a bare top-level domain rendered a zone AWS refuses.
    #[test]
    fn the_apex_bad_labels_and_a_bare_tld_are_refused() {
        let record = |zone: &str, record: &str| {
            errors(&format!(
                "{WEB}  - {{kind: route53, name: dns, zone: \"{zone}\", record: \"{record}\", target: lb, dr: active}}\n"
            ))
        };
        for apex in ["", "@"] {
            let e = record("shop.acme-corp.dev", apex);
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].contains(&format!("record `{apex}` names the zone apex, which acmegen does not render")), "{e:?}");
            assert!(e[0].contains("give a name inside the zone, e.g. `record: www`"), "{e:?}");
        }
        for bad in ["-www", "www-", "a..b", "w_w", "*", "www.", &"a".repeat(64)] {
            let e = record("shop.acme-corp.dev", bad);
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert!(e[0].contains(&format!("record `{bad}` is not a DNS name inside the zone")), "{e:?}");
        }
        assert!(record("shop.acme-corp.dev", "app.eu").is_empty());
        let e = record("dev", "www");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("zone `dev` is not a domain acmegen can create a hosted zone in"), "{e:?}");
        let e = record("shop-.acme.dev", "www");
        assert!(e[0].contains("zone `shop-.acme.dev` is not a domain"), "{e:?}");
        // (63 + 1 + 63) + 1 + (63 + 1 + 63 + 1 + 3) = 259 characters: over 253.
        let label = "a".repeat(63);
        let e = record(&format!("{label}.{label}.dev"), &format!("{label}.{label}"));
        assert!(e.iter().any(|e| e.contains("is 259 characters long, over the 253 of a DNS name")), "{e:?}");
    }

    const MIGRATING: &str = "  - kind: route53\n    name: dns\n    zone: shop.acme-platform.dev\n    record: app\n    target: lb\n    dr: active\n    migration:\n      from: legacy-123.us-east-2.elb.amazonaws.com\n      weight: 10\n";

    #[test]
    fn a_migration_moves_the_failover_pair_and_weights_the_public_name_in_the_primary_root() {
        let p = planned(&format!("{WEB}{MIGRATING}"));
        let primary = module(&p.primary, "dns").unwrap();
        let dr = module(&p.dr, "dns").unwrap();
        // Both halves of the failover pair move to failover.<record>.
        assert_eq!(arg(primary, "record_name"), "\"failover.app\"");
        assert_eq!(arg(dr, "record_name"), "\"failover.app\"");
        // The weighted records live once, in the primary root.
        assert_eq!(arg(primary, "migration_record_name"), "\"app\"");
        assert_eq!(arg(primary, "migration_from"), "\"legacy-123.us-east-2.elb.amazonaws.com\"");
        assert_eq!(arg(primary, "migration_weight"), "10");
        assert!(primary.argument("migration_from_zone_id").is_none(), "CNAME records without a zone");
        for name in ["migration_record_name", "migration_from", "migration_weight"] {
            assert!(dr.argument(name).is_none(), "{name} in DR");
        }
    }

    #[test]
    fn without_a_migration_the_pair_holds_the_public_name() {
        let p = planned(&format!(
            "{WEB}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"
        ));
        assert_eq!(arg(module(&p.primary, "dns").unwrap(), "record_name"), "\"app\"");
        assert!(module(&p.primary, "dns").unwrap().argument("migration_from").is_none());
    }

    #[test]
    fn an_alias_target_gives_its_zone() {
        let p = planned(&format!(
            "{WEB}{MIGRATING}      from_zone_id: Z35SXDOTRQ7X7K\n"
        ));
        assert_eq!(arg(module(&p.primary, "dns").unwrap(), "migration_from_zone_id"), "\"Z35SXDOTRQ7X7K\"");
    }

    #[test]
    fn bad_migrations_are_refused_at_their_line() {
        let e = errors(&format!("{WEB}{}", MIGRATING.replace("weight: 10", "weight: 101")));
        assert!(e.iter().any(|e| e.contains("t.yaml:16:") && e.contains("above 100")), "{e:?}");
        let e = errors(&format!("{WEB}{}", MIGRATING.replace("legacy-123.us-east-2.elb.amazonaws.com", "app.shop.acme-platform.dev")));
        assert!(e.iter().any(|e| e.contains("t.yaml:15:") && e.contains("own name")), "{e:?}");
        let e = errors(&format!("{WEB}{}", MIGRATING.replace("legacy-123.us-east-2.elb.amazonaws.com", "not a name")));
        assert!(e.iter().any(|e| e.contains("is not a DNS name")), "{e:?}");
        let e = errors(&format!("{WEB}{MIGRATING}      from_zone_id: nope\n"));
        assert!(e.iter().any(|e| e.contains("t.yaml:17:") && e.contains("hosted zone ID")), "{e:?}");
        // A record without the failover pair has nothing to move.
        let e = errors(&format!("{WEB}{}", MIGRATING.replace("dr: active", "dr: none")));
        assert!(e.iter().any(|e| e.contains("needs the failover pair")), "{e:?}");
    }

    /// A record naming an accelerator never moves, so it recovers even when
    /// kept out of DR; a failover pair kept out of DR does not.
    #[test]
    fn objective_of_a_record_on_an_accelerator_ignores_its_strategy() {
        let ga = format!("{WEB}  - {{kind: global_accelerator, name: edge, target: lb, dr: active}}\n");
        for dr in ["active", "none"] {
            let o = objective(
                &format!("{ga}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: edge, dr: {dr}}}\n"),
                "dns",
            );
            assert_eq!(o.rto, "0: the record names the accelerator, which is global", "{dr}");
        }
        let pair = "  - {kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: DR}\n";
        assert_eq!(objective(&format!("{WEB}{}", pair.replace("DR", "active")), "dns").rto, "90s");
        assert_eq!(
            objective(&format!("{WEB}{}", pair.replace("DR", "none")), "dns").rto,
            "not recoverable in DR"
        );
    }
}
