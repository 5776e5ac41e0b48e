//! Print a synthetic inventory with N assets (default 1000), e.g. to measure
//! peak memory of a render: `cargo run --release --example synthetic -- 1000 > /tmp/bench.yaml`.
//! `--peer` prints the CDKTF peer's shape instead (N vm + N/10 rds replica +
//! N/10 s3 replica, `../shared/peer/`), for the side-by-side comparison.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let peer = args.iter().any(|a| a == "--peer");
    let n = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1000);
    if peer {
        print!("{}", acmegen::synthetic::peer_inventory_yaml(n));
    } else {
        print!("{}", acmegen::synthetic::inventory_yaml(n));
    }
}
