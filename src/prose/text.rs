//! Text normalization for the prose importer: one canonical token stream
//! per line, so that "Sauvegardes", "backups" and "Backup" compare equal,
//! and "ci/cd", "CI-CD" and "CI CD" too.
//!
//! A token is a lowercase, accent-folded word. Tokens that carry a value
//! (`10.0.0.0/16`, `m6i.large`, `1.33`, `/21`) stay whole; other words are
//! split on `-`, `/`, `.` and `_`. French phrases are translated with the
//! small table in [`super::vocabulary::FRENCH`], number words become digits,
//! and plurals are folded ("nodes" → "node", "policies" → "policy").

use super::vocabulary::{FRENCH, NUMBER_WORDS};

/// Lowercase `s` and fold accented Latin letters and typographic quotes to ASCII.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | '‘' | '´' => out.push('\''),
            '“' | '”' | '«' | '»' => out.push('"'),
            '–' | '—' => out.push('-'),
            c => out.push(c),
        }
    }
    out
}

/// Whether a raw word carries a value that must not be split: an IPv4
/// address or CIDR, an instance type, a version, a prefix like `/21`.
fn is_value(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && (word.contains('.') || word.starts_with('/') || word.contains('/'))
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-'))
}

/// Fold a plural to its singular ("nodes" → "node", "policies" → "policy");
/// short words ("aws", "eks", "dns") and words with digits are kept.
pub fn stem(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) || word.len() <= 3 {
        return word.to_string();
    }
    if word.len() > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// Split folded text into raw words: whitespace and punctuation separate,
/// values stay whole, other words split on `-`, `/`, `.`, `_`.
fn raw_words(folded: &str) -> Vec<String> {
    let mut out = Vec::new();
    let separators = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | ';'
                    | ':'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '!'
                    | '?'
                    | '"'
                    | '\''
                    | '`'
                    | '*'
                    | '|'
                    | '<'
                    | '>'
                    | '='
                    | '&'
                    | '+'
                    | '#'
                    | '%'
                    | '~'
                    | '@'
                    | '$'
                    | '^'
            )
    };
    for word in folded.split(separators) {
        let word = word.trim_matches(|c: char| c == '.' || c == '-' || c == '_');
        if word.is_empty() {
            continue;
        }
        if is_value(word) {
            out.push(word.to_string());
            continue;
        }
        for part in word.split(['-', '/', '.', '_']) {
            let part: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
            if !part.is_empty() {
                out.push(part);
            }
        }
    }
    out
}

/// Translate French phrases (longest first, as listed) token by token.
fn translate(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'outer: while i < words.len() {
        for (french, english) in FRENCH {
            let n = french.split(' ').count();
            if i + n <= words.len() && french.split(' ').zip(&words[i..i + n]).all(|(f, w)| f == w) {
                out.extend(english.split(' ').map(str::to_string));
                i += n;
                continue 'outer;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// The canonical tokens of `s`: folded, split, French translated, number
/// words as digits, plurals folded.
pub fn tokens(s: &str) -> Vec<String> {
    translate(raw_words(&fold(s)))
        .into_iter()
        .map(|w| match NUMBER_WORDS.iter().find(|(word, _)| *word == w) {
            Some((_, n)) => n.to_string(),
            None => stem(&w),
        })
        .collect()
}

/// Tokens joined by single spaces, with a space at each end, so that a
/// phrase `p` occurs as a whole-word match exactly when ` p ` is a substring.
pub fn padded(s: &str) -> String {
    let t = tokens(s);
    if t.is_empty() {
        " ".to_string()
    } else {
        format!(" {} ", t.join(" "))
    }
}

/// Markdown reduced to its words: images dropped, links replaced by their
/// text, emphasis and code marks removed, whitespace collapsed.
pub fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '!' && chars.get(i + 1) == Some(&'[') {
            // image: skip ![alt](target)
            if let Some(end) = link_end(&chars, i + 1) {
                i = end;
                continue;
            }
        }
        if c == '[' {
            if let Some(close) = chars[i..].iter().position(|&c| c == ']').map(|p| i + p) {
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(end) = chars[close..].iter().position(|&c| c == ')').map(|p| close + p) {
                        out.extend(&chars[i + 1..close]);
                        i = end + 1;
                        continue;
                    }
                }
            }
        }
        match c {
            '*' | '`' => {}
            '_' if chars.get(i + 1) == Some(&'_') => i += 1,
            c if c.is_whitespace() => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            // Control characters would end a YAML comment or scalar early.
            c if c.is_control() => {}
            c => out.push(c),
        }
        i += 1;
    }
    out.trim().to_string()
}

