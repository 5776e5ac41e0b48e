//! Terraform JSON (`*.tf.json`, the form CDKTF synthesizes) of a root,
//! following Terraform's JSON configuration syntax: block types and labels
//! become nested objects, repeated blocks arrays, expressions strings
//! holding `${...}` (literal strings escape `${` as `$${`), the arguments
//! Terraform reads as references (`depends_on`, `providers`, `provider`,
//! `lifecycle` lists, `moved`/`import`/`removed` addresses) and a variable's
//! `type` plain strings, a variable's `default` a literal JSON value, and
//! the banner comments before each block `"//"` properties.
//!
//! The converter reads the HCL acmegen emitted (hcl-rs), so both formats
//! hold the same plan; the output is deterministic (source order kept).

use anyhow::{anyhow, Context, Result};
use hcl::expr::{Expression, ObjectKey, TemplateExpr};
use hcl::structure::{Block, Body, Structure};

/// A JSON value, with object properties in insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// null.
    Null,
    /// true or false.
    Bool(bool),
    /// A number, as written in the HCL.
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, properties in order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn push(obj: &mut Vec<(String, Json)>, key: &str, value: Json) {
        obj.push((key.to_string(), value));
    }

    /// Pretty text, two spaces per level, a final newline.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let pad = |out: &mut String, d: usize| out.extend(std::iter::repeat_n("  ", d));
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => out.push_str(&serde_json::to_string(s).expect("a string serializes")),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Obj(props) if props.is_empty() => out.push_str("{}"),
            Json::Arr(items) => {
                out.push_str("[\n");
                for (i, v) in items.iter().enumerate() {
                    pad(out, depth + 1);
                    v.write(out, depth + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, depth);
                out.push(']');
            }
            Json::Obj(props) => {
                out.push_str("{\n");
                for (i, (k, v)) in props.iter().enumerate() {
                    pad(out, depth + 1);
                    out.push_str(&serde_json::to_string(k).expect("a string serializes"));
                    out.push_str(": ");
                    v.write(out, depth + 1);
                    out.push_str(if i + 1 < props.len() { ",\n" } else { "\n" });
                }
                pad(out, depth);
                out.push('}');
            }
        }
    }
}

/// How the arguments of a block are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// A module call.
    Module,
    /// A resource or data source.
    Resource,
    /// A variable declaration.
    Variable,
    /// An output.
    Output,
    /// A `moved`, `import` or `removed` block.
    Address,
    /// A `lifecycle` block.
    Lifecycle,
    /// Anything else.
    Other,
}

/// The `*.tf.json` text of the HCL file `text` (`file` names it in errors).
pub fn convert(text: &str, file: &str) -> Result<String> {
    let body: Body = hcl::parse(text).with_context(|| format!("parsing {file}"))?;
    let comments = block_comments(text);
    let mut root: Vec<(String, Json)> = Vec::new();
    let mut loose: Vec<String> = Vec::new();
    let mut index = 0usize;
    let mut blocks: Vec<(String, Vec<String>, Json)> = Vec::new();
    let mut attrs: Vec<(String, Json)> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => attrs.push((a.key.to_string(), expr(&a.expr, Ctx::Other, &a.key)?)),
            Structure::Block(b) => {
                let comment = comments.get(index).cloned().flatten();
                index += 1;
                let ident = b.identifier.as_str();
                let ctx = match ident {
                    "module" => Ctx::Module,
                    "resource" | "data" => Ctx::Resource,
                    "variable" => Ctx::Variable,
                    "output" => Ctx::Output,
                    "moved" | "import" | "removed" => Ctx::Address,
                    _ => Ctx::Other,
                };
                let mut inner = block_body(b, ctx)?;
                let commentable = matches!(ctx, Ctx::Module | Ctx::Resource | Ctx::Variable | Ctx::Output)
                    || ident == "provider"
                    || ident == "check";
                match comment {
                    Some(c) if commentable => {
                        if let Json::Obj(props) = &mut inner {
                            props.insert(0, ("//".into(), Json::Str(c)));
                        }
                    }
                    Some(c) => loose.push(c),
                    None => {}
                }
                let labels = b.labels.iter().map(|l| l.as_str().to_string()).collect();
                blocks.push((ident.to_string(), labels, inner));
            }
        }
    }
    if !loose.is_empty() {
        Json::push(&mut root, "//", Json::Str(loose.join("\n\n")));
    }
    root.extend(attrs);
    nest(&mut root, blocks);
    Ok(Json::Obj(root).pretty())
}

