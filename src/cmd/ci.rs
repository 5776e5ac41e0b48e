//! `acmegen ci`, and the workflow half of `acmegen check`.

use super::{compile_all, inventories, say, say_raw, Failure};
use crate::console::err;
use acmegen::ci::{self, write, CiError, WorkflowSet};
use acmegen::emit::Emitter;
use acmegen::pipeline::Compiled;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

impl From<CiError> for Failure {
    fn from(e: CiError) -> Self {
        Failure::new(e.to_string(), e.exit_code())
    }
}

/// The workflows of every compiled inventory with a `ci:` section.
fn render(compiled: &[Compiled], out: &Path) -> Result<WorkflowSet, Failure> {
    let emitter = Emitter::new()?;
    let out = ci::workflows::repo_path(out)?;
    let mut files = WorkflowSet::new();
    for c in compiled {
        files.extend(ci::workflows::workflows(&emitter, &c.loaded, &c.plan, &out)?);
    }
    Ok(files)
}

/// How the workflows directory differs from a fresh render.
pub struct WorkflowDrift {
    drift: write::Drift,
    files: usize,
}

impl WorkflowDrift {
    /// Whether it matches.
    pub fn is_clean(&self) -> bool {
        self.drift.is_clean()
    }
}

/// Compare `workflows` with the workflows of `compiled` (all inventories when `whole`).
pub fn drift(compiled: &[Compiled], out: &Path, workflows: &Path, whole: bool) -> Result<WorkflowDrift, Failure> {
    let files = render(compiled, out)?;
    let names: Vec<String> = compiled.iter().map(|c| c.plan.name.clone()).collect();
    Ok(WorkflowDrift {
        drift: write::drift(workflows, &files, &names, whole)?,
        files: files.len(),
    })
}

/// The "up to date" line of `check` for the workflows.
pub fn say_clean(d: &WorkflowDrift, workflows: &Path) -> Result<(), Failure> {
    if d.files > 0 {
        say(&format!(
            "{} is up to date ({} acmegen workflows)",
            workflows.display(),
            d.files
        ))?;
    }
    Ok(())
}

/// Print the differences and the error line of a stale workflows directory.
pub fn report(d: &WorkflowDrift, workflows: &Path) -> Result<(), Failure> {
    let d = &d.drift;
    if d.is_clean() {
        return Ok(());
    }
    for (_, diff) in &d.changed {
        say_raw(diff)?;
    }
    for m in &d.missing {
        say(&format!("missing: {}", workflows.join(m).display()))?;
    }
    for x in &d.extra {
        say(&format!("no longer generated: {}", workflows.join(x).display()))?;
    }
    err(&format!(
        "error: {} is stale: {} changed, {} missing, {} no longer generated\n  = help: run `acmegen ci` and commit the result; do not edit acmegen's workflows by hand (change the inventory's ci: section)",
        workflows.display(),
        d.changed.len(),
        d.missing.len(),
        d.extra.len()
    ));
    Ok(())
}

/// `acmegen ci`.
pub fn ci(
    given: Vec<PathBuf>,
    workflows: &Path,
    out: &Path,
    drill_inventory: bool,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    if drill_inventory {
        if given.len() != 1 {
            return Err(Failure::new(
                "error: --drill-inventory prints the drill copy of one inventory\n  = help: name exactly one inventory file",
                2,
            ));
        }
        let (_, compiled) = compile_all(&given)?;
        let inv = &compiled[0].loaded.inventory;
        if inv.ci.is_none() {
            return Err(Failure::new(
                format!(
                    "error: {} has no ci: section, so no DR drill workflow\n  = help: add ci: (README, CI/CD)",
                    given[0].display()
                ),
                2,
            ));
        }
        say_raw(&ci::workflows::drill_yaml(inv))?;
        return Ok(ExitCode::SUCCESS);
    }
    let (paths, whole) = inventories(given)?;
    let (_, compiled) = compile_all(&paths)?;
    let files = render(&compiled, out)?;
    let names: Vec<String> = compiled.iter().map(|c| c.plan.name.clone()).collect();
    if files.is_empty() && !whole {
        err("note: none of these inventories has a ci: section; nothing to write (README, CI/CD)");
    }
    let report = write::write(workflows, &files, &names, whole)?;
    if !quiet {
        for f in &report.written {
            say(&format!("wrote {}", workflows.join(f).display()))?;
        }
        for f in &report.removed {
            say(&format!(
                "removed {} (no inventory generates it)",
                workflows.join(f).display()
            ))?;
        }
        if !report.unchanged.is_empty() {
            say(&format!("{} workflows already up to date", report.unchanged.len()))?;
        }
        for c in compiled.iter().filter(|c| c.loaded.inventory.ci.is_some()) {
            let vars: Vec<String> = c
                .plan
                .roots()
                .into_iter()
                .flat_map(|r| r.variables.iter().filter(|v| v.example.is_some()))
                .map(|v| ci::workflows::github_variable(&c.plan.name, &v.name))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let name = &c.plan.name;
            say(&format!(
                "{name}: set the repository {} (the plans run outside the environments); create the environments {name}-primary and {name}-dr (deployment branches: {branch} only; required reviewers on {name}-dr), and {drill}-primary, {drill}-dr for the drill (deployment branches: {branch} only), each with the drill account's AWS_ACCOUNT_ID (README, CI/CD)",
                if vars.is_empty() { "variable AWS_ACCOUNT_ID".to_string() } else { format!("variables AWS_ACCOUNT_ID, {}", vars.join(", ")) },
                drill = c.loaded.inventory.ci.as_ref().map_or(String::new(), |x| x.drill_name(name)),
                branch = c.loaded.inventory.ci.as_ref().map_or("main", |x| x.branch()),
            ))?;
            if let Some(line) = c
                .loaded
                .inventory
                .ci
                .as_ref()
                .and_then(|x| ci::workflows::runners_needed(name, x))
            {
                say(&line)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
