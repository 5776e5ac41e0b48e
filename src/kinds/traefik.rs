//! `traefik`: Traefik as an EKS cluster's HTTP router (seed 004), highly
//! available (replicas spread over zones, a disruption budget). Behind a
//! load balancer it listens on the load balancer's NodePort on every node
//! (the node group registers the nodes) and answers the health checks on
//! `/ping`; the cluster's apps are reached through Ingresses of its class.

use super::workloads::{self, Ingress};
use super::{Options as KindOptions, Quantity, SizeClass, Spec};
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
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["traefik"],
    import_keywords: &[" traefik"],
    default_qty: 2,
    quantity: Quantity::Pods,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Router,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
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
    m.arg("network_policy", network_policy(p, cluster));
    p.push(m, None);
}

/// Traefik's NetworkPolicy inputs: the VPC (load balancer or nodes in, API
/// server interfaces out), the cluster's Service range (the kubernetes
/// Service) and every application of the cluster Traefik routes to, with
/// its port.
fn network_policy(p: &Planner<'_>, cluster: &ValidAsset) -> Expr {
    let backends = p
        .targeting(&cluster.name, Kind::App)
        .filter_map(|a| match &a.options {
            KindOptions::App(o) if o.image.is_some() => Some(Expr::Map(vec![
                ("namespace".into(), Expr::s(a.name.replace('_', "-"))),
                ("port".into(), Expr::Num(i64::from(o.port))),
            ])),
            _ => None,
        })
        .collect();
    Expr::Map(vec![
        ("vpc_cidr".into(), p.vpc("vpc_cidr_block")),
        ("service_cidr".into(), Expr::module(cluster.ident(), "service_ipv4_cidr")),
        ("backends".into(), Expr::List(backends)),
    ])
}

/// Recovery objectives: a stateless workload; pilot light raises its
/// replicas once the nodes are up.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    workloads::objective(a)
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
    fn traefik_is_default_deny_with_its_allows_in_both_regions() {
        let p = planned(&format!(
            "{CLUSTER}  - {{kind: traefik, name: edge, target: k8s, dr: pilot-light}}\n  - {{kind: app, name: api_v2, target: k8s, image: docker.io/nginx:1.27, port: 8000, dr: pilot-light}}\n"
        ));
        for root in p.roots() {
            let np = arg(module(root, "edge").unwrap(), "network_policy");
            assert!(np.contains("vpc_cidr = module.vpc.vpc_cidr_block"), "{np}");
            assert!(np.contains("service_cidr = module.k8s.service_ipv4_cidr"), "{np}");
            // The app's namespace (the app's name, `_` as `-`) on its port.
            assert!(np.contains("namespace = \"api-v2\""), "{np}");
            assert!(np.contains("port = 8000"), "{np}");
        }
    }

    /// The module's `network_policies` local, evaluated with `network_policy`.
    fn policies(network_policy: hcl::Value) -> hcl::Value {
        use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
        use hcl::Value;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/modules/traefik/main.tf");
        let body = hcl::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
        let expr = body
            .blocks()
            .filter(|b| b.identifier() == "locals")
            .flat_map(|b| b.body().attributes())
            .find(|a| a.key() == "network_policies")
            .expect("local.network_policies")
            .expr()
            .clone();
        fn concat(args: FuncArgs) -> Result<Value, String> {
            Ok(Value::Array(
                args.iter()
                    .flat_map(|a| a.as_array().cloned().unwrap_or_default())
                    .collect(),
            ))
        }
        fn flatten(args: FuncArgs) -> Result<Value, String> {
            let items = args[0].as_array().cloned().unwrap_or_default();
            Ok(Value::Array(
                items.into_iter().flat_map(|i| i.as_array().cloned().unwrap_or_default()).collect(),
            ))
        }
        fn cidrhost(args: FuncArgs) -> Result<Value, String> {
            let c = args[0].as_str().unwrap().parse::<crate::cidr::Cidr>().map_err(|e| e.to_string())?;
            let host = c.addr + args[1].as_u64().unwrap() as u32;
            Ok(Value::from(std::net::Ipv4Addr::from(host).to_string()))
        }
        let mut ctx = Context::new();
        ctx.declare_func("concat", FuncDef::builder().variadic_param(ParamType::Any).build(concat));
        ctx.declare_func("flatten", FuncDef::builder().param(ParamType::Any).build(flatten));
        ctx.declare_func(
            "cidrhost",
            FuncDef::builder().param(ParamType::String).param(ParamType::Number).build(cidrhost),
        );
        ctx.declare_var(
            "var",
            hcl::value!({ name = "router", namespace = "router", web_port = 8000, network_policy = (network_policy) }),
        );
        ctx.declare_var(
            "local",
            hcl::value!({ selector = { "app.kubernetes.io/name" = "traefik", "app.kubernetes.io/instance" = "router" } }),
        );
        expr.evaluate(&ctx).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_module_renders_default_deny_and_exactly_the_allows_traefik_needs() {
        let p = policies(hcl::value!({
            vpc_cidr = "10.30.0.0/16",
            service_cidr = "172.20.0.0/16",
            backends = [{ namespace = "api", port = 8000 }, { namespace = "admin", port = 9000 }]
        }));
        let json = serde_json::to_value(&p).unwrap();
        let [deny, allow] = json.as_array().unwrap().as_slice() else { panic!("{json:#}") };
        // The whole namespace, both ways.
        assert_eq!(deny["metadata"], serde_json::json!({"name": "default-deny", "namespace": "router"}));
        assert_eq!(deny["spec"], serde_json::json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}));
        // Traefik's pods: the web entrypoint from the VPC ...
        assert_eq!(allow["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/instance"], "router");
        assert_eq!(
            allow["spec"]["ingress"],
            serde_json::json!([{"from": [{"ipBlock": {"cidr": "10.30.0.0/16"}}], "ports": [{"protocol": "TCP", "port": 8000}]}])
        );
        // ... and out only to DNS, the API server and the backends.
        assert_eq!(
            allow["spec"]["egress"],
            serde_json::json!([
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                         "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                 "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                {"to": [{"ipBlock": {"cidr": "10.30.0.0/16"}}, {"ipBlock": {"cidr": "172.20.0.1/32"}}],
                 "ports": [{"protocol": "TCP", "port": 443}]},
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "api"}}}],
                 "ports": [{"protocol": "TCP", "port": 8000}]},
                {"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "admin"}}}],
                 "ports": [{"protocol": "TCP", "port": 9000}]},
            ])
        );
        assert_eq!(policies(hcl::Value::Null), hcl::Value::Array(vec![]));
    }

    #[test]
    fn one_router_per_cluster() {
        let e = errors(&format!(
            "{CLUSTER}  - {{kind: traefik, name: a, target: k8s, dr: pilot-light}}\n  - {{kind: traefik, name: b, target: k8s, dr: pilot-light}}\n"
        ));
        assert!(e.iter().any(|e| e.contains("already has Traefik `a`")), "{e:?}");
    }
}
