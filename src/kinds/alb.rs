//! `alb`: an application load balancer in front of VMs (instance targets)
//! or an EKS cluster (its node group's instances on a NodePort), with WAF,
//! and HTTPS through a DNS-validated certificate when a Route 53 name
//! reaches it.

use super::workloads::{self, Ingress};
use super::{AlarmSpec, MissingData, Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::inventory::Seg;
use crate::plan::{names, Expr, Planner, Role, VarRole};
use crate::validate::{Check, ValidAsset};
use std::collections::BTreeMap;

/// NodePort a load balancer in front of an EKS cluster targets when the
/// inventory names none (the ingress of the cluster listens there).
pub const DEFAULT_NODE_PORT: u16 = 30080;

/// The alb kind.
pub const SPEC: Spec = Spec {
    name: "alb",
    summary: "application load balancer with WAF; HTTPS with a DNS-validated certificate where a Route 53 name reaches it",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Vm, Kind::Eks],
    fields: &["target", "port", "health_check_path", "certificate_arn"],
    size: SizeClass::None,
    bounds: &[("qty", crate::limits::QTY), ("port", crate::limits::PORT)],
    draft: super::Draft {
        dr: (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        ..super::Draft::PLAIN
    },
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: true,
    two_azs: true,
    needs_kms: false,
    singleton: false,
    modules: &["alb", "acm_certificate", "acm_dns_validation"],
    import_keywords: &[" alb ", " load balancer", " elb "],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &["elasticloadbalancing.amazonaws.com"],
    quota: super::QuotaUse::None,
    alarms: &[AlarmSpec {
        role: None,
        strategy: None,
        suffix: "5xx",
        description: "Load balancer {name} returns 5xx errors",
        namespace: "AWS/ApplicationELB",
        metric: "HTTPCode_ELB_5XX_Count",
        dimension: "LoadBalancer",
        dimension_output: Some("arn_suffix"),
        statistic: "Sum",
        operator: "GreaterThanThreshold",
        threshold: 10,
        missing_data: MissingData::NotBreaching,
    }],
};

/// A load balancer's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// The NodePort a cluster target is reached on (default 30080; VM
    /// targets are reached on their own port).
    pub node_port: u16,
    /// Health check path (default `/`).
    pub health_check_path: String,
    /// Existing ACM certificates, per root (`primary`, `dr`).
    pub certificate_arn: BTreeMap<String, String>,
}

/// An error when an earlier load balancer gets the same AWS name in a
/// region: names are cut to fit 32 characters with the target group's
/// `-tg` (see [`names::load_balancer`]), and AWS refuses a second load
/// balancer, target group or security group of one name.
fn check_unique_name(c: &mut Check<'_>, a: &Asset) {
    let inv = c.inventory();
    let regions = std::iter::once((false, &inv.regions.primary)).chain(a.in_dr().then_some((true, &inv.regions.dr)));
    for (dr, region) in regions {
        let mine = names::load_balancer(&inv.name, &a.name, region);
        let same = c
            .first_load_balancer_named(dr, &mine)
            .filter(|first| *first < c.index())
            .map(|first| &inv.assets[first]);
        if let Some(other) = same {
            c.error(
                "name",
                format!(
                    "load balancers `{}` and `{}` would both be named {mine} in {region} (ALB names stop at 32 characters)",
                    other.name, a.name
                ),
                "make the asset names differ in their first characters, or shorten the inventory name",
            );
            return;
        }
    }
}

