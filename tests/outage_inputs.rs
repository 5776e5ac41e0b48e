//! The mocked outage runs on what operators run: its failover run sets
//! exactly the variables `acmegen failover --apply-vars` writes to
//! `failover.auto.tfvars` (aws-review.md finding 11: they were passed
//! inline, from nowhere the operator's apply reads).

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::Path;

mod common;

/// `name = value` assignments of HCL text, whitespace-normalised.
fn assignments<'a>(lines: impl Iterator<Item = &'a str>) -> BTreeMap<String, String> {
    lines
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// The `variables { … }` block of `run "<run>"` in a test file.
fn run_variables(test: &str, run: &str) -> BTreeMap<String, String> {
    let Some(start) = test.find(&format!("run \"{run}\" {{")) else {
        panic!("no run {run}");
    };
    let body = &test[start..];
    let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
    let Some(vars) = body.find("  variables {\n") else {
        return BTreeMap::new();
    };
    let block = &body[vars + "  variables {\n".len()..];
    let block = &block[..block.find("\n  }").expect("variables block closes")];
    assignments(block.lines())
}

#[test]
fn the_outage_fails_over_with_exactly_what_apply_vars_writes() {
    let mut with_changes = 0;
    for inventory in common::inventories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("inventory")).unwrap();
        let file = inventory.file_name().unwrap();
        std::fs::copy(&inventory, dir.path().join("inventory").join(file)).unwrap();
        let run = |args: &[&str]| {
            let mut c = Command::cargo_bin("acmegen").unwrap();
            c.current_dir(dir.path()).args(args);
            c
        };
        let rel = Path::new("inventory").join(file);
        run(&["render", rel.to_str().unwrap()]).assert().success();
        run(&["failover", rel.to_str().unwrap(), "--apply-vars", "--quiet"])
            .assert()
            .success();
        let name = inventory.file_stem().unwrap().to_str().unwrap();
        let dr = dir.path().join("generated").join(name).join("dr");
        let written = std::fs::read_to_string(dr.join("failover.auto.tfvars"))
            .map(|t| assignments(t.lines()))
            .unwrap_or_default();
        let test = std::fs::read_to_string(dr.join("tests/outage.tftest.hcl")).unwrap();
        // The failover is declared from here to the failback's end: every
        // run acknowledges it with the declaration's time (the mocked
        // marker's value), as the runbook's incident.auto.tfvars does.
        let acknowledged = BTreeMap::from([(
            "failover_acknowledged".to_string(),
            "\"2026-01-01T00:00:00Z\"".to_string(),
        )]);
        let mut expected = written.clone();
        expected.extend(acknowledged.clone());
        let failover = run_variables(&test, "dr_failover");
        assert_eq!(
            failover, expected,
            "{name}: the outage's failover run must set exactly what --apply-vars writes, acknowledged"
        );
        // Failback runs without them.
        assert_eq!(run_variables(&test, "dr_failback"), acknowledged, "{name}");
        with_changes += usize::from(!written.is_empty());
    }
    assert!(
        with_changes >= 3,
        "most shipped inventories change DR capacity on failover: the comparison looked at nothing"
    );
}
