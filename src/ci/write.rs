//! Writing workflows into a directory other tools share (`.github/workflows`)
//! and comparing them with a fresh render.
//!
//! acmegen owns only the files listed in the directory's
//! `.acmegen-manifest`: it replaces and removes those, takes over a file that
//! already holds exactly what it would write, and refuses (exit 4) to touch
//! any other file, naming it. Each file is written to a temporary name and
//! renamed into place; the manifest first lists old and new files together,
//! so an interrupted run leaves every file either old or new and still owned
//! (`acmegen check` reports the difference, `acmegen ci` finishes it).

use super::{CiError, WorkflowSet};
use crate::manifest::{Manifest, FILE_NAME};
use similar::TextDiff;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a write did.
#[derive(Debug, Default)]
pub struct Written {
    /// Files written (new or changed), sorted.
    pub written: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: Vec<PathBuf>,
    /// Files of acmegen's that no inventory produces any more, removed.
    pub removed: Vec<PathBuf>,
}

/// How the workflows on disk differ from a fresh render.
#[derive(Debug, Default)]
pub struct Drift {
    /// Changed files with their unified diff (on disk → fresh).
    pub changed: Vec<(PathBuf, String)>,
    /// Files acmegen would write that are missing.
    pub missing: Vec<PathBuf>,
    /// Files of acmegen's (in the manifest) that no inventory produces.
    pub extra: Vec<PathBuf>,
}

