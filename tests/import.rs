//! `acmegen import`: design docs' asset tables become inventories that render.

mod common;

use acmegen::import::import;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn seed(prefix: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let found = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)));
    if found.is_none() {
        println!(
            "note: {} not found; skipping the seed import test",
            dir.join(prefix).display()
        );
    }
    found
}

fn asset_block<'a>(yaml: &'a str, name: &str) -> &'a str {
    let start = yaml
        .find(&format!("    name: {name}\n"))
        .unwrap_or_else(|| panic!("no asset {name} in\n{yaml}"));
    let end = yaml[start..].find("  - kind:").map_or(yaml.len(), |e| start + e);
    &yaml[start..end]
}

#[test]
fn seed_000_imports_and_renders() {
    let Some(path) = seed("000_") else { return };
    let doc = std::fs::read_to_string(&path).unwrap();
    let imported = import(&doc, "seed000", "seeds/000.txt").unwrap();
    let y = &imported.yaml;
    assert!(y.contains("regions:\n  primary: us-east-2\n  dr: us-west-1"), "{y}");
    assert!(asset_block(y, "vm-server").contains("qty: 3"), "3 instances per region");
    assert!(asset_block(y, "ips").contains("qty: 3"), "one address per instance");
    assert!(
        asset_block(y, "kubernetes-cluster-node").contains("qty: 2"),
        "2 nodes per region"
    );
    assert!(asset_block(y, "database-cluster").contains("dr: replica"));
    assert!(
        y.contains("kind: k8s_monitoring"),
        "monitoring stack added for the monitoring cluster"
    );
    assert_eq!(imported.unmapped, 0);
    common::render_text_as(y, Path::new("inventory/seed000.yaml")).unwrap_or_else(|e| panic!("{e}\n{y}"));
}

#[test]
fn seed_001_keeps_unmapped_rows_as_todo_and_renders() {
    let Some(path) = seed("001_") else { return };
    let doc = std::fs::read_to_string(&path).unwrap();
    let imported = import(&doc, "seed001", "seeds/001.txt").unwrap();
    let y = &imported.yaml;
    assert_eq!(imported.unmapped, 1);
    assert!(y.contains("# TODO (line 19): \"GitHub repo\""), "{y}");
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("\"GitHub repo\" maps to no asset kind")));
    assert!(imported
        .warnings
        .iter()
        .any(|w| w.contains("template row \"Asset name\" skipped")));
    assert!(
        asset_block(y, "rds-cluster").contains("size: db.t3.small"),
        "retired db.t2.small replaced"
    );
    assert!(y.contains("# guess: document says db.t2.small, not in the catalogue; using db.t3.small"));
    assert!(
        asset_block(y, "s3-key-pairs").contains("kind: key_pair")
            || y.contains("kind: key_pair\n    name: s3-key-pairs")
    );
    assert!(asset_block(y, "ec2-instance").contains("key_pair: s3-key-pairs"));
    common::render_text_as(y, Path::new("inventory/seed001.yaml")).unwrap_or_else(|e| panic!("{e}\n{y}"));
}

const DOC: &str = "# Shop\n\nPrimary in eu-west-1, failover to eu-central-1.\n\n\
| Component | Description | Instance type | Count | Disaster recovery |\n\
|:--|:--|:--|--:|:--|\n\
| Web servers | Serve the shop | m6i.large | 4 instances per region | deployed in each region |\n\
| Application Load Balancer | Front door | | 1 | |\n\
| Postgres database | Orders | db.r6g.large | 1 | cross-region read replica |\n\
| Artifact bucket | Releases | | 1 | replicated |\n\
| Container registry | Images | n/a | 1 | replication |\n\
| Mainframe link | Legacy | | 1 | none |\n";

#[test]
fn header_variations_placeholders_and_prose_are_understood() {
    let imported = import(DOC, "shop", "shop.md").unwrap();
    let y = &imported.yaml;
    assert!(y.contains("primary: eu-west-1\n  dr: eu-central-1"));
    assert!(asset_block(y, "web-servers").contains("kind: vm") || y.contains("kind: vm\n    name: web-servers"));
    assert!(
        asset_block(y, "web-servers").contains("size: m6i.large") && asset_block(y, "web-servers").contains("qty: 4")
    );
    assert!(asset_block(y, "postgres-database").contains("dr: replica"));
    assert!(
        asset_block(y, "postgres-database").contains("engine: postgres\n"),
        "the row names Postgres: no guess"
    );
    assert!(asset_block(y, "artifact-bucket").contains("dr: replica"));
    assert!(asset_block(y, "container-registry").contains("dr: replica"));
    assert!(y.contains("kind: alb\n    name: application-load-balancer"));
    assert_eq!(imported.unmapped, 1, "the mainframe link stays a TODO");
    common::render_text_as(y, Path::new("inventory/shop.yaml")).unwrap_or_else(|e| panic!("{e}\n{y}"));
}

#[test]
fn import_command_writes_reports_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("design.md"), DOC).unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::cargo_bin("acmegen").unwrap();
        c.current_dir(dir.path()).args(args);
        c
    };
    run(&["import", "design.md", "-o", "inventory/shop.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("imported 5 assets (1 TODO rows)"))
        .stderr(predicate::str::contains("\"Mainframe link\" maps to no asset kind"))
        .stderr(predicate::str::contains("the inventory validates"));
    let yaml = std::fs::read_to_string(dir.path().join("inventory/shop.yaml")).unwrap();
    assert!(yaml.contains("name: shop\n"));
    run(&["import", "design.md", "-o", "inventory/shop.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    run(&["import", "design.md", "-o", "inventory/shop.yaml", "--force"])
        .assert()
        .success();
    run(&["render"]).assert().success();
    run(&["check"]).assert().success();
    std::fs::write(dir.path().join("prose.md"), "# Nothing tabular\n").unwrap();
    run(&["import", "prose.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no asset table found"));
}
