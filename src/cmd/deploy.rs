//! `acmegen deploy`.

use super::{compile_all, say, say_raw, Failure};
use acmegen::deploy::{self, DeployError, Options};
use acmegen::output;
use std::path::PathBuf;
use std::process::ExitCode;

impl From<DeployError> for Failure {
    fn from(e: DeployError) -> Self {
        Failure::new(e.to_string(), e.exit_code())
    }
}

/// `acmegen deploy INV`: checks first (steps, rendered tree, values only the
/// user knows), then runs the steps, or prints them with `--dry-run`.
pub fn deploy(inventory: PathBuf, dry_run: bool, mut opts: Options, quiet: bool) -> Result<ExitCode, Failure> {
    opts.inventory = inventory.clone();
    let (mut files, compiled) = compile_all(&[inventory])?;
    let plan = &compiled[0].plan;
    let all = deploy::steps(plan);
    let steps = deploy::select(&all, opts.from.as_deref(), opts.to.as_deref())?;
    let dir = opts.out.join(&plan.name);
    // Only this inventory's files (and the shared modules and charts) matter.
    files.retain(|p, _| {
        let top = p
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        matches!(top.as_deref(), Some(t) if t == plan.name || output::RESERVED_NAMES.contains(&t))
    });
    let stale = match output::drift(&opts.out, &files, false) {
        Ok(d) if d.is_clean() => None,
        Ok(d) => Some(format!("{} changed, {} missing", d.changed.len(), d.missing.len())),
        Err(e) => Some(e.to_string()),
    };
    let missing = deploy::missing_values(plan, &dir, steps);
    if dry_run {
        say_raw(&deploy::dry_run(plan, &all, steps, &opts))?;
        if let Some(s) = &stale {
            say(&format!(
                "note: {} is not up to date ({s}): deploy would stop; run `acmegen render` first",
                dir.display()
            ))?;
        }
        for (root, vars) in &missing {
            say(&format!(
                "note: {} has no terraform.tfvars ({} needed): deploy would stop; copy terraform.tfvars.example to terraform.tfvars and edit it",
                root.display(),
                vars.join(", ")
            ))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(s) = stale {
        return Err(Failure::new(
            format!(
                "error: the rendered tree of {} in {} is not what the inventory renders ({s})\n  = help: run `acmegen render {}` (and commit it) so that what is applied is what the inventory says; `acmegen check` shows the difference",
                plan.name,
                opts.out.display(),
                opts.inventory.display()
            ),
            1,
        ));
    }
    if !missing.is_empty() {
        let text: Vec<String> = missing
            .iter()
            .map(|(root, vars)| {
                format!(
                    "error: {} needs values only you know ({}) and has no terraform.tfvars\n  = help: cp {0}/terraform.tfvars.example {0}/terraform.tfvars, edit it, then run the same command again (or set {})",
                    root.display(),
                    vars.join(", "),
                    vars.iter().map(|v| format!("TF_VAR_{v}")).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        return Err(Failure::new(text.join("\n"), 2));
    }
    let mut printer = |line: &str| {
        if !quiet || line.starts_with("==>") {
            let _ = say(line);
        }
    };
    deploy::deploy(plan, &all, steps, &opts, &mut printer)?;
    if !quiet {
        say(&format!("deployed {}: {} step(s) done", plan.name, steps.len()))?;
    }
    // The inventory's own repositories were created empty: the workloads
    // that run their images start once the user pushes them (RUNBOOK).
    let c = &compiled[0];
    let rb = acmegen::runbook::runbook(&c.loaded.inventory, plan, &c.loaded.path);
    if let Some(push) = rb
        .bootstrap
        .iter()
        .find(|s| s.title == acmegen::runbook::PUSH_IMAGES_TITLE)
    {
        if steps.iter().any(|s| s.name == "primary") {
            let lines: Vec<String> = push.commands.iter().map(|c| format!("  {c}")).collect();
            say(&format!(
                "note: the applications that run images of the inventory's repositories start once you push them:\n{}",
                lines.join("\n")
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
