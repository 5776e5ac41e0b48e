//! Where in a file a verification finding is: [`crate::verify`] says what
//! is wrong per file and names the block or reference; this finds its line,
//! so that `acmegen verify` prints `file:line: message` like a compiler.

/// 1-based line of the text a finding `message` is about in `text`, when
/// it can be found.
pub fn line_of(message: &str, text: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    if let Some(line) = block_line(message, &lines) {
        return Some(line);
    }
    if let Some(rest) = message.strip_prefix("reference ") {
        let target = rest.split(':').next()?.trim();
        return token_line(target, &lines);
    }
    if let Some(rest) = message.strip_prefix('`') {
        // "`var.x` is declared but never used"
        let name = rest.split('`').next()?;
        let header = match name.split('.').collect::<Vec<_>>().as_slice() {
            ["var", v] => format!("variable \"{v}\""),
            ["data", t, n] => format!("data \"{t}\" \"{n}\""),
            ["local", l] => {
                return find(&lines, 0, |t| {
                    t.strip_prefix(l)
                        .is_some_and(|r| r.trim_start().starts_with('=') && !r.trim_start().starts_with("=="))
                })
            }
            _ => return None,
        };
        return find(&lines, 0, |t| t.starts_with(&header));
    }
    None
}

/// First 1-based line from `from` (0-based) whose trimmed text satisfies `pred`.
fn find(lines: &[&str], from: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
    (from..lines.len())
        .find(|&i| pred(lines[i].trim_start()))
        .map(|i| i + 1)
}

/// Findings that start with a block header (`module "x": …`,
/// `resource "t" "n" > block: …`): the header's line, or the line of the
/// argument or block named in backticks inside it.
fn block_line(message: &str, lines: &[&str]) -> Option<usize> {
    let header = message.split(':').next()?;
    let first = header.split(" > ").next()?.trim();
    let is_header = ["module \"", "resource \"", "data \"", "ephemeral \""]
        .iter()
        .any(|p| first.starts_with(p));
    if !is_header {
        return None;
    }
    let start = find(lines, 0, |t| t.starts_with(first))?;
    let end = (start..lines.len())
        .find(|&i| lines[i].starts_with('}'))
        .unwrap_or(lines.len());
    let named = message
        .split_once("argument `")
        .or_else(|| message.split_once("block `"))
        .or_else(|| message.split_once("variable `"))
        .and_then(|(_, r)| r.split('`').next());
    if let Some(name) = named {
        if let Some(i) = (start..end).find(|&i| {
            let t = lines[i].trim_start();
            t.strip_prefix(name)
                .is_some_and(|r| r.starts_with(' ') || r.starts_with('=') || r.starts_with('{'))
        }) {
            return Some(i + 1);
        }
    }
    Some(start)
}

/// The first line holding `token` as a whole reference (not as a prefix of a longer name).
fn token_line(token: &str, lines: &[&str]) -> Option<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    lines
        .iter()
        .position(|l| {
            l.match_indices(token).any(|(i, _)| {
                let before = l[..i].chars().next_back();
                let after = l[i + token.len()..].chars().next();
                !before.is_some_and(|c| ident(c) || c == '.') && !after.is_some_and(ident)
            })
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = "module \"vpc\" {\n  source = \"../modules/vpc\"\n  cidr   = var.cidr\n}\n\nmodule \"app\" {\n  source = \"../modules/vm\"\n  vpc_id = module.vpc.vpc_idx\n  subnet = module.vpc.vpc_id\n}\n";

    #[test]
    fn finds_references_blocks_and_arguments() {
        assert_eq!(
            line_of(
                "reference module.vpc.vpc_idx: ../modules/vpc has no output `vpc_idx`",
                MAIN
            ),
            Some(8)
        );
        assert_eq!(line_of("reference var.cidr: no such variable", MAIN), Some(3));
        assert_eq!(
            line_of(
                "module \"app\": argument `subnet` is not a variable of ../modules/vm",
                MAIN
            ),
            Some(9)
        );
        assert_eq!(
            line_of(
                "module \"app\": required variable `name` of ../modules/vm is not set",
                MAIN
            ),
            Some(6)
        );
        assert_eq!(line_of("something else", MAIN), None);
    }

    #[test]
    fn a_reference_is_not_a_prefix_of_a_longer_one() {
        let text = "a = module.vpc.vpc_id_list\nb = module.vpc.vpc_id\n";
        assert_eq!(line_of("reference module.vpc.vpc_id: x", text), Some(2));
    }

    #[test]
    fn finds_unused_declarations() {
        let text = "variable \"x\" {\n  type = string\n}\n\nlocals {\n  y = 1\n}\n";
        assert_eq!(line_of("`var.x` is declared but never used", text), Some(1));
        assert_eq!(line_of("`local.y` is declared but never used", text), Some(6));
    }
}
