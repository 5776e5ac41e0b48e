//! `vm`: EC2 application servers spread over the AZs, booting the container
//! the inventory names, behind a load balancer or with Elastic IPs.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind, SubnetTier};
use crate::plan::expr::Part;
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// The node_exporter image the instances run when a monitoring stack of
/// their region scrapes them: the upstream image, pinned (node_exporter
/// 1.11.1, the newest release found 2026-11-26).
pub const NODE_EXPORTER_IMAGE: &str = "quay.io/prometheus/node-exporter:v1.11.1";

/// The port node_exporter listens on (its registered default).
pub const NODE_EXPORTER_PORT: u16 = 9100;

/// At most 100 instances per asset.
const VM_QTY: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 100,
    why: "acmegen renders one EC2 instance per unit and at most 100 per vm asset; split larger fleets into several assets",
};

/// The vm kind.
pub const SPEC: Spec = Spec {
    name: "vm",
    summary: "EC2 application servers over the AZs, running the container `image` on `port`",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["size", "port", "image", "container_port", "subnet", "key_pair", "volume_gb"],
    size: SizeClass::Ec2 { required: true },
    bounds: &[("qty", VM_QTY), ("port", crate::limits::PORT), ("volume_gb", crate::limits::EBS_VOLUME_GB)],
    draft: super::Draft {
        size: Some("t3.micro"),
        dr: (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        fields: super::DraftFields::Servers,
        counted: true,
        two: None,
    },
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::Own, "-instance")],
    needs_vpc: true,
    two_azs: false,
    needs_kms: true,
    singleton: false,
    modules: &["vm"],
    import_keywords: &[" vm ", " ec2 ", " server", " instance", " virtual machine"],
    default_qty: 1,
    quantity: Quantity::Instances,
    db_clients: super::DbClients::SharedGroup,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::Instances(instances),
    alarms: &[],
};

/// The EC2 instances it runs in one region: in DR as many as the primary,
/// which a failover raises a pilot light to.
fn instances(a: &Asset, dr: bool, _at_most: bool) -> Vec<super::Instances<'_>> {
    let n = if dr { a.qty().max(a.dr_count()) } else { a.qty() };
    a.size
        .as_deref()
        .map(|size| super::Instances {
            n,
            what: "instances",
            size,
            group: None,
        })
        .into_iter()
        .collect()
}

/// A VM asset's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// EC2 instance type.
    pub size: String,
    /// Port the application listens on (default 80).
    pub port: u16,
    /// Container image the instances run at boot.
    pub image: Option<String>,
    /// Port inside the container, when it differs from `port`.
    pub container_port: Option<u16>,
    /// Subnet tier asked for.
    pub subnet: Option<SubnetTier>,
    /// Key pair asset for SSH.
    pub key_pair: Option<String>,
    /// Root volume size in GiB.
    pub volume_gb: Option<u32>,
}

/// The key pair names a key_pair asset.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    check_key_pair(c, a);
    // `<ecr asset>:<tag>` pulls from that region's copy of the repository (see `image_ref`).
    let repository = a.image.as_deref().and_then(|i| i.split_once(':')).map(|(repo, _)| repo);
    if let Some((_, ecr)) = repository.and_then(|r| c.named(r)).filter(|(_, x)| x.kind == Kind::Ecr) {
        super::ecr::check_pulled_in_dr(c, a, ecr);
    }
    // node_exporter listens on the host's NODE_EXPORTER_PORT next to the
    // application wherever a monitoring stack scrapes servers.
    let scraped = || {
        c.inventory()
            .assets
            .iter()
            .any(|m| m.kind == Kind::K8sMonitoring && m.monitor_vms != Some(false))
    };
    if a.image.is_some() && a.port == Some(NODE_EXPORTER_PORT) && scraped() {
        c.error(
            "port",
            format!("port {NODE_EXPORTER_PORT} is node_exporter's on these instances (the monitoring stack scrapes them)"),
            "publish the application on another port (e.g. 8080), or set `monitor_vms: false` on the k8s_monitoring asset",
        );
    }
    Options {
        size: a.size.clone().unwrap_or_default(),
        port: a.port.unwrap_or(80),
        image: a.image.clone(),
        container_port: a.container_port,
        subnet: a.subnet,
        key_pair: a.key_pair.clone(),
        volume_gb: a.volume_gb,
    }
}

/// `key_pair` of a VM or bastion names a key_pair asset.
pub(crate) fn check_key_pair(c: &mut Check<'_>, a: &Asset) {
    if let Some(k) = &a.key_pair {
        if !matches!(c.named(k), Some((_, x)) if x.kind == Kind::KeyPair) {
            c.error(
                "key_pair",
                format!("key_pair `{k}` is not a key_pair asset"),
                "add a `kind: key_pair` asset with that name, or remove key_pair",
            );
        }
    }
}

