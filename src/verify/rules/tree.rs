//! Read-only views of a rendered tree for the deployability rules: the parsed
//! `.tf` files grouped by directory (a module or a root), the other rendered
//! files as text (RUNBOOK.md, `terraform.tfvars.example`, `tests/*.tftest.hcl`),
//! and small helpers over hcl-rs expressions.

use crate::emit::FileSet;
use hcl::{Block, Body, Expression};
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One rendered file: its text and, for HCL files, its parse (made by the
/// other checks for `.tf` files, on first use for test files and examples).
#[derive(Debug)]
pub struct Source {
    text: String,
    body: OnceLock<Option<Body>>,
}

impl Source {
    fn body(&self) -> Option<&Body> {
        self.body.get_or_init(|| hcl::parse(&self.text).ok()).as_ref()
    }
}

/// The rendered files the rules see (owned, so that the shared modules can be
/// kept in the verification index and read again when roots are verified).
#[derive(Debug, Default)]
pub struct Sources {
    files: BTreeMap<PathBuf, Source>,
}

/// Whether the rules read `path` (HCL parsed, or text).
fn is_rule_input(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.ends_with(".tf") || name.ends_with(".tftest.hcl") || name.ends_with(".tfvars.example") || name.ends_with(".md")
}

impl Sources {
    /// The sources of `files`, with the `.tf` parses already made by the
    /// other verification checks (`parsed`); test files and tfvars examples
    /// are parsed when a rule first reads them, other files kept as text.
    pub fn new(files: &FileSet, parsed: Vec<(PathBuf, Body)>) -> Sources {
        let mut parsed: BTreeMap<PathBuf, Body> = parsed.into_iter().collect();
        let mut out = BTreeMap::new();
        for (path, text) in files.iter().filter(|(p, _)| is_rule_input(p)) {
            let name = path.to_string_lossy();
            let body = OnceLock::new();
            if name.ends_with(".tf") {
                body.set(parsed.remove(path)).expect("a new cell");
            } else if !(name.ends_with(".hcl") || name.ends_with(".example")) {
                body.set(None).expect("a new cell");
            }
            out.insert(
                path.clone(),
                Source {
                    text: text.clone(),
                    body,
                },
            );
        }
        Sources { files: out }
    }
}

/// The files being verified plus those verified earlier (the shared modules),
/// grouped by directory. Findings are reported only for the former.
pub struct Tree<'a> {
    files: BTreeMap<&'a Path, &'a Source>,
    new: BTreeSet<&'a Path>,
    dirs: BTreeMap<&'a Path, DirData<'a>>,
}

/// Module label → (address of a block reading one of its outputs, the output).
type Reads = HashMap<String, Vec<(String, String)>>;

/// One directory's blocks, indexed by what references name.
struct DirData<'a> {
    files: Vec<&'a Path>,
    blocks: Vec<Item<'a>>,
    /// `(identifier, label 0, label 1)` → position in `blocks`.
    index: HashMap<(&'a str, &'a str, &'a str), usize>,
    locals: HashMap<&'a str, &'a Expression>,
    module_reads: OnceCell<Reads>,
}

