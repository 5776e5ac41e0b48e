//! Same input, byte-identical output: across runs and whatever the order
//! of the Table 1.1 rows.

mod common;

#[test]
fn rendering_twice_gives_identical_bytes() {
    for path in common::inventories() {
        let (m1, r1) = common::render(&path);
        let (m2, r2) = common::render(&path);
        assert_eq!(m1, m2);
        assert_eq!(r1, r2, "{}", path.display());
    }
}

#[test]
fn asset_order_does_not_change_the_output() {
    for path in common::inventories() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut inv: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let assets = inv.get_mut("assets").and_then(|a| a.as_sequence_mut()).unwrap();
        assets.reverse();
        let n = assets.len();
        assets.rotate_left(n / 2);
        let shuffled = serde_yaml::to_string(&inv).unwrap();
        let (_, original) = common::render(&path);
        let reordered = common::render_text_as(&shuffled, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(original, reordered, "{}", path.display());
    }
}
