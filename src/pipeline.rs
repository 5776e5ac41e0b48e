//! Runs the stages in order for one inventory and returns its files.

use crate::diagnostics::{Diagnostic, Diagnostics};
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

/// One compiled inventory: its parse, its plan and its files (relative to
/// the output directory, e.g. `acme/primary/main.tf`, `acme/RUNBOOK.md`).
pub struct Compiled {
    /// The parsed inventory.
    pub loaded: Loaded,
    /// The resource plan of both regions.
    pub plan: Plan,
    /// Root-module files of both regions and the runbook.
    pub files: FileSet,
    /// How many files the inventory renders (`files` may have been moved out).
    pub file_count: usize,
    /// Validation warnings (the render went ahead), in inventory order.
    pub warnings: Vec<Diagnostic>,
}

/// The shared modules, rendered and verified once, with their declarations
/// indexed so that each inventory's roots are checked against them.
pub struct Modules {
    /// Files under `modules/`.
    pub files: FileSet,
    index: verify::Index,
}

impl Modules {
    /// The verified declarations of the shared modules (e.g. the resource
    /// types a module and its children declare, for `acmegen explain`).
    pub fn index(&self) -> &verify::Index {
        &self.index
    }
}

/// Render and verify the shared modules once.
pub fn modules(emitter: &Emitter) -> Result<Modules, Error> {
    modules_to_depth(emitter, verify::Depth::Full)
}

/// [`modules`], verified to `depth`: `render` verifies them by structure,
/// like the roots it checks against them (the modules are constant text of
/// the binary; `check`, `verify` and the tests run every rule on them).
pub fn modules_to_depth(emitter: &Emitter, depth: verify::Depth) -> Result<Modules, Error> {
    let mut files = FileSet::new();
    emitter.modules(&mut files).map_err(Error::Internal)?;
    if depth == verify::Depth::Structural {
        // The index made once per build from exactly these files (see
        // `verify::module_index`).
        if let Some(index) = verify::module_index::for_files(verify::module_index::EMBEDDED, &files) {
            return Ok(Modules { files, index });
        }
    }
    let (findings, index) = verify::verify_to_depth(&files, &verify::Index::default(), depth);
    if !findings.is_empty() {
        return Err(Error::Verify(findings));
    }
    Ok(Modules { files, index })
}

/// Parse, validate, plan and emit the inventory at `path`, then verify its
/// roots against the shared `modules`.
pub fn compile(path: &Path, emitter: &Emitter, modules: &Modules) -> Result<Compiled, Error> {
    compile_to_depth(path, emitter, modules, verify::Depth::Full)
}

/// [`compile`], verifying the roots to `depth` (`render` verifies by structure).
pub fn compile_to_depth(
    path: &Path,
    emitter: &Emitter,
    modules: &Modules,
    depth: verify::Depth,
) -> Result<Compiled, Error> {
    let loaded = inventory::load(path).map_err(Error::Input)?;
    finish(loaded, emitter, modules, depth)
}

/// Like [`compile`], from text already in memory (`path` names it in errors).
pub fn compile_text(text: &str, path: &Path, emitter: &Emitter, modules: &Modules) -> Result<Compiled, Error> {
    let loaded = inventory::parse(text, path).map_err(Error::Input)?;
    finish(loaded, emitter, modules, verify::Depth::Full)
}

/// An inventory read and validated, not yet planned: `render` checks every
/// inventory this far before it writes anything, so that bad input changes
/// nothing (see [`render_staged`]).
pub struct Checked {
    loaded: Loaded,
    validated: validate::Validated,
}

impl Checked {
    /// The parsed inventory.
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The inventory's name (its top-level output directory).
    pub fn name(&self) -> &str {
        &self.loaded.inventory.name
    }

    /// The inventory file.
    pub fn path(&self) -> &Path {
        &self.loaded.path
    }

    /// Validation warnings (the render goes ahead), in inventory order.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.validated.warnings
    }
}

/// Parse and validate the inventory at `path`.
pub fn check_input(path: &Path) -> Result<Checked, Error> {
    let loaded = inventory::load(path).map_err(Error::Input)?;
    let validated = validate::validate(&loaded).map_err(Error::Input)?;
    Ok(Checked { loaded, validated })
}

