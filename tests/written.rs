//! `render` takes the emitter at its word for the blocks it wrote from the
//! typed plan once the first block of each skeleton read from its text said
//! the same (see `acmegen::verify::written`). These tests hold the emitter
//! to that word on every shipped inventory and on the synthetic shapes the
//! benchmarks use: if any skeleton disagreed, `render` would silently fall
//! back to reading those blocks (still correct, but a sign that the facts
//! the emitter hands over have drifted from what it writes).

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

fn assert_agrees(text: &str, path: &Path, emitter: &Emitter) {
    let (files, writings) = writings_of(text, path, emitter);
    let blocks: usize = writings.values().map(Vec::len).sum();
    assert!(blocks > 0, "{}: the emitter said it wrote nothing", path.display());
    assert_eq!(
        verify::written_disagreements(&files, writings),
        vec![],
        "{}: blocks whose text says otherwise than the emitter",
        path.display()
    );
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
    // Every block the emitter says it wrote starts with a blank line and
    // ends with the block's closing brace, in file order, inside its file.
    let emitter = Emitter::new().expect("templates load");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory/acme-flask.yaml");
    let text = std::fs::read_to_string(&path).expect("reads");
    let (files, writings) = writings_of(&text, &path, &emitter);
    for (file, said) in &writings {
        let text = &files[file];
        let mut at = 0;
        for range in said.iter().map(acmegen::verify::written::Written::range) {
            assert!(
                range.start >= at && range.end <= text.len(),
                "{}: {range:?}",
                file.display()
            );
            let block = &text[range.clone()];
            assert!(
                block.starts_with("\n") && block.ends_with("}\n"),
                "{}: {block:?}",
                file.display()
            );
            at = range.end;
        }
    }
}