/// What an instance module call of a vm or a bastion carries.
pub(crate) struct Instances<'o> {
    /// "instances" or "bastion hosts", for descriptions.
    pub what: &'static str,
    /// EC2 instance type.
    pub size: &'o str,
    /// The application: port, image, container port (vms only).
    pub app: Option<(u16, Option<&'o str>, Option<u16>)>,
    /// SSH sources.
    pub ssh_cidrs: &'o [String],
    /// Public subnets asked for.
    pub public: bool,
    /// Key pair asset.
    pub key_pair: Option<&'o str>,
    /// Root volume.
    pub volume_gb: Option<u32>,
}

/// Whether an instance type is Graviton (arm64).
pub(crate) fn arm(size: &str) -> bool {
    size.split('.').next().is_some_and(|f| f.ends_with('g'))
}

/// The `vm` module call of `a`.
pub(crate) fn plan_instances(p: &mut Planner<'_>, a: &ValidAsset, i: Instances<'_>) {
    let id = a.ident();
    let here = i64::from(p.count_here(a));
    let count = p.var(
        &format!("{id}_instance_count"),
        &format!("Number of {} of {} in this region.", i.what, a.name),
        "number",
        Expr::Num(here),
        VarRole::Capacity,
    );
    let itype = p.var(
        &format!("{id}_instance_type"),
        &format!("EC2 instance type of {}.", a.name),
        "string",
        Expr::s(i.size),
        VarRole::Setting,
    );
    let has_eip = p.targeting(&a.name, Kind::Eip).next().is_some();
    let public = has_eip || i.public;
    let albs: Vec<Expr> = p
        .targeting(&a.name, Kind::Alb)
        .map(|l| Expr::module(l.ident(), "security_group_id"))
        .collect();
    let mut m = p.call(&id, "vm", a);
    m.arg("name", Expr::s(p.name(a)))
        .arg("instance_count", count)
        .arg("instance_type", itype)
        .arg("architecture", Expr::s(if arm(i.size) { "arm64" } else { "x86_64" }))
        .arg("vpc_id", p.vpc("vpc_id"))
        .arg("vpc_cidr", p.vpc("vpc_cidr_block"))
        .arg(
            "subnet_ids",
            p.vpc(if public { "public_subnet_ids" } else { "private_subnet_ids" }),
        );
    if let Some((port, image, container_port)) = i.app {
        m.arg("app_port", Expr::Num(i64::from(port)));
        if let Some(image) = image {
            let (image, from_ecr) = image_ref(p, image);
            m.arg("app_image", image).arg("app_image_from_ecr", Expr::Bool(from_ecr));
            if let Some(cp) = container_port {
                m.arg("container_port", Expr::Num(i64::from(cp)));
            }
        }
        m.arg("ingress_security_group_ids", Expr::List(albs));
        // Monitored by the region's Prometheus: node_exporter next to the
        // application's container, reachable from the monitoring clusters'
        // nodes (managed node groups run in the cluster security group: the
        // launch template sets no other).
        let mut clusters: Vec<String> = super::k8s_monitoring::vm_monitors(p)
            .iter()
            .filter_map(|s| s.target.clone())
            .collect();
        clusters.sort();
        clusters.dedup();
        if !clusters.is_empty() && image.is_some() {
            // The same for every server of the root: written once.
            let scrapers = p.shared_local(
                "metrics_client_groups",
                "The security groups of the clusters whose Prometheus scrapes the servers'\n  # node_exporter in this region.",
                |p| {
                    Expr::List(
                        clusters
                            .iter()
                            .filter_map(|c| p.asset(c))
                            .map(|c| Expr::module(c.ident(), "cluster_security_group_id"))
                            .collect(),
                    )
                },
            );
            m.arg("node_exporter_image", Expr::s(NODE_EXPORTER_IMAGE))
                .arg("node_exporter_port", Expr::Num(i64::from(NODE_EXPORTER_PORT)))
                .arg("metrics_security_group_ids", scrapers);
        }
    }
    if super::rds::has_clients_group(p) {
        m.arg(
            "additional_security_group_ids",
            Expr::List(vec![p.vpc("database_clients_security_group_id")]),
        );
    }
    if !i.ssh_cidrs.is_empty() {
        m.arg("ssh_cidrs", Expr::strs(i.ssh_cidrs.iter().cloned()));
    }
    if let Some(kp) = i.key_pair.and_then(|k| p.asset(k)) {
        m.arg("key_name", Expr::module(kp.ident(), "key_name"));
    }
    if let Some(gb) = i.volume_gb {
        m.arg("volume_size", Expr::Num(i64::from(gb)));
    }
    m.arg("kms_key_arn", p.kms());
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    p.output(
        format!("{id}_instance_ids"),
        format!("Instances of {}.", a.name),
        Expr::module(&id, "instance_ids"),
    );
    p.output(
        format!("{id}_private_ips"),
        format!("Private IPs of {}.", a.name),
        Expr::module(&id, "private_ips"),
    );
}

