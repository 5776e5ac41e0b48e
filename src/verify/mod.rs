//! Stage 5: check rendered Terraform before it is written. Every file must
//! parse with hcl-rs and already be in canonical layout; every module call
//! must pass only (and all required) variables of its module; every
//! reference (`var.`, `local.`, `module.`, resource, data and ephemeral
//! addresses) must resolve inside its own directory; and every AWS
//! `resource`/`data` block may use only argument and block names of the
//! provider schema (see [`schema`]), references only its attributes; and the
//! deployability rules of [`rules`] find nothing.

pub(crate) mod module_index;
mod parts;
mod references;
pub mod rules;
mod structure;
pub mod written;
use rules::tree::normalize;
pub mod schema;

use crate::emit::FileSet;
use crate::format::format_hcl;
use hcl::{Block, Body};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// How deeply files are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Every file is parsed whole and checked for canonical layout, and the
    /// deployability rules ([`rules`]) run: `acmegen verify`, `acmegen
    /// check`, the tests.
    Full,
    /// By structure (`acmegen render`): blocks the emitter wrote from the
    /// typed plan are taken at its word once the first of their skeleton in
    /// the file read the same from its text ([`written`]); other module
    /// calls, variables and outputs of one shape are parsed once and
    /// otherwise read by their canonical layout ([`structure`]); every other
    /// block is parsed; declarations,
    /// module arguments, literal types and references are checked as in
    /// [`Depth::Full`]; layout and the deployability rules are left to
    /// `check`/`verify`, which CI and the pre-commit hook run.
    Structural,
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
    origins: BTreeMap<String, Arc<Path>>,
    /// Module label → (source, arguments, file).
    modules: BTreeMap<String, (String, ModuleArgs, Arc<Path>)>,
}

const META_ARGS: [&str; 5] = ["source", "count", "for_each", "providers", "depends_on"];

/// Arguments of a module call, sorted by name: each with the value's kind
/// when it is a literal. Shared: the calls of one skeleton have the same
/// arguments (see [`written`]), and `render` keeps them once.
type ModuleArgs = Arc<Vec<ModuleArg>>;

/// One argument of a module call: its name and, for a literal, its kind.
type ModuleArg = (String, Option<Literal>);

/// Whether `args` sets `name`.
fn sets(args: &ModuleArgs, name: &str) -> bool {
    args.binary_search_by(|(n, _)| n.as_str().cmp(name)).is_ok()
}

/// The kind of a literal argument value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

fn collect(body: &Body, file: &Arc<Path>, d: &mut Declared) {
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
                d.origins.insert(format!("var.{}", label(b, 0)), file.clone());
                d.variables.insert(label(b, 0), (has_default, ty));
            }
            "output" => {
                d.outputs.insert(label(b, 0));
            }
            "locals" => {
                for a in b.body().attributes() {
                    d.origins.insert(format!("local.{}", a.key()), file.clone());
                    d.locals.insert(a.key().to_string());
                }
            }
            "resource" => {
                d.addresses.insert(format!("{}.{}", label(b, 0), label(b, 1)));
            }
            "data" => {
                let address = format!("data.{}.{}", label(b, 0), label(b, 1));
                d.origins.insert(address.clone(), file.clone());
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
                let mut args: Vec<_> = b
                    .body()
                    .attributes()
                    .filter(|a| !META_ARGS.contains(&a.key()))
                    .map(|a| (a.key().to_string(), literal(a.expr())))
                    .collect();
                args.sort();
                let args = Arc::new(args);
                d.modules
                    .insert(label(b, 0), (source.trim_matches('"').to_string(), args, file.clone()));
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
    /// Lines of written blocks whose text said otherwise than the emitter
    /// (see [`written`]).
    disagreed: Vec<usize>,
}

