//! `acmegen import`.

use super::*;

/// A valid inventory name from a file stem.
fn name_from(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "inv-");
    }
    name = name
        .chars()
        .take(32)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    if !acmegen::validate::is_valid_inventory_name(&name) {
        name = format!("{}-inv", name.chars().take(28).collect::<String>());
    }
    name
}

pub(super) fn import(
    document: &Path,
    output: Option<&Path>,
    name: Option<String>,
    force: bool,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    if let Some(n) = &name {
        if !acmegen::validate::is_valid_inventory_name(n) {
            return Err(usage(format!(
                "error: `{n}` is not a valid inventory name\n  = help: use 1-32 lowercase letters, digits and dashes, starting with a letter and not `modules` (it becomes directory, bucket and resource names), e.g. --name {}",
                name_from(Path::new(&format!("{n}.md")))
            )));
        }
    }
    let doc = std::fs::read_to_string(document).map_err(|e| {
        usage(format!(
            "error: cannot read {}: {e}\n  = help: name a Markdown design document",
            document.display()
        ))
    })?;
    let name = name.unwrap_or_else(|| name_from(output.unwrap_or(document)));
    let imported = acmegen::import::import(&doc, &name, &document.display().to_string()).map_err(|e| {
        usage(format!("error: {}: {e}\n  = help: the document needs a table with columns like | Asset | Purpose | Size | Qty | DR |, or headings and bullets that name AWS components (ALB, EKS, RDS, S3…)", document.display()))
    })?;
    for w in &imported.warnings {
        err(&format!("warning: {}: {w}", document.display()));
    }
    match output {
        None => say_raw(&imported.yaml)?,
        Some(path) => {
            if path.exists() && !force {
                return Err(usage(format!(
                    "error: {} exists\n  = help: pass --force to overwrite it",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Failure::io("creating", dir, &e))?;
            }
            std::fs::write(path, &imported.yaml).map_err(|e| Failure::io("writing", path, &e))?;
            if !quiet {
                say(&format!(
                    "imported {} assets ({} TODO rows) from {} → {}",
                    imported.mapped,
                    imported.unmapped,
                    document.display(),
                    path.display()
                ))?;
            }
        }
    }
    let shown = output.map_or_else(|| Path::new("<stdout>").to_path_buf(), Path::to_path_buf);
    match acmegen::inventory::parse(&imported.yaml, &shown).and_then(|l| acmegen::validate::validate(&l)) {
        Ok(_) if !quiet => match output {
            Some(path) => err(&format!("note: the inventory validates; review the `# guess:` comments, then `acmegen render {}`", path.display())),
            None => err(&format!("note: the inventory validates; save it as inventory/{name}.yaml, review the `# guess:` comments, then `acmegen render`")),
        },
        Ok(_) => {}
        Err(d) => err(&format!("note: edit the inventory before rendering:\n{d}")),
    }
    Ok(ExitCode::SUCCESS)
}