impl<'a> DirData<'a> {
    fn new(files: Vec<&'a Path>, sources: &BTreeMap<&'a Path, &'a Source>) -> DirData<'a> {
        let mut blocks = Vec::new();
        for file in files
            .iter()
            .copied()
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        {
            if let Some(body) = sources.get(file).and_then(|s| s.body()) {
                blocks.extend(body.blocks().map(|block| Item { file, block }));
            }
        }
        let mut index = HashMap::new();
        let mut locals = HashMap::new();
        for (i, item) in blocks.iter().enumerate() {
            let id = item.block.identifier();
            if id == "locals" {
                for a in item.block.body().attributes() {
                    locals.insert(a.key(), a.expr());
                }
            }
            index.entry((id, item.label(0), item.label(1))).or_insert(i);
        }
        DirData {
            files,
            blocks,
            index,
            locals,
            module_reads: OnceCell::new(),
        }
    }
}

impl<'a> Tree<'a> {
    /// A view of `own` (being verified) over `base` (verified earlier).
    pub fn new(own: &'a Sources, base: &'a Sources) -> Tree<'a> {
        let mut files: BTreeMap<&'a Path, &'a Source> = BTreeMap::new();
        for (p, s) in base.files.iter().chain(own.files.iter()) {
            files.insert(p.as_path(), s);
        }
        let mut grouped: BTreeMap<&'a Path, Vec<&'a Path>> = BTreeMap::new();
        for p in files.keys() {
            grouped.entry(p.parent().unwrap_or(Path::new(""))).or_default().push(p);
        }
        let dirs = grouped.into_iter().map(|(d, f)| (d, DirData::new(f, &files))).collect();
        Tree {
            files,
            new: own.files.keys().map(PathBuf::as_path).collect(),
            dirs,
        }
    }

    /// Whether `file` is among the files being verified.
    pub fn is_new(&self, file: &Path) -> bool {
        self.new.contains(file)
    }

    /// Text of `file`.
    pub fn text(&self, file: &Path) -> Option<&'a str> {
        self.files.get(file).map(|s| s.text.as_str())
    }

    /// Parse of `file` (HCL files only).
    pub fn body(&self, file: &Path) -> Option<&'a Body> {
        self.files.get(file).and_then(|s| s.body())
    }

    /// Every module call, in any directory, of the module at `path`.
    pub fn callers(&'a self, path: &'a Path) -> Vec<Call<'a>> {
        self.dirs()
            .flat_map(|d| d.calls().collect::<Vec<_>>())
            .filter(|c| c.source_dir() == path)
            .collect()
    }

    /// Every directory holding `.tf` files.
    pub fn dirs(&'a self) -> impl Iterator<Item = Dir<'a>> + 'a {
        self.dirs
            .keys()
            .filter_map(move |d| self.dir(d))
            .filter(|d| !d.tf_files().is_empty())
    }

    /// The directory `path`, if it holds rendered files.
    pub fn dir(&'a self, path: &Path) -> Option<Dir<'a>> {
        let (path, data) = self.dirs.get_key_value(path)?;
        Some(Dir { tree: self, path, data })
    }

    /// 1-based number of the first line of `file` at or after `from` that
    /// contains `needle` (`from` when none does).
    pub fn line_of(&self, file: &Path, from: usize, needle: &str) -> usize {
        self.text(file)
            .and_then(|t| {
                t.lines()
                    .enumerate()
                    .skip(from.saturating_sub(1))
                    .find(|(_, l)| l.contains(needle))
                    .map(|(n, _)| n + 1)
            })
            .unwrap_or(from.max(1))
    }
}

/// A top-level block of a directory and the file declaring it.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    /// File declaring the block.
    pub file: &'a Path,
    /// The block.
    pub block: &'a Block,
}

impl<'a> Item<'a> {
    /// Header as written, e.g. `resource "aws_kms_key" "this"`.
    pub fn header(&self) -> String {
        header(self.block)
    }

    /// Body of the block.
    pub fn body(&self) -> &'a Body {
        self.block.body()
    }

    /// Label `i` (type or name).
    pub fn label(&self, i: usize) -> &'a str {
        self.block.labels().get(i).map(|l| l.as_str()).unwrap_or_default()
    }

    /// Address a reference uses: `aws_kms_key.this`, `data.t.n`, `module.m`.
    pub fn address(&self) -> String {
        match self.block.identifier() {
            "data" => format!("data.{}.{}", self.label(0), self.label(1)),
            "module" => format!("module.{}", self.label(0)),
            _ => format!("{}.{}", self.label(0), self.label(1)),
        }
    }

    /// Argument `key` of the block.
    pub fn attr(&self, key: &str) -> Option<&'a Expression> {
        attr(self.block.body(), key)
    }
}

