//! Stage 5: check rendered Terraform before it is written. Every file must
//! parse with hcl-rs and already be in canonical layout; every module call
//! must pass only (and all required) variables of its module; every
//! reference (`var.`, `local.`, `module.`, resource, data and ephemeral
//! addresses) must resolve inside its own directory; and every AWS
//! `resource`/`data` block may use only argument and block names of the
//! provider schema (see [`schema`]), references only its attributes.

mod references;
pub mod schema;

use crate::emit::FileSet;
use crate::format::format_hcl;
use hcl::{Block, Body};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// One verification failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// File (relative to the output directory).
    pub file: PathBuf,
    /// What is wrong, naming the block.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// Declarations of one directory (a Terraform module or root).
#[derive(Debug, Default)]
struct Declared {
    /// Variable name → has a default.
    variables: BTreeMap<String, bool>,
    outputs: BTreeSet<String>,
    locals: BTreeSet<String>,
    /// `type.name` of resources, `data.type.name`, `ephemeral.type.name`.
    addresses: BTreeSet<String>,
    /// Module label → (source, argument names, file).
    modules: BTreeMap<String, (String, BTreeSet<String>, PathBuf)>,
}

const META_ARGS: [&str; 5] = ["source", "count", "for_each", "providers", "depends_on"];

fn label(b: &Block, i: usize) -> String {
    b.labels().get(i).map(|l| l.as_str().to_string()).unwrap_or_default()
}

fn collect(body: &Body, file: &Path, d: &mut Declared) {
    for b in body.blocks() {
        match b.identifier() {
            "variable" => {
                let has_default = b.body().attributes().any(|a| a.key() == "default");
                d.variables.insert(label(b, 0), has_default);
            }
            "output" => {
                d.outputs.insert(label(b, 0));
            }
            "locals" => d.locals.extend(b.body().attributes().map(|a| a.key().to_string())),
            "resource" => {
                d.addresses.insert(format!("{}.{}", label(b, 0), label(b, 1)));
            }
            "data" => {
                d.addresses.insert(format!("data.{}.{}", label(b, 0), label(b, 1)));
            }
            "ephemeral" => {
                d.addresses.insert(format!("ephemeral.{}.{}", label(b, 0), label(b, 1)));
            }
            "module" => {
                let source = b
                    .body()
                    .attributes()
                    .find(|a| a.key() == "source")
                    .map(|a| a.expr().to_string())
                    .unwrap_or_default();
                let args = b
                    .body()
                    .attributes()
                    .map(|a| a.key().to_string())
                    .filter(|k| !META_ARGS.contains(&k.as_str()))
                    .collect();
                d.modules.insert(
                    label(b, 0),
                    (source.trim_matches('"').to_string(), args, file.to_path_buf()),
                );
            }
            _ => {}
        }
    }
}

/// Verify a rendered file set; an empty result means it passed.
pub fn verify(files: &FileSet) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut dirs: BTreeMap<PathBuf, Declared> = BTreeMap::new();
    for (path, text) in files {
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        match hcl::parse(text) {
            Ok(body) => {
                for b in body.blocks().filter(|b| matches!(b.identifier(), "resource" | "data")) {
                    findings.extend(
                        schema::check_block(b.identifier(), b)
                            .into_iter()
                            .map(|message| Finding {
                                file: path.clone(),
                                message,
                            }),
                    );
                }
                collect(&body, path, dirs.entry(dir).or_default())
            }
            Err(e) => findings.push(Finding {
                file: path.clone(),
                message: format!("does not parse as HCL: {e}"),
            }),
        }
        if format_hcl(text) != *text {
            findings.push(Finding {
                file: path.clone(),
                message: "is not in canonical (terraform fmt) layout".into(),
            });
        }
    }
    for (dir, d) in &dirs {
        for (label, (source, args, file)) in &d.modules {
            let target = normalize(&dir.join(source));
            let Some(m) = dirs.get(&target) else {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("module \"{label}\": source {source} is not a rendered module"),
                });
                continue;
            };
            for a in args.iter().filter(|a| !m.variables.contains_key(*a)) {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("module \"{label}\": argument `{a}` is not a variable of {source}"),
                });
            }
            for (v, _) in m
                .variables
                .iter()
                .filter(|(v, has_default)| !**has_default && !args.contains(*v))
            {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("module \"{label}\": required variable `{v}` of {source} is not set"),
                });
            }
        }
    }
    for (path, text) in files {
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let Some(d) = dirs.get(&dir) else { continue };
        for r in references::scan(text) {
            if let Some(msg) = unresolved(&r, d, &dir, &dirs) {
                findings.push(Finding {
                    file: path.clone(),
                    message: msg,
                });
            }
        }
    }
    findings
}

fn unresolved(
    r: &references::Reference,
    d: &Declared,
    dir: &Path,
    dirs: &BTreeMap<PathBuf, Declared>,
) -> Option<String> {
    use references::Reference::*;
    match r {
        Var(v) if !d.variables.contains_key(v) => Some(format!("reference var.{v}: no such variable")),
        Local(l) if !d.locals.contains(l) => Some(format!("reference local.{l}: no such local value")),
        Address(a, _) if !d.addresses.contains(a) => Some(format!("reference {a}: not declared in this module")),
        Address(a, Some(attr)) => {
            let parts: Vec<&str> = a.split('.').collect();
            let (kind, ty) = match parts.as_slice() {
                ["data", ty, _] => ("data", *ty),
                [ty, _] => ("resource", *ty),
                _ => return None,
            };
            (!schema::has_attribute(kind, ty, attr))
                .then(|| format!("reference {a}.{attr}: {ty} has no attribute `{attr}`"))
        }
        Module(label, out) => match d.modules.get(label) {
            None => Some(format!("reference module.{label}: no such module call")),
            Some((source, _, _)) => {
                let m = dirs.get(&normalize(&dir.join(source)))?;
                (!m.outputs.contains(out))
                    .then(|| format!("reference module.{label}.{out}: {source} has no output `{out}`"))
            }
        },
        _ => None,
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> FileSet {
        files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect()
    }

    #[test]
    fn flags_unknown_argument_missing_variable_and_bad_reference() {
        let files = set(&[
            ("modules/m/variables.tf", "variable \"a\" {\n  type = string\n}\n"),
            ("modules/m/outputs.tf", "output \"o\" {\n  value = var.a\n}\n"),
            ("x/primary/main.tf", "module \"m\" {\n  source = \"../../modules/m\"\n\n  b = var.nope\n}\n\noutput \"p\" {\n  value = module.m.q\n}\n"),
        ]);
        let msgs: Vec<String> = verify(&files).iter().map(|f| f.message.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("argument `b` is not a variable")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("required variable `a`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("var.nope")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("has no output `q`")), "{msgs:?}");
    }

    #[test]
    fn flags_unparseable_and_unformatted_files() {
        let files = set(&[
            ("a/main.tf", "resource \"x\" {\n"),
            ("b/main.tf", "locals {\na = 1\n}\n"),
        ]);
        let msgs: Vec<String> = verify(&files).iter().map(|f| f.to_string()).collect();
        assert!(
            msgs.iter().any(|m| m.starts_with("a/main.tf: does not parse")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with("b/main.tf: is not in canonical")),
            "{msgs:?}"
        );
    }
}
