//! Issue 10, items 1-5, 10 and 11, through the binary: acmegen never loses
//! a file it did not write, never leaves a half state (killed or failing at
//! any step), cleans what interrupted runs left, serializes concurrent
//! writers, removes trees of deleted inventories, and names the path and
//! the fix of every file system problem (exit code 4).
#![cfg(unix)]

mod common;
use common::project;

use assert_cmd::Command;
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files of a tree: relative path → bytes.
type Tree = BTreeMap<PathBuf, Vec<u8>>;

const GOOD: &str = "name: demo\nowner: me\nregions:\n  primary: us-east-2\n  dr: us-west-1\nassets:\n  - kind: vm\n    name: app\n    size: t3.micro\n    qty: 2\n    dr: active\n  - kind: s3\n    name: data\n    dr: replica\n";

fn acmegen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("acmegen").unwrap();
    c.current_dir(dir).env_remove("ACMEGEN_TEST_FAIL_AFTER");
    c
}

/// Every file under `root` (relative path → bytes), symlinks as their target.
fn tree(root: &Path) -> Tree {
    let mut out = BTreeMap::new();
    if !root.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_dir() {
            continue;
        }
        let rel = e.path().strip_prefix(root).unwrap().to_path_buf();
        out.insert(rel, fs::read(e.path()).unwrap_or_default());
    }
    out
}

/// The tree of `root` without the user's local files and acmegen's leftovers.
fn generated_only(root: &Path) -> Tree {
    tree(root)
        .into_iter()
        .filter(|(p, _)| !acmegen::output::is_user_local(p) || p.file_name().is_some_and(|n| n == ".acmegen-manifest"))
        .filter(|(p, _)| !p.to_string_lossy().starts_with(".acmegen-staging"))
        .collect()
}

fn leftovers(out: &Path) -> Vec<String> {
    fs::read_dir(out)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".acmegen"))
                .collect()
        })
        .unwrap_or_default()
}

/// Running as root (or with CAP_DAC_OVERRIDE): permission bits do not stop us.
fn privileged(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    fs::create_dir(&probe).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o555)).unwrap();
    let writable = fs::write(probe.join("x"), "x").is_ok();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(&probe).unwrap();
    writable
}

#[test]
fn item1_directories_holding_unowned_files_are_refused_and_kept() {
    let dir = project(GOOD);
    let out = dir.path().join("tfrepo");
    fs::create_dir_all(out.join("modules/my-own-module")).unwrap();
    fs::write(out.join("modules/my-own-module/main.tf"), "# mine\n").unwrap();
    fs::create_dir_all(out.join("demo")).unwrap();
    fs::write(out.join("demo/handwritten.tf"), "# mine too\n").unwrap();
    let before = tree(&out);
    acmegen(dir.path())
        .args(["render", "inventory/demo.yaml", "--out", "tfrepo"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("tfrepo/modules/my-own-module/main.tf"))
        .stderr(predicate::str::contains("tfrepo/demo/handwritten.tf"))
        .stderr(predicate::str::contains("--force"))
        .stderr(predicate::str::contains("nothing was changed"));
    assert_eq!(tree(&out), before, "nothing was touched");
    assert!(leftovers(&out).is_empty());

    // --force replaces them (and says it deletes them).
    acmegen(dir.path())
        .args(["render", "inventory/demo.yaml", "--out", "tfrepo", "--force"])
        .assert()
        .success();
    assert!(!out.join("demo/handwritten.tf").exists());
    assert!(out.join("demo/primary/main.tf").exists());
}

#[test]
fn item1_a_file_added_to_a_rendered_tree_is_never_deleted_silently() {
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let manifest = fs::read_to_string(dir.path().join("generated/demo/.acmegen-manifest")).unwrap();
    assert!(manifest.contains("\nprimary/main.tf\n"), "{manifest}");
    let mine = dir.path().join("generated/demo/primary/extra.tf");
    fs::write(&mine, "# hand-added\n").unwrap();
    acmegen(dir.path())
        .arg("render")
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "generated/demo holds files acmegen did not write",
        ))
        .stderr(predicate::str::contains("generated/demo/primary/extra.tf"));
    assert_eq!(fs::read_to_string(&mine).unwrap(), "# hand-added\n");
    // An inventory named like the shared modules cannot hijack them.
    let out = dir.path().join("generated");
    fs::remove_file(&mine).unwrap();
    fs::write(out.join("modules/vpc/notes.md"), "mine").unwrap();
    acmegen(dir.path())
        .arg("render")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("generated/modules/vpc/notes.md"));
    assert!(out.join("modules/vpc/notes.md").exists());
}

