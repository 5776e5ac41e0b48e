//! `k8s_monitoring`: Prometheus and Grafana (kube-prometheus-stack) on a
//! cluster of the inventory, installed through the cluster's Helm provider.
//! Optionally on a dedicated node group of the cluster (tolerating its
//! taints, requiring its labels), with both regions' Prometheus in every
//! Grafana through a managed Prometheus workspace per region (the other
//! region's found in the fact store, which outlives the primary region), a
//! CloudWatch data source, and alerts routed to the region's alarm topic.
//! Prometheus scrapes node_exporter on the `vm` instances of its region
//! (EC2 service discovery by tag, IRSA role for discovery), which admit the
//! exporter port from the cluster's nodes only (`monitor_vms`, default on).

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind, Taint};
use crate::plan::{Expr, Planner};
use crate::validate::{Check, ValidAsset};

/// Default chart version of kube-prometheus-stack when the inventory names none.
pub const DEFAULT_CHART: &str = "77.0.0";

/// The k8s_monitoring kind.
pub const SPEC: Spec = Spec {
    name: "k8s_monitoring",
    summary: "Prometheus and Grafana (kube-prometheus-stack) on an EKS cluster",
    dr: &[DrStrategy::Active, DrStrategy::None],
    dr_hints: &[],
    targets: &[Kind::Eks],
    fields: &["target", "chart_version", "node_group", "cross_region", "cloudwatch_data_source", "monitor_vms"],
    size: SizeClass::None,
    bounds: super::QTY_ONLY,
    draft: super::Draft::PLAIN,
    category: super::Category::Other,
    aws_names: &[super::iam_role(super::NameBase::OnCluster, "-alertmanager")],
    needs_vpc: false,
    two_azs: false,
    needs_kms: false,
    singleton: false,
    modules: &["k8s_monitoring"],
    import_keywords: &[" monitoring", " prometheus", " grafana"],
    default_qty: 1,
    quantity: Quantity::None,
    db_clients: super::DbClients::No,
    node_port: super::NodePort::Nothing,
    service_linked_roles: &[],
    quota: super::QuotaUse::None,
    alarms: &[],
};

/// The stack's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// kube-prometheus-stack chart version.
    pub chart_version: String,
    /// The dedicated node group the stack runs on, if any.
    pub node_group: Option<Placement>,
    /// Both regions' Prometheus in every Grafana (managed Prometheus workspaces).
    pub cross_region: bool,
    /// A CloudWatch data source in Grafana.
    pub cloudwatch_data_source: bool,
    /// Scrape node_exporter on the vm instances of the stack's region.
    pub monitor_vms: bool,
}

/// Where the stack's pods go: a node group's labels and taints.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The node group's name.
    pub group: String,
    /// Its labels (the pods' nodeSelector).
    pub labels: Vec<(String, String)>,
    /// Its taints (the pods tolerate each).
    pub taints: Vec<Taint>,
}

/// The node group `name` of the stack's target cluster, checked: it exists,
/// has labels to select it by, and runs nodes wherever the stack runs.
fn placement(c: &mut Check<'_>, a: &Asset, name: &str) -> Option<Placement> {
    let cluster = a.target.as_deref().and_then(|t| c.named(t)).map(|(_, x)| x)?;
    let groups: Vec<&crate::inventory::NodeGroup> = cluster.node_groups.iter().flatten().collect();
    let Some(g) = groups.iter().find(|g| g.name == name) else {
        let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        c.error(
            "node_group",
            format!("cluster `{}` has no node group `{name}`", cluster.name),
            if known.is_empty() {
                format!("add it under the cluster's `node_groups:` (e.g. `- {{name: {name}, labels: {{role: {name}}}, taints: [{{key: dedicated, value: {name}, effect: NoSchedule}}]}}`)")
            } else {
                format!("use one of: {}", known.join(", "))
            },
        );
        return None;
    };
    if g.labels.is_empty() {
        c.error(
            "node_group",
            format!("node group `{name}` of `{}` has no labels to select its nodes by", cluster.name),
            format!("add e.g. `labels: {{role: {name}}}` to the node group"),
        );
    }
    let dr_nodes = match cluster.dr {
        DrStrategy::PilotLight => g.dr_qty.unwrap_or(1),
        _ => g.qty.unwrap_or(1),
    };
    if a.dr == DrStrategy::Active && cluster.dr != DrStrategy::None && dr_nodes == 0 {
        c.error(
            "node_group",
            format!("node group `{name}` runs no node in the DR region, where `{}` runs", a.name),
            "set the node group's dr_qty to 1 or more, or keep the stack out of DR (`dr: none`)",
        );
    }
    Some(Placement {
        group: g.name.clone(),
        labels: g.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        taints: g.taints.clone(),
    })
}

