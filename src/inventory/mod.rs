//! Stage 1: read an inventory YAML file into the typed model.

pub mod ci;
pub mod model;
pub mod source_map;
mod split;

pub use model::*;
pub use source_map::{Seg, SourceMap};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::limits;
use std::path::{Path, PathBuf};

/// A parsed inventory together with what is needed to point back into its text.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file it came from (as given on the command line).
    pub path: PathBuf,
    /// The typed model.
    pub inventory: Inventory,
    /// Line index of the source text.
    pub source_map: SourceMap,
}

impl Loaded {
    /// A diagnostic pointing at `path` inside this inventory.
    pub fn error(&self, at: &[Seg<'_>], message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.path, self.source_map.locate(at), message, help)
    }
}

/// Read and parse the inventory at `path`. Files larger than
/// [`limits::MAX_INVENTORY_BYTES`] are refused without being read whole.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let bytes = read_bounded(path).map_err(|e| {
        let help = match e.kind() {
            std::io::ErrorKind::NotFound => "check the path; inventories live in inventory/*.yaml".to_string(),
            std::io::ErrorKind::PermissionDenied => format!("make {} readable", path.display()),
            _ if path.is_dir() => "name a YAML file, not a directory".to_string(),
            _ => "check that the file can be read".to_string(),
        };
        Diagnostics(vec![Diagnostic::new(
            path,
            (1, 1),
            format!("cannot read inventory: {e}"),
            help,
        )])
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bad = e.as_bytes()[offset];
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostics(vec![Diagnostic::new(
            path,
            (line, column),
            format!("the inventory is not UTF-8 text: byte 0x{bad:02X} at byte offset {offset} is not valid UTF-8"),
            "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or remove the character at this position",
        )])
    })?;
    parse(&text, path)
}

/// The bytes of `path`, or an error when it holds more than the inventory limit.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_INVENTORY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Parse inventory `text`; `path` is used only in diagnostics. The text is
/// checked against [`limits::check_text`] before the YAML parser sees it.
pub fn parse(text: &str, path: &Path) -> Result<Loaded, Diagnostics> {
    let starts = match limits::check_text(text) {
        Ok(starts) => starts,
        Err(l) => {
            return Err(Diagnostics(vec![Diagnostic::new(
                path,
                (l.line, l.column),
                l.message,
                l.help,
            )]))
        }
    };
    if let Some(inventory) = parse_by_asset(text, &starts) {
        return Ok(Loaded {
            path: path.to_path_buf(),
            inventory,
            source_map: SourceMap::new(text),
        });
    }
    match serde_yaml::from_str::<Inventory>(text) {
        Ok(inventory) => Ok(Loaded {
            path: path.to_path_buf(),
            inventory,
            source_map: SourceMap::new(text),
        }),
        Err(e) => {
            // serde reports the first type error it meets while the scanner is
            // still behind a syntax error further on (`qty: [2` reads as a
            // sequence): a syntax error, when there is one, comes first.
            let syntax = serde_yaml::from_str::<serde::de::IgnoredAny>(text).err();
            Err(Diagnostics(vec![yaml_error(syntax.as_ref().unwrap_or(&e), path)]))
        }
    }
}

/// The inventory parsed asset by asset (see [`split`]), or `None` where the
/// text is not cut that way or a part of it does not parse: the caller then
/// parses the whole text, which also reports the errors.
fn parse_by_asset(text: &str, starts: &limits::LineStarts) -> Option<Inventory> {
    let cut = split::cut(text, starts)?;
    let mut inventory: Inventory = serde_yaml::from_str(&cut.header).ok()?;
    inventory.assets.reserve_exact(cut.items.len());
    let mut document = String::new();
    for (column, after) in cut.items {
        split::Cut::document(column, after, &mut document);
        inventory.assets.push(serde_yaml::from_str(&document).ok()?);
    }
    Some(inventory)
}