/// `resource "t" "n"`, `module "m"`, `statement`.
pub fn header(b: &Block) -> String {
    let mut h = b.identifier().to_string();
    for l in b.labels() {
        h.push_str(&format!(" \"{}\"", l.as_str()));
    }
    h
}

/// A module call of a directory.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    /// The `module` block.
    pub item: Item<'a>,
    dir: Dir<'a>,
}

impl<'a> Call<'a> {
    /// Label of the call.
    pub fn label(&self) -> &'a str {
        self.item.label(0)
    }

    /// Argument `name` of the call.
    pub fn arg(&self, name: &str) -> Option<&'a Expression> {
        self.item.attr(name)
    }

    /// The directory making the call.
    pub fn caller(&self) -> Dir<'a> {
        self.dir
    }

    /// Header line of the call.
    pub fn line(&self) -> usize {
        self.dir.line(&self.item)
    }

    /// The literal boolean the call gives variable `name` (argument or
    /// module default), if it is one.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.value(name)? {
            Expression::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Normalized directory of the called module.
    pub fn source_dir(&self) -> PathBuf {
        let source = self.arg("source").map(text).unwrap_or_default();
        normalize(&self.dir.path.join(source))
    }

    /// Last component of the source, e.g. `kms` for `../../modules/kms`.
    pub fn kind(&self) -> String {
        self.source_dir()
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    }

    /// The called module.
    pub fn module(&self) -> Option<Dir<'a>> {
        self.dir.tree.dir(&self.source_dir())
    }

    /// The value the call gives variable `name`: its argument, or else the
    /// module's default for it.
    pub fn value(&self, name: &str) -> Option<&'a Expression> {
        self.arg(name).or_else(|| {
            self.module()
                .and_then(|m| m.variable(name))
                .and_then(|v| v.attr("default"))
        })
    }
}

/// One directory (a module or a root) of the tree.
#[derive(Clone, Copy)]
pub struct Dir<'a> {
    tree: &'a Tree<'a>,
    /// Path of the directory.
    pub path: &'a Path,
    data: &'a DirData<'a>,
}

impl<'a> Dir<'a> {
    /// The tree this directory belongs to.
    pub fn tree(&self) -> &'a Tree<'a> {
        self.tree
    }

