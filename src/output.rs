//! Writing rendered files to disk all-or-nothing without ever deleting a
//! file acmegen did not write ([`write()`], over [`crate::transaction`]),
//! and comparing them with what is on disk (`acmegen check`, [`drift`]).

use crate::emit::FileSet;
use crate::lock::{self, LockError};
use crate::manifest;
use crate::transaction::{self, Failpoint, Leftover, Report};
use similar::TextDiff;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;
use walkdir::WalkDir;

/// Names acmegen itself uses directly under the output directory (the
/// shared modules and Helm charts): an inventory may not be named like one
/// of them.
pub const RESERVED_NAMES: &[&str] = &["modules", "charts"];

/// The top-level directories of `files` (`modules`, `<inventory>`).
fn tops(files: &FileSet) -> BTreeSet<PathBuf> {
    files
        .keys()
        .filter_map(|p| p.components().next())
        .map(|c| PathBuf::from(c.as_os_str()))
        .collect()
}

/// A top-level directory acmegen will not replace: it holds files acmegen did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnownedDir {
    /// The directory (`<out>/<top>`).
    pub dir: PathBuf,
    /// Its files acmegen did not write, relative to it (an empty path: the
    /// directory is itself a file or a symlink).
    pub files: Vec<PathBuf>,
    /// Whether it has a manifest (else it was not written by this acmegen).
    pub has_manifest: bool,
}

/// Why the output directory was not (fully) written.
#[derive(Debug)]
pub enum OutputError {
    /// Directories hold files acmegen did not write; nothing was changed.
    Unowned(Vec<UnownedDir>),
    /// A file system operation failed.
    Io {
        /// What acmegen was doing (`writing`, `replacing` …).
        action: String,
        /// The path it failed on.
        path: PathBuf,
        /// The error.
        source: io::Error,
        /// The state the output is left in, when it is worth saying.
        note: Option<String>,
    },
    /// Another acmegen kept the output directory locked.
    Lock(LockError),
    /// A test failpoint stopped the run like a kill would (test-only).
    Killed,
}

impl OutputError {
    /// The same error, saying what state the output is left in.
    pub fn with_note(self, text: &str) -> Self {
        match self {
            OutputError::Io {
                action, path, source, ..
            } => OutputError::Io {
                action,
                path,
                source,
                note: Some(text.to_string()),
            },
            other => other,
        }
    }
}

/// An [`OutputError::Io`] for `action` failing on `path`.
pub(crate) fn io_err(action: &str, path: &Path, source: io::Error) -> OutputError {
    OutputError::Io {
        action: action.to_string(),
        path: path.to_path_buf(),
        source,
        note: None,
    }
}

/// What to do about an I/O error of `kind` on `path`.
pub fn io_help(kind: io::ErrorKind, path: &Path) -> String {
    let p = path.display();
    match kind {
        io::ErrorKind::PermissionDenied => {
            format!("make {p} writable for this user (e.g. `chmod -R u+w {p}`), or pass another --out")
        }
        io::ErrorKind::ReadOnlyFilesystem => format!("{p} is on a read-only file system; pass a writable --out"),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => format!("free some disk space for {p}"),
        io::ErrorKind::NotADirectory | io::ErrorKind::AlreadyExists => {
            format!("a file is in the way at {p} (or above it): move it, or pass another --out")
        }
        io::ErrorKind::NotFound => format!("check that {p} exists"),
        io::ErrorKind::IsADirectory => format!("{p} is a directory; move it or pass another path"),
        _ => format!("check {p} and try again"),
    }
}