impl Drift {
    /// Whether the directory matches.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

fn io_err(action: &str, path: &Path, e: &io::Error) -> CiError {
    CiError::Io(format!(
        "error: {action} {}: {e}\n  = help: {}",
        path.display(),
        crate::output::io_help(e.kind(), path)
    ))
}

fn read_manifest(dir: &Path) -> Result<Manifest, CiError> {
    match Manifest::read(dir) {
        Ok(m) => Ok(m.unwrap_or_default()),
        Err(e) => Err(io_err("reading", &dir.join(FILE_NAME), &e)),
    }
}

/// Whether `file` (a workflow file name) belongs to one of `names`.
fn belongs(file: &Path, names: &[String]) -> bool {
    let f = file.to_string_lossy();
    names.iter().any(|n| {
        super::workflows::KINDS
            .iter()
            .any(|k| f == super::workflows::file_name(n, k).as_str())
    })
}

/// Compare `dir` with `files`. With `whole` (every inventory rendered),
/// files of acmegen's no inventory produces are extra; otherwise only those
/// of the inventories `names`.
pub fn drift(dir: &Path, files: &WorkflowSet, names: &[String], whole: bool) -> Result<Drift, CiError> {
    let mut d = Drift::default();
    let manifest = if dir.is_dir() {
        read_manifest(dir)?
    } else {
        Manifest::default()
    };
    for (rel, want) in files {
        let path = dir.join(rel);
        match fs::read_to_string(&path) {
            Ok(have) if &have == want => {}
            Ok(have) => {
                let diff = TextDiff::from_lines(&have, want)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", path.display()), &format!("b/{}", path.display()))
                    .to_string();
                d.changed.push((rel.clone(), diff));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => d.missing.push(rel.clone()),
            Err(e) => return Err(io_err("reading", &path, &e)),
        }
    }
    for f in manifest.files() {
        if !files.contains_key(f) && (whole || belongs(f, names)) && dir.join(f).exists() {
            d.extra.push(f.clone());
        }
    }
    Ok(d)
}

/// Write `files` into `dir` (created when missing). With `whole`, files of
/// acmegen's that no inventory produces are removed; otherwise only those
/// of the inventories `names`.
pub fn write(dir: &Path, files: &WorkflowSet, names: &[String], whole: bool) -> Result<Written, CiError> {
    if files.is_empty() && !dir.join(FILE_NAME).exists() {
        return Ok(Written::default()); // nothing of acmegen's here, nothing to write
    }
    fs::create_dir_all(dir).map_err(|e| io_err("creating", dir, &e))?;
    let manifest = read_manifest(dir)?;
    let mut foreign = Vec::new();
    let mut report = Written::default();
    for (rel, want) in files {
        let path = dir.join(rel);
        match fs::read_to_string(&path) {
            Ok(have) if &have == want => report.unchanged.push(rel.clone()),
            Ok(_) if !manifest.contains(rel) => foreign.push(path),
            Ok(_) => report.written.push(rel.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => report.written.push(rel.clone()),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => foreign.push(path),
            Err(e) => return Err(io_err("reading", &path, &e)),
        }
    }
    if !foreign.is_empty() {
        let list: String = foreign.iter().map(|p| format!("\n  {}", p.display())).collect();
        return Err(CiError::Io(format!(
            "error: acmegen did not write these workflow files and will not overwrite them:{list}\n  = help: rename or move them (they are not listed in {}), then run acmegen ci again; nothing was written",
            dir.join(FILE_NAME).display()
        )));
    }
    report.removed = manifest
        .files()
        .filter(|f| !files.contains_key(*f) && (whole || belongs(f, names)))
        .cloned()
        .collect();
    let keep: BTreeSet<PathBuf> = manifest
        .files()
        .filter(|f| !report.removed.contains(f))
        .cloned()
        .chain(files.keys().cloned())
        .collect();
    // Claim every file this run may touch before touching any.
    let claim: BTreeSet<PathBuf> = keep.iter().chain(report.removed.iter()).cloned().collect();
    write_atomically(&dir.join(FILE_NAME), &Manifest::new(claim).render())?;
    for rel in &report.written {
        write_atomically(&dir.join(rel), &files[rel])?;
    }
    for rel in &report.removed {
        let path = dir.join(rel);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("removing", &path, &e)),
        }
    }
    write_atomically(&dir.join(FILE_NAME), &Manifest::new(keep).render())?;
    Ok(report)
}

fn write_atomically(path: &Path, text: &str) -> Result<(), CiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".acmegen-tmp-{}-{name}", std::process::id()));
    fs::write(&tmp, text)
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_err("writing", path, &e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> WorkflowSet {
        pairs.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect()
    }

    #[test]
    fn a_foreign_file_is_never_overwritten_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("acmegen-x-pr.yml"), "name: mine\n").unwrap();
        let files = set(&[("acmegen-x-pr.yml", "name: ours\n"), ("acmegen-x-apply.yml", "a\n")]);
        let e = write(dir.path(), &files, &["x".into()], false).unwrap_err();
        assert_eq!(e.exit_code(), 4);
        assert!(e.to_string().contains("acmegen-x-pr.yml"), "{e}");
        assert_eq!(
            fs::read_to_string(dir.path().join("acmegen-x-pr.yml")).unwrap(),
            "name: mine\n"
        );
        assert!(!dir.path().join("acmegen-x-apply.yml").exists());
        assert!(!dir.path().join(FILE_NAME).exists());
    }

    #[test]
    fn identical_files_are_taken_over_and_stale_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("acmegen-x-pr.yml"), "same\n").unwrap();
        fs::write(dir.path().join("ci.yml"), "the user's\n").unwrap();
        let files = set(&[("acmegen-x-pr.yml", "same\n"), ("acmegen-x-drift.yml", "d\n")]);
        let r = write(dir.path(), &files, &["x".into()], true).unwrap();
        assert_eq!(r.unchanged, vec![PathBuf::from("acmegen-x-pr.yml")]);
        assert_eq!(r.written, vec![PathBuf::from("acmegen-x-drift.yml")]);
        // The inventory loses a workflow: acmegen removes its own file only.
        let files = set(&[("acmegen-x-pr.yml", "same\n")]);
        let r = write(dir.path(), &files, &["x".into()], true).unwrap();
        assert_eq!(r.removed, vec![PathBuf::from("acmegen-x-drift.yml")]);
        assert!(!dir.path().join("acmegen-x-drift.yml").exists());
        assert_eq!(fs::read_to_string(dir.path().join("ci.yml")).unwrap(), "the user's\n");
        let m = Manifest::read(dir.path()).unwrap().unwrap();
        assert_eq!(m.files().collect::<Vec<_>>(), vec![&PathBuf::from("acmegen-x-pr.yml")]);
        assert!(drift(dir.path(), &files, &["x".into()], true).unwrap().is_clean());
    }

    #[test]
    fn no_workflows_and_no_manifest_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let wf = dir.path().join(".github/workflows");
        let r = write(&wf, &WorkflowSet::new(), &[], true).unwrap();
        assert!(r.written.is_empty() && r.removed.is_empty());
        assert!(!wf.exists(), "an empty workflows directory was created");
    }

    #[test]
    fn drift_reports_edits_missing_and_extra_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = set(&[("acmegen-x-pr.yml", "a\n"), ("acmegen-y-pr.yml", "b\n")]);
        write(dir.path(), &files, &[], true).unwrap();
        fs::write(dir.path().join("acmegen-x-pr.yml"), "edited\n").unwrap();
        let fresh = set(&[("acmegen-x-pr.yml", "a\n"), ("acmegen-x-apply.yml", "c\n")]);
        let d = drift(dir.path(), &fresh, &["x".into()], true).unwrap();
        assert_eq!(d.changed.len(), 1);
        assert!(d.changed[0].1.contains("-edited\n+a\n"), "{}", d.changed[0].1);
        assert_eq!(d.missing, vec![PathBuf::from("acmegen-x-apply.yml")]);
        assert_eq!(d.extra, vec![PathBuf::from("acmegen-y-pr.yml")]);
        // Checking one inventory leaves the other's files alone.
        let d = drift(dir.path(), &fresh, &["x".into()], false).unwrap();
        assert!(d.extra.is_empty());
    }
}