#[test]
fn item1_a_tree_from_before_manifests_is_adopted_when_acmegen_would_rewrite_all_of_it() {
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let out = dir.path().join("generated");
    for top in ["demo", "modules"] {
        fs::remove_file(out.join(top).join(".acmegen-manifest")).unwrap();
    }
    fs::write(out.join("demo/primary/terraform.tfvars"), "x = 1\n").unwrap();
    fs::create_dir_all(out.join("demo/primary/.terraform")).unwrap();
    fs::write(out.join("demo/primary/.terraform/cache"), "cache").unwrap();
    acmegen(dir.path()).arg("render").assert().success();
    assert!(
        out.join("demo/.acmegen-manifest").exists(),
        "adopted: the manifest is written"
    );
    assert_eq!(
        fs::read_to_string(out.join("demo/primary/terraform.tfvars")).unwrap(),
        "x = 1\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("demo/primary/.terraform/cache")).unwrap(),
        "cache"
    );
    acmegen(dir.path()).arg("check").assert().success();
    // Without a manifest, one file acmegen would not write blocks the adoption.
    fs::remove_file(out.join("demo/.acmegen-manifest")).unwrap();
    fs::write(out.join("demo/old-asset.tf"), "# ?\n").unwrap();
    acmegen(dir.path())
        .arg("render")
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "files this render would not write (it has no .acmegen-manifest)",
        ))
        .stderr(predicate::str::contains("generated/demo/old-asset.tf"));
}

/// Copy the tree `from` to `to` (files and directories).
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A project rendered from GOOD with the user's local files, and the
/// generated tree of the newer inventory, both rendered once.
fn fixtures() -> &'static (tempfile::TempDir, Tree) {
    static FIXTURES: std::sync::OnceLock<(tempfile::TempDir, Tree)> = std::sync::OnceLock::new();
    FIXTURES.get_or_init(|| {
        let reference = project(&newer());
        acmegen(reference.path()).arg("render").assert().success();
        let new = generated_only(&reference.path().join("generated"));
        let old = project(GOOD);
        acmegen(old.path()).arg("render").assert().success();
        let out = old.path().join("generated");
        fs::create_dir_all(out.join("demo/primary/.terraform/providers")).unwrap();
        fs::write(out.join("demo/primary/.terraform/providers/aws"), "binary").unwrap();
        fs::write(out.join("demo/bootstrap/terraform.tfstate"), "{\"serial\": 1}").unwrap();
        (old, new)
    })
}

fn newer() -> String {
    GOOD.replace("qty: 2", "qty: 3")
}

/// A copy of the rendered project, re-rendered with the newer inventory and
/// the failpoint `spec`: the project, the old and new generated trees, and
/// the exit code of the stopped render.
fn interrupted(spec: &str) -> (tempfile::TempDir, Tree, Tree, i32) {
    let (template, new) = fixtures();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(template.path(), dir.path());
    let old = generated_only(&dir.path().join("generated"));
    fs::write(dir.path().join("inventory/demo.yaml"), newer()).unwrap();
    let status = acmegen(dir.path())
        .arg("render")
        .env("ACMEGEN_TEST_FAIL_AFTER", spec)
        .output()
        .unwrap()
        .status;
    (dir, old, new.clone(), status.code().unwrap_or(-1))
}

/// How many top-level directories a render writes (modules, charts, demo …).
fn top_count(tree: &Tree) -> usize {
    let tops: std::collections::BTreeSet<_> = tree.keys().filter_map(|p| p.components().next()).collect();
    tops.len()
}

