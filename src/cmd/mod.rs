//! The subcommands over the library: one module per subcommand, shared
//! plumbing (failures and their exit codes, console output, inventory
//! discovery, compiling) here.
//!
//! Exit codes: 0 ok, 1 `check` or `verify` found problems, 2 bad input,
//! 3 internal error (a bug), 4 file system problem (the path and the fix
//! are named). Output goes through [`crate::console`], so a closed pipe
//! (`| head -1`) ends printing quietly.

mod check;
mod ci;
mod deploy;
mod failover;
mod import;
mod migrate;
mod render;
mod verify_dir;

use crate::cli::{Cli, Command, Format, TfFormat};
use crate::console::{self, err};
use acmegen::emit::{Emitter, FileSet};
use acmegen::output::{self, OutputError, WriteOptions};
use acmegen::pipeline::{self, Compiled, Error};
use acmegen::transaction::Failpoint;
use acmegen::verify::Depth;
use acmegen::{explain, lock, runbook, verify};
use clap::CommandFactory;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Exit code of a file system problem.
pub const EXIT_IO: u8 = 4;
/// Exit code when a test failpoint stopped the run like a kill (test-only).
pub const EXIT_KILLED: u8 = 137;

/// A failed command, with the exit code it maps to.
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    /// A failure with `message` and exit `code`.
    pub fn new(message: impl Into<String>, code: u8) -> Self {
        Failure {
            message: message.into(),
            code,
        }
    }

    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        self.code
    }

    /// A file system problem: what failed on which path, and what to do.
    fn io(action: &str, path: &Path, e: &io::Error) -> Self {
        Failure {
            message: format!(
                "error: {action} {}: {e}\n  = help: {}",
                path.display(),
                output::io_help(e.kind(), path)
            ),
            code: EXIT_IO,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.trim_end())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = if matches!(e, Error::Input(_)) { 2 } else { 3 };
        Failure {
            message: e.to_string(),
            code,
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure {
            message: format!("error: {e:#}"),
            code: 3,
        }
    }
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        let code = if matches!(e, OutputError::Killed) {
            EXIT_KILLED
        } else {
            EXIT_IO
        };
        Failure {
            message: e.to_string(),
            code,
        }
    }
}

fn usage(message: String) -> Failure {
    Failure { message, code: 2 }
}

/// Print to standard output; only a failure other than a closed pipe is an error.
pub(crate) fn say(text: &str) -> Result<(), Failure> {
    console::outln(text).map_err(|e| Failure::io("writing to", Path::new("standard output"), &e))
}

/// Like [`say`], without the newline.
pub(crate) fn say_raw(text: &str) -> Result<(), Failure> {
    console::out(text).map_err(|e| Failure::io("writing to", Path::new("standard output"), &e))
}

/// The test-only failpoint from `ACMEGEN_TEST_FAIL_AFTER` (`N` fails like an
/// I/O error after N steps of writing the output, `kill:N` stops like a kill).
fn failpoint() -> Option<Failpoint> {
    let spec = std::env::var("ACMEGEN_TEST_FAIL_AFTER").ok()?;
    let (kill, n) = match spec.strip_prefix("kill:") {
        Some(n) => (true, n),
        None => (false, spec.as_str()),
    };
    Some(Failpoint {
        after: n.trim().parse().ok()?,
        kill,
    })
}

