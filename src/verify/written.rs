//! What the emitter says it wrote: for each module call, variable and
//! output it wrote from the typed plan, the block's place in its file, what
//! the block declares and the references it holds, taken from the plan's
//! expressions instead of re-read from the text (`acmegen render`).
//!
//! The emitter's word is checked, not assumed: the first block of each
//! *skeleton* in a file (the same block type, source, argument names and
//! expression forms, and whether each name is plain and each string needs
//! no escaping; only names, strings and numbers differ) is read from its
//! text as any block is by structure — lexed for references, and parsed,
//! or read by its canonical layout when a block of the same shape was
//! parsed before it in the file — and has to say exactly what the emitter
//! said. Only then are the file's other blocks of that skeleton taken at
//! the emitter's word, each after a check of its frame (the header with its
//! label, indented lines, the closing brace: the range holds that one
//! block); where the text disagrees, every block of the skeleton is read
//! from its text. `acmegen verify`, `acmegen check` and the tests never
//! take the emitter's word, and `tests/written.rs` compares every block of
//! the shipped and benchmark inventories with its parsed text.

use super::references::Reference;
use super::structure::Shape;
use super::Literal;
use crate::fnv::Fnv;
use crate::plan::expr::{Expr, Part, Root, Step};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// One block written from the typed plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Byte range of the block in its file (with the blank line before it
    /// and a comment above it).
    pub(super) start: usize,
    pub(super) end: usize,
    /// The block's skeleton.
    pub(super) key: u64,
    /// What it declares.
    pub(super) shape: Shape,
    /// The references it holds, in text order.
    pub(super) references: Vec<Reference>,
}

/// The argument lists of the module calls written so far, by skeleton:
/// made once per skeleton, shared by its calls.
#[derive(Debug, Default)]
pub struct SharedArgs(crate::fnv::FnvMap<u64, super::ModuleArgs>);

/// The blocks written from the typed plan, by file (relative path, as in
/// the file set), in file order.
pub type Writings = BTreeMap<PathBuf, Vec<Written>>;

impl Written {
    /// The block's byte range in its file.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// `module "label"` at `start..end`, calling `source` with `args`
    /// (`count`, `depends_on` and a comment as given). The argument list it
    /// declares is taken from `shared` when a call of the same skeleton made
    /// it (the skeleton holds the argument names and their expressions'
    /// forms, hence their literal kinds).
    #[allow(clippy::too_many_arguments)]
    pub fn module(
        (start, end): (usize, usize),
        label: &str,
        source: &str,
        count: Option<&Expr>,
        args: &[(crate::plan::ArgName, Expr)],
        comment: bool,
        depends_on: bool,
        shared: &mut SharedArgs,
    ) -> Written {
        let mut h = Fnv::default();
        ("module", source, comment, depends_on, ident(label)).hash(&mut h);
        let mut references = Vec::new();
        match count {
            Some(c) => {
                1u8.hash(&mut h);
                skeleton(c, &mut h);
                references_of(c, &mut references);
            }
            None => 0u8.hash(&mut h),
        }
        for (name, value) in args {
            name.hash(&mut h);
            skeleton(value, &mut h);
            references_of(value, &mut references);
        }
        let key = h.finish();
        let args = shared
            .0
            .entry(key)
            .or_insert_with(|| {
                let mut declared: Vec<_> = args.iter().map(|(n, v)| (n.to_string(), literal_of(v))).collect();
                declared.sort();
                std::sync::Arc::new(declared)
            })
            .clone();
        Written {
            start,
            end,
            key,
            shape: Shape::Module {
                label: label.to_string(),
                source: source.to_string(),
                args,
            },
            references,
        }
    }

    /// `variable "name"` of type `ty` at `start..end`.
    pub fn variable(
        (start, end): (usize, usize),
        name: &str,
        ty: &str,
        default: Option<&Expr>,
        description: &str,
    ) -> Written {
        let mut h = Fnv::default();
        ("variable", ty, ident(name), plain(description)).hash(&mut h);
        let mut references = Vec::new();
        if let Some(d) = default {
            skeleton(d, &mut h);
            references_of(d, &mut references);
        }
        Written {
            start,
            end,
            key: h.finish(),
            shape: Shape::Variable {
                name: name.to_string(),
                has_default: default.is_some(),
                ty: ty.to_string(),
            },
            references,
        }
    }

