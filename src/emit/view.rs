//! The typed root plan, turned into the strings the root templates print.
//! This is the one place where plan expressions become HCL text.

use crate::plan::expr::{key, quote};
use crate::plan::{Expr, RootPlan, Validation, Variable};
use serde::Serialize;

/// A root as the templates under `templates/root/` see it.
#[derive(Serialize)]
pub(crate) struct RootView<'a> {
    role: &'static str,
    region: &'a str,
    peer_region: &'a str,
    inventory: &'a str,
    description: Option<&'a str>,
    state_bucket_prefix: &'a str,
    state_key: &'a str,
    tags: Vec<(String, String)>,
    caller_identity: bool,
    dr_provider: bool,
    helm_clusters: &'a [String],
    variables: Vec<VariableView<'a>>,
    modules: Vec<ModuleView<'a>>,
    outputs: Vec<OutputView<'a>>,
    vcpus: Option<VcpuView>,
}

/// The On-Demand vCPU preflight of a root.
#[derive(Serialize)]
struct VcpuView {
    total: u32,
    parts: String,
    service: &'static str,
    code: &'static str,
}

#[derive(Serialize)]
struct VariableView<'a> {
    name: &'a str,
    description: &'a str,
    #[serde(rename = "type")]
    ty: &'a str,
    default: Option<String>,
    validation: Option<(&'static str, &'static str)>,
}

#[derive(Serialize)]
struct ModuleView<'a> {
    label: &'a str,
    source: &'a str,
    comment: &'a str,
    count: Option<String>,
    providers: Option<String>,
    args: Vec<(&'a str, String)>,
    depends_on: &'a [String],
}

#[derive(Serialize)]
struct OutputView<'a> {
    name: &'a str,
    description: &'a str,
    value: String,
    sensitive: bool,
}

/// The condition and error message of a variable validation.
fn validation(v: Validation) -> (&'static str, &'static str) {
    match v {
        Validation::Cidrs { non_empty: true } => (
            "length(var.admin_cidrs) > 0 && alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, \"/0\")])",
            "Give at least one range (a.b.c.d/nn, never /0): Terraform installs charts through the cluster's public endpoint from there.",
        ),
        Validation::Cidrs { non_empty: false } => (
            "alltrue([for c in var.admin_cidrs : can(cidrhost(c, 0)) && !endswith(c, \"/0\")])",
            "Give ranges as a.b.c.d/nn; /0 would open the cluster API to the internet.",
        ),
    }
}

fn variable(v: &Variable) -> VariableView<'_> {
    VariableView {
        name: &v.name,
        description: &v.description,
        ty: v.ty,
        default: v.default.as_ref().map(Expr::render),
        validation: v.validation.map(validation),
    }
}

impl<'a> RootView<'a> {
    /// The view of `root`.
    pub(crate) fn new(root: &'a RootPlan) -> Self {
        RootView {
            role: root.role.as_str(),
            region: &root.region,
            peer_region: &root.peer_region,
            inventory: &root.inventory,
            description: root.description.as_deref(),
            state_bucket_prefix: &root.state_bucket_prefix,
            state_key: &root.state_key,
            tags: root.tags.iter().map(|(k, v)| (key(k), quote(v))).collect(),
            caller_identity: root.caller_identity,
            dr_provider: root.dr_provider,
            helm_clusters: &root.helm_clusters,
            vcpus: root.vcpus.as_ref().map(|(total, parts)| VcpuView {
                total: *total,
                parts: parts.join(", "),
                service: crate::quotas::vcpu_quota().service,
                code: crate::quotas::vcpu_quota().code,
            }),
            variables: root.variables.iter().map(variable).collect(),
            modules: root
                .modules
                .iter()
                .map(|m| ModuleView {
                    label: &m.label,
                    source: &m.source,
                    comment: &m.comment,
                    count: m.count.as_ref().map(Expr::render),
                    providers: (!m.providers.is_empty()).then(|| {
                        Expr::Map(m.providers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()).render()
                    }),
                    args: m.args.iter().map(|(n, v)| (n.as_str(), v.render())).collect(),
                    depends_on: &m.depends_on,
                })
                .collect(),
            outputs: root
                .outputs
                .iter()
                .map(|o| OutputView {
                    name: &o.name,
                    description: &o.description,
                    value: o.value.render(),
                    sensitive: o.sensitive,
                })
                .collect(),
        }
    }
}
