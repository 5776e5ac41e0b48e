//! `acmegen failover`.

use super::*;

pub(super) fn failover(
    inventory: PathBuf,
    apply_vars: bool,
    format: Format,
    out: &Path,
    lock_timeout: Duration,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (_, compiled) = compile_all(&[inventory])?;
    let plan = &compiled[0].plan;
    let report = runbook::failover_plan(&compiled[0].loaded.inventory, plan, &compiled[0].loaded.path);
    let changes = &report.variable_changes;
    match format {
        Format::Json => say(&serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?)?,
        Format::Table if !quiet => say(runbook::failover_text(plan, &report).trim_end())?,
        Format::Table => {}
    }
    if apply_vars && !changes.is_empty() {
        let dir = out.join(&plan.name).join("dr");
        if !dir.is_dir() {
            return Err(usage(format!(
                "error: {} does not exist\n  = help: run `acmegen render` first",
                dir.display()
            )));
        }
        let _lock = lock::lock(out, lock::Mode::Exclusive, lock_timeout, waiting(out, lock_timeout))
            .map_err(|e| Failure::from(OutputError::Lock(e)))?;
        let path = dir.join("failover.auto.tfvars");
        let tmp = dir.join(".acmegen-failover.auto.tfvars.tmp");
        std::fs::write(&tmp, runbook::failover_tfvars(plan))
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Failure::io("writing", &path, &e)
            })?;
        let note = format!(
            "wrote {}; review it, then: terraform -chdir={} apply",
            path.display(),
            dir.display()
        );
        match format {
            // stdout holds the JSON document alone.
            Format::Json => eprintln!("{note}"),
            Format::Table if !quiet => say(&note)?,
            Format::Table => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}