/// VM targets must run an application; cluster targets are reached on a
/// NodePort; certificates are given per region.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    check_unique_name(c, a);
    if let Some((j, target)) = a.target.as_deref().and_then(|t| c.named(t)) {
        if target.kind == Kind::Vm && target.image.is_none() {
            c.error_on(
                j,
                format!(
                    "`{}` sits behind load balancer `{}` but runs no application: its health check would never pass",
                    target.name, a.name
                ),
                "add `image:` with the container image the instances run (a full reference, or `<ecr asset>:<tag>`) and `port:` where it listens",
            );
        }
        if target.kind == Kind::Eks {
            let port = a.port.unwrap_or(DEFAULT_NODE_PORT);
            match workloads::ingress_in(&c.inventory().assets, &target.name) {
                Ingress::Traefik(_) | Ingress::App(_) => {}
                Ingress::Nothing => c.error_on(
                    j,
                    format!(
                        "nothing on cluster `{}` listens on NodePort {port}, where load balancer `{}` sends traffic: its health checks would never pass",
                        target.name, a.name
                    ),
                    format!(
                        "add a `kind: traefik` asset with `target: {}` (it routes to the cluster's apps), or a `kind: app` asset with `target: {}` (served on the NodePort itself)",
                        target.name, target.name
                    ),
                ),
                Ingress::SeveralApps(apps) => c.error_on(
                    j,
                    format!(
                        "apps {} of cluster `{}` cannot all be served on NodePort {port} of load balancer `{}`",
                        apps.join(", "),
                        target.name,
                        a.name
                    ),
                    format!("add a `kind: traefik` asset with `target: {}`: it routes to each app on its `path`", target.name),
                ),
            }
            if let Some(p) = a.port.filter(|p| !(30000..=32767).contains(p)) {
                c.error(
                    "port",
                    format!("port {p} is not a NodePort: load balancers reach EKS nodes on a NodePort of the ingress"),
                    "use a port from 30000 to 32767 (default 30080), the NodePort the cluster's ingress service exposes",
                );
            }
        }
    }
    if let Some(certs) = &a.certificate_arn {
        check_certificates(c, a, certs);
    }
    Options {
        node_port: a.port.unwrap_or(DEFAULT_NODE_PORT),
        health_check_path: a
            .health_check_path
            .clone()
            .or_else(|| default_health_path(c, a))
            .unwrap_or_else(|| "/".into()),
        certificate_arn: a.certificate_arn.clone().unwrap_or_default(),
    }
}

/// The region in an ACM certificate ARN
/// `arn:aws:acm:<region>:<12-digit account>:certificate/<id>`, or None when
/// `arn` has another shape (ACM API Reference, DescribeCertificate:
/// CertificateArn "must have the following form:
/// arn:aws:acm:region:123456789012:certificate/12345678-1234-1234-1234-123456789012").
/// Only the `aws` partition: the catalogue's regions are commercial ones.
fn acm_certificate_region(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some("aws"), Some("acm"), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let id = resource.strip_prefix("certificate/")?;
    let region_ok = !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let account_ok = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
    let id_ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (region_ok && account_ok && id_ok).then_some(region)
}

