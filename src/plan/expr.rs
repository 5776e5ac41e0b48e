//! Terraform expressions as the planner builds them: a typed tree, not HCL
//! text. Only [`crate::emit`] turns them into text (`render`), in canonical
//! form (`terraform fmt` then only indents nested objects).

/// A Terraform expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A quoted string literal (escaped on render).
    Str(String),
    /// A whole number.
    Num(i64),
    /// true or false.
    Bool(bool),
    /// null.
    Null,
    /// A reference: `var.x`, `local.tags`, `module.vpc.vpc_id`,
    /// `module.db[0].arn`, `module.facts.values["dr/vpc_id"]`.
    Ref(Ref),
    /// A string template mixing literal text and interpolated expressions.
    Template(Vec<Part>),
    /// A function call, `f(a, b)`, on one line or one argument per line.
    Call {
        /// Function name.
        function: &'static str,
        /// Arguments.
        args: Vec<Expr>,
        /// One argument per line, with a trailing comma.
        multiline: bool,
    },
    /// `condition ? then : otherwise`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `left == right`.
    Eq(Box<Expr>, Box<Expr>),
    /// A tuple, on one line (or one object per line when it holds objects).
    List(Vec<Expr>),
    /// An object, one attribute per line, keys in the given order.
    Map(Vec<(String, Expr)>),
    /// An object on one line: `{ Asset = "x", Team = "y" }`.
    InlineMap(Vec<(String, Expr)>),
    /// The splat of a counted module's output, `module.x[*].out`.
    Splat {
        /// Module label.
        module: String,
        /// Output name.
        output: String,
    },
    /// A provider configuration, `aws.dr` (in `providers` maps).
    Provider {
        /// Provider local name.
        name: &'static str,
        /// Alias.
        alias: String,
    },
}

/// The start of a reference and the attribute/index steps after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    /// `var`, `local`, `module.<label>`, `data.<type>.<name>`.
    pub root: Root,
    /// Steps after the root.
    pub steps: Vec<Step>,
}

/// Where a reference starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `var.<name>`.
    Var(String),
    /// `local.<name>`.
    Local(String),
    /// `module.<label>`.
    Module(String),
    /// `data.<type>.<name>`.
    Data(&'static str, &'static str),
}

/// One step of a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `.name`: a literal of the planning code (a module's output, an
    /// attribute), owned only when made from data.
    Attr(std::borrow::Cow<'static, str>),
    /// `[n]`.
    Index(i64),
    /// `["key"]`.
    Key(String),
}

/// A piece of a string template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text (escaped on render).
    Text(String),
    /// `${expr}`.
    Interp(Expr),
}

impl Expr {
    /// A string literal.
    pub fn s(v: impl Into<String>) -> Expr {
        Expr::Str(v.into())
    }

    /// A list of string literals.
    pub fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Expr {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }

    /// `Some(v)` as a string literal, `None` as null.
    pub fn opt_str(v: Option<&str>) -> Expr {
        v.map_or(Expr::Null, Expr::s)
    }

    /// `var.<name>`.
    pub fn var(name: impl Into<String>) -> Expr {
        Expr::Ref(Ref {
            root: Root::Var(name.into()),
            steps: vec![],
        })
    }

    /// `local.<name>`.
    pub fn local(name: impl Into<String>) -> Expr {
        Expr::Ref(Ref {
            root: Root::Local(name.into()),
            steps: vec![],
        })
    }

    /// `module.<label>.<output>`.
    pub fn module(label: impl Into<String>, output: impl Into<std::borrow::Cow<'static, str>>) -> Expr {
        Expr::Ref(Ref {
            root: Root::Module(label.into()),
            steps: vec![Step::Attr(output.into())],
        })
    }

    /// `module.<label>[0].<output>` (a counted module known to exist here).
    pub fn module_first(label: impl Into<String>, output: impl Into<std::borrow::Cow<'static, str>>) -> Expr {
        Expr::Ref(Ref {
            root: Root::Module(label.into()),
            steps: vec![Step::Index(0), Step::Attr(output.into())],
        })
    }

    /// A function call on one line.
    pub fn call(function: &'static str, args: Vec<Expr>) -> Expr {
        Expr::Call {
            function,
            args,
            multiline: false,
        }
    }

    /// `cond ? a : b`.
    pub fn cond(cond: Expr, then: Expr, otherwise: Expr) -> Expr {
        Expr::Cond(Box::new(cond), Box::new(then), Box::new(otherwise))
    }

    /// `left == right`.
    pub fn eq(left: Expr, right: Expr) -> Expr {
        Expr::Eq(Box::new(left), Box::new(right))
    }

    /// A template of literal text and interpolations.
    pub fn template(parts: Vec<Part>) -> Expr {
        Expr::Template(parts)
    }

    /// This reference followed by `step`.
    pub fn then(self, step: Step) -> Expr {
        match self {
            Expr::Ref(mut r) => {
                r.steps.push(step);
                Expr::Ref(r)
            }
            other => other,
        }
    }

