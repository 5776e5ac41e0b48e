//! `eks`: an EKS cluster with a managed node group, IRSA, and the core
//! add-ons (VPC CNI before the nodes, CoreDNS and the EBS CSI driver after).
//! `node_groups` adds further managed node groups (labels, taints, their own
//! capacity variables); the default group keeps `size`, `qty`, `min`, `max`.

use super::vm::arm;
use super::{Options as KindOptions, Quantity, SizeClass, Spec};
use crate::inventory::{Asset, DrStrategy, Kind, NodeGroup, Seg, Taint};
use crate::plan::{Expr, Planner, VarRole};
use crate::validate::{Check, ValidAsset};

/// The nodes of a managed node group (`qty`, `max`).
const NODES: crate::limits::Bound = crate::limits::Bound {
    min: 1,
    max: 450,
    why: "EKS managed node group max size is 450 nodes (per node group quota)",
};

/// The node group's minimum, which may be 0.
const MIN_NODES: crate::limits::Bound = crate::limits::Bound { min: 0, ..NODES };

/// A node's root volume.
const NODE_VOLUME_GB: crate::limits::Bound = crate::limits::Bound {
    min: 20,
    max: 16384,
    why: "an EBS gp3 volume holds up to 16,384 GiB, and the EKS-optimized AMI's root snapshot needs 20 GiB",
};

/// The eks kind.
pub const SPEC: Spec = Spec {
    name: "eks",
    summary: "EKS cluster with a managed node group; a pilot light runs `dr_qty` nodes (≥ 1)",
    dr: &[DrStrategy::Active, DrStrategy::PilotLight, DrStrategy::None],
    dr_hints: &[],
    targets: &[],
    fields: &["size", "version", "min", "max", "volume_gb", "node_groups"],
    size: SizeClass::Ec2 { required: true },
    bounds: &[("qty", NODES), ("min", MIN_NODES), ("max", NODES), ("volume_gb", NODE_VOLUME_GB)],
    draft: super::Draft {
        size: Some("t3.medium"),
        dr: (DrStrategy::PilotLight, "a minimal copy in DR, scaled up on failover"),
        fields: super::DraftFields::Kubernetes,
        counted: true,
        two: None,
    },
    category: super::Category::Other,
    aws_names: &[
        super::iam_role(super::NameBase::Own, "-cluster"),
        super::AwsName {
            what: "EKS node group",
            base: super::NameBase::Own,
            suffix: "-default",
            max: 63,
        },
    ],
    needs_vpc: true,
    two_azs: true,
    needs_kms: true,
    singleton: false,
    modules: &["eks"],
    import_keywords: &[" kubernetes", " k8s ", " eks "],
    default_qty: 1,
    quantity: Quantity::Nodes,
    db_clients: super::DbClients::OwnGroup("cluster_security_group_id"),
    node_port: super::NodePort::Nothing,
    service_linked_roles: &["eks.amazonaws.com", "eks-nodegroup.amazonaws.com", super::AUTOSCALING],
    quota: super::QuotaUse::Instances(nodes),
    alarms: &[],
};

/// The nodes of each of its groups in one region (the default group, then
/// the `node_groups`), or (`at_most`) as many as each group may scale to
/// (`max`, default twice `qty`). A failover raises a pilot light's groups
/// to their primary size, so DR counts that size too. EKS node updates can
/// surge above the maximum for a while (EKS UG, managed node group update
/// behavior); that headroom is not counted.
fn nodes(a: &Asset, _dr: bool, at_most: bool) -> Vec<super::Instances<'_>> {
    let Some(cluster_size) = a.size.as_deref() else {
        return Vec::new();
    };
    let count = |qty: u32, max: Option<u32>| if at_most { max.unwrap_or(qty * 2).max(qty) } else { qty };
    let what = if at_most { "nodes at most" } else { "nodes" };
    let mut out = vec![super::Instances {
        n: count(a.qty(), a.max),
        what,
        size: cluster_size,
        group: None,
    }];
    for g in a.node_groups.iter().flatten() {
        out.push(super::Instances {
            n: count(g.qty.unwrap_or(1), g.max),
            what,
            size: g.size.as_deref().unwrap_or(cluster_size),
            group: Some(&g.name),
        });
    }
    out
}

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
    /// Further node groups, defaulted, in inventory order.
    pub node_groups: Vec<Group>,
}

