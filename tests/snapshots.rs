//! One insta snapshot per shipped inventory (both roots, every file), and
//! one of the shared modules. Review changes with `cargo insta review`.

mod common;

#[test]
fn every_inventory_renders_to_its_snapshot() {
    let inventories = common::inventories();
    assert!(
        inventories.len() >= 5,
        "expected one inventory per seed, found {}",
        inventories.len()
    );
    for path in inventories {
        let (_, roots) = common::render(&path);
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, common::concat(&roots));
    }
}

#[test]
fn shared_modules_render_to_their_snapshot() {
    let (modules, _) = common::render(&common::inventories()[0]);
    insta::assert_snapshot!("modules", common::concat(&modules));
}

/// Every kind is in a shipped inventory, so it is rendered, verified,
/// snapshotted here, and checked by `terraform validate`, `terraform test`
/// and checkov in `.ci/run`: a kind added without an inventory using it
/// fails here.
#[test]
fn every_kind_is_in_a_shipped_inventory() {
    let mut used = std::collections::BTreeSet::new();
    for path in common::inventories() {
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = acmegen::inventory::parse(&text, &path).unwrap_or_else(|d| panic!("{d}"));
        used.extend(loaded.inventory.assets.iter().map(|a| a.kind));
    }
    let missing: Vec<&str> = acmegen::inventory::Kind::ALL
        .iter()
        .filter(|k| !used.contains(k))
        .map(|k| k.as_str())
        .collect();
    assert!(missing.is_empty(), "no inventory in inventory/ uses {missing:?}");
}