    /// The `.tf` files of the directory.
    pub fn tf_files(&self) -> Vec<&'a Path> {
        self.data
            .files
            .iter()
            .copied()
            .filter(|p| p.extension().is_some_and(|e| e == "tf"))
            .collect()
    }

    /// Whether this is a root (it configures a provider), not a module.
    pub fn is_root(&self) -> bool {
        self.blocks().any(|i| i.block.identifier() == "provider")
    }

    /// Every top-level block of the directory's `.tf` files.
    pub fn blocks(&self) -> impl Iterator<Item = Item<'a>> + 'a {
        self.data.blocks.iter().copied()
    }

    /// `resource` blocks of type `ty`.
    pub fn resources(&self, ty: &'a str) -> impl Iterator<Item = Item<'a>> + 'a {
        self.blocks()
            .filter(move |i| i.block.identifier() == "resource" && i.label(0) == ty)
    }

    /// `data` blocks of type `ty`.
    pub fn data(&self, ty: &'a str) -> impl Iterator<Item = Item<'a>> + 'a {
        self.blocks()
            .filter(move |i| i.block.identifier() == "data" && i.label(0) == ty)
    }

    /// The block a reference such as `aws_iam_role.node.arn` or
    /// `data.aws_iam_policy_document.key.json` points at.
    pub fn referenced(&self, reference: &str) -> Option<Item<'a>> {
        let parts: Vec<&str> = reference.split(['.', '[']).collect();
        let key = match parts.as_slice() {
            ["data", ty, name, ..] => ("data", *ty, *name),
            [ty, name, ..] => ("resource", *ty, *name),
            _ => return None,
        };
        self.data.index.get(&key).map(|&i| self.data.blocks[i])
    }

    /// `variable "name"`.
    pub fn variable(&self, name: &str) -> Option<Item<'a>> {
        self.data
            .index
            .get(&("variable", name, ""))
            .map(|&i| self.data.blocks[i])
    }

    /// Value of `local.name`.
    pub fn local(&self, name: &str) -> Option<&'a Expression> {
        self.data.locals.get(name).copied()
    }

    /// Text of `e` with `local.x` references replaced by the locals' texts
    /// (a few levels deep), so that a rule can see what a value is built from.
    pub fn resolved(&self, e: &Expression) -> String {
        self.resolve_text(&text(e))
    }

    /// [`Dir::resolved`] on an expression's text.
    pub fn resolve_text(&self, t: &str) -> String {
        let mut s = t.to_string();
        for _ in 0..3 {
            let Some(start) = s.find("local.") else { break };
            let name: String = s[start + 6..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(value) = self.local(&name) else { break };
            s = s.replacen(&format!("local.{name}"), &format!("({})", text(value)), 1);
        }
        s
    }

    /// Module calls of the directory.
    pub fn calls(&self) -> impl Iterator<Item = Call<'a>> + 'a {
        let dir = *self;
        self.blocks()
            .filter(|i| i.block.identifier() == "module")
            .map(move |item| Call { item, dir })
    }

    /// The call `module.label`.
    pub fn call(&self, label: &str) -> Option<Call<'a>> {
        let i = *self.data.index.get(&("module", label, ""))?;
        Some(Call {
            item: self.data.blocks[i],
            dir: *self,
        })
    }

    /// The top-level blocks that read an output of module call `label`: the
    /// reading block's address and the output read.
    pub fn reads_of(&self, label: &str) -> &'a [(String, String)] {
        let reads = self.data.module_reads.get_or_init(|| {
            let mut reads = Reads::new();
            for item in &self.data.blocks {
                let mut found = Vec::new();
                for a in item.block.body().attributes() {
                    module_reads(a.expr(), &mut found);
                }
                for (label, output) in found {
                    reads.entry(label).or_default().push((item.address(), output));
                }
            }
            reads
        });
        reads.get(label).map(Vec::as_slice).unwrap_or_default()
    }

    /// The module called by the reader at `address` (`module.x` → the module
    /// call `x` sources), as [`Dir::reads_of`] names readers; None for
    /// readers that are not module calls.
    pub fn module_at(&self, address: &str) -> Option<Dir<'a>> {
        self.call(address.strip_prefix("module.")?)?.module()
    }

    /// The call whose output `e` reads (`module.x.out` → call `x`).
    pub fn call_read_by(&self, e: &Expression) -> Option<Call<'a>> {
        let t = text(e);
        let rest = t.trim_start_matches(['[', '(']).strip_prefix("module.")?;
        let label: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        self.call(&label)
    }

    /// A sibling file of the directory (e.g. `terraform.tfvars.example`), or
    /// one of its parent (e.g. `RUNBOOK.md`).
    pub fn text_of(&self, name: &str) -> Option<&'a str> {
        self.tree
            .text(&self.path.join(name))
            .or_else(|| self.path.parent().and_then(|p| self.tree.text(&p.join(name))))
    }

    /// The parse of a file of the directory (e.g. `terraform.tfvars.example`).
    pub fn body_of(&self, name: &str) -> Option<&'a Body> {
        self.tree.body(&self.path.join(name))
    }

    /// 1-based line of the header of `item`.
    pub fn line(&self, item: &Item<'_>) -> usize {
        self.tree.line_of(item.file, 1, &format!("{} {{", item.header()))
    }

    /// Region of the root's default `aws` provider (a literal, or the
    /// default of the variable it names).
    pub fn region(&self) -> Option<String> {
        let provider = self
            .blocks()
            .find(|i| i.block.identifier() == "provider" && i.label(0) == "aws" && i.attr("alias").is_none())?;
        let region = provider.attr("region")?;
        let t = text(region);
        match t.strip_prefix("var.") {
            Some(v) => self.variable(v)?.attr("default").map(text),
            None => Some(t),
        }
    }
}

