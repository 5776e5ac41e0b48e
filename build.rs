//! Embeds every file under templates/ into the binary, so acmegen renders
//! the same output from any working directory: the tera templates (`*.tera`)
//! and, verbatim, the shared modules' Terraform under templates/modules/
//! (plain `.tf`, canonical layout) and the local Helm charts under
//! templates/charts/ (their `{{ }}` is Helm's, so they never go through tera).

use std::fs;
use std::path::{Path, PathBuf};

/// Files under `dir`, sorted, that `keep` accepts.
fn collect(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .expect("templates/ is readable")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, keep, out);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

/// A Rust `&[(&str, &str)]` constant of `files`, keyed by path relative to `root`.
fn table(doc: &str, name: &str, root: &Path, files: &[PathBuf]) -> String {
    let mut code = format!("/// {doc}\npub const {name}: &[(&str, &str)] = &[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(root)
            .expect("under its root")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    code
}

fn main() {
    // Read at run time: a build-script binary reused from another checkout
    // must read this checkout's templates.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("templates");
    let charts = root.join("charts");
    let modules = root.join("modules");
    println!("cargo:rerun-if-changed=templates");
    let mut templates = Vec::new();
    collect(
        &root,
        &|p: &Path| !p.starts_with(&charts) && p.extension().is_some_and(|e| e == "tera"),
        &mut templates,
    );
    let mut module_files = Vec::new();
    collect(
        &modules,
        &|p: &Path| p.extension().is_some_and(|e| e == "tf"),
        &mut module_files,
    );
    let mut chart_files = Vec::new();
    if charts.is_dir() {
        collect(&charts, &|_: &Path| true, &mut chart_files);
    }
    let code = table(
        "Every template, by path relative to templates/.",
        "TEMPLATES",
        &root,
        &templates,
    ) + &table(
        "Every Terraform file of the shared modules, by path relative to templates/modules/, written verbatim.",
        "MODULES",
        &modules,
        &module_files,
    ) + &table(
        "Every file of the local Helm charts, by path relative to templates/charts/, written verbatim.",
        "CHARTS",
        &charts,
        &chart_files,
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("templates.rs");
    fs::write(out, code).expect("write templates.rs");
}
