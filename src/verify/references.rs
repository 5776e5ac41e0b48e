//! Finds the references in HCL text: code and `${…}` interpolations count,
//! plain string text and comments do not.

/// A reference found in an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `var.name`
    Var(String),
    /// `local.name`
    Local(String),
    /// `module.label.output` (index and splat skipped)
    Module(String, String),
    /// `type.name`, `data.type.name` or `ephemeral.type.name`, and the attribute read, if any.
    Address(String, Option<String>),
}

/// Code of `text` with string literals blanked (interpolations kept) and comments removed.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut stack: Vec<Option<u32>> = Vec::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match stack.last().copied() {
                Some(None) => {
                    match c {
                        '\\' => i += 1,
                        '"' => {
                            stack.pop();
                        }
                        '$' | '%' if next == Some('{') => {
                            stack.push(Some(0));
                            i += 1;
                        }
                        _ => {}
                    }
                    out.push(' ');
                }
                Some(Some(n)) => {
                    match c {
                        '"' => stack.push(None),
                        '{' => *stack.last_mut().expect("non-empty") = Some(n + 1),
                        '}' if n == 0 => {
                            stack.pop();
                        }
                        '}' => *stack.last_mut().expect("non-empty") = Some(n - 1),
                        _ => {}
                    }
                    out.push(c);
                }
                None => {
                    if c == '#' || (c == '/' && next == Some('/')) {
                        break;
                    }
                    if c == '"' {
                        stack.push(None);
                    }
                    out.push(c);
                }
            }
            i += 1;
        }
        out.push('\n');
    }
    out
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Dotted identifier path starting at `start`, skipping `[...]` index parts.
fn path_at(code: &[char], start: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut i = start;
    loop {
        let s = i;
        while i < code.len() && ident_char(code[i]) {
            i += 1;
        }
        if s == i {
            break;
        }
        parts.push(code[s..i].iter().collect());
        while i < code.len() && code[i] == '[' {
            while i < code.len() && code[i] != ']' {
                i += 1;
            }
            i += 1;
        }
        if i < code.len() && code[i] == '.' {
            i += 1;
        } else {
            break;
        }
    }
    parts
}

/// Every reference in `text`.
pub fn scan(text: &str) -> Vec<Reference> {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let boundary = i == 0 || !(ident_char(code[i - 1]) || code[i - 1] == '.');
        if !boundary || !code[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let parts = path_at(&code, i);
        let len: usize = parts.iter().map(|p| p.len() + 1).sum();
        let is_call = code.get(i + len.saturating_sub(1)) == Some(&'(');
        let p: Vec<&str> = parts.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["var", v, ..] => refs.push(Reference::Var(v.to_string())),
            ["local", l, ..] => refs.push(Reference::Local(l.to_string())),
            ["module", m, o, ..] => refs.push(Reference::Module(m.to_string(), o.to_string())),
            ["data" | "ephemeral", t, n, rest @ ..] => refs.push(Reference::Address(
                format!("{}.{t}.{n}", p[0]),
                rest.first().map(|a| a.to_string()),
            )),
            [t, n, rest @ ..]
                if !is_call && (t.starts_with("aws_") || t.starts_with("random_") || t.starts_with("helm_")) =>
            {
                refs.push(Reference::Address(
                    format!("{t}.{n}"),
                    rest.first().map(|a| a.to_string()),
                ))
            }
            _ => {}
        }
        i += len.max(1);
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_in_code_and_interpolations_only() {
        let text = "a = var.x\nb = \"var.not_me ${module.m[0].out} ${data.aws_region.current.region}\"\n# var.comment\nc = aws_s3_bucket.this[*].id\n";
        let refs = scan(text);
        assert_eq!(
            refs,
            vec![
                Reference::Var("x".into()),
                Reference::Module("m".into(), "out".into()),
                Reference::Address("data.aws_region.current".into(), Some("region".into())),
                Reference::Address("aws_s3_bucket.this".into(), Some("id".into())),
            ]
        );
    }
}
