//! Verification by structure (`acmegen render`): a root holds thousands of
//! module calls, variables and outputs that differ only in names and
//! values. Blocks of one *shape* — the same block type, the same lines with
//! the same keys, the same kinds of values in the same places — are emitted
//! by the same code from the same kind of typed plan, so one of them is
//! parsed in full and the rest are read by their canonical layout: label,
//! arguments and the kind of each literal value, which is all the
//! declaration and reference checks need. `acmegen verify`, `acmegen check`
//! and the tests still parse every byte and run the deployability rules.
//!
//! The layout reading is checked against the parse of each shape's first
//! block; where they disagree, every block of that shape is parsed.

use super::references::ident_char;
use super::Literal;
use crate::fnv::Fnv;
use crate::lexer::{classify, Class};
use std::hash::{Hash, Hasher};

/// What the layout of one top-level block says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Shape {
    /// `module "label"`: its source and arguments (meta-arguments excluded),
    /// each with the kind of its value when that is a literal.
    Module {
        label: String,
        source: String,
        args: super::ModuleArgs,
    },
    /// `variable "name"`: whether it has a default, and its type as written
    /// on the `type` line.
    Variable {
        name: String,
        has_default: bool,
        ty: String,
    },
    /// `output "name"`.
    Output { name: String },
}

/// The block types read by structure; every other block is always parsed.
pub(super) fn is_repeated(chunk: &str) -> bool {
    let header = header(chunk);
    ["module \"", "variable \"", "output \""]
        .iter()
        .any(|p| header.starts_with(p))
}

/// The first line that is neither a comment nor blank: the block header.
fn header(chunk: &str) -> &str {
    chunk
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .unwrap_or("")
}

/// A hash of the block's shape, from its [`code`](super::references::code):
/// its lines with comments and string text dropped (interpolations kept),
/// the header without its label, the first word of each line kept (the
/// argument or block name), keywords kept, and every other word replaced by
/// `a` (a name) or `0` (a number).
pub(super) fn shape_key(code: &[u8]) -> u64 {
    use super::references::TEXT;
    let mut h = Fnv::default();
    let mut lines = code.split(|c| *c == b'\n');
    // The header without its label: `module "…" {`.
    for line in lines.by_ref() {
        if line.iter().all(|c| c.is_ascii_whitespace()) {
            continue;
        }
        line.split(|c| *c == b'"').next().hash(&mut h);
        break;
    }
    let mut out: Vec<u8> = Vec::with_capacity(128);
    for line in lines {
        out.clear();
        let mut first = true;
        let mut i = 0;
        while i < line.len() {
            let c = line[i];
            if ident_char(c) {
                let end = i + line[i..].iter().take_while(|c| ident_char(**c)).count();
                let w = &line[i..end];
                if first || matches!(w, b"true" | b"false" | b"null" | b"for" | b"in" | b"if") {
                    out.extend_from_slice(w);
                } else if w[0].is_ascii_digit() {
                    out.push(b'0');
                } else {
                    out.push(b'a');
                }
                first = false;
                i = end;
                continue;
            }
            if c != TEXT {
                out.push(c);
            }
            i += 1;
        }
        out.hash(&mut h);
    }
    h.finish()
}

/// The kind of a one-line literal value as written, None for anything else
/// (or a value that continues on the next lines, other than `[`/`{`).
fn literal_kind(value: &str) -> Option<Literal> {
    let v = value.trim();
    match v {
        "null" => return Some(Literal::Null),
        "true" | "false" => return Some(Literal::Bool),
        "[" => return Some(Literal::List),
        "{" => return Some(Literal::Object),
        _ => {}
    }
    if v.starts_with('"') {
        // A string literal: after its opening quote nothing is code again,
        // and its closing quote is the last byte.
        let (mut code_after_open, mut last) = (false, None);
        classify(v.as_bytes(), |i, _, class| {
            if i > 0 && class == Class::Code {
                code_after_open = true;
            }
            last = Some((i, class));
        });
        let closes_at_end = last == Some((v.len() - 1, Class::Text)) && v.len() > 1;
        return (!code_after_open && closes_at_end).then_some(Literal::String);
    }
    if v.parse::<f64>().is_ok() && v.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return Some(Literal::Number);
    }
    if (v.starts_with('[') && v.ends_with(']') && !v.starts_with("[for ")) && bracket_closes_at_end(v, b'[', b']') {
        return Some(Literal::List);
    }
    if (v.starts_with('{') && v.ends_with('}') && !v.starts_with("{for ")) && bracket_closes_at_end(v, b'{', b'}') {
        return Some(Literal::Object);
    }
    None
}

