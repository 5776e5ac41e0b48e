//! `render` takes the emitter at its word for the blocks it wrote from the
//! typed plan once the first block of each skeleton read from its text said
//! the same (see `acmegen::verify::written`). These tests hold the emitter
//! to that word on every shipped inventory and on the synthetic shapes the
//! benchmarks use, for the first block of each skeleton (if one disagreed,
//! `render` would fall back to reading those blocks: correct, but a sign
//! that the facts the emitter hands over drifted from what it writes) and
//! for every other block, each parsed from its text (what `render` takes on
//! trust).

use acmegen::emit::{Emitter, FileSet};
use acmegen::verify::{self, written::Writings};
use std::path::Path;

fn writings_of(text: &str, path: &Path, emitter: &Emitter) -> (FileSet, Writings) {
    let loaded = acmegen::inventory::parse(text, path).expect("parses");
    let validated = acmegen::validate::validate(&loaded).expect("valid");
    let plan = acmegen::plan::plan(&validated);
    let (mut files, mut writings) = (FileSet::new(), Writings::new());
    emitter
        .roots_written(&plan, &mut files, &mut writings)
        .expect("renders");
    (files, writings)
}

/// The first block of each skeleton agrees with the emitter (what `render`
/// checks), and so does every other block, each parsed from its text (what
/// `render` then takes on trust).
fn assert_agrees(text: &str, path: &Path, emitter: &Emitter) {
    let (files, writings) = writings_of(text, path, emitter);
    let blocks: usize = writings.values().map(Vec::len).sum();
    assert!(blocks > 0, "{}: the emitter said it wrote nothing", path.display());
    for every in [false, true] {
        assert_eq!(
            verify::written_disagreements(&files, writings.clone(), every),
            vec![],
            "{}: blocks whose text says otherwise than the emitter (every block: {every})",
            path.display()
        );
    }
}

#[test]
fn every_shipped_inventory_is_written_as_the_emitter_says() {
    let emitter = Emitter::new().expect("templates load");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("inventory/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("reads");
            assert_agrees(&text, &path, &emitter);
            seen += 1;
        }
    }
    assert!(seen >= 5, "only {seen} inventories");
}

#[test]
fn the_benchmark_shapes_are_written_as_the_emitter_says() {
    let emitter = Emitter::new().expect("templates load");
    let path = Path::new("inventory/bench.yaml");
    assert_agrees(&acmegen::synthetic::peer_inventory_yaml(40), path, &emitter);
    assert_agrees(&acmegen::synthetic::inventory_yaml(40), path, &emitter);
}

#[test]
fn the_emitter_says_where_each_block_is() {
    // Each range holds exactly one top-level block, the one the emitter
    // names: a blank line, at most a comment line, its header with its label,
    // indented lines, and the closing brace in column 0 right before the
    // next range or the rest of the file.
    let emitter = Emitter::new().expect("templates load");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory/acme-flask.yaml");
    let text = std::fs::read_to_string(&path).expect("reads");
    let (files, writings) = writings_of(&text, &path, &emitter);
    let mut checked = 0;
    for (file, said) in &writings {
        let text = &files[file];
        let mut at = 0;
        for w in said {
            let range = w.range();
            assert!(
                range.start >= at && range.end <= text.len(),
                "{}: {range:?}",
                file.display()
            );
            let block = text[range.clone()].strip_prefix('\n').expect("a blank line first");
            let lines: Vec<&str> = block.lines().collect();
            let header = if lines[0].starts_with('#') { 1 } else { 0 };
            assert_eq!(lines[header], w.header(), "{}: {block:?}", file.display());
            assert_eq!(lines.last(), Some(&"}"), "{}: {block:?}", file.display());
            assert!(
                lines[header + 1..lines.len() - 1]
                    .iter()
                    .all(|l| l.is_empty() || l.starts_with(' ')),
                "{}: {block:?}",
                file.display()
            );
            assert!(block.ends_with("}\n"));
            assert!(text[range.end..].is_empty() || text[range.end..].starts_with('\n'));
            at = range.end;
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} blocks");
}
