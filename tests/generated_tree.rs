//! The committed generated/ tree is exactly what the inventories render to,
//! every file parses with hcl-rs, and (where terraform is installed)
//! `terraform fmt -check` agrees with acmegen's layout.

mod common;

use std::path::Path;
use std::process::Command;

fn generated() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("generated")
}

#[test]
fn committed_tree_matches_a_fresh_render() {
    for path in common::inventories() {
        let (modules, roots) = common::render(&path);
        for (rel, want) in modules.iter().chain(roots.iter()) {
            let have = std::fs::read_to_string(generated().join(rel))
                .unwrap_or_else(|_| panic!("generated/{} is missing: run `cargo run -- render`", rel.display()));
            assert!(
                have == *want,
                "generated/{} is stale: run `cargo run -- render`",
                rel.display()
            );
        }
    }
}

#[test]
fn every_generated_file_parses_with_hcl_rs() {
    let mut count = 0;
    for entry in walkdir::WalkDir::new(generated()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "tf") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            hcl::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
            count += 1;
        }
    }
    assert!(count > 100, "expected the whole tree, parsed {count} files");
}

#[test]
fn terraform_fmt_accepts_the_generated_tree() {
    let Ok(out) = Command::new("terraform").arg("version").output() else {
        println!(
            "note: terraform is not on PATH; skipping the terraform fmt check (acmegen's own layout check still ran)"
        );
        return;
    };
    assert!(out.status.success(), "terraform version failed");
    let out = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(generated())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform fmt -check failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn terraform_fmt_agrees_with_acmegen_on_tricky_layouts() {
    // Things our formatter must get right the way hclwrite does.
    let samples = [
        "locals {\n  a = 1\n  bb = {\n    c = 2\n  }\n  ddd = merge({\n    e = 1\n  }, var.x)\n}\n",
        "resource \"x\" \"y\" {\n  count = var.a == null ? 0 : 1\n\n  name = \"${var.n}-{x}\"\n  v = [for s in var.l : s if s != \"=\"]\n}\n",
    ];
    let Ok(_) = Command::new("terraform").arg("version").output() else {
        println!("note: terraform is not on PATH; skipping");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (i, sample) in samples.iter().enumerate() {
        let ours = acmegen::format::format_hcl(sample);
        let file = dir.path().join(format!("s{i}.tf"));
        std::fs::write(&file, &ours).unwrap();
        let out = Command::new("terraform")
            .args(["fmt", "-check", "-diff"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "terraform fmt disagrees on sample {i}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn every_dr_root_survives_the_loss_of_the_primary_region() {
    for path in common::inventories() {
        let inv = acmegen::inventory::load(&path).unwrap().inventory;
        let (_, files) = common::render(&path);
        let dr = Path::new(&inv.name).join("dr");
        let read = |f: &str| files[&dr.join(f)].clone();
        let backend = read("backend.tf");
        assert!(
            backend.contains(&format!("region       = \"{}\"", inv.regions.dr)),
            "{}: state not in the DR region",
            inv.name
        );
        assert!(
            backend.contains(&format!("-{}\"", inv.regions.dr)),
            "{}: state bucket not the DR one",
            inv.name
        );
        let variables = read("variables.tf");
        assert!(
            variables.contains(&format!("default     = \"{}\"", inv.regions.dr)),
            "{}: provider region",
            inv.name
        );
        for (rel, text) in files.iter().filter(|(p, _)| p.starts_with(&dr)) {
            assert!(
                !text.contains("terraform_remote_state"),
                "{}: reads another root's state",
                rel.display()
            );
            // The primary region may appear only inside ARNs the DR root derives
            // (replica sources) and as the name of the primary's prefix in the
            // DR copy of a WAL archive (`standby_source_region`: an S3 key in a
            // DR-region bucket, no call into the primary region).
            let primary = format!("\"{}\"", inv.regions.primary);
            let offending: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(&primary))
                .filter(|l| !l.trim_start().starts_with("standby_source_region "))
                .collect();
            assert!(
                offending.is_empty(),
                "{}: DR root configures the primary region: {offending:?}",
                rel.display()
            );
        }
    }
}
