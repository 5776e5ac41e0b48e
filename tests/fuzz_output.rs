//! Fuzzing the output-directory operations (issue 10), with proptest:
//! random existing trees (earlier renders, trees from before manifests, the
//! user's local Terraform files, files acmegen did not write, a file where
//! a directory belongs) and renders stopped at random steps, killed or
//! failing. After every run, each top-level directory is entirely old or
//! entirely new; after recovery all of them are old or all are new (new
//! when the run succeeded, old when it was refused); no leftovers remain;
//! and no file acmegen did not write is ever removed or changed.
//!
//! More cases: `PROPTEST_CASES=5000 cargo test --release --test fuzz_output`.

use acmegen::emit::FileSet;
use acmegen::manifest::{self, Manifest};
use acmegen::output::{self, is_user_local, OutputError, WriteOptions};
use acmegen::transaction::{self, Failpoint};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOPS: [&str; 3] = ["modules", "a", "b"];
const NAMES: [&str; 4] = ["main.tf", "x/variables.tf", "x/y/outputs.tf", "RUNBOOK.md"];
const USER_LOCAL: [&str; 5] = [
    ".terraform/providers/aws",
    "x/terraform.tfstate",
    "dev.tfvars",
    ".envrc",
    "terraform.tfstate.d/dev/terraform.tfstate",
];
const FOREIGN: [&str; 3] = ["handwritten.tf", "notes/readme.md", "x/extra.tf"];

type Snapshot = BTreeMap<PathBuf, Vec<u8>>;

/// A rendering: per top, some of NAMES with a content version.
fn files_strategy() -> impl Strategy<Value = FileSet> {
    proptest::collection::vec((0usize..3, 0usize..4, 0u8..3), 1..8).prop_map(|picks| {
        picks
            .into_iter()
            .map(|(t, n, v)| (Path::new(TOPS[t]).join(NAMES[n]), format!("# {} v{v}\n", NAMES[n])))
            .collect()
    })
}

/// Something done to the tree between runs.
#[derive(Debug, Clone)]
enum Change {
    /// The user adds a local Terraform file.
    UserLocal(usize, usize),
    /// The user (or another tool) adds a file acmegen did not write.
    Foreign(usize, usize),
    /// The tree came from acmegen before manifests.
    StripManifest(usize),
    /// A file sits where a top-level directory would go.
    FileAsTop(usize),
}

fn change_strategy() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => (0usize..3, 0usize..5).prop_map(|(t, n)| Change::UserLocal(t, n)),
        1 => (0usize..3, 0usize..3).prop_map(|(t, n)| Change::Foreign(t, n)),
        1 => (0usize..3).prop_map(Change::StripManifest),
        1 => (0usize..3).prop_map(Change::FileAsTop),
    ]
}

/// One render: files, whether every inventory is rendered (orphans go), a
/// failpoint, and whether the atomic exchange is used (else the two-rename fallback).
#[derive(Debug, Clone)]
struct Run {
    files: FileSet,
    all: bool,
    fail: Option<Failpoint>,
    exchange: bool,
}

fn run_strategy() -> impl Strategy<Value = Run> {
    (
        files_strategy(),
        any::<bool>(),
        proptest::option::weighted(0.7, (0usize..12, any::<bool>())),
        any::<bool>(),
    )
        .prop_map(|(files, all, fail, exchange)| Run {
            files,
            all,
            fail: fail.map(|(after, kill)| Failpoint { after, kill }),
            exchange,
        })
}

