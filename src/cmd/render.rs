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
    let emitter = Emitter::new()?;
    let mut modules = pipeline::modules_to_depth(&emitter, depth)?;
    // Bad input changes nothing: every inventory is read and validated
    // before the output is locked and staged.
    let checked = check_all(&paths)?;
    let opts = WriteOptions {
        force,
        remove_orphans: all,
        lock_timeout,
        failpoint: failpoint(),
        exchange: true,
    };
    // Terraform JSON: the same (verified) roots, converted file by file.
    let converted = |files: FileSet| -> Result<FileSet, Failure> {
        Ok(if json {
            acmegen::emit::tfjson::to_json_files(&files)?
        } else {
            files
        })
    };
    // Each inventory's files go to the staging directory as they are
    // verified (see `pipeline::render_staged`); a failure drops the writer,
    // which removes what it staged.
    let mut writer = output::Writer::begin(out, &opts, waiting(out, lock_timeout))?;
    writer.put_all(&converted(std::mem::take(&mut modules.files))?)?;
    let mut compiled = Vec::new();
    for c in checked {
        compiled.push(pipeline::render_staged(c, &emitter, &modules, depth, &mut |files| {
            writer.put_all(&converted(files)?)?;
            Ok::<(), Failure>(())
        })?);
    }
    // Directories no inventory renders and acmegen did not write (the write
    // leaves them alone).
    let unmanaged: Vec<output::Orphan> = if all {
        let covered: std::collections::BTreeSet<PathBuf> = writer.tops().map(PathBuf::from).collect();
        output::orphans_of(out, &covered)
            .into_iter()
            .filter(|o| !o.has_manifest)
            .collect()
    } else {
        Vec::new()
    };
    let report = writer.commit()?;
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
    Ok(ExitCode::SUCCESS)
}
