//! The typed root plan, turned into HCL text: the frame of each root file
//! (banner, providers, locals, backend) through the templates under
//! `templates/root/`, the repeated blocks (module calls, variables,
//! outputs) written here one block at a time, each laid out canonically on
//! its own. This is the one place where plan expressions become HCL text.
//!
//! Writing the repeated blocks directly, instead of through a template
//! context holding every block's strings, keeps a root of thousands of
//! assets from being held several times over while it renders. Each block
//! written directly is also described to the verifier
//! ([`crate::verify::written`]): where it is, what it declares, and the
//! references of its expressions.

use crate::format::format_hcl;
use crate::plan::expr::{key, quote};
use crate::plan::{Expr, ModuleCall, Output, RootPlan, Validation, Variable};
use crate::verify::written::{SharedArgs, Written};
use serde::Serialize;
use std::fmt::Write as _;

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
    /// Shared locals: (comment, name, value).
    locals: Vec<(&'static str, &'static str, String)>,
    vcpus: Option<VcpuView>,
    /// The DR root's facts a primary root reads, quoted: a check warns
    /// while any is missing (applied before the DR root, the primary wires
    /// nothing into the DR region and would otherwise say nothing).
    dr_facts: Vec<String>,
}

/// The On-Demand vCPU preflight of a root.
#[derive(Serialize)]
struct VcpuView {
    total: u32,
    parts: String,
    service: &'static str,
    code: &'static str,
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
            locals: root
                .locals
                .iter()
                .map(|l| (l.comment, l.name, l.value.render()))
                .collect(),
            vcpus: root.vcpus.as_ref().map(|(total, parts)| VcpuView {
                total: *total,
                parts: parts.join(", "),
                service: crate::quotas::vcpu_quota().service,
                code: crate::quotas::vcpu_quota().code,
            }),
            dr_facts: root
                .facts_read
                .iter()
                .filter(|f| root.role == crate::plan::Role::Primary && f.starts_with("dr/"))
                .map(|f| quote(f))
                .collect(),
        }
    }
}

/// Append `block` (laid out canonically) to `out`, after a blank line.
fn append(out: &mut String, block: &str) {
    out.push('\n');
    out.push_str(&format_hcl(block));
}

/// A blank line and `depends_on = [module.a, …]` at `indent`, when `labels`
/// is not empty.
fn depends_on(out: &mut String, indent: &str, labels: &[String]) {
    if labels.is_empty() {
        return;
    }
    out.push('\n');
    out.push_str(indent);
    out.push_str("depends_on = [");
    for (i, d) in labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("module.");
        out.push_str(d);
    }
    out.push_str("]\n");
}

/// `module` block of `m`.
fn module_block(m: &ModuleCall, raw: &mut String) {
    raw.clear();
    if !m.comment.is_empty() {
        let _ = writeln!(raw, "# {}", m.comment);
    }
    let _ = write!(
        raw,
        "module \"{}\" {{\nsource = \"../../modules/{}\"\n",
        m.label, m.source
    );
    if let Some(count) = &m.count {
        raw.push_str("count = ");
        count.write(raw);
        raw.push('\n');
    }
    if !m.providers.is_empty() {
        raw.push_str("\nproviders = ");
        Expr::Map(m.providers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()).write(raw);
        raw.push('\n');
    }
    raw.push('\n');
    for (name, value) in &m.args {
        raw.push_str(name);
        raw.push_str(" = ");
        value.write(raw);
        raw.push('\n');
    }
    depends_on(raw, "", &m.depends_on);
    raw.push_str("}\n");
}

/// `variable` block of `v`.
fn variable_block(v: &Variable, raw: &mut String) {
    raw.clear();
    let _ = write!(raw, "variable \"{}\" {{\ndescription = ", v.name);
    raw.push_str(&quote(&v.description));
    let _ = write!(raw, "\ntype = {}\n", v.ty);
    if let Some(default) = &v.default {
        raw.push_str("default = ");
        default.write(raw);
        raw.push('\n');
    }
    if let Some((condition, message)) = v.validation.map(validation) {
        let _ = write!(raw, "\nvalidation {{\ncondition = {condition}\nerror_message = ");
        raw.push_str(&quote(message));
        raw.push_str("\n}\n");
    }
    raw.push_str("}\n");
}

/// `output` block of `o`.
fn output_block(o: &Output, raw: &mut String) {
    raw.clear();
    let _ = write!(raw, "output \"{}\" {{\ndescription = ", o.name);
    raw.push_str(&quote(&o.description));
    raw.push_str("\nvalue = ");
    o.value.write(raw);
    raw.push('\n');
    if o.sensitive {
        raw.push_str("sensitive = true\n");
    }
    if let Some((condition, message)) = &o.precondition {
        raw.push_str("\nprecondition {\ncondition = ");
        condition.write(raw);
        raw.push_str("\nerror_message = ");
        raw.push_str(&quote(message));
        raw.push_str("\n}\n");
    }
    raw.push_str("}\n");
}

/// Lines of one alignment run, as `terraform fmt` lays them out: each
/// `key = value` with the `=` one space past the longest key.
fn run(out: &mut String, pairs: &[(&str, &str)]) {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in pairs {
        out.push_str("  ");
        out.push_str(k);
        for _ in k.len()..=width {
            out.push(' ');
        }
        out.push_str("= ");
        out.push_str(v);
        out.push('\n');
    }
}

/// Whether `text` can stand on one canonical line as written: no line
/// break, no surrounding whitespace (which the layout would trim).
fn one_line(text: &str) -> bool {
    !text.contains('\n') && text.trim() == text
}

