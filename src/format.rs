//! Canonical HCL layout, matching `terraform fmt`: two-space indentation by
//! bracket depth, `=` aligned across runs of one-line attributes, and (our
//! own convention, which fmt preserves) single blank lines between blocks.
//!
//! hcl-rs's formatter neither aligns `=` nor keeps comments, so acmegen
//! formats its own output. The rules follow hclwrite's `format.go`:
//! a line's indent is two spaces per open bracket group carried from earlier
//! lines; a run of consecutive lines that each hold a complete `key = value`
//! (brackets balanced after the `=`) aligns its `=` one space past the
//! longest key.

use crate::lexer::{classify, Class};

/// Format HCL text canonically. Idempotent.
///
/// ```
/// let hcl = "resource \"aws_s3_bucket\" \"b\" {\nbucket = \"x\"\nforce_destroy = false\n}\n";
/// assert_eq!(
///     acmegen::format::format_hcl(hcl),
///     "resource \"aws_s3_bucket\" \"b\" {\n  bucket        = \"x\"\n  force_destroy = false\n}\n"
/// );
/// ```
pub fn format_hcl(src: &str) -> String {
    let mut lines: Vec<Line<'_>> = src.lines().map(|l| Line::scan(l.trim())).collect();
    indent(&mut lines);
    align(&mut lines);
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    let mut prev_blank = true;
    let mut prev_opens = false;
    for (i, line) in lines.iter().enumerate() {
        if line.text.is_empty() {
            let next_closes = lines[i + 1..]
                .iter()
                .find(|l| !l.text.is_empty())
                .is_none_or(|l| l.starts_with_closer());
            if prev_blank || prev_opens || next_closes {
                continue;
            }
            out.push('\n');
            prev_blank = true;
            continue;
        }
        for _ in 0..line.indent {
            out.push_str("  ");
        }
        line.render_into(&mut out);
        out.push('\n');
        prev_blank = false;
        prev_opens = line.net > 0;
    }
    out
}

#[derive(Debug)]
struct Line<'a> {
    text: &'a str,
    /// Net change of bracket depth over the whole line.
    net: i32,
    /// Byte offset of the attribute `=` when this line is a complete one-line attribute.
    assign: Option<usize>,
    /// Indent level, set by `indent`.
    indent: usize,
    /// Width the key is padded to, set by `align`.
    pad: Option<usize>,
}

impl<'a> Line<'a> {
    fn scan(text: &'a str) -> Line<'a> {
        let bytes = text.as_bytes();
        let mut net = 0i32;
        let mut first_eq: Option<usize> = None;
        let mut net_after_eq = 0i32;
        classify(bytes, |i, c, class| {
            if class != Class::Code {
                return;
            }
            let delta = match c {
                b'{' | b'[' | b'(' => 1,
                b'}' | b']' | b')' => -1,
                b'=' => {
                    let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                    let next = bytes.get(i + 1).copied();
                    let is_op = matches!(prev, b'=' | b'!' | b'<' | b'>') || matches!(next, Some(b'=') | Some(b'>'));
                    if first_eq.is_none() && !is_op && i > 0 {
                        first_eq = Some(i);
                    }
                    0
                }
                _ => 0,
            };
            net += delta;
            if first_eq.is_some() {
                net_after_eq += delta;
            }
        });
        Line {
            text,
            net,
            assign: first_eq.filter(|_| net_after_eq == 0),
            indent: 0,
            pad: None,
        }
    }

    fn starts_with_closer(&self) -> bool {
        self.text.starts_with(['}', ']', ')'])
    }

    fn key(&self) -> &str {
        self.assign.map_or("", |eq| self.text[..eq].trim_end())
    }

    fn render_into(&self, out: &mut String) {
        match (self.assign, self.pad) {
            (Some(eq), Some(pad)) => {
                let key = self.key();
                out.push_str(key);
                for _ in 0..=(pad - key.chars().count()) {
                    out.push(' ');
                }
                out.push_str("= ");
                out.push_str(self.text[eq + 1..].trim_start());
            }
            _ => out.push_str(self.text),
        }
    }
}

fn indent(lines: &mut [Line<'_>]) {
    let mut groups: Vec<i32> = Vec::new();
    for line in lines.iter_mut() {
        if line.text.is_empty() {
            continue;
        }
        if line.net < 0 {
            let mut closed = -line.net;
            while closed > 0 {
                let Some(top) = groups.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    groups.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
        }
        line.indent = groups.len();
        if line.net > 0 {
            groups.push(line.net);
        }
    }
}

fn align(lines: &mut [Line<'_>]) {
    let mut start = 0;
    while start < lines.len() {
        if lines[start].assign.is_none() {
            start += 1;
            continue;
        }
        let end = (start..lines.len())
            .find(|&i| lines[i].assign.is_none())
            .unwrap_or(lines.len());
        let width = lines[start..end]
            .iter()
            .map(|l| l.key().chars().count())
            .max()
            .unwrap_or(0);
        for l in &mut lines[start..end] {
            l.pad = Some(width);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_aligns() {
        let src = "resource \"a\" \"b\" {\nname = \"x\"\nlonger_name = 1\n\n\ntags = merge(var.tags, {\nName = \"y\"\n})\n}\n";
        let want = "resource \"a\" \"b\" {\n  name        = \"x\"\n  longer_name = 1\n\n  tags = merge(var.tags, {\n    Name = \"y\"\n  })\n}\n";
        assert_eq!(format_hcl(src), want);
    }

    #[test]
    fn ignores_brackets_and_equals_inside_strings() {
        let src = "a = \"{[(\"\nbb = \"${lower(coalesce(x, \"a=b\"))}\"\n";
        assert_eq!(
            format_hcl(src),
            "a  = \"{[(\"\nbb = \"${lower(coalesce(x, \"a=b\"))}\"\n"
        );
    }

    #[test]
    fn comparison_operators_are_not_assignments() {
        let src = "count = var.x == null ? 0 : 1\nn = 2\n";
        assert_eq!(format_hcl(src), "count = var.x == null ? 0 : 1\nn     = 2\n");
    }

    #[test]
    fn drops_blank_lines_after_open_and_before_close() {
        let src = "a {\n\nb = 1\n\n}\n\n\n";
        assert_eq!(format_hcl(src), "a {\n  b = 1\n}\n");
    }

    #[test]
    fn is_idempotent() {
        let src = "x {\n  y = [\n    1,\n  ]\n  zz = { a = 1 }\n}\n";
        let once = format_hcl(src);
        assert_eq!(format_hcl(&once), once);
    }
}