    /// `output "name"` with `value` at `start..end`.
    pub fn output(
        (start, end): (usize, usize),
        name: &str,
        value: &Expr,
        sensitive: bool,
        description: &str,
    ) -> Written {
        let mut h = Fnv::default();
        ("output", sensitive, ident(name), plain(description)).hash(&mut h);
        skeleton(value, &mut h);
        let mut references = Vec::new();
        references_of(value, &mut references);
        Written {
            start,
            end,
            key: h.finish(),
            shape: Shape::Output { name: name.to_string() },
            references,
        }
    }

    /// The block's type and label.
    fn kind_and_name(&self) -> (&'static str, &str) {
        match &self.shape {
            Shape::Module { label, .. } => ("module", label),
            Shape::Variable { name, .. } => ("variable", name),
            Shape::Output { name } => ("output", name),
        }
    }

    /// The block's header line, `module "label" {`.
    pub fn header(&self) -> String {
        let (kind, name) = self.kind_and_name();
        format!("{kind} \"{name}\" {{")
    }

    /// Whether `block` (this block's text) is framed as one top-level block
    /// with this header: the blank line before it (if any), at most a
    /// comment line, the header, indented lines, the closing brace in column
    /// 0. Checked for every block taken at the emitter's word, so its range
    /// and label are those of the text.
    pub(super) fn frames(&self, block: &str) -> bool {
        let mut rest = block.strip_prefix('\n').unwrap_or(block);
        if rest.starts_with('#') {
            let Some((_, after)) = rest.split_once('\n') else {
                return false;
            };
            rest = after;
        }
        let (kind, name) = self.kind_and_name();
        let body = rest
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(" \""))
            .and_then(|r| r.strip_prefix(name))
            .and_then(|r| r.strip_prefix("\" {\n"));
        let Some(inner) = body.and_then(|b| b.strip_suffix("}\n")) else {
            return false;
        };
        // Every line inside is blank or indented: no other block starts.
        let bytes = inner.as_bytes();
        let opens = |at: usize| bytes.get(at).is_some_and(|b| *b != b' ' && *b != b'\n');
        !opens(0) && inner.match_indices('\n').all(|(at, _)| !opens(at + 1)) && bytes.last().is_none_or(|b| *b == b'\n')
    }
}

/// Whether `s` is written as it is inside a string literal: a string that
/// is not gets a skeleton of its own, so the first of those is read from
/// its text.
fn plain(s: &str) -> bool {
    crate::plan::expr::needs_no_escape(s)
}

/// Whether `s` is a plain name (letters, digits, `_`, `-`).
fn ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(super::references::ident_char)
}

/// The kind of literal `e` is written as, in the terms of the parse
/// (`None`: not a literal).
fn literal_of(e: &Expr) -> Option<Literal> {
    Some(match e {
        Expr::Null => Literal::Null,
        Expr::Bool(_) => Literal::Bool,
        Expr::Num(_) => Literal::Number,
        Expr::Str(_) | Expr::Template(_) => Literal::String,
        Expr::List(_) => Literal::List,
        Expr::Map(_) | Expr::InlineMap(_) => Literal::Object,
        Expr::Ref(_)
        | Expr::Call { .. }
        | Expr::Cond(..)
        | Expr::Eq(..)
        | Expr::Splat { .. }
        | Expr::Provider { .. } => return None,
    })
}

/// Hash the form of `e`: its variants, function names, object keys and
/// reference steps, not its names, strings or numbers.
fn skeleton(e: &Expr, h: &mut Fnv) {
    std::mem::discriminant(e).hash(h);
    match e {
        Expr::Str(s) => plain(s).hash(h),
        Expr::Num(_) | Expr::Bool(_) | Expr::Null => {}
        Expr::Splat { module, output } => (ident(module), ident(output)).hash(h),
        Expr::Provider { alias, .. } => ident(alias).hash(h),
        Expr::Ref(r) => {
            std::mem::discriminant(&r.root).hash(h);
            match &r.root {
                Root::Data(ty, name) => (ty, ident(name)).hash(h),
                Root::Var(n) | Root::Local(n) | Root::Module(n) => ident(n).hash(h),
            }
            for s in &r.steps {
                std::mem::discriminant(s).hash(h);
                match s {
                    Step::Attr(a) => ident(a).hash(h),
                    Step::Key(k) => plain(k).hash(h),
                    Step::Index(_) => {}
                }
            }
        }
        Expr::Template(parts) => {
            parts.len().hash(h);
            for p in parts {
                match p {
                    Part::Text(t) => (0u8, plain(t)).hash(h),
                    Part::Interp(e) => {
                        1u8.hash(h);
                        skeleton(e, h);
                    }
                }
            }
        }
        Expr::Call {
            function,
            args,
            multiline,
        } => {
            (function, multiline, args.len()).hash(h);
            args.iter().for_each(|a| skeleton(a, h));
        }
        Expr::Cond(c, t, f) => {
            skeleton(c, h);
            skeleton(t, h);
            skeleton(f, h);
        }
        Expr::Eq(l, r) => {
            skeleton(l, h);
            skeleton(r, h);
        }
        Expr::List(items) => {
            items.len().hash(h);
            items.iter().for_each(|i| skeleton(i, h));
        }
        Expr::Map(entries) | Expr::InlineMap(entries) => {
            entries.len().hash(h);
            for (k, v) in entries {
                k.hash(h);
                skeleton(v, h);
            }
        }
    }
}