/// Each top-level directory is entirely old or entirely new, and the user's files are there.
fn assert_whole(out: &Path, old: &Tree, new: &Tree, at: &str) {
    let live = generated_only(out);
    let tops: std::collections::BTreeSet<String> = old
        .keys()
        .chain(new.keys())
        .filter_map(|p| p.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for top in &tops {
        let part = |t: &Tree| -> Tree {
            t.iter()
                .filter(|(p, _)| p.starts_with(top))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect()
        };
        let have = part(&live);
        assert!(
            have == part(old) || have == part(new),
            "{at}: {top} is neither old nor new"
        );
    }
    assert_eq!(
        fs::read_to_string(out.join("demo/primary/.terraform/providers/aws")).unwrap(),
        "binary",
        "{at}"
    );
    assert!(out.join("demo/bootstrap/terraform.tfstate").exists(), "{at}");
}

#[test]
fn item2_a_kill_at_any_step_leaves_each_tree_whole_and_the_next_run_recovers() {
    // Steps: staged, journal, one swap per directory, commit, one finish per directory.
    let steps = 3 + 2 * top_count(&fixtures().1);
    for step in 0..=steps {
        let spec = format!("kill:{step}");
        let (dir, old, new, code) = interrupted(&spec);
        let out = dir.path().join("generated");
        if step < steps {
            assert_eq!(code, 137, "{spec}");
            assert!(
                !leftovers(&out).is_empty(),
                "{spec}: a kill leaves its staging directory"
            );
            // Item 3: check reports what the kill left, and how to fix it.
            acmegen(dir.path())
                .arg("check")
                .assert()
                .code(1)
                .stdout(predicate::str::contains(
                    "left by an interrupted render: generated/.acmegen-staging-",
                ))
                .stderr(predicate::str::contains("to finish or undo the interrupted render"));
        }
        assert_whole(&out, &old, &new, &spec);
        acmegen(dir.path())
            .arg("render")
            .assert()
            .success()
            .stderr(predicate::str::contains("interrupted run").or(predicate::str::is_empty()));
        assert!(leftovers(&out).is_empty(), "{spec}: {:?}", leftovers(&out));
        assert_eq!(generated_only(&out), new, "{spec}");
        assert_whole(&out, &old, &new, &spec);
        acmegen(dir.path()).arg("check").assert().success();
    }
}

#[test]
fn item4_any_error_mid_swap_rolls_back_to_the_old_tree() {
    let tops = top_count(&fixtures().1);
    let commit = 2 + tops;
    for step in 0..3 + 2 * tops {
        let spec = step.to_string();
        let (dir, old, new, code) = interrupted(&spec);
        let out = dir.path().join("generated");
        assert_eq!(code, 4, "{spec}");
        let live = generated_only(&out);
        if step < commit {
            assert_eq!(live, old, "{spec}: an error before the commit restores the old tree");
            assert!(leftovers(&out).is_empty(), "{spec}: {:?}", leftovers(&out));
        } else {
            assert_eq!(live, new, "{spec}: after the commit the new tree stays");
        }
        assert_whole(&out, &old, &new, &spec);
        acmegen(dir.path()).arg("render").assert().success();
        assert!(leftovers(&out).is_empty(), "{spec}");
        assert_eq!(generated_only(&out), new, "{spec}");
    }
}

#[test]
fn item4_a_read_only_directory_is_found_before_anything_changes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(GOOD);
    if privileged(dir.path()) {
        println!("note: running with privileges that ignore permission bits; the failpoint test covers rollback");
        return;
    }
    acmegen(dir.path()).arg("render").assert().success();
    let out = dir.path().join("generated");
    let before = tree(&out);
    let primary = out.join("demo/primary");
    fs::set_permissions(&primary, fs::Permissions::from_mode(0o555)).unwrap();
    fs::write(dir.path().join("inventory/demo.yaml"), GOOD.replace("qty: 2", "qty: 3")).unwrap();
    let assert = acmegen(dir.path()).arg("render").assert().code(4);
    fs::set_permissions(&primary, fs::Permissions::from_mode(0o755)).unwrap();
    assert
        .stderr(predicate::str::contains("generated/demo/primary"))
        .stderr(predicate::str::contains("chmod -R u+w"));
    assert_eq!(tree(&out), before);
    assert!(leftovers(&out).is_empty());
}

#[test]
fn item3_leftovers_of_dead_runs_are_cleaned_and_a_running_ones_are_not_touched() {
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let out = dir.path().join("generated");
    // A dead run of an older acmegen: staging files (no journal) and a parked old tree.
    let dead = 999_999_999u32;
    let staging = out.join(format!(".acmegen-staging-{dead}"));
    for i in 0..102 {
        let f = staging.join(format!("demo/primary/f{i}.tf"));
        fs::create_dir_all(f.parent().unwrap()).unwrap();
        fs::write(f, "x").unwrap();
    }
    let parked = out.join(format!(".acmegen-old-{dead}-demo"));
    fs::create_dir_all(parked.join("primary")).unwrap();
    fs::copy(out.join("demo/primary/main.tf"), parked.join("primary/main.tf")).unwrap();
    fs::write(parked.join("primary/terraform.tfvars"), "kept = true\n").unwrap();
    // A leftover whose process runs (this test): never touched.
    let running = out.join(format!(".acmegen-staging-{}", std::process::id()));
    fs::create_dir_all(&running).unwrap();
    acmegen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(".acmegen-staging-{dead}")))
        .stdout(predicate::str::contains(format!(".acmegen-old-{dead}-demo")))
        .stdout(predicate::str::contains(format!(
            "(process {} is still running)",
            std::process::id()
        )));
    acmegen(dir.path())
        .arg("render")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("process {dead}")));
    assert!(!staging.exists() && !parked.exists());
    assert!(running.exists(), "a running process's directory is left alone");
    assert_eq!(
        fs::read_to_string(out.join("demo/primary/terraform.tfvars")).unwrap(),
        "kept = true\n",
        "the user's file in the parked tree moved into the live one"
    );
    fs::remove_dir(&running).unwrap();
    acmegen(dir.path()).arg("check").assert().success();
}

