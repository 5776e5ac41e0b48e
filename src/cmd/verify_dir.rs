//! `acmegen verify`.

use super::*;

pub(super) fn verify_dir(out: &Path, quiet: bool) -> Result<ExitCode, Failure> {
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