/// Each given certificate is an ACM certificate ARN of its root's region,
/// and every root the load balancer runs in has one: a root without one
/// would get a listener on HTTP only (or a certificate of its own only where
/// a Route 53 name reaches the load balancer), and a load balancer refuses
/// a certificate of another region at apply.
fn check_certificates(c: &mut Check<'_>, a: &Asset, certs: &BTreeMap<String, String>) {
    let regions = &c.inventory().regions;
    let (primary, dr) = (regions.primary.clone(), regions.dr.clone());
    for (k, arn) in certs {
        let region = match k.as_str() {
            "primary" => &primary,
            "dr" => &dr,
            _ => {
                c.error(
                    "certificate_arn",
                    format!("certificate_arn key `{k}`"),
                    "give one ARN per region: `{primary: arn:aws:acm:…, dr: arn:aws:acm:…}`",
                );
                continue;
            }
        };
        let at = [Seg::Key("certificate_arn"), Seg::Key(k)];
        match acm_certificate_region(arn) {
            None => c.error_in(
                &at,
                format!("certificate_arn `{k}` of load balancer `{}` is not an ACM certificate ARN: `{arn}`", a.name),
                format!(
                    "give the ARN of an ACM certificate in {region}: arn:aws:acm:{region}:<12-digit account>:certificate/<id> (`aws acm list-certificates --region {region}` lists them)"
                ),
            ),
            Some(found) if found != region => c.error_in(
                &at,
                format!(
                    "certificate_arn `{k}` of load balancer `{}` is a certificate of {found}, but its {k} root is in {region}",
                    a.name
                ),
                format!(
                    "a load balancer takes only certificates of its own region: give the ARN of a certificate in {region} (request or import one there: `aws acm request-certificate --region {region} …`)"
                ),
            ),
            Some(_) => {}
        }
    }
    // A root without a given certificate gets acmegen's own, DNS-validated,
    // where a Route 53 name reaches the load balancer (see `plan`).
    let named = named_by_route53(c, a);
    let in_dr = a.dr != DrStrategy::None;
    for (key, label, region, needed) in [("primary", "primary", &primary, true), ("dr", "DR", &dr, in_dr)] {
        if needed && !named && !certs.contains_key(key) {
            let why = if key == "dr" {
                format!("load balancer `{}` runs in DR (`dr: {}`)", a.name, a.dr)
            } else {
                format!("load balancer `{}` runs in the primary region", a.name)
            };
            c.error(
                "certificate_arn",
                format!("certificate_arn has no `{key}` certificate, but {why}: its {label} listener would serve HTTP only"),
                format!(
                    "add `{key}: arn:aws:acm:{region}:<12-digit account>:certificate/<id>` (ACM certificates are regional: the {label} load balancer needs one of {region}), or remove certificate_arn"
                ),
            );
        }
    }
}

/// Whether a route53 asset names load balancer `a` (on it, or on an
/// accelerator in front of it): the check-time twin of [`dns_name`].
fn named_by_route53(c: &Check<'_>, a: &Asset) -> bool {
    let fronts = |r: &Asset| {
        r.target.as_deref() == Some(a.name.as_str())
            || r.target.as_deref().and_then(|t| c.named(t)).is_some_and(|(_, t)| {
                t.kind == Kind::GlobalAccelerator && t.target.as_deref() == Some(a.name.as_str())
            })
    };
    c.inventory().assets.iter().any(|r| r.kind == Kind::Route53 && fronts(r))
}

/// The health path of what serves a cluster target: Traefik's ping, or the
/// app's own health path.
fn default_health_path(c: &Check<'_>, a: &Asset) -> Option<String> {
    let (_, target) = c.named(a.target.as_deref()?)?;
    let assets = &c.inventory().assets;
    match workloads::ingress_in(assets, &target.name) {
        Ingress::Traefik(_) => Some(super::traefik::HEALTH_PATH.to_string()),
        Ingress::App(app) => {
            let app = assets.iter().find(|x| x.name == app)?;
            Some(
                app.health_check_path
                    .clone()
                    .unwrap_or_else(|| super::app::DEFAULT_HEALTH_PATH.to_string()),
            )
        }
        _ => None,
    }
}

/// The load balancer options of `alb` (an alb asset).
fn options(alb: &ValidAsset) -> Option<&Options> {
    if let KindOptions::Alb(o) = &alb.options {
        Some(o)
    } else {
        None
    }
}

/// The certificate the inventory gives `alb` for root `role`.
pub(crate) fn given_certificate(alb: &ValidAsset, role: Role) -> Option<String> {
    options(alb).and_then(|o| o.certificate_arn.get(role.as_str()).cloned())
}

