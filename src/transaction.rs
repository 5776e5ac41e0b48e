//! Replacing top-level directories of an output tree all-or-nothing, and
//! recovering from a run that was killed half-way.
//!
//! A run, under the output directory's exclusive lock ([`crate::lock`]):
//!
//! 1. **recover** leftovers of dead runs (below);
//! 2. **stage** each new tree in `<out>/.acmegen-staging-<pid>/<top>`, file
//!    by file as the caller makes them ([`Staging::put`]), its manifest
//!    listing each file before it is written;
//! 3. **check** every directory it will replace: it may hold only files
//!    acmegen wrote (its [`crate::manifest::Manifest`], or the very bytes
//!    staged) and the user's local files ([`crate::output::is_user_local`]),
//!    and every directory in it must be writable; otherwise discard the
//!    staged trees and stop before any live file changes; then hard-link
//!    the user's local files of each live tree into its staged one (so both
//!    the old and the new tree are complete at every instant);
//! 4. write the **journal** `<staging>/.journal`: each staged tree's
//!    identity (device and inode);
//! 5. **swap** each tree in with one atomic `renameat2(RENAME_EXCHANGE)`
//!    (Linux; elsewhere, or where the file system refuses, two renames
//!    with the old tree parked in `<staging>/.old-<top>`); on any error,
//!    swap the done ones back;
//! 6. mark the journal **committed**;
//! 7. **discard** each old tree (now in the staging directory), deleting
//!    only what acmegen may delete, and remove the staging directory.
//!
//! Recovery of a dead run's staging directory (its PID is not running):
//! without a journal nothing was swapped and the staging trees go; with
//! an uncommitted journal every swapped tree is swapped back (the whole
//! output is as before the run); with a committed one the old trees are
//! discarded (the whole output is as after the run). A tree is "swapped"
//! when the live directory has the identity the journal recorded.
//!
//! Discarding never deletes a file acmegen did not write: user-local files
//! missing from the live tree are moved into it, and anything neither
//! listed in a manifest nor identical to the live copy is kept and
//! reported.

use crate::emit::FileSet;
use crate::output::{io_err, OutputError};
use crate::ownership::{
    check_writable, check_writable_tree, discard, link_user_local, unowned, unowned_against, Policy,
};
use crate::sys::{alive, exchange, exists, ident, Ident};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Name prefix of a run's staging directory (`.acmegen-staging-<pid>`).
pub const STAGING_PREFIX: &str = ".acmegen-staging-";
/// Name prefix of an old tree parked by acmegen before manifests (`.acmegen-old-<pid>-<top>`).
pub const LEGACY_OLD_PREFIX: &str = ".acmegen-old-";
const JOURNAL: &str = ".journal";
const JOURNAL_HEADER: &str = "acmegen journal 1";
const PARKED_PREFIX: &str = ".old-";

/// A step boundary at which a test stops a run (test-only: see
/// `ACMEGEN_TEST_FAIL_AFTER` in the binary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failpoint {
    /// Stop after this many steps (0 stops before the first).
    pub after: usize,
    /// Stop like a kill (return [`OutputError::Killed`] and touch nothing
    /// more) instead of failing like an I/O error (which rolls back).
    pub kill: bool,
}

/// What a run (or a recovery) did besides the swap, for the user to read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// What recovery of interrupted runs did, one line each.
    pub recovered: Vec<String>,
    /// Directories left in place because they hold files acmegen may not
    /// delete, with those files (relative to the directory).
    pub kept: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Top-level directories whose files were removed because no inventory
    /// renders them, with the user-local files left in them (relative to
    /// the directory; the directory is gone when there are none).
    pub removed: Vec<(PathBuf, Vec<PathBuf>)>,
}

/// How a tree was swapped in, to undo it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Swap {
    /// Atomically exchanged: the old tree is at `<staging>/<top>`.
    Exchanged,
    /// Two renames: the old tree is at `<staging>/.old-<top>`.
    Parked,
    /// There was no old tree.
    Fresh,
}

