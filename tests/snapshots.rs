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