/// Insert blocks (type, labels, body) into `obj`: one object level per
/// label; a block type and labels met twice become an array of bodies.
fn nest(obj: &mut Vec<(String, Json)>, blocks: Vec<(String, Vec<String>, Json)>) {
    for (ty, labels, body) in blocks {
        let mut path = vec![ty];
        path.extend(labels);
        insert(obj, &path, body);
    }
}

fn insert(obj: &mut Vec<(String, Json)>, path: &[String], body: Json) {
    let (first, rest) = path.split_first().expect("a block type");
    let at = obj.iter().position(|(k, _)| k == first);
    if rest.is_empty() {
        match at {
            None => obj.push((first.clone(), body)),
            Some(i) => {
                let prev = std::mem::replace(&mut obj[i].1, Json::Null);
                obj[i].1 = match prev {
                    Json::Arr(mut items) => {
                        items.push(body);
                        Json::Arr(items)
                    }
                    other => Json::Arr(vec![other, body]),
                };
            }
        }
        return;
    }
    let i = match at {
        Some(i) => i,
        None => {
            obj.push((first.clone(), Json::Obj(Vec::new())));
            obj.len() - 1
        }
    };
    if let Json::Obj(inner) = &mut obj[i].1 {
        insert(inner, rest, body);
    }
}

fn block_body(b: &Block, ctx: Ctx) -> Result<Json> {
    let mut props: Vec<(String, Json)> = Vec::new();
    let mut blocks = Vec::new();
    for s in b.body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                props.push((key.to_string(), expr(&a.expr, ctx, key)?));
            }
            Structure::Block(inner) => {
                let ident = inner.identifier.as_str();
                let inner_ctx = match (ctx, ident) {
                    (_, "lifecycle") => Ctx::Lifecycle,
                    (_, "data") | (_, "resource") => Ctx::Resource,
                    _ => Ctx::Other,
                };
                let labels = inner.labels.iter().map(|l| l.as_str().to_string()).collect();
                blocks.push((ident.to_string(), labels, block_body(inner, inner_ctx)?));
            }
        }
    }
    nest(&mut props, blocks);
    Ok(Json::Obj(props))
}

/// The JSON of attribute `key`'s expression in a block read as `ctx`.
fn expr(e: &Expression, ctx: Ctx, key: &str) -> Result<Json> {
    let reference = match (ctx, key) {
        (Ctx::Module | Ctx::Resource | Ctx::Output, "depends_on") => true,
        (Ctx::Resource, "provider") => true,
        (Ctx::Lifecycle, "ignore_changes" | "replace_triggered_by") => true,
        (Ctx::Address, "from" | "to" | "provider") => true,
        (Ctx::Variable, "type") => return Ok(Json::Str(hcl_text(e)?)),
        (Ctx::Variable, "default") => return literal(e),
        (Ctx::Module, "providers") => {
            return match e {
                Expression::Object(map) => Ok(Json::Obj(
                    map.iter()
                        .map(|(k, v)| {
                            Ok((
                                object_key(k).ok_or_else(|| anyhow!("providers key"))?,
                                Json::Str(hcl_text(v)?),
                            ))
                        })
                        .collect::<Result<_>>()?,
                )),
                _ => Err(anyhow!("`providers` is not an object")),
            };
        }
        _ => false,
    };
    if reference {
        return match e {
            Expression::Array(items) => Ok(Json::Arr(
                items
                    .iter()
                    .map(|i| hcl_text(i).map(Json::Str))
                    .collect::<Result<_>>()?,
            )),
            other => Ok(Json::Str(hcl_text(other)?)),
        };
    }
    value(e)
}

