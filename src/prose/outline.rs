//! A Markdown design doc as an outline: sections (headings, bold labels,
//! numbered pseudo-headings such as `4.1. VPC Configuration`, bullets
//! ending in `:`) and the lines under each, with list markers, emphasis
//! and links removed. Fenced code is kept apart: it names no component
//! but may hold facts (a subnet plan).

use super::text::plain;
use super::vocabulary::vocabulary;

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The title line of a section.
    Title,
    /// A list item.
    Bullet,
    /// Paragraph text or a table row.
    Text,
    /// Inside a fenced code block.
    Code,
    /// Empty, an image, a rule or a table separator.
    Blank,
}

/// One line of the document.
#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// What the line is.
    pub kind: LineKind,
    /// Leading spaces (a tab counts four).
    pub indent: usize,
    /// The words of the line: markdown, list markers and numbering removed.
    pub text: String,
    /// The label of a `Label: rest` item or of a bold lead-in.
    pub label: Option<String>,
    /// Whether the label is a field of the item above ("Purpose").
    pub field: bool,
    /// The text after the label, or all of it.
    pub rest: String,
    /// Bold spans inside the text (a bold lead-in is the label instead).
    pub bold: Vec<String>,
    /// The innermost section holding the line (for a title line: its own).
    pub section: Option<usize>,
    /// The cells of a table row (empty for other lines).
    pub cells: Vec<String>,
}

/// A heading or label with the lines under it.
#[derive(Debug, Clone)]
pub struct Section {
    /// Title words.
    pub title: String,
    /// Line of the title.
    pub line: usize,
    /// Nesting level: 1-6 for headings, 7 and deeper for labels.
    pub level: usize,
    /// Enclosing section.
    pub parent: Option<usize>,
    /// Whether the section (or an ancestor) holds no inventory: references, risks, tests…
    pub excluded: bool,
    /// For a bullet label: its indent; lines at or left of it close the section.
    bullet_indent: Option<usize>,
}

/// The whole document.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// Every line, in order.
    pub lines: Vec<Line>,
    /// Every section, in order of appearance.
    pub sections: Vec<Section>,
}

fn indent_of(raw: &str) -> usize {
    raw.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// `1.Monitoring`, `4.1. VPC Configuration`, `2) Item`: the numbering depth and the text.
fn numbered(t: &str) -> Option<(usize, &str)> {
    let digits_end = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, rest) = t.split_at(digits_end);
    if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let closed = rest.starts_with(')');
    let rest = rest.strip_prefix(')').unwrap_or(rest);
    if !(num.ends_with('.') || closed) {
        return None;
    }
    let depth = num.trim_end_matches('.').split('.').count();
    let rest = rest.trim_start();
    rest.starts_with(|c: char| c.is_alphabetic()).then_some((depth, rest))
}

/// A bold lead-in: `**Label:** rest` → (label, rest).
fn bold_lead(t: &str) -> Option<(String, String)> {
    let inner = t.strip_prefix("**")?;
    let close = inner.find("**")?;
    let label = plain(&inner[..close]);
    let rest = inner[close + 2..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    let label = label.trim().trim_end_matches(':').trim().to_string();
    (!label.is_empty()).then(|| (label, plain(rest)))
}

/// A plain `Label: rest` with a short label.
fn colon_label(t: &str) -> Option<(String, String)> {
    let (label, rest) = t.split_once(':')?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    let words = label.split_whitespace().count();
    if words == 0 || words > 6 || label.contains(['(', ')', '.', ',']) && words > 4 {
        return None;
    }
    Some((label.trim().to_string(), rest.trim().to_string()))
}

/// Strip a leading `1.` / `4.1.` numbering from a label.
fn unnumber(label: &str) -> String {
    numbered(label).map_or_else(|| label.to_string(), |(_, rest)| rest.to_string())
}

fn bold_spans(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("**") else { break };
        let span = plain(&after[..close]);
        if !span.is_empty() {
            out.push(span);
        }
        rest = &after[close + 2..];
    }
    out
}

fn is_rule(t: &str) -> bool {
    t.len() >= 3 && t.chars().all(|c| matches!(c, '-' | '=' | '*' | '_' | ' '))
}

impl Section {
    /// Whether the title is a bullet ending in `:` (it closes with its list item).
    pub fn is_bullet_label(&self) -> bool {
        self.bullet_indent.is_some()
    }
}