/// Every `inventory/*.yaml` (sorted) when none are named; and whether all were taken.
pub(crate) fn inventories(given: Vec<PathBuf>) -> Result<(Vec<PathBuf>, bool), Failure> {
    if !given.is_empty() {
        return Ok((given, false));
    }
    let dir = Path::new("inventory");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| usage(format!("error: no inventory given and cannot read {}: {e}\n  = help: run from the project root or name inventory files", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(usage(
            "error: inventory/ has no *.yaml files\n  = help: name an inventory file".into(),
        ));
    }
    Ok((found, true))
}

/// Compile every inventory; all problems of all files are reported together.
/// The files of every inventory (and the shared modules) are returned
/// together; each [`Compiled`] keeps its parse and plan, its files moved out
/// (`file_count` says how many it had).
pub(crate) fn compile_all(paths: &[PathBuf]) -> Result<(FileSet, Vec<Compiled>), Failure> {
    compile_all_to_depth(paths, Depth::Full)
}

/// Every inventory parsed and validated (for `render`, before it writes
/// anything); all problems of all files are reported together, then the
/// warnings of all.
pub(crate) fn check_all(paths: &[PathBuf]) -> Result<Vec<pipeline::Checked>, Failure> {
    let mut checked = Vec::new();
    let mut errors: Vec<Failure> = Vec::new();
    for p in paths {
        match pipeline::check_input(p) {
            Ok(c) => checked.push(c),
            Err(e) => errors.push(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(joined(errors));
    }
    let names: Vec<(String, PathBuf)> = checked
        .iter()
        .map(|c| (c.name().to_string(), c.path().to_path_buf()))
        .collect();
    unique_names(names.iter().map(|(n, p)| (n, p)))?;
    shared_accounts(checked.iter().map(|c| c.loaded()))?;
    for w in checked.iter().flat_map(|c| c.warnings()) {
        err(&w.as_warning());
    }
    Ok(checked)
}

/// Several failures as one, with the highest exit code.
fn joined(errors: Vec<Failure>) -> Failure {
    let code = errors.iter().map(|e| e.code).max().unwrap_or(2);
    let message = errors
        .iter()
        .map(|e| e.message.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n\n");
    Failure { message, code }
}

/// [`compile_all`], verifying the roots to `depth`.
pub(crate) fn compile_all_to_depth(paths: &[PathBuf], depth: Depth) -> Result<(FileSet, Vec<Compiled>), Failure> {
    let (modules, mut compiled) = compile_each(paths, depth)?;
    let mut files = modules.files;
    unique_names(compiled.iter().map(|c| (&c.plan.name, &c.loaded.path)))?;
    shared_accounts(compiled.iter().map(|c| &c.loaded))?;
    for c in &mut compiled {
        // Moved, not copied: a large render holds its output once.
        files.append(&mut c.files);
    }
    Ok((files, compiled))
}

/// An error when two inventories (`(name, path)`) share a name.
fn unique_names<'a>(named: impl Iterator<Item = (&'a String, &'a PathBuf)>) -> Result<(), Failure> {
    let mut names = std::collections::BTreeMap::new();
    for (name, path) in named {
        if let Some(prev) = names.insert(name, path) {
            return Err(usage(format!(
                "error: inventories {} and {} share the name `{}`\n  = help: give each inventory a unique name",
                prev.display(),
                path.display(),
                name
            )));
        }
    }
    Ok(())
}

/// What the inventories that share an AWS account (`account:`) get wrong
/// together (see [`acmegen::accounts`]): exit code 2, every problem listed.
fn shared_accounts<'a>(loaded: impl Iterator<Item = &'a acmegen::inventory::Loaded>) -> Result<(), Failure> {
    let loaded: Vec<&acmegen::inventory::Loaded> = loaded.collect();
    let found = acmegen::accounts::check(&loaded);
    if found.is_empty() {
        return Ok(());
    }
    Err(pipeline::Error::Input(acmegen::diagnostics::Diagnostics(found)).into())
}

/// The verified shared modules and every inventory compiled against them to
/// `depth` (warnings printed); all problems of all files are reported together.
pub(crate) fn compile_each(paths: &[PathBuf], depth: Depth) -> Result<(pipeline::Modules, Vec<Compiled>), Failure> {
    compile_each_with(
        paths,
        depth,
        |p, e, m| pipeline::compile_to_depth(p, e, m, depth),
        |c| &c.warnings,
    )
}

/// The shared modules verified to `depth` and every inventory compiled
/// against them by `compile` (the warnings `warnings` finds printed); all
/// problems of all files are reported together.
fn compile_each_with<T>(
    paths: &[PathBuf],
    depth: Depth,
    compile: impl Fn(&Path, &Emitter, &pipeline::Modules) -> Result<T, pipeline::Error>,
    warnings: impl Fn(&T) -> &[acmegen::diagnostics::Diagnostic],
) -> Result<(pipeline::Modules, Vec<T>), Failure> {
    let emitter = Emitter::new()?;
    let modules = pipeline::modules_to_depth(&emitter, depth)?;
    let mut compiled = Vec::new();
    let mut errors: Vec<Failure> = Vec::new();
    for p in paths {
        match compile(p, &emitter, &modules) {
            Ok(c) => compiled.push(c),
            Err(e) => errors.push(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(joined(errors));
    }
    for w in compiled.iter().flat_map(warnings) {
        err(&w.as_warning());
    }
    Ok((modules, compiled))
}

/// The lock wait message.
fn waiting(out: &Path, timeout: Duration) -> impl FnOnce() + '_ {
    move || {
        err(&format!(
            "note: another acmegen process is writing {}; waiting up to {} s …",
            out.display(),
            timeout.as_secs()
        ))
    }
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let quiet = cli.quiet;
    let lock_timeout = Duration::from_secs(cli.lock_timeout);
    match cli.command {
        Command::Render {
            inventories: given,
            out,
            format,
            force,
            full_verify,
        } => {
            let json = format == TfFormat::TfJson;
            let out = out.unwrap_or_else(|| PathBuf::from(if json { "generated-json" } else { "generated" }));
            let depth = if full_verify { Depth::Full } else { Depth::Structural };
            render::render(given, &out, json, force, depth, lock_timeout, quiet)
        }
        Command::Check {
            inventories: given,
            out,
            workflows,
        } => check::check(given, &out, &workflows, lock_timeout, quiet),
        Command::Ci {
            inventories: given,
            workflows,
            out,
            drill_inventory,
        } => ci::ci(given, &workflows, &out, drill_inventory, quiet),
        Command::Deploy {
            inventory,
            dry_run,
            from,
            to,
            out,
            zones_delegated,
            auto_approve,
        } => deploy::deploy(
            inventory,
            dry_run,
            acmegen::deploy::Options {
                out,
                inventory: std::path::PathBuf::new(),
                from,
                to,
                zones_delegated,
                auto_approve,
            },
            quiet,
        ),
        Command::Verify { out } => verify_dir::verify_dir(&out, quiet),
        Command::Explain { inventory, format } => {
            let (modules, compiled) = compile_each(&[inventory], Depth::Full)?;
            let c = &compiled[0];
            let report = explain::explain(&c.plan, modules.index());
            match format {
                Format::Table => say_raw(&explain::table(&report))?,
                Format::Json => say(&serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Failover {
            inventory,
            apply_vars,
            format,
            out,
        } => failover::failover(inventory, apply_vars, format, &out, lock_timeout, quiet),
        Command::Migrate {
            inventory,
            asset,
            weight,
        } => migrate::migrate(inventory, asset, weight, quiet),
        Command::Import {
            document,
            output,
            name,
            force,
        } => import::import(&document, output.as_deref(), name, force, quiet),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "acmegen", &mut script);
            say_raw(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