/// Whether the staged tree `top` (identity `id`) is live.
#[cfg(unix)]
fn is_swapped(run: &Run<'_>, top: &str, id: Ident) -> bool {
    ident(&run.live(top)) == Some(id)
}

/// Whether the staged tree `top` is live. Without inodes only the
/// two-rename swap is used, and a staged tree is live once it left the
/// staging directory.
#[cfg(not(unix))]
fn is_swapped(run: &Run<'_>, top: &str, _id: Ident) -> bool {
    !exists(&run.staged(top)) && exists(&run.live(top))
}

/// The journal of a run: each staged tree's identity, and whether the run committed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Journal {
    tops: Vec<(String, Ident)>,
    committed: bool,
}

impl Journal {
    fn render(&self) -> String {
        let mut out = format!("{JOURNAL_HEADER}\n");
        for (top, (dev, ino)) in &self.tops {
            out.push_str(&format!("top {top} {dev}:{ino}\n"));
        }
        if self.committed {
            out.push_str("commit\n");
        }
        out
    }

    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != JOURNAL_HEADER {
            return None;
        }
        let mut j = Journal::default();
        for line in lines {
            if line == "commit" {
                j.committed = true;
                continue;
            }
            let mut parts = line.split(' ');
            let (Some("top"), Some(top), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
                return None;
            };
            let (dev, ino) = id.split_once(':')?;
            j.tops.push((top.to_string(), (dev.parse().ok()?, ino.parse().ok()?)));
        }
        Some(j)
    }

    /// Write atomically (temporary file, fsync, rename) so a kill leaves the old or the new journal.
    fn write(&self, staging: &Path) -> Result<(), OutputError> {
        let tmp = staging.join(".journal.tmp");
        let path = staging.join(JOURNAL);
        (|| -> io::Result<()> {
            use std::io::Write;
            let mut f = fs::File::create(&tmp)?;
            f.write_all(self.render().as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        })()
        .map_err(|e| io_err("writing", &path, e))
    }
}

/// One run over an output directory: stage, swap, commit, finish.
struct Run<'a> {
    out: &'a Path,
    staging: PathBuf,
    fail: Option<Failpoint>,
    steps: usize,
    report: Report,
}