/// Record what the layout reading of a repeated block declares.
fn declare(shape: structure::Shape, file: &Arc<Path>, d: &mut Declared) {
    match shape {
        structure::Shape::Module { label, source, args } => {
            d.modules.insert(label, (source, args, file.clone()));
        }
        structure::Shape::Variable { name, has_default, ty } => {
            d.origins.insert(format!("var.{name}"), file.clone());
            d.variables.insert(name, (has_default, ty));
        }
        structure::Shape::Output { name } => {
            d.outputs.insert(name);
        }
    }
}

/// What reading one file found so far.
struct FileCheck<'a> {
    path: &'a Path,
    /// The same path, shared by every declaration of the file.
    file: Arc<Path>,
    depth: Depth,
    findings: Vec<Finding>,
    declared: Declared,
    /// By structure: the references of each chunk, as it is read.
    refs: Vec<references::Reference>,
    /// Shapes of repeated blocks seen in this file: true when their layout
    /// reading agreed with the parse of the first one.
    shapes: crate::fnv::FnvMap<u64, bool>,
    /// Full: the parsed structures, for the deployability rules.
    structures: Vec<hcl::Structure>,
    /// Lines of written blocks whose text said otherwise than the emitter.
    disagreed: Vec<usize>,
    /// Compare every written block with its text, not only the first of
    /// each skeleton (tests).
    recheck: bool,
}

impl FileCheck<'_> {
    /// Read one top-level structure starting at `line`.
    fn chunk(&mut self, line: usize, chunk: &str) {
        // Blank lines between blocks hold nothing to check.
        if chunk.bytes().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        let path = self.path;
        let mut first_of_shape = None;
        if self.depth == Depth::Structural {
            // One pass over the chunk's code gives its references and its shape.
            let code = references::code(chunk);
            self.refs.extend(references::scan_code(&code));
            if structure::is_repeated(chunk) {
                let key = structure::shape_key(&code);
                match self.shapes.get(&key) {
                    Some(true) => {
                        if let Some(shape) = structure::read(chunk) {
                            declare(shape, &self.file, &mut self.declared);
                            return;
                        }
                    }
                    Some(false) => {}
                    None => first_of_shape = Some(key),
                }
            }
        }
        // A large module call or output is parsed in parts (see `parts`);
        // they declare what the whole block does.
        let in_parts = (self.depth == Depth::Structural && structure::is_repeated(chunk))
            .then(|| parts::parse(chunk))
            .flatten();
        match in_parts.map_or_else(|| hcl::parse(chunk), Ok) {
            Ok(body) => {
                // Data sources scoped to a `check` block are checked like the others.
                let scoped = body
                    .blocks()
                    .filter(|b| b.identifier() == "check")
                    .flat_map(|c| c.body().blocks().filter(|b| b.identifier() == "data"));
                let blocks = body.blocks().filter(|b| matches!(b.identifier(), "resource" | "data"));
                for b in blocks.chain(scoped) {
                    let problems = schema::check_block(b.identifier(), b);
                    self.findings.extend(problems.into_iter().map(|message| Finding {
                        file: path.to_path_buf(),
                        message,
                    }));
                }
                if let Some(key) = first_of_shape {
                    let parsed = body.blocks().next().and_then(structure::from_parse);
                    let read = structure::read(chunk);
                    let agrees = matches!((&read, &parsed), (Some(r), Some(p)) if structure::agrees(r, p));
                    self.shapes.insert(key, agrees && body.blocks().count() == 1);
                }
                collect(&body, &self.file, &mut self.declared);
                if self.depth == Depth::Full {
                    self.structures.extend(body.into_inner());
                }
            }
            Err(e) => self.findings.push(Finding {
                file: path.to_path_buf(),
                message: format!("does not parse as HCL (structure starting at line {line}): {e}"),
            }),
        }
    }

    /// Read `text` (starting at `line`) chunk by chunk.
    fn chunks(&mut self, line: usize, text: &str) {
        for (n, chunk) in top_level_chunks(text) {
            self.chunk(line + n - 1, chunk);
        }
    }

    /// Read a block the emitter wrote (`w`, at `line`): at the emitter's word
    /// when the first block of its skeleton in this file said the same as
    /// its text, else from its text (the first one: and compare).
    fn written(
        &mut self,
        line: usize,
        block: &str,
        w: written::Written,
        confirmed: &mut crate::fnv::FnvMap<u64, bool>,
    ) {
        // The line of the block's first text (its range starts with the blank line before it).
        let first_line = line + block.len() - block.trim_start_matches('\n').len();
        match confirmed.get(&w.key).copied().filter(|_| !self.recheck) {
            Some(true) if w.frames(block) => {
                self.refs.extend(w.references);
                declare(w.shape, &self.file, &mut self.declared);
            }
            Some(true) => {
                // Not laid out as the emitter said: read from its text.
                self.disagreed.push(first_line);
                self.chunks(line, block);
            }
            Some(false) => self.chunks(line, block),
            None => {
                if self.recheck {
                    // Every block parsed, none read by layout.
                    self.shapes.clear();
                }
                let (declared, findings, refs) =
                    (std::mem::take(&mut self.declared), self.findings.len(), self.refs.len());
                self.chunks(line, block);
                let read = std::mem::replace(&mut self.declared, declared);
                let framed = w.frames(block);
                let mut said = Declared::default();
                declare(w.shape, &self.file, &mut said);
                let same = self.findings.len() == findings
                    && self.refs[refs..] == w.references[..]
                    && same_declarations(&read, &said)
                    && framed;
                if !same {
                    self.disagreed.push(first_line);
                }
                confirmed.insert(w.key, same);
                merge(&mut self.declared, read);
            }
        }
    }
}

