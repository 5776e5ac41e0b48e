//! `render --format tf-json` (issue 13 item 5): every shipped inventory's
//! roots as Terraform JSON hold the same blocks, arguments and expressions
//! as the HCL, deterministically, never beside the `.tf` files of a root.

mod common;

use acmegen::emit::tfjson::to_json_files;
use assert_cmd::Command;
use hcl::expr::Expression;
use hcl::structure::{Body, Structure};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Labels each top-level block type has.
fn label_count(ty: &str) -> usize {
    match ty {
        "resource" | "data" => 2,
        "terraform" | "locals" | "moved" | "import" | "removed" => 0,
        _ => 1,
    }
}

/// The JSON bodies of block `ty` with `labels` (an array when repeated).
fn json_bodies<'a>(j: &'a Value, ty: &str, labels: &[String]) -> Vec<&'a Value> {
    let mut v = &j[ty];
    for l in labels {
        v = &v[l.as_str()];
    }
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => panic!("no {ty} {labels:?} in the JSON"),
        other => vec![other],
    }
}

/// Parse the text of a JSON template string that is one interpolation.
fn interpolated(s: &str) -> Option<Expression> {
    let inner = s.strip_prefix("${")?.strip_suffix('}')?;
    inner.parse().ok()
}

/// Check one HCL attribute against its JSON value.
fn same_value(file: &str, key: &str, e: &Expression, j: &Value) {
    match (e, j) {
        (Expression::String(s), Value::String(t)) => {
            assert!(t == &s.replace("${", "$${") || t == s, "{file}: {key}: {s:?} vs {t:?}")
        }
        (Expression::Bool(a), Value::Bool(b)) => assert_eq!(a, b, "{file}: {key}"),
        (Expression::Number(a), Value::Number(b)) => assert_eq!(a.to_string(), b.to_string(), "{file}: {key}"),
        (Expression::Null, Value::Null) => {}
        (Expression::Array(items), Value::Array(js)) => {
            assert_eq!(items.len(), js.len(), "{file}: {key}");
            for (i, jv) in items.iter().zip(js) {
                same_value(file, key, i, jv);
            }
        }
        (Expression::Object(map), Value::Object(jm)) => {
            assert_eq!(map.len(), jm.len(), "{file}: {key}: {jm:?}");
            for (k, v) in map.iter() {
                let name = match k {
                    hcl::expr::ObjectKey::Identifier(i) => i.to_string(),
                    hcl::expr::ObjectKey::Expression(Expression::String(s)) => s.clone(),
                    #[allow(unreachable_patterns)]
                    other => panic!("{file}: {key}: computed key {other:?}"),
                };
                same_value(file, &format!("{key}.{name}"), v, &jm[name.as_str()]);
            }
        }
        (Expression::TemplateExpr(_), Value::String(_)) => {}
        (other, Value::String(t)) => {
            // References kept as plain strings (depends_on, providers, type)
            // or one interpolation: the expression parses back to the HCL's.
            let back: Expression = interpolated(t)
                .or_else(|| t.parse().ok())
                .unwrap_or_else(|| panic!("{file}: {key}: {t:?} is no expression"));
            assert_eq!(&back, other, "{file}: {key}: {t}");
        }
        (e, j) => panic!("{file}: {key}: {e:?} became {j}"),
    }
}

/// Every top-level block of the HCL is in the JSON with the same
/// arguments (and values) and nested blocks; nothing else is.
fn compare(file: &str, hcl_text: &str, json_text: &str) {
    let body: Body = hcl::parse(hcl_text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let j: Value = serde_json::from_str(json_text).unwrap_or_else(|e| panic!("{file}.json: {e}"));
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for s in body.iter() {
        let Structure::Block(b) = s else { continue };
        let ty = b.identifier.as_str();
        seen.insert(ty.to_string());
        let labels: Vec<String> = b.labels.iter().map(|l| l.as_str().to_string()).collect();
        assert_eq!(labels.len(), label_count(ty), "{file}: {ty}");
        let id = format!("{ty} {labels:?}");
        let n = counts.entry(id.clone()).or_default();
        let bodies = json_bodies(&j, ty, &labels);
        let jb = bodies.get(*n).unwrap_or_else(|| panic!("{file}: {id} #{n} missing"));
        *n += 1;
        let mut keys: BTreeSet<String> = BTreeSet::new();
        for inner in b.body.iter() {
            match inner {
                Structure::Attribute(a) => {
                    keys.insert(a.key.to_string());
                    same_value(file, &format!("{id}.{}", a.key), &a.expr, &jb[a.key.as_str()]);
                }
                Structure::Block(nb) => {
                    keys.insert(nb.identifier.to_string());
                }
            }
        }
        let json_keys: BTreeSet<String> = jb
            .as_object()
            .unwrap_or_else(|| panic!("{file}: {id} is no object"))
            .keys()
            .filter(|k| *k != "//")
            .cloned()
            .collect();
        assert_eq!(keys, json_keys, "{file}: {id}");
    }
    let json_types: BTreeSet<String> = j.as_object().unwrap().keys().filter(|k| *k != "//").cloned().collect();
    assert_eq!(seen, json_types, "{file}");
}

#[test]
fn every_shipped_inventory_converts_to_the_same_blocks_arguments_and_expressions() {
    for inv in common::inventories() {
        let (modules, roots) = common::render(&inv);
        let json = to_json_files(&roots).unwrap();
        assert_eq!(json, to_json_files(&roots).unwrap(), "deterministic");
        let mut converted = 0;
        for (path, text) in &roots {
            let name = path.to_str().unwrap();
            if name.ends_with(".tf") {
                let jpath = PathBuf::from(format!("{name}.json"));
                compare(name, text, &json[&jpath]);
                assert!(!json.contains_key(path), "{name} beside its .tf.json");
                converted += 1;
            } else {
                assert_eq!(json[path], *text, "{name} is copied as it is");
            }
        }
        assert!(converted >= 12, "{}: {converted} files", inv.display());
        // The shared modules are the same HCL files either way.
        let mjson = to_json_files(&modules).unwrap();
        assert_eq!(mjson, modules);
    }
}

#[test]
fn render_writes_a_separate_json_tree_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inventory")).unwrap();
    std::fs::copy(
        common::inventories_dir().join("acme-vm.yaml"),
        dir.path().join("inventory/acme-vm.yaml"),
    )
    .unwrap();
    let render = |out: Option<&str>| {
        let mut c = Command::cargo_bin("acmegen").unwrap();
        c.current_dir(dir.path()).args(["render", "-q", "--format", "tf-json"]);
        if let Some(o) = out {
            c.args(["--out", o]);
        }
        c.assert().success();
    };
    render(None);
    render(Some("again"));
    let root = dir.path().join("generated-json/acme-vm/primary");
    assert!(root.join("main.tf.json").is_file() && root.join("versions.tf.json").is_file());
    assert!(!root.join("main.tf").exists(), "no HCL beside the JSON");
    assert!(
        dir.path().join("generated-json/modules/vpc/main.tf").is_file(),
        "modules stay HCL"
    );
    assert!(!dir.path().join("generated").exists(), "the HCL tree is not touched");
    let files = |base: &Path| {
        let mut out = Vec::new();
        let mut stack = vec![base.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((p.strip_prefix(base).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    };
    assert_eq!(
        files(&dir.path().join("generated-json")),
        files(&dir.path().join("again"))
    );
}
