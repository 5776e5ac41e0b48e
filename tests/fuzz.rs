//! Property-based fuzzing of the whole pipeline (proptest).
//!
//! - arbitrary text and mutated shipped inventories never panic;
//! - any generated inventory is either rejected with diagnostics (exit 2
//!   territory) or compiles to Terraform that passes verification: a
//!   verification failure or a panic would be a bug in acmegen.
//!
//! More cases: `PROPTEST_CASES=20000 cargo test --release --test fuzz`.

mod common;

use acmegen::emit::Emitter;
use acmegen::pipeline::{self, Error, Modules};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::path::Path;
use std::sync::OnceLock;

fn shared() -> &'static (Emitter, Modules) {
    static SHARED: OnceLock<(Emitter, Modules)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let emitter = Emitter::new().unwrap();
        let modules = pipeline::modules(&emitter).unwrap();
        (emitter, modules)
    })
}

/// Compile `text`; Ok(true) when it compiled, Ok(false) when it was rejected as input.
fn outcome(text: &str) -> Result<bool, String> {
    let (emitter, modules) = shared();
    match pipeline::compile_text(text, Path::new("inventory/fuzz.yaml"), emitter, modules) {
        Ok(c) => {
            assert!(c.files.keys().any(|p| p.ends_with("primary/main.tf")));
            Ok(true)
        }
        Err(Error::Input(d)) => {
            assert!(!d.0.is_empty(), "rejected without a diagnostic");
            for x in &d.0 {
                assert!(x.line >= 1 && x.column >= 1 && !x.help.is_empty(), "{x}");
            }
            Ok(false)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// `rows` with, before each row of a kind that targets another, a row of a
/// kind it may target (the first: route53 → alb → vm), and before a
/// postgres_operator a replicated bucket for its archive; so the kinds that
/// need another asset compile more often than by chance.
fn with_dependencies(rows: &[(usize, usize, u32, u32)]) -> Vec<(usize, usize, u32, u32)> {
    use acmegen::inventory::{DrStrategy, Kind};
    fn push(out: &mut Vec<(usize, usize, u32, u32)>, row: (usize, usize, u32, u32), depth: u32) {
        let (k, d, qty, pick) = row;
        let index = |kind: Kind| Kind::ALL.iter().position(|&x| x == kind).unwrap();
        let kind = Kind::ALL[k % Kind::ALL.len()];
        let targets = kind.target_kinds();
        if let (true, Some(&target)) = (depth > 0, targets.first()) {
            // An odd pick: a VM placed as a target runs an application;
            // qty 0 (one instance): as many as one Elastic IP.
            push(out, (index(target), d, 0, pick | 1), depth - 1);
        }
        if kind == Kind::PostgresOperator {
            let replica = Kind::S3
                .allowed_dr()
                .iter()
                .position(|&s| s == DrStrategy::Replica)
                .unwrap();
            out.push((index(Kind::S3), replica, qty, pick));
        }
        out.push(row);
    }
    let mut out = Vec::new();
    for &row in rows {
        push(&mut out, row, 3);
    }
    out
}

/// Build a plausible inventory from per-row choices: unique names, fields
/// that belong to each kind, a DR strategy the kind allows, and targets of
/// the right kind when one exists. `defect` (when Some) breaks one thing.
fn build(rows: &[(usize, usize, u32, u32)], dr_region: &str, defect: Option<(usize, usize)>) -> String {
    use acmegen::inventory::Kind;
    let mut out = format!("name: fuzz\nowner: qa\nebs_default_encryption: true\nregions:\n  primary: us-east-2\n  dr: {dr_region}\nassets:\n");
    let rows = &with_dependencies(rows)[..];
    let mut placed: Vec<(Kind, String, bool)> = Vec::new();
    let mut buckets: Vec<(String, bool)> = Vec::new();
    for (i, &(k, d, qty, pick)) in rows.iter().enumerate() {
        let kind = Kind::ALL[k % Kind::ALL.len()];
        let allowed = kind.allowed_dr();
        let dr = allowed[d % allowed.len()];
        let name = format!("a{i}");
        let mut row = format!(
            "  - kind: {}\n    name: {name}\n    dr: {}\n",
            kind.as_str(),
            dr.as_str()
        );
        let qty = match kind {
            Kind::Rds => 1,
            Kind::Eip => 1,
            Kind::BackupPlan => 1,
            _ => 1 + qty % 3,
        };
        row.push_str(&format!("    qty: {qty}\n"));
        match kind {
            // Most VMs run an application: a load balancer in front of one
            // without needs a health check that can pass.
            Kind::Vm if pick % 4 != 0 => row.push_str("    size: t3.micro\n    image: nginx\n"),
            Kind::Vm | Kind::Bastion => row.push_str("    size: t3.micro\n"),
            Kind::App => row.push_str("    image: \"public.ecr.aws/nginx/nginx:1.27\"\n"),
            Kind::PostgresOperator => {
                // Its archive: an s3 asset, replicated when a standby follows it in DR.
                let in_dr = dr != acmegen::inventory::DrStrategy::None;
                match buckets.iter().find(|(_, replicated)| *replicated || !in_dr) {
                    Some((b, _)) => row.push_str(&format!("    backup_bucket: {b}\n")),
                    None => continue,
                }
            }
            Kind::Eks => row.push_str("    size: m6i.large\n    version: \"1.35\"\n"),
            Kind::Rds => row.push_str("    size: db.m6i.large\n    engine: postgres\n    engine_version: \"16\"\n"),
            Kind::Aurora => row.push_str(
                "    size: db.r6g.large\n    engine: mysql\n    engine_version: \"8.0.mysql_aurora.3.08.0\"\n",
            ),
            Kind::Route53 => row.push_str("    zone: shop.acme-platform.dev\n    record: app\n"),
            _ => {}
        }
        if dr == acmegen::inventory::DrStrategy::PilotLight && pick % 2 == 0 {
            row.push_str(&format!("    dr_qty: {}\n", 1 + pick % 2));
        }
        let targets: Vec<&(Kind, String, bool)> = placed
            .iter()
            .filter(|(tk, _, in_dr)| {
                kind.target_kinds().contains(tk) && (*in_dr || dr == acmegen::inventory::DrStrategy::None)
            })
            .collect();
        if !kind.target_kinds().is_empty() {
            match targets.get(pick as usize % targets.len().max(1)) {
                Some((_, t, _)) => row.push_str(&format!("    target: {t}\n")),
                None => continue, // nothing to attach to: leave the row out
            }
        }
        if let Some((at, what)) = defect {
            if at % rows.len() == i {
                row = match what % 5 {
                    0 => row.replace("qty: ", "qty: 0\n    # was "),
                    1 => row.replace(&format!("name: {name}"), "name: a0"),
                    2 => row + "    engine_version: \"15\"\n    dr_engine_version: \"16\"\n",
                    3 => row.replace("dr: ", "dr: replica\n    # was "),
                    _ => row + "    colour: blue\n",
                };
            }
        }
        if kind == Kind::S3 {
            let replicated = matches!(
                dr,
                acmegen::inventory::DrStrategy::Replica | acmegen::inventory::DrStrategy::Backup
            );
            buckets.push((name.clone(), replicated));
        }
        placed.push((kind, name, dr != acmegen::inventory::DrStrategy::None));
        out.push_str(&row);
    }
    out
}

prop_compose! {
    fn inventory()(
        rows in proptest::collection::vec((0usize..64, 0usize..8, 0u32..8, 0u32..64), 1..12),
        dr in prop_oneof![4 => Just("us-west-1"), 4 => Just("us-west-2"), 1 => Just("us-east-2"), 1 => Just("nowhere-1")],
        defect in proptest::option::weighted(0.3, (0usize..12, 0usize..5)),
    ) -> String {
        build(&rows, dr, defect)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        prop_assert!(outcome(&text).is_ok());
    }

    #[test]
    fn generated_inventories_compile_or_are_rejected_with_diagnostics(text in inventory()) {
        if let Err(e) = outcome(&text) {
            prop_assert!(false, "acmegen bug on\n{text}\n{e}");
        }
    }

    #[test]
    fn mutated_shipped_inventories_never_panic(
        which in 0usize..5,
        cuts in proptest::collection::vec((0usize..200, 0usize..3), 1..4),
    ) {
        let paths = common::inventories();
        let text = std::fs::read_to_string(&paths[which % paths.len()]).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        for (at, op) in cuts {
            if lines.is_empty() { break; }
            let i = at % lines.len();
            match op {
                0 => { lines.remove(i); }
                1 => { let l = lines[i]; lines.insert(i, l); }
                _ => { let j = (i + 1) % lines.len(); lines.swap(i, j); }
            }
        }
        let mutated = lines.join("\n");
        if let Err(e) = outcome(&mutated) {
            prop_assert!(false, "acmegen bug on\n{mutated}\n{e}");
        }
    }
}

#[test]
fn the_generator_produces_valid_inventories_too() {
    // Guard against a generator that only ever produces rejected input.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut compiled = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let text = inventory().new_tree(&mut runner).unwrap().current();
        if outcome(&text).unwrap_or(false) {
            compiled += 1;
            kinds.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("  - kind: "))
                    .map(str::to_string),
            );
        }
    }
    assert!(compiled > 100, "only {compiled} of 300 generated inventories compiled");
    // Every kind is fuzzed: a kind the generator cannot give its required
    // fields would only ever be rejected, never compiled and verified.
    let missing: Vec<&str> = acmegen::inventory::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !kinds.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "no compiled inventory holds {missing:?}: give them their fields in build()"
    );
    println!("{compiled} of 300 generated inventories compiled");
}