/// Whether two readings of a block declare the same (a variable's type
/// only as far as which literals it accepts).
fn same_declarations(a: &Declared, b: &Declared) -> bool {
    use Literal::*;
    let types_fit = |x: &str, y: &str| {
        [Null, Bool, Number, String, List, Object]
            .iter()
            .all(|k| fits(*k, x) == fits(*k, y))
    };
    a.variables.len() == b.variables.len()
        && a.variables
            .iter()
            .zip(&b.variables)
            .all(|((n1, (d1, t1)), (n2, (d2, t2)))| n1 == n2 && d1 == d2 && types_fit(t1, t2))
        && a.outputs == b.outputs
        && a.locals == b.locals
        && a.addresses == b.addresses
        && a.origins == b.origins
        && a.modules == b.modules
}

/// Parse one file and run every check that needs only that file; by
/// structure, the blocks the emitter wrote from the plan (`written`, in
/// file order) are read as [`written`] says.
fn check_file(path: &Path, text: &str, depth: Depth, written: Vec<written::Written>, recheck: bool) -> FileResult {
    let canonical = depth == Depth::Structural || format_hcl(text) == *text;
    let mut file = FileCheck {
        path,
        file: Arc::from(path),
        depth,
        findings: Vec::new(),
        declared: Declared::default(),
        refs: Vec::new(),
        shapes: crate::fnv::FnvMap::default(),
        structures: Vec::new(),
        disagreed: Vec::new(),
        recheck,
    };
    if !canonical {
        file.findings.push(Finding {
            file: path.to_path_buf(),
            message: "is not in canonical (terraform fmt) layout".into(),
        });
        // Not canonical: the file can only be parsed whole.
        file.chunk(1, text);
    } else if depth == Depth::Structural {
        // In canonical layout every top-level structure starts at column 0,
        // so each can be read alone: the file parses exactly when they all do.
        let mut confirmed = crate::fnv::FnvMap::default();
        let (mut at, mut line) = (0usize, 1usize);
        for w in written {
            let Some(block) = text.get(w.start..w.end).filter(|_| w.start >= at) else {
                file.findings.push(Finding {
                    file: path.to_path_buf(),
                    message: format!(
                        "the emitter placed a block at bytes {}..{} that the file does not hold (a bug)",
                        w.start, w.end
                    ),
                });
                continue;
            };
            let gap = &text[at..w.start];
            file.chunks(line, gap);
            line += newlines(gap);
            let end = w.end;
            file.written(line, block, w, &mut confirmed);
            line += newlines(block);
            at = end;
        }
        file.chunks(line, &text[at..]);
    } else {
        // Only one block's syntax tree is alive at a time.
        file.chunks(1, text);
    }
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    FileResult {
        dir,
        findings: file.findings,
        declared: file.declared,
        references: if depth == Depth::Full {
            references::scan(text)
        } else {
            file.refs
        },
        body: hcl::Body(file.structures),
        disagreed: file.disagreed,
    }
}