/// The last segment of serde_yaml's path prefix (`assets[0].qty: …` → `qty`).
fn field_of(message: &str) -> Option<&str> {
    let (path, _) = message.split_once(": ")?;
    if path.contains(' ') {
        return None;
    }
    let last = path.rsplit('.').next()?;
    let field = last.split('[').next()?;
    (!field.is_empty()).then_some(field)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the unknown
/// name, the message without the list, and the names of the list.
fn split_unknown(message: &str, what: &str) -> Option<(String, String, Vec<String>)> {
    let start = message.find(what)? + what.len();
    let name = message[start..].split('`').next()?.to_string();
    let short = message[..start + name.len() + 1].to_string();
    let names = match message.split_once("expected one of ") {
        Some((_, list)) => list
            .split(", ")
            .map(|n| n.trim().trim_matches('`').to_string())
            .collect(),
        None => Vec::new(),
    };
    Some((name, short, names))
}

fn yaml_error(e: &serde_yaml::Error, path: &Path) -> Diagnostic {
    let (mut line, mut column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    let full = e.to_string();
    let mut message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    // libyaml adds ", while scanning X at line L column C": the fix belongs where X started.
    if let Some((_, context)) = full.split_once(", while ") {
        if let Some((what, at)) = context.split_once(" at line ") {
            message = format!("{message} while {what}");
            let mut nums = at.split(" column ").map(|n| n.trim().parse::<usize>());
            if let (Some(Ok(l)), Some(Ok(c))) = (nums.next(), nums.next()) {
                (line, column) = (l, c);
            }
        }
    }
    let help = if let Some((name, short, names)) = split_unknown(&message, "unknown field `") {
        message = short;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        match crate::suggest::closest(&name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? README.md lists every field per kind"),
            None => format!(
                "remove the field or fix its spelling; the fields here are: {}",
                names.join(", ")
            ),
        }
    } else if let Some((name, short, names)) = split_unknown(&message, "unknown variant `") {
        message = short;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        format!(
            "{}use one of: {}",
            crate::suggest::did_you_mean(&name, names.iter().copied()),
            names.join(", ")
        )
    } else if message.contains("missing field") {
        "add the field; README.md shows a complete example".to_string()
    } else if message.contains("invalid type") || message.contains("invalid value") {
        field_of(&message)
            .and_then(limits::field_help)
            .unwrap_or_else(|| "give the value the type the field expects".to_string())
    } else if message.contains("recursion limit") {
        format!(
            "an inventory nests at most a few levels (limit {})",
            limits::MAX_NESTING
        )
    } else {
        "fix the YAML syntax at this position".to_string()
    };
    Diagnostic::new(path, (line, column), message, help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minimal_inventory() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: s3, name: data, dr: replica}\n";
        let loaded = parse(text, Path::new("t.yaml")).unwrap();
        assert_eq!(loaded.inventory.assets[0].kind, Kind::S3);
        assert_eq!(loaded.inventory.assets[0].dr, DrStrategy::Replica);
    }

    #[test]
    fn unknown_field_is_located() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: s3\n    name: data\n    colour: red\n    dr: none\n";
        let err = parse(text, Path::new("t.yaml")).unwrap_err();
        let d = &err.0[0];
        assert!(d.message.contains("unknown field `colour`"), "{}", d.message);
        assert_eq!(d.line, 7);
        assert!(d.help.contains("remove the field"));
        assert!(!d.message.contains("expected one of"), "{}", d.message);
    }

    #[test]
    fn unknown_field_and_variant_suggest_the_closest_name() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: vn\n    name: data\n    qtty: 2\n    dr: none\n";
        let err = parse(text, Path::new("t.yaml")).unwrap_err();
        assert!(err.0[0].help.starts_with("did you mean `vm`?"), "{}", err.0[0]);
        let text = text.replace("kind: vn", "kind: vm");
        let err = parse(&text, Path::new("t.yaml")).unwrap_err();
        assert_eq!(err.0[0].message, "assets[0]: unknown field `qtty`");
        assert!(err.0[0].help.starts_with("did you mean `qty`?"), "{}", err.0[0]);
    }

    #[test]
    fn an_unclosed_bracket_is_a_syntax_error_not_a_type_error() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: vm\n    name: app\n    qty: [2\n    dr: none\n";
        let err = parse(text, Path::new("t.yaml")).unwrap_err();
        let d = &err.0[0];
        assert!(!d.message.contains("invalid type"), "{d}");
        assert!(d.help.contains("YAML syntax"), "{d}");
    }

    #[test]
    fn out_of_range_numbers_get_the_field_range_as_help() {
        let base = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: vm\n    name: app\n    X\n    dr: none\n";
        for (field, want) in [
            ("port: 70000", "1 to 65535"),
            ("qty: -1", "from 1 to 1000"),
            ("qty: lots", "whole number"),
        ] {
            let err = parse(&base.replace('X', field), Path::new("t.yaml")).unwrap_err();
            let d = &err.0[0];
            assert!(d.help.contains(want), "{field}: {d}");
            assert!(
                !d.help.contains("YAML syntax") && !d.help.contains("quote"),
                "{field}: {d}"
            );
        }
    }

    #[test]
    fn non_utf8_input_names_the_byte_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.yaml");
        std::fs::write(&path, b"name: t\nowner: m\xffe\n").unwrap();
        let err = load(&path).unwrap_err();
        let d = &err.0[0];
        assert!(d.message.contains("byte 0xFF at byte offset 16"), "{d}");
        assert_eq!((d.line, d.column), (2, 9));
        assert!(d.help.contains("UTF-8"), "{d}");
    }

    #[test]
    fn deep_nesting_is_rejected_before_the_yaml_parser() {
        let text = format!("name: t\nassets: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let start = std::time::Instant::now();
        let err = parse(&text, Path::new("t.yaml")).unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(err.0[0].message.contains("nests deeper than"), "{}", err.0[0]);
        assert_eq!(err.0[0].line, 2);
    }

    #[test]
    fn unknown_kind_names_the_choices() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: mainframe\n    name: x\n    dr: none\n";
        let err = parse(text, Path::new("t.yaml")).unwrap_err();
        assert!(err.0[0].message.contains("unknown variant `mainframe`"));
        assert_eq!(err.0[0].line, 5);
    }

    #[test]
    fn pilot_light_defaults_to_one_in_dr() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - {kind: vm, name: app, qty: 3, dr: pilot-light}\n  - {kind: vm, name: web, qty: 3, dr: active}\n";
        let inv = parse(text, Path::new("t.yaml")).unwrap().inventory;
        assert_eq!(inv.assets[0].dr_count(), 1);
        assert_eq!(inv.assets[1].dr_count(), 3);
    }
}

