//! HCL expressions as the planner builds them, rendered to canonical text.

/// An HCL expression: a literal, a reference, or a collection of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A quoted string literal (escaped on render).
    Str(String),
    /// A whole number.
    Num(i64),
    /// true or false.
    Bool(bool),
    /// null.
    Null,
    /// A reference or function call, written as is: `module.vpc.vpc_id`.
    Raw(String),
    /// A tuple, rendered on one line.
    List(Vec<Expr>),
    /// An object, rendered one attribute per line, keys in the given order.
    Map(Vec<(String, Expr)>),
}

impl Expr {
    /// A string literal.
    pub fn s(v: impl Into<String>) -> Expr {
        Expr::Str(v.into())
    }

    /// A raw reference.
    pub fn r(v: impl Into<String>) -> Expr {
        Expr::Raw(v.into())
    }

    /// A list of string literals.
    pub fn strs<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Expr {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }

    /// `Some(v)` as a string literal, `None` as null.
    pub fn opt_str(v: Option<&str>) -> Expr {
        v.map_or(Expr::Null, Expr::s)
    }

    /// The HCL text of this expression (nested objects indent by brace depth later).
    pub fn render(&self) -> String {
        match self {
            Expr::Str(s) => quote(s),
            Expr::Num(n) => n.to_string(),
            Expr::Bool(b) => b.to_string(),
            Expr::Null => "null".into(),
            Expr::Raw(r) => r.clone(),
            Expr::List(items) if items.iter().any(|i| matches!(i, Expr::Map(m) if !m.is_empty())) => {
                let mut out = String::from("[\n");
                for item in items {
                    out.push_str(&item.render());
                    out.push_str(",\n");
                }
                out.push(']');
                out
            }
            Expr::List(items) => {
                let inner: Vec<String> = items.iter().map(Expr::render).collect();
                format!("[{}]", inner.join(", "))
            }
            Expr::Map(entries) if entries.is_empty() => "{}".into(),
            Expr::Map(entries) => {
                let mut out = String::from("{\n");
                for (k, v) in entries {
                    out.push_str(&key(k));
                    out.push_str(" = ");
                    out.push_str(&v.render());
                    out.push('\n');
                }
                out.push('}');
                out
            }
        }
    }
}

/// Quote and escape a string for HCL (interpolation markers are escaped too).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
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
}