/// `(module label, output)` of every `module.<label>.<output>` that `e` reads.
fn module_reads(e: &Expression, out: &mut Vec<(String, String)>) {
    use hcl::expr::{Operation, TraversalOperator};
    match e {
        Expression::Traversal(t) => {
            if let (Expression::Variable(v), Some(TraversalOperator::GetAttr(label))) = (&t.expr, t.operators.first()) {
                if v.as_str() == "module" {
                    let output = match t.operators.get(1) {
                        Some(TraversalOperator::GetAttr(o)) => o.to_string(),
                        _ => String::new(),
                    };
                    out.push((label.to_string(), output));
                }
            }
            module_reads(&t.expr, out);
            for op in &t.operators {
                if let TraversalOperator::Index(i) = op {
                    module_reads(i, out);
                }
            }
        }
        Expression::TemplateExpr(t) => {
            let raw = t.to_string();
            let mut rest = raw.as_str();
            while let Some(i) = rest.find("module.") {
                let ident = |s: &str| -> String {
                    s.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                        .collect()
                };
                let label = ident(&rest[i + 7..]);
                rest = &rest[i + 7 + label.len()..];
                out.push((label, rest.strip_prefix('.').map(ident).unwrap_or_default()));
            }
        }
        Expression::Array(v) => v.iter().for_each(|x| module_reads(x, out)),
        Expression::Object(o) => o.values().for_each(|x| module_reads(x, out)),
        Expression::FuncCall(f) => f.args.iter().for_each(|x| module_reads(x, out)),
        Expression::Parenthesis(x) => module_reads(x, out),
        Expression::Conditional(c) => {
            module_reads(&c.cond_expr, out);
            module_reads(&c.true_expr, out);
            module_reads(&c.false_expr, out);
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => module_reads(&u.expr, out),
            Operation::Binary(b) => {
                module_reads(&b.lhs_expr, out);
                module_reads(&b.rhs_expr, out);
            }
        },
        Expression::ForExpr(f) => {
            module_reads(&f.collection_expr, out);
            if let Some(k) = &f.key_expr {
                module_reads(k, out);
            }
            module_reads(&f.value_expr, out);
            if let Some(c) = &f.cond_expr {
                module_reads(c, out);
            }
        }
        _ => {}
    }
}

/// Argument `key` of `body`.
pub fn attr<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.attributes().find(|a| a.key() == key).map(|a| a.expr())
}

/// Nested blocks `ident` of `body`.
pub fn blocks<'b>(body: &'b Body, ident: &'b str) -> impl Iterator<Item = &'b Block> + 'b {
    body.blocks().filter(move |b| b.identifier() == ident)
}

/// The text of a value: a string's contents, a template's raw text, or the
/// expression as HCL (`var.x`, `module.m.o`, `[...]`).
pub fn text(e: &Expression) -> String {
    match e {
        Expression::String(s) => s.clone(),
        Expression::TemplateExpr(t) => t.to_string(),
        other => other.to_string(),
    }
}

