//! The part of HCL lexing that the formatter and the verifier share: for
//! each byte of a line, whether it is code, string text, or inside a
//! `${…}`/`%{…}` template interpolation (which may hold strings of its own).
//! A comment (`#` or `//` in code) ends the line. Works on bytes: every HCL
//! delimiter is ASCII, and multi-byte UTF-8 sequences contain no ASCII.

/// What a byte is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Code outside any string, including a string's opening quote.
    Code,
    /// Literal text of a string, its closing quote and escapes.
    Text,
    /// Code inside a template interpolation.
    Interpolation,
}

/// Call `f(index, byte, class)` for every byte of `line` before its comment.
pub fn classify(line: &[u8], mut f: impl FnMut(usize, u8, Class)) {
    // None: inside string text; Some(n): inside an interpolation with n open braces.
    let mut stack: Vec<Option<u32>> = Vec::new();
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        let next = line.get(i + 1).copied();
        match stack.last().copied() {
            Some(None) => {
                f(i, c, Class::Text);
                match c {
                    b'\\' => {
                        if let Some(n) = next {
                            f(i + 1, n, Class::Text);
                        }
                        i += 1;
                    }
                    b'"' => {
                        stack.pop();
                    }
                    // `$${` and `%%{` are the escapes of a literal `${` and `%{`.
                    b'$' | b'%' if next == Some(c) && line.get(i + 2) == Some(&b'{') => {
                        f(i + 1, c, Class::Text);
                        f(i + 2, b'{', Class::Text);
                        i += 2;
                    }
                    b'$' | b'%' if next == Some(b'{') => {
                        f(i + 1, b'{', Class::Text);
                        stack.push(Some(0));
                        i += 1;
                    }
                    _ => {}
                }
            }
            Some(Some(n)) => {
                f(i, c, Class::Interpolation);
                let top = stack.last_mut().expect("non-empty");
                match c {
                    b'"' => stack.push(None),
                    b'{' => *top = Some(n + 1),
                    b'}' if n == 0 => {
                        stack.pop();
                    }
                    b'}' => *top = Some(n - 1),
                    _ => {}
                }
            }
            None => {
                if c == b'#' || (c == b'/' && next == Some(b'/')) {
                    return;
                }
                f(i, c, Class::Code);
                if c == b'"' {
                    stack.push(None);
                }
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(line: &str) -> String {
        let mut out = String::new();
        classify(line.as_bytes(), |_, _, c| {
            out.push(match c {
                Class::Code => 'c',
                Class::Text => 't',
                Class::Interpolation => 'i',
            })
        });
        out
    }

    #[test]
    fn strings_interpolations_and_comments() {
        assert_eq!(classes(r#"a = "x${b}y" # c"#), "ccccctttiittc");
        assert_eq!(classes(r#""${f("q")}""#), "cttiiittiit");
        assert_eq!(classes(r#""a\"b" // x"#), "ctttttc");
    }

    #[test]
    fn escaped_template_markers_are_text() {
        // `$${` is a literal `${`: an interpolation right after it is one.
        assert_eq!(classes(r#""$${${b}" c"#), "ctttttiitcc");
        assert_eq!(classes(r#""%%{x" c"#), "ctttttcc");
        assert_eq!(classes(r#""$$" c"#), "ctttcc");
    }
}
