//! Runs the stages in order for one inventory and returns its files.

use crate::diagnostics::Diagnostics;
use crate::emit::{Emitter, FileSet};
use crate::inventory::{self, Loaded};
use crate::plan::{self, Plan};
use crate::validate;
use crate::verify::{self, Finding};
use std::fmt;
use std::path::Path;

/// Why an inventory could not be compiled.
#[derive(Debug)]
pub enum Error {
    /// The inventory is wrong: the user fixes it (exit code 2).
    Input(Diagnostics),
    /// acmegen produced Terraform that failed its own verification: a bug (exit code 3).
    Verify(Vec<Finding>),
    /// Anything else, e.g. a template that does not render (exit code 3).
    Internal(anyhow::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(d) => write!(f, "{d}"),
            Error::Verify(findings) => {
                writeln!(
                    f,
                    "error: the generated Terraform failed verification (this is a bug in acmegen):"
                )?;
                for x in findings {
                    writeln!(f, "  {x}")?;
                }
                Ok(())
            }
            Error::Internal(e) => write!(f, "error: {e:#}"),
        }
    }
}

impl std::error::Error for Error {}

/// One compiled inventory: its parse, its plan and its root files
/// (relative to the output directory, e.g. `acme/primary/main.tf`).
pub struct Compiled {
    /// The parsed inventory.
    pub loaded: Loaded,
    /// The resource plan of both regions.
    pub plan: Plan,
    /// Root-module files of both regions.
    pub files: FileSet,
}

/// Parse, validate, plan and emit the inventory at `path`, then verify its
/// roots together with the shared `modules`.
pub fn compile(path: &Path, emitter: &Emitter, modules: &FileSet) -> Result<Compiled, Error> {
    let loaded = inventory::load(path).map_err(Error::Input)?;
    finish(loaded, emitter, modules)
}

/// Like [`compile`], from text already in memory (`path` names it in errors).
pub fn compile_text(text: &str, path: &Path, emitter: &Emitter, modules: &FileSet) -> Result<Compiled, Error> {
    let loaded = inventory::parse(text, path).map_err(Error::Input)?;
    finish(loaded, emitter, modules)
}

fn finish(loaded: Loaded, emitter: &Emitter, modules: &FileSet) -> Result<Compiled, Error> {
    validate::validate(&loaded).map_err(Error::Input)?;
    let plan = plan::plan(&loaded.inventory);
    let mut files = FileSet::new();
    emitter.roots(&plan, &mut files).map_err(Error::Internal)?;
    let rb = crate::runbook::runbook(&loaded.inventory, &plan, &loaded.path);
    emitter.runbook(&rb, &mut files).map_err(Error::Internal)?;
    let mut all = modules.clone();
    all.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
    // Module findings are reported once, by `modules`; here only the roots'.
    let findings: Vec<Finding> = verify::verify(&all)
        .into_iter()
        .filter(|f| files.contains_key(&f.file))
        .collect();
    if !findings.is_empty() {
        return Err(Error::Verify(findings));
    }
    Ok(Compiled { loaded, plan, files })
}

/// Render and verify the shared modules once.
pub fn modules(emitter: &Emitter) -> Result<FileSet, Error> {
    let mut files = FileSet::new();
    emitter.modules(&mut files).map_err(Error::Internal)?;
    let findings = verify::verify(&files);
    if !findings.is_empty() {
        return Err(Error::Verify(findings));
    }
    Ok(files)
}
