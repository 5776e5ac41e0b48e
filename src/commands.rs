//! Implementation of each subcommand over the library.
//!
//! Exit codes: 0 ok, 1 `check` or `verify` found problems, 2 bad input,
//! 3 internal error (a bug), 4 file system problem (the path and the fix
//! are named). Output goes through [`crate::console`], so a closed pipe
//! (`| head -1`) ends printing quietly.

use crate::cli::{Cli, Command, Format};
use crate::console::{self, err};
use acmegen::emit::{Emitter, FileSet};
use acmegen::output::{self, OutputError, WriteOptions};
use acmegen::pipeline::{self, Compiled, Error};
use acmegen::transaction::Failpoint;
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
pub(crate) fn compile_all(paths: &[PathBuf]) -> Result<(FileSet, Vec<Compiled>), Failure> {
    let emitter = Emitter::new()?;
    let modules = pipeline::modules(&emitter)?;
    let mut compiled = Vec::new();
    let mut errors: Vec<Failure> = Vec::new();
    for p in paths {
        match pipeline::compile(p, &emitter, &modules) {
            Ok(c) => compiled.push(c),
            Err(e) => errors.push(e.into()),
        }
    }
    if !errors.is_empty() {
        let code = errors.iter().map(|e| e.code).max().unwrap_or(2);
        let message = errors
            .iter()
            .map(|e| e.message.trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n\n");
        return Err(Failure { message, code });
    }
    for w in compiled.iter().flat_map(|c| &c.warnings) {
        err(&w.as_warning());
    }
    let mut files = modules.files;
    let mut names = std::collections::BTreeMap::new();
    for c in &compiled {
        if let Some(prev) = names.insert(c.plan.name.clone(), c.loaded.path.clone()) {
            return Err(usage(format!(
                "error: inventories {} and {} share the name `{}`\n  = help: give each inventory a unique name",
                prev.display(),
                c.loaded.path.display(),
                c.plan.name
            )));
        }
        files.extend(c.files.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok((files, compiled))
}

/// A valid inventory name from a file stem.
fn name_from(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name.trim_matches('-').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "inv-");
    }
    name = name
        .chars()
        .take(32)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    if !acmegen::validate::is_valid_inventory_name(&name) {
        name = format!("{}-inv", name.chars().take(28).collect::<String>());
    }
    name
}

fn import(
    document: &Path,
    output: Option<&Path>,
    name: Option<String>,
    force: bool,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    if let Some(n) = &name {
        if !acmegen::validate::is_valid_inventory_name(n) {
            return Err(usage(format!(
                "error: `{n}` is not a valid inventory name\n  = help: use 1-32 lowercase letters, digits and dashes, starting with a letter and not `modules` (it becomes directory, bucket and resource names), e.g. --name {}",
                name_from(Path::new(&format!("{n}.md")))
            )));
        }
    }
    let doc = std::fs::read_to_string(document).map_err(|e| {
        usage(format!(
            "error: cannot read {}: {e}\n  = help: name a Markdown design document",
            document.display()
        ))
    })?;
    let name = name.unwrap_or_else(|| name_from(output.unwrap_or(document)));
    let imported = acmegen::import::import(&doc, &name, &document.display().to_string()).map_err(|e| {
        usage(format!("error: {}: {e}\n  = help: the document needs a table with columns like | Asset | Purpose | Size | Qty | DR |, or headings and bullets that name AWS components (ALB, EKS, RDS, S3…)", document.display()))
    })?;
    for w in &imported.warnings {
        err(&format!("warning: {}: {w}", document.display()));
    }
    match output {
        None => say_raw(&imported.yaml)?,
        Some(path) => {
            if path.exists() && !force {
                return Err(usage(format!(
                    "error: {} exists\n  = help: pass --force to overwrite it",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Failure::io("creating", dir, &e))?;
            }
            std::fs::write(path, &imported.yaml).map_err(|e| Failure::io("writing", path, &e))?;
            if !quiet {
                say(&format!(
                    "imported {} assets ({} TODO rows) from {} → {}",
                    imported.mapped,
                    imported.unmapped,
                    document.display(),
                    path.display()
                ))?;
            }
        }
    }
    let shown = output.map_or_else(|| Path::new("<stdout>").to_path_buf(), Path::to_path_buf);
    match acmegen::inventory::parse(&imported.yaml, &shown).and_then(|l| acmegen::validate::validate(&l)) {
        Ok(_) if !quiet => match output {
            Some(path) => err(&format!("note: the inventory validates; review the `# guess:` comments, then `acmegen render {}`", path.display())),
            None => err(&format!("note: the inventory validates; save it as inventory/{name}.yaml, review the `# guess:` comments, then `acmegen render`")),
        },
        Ok(_) => {}
        Err(d) => err(&format!("note: edit the inventory before rendering:\n{d}")),
    }
    Ok(ExitCode::SUCCESS)
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

fn render(
    given: Vec<PathBuf>,
    out: &Path,
    force: bool,
    lock_timeout: Duration,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (paths, all) = inventories(given)?;
    let (files, compiled) = compile_all(&paths)?;
    let opts = WriteOptions {
        force,
        remove_orphans: all,
        lock_timeout,
        failpoint: failpoint(),
        exchange: true,
    };
    let report = output::write(out, &files, &opts, waiting(out, lock_timeout))?;
    for line in &report.recovered {
        err(&format!("note: {line}"));
    }
    for (dir, kept) in &report.kept {
        let list: Vec<String> = kept
            .iter()
            .take(10)
            .map(|k| format!("\n  {}", dir.join(k).display()))
            .collect();
        err(&format!(
            "warning: kept {}: it holds files acmegen did not write:{}{}\n  = help: move them somewhere else, then delete {}",
            dir.display(),
            list.concat(),
            if kept.len() > 10 { "\n  …" } else { "" },
            dir.display()
        ));
    }
    if !quiet {
        for c in &compiled {
            let n = c.files.len();
            say(&format!(
                "rendered {} → {} ({n} files, primary {} / dr {})",
                c.loaded.path.display(),
                out.join(&c.plan.name).display(),
                c.plan.primary.region,
                c.plan.dr.region
            ))?;
        }
        for (dir, left) in &report.removed {
            say(&format!("removed {} (no inventory renders it)", dir.display()))?;
            if !left.is_empty() {
                let list: Vec<String> = left.iter().map(|f| format!("\n  {}", dir.join(f).display())).collect();
                err(&format!(
                    "note: kept your local files in {}:{}\n  = help: once `terraform destroy` ran where they apply, delete them",
                    dir.display(),
                    list.concat()
                ));
            }
        }
    }
    if all {
        for o in output::orphans(out, &files).iter().filter(|o| !o.has_manifest) {
            err(&format!(
                "warning: {} is rendered by no inventory and has no .acmegen-manifest, so acmegen leaves it\n  = help: delete it if its inventory is gone",
                out.join(&o.name).display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(
    given: Vec<PathBuf>,
    out: &Path,
    workflows: &Path,
    lock_timeout: Duration,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (paths, all) = inventories(given)?;
    let (files, compiled) = compile_all(&paths)?;
    match std::fs::metadata(out) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Failure::io(
                "reading",
                out,
                &io::Error::from(io::ErrorKind::NotADirectory),
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            err(&format!(
                "error: {} does not exist\n  = help: run `acmegen render` to write it, or pass the --out directory it was written to",
                out.display()
            ));
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(Failure::io("reading", out, &e)),
    }
    let _lock = lock::lock(out, lock::Mode::Shared, lock_timeout, waiting(out, lock_timeout))
        .map_err(|e| Failure::from(OutputError::Lock(e)))?;
    let d = output::drift(out, &files, all)?;
    let wf = crate::commands_ci::drift(&compiled, out, workflows, all)?;
    if d.is_clean() && wf.is_clean() {
        if !quiet {
            say(&format!("{} is up to date ({} files)", out.display(), files.len()))?;
            crate::commands_ci::say_clean(&wf, workflows)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    crate::commands_ci::report(&wf, workflows)?;
    if d.is_clean() {
        return Ok(ExitCode::from(1));
    }
    for (_, diff) in &d.changed {
        say_raw(diff)?;
    }
    for m in &d.missing {
        say(&format!("missing: {}", out.join(m).display()))?;
    }
    for x in &d.extra {
        say(&format!("extra (not generated by acmegen): {}", out.join(x).display()))?;
    }
    for o in &d.orphans {
        say(&format!(
            "not rendered by any inventory: {}/",
            out.join(&o.name).display()
        ))?;
    }
    for l in &d.leftovers {
        say(&format!(
            "left by an interrupted render: {}{}",
            l.path.display(),
            if l.running {
                format!(" (process {} is still running)", l.pid)
            } else {
                String::new()
            }
        ))?;
    }
    let mut help = Vec::new();
    if !d.changed.is_empty() || !d.missing.is_empty() {
        help.push("run `acmegen render` and commit the result; do not edit generated files by hand".to_string());
    }
    if !d.extra.is_empty() {
        help.push(format!(
            "move the extra files out of {}: `acmegen render` refuses to delete files it did not write (--force deletes them)",
            out.display()
        ));
    }
    for o in &d.orphans {
        let dir = out.join(&o.name);
        help.push(if o.has_manifest {
            format!(
                "{} belongs to a removed inventory: `acmegen render` (every inventory) removes it",
                dir.display()
            )
        } else {
            format!(
                "{} belongs to no inventory and has no .acmegen-manifest: delete it by hand if it is obsolete",
                dir.display()
            )
        });
    }
    if d.leftovers.iter().any(|l| !l.running) {
        help.push("run `acmegen render` to finish or undo the interrupted render".to_string());
    }
    let help: String = help.iter().map(|h| format!("\n  = help: {h}")).collect();
    err(&format!(
        "error: {} is stale: {} changed, {} missing, {} extra, {} orphaned, {} leftovers{help}",
        out.display(),
        d.changed.len(),
        d.missing.len(),
        d.extra.len(),
        d.orphans.len(),
        d.leftovers.len(),
    ));
    Ok(ExitCode::from(1))
}

fn verify_dir(out: &Path, quiet: bool) -> Result<ExitCode, Failure> {
    match std::fs::metadata(out) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Failure::io(
                "verifying",
                out,
                &io::Error::from(io::ErrorKind::NotADirectory),
            ))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Failure {
                message: format!(
                    "error: {} does not exist\n  = help: pass the directory `acmegen render` wrote (--out DIR), or run `acmegen render` first",
                    out.display()
                ),
                code: EXIT_IO,
            })
        }
        Err(e) => return Err(Failure::io("verifying", out, &e)),
    }
    let mut files = FileSet::new();
    for entry in walkdir::WalkDir::new(out).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            let source = e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("file system loop"));
            Failure::io("reading", &path, &source)
        })?;
        let rel = entry.path().strip_prefix(out).expect("under out").to_path_buf();
        // Terraform files, plus what the deployability rules read beside them.
        let name = rel.to_string_lossy();
        let verified = [".tf", ".tftest.hcl", ".tfvars.example", "RUNBOOK.md"]
            .iter()
            .any(|s| name.ends_with(s));
        if entry.file_type().is_file() && verified && !output::is_user_local(&rel) {
            let text = std::fs::read_to_string(entry.path()).map_err(|e| Failure::io("reading", entry.path(), &e))?;
            files.insert(rel, text);
        }
    }
    for l in acmegen::transaction::leftovers(out) {
        err(&format!(
            "warning: not verified: {} was left by an interrupted render\n  = help: run `acmegen render` to finish or undo it",
            l.path.display()
        ));
    }
    let is_tf = |p: &Path| p.extension().is_some_and(|e| e == "tf");
    if !files.keys().any(|p| is_tf(p)) {
        return Err(usage(format!(
            "error: {} holds no .tf files: nothing to verify\n  = help: pass the directory `acmegen render` wrote, e.g. --out generated",
            out.display()
        )));
    }
    // Syntax first: a file that does not parse declares nothing, and every
    // reference into it would be reported again as missing.
    let mut syntax = Vec::new();
    for (rel, text) in files.iter().filter(|(p, _)| is_tf(p)) {
        if let Err(e) = hcl::parse(text) {
            let (line, column, message) = match &e {
                hcl::Error::Parse(p) => (p.location().line(), p.location().column(), p.message().to_string()),
                other => (1, 1, other.to_string()),
            };
            syntax.push(format!("error: {}:{line}:{column}: {message}", out.join(rel).display()));
        }
    }
    if !syntax.is_empty() {
        let n = syntax.len();
        return Err(Failure {
            message: format!(
                "{}\n  = help: fix the syntax (or re-render with `acmegen render`); references are checked once every file parses ({n} file{} failed)",
                syntax.join("\n"),
                if n == 1 { "" } else { "s" }
            ),
            code: 1,
        });
    }
    let findings = verify::verify(&files);
    if findings.is_empty() {
        if !quiet {
            let n = files.keys().filter(|p| is_tf(p)).count();
            say(&format!("{}: {n} Terraform files verified", out.display()))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let message = findings
        .iter()
        .map(|f| {
            let path = out.join(&f.file);
            match files.get(&f.file).and_then(|t| acmegen::locate::line_of(&f.message, t)) {
                Some(line) => format!("error: {}:{line}: {}", path.display(), f.message),
                None => format!("error: {}: {}", path.display(), f.message),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Err(Failure { message, code: 1 })
}

fn failover(
    inventory: PathBuf,
    apply_vars: bool,
    format: Format,
    out: &Path,
    lock_timeout: Duration,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (_, compiled) = compile_all(&[inventory])?;
    let plan = &compiled[0].plan;
    let report = runbook::failover_plan(&compiled[0].loaded.inventory, plan, &compiled[0].loaded.path);
    let changes = &report.variable_changes;
    match format {
        Format::Json => say(&serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?)?,
        Format::Table if !quiet => say(runbook::failover_text(plan, &report).trim_end())?,
        Format::Table => {}
    }
    if apply_vars && !changes.is_empty() {
        let dir = out.join(&plan.name).join("dr");
        if !dir.is_dir() {
            return Err(usage(format!(
                "error: {} does not exist\n  = help: run `acmegen render` first",
                dir.display()
            )));
        }
        let _lock = lock::lock(out, lock::Mode::Exclusive, lock_timeout, waiting(out, lock_timeout))
            .map_err(|e| Failure::from(OutputError::Lock(e)))?;
        let path = dir.join("failover.auto.tfvars");
        let tmp = dir.join(".acmegen-failover.auto.tfvars.tmp");
        std::fs::write(&tmp, runbook::failover_tfvars(plan))
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Failure::io("writing", &path, &e)
            })?;
        let note = format!(
            "wrote {}; review it, then: terraform -chdir={} apply",
            path.display(),
            dir.display()
        );
        match format {
            // stdout holds the JSON document alone.
            Format::Json => eprintln!("{note}"),
            Format::Table if !quiet => say(&note)?,
            Format::Table => {}
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let quiet = cli.quiet;
    let lock_timeout = Duration::from_secs(cli.lock_timeout);
    match cli.command {
        Command::Render {
            inventories: given,
            out,
            force,
        } => render(given, &out, force, lock_timeout, quiet),
        Command::Check {
            inventories: given,
            out,
            workflows,
        } => check(given, &out, &workflows, lock_timeout, quiet),
        Command::Ci {
            inventories: given,
            workflows,
            out,
            drill_inventory,
        } => crate::commands_ci::ci(given, &workflows, &out, drill_inventory, quiet),
        Command::Deploy {
            inventory,
            dry_run,
            from,
            to,
            out,
            zones_delegated,
            auto_approve,
        } => crate::commands_deploy::deploy(
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
        Command::Verify { out } => verify_dir(&out, quiet),
        Command::Explain { inventory, format } => {
            let (_, compiled) = compile_all(&[inventory])?;
            let c = &compiled[0];
            let report = explain::explain(&c.plan);
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
        } => failover(inventory, apply_vars, format, &out, lock_timeout, quiet),
        Command::Import {
            document,
            output,
            name,
            force,
        } => import(&document, output.as_deref(), name, force, quiet),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "acmegen", &mut script);
            say_raw(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