    /// The HCL text of this expression (nested objects indent by brace depth later).
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// Append the HCL text of this expression to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Expr::Str(s) => out.push_str(&quote(s)),
            Expr::Num(n) => out.push_str(&n.to_string()),
            Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Expr::Null => out.push_str("null"),
            Expr::Ref(r) => r.write(out),
            Expr::Template(parts) => {
                out.push('"');
                // Adjacent text parts are escaped together (`a$` then `{b`
                // would otherwise write an unescaped `${`).
                let mut text = String::new();
                for p in parts {
                    match p {
                        Part::Text(t) => text.push_str(t),
                        Part::Interp(e) => {
                            write_template_text(&text, true, out);
                            text.clear();
                            out.push_str("${");
                            e.write(out);
                            out.push('}');
                        }
                    }
                }
                write_template_text(&text, false, out);
                out.push('"');
            }
            Expr::Call {
                function,
                args,
                multiline,
            } => {
                out.push_str(function);
                out.push('(');
                if *multiline {
                    out.push('\n');
                    for a in args {
                        a.write(out);
                        out.push_str(",\n");
                    }
                } else {
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        a.write(out);
                    }
                }
                out.push(')');
            }
            Expr::Cond(c, t, f) => {
                c.write(out);
                out.push_str(" ? ");
                t.write(out);
                out.push_str(" : ");
                f.write(out);
            }
            Expr::Eq(l, r) => {
                // A conditional binds looser than `==`: it is enclosed.
                for (i, side) in [l, r].into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(" == ");
                    }
                    if matches!(**side, Expr::Cond(..)) {
                        out.push('(');
                        side.write(out);
                        out.push(')');
                    } else {
                        side.write(out);
                    }
                }
            }
            Expr::List(items) if items.iter().any(|i| matches!(i, Expr::Map(m) if !m.is_empty())) => {
                out.push_str("[\n");
                for item in items {
                    item.write(out);
                    out.push_str(",\n");
                }
                out.push(']');
            }
            Expr::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Expr::Map(entries) if entries.is_empty() => out.push_str("{}"),
            Expr::Map(entries) => {
                out.push_str("{\n");
                for (k, v) in entries {
                    out.push_str(&key(k));
                    out.push_str(" = ");
                    v.write(out);
                    out.push('\n');
                }
                out.push('}');
            }
            Expr::InlineMap(entries) if entries.is_empty() => out.push_str("{}"),
            Expr::InlineMap(entries) => {
                out.push_str("{ ");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&key(k));
                    out.push_str(" = ");
                    v.write(out);
                }
                out.push_str(" }");
            }
            Expr::Splat { module, output } => {
                out.push_str(&format!("module.{module}[*].{output}"));
            }
            Expr::Provider { name, alias } => {
                out.push_str(name);
                out.push('.');
                out.push_str(alias);
            }
        }
    }

    /// Module labels this expression reads an output of (`module.x…`).
    pub fn modules(&self) -> Vec<&str> {
        let mut found = Vec::new();
        self.visit(&mut |e| match e {
            Expr::Ref(Ref {
                root: Root::Module(m), ..
            }) => found.push(m.as_str()),
            Expr::Splat { module, .. } => found.push(module.as_str()),
            _ => {}
        });
        found
    }

    /// Labels of the modules whose output `output` this expression reads
    /// as `module.<label>.<output>`.
    pub fn reads_output(&self, output: &str) -> Vec<&str> {
        let mut found = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Ref(Ref {
                root: Root::Module(m),
                steps,
            }) = e
            {
                if matches!(steps.first(), Some(Step::Attr(a)) if a == output) {
                    found.push(m.as_str());
                }
            }
        });
        found
    }

    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Template(parts) => {
                for p in parts {
                    if let Part::Interp(e) = p {
                        e.visit(f);
                    }
                }
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
            Expr::Cond(c, t, e) => {
                c.visit(f);
                t.visit(f);
                e.visit(f);
            }
            Expr::Eq(l, r) => {
                l.visit(f);
                r.visit(f);
            }
            Expr::List(items) => items.iter().for_each(|i| i.visit(f)),
            Expr::Map(entries) | Expr::InlineMap(entries) => entries.iter().for_each(|(_, v)| v.visit(f)),
            _ => {}
        }
    }
}

