//! `acmegen migrate` (issue 13 item 4): the weight of a route53 migration
//! moves by editing its one line; bad input is exit 2 with file:line and
//! leaves the file as it was.

mod common;
use common::{acmegen, project};

use predicates::prelude::*;
use std::fs;

/// An inventory with a commented migration block (the weight on line 21).
const MIGRATING: &str = "name: demo\nowner: me\nregions:\n  primary: us-east-2\n  dr: us-west-1\nassets:\n  - kind: vm\n    name: app\n    size: t3.micro\n    image: nginx\n    dr: active\n  - {kind: alb, name: lb, target: app, dr: active}\n  - kind: route53 # the public name\n    name: dns\n    zone: shop.acme-platform.dev\n    record: app\n    target: lb\n    dr: active\n    migration:\n      from: legacy.acme-platform.dev   # the old stack\n      weight: 0 # start\n";

#[test]
fn the_weight_line_alone_changes_and_the_next_steps_are_printed() {
    let dir = project(MIGRATING);
    acmegen(dir.path())
        .args(["migrate", "inventory/demo.yaml", "--weight", "10"])
        .assert()
        .success()
        .stdout(predicate::str::contains("inventory/demo.yaml:21: weight 0 → 10"))
        .stdout(predicate::str::contains("acmegen render inventory/demo.yaml"))
        .stdout(predicate::str::contains("terraform -chdir=generated/demo/primary apply migrate.tfplan"))
        .stdout(predicate::str::contains(
            "acmegen migrate inventory/demo.yaml --asset dns --weight 0 && acmegen render inventory/demo.yaml && terraform -chdir=generated/demo/primary apply",
        ));
    let after = fs::read_to_string(dir.path().join("inventory/demo.yaml")).unwrap();
    assert_eq!(after, MIGRATING.replace("weight: 0 # start", "weight: 10 # start"));
    // The edited inventory renders with the new weight.
    acmegen(dir.path())
        .args(["render", "-q", "inventory/demo.yaml"])
        .assert()
        .success();
    let main = fs::read_to_string(dir.path().join("generated/demo/primary/main.tf")).unwrap();
    assert!(main.contains("migration_weight      = 10"), "{main}");
    // Flow mappings are edited in place too.
    let flow = MIGRATING.replace(
        "    migration:\n      from: legacy.acme-platform.dev   # the old stack\n      weight: 0 # start\n",
        "    migration: {from: legacy.acme-platform.dev, weight: 50} # halfway\n",
    );
    let dir = project(&flow);
    acmegen(dir.path())
        .args(["migrate", "inventory/demo.yaml", "--asset", "dns", "--weight", "100"])
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(dir.path().join("inventory/demo.yaml")).unwrap(),
        flow.replace("weight: 50}", "weight: 100}")
    );
}

#[test]
fn bad_input_is_exit_2_with_file_line_and_the_file_unchanged() {
    let no_block = MIGRATING.replace(
        "    migration:\n      from: legacy.acme-platform.dev   # the old stack\n      weight: 0 # start\n",
        "",
    );
    let cases: [(&str, &[&str], &str); 5] = [
        (no_block.as_str(), &["--weight", "10"], "inventory/demo.yaml:13:"),
        (MIGRATING, &["--weight", "101"], "101 is not in 0..=100"),
        (MIGRATING, &["--asset", "nope", "--weight", "10"], "has no asset `nope`"),
        (
            MIGRATING,
            &["--asset", "lb", "--weight", "10"],
            "inventory/demo.yaml:12:",
        ),
        // The edit would give an invalid inventory: nothing is written.
        (
            &MIGRATING.replace("legacy.acme-platform.dev", "app.shop.acme-platform.dev"),
            &["--weight", "10"],
            "inventory/demo.yaml:20:",
        ),
    ];
    for (text, args, expect) in cases {
        let dir = project(text);
        let mut all = vec!["migrate", "inventory/demo.yaml"];
        all.extend_from_slice(args);
        acmegen(dir.path())
            .args(&all)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(expect));
        assert_eq!(
            fs::read_to_string(dir.path().join("inventory/demo.yaml")).unwrap(),
            text,
            "{args:?}"
        );
        let left: Vec<_> = fs::read_dir(dir.path().join("inventory")).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind: {left:?}");
    }
}

#[test]
fn a_missing_inventory_is_exit_2() {
    let dir = project(MIGRATING);
    acmegen(dir.path())
        .args(["migrate", "inventory/none.yaml", "--weight", "10"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inventory/none.yaml"));
}