/// One further node group, defaulted.
#[derive(Debug, Clone)]
pub struct Group {
    /// Name inside the cluster.
    pub name: String,
    /// Instance type.
    pub size: String,
    /// Desired nodes in the primary region.
    pub qty: u32,
    /// Minimum nodes.
    pub min: u32,
    /// Maximum nodes.
    pub max: u32,
    /// Desired nodes in a pilot-light DR region.
    pub dr_qty: u32,
    /// Kubernetes labels.
    pub labels: Vec<(String, String)>,
    /// Kubernetes taints.
    pub taints: Vec<Taint>,
    /// Registers with the load balancers in front of the cluster.
    pub ingress: bool,
}

impl Group {
    /// Terraform identifier segment (`-` becomes `_`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The longest node group name (the node group is named `<cluster>-<group>`,
/// at most 63 characters).
const GROUP_NAME_MAX: usize = 20;

/// A Kubernetes label or taint key: an optional DNS-subdomain prefix and
/// `/`, then a name of at most 63 alphanumerics, `-`, `_` or `.`, starting
/// and ending alphanumeric.
pub fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            })
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

/// A Kubernetes label or taint value: empty, or up to 63 alphanumerics,
/// `-`, `_` or `.`, starting and ending alphanumeric.
pub fn is_label_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            && v.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && v.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()))
}

/// Check one further node group (errors located at `node_groups[i]`).
fn check_group(c: &mut Check<'_>, a: &Asset, i: usize, g: &NodeGroup, seen: &mut Vec<String>) -> Group {
    let at = |key: &'static str| [Seg::Key("node_groups"), Seg::Index(i), Seg::Key(key)];
    let name_ok = g.name.len() <= GROUP_NAME_MAX
        && g.name.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && g.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !g.name.ends_with('-');
    if !name_ok {
        c.error_in(
            &at("name"),
            format!("node group name `{}` is not a short lowercase name", g.name),
            format!("use lowercase letters, digits and `-`, starting with a letter, at most {GROUP_NAME_MAX} characters (e.g. `monitoring`)"),
        );
    } else if g.name == "default" {
        c.error_in(
            &at("name"),
            "`default` is the cluster's own node group (size, qty, min, max)",
            "name the further group after its job, e.g. `monitoring`",
        );
    } else if seen.contains(&g.name.replace('-', "_")) {
        c.error_in(
            &at("name"),
            format!("cluster `{}` already has a node group `{}`", a.name, g.name),
            "give every node group of a cluster its own name",
        );
    } else {
        let vars = format!("{}_{}", a.ident(), g.name.replace('-', "_"));
        if let Some(other) = c.inventory().assets.iter().find(|o| o.ident() == vars) {
            c.error_in(
                &at("name"),
                format!(
                    "node group `{}` of `{}` would share its variables (`{vars}_node_desired_size`…) with asset `{}`",
                    g.name, a.name, other.name
                ),
                "rename the node group or that asset",
            );
        }
    }
    seen.push(g.name.replace('-', "_"));
    let size = g.size.clone().or_else(|| a.size.clone()).unwrap_or_default();
    if g.size.is_some() && !crate::catalog::is_ec2_type(&size) {
        c.error_in(
            &at("size"),
            format!("`{size}` is not an EC2 instance type in the catalogue"),
            format!("use a current type such as `{}`", crate::catalog::closest_size(&size, false)),
        );
    }
    if g.size.is_some() && too_few_pods(&size) {
        c.error_in(&at("size"), format!("`{size}` nodes hold {NANO_MICRO_PODS} pods"), TOO_FEW_PODS_HELP);
    }
    if g.size.is_some() && a.size.as_deref().is_some_and(|s| arm(s) != arm(&size)) {
        c.error_in(
            &at("size"),
            format!("`{size}` and the cluster's `{}` differ in CPU architecture", a.size.as_deref().unwrap_or_default()),
            "keep every node group of a cluster on one architecture (x86_64 or Graviton), so every image runs on every node",
        );
    }
    let qty = g.qty.unwrap_or(1);
    let (min, max) = (g.min.unwrap_or(qty), g.max.unwrap_or(qty * 2));
    if !(min <= qty && qty <= max) || max == 0 {
        c.error_in(
            &at("qty"),
            format!("node group `{}` needs min ≤ qty ≤ max, got {min} ≤ {qty} ≤ {max}", g.name),
            "adjust its min, qty or max",
        );
    }
    if g.dr_qty.is_some() && a.dr != DrStrategy::PilotLight {
        c.error_in(
            &at("dr_qty"),
            "dr_qty of a node group applies only to a pilot-light cluster",
            "remove it, or set the cluster's `dr: pilot-light`",
        );
    }
    for (k, v) in &g.labels {
        if !is_label_key(k) || !is_label_value(v) {
            c.error_in(
                &at("labels"),
                format!("`{k}: {v}` is not a Kubernetes label"),
                "keys: an optional DNS prefix and `/`, then up to 63 letters, digits, `-`, `_`, `.`; values: up to 63 of the same, starting and ending alphanumeric",
            );
        }
    }
    for t in &g.taints {
        let value_ok = t.value.as_deref().is_none_or(|v| !v.is_empty() && is_label_value(v));
        if !is_label_key(&t.key) || !value_ok {
            c.error_in(
                &at("taints"),
                format!("taint `{}={}` is not a Kubernetes taint", t.key, t.value.as_deref().unwrap_or("")),
                "key like a label key; value (optional) up to 63 letters, digits, `-`, `_`, `.`",
            );
        }
    }
    if g.taints.iter().enumerate().any(|(j, t)| g.taints[..j].iter().any(|u| u.key == t.key && u.effect == t.effect)) {
        c.error_in(
            &at("taints"),
            format!("node group `{}` repeats a taint key with the same effect", g.name),
            "list each key and effect once",
        );
    }
    Group {
        name: g.name.clone(),
        size,
        qty,
        min,
        max,
        dr_qty: g.dr_qty.unwrap_or(1),
        labels: g.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        taints: g.taints.clone(),
        ingress: g.ingress,
    }
}

