//! Parsing a large block in parts (`acmegen render`).
//!
//! A root holds a few blocks whose size grows with the inventory: the
//! `identities` output, the fact store's `publish` map, the replication
//! alarms' `merge(…)`. Each has no twin to be read by structure, so it is
//! parsed, and both hcl-edit's parser and hcl-rs's conversion insert every
//! object key into a `VecMap` with a linear search: a 10,000-entry map costs
//! tens of milliseconds, quadratic in the inventory.
//!
//! In canonical layout such a value opens at the end of an argument line
//! (`  value = {`, `  alarms = merge(`) and closes on a line of the same
//! indentation; its items start one indentation deeper. The block is then
//! parsed as its *shell* (each large value emptied: `{}`, `merge()`, `[]`,
//! which keeps the kind of literal the declaration checks read) and each
//! run of [`ITEMS_PER_PART`] items is parsed inside its own copy of the
//! opening and closing lines. The block parses exactly when the shell and
//! every part do: a part that ends inside an open construct (a heredoc, an
//! unclosed bracket) or starts inside one does not parse on its own, and
//! argument lists are only split after a comma. When a value cannot be
//! split so, [`parse`] says `None` and the caller parses the block whole,
//! which also gives the exact error message.

/// Blocks shorter than this are parsed whole: splitting would not pay.
const SPLIT_ABOVE: usize = 16 * 1024;

/// Items parsed together: small enough that the linear key search stays
/// cheap, large enough that the copies of the opening line do not matter.
const ITEMS_PER_PART: usize = 64;

/// Values with fewer items than this stay in the shell.
const SPLIT_ITEMS: usize = 2 * ITEMS_PER_PART;

/// The indentation of a block's arguments and of their values' items.
const ARG_INDENT: usize = 2;
const ITEM_INDENT: usize = 4;

/// One large value: the lines (as byte ranges of the block) that open and
/// close it, and the items between them.
struct Value {
    open: std::ops::Range<usize>,
    close: std::ops::Range<usize>,
    /// Start of each item; the last item ends where `close` starts.
    items: Vec<usize>,
    /// Whether items are separated by commas (argument lists, tuples).
    commas: bool,
}

/// The block `chunk` (one top-level structure) parsed as its shell, when it
/// is large, has values large enough to split and every part parses; `None`
/// when it should be parsed whole.
pub(super) fn parse(chunk: &str) -> Option<hcl::Body> {
    if chunk.len() < SPLIT_ABOVE {
        return None;
    }
    let values = large_values(chunk);
    if values.is_empty() {
        return None;
    }
    let mut shell = String::with_capacity(chunk.len() / 8);
    let mut at = 0;
    for v in &values {
        shell.push_str(&chunk[at..v.open.end]);
        at = v.close.start;
        for (k, part) in v.items.chunks(ITEMS_PER_PART).enumerate() {
            let end = v.items.get((k + 1) * ITEMS_PER_PART).copied().unwrap_or(v.close.start);
            let items = &chunk[part[0]..end];
            if v.commas && !ends_with_comma(items) {
                return None;
            }
            let mut text = String::with_capacity(items.len() + 64);
            text.push_str(&chunk[v.open.clone()]);
            text.push_str(items);
            text.push_str(&chunk[v.close.clone()]);
            text.parse::<hcl::edit::structure::Body>().ok()?;
        }
    }
    shell.push_str(&chunk[at..]);
    hcl::parse(&shell).ok()
}

/// Whether the last line of `items` that holds code ends with a comma.
fn ends_with_comma(items: &str) -> bool {
    items
        .lines()
        .rev()
        .map(str::trim_end)
        .find(|l| !l.trim_start().is_empty() && !is_comment(l.trim_start()))
        .is_some_and(|l| l.ends_with(','))
}

fn is_comment(line: &str) -> bool {
    line.starts_with('#') || line.starts_with("//")
}

/// The indentation of `line` and the rest of it.
fn indented(line: &str) -> (usize, &str) {
    let rest = line.trim_start_matches(' ');
    (line.len() - rest.len(), rest)
}

