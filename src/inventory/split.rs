//! An inventory's text cut into its top-level part and one small document
//! per asset, so that each is parsed alone.
//!
//! serde_yaml loads all of a document's events before it deserializes any of
//! them: for 10,000 assets that list outweighs the typed inventory it yields
//! (the parse peaked at 42 MB of heap for a 16 MB model, BENCHMARKS.md,
//! tenth measurement). Parsed asset by asset, only one asset's events are
//! alive at a time.
//!
//! The cut is only a way of parsing faster and smaller, never a second
//! grammar: it applies to the layout the README shows and acmegen writes (a
//! top-level block mapping whose `assets:` key holds a block sequence), and
//! when the cut does not apply, or any of its parts fails to parse, the
//! caller parses the whole text as one document — so every error, and every
//! other layout (flow style, anchors shared between assets, a second
//! document), reads exactly as it did.

use crate::limits::LineStarts;

/// An inventory's text cut at its assets.
#[derive(Debug)]
pub(super) struct Cut<'t> {
    /// The text with `assets: []` on the key's line and the assets' lines
    /// left empty: the same keys on the same lines.
    pub header: String,
    /// Each asset: the column of its `-` and the text after the `-`, up to
    /// the next asset (or the end of the sequence).
    pub items: Vec<(usize, &'t str)>,
}

impl Cut<'_> {
    /// The text of item `(column, after)` as a document of its own: the `-`
    /// becomes a space, so the asset's mapping keeps its columns.
    pub fn document(column: usize, after: &str, into: &mut String) {
        into.clear();
        into.extend(std::iter::repeat_n(' ', column + 1));
        into.push_str(after);
    }
}

/// One line of the text as `str::lines` cuts it, with its byte offset.
struct Line<'t> {
    /// Byte offset of its first character.
    start: usize,
    /// Its text without the line break.
    text: &'t str,
    /// Whether it starts in block context (see [`LineStarts`]).
    structural: bool,
}

impl Line<'_> {
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }

    /// Empty, blank or a comment: no structure.
    fn is_blank(&self) -> bool {
        let rest = self.text.trim_start();
        rest.is_empty() || rest.starts_with('#')
    }

    /// `- …` (or a lone `-`) at `column`, outside any scalar or flow collection.
    fn is_item_at(&self, column: usize) -> bool {
        self.structural
            && self.indent() == column
            && matches!(self.text.as_bytes()[column..], [b'-'] | [b'-', b' ', ..])
    }

    /// The top-level key `assets:`, with nothing after it but a comment.
    fn is_assets_key(&self) -> bool {
        let Some(after) = self.text.strip_prefix("assets:") else {
            return false;
        };
        let rest = after.trim_start_matches([' ', '\t']);
        self.structural && (rest.is_empty() || (rest.len() < after.len() && rest.starts_with('#')))
    }
}