/// The name users reach load balancer `alb` by, and the route53 asset
/// holding it: a record on the load balancer or on an accelerator in front
/// of it (in either root: the DR load balancer serves the same name on
/// failover).
pub(crate) fn dns_name<'a>(p: &Planner<'a>, alb: &ValidAsset) -> Option<(String, &'a ValidAsset)> {
    let fronts = |a: &ValidAsset| {
        a.target.as_deref() == Some(alb.name.as_str())
            || a.target.as_deref().and_then(|t| p.asset(t)).is_some_and(|t| {
                t.kind == Kind::GlobalAccelerator && t.target.as_deref() == Some(alb.name.as_str())
            })
    };
    // The first route53 record in inventory order that targets the load
    // balancer, or an accelerator in front of it (by index: asked for every
    // server behind a load balancer, a scan grew with servers × assets).
    let mut candidates: Vec<&'a ValidAsset> = p.targeting_anywhere(&alb.name).to_vec();
    for ga in p.targeting_anywhere(&alb.name).iter().filter(|a| a.kind == Kind::GlobalAccelerator) {
        candidates.extend(p.targeting_anywhere(&ga.name));
    }
    // Elements of one vector (`v.assets`): address order is inventory order.
    let first = candidates
        .into_iter()
        .filter(|a| a.kind == Kind::Route53 && fronts(a))
        .min_by_key(|a| std::ptr::from_ref::<ValidAsset>(a) as usize)?;
    let KindOptions::Route53(o) = &first.options else {
        return None;
    };
    Some((format!("{}.{}", o.record, o.zone.trim_end_matches('.')), first))
}

/// The names whose DNS validation record the bootstrap owns: every load
/// balancer that gets an acmegen certificate in either root, as
/// `(fqdn, route53 asset)`.
pub(crate) fn validated_names<'a>(v: &'a crate::validate::Validated) -> Vec<(String, &'a ValidAsset)> {
    let p = Planner::new(v, Role::Primary);
    let mut out: Vec<(String, &'a ValidAsset)> = v
        .assets
        .iter()
        .filter(|a| a.kind == Kind::Alb)
        .filter(|a| given_certificate(a, Role::Primary).is_none() || (a.in_dr() && given_certificate(a, Role::Dr).is_none()))
        .filter_map(|a| dns_name(&p, a))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// HTTPS where the load balancer has a certificate, else HTTP.
pub(crate) fn health_protocol(p: &Planner<'_>, alb: &ValidAsset) -> &'static str {
    if given_certificate(alb, p.role).is_some() || dns_name(p, alb).is_some() {
        "HTTPS"
    } else {
        "HTTP"
    }
}

/// The load balancer, its target group bound to the target, and its certificate.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let Some(target) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let cert = match (given_certificate(a, p.role), dns_name(p, a)) {
        (Some(arn), _) => p.var(
            &format!("{id}_certificate_arn"),
            &format!("ACM certificate of {} in this region (given by the inventory).", a.name),
            "string",
            Expr::s(arn),
            VarRole::Setting,
        ),
        (None, Some((fqdn, _))) => {
            // HTTPS for the name users reach: a DNS-validated certificate per
            // region, through the validation record the bootstrap owns.
            let label = format!("{id}_certificate");
            let mut c = p.call(&label, "acm_certificate", a);
            c.comment = format!(
                "{} (alb): TLS certificate of {fqdn} in this region (validated through the bootstrap's record)",
                a.name
            );
            let record = p.fact_of(
                "bootstrap",
                &format!("acm_validation_{}", crate::plan::zone_label(&fqdn)),
            );
            c.arg("domain_name", Expr::s(&fqdn))
                .arg("validation_record_fqdn", record);
            let tags = p.tags(Some(a));
            p.push(c, Some(tags));
            Expr::module(&label, "certificate_arn")
        }
        (None, None) => Expr::Null,
    };
    let mut m = p.call(&id, "alb", a);
    m.arg(
        "name",
        Expr::s(crate::plan::names::load_balancer(p.inventory(), &a.name, p.region())),
    )
    .arg("vpc_id", p.vpc("vpc_id"))
    .arg("vpc_cidr", p.vpc("vpc_cidr_block"))
    .arg("subnet_ids", p.vpc("public_subnet_ids"));
    if let KindOptions::Vm(vm) = &target.options {
        m.arg("target_type", Expr::s("instance"))
            .arg("target_port", Expr::Num(i64::from(vm.port)))
            .arg("target_instance_ids", Expr::module(target.ident(), "instance_ids"));
    } else {
        // A cluster: instance targets on a NodePort, the node group
        // registers its Auto Scaling group with this target group.
        m.arg("target_type", Expr::s("instance"))
            .arg("target_port", Expr::Num(i64::from(o.node_port)));
    }
    m.arg("health_check_path", Expr::s(&o.health_check_path))
        .arg("https", Expr::Bool(cert != Expr::Null))
        .arg("certificate_arn", cert)
        .arg("kms_key_arn", p.kms());
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_dns_name"),
        format!("DNS name of load balancer {}.", a.name),
        Expr::module(&id, "dns_name"),
    );
    p.output(
        format!("{id}_arn"),
        format!("ARN of load balancer {}.", a.name),
        Expr::module(&id, "arn"),
    );
}