#[cfg(test)]
mod by_asset {
    use super::*;

    /// Parsed asset by asset where that applies, the inventory must be the
    /// one the whole text parses to; where the whole text does not parse,
    /// the cut must not make an inventory of it.
    fn assert_same(text: &str) -> bool {
        let Ok(starts) = limits::check_text(text) else {
            return false;
        };
        let by_asset = parse_by_asset(text, &starts);
        let whole = serde_yaml::from_str::<Inventory>(text);
        match (&by_asset, &whole) {
            (Some(a), Ok(w)) => assert_eq!(format!("{a:?}"), format!("{w:?}"), "{text}"),
            (Some(a), Err(e)) => panic!("the cut parsed what the whole text does not ({e}):\n{text}\n{a:?}"),
            (None, _) => {}
        }
        by_asset.is_some()
    }

    fn shipped() -> Vec<String> {
        let mut texts: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/inventory"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.sort();
        texts.push(crate::synthetic::inventory_yaml(300));
        texts.push(crate::synthetic::peer_inventory_yaml(300));
        texts
    }

    #[test]
    fn shipped_and_synthetic_inventories_parse_asset_by_asset_to_the_same_model() {
        for text in shipped() {
            assert!(assert_same(&text), "not cut:\n{text}");
        }
    }

    #[test]
    fn an_asset_that_does_not_parse_alone_reads_as_the_whole_text_does() {
        let text = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - kind: vm\n   name: app\n    dr: none\n";
        assert!(!assert_same(text));
        let err = parse(text, Path::new("t.yaml")).unwrap_err();
        assert_eq!(
            (err.0[0].line, err.0[0].help.as_str()),
            (5, "fix the YAML syntax at this position")
        );
        let shared = "name: t\nowner: me\nregions: {primary: us-east-2, dr: us-west-1}\nassets:\n  - &app {kind: vm, name: app, dr: none}\n  - *app\n";
        assert!(!assert_same(shared));
        let loaded = parse(shared, Path::new("t.yaml")).unwrap();
        assert_eq!(loaded.inventory.assets.len(), 2);
    }

    /// Every line of the shipped inventories moved, removed, doubled or
    /// turned into an item in turn (deterministic): the cut either declines
    /// or agrees with the whole parse.
    #[test]
    fn edited_inventories_never_parse_differently_asset_by_asset() {
        let mut cut = 0;
        for text in shipped().iter().take(5) {
            let lines: Vec<&str> = text.lines().collect();
            for i in 0..lines.len() {
                for edit in 0..6 {
                    let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                    match edit {
                        0 => l[i] = format!(" {}", l[i]),
                        1 => l[i] = l[i].strip_prefix(' ').unwrap_or(&l[i]).to_string(),
                        2 => {
                            l.remove(i);
                        }
                        3 => l.insert(i, l[i].clone()),
                        4 => l[i] = format!("- {}", l[i].trim_start()),
                        _ => l[i] = format!("{}: |", l[i].trim_end_matches(':')),
                    }
                    cut += usize::from(assert_same(&(l.join("\n") + "\n")));
                }
            }
        }
        assert!(cut > 100, "the cut applied to only {cut} edits");
    }
}
