//! Implementation of each subcommand over the library.

use crate::cli::{Cli, Command, Format};
use acmegen::emit::{Emitter, FileSet};
use acmegen::pipeline::{self, Compiled, Error};
use acmegen::{explain, output, runbook, verify};
use clap::CommandFactory;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A failed command, with the exit code it maps to.
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        self.code
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

fn usage(message: String) -> Failure {
    Failure { message, code: 2 }
}

/// Every `inventory/*.yaml` (sorted) when none are named.
fn inventories(given: Vec<PathBuf>) -> Result<(Vec<PathBuf>, bool), Failure> {
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
fn compile_all(paths: &[PathBuf]) -> Result<(FileSet, Vec<Compiled>), Failure> {
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

/// A DNS-safe inventory name from a file stem.
fn name_from(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    name = name
        .trim_matches('-')
        .chars()
        .take(32)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "inv-");
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
        eprintln!("warning: {}: {w}", document.display());
    }
    match output {
        None => print!("{}", imported.yaml),
        Some(path) => {
            if path.exists() && !force {
                return Err(usage(format!(
                    "error: {} exists\n  = help: pass --force to overwrite it",
                    path.display()
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(anyhow::Error::from)?;
            }
            std::fs::write(path, &imported.yaml).map_err(anyhow::Error::from)?;
            if !quiet {
                println!(
                    "imported {} assets ({} TODO rows) from {} → {}",
                    imported.mapped,
                    imported.unmapped,
                    document.display(),
                    path.display()
                );
            }
        }
    }
    let shown = output.map_or_else(|| Path::new("<stdout>").to_path_buf(), Path::to_path_buf);
    match acmegen::inventory::parse(&imported.yaml, &shown).and_then(|l| acmegen::validate::validate(&l)) {
        Ok(()) if !quiet => match output {
            Some(path) => eprintln!("note: the inventory validates; review the `# guess:` comments, then `acmegen render {}`", path.display()),
            None => eprintln!("note: the inventory validates; save it as inventory/{name}.yaml, review the `# guess:` comments, then `acmegen render`"),
        },
        Ok(()) => {}
        Err(d) => eprintln!("note: edit the inventory before rendering:\n{d}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Run the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Render {
            inventories: given,
            out,
        } => {
            let (paths, _) = inventories(given)?;
            let (files, compiled) = compile_all(&paths)?;
            output::write_atomic(&out, &files)?;
            if !quiet {
                for c in &compiled {
                    let n = c.files.len();
                    println!(
                        "rendered {} → {} ({n} files, primary {} / dr {})",
                        c.loaded.path.display(),
                        out.join(&c.plan.name).display(),
                        c.plan.primary.region,
                        c.plan.dr.region
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            inventories: given,
            out,
        } => {
            let (paths, all) = inventories(given)?;
            let (files, _) = compile_all(&paths)?;
            let d = output::drift(&out, &files, all)?;
            if d.is_clean() {
                if !quiet {
                    println!("{} is up to date ({} files)", out.display(), files.len());
                }
                return Ok(ExitCode::SUCCESS);
            }
            for (_, diff) in &d.changed {
                print!("{diff}");
            }
            for m in &d.missing {
                println!("missing: {}", out.join(m).display());
            }
            for x in &d.extra {
                println!("extra (not generated by acmegen): {}", out.join(x).display());
            }
            eprintln!(
                "error: {} is stale: {} changed, {} missing, {} extra\n  = help: run `acmegen render` and commit the result; do not edit generated files by hand",
                out.display(),
                d.changed.len(),
                d.missing.len(),
                d.extra.len()
            );
            Ok(ExitCode::from(1))
        }
        Command::Verify { out } => {
            let mut files = FileSet::new();
            for entry in walkdir::WalkDir::new(&out).sort_by_file_name() {
                let entry = entry.map_err(anyhow::Error::from)?;
                let rel = entry.path().strip_prefix(&out).expect("under out").to_path_buf();
                // Terraform files, plus what the deployability rules read beside them.
                let name = rel.to_string_lossy();
                let verified = [".tf", ".tftest.hcl", ".tfvars.example", "RUNBOOK.md"]
                    .iter()
                    .any(|s| name.ends_with(s));
                if entry.file_type().is_file() && verified && !output::is_user_local(&rel) {
                    files.insert(rel, std::fs::read_to_string(entry.path()).map_err(anyhow::Error::from)?);
                }
            }
            let findings = verify::verify(&files);
            if findings.is_empty() {
                if !quiet {
                    println!("{}: {} files verified", out.display(), files.len());
                }
                return Ok(ExitCode::SUCCESS);
            }
            let message = findings
                .iter()
                .map(|f| format!("error: {f}"))
                .collect::<Vec<_>>()
                .join("\n");
            Err(Failure { message, code: 1 })
        }
        Command::Explain { inventory, format } => {
            let (_, compiled) = compile_all(&[inventory])?;
            let c = &compiled[0];
            let report = explain::explain(&c.plan);
            match format {
                Format::Table => print!("{}", explain::table(&report)),
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Failover {
            inventory,
            apply_vars,
            out,
        } => {
            let (_, compiled) = compile_all(&[inventory])?;
            let plan = &compiled[0].plan;
            let changes = runbook::failover_changes(plan);
            if changes.is_empty() {
                println!(
                    "{}: the DR root already runs primary capacity; failover needs no variable change",
                    plan.name
                );
            } else if !quiet {
                println!(
                    "DR root {} ({}): variable changes for failover",
                    plan.name, plan.dr.region
                );
                let width = changes.iter().map(|c| c.name.len()).max().unwrap_or(0);
                for c in &changes {
                    println!("  {:<width$}  {} -> {}", c.name, c.from, c.to);
                }
            }
            if apply_vars && !changes.is_empty() {
                let dir = out.join(&plan.name).join("dr");
                if !dir.is_dir() {
                    return Err(usage(format!(
                        "error: {} does not exist\n  = help: run `acmegen render` first",
                        dir.display()
                    )));
                }
                let path = dir.join("failover.auto.tfvars");
                std::fs::write(&path, runbook::failover_tfvars(plan)).map_err(anyhow::Error::from)?;
                if !quiet {
                    println!(
                        "wrote {}; review it, then: terraform -chdir={} apply",
                        path.display(),
                        dir.display()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            document,
            output,
            name,
            force,
        } => import(&document, output.as_deref(), name, force, quiet),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "acmegen", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}