/// The first `var.x` an expression text reads (`x`).
pub fn first_var(t: &str) -> Option<String> {
    let i = t.find("var.")?;
    Some(
        t[i + 4..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

/// Elements of a list value (a single value counts as one element).
pub fn items(e: &Expression) -> Vec<&Expression> {
    match e {
        Expression::Array(v) => v.iter().collect(),
        other => vec![other],
    }
}

/// Texts of the elements of a list value.
pub fn texts(e: &Expression) -> Vec<String> {
    items(e).into_iter().map(text).collect()
}

/// Keys of an object value.
pub fn keys(e: &Expression) -> Vec<String> {
    match e {
        Expression::Object(o) => o.keys().map(|k| k.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The value of `key` in an object value.
pub fn entry<'e>(e: &'e Expression, key: &str) -> Option<&'e Expression> {
    match e {
        Expression::Object(o) => o.iter().find(|(k, _)| k.to_string() == key).map(|(_, v)| v),
        _ => None,
    }
}

/// The instance keys of a block's `for_each` when they can be read: the keys
/// of an object (written out, or the local it names) or the elements of
/// `toset([...])`.
pub fn for_each_keys(dir: &Dir<'_>, item: &Item<'_>) -> Option<Vec<String>> {
    let e = item.attr("for_each")?;
    if let Some(name) = text(e).strip_prefix("local.") {
        return dir.local(name).map(keys);
    }
    match e {
        Expression::Object(_) => Some(keys(e)),
        Expression::FuncCall(f) if f.name.to_string() == "toset" => f.args.first().map(texts),
        _ => None,
    }
}

/// Whether `e` is the literal `true`.
pub fn is_true(e: &Expression) -> bool {
    matches!(e, Expression::Bool(true))
}

/// Whether `e` is the literal `false`.
pub fn is_false(e: &Expression) -> bool {
    matches!(e, Expression::Bool(false))
}

/// Whether `e` is `null` or the empty list.
pub fn is_empty(e: &Expression) -> bool {
    match e {
        Expression::Null => true,
        Expression::Array(v) => v.is_empty(),
        _ => false,
    }
}

/// The variable a guard such as `var.x ? [1] : []` or `var.x ? 1 : 0`
/// switches on, with the value that turns the guarded thing on.
pub fn guard_variable(e: &Expression) -> Option<(String, bool)> {
    let Expression::Conditional(c) = e else { return None };
    let on = !is_empty(&c.true_expr) && !matches!(&c.true_expr, Expression::Number(n) if n.as_u64() == Some(0));
    let cond = text(&c.cond_expr);
    let (negated, cond) = match cond.strip_prefix('!') {
        Some(rest) => (true, rest.to_string()),
        None => (false, cond),
    };
    let name = cond.strip_prefix("var.")?;
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then(|| (name.to_string(), on != negated))
}

/// Whether something guarded by `guard` (a `count`, `for_each` or dynamic
/// block's `for_each` such as `var.x ? [1] : []`) exists, given the values of
/// `call` (or, without a call, the module's defaults); unknown counts as on.
pub fn guard_on(guard: Option<&Expression>, module: &Dir<'_>, call: Option<&Call<'_>>) -> bool {
    let Some((var, on)) = guard.and_then(guard_variable) else {
        return true;
    };
    let value = match call {
        Some(c) => c.value(&var),
        None => module.variable(&var).and_then(|v| v.attr("default")),
    };
    match value {
        Some(Expression::Bool(b)) => *b == on,
        _ => true,
    }
}

/// `p` with `..` and `.` resolved lexically.
pub fn normalize(p: &Path) -> PathBuf {
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

    #[test]
    fn texts_of_values_and_guards() {
        let body = hcl::parse(
            "a = \"x-${var.y}\"\nb = aws_iam_role.irsa[\"vpc_cni\"].arn\nc = var.on ? [1] : []\nd = !var.off ? 1 : 0\n",
        )
        .unwrap();
        assert_eq!(text(attr(&body, "a").unwrap()), "x-${var.y}");
        assert_eq!(text(attr(&body, "b").unwrap()), "aws_iam_role.irsa[\"vpc_cni\"].arn");
        assert_eq!(guard_variable(attr(&body, "c").unwrap()), Some(("on".into(), true)));
        assert_eq!(guard_variable(attr(&body, "d").unwrap()), Some(("off".into(), false)));
    }
}