/// An expression as a JSON value whose strings are templates.
fn value(e: &Expression) -> Result<Json> {
    Ok(match e {
        Expression::Null => Json::Null,
        Expression::Bool(b) => Json::Bool(*b),
        Expression::Number(n) => Json::Num(n.to_string()),
        Expression::String(s) => Json::Str(escape_template(s)),
        Expression::TemplateExpr(t) => Json::Str(template(t)?),
        Expression::Array(items) => Json::Arr(items.iter().map(value).collect::<Result<_>>()?),
        Expression::Object(map) if map.keys().all(|k| object_key(k).is_some()) => Json::Obj(
            map.iter()
                .map(|(k, v)| Ok((escape_template(&object_key(k).expect("checked")), value(v)?)))
                .collect::<Result<_>>()?,
        ),
        other => Json::Str(format!("${{{}}}", hcl_text(other)?)),
    })
}

/// A literal value (a variable's default): strings are not templates.
fn literal(e: &Expression) -> Result<Json> {
    Ok(match e {
        Expression::Null => Json::Null,
        Expression::Bool(b) => Json::Bool(*b),
        Expression::Number(n) => Json::Num(n.to_string()),
        Expression::String(s) => Json::Str(s.clone()),
        Expression::Array(items) => Json::Arr(items.iter().map(literal).collect::<Result<_>>()?),
        Expression::Object(map) => Json::Obj(
            map.iter()
                .map(|(k, v)| {
                    Ok((
                        object_key(k).ok_or_else(|| anyhow!("a computed key in a default"))?,
                        literal(v)?,
                    ))
                })
                .collect::<Result<_>>()?,
        ),
        other => return Err(anyhow!("a variable default is not a literal: {}", hcl_text(other)?)),
    })
}

/// A literal object key.
fn object_key(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Identifier(i) => Some(i.as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The HCL text of an expression.
fn hcl_text(e: &Expression) -> Result<String> {
    hcl::format::to_string(e).map_err(|err| anyhow!("formatting an expression: {err}"))
}

/// A literal string as a JSON template: `${` and `%{` escaped.
fn escape_template(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// The template text of a quoted string or heredoc (HCL escapes resolved;
/// template escapes and interpolations kept as they are).
fn template(t: &TemplateExpr) -> Result<String> {
    match t {
        TemplateExpr::QuotedString(raw) => unescape(raw),
        TemplateExpr::Heredoc(h) => Ok(match h.strip {
            hcl::expr::HeredocStripMode::None => h.template.clone(),
            hcl::expr::HeredocStripMode::Indent => {
                let indent = h
                    .template
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.len() - l.trim_start_matches(' ').len())
                    .min()
                    .unwrap_or(0);
                let mut out = String::new();
                for line in h.template.split_inclusive('\n') {
                    let cut = line
                        .len()
                        .min(indent)
                        .min(line.len() - line.trim_start_matches(' ').len());
                    out.push_str(&line[cut..]);
                }
                out
            }
        }),
    }
}

/// Resolve the escapes of a quoted HCL string.
fn unescape(raw: &str) -> Result<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(u @ ('u' | 'U')) => {
                let n = if u == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(n).collect();
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| anyhow!("bad escape \\{u}{hex}"))?;
                out.push(ch);
            }
            other => {
                return Err(anyhow!(
                    "unknown escape \\{}",
                    other.map_or(String::new(), String::from)
                ))
            }
        }
    }
    Ok(out)
}

/// For each top-level block of `text`, in order, the `#` comment lines
/// right above its header (rules of `#` and `=` dropped), if any.
fn block_comments(text: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut pending: Vec<&str> = Vec::new();
    let mut depth = 0i64;
    for line in text.lines() {
        let trimmed = line.trim();
        if depth == 0 {
            if let Some(c) = trimmed.strip_prefix('#') {
                let c = c.strip_prefix(' ').unwrap_or(c);
                if !c.chars().all(|ch| ch == '#' || ch == '=' || ch == '-') || c.is_empty() {
                    pending.push(c);
                }
                depth += braces(line);
                continue;
            }
            if trimmed.is_empty() {
                pending.clear();
                continue;
            }
            if line.starts_with(|c: char| c.is_ascii_alphabetic()) && trimmed.ends_with('{') || trimmed.ends_with("{}")
            {
                let comment = pending.join("\n").trim().to_string();
                out.push((!comment.is_empty()).then_some(comment));
                pending.clear();
            }
        }
        depth += braces(line);
    }
    out
}

