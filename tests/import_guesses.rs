//! Issue 10.12, `acmegen import`: what the document says and the inventory
//! cannot hold as-is (quantities of kinds without `qty`, nodes in several
//! AZs, regions it does not name) becomes a `# guess:` in the YAML, never a
//! silent change; an invalid `--name` is refused.

mod common;

use acmegen::import::import;
use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn seed(prefix: &str) -> Option<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let found: Option<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)));
    if found.is_none() {
        println!("note: {prefix}* not found under {}; skipping", dir.display());
    }
    std::fs::read_to_string(found?).ok()
}

/// The YAML of asset `name`, with the comment lines above it.
fn block<'a>(yaml: &'a str, name: &str) -> &'a str {
    let at = yaml
        .find(&format!("    name: {name}\n"))
        .unwrap_or_else(|| panic!("no asset {name} in\n{yaml}"));
    let start = yaml[..at].rfind("  # line ").unwrap_or(0);
    let end = yaml[at..].find("  # line ").map_or(yaml.len(), |e| at + e);
    &yaml[start..end]
}

#[test]
fn seed_000_database_nodes_in_two_azs_become_multi_az_with_a_guess() {
    let Some(doc) = seed("000_") else { return };
    let imported = import(&doc, "seed000", "seeds/000.txt").unwrap();
    let db = block(&imported.yaml, "database-cluster");
    assert!(db.contains("    qty: 1\n"), "{db}");
    assert!(db.contains("    multi_az: true # guess:"), "{db}");
    assert!(
        db.contains("# guess: multi_az: the document says \"…2 nodes, each one in a different availability zone"),
        "{db}"
    );
    common::render_text_as(&imported.yaml, Path::new("inventory/seed000.yaml")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn seed_001_quantities_of_kinds_without_qty_are_explained() {
    let Some(doc) = seed("001_") else { return };
    let imported = import(&doc, "seed001", "seeds/001.txt").unwrap();
    let y = &imported.yaml;
    let s3 = block(y, "s3-buckets");
    assert!(
        s3.contains("# guess: the document counts 2: one s3 in each region (the DR copy is the second)"),
        "{s3}"
    );
    let keys = block(y, "s3-key-pairs");
    assert!(
        keys.contains("# guess: the document counts 2: one key_pair in each region"),
        "{keys}"
    );
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.contains("S3 buckets: the document counts 2")),
        "{:?}",
        imported.warnings
    );
    let db = block(y, "rds-cluster");
    assert!(
        db.contains("multi_az: true # guess: a standby in a second AZ (the default)"),
        "{db}"
    );
    common::render_text_as(y, Path::new("inventory/seed001.yaml")).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_count_that_is_not_one_per_region_says_what_to_add() {
    let doc = "Regions: eu-west-1 and eu-central-1.\n\n| Asset | Purpose | Qty | DR |\n|--|--|--|--|\n| Data buckets | Files | 3 | replicated |\n| Database | Orders, 3 nodes | 3 | read replica |\n";
    let imported = import(doc, "shop", "shop.md").unwrap();
    let y = &imported.yaml;
    assert!(
        block(y, "data-buckets")
            .contains("the document counts 3: one `s3` asset is one s3 per region; add 2 more assets"),
        "{y}"
    );
    assert!(
        block(y, "database")
            .contains("multi_az: 3 nodes are the instance and its Multi-AZ standby (or use kind aurora"),
        "{y}"
    );
}

#[test]
fn default_regions_are_guesses_in_the_yaml() {
    let table = "| Asset | Purpose | Qty | DR |\n|--|--|--|--|\n| VM server | App | 2 | each region |\n";
    let none = import(table, "x", "x.md").unwrap().yaml;
    assert!(
        none.contains("  primary: us-east-1 # guess: the document names no region\n"),
        "{none}"
    );
    assert!(
        none.contains("  dr: us-west-2 # guess: the document names no region\n"),
        "{none}"
    );
    let one = import(&format!("We run in us-west-2.\n\n{table}"), "x", "x.md").unwrap();
    assert!(one.yaml.contains("  primary: us-west-2\n"), "{}", one.yaml);
    assert!(
        one.yaml
            .contains("  dr: us-east-1 # guess: the document names only us-west-2; pick the DR region\n"),
        "{}",
        one.yaml
    );
    assert!(one.warnings.iter().any(|w| w.contains("DR region us-east-1 assumed")));
    common::render_text(&one.yaml).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_invalid_name_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let table = "| Asset | Purpose | Qty | DR |\n|--|--|--|--|\n| VM server | App | 2 | each region |\n";
    std::fs::write(dir.path().join("design.md"), table).unwrap();
    for bad in ["Bad Name", "modules", "x-", "a-name-that-is-far-too-long-for-buckets"] {
        Command::cargo_bin("acmegen")
            .unwrap()
            .current_dir(dir.path())
            .args(["import", "design.md", "-o", "inventory/x.yaml", "--name", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "`{bad}` is not a valid inventory name"
            )))
            .stderr(predicate::str::contains("= help: use 1-32 lowercase letters"));
        assert!(
            !dir.path().join("inventory/x.yaml").exists(),
            "{bad}: wrote the inventory"
        );
    }
}