/// The values of `chunk`'s arguments that span lines and hold at least
/// [`SPLIT_ITEMS`] items, in order.
fn large_values(chunk: &str) -> Vec<Value> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in chunk.split_inclusive('\n') {
        lines.push(offset..offset + line.len());
        offset += line.len();
    }
    let mut values = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = &chunk[lines[i].clone()];
        let (indent, rest) = indented(line);
        let code = rest.trim_end();
        let closer = match code.as_bytes().last() {
            Some(b'{') => b'}',
            Some(b'[') => b']',
            Some(b'(') => b')',
            _ => 0,
        };
        if indent != ARG_INDENT || closer == 0 || is_comment(code) || !code.contains(" = ") {
            i += 1;
            continue;
        }
        // The closing line: the next line at this indentation.
        let Some(close) = (i + 1..lines.len()).find(|&j| indented(&chunk[lines[j].clone()]).0 <= ARG_INDENT) else {
            break;
        };
        let closes = indented(&chunk[lines[close].clone()]);
        if closes.0 != ARG_INDENT || closes.1.as_bytes().first() != Some(&closer) {
            i = close;
            continue;
        }
        let items: Vec<usize> = (i + 1..close)
            .filter(|&j| {
                let (indent, rest) = indented(&chunk[lines[j].clone()]);
                indent == ITEM_INDENT && !rest.starts_with(['}', ']', ')']) && !rest.trim().is_empty()
            })
            .map(|j| lines[j].start)
            .collect();
        if items.len() >= SPLIT_ITEMS && items[0] == lines[i + 1].start {
            values.push(Value {
                open: lines[i].clone(),
                close: lines[close].clone(),
                items,
                commas: closer != b'}',
            });
        }
        i = close + 1;
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module call with a map, an argument list and a list of `n` items each.
    fn block(n: usize) -> String {
        let mut s = String::from("module \"m\" {\n  source = \"../m\"\n\n  publish = {\n");
        for i in 0..n {
            s += &format!("    k_{i} = {{\n      a = module.x_{i}.id\n    }}\n");
        }
        s += "  }\n  alarms = merge(\n";
        for i in 0..n {
            s += &format!("    contains(var.names, \"n{i}\") ? {{\n      a_{i} = 1\n    }} : {{}},\n");
        }
        s += "  )\n  ids = [\n";
        for i in 0..n {
            s += &format!("    \"id-{i}\",\n");
        }
        s += "  ]\n  name = \"x\"\n}\n";
        s
    }

    fn shape(body: &hcl::Body) -> Vec<(String, Option<super::super::Literal>)> {
        let b = body.blocks().next().expect("one block");
        b.body()
            .attributes()
            .map(|a| (a.key().to_string(), super::super::literal(a.expr())))
            .collect()
    }

    #[test]
    fn a_large_block_parses_in_parts_to_the_shape_of_its_whole_parse() {
        let text = block(1000);
        assert!(text.len() > SPLIT_ABOVE);
        let parts = parse(&text).expect("split");
        let whole = hcl::parse(&text).expect("parses");
        assert_eq!(shape(&parts), shape(&whole));
        assert_eq!(large_values(&text).len(), 3);
    }

    #[test]
    fn small_blocks_and_small_values_are_parsed_whole() {
        assert!(parse(&block(10)).is_none());
        let padded = format!("{}# {}\n", block(10), "x".repeat(SPLIT_ABOVE));
        assert!(large_values(&padded).is_empty());
    }

    #[test]
    fn a_defect_in_any_part_or_the_shell_is_not_taken_for_a_parse() {
        let text = block(1000);
        for (from, to) in [
            ("k_777 = {", "k_777 = {{"),          // an object entry
            ("\"n500\") ? {", "\"n500\") ? {("),  // an argument
            ("\"id-999\",", "\"id-999\" \"x\","), // the last item of a list
            ("name = \"x\"", "name = \"x"),       // the shell
        ] {
            let broken = text.replacen(from, to, 1);
            assert_ne!(broken, text, "{from}");
            assert!(hcl::parse(&broken).is_err(), "{from}: the whole parse fails");
            assert!(parse(&broken).is_none(), "{from}: not taken for a parse");
        }
    }

    #[test]
    fn argument_lists_split_only_after_a_comma() {
        // The last argument of a part without its comma would run into the next part.
        let text = block(1000).replacen(
            "\"n63\") ? {\n      a_63 = 1\n    } : {},",
            "\"n63\") ? {\n      a_63 = 1\n    } : {}",
            1,
        );
        assert!(hcl::parse(&text).is_err());
        assert!(parse(&text).is_none());
    }

    #[test]
    fn a_heredoc_across_a_part_boundary_is_not_split() {
        let mut text = block(1000);
        let heredoc = "    k_63 = <<-EOT\n    k_64 = 1\n    EOT\n";
        text = text.replacen("    k_63 = {\n      a = module.x_63.id\n    }\n", heredoc, 1);
        assert!(hcl::parse(&text).is_ok());
        // Either parsed whole or in parts that agree; never a wrong parse.
        if let Some(parts) = parse(&text) {
            assert_eq!(shape(&parts), shape(&hcl::parse(&text).unwrap()));
        }
    }
}