/// What `render` reports of one rendered inventory.
pub struct Rendered {
    /// The inventory file.
    pub path: std::path::PathBuf,
    /// The inventory's name (its top-level output directory).
    pub name: String,
    /// The primary and the DR region.
    pub regions: (String, String),
    /// How many files the inventory renders.
    pub file_count: usize,
}

/// Plan, emit and verify a checked inventory, handing its files to
/// `stage` one verified group at a time: the bootstrap roots and the
/// runbook, then each region's root, then the DR root's outage test. Each
/// group is dropped once staged, so a large inventory holds its plan and
/// one root's files, not its whole output (issue 11). The files and their
/// verification are those of [`compile_to_depth`]: verified by structure,
/// each root directory is checked against the shared `modules` alone, so
/// checking them group by group finds what checking them together finds;
/// verified in full, with the rules that read across directories, they are
/// held and checked together.
pub fn render_staged<E: From<Error>>(
    checked: Checked,
    emitter: &Emitter,
    modules: &Modules,
    depth: verify::Depth,
    stage: &mut dyn FnMut(FileSet) -> Result<(), E>,
) -> Result<Rendered, E> {
    let Checked { loaded, validated } = checked;
    let plan = plan::plan(&validated);
    // The plan holds what it needs; the validated model goes before the files grow.
    drop(validated);
    let mut file_count = 0;
    // Verified to `Depth::Full` (`render --full-verify`), the deployability
    // rules read across groups (a root's required variables may be supplied
    // by RUNBOOK.md): the inventory's files are then held and verified
    // together, as `check` does, before any is staged.
    let mut held = (depth == verify::Depth::Full).then(FileSet::new);
    let mut staged = |files: FileSet, writings: verify::written::Writings| -> Result<(), E> {
        file_count += files.len();
        if let Some(held) = held.as_mut() {
            held.extend(files);
            return Ok(());
        }
        let (files, index) = verified(files, writings, modules, depth)?;
        drop(index);
        stage(files)
    };
    // What reads the inventory itself first, so that its parse goes next.
    let mut files = FileSet::new();
    emitter.bootstrap(&plan, &mut files).map_err(Error::Internal)?;
    crate::ci::bootstrap(emitter, &loaded.inventory, &plan, &mut files).map_err(Error::Internal)?;
    let rb = crate::runbook::runbook(&loaded.inventory, &plan, &loaded.path);
    emitter.runbook(&rb, &mut files).map_err(Error::Internal)?;
    drop(rb);
    let path = loaded.path.clone();
    drop(loaded);
    staged(files, verify::written::Writings::new())?;
    let mut mocks = Vec::new();
    for root in plan.roots() {
        let (files, writings, m) = emitter.root_alone(&plan, root).map_err(Error::Internal)?;
        mocks.push(m);
        staged(files, writings)?;
    }
    let (outage_path, outage) = crate::emit::outage_file(&plan, &mocks[0], &mocks[1]);
    staged(FileSet::from([(outage_path, outage)]), verify::written::Writings::new())?;
    if let Some(all) = held {
        let (all, _) = verified(all, verify::written::Writings::new(), modules, depth)?;
        stage(all)?;
    }
    Ok(Rendered {
        path,
        name: plan.name.clone(),
        regions: (plan.primary.region.clone(), plan.dr.region.clone()),
        file_count,
    })
}

/// An inventory's plan and the files emitted from it, not yet verified.
struct Emitted {
    plan: Plan,
    files: FileSet,
    writings: verify::written::Writings,
    warnings: Vec<Diagnostic>,
}

fn emit(loaded: &Loaded, emitter: &Emitter) -> Result<Emitted, Error> {
    let mut validated = validate::validate(loaded).map_err(Error::Input)?;
    let plan = plan::plan(&validated);
    let warnings = std::mem::take(&mut validated.warnings);
    // The plan holds what it needs; the validated model goes before the files grow.
    drop(validated);
    let mut files = FileSet::new();
    let mut writings = verify::written::Writings::new();
    emitter
        .roots_written(&plan, &mut files, &mut writings)
        .map_err(Error::Internal)?;
    emitter.bootstrap(&plan, &mut files).map_err(Error::Internal)?;
    crate::ci::bootstrap(emitter, &loaded.inventory, &plan, &mut files).map_err(Error::Internal)?;
    let rb = crate::runbook::runbook(&loaded.inventory, &plan, &loaded.path);
    emitter.runbook(&rb, &mut files).map_err(Error::Internal)?;
    Ok(Emitted {
        plan,
        files,
        writings,
        warnings,
    })
}