/// A supported Kubernetes version and a node group size that holds.
/// Pods a nano or micro node takes with the VPC CNI (no prefix
/// delegation): 2 network interfaces of 2 addresses, `2 × (2 − 1) + 2`
/// (amazon-eks-ami's eni-max-pods.txt: t3.nano 4, t3.micro 4).
const NANO_MICRO_PODS: u32 = 4;

/// EKS's default quota of managed node groups per cluster (L-6D54EA21).
const MAX_NODE_GROUPS: usize = 30;

const TOO_FEW_PODS_HELP: &str = "the DaemonSets every node of the cluster runs (aws-node, kube-proxy, eks-pod-identity-agent, ebs-csi-node) take all 4, so CoreDNS and the EBS CSI controller never schedule and the add-ons never become active: use `.small` or larger (t3.small holds 11)";

/// Whether nodes of EC2 type `size` hold no pod beyond the cluster's DaemonSets.
fn too_few_pods(size: &str) -> bool {
    size.ends_with(".nano") || size.ends_with(".micro")
}

pub fn check(c: &mut Check<'_>, a: &Asset) -> Options {
    match &a.version {
        None => c.error_here(
            format!("EKS cluster `{}` has no version", a.name),
            format!("add e.g. `version: \"{}\"`", crate::versions::DEFAULT_KUBERNETES),
        ),
        Some(v) => {
            match crate::versions::kubernetes_status(v) {
                Err((message, help)) => c.error("version", message, help),
                Ok(Some(ending)) => c.warn(
                    "version",
                    ending,
                    "bump `version` one minor at a time, render, apply: the control plane upgrades first, then every node group rolls to it (RUNBOOK, \"Roll the nodes\")",
                ),
                Ok(None) => {}
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
    if let Some(size) = a.size.as_deref().filter(|s| too_few_pods(s)) {
        c.error("size", format!("`{size}` nodes hold {NANO_MICRO_PODS} pods"), TOO_FEW_PODS_HELP);
    }
    let groups = 1 + a.node_groups.as_ref().map_or(0, Vec::len);
    if groups > MAX_NODE_GROUPS {
        c.error(
            "node_groups",
            format!("{groups} managed node groups (the default one and {} more); a cluster takes {MAX_NODE_GROUPS}", groups - 1),
            "merge node groups of the same type and labels: EKS's quota \"Managed node groups per cluster\" is 30 by default (Service Quotas can raise it)",
        );
    }
    let mut seen = Vec::new();
    let node_groups = a
        .node_groups
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, g)| check_group(c, a, i, g, &mut seen))
        .collect();
    Options {
        size: a.size.clone().unwrap_or_default(),
        version: a.version.clone().unwrap_or_default(),
        min,
        max,
        volume_gb: a.volume_gb,
        node_groups,
    }
}

/// The capacity variables of a node group here: (min, desired, max).
/// `prefix` is `<cluster>` for the default group, `<cluster>_<group>` else.
fn capacity(
    p: &mut Planner<'_>,
    prefix: &str,
    what: &str,
    (min, qty, max): (u32, u32, u32),
    dr_desired: u32,
) -> (Expr, Expr, Expr) {
    let (min_here, desired_here) = if p.primary() {
        (min, qty)
    } else {
        (dr_desired.min(min), dr_desired)
    };
    let vmin = p.var(
        &format!("{prefix}_node_min_size"),
        &format!("Minimum nodes of {what}."),
        "number",
        Expr::Num(i64::from(min_here)),
        VarRole::Capacity,
    );
    let vdes = p.var(
        &format!("{prefix}_node_desired_size"),
        &format!("Desired nodes of {what} in this region."),
        "number",
        Expr::Num(i64::from(desired_here)),
        VarRole::Capacity,
    );
    let vmax = p.var(
        &format!("{prefix}_node_max_size"),
        &format!("Maximum nodes of {what}."),
        "number",
        Expr::Num(i64::from(max.max(desired_here))),
        VarRole::Capacity,
    );
    (vmin, vdes, vmax)
}

/// Whether cluster `a` runs the cluster autoscaler in this root: its
/// add-ons here install it, so the desired sizes of its node groups are
/// the autoscaler's once the groups run.
pub fn runs_autoscaler(p: &Planner<'_>, a: &ValidAsset) -> bool {
    p.targeting(&a.name, Kind::ClusterAddons).any(|addons| {
        matches!(&addons.options, KindOptions::ClusterAddons(o) if o.addons.contains(&"cluster_autoscaler"))
    })
}

/// The AMI type of nodes of `size`.
fn ami_type(size: &str) -> &'static str {
    if arm(size) {
        "AL2023_ARM_64_STANDARD"
    } else {
        "AL2023_x86_64_STANDARD"
    }
}