/// Whether the bracket opened at the start of `v` closes at its last byte.
fn bracket_closes_at_end(v: &str, open: u8, close: u8) -> bool {
    let mut depth = 0i32;
    let mut closed_at = None;
    classify(v.as_bytes(), |i, c, class| {
        if class != Class::Code || closed_at.is_some() {
            return;
        }
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                closed_at = Some(i);
            }
        }
    });
    closed_at == Some(v.len() - 1)
}

/// The quoted label of a header line (`module "x" {` → `x`).
fn label(header: &str) -> Option<String> {
    let rest = header.split_once('"')?.1;
    Some(rest.split_once('"')?.0.to_string())
}

/// The body's own arguments (two-space indent in canonical layout):
/// `(key, value text on the key's line)`.
fn arguments(chunk: &str) -> impl Iterator<Item = (&str, &str)> {
    chunk.lines().filter_map(|l| {
        let rest = l.strip_prefix("  ")?;
        if rest.starts_with(' ') || !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let (key, value) = rest.split_once('=')?;
        let key = key.trim_end();
        if !key.bytes().all(ident_char) || value.starts_with('=') {
            return None;
        }
        Some((key, value.trim()))
    })
}

/// Read a block of a repeated type by its layout.
pub(super) fn read(chunk: &str) -> Option<Shape> {
    let header = header(chunk);
    let name = label(header)?;
    if header.starts_with("module \"") {
        let mut source = String::new();
        let mut args = Vec::new();
        for (key, value) in arguments(chunk) {
            if key == "source" {
                source = value.trim_matches('"').to_string();
            } else if !super::META_ARGS.contains(&key) {
                args.push((key.to_string(), literal_kind(value)));
            }
        }
        args.sort();
        return Some(Shape::Module {
            label: name,
            source,
            args: std::sync::Arc::new(args),
        });
    }
    if header.starts_with("variable \"") {
        let mut has_default = false;
        let mut ty = String::new();
        for (key, value) in arguments(chunk) {
            match key {
                "default" => has_default = true,
                "type" => ty = value.to_string(),
                _ => {}
            }
        }
        return Some(Shape::Variable { name, has_default, ty });
    }
    header.starts_with("output \"").then_some(Shape::Output { name })
}

/// What the parse of a block says, in the same terms as [`read`], so the
/// two can be compared on each shape's first block.
pub(super) fn from_parse(b: &hcl::Block) -> Option<Shape> {
    let name = b.labels().first()?.as_str().to_string();
    let attr = |k: &str| b.body().attributes().find(|a| a.key() == k);
    Some(match b.identifier() {
        "module" => {
            let mut args: Vec<(String, Option<Literal>)> = b
                .body()
                .attributes()
                .filter(|a| !super::META_ARGS.contains(&a.key()))
                .map(|a| (a.key().to_string(), super::literal(a.expr())))
                .collect();
            args.sort();
            Shape::Module {
                label: name,
                source: attr("source")
                    .map(|a| a.expr().to_string().trim_matches('"').to_string())
                    .unwrap_or_default(),
                args: std::sync::Arc::new(args),
            }
        }
        "variable" => Shape::Variable {
            name,
            has_default: attr("default").is_some(),
            ty: attr("type").map(|a| a.expr().to_string()).unwrap_or_default(),
        },
        "output" => Shape::Output { name },
        _ => return None,
    })
}

