//! `dr/tests/outage.tftest.hcl`: the documented DR sequence as a mocked
//! `terraform test`, run from the DR root (`terraform test` there, offline).
//!
//! 1. the first DR apply, with only the bootstrap's facts in the store;
//! 2. the primary root (`module { source = "../primary" }`), which must
//!    publish exactly the facts the DR root reads, then a second primary
//!    apply that must keep everything (no hand-copied variable is missing);
//! 3. the second DR apply, with the primary's facts in the store;
//! 4. the failover is declared (its marker joins the store): a plan of
//!    either root without the runbook's acknowledgement, or with an earlier
//!    failover's, fails on its guard;
//!    then the failover apply: the primary region is gone, the store (in
//!    the DR region) still holds its facts, and the failover variables are
//!    exactly what `acmegen failover --apply-vars` writes to
//!    `failover.auto.tfvars`, acknowledged with the declaration's time as
//!    by `incident.auto.tfvars` (as are the failback's applies);
//! 5. the primary's failback apply: where a database's backups replicate to
//!    DR, the runbook restores a new instance under the same identifier
//!    (`plan_options.replace` stands in for it), which publishes a new
//!    resource ID; everything else of the primary must be kept;
//! 6. the DR failback apply, without the failover variables, with the new
//!    resource ID in the store.
//!
//! Mock providers never plan a replacement by themselves, and they keep IDs
//! across in-place updates; so every resource a failover needs is compared
//! by its `identities` entry (IDs plus the attributes AWS cannot change in
//! place, see `Planner::plan_identities`) with the steady state: a changed
//! ID (a count, key or trigger replaced it) or a changed ForceNew attribute
//! (AWS would replace it) fails the run, and so does a DNS record that
//! changes its role in the failover pair. The traffic dials and pilot-light
//! capacities are checked against the runbook's values.

use crate::emit::tftest::{self, assert_block, MockProvider};
use crate::emit::RootMocks;
use crate::fnv::FnvMap as HashMap;
use crate::plan::names::FAILOVER_MARKER_FACT;
use crate::plan::{fact_store_path, Plan, RootPlan};
use crate::runbook::failover_changes;
use std::collections::BTreeSet;
use std::fmt::Write;

/// Module calls of `root` that exist only once the other root published a fact.
fn fact_gated(root: &RootPlan) -> Vec<&str> {
    root.modules
        .iter()
        .filter(|m| m.count.as_ref().is_some_and(|c| c.modules().contains(&"facts")))
        .map(|m| m.label.as_str())
        .collect()
}