impl Ref {
    /// Append the HCL text of this expression to `out`.
    pub fn write(&self, out: &mut String) {
        match &self.root {
            Root::Var(n) => {
                out.push_str("var.");
                out.push_str(n);
            }
            Root::Local(n) => {
                out.push_str("local.");
                out.push_str(n);
            }
            Root::Module(n) => {
                out.push_str("module.");
                out.push_str(n);
            }
            Root::Data(ty, n) => {
                out.push_str("data.");
                out.push_str(ty);
                out.push('.');
                out.push_str(n);
            }
        }
        for s in &self.steps {
            match s {
                Step::Attr(a) => {
                    out.push('.');
                    out.push_str(a);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
                Step::Key(k) => {
                    out.push('[');
                    out.push_str(&quote(k));
                    out.push(']');
                }
            }
        }
    }
}

/// Literal text of a template, escaped; `before_interpolation` when `${`
/// follows. A literal `$` right before `${` would read as the escape `$${`
/// (a literal `${`, losing the interpolation), so a trailing run of `$` is
/// written as an interpolated string instead: `a$` + `${x}` → `a${"$"}${x}`.
fn write_template_text(text: &str, before_interpolation: bool, out: &mut String) {
    if text.is_empty() {
        return;
    }
    let q = quote(text);
    let body = &q[1..q.len() - 1];
    let dollars = body.len() - body.trim_end_matches('$').len();
    if before_interpolation && dollars > 0 {
        let (head, run) = body.split_at(body.len() - dollars);
        out.push_str(head);
        out.push_str("${\"");
        out.push_str(run);
        out.push_str("\"}");
    } else {
        out.push_str(body);
    }
}

/// Whether `s` is written as it is inside an HCL string literal: nothing to
/// escape, no template marker, and no `$` or `%` that could form one next
/// to other text.
pub fn needs_no_escape(s: &str) -> bool {
    !s.bytes()
        .any(|b| matches!(b, b'"' | b'\\' | b'\n' | b'\r' | b'\t' | b'$' | b'%'))
}

/// Quote and escape a string for HCL (interpolation markers are escaped too).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    if needs_no_escape(s) {
        // Nothing to escape (the common case).
        out.push('"');
        out.push_str(s);
        out.push('"');
        return out;
    }
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key: bare when it is an identifier, quoted otherwise.
pub fn key(k: &str) -> String {
    let bare = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_string()
    } else {
        quote(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_text_never_escapes_the_interpolation_after_it() {
        let t = Expr::template(vec![Part::Text("a$$".into()), Part::Interp(Expr::var("x"))]);
        assert_eq!(t.render(), r#""a${"$$"}${var.x}""#);
        hcl::parse(&format!("x = {}\n", t.render())).expect("parses");
        // Adjacent text parts are escaped as one text.
        let t = Expr::template(vec![Part::Text("a$".into()), Part::Text("{b".into())]);
        assert_eq!(t.render(), r#""a$${b""#);
        // A `$` at the end of the whole template needs nothing.
        let t = Expr::template(vec![Part::Interp(Expr::var("x")), Part::Text("$".into())]);
        assert_eq!(t.render(), r#""${var.x}$""#);
    }

    #[test]
    fn escapes_strings() {
        assert_eq!(quote("a\"b"), r#""a\"b""#);
        assert_eq!(quote("${x} %{y}"), r#""$${x} %%{y}""#);
        assert_eq!(quote("back\\slash"), r#""back\\slash""#);
    }

    #[test]
    fn renders_collections() {
        let e = Expr::Map(vec![
            ("a".into(), Expr::Num(1)),
            ("kubernetes.io/role".into(), Expr::strs(["x", "y"])),
        ]);
        assert_eq!(e.render(), "{\na = 1\n\"kubernetes.io/role\" = [\"x\", \"y\"]\n}");
        assert_eq!(Expr::Map(vec![]).render(), "{}");
        let objects = Expr::List(vec![Expr::Map(vec![("n".into(), Expr::Num(1))])]);
        assert_eq!(objects.render(), "[\n{\nn = 1\n},\n]");
    }

    #[test]
    fn renders_references_templates_and_calls() {
        let fact = Expr::module("facts", "values").then(Step::Key("dr/vpc_id".into()));
        assert_eq!(fact.render(), "module.facts.values[\"dr/vpc_id\"]");
        let present = Expr::call("contains", vec![Expr::module("facts", "names"), Expr::s("dr/vpc_id")]);
        assert_eq!(
            Expr::cond(present, Expr::Num(1), Expr::Num(0)).render(),
            "contains(module.facts.names, \"dr/vpc_id\") ? 1 : 0"
        );
        let bucket = Expr::template(vec![
            Part::Text("shop-data-".into()),
            Part::Interp(Expr::local("account_id")),
            Part::Text("-us-east-2".into()),
        ]);
        assert_eq!(bucket.render(), "\"shop-data-${local.account_id}-us-east-2\"");
        let tags = Expr::call(
            "merge",
            vec![
                Expr::local("tags"),
                Expr::InlineMap(vec![("Asset".into(), Expr::s("db"))]),
            ],
        );
        assert_eq!(tags.render(), "merge(local.tags, { Asset = \"db\" })");
        assert_eq!(
            Expr::call(
                "one",
                vec![Expr::Splat {
                    module: "db".into(),
                    output: "arn".into()
                }]
            )
            .render(),
            "one(module.db[*].arn)"
        );
        assert_eq!(tags.modules(), Vec::<&str>::new());
        assert_eq!(fact.modules(), vec!["facts"]);
    }
}
