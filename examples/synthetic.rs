//! Print a synthetic inventory with N assets (default 1000), e.g. to measure
//! peak memory of a render: `cargo run --release --example synthetic -- 1000 > /tmp/bench.yaml`.

fn main() {
    let n = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    print!("{}", acmegen::synthetic::inventory_yaml(n));
}
