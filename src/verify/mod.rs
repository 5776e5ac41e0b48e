//! Stage 5: check rendered Terraform before it is written. Every file must
//! parse with hcl-rs and already be in canonical layout; every module call
//! must pass only (and all required) variables of its module; every
//! reference (`var.`, `local.`, `module.`, resource, data and ephemeral
//! addresses) must resolve inside its own directory; and every AWS
//! `resource`/`data` block may use only argument and block names of the
//! provider schema (see [`schema`]), references only its attributes; and the
//! deployability rules of [`rules`] find nothing.

mod references;
pub mod rules;
use rules::tree::normalize;
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
    /// Variable name → (has a default, type constraint as written).
    variables: BTreeMap<String, (bool, String)>,
    outputs: BTreeSet<String>,
    locals: BTreeSet<String>,
    /// `type.name` of resources, `data.type.name`, `ephemeral.type.name`.
    addresses: BTreeSet<String>,
    /// `var.x`, `local.x` and `data.t.n` declarations → the file declaring them.
    origins: BTreeMap<String, PathBuf>,
    /// Module label → (source, arguments, file).
    modules: BTreeMap<String, (String, ModuleArgs, PathBuf)>,
}

const META_ARGS: [&str; 5] = ["source", "count", "for_each", "providers", "depends_on"];

/// Arguments of a module call: name → the value's kind when it is a literal.
type ModuleArgs = BTreeMap<String, Option<Literal>>;

/// The kind of a literal argument value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    Null,
    Bool,
    Number,
    String,
    List,
    Object,
}

fn literal(e: &hcl::Expression) -> Option<Literal> {
    use hcl::Expression as E;
    Some(match e {
        E::Null => Literal::Null,
        E::Bool(_) => Literal::Bool,
        E::Number(_) => Literal::Number,
        E::String(_) | E::TemplateExpr(_) => Literal::String,
        E::Array(_) => Literal::List,
        E::Object(_) => Literal::Object,
        _ => return None,
    })
}

/// Whether a literal of `kind` can be passed to a variable of type `ty`
/// (Terraform converts numbers and bools to strings, and null fits anything).
fn fits(kind: Literal, ty: &str) -> bool {
    let ty = ty.trim();
    match kind {
        Literal::Null => true,
        _ if ty.is_empty() || ty == "any" => true,
        Literal::Bool => matches!(ty, "bool" | "string"),
        Literal::Number => matches!(ty, "number" | "string"),
        Literal::String => ty == "string",
        Literal::List => ty.starts_with("list") || ty.starts_with("set") || ty.starts_with("tuple"),
        Literal::Object => ty.starts_with("map") || ty.starts_with("object"),
    }
}

fn label(b: &Block, i: usize) -> String {
    b.labels().get(i).map(|l| l.as_str().to_string()).unwrap_or_default()
}

