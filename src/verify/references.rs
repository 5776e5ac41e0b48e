//! Finds the references in HCL text: code and `${…}` interpolations count,
//! plain string text and comments do not.

use crate::lexer::{classify, Class};

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

/// The byte that stands for string text in [`code`]'s output.
pub(super) const TEXT: u8 = 0x01;

/// Code of `text`, byte for byte, with string text replaced by [`TEXT`]
/// (interpolations kept); comments and the address lines of
/// `moved`/`removed`/`import` blocks removed.
pub(super) fn code(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for line in text.as_bytes().split(|b| *b == b'\n') {
        if !is_address_line(line) {
            classify(line, |_, c, class| {
                out.push(if class == Class::Text { TEXT } else { c })
            });
        }
        out.push(b'\n');
    }
    out
}

/// Whether `line` is `from = …` or `to = …`: the addresses of `moved`,
/// `removed` and `import` blocks name resources, possibly inside modules or
/// gone; they are not references to values.
fn is_address_line(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    [&b"from"[..], &b"to"[..]].iter().any(|k| {
        t.strip_prefix(*k)
            .is_some_and(|r| r.trim_ascii_start().starts_with(b"="))
    })
}

/// Whether `c` may appear in an HCL identifier (`-` included).
pub(super) fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Dotted identifier path starting at `start`, skipping `[...]` index parts.
fn path_at(code: &[u8], start: usize) -> (Vec<&str>, usize) {
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
        parts.push(std::str::from_utf8(&code[s..i]).expect("ASCII identifier"));
        while i < code.len() && code[i] == b'[' {
            while i < code.len() && code[i] != b']' {
                i += 1;
            }
            i += 1;
        }
        if i < code.len() && code[i] == b'.' {
            i += 1;
        } else {
            break;
        }
    }
    (parts, i)
}

/// Every reference in `text`.
pub fn scan(text: &str) -> Vec<Reference> {
    scan_code(&code(text))
}

/// Every reference in `code` (the output of [`code`]).
pub(super) fn scan_code(code: &[u8]) -> Vec<Reference> {
    let mut refs = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let boundary = i == 0 || !(ident_char(code[i - 1]) || code[i - 1] == b'.');
        if !boundary || !code[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // Most words are argument names: skip any word not followed by a dot.
        let word_end = i + code[i..].iter().take_while(|c| ident_char(**c)).count();
        if code.get(word_end) != Some(&b'.') && code.get(word_end) != Some(&b'[') {
            i = word_end;
            continue;
        }
        let (p, end) = path_at(code, i);
        let is_call = code.get(end) == Some(&b'(');
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
        i = end.max(i + 1);
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_moved_removed_and_import_blocks_are_not_references() {
        let text = "removed {\n  from = aws_route53_record.validation\n}\nimport {\n  to = module.x.aws_s3_bucket.this\n  id = var.bucket\n}\n";
        assert_eq!(scan(text), vec![Reference::Var("bucket".into())]);
    }

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
