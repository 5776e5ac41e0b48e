//! Helpers shared by the integration tests.
#![allow(dead_code)]

use acmegen::emit::{Emitter, FileSet};
use acmegen::pipeline;
use std::path::{Path, PathBuf};

/// The inventory/ directory of the project.
pub fn inventories_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory")
}

/// Every inventory shipped in inventory/, sorted.
pub fn inventories() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("inventory/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    v.sort();
    v
}

/// Shared modules plus the roots of `path`.
pub fn render(path: &Path) -> (FileSet, FileSet) {
    let emitter = Emitter::new().expect("templates load");
    let modules = pipeline::modules(&emitter).expect("modules render");
    let compiled = pipeline::compile(path, &emitter, &modules).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (modules.files, compiled.files)
}

/// Render inventory text (for tests that build inventories in memory).
pub fn render_text(text: &str) -> Result<FileSet, pipeline::Error> {
    render_text_as(text, Path::new("inventory/t.yaml"))
}

/// Render inventory text as if read from `path`.
pub fn render_text_as(text: &str, path: &Path) -> Result<FileSet, pipeline::Error> {
    let emitter = Emitter::new().expect("templates load");
    let modules = pipeline::modules(&emitter).expect("modules render");
    pipeline::compile_text(text, path, &emitter, &modules).map(|c| c.files)
}

/// One text holding every file of `files`, each under a header line.
pub fn concat(files: &FileSet) -> String {
    let mut out = String::new();
    for (path, text) in files {
        out.push_str(&format!("--- {} ---\n{text}", path.display()));
    }
    out
}

/// The acmegen binary, run in `dir`.
pub fn acmegen(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("acmegen").unwrap();
    c.current_dir(dir);
    c
}

/// A temporary project holding `inventory` as inventory/demo.yaml.
pub fn project(inventory: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inventory")).unwrap();
    std::fs::write(dir.path().join("inventory/demo.yaml"), inventory).unwrap();
    dir
}