const MAX_LISTED: usize = 10;

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Unowned(dirs) => {
                for (i, d) in dirs.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    if d.files.iter().any(|p| p.as_os_str().is_empty()) {
                        writeln!(
                            f,
                            "error: {} is not a directory acmegen wrote (a file or a symbolic link)",
                            d.dir.display()
                        )?;
                    } else {
                        let why = if d.has_manifest {
                            "files acmegen did not write"
                        } else {
                            "files this render would not write (it has no .acmegen-manifest)"
                        };
                        writeln!(f, "error: {} holds {why}:", d.dir.display())?;
                        for file in d.files.iter().take(MAX_LISTED) {
                            writeln!(f, "  {}", d.dir.join(file).display())?;
                        }
                        if d.files.len() > MAX_LISTED {
                            writeln!(f, "  … and {} more", d.files.len() - MAX_LISTED)?;
                        }
                    }
                }
                write!(
                    f,
                    "  = help: move these out of the directories acmegen owns, or pass --force to replace them anyway (deletes them); nothing was changed"
                )
            }
            OutputError::Io {
                action,
                path,
                source,
                note,
            } => {
                writeln!(f, "error: {action} {}: {source}", path.display())?;
                write!(f, "  = help: {}", io_help(source.kind(), path))?;
                if let Some(note) = note {
                    write!(f, "\n  = note: {note}")?;
                }
                Ok(())
            }
            OutputError::Lock(e @ LockError::Busy { dir, .. }) => write!(
                f,
                "error: {e}\n  = help: wait for it to finish and run again (or pass --lock-timeout SECONDS to wait longer); if no acmegen runs, check `fuser {}`",
                dir.display()
            ),
            OutputError::Lock(e @ LockError::Io { dir, source }) => {
                write!(f, "error: {e}\n  = help: {}", io_help(source.kind(), dir))
            }
            OutputError::Killed => write!(f, "error: stopped by ACMEGEN_TEST_FAIL_AFTER (test-only)"),
        }
    }
}

impl std::error::Error for OutputError {}

/// How [`write()`] replaces the output.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Replace directories even when they hold files acmegen did not write (deleting them).
    pub force: bool,
    /// Remove top-level directories with a manifest that no inventory renders
    /// (set when every inventory is rendered).
    pub remove_orphans: bool,
    /// How long to wait for another acmegen writing the same directory.
    pub lock_timeout: Duration,
    /// Test-only: stop the run at a step (see [`Failpoint`]).
    pub failpoint: Option<Failpoint>,
    /// Swap with the atomic exchange where the platform has it (default);
    /// false forces the two-rename fallback, for tests.
    pub exchange: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            force: false,
            remove_orphans: false,
            lock_timeout: Duration::from_secs(60),
            failpoint: None,
            exchange: true,
        }
    }
}

/// Write `files` under `out`, replacing each top-level directory they
/// cover (and their manifests) as a whole and all-or-nothing (see
/// [`crate::transaction`]): never a half-written tree, never a deleted file
/// acmegen did not write, and files of removed assets disappear.
/// `on_wait` runs when another acmegen holds the directory's lock.
pub fn write(out: &Path, files: &FileSet, opts: &WriteOptions, on_wait: impl FnOnce()) -> Result<Report, OutputError> {
    write_owned(out, files.clone(), opts, on_wait)
}

/// [`write`], taking the files (kept for callers that have them all at once).
pub fn write_owned(
    out: &Path,
    files: FileSet,
    opts: &WriteOptions,
    on_wait: impl FnOnce(),
) -> Result<Report, OutputError> {
    let mut writer = Writer::begin(out, opts, on_wait)?;
    for (rel, text) in files {
        writer.put(&rel, &text)?;
    }
    writer.commit()
}

/// An output being replaced file by file: [`write`] for a caller that
/// makes its files one after another and should not hold them all (the
/// `render` of a large inventory). It holds the output directory's lock and
/// a [`transaction::Staging`] run; each [`Writer::put`] goes straight to the
/// staging directory. [`Writer::commit`] swaps the new trees in; dropped
/// without a commit, the writer removes what it staged (and the output
/// directory, when it made it and nothing else is in it): nothing changed.
pub struct Writer<'a> {
    out: &'a Path,
    staging: Option<transaction::Staging<'a>>,
    _lock: lock::DirLock,
    opts: WriteOptions,
    /// Whether `out` did not exist before the writer made it.
    made_out: bool,
    /// How many files were put.
    count: usize,
}