/// Cut `text` at its assets, or `None` where its layout is not the plain
/// one (the caller then parses it whole). `starts` is
/// [`crate::limits::check_text`]'s scan of the same text.
pub(super) fn cut<'t>(text: &'t str, starts: &LineStarts) -> Option<Cut<'t>> {
    let mut start = 0;
    let lines: Vec<Line<'t>> = text
        .split_inclusive('\n')
        .zip(&starts.0)
        .map(|(raw, &structural)| {
            let text = raw.strip_suffix('\n').unwrap_or(raw);
            let line = Line {
                start,
                text: text.strip_suffix('\r').unwrap_or(text),
                structural,
            };
            start += raw.len();
            line
        })
        .collect();
    if lines.len() != starts.0.len() {
        return None;
    }
    let mut keys = lines.iter().enumerate().filter(|(_, l)| l.is_assets_key());
    let (key, _) = keys.next()?;
    if keys.next().is_some() {
        return None;
    }
    let first = lines[key + 1..].iter().position(|l| !l.is_blank())? + key + 1;
    let column = lines[first].indent();
    if !lines[first].is_item_at(column) {
        return None;
    }
    // The sequence ends at the first structural line that is neither blank,
    // nor deeper than its items, nor one of them: the next top-level key.
    let end = lines[first..]
        .iter()
        .position(|l| l.structural && !l.is_blank() && l.indent() <= column && !l.is_item_at(column))
        .map_or(lines.len(), |i| i + first);
    if lines.get(end).is_some_and(|l| l.indent() != 0) {
        return None;
    }
    let end_byte = lines.get(end).map_or(text.len(), |l| l.start);
    let item_starts: Vec<usize> = (first..end).filter(|&i| lines[i].is_item_at(column)).collect();
    let items = item_starts
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let to = item_starts.get(n + 1).map_or(end_byte, |&next| lines[next].start);
            (column, &text[lines[i].start + column + 1..to])
        })
        .collect();
    let key_end = lines.get(key + 1).map_or(text.len(), |l| l.start);
    let mut header = String::with_capacity(text.len() - (end_byte - key_end) + (end - key) + 16);
    header.push_str(&text[..lines[key].start]);
    header.push_str("assets: []\n");
    for _ in key + 1..end {
        header.push('\n');
    }
    header.push_str(&text[end_byte..]);
    Some(Cut { header, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut_of(text: &str) -> Option<(String, Vec<String>)> {
        let starts = crate::limits::check_text(text).unwrap();
        let c = cut(text, &starts)?;
        let mut docs = Vec::new();
        for (column, after) in &c.items {
            let mut d = String::new();
            Cut::document(*column, after, &mut d);
            docs.push(d);
        }
        Some((c.header, docs))
    }

    #[test]
    fn cuts_a_block_sequence_keeping_lines_and_columns() {
        let text = "name: t\nassets:  # rows\n  - kind: vm\n    name: a\n\n  # between\n  -\n    kind: s3\n    name: b\nowner: me\n";
        let (header, docs) = cut_of(text).unwrap();
        assert_eq!(header, "name: t\nassets: []\n\n\n\n\n\n\n\nowner: me\n");
        assert_eq!(header.lines().count(), text.lines().count());
        assert_eq!(
            docs,
            [
                "    kind: vm\n    name: a\n\n  # between\n",
                "   \n    kind: s3\n    name: b\n"
            ]
        );
    }

    #[test]
    fn items_at_column_zero_and_at_the_end_of_the_text() {
        let (header, docs) = cut_of("name: t\nassets:\n- {kind: s3,\n   name: b}\n- kind: vm\n  name: a").unwrap();
        assert_eq!(header, "name: t\nassets: []\n\n\n\n\n");
        assert_eq!(docs, ["  {kind: s3,\n   name: b}\n", "  kind: vm\n  name: a"]);
    }

    #[test]
    fn text_that_looks_like_items_inside_scalars_stays_in_its_asset() {
        let text = "assets:\n  - kind: vm\n    user_data: |\n      assets:\n  \n      - x\n    purpose: \"a\n  - b\"\nname: t\n";
        let (_, docs) = cut_of(text).unwrap();
        assert_eq!(docs.len(), 1, "{docs:?}");
    }

    #[test]
    fn other_layouts_are_not_cut() {
        for text in [
            "name: t\nassets: [{kind: s3, name: b}]\n",
            "name: t\nassets:\n  []\n",
            "name: t\nassets:\n  - kind: vm\nassets:\n  - kind: s3\n",
            "tags: {\nassets:\n- kind: vm\n}\n",
            "name: t\nassets:\n",
            "  name: t\n  assets:\n  - kind: vm\n",
        ] {
            assert!(cut_of(text).is_none(), "{text}");
        }
    }

    #[test]
    fn crlf_lines_keep_their_breaks() {
        let (header, docs) = cut_of("name: t\r\nassets:\r\n  - kind: vm\r\n    name: a\r\nowner: me\r\n").unwrap();
        assert_eq!(header, "name: t\r\nassets: []\n\n\nowner: me\r\n");
        assert_eq!(docs, ["    kind: vm\r\n    name: a\r\n"]);
    }
}