/// The image reference of `image` in this region, and whether it is in
/// ECR: `<ecr asset>:<tag>` names a repository of the inventory, pulled from
/// this region's registry (in DR: the replica).
fn image_ref(p: &Planner<'_>, image: &str) -> (Expr, bool) {
    if let Some((repo, tag)) = image.split_once(':') {
        if let Some(ecr) = p.asset(repo).filter(|r| r.kind == Kind::Ecr) {
            let url = Expr::module(ecr.ident(), "repository_url");
            return (
                Expr::template(vec![Part::Interp(url), Part::Text(format!(":{tag}"))]),
                true,
            );
        }
    }
    (Expr::s(image), image.contains(".dkr.ecr."))
}

/// The VM's instances.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    plan_instances(
        p,
        a,
        Instances {
            what: "instances",
            size: &o.size,
            app: Some((o.port, o.image.as_deref(), o.container_port)),
            ssh_cidrs: &[],
            public: o.subnet == Some(SubnetTier::Public),
            key_pair: o.key_pair.as_deref(),
            volume_gb: o.volume_gb,
        },
    );
}

/// Recovery objectives: stateless instances; pilot light scales them up
/// by a targeted apply, then traffic moves.
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::PilotLight => crate::objectives::pilot_light(ctx, a, crate::objectives::INSTANCES_SCALE_UP),
        _ => crate::objectives::full_capacity(ctx, a),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, module, objective, planned};

    #[test]
    fn a_server_in_dr_pulls_only_from_a_repository_replicated_there() {
        let e = errors("  - {kind: ecr, name: svc, image_tag: \"1.0\", dr: none}\n  - {kind: vm, name: app, size: t3.micro, image: \"svc:1.0\", dr: active}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("`app` runs in DR but repository `svc` is not replicated there"), "{e:?}");
        let e = errors("  - {kind: ecr, name: svc, image_tag: \"1.0\", dr: none}\n  - {kind: vm, name: app, size: t3.micro, image: \"svc:1.0\", dr: none}\n");
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn the_application_keeps_off_node_exporters_port_where_servers_are_scraped() {
        let assets = |port: u16, monitor: &str| {
            format!("  - {{kind: vm, name: app, size: t3.micro, image: nginx, port: {port}, dr: none}}\n  - {{kind: eks, name: k, size: t3.medium, version: \"1.34\", dr: none}}\n  - {{kind: k8s_monitoring, name: mon, target: k, monitor_vms: {monitor}, dr: none}}\n")
        };
        let e = errors(&assets(9100, "true"));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("port 9100 is node_exporter's"), "{e:?}");
        assert!(errors(&assets(9100, "false")).is_empty());
        assert!(errors(&assets(8080, "true")).is_empty());
    }

    const VM: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: DR}\n";

    #[test]
    fn vm_active_gets_same_count_in_dr() {
        let p = planned(&VM.replace("DR", "active"));
        assert_eq!(default_of(&p.primary, "app_instance_count").as_deref(), Some("3"));
        assert_eq!(default_of(&p.dr, "app_instance_count").as_deref(), Some("3"));
    }

    #[test]
    fn vm_pilot_light_runs_reduced_in_dr() {
        let p = planned("  - {kind: vm, name: app, size: t3.micro, qty: 3, dr: pilot-light, dr_qty: 0}\n");
        assert_eq!(default_of(&p.primary, "app_instance_count").as_deref(), Some("3"));
        assert_eq!(default_of(&p.dr, "app_instance_count").as_deref(), Some("0"));
        assert!(module(&p.dr, "app")
            .unwrap()
            .comment
            .contains("pilot-light (0 of 3 in DR until failover)"));
    }

    #[test]
    fn an_image_of_the_inventorys_registry_is_pulled_from_each_regions_copy() {
        let p = planned("  - {kind: ecr, name: api, dr: replica}\n  - {kind: vm, name: app, size: t3.micro, image: \"api:1.2.3\", dr: active}\n");
        for root in p.roots() {
            let app = module(root, "app").unwrap();
            assert_eq!(arg(app, "app_image"), "\"${module.api.repository_url}:1.2.3\"");
            assert_eq!(arg(app, "app_image_from_ecr"), "true");
        }
    }

    /// A pilot-light VM scales up by a targeted apply (the EC2 API), then
    /// the DNS failover in front of its load balancer moves its traffic.
    #[test]
    fn pilot_light_objective_boots_instances_then_moves_dns() {
        let o = objective(
            "  - {kind: vm, name: app, size: t3.micro, qty: 3, dr_qty: 1, image: nginx, dr: pilot-light}\n  - {kind: alb, name: lb, target: app, dr: active}\n  - {kind: route53, name: dns, zone: shop.acme-platform.dev, record: app, target: lb, dr: active}\n",
            "app",
        );
        assert_eq!(
            o.rto,
            "≈ 10-15 min: scale 1 → 3 (a targeted apply, instances boot), then 90s to move DNS"
        );
        assert!(o.needs.starts_with("the EC2 and Elastic Load Balancing APIs"), "{}", o.needs);
        assert!(o.needs.contains("Route 53's data plane only"), "{}", o.needs);
        assert_eq!(o.rpo, "stateless: nothing to lose");
    }
}