impl Run<'_> {
    /// A step boundary: where a test may stop the run.
    fn step(&mut self, what: &str) -> Result<(), OutputError> {
        let Some(f) = self.fail else { return Ok(()) };
        let n = self.steps;
        self.steps += 1;
        if n < f.after {
            return Ok(());
        }
        if f.kill {
            return Err(OutputError::Killed);
        }
        Err(io_err(
            what,
            self.out,
            io::Error::other(format!("injected failure at step {n} (ACMEGEN_TEST_FAIL_AFTER)")),
        ))
    }

    fn live(&self, top: &str) -> PathBuf {
        self.out.join(top)
    }

    fn staged(&self, top: &str) -> PathBuf {
        self.staging.join(top)
    }

    fn parked(&self, top: &str) -> PathBuf {
        self.staging.join(format!("{PARKED_PREFIX}{top}"))
    }

    /// Move the staged tree `top` into place; the old one goes to the staging directory.
    fn swap_in(&self, top: &str, exchange_ok: &mut bool) -> Result<Swap, OutputError> {
        let (live, staged) = (self.live(top), self.staged(top));
        if !exists(&live) {
            fs::rename(&staged, &live).map_err(|e| io_err("moving in", &live, e))?;
            return Ok(Swap::Fresh);
        }
        if *exchange_ok {
            match exchange(&staged, &live) {
                Ok(()) => return Ok(Swap::Exchanged),
                Err(e) if e.kind() == io::ErrorKind::Unsupported => *exchange_ok = false,
                Err(e) => return Err(io_err("swapping in", &live, e)),
            }
        }
        let parked = self.parked(top);
        fs::rename(&live, &parked).map_err(|e| io_err("moving aside", &live, e))?;
        if let Err(e) = fs::rename(&staged, &live) {
            let _ = fs::rename(&parked, &live);
            return Err(io_err("moving in", &live, e));
        }
        Ok(Swap::Parked)
    }

    /// Undo [`Run::swap_in`]: the old tree is live again, the new one staged.
    fn swap_back(&self, top: &str, how: Swap) -> io::Result<()> {
        let (live, staged) = (self.live(top), self.staged(top));
        match how {
            Swap::Exchanged => exchange(&staged, &live),
            Swap::Parked => {
                fs::rename(&live, &staged)?;
                fs::rename(self.parked(top), &live)
            }
            Swap::Fresh => fs::rename(&live, &staged),
        }
    }

    /// The old tree of `top` after a swap, if any.
    fn old_tree(&self, top: &str, new_id: Ident) -> Option<PathBuf> {
        let parked = self.parked(top);
        if exists(&parked) {
            return Some(parked);
        }
        let staged = self.staged(top);
        ident(&staged).filter(|i| *i != new_id).map(|_| staged)
    }

    /// Discard `victim` against the live `top`, noting what had to be kept.
    fn discard(&mut self, victim: &Path, top: &str, policy: Policy) -> Result<(), OutputError> {
        let kept = discard(victim, &self.live(top), policy)?;
        if !kept.is_empty() {
            self.report.kept.push((victim.to_path_buf(), kept));
        }
        Ok(())
    }

    /// Remove the live `top` when nothing is left in it (a removed inventory's tree).
    fn prune_empty(&mut self, top: &str) {
        let live = self.live(top);
        if fs::read_dir(&live).is_ok_and(|mut d| d.next().is_none()) {
            let _ = fs::remove_dir(&live);
        }
    }

    /// Note that the tree of `top` (rendered by no inventory) was removed,
    /// with the user-local files that stay.
    fn note_removed(&mut self, top: &str) {
        let live = self.live(top);
        let left: Vec<PathBuf> = WalkDir::new(&live)
            .min_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_type().is_dir())
            .filter_map(|e| e.path().strip_prefix(&live).ok().map(Path::to_path_buf))
            .collect();
        self.report.removed.push((live, left));
    }

    /// Remove the staging directory when all that is left is the journal.
    fn close(&mut self) -> Result<(), OutputError> {
        let left: Vec<PathBuf> = match fs::read_dir(&self.staging) {
            Ok(d) => d
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.file_name().is_none_or(|n| n != JOURNAL && n != ".journal.tmp"))
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_err("reading", &self.staging, e)),
        };
        if !left.is_empty() {
            return Ok(()); // kept files were reported; recovery retries next time
        }
        for f in [JOURNAL, ".journal.tmp"] {
            let _ = fs::remove_file(self.staging.join(f));
        }
        fs::remove_dir(&self.staging).map_err(|e| io_err("removing", &self.staging, e))
    }
}

/// How [`apply`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Replace directories holding files acmegen did not write (deleting them).
    pub force: bool,
    /// Test-only: stop at a step.
    pub failpoint: Option<Failpoint>,
    /// Swap with the atomic exchange where the platform has it; false
    /// forces the two-rename fallback (for tests on platforms that have it).
    pub exchange: bool,
}

/// Replace the top-level directories `new` (name → files relative to it)
/// and remove `remove` (trees no inventory renders), all-or-nothing: a
/// [`Staging`] run given every file at once. The caller holds the output
/// directory's lock.
pub fn apply(
    out: &Path,
    new: &BTreeMap<String, FileSet>,
    remove: &[String],
    opts: Options,
) -> Result<Report, OutputError> {
    let mut staging = Staging::begin(out, opts.failpoint)?;
    for (top, files) in new {
        staging.open_top(top)?;
        for (rel, text) in files {
            staging.put(top, rel, text)?;
        }
    }
    staging.commit(remove, opts)
}