fn link_end(chars: &[char], open: usize) -> Option<usize> {
    let close = chars[open..].iter().position(|&c| c == ']')? + open;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = chars[close..].iter().position(|&c| c == ')')? + close;
    Some(end + 1)
}

/// `s` without parenthesised asides: "CloudWatch (and later Grafana)" → "CloudWatch ".
pub fn without_asides(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The first clause of `s` and whether it is a question: text up to the
/// first `,`, `;`, `:`, `(`, `?`, `!`, ` - ` or sentence-ending `.`.
pub fn first_clause(s: &str) -> (String, bool) {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let ends = match c {
            ',' | ';' | ':' | '(' | ')' | '!' => true,
            '?' => return (chars[..i].iter().collect::<String>().trim().to_string(), true),
            '.' => next.is_none_or(char::is_whitespace),
            '-' | '–' | '—' => i > 0 && chars[i - 1] == ' ' && next == Some(' '),
            _ => false,
        };
        if ends {
            return (chars[..i].iter().collect::<String>().trim().to_string(), false);
        }
    }
    (s.trim().to_string(), false)
}

/// The sentences of `s`: split after `.`, `?` or `!` followed by a space,
/// except after abbreviations ("e.g.", "i.e.", "etc.", "vs.").
pub fn sentences(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '?' | '!') && chars.peek().is_some_and(|n| n.is_whitespace()) {
            let last = current
                .trim_end_matches(['.', '?', '!'])
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .trim_start_matches(|c: char| !c.is_alphanumeric());
            if !matches!(last.to_lowercase().as_str(), "e.g" | "i.e" | "etc" | "vs" | "eg" | "ie") {
                out.push(current.trim().to_string());
                current.clear();
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// `s` cut to at most `max` characters at a word boundary, with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// A double-quoted YAML scalar.
pub fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fold_case_accents_plurals_and_separators() {
        assert_eq!(
            tokens("Sauvegardes des Bases de données"),
            ["backup", "des", "database"]
        );
        assert_eq!(tokens("CI/CD Pipelines"), ["ci", "cd", "pipeline"]);
        assert_eq!(
            tokens("Kubernetes Network Policies"),
            ["kubernete", "network", "policy"]
        );
        assert_eq!(tokens("traffic-dial-percentage"), ["traffic", "dial", "percentage"]);
        assert_eq!(tokens("three AZs"), ["3", "azs"]);
        assert_eq!(tokens("trois zones de disponibilité"), ["3", "availability", "zone"]);
    }

    #[test]
    fn values_stay_whole() {
        assert_eq!(
            tokens("range `10.0.0.0/16`, m6i.large nodes"),
            ["range", "10.0.0.0/16", "m6i.large", "node"]
        );
        assert_eq!(
            tokens("/21 public subnets, v1.33."),
            ["/21", "public", "subnet", "v1.33"]
        );
    }

    #[test]
    fn plain_drops_markdown() {
        assert_eq!(plain("**1. Route 53 (DNS):**"), "1. Route 53 (DNS):");
        assert_eq!(
            plain("see [AWS RDS](https://x/y) and ![img](a.png) `code`"),
            "see AWS RDS and code"
        );
        assert_eq!(plain("a\rb\u{7}c\u{2028}d"), "a bc d");
    }

    #[test]
    fn first_clause_stops_at_punctuation() {
        assert_eq!(first_clause("Jenkins, for example, can be used.").0, "Jenkins");
        assert_eq!(
            first_clause("Install cert manager, which is an add-on").0,
            "Install cert manager"
        );
        assert_eq!(first_clause("ALB ?"), ("ALB".to_string(), true));
        assert_eq!(first_clause("Use m6i.large nodes. Then more").0, "Use m6i.large nodes");
        assert_eq!(
            first_clause("Underlying infrastructure - in this case").0,
            "Underlying infrastructure"
        );
    }

    #[test]
    fn sentences_split_after_stops_not_abbreviations() {
        assert_eq!(
            sentences("Use a registry (e.g. ECR). Then deploy! Why? v1.33 stays."),
            ["Use a registry (e.g. ECR).", "Then deploy!", "Why?", "v1.33 stays."]
        );
    }

    #[test]
    fn asides_and_shortening() {
        assert_eq!(without_asides("CloudWatch (with Grafana) alarms"), "CloudWatch  alarms");
        assert_eq!(shorten("one two three four", 12), "one two…");
        assert_eq!(yaml_str("a \"b\""), "\"a \\\"b\\\"\"");
    }
}
