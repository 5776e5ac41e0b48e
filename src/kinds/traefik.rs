//! `traefik`: Traefik as an EKS cluster's HTTP router (seed 004), highly
//! available (replicas spread over zones, a disruption budget). Behind a
//! load balancer it listens on the load balancer's NodePort on every node
//! (the node group registers the nodes) and answers the health checks on
//! `/ping`; the cluster's apps are reached through Ingresses of its class.

use super::workloads::{self, Ingress};
use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// The path Traefik answers health checks on (its ping endpoint, served on
/// the web entrypoint).
pub const HEALTH_PATH: &str = "/ping";

/// The traefik kind.
pub const SPEC: Spec = Spec {
    name: "traefik",
    summary: "Traefik (Helm chart) as the cluster's router: `qty` replicas over the zones, on the NodePort of the load balancers in front of the cluster, health checks on /ping",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Eks],
    fields: &["target", "chart_version"],
    size: SizeClass::None,
    needs_vpc: false,
    needs_kms: false,
    singleton: false,
    modules: &["traefik"],
    import_keywords: &[" traefik"],
    default_qty: 2,
    quantity: Quantity::Pods,
    db_client_group: None,
    alarms: &[],
};

/// Traefik's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Chart version (the module's catalogue default when unset).
    pub chart_version: Option<String>,
}

/// One router per cluster.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if let Some(cluster) = a.target.as_deref() {
        let inv = c.inventory();
        if let Ingress::Traefik(first) = workloads::ingress_in(&inv.assets, cluster) {
            if first != a.name {
                c.error(
                    "target",
                    format!("cluster `{cluster}` already has Traefik `{first}`"),
                    "keep one traefik asset per cluster: it listens on the load balancers' NodePort",
                );
            }
        }
    }
    Options {
        chart_version: a.chart_version.clone(),
    }
}

/// The chart on the cluster, on the NodePort of the load balancers in
/// front of it (ClusterIP when none is).
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let Some(cluster) = workloads::cluster(p, a) else {
        return;
    };
    let id = a.ident();
    let replicas = workloads::replicas(p, a, "Traefik");
    let lbs = workloads::load_balancers(p, cluster);
    let mut m = p.call(&id, "traefik", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(cluster.ident());
    m.depends_on.extend(super::workloads::addons_of(p, cluster));
    let name = a.name.replace('_', "-");
    m.arg("name", Expr::s(&name)).arg("namespace", Expr::s(&name));
    if let Some(v) = &o.chart_version {
        m.arg("chart_version", Expr::s(v));
    }
    m.arg("replicas", replicas);
    match lbs.first() {
        Some((_, port)) => {
            m.arg("target_type", Expr::s("instance"))
                .arg("node_port", Expr::Num(i64::from(*port)))
                .arg("trusted_ips", Expr::List(vec![p.vpc("vpc_cidr_block")]));
        }
        None => {
            m.arg("target_type", Expr::s("ip"));
        }
    }
    m.arg("health_check_path", Expr::s(HEALTH_PATH));
    p.push(m, None);
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, planned};

    const CLUSTER: &str = "  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: pilot-light}\n  - {kind: alb, name: lb, target: k8s, port: 30090, dr: pilot-light}\n";

    #[test]
    fn traefik_listens_on_the_load_balancers_node_port_in_both_regions() {
        let p = planned(&format!("{CLUSTER}  - {{kind: traefik, name: edge, target: k8s, dr: pilot-light}}\n"));
        for root in p.roots() {
            let t = module(root, "edge").unwrap();
            assert_eq!(arg(t, "node_port"), "30090");
            assert_eq!(arg(t, "target_type"), "\"instance\"");
            assert_eq!(t.providers[0].1.render(), "helm.k8s");
            assert_eq!(arg(module(root, "lb").unwrap(), "health_check_path"), "\"/ping\"");
        }
        assert_eq!(default_of(&p.primary, "edge_replicas").as_deref(), Some("2"));
        assert_eq!(default_of(&p.dr, "edge_replicas").as_deref(), Some("1"));
    }

    #[test]
    fn one_router_per_cluster() {
        let e = errors(&format!(
            "{CLUSTER}  - {{kind: traefik, name: a, target: k8s, dr: pilot-light}}\n  - {{kind: traefik, name: b, target: k8s, dr: pilot-light}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("already has Traefik `a`")), "{e:?}");
    }
}