/// A run whose new trees are being written into its staging directory
/// file by file, as the caller makes them (step 2), so that no caller has
/// to hold a whole output in memory. [`Staging::commit`] checks, swaps and
/// finishes (steps 3–7); dropped without a commit, the run removes
/// what it staged and nothing was changed. The caller holds the output
/// directory's lock from [`Staging::begin`] until the run is over.
pub struct Staging<'a> {
    run: Run<'a>,
    /// Files staged under each top-level name, relative to it: what each
    /// new tree's manifest lists.
    staged: BTreeMap<String, Vec<PathBuf>>,
    /// Trees no inventory renders, staged empty to replace them.
    emptied: Vec<String>,
    /// Whether dropping the run must remove the staged trees (not once a
    /// commit has started: it cleans up, or recovery finishes, after it).
    pending: bool,
}

impl<'a> Staging<'a> {
    /// Step 1 (recover leftovers of dead runs), then a staging directory.
    pub fn begin(out: &'a Path, fail: Option<Failpoint>) -> Result<Self, OutputError> {
        let report = recover(out)?;
        check_writable(out)?;
        let staging = out.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        // A staging directory that still exists holds files recovery had
        // to keep: it is not this run's to clean.
        fs::create_dir(&staging).map_err(|e| io_err("creating", &staging, e).with_note("nothing was changed"))?;
        Ok(Staging {
            run: Run {
                out,
                staging,
                fail,
                steps: 0,
                report,
            },
            staged: BTreeMap::new(),
            emptied: Vec::new(),
            pending: true,
        })
    }

    /// Start the new tree `top` (a top-level directory name), if not started.
    pub fn open_top(&mut self, top: &str) -> Result<(), OutputError> {
        if self.staged.contains_key(top) {
            return Ok(());
        }
        let dir = self.run.staged(top);
        fs::create_dir(&dir).map_err(|e| io_err("creating", &dir, e))?;
        self.staged.insert(top.to_string(), Vec::new());
        // The manifest grows with the tree (each file is listed before it is
        // written): a run dropped or killed half-way leaves a staged tree
        // whose every file is known to be acmegen's, so discarding it never
        // mistakes one named like a user's file for the user's.
        let manifest = dir.join(crate::manifest::FILE_NAME);
        fs::write(&manifest, crate::manifest::Manifest::header()).map_err(|e| io_err("writing", &manifest, e))?;
        Ok(())
    }