/// The `node_groups` argument: per group its instance type and capacity
/// variables, labels, taints and whether it serves ingress.
fn node_groups(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) -> Expr {
    let id = a.ident();
    let mut groups = Vec::new();
    for g in &o.node_groups {
        let prefix = format!("{id}_{}", g.ident());
        let what = format!("node group {} of cluster {}", g.name, a.name);
        let itype = p.var(
            &format!("{prefix}_instance_type"),
            &format!("Instance type of {what}."),
            "string",
            Expr::s(&g.size),
            VarRole::Setting,
        );
        let dr_desired = if a.dr == DrStrategy::PilotLight { g.dr_qty } else { g.qty };
        let (vmin, vdes, vmax) = capacity(p, &prefix, &what, (g.min, g.qty, g.max), dr_desired);
        let taints = g
            .taints
            .iter()
            .map(|t| {
                let mut fields = vec![("key".to_string(), Expr::s(&t.key))];
                if let Some(v) = &t.value {
                    fields.push(("value".into(), Expr::s(v)));
                }
                fields.push(("effect".into(), Expr::s(t.effect.as_str())));
                Expr::Map(fields)
            })
            .collect();
        groups.push((
            g.name.clone(),
            Expr::Map(vec![
                ("instance_types".into(), Expr::List(vec![itype])),
                ("ami_type".into(), Expr::s(ami_type(&g.size))),
                ("min_size".into(), vmin),
                ("desired_size".into(), vdes),
                ("max_size".into(), vmax),
                (
                    "labels".into(),
                    Expr::Map(g.labels.iter().map(|(k, v)| (k.clone(), Expr::s(v))).collect()),
                ),
                ("taints".into(), Expr::List(taints)),
                ("ingress".into(), Expr::Bool(g.ingress)),
            ]),
        ));
    }
    Expr::Map(groups)
}