impl<'a> Writer<'a> {
    /// Lock `out` (made if missing; `on_wait` runs when another acmegen
    /// holds it), recover leftovers of dead runs, start staging.
    pub fn begin(out: &'a Path, opts: &WriteOptions, on_wait: impl FnOnce()) -> Result<Self, OutputError> {
        let made_out = match fs::metadata(out) {
            Ok(m) if !m.is_dir() => {
                return Err(OutputError::Io {
                    action: "writing into".into(),
                    path: out.to_path_buf(),
                    source: io::ErrorKind::NotADirectory.into(),
                    note: Some("nothing was changed".into()),
                })
            }
            Ok(_) => false,
            Err(_) => true,
        };
        fs::create_dir_all(out).map_err(|source| OutputError::Io {
            action: "creating".into(),
            path: out.to_path_buf(),
            source,
            note: None,
        })?;
        let lock = lock::lock(out, lock::Mode::Exclusive, opts.lock_timeout, on_wait).map_err(OutputError::Lock)?;
        let staging = match transaction::Staging::begin(out, opts.failpoint) {
            Ok(s) => s,
            Err(e) => {
                if made_out {
                    let _ = fs::remove_dir(out);
                }
                return Err(e);
            }
        };
        Ok(Writer {
            out,
            staging: Some(staging),
            _lock: lock,
            opts: opts.clone(),
            made_out,
            count: 0,
        })
    }

    /// Stage `text` as the file `rel` of the output (its first component
    /// names the top-level directory it replaces).
    pub fn put(&mut self, rel: &Path, text: &str) -> Result<(), OutputError> {
        let mut parts = rel.components();
        let top = parts.next().map(|c| c.as_os_str().to_string_lossy().into_owned());
        let inner = parts.as_path();
        let (Some(top), false) = (top, inner.as_os_str().is_empty()) else {
            return Err(OutputError::Io {
                action: "writing".into(),
                path: self.out.join(rel),
                source: io::Error::other("acmegen writes files only inside top-level directories"),
                note: None,
            });
        };
        self.staging
            .as_mut()
            .expect("staging until commit")
            .put(&top, inner, text)?;
        self.count += 1;
        Ok(())
    }

    /// Stage every file of `files` ([`Writer::put`]).
    pub fn put_all(&mut self, files: &FileSet) -> Result<(), OutputError> {
        files.iter().try_for_each(|(rel, text)| self.put(rel, text))
    }

    /// The top-level directories staged so far.
    pub fn tops(&self) -> impl Iterator<Item = &str> {
        self.staging.iter().flat_map(|s| s.tops())
    }

    /// How many files were put so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Swap the staged trees in; with `remove_orphans`, trees with a
    /// manifest that nothing staged go (acmegen wrote them and no inventory
    /// renders them any more).
    pub fn commit(mut self) -> Result<Report, OutputError> {
        let staging = self.staging.take().expect("staging until commit");
        let orphans: Vec<String> = if self.opts.remove_orphans {
            let covered: BTreeSet<PathBuf> = staging.tops().map(PathBuf::from).collect();
            orphans_of(self.out, &covered)
                .into_iter()
                .filter(|o| o.has_manifest)
                .map(|o| o.name)
                .collect()
        } else {
            Vec::new()
        };
        let how = transaction::Options {
            force: self.opts.force,
            failpoint: self.opts.failpoint,
            exchange: self.opts.exchange,
        };
        let result = staging.commit(&orphans, how);
        if result.is_err() && self.made_out {
            // Nothing was swapped in, or the error says what is left:
            // an output directory this writer made goes when it is empty.
            let _ = fs::remove_dir(self.out);
        }
        result
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            drop(staging);
            if self.made_out {
                let _ = fs::remove_dir(self.out);
            }
        }
    }
}

/// A top-level directory of the output that no inventory being rendered writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// Its name (`acme-flask`).
    pub name: String,
    /// Whether acmegen wrote it (it has a manifest), so `render` may remove it.
    pub has_manifest: bool,
}

/// Top-level directories of `out` (not hidden) that `files` do not cover
/// and that hold something besides the user's local files: a manifest, or
/// files acmegen or somebody else wrote.
pub fn orphans(out: &Path, files: &FileSet) -> Vec<Orphan> {
    orphans_of(out, &tops(files))
}