    /// Write `text` to `rel` (relative to the new tree `top`).
    pub fn put(&mut self, top: &str, rel: &Path, text: &str) -> Result<(), OutputError> {
        use std::io::Write;
        self.open_top(top)?;
        let manifest = self.run.staged(top).join(crate::manifest::FILE_NAME);
        fs::OpenOptions::new()
            .append(true)
            .open(&manifest)
            .and_then(|mut f| f.write_all(crate::manifest::Manifest::line(rel).as_bytes()))
            .map_err(|e| io_err("writing", &manifest, e))?;
        let path = self.run.staged(top).join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io_err("creating", parent, e))?;
        }
        fs::write(&path, text).map_err(|e| io_err("writing", &path, e))?;
        self.staged.entry(top.to_string()).or_default().push(rel.to_path_buf());
        Ok(())
    }

    /// The top-level names staged so far.
    pub fn tops(&self) -> impl Iterator<Item = &str> {
        self.staged.keys().map(String::as_str)
    }

    /// Remove every staged tree and the staging directory (nothing was changed).
    fn abandon(&mut self) {
        self.pending = false;
        for top in self.staged.keys().chain(&self.emptied) {
            let _ = discard(
                &self.run.staged(top),
                &self.run.live(top),
                Policy {
                    owned_all: true,
                    force: false,
                },
            );
        }
        let _ = self.run.close();
    }

    /// Steps 3–7: each new tree gets its final manifest; every directory to
    /// replace, and every tree in `remove` (no inventory renders it), is
    /// checked for files acmegen did not write (refused unless `force`;
    /// a removed tree holding such files is kept and reported) and for
    /// writability; then the trees are swapped in and the old ones discarded.
    pub fn commit(mut self, remove: &[String], opts: Options) -> Result<Report, OutputError> {
        match self.check_and_finish_staging(remove, opts.force) {
            Ok(ids) => {
                self.pending = false;
                swap_and_finish(&mut self.run, ids, &self.staged, opts)
            }
            Err(OutputError::Killed) => {
                self.pending = false;
                Err(OutputError::Killed)
            }
            Err(e) => {
                self.abandon();
                Err(e.with_note("nothing was changed"))
            }
        }
    }

    /// Manifests, the checks of step 3, the user's local files linked in
    /// and the access rights kept: the staged trees' identities, once the
    /// last staging step passed.
    fn check_and_finish_staging(
        &mut self,
        remove: &[String],
        force: bool,
    ) -> Result<Vec<(String, Ident)>, OutputError> {
        for (top, list) in &self.staged {
            let path = self.run.staged(top).join(crate::manifest::FILE_NAME);
            let text = crate::manifest::Manifest::new(list.iter().cloned()).render();
            fs::write(&path, text).map_err(|e| io_err("writing", &path, e))?;
        }
        let mut tops: Vec<(String, bool)> = self.staged.keys().map(|t| (t.clone(), true)).collect();
        for top in remove.iter().filter(|t| !self.staged.contains_key(*t)) {
            let live = self.run.live(top);
            let (files, _) = unowned(&live, None)?;
            if files.is_empty() || force {
                tops.push((top.clone(), false));
            } else {
                self.run.report.kept.push((live, files));
            }
        }
        let mut refused = Vec::new();
        for (top, new) in &tops {
            let live = self.run.live(top);
            let staged = self.run.staged(top);
            let (files, has_manifest) = unowned_against(&live, new.then_some(staged.as_path()))?;
            if !files.is_empty() && !force {
                refused.push(crate::output::UnownedDir {
                    dir: live,
                    files,
                    has_manifest,
                });
            }
        }
        if !refused.is_empty() {
            return Err(OutputError::Unowned(refused));
        }
        for (top, _) in &tops {
            let live = self.run.live(top);
            if fs::symlink_metadata(&live).is_ok_and(|m| m.is_dir()) {
                check_writable_tree(&live)?;
            }
        }
        let mut ids = Vec::new();
        for (top, _) in &tops {
            let dir = self.run.staged(top);
            if !self.staged.contains_key(top) {
                // A removed tree is replaced by an empty one (plus the user's local files).
                fs::create_dir(&dir).map_err(|e| io_err("creating", &dir, e))?;
                self.emptied.push(top.clone());
            }
            link_user_local(&self.run.live(top), &dir)?;
            // The new tree keeps the access rights the user gave the old one.
            if let Ok(m) = fs::metadata(self.run.live(top)) {
                if m.is_dir() {
                    fs::set_permissions(&dir, m.permissions())
                        .map_err(|e| io_err("setting permissions of", &dir, e))?;
                }
            }
            let id = ident(&dir).ok_or_else(|| io_err("reading", &dir, io::ErrorKind::NotFound.into()))?;
            ids.push((top.clone(), id));
        }
        self.run.step("staging")?;
        Ok(ids)
    }
}

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        if self.pending {
            self.abandon();
        }
    }
}