fn apply(out: &Path, change: &Change) {
    let room = |t: usize| !out.join(TOPS[t]).exists() || out.join(TOPS[t]).is_dir();
    match *change {
        Change::UserLocal(t, n) if room(t) => write(&out.join(TOPS[t]).join(USER_LOCAL[n]), b"user state"),
        Change::Foreign(t, n) if room(t) => write(&out.join(TOPS[t]).join(FOREIGN[n]), b"not acmegen's"),
        Change::UserLocal(..) | Change::Foreign(..) => {}
        Change::StripManifest(t) => {
            let _ = fs::remove_file(out.join(TOPS[t]).join(manifest::FILE_NAME));
        }
        Change::FileAsTop(t) => {
            if !out.join(TOPS[t]).exists() {
                write(&out.join(TOPS[t]), b"a file, not a directory")
            }
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// Every file under `out` except acmegen's staging directories.
fn snapshot(out: &Path) -> Snapshot {
    let mut snap = Snapshot::new();
    for e in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(out).unwrap().to_path_buf();
        if e.file_type().is_dir() || rel.to_string_lossy().starts_with(transaction::STAGING_PREFIX) {
            continue;
        }
        snap.insert(rel, fs::read(e.path()).unwrap());
    }
    snap
}

/// What acmegen generated in `top`: everything but the user's local files.
fn view(snap: &Snapshot, top: &str) -> Snapshot {
    snap.iter()
        .filter(|(p, _)| p.starts_with(top))
        .filter(|(p, _)| p.as_path() == Path::new(top) || !is_user_local(p.strip_prefix(top).unwrap()))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Files no render may remove or change: the user's local files, and files
/// acmegen did not write (not in their directory's manifest; for a tree
/// without one, not rewritten by `new`; a file where a directory goes).
fn protected(out: &Path, snap: &Snapshot, new: &FileSet) -> Snapshot {
    let manifests: BTreeMap<&str, Option<Manifest>> = TOPS
        .iter()
        .map(|t| (*t, Manifest::read(&out.join(t)).ok().flatten()))
        .collect();
    snap.iter()
        .filter(|(p, _)| {
            let top = p
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .into_owned();
            let Ok(rel) = p.strip_prefix(&top) else { return true };
            if rel.as_os_str().is_empty() || is_user_local(rel) {
                return true;
            }
            if manifest::is_internal(rel) {
                return false;
            }
            match manifests.get(top.as_str()).and_then(|m| m.as_ref()) {
                Some(m) => !m.contains(rel),
                None => !new.contains_key(p.as_path()),
            }
        })
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// The generated view of each top after a successful run of `new`.
fn expected_new(out: &Path, before: &Snapshot, new: &FileSet, all: bool) -> BTreeMap<&'static str, Snapshot> {
    let with = manifest::with_manifests(new);
    let orphans: BTreeSet<String> = if all {
        output::orphans(out, new)
            .into_iter()
            .filter(|o| o.has_manifest)
            .filter(|o| {
                let dir = out.join(&o.name);
                let (unowned, _) = acmegen::ownership::unowned(&dir, None).unwrap();
                unowned.is_empty()
            })
            .map(|o| o.name)
            .collect()
    } else {
        BTreeSet::new()
    };
    TOPS.iter()
        .map(|t| {
            let v = if new.keys().any(|p| p.starts_with(t)) {
                with.iter()
                    .filter(|(p, _)| p.starts_with(t))
                    .map(|(p, s)| (p.clone(), s.as_bytes().to_vec()))
                    .collect()
            } else if orphans.contains(*t) {
                Snapshot::new()
            } else {
                view(before, t)
            };
            (*t, v)
        })
        .collect()
}

fn no_staging_left(out: &Path) -> bool {
    fs::read_dir(out).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(transaction::STAGING_PREFIX)
    })
}

fn check_run(out: &Path, run: &Run) -> Result<(), TestCaseError> {
    let (new, all) = (&run.files, &run.all);
    let before = snapshot(out);
    let keep = protected(out, &before, new);
    let want = expected_new(out, &before, new, *all);
    let opts = WriteOptions {
        force: false,
        remove_orphans: *all,
        lock_timeout: Duration::ZERO,
        failpoint: run.fail,
        exchange: run.exchange,
    };
    let result = output::write(out, new, &opts, || {});
    // Right after the run, stopped or not: each top is old or new.
    let during = snapshot(out);
    for t in TOPS {
        let v = view(&during, t);
        prop_assert!(
            v == view(&before, t) || v == want[t],
            "{t} is half old, half new after {result:?}"
        );
    }
    for (p, b) in &keep {
        prop_assert_eq!(during.get(p), Some(b), "{} lost or changed", p.display());
    }
    // After recovery: all old or all new, and nothing left over.
    let report = transaction::recover(out).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(report.kept.is_empty(), "{report:?}");
    prop_assert!(no_staging_left(out));
    let after = snapshot(out);
    let all_old = TOPS.iter().all(|t| view(&after, t) == view(&before, t));
    let all_new = TOPS.iter().all(|t| view(&after, t) == want[*t]);
    match &result {
        Ok(_) => prop_assert!(all_new, "a successful run left old trees"),
        Err(OutputError::Unowned(_)) => prop_assert!(all_old, "a refused run changed the tree"),
        Err(_) => prop_assert!(all_old || all_new, "recovery left a mix of old and new trees"),
    }
    for (p, b) in &keep {
        prop_assert_eq!(after.get(p), Some(b), "{} lost or changed", p.display());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn interrupted_renders_over_random_trees_are_all_or_nothing_and_lose_nothing(
        first in files_strategy(),
        changes in proptest::collection::vec(change_strategy(), 0..6),
        runs in proptest::collection::vec(run_strategy(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        output::write(&out, &first, &WriteOptions::default(), || {}).unwrap();
        for c in &changes {
            apply(&out, c);
        }
        for run in &runs {
            check_run(&out, run)?;
        }
    }
}

#[test]
fn the_generator_reaches_every_outcome() {
    // Guard against a fuzzer that only ever sees refusals or clean runs.
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut outcomes = BTreeSet::new();
    for _ in 0..200 {
        let first = files_strategy().new_tree(&mut runner).unwrap().current();
        let changes = proptest::collection::vec(change_strategy(), 0..4)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let run = run_strategy().new_tree(&mut runner).unwrap().current();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        output::write(&out, &first, &WriteOptions::default(), || {}).unwrap();
        for c in &changes {
            apply(&out, c);
        }
        let opts = WriteOptions {
            remove_orphans: run.all,
            lock_timeout: Duration::ZERO,
            failpoint: run.fail,
            exchange: run.exchange,
            ..WriteOptions::default()
        };
        outcomes.insert(match output::write(&out, &run.files, &opts, || {}) {
            Ok(_) => "ok",
            Err(OutputError::Unowned(_)) => "refused",
            Err(OutputError::Killed) => "killed",
            Err(_) => "failed",
        });
    }
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
}
