//! The shared modules' index, made once per build (`acmegen render`).
//!
//! The shared modules are constant text of the binary: every render writes
//! the same bytes under `modules/`, so verifying them gives the same index
//! every time. `render` reads that index from `modules.index`, kept in the
//! repository next to this file, instead of parsing some 300 KB of
//! Terraform per run — but only when the module files it is about to write
//! have exactly the fingerprint the index was made from; otherwise it
//! verifies them as before. The test `the_embedded_module_index_is_current`
//! verifies the modules (by structure, as `render` would, and in full, as
//! `check` does), requires both to pass and the embedded index to be what
//! the structural verification makes (`ACMEGEN_BLESS=1` rewrites it).
//! `check`, `verify` and the tests never use it.

use super::{Declared, Index, Literal, ModuleArg, ModuleArgs};
use crate::emit::FileSet;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The index made from the modules of this source tree.
pub(crate) const EMBEDDED: &str = include_str!("modules.index");

/// First line of the text form, before the fingerprint.
const HEADER: &str = "acmegen module index 1";

/// FNV-1a of every module file's path and bytes, in path order.
pub(crate) fn fingerprint(files: &FileSet) -> u64 {
    let mut h = crate::fnv::Fnv::default();
    for (path, text) in files {
        h.write(path.to_string_lossy().as_bytes());
        h.write_u8(0);
        h.write(text.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

/// The index of `files` in `text` (made by [`to_text`]), when it was made
/// from exactly these files.
pub(crate) fn for_files(text: &str, files: &FileSet) -> Option<Index> {
    let (header, body) = text.split_once('\n')?;
    let made_from = u64::from_str_radix(header.strip_prefix(HEADER)?.trim(), 16).ok()?;
    (made_from == fingerprint(files)).then(|| from_text(body)).flatten()
}

/// `index` (of the module `files`) as text: a header with the files'
/// fingerprint, then one line per declaration, a JSON array of strings.
#[cfg(test)]
pub(crate) fn to_text(index: &Index, files: &FileSet) -> String {
    let mut out = format!("{HEADER} {:016x}\n", fingerprint(files));
    let mut line = |fields: &[&str]| {
        out.push_str(&serde_json::to_string(fields).expect("strings serialize"));
        out.push('\n');
    };
    for (dir, d) in &index.dirs {
        line(&["dir", &dir.to_string_lossy()]);
        for (name, (has_default, ty)) in &d.variables {
            line(&["var", name, if *has_default { "1" } else { "0" }, ty]);
        }
        for name in &d.outputs {
            line(&["out", name]);
        }
        for name in &d.locals {
            line(&["local", name]);
        }
        for address in &d.addresses {
            line(&["addr", address]);
        }
        for (name, file) in &d.origins {
            line(&["origin", name, &file.to_string_lossy()]);
        }
        for (label, (source, args, file)) in &d.modules {
            line(&["module", label, source, &file.to_string_lossy()]);
            for (arg, kind) in args.iter() {
                line(&["arg", arg, kind_code(*kind)]);
            }
        }
    }
    out
}

/// A module call read (label, source, file) whose argument lines follow.
type PendingCall = (String, String, Arc<Path>, Vec<ModuleArg>);

/// The index [`to_text`] wrote (without its header line).
fn from_text(text: &str) -> Option<Index> {
    let mut dirs = std::collections::BTreeMap::new();
    let mut dir: Option<(PathBuf, Declared)> = None;
    // The module call whose arguments follow, and its arguments so far.
    let mut call: Option<PendingCall> = None;
    let end_call = |d: &mut Declared, call: &mut Option<PendingCall>| {
        if let Some((label, source, file, args)) = call.take() {
            let args: ModuleArgs = Arc::new(args);
            d.modules.insert(label, (source, args, file));
        }
    };
    for raw in text.lines() {
        let fields: Vec<String> = serde_json::from_str(raw).ok()?;
        let f: Vec<&str> = fields.iter().map(String::as_str).collect();
        match f[..] {
            ["arg", name, kind] => {
                call.as_mut()?.3.push((name.to_string(), kind_of(kind)?));
                continue;
            }
            ["dir", path] => {
                if let Some((p, mut d)) = dir.take() {
                    end_call(&mut d, &mut call);
                    dirs.insert(p, d);
                }
                dir = Some((PathBuf::from(path), Declared::default()));
                continue;
            }
            _ => {}
        }
        let d = &mut dir.as_mut()?.1;
        end_call(d, &mut call);
        match f[..] {
            ["var", name, default, ty] => {
                let has_default = match default {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                };
                d.variables.insert(name.to_string(), (has_default, ty.to_string()));
            }
            ["out", name] => {
                d.outputs.insert(name.to_string());
            }
            ["local", name] => {
                d.locals.insert(name.to_string());
            }
            ["addr", address] => {
                d.addresses.insert(address.to_string());
            }
            ["origin", name, file] => {
                d.origins.insert(name.to_string(), Arc::from(Path::new(file)));
            }
            ["module", label, source, file] => {
                call = Some((
                    label.to_string(),
                    source.to_string(),
                    Arc::from(Path::new(file)),
                    Vec::new(),
                ));
            }
            _ => return None,
        }
    }
    if let Some((p, mut d)) = dir.take() {
        end_call(&mut d, &mut call);
        dirs.insert(p, d);
    }
    Some(Index {
        dirs,
        sources: Default::default(),
    })
}

#[cfg(test)]
fn kind_code(kind: Option<Literal>) -> &'static str {
    match kind {
        None => "-",
        Some(Literal::Null) => "null",
        Some(Literal::Bool) => "bool",
        Some(Literal::Number) => "number",
        Some(Literal::String) => "string",
        Some(Literal::List) => "list",
        Some(Literal::Object) => "object",
    }
}

fn kind_of(code: &str) -> Option<Option<Literal>> {
    Some(match code {
        "-" => None,
        "null" => Some(Literal::Null),
        "bool" => Some(Literal::Bool),
        "number" => Some(Literal::Number),
        "string" => Some(Literal::String),
        "list" => Some(Literal::List),
        "object" => Some(Literal::Object),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{verify_to_depth, Depth};

    fn module_files() -> FileSet {
        let mut files = FileSet::new();
        crate::emit::Emitter::new()
            .expect("templates parse")
            .modules(&mut files)
            .expect("modules render");
        files
    }

    #[test]
    fn the_embedded_module_index_is_current() {
        let files = module_files();
        let (full, _) = verify_to_depth(&files, &Index::default(), Depth::Full);
        assert!(full.is_empty(), "the modules verify in full: {full:?}");
        let (findings, index) = verify_to_depth(&files, &Index::default(), Depth::Structural);
        assert!(findings.is_empty(), "the modules verify by structure: {findings:?}");
        let text = to_text(&index, &files);
        if std::env::var_os("ACMEGEN_BLESS").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/verify/modules.index"), &text)
                .expect("write src/verify/modules.index");
            return;
        }
        assert!(
            EMBEDDED == text,
            "src/verify/modules.index is not the index of the modules under templates/modules: \
             run `ACMEGEN_BLESS=1 cargo test --lib the_embedded_module_index_is_current` and rebuild"
        );
        // And it reads back as the same index.
        let read = for_files(EMBEDDED, &files).expect("the embedded index reads for these files");
        assert_eq!(to_text(&read, &files), text);
        assert_eq!(read.dirs.len(), index.dirs.len());
        for (dir, d) in &index.dirs {
            assert!(super::super::same_declarations(d, &read.dirs[dir]), "{}", dir.display());
        }
    }

    #[test]
    fn other_module_files_do_not_take_the_embedded_index() {
        let mut files = module_files();
        assert!(for_files(EMBEDDED, &files).is_some());
        let (_, text) = files
            .iter_mut()
            .find(|(p, _)| p.extension().is_some_and(|e| e == "tf"))
            .expect("a .tf file");
        text.push_str("\n# edited\n");
        assert!(for_files(EMBEDDED, &files).is_none());
        assert!(for_files("not an index\n", &module_files()).is_none());
    }

    #[test]
    fn declarations_with_tabs_newlines_and_quotes_round_trip() {
        let mut d = Declared::default();
        for name in ["a\tb", "x\ny", "back\\slash \"q\"", "plain"] {
            d.variables
                .insert(name.to_string(), (true, format!("object({{\n  {name} = string\n}})")));
        }
        let index = Index {
            dirs: [(PathBuf::from("modules/m"), d)].into_iter().collect(),
            sources: Default::default(),
        };
        let files = FileSet::new();
        let text = to_text(&index, &files);
        let read = for_files(&text, &files).expect("reads back");
        assert_eq!(to_text(&read, &files), text);
        assert_eq!(
            read.dirs[Path::new("modules/m")].variables,
            index.dirs[Path::new("modules/m")].variables
        );
    }
}
