//! Writing rendered files to disk atomically, and comparing them with what
//! is on disk (`acmegen check`).

use crate::emit::FileSet;
use anyhow::{bail, Context, Result};
use similar::TextDiff;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Names acmegen itself uses directly under the output directory: an
/// inventory may not be named like one of them.
pub const RESERVED_NAMES: &[&str] = &["modules"];

/// The top-level directories of `files` (`modules`, `<inventory>`).
fn tops(files: &FileSet) -> BTreeSet<PathBuf> {
    files
        .keys()
        .filter_map(|p| p.components().next())
        .map(|c| PathBuf::from(c.as_os_str()))
        .collect()
}

/// Write `files` under `out`, replacing each top-level directory they cover
/// as a whole: everything is first written to a staging directory next to
/// it, then swapped in with renames, so a failure never leaves a
/// half-written tree, and files of removed assets disappear.
pub fn write_atomic(out: &Path, files: &FileSet) -> Result<()> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let staging = out.join(format!(".acmegen-staging-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let result = (|| -> Result<()> {
        for (rel, text) in files {
            let path = staging.join(rel);
            fs::create_dir_all(path.parent().expect("file has a parent"))?;
            fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        }
        for top in tops(files) {
            let target = out.join(&top);
            let old = out.join(format!(".acmegen-old-{}-{}", std::process::id(), top.display()));
            if target.exists() {
                fs::rename(&target, &old).with_context(|| format!("moving {} aside", target.display()))?;
            }
            if let Err(e) = fs::rename(staging.join(&top), &target) {
                if old.exists() {
                    fs::rename(&old, &target)?;
                }
                bail!("swapping in {}: {e}", target.display());
            }
            if old.exists() {
                carry_over_local_files(&old, &target)?;
                fs::remove_dir_all(&old)?;
            }
        }
        Ok(())
    })();
    if staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Whether a file under generated/ belongs to the user, not to acmegen:
/// `terraform init` state (`.terraform/`, `.terraform.lock.hcl`), local state
/// (`*.tfstate`, of the bootstrap root) and variable files (`*.tfvars`, e.g.
/// from `acmegen failover --apply-vars`).
pub fn is_user_local(rel: &Path) -> bool {
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let state = name.ends_with(".tfstate") || name.ends_with(".tfstate.backup");
    hidden || state || name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Move user-local files from the replaced tree `old` into the new `target`.
fn carry_over_local_files(old: &Path, target: &Path) -> Result<()> {
    let mut it = WalkDir::new(old).min_depth(1).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = entry?;
        let rel = entry.path().strip_prefix(old).expect("under old");
        if !is_user_local(rel) {
            continue;
        }
        let dest = target.join(rel);
        if dest.exists() {
            continue;
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(entry.path(), &dest).with_context(|| format!("keeping {}", dest.display()))?;
        if entry.file_type().is_dir() {
            it.skip_current_dir();
        }
    }
    Ok(())
}

/// How `out` differs from `files`.
#[derive(Debug, Default)]
pub struct Drift {
    /// Unified diffs of files whose content differs.
    pub changed: Vec<(PathBuf, String)>,
    /// Files acmegen would write that are not on disk.
    pub missing: Vec<PathBuf>,
    /// Files on disk, under directories acmegen owns, that it would not write.
    pub extra: Vec<PathBuf>,
}

impl Drift {
    /// True when disk matches the rendering exactly.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compare `files` with the tree under `out`. `owned_tops` are the
/// top-level directories whose every file must come from acmegen; with
/// `whole_tree`, any other top-level entry of `out` counts as extra.
pub fn drift(out: &Path, files: &FileSet, whole_tree: bool) -> Result<Drift> {
    let mut d = Drift::default();
    for (rel, want) in files {
        let path = out.join(rel);
        match fs::read_to_string(&path) {
            Ok(have) if have == *want => {}
            Ok(have) => {
                let a = format!("a/{}", rel.display());
                let b = format!("b/{}", rel.display());
                let diff = TextDiff::from_lines(&have, want)
                    .unified_diff()
                    .context_radius(3)
                    .header(&a, &b)
                    .to_string();
                d.changed.push((rel.clone(), diff));
            }
            Err(_) => d.missing.push(rel.clone()),
        }
    }
    let roots: Vec<PathBuf> = if whole_tree {
        vec![out.to_path_buf()]
    } else {
        tops(files).into_iter().map(|t| out.join(t)).collect()
    };
    for root in roots.iter().filter(|r| r.exists()) {
        for entry in WalkDir::new(root).sort_by_file_name() {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(out).expect("under out").to_path_buf();
            if !files.contains_key(&rel) && !is_user_local(&rel) {
                d.extra.push(rel);
            }
        }
    }
    Ok(d)
}
