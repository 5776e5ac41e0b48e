//! `acmegen migrate`: moves the weight of a route53 asset's `migration:`
//! block by editing the one line that holds it, so the inventory keeps its
//! comments and layout; the edited text is validated before anyone writes it.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::inventory::source_map::Seg;
use crate::inventory::{self, Kind};
use std::path::Path;

/// The result of a weight edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightEdit {
    /// The whole inventory text with the new weight.
    pub text: String,
    /// The route53 asset whose migration moved.
    pub asset: String,
    /// 1-based line of the weight.
    pub line: usize,
    /// The weight before the edit.
    pub old: u32,
    /// The weight after it.
    pub new: u32,
}

/// Set the migration weight of route53 asset `asset` (or of the only one
/// with a `migration:` block) in inventory `text`, read from `path`, to
/// `weight`. Errors name the file and line; the returned text validates.
pub fn set_weight(text: &str, path: &Path, asset: Option<&str>, weight: u32) -> Result<WeightEdit, Diagnostics> {
    let loaded = inventory::parse(text, path)?;
    let fail = |at: &[Seg<'_>], message: String, help: &str| Diagnostics(vec![loaded.error(at, message, help)]);
    let add_block = "add to the route53 asset:\n      migration:\n        from: <DNS name of the existing endpoint>\n        weight: 0";
    if weight > 100 {
        return Err(fail(
            &[],
            format!("weight {weight} is above 100"),
            "give the percentage of answers for the new stack, 0 to 100",
        ));
    }
    let assets = &loaded.inventory.assets;
    let index = match asset {
        Some(name) => {
            let Some(i) = assets.iter().position(|a| a.name == name) else {
                return Err(fail(
                    &[Seg::Key("assets")],
                    format!("{} has no asset `{name}`", path.display()),
                    "name a route53 asset of the inventory with --asset",
                ));
            };
            if assets[i].kind != Kind::Route53 || assets[i].migration.is_none() {
                return Err(fail(
                    &[Seg::Key("assets"), Seg::Index(i)],
                    format!("asset `{name}` has no migration block"),
                    add_block,
                ));
            }
            i
        }
        None => {
            let with: Vec<usize> = (0..assets.len()).filter(|&i| assets[i].migration.is_some()).collect();
            match with.as_slice() {
                [i] => *i,
                [] => {
                    let at = assets.iter().position(|a| a.kind == Kind::Route53);
                    let path_to: Vec<Seg<'_>> = match at {
                        Some(i) => vec![Seg::Key("assets"), Seg::Index(i)],
                        None => vec![Seg::Key("assets")],
                    };
                    return Err(fail(
                        &path_to,
                        format!("{} has no route53 asset with a migration block", path.display()),
                        add_block,
                    ));
                }
                several => {
                    let names: Vec<&str> = several.iter().map(|&i| assets[i].name.as_str()).collect();
                    return Err(fail(
                        &[Seg::Key("assets"), Seg::Index(several[1])],
                        format!("several route53 assets have a migration block: {}", names.join(", ")),
                        "name the one to move with --asset NAME",
                    ));
                }
            }
        }
    };
    let name = assets[index].name.clone();
    let old = assets[index].migration.as_ref().map_or(0, |m| m.weight);
    let at = [
        Seg::Key("assets"),
        Seg::Index(index),
        Seg::Key("migration"),
        Seg::Key("weight"),
    ];
    let (line, _) = loaded.source_map.locate(&at);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(edited) = lines.get(line - 1).and_then(|l| replace_weight(l, weight)) else {
        return Err(fail(
            &at,
            format!("cannot find the `weight:` of asset `{name}`'s migration block on one line"),
            "write `weight: N` on a line of its own inside `migration:` (or in its flow mapping `{from: ..., weight: N}`)",
        ));
    };
    let mut out = String::with_capacity(text.len() + 2);
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == line - 1 { &edited } else { l });
    }
    // What gets written must still be a valid inventory, with the weight
    // where it was asked for.
    let reloaded = inventory::parse(&out, path)?;
    crate::validate::validate(&reloaded)?;
    let now = reloaded
        .inventory
        .assets
        .get(index)
        .and_then(|a| a.migration.as_ref())
        .map(|m| m.weight);
    if now != Some(weight) {
        return Err(Diagnostics(vec![Diagnostic::new(
            path,
            (line, 1),
            format!("editing line {line} did not set the weight of asset `{name}`"),
            "set `weight:` by hand",
        )]));
    }
    Ok(WeightEdit {
        text: out,
        asset: name,
        line,
        old,
        new: weight,
    })
}

/// `line` with the number after its only `weight:` key replaced, keeping
/// everything around it (indentation, flow mapping, comment).
fn replace_weight(line: &str, weight: u32) -> Option<String> {
    let code_end = comment_start(line).unwrap_or(line.len());
    let code = &line[..code_end];
    let mut keys = code
        .match_indices("weight:")
        .filter(|(i, _)| *i == 0 || code[..*i].ends_with(|c: char| c.is_whitespace() || c == '{' || c == ','));
    let (at, key) = keys.next()?;
    if keys.next().is_some() {
        return None;
    }
    let value_start = at + key.len();
    let rest = &code[value_start..];
    let digits_from = value_start + (rest.len() - rest.trim_start().len());
    let digits_len = code[digits_from..].chars().take_while(char::is_ascii_digit).count();
    if digits_len == 0 {
        return None;
    }
    Some(format!(
        "{}{weight}{}",
        &line[..digits_from],
        &line[digits_from + digits_len..]
    ))
}

/// Byte index of a `#` comment outside quotes, if any.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_alone_changes() {
        assert_eq!(
            replace_weight("      weight: 0 # start\n", 10).unwrap(),
            "      weight: 10 # start\n"
        );
        assert_eq!(
            replace_weight("    migration: {from: a.example.org, weight: 50}\n", 100).unwrap(),
            "    migration: {from: a.example.org, weight: 100}\n"
        );
        assert!(replace_weight("      from: x # weight: 3\n", 1).is_none());
        assert!(replace_weight("      weight: ten\n", 1).is_none());
        assert!(replace_weight("      max_weight: 3\n", 1).is_none());
    }
}