#[test]
fn item5_concurrent_renders_into_one_directory_all_succeed() {
    let dir = project(GOOD);
    let bin = assert_cmd::cargo::cargo_bin("acmegen");
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (bin, root) = (bin.clone(), dir.path().to_path_buf());
            std::thread::spawn(move || {
                (0..3)
                    .map(|_| {
                        let out = std::process::Command::new(&bin)
                            .current_dir(&root)
                            .args(["render", "-q"])
                            .output()
                            .unwrap();
                        (i, out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for (i, code, stderr) in h.join().unwrap() {
            assert_eq!(code, Some(0), "writer {i}: {stderr}");
        }
    }
    let out = dir.path().join("generated");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    acmegen(dir.path()).arg("check").assert().success();
}

#[test]
fn item5_a_second_writer_waits_for_the_lock_or_fails_clearly() {
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let out = dir.path().join("generated");
    let held = acmegen::lock::lock(&out, acmegen::lock::Mode::Exclusive, Duration::ZERO, || {}).unwrap();
    let start = Instant::now();
    acmegen(dir.path())
        .args(["render", "--lock-timeout", "1"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("another acmegen process is writing generated"))
        .stderr(predicate::str::contains("--lock-timeout"));
    assert!(start.elapsed() >= Duration::from_secs(1));
    // Hold the lock until the second writer says it waits, then let it go.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("acmegen"))
        .current_dir(dir.path())
        .args(["render", "--lock-timeout", "60"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    assert!(
        first.contains("another acmegen process is writing generated; waiting up to 60 s"),
        "{first}"
    );
    drop(held);
    assert!(child.wait().unwrap().success());
    assert!(leftovers(&out).is_empty());
}

#[test]
fn item10_render_removes_the_tree_of_a_deleted_inventory_but_not_the_users_state() {
    let dir = project(GOOD);
    fs::write(
        dir.path().join("inventory/other.yaml"),
        GOOD.replace("name: demo", "name: other"),
    )
    .unwrap();
    acmegen(dir.path()).arg("render").assert().success();
    let out = dir.path().join("generated");
    fs::write(out.join("other/bootstrap/terraform.tfstate"), "{}").unwrap();
    fs::remove_file(dir.path().join("inventory/other.yaml")).unwrap();
    acmegen(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "not rendered by any inventory: generated/other/",
        ))
        .stderr(predicate::str::contains(
            "generated/other belongs to a removed inventory: `acmegen render` (every inventory) removes it",
        ));
    // Rendering one named inventory never removes others.
    acmegen(dir.path())
        .args(["render", "inventory/demo.yaml"])
        .assert()
        .success();
    assert!(out.join("other/primary/main.tf").exists());
    acmegen(dir.path())
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains("removed generated/other"))
        .stderr(predicate::str::contains("generated/other/bootstrap/terraform.tfstate"));
    assert!(!out.join("other/primary").exists());
    assert_eq!(
        fs::read_to_string(out.join("other/bootstrap/terraform.tfstate")).unwrap(),
        "{}"
    );
    acmegen(dir.path()).arg("check").assert().success();
}

#[test]
fn item11_file_system_problems_name_the_path_and_the_fix_with_exit_4() {
    let dir = project(GOOD);
    fs::write(dir.path().join("afile"), "x").unwrap();
    acmegen(dir.path())
        .args(["render", "--out", "afile"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("afile"))
        .stderr(predicate::str::contains("= help:"))
        .stderr(predicate::str::contains("os error 17").not());
    acmegen(dir.path())
        .args(["check", "--out", "afile"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("afile"));
    acmegen(dir.path())
        .args(["check", "--out", "nothere"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing").not())
        .stderr(predicate::str::contains("nothere does not exist"))
        .stderr(predicate::str::contains("run `acmegen render`"));
    let missing = acmegen(dir.path())
        .args(["verify", "--out", "nothere"])
        .assert()
        .code(4)
        .get_output()
        .stderr
        .clone();
    let missing = String::from_utf8_lossy(&missing);
    assert!(missing.contains("error: nothere does not exist"), "{missing}");
    assert!(!missing.contains("No such file or directory"), "{missing}");
    fs::create_dir(dir.path().join("empty")).unwrap();
    acmegen(dir.path())
        .args(["verify", "--out", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no .tf files"));
}

#[test]
fn item11_verify_reports_syntax_first_and_references_with_a_line() {
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let main = dir.path().join("generated/demo/primary/main.tf");
    let text = fs::read_to_string(&main).unwrap();
    let line = text.lines().position(|l| l.contains("module.vpc.vpc_id")).unwrap() + 1;
    fs::write(
        &main,
        text.replacen("module.vpc.vpc_id", "module.vpc.no_such_output", 1),
    )
    .unwrap();
    acmegen(dir.path())
        .arg("verify")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "generated/demo/primary/main.tf:{line}: reference module.vpc.no_such_output"
        )));
    // One syntax error: one error, not a cascade of "no such module call".
    fs::write(&main, text.replacen("module \"vpc\" {", "module \"vpc\" {{", 1)).unwrap();
    let stderr = acmegen(dir.path())
        .arg("verify")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&stderr);
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
    assert!(stderr.contains("generated/demo/primary/main.tf:"), "{stderr}");
    assert!(!stderr.contains("no such module call"), "{stderr}");
}

#[test]
fn a_rerender_keeps_the_access_rights_of_each_directory_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let demo = dir.path().join("generated/demo");
    fs::set_permissions(&demo, fs::Permissions::from_mode(0o750)).unwrap();
    fs::write(dir.path().join("inventory/demo.yaml"), GOOD.replace("qty: 2", "qty: 3")).unwrap();
    acmegen(dir.path()).arg("render").assert().success();
    assert_eq!(fs::metadata(&demo).unwrap().permissions().mode() & 0o777, 0o750);
}

#[test]
fn an_unlisted_file_acmegen_would_write_byte_for_byte_is_adopted() {
    // After merging a branch that rendered a new file, the file is on disk but not
    // in the manifest: rewriting it with the same bytes loses nothing.
    let dir = project(GOOD);
    acmegen(dir.path()).arg("render").assert().success();
    let manifest = dir.path().join("generated/demo/.acmegen-manifest");
    let unlisted = fs::read_to_string(&manifest).unwrap().replace("primary/main.tf\n", "");
    fs::write(&manifest, &unlisted).unwrap();
    acmegen(dir.path()).arg("render").assert().success();
    assert!(fs::read_to_string(&manifest).unwrap().contains("primary/main.tf\n"));
    // With other bytes it is somebody's edit: refused, and kept.
    fs::write(&manifest, &unlisted).unwrap();
    let main = dir.path().join("generated/demo/primary/main.tf");
    fs::write(&main, "# edited\n").unwrap();
    acmegen(dir.path())
        .arg("render")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("generated/demo/primary/main.tf"));
    assert_eq!(fs::read_to_string(&main).unwrap(), "# edited\n");
}

#[test]
fn item2_sigkill_at_spread_out_moments_never_leaves_a_half_tree() {
    // The failpoints stop at step boundaries; real kills land anywhere (mid-write too).
    let (template, new) = fixtures();
    let bin = assert_cmd::cargo::cargo_bin("acmegen");
    let started = Instant::now();
    let probe = tempfile::tempdir().unwrap();
    copy_tree(template.path(), probe.path());
    fs::write(probe.path().join("inventory/demo.yaml"), newer()).unwrap();
    acmegen(probe.path()).arg("render").assert().success();
    let full = started.elapsed();
    for i in 1..=8u32 {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(template.path(), dir.path());
        let out = dir.path().join("generated");
        let old = generated_only(&out);
        fs::write(dir.path().join("inventory/demo.yaml"), newer()).unwrap();
        let mut child = std::process::Command::new(&bin)
            .current_dir(dir.path())
            .args(["render", "-q"])
            .spawn()
            .unwrap();
        std::thread::sleep(full * i / 8);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let at = format!("killed after {:?}", full * i / 8);
        assert_whole(&out, &old, new, &at);
        acmegen(dir.path()).arg("render").assert().success();
        assert!(leftovers(&out).is_empty(), "{at}: {:?}", leftovers(&out));
        assert_eq!(&generated_only(&out), new, "{at}");
    }
}