/// `files`, once verified against the shared `modules` to `depth`, and
/// their index.
fn verified(
    files: FileSet,
    writings: verify::written::Writings,
    modules: &Modules,
    depth: verify::Depth,
) -> Result<(FileSet, verify::Index), Error> {
    let (findings, index) = verify::verify_written(&files, writings, &modules.index, depth);
    if !findings.is_empty() {
        return Err(Error::Verify(findings));
    }
    Ok((files, index))
}

fn finish(loaded: Loaded, emitter: &Emitter, modules: &Modules, depth: verify::Depth) -> Result<Compiled, Error> {
    let e = emit(&loaded, emitter)?;
    let (files, _) = verified(e.files, e.writings, modules, depth)?;
    Ok(Compiled {
        loaded,
        plan: e.plan,
        file_count: files.len(),
        files,
        warnings: e.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// checkov 3.3 stops evaluating a module called with `count` when an
    /// argument names a local built from module outputs (stop 23: the DR
    /// database replicas' 19 checks went unrun, with no failure): no counted
    /// call names a shared local, in the shipped inventories or in the
    /// synthetic one of every kind.
    #[test]
    fn no_counted_module_call_names_a_shared_local() {
        let emitter = Emitter::new().unwrap();
        let modules = modules_to_depth(&emitter, verify::Depth::Structural).unwrap();
        let mut texts: Vec<(String, String)> = std::fs::read_dir("inventory")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        texts.push(("synthetic".into(), crate::synthetic::inventory_yaml(200)));
        let mut shared_seen = 0;
        for (name, text) in texts {
            let c = compile_text(&text, Path::new(&name), &emitter, &modules).unwrap();
            for root in c.plan.roots() {
                shared_seen += root.locals.len();
                for m in root.modules.iter().filter(|m| m.count.is_some()) {
                    for (arg, value) in &m.args {
                        let text = value.render();
                        for l in &root.locals {
                            assert!(
                                !text.contains(&format!("local.{}", l.name)),
                                "{name}: module \"{}\" has a count and its `{arg}` names local.{}",
                                m.label,
                                l.name
                            );
                        }
                    }
                }
            }
        }
        assert!(shared_seen > 0, "no shared local was planned: the test checks nothing");
    }

    /// The streaming render hands over exactly the files the in-memory
    /// compile makes (what `check` compares `generated/` with): by
    /// structure in four groups, in full as one, once all of them are
    /// verified together (review finding of stop 23: a rule reads RUNBOOK.md
    /// for the roots' required variables, so verifying each root without it
    /// could refuse what `check` accepts).
    #[test]
    fn render_staged_hands_over_the_files_compile_makes() {
        let emitter = Emitter::new().unwrap();
        for depth in [verify::Depth::Structural, verify::Depth::Full] {
            let modules = modules_to_depth(&emitter, depth).unwrap();
            for inventory in ["inventory/acme-eks.yaml", "inventory/acme-traefik.yaml"] {
                let path = Path::new(inventory);
                let compiled = compile_to_depth(path, &emitter, &modules, depth).unwrap();
                let mut groups = Vec::new();
                let checked = check_input(path).unwrap();
                let rendered = render_staged(checked, &emitter, &modules, depth, &mut |files| {
                    groups.push(files);
                    Ok::<(), Error>(())
                })
                .unwrap();
                let expected = if depth == verify::Depth::Full { 1 } else { 4 };
                assert_eq!(groups.len(), expected, "{inventory} {depth:?}");
                let mut all = FileSet::new();
                for g in groups {
                    let before = all.len();
                    let n = g.len();
                    all.extend(g);
                    assert_eq!(all.len(), before + n, "{inventory}: a file handed over twice");
                }
                assert_eq!(rendered.file_count, all.len());
                assert!(all == compiled.files, "{inventory} {depth:?}: the files differ");
            }
        }
    }
}