/// Whether the layout reading `read` of a block agrees with its parse
/// `parsed` in everything verification uses (a variable's type only as far
/// as which literals it accepts).
pub(super) fn agrees(read: &Shape, parsed: &Shape) -> bool {
    match (read, parsed) {
        (
            Shape::Variable { name, has_default, ty },
            Shape::Variable {
                name: n2,
                has_default: d2,
                ty: t2,
            },
        ) => {
            use Literal::*;
            name == n2
                && has_default == d2
                && [Null, Bool, Number, String, List, Object]
                    .iter()
                    .all(|k| super::fits(*k, ty) == super::fits(*k, t2))
        }
        _ => read == parsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_that_differ_in_names_and_values_share_a_shape() {
        let a = "# vm a\nmodule \"vm_a\" {\n  source = \"../../modules/vm\"\n\n  name  = \"x-a-1\"\n  count = var.vm_a_count\n  port  = 8080\n  sgs   = [module.alb_a.id, \"${local.p}-a\"]\n}\n";
        let b = "# vm bb\nmodule \"vm_bb\" {\n  source = \"../../modules/vm\"\n\n  name  = \"y-bb-22\"\n  count = var.vm_bb_count\n  port  = 80\n  sgs   = [module.alb_b.id, \"${local.q}-bb\"]\n}\n";
        let key = |t: &str| shape_key(&super::super::references::code(t));
        assert_eq!(key(a), key(b));
        let other_kind = a.replace("port  = 8080", "port  = var.p");
        assert_ne!(key(a), key(&other_kind));
        let other_key = a.replace("port  = 8080", "pork  = 8080");
        assert_ne!(key(a), key(&other_key));
        let more = a.replace("module.alb_a.id,", "module.alb_a.id, module.c.id,");
        assert_ne!(key(a), key(&more));
    }

    #[test]
    fn the_layout_reading_agrees_with_the_parse() {
        let text = "module \"m\" {\n  source = \"../../modules/vm\"\n  count  = var.on ? 1 : 0\n\n  providers = {\n    aws = aws.dr\n  }\n\n  name   = \"a \\\" } b\"\n  n      = 3\n  b      = true\n  z      = null\n  e      = \"${var.x}\"\n  l      = [\"a\", \"b\"]\n  ml     = [\n    module.x.y,\n  ]\n  o      = { a = 1 }\n  f      = [for x in var.l : x]\n  c      = var.a == \"b\" ? 1 : 2\n  j      = jsonencode({ a = 1 })\n  s      = \"a\" == var.b\n  mo     = {\n    k = \"v\"\n  }\n\n  depends_on = [module.x]\n}\n";
        let body: hcl::Body = hcl::parse(text).unwrap();
        let parsed = from_parse(body.blocks().next().unwrap()).unwrap();
        let read = read(text).unwrap();
        assert_eq!(read, parsed);
        let var = "variable \"v\" {\n  description = \"x = y\"\n  type = object({\n    a = string\n  })\n  default = {\n    a = \"b\"\n  }\n}\n";
        let body: hcl::Body = hcl::parse(var).unwrap();
        let parsed = from_parse(body.blocks().next().unwrap()).unwrap();
        assert!(agrees(&super::read(var).unwrap(), &parsed), "{:?}", super::read(var));
    }

    #[test]
    fn a_disagreement_is_seen() {
        let text = "module \"m\" {\n  source = \"../../modules/vm\"\n\n  n = -1\n}\n";
        let body: hcl::Body = hcl::parse(text).unwrap();
        let parsed = from_parse(body.blocks().next().unwrap()).unwrap();
        // `-1` is not read as a number literal by layout; whatever the parse
        // says, `agrees` compares the two exactly.
        assert_eq!(agrees(&read(text).unwrap(), &parsed), read(text).unwrap() == parsed);
    }

    #[test]
    fn every_repeated_block_of_the_shipped_tree_reads_as_it_parses() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "tf") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for (_, chunk) in super::super::top_level_chunks(&text) {
                if !is_repeated(chunk) {
                    continue;
                }
                let body: hcl::Body = hcl::parse(chunk).unwrap();
                let parsed = from_parse(body.blocks().next().unwrap()).unwrap();
                let read = read(chunk).unwrap();
                assert!(
                    agrees(&read, &parsed),
                    "{}: {read:?} vs {parsed:?}",
                    entry.path().display()
                );
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} blocks found under generated/");
    }
}