/// The stack's fields, checked. Its volumes need no account setting: the
/// module's own StorageClass encrypts them with the region's key.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    let cross_region = a.cross_region.unwrap_or(false);
    if cross_region && a.dr != DrStrategy::Active {
        c.error(
            "cross_region",
            format!("`{}` runs in one region only: there is no other region's Prometheus to show", a.name),
            "set `dr: active` so both regions run the stack, or remove `cross_region`",
        );
    }
    let node_group = match a.node_group.as_deref() {
        Some(name) => placement(c, a, name),
        None => None,
    };
    Options {
        chart_version: a.chart_version.clone().unwrap_or_else(|| DEFAULT_CHART.into()),
        node_group,
        cross_region,
        cloudwatch_data_source: a.cloudwatch_data_source.unwrap_or(false),
        monitor_vms: a.monitor_vms.unwrap_or(true),
    }
}

/// The `tolerations` argument: one per taint (`Exists` for a taint without value).
fn tolerations(taints: &[Taint]) -> Expr {
    Expr::List(
        taints
            .iter()
            .map(|t| {
                let mut fields = vec![("key".to_string(), Expr::s(&t.key))];
                match &t.value {
                    Some(v) => {
                        fields.push(("operator".into(), Expr::s("Equal")));
                        fields.push(("value".into(), Expr::s(v)));
                    }
                    None => fields.push(("operator".into(), Expr::s("Exists"))),
                }
                fields.push(("effect".into(), Expr::s(t.effect.as_str())));
                Expr::Map(fields)
            })
            .collect(),
    )
}

/// The alarm topic of this region's first cloudwatch asset: where the
/// inventory's alerts go (its e-mail subscribers).
fn alarm_topic<'a>(p: &Planner<'a>) -> Option<&'a ValidAsset> {
    let mut topics: Vec<&'a ValidAsset> = p.of_kind(Kind::Cloudwatch).collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    topics.first().copied()
}

/// The monitoring stacks of this root that scrape its vm instances, by name:
/// a vm runs node_exporter and admits the stacks' cluster nodes when there
/// is one (none: the region's VMs run no exporter).
pub(crate) fn vm_monitors<'a>(p: &Planner<'a>) -> Vec<&'a ValidAsset> {
    let mut stacks: Vec<&'a ValidAsset> = p
        .of_kind(Kind::K8sMonitoring)
        .filter(|x| matches!(&x.options, super::Options::K8sMonitoring(o) if o.monitor_vms))
        .filter(|x| x.target.as_deref().and_then(|t| p.asset(t)).is_some())
        .collect();
    stacks.sort_by(|a, b| a.name.cmp(&b.name));
    stacks
}

/// The vm assets of this root whose instances the stack scrapes: those
/// running an application container (node_exporter runs next to it).
fn scraped_vms<'a>(p: &Planner<'a>, o: &Options) -> Vec<&'a ValidAsset> {
    if !o.monitor_vms {
        return Vec::new();
    }
    p.of_kind(Kind::Vm)
        .filter(|x| matches!(&x.options, super::Options::Vm(vm) if vm.image.is_some()))
        .collect()
}

