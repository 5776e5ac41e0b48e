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

/// bash, from PATH (the tests that run generated shell skip without it).
pub fn bash() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("bash"))
            .find(|p| p.is_file())
    })
}

/// What [`run_with_fakes`] saw.
pub struct Ran {
    /// The script succeeded.
    pub ok: bool,
    /// What it appended to `$GITHUB_ENV`.
    pub github_env: String,
    /// What it appended to `$GITHUB_OUTPUT` (the step's outputs).
    pub github_output: String,
    /// What it appended to `$GITHUB_STEP_SUMMARY`.
    pub summary: String,
    /// Its standard output.
    pub stdout: String,
    /// What the stand-ins logged to `terraform.log` in its directory.
    pub terraform_log: String,
}

/// `script` run by `bash -e` in a fresh directory whose stand-in programs
/// `fakes` (name, sh body) come first on PATH, with GitHub's environment,
/// output and summary files and no `TF_VAR_*` of the caller's environment.
pub fn run_with_fakes(bash: &Path, script: &str, fakes: &[(&str, String)]) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in fakes {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let env_file = dir.path().join("github_env");
    std::fs::write(&env_file, "").unwrap();
    let output_file = dir.path().join("github_output");
    std::fs::write(&output_file, "").unwrap();
    let mut command = std::process::Command::new(bash);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("TF_VAR_")) {
        command.env_remove(name);
    }
    let out = command
        .args(["-e", "-c", script])
        .current_dir(dir.path())
        .env(
            "PATH",
            format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default()),
        )
        .env("GITHUB_ENV", &env_file)
        .env("GITHUB_OUTPUT", &output_file)
        .env("RUNNER_TEMP", dir.path())
        .env("GITHUB_STEP_SUMMARY", dir.path().join("summary.md"))
        .output()
        .unwrap();
    Ran {
        ok: out.status.success(),
        github_env: std::fs::read_to_string(&env_file).unwrap(),
        github_output: std::fs::read_to_string(&output_file).unwrap(),
        summary: std::fs::read_to_string(dir.path().join("summary.md")).unwrap_or_default(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        terraform_log: std::fs::read_to_string(dir.path().join("terraform.log")).unwrap_or_default(),
    }
}