/// [`orphans`], for the top-level directories `covered`.
pub fn orphans_of(out: &Path, covered: &BTreeSet<PathBuf>) -> Vec<Orphan> {
    let Ok(dir) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<Orphan> = dir
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && !covered.contains(Path::new(n)))
        .map(|name| Orphan {
            has_manifest: out.join(&name).join(manifest::FILE_NAME).is_file(),
            name,
        })
        .filter(|o| o.has_manifest || listed_files(&out.join(&o.name), out).map_or(true, |f| !f.is_empty()))
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// Whether a file under generated/ belongs to the user, not to acmegen:
/// `terraform init` state (`.terraform/`, `.terraform.lock.hcl`), local
/// state (`*.tfstate*`, `terraform.tfstate.d/`, of the bootstrap root),
/// variable files (`*.tfvars`, `*.tfvars.json`, e.g. from `acmegen failover
/// --apply-vars`) and any other hidden file. acmegen's own bookkeeping
/// (`.acmegen-*`) is not the user's.
pub fn is_user_local(rel: &Path) -> bool {
    if manifest::is_internal(rel) {
        return false;
    }
    let names: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let hidden = names.iter().any(|n| n.starts_with('.'));
    let state = names.iter().any(|n| n.contains(".tfstate"));
    let name = names.last().map(String::as_str).unwrap_or_default();
    hidden || state || name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
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
    /// Top-level directories no inventory renders (whole-tree checks only),
    /// holding files that are not the user's local ones.
    pub orphans: Vec<Orphan>,
    /// Leftovers of interrupted renders.
    pub leftovers: Vec<Leftover>,
}

impl Drift {
    /// True when disk matches the rendering exactly.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.orphans.is_empty()
            && self.leftovers.is_empty()
    }
}

fn walk_error(e: walkdir::Error, root: &Path) -> OutputError {
    let path = e.path().unwrap_or(root).to_path_buf();
    OutputError::Io {
        action: "reading".into(),
        path,
        source: e
            .into_io_error()
            .unwrap_or_else(|| io::Error::other("file system loop")),
        note: None,
    }
}

/// Files under `dir` (relative to `base`) that are neither user-local nor acmegen's bookkeeping.
fn listed_files(dir: &Path, base: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let mut found = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| walk_error(e, dir))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(base).expect("under base").to_path_buf();
        if !is_user_local(&rel) && !manifest::is_internal(&rel) {
            found.push(rel);
        }
    }
    Ok(found)
}