/// The chart, through the cluster's Helm provider, after the cluster.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let Some(cluster) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let c = cluster.ident();
    let mut m = p.call(&id, "k8s_monitoring", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(c.clone());
    m.depends_on.extend(super::workloads::addons_of(p, cluster));
    // The volumes' StorageClass encrypts with the region's key, which the
    // cluster's EBS CSI driver may use.
    m.arg("name", Expr::s(a.name.replace('_', "-")))
        .arg("chart_version", Expr::s(&o.chart_version))
        .arg("kms_key_arn", p.kms());
    if let Some(g) = &o.node_group {
        m.arg(
            "node_selector",
            Expr::Map(g.labels.iter().map(|(k, v)| (k.clone(), Expr::s(v))).collect()),
        )
        .arg("tolerations", tolerations(&g.taints))
        .arg("require_dedicated_nodes", Expr::Bool(true));
    }
    let topic = alarm_topic(p);
    let vms = scraped_vms(p, o);
    let irsa = topic.is_some() || o.cross_region || o.cloudwatch_data_source || !vms.is_empty();
    if irsa {
        m.arg("cluster_name", Expr::module(&c, "cluster_name"))
            .arg("oidc_provider_arn", Expr::module(&c, "oidc_provider_arn"))
            .arg("region", Expr::var("region"));
    }
    if let Some(topic) = topic {
        m.arg("send_alerts_to_sns", Expr::Bool(true))
            .arg("alert_sns_topic_arn", Expr::module(topic.ident(), "alarm_topic_arn"))
            .arg("alert_sns_kms_key_arn", p.kms());
    }
    if o.cloudwatch_data_source {
        m.arg("cloudwatch_data_source", Expr::Bool(true));
    }
    if !vms.is_empty() {
        // Every stack that scrapes the servers scrapes all of them: written once.
        let targets = p.shared_local(
            "metrics_scrape_targets",
            "The node_exporter endpoints of the servers in this region, which every\n  # Prometheus monitoring them scrapes.",
            |_| Expr::List(vms.iter().map(|vm| Expr::module(vm.ident(), "node_exporter_target")).collect()),
        );
        m.arg("ec2_scrape_targets", targets);
    }
    let (arn_fact, endpoint_fact) = (format!("{id}_prometheus_arn"), format!("{id}_prometheus_endpoint"));
    if o.cross_region {
        // The other region's workspace, from the fact store (null until that
        // root has published it; the DR root still reads the primary's with
        // the primary region gone).
        let known = Expr::call(
            "alltrue",
            vec![Expr::List(vec![p.fact_present(&arn_fact), p.fact_present(&endpoint_fact)])],
        );
        let arn = p.fact(&arn_fact);
        let endpoint = p.fact(&endpoint_fact);
        m.arg("managed_prometheus", Expr::Bool(true))
            .arg(
                "peer_prometheus",
                Expr::cond(
                    known,
                    Expr::Map(vec![
                        ("workspace_arn".into(), arn),
                        ("endpoint".into(), endpoint),
                    ]),
                    Expr::Null,
                ),
            );
    }
    if irsa {
        let tags = p.tags(Some(a));
        m.args.push(("tags".into(), tags));
    }
    let m = p.push(m, None);
    if o.cross_region {
        p.publish(&arn_fact, m.out("prometheus_workspace_arn"), None);
        p.publish(&endpoint_fact, m.out("prometheus_workspace_endpoint"), None);
    }
}

