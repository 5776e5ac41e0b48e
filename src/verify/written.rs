//! What the emitter says it wrote: for each module call, variable and
//! output it wrote from the typed plan, the block's place in its file, what
//! the block declares and the references it holds, taken from the plan's
//! expressions instead of re-read from the text (`acmegen render`).
//!
//! The emitter's word is checked, not assumed: the first block of each
//! *skeleton* in a file (the same block type, source, argument names and
//! expression forms; only names, strings and numbers differ) is read from
//! its text in full — lexed for references, laid out, parsed — and has to
//! say exactly what the emitter said. Only then are the file's other blocks
//! of that skeleton taken at the emitter's word; where the text disagrees,
//! every block of the skeleton is read from its text. `acmegen verify`,
//! `acmegen check` and the tests never take the emitter's word.

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

/// The blocks written from the typed plan, by file (relative path, as in
/// the file set), in file order.
pub type Writings = BTreeMap<PathBuf, Vec<Written>>;

impl Written {
    /// The block's byte range in its file.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// `module "label"` at `start..end`, calling `source` with `args`
    /// (`count`, `depends_on` and a comment as given).
    pub fn module(
        (start, end): (usize, usize),
        label: &str,
        source: &str,
        count: Option<&Expr>,
        args: &[(String, Expr)],
        comment: bool,
        depends_on: bool,
    ) -> Written {
        let mut h = Fnv::default();
        ("module", source, comment, depends_on).hash(&mut h);
        let mut references = Vec::new();
        match count {
            Some(c) => {
                1u8.hash(&mut h);
                skeleton(c, &mut h);
                references_of(c, &mut references);
            }
            None => 0u8.hash(&mut h),
        }
        let mut shape_args = Vec::with_capacity(args.len());
        for (name, value) in args {
            name.hash(&mut h);
            skeleton(value, &mut h);
            references_of(value, &mut references);
            shape_args.push((name.clone(), literal_of(value)));
        }
        shape_args.sort();
        Written {
            start,
            end,
            key: h.finish(),
            shape: Shape::Module {
                label: label.to_string(),
                source: source.to_string(),
                args: shape_args,
            },
            references,
        }
    }

    /// `variable "name"` of type `ty` at `start..end`.
    pub fn variable((start, end): (usize, usize), name: &str, ty: &str, default: Option<&Expr>) -> Written {
        let mut h = Fnv::default();
        ("variable", ty).hash(&mut h);
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
    pub fn output((start, end): (usize, usize), name: &str, value: &Expr, sensitive: bool) -> Written {
        let mut h = Fnv::default();
        ("output", sensitive).hash(&mut h);
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
        Expr::Ref(_) | Expr::Call { .. } | Expr::Cond(..) | Expr::Splat { .. } | Expr::Provider { .. } => return None,
    })
}

/// Hash the form of `e`: its variants, function names, object keys and
/// reference steps, not its names, strings or numbers.
fn skeleton(e: &Expr, h: &mut Fnv) {
    std::mem::discriminant(e).hash(h);
    match e {
        Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null | Expr::Splat { .. } | Expr::Provider { .. } => {}
        Expr::Ref(r) => {
            std::mem::discriminant(&r.root).hash(h);
            if let Root::Data(ty, _) = r.root {
                ty.hash(h);
            }
            for s in &r.steps {
                std::mem::discriminant(s).hash(h);
            }
        }
        Expr::Template(parts) => {
            for p in parts {
                match p {
                    Part::Text(_) => 0u8.hash(h),
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
                        out.push(Reference::Module(m.clone(), o.clone()));
                    }
                }
                Root::Data(ty, name) => out.push(Reference::Address(format!("data.{ty}.{name}"), first_attr.cloned())),
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
        let key = |args: Vec<(String, Expr)>| Written::module((0, 0), "m", "vm", None, &args, false, false).key;
        let a = key(vec![("n".into(), Expr::s("x")), ("v".into(), Expr::var("a"))]);
        let b = key(vec![("n".into(), Expr::s("yy")), ("v".into(), Expr::var("bbb"))]);
        assert_eq!(a, b);
        assert_ne!(a, key(vec![("n".into(), Expr::Num(1)), ("v".into(), Expr::var("a"))]));
        assert_ne!(a, key(vec![("m".into(), Expr::s("x")), ("v".into(), Expr::var("a"))]));
        assert_ne!(a, key(vec![("n".into(), Expr::s("x")), ("v".into(), Expr::local("a"))]));
    }
}