/// Steps 4–7 of a run whose trees `ids` are staged: journal, swap (undone
/// on error), commit, discard the old trees. `staged` says which trees are
/// new (the others replace trees no inventory renders).
fn swap_and_finish(
    run: &mut Run<'_>,
    ids: Vec<(String, Ident)>,
    staged: &BTreeMap<String, Vec<PathBuf>>,
    opts: Options,
) -> Result<Report, OutputError> {
    let Options {
        force,
        failpoint: _,
        exchange,
    } = opts;
    // 4. Journal, 5. swap, 6. commit (the journal says so).
    let mut done: Vec<(String, Swap)> = Vec::new();
    let mut exchange_ok = exchange;
    let swapped = (|| -> Result<(), OutputError> {
        let mut journal = Journal {
            tops: ids.clone(),
            committed: false,
        };
        journal.write(&run.staging)?;
        run.step("journal")?;
        for (top, _) in &ids {
            let how = run.swap_in(top, &mut exchange_ok)?;
            done.push((top.clone(), how));
            run.step("swap")?;
        }
        journal.committed = true;
        journal.write(&run.staging)
    })();
    match swapped {
        Ok(()) => {}
        Err(OutputError::Killed) => return Err(OutputError::Killed),
        Err(e) => {
            let mut undone = true;
            for (top, how) in done.iter().rev() {
                undone &= run.swap_back(top, *how).is_ok();
            }
            // A two-rename swap that failed half-way put its old tree back itself, or tried to.
            undone &= ids
                .iter()
                .all(|(top, _)| exists(&run.live(top)) || !exists(&run.parked(top)));
            if !undone {
                return Err(e.with_note(
                    "some directories could not be swapped back; run `acmegen render` again to restore or finish them",
                ));
            }
            for (top, _) in &ids {
                let staged = run.staged(top);
                let _ = run.discard(
                    &staged,
                    top,
                    Policy {
                        owned_all: false,
                        force: false,
                    },
                );
            }
            let _ = run.close();
            return Err(e.with_note("nothing was changed"));
        }
    }

    // 7. Finish.
    let finished = (|| -> Result<(), OutputError> {
        run.step("commit")?;
        for (top, id) in &ids {
            if let Some(old) = run.old_tree(top, *id) {
                run.discard(
                    &old,
                    top,
                    Policy {
                        owned_all: false,
                        force,
                    },
                )?;
            }
            run.prune_empty(top);
            if !staged.contains_key(top) {
                run.note_removed(top);
            }
            run.step("finish")?;
        }
        run.close()
    })();
    match finished {
        Ok(()) => Ok(std::mem::take(&mut run.report)),
        Err(OutputError::Killed) => Err(OutputError::Killed),
        Err(e) => Err(e.with_note(&format!(
            "the new files are in place; the old copy stays in {} and the next `acmegen render` removes it",
            run.staging.display()
        ))),
    }
}

/// A leftover of an interrupted run in an output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The leftover directory.
    pub path: PathBuf,
    /// The process that left it.
    pub pid: u32,
    /// Whether that process still runs (then it is not touched).
    pub running: bool,
}

