//! Stage 1: read an inventory YAML file into the typed model.

pub mod model;
pub mod source_map;

pub use model::*;
pub use source_map::{Seg, SourceMap};

use crate::diagnostics::{Diagnostic, Diagnostics};
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

/// Read and parse the inventory at `path`.
pub fn load(path: &Path) -> Result<Loaded, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![Diagnostic::new(
            path,
            (1, 1),
            format!("cannot read inventory: {e}"),
            "check the path; inventories live in inventory/*.yaml",
        )])
    })?;
    parse(&text, path)
}

/// Parse inventory `text`; `path` is used only in diagnostics.
pub fn parse(text: &str, path: &Path) -> Result<Loaded, Diagnostics> {
    match serde_yaml::from_str::<Inventory>(text) {
        Ok(inventory) => Ok(Loaded {
            path: path.to_path_buf(),
            inventory,
            source_map: SourceMap::new(text),
        }),
        Err(e) => Err(Diagnostics(vec![yaml_error(&e, path)])),
    }
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
    let help = if message.contains("unknown field") {
        "remove the field or fix its spelling; README.md lists every field per kind"
    } else if message.contains("unknown variant") {
        "use one of the values listed above"
    } else if message.contains("missing field") {
        "add the field; README.md shows a complete example"
    } else if message.contains("invalid type") {
        "give the value the type the field expects (quote versions like \"16.4\")"
    } else {
        "fix the YAML syntax at this position"
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