/// Keys of the `identities` output of `root` (what a failover must keep).
fn identity_keys(root: &RootPlan) -> Vec<String> {
    root.outputs
        .iter()
        .find(|o| o.name == "identities")
        .and_then(|o| match &o.value {
            crate::plan::Expr::Map(entries) => Some(entries.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The module sources of `root` by label, for [`what`].
fn sources(root: &RootPlan) -> HashMap<&str, &str> {
    root.modules
        .iter()
        .map(|m| (m.label.as_str(), m.source.as_str()))
        .collect()
}

/// What a module is, for messages: `label (source)`, its source looked up
/// in [`sources`] of its root.
fn what(sources: &HashMap<&str, &str>, label: &str) -> String {
    let source = sources.get(label).copied().unwrap_or("");
    format!("{label} ({source})")
}

/// Labels of `root`'s backup replications of databases (dr: backup).
fn backup_replications(root: &RootPlan) -> Vec<String> {
    root.modules
        .iter()
        .filter(|m| m.source == "rds_backup_replication")
        .map(|m| m.label.clone())
        .collect()
}

/// The store's value of the resource ID the failback's new instance of
/// `db` publishes (another than the first deployment's).
fn failback_resource_id(_db: &str) -> String {
    "db-FAILBACKNEWINSTANCE0000001".into()
}

fn override_store(store: &str, facts: &[String], regions: (&str, &str), failback: bool) -> String {
    let values: Vec<(String, String)> = facts
        .iter()
        .map(|f| {
            let region = if f.starts_with("primary/") {
                regions.0
            } else {
                regions.1
            };
            let value = match f.strip_prefix("primary/").and_then(|n| n.strip_suffix("_resource_id")) {
                Some(db) if failback => failback_resource_id(db),
                _ if f == FAILOVER_MARKER_FACT => DECLARED_AT.into(),
                _ => tftest::fact_example(f, region),
            };
            (f.clone(), value)
        })
        .collect();
    tftest::facts_override(store, &values) + "\n"
}

/// The condition that `module.facts` publishes exactly `facts`.
fn publishes(facts: &[String]) -> String {
    if facts.is_empty() {
        "length(module.facts.published) == 0".into()
    } else {
        format!(
            "module.facts.published == tolist({})",
            crate::plan::Expr::strs(facts.to_vec()).render()
        )
    }
}

/// The outage test of `plan`, given the mocks of its two roots.
pub fn outage_test(plan: &Plan, primary: &RootMocks, dr: &RootMocks) -> String {
    let store = fact_store_path(&plan.name);
    let regions = (plan.primary.region.as_str(), plan.dr.region.as_str());
    let bootstrap: Vec<String> = plan
        .dr
        .facts_read
        .iter()
        .chain(plan.primary.facts_read.iter())
        .filter(|f| f.starts_with("bootstrap/"))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let published = |root: &RootPlan, role: &str| -> Vec<String> {
        root.facts_published.iter().map(|f| format!("{role}/{f}")).collect()
    };
    let dr_store: Vec<String> = bootstrap.iter().cloned().chain(published(&plan.dr, "dr")).collect();
    let full_store: Vec<String> = dr_store
        .iter()
        .cloned()
        .chain(published(&plan.primary, "primary"))
        .collect();

    let mut out = String::from(
        "# The documented DR sequence, mocked (no AWS account): first deployment,\n# failover with the primary region gone, failback. From the DR root:\n#   terraform init -backend=false && terraform test -filter=tests/outage.tftest.hcl\n# Fails when an apply would destroy what DR needs. Generated by acmegen.\n\n",
    );
    // Provider configurations of both roots, each mocked once.
    let mut providers: Vec<MockProvider> = dr.providers.clone();
    for p in &primary.providers {
        if !providers.iter().any(|q| q.name == p.name && q.alias == p.alias) {
            providers.push(p.clone());
        }
    }
    let used: BTreeSet<String> = dr.used.union(&primary.used).cloned().collect();
    out.push_str(&tftest::mock_providers(&providers, &used));
    let mut examples: Vec<(String, String)> = dr.examples.clone();
    for e in &primary.examples {
        if !examples.iter().any(|(n, _)| *n == e.0) {
            examples.push(e.clone());
        }
    }
    if !examples.is_empty() {
        out.push_str("variables {\n");
        for (n, v) in &examples {
            let _ = writeln!(out, "{n} = {v}");
        }
        out.push_str("}\n\n");
    }

    // 1. First DR apply: only the bootstrap's facts exist.
    out.push_str("# 1. First deployment, DR root first: nothing of the primary exists yet.\nrun \"dr_first_deployment\" {\ncommand = apply\n\n");
    out.push_str(&override_store(&store, &bootstrap, regions, false));
    for m in fact_gated(&plan.dr) {
        assert_block(
            &mut out,
            &format!("length(module.{m}) == 0"),
            &format!("{m} must wait for the primary's facts"),
        );
    }
    assert_block(
        &mut out,
        &publishes(&plan.dr.facts_published),
        "the DR root publishes what the primary reads",
    );
    out.push_str("}\n\n");

    // 2. The primary, twice: the second apply must keep what the first made.
    for (run, title) in [
        (
            "primary",
            "# 2. The primary root, reading the DR root's facts from the DR region.",
        ),
        (
            "primary_again",
            "# A later primary apply, with nothing passed by hand, keeps everything.",
        ),
    ] {
        let _ = writeln!(
            out,
            "{title}\nrun \"{run}\" {{\ncommand = apply\n\nmodule {{\nsource = \"../primary\"\n}}\n"
        );
        out.push_str(&override_store(&store, &dr_store, regions, false));
        for m in fact_gated(&plan.primary) {
            assert_block(
                &mut out,
                &format!("length(module.{m}) == 1"),
                &format!("{m} must exist once the DR root published its facts"),
            );
        }
        assert_block(
            &mut out,
            &publishes(&plan.primary.facts_published),
            "the primary publishes exactly what the DR root reads",
        );
        if run == "primary_again" {
            let primary_sources = sources(&plan.primary);
            for k in identity_keys(&plan.primary) {
                assert_block(
                    &mut out,
                    &format!("output.identities[\"{k}\"] == run.primary.identities[\"{k}\"]"),
                    &format!(
                        "{} was replaced or changed by a later primary apply",
                        what(&primary_sources, &k)
                    ),
                );
            }
        }
        out.push_str("}\n\n");
    }

    // 3, 4, 6. DR steady state, failover, failback; 5. the primary's failback.
    let kept = identity_keys(&plan.dr);
    let replications = backup_replications(&plan.dr);
    dr_run(
        &mut out,
        plan,
        "dr_steady_state",
        "# 3. The DR root again: replicas and cross-region links join the primary's.",
        &override_store(&store, &full_store, regions, false),
        None,
        &[],
    );
    // From here the failover is declared: its marker is in the store.
    let declared = |facts: &[String]| -> Vec<String> {
        let mut with = facts.to_vec();
        with.push(FAILOVER_MARKER_FACT.to_string());
        with
    };
    guard_runs(
        &mut out,
        &override_store(&store, &declared(&full_store), regions, false),
    );
    let failover_title = if crate::runbook::failover_changes(plan).is_empty() {
        "# 4. Failover: the primary region is gone; its facts are still in the DR region's store.\n# The failover changes no DR variable: a DR apply during the outage, with the acknowledgement\n# of the declared failover (incident.auto.tfvars)."
    } else {
        "# 4. Failover: the primary region is gone; its facts are still in the DR region's store.\n# The variables are exactly what `acmegen failover --apply-vars` writes to failover.auto.tfvars,\n# and the acknowledgement of the declared failover (incident.auto.tfvars)."
    };
    dr_run(
        &mut out,
        plan,
        "dr_failover",
        failover_title,
        &override_store(&store, &declared(&full_store), regions, false),
        Some(&crate::runbook::failover_tfvars(plan)),
        &kept,
    );
    primary_failback(&mut out, plan, &store, &declared(&dr_store), regions);
    let title = if replications.is_empty() {
        "# 6. DR failback: the standby values again.".to_string()
    } else {
        format!(
            "# 6. DR failback: the standby values again; the primary's new instance published a new\n# resource ID, so the backup replication of {} is replaced to follow it.",
            replications.join(", ")
        )
    };
    let kept_failback: Vec<String> = kept.iter().filter(|k| !replications.contains(k)).cloned().collect();
    dr_run(
        &mut out,
        plan,
        "dr_failback",
        &title,
        &override_store(&store, &declared(&full_store), regions, true),
        None,
        &kept_failback,
    );
    for r in &replications {
        assert_block_in_last_run(
            &mut out,
            &format!(
                "output.identities[\"{r}\"].id != run.dr_steady_state.identities[\"{r}\"].id && output.identities[\"{r}\"].source_resource_id == \"{}\"",
                failback_resource_id(r)
            ),
            &format!(
                "the backup replication {r} still follows the old instance after the failback (it must be replaced to follow the new resource ID)"
            ),
        );
    }
    crate::format::format_hcl(&out)
}

/// One apply of the DR root: the store, the failover variables (from the
/// text of `failover.auto.tfvars`), the fact-gated modules present, the
/// identities of `kept` equal to the steady state's, and the dials and
/// capacities of the variables' values.
fn dr_run(out: &mut String, plan: &Plan, run: &str, title: &str, store: &str, tfvars: Option<&str>, kept: &[String]) {
    let _ = writeln!(out, "{title}\nrun \"{run}\" {{\ncommand = apply\n");
    let failover = tfvars.is_some();
    let mut assignments: Vec<&str> = tfvars
        .into_iter()
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let acknowledgement = acknowledged();
    if store.contains(FAILOVER_MARKER_FACT) {
        assignments.push(&acknowledgement);
    }
    if !assignments.is_empty() {
        out.push_str("variables {\n");
        for a in assignments {
            let _ = writeln!(out, "{a}");
        }
        out.push_str("}\n\n");
    }
    out.push_str(store);
    for m in fact_gated(&plan.dr) {
        assert_block(
            out,
            &format!("length(module.{m}) == 1"),
            &format!("{m} must exist in run {run}"),
        );
    }
    let dr_sources = sources(&plan.dr);
    for k in kept {
        assert_block(
            out,
            &format!("output.identities[\"{k}\"] == run.dr_steady_state.identities[\"{k}\"]"),
            &format!("{} was replaced or changed in run {run}", what(&dr_sources, k)),
        );
    }
    for c in &failover_changes(plan) {
        let value = if failover { &c.to } else { &c.from };
        if let Some(ga) = c.name.strip_suffix("_traffic_dial") {
            assert_block(
                out,
                &format!("module.{ga}_dr_endpoints[0].traffic_dial_percentage == {value}"),
                &format!("the DR traffic dial of {ga} must be {value} in run {run}"),
            );
        } else if let Some(eks) = c.name.strip_suffix("_node_desired_size") {
            assert_block(
                out,
                &format!("module.{eks}.node_desired_size == {value}"),
                &format!("{eks} must run {value} nodes in run {run}"),
            );
        } else if let Some(vm) = c.name.strip_suffix("_instance_count") {
            if plan.dr.modules.iter().any(|m| m.label == vm && m.source == "vm") {
                assert_block(
                    out,
                    &format!("length(module.{vm}.instance_ids) == {value}"),
                    &format!("{vm} must run {value} instances in run {run}"),
                );
            }
        }
    }
    out.push_str("}\n\n");
}

/// The mocked time of the failover's declaration (the marker's value).
const DECLARED_AT: &str = "2026-01-01T00:00:00Z";

/// What the runbook's `incident.auto.tfvars` holds while that failover is declared.
fn acknowledged() -> String {
    format!("failover_acknowledged = \"{DECLARED_AT}\"")
}

/// Plans of both roots while the failover is declared (`store` holds its
/// marker): the DR root's without the runbook's acknowledgement, the
/// primary's with one left from an earlier failover. Each fails on its
/// `failover_marker` guard (an apply with the standby values would undo
/// the failover).
fn guard_runs(out: &mut String, store: &str) {
    for (run, module, variables, what) in [
        (
            "dr_plan_while_declared",
            "",
            "",
            "without the runbook's acknowledgement",
        ),
        (
            "primary_plan_while_declared",
            "../primary",
            "failover_acknowledged = \"2025-06-30T12:00:00Z\"",
            "with an earlier failover's acknowledgement",
        ),
    ] {
        let root = if module.is_empty() { "DR" } else { "primary" };
        let _ = writeln!(
            out,
            "# The failover is declared: a plan of the {root} root {what}\n# (incident.auto.tfvars) fails, so no apply by hand puts the standby values back.\nrun \"{run}\" {{\ncommand = plan\n"
        );
        if !module.is_empty() {
            let _ = writeln!(out, "module {{\nsource = \"{module}\"\n}}\n");
        }
        if !variables.is_empty() {
            let _ = writeln!(out, "variables {{\n{variables}\n}}\n");
        }
        out.push_str(store);
        out.push_str("expect_failures = [output.failover_marker]\n}\n\n");
    }
}

/// Add an assertion to the run block `out` ends with.
fn assert_block_in_last_run(out: &mut String, condition: &str, message: &str) {
    let end = out.trim_end().len();
    debug_assert!(out[..end].ends_with('}'), "out ends with a run block");
    out.truncate(end - 1);
    assert_block(out, condition, message);
    out.push_str("}\n\n");
}

/// The primary's failback apply (step 5): a new instance of every database whose
/// backups replicate to DR (the runbook restores one under the same
/// identifier), which publishes its new resource ID; the rest is kept.
fn primary_failback(out: &mut String, plan: &Plan, store: &str, dr_store: &[String], regions: (&str, &str)) {
    let restored: Vec<String> = backup_replications(&plan.dr);
    let _ = writeln!(
        out,
        "# 5. Failback of the primary: the region is back; {}\nrun \"primary_failback\" {{\ncommand = apply\n\nmodule {{\nsource = \"../primary\"\n}}\n",
        if restored.is_empty() {
            "its apply keeps everything it had.".to_string()
        } else {
            format!(
                "{} restored as new instance(s) under the\n# same identifier (replaced here), which publish new resource IDs.",
                restored.join(", ")
            )
        }
    );
    if !restored.is_empty() {
        let targets: Vec<String> = restored
            .iter()
            .map(|db| format!("module.{db}.aws_db_instance.this"))
            .collect();
        let _ = writeln!(out, "plan_options {{\nreplace = [{}]\n}}\n", targets.join(", "));
    }
    let _ = writeln!(out, "variables {{\n{}\n}}\n", acknowledged());
    out.push_str(&override_store(store, dr_store, regions, false));
    let primary_sources = sources(&plan.primary);
    for k in identity_keys(&plan.primary) {
        if restored.contains(&k) {
            // The restored instance is new; its secret and its replica are not.
            for field in ["master_secret_arn", "master_secret_replicas"] {
                assert_block(
                    out,
                    &format!("output.identities[\"{k}\"].{field} == run.primary_again.identities[\"{k}\"].{field}"),
                    &format!("{k}: the failback lost the master secret or its DR replica ({field})"),
                );
            }
            assert_block(
                out,
                &format!("output.{k}_resource_id != run.primary_again.{k}_resource_id"),
                &format!("{k}: the restored instance must publish its new resource ID"),
            );
        } else {
            assert_block(
                out,
                &format!("output.identities[\"{k}\"] == run.primary_again.identities[\"{k}\"]"),
                &format!(
                    "{} was replaced or changed by the primary's failback apply",
                    what(&primary_sources, &k)
                ),
            );
        }
    }
    out.push_str("}\n\n");
}