/// Recovery objectives: a monitoring stack per cluster; metrics stay where
/// they were scraped.
pub fn objective(_: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        _ => crate::objectives::Estimate::new(
            "0: the DR cluster runs its own stack",
            "metrics of the primary region are not copied",
            "an independent Prometheus and Grafana per region",
            crate::objectives::NOTHING,
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, errors, module, planned};

    const STACK: &str = "  - kind: eks\n    name: k8s\n    size: m6i.large\n    qty: 2\n    version: \"1.35\"\n    dr: active\n    node_groups:\n      - {name: monitoring, qty: 2, labels: {role: monitoring}, taints: [{key: dedicated, value: monitoring, effect: NoSchedule}, {key: spot, effect: NoExecute}]}\n  - {kind: cloudwatch, name: alarms, dr: active}\n  - {kind: k8s_monitoring, name: mon, target: k8s, node_group: monitoring, cross_region: true, cloudwatch_data_source: true, dr: active}\n";

    /// helper-66: the volumes are encrypted with the region's key through
    /// the module's own StorageClass, without the account-wide EBS default
    /// (off, they were unencrypted; another stack's key, the EBS CSI driver
    /// could not use it). The key is the one the cluster's driver may use.
    #[test]
    fn the_volumes_are_encrypted_with_the_clusters_key_without_the_account_default() {
        let p = planned(STACK);
        for root in p.roots() {
            let mon = module(root, "mon").unwrap();
            assert_eq!(arg(mon, "kms_key_arn"), arg(module(root, "k8s").unwrap(), "kms_key_arn"));
            assert!(mon.argument("storage_class").is_none(), "the module's own class");
        }
        let text = include_str!("../../templates/modules/k8s_monitoring/main.tf");
        assert!(text.contains("chart            = \"${path.module}/../../charts/encrypted-storage-class\""));
        assert!(text.contains("storageClassName = local.storage_class"));
        assert!(!text.contains("var.storage_class\n"));
    }

    #[test]
    fn the_stack_runs_on_its_node_group_and_tolerates_its_taints() {
        let p = planned(STACK);
        let mon = module(&p.primary, "mon").unwrap();
        assert_eq!(arg(mon, "node_selector"), "{\nrole = \"monitoring\"\n}");
        let tolerations = arg(mon, "tolerations");
        assert!(tolerations.contains("key = \"dedicated\"\noperator = \"Equal\"\nvalue = \"monitoring\"\neffect = \"NoSchedule\""), "{tolerations}");
        assert!(tolerations.contains("key = \"spot\"\noperator = \"Exists\"\neffect = \"NoExecute\""), "{tolerations}");
        assert_eq!(arg(mon, "require_dedicated_nodes"), "true");
    }

    #[test]
    fn alerts_go_to_the_regions_alarm_topic_and_cloudwatch_is_a_data_source() {
        let p = planned(STACK);
        for root in [&p.primary, &p.dr] {
            let mon = module(root, "mon").unwrap();
            assert_eq!(arg(mon, "send_alerts_to_sns"), "true");
            assert_eq!(arg(mon, "alert_sns_topic_arn"), "module.alarms.alarm_topic_arn");
            assert_eq!(arg(mon, "alert_sns_kms_key_arn"), "module.kms.key_arn");
            assert_eq!(arg(mon, "cloudwatch_data_source"), "true");
            assert_eq!(arg(mon, "oidc_provider_arn"), "module.k8s.oidc_provider_arn");
        }
    }

    #[test]
    fn each_grafana_reads_the_other_regions_workspace_from_the_fact_store() {
        let p = planned(STACK);
        // The DR root reads the primary's workspace from the store in its own
        // region: nothing it needs lives in the primary region.
        let dr = module(&p.dr, "mon").unwrap();
        assert_eq!(arg(dr, "managed_prometheus"), "true");
        let peer = arg(dr, "peer_prometheus");
        assert!(peer.starts_with("alltrue([contains(module.facts.names, \"primary/mon_prometheus_arn\"), contains(module.facts.names, \"primary/mon_prometheus_endpoint\")])"), "{peer}");
        assert!(peer.contains("workspace_arn = module.facts.values[\"primary/mon_prometheus_arn\"]"), "{peer}");
        // No primary-region literal in the DR root: the module reads the
        // region from the workspace ARN.
        assert!(!peer.contains("us-east-2"), "{peer}");
        assert!(peer.ends_with(": null"), "{peer}");
        let primary = module(&p.primary, "mon").unwrap();
        assert!(arg(primary, "peer_prometheus").contains("module.facts.values[\"dr/mon_prometheus_endpoint\"]"));
        for root in [&p.primary, &p.dr] {
            assert!(root.facts_published.contains(&"mon_prometheus_arn".to_string()));
            assert!(root.facts_published.contains(&"mon_prometheus_endpoint".to_string()));
        }
    }

    const VMS: &str = "  - {kind: vm, name: app, size: t3.micro, qty: 2, image: \"public.ecr.aws/nginx/nginx:stable\", dr: active}\n  - {kind: vm, name: batch, size: t3.micro, dr: active}\n  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n";

    #[test]
    fn each_regions_prometheus_scrapes_node_exporter_on_its_vms_only_from_the_cluster_nodes() {
        let p = planned(&format!("{VMS}  - {{kind: k8s_monitoring, name: mon, target: k8s, dr: active}}\n"));
        for root in p.roots() {
            let app = module(root, "app").unwrap();
            let image = arg(app, "node_exporter_image");
            assert!(image.starts_with("\"quay.io/prometheus/node-exporter:v1."), "{image}");
            assert_eq!(arg(app, "node_exporter_port"), "9100");
            assert_eq!(
                crate::kinds::testing::resolved_arg(root, app, "metrics_security_group_ids"),
                "[module.k8s.cluster_security_group_id]"
            );
            // A vm without an application container runs no exporter.
            assert!(module(root, "batch").unwrap().argument("node_exporter_image").is_none());
            let mon = module(root, "mon").unwrap();
            assert_eq!(
                crate::kinds::testing::resolved_arg(root, mon, "ec2_scrape_targets"),
                "[module.app.node_exporter_target]"
            );
            // Discovery needs the IRSA role: the cluster's OIDC provider and the region.
            assert_eq!(arg(mon, "oidc_provider_arn"), "module.k8s.oidc_provider_arn");
            assert_eq!(arg(mon, "cluster_name"), "module.k8s.cluster_name");
            assert_eq!(arg(mon, "region"), "var.region");
            assert!(mon.argument("tags").is_some());
        }
    }

    #[test]
    fn vms_of_a_region_without_a_monitoring_stack_run_no_exporter() {
        // The stack stays in the primary region: the DR VMs are nobody's targets.
        let p = planned(&format!("{VMS}  - {{kind: k8s_monitoring, name: mon, target: k8s, dr: none}}\n"));
        assert!(module(&p.primary, "app").unwrap().argument("node_exporter_image").is_some());
        let dr = module(&p.dr, "app").unwrap();
        assert!(dr.argument("node_exporter_image").is_none());
        assert!(dr.argument("metrics_security_group_ids").is_none());
        assert!(module(&p.dr, "mon").is_none());
        // No stack at all, or one told not to scrape the VMs: nothing.
        for assets in [
            VMS.to_string(),
            format!("{VMS}  - {{kind: k8s_monitoring, name: mon, target: k8s, monitor_vms: false, dr: active}}\n"),
        ] {
            let p = planned(&assets);
            for root in p.roots() {
                let app = module(root, "app").unwrap();
                assert!(app.argument("node_exporter_image").is_none(), "{assets}");
                if let Some(mon) = module(root, "mon") {
                    assert!(mon.argument("ec2_scrape_targets").is_none());
                    assert!(mon.argument("oidc_provider_arn").is_none());
                }
            }
        }
    }

    #[test]
    fn without_options_the_stack_keeps_the_chart_defaults() {
        let p = planned("  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n  - {kind: k8s_monitoring, name: mon, target: k8s, dr: active}\n");
        let mon = module(&p.primary, "mon").unwrap();
        let args: Vec<&str> = mon.args.iter().map(|(k, _)| k.as_ref()).collect();
        // The key only: the volumes' StorageClass encrypts with it.
        assert_eq!(args, ["name", "chart_version", "kms_key_arn"]);
    }

    #[test]
    fn a_missing_or_unlabelled_node_group_and_a_one_region_cross_region_are_errors() {
        let cluster = "  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: pilot-light, node_groups: [{name: mon, dr_qty: 0}, {name: tagged, labels: {role: m}, dr_qty: 0}]}\n";
        let e = errors(&format!("{cluster}  - {{kind: k8s_monitoring, name: m, target: k8s, node_group: other, dr: active}}\n")).join("\n");
        assert!(e.contains("has no node group `other`") && e.contains("use one of: mon, tagged"), "{e}");
        let e = errors(&format!("{cluster}  - {{kind: k8s_monitoring, name: m, target: k8s, node_group: mon, dr: none}}\n")).join("\n");
        assert!(e.contains("has no labels"), "{e}");
        let e = errors(&format!("{cluster}  - {{kind: k8s_monitoring, name: m, target: k8s, node_group: tagged, dr: active}}\n")).join("\n");
        assert!(e.contains("runs no node in the DR region"), "{e}");
        let e = errors(&format!("{cluster}  - {{kind: k8s_monitoring, name: m, target: k8s, node_group: tagged, cross_region: true, dr: none}}\n")).join("\n");
        assert!(e.contains("runs in one region only"), "{e}");
        assert!(!e.contains("runs no node in the DR region"), "{e}");
    }
}