/// Compare `files` (and their manifests) with the tree under `out`. Only
/// the top-level directories `files` cover are compared; with
/// `whole_tree`, other top-level directories are orphans and other
/// top-level files extra. Leftovers of interrupted renders are reported too.
pub fn drift(out: &Path, files: &FileSet, whole_tree: bool) -> Result<Drift, OutputError> {
    let files = manifest::with_manifests(files);
    let mut d = Drift::default();
    for (rel, want) in &files {
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
    for top in tops(&files) {
        let root = out.join(&top);
        if fs::symlink_metadata(&root).is_err() {
            continue;
        }
        for rel in listed_files(&root, out)? {
            if !files.contains_key(&rel) {
                d.extra.push(rel);
            }
        }
    }
    if whole_tree {
        d.orphans = orphans(out, &files);
        let entries = fs::read_dir(out).map_err(|source| OutputError::Io {
            action: "reading".into(),
            path: out.to_path_buf(),
            source,
            note: None,
        })?;
        let mut loose: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .map(|e| PathBuf::from(e.file_name()))
            .filter(|rel| !is_user_local(rel) && !manifest::is_internal(rel))
            .collect();
        loose.sort();
        d.extra.extend(loose);
    }
    d.leftovers = transaction::leftovers(out);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn a_writer_dropped_before_its_commit_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("generated");
        // The output directory it made goes again.
        let mut w = Writer::begin(&out, &WriteOptions::default(), || {}).unwrap();
        w.put(Path::new("inv/primary/main.tf"), "a\n").unwrap();
        drop(w);
        assert!(!out.exists(), "{:?}", listing(tmp.path()));
        // A live tree stays as it was, and nothing is left of the staging.
        let mut first = FileSet::new();
        first.insert(PathBuf::from("inv/primary/main.tf"), "old\n".into());
        write(&out, &first, &WriteOptions::default(), || {}).unwrap();
        let before = listing(&out);
        let mut w = Writer::begin(&out, &WriteOptions::default(), || {}).unwrap();
        w.put(Path::new("inv/primary/main.tf"), "new\n").unwrap();
        w.put(Path::new("other/x.tf"), "x\n").unwrap();
        assert_eq!(fs::read_to_string(out.join("inv/primary/main.tf")).unwrap(), "old\n");
        drop(w);
        assert_eq!(listing(&out), before);
        assert_eq!(fs::read_to_string(out.join("inv/primary/main.tf")).unwrap(), "old\n");
    }

    /// Review finding (stop 23): a staged file named like a user's local
    /// file (`*.tfvars`, hidden) that the live tree lacks was moved into the
    /// live tree when a run was dropped, as discarding keeps such files of
    /// the user's; the staged tree's manifest now lists each file before it
    /// is written, so it is known to be acmegen's and goes.
    #[test]
    fn a_dropped_writer_never_moves_a_staged_file_into_the_live_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("generated");
        let mut first = FileSet::new();
        first.insert(PathBuf::from("inv/primary/main.tf"), "old\n".into());
        write(&out, &first, &WriteOptions::default(), || {}).unwrap();
        let before = listing(&out);
        let mut w = Writer::begin(&out, &WriteOptions::default(), || {}).unwrap();
        w.put(Path::new("inv/primary/main.tf"), "new\n").unwrap();
        w.put(Path::new("inv/primary/generated.auto.tfvars"), "x = 1\n")
            .unwrap();
        w.put(Path::new("inv/.hidden"), "h\n").unwrap();
        drop(w);
        assert_eq!(listing(&out), before);
    }

    /// Review finding (stop 23): a commit that failed (here at an injected
    /// step, like an I/O error) left behind the output directory the writer
    /// had made.
    #[test]
    fn a_failed_commit_leaves_no_output_directory_it_made() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("generated");
        let opts = WriteOptions {
            failpoint: Some(crate::transaction::Failpoint { after: 0, kill: false }),
            ..WriteOptions::default()
        };
        let mut w = Writer::begin(&out, &opts, || {}).unwrap();
        w.put(Path::new("inv/primary/main.tf"), "a\n").unwrap();
        assert!(w.commit().is_err());
        assert!(!out.exists(), "{:?}", listing(tmp.path()));
    }

    #[test]
    fn a_writer_swaps_in_what_it_was_given_file_by_file_with_manifests() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("generated");
        let mut w = Writer::begin(&out, &WriteOptions::default(), || {}).unwrap();
        w.put(Path::new("inv/primary/main.tf"), "a\n").unwrap();
        w.put(Path::new("inv/RUNBOOK.md"), "r\n").unwrap();
        w.put(Path::new("modules/vm/main.tf"), "m\n").unwrap();
        assert_eq!(w.count(), 3);
        // A file outside every top-level directory is refused, not written.
        assert!(w.put(Path::new("loose.tf"), "x\n").is_err());
        w.commit().unwrap();
        assert_eq!(
            listing(&out),
            [
                "inv",
                "inv/.acmegen-manifest",
                "inv/RUNBOOK.md",
                "inv/primary",
                "inv/primary/main.tf",
                "modules",
                "modules/.acmegen-manifest",
                "modules/vm",
                "modules/vm/main.tf"
            ]
        );
        let manifest = crate::manifest::Manifest::read(&out.join("inv")).unwrap().unwrap();
        assert!(manifest.contains(Path::new("primary/main.tf")) && manifest.contains(Path::new("RUNBOOK.md")));
        // The same files through `write` give the same tree, byte for byte.
        let again = tmp.path().join("again");
        let mut files = FileSet::new();
        files.insert(PathBuf::from("inv/primary/main.tf"), "a\n".into());
        files.insert(PathBuf::from("inv/RUNBOOK.md"), "r\n".into());
        files.insert(PathBuf::from("modules/vm/main.tf"), "m\n".into());
        write(&again, &files, &WriteOptions::default(), || {}).unwrap();
        for rel in listing(&out).iter().filter(|r| out.join(r).is_file()) {
            assert_eq!(
                fs::read(out.join(rel)).unwrap(),
                fs::read(again.join(rel)).unwrap(),
                "{rel}"
            );
        }
    }
}