impl Outline {
    /// Read a Markdown document.
    pub fn parse(doc: &str) -> Outline {
        let vocab = vocabulary();
        let raw: Vec<&str> = doc.lines().collect();
        let mut out = Outline::default();
        let mut stack: Vec<usize> = Vec::new();
        let mut fence: Option<&str> = None;
        for (i, line) in raw.iter().enumerate() {
            let number = i + 1;
            let indent = indent_of(line);
            let t = line.trim();
            let push = |out: &mut Outline, kind, text: String, stack: &[usize]| {
                out.lines.push(Line {
                    number,
                    kind,
                    indent,
                    rest: text.clone(),
                    text,
                    label: None,
                    field: false,
                    bold: Vec::new(),
                    section: stack.last().copied(),
                    cells: Vec::new(),
                });
            };
            if let Some(marker) = fence {
                if t.starts_with(marker) {
                    fence = None;
                    push(&mut out, LineKind::Blank, String::new(), &stack);
                } else {
                    let code: String = t.chars().filter(|c| !c.is_control()).collect();
                    push(&mut out, LineKind::Code, code, &stack);
                }
                continue;
            }
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = Some(&t[..3]);
                push(&mut out, LineKind::Blank, String::new(), &stack);
                continue;
            }
            if t.is_empty() || is_rule(t) || (t.starts_with('|') && t.chars().all(|c| "|-: ".contains(c))) {
                push(&mut out, LineKind::Blank, String::new(), &stack);
                continue;
            }
            // Close bullet labels that this line is not nested under.
            while let Some(&s) = stack.last() {
                match out.sections[s].bullet_indent {
                    Some(b) if indent <= b => {
                        stack.pop();
                    }
                    _ => break,
                }
            }
            let setext = raw.get(i + 1).map(|n| n.trim()).and_then(|n| {
                let underline = n.len() >= 3 && (n.chars().all(|c| c == '=') || n.chars().all(|c| c == '-'));
                (underline && indent == 0 && !t.starts_with(['-', '*', '+', '|', '#'])).then(|| {
                    if n.starts_with('=') {
                        1
                    } else {
                        2
                    }
                })
            });
            let heading = t
                .find(|c: char| c != '#')
                .filter(|&n| (1..=6).contains(&n) && t[n..].starts_with(' '))
                .map(|n| (n, t[n..].trim().trim_end_matches('#').trim()))
                .or_else(|| setext.map(|n| (n, t)));
            if let Some((level, title)) = heading {
                out.open(&mut stack, unnumber(&plain(title)), number, level, None);
                push(&mut out, LineKind::Title, plain(title), &stack);
                continue;
            }
            if t.starts_with('|') {
                let cells: Vec<String> = t
                    .trim_matches('|')
                    .split('|')
                    .map(plain)
                    .filter(|c| !c.is_empty())
                    .collect();
                let text = cells.join(", ");
                out.lines.push(Line {
                    number,
                    kind: LineKind::Text,
                    indent,
                    rest: text.clone(),
                    text,
                    label: None,
                    field: false,
                    bold: bold_spans(t),
                    section: stack.last().copied(),
                    cells,
                });
                continue;
            }
            let (bullet, content) = match t.strip_prefix(['-', '*', '+']) {
                Some(c) if c.starts_with(' ') => (true, c.trim_start()),
                _ => (false, t),
            };
            // Labels nest by indent; at one indent, numbered labels (by depth)
            // come before bullet labels.
            let base_level = 7 + (indent / 2) * 8;
            let mut bullet = bullet;
            let mut content = content;
            // Numbered pseudo-heading (`1.Monitoring`, `4.1. VPC Configuration`) or list item.
            if !bullet {
                if let Some((depth, rest)) = numbered(content) {
                    let words = plain(rest);
                    let short = words.split_whitespace().count() <= 8 && !words.ends_with('.');
                    let title = words.trim_end_matches(':').trim().to_string();
                    if short && !vocab.is_field(&title) {
                        out.open(&mut stack, title, number, base_level + depth.min(4) - 1, None);
                        push(&mut out, LineKind::Title, words, &stack);
                        continue;
                    }
                    bullet = true;
                    content = rest;
                }
            }
            let lead = bold_lead(content).map(|l| (l, true)).or_else(|| {
                let p = plain(content);
                colon_label(&p).map(|l| (l, false))
            });
            if let Some(((label, rest), bold)) = lead {
                let label = unnumber(&label);
                let field = vocab.is_field(&label);
                let title_like = rest.is_empty() && (bold || bullet || indent == 0);
                if !field && title_like {
                    let bullet_indent = bullet.then_some(indent);
                    let level = base_level + if bullet { 4 } else { 0 };
                    out.open(&mut stack, label.clone(), number, level, bullet_indent);
                    push(&mut out, LineKind::Title, label, &stack);
                    continue;
                }
                let kind = if bullet { LineKind::Bullet } else { LineKind::Text };
                let text = plain(content);
                let bold = bold_spans(content)
                    .into_iter()
                    .filter(|b| unnumber(b.trim_end_matches(':')) != label)
                    .collect();
                out.lines.push(Line {
                    number,
                    kind,
                    indent,
                    text,
                    label: Some(label),
                    field,
                    rest: rest.clone(),
                    bold,
                    section: stack.last().copied(),
                    cells: Vec::new(),
                });
                continue;
            }
            let kind = if bullet { LineKind::Bullet } else { LineKind::Text };
            let text = plain(content);
            if text.is_empty() {
                push(&mut out, LineKind::Blank, String::new(), &stack);
                continue;
            }
            out.lines.push(Line {
                number,
                kind,
                indent,
                rest: text.clone(),
                text,
                label: None,
                field: false,
                bold: bold_spans(content),
                section: stack.last().copied(),
                cells: Vec::new(),
            });
        }
        out
    }

    fn open(&mut self, stack: &mut Vec<usize>, title: String, line: usize, level: usize, bullet_indent: Option<usize>) {
        while stack.last().is_some_and(|&s| self.sections[s].level >= level) {
            stack.pop();
        }
        let parent = stack.last().copied();
        let excluded = parent.is_some_and(|p| self.sections[p].excluded) || vocabulary().is_excluded(&title);
        self.sections.push(Section {
            title,
            line,
            level,
            parent,
            excluded,
            bullet_indent,
        });
        stack.push(self.sections.len() - 1);
    }

    /// `section` and its ancestors, innermost first.
    pub fn chain(&self, section: Option<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut s = section;
        while let Some(i) = s {
            out.push(i);
            s = self.sections[i].parent;
        }
        out
    }

    /// Whether `section` is `ancestor` or lies inside it.
    pub fn within(&self, section: Option<usize>, ancestor: usize) -> bool {
        self.chain(section).contains(&ancestor)
    }

    /// Whether a line lies in an excluded section.
    pub fn excluded(&self, line: &Line) -> bool {
        line.section.is_some_and(|s| self.sections[s].excluded)
    }

    /// Section titles from the outermost to `section`, joined with " > ".
    pub fn path(&self, section: Option<usize>) -> String {
        let mut chain = self.chain(section);
        chain.reverse();
        chain
            .iter()
            .map(|&s| self.sections[s].title.as_str())
            .collect::<Vec<_>>()
            .join(" > ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Design\n\n## AWS Resources\n\n**1. Application Load Balancer (ALB):**\n   - **Purpose:** Entry point.\n   - **Key Considerations:**\n     - Supports HTTPS.\n\n**2. Monitoring:**\n   - **Purpose:** Uses CloudWatch.\n\n#### Postgres\n\n1.Monitoring\n\n* Use Amazon CloudWatch to monitor lag.\n\n4.1. VPC Configuration\n\n* VPC Design: Define a VPC.\n* Install Exporters:\n  * node exporter\n* Install Grafana\n\n```bash\nPrivate Subnet-A 10.0.64.0/18\n```\n\n## References\n* [AWS RDS](https://x)\n";

    #[test]
    fn sections_from_headings_labels_and_numbering() {
        let o = Outline::parse(DOC);
        let titles: Vec<(&str, usize)> = o.sections.iter().map(|s| (s.title.as_str(), s.level)).collect();
        assert_eq!(
            titles,
            [
                ("Design", 1),
                ("AWS Resources", 2),
                ("Application Load Balancer (ALB)", 7),
                ("Monitoring", 7),
                ("Postgres", 4),
                ("Monitoring", 7),
                ("VPC Configuration", 8),
                ("Install Exporters", 11),
                ("References", 2),
            ]
        );
        assert_eq!(o.sections[2].parent, Some(1));
        assert_eq!(o.sections[6].parent, Some(5), "4.1 nests under 1.");
        assert!(o.sections[8].excluded);
    }

    #[test]
    fn lines_know_fields_labels_and_sections() {
        let o = Outline::parse(DOC);
        let purpose = o.lines.iter().find(|l| l.number == 6).unwrap();
        assert_eq!(purpose.label.as_deref(), Some("Purpose"));
        assert!(purpose.field);
        assert_eq!(purpose.rest, "Entry point.");
        assert_eq!(purpose.section, Some(2));
        let design = o.lines.iter().find(|l| l.number == 21).unwrap();
        assert_eq!(design.label.as_deref(), Some("VPC Design"));
        assert!(!design.field);
        let exporter = o.lines.iter().find(|l| l.number == 23).unwrap();
        assert_eq!(exporter.section, Some(7), "nested under the bullet label");
        let grafana = o.lines.iter().find(|l| l.number == 24).unwrap();
        assert_eq!(grafana.section, Some(6), "a sibling bullet closes the bullet label");
        let code = o.lines.iter().find(|l| l.number == 27).unwrap();
        assert_eq!(code.kind, LineKind::Code);
        assert_eq!(
            o.path(grafana.section),
            "Design > AWS Resources > Postgres > Monitoring > VPC Configuration"
        );
    }

    #[test]
    fn setext_headings_and_tables() {
        let o = Outline::parse("Title\n=====\n\n| Component | Notes |\n|---|---|\n| Redis | cache |\n");
        assert_eq!(o.sections[0].title, "Title");
        let row = o.lines.iter().find(|l| l.number == 6).unwrap();
        assert_eq!(row.text, "Redis, cache");
        assert_eq!(row.cells, ["Redis", "cache"]);
    }
}
