//! Issue 10, items 6, 8, 9 and 12: every input is bounded before it can
//! hang or bloat a render, every bound names its limit, and messages point
//! at the fix (did you mean, the field's range, the byte offset), never at
//! acmegen's source files.

mod common;
use common::{acmegen, project};

use std::fs;
use std::time::{Duration, Instant};

const GOOD: &str = "name: demo\nowner: me\nregions:\n  primary: us-east-2\n  dr: us-west-1\nassets:\n  - kind: vm\n    name: app\n    size: t3.micro\n    qty: 2\n    dr: active\n";

/// Render `inventory` (as inventory/demo.yaml); exit code and stderr.
fn render(inventory: &[u8]) -> (i32, String, tempfile::TempDir) {
    let dir = project("");
    fs::write(dir.path().join("inventory/demo.yaml"), inventory).unwrap();
    let out = acmegen(dir.path())
        .args(["render", "inventory/demo.yaml"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&out.stderr).to_string(), dir)
}

fn rejected(inventory: &str, wanted: &[&str]) -> String {
    let (code, err, dir) = render(inventory.as_bytes());
    assert_eq!(code, 2, "{err}");
    for w in wanted {
        assert!(err.contains(w), "missing {w:?} in\n{err}");
    }
    assert!(!err.contains("src/"), "help points into acmegen's sources:\n{err}");
    assert!(!dir.path().join("generated").exists(), "wrote output");
    err
}

/// Render `inventory` as inventory/demo.yaml in a child process; its exit
/// code, stderr, and the CPU time (user + system) it used: the child's own
/// resource usage from `wait4`, which other tests' children and the
/// machine's load do not change (wall time does).
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // reaped by wait4, which std does not see
fn render_timed(inventory: &str) -> (i32, String, Duration) {
    use std::io::Read;
    let dir = project(inventory);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("acmegen"))
        .current_dir(dir.path())
        .args(["render", "inventory/demo.yaml"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in for
    // this child only, which std has not reaped (no wait on `child`).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap()) + Duration::from_micros(u64::try_from(t.tv_usec).unwrap())
    };
    assert!(!dir.path().join("generated").exists(), "wrote output");
    (code, err, time(usage.ru_utime) + time(usage.ru_stime))
}

#[test]
#[cfg(unix)]
fn item6_deeply_nested_yaml_is_rejected_fast() {
    for deep in [
        format!("{GOOD}tags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{GOOD}  - {}x\n", "- ".repeat(100_000)),
    ] {
        assert!(deep.len() > 200_000);
        let start = Instant::now();
        let (code, err, cpu) = render_timed(&deep);
        assert_eq!(code, 2, "{err}");
        for w in ["nests deeper than 24 levels", "inventory/demo.yaml:"] {
            assert!(err.contains(w), "missing {w:?} in\n{err}");
        }
        // Fast: the CPU the rejection costs, whatever the machine's load;
        // and no hang (a generous bound on the wall clock).
        assert!(cpu < Duration::from_secs(5), "used {cpu:?} of CPU");
        assert!(start.elapsed() < Duration::from_secs(60), "took {:?}", start.elapsed());
    }
}

#[test]
fn item6_oversized_files_and_fields_are_rejected() {
    let huge = format!("{GOOD}    purpose: \"{}\"\n", "x".repeat(5 * 1024 * 1024));
    rejected(&huge, &["acmegen reads at most", "split it into several inventories"]);
    let long = GOOD.replace(
        "    qty: 2\n",
        &format!("    qty: 2\n    purpose: {}\n", "word ".repeat(200)),
    );
    rejected(&long, &["`purpose` is 999 characters long", "inventory/demo.yaml:11:5"]);
}