/// The references the text of `e` holds, as the reference scan finds them
/// (`module.x` alone, provider configurations and string text are none).
fn references_of(e: &Expr, out: &mut Vec<Reference>) {
    match e {
        Expr::Ref(r) => {
            let first_attr = r.steps.iter().find_map(|s| match s {
                Step::Attr(a) => Some(a),
                Step::Index(_) | Step::Key(_) => None,
            });
            match &r.root {
                Root::Var(v) => out.push(Reference::Var(v.clone())),
                Root::Local(l) => out.push(Reference::Local(l.clone())),
                Root::Module(m) => {
                    if let Some(o) = first_attr {
                        out.push(Reference::Module(m.clone(), o.to_string()));
                    }
                }
                Root::Data(ty, name) => out.push(Reference::Address(
                    format!("data.{ty}.{name}"),
                    first_attr.map(|a| a.to_string()),
                )),
            }
        }
        Expr::Splat { module, output } => out.push(Reference::Module(module.clone(), output.clone())),
        Expr::Template(parts) => {
            for p in parts {
                if let Part::Interp(e) = p {
                    references_of(e, out);
                }
            }
        }
        Expr::Call { args, .. } => args.iter().for_each(|a| references_of(a, out)),
        Expr::Cond(c, t, f) => {
            references_of(c, out);
            references_of(t, out);
            references_of(f, out);
        }
        Expr::Eq(l, r) => {
            references_of(l, out);
            references_of(r, out);
        }
        Expr::List(items) => items.iter().for_each(|i| references_of(i, out)),
        Expr::Map(entries) | Expr::InlineMap(entries) => entries.iter().for_each(|(_, v)| references_of(v, out)),
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null | Expr::Provider { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_of_an_expression_are_those_the_scan_finds_in_its_text() {
        let e = Expr::List(vec![
            Expr::var("a"),
            Expr::module_first("db", "arn"),
            Expr::Ref(crate::plan::expr::Ref {
                root: Root::Module("facts".into()),
                steps: vec![Step::Attr("values".into()), Step::Key("dr/x.y".into())],
            }),
            Expr::Ref(crate::plan::expr::Ref {
                root: Root::Module("alone".into()),
                steps: vec![Step::Index(0)],
            }),
            Expr::template(vec![Part::Text("var.not ${".into()), Part::Interp(Expr::local("tags"))]),
            Expr::call("try", vec![Expr::var("b"), Expr::Null]),
            Expr::cond(Expr::var("c"), Expr::s("x"), Expr::Num(1)),
            Expr::Splat {
                module: "m".into(),
                output: "o".into(),
            },
            Expr::Ref(crate::plan::expr::Ref {
                root: Root::Data("aws_region", "current"),
                steps: vec![Step::Attr("region".into())],
            }),
            Expr::Provider {
                name: "aws",
                alias: "dr".into(),
            },
            Expr::InlineMap(vec![("k".into(), Expr::var("d"))]),
        ]);
        let mut from_plan = Vec::new();
        references_of(&e, &mut from_plan);
        assert_eq!(from_plan, super::super::references::scan(&e.render()));
        assert_eq!(from_plan.len(), 9);
    }

    #[test]
    fn the_skeleton_ignores_names_and_values_but_not_forms() {
        let m = |args: Vec<(&str, Expr)>, count: Option<Expr>, comment: bool, depends: bool| {
            let args: Vec<(crate::plan::ArgName, Expr)> =
                args.into_iter().map(|(n, e)| (n.to_string().into(), e)).collect();
            Written::module(
                (0, 0),
                "m",
                "vm",
                count.as_ref(),
                &args,
                comment,
                depends,
                &mut SharedArgs::default(),
            )
            .key
        };
        // The argument `n` in the form given, next to `v = var.a`.
        let n = |e: Expr| m(vec![("n", e), ("v", Expr::var("a"))], None, false, false);
        let base = n(Expr::s("x"));
        // Names, strings and numbers do not count.
        assert_eq!(
            base,
            m(vec![("n", Expr::s("yy")), ("v", Expr::var("bbb"))], None, false, false)
        );
        let template = |text: &str| Expr::template(vec![Part::Text(text.into()), Part::Interp(Expr::var("x"))]);
        // Forms do: each of these is another skeleton.
        let others = [
            n(Expr::Num(1)),
            m(vec![("m", Expr::s("x")), ("v", Expr::var("a"))], None, false, false),
            m(vec![("n", Expr::s("x")), ("v", Expr::local("a"))], None, false, false),
            m(
                vec![("n", Expr::s("x")), ("v", Expr::var("a"))],
                Some(Expr::Num(1)),
                false,
                false,
            ),
            m(vec![("n", Expr::s("x")), ("v", Expr::var("a"))], None, true, false),
            m(vec![("n", Expr::s("x")), ("v", Expr::var("a"))], None, false, true),
            n(Expr::s("x\"y")),
            n(Expr::s("${x}")),
            n(Expr::strs(["a"])),
            n(Expr::strs(["a", "b"])),
            n(Expr::InlineMap(vec![("k".into(), Expr::Null)])),
            n(Expr::InlineMap(vec![("j".into(), Expr::Null)])),
            n(template("a$")),
            n(template("a")),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(*k, base, "form {i} shares the base's skeleton");
        }
        // Lengths, keys and escaping tell forms of the same kind apart too.
        assert_ne!(others[8], others[9]);
        assert_ne!(others[10], others[11]);
        assert_ne!(others[12], others[13]);
        assert_ne!(others[6], base);
        // Variables and outputs: the type, a default, the description's
        // escaping and a plain name count; the description's words do not.
        let v = |name: &str, ty: &str, d: Option<Expr>, desc: &str| {
            Written::variable((0, 0), name, ty, d.as_ref(), desc).key
        };
        let plain = v("a", "string", None, "A name.");
        assert_eq!(plain, v("bb", "string", None, "Another name."));
        for other in [
            v("a", "number", None, "A name."),
            v("a", "string", Some(Expr::s("x")), "A name."),
            v("a", "string", None, "A \"quoted\" name."),
            v("a", "string", None, "A ${name}."),
            v("a b", "string", None, "A name."),
        ] {
            assert_ne!(plain, other);
        }
        let o = |value: Expr, sensitive: bool, desc: &str| Written::output((0, 0), "o", &value, sensitive, desc).key;
        let plain = o(Expr::var("a"), false, "Out.");
        assert_eq!(plain, o(Expr::var("bcd"), false, "Other."));
        assert_ne!(plain, o(Expr::var("a"), true, "Out."));
        assert_ne!(plain, o(Expr::module("m", "x"), false, "Out."));
        assert_ne!(plain, o(Expr::var("a"), false, "50% out."));
    }

    #[test]
    fn tricky_strings_reference_what_their_text_references() {
        for text in [
            "${x}",
            "%{ if a }",
            "a\\b",
            "a\"b",
            "ends$",
            "ends%",
            "ü — ½",
            "$${",
            "a\nb",
        ] {
            let e = Expr::List(vec![
                Expr::s(text),
                Expr::template(vec![Part::Text(text.into()), Part::Interp(Expr::var("v"))]),
                Expr::template(vec![Part::Interp(Expr::local("l")), Part::Text(text.into())]),
            ]);
            let mut from_plan = Vec::new();
            references_of(&e, &mut from_plan);
            let rendered = e.render();
            assert_eq!(
                from_plan,
                super::super::references::scan(&rendered),
                "{text}: {rendered}"
            );
            hcl::parse(&format!("x = {rendered}\n")).unwrap_or_else(|err| panic!("{text}: {rendered}: {err}"));
        }
    }
}