/// Leftovers of interrupted runs directly under `out`: staging directories
/// and old trees of acmegen before manifests.
pub fn leftovers(out: &Path) -> Vec<Leftover> {
    let Ok(dir) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut found: Vec<Leftover> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name
                .strip_prefix(STAGING_PREFIX)
                .or_else(|| name.strip_prefix(LEGACY_OLD_PREFIX))?;
            let pid: u32 = rest.split('-').next()?.parse().ok()?;
            Some(Leftover {
                path: e.path(),
                pid,
                running: alive(pid),
            })
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// Finish or undo every interrupted run under `out` whose process is gone.
/// The caller holds the output directory's lock.
pub fn recover(out: &Path) -> Result<Report, OutputError> {
    let mut report = Report::default();
    for left in leftovers(out) {
        if alive(left.pid) {
            report.recovered.push(format!(
                "left {} alone: process {} is running",
                left.path.display(),
                left.pid
            ));
            continue;
        }
        let name = left.path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if name.starts_with(STAGING_PREFIX) {
            let mut run = Run {
                out,
                staging: left.path.clone(),
                fail: None,
                steps: 0,
                report: std::mem::take(&mut report),
            };
            let what = recover_staging(&mut run)?;
            report = run.report;
            report.recovered.push(format!(
                "{what} (interrupted run of process {}, {})",
                left.pid,
                left.path.display()
            ));
        } else {
            recover_legacy(out, &left, &name, &mut report)?;
        }
    }
    Ok(report)
}

/// Undo (no commit) or finish (committed) the run that left `run.staging`.
fn recover_staging(run: &mut Run<'_>) -> Result<&'static str, OutputError> {
    let journal = fs::read_to_string(run.staging.join(JOURNAL))
        .ok()
        .and_then(|t| Journal::parse(&t));
    let Some(journal) = journal else {
        // Killed while staging: nothing was swapped, every staged tree is acmegen's.
        let entries: Vec<PathBuf> = fs::read_dir(&run.staging)
            .map_err(|e| io_err("reading", &run.staging, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        for path in entries {
            let top = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let policy = Policy {
                owned_all: true,
                force: false,
            };
            run.discard(&path, &top, policy)?;
        }
        run.close()?;
        return Ok("removed the staging files");
    };
    let policy = Policy {
        owned_all: false,
        force: false,
    };
    if journal.committed {
        for (top, id) in &journal.tops {
            if let Some(old) = run.old_tree(top, *id) {
                run.discard(&old, top, policy)?;
            }
            if ident(&run.staged(top)) == Some(*id) {
                // Cannot happen after a commit; a staged tree is acmegen's anyway.
                let staged = run.staged(top);
                run.discard(&staged, top, policy)?;
            }
            run.prune_empty(top);
        }
        run.close()?;
        return Ok("finished removing the old trees");
    }
    for (top, id) in journal.tops.iter().rev() {
        let (live, staged, parked) = (run.live(top), run.staged(top), run.parked(top));
        let undo = if is_swapped(run, top, *id) {
            if exists(&parked) {
                Some(Swap::Parked)
            } else if exists(&staged) {
                Some(Swap::Exchanged)
            } else {
                Some(Swap::Fresh)
            }
        } else {
            None
        };
        match undo {
            Some(how) => run.swap_back(top, how).map_err(|e| io_err("restoring", &live, e))?,
            None if !exists(&live) && exists(&parked) => {
                fs::rename(&parked, &live).map_err(|e| io_err("restoring", &live, e))?
            }
            None => {}
        }
        run.discard(&staged, top, policy)?;
        run.discard(&parked, top, policy)?;
    }
    run.close()?;
    Ok("restored the trees from before it")
}

/// An old tree parked by acmegen before manifests (`.acmegen-old-<pid>-<top>`):
/// put it back if its top is missing, else discard it against the live tree.
fn recover_legacy(out: &Path, left: &Leftover, name: &str, report: &mut Report) -> Result<(), OutputError> {
    let top = name
        .strip_prefix(LEGACY_OLD_PREFIX)
        .and_then(|r| r.split_once('-'))
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    if top.is_empty() {
        return Ok(());
    }
    let live = out.join(&top);
    if !exists(&live) {
        fs::rename(&left.path, &live).map_err(|e| io_err("restoring", &live, e))?;
        report
            .recovered
            .push(format!("restored {} from {}", live.display(), left.path.display()));
        return Ok(());
    }
    let kept = discard(
        &left.path,
        &live,
        Policy {
            owned_all: false,
            force: false,
        },
    )?;
    if kept.is_empty() {
        report.recovered.push(format!("removed {}", left.path.display()));
    } else {
        report.kept.push((left.path.clone(), kept));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_round_trips() {
        let j = Journal {
            tops: vec![("modules".into(), (1, 2)), ("demo".into(), (3, 4))],
            committed: true,
        };
        assert_eq!(Journal::parse(&j.render()), Some(j));
        assert_eq!(Journal::parse("garbage"), None);
        assert_eq!(Journal::parse("acmegen journal 1\ntop x 1\n"), None);
    }

    #[test]
    fn a_leftover_of_a_running_process_is_listed_as_running() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".acmegen-staging-1")).unwrap();
        fs::create_dir(dir.path().join(".acmegen-old-999999999-demo")).unwrap();
        let found = leftovers(dir.path());
        assert_eq!(found.len(), 2);
        assert!(found.iter().any(|l| l.pid == 1 && l.running), "{found:?}");
        assert!(found.iter().any(|l| l.pid == 999_999_999 && !l.running), "{found:?}");
    }
}
