//! `eks`: an EKS cluster with a managed node group, IRSA, and the core
//! add-ons (VPC CNI before the nodes, CoreDNS and the EBS CSI driver after).

use super::vm::arm;
use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// The eks kind.
pub const SPEC: Spec = Spec {
    name: "eks",
    summary: "EKS cluster with a managed node group; a pilot light runs `dr_qty` nodes (≥ 1)",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["size", "version", "min", "max", "volume_gb"],
    size: SizeClass::Ec2 { required: true },
    needs_vpc: true,
    needs_kms: true,
    singleton: false,
    modules: &["eks"],
    import_keywords: &[" kubernetes", " k8s ", " eks "],
    default_qty: 1,
    quantity: Quantity::Nodes,
    db_client_group: Some("cluster_security_group_id"),
    alarms: &[],
};

/// A cluster's fields, defaulted.
#[derive(Debug, Clone)]
pub struct Options {
    /// Node instance type.
    pub size: String,
    /// Kubernetes version.
    pub version: String,
    /// Node group minimum (default qty).
    pub min: u32,
    /// Node group maximum (default 2 × qty).
    pub max: u32,
    /// Node root volume in GiB.
    pub volume_gb: Option<u32>,
}

/// A supported Kubernetes version and a node group size that holds.
pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    match &a.version {
        None => c.error_here(
            format!("EKS cluster `{}` has no version", a.name),
            format!("add e.g. `version: \"{}\"`", crate::versions::DEFAULT_KUBERNETES),
        ),
        Some(v) => {
            if let Err((message, help)) = crate::versions::kubernetes_status(v) {
                c.error("version", message, help);
            }
        }
    }
    let (min, max) = (a.min.unwrap_or(a.qty()), a.max.unwrap_or(a.qty() * 2));
    if !(min <= a.qty() && a.qty() <= max) || max == 0 {
        c.error(
            "qty",
            format!("node group needs min ≤ qty ≤ max, got {min} ≤ {} ≤ {max}", a.qty()),
            "adjust min, qty or max",
        );
    }
    if a.dr == DrStrategy::PilotLight && a.dr_qty == Some(0) {
        c.error(
            "dr_qty",
            "an EKS pilot light needs at least one node (core add-ons must schedule)",
            "set dr_qty to 1 or more",
        );
    }
    Options {
        size: a.size.clone().unwrap_or_default(),
        version: a.version.clone().unwrap_or_default(),
        min,
        max,
        volume_gb: a.volume_gb,
    }
}

/// The cluster: node group capacity per region, the admins' API access, the
/// load balancers that target its nodes.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let (min_here, desired_here) = if p.primary() {
        (o.min, a.qty)
    } else {
        (a.dr_count.min(o.min), a.dr_count)
    };
    let itype = p.var(
        &format!("{id}_instance_type"),
        &format!("Node instance type of cluster {}.", a.name),
        "string",
        Expr::s(&o.size),
        VarRole::Setting,
    );
    let vmin = p.var(
        &format!("{id}_node_min_size"),
        &format!("Minimum nodes of cluster {}.", a.name),
        "number",
        Expr::Num(i64::from(min_here)),
        VarRole::Capacity,
    );
    let vdes = p.var(
        &format!("{id}_node_desired_size"),
        &format!("Desired nodes of cluster {} in this region.", a.name),
        "number",
        Expr::Num(i64::from(desired_here)),
        VarRole::Capacity,
    );
    let vmax = p.var(
        &format!("{id}_node_max_size"),
        &format!("Maximum nodes of cluster {}.", a.name),
        "number",
        Expr::Num(i64::from(o.max.max(desired_here))),
        VarRole::Capacity,
    );
    let cidrs = p.admin_cidrs();
    let admins = p.var(
        "cluster_admin_arns",
        "IAM roles or users (on-call, CI) given cluster-admin access to this root's EKS clusters through access entries, besides the identity that creates them (which must not be listed).",
        "list(string)",
        Expr::strs(p.v.inventory.cluster_admin_arns.clone().unwrap_or_default()),
        VarRole::Setting,
    );
    let mut m = p.call(&id, "eks", a);
    m.arg("name", Expr::s(p.name(a)))
        .arg("kubernetes_version", Expr::s(&o.version))
        .arg("subnet_ids", p.vpc("private_subnet_ids"))
        .arg("public_access_cidrs", cidrs)
        .arg("admin_principal_arns", admins)
        .arg("kms_key_arn", p.kms())
        .arg("node_instance_types", Expr::List(vec![itype]))
        .arg(
            "node_ami_type",
            Expr::s(if arm(&o.size) {
                "AL2023_ARM_64_STANDARD"
            } else {
                "AL2023_x86_64_STANDARD"
            }),
        )
        .arg("node_min_size", vmin)
        .arg("node_desired_size", vdes)
        .arg("node_max_size", vmax);
    if let Some(gb) = o.volume_gb {
        m.arg("node_volume_size", Expr::Num(i64::from(gb)));
    }
    let albs: Vec<(&ValidAsset, u16)> = p
        .targeting(&a.name, Kind::Alb)
        .filter_map(|l| match &l.options {
            KindOptions::Alb(o) => Some((l, o.node_port)),
            _ => None,
        })
        .collect();
    if !albs.is_empty() {
        m.arg(
            "target_group_arns",
            Expr::List(albs.iter().map(|(l, _)| Expr::module(l.ident(), "target_group_arn")).collect()),
        )
        .arg(
            "node_port_sources",
            Expr::List(
                albs.iter()
                    .map(|(l, port)| {
                        Expr::Map(vec![
                            ("security_group_id".into(), Expr::module(l.ident(), "security_group_id")),
                            ("port".into(), Expr::Num(i64::from(*port))),
                        ])
                    })
                    .collect(),
            ),
        );
    }
    let tags = p.tags(Some(a));
    p.push(m, Some(tags));
    for (out, what) in [
        ("cluster_name", "Name"),
        ("cluster_endpoint", "API endpoint"),
        ("oidc_provider_arn", "IRSA OIDC provider"),
    ] {
        p.output(
            format!("{id}_{out}"),
            format!("{what} of cluster {}.", a.name),
            Expr::module(&id, out),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, module, planned};

    #[test]
    fn eks_pilot_light_scales_nodes_down_in_dr_and_monitoring_uses_its_helm_provider() {
        let p = planned("  - {kind: eks, name: k8s, size: m6i.large, qty: 3, min: 2, max: 6, version: \"1.35\", dr: pilot-light}\n  - {kind: k8s_monitoring, name: mon, target: k8s, dr: active}\n");
        assert_eq!(default_of(&p.primary, "k8s_node_desired_size").as_deref(), Some("3"));
        assert_eq!(default_of(&p.dr, "k8s_node_desired_size").as_deref(), Some("1"));
        assert_eq!(default_of(&p.dr, "k8s_node_min_size").as_deref(), Some("1"));
        assert_eq!(default_of(&p.dr, "k8s_node_max_size").as_deref(), Some("6"));
        let mon = module(&p.dr, "mon").unwrap();
        assert_eq!(mon.providers[0].1.render(), "helm.k8s");
        assert_eq!(mon.depends_on, vec!["k8s".to_string()]);
        assert_eq!(p.dr.helm_clusters, vec!["k8s".to_string()]);
        assert_eq!(arg(module(&p.dr, "k8s").unwrap(), "public_access_cidrs"), "var.admin_cidrs");
    }
}
