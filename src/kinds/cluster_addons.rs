//! `cluster_addons`: the controllers of an EKS cluster (seeds 003/004), each
//! a Helm release with its own IRSA role scoped to what it touches: the AWS
//! Load Balancer Controller, cert-manager (DNS-01 in the inventory's Route 53
//! zones), cluster-autoscaler (only this cluster's node groups),
//! metrics-server, and optionally external-dns; with `container_logs:
//! cloudwatch`, Fluent Bit shipping every container's logs into a
//! KMS-encrypted CloudWatch Logs group of the region (`retention_days`,
//! default 90). Chart versions: the catalogue in the module's header
//! (`templates/modules/eks_addons`).

use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, ContainerLogs, DrStrategy, Kind};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// The add-ons acmegen installs, by inventory name (module flag `enable_<name>`).
pub const ADDONS: &[&str] = &[
    "aws_load_balancer_controller",
    "cert_manager",
    "cluster_autoscaler",
    "metrics_server",
    "external_dns",
];

/// Installed when the inventory lists none.
pub const DEFAULT_ADDONS: &[&str] = &[
    "aws_load_balancer_controller",
    "cert_manager",
    "cluster_autoscaler",
    "metrics_server",
];

/// The cluster_addons kind.
pub const SPEC: Spec = Spec {
    name: "cluster_addons",
    summary: "cluster controllers with least-privilege IRSA roles: load balancer controller, cert-manager, cluster-autoscaler, metrics-server (default), external-dns (`addons:` chooses); `qty` replicas each",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Eks],
    fields: &["target", "addons", "container_logs", "retention_days"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::Cluster, "-cluster-autoscaler")],
    needs_vpc: true,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["eks_addons"],
    import_keywords: &[],
    default_qty: 2,
    quantity: Quantity::Pods,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// The add-ons' fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Add-ons to install, in [`ADDONS`] order.
    pub addons: Vec<&'static str>,
    /// Ship container logs to CloudWatch Logs (Fluent Bit).
    pub container_logs: bool,
    /// Retention of the container log group, in days.
    pub log_retention_days: u32,
}

/// Retention of the container logs when the inventory names none.
pub const DEFAULT_LOG_RETENTION_DAYS: u32 = 90;

/// Known add-on names; one set of add-ons per cluster.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let mut addons = Vec::new();
    match &a.addons {
        None => addons.extend(DEFAULT_ADDONS),
        Some(list) => {
            for name in list {
                match ADDONS.iter().find(|x| **x == name.replace('-', "_")) {
                    Some(known) if !addons.contains(known) => addons.push(*known),
                    Some(_) => {}
                    None => c.error(
                        "addons",
                        format!("unknown add-on `{name}`"),
                        format!(
                            "{}choose from {}",
                            crate::suggest::did_you_mean(name, ADDONS.iter().copied()),
                            ADDONS.join(", ")
                        ),
                    ),
                }
            }
        }
    }
    addons.sort_by_key(|x| ADDONS.iter().position(|k| k == x));
    if let Some(cluster) = a.target.as_deref() {
        let first = c
            .inventory()
            .assets
            .iter()
            .find(|o| o.kind == Kind::ClusterAddons && o.target.as_deref() == Some(cluster));
        if let Some(first) = first.filter(|f| f.name != a.name) {
            c.error(
                "target",
                format!("cluster `{cluster}` already has add-ons `{}`", first.name),
                "list every add-on of a cluster in one cluster_addons asset",
            );
        }
    }
    super::cloudwatch::check_log_retention(c, a);
    let container_logs = a.container_logs == Some(ContainerLogs::Cloudwatch);
    if a.retention_days.is_some() && !container_logs {
        c.error(
            "retention_days",
            format!("`{}` ships no container logs for retention_days to apply to", a.name),
            "add `container_logs: cloudwatch`, or remove retention_days",
        );
    }
    Options {
        addons,
        container_logs,
        log_retention_days: a.retention_days.unwrap_or(DEFAULT_LOG_RETENTION_DAYS),
    }
}

/// The Route 53 zones of the inventory: DNS name → zone ID expression.
fn zones(p: &mut Planner<'_>) -> Vec<(String, Expr)> {
    let records: Vec<&ValidAsset> = p.v.assets.iter().filter(|a| a.kind == Kind::Route53).collect();
    let mut zones: Vec<(String, Expr)> = Vec::new();
    for r in records {
        let KindOptions::Route53(o) = &r.options else { continue };
        let name = o.zone.trim_end_matches('.').to_string();
        if !zones.iter().any(|(z, _)| *z == name) {
            let id = super::route53::zone_id(p, r);
            zones.push((name, id));
        }
    }
    zones
}

