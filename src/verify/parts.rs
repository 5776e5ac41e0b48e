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
//! opening and closing lines (exactly `<name> = {`, `<name> = [` or
//! `<name> = <function>(`, and the lone closing bracket). The block parses
//! exactly when the shell does and every part parses as that one argument
//! with a value of the bracket's kind: an object constructor, or a tuple or
//! call whose every item ends with a comma. A part that ends inside an open
//! construct (a heredoc, an unclosed bracket) does not parse, and one that
//! starts inside one, closes the value early or holds a `for` expression is
//! not one such value. When a value cannot be split so, [`parse`] says
//! `None` and the caller parses the block whole, which also gives the exact
//! error message.

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
    /// The argument's name (the key of the opening line).
    key: String,
    /// The closing bracket: `}` (an object), `]` (a tuple), `)` (a call).
    closer: u8,
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
            let mut text = String::with_capacity(items.len() + 64);
            text.push_str(&chunk[v.open.clone()]);
            text.push_str(items);
            text.push_str(&chunk[v.close.clone()]);
            let body = text.parse::<hcl::edit::structure::Body>().ok()?;
            if !is_one_value(&body, v) {
                return None;
            }
        }
    }
    shell.push_str(&chunk[at..]);
    hcl::parse(&shell).ok()
}

/// Whether a part parsed as exactly the one argument of its value, of the
/// value's kind, with nothing after its last item that would run into the
/// next part: an object constructor (not a `for` expression) for `}`, a
/// tuple or a call (without `...`) whose items all end with a comma for
/// `]` and `)`. A part that closed the value early and went on with other
/// arguments, or whose last comma sat in a comment, is not one value.
fn is_one_value(body: &hcl::edit::structure::Body, v: &Value) -> bool {
    use hcl::edit::expr::Expression;
    let mut structures = body.iter();
    let (Some(hcl::edit::structure::Structure::Attribute(attr)), None) = (structures.next(), structures.next()) else {
        return false;
    };
    if attr.key.as_str() != v.key {
        return false;
    }
    match (&attr.value, v.closer) {
        (Expression::Object(_), b'}') => true,
        (Expression::Array(a), b']') => a.trailing_comma(),
        (Expression::FuncCall(f), b')') => f.args.trailing_comma() && !f.args.expand_final(),
        _ => false,
    }
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
        // Exactly `<name> = {`, `<name> = [` or `<name> = <function>(`.
        let key = code.split_once(" = ").and_then(|(key, value)| {
            let value = &value[..value.len() - 1];
            let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            (plain(key) && (value.is_empty() || (closer == b')' && plain(value)))).then(|| key.to_string())
        });
        let (true, Some(key)) = (indent == ARG_INDENT && closer != 0, key) else {
            i += 1;
            continue;
        };
        // The closing line: the next line at this indentation.
        let Some(close) = (i + 1..lines.len()).find(|&j| indented(&chunk[lines[j].clone()]).0 <= ARG_INDENT) else {
            break;
        };
        // … closed by a line that holds exactly the closing bracket.
        let closes = indented(&chunk[lines[close].clone()]);
        if closes.0 != ARG_INDENT || closes.1.trim_end().as_bytes() != [closer] {
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
                key,
                closer,
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

    /// `body` after a comment that makes the block large enough to split.
    fn padded(body: &str) -> String {
        format!("# {}\n{body}", "x".repeat(SPLIT_ABOVE))
    }

    /// Found by review: texts whose parts each parse alone, but not as the
    /// one value the shell stands for.
    #[test]
    fn parts_that_are_not_one_value_of_their_kind_are_not_taken() {
        let lines = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<String>();
        // A line at item depth closes the value and a later argument follows:
        // the whole block has `x` and `y`, the shell only `x`.
        let hidden = padded(&format!(
            "module \"m\" {{\n  source = \"../m\"\n  x = {{\n{}    }}\n    y = {{\n    b = 2\n  }}\n}}\n",
            lines(126, &|i| format!("    a_{i} = 1\n"))
        ));
        let whole = hcl::parse(&hidden).expect("valid HCL");
        let b = whole.blocks().next().unwrap();
        assert!(b.body().attributes().any(|a| a.key() == "y"));
        assert!(parse(&hidden).is_none());
        // A comma in a comment is no comma: the whole list does not parse.
        let commented = padded(&format!(
            "module \"m\" {{\n  x = [\n{}  ]\n}}\n",
            lines(130, &|i| if i == 63 {
                "    \"v63\" # ,\n".into()
            } else {
                format!("    \"v{i}\",\n")
            })
        ));
        assert!(hcl::parse(&commented).is_err());
        assert!(parse(&commented).is_none());
        // A `for` expression starting a later part of an object.
        let for_expr = padded(&format!(
            "module \"m\" {{\n  x = {{\n{}    for k, v in var.m : k => [\n{}    ]\n  }}\n}}\n",
            lines(64, &|i| format!("    a_{i} = 1\n")),
            lines(63, &|i| format!("    {i},\n"))
        ));
        assert!(hcl::parse(&for_expr).is_err());
        assert!(parse(&for_expr).is_none());
        // A `for` expression as the value: not an object literal.
        let for_value = padded(&format!(
            "module \"m\" {{\n  x = {{\n    for k, v in var.m : k => v\n    }}\n    y = {{\n{}  }}\n}}\n",
            lines(140, &|i| format!("    a_{i} = 1\n"))
        ));
        assert!(parse(&for_value).is_none());
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