/// The module block of `m` in canonical layout, written directly when every
/// value fits on one line (then the layout is only the alignment of two
/// runs); otherwise through [`format_hcl`]. Debug builds (the tests) check
/// the direct form against `format_hcl`.
fn write_module(
    m: &ModuleCall,
    raw: &mut String,
    values: &mut String,
    out: &mut String,
    written: &mut Vec<Written>,
    shared: &mut SharedArgs,
) {
    values.clear();
    let count = m.count.as_ref().map(|c| {
        c.write(values);
        values.len()
    });
    let mut ends = Vec::with_capacity(m.args.len());
    for (_, v) in &m.args {
        v.write(values);
        ends.push(values.len());
    }
    let simple = m.providers.is_empty()
        && !values.contains('\n')
        && (m.comment.is_empty() || one_line(&m.comment))
        && m.args
            .iter()
            .all(|(n, _)| n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'));
    let before = out.len();
    out.push('\n');
    if !simple {
        module_block(m, raw);
        out.push_str(&format_hcl(raw));
        return;
    }
    let start = out.len();
    if !m.comment.is_empty() {
        out.push_str("# ");
        out.push_str(&m.comment);
        out.push('\n');
    }
    out.push_str("module \"");
    out.push_str(&m.label);
    out.push_str("\" {\n");
    let source = format!("\"../../modules/{}\"", m.source);
    let mut header: Vec<(&str, &str)> = vec![("source", &source)];
    let count_end = count.unwrap_or(0);
    if count.is_some() {
        header.push(("count", &values[..count_end]));
    }
    run(out, &header);
    if !m.args.is_empty() {
        out.push('\n');
        let mut from = count_end;
        let pairs: Vec<(&str, &str)> = m
            .args
            .iter()
            .zip(&ends)
            .map(|((name, _), &end)| {
                let pair = (name.as_ref(), &values[from..end]);
                from = end;
                pair
            })
            .collect();
        run(out, &pairs);
    }
    depends_on(out, "  ", &m.depends_on);
    out.push_str("}\n");
    written.push(Written::module(
        (before, out.len()),
        &m.label,
        &source[1..source.len() - 1],
        m.count.as_ref(),
        &m.args,
        !m.comment.is_empty(),
        !m.depends_on.is_empty(),
        shared,
    ));
    if cfg!(debug_assertions) {
        module_block(m, raw);
        debug_assert_eq!(&out[start..], format_hcl(raw), "direct layout of module {}", m.label);
    }
}

/// Append the module blocks of `root` to `out`.
pub(crate) fn module_blocks(root: &RootPlan, out: &mut String, written: &mut Vec<Written>) {
    let (mut raw, mut values) = (String::new(), String::new());
    let mut shared = SharedArgs::default();
    for m in &root.modules {
        write_module(m, &mut raw, &mut values, out, written, &mut shared);
    }
}
/// Append, after a blank line, the block `kind "name"` holding the one
/// alignment run `pairs`, written directly in canonical layout; returns its
/// range (with the blank line). `raw` writes the same block unformatted:
/// debug builds (the tests) check the direct form against its
/// [`format_hcl`] layout.
fn append_run_block(
    out: &mut String,
    kind: &str,
    name: &str,
    pairs: &[(&str, &str)],
    raw: impl FnOnce() -> String,
) -> (usize, usize) {
    let before = out.len();
    out.push('\n');
    let start = out.len();
    let _ = writeln!(out, "{kind} \"{name}\" {{");
    run(out, pairs);
    out.push_str("}\n");
    if cfg!(debug_assertions) {
        debug_assert_eq!(&out[start..], format_hcl(&raw()), "direct layout of {kind} {name}");
    }
    (before, out.len())
}

/// Append the variable blocks of `root` to `out`: directly when the block
/// has no validation and its values fit on one line, else through
/// [`format_hcl`].
pub(crate) fn variable_blocks(root: &RootPlan, out: &mut String, written: &mut Vec<Written>) {
    let (mut raw, mut default) = (String::new(), String::new());
    for v in &root.variables {
        default.clear();
        if let Some(d) = &v.default {
            d.write(&mut default);
        }
        let description = quote(&v.description);
        if v.validation.is_some() || !one_line(&default) || !one_line(&description) || !one_line(v.ty) {
            variable_block(v, &mut raw);
            append(out, &raw);
            continue;
        }
        let mut pairs: Vec<(&str, &str)> = vec![("description", &description), ("type", v.ty)];
        if v.default.is_some() {
            pairs.push(("default", &default));
        }
        let at = append_run_block(out, "variable", &v.name, &pairs, || {
            variable_block(v, &mut raw);
            raw.clone()
        });
        written.push(Written::variable(at, &v.name, v.ty, v.default.as_ref(), &v.description));
    }
}

/// Append the output blocks of `root` to `out`, directly when the value
/// fits on one line (as [`variable_blocks`]).
pub(crate) fn output_blocks(root: &RootPlan, out: &mut String, written: &mut Vec<Written>) {
    let (mut raw, mut value) = (String::new(), String::new());
    for o in &root.outputs {
        value.clear();
        o.value.write(&mut value);
        let description = quote(&o.description);
        if o.precondition.is_some() || !one_line(&value) || !one_line(&description) {
            output_block(o, &mut raw);
            append(out, &raw);
            continue;
        }
        let mut pairs: Vec<(&str, &str)> = vec![("description", &description), ("value", &value)];
        if o.sensitive {
            pairs.push(("sensitive", "true"));
        }
        let at = append_run_block(out, "output", &o.name, &pairs, || {
            output_block(o, &mut raw);
            raw.clone()
        });
        written.push(Written::output(at, &o.name, &o.value, o.sensitive, &o.description));
    }
}