fn collect(body: &Body, file: &Path, d: &mut Declared) {
    for b in body.blocks() {
        match b.identifier() {
            "variable" => {
                let has_default = b.body().attributes().any(|a| a.key() == "default");
                let ty = b
                    .body()
                    .attributes()
                    .find(|a| a.key() == "type")
                    .map(|a| a.expr().to_string())
                    .unwrap_or_default();
                d.origins.insert(format!("var.{}", label(b, 0)), file.to_path_buf());
                d.variables.insert(label(b, 0), (has_default, ty));
            }
            "output" => {
                d.outputs.insert(label(b, 0));
            }
            "locals" => {
                for a in b.body().attributes() {
                    d.origins.insert(format!("local.{}", a.key()), file.to_path_buf());
                    d.locals.insert(a.key().to_string());
                }
            }
            "resource" => {
                d.addresses.insert(format!("{}.{}", label(b, 0), label(b, 1)));
            }
            "data" => {
                let address = format!("data.{}.{}", label(b, 0), label(b, 1));
                d.origins.insert(address.clone(), file.to_path_buf());
                d.addresses.insert(address);
            }
            // A check block's scoped data sources (visible only inside it;
            // acmegen reads them nowhere else).
            "check" => collect(b.body(), file, d),
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
                    .filter(|a| !META_ARGS.contains(&a.key()))
                    .map(|a| (a.key().to_string(), literal(a.expr())))
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

/// Declarations of files verified earlier (the shared modules), so roots
/// can be checked against them without parsing the modules again.
#[derive(Debug, Default)]
pub struct Index {
    dirs: BTreeMap<PathBuf, Declared>,
    sources: rules::Sources,
}

impl Index {
    /// Resource types (`aws_…`, and ephemeral types such as
    /// `random_password`) that the verified module in directory `dir`
    /// declares, with those of the modules it calls (a caller of
    /// `../db_common` lists db_common's): sorted and unique.
    pub fn resource_types(&self, dir: &Path) -> Vec<String> {
        let mut types = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut todo = vec![normalize(dir)];
        while let Some(dir) = todo.pop() {
            let Some(d) = self.dirs.get(&dir).filter(|_| seen.insert(dir.clone())) else {
                continue;
            };
            for a in &d.addresses {
                let a = a.strip_prefix("ephemeral.").unwrap_or(a);
                if !a.starts_with("data.") {
                    types.insert(a.split('.').next().unwrap_or(a).to_string());
                }
            }
            todo.extend(d.modules.values().map(|(source, _, _)| normalize(&dir.join(source))));
        }
        types.into_iter().collect()
    }
}

/// What one file contributes: its findings, declarations and references.
struct FileResult {
    dir: PathBuf,
    findings: Vec<Finding>,
    declared: Declared,
    references: Vec<references::Reference>,
    /// The file's top-level structures, for the deployability rules.
    body: hcl::Body,
}

/// Parse one file and run every check that needs only that file.
fn check_file(path: &Path, text: &str) -> FileResult {
    let mut findings = Vec::new();
    let mut declared = Declared::default();
    let mut structures = Vec::new();
    let canonical = format_hcl(text) == *text;
    if !canonical {
        findings.push(Finding {
            file: path.to_path_buf(),
            message: "is not in canonical (terraform fmt) layout".into(),
        });
    }
    // In canonical layout every top-level structure starts at column 0, so
    // each can be parsed alone: the file parses exactly when they all do, and
    // only one block's syntax tree is alive at a time.
    let chunks = if canonical {
        top_level_chunks(text)
    } else {
        vec![(1, text)]
    };
    for (line, chunk) in chunks {
        match hcl::parse(chunk) {
            Ok(body) => {
                // Data sources scoped to a `check` block are checked like the others.
                let scoped = body
                    .blocks()
                    .filter(|b| b.identifier() == "check")
                    .flat_map(|c| c.body().blocks().filter(|b| b.identifier() == "data"));
                let blocks = body.blocks().filter(|b| matches!(b.identifier(), "resource" | "data"));
                for b in blocks.chain(scoped) {
                    let problems = schema::check_block(b.identifier(), b);
                    findings.extend(problems.into_iter().map(|message| Finding {
                        file: path.to_path_buf(),
                        message,
                    }));
                }
                collect(&body, path, &mut declared);
                structures.extend(body.into_inner());
            }
            Err(e) => findings.push(Finding {
                file: path.to_path_buf(),
                message: format!("does not parse as HCL (structure starting at line {line}): {e}"),
            }),
        }
    }
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    FileResult {
        dir,
        findings,
        declared,
        references: references::scan(text),
        body: hcl::Body(structures),
    }
}

/// `(first line, text)` of each top-level structure of a canonically laid
/// out file: a new one starts at every line that begins in column 0 and is
/// not a closing bracket.
fn top_level_chunks(text: &str) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let (mut start, mut start_line, mut offset) = (0usize, 1usize, 0usize);
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let opens = line.starts_with(|c: char| !c.is_whitespace() && !matches!(c, '}' | ']' | ')'));
        if opens && offset > start {
            chunks.push((start_line, &text[start..offset]));
            (start, start_line) = (offset, n + 1);
        }
        offset += line.len();
    }
    if offset > start {
        chunks.push((start_line, &text[start..]));
    }
    chunks
}

/// Run `check_file` over the `.tf` files, spread over the available cores
/// (largest files first, each to the least loaded worker).
fn check_files(files: &FileSet) -> Vec<(PathBuf, FileResult)> {
    let mut tf: Vec<(&PathBuf, &String)> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
        .collect();
    tf.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tf.len().max(1));
    let mut buckets: Vec<(usize, Vec<(&PathBuf, &String)>)> = vec![(0, Vec::new()); workers];
    for f in tf {
        let lightest = buckets
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one worker");
        lightest.0 += f.1.len();
        lightest.1.push(f);
    }
    let mut results: Vec<(PathBuf, FileResult)> = std::thread::scope(|scope| {
        let handles: Vec<_> = buckets
            .into_iter()
            .map(|(_, bucket)| {
                scope.spawn(move || {
                    bucket
                        .into_iter()
                        .map(|(p, t)| (p.clone(), check_file(p, t)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("verify worker panicked"))
            .collect()
    });
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results
}

fn merge(into: &mut Declared, from: Declared) {
    into.variables.extend(from.variables);
    into.outputs.extend(from.outputs);
    into.locals.extend(from.locals);
    into.addresses.extend(from.addresses);
    into.modules.extend(from.modules);
    into.origins.extend(from.origins);
}

/// Verify a self-contained file set; an empty result means it passed.
pub fn verify(files: &FileSet) -> Vec<Finding> {
    verify_against(files, &Index::default()).0
}

/// Verify `files`, resolving module sources against `base` as well as
/// against `files` themselves. Returns the findings and the index of `files`.
pub fn verify_against(files: &FileSet, base: &Index) -> (Vec<Finding>, Index) {
    let mut findings = Vec::new();
    let mut own: BTreeMap<PathBuf, Declared> = BTreeMap::new();
    let mut refs = Vec::new();
    let mut bodies = Vec::new();
    for (path, r) in check_files(files) {
        findings.extend(r.findings);
        bodies.push((path.clone(), r.body));
        merge(own.entry(r.dir.clone()).or_default(), r.declared);
        refs.push((path, r.dir, r.references));
    }
    let lookup = |dir: &Path| own.get(dir).or_else(|| base.dirs.get(dir));
    for (dir, d) in &own {
        for (label, (source, args, file)) in &d.modules {
            let Some(m) = lookup(&normalize(&dir.join(source))) else {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("module \"{label}\": source {source} is not a rendered module"),
                });
                continue;
            };
            for (a, kind) in args {
                match (m.variables.get(a), kind) {
                    (None, _) => findings.push(Finding {
                        file: file.clone(),
                        message: format!("module \"{label}\": argument `{a}` is not a variable of {source}"),
                    }),
                    (Some((_, ty)), Some(kind)) if !fits(*kind, ty) => findings.push(Finding {
                        file: file.clone(),
                        message: format!(
                            "module \"{label}\": argument `{a}` is a {kind:?} literal but {source} declares it `{ty}`"
                        ),
                    }),
                    _ => {}
                }
            }
            for (v, _) in m
                .variables
                .iter()
                .filter(|(v, (has_default, _))| !*has_default && !args.contains_key(*v))
            {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("module \"{label}\": required variable `{v}` of {source} is not set"),
                });
            }
        }
    }
    let mut used: BTreeMap<&Path, BTreeSet<String>> = BTreeMap::new();
    for (path, dir, references) in &refs {
        let Some(d) = own.get(dir) else { continue };
        let used = used.entry(dir.as_path()).or_default();
        for r in references {
            use references::Reference::*;
            match r {
                Var(v) => used.insert(format!("var.{v}")),
                Local(l) => used.insert(format!("local.{l}")),
                Address(a, _) => used.insert(a.clone()),
                Module(..) => false,
            };
        }
        for r in references {
            if let Some(message) = unresolved(r, d, dir, &lookup) {
                findings.push(Finding {
                    file: path.clone(),
                    message,
                });
            }
        }
    }
    // tflint's unused_declarations: every variable, local and data source is read somewhere.
    for (dir, d) in &own {
        let used = used.get(dir.as_path());
        for (name, file) in &d.origins {
            if !used.is_some_and(|u| u.contains(name)) {
                findings.push(Finding {
                    file: file.clone(),
                    message: format!("`{name}` is declared but never used"),
                });
            }
        }
    }
    // Deployability rules (src/verify/rules/), over these files and the base's.
    let sources = rules::Sources::new(files, bodies);
    findings.extend(rules::check(&sources, &base.sources));
    (findings, Index { dirs: own, sources })
}

fn unresolved<'d>(
    r: &references::Reference,
    d: &Declared,
    dir: &Path,
    lookup: &impl Fn(&Path) -> Option<&'d Declared>,
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
                let m = lookup(&normalize(&dir.join(source)))?;
                (!m.outputs.contains(out))
                    .then(|| format!("reference module.{label}.{out}: {source} has no output `{out}`"))
            }
        },
        _ => None,
    }
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
            ("modules/m/variables.tf", "variable \"a\" {\n  type = string\n}\n\nvariable \"n\" {\n  type    = number\n  default = 1\n}\n"),
            ("modules/m/outputs.tf", "output \"o\" {\n  value = var.a\n}\n"),
            ("x/primary/main.tf", "module \"m\" {\n  source = \"../../modules/m\"\n\n  b = var.nope\n  n = \"3\"\n}\n\noutput \"p\" {\n  value = module.m.q\n}\n"),
        ]);
        let msgs: Vec<String> = verify(&files).iter().map(|f| f.message.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("argument `b` is not a variable")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("required variable `a`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("var.nope")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("has no output `q`")), "{msgs:?}");
        assert!(
            msgs.iter()
                .any(|m| m.contains("argument `n` is a String literal but ../../modules/m declares it `number`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn the_index_lists_resource_types_of_a_module_and_its_children() {
        let files = set(&[
            ("modules/db/main.tf", "module \"common\" {\n  source = \"../common\"\n}\n\nephemeral \"random_password\" \"p\" {\n  length = 8\n}\n\nresource \"aws_db_instance\" \"this\" {\n  instance_class = \"db.t3.micro\"\n  password_wo    = ephemeral.random_password.p.result\n}\n"),
            ("modules/common/main.tf", "data \"aws_region\" \"here\" {}\n\nresource \"aws_security_group\" \"this\" {\n  description = data.aws_region.here.region\n}\n\nresource \"aws_db_subnet_group\" \"this\" {\n  subnet_ids = []\n}\n"),
        ]);
        let (findings, index) = verify_against(&files, &Index::default());
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            index.resource_types(Path::new("modules/db")),
            [
                "aws_db_instance",
                "aws_db_subnet_group",
                "aws_security_group",
                "random_password"
            ]
        );
        assert_eq!(
            index.resource_types(Path::new("modules/common")),
            ["aws_db_subnet_group", "aws_security_group"]
        );
        assert!(index.resource_types(Path::new("modules/none")).is_empty());
    }

    #[test]
    fn splits_canonical_files_at_top_level_structures() {
        let text = "# c\nlocals {\n  a = {\n  }\n}\n\nx = [\n]\nmodule \"m\" {}\n";
        let chunks: Vec<(usize, &str)> = top_level_chunks(text);
        assert_eq!(
            chunks,
            vec![
                (1, "# c\n"),
                (2, "locals {\n  a = {\n  }\n}\n\n"),
                (7, "x = [\n]\n"),
                (9, "module \"m\" {}\n")
            ]
        );
    }

    #[test]
    fn an_unparseable_block_in_a_canonical_file_is_found() {
        let files = set(&[("a/main.tf", "locals {\n  a = 1\n}\n\nresource \"x\" {\n  b = = 2\n}\n")]);
        let msgs: Vec<String> = verify(&files).iter().map(|f| f.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("does not parse as HCL (structure starting at line 5)")),
            "{msgs:?}"
        );
    }

    #[test]
    fn flags_unused_declarations() {
        let files = set(&[("m/main.tf", "variable \"a\" {\n  type = string\n}\n\nlocals {\n  b = 1\n}\n\ndata \"aws_region\" \"here\" {}\n\noutput \"o\" {\n  value = local.b\n}\n")]);
        let msgs: Vec<String> = verify(&files).iter().map(|f| f.message.clone()).collect();
        assert!(
            msgs.contains(&"`var.a` is declared but never used".to_string()),
            "{msgs:?}"
        );
        assert!(
            msgs.contains(&"`data.aws_region.here` is declared but never used".to_string()),
            "{msgs:?}"
        );
        assert!(!msgs.iter().any(|m| m.contains("local.b")), "{msgs:?}");
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
