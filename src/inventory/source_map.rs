//! Maps a path inside the YAML document (`assets[3].engine_version`) back to a
//! line and column, so that semantic errors point at the offending text.
//!
//! serde_yaml reports positions only for syntax and type errors; this scanner
//! covers the block-style YAML that inventories are written in. Anything it
//! cannot find falls back to the nearest enclosing item it did find.

/// One step of a path into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index.
    Index(usize),
}

/// Line index over the raw YAML text.
#[derive(Debug, Clone)]
pub struct SourceMap {
    lines: Vec<LineInfo>,
}

#[derive(Debug, Clone)]
struct LineInfo {
    /// Column (0-based) of the first non-blank character; None for blank/comment lines.
    indent: Option<usize>,
    /// Whether the line opens a sequence item (`- `).
    dash: bool,
    /// The key on this line and its 0-based column, if any.
    key: Option<(String, usize)>,
}

impl SourceMap {
    /// Index the lines of `text`.
    pub fn new(text: &str) -> Self {
        let lines = text.lines().map(scan_line).collect();
        SourceMap { lines }
    }

    /// 1-based (line, column) of `path`, or of its deepest prefix that exists.
    pub fn locate(&self, path: &[Seg<'_>]) -> (usize, usize) {
        let mut lo = 0usize;
        let mut hi = self.lines.len();
        let mut parent: isize = -1;
        let mut found = (1usize, 1usize);
        for seg in path {
            match *seg {
                Seg::Key(k) => {
                    let Some(col) = self.lines[lo..hi]
                        .iter()
                        .filter_map(|l| l.key.as_ref().map(|(_, c)| *c as isize))
                        .filter(|c| *c > parent)
                        .min()
                    else {
                        return found;
                    };
                    let Some(i) = (lo..hi)
                        .find(|&i| matches!(&self.lines[i].key, Some((name, c)) if name == k && *c as isize == col))
                    else {
                        return found;
                    };
                    found = (i + 1, col as usize + 1);
                    let end = (i + 1..hi)
                        .find(|&j| matches!(self.lines[j].indent, Some(ind) if ind as isize <= col))
                        .unwrap_or(hi);
                    lo = i;
                    hi = end;
                    parent = col;
                }
                Seg::Index(n) => {
                    let Some(dash_col) = (lo..hi)
                        .filter(|&i| self.lines[i].dash)
                        .filter_map(|i| self.lines[i].indent)
                        .filter(|c| *c as isize >= parent)
                        .min()
                    else {
                        return found;
                    };
                    let items: Vec<usize> = (lo..hi)
                        .filter(|&i| self.lines[i].dash && self.lines[i].indent == Some(dash_col))
                        .collect();
                    let Some(&start) = items.get(n) else {
                        return found;
                    };
                    let end = items.get(n + 1).copied().unwrap_or_else(|| {
                        (start + 1..hi)
                            .find(|&j| matches!(self.lines[j].indent, Some(ind) if ind < dash_col))
                            .unwrap_or(hi)
                    });
                    found = (start + 1, dash_col + 1);
                    lo = start;
                    hi = end;
                    parent = dash_col as isize;
                }
            }
        }
        found
    }
}

fn scan_line(raw: &str) -> LineInfo {
    let trimmed = raw.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
        return LineInfo {
            indent: None,
            dash: false,
            key: None,
        };
    }
    let indent = raw.len() - trimmed.len();
    let (dash, rest, rest_col) = match trimmed.strip_prefix("- ") {
        Some(r) => {
            let inner = r.trim_start();
            (true, inner, indent + 2 + (r.len() - inner.len()))
        }
        None if trimmed == "-" => (true, "", indent + 1),
        None => (false, trimmed, indent),
    };
    let key = rest.find(':').and_then(|pos| {
        let k = rest[..pos].trim().trim_matches(|c| c == '"' || c == '\'');
        let after = &rest[pos + 1..];
        let valid = !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
            && (after.is_empty() || after.starts_with(' '));
        valid.then(|| (k.to_string(), rest_col))
    });
    LineInfo {
        indent: Some(indent),
        dash,
        key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: x\nregions:\n  primary: us-east-2\n  dr: us-west-1\nassets:\n  - kind: vm\n    name: app\n    qty: 3\n  - kind: rds\n    name: db\n    engine_version: \"16\"\n";

    #[test]
    fn finds_top_level_and_nested_keys() {
        let m = SourceMap::new(DOC);
        assert_eq!(m.locate(&[Seg::Key("name")]), (1, 1));
        assert_eq!(m.locate(&[Seg::Key("regions"), Seg::Key("dr")]), (4, 3));
    }

    #[test]
    fn finds_keys_inside_sequence_items() {
        let m = SourceMap::new(DOC);
        assert_eq!(m.locate(&[Seg::Key("assets"), Seg::Index(1)]), (9, 3));
        assert_eq!(
            m.locate(&[Seg::Key("assets"), Seg::Index(1), Seg::Key("engine_version")]),
            (11, 5)
        );
        assert_eq!(m.locate(&[Seg::Key("assets"), Seg::Index(0), Seg::Key("kind")]), (6, 5));
    }

    #[test]
    fn missing_key_falls_back_to_enclosing_item() {
        let m = SourceMap::new(DOC);
        assert_eq!(m.locate(&[Seg::Key("assets"), Seg::Index(0), Seg::Key("nope")]), (6, 3));
    }
}
