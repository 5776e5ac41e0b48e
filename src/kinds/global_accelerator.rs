//! `global_accelerator`: static anycast entry in front of the load
//! balancers: the accelerator and its listener in the primary root, an
//! endpoint group per region (traffic dial 100 primary, 0 DR until failover).

use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{names, Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// The global_accelerator kind.
pub const SPEC: Spec = Spec {
    name: "global_accelerator",
    summary: "Global Accelerator; DR gets an endpoint group with traffic dial 0 (raised on failover)",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Alb],
    fields: &["target", "health_check_path"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft {
        two: Some("one accelerator serves both regions, with an endpoint group in each"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Steering,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["global_accelerator", "ga_endpoint_group"],
    import_keywords: &[" global accelerator"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &["globalaccelerator.amazonaws.com"],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// An accelerator's fields.
#[derive(Debug, Clone)]
pub struct Options {
    /// Health check path, when it differs from the load balancer's.
    pub health_check_path: Option<String>,
}

/// The longest accelerator name.
const NAME_MAX: usize = 64;

/// Why `name` is not an accelerator name, if it is not: at most 64
/// characters, only letters, digits, periods and hyphens, neither first
/// nor last a hyphen or a period (Global Accelerator API Reference,
/// CreateAccelerator `Name`).
fn name_problem(name: &str) -> Option<String> {
    if let Some(ch) = name.chars().find(|ch| !(ch.is_ascii_alphanumeric() || *ch == '.' || *ch == '-')) {
        Some(format!("it contains `{ch}`"))
    } else if name.starts_with(['-', '.']) || name.ends_with(['-', '.']) {
        Some("it begins or ends with a hyphen or a period".into())
    } else if name.len() > NAME_MAX {
        Some(format!("it is {} characters long, over {NAME_MAX}", name.len()))
    } else {
        None
    }
}

/// The accelerator's name (`<inventory>-<asset>`) is one Global
/// Accelerator accepts.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let name = names::accelerator(&c.inventory().name, &a.name);
    if let Some(why) = name_problem(&name) {
        let over = name.len().saturating_sub(NAME_MAX);
        c.error(
            "name",
            format!("global_accelerator `{}` would be named `{name}`, which Global Accelerator refuses: {why}", a.name),
            if over > 0 && !a.name.contains('_') {
                format!("shorten the asset (or the inventory) name by {over} character{}", if over == 1 { "" } else { "s" })
            } else {
                format!(
                    "accelerator names (`<inventory>-<asset>`) take at most {NAME_MAX} letters, digits, `.` and `-`: rename the asset, e.g. `{}`",
                    a.name.replace('_', "-").trim_end_matches('-')
                )
            },
        );
    }
    Options {
        health_check_path: a.health_check_path.clone(),
    }
}

/// The accelerator (primary) and this region's endpoint group; the DR group
/// joins the listener the primary published, which outlives the primary.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let Some(alb) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let path = match (&o.health_check_path, &alb.options) {
        (Some(own), _) => own.clone(),
        (None, KindOptions::Alb(l)) => l.health_check_path.clone(),
        (None, _) => "/".into(),
    };
    let protocol = super::alb::health_protocol(p, alb);
    let listener = if p.primary() {
        let mut m = p.call(&id, "global_accelerator", a);
        let ports = if protocol == "HTTPS" {
            vec![Expr::Num(80), Expr::Num(443)]
        } else {
            vec![Expr::Num(80)]
        };
        m.arg("name", Expr::s(names::accelerator(p.inventory(), &a.name)))
            .arg("ports", Expr::List(ports));
        let tags = p.tags(Some(a));
        p.push(m, Some(tags));
        let listener = Expr::module(&id, "listener_arn");
        p.output(
            names::listener_fact(&id),
            "Listener of the accelerator (published to the fact store for the DR root).".into(),
            listener.clone(),
        );
        p.publish(&names::listener_fact(&id), listener.clone(), None);
        p.output(
            format!("{id}_dns_name"),
            format!("DNS name of accelerator {}.", a.name),
            Expr::module(&id, "dns_name"),
        );
        p.output(
            format!("{id}_ip_addresses"),
            format!("Static anycast IPs of accelerator {}.", a.name),
            Expr::module(&id, "ip_addresses"),
        );
        listener
    } else {
        p.fact(&names::listener_fact(&id))
    };
    let dial = p.var(
        &format!("{id}_traffic_dial"),
        &format!(
            "Share of {} traffic sent to this region (100 primary, 0 DR; failover raises DR).",
            a.name
        ),
        "number",
        Expr::Num(if p.primary() { 100 } else { 0 }),
        VarRole::TrafficDial,
    );
    let mut m = p.call(&format!("{id}_{}_endpoints", p.role.as_str()), "ga_endpoint_group", a);
    if !p.primary() {
        m.count = Some(p.once_published(&names::listener_fact(&id)));
    }
    p.output(
        format!("{id}_endpoint_group_arn"),
        format!("Endpoint group of accelerator {} in this region.", a.name),
        m.out_or_null("id"),
    );
    m.arg("listener_arn", listener)
        .arg("region", Expr::s(p.region()))
        .arg("endpoint_arn", Expr::module(alb.ident(), "arn"))
        .arg("traffic_dial_percentage", dial)
        .arg("health_check_protocol", Expr::s(protocol))
        .arg("health_check_path", Expr::s(path));
    p.push(m, None);
}

/// Recovery objectives: the failover sets the endpoint groups' dials.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::new(
            "≈ 1 min: update-endpoint-group calls set the DR dial to 100 and the primary's to 0",
            "n/a",
            "static anycast IPs; DR endpoint group at dial 0 until failover",
            crate::objectives::GA_API,
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, planned, WEB};

    #[test]
    fn names_global_accelerator_refuses_are_refused() {
        let e = errors(&format!("{WEB}  - {{kind: global_accelerator, name: edge_ga, target: lb, dr: active}}\n"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("global_accelerator `edge_ga` would be named `t-edge_ga`, which Global Accelerator refuses: it contains `_`"),
            "{e:?}"
        );
        assert!(e[0].contains("rename the asset, e.g. `edge-ga`"), "{e:?}");
        let e = errors(&format!("{WEB}  - {{kind: global_accelerator, name: edge-, target: lb, dr: active}}\n"));
        assert!(e.iter().any(|e| e.contains("it begins or ends with a hyphen or a period")), "{e:?}");
        // `<inventory>-<asset>`: 32 + 1 + 40 characters, 9 over.
        let text = format!(
            "name: {}\nowner: me\nregions: {{primary: us-east-2, dr: us-west-1}}\nassets:\n{WEB}  - {{kind: global_accelerator, name: {}, target: lb, dr: active}}\n",
            "i".repeat(32),
            "e".repeat(40)
        );
        let loaded = crate::inventory::parse(&text, std::path::Path::new("t.yaml")).unwrap();
        let e = crate::validate::validate(&loaded).unwrap_err().to_string();
        assert!(e.contains("it is 73 characters long, over 64"), "{e}");
        assert!(e.contains("shorten the asset (or the inventory) name by 9 characters"), "{e}");
    }

    #[test]
    fn global_accelerator_dials_100_primary_and_0_dr() {
        let p = planned(&format!("{WEB}  - {{kind: global_accelerator, name: edge, target: lb, dr: active}}\n"));
        assert!(module(&p.primary, "edge").is_some());
        assert_eq!(default_of(&p.primary, "edge_traffic_dial").as_deref(), Some("100"));
        assert_eq!(default_of(&p.dr, "edge_traffic_dial").as_deref(), Some("0"));
        let dr = module(&p.dr, "edge_dr_endpoints").unwrap();
        assert_eq!(
            dr.count.as_ref().unwrap().render(),
            "contains(module.facts.names, \"primary/edge_listener_arn\") ? 1 : 0"
        );
        assert_eq!(arg(dr, "listener_arn"), "module.facts.values[\"primary/edge_listener_arn\"]");
        assert!(module(&p.dr, "edge").is_none(), "the accelerator itself lives in the primary root only");
    }
}