/// The controllers on the cluster, after its nodes.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let Some(cluster) = super::workloads::cluster(p, a) else {
        return;
    };
    let KindOptions::Eks(eks) = &cluster.options else {
        return;
    };
    let id = a.ident();
    let c = cluster.ident();
    let replicas = super::workloads::replicas(p, a, "each controller of");
    let lbs = super::workloads::load_balancers(p, cluster);
    let zones = zones(p);
    let mut m = p.call(&id, "eks_addons", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(c.clone());
    m.arg("cluster_name", Expr::module(&c, "cluster_name"))
        .arg("kubernetes_version", Expr::s(&eks.version))
        .arg("oidc_provider_arn", Expr::module(&c, "oidc_provider_arn"))
        .arg("region", Expr::var("region"))
        .arg("vpc_id", p.vpc("vpc_id"))
        .arg("replicas", replicas);
    for addon in ADDONS {
        m.arg(format!("enable_{addon}"), Expr::Bool(o.addons.contains(addon)));
    }
    if o.addons.contains(&"aws_load_balancer_controller") && !lbs.is_empty() {
        m.arg(
            "target_group_arns",
            Expr::List(lbs.iter().map(|(l, _)| Expr::module(l.ident(), "target_group_arn")).collect()),
        );
    }
    if o.addons.contains(&"cert_manager") && !zones.is_empty() {
        m.arg("cert_manager_route53_zones", Expr::Map(zones.clone()));
        if let Some(email) = p.v.inventory.alert_emails.as_ref().and_then(|e| e.first()) {
            m.arg("acme_email", Expr::s(email));
        }
    }
    if o.addons.contains(&"external_dns") && !zones.is_empty() {
        m.arg(
            "external_dns_route53_zone_ids",
            Expr::List(zones.iter().map(|(_, id)| id.clone()).collect()),
        )
        .arg(
            "external_dns_domain_filters",
            Expr::strs(zones.iter().map(|(z, _)| z.clone())),
        );
    }
    if o.container_logs {
        m.arg("enable_container_logs", Expr::Bool(true))
            .arg("container_log_retention_days", Expr::Num(i64::from(o.log_retention_days)))
            .arg("kms_key_arn", p.kms());
    }
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
}

/// Recovery objectives: a stateless workload; pilot light raises its
/// replicas once the nodes are up.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    super::workloads::objective(a)
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, planned};

    const CLUSTER: &str = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n";

    #[test]
    fn default_addons_on_the_cluster_in_both_regions_with_the_zones_for_cert_manager() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: alb, name: lb, target: k8s, dr: pilot-light}}\n  - {{kind: traefik, name: edge, target: k8s, dr: pilot-light}}\n  - {{kind: route53, name: dns, zone: shop.acme-platform.dev, record: www, target: lb, dr: active}}\n  - {{kind: cluster_addons, name: addons, target: k8s, dr: pilot-light}}\n"
        ));
        for root in p.roots() {
            let m = module(root, "addons").unwrap();
            assert_eq!(arg(m, "enable_cluster_autoscaler"), "true");
            assert_eq!(arg(m, "enable_external_dns"), "false");
            assert_eq!(arg(m, "oidc_provider_arn"), "module.k8s.oidc_provider_arn");
            assert!(arg(m, "cert_manager_route53_zones").contains("bootstrap/zone_id_shop_acme_platform_dev"));
            assert_eq!(arg(m, "target_group_arns"), "[module.lb.target_group_arn]");
        }
        assert_eq!(default_of(&p.dr, "addons_replicas").as_deref(), Some("1"));
    }

    #[test]
    fn container_logs_go_to_an_encrypted_log_group_of_each_region_with_a_retention() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s, container_logs: cloudwatch, retention_days: 180, dr: pilot-light}}\n"
        ));
        for root in p.roots() {
            let m = module(root, "addons").unwrap();
            assert_eq!(arg(m, "enable_container_logs"), "true");
            assert_eq!(arg(m, "container_log_retention_days"), "180");
            assert_eq!(arg(m, "kms_key_arn"), "module.kms.key_arn");
        }
        // The default retention, and nothing without the switch.
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s, container_logs: cloudwatch, dr: pilot-light}}\n"
        ));
        assert_eq!(arg(module(&p.dr, "addons").unwrap(), "container_log_retention_days"), "90");
        for logs in ["", ", container_logs: none"] {
            let p = planned(&format!("{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s{logs}, dr: pilot-light}}\n"));
            for root in p.roots() {
                let m = module(root, "addons").unwrap();
                assert!(m.argument("enable_container_logs").is_none(), "{logs}");
                assert!(m.argument("kms_key_arn").is_none(), "{logs}");
            }
        }
    }

    #[test]
    fn a_retention_that_is_no_cloudwatch_period_or_applies_to_nothing_is_refused() {
        let e = errors(&format!(
            "{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s, container_logs: cloudwatch, retention_days: 100, dr: pilot-light}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("100 is not a CloudWatch Logs retention period")), "{e:?}");
        let e = errors(&format!("{CLUSTER}  - {{kind: cluster_addons, name: addons, target: k8s, retention_days: 90, dr: pilot-light}}\n"));
        assert!(e.iter().any(|e| e.contains("ships no container logs")), "{e:?}");
    }

    #[test]
    fn unknown_addons_and_a_second_set_are_refused() {
        let e = errors(&format!(
            "{CLUSTER}  - {{kind: cluster_addons, name: a, target: k8s, addons: [cert-manager, karpenterr], dr: pilot-light}}\n  - {{kind: cluster_addons, name: b, target: k8s, dr: pilot-light}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("unknown add-on `karpenterr`")), "{e:?}");
        assert!(e.iter().any(|e| e.contains("already has add-ons `a`")), "{e:?}");
    }
}