/// The change of brace depth a line makes (outside strings and comments).
fn braces(line: &str) -> i64 {
    let mut depth = 0;
    let mut in_str = false;
    let mut prev = ' ';
    for c in line.chars() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '#' if !in_str => break,
            '{' if !in_str => depth += 1,
            '}' if !in_str => depth -= 1,
            _ => {}
        }
        prev = c;
    }
    depth
}

/// The paths of a file set's Terraform files in JSON form: `x.tf` becomes
/// `x.tf.json`, except in the shared modules (plain HCL either way).
pub fn json_path(path: &std::path::Path) -> Option<std::path::PathBuf> {
    let name = path.to_str()?;
    if !name.ends_with(".tf") || path.starts_with("modules") {
        return None;
    }
    Some(std::path::PathBuf::from(format!("{name}.json")))
}

/// The file set in Terraform JSON: every root's `.tf` file as `.tf.json`
/// (never both in one root); modules, tests and everything else as they are.
pub fn to_json_files(files: &crate::emit::FileSet) -> Result<crate::emit::FileSet> {
    let mut out = crate::emit::FileSet::new();
    for (path, text) in files {
        match json_path(path) {
            Some(json) => {
                let converted = convert(text, &path.display().to_string())?;
                out.insert(json, converted);
            }
            None => {
                out.insert(path.clone(), text.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_expressions_references_and_comments_follow_the_json_syntax() {
        let hcl = r#"
# vpc (vpc): the network
module "vpc" {
  source = "../../modules/vpc"
  count  = var.on ? 1 : 0

  providers = {
    aws = aws.dr
  }

  name = "x-${var.region}"
  cidr = "10.0.0.0/16"
  tags = merge(local.tags, { Asset = "vpc" })
  list = ["a", var.b]
  lit  = "cost $${x}"

  depends_on = [module.kms]
}

variable "tags" {
  description = "Tags."
  type        = map(string)
  default     = { Team = "a" }

  validation {
    condition     = length(var.tags) < 10
    error_message = "Too \"many\"."
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}
"#;
        let j: serde_json::Value = serde_json::from_str(&convert(hcl, "t.tf").unwrap()).unwrap();
        let m = &j["module"]["vpc"];
        assert_eq!(m["//"], "vpc (vpc): the network");
        assert_eq!(m["count"], "${var.on ? 1 : 0}");
        assert_eq!(m["providers"]["aws"], "aws.dr");
        assert_eq!(m["name"], "x-${var.region}");
        assert_eq!(m["tags"], "${merge(local.tags, { Asset = \"vpc\" })}");
        assert_eq!(m["list"], serde_json::json!(["a", "${var.b}"]));
        assert_eq!(m["lit"], "cost $${x}");
        assert_eq!(m["depends_on"], serde_json::json!(["module.kms"]));
        let v = &j["variable"]["tags"];
        assert_eq!(v["type"], "map(string)");
        assert_eq!(v["default"], serde_json::json!({"Team": "a"}));
        assert_eq!(v["validation"]["condition"], "${length(var.tags) < 10}");
        assert_eq!(v["validation"]["error_message"], "Too \"many\".");
        assert_eq!(j["provider"]["aws"].as_array().unwrap().len(), 2);
        assert_eq!(j["provider"]["aws"][1]["alias"], "dr");
    }

    #[test]
    fn only_root_files_change_name() {
        use std::path::Path;
        assert_eq!(
            json_path(Path::new("x/primary/main.tf")).unwrap(),
            Path::new("x/primary/main.tf.json")
        );
        assert!(json_path(Path::new("modules/vpc/main.tf")).is_none());
        assert!(json_path(Path::new("x/primary/tests/apply.tftest.hcl")).is_none());
        assert!(json_path(Path::new("x/RUNBOOK.md")).is_none());
    }
}
