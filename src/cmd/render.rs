//! `acmegen render`.

use super::*;

pub(super) fn render(
    given: Vec<PathBuf>,
    out: &Path,
    json: bool,
    force: bool,
    depth: Depth,
    lock_timeout: Duration,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (paths, all) = inventories(given)?;
    let (files, compiled) = render_all(&paths, depth)?;
    // Terraform JSON: the same (verified) roots, converted file by file.
    let files = if json {
        acmegen::emit::tfjson::to_json_files(&files)?
    } else {
        files
    };
    let opts = WriteOptions {
        force,
        remove_orphans: all,
        lock_timeout,
        failpoint: failpoint(),
        exchange: true,
    };
    // Directories no inventory renders and acmegen did not write (the write
    // leaves them alone, so listing them first gives the same answer).
    let unmanaged: Vec<output::Orphan> = if all {
        output::orphans(out, &files)
            .into_iter()
            .filter(|o| !o.has_manifest)
            .collect()
    } else {
        Vec::new()
    };
    let report = output::write_owned(out, files, &opts, waiting(out, lock_timeout))?;
    for line in &report.recovered {
        err(&format!("note: {line}"));
    }
    for (dir, kept) in &report.kept {
        let list: Vec<String> = kept
            .iter()
            .take(10)
            .map(|k| format!("\n  {}", dir.join(k).display()))
            .collect();
        err(&format!(
            "warning: kept {}: it holds files acmegen did not write:{}{}\n  = help: move them somewhere else, then delete {}",
            dir.display(),
            list.concat(),
            if kept.len() > 10 { "\n  …" } else { "" },
            dir.display()
        ));
    }
    if !quiet {
        for c in &compiled {
            let n = c.file_count;
            say(&format!(
                "rendered {} → {} ({n} files, primary {} / dr {})",
                c.path.display(),
                out.join(&c.name).display(),
                c.regions.0,
                c.regions.1
            ))?;
        }
        for (dir, left) in &report.removed {
            say(&format!("removed {} (no inventory renders it)", dir.display()))?;
            if !left.is_empty() {
                let list: Vec<String> = left.iter().map(|f| format!("\n  {}", dir.join(f).display())).collect();
                err(&format!(
                    "note: kept your local files in {}:{}\n  = help: once `terraform destroy` ran where they apply, delete them",
                    dir.display(),
                    list.concat()
                ));
            }
        }
    }
    for o in &unmanaged {
        err(&format!(
            "warning: {} is rendered by no inventory and has no .acmegen-manifest, so acmegen leaves it\n  = help: delete it if its inventory is gone",
            out.join(&o.name).display()
        ));
    }
    // The process ends after this: leave the parses and plans to the OS
    // instead of freeing their hundreds of thousands of nodes one by one
    // (about 6 % of the CPU of a 10,000-asset render).
    std::mem::forget(compiled);
    Ok(ExitCode::SUCCESS)
}