fn newlines(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count()
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
fn check_files(
    files: &FileSet,
    depth: Depth,
    mut writings: written::Writings,
    recheck: bool,
) -> Vec<(PathBuf, FileResult)> {
    let mut tf: Vec<(&PathBuf, &String, Vec<written::Written>)> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
        .map(|(p, t)| (p, t, writings.remove(p).unwrap_or_default()))
        .collect();
    tf.sort_by_key(|(_, t, _)| std::cmp::Reverse(t.len()));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(tf.len().max(1));
    type Job<'f> = (&'f PathBuf, &'f String, Vec<written::Written>);
    let mut buckets: Vec<(usize, Vec<Job<'_>>)> = (0..workers).map(|_| (0, Vec::new())).collect();
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
                        .map(|(p, t, w)| (p.clone(), check_file(p, t, depth, w, recheck)))
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
    // A whole map moves when `into`'s is empty: the files of a root mostly
    // declare one kind each (calls, variables, outputs).
    macro_rules! take_or_extend {
        ($($field:ident),*) => {$(
            if into.$field.is_empty() {
                into.$field = from.$field;
            } else {
                into.$field.extend(from.$field);
            }
        )*};
    }
    take_or_extend!(variables, outputs, locals, addresses, modules, origins);
}

/// Verify a self-contained file set; an empty result means it passed.
pub fn verify(files: &FileSet) -> Vec<Finding> {
    verify_against(files, &Index::default()).0
}

/// Verify `files`, resolving module sources against `base` as well as
/// against `files` themselves. Returns the findings and the index of `files`.
pub fn verify_against(files: &FileSet, base: &Index) -> (Vec<Finding>, Index) {
    verify_to_depth(files, base, Depth::Full)
}

/// [`verify_against`] to `depth`: [`Depth::Structural`] runs no
/// deployability rules and returns an index without their sources.
pub fn verify_to_depth(files: &FileSet, base: &Index, depth: Depth) -> (Vec<Finding>, Index) {
    verify_written(files, written::Writings::new(), base, depth)
}

/// [`verify_to_depth`], where by structure the blocks `writings` lists
/// are read as the emitter says it wrote them (see [`written`]); a full
/// verification ignores `writings`.
pub fn verify_written(
    files: &FileSet,
    writings: written::Writings,
    base: &Index,
    depth: Depth,
) -> (Vec<Finding>, Index) {
    let writings = if depth == Depth::Full {
        written::Writings::new()
    } else {
        writings
    };
    let mut findings = Vec::new();
    let mut own: BTreeMap<PathBuf, Declared> = BTreeMap::new();
    let mut refs = Vec::new();
    let mut bodies = Vec::new();
    for (path, r) in check_files(files, depth, writings, false) {
        findings.extend(r.findings);
        bodies.push((path.clone(), r.body));
        merge(own.entry(r.dir.clone()).or_default(), r.declared);
        refs.push((path, r.dir, r.references));
    }
    let lookup = |dir: &Path| own.get(dir).or_else(|| base.dirs.get(dir));
    for (dir, d) in &own {
        // Module sources resolved once per directory, not per call.
        let mut resolved: crate::fnv::FnvMap<&str, Option<&Declared>> = crate::fnv::FnvMap::default();
        // Calls of one module with one shared argument list (see
        // `written::SharedArgs`) are checked once, while they pass.
        let mut passed: crate::fnv::FnvSet<(*const Declared, *const ModuleArg)> = crate::fnv::FnvSet::default();
        for (label, (source, args, file)) in &d.modules {
            let found = *resolved
                .entry(source.as_str())
                .or_insert_with(|| lookup(&normalize(&dir.join(source))));
            let Some(m) = found else {
                findings.push(Finding {
                    file: file.to_path_buf(),
                    message: format!("module \"{label}\": source {source} is not a rendered module"),
                });
                continue;
            };
            let call = (m as *const Declared, args.as_ptr());
            if passed.contains(&call) {
                continue;
            }
            let before = findings.len();
            for (a, kind) in args.iter() {
                match (m.variables.get(a), kind) {
                    (None, _) => findings.push(Finding {
                        file: file.to_path_buf(),
                        message: format!("module \"{label}\": argument `{a}` is not a variable of {source}"),
                    }),
                    (Some((_, ty)), Some(kind)) if !fits(*kind, ty) => findings.push(Finding {
                        file: file.to_path_buf(),
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
                .filter(|(v, (has_default, _))| !*has_default && !sets(args, v))
            {
                findings.push(Finding {
                    file: file.to_path_buf(),
                    message: format!("module \"{label}\": required variable `{v}` of {source} is not set"),
                });
            }
            if findings.len() == before {
                passed.insert(call);
            }
        }
    }
    // What each directory reads: (`var`, name), (`local`, name) or ("", address).
    let mut used: BTreeMap<&Path, crate::fnv::FnvSet<(&str, &str)>> = BTreeMap::new();
    for (path, dir, references) in &refs {
        let Some(d) = own.get(dir) else { continue };
        let used = used.entry(dir.as_path()).or_default();
        for r in references {
            use references::Reference::*;
            match r {
                Var(v) => used.insert(("var", v)),
                Local(l) => used.insert(("local", l)),
                Address(a, _) => used.insert(("", a)),
                Module(..) => false,
            };
        }
        // Module sources resolved once per directory, not per reference.
        let mut sources: crate::fnv::FnvMap<String, Option<&Declared>> = crate::fnv::FnvMap::default();
        let mut module_of = |source: &str| -> Option<&Declared> {
            if let Some(m) = sources.get(source) {
                return *m;
            }
            let m = lookup(&normalize(&dir.join(source)));
            sources.insert(source.to_string(), m);
            m
        };
        for r in references {
            if let Some(message) = unresolved(r, d, &mut module_of) {
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
            let read = match (name.strip_prefix("var."), name.strip_prefix("local.")) {
                (Some(v), _) => ("var", v),
                (_, Some(l)) => ("local", l),
                _ => ("", name.as_str()),
            };
            if !used.is_some_and(|u| u.contains(&read)) {
                findings.push(Finding {
                    file: file.to_path_buf(),
                    message: format!("`{name}` is declared but never used"),
                });
            }
        }
    }
    // Deployability rules (src/verify/rules/), over these files and the base's.
    let sources = if depth == Depth::Full {
        let sources = rules::Sources::new(files, bodies);
        findings.extend(rules::check(&sources, &base.sources));
        sources
    } else {
        rules::Sources::default()
    };
    (findings, Index { dirs: own, sources })
}

/// Where the text of `files` said otherwise than `writings` (file, first
/// line of the block), so the blocks of that skeleton were read from their
/// text: empty when every skeleton's first block agreed with the emitter
/// (`every`: when every block, each parsed, agreed — what `render` takes on
/// trust, checked by the tests).
pub fn written_disagreements(files: &FileSet, writings: written::Writings, every: bool) -> Vec<(PathBuf, usize)> {
    check_files(files, Depth::Structural, writings, every)
        .into_iter()
        .flat_map(|(path, r)| r.disagreed.into_iter().map(move |line| (path.clone(), line)))
        .collect()
}

fn unresolved<'d>(
    r: &references::Reference,
    d: &Declared,
    module_of: &mut impl FnMut(&str) -> Option<&'d Declared>,
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
                let m = module_of(source)?;
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

    /// Three calls of one shape: only the first is parsed by structure.
    fn same_shape_calls(third: &str) -> FileSet {
        let call =
            |l: &str| format!("module \"{l}\" {{\n  source = \"../../modules/m\"\n\n  a = var.{l}\n  n = 1\n}}\n");
        let main = format!("{}\n{}\n{third}", call("x"), call("y"));
        let vars = ["x", "y", "z"]
            .iter()
            .map(|v| format!("variable \"{v}\" {{\n  description = \"d\"\n  type        = string\n}}\n"))
            .collect::<Vec<_>>()
            .join("\n");
        set(&[
            (
                "modules/m/variables.tf",
                "variable \"a\" {\n  type = string\n}\n\nvariable \"n\" {\n  type    = number\n  default = 1\n}\n",
            ),
            (
                "modules/m/outputs.tf",
                "output \"o\" {\n  value = var.a\n}\n\noutput \"n\" {\n  value = var.n\n}\n",
            ),
            ("x/primary/main.tf", &main),
            ("x/primary/variables.tf", &vars),
        ])
    }

    fn structural(files: &FileSet) -> Vec<String> {
        by_writings(files, written::Writings::new())
    }

    #[test]
    fn by_structure_a_clean_tree_passes_and_defects_in_unparsed_blocks_are_found() {
        let clean = "module \"z\" {\n  source = \"../../modules/m\"\n\n  a = var.z\n  n = 2\n}\n";
        assert_eq!(structural(&same_shape_calls(clean)), Vec::<String>::new());
        // Each defect sits in a block whose shape was parsed already
        // (the third call), unless said otherwise.
        let cases = [
            (
                "  a = var.z\n  n = 2",
                "  b = var.z\n  n = 2",
                "argument `b` is not a variable",
            ),
            (
                "  a = var.z\n  n = 2",
                "  a = var.nope\n  n = 2",
                "reference var.nope: no such variable",
            ),
            ("  a = var.z\n  n = 2", "  a = module.x.q\n  n = 2", "has no output `q`"),
            // (a missing argument changes the shape: that block is parsed)
            ("  a = var.z\n  n = 2", "  n = 2", "required variable `a`"),
            (
                "  a = var.z\n  n = 2",
                "  a = var.z\n  n = \"2\"",
                "is a String literal",
            ),
            (
                "\"../../modules/m\"",
                "\"../../modules/gone\"",
                "is not a rendered module",
            ),
        ];
        for (from, to, expected) in cases {
            let third = clean.replace(from, to);
            let found = structural(&same_shape_calls(&third));
            assert!(found.iter().any(|m| m.contains(expected)), "{to}: {found:?}");
        }
        // A new shape is parsed: its syntax error is found.
        let broken = "module \"z\" {\n  source = \"../../modules/m\"\n\n  a = var.z +\n}\n";
        let found = structural(&same_shape_calls(broken));
        assert!(found.iter().any(|m| m.contains("does not parse")), "{found:?}");
    }

    /// [`same_shape_calls`] with `third`, and what the emitter says it
    /// wrote in main.tf: three calls, each `a = var.<label>`, `n = 1`.
    fn with_writings(third: &str) -> (FileSet, written::Writings) {
        let files = same_shape_calls(third);
        let main = &files[Path::new("x/primary/main.tf")];
        let mut at = 0;
        let mut said = Vec::new();
        let mut shared = written::SharedArgs::default();
        for label in ["x", "y", "z"] {
            let end = main[at + 1..].find("}\n").map_or(main.len(), |i| at + 1 + i + 2);
            said.push(written::Written::module(
                (at, end),
                label,
                "../../modules/m",
                None,
                &[
                    ("a".into(), crate::plan::Expr::var(label)),
                    ("n".into(), crate::plan::Expr::Num(1)),
                ],
                false,
                false,
                &mut shared,
            ));
            at = end;
        }
        (
            files,
            written::Writings::from([(PathBuf::from("x/primary/main.tf"), said)]),
        )
    }

    fn by_writings(files: &FileSet, writings: written::Writings) -> Vec<String> {
        verify_written(files, writings, &Index::default(), Depth::Structural)
            .0
            .iter()
            .map(|f| f.to_string())
            .collect()
    }

    #[test]
    fn the_emitters_word_is_taken_once_the_first_block_of_its_skeleton_agrees() {
        let clean = "module \"z\" {\n  source = \"../../modules/m\"\n\n  a = var.z\n  n = 1\n}\n";
        let (files, writings) = with_writings(clean);
        assert_eq!(written_disagreements(&files, writings.clone(), false), vec![]);
        assert_eq!(by_writings(&files, writings), Vec::<String>::new());

        // The first block's text says otherwise than the emitter: the
        // disagreement is seen, every block of that skeleton is read from its
        // text, and the text's defect is found.
        let (mut files, writings) = with_writings(clean);
        let main = files.get_mut(Path::new("x/primary/main.tf")).unwrap();
        *main = main.replacen("a = var.x", "a = var.q", 1);
        assert_eq!(
            written_disagreements(&files, writings.clone(), false),
            vec![(PathBuf::from("x/primary/main.tf"), 1)]
        );
        let found = by_writings(&files, writings);
        assert!(
            found.iter().any(|m| m.contains("reference var.q: no such variable")),
            "{found:?}"
        );

        // After the first block agreed, a later block is taken at the
        // emitter's word (that is the trust `render` places in it); the full
        // verification of `check`, `verify` and the tests still reads it.
        let (files, writings) = with_writings(&clean.replace("var.z", "var.q"));
        assert_eq!(by_writings(&files, writings), Vec::<String>::new());
        assert!(structural(&files).iter().any(|m| m.contains("var.q")));
        assert!(verify(&files).iter().any(|f| f.message.contains("var.q")));

        // A block placed outside the file is a bug, reported as one.
        let (files, mut writings) = with_writings(clean);
        let said = writings.get_mut(Path::new("x/primary/main.tf")).unwrap();
        said[2].end = 1 << 20;
        let found = by_writings(&files, writings);
        assert!(
            found.iter().any(|m| m.contains("the emitter placed a block")),
            "{found:?}"
        );
    }

    #[test]
    fn calls_that_share_an_argument_list_are_each_reported() {
        // x, y and z share one argument list; the module lacks `a`.
        let (mut files, writings) =
            with_writings("module \"z\" {\n  source = \"../../modules/m\"\n\n  a = var.z\n  n = 1\n}\n");
        let said = &writings[Path::new("x/primary/main.tf")];
        let args = |i: usize| match &said[i].shape {
            structure::Shape::Module { args, .. } => args.clone(),
            _ => unreachable!(),
        };
        assert!(Arc::ptr_eq(&args(0), &args(2)));
        files.insert(
            PathBuf::from("modules/m/variables.tf"),
            "variable \"n\" {\n  type    = number\n  default = 1\n}\n".to_string(),
        );
        files.insert(
            PathBuf::from("modules/m/outputs.tf"),
            "output \"n\" {\n  value = var.n\n}\n".to_string(),
        );
        let found = by_writings(&files, writings);
        for label in ["x", "y", "z"] {
            let message =
                format!("x/primary/main.tf: module \"{label}\": argument `a` is not a variable of ../../modules/m");
            assert!(found.contains(&message), "{label}: {found:?}");
        }
    }
}