/// The cluster: node group capacity per region, the admins' API access, the
/// load balancers that target its nodes.
pub fn plan(p: &mut Planner<'_>, a: &ValidAsset, o: &Options) {
    let id = a.ident();
    let itype = p.var(
        &format!("{id}_instance_type"),
        &format!("Node instance type of cluster {}.", a.name),
        "string",
        Expr::s(&o.size),
        VarRole::Setting,
    );
    let (vmin, vdes, vmax) = capacity(
        p,
        &id,
        &format!("cluster {}", a.name),
        (o.min, a.qty, o.max),
        a.dr_count,
    );
    let cidrs = p.admin_cidrs();
    let admins = p.var(
        "cluster_admin_arns",
        "IAM roles or users (on-call, CI) given cluster-admin access to this root's EKS clusters through access entries, besides the identity that creates them (which must not be listed).",
        "list(string)",
        Expr::strs(p.v.inventory.cluster_admin_arns.clone().unwrap_or_default()),
        VarRole::Setting,
    );
    // The CI drift role refreshes the cluster's Helm releases: read-only
    // Kubernetes access (its role lives in this account, under /ci/).
    let viewers: Vec<String> = p
        .v
        .inventory
        .ci
        .iter()
        .map(|_| format!("ci/{}", crate::ci::iam::role_name(&p.v.inventory.name, "drift", p.region())))
        .collect();
    let releases = p.var(
        &format!("{id}_node_release_versions"),
        &format!(
            "EKS AMI release to keep per node group of cluster {} (\"default\" or a further group's name); empty: the release AWS recommends. The failover pins the running releases (RUNBOOK.md), so that its applies do not roll the nodes.",
            a.name
        ),
        "map(string)",
        Expr::Map(vec![]),
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
        .arg("node_ami_type", Expr::s(ami_type(&o.size)))
        .arg("node_min_size", vmin)
        .arg("node_desired_size", vdes)
        .arg("node_max_size", vmax)
        .arg("node_release_versions", releases);
    if !viewers.is_empty() {
        m.arg("viewer_role_names", Expr::strs(viewers));
    }
    if runs_autoscaler(p, a) {
        let live = p.var(
            &format!("{id}_node_live_desired_sizes"),
            &format!(
                "Desired size per running node group of cluster {} (\"default\" or a further group's name) as its cluster autoscaler set it: the CI's applies read them from EKS, so that an apply keeps them (within the groups' bounds) instead of scaling the groups back to their desired_size variables. Empty: the variables.",
                a.name
            ),
            "map(number)",
            Expr::Map(vec![]),
            VarRole::Setting,
        );
        m.arg("node_live_desired_sizes", live);
    }
    if let Some(gb) = o.volume_gb {
        m.arg("node_volume_size", Expr::Num(i64::from(gb)));
    }
    if !o.node_groups.is_empty() {
        let groups = node_groups(p, a, o);
        m.arg("node_groups", groups);
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

/// How a pilot-light node group scales up: the EKS API.
const NODES_SCALE_UP: crate::objectives::ScaleUp = crate::objectives::ScaleUp {
    how: "an update-nodegroup-config call, nodes join",
    api: "the EKS API of the DR region (update-nodegroup-config)",
};

/// Recovery objectives: stateless nodes; pilot light scales the node group
/// up through the EKS API, then traffic moves.
pub fn objective(ctx: &crate::objectives::Context<'_>, a: &Asset) -> crate::objectives::Estimate {
    match a.dr {
        DrStrategy::None => crate::objectives::Estimate::not_in_dr(),
        DrStrategy::PilotLight => crate::objectives::pilot_light(ctx, a, NODES_SCALE_UP),
        _ => crate::objectives::full_capacity(ctx, a),
    }
}

#[cfg(test)]
mod tests {
    use crate::kinds::testing::{arg, default_of, errors, errors_text, module, objective, planned, warnings};

    /// The CI drift role refreshes the clusters' Helm releases, whose state
    /// lives in Secrets: with `ci:` each cluster gives it read-only access
    /// (its role in the cluster's region); without, nothing is added.
    #[test]
    fn the_ci_drift_role_may_read_the_clusters_it_refreshes() {
        let eks = "  - {kind: eks, name: k8s, size: m6i.large, qty: 2, version: \"1.35\", dr: active}\n";
        let with_ci = crate::kinds::testing::inventory(eks).replacen(
            "assets:",
            "ci:\n  repository: acme-corp/infra\n  acmegen: {path: .}\n  runs_on: self-hosted\nassets:",
            1,
        );
        let p = crate::kinds::testing::planned_text(&with_ci);
        assert_eq!(arg(module(&p.primary, "k8s").unwrap(), "viewer_role_names"), "[\"ci/t-drift-use2\"]");
        assert_eq!(arg(module(&p.dr, "k8s").unwrap(), "viewer_role_names"), "[\"ci/t-drift-usw1\"]");
        let p = planned(eks);
        assert!(module(&p.primary, "k8s").unwrap().argument("viewer_role_names").is_none());
    }

    #[test]
    fn node_groups_fit_the_clusters_quota() {
        let groups = |n: usize| {
            (0..n)
                .map(|i| format!("      - {{name: g{i}, size: t3.small, qty: 1}}\n"))
                .collect::<String>()
        };
        let eks = |n: usize| {
            format!("  - kind: eks\n    name: k\n    size: t3.small\n    version: \"1.34\"\n    dr: none\n    node_groups:\n{}", groups(n))
        };
        // Each group's nodes count against the vCPU quota too (30 groups of
        // one t3.small are 60 vCPUs): the account states enough of it.
        let with_quota = |n: usize| {
            crate::kinds::testing::inventory(&eks(n)).replacen(
                "assets:",
                "quotas: {us-east-2: {on_demand_standard_vcpus: 64}}\nassets:",
                1,
            )
        };
        let e = errors_text(&with_quota(30));
        assert!(e.iter().any(|e| e.contains("31 managed node groups (the default one and 30 more); a cluster takes 30")), "{e:?}");
        assert!(errors_text(&with_quota(29)).is_empty(), "{:?}", errors_text(&with_quota(29)));
        let e = errors(&eks(29));
        assert!(e.iter().any(|e| e.contains("60 vCPUs") && e.contains("2 for k's node group g28")), "{e:?}");
    }

    #[test]
    fn nodes_too_small_for_the_clusters_daemonsets_are_refused() {
        let e = errors("  - {kind: eks, name: k, size: t3.micro, version: \"1.34\", dr: none}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("`t3.micro` nodes hold 4 pods"), "{e:?}");
        let e = errors("  - kind: eks\n    name: k\n    size: t3.small\n    version: \"1.34\"\n    dr: none\n    node_groups:\n      - {name: tiny, size: t4g.nano, qty: 1}\n");
        assert!(e.iter().any(|e| e.contains("`t4g.nano` nodes hold 4 pods")), "{e:?}");
        assert!(errors("  - {kind: eks, name: k, size: t3.small, version: \"1.34\", dr: none}\n").is_empty());
    }

    const GROUPS: &str = "  - kind: eks\n    name: k8s\n    size: m6i.large\n    qty: 3\n    version: \"1.35\"\n    dr: pilot-light\n    dr_qty: 1\n    node_groups:\n      - {name: monitoring, size: m6i.xlarge, qty: 2, max: 4, labels: {role: monitoring}, taints: [{key: dedicated, value: monitoring, effect: NoSchedule}]}\n      - {name: edge-pool, qty: 2, ingress: true, taints: [{key: edge, effect: PreferNoSchedule}]}\n  - {kind: alb, name: lb, target: k8s, port: 30080, dr: active}\n  - {kind: app, name: web, target: k8s, image: \"public.ecr.aws/nginx/nginx:1.27\", port: 8080, dr: active}\n";

    #[test]
    fn each_root_can_pin_the_ami_release_of_its_node_groups() {
        let p = planned(GROUPS);
        for root in [&p.primary, &p.dr] {
            let k8s = module(root, "k8s").unwrap();
            assert_eq!(arg(k8s, "node_release_versions"), "var.k8s_node_release_versions");
            let v = root.variable("k8s_node_release_versions").unwrap();
            assert_eq!((v.ty, v.role), ("map(string)", crate::plan::VarRole::Setting));
            assert_eq!(default_of(root, "k8s_node_release_versions").as_deref(), Some("{}"));
        }
    }

    #[test]
    fn only_a_root_whose_addons_run_the_autoscaler_takes_the_live_node_group_sizes() {
        let addons = |list: &str, dr: &str| {
            format!("{GROUPS}  - {{kind: cluster_addons, name: ops, target: k8s, addons: [{list}], dr: {dr}}}\n")
        };
        // Without add-ons, with add-ons but no autoscaler, and in a DR
        // region where the add-ons are not installed: the variables rule.
        let none = planned(GROUPS);
        let no_autoscaler = planned(&addons("metrics-server", "active"));
        let primary_only = planned(&addons("cluster-autoscaler", "none"));
        for root in [&none.primary, &none.dr, &no_autoscaler.primary, &no_autoscaler.dr, &primary_only.dr] {
            assert!(module(root, "k8s").unwrap().argument("node_live_desired_sizes").is_none());
            assert!(root.variable("k8s_node_live_desired_sizes").is_none());
        }
        let both = planned(&addons("cluster-autoscaler", "active"));
        for root in [&primary_only.primary, &both.primary, &both.dr] {
            let k8s = module(root, "k8s").unwrap();
            assert_eq!(arg(k8s, "node_live_desired_sizes"), "var.k8s_node_live_desired_sizes");
            let v = root.variable("k8s_node_live_desired_sizes").unwrap();
            assert_eq!((v.ty, v.role), ("map(number)", crate::plan::VarRole::Setting));
            assert_eq!(default_of(root, "k8s_node_live_desired_sizes").as_deref(), Some("{}"));
            let clusters = crate::runbook::autoscaled_clusters(root);
            assert_eq!(clusters.len(), 1);
            assert_eq!(clusters[0].var, "k8s_node_live_desired_sizes");
            assert_eq!(clusters[0].groups, ["default", "monitoring", "edge-pool"]);
        }
    }

    #[test]
    fn the_module_keeps_a_live_size_within_the_groups_bounds_and_defaults_to_the_variable() {
        let main = crate::emit::module_template("eks");
        for group in ["\"default\", var.node_desired_size", "each.key, each.value.desired_size"] {
            assert!(
                main.contains(&format!("desired_size = lookup(local.node_desired_sizes, {group})")),
                "{group}"
            );
        }
        assert!(main.contains(
            "group => min(max(size, local.node_size_bounds[group].min), local.node_size_bounds[group].max)"
        ));
        // The CI reads each group as `<cluster>-<group>`: the names the module gives them.
        assert!(main.contains("node_group_name = \"${var.name}-default\""));
        assert!(main.contains("node_group_name = \"${var.name}-${each.key}\""));
    }

    #[test]
    fn further_node_groups_get_capacity_variables_labels_taints_and_scale_in_a_pilot_light() {
        let p = planned(GROUPS);
        let k8s = module(&p.primary, "k8s").unwrap();
        let groups = arg(k8s, "node_groups");
        assert!(groups.contains("monitoring = {"), "{groups}");
        assert!(groups.contains("instance_types = [var.k8s_monitoring_instance_type]"), "{groups}");
        assert!(groups.contains("desired_size = var.k8s_monitoring_node_desired_size"), "{groups}");
        assert!(groups.contains("role = \"monitoring\""), "{groups}");
        assert!(groups.contains("effect = \"NoSchedule\""), "{groups}");
        // The group with ingress registers with the load balancer; the monitoring one does not.
        assert!(groups.contains("edge-pool = {") || groups.contains("\"edge-pool\" = {"), "{groups}");
        let edge = &groups[groups.find("edge-pool").unwrap()..];
        assert!(edge.contains("ingress = true"), "{groups}");
        assert!(groups.matches("ingress = false").count() == 1, "{groups}");
        // The default group keeps its variables; each group has its own, a capacity in DR.
        assert_eq!(default_of(&p.primary, "k8s_node_desired_size").as_deref(), Some("3"));
        assert_eq!(default_of(&p.primary, "k8s_monitoring_node_desired_size").as_deref(), Some("2"));
        assert_eq!(default_of(&p.primary, "k8s_monitoring_node_max_size").as_deref(), Some("4"));
        assert_eq!(default_of(&p.primary, "k8s_monitoring_instance_type").as_deref(), Some("\"m6i.xlarge\""));
        assert_eq!(default_of(&p.primary, "k8s_edge_pool_instance_type").as_deref(), Some("\"m6i.large\""));
        assert_eq!(default_of(&p.dr, "k8s_monitoring_node_desired_size").as_deref(), Some("1"));
        assert_eq!(default_of(&p.dr, "k8s_monitoring_node_min_size").as_deref(), Some("1"));
        assert_eq!(default_of(&p.dr, "k8s_monitoring_node_max_size").as_deref(), Some("4"));
        let changes = crate::runbook::failover_changes(&p);
        let scaled: Vec<(&str, &str)> = changes.iter().map(|c| (c.name.as_str(), c.to.as_str())).collect();
        assert!(scaled.contains(&("k8s_monitoring_node_desired_size", "2")), "{scaled:?}");
        assert!(scaled.contains(&("k8s_edge_pool_node_desired_size", "2")), "{scaled:?}");
        assert!(scaled.contains(&("k8s_node_desired_size", "3")), "{scaled:?}");
    }

    #[test]
    fn without_node_groups_the_cluster_call_is_unchanged() {
        let p = planned("  - {kind: eks, name: k8s, size: m6i.large, qty: 3, version: \"1.35\", dr: active}\n");
        assert!(module(&p.primary, "k8s").unwrap().argument("node_groups").is_none());
        assert!(p.primary.variables.iter().all(|v| !v.name.starts_with("k8s_") || v.name.starts_with("k8s_node_") || v.name == "k8s_instance_type"));
    }

    #[test]
    fn bad_node_groups_are_located_errors() {
        let bad = |groups: &str| {
            errors(&format!(
                "  - {{kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active, node_groups: [{groups}]}}\n"
            ))
            .join("\n")
        };
        assert!(bad("{name: default}").contains("`default` is the cluster's own node group"));
        assert!(bad("{name: a}, {name: a}").contains("already has a node group `a`"));
        assert!(bad("{name: Mon}").contains("not a short lowercase name"));
        assert!(bad("{name: a, qty: 3, max: 2}").contains("needs min ≤ qty ≤ max"));
        assert!(bad("{name: a, size: m6g.large}").contains("CPU architecture"));
        assert!(bad("{name: a, size: x9.huge}").contains("not an EC2 instance type"));
        assert!(bad("{name: a, labels: {\"bad key!\": x}}").contains("is not a Kubernetes label"));
        assert!(bad("{name: a, taints: [{key: k, effect: NoSchedule}, {key: k, effect: NoSchedule}]}").contains("repeats a taint key"));
        assert!(bad("{name: a, dr_qty: 2}").contains("only to a pilot-light cluster"));
        // A group whose variables would collide with another cluster's.
        let clash = errors("  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active, node_groups: [{name: b}]}\n  - {kind: eks, name: k8s-b, size: m6i.large, version: \"1.35\", dr: active}\n").join("\n");
        assert!(clash.contains("would share its variables"), "{clash}");
        assert!(bad("{name: a, labels: {role: a}}").is_empty());
    }

    #[test]
    fn a_version_near_the_end_of_standard_support_warns_and_still_renders() {
        // 1.34 leaves standard support 6 days after the catalogue's date.
        let ending = "  - {kind: eks, name: k8s, size: m6i.large, version: \"1.34\", dr: active}\n";
        let w = warnings(ending);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("warning: Kubernetes 1.34 leaves EKS standard support on 2026-12-02"), "{}", w[0]);
        assert!(w[0].contains("--> t.yaml:6:"), "{}", w[0]);
        assert!(w[0].contains("Roll the nodes"), "{}", w[0]);
        assert!(errors(ending).is_empty());
        assert_eq!(arg(module(&planned(ending).primary, "k8s").unwrap(), "kubernetes_version"), "\"1.34\"");
        // The default version is months from its end: no warning.
        assert!(warnings("  - {kind: eks, name: k8s, size: m6i.large, version: \"1.35\", dr: active}\n").is_empty());
    }

    #[test]
    fn every_node_group_follows_the_cluster_version_and_the_recommended_ami_release() {
        let main = include_str!("../../templates/modules/eks/main.tf");
        let groups: Vec<&str> = main.split("resource \"aws_eks_node_group\"").skip(1).collect();
        assert_eq!(groups.len(), 2, "the default and the further node groups");
        for g in groups {
            let body = &g[..g.find("\n}\n").expect("resource ends")];
            assert!(body.contains("version         = aws_eks_cluster.this.version"), "{body}");
            // The recommended release, unless the caller pins one (the failover).
            assert!(body.contains("release_version = lookup(var.node_release_versions, "), "{body}");
            assert!(body.contains(", data.aws_ssm_parameter.node_release_version["), "{body}");
            assert!(body.contains("max_unavailable = var.node_max_unavailable"), "{body}");
        }
        assert!(main.contains(
            "name = \"/aws/service/eks/optimized-ami/${var.kubernetes_version}/${local.ami_parameter_paths[each.key]}/recommended/release_version\""
        ));
        // Every AMI type the planner picks has its public parameter path.
        for (size, path) in [("m6i.large", "amazon-linux-2023/x86_64/standard"), ("m7g.large", "amazon-linux-2023/arm64/standard")] {
            let line = format!("{} = \"{path}\"", super::ami_type(size));
            assert!(main.contains(&line), "{line}");
        }
    }

    #[test]
    fn label_keys_follow_kubernetes() {
        use super::{is_label_key, is_label_value};
        assert!(is_label_key("role") && is_label_key("example.com/role") && is_label_key("a_b.c-d"));
        assert!(!is_label_key("-role") && !is_label_key("/role") && !is_label_key("Example.com/x") && !is_label_key(""));
        assert!(is_label_value("") && is_label_value("monitoring") && !is_label_value("x-") && !is_label_value(&"a".repeat(64)));
    }

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

    /// A pilot-light cluster scales its node group through the EKS API,
    /// not by a targeted apply of instances.
    #[test]
    fn pilot_light_objective_scales_the_node_group_through_the_eks_api() {
        let o = objective(GROUPS, "k8s");
        assert!(o.rto.starts_with("≈ 10-15 min: scale 1 → 3 (an update-nodegroup-config call, nodes join), then clients switch by hand"), "{}", o.rto);
        assert!(o.needs.starts_with("the EKS API of the DR region (update-nodegroup-config)"), "{}", o.needs);
        let active = objective(&GROUPS.replace("dr: pilot-light\n    dr_qty: 1\n", "dr: active\n"), "k8s");
        assert_eq!(active.rto, "clients switch by hand");
        assert!(!active.needs.contains("EKS API"), "{}", active.needs);
    }
}
