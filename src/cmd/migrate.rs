//! `acmegen migrate`: move a route53 migration's weight in the inventory
//! (one line edited, comments and layout kept), then print the next steps.

use super::*;

pub(super) fn migrate(
    inventory: PathBuf,
    asset: Option<String>,
    weight: u32,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(&inventory).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => usage(format!(
            "error: cannot read inventory {}: {e}\n  = help: check the path; inventories live in inventory/*.yaml",
            inventory.display()
        )),
        _ => Failure::io("reading", &inventory, &e),
    })?;
    let edit =
        acmegen::migrate::set_weight(&text, &inventory, asset.as_deref(), weight).map_err(|d| usage(d.to_string()))?;
    // The edited text compiles (validated above) before the file changes.
    let emitter = Emitter::new()?;
    let modules = pipeline::modules(&emitter)?;
    let compiled = acmegen::compile_text(&edit.text, &inventory, &emitter, &modules)?;
    if edit.text != text {
        let dir = inventory
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = inventory
            .file_name()
            .map_or("inventory".into(), |n| n.to_string_lossy().into_owned());
        let tmp = dir.join(format!(".{name}.acmegen-migrate.tmp"));
        std::fs::write(&tmp, &edit.text)
            .and_then(|()| {
                if let Ok(meta) = std::fs::metadata(&inventory) {
                    std::fs::set_permissions(&tmp, meta.permissions())?;
                }
                std::fs::rename(&tmp, &inventory)
            })
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Failure::io("writing", &inventory, &e)
            })?;
    }
    if !quiet {
        let next = runbook::migration_next_steps(
            &compiled.loaded.inventory,
            &compiled.plan,
            &inventory,
            &edit.asset,
            edit.old,
            edit.new,
        )
        .unwrap_or_default();
        say(&format!(
            "{}:{}: weight {} → {}{}\n\n{}",
            inventory.display(),
            edit.line,
            edit.old,
            edit.new,
            if edit.text == text { " (unchanged)" } else { "" },
            next.trim_end()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}
