//! `k8s_monitoring`: Prometheus and Grafana (kube-prometheus-stack) on a
//! cluster of the inventory, installed through the cluster's Helm provider.

use super::{Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
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
    fields: &["target", "chart_version"],
    size: SizeClass::None,
    needs_vpc: false,
    needs_kms: false,
    singleton: false,
    modules: &["k8s_monitoring"],
    import_keywords: &[" monitoring", " prometheus", " grafana"],
    default_qty: 1,
    quantity: Quantity::None,
    db_client_group: None,
    alarms: &[],
};

/// The stack's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// kube-prometheus-stack chart version.
    pub chart_version: String,
}

/// Its volumes are encrypted with the region's key only under EBS default
/// encryption, which the inventory must take over explicitly.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    if !c.inventory().ebs_default_encryption {
        c.error(
            "kind",
            format!(
                "`{}` keeps Prometheus and Grafana on EBS volumes, which are only encrypted with the region's key when EBS encryption by default is on",
                a.name
            ),
            "add `ebs_default_encryption: true` at the top of the inventory: acmegen then turns on EBS encryption by default with the region's key, an account-and-region-wide setting",
        );
    }
    Options {
        chart_version: a.chart_version.clone().unwrap_or_else(|| DEFAULT_CHART.into()),
    }
}

/// The chart, through the cluster's Helm provider, after the cluster.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let Some(cluster) = a.target.as_deref().and_then(|t| p.asset(t)) else {
        return;
    };
    let mut m = p.call(&id, "k8s_monitoring", a);
    m.providers.push(p.helm_on(cluster));
    m.depends_on.push(cluster.ident());
    m.depends_on.extend(super::workloads::addons_of(p, cluster));
    m.arg("name", Expr::s(a.name.replace('_', "-")))
        .arg("chart_version", Expr::s(&o.chart_version));
    p.push(m, None);
}