#[test]
fn item8_quantities_and_sizes_are_bounded_by_what_aws_allows() {
    rejected(
        &GOOD.replace("qty: 2", "qty: 1000000000"),
        &[
            "`qty: 1000000000` is out of range",
            "use 1 to 100",
            "inventory/demo.yaml:10:5",
        ],
    );
    let eks = "  - {kind: eks, name: k8s, size: m6i.large, version: \"1.33\", qty: 3, max: 500, dr: active}\n";
    rejected(
        &format!("{GOOD}{eks}"),
        &[
            "`max: 500` is out of range",
            "EKS managed node group max size is 450 nodes (per node group quota)",
        ],
    );
    let aurora = "  - {kind: aurora, name: db, size: db.r6g.large, engine: postgres, engine_version: \"16.4\", qty: 20, dr: replica}\n";
    rejected(
        &format!("{GOOD}{aurora}"),
        &["at most 16 instances (1 writer + 15 Aurora Replicas)"],
    );
    let rds = "  - {kind: rds, name: db, size: db.t3.medium, engine: postgres, engine_version: \"16.4\", storage_gb: 100000, dr: replica}\n";
    rejected(&format!("{GOOD}{rds}"), &["RDS gp3 storage is 20 to 65,536 GiB"]);
    rejected(
        &GOOD.replace("qty: 2", "qty: 2\n    volume_gb: 20000"),
        &["EBS gp3 volume holds up to 16,384 GiB"],
    );
    rejected(
        &GOOD.replace("qty: 2", "qty: 2\n    port: 0"),
        &["a TCP port is 1 to 65535"],
    );
    rejected(
        &GOOD.replace("owner: me", "owner: me\ntags: {\"aws:x\": y}"),
        &["the `aws:` prefix is reserved"],
    );
    let err = rejected(
        &GOOD.replace(
            "assets:",
            "network:\n  primary: {cidr: 10.0.0.0/16, public_prefix: 200}\nassets:",
        ),
        &["`public_prefix: 200` is out of range", "AWS subnets are /16 to /28"],
    );
    assert!(!err.contains("longer public_prefix"), "{err}");
}

#[test]
fn item9_an_inventory_may_not_take_a_name_acmegen_uses() {
    rejected(
        &GOOD.replace("name: demo", "name: modules"),
        &["inventory name `modules` is reserved", "inventory/demo.yaml:1:1"],
    );
}

#[test]
fn item9_every_directory_shared_by_inventories_is_reserved() {
    let emitter = acmegen::emit::Emitter::new().unwrap();
    let shared = acmegen::pipeline::modules(&emitter).unwrap();
    let tops: std::collections::BTreeSet<String> = shared
        .files
        .keys()
        .filter_map(|p| p.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    assert!(tops.contains("modules"), "{tops:?}");
    for top in &tops {
        assert!(
            acmegen::output::RESERVED_NAMES.contains(&top.as_str()),
            "generated/{top} is shared but an inventory could be named `{top}`"
        );
        rejected(
            &GOOD.replace("name: demo", &format!("name: {top}")),
            &[&format!("inventory name `{top}` is reserved")],
        );
    }
}

#[test]
fn item12_messages_point_at_the_fix() {
    // An unclosed `[` is a syntax error, not a type error.
    let err = rejected(&GOOD.replace("qty: 2", "qty: [2"), &["fix the YAML syntax"]);
    assert!(!err.contains("invalid type"), "{err}");
    // qty 0 on a target: no "use qty 0 or less".
    let eip = "  - {kind: eip, name: ip, target: app, dr: active}\n";
    let err = rejected(&format!("{}{eip}", GOOD.replace("qty: 2", "qty: 0")), &["has qty 0"]);
    assert!(!err.contains("0 or less"), "{err}");
    // Out-of-range numbers get the field's range, not YAML syntax or version quoting.
    for (field, want) in [("port: 70000", "1 to 65535"), ("qty: -1", "from 1 to 1000")] {
        let err = rejected(&GOOD.replace("qty: 2", field), &[want]);
        assert!(!err.contains("quote versions") && !err.contains("YAML syntax"), "{err}");
    }
    // Unknown fields: did you mean, not 31 names.
    let err = rejected(
        &GOOD.replace("qty: 2", "qtty: 2"),
        &["unknown field `qtty`", "did you mean `qty`?"],
    );
    assert!(!err.contains("`chart_version`"), "{err}");
    // Unknown sizes: a near miss, and the catalogue described instead of a source file.
    rejected(
        &GOOD.replace("t3.micro", "t3.micor"),
        &["such as `t3.micro`", "the catalogue holds families t3"],
    );
    // Unknown regions: did you mean.
    rejected(&GOOD.replace("us-west-1", "us-west-3"), &["did you mean `us-west-1`?"]);
}

#[test]
fn item12_current_commercial_regions_are_known() {
    for region in [
        "ap-northeast-3",
        "eu-south-2",
        "ca-west-1",
        "me-central-1",
        "af-south-1",
        "ap-east-1",
        "il-central-1",
    ] {
        let (code, err, dir) = render(GOOD.replace("us-west-1", region).as_bytes());
        assert_eq!(code, 0, "{region}: {err}");
        let backend = fs::read_to_string(dir.path().join("generated/demo/dr/backend.tf")).unwrap();
        assert!(backend.contains(region), "{region}");
    }
}

#[test]
fn item12_non_utf8_input_names_the_byte_offset() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("t3.micro").unwrap();
    bytes[at] = 0xE9;
    let (code, err, _dir) = render(&bytes);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("byte 0xE9 at byte offset {at}")), "{err}");
    assert!(err.contains("inventory/demo.yaml:9:11"), "{err}");
    assert!(!err.contains("check the path"), "{err}");
}