/// Recovery objectives: a load balancer per region; its traffic moves
/// (whatever the strategy of what it fronts).
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::full_capacity(ctx, a),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, objective, planned, WEB};

    /// The anonymous-IP rule group blocks the addresses of hosting and cloud
    /// providers other than AWS, where legitimate server-to-server clients
    /// and CI runners (GitHub-hosted runners run on Azure) live: that rule
    /// counts; the anonymizers' rule still blocks.
    #[test]
    fn the_waf_counts_hosting_providers_and_blocks_anonymizers() {
        let main = include_str!("../../templates/modules/alb/main.tf");
        let rule = main
            .split("name     = \"AWSManagedRulesAnonymousIpList\"")
            .nth(1)
            .expect("the anonymous-IP rule group is used");
        let rule = &rule[..rule.find("\n  }\n").expect("the rule ends")];
        let override_at = rule
            .find("rule_action_override {\n          name = \"HostingProviderIPList\"")
            .unwrap_or_else(|| panic!("HostingProviderIPList is not overridden:\n{rule}"));
        assert!(rule[override_at..].contains("action_to_use {\n            count {}"), "{rule}");
        assert_eq!(rule.matches("rule_action_override").count(), 1, "only that rule is counted: {rule}");
    }

    #[test]
    fn two_load_balancers_of_one_aws_name_are_refused() {
        // `t-` and the first 22 characters of the asset name, then the region code.
        let lb = |name: &str, dr: &str| format!("  - {{kind: alb, name: {name}, target: app, dr: {dr}}}\n");
        let app = "  - {kind: vm, name: app, size: t3.micro, image: nginx, dr: active}\n";
        let e = errors(&format!(
            "{app}{}{}",
            lb("public-web-frontend-lb-one", "active"),
            lb("public-web-frontend-lb-two", "none")
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains("load balancers `public-web-frontend-lb-one` and `public-web-frontend-lb-two` would both be named t-public-web-frontend-lb-use2 in us-east-2"),
            "{e:?}"
        );
        let e = errors(&format!(
            "{app}{}{}",
            lb("public-web-frontend-lb-one", "active"),
            lb("private-web-frontend-lb", "active")
        ));
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn alb_targets_register_instances_and_open_the_app_port_from_the_alb() {
        let p = planned(WEB);
        assert_eq!(arg(module(&p.primary, "lb").unwrap(), "target_instance_ids"), "module.app.instance_ids");
        assert_eq!(
            arg(module(&p.primary, "app").unwrap(), "ingress_security_group_ids"),
            "[module.lb.security_group_id]"
        );
        assert_eq!(arg(module(&p.primary, "lb").unwrap(), "https"), "false");
    }

    #[test]
    fn a_cluster_target_is_reached_on_a_node_port_through_the_node_group() {
        let p = planned("  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: active}\n  - {kind: alb, name: lb, target: k8s, dr: active}\n  - {kind: traefik, name: edge, target: k8s, dr: active}\n");
        let lb = module(&p.primary, "lb").unwrap();
        assert_eq!(arg(lb, "target_type"), "\"instance\"");
        assert_eq!(arg(lb, "target_port"), "30080");
        let k8s = module(&p.primary, "k8s").unwrap();
        assert_eq!(arg(k8s, "target_group_arns"), "[module.lb.target_group_arn]");
        assert_eq!(arg(lb, "health_check_path"), "\"/ping\"", "Traefik answers the health checks");
    }

    #[test]
    fn a_cluster_target_needs_something_on_the_node_port() {
        let eks = "  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: active}\n  - {kind: alb, name: lb, target: k8s, dr: active}\n";
        let e = errors(eks);
        assert!(e.iter().any(|e| e.contains("nothing on cluster `k8s` listens on NodePort 30080")), "{e:?}");
        let e = errors(&format!(
            "{eks}  - {{kind: app, name: a, target: k8s, image: \"r.example/a:1\", dr: active}}\n  - {{kind: app, name: b, target: k8s, image: \"r.example/b:1\", path: /b, dr: active}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("apps a, b of cluster `k8s` cannot all be served")), "{e:?}");
    }

    #[test]
    fn a_route53_name_brings_a_certificate_and_https() {
        let p = planned(&format!(
            "{WEB}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"
        ));
        for root in p.roots() {
            let cert = module(root, "lb_certificate").unwrap();
            assert_eq!(arg(cert, "domain_name"), "\"app.shop.acme-platform.dev\"");
            assert_eq!(arg(module(root, "lb").unwrap(), "https"), "true");
        }
    }

    const ARN_E2: &str = "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    const ARN_W1: &str = "arn:aws:acm:us-west-1:123456789012:certificate/87654321-4321-4321-4321-210987654321";

    /// A load balancer `lb` in front of `app` with `dr` and the certificate lines `certs` (block style).
    fn with_certs(dr: &str, certs: &str) -> String {
        format!(
            "  - {{kind: vm, name: app, size: t3.micro, qty: 2, image: nginx, dr: active}}\n  - kind: alb\n    name: lb\n    target: app\n    dr: {dr}\n    certificate_arn:\n{certs}"
        )
    }

    #[test]
    fn certificate_arns_are_acm_arns_of_their_roots_region() {
        assert_eq!(super::acm_certificate_region(ARN_E2), Some("us-east-2"));
        assert_eq!(super::acm_certificate_region("arn:aws:acm:eu-west-1:123456789012:certificate/abc"), Some("eu-west-1"));
        for bad in [
            "not-an-arn",
            "",
            "arn:aws:acm:us-east-2:12345678901:certificate/abc",
            "arn:aws:acm:us-east-2:1234567890123:certificate/abc",
            "arn:aws:acm:us-east-2:123456789012:certificate/",
            "arn:aws:acm:us-east-2:123456789012:abc",
            "arn:aws:acm::123456789012:certificate/abc",
            "arn:aws:iam::123456789012:server-certificate/abc",
            "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc",
            "arn:aws:acm:us-east-2:123456789012:certificate/abc/def",
            " arn:aws:acm:us-east-2:123456789012:certificate/abc",
        ] {
            assert_eq!(super::acm_certificate_region(bad), None, "{bad:?}");
        }

        // Not an ARN, and a certificate of the other region: errors at the key's line.
        let e = errors(&with_certs(
            "active",
            &format!("      primary: {ARN_W1}\n      dr: not-an-arn\n"),
        ));
        assert_eq!(e.len(), 2, "{e:#?}");
        let shape = e
            .iter()
            .find(|e| e.contains("certificate_arn `dr` of load balancer `lb` is not an ACM certificate ARN: `not-an-arn`"));
        let shape = shape.unwrap_or_else(|| panic!("{e:#?}"));
        assert!(shape.contains("t.yaml:13:") && shape.contains("arn:aws:acm:us-west-1:<12-digit account>"), "{shape}");
        let region = e.iter().find(|e| {
            e.contains("certificate_arn `primary` of load balancer `lb` is a certificate of us-west-1, but its primary root is in us-east-2")
        });
        assert!(region.is_some_and(|r| r.contains("t.yaml:12:")), "{e:#?}");

        // Both, each of its own region: HTTPS in both roots on the given certificates.
        let p = planned(&with_certs("active", &format!("      primary: {ARN_E2}\n      dr: {ARN_W1}\n")));
        for root in p.roots() {
            assert_eq!(arg(module(root, "lb").unwrap(), "https"), "true");
            assert!(module(root, "lb_certificate").is_none(), "no certificate of acmegen's own");
        }
    }

    /// With a Route 53 name, a root the inventory gives no certificate for
    /// gets acmegen's own (DNS-validated): HTTPS in both roots, no error.
    #[test]
    fn a_route53_name_certifies_the_root_without_a_given_certificate() {
        let text = format!(
            "{}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n",
            with_certs("active", &format!("      primary: {ARN_E2}\n"))
        );
        assert!(errors(&text).is_empty(), "{:?}", errors(&text));
        let p = planned(&text);
        assert!(module(&p.primary, "lb_certificate").is_none(), "the given certificate in the primary");
        assert!(module(&p.dr, "lb_certificate").is_some(), "acmegen's own in DR");
        for root in p.roots() {
            assert_eq!(arg(module(root, "lb").unwrap(), "https"), "true");
        }
    }

    /// A load balancer in DR needs a certificate for the DR root too (else
    /// its DR listener silently serves HTTP only); one kept out of DR needs
    /// only the primary's; the primary's is needed whenever any is given.
    #[test]
    fn every_root_the_load_balancer_runs_in_has_a_certificate() {
        for dr in ["active", "pilot-light"] {
            let e = errors(&with_certs(dr, &format!("      primary: {ARN_E2}\n")));
            assert_eq!(e.len(), 1, "{e:#?}");
            assert!(
                e[0].contains(&format!(
                    "certificate_arn has no `dr` certificate, but load balancer `lb` runs in DR (`dr: {dr}`): its DR listener would serve HTTP only"
                )),
                "{e:#?}"
            );
            assert!(e[0].contains("t.yaml:11:") && e[0].contains("add `dr: arn:aws:acm:us-west-1:"), "{}", e[0]);
        }
        let p = planned(&with_certs("none", &format!("      primary: {ARN_E2}\n")));
        assert_eq!(arg(module(&p.primary, "lb").unwrap(), "https"), "true");
        let e = errors(&with_certs("none", &format!("      dr: {ARN_W1}\n")));
        assert!(
            e.len() == 1 && e[0].contains("certificate_arn has no `primary` certificate"),
            "{e:#?}"
        );
    }

    /// A load balancer's traffic moves by DNS failover, by the
    /// accelerator's dial, or by hand, whichever fronts it in DR.
    #[test]
    fn objective_follows_what_fronts_the_load_balancer() {
        assert_eq!(objective(WEB, "lb").rto, "clients switch by hand");
        let dns = objective(
            &format!("{WEB}  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}}\n"),
            "lb",
        );
        assert_eq!(dns.rto, "90s to move DNS");
        assert!(dns.basis.contains("health checks every 10s, failover after 3 failures"), "{}", dns.basis);
        let ga = objective(&format!("{WEB}  - {{kind: global_accelerator, name: edge, target: lb, dr: active}}\n"), "lb");
        assert!(ga.rto.contains("update-endpoint-group"), "{}", ga.rto);
        assert!(ga.basis.contains("unhealthy after 45s"), "{}", ga.basis);
        assert_eq!(ga.needs, format!("traffic: {}", crate::objectives::GA_API));
    }
}
