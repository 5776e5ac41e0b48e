//! Time each pipeline stage on a synthetic inventory of N assets (default 1000):
//! `cargo run --release --example stages -- 1000`. The criterion benchmark
//! (`cargo bench`) measures the whole compile; this shows where the time goes.

use acmegen::emit::{Emitter, FileSet};
use std::path::Path;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let text = acmegen::synthetic::inventory_yaml(n);
    let emitter = Emitter::new().expect("templates load");
    let t = Instant::now();
    let modules = acmegen::pipeline::modules(&emitter).expect("modules render");
    let mut rows = vec![("modules (once per run)", t.elapsed())];
    let path = Path::new("inventory/bench.yaml");

    let t = Instant::now();
    let loaded = acmegen::inventory::parse(&text, path).expect("parses");
    rows.push(("parse", t.elapsed()));
    let t = Instant::now();
    let validated = acmegen::validate::validate(&loaded).expect("valid");
    rows.push(("validate", t.elapsed()));
    let t = Instant::now();
    let plan = acmegen::plan::plan(&validated);
    rows.push(("plan", t.elapsed()));
    let t = Instant::now();
    let mut files = FileSet::new();
    emitter.roots(&plan, &mut files).expect("renders");
    rows.push(("emit roots", t.elapsed()));
    let t = Instant::now();
    let rb = acmegen::runbook::runbook(&loaded.inventory, &plan, path);
    emitter.runbook(&rb, &mut files).expect("renders");
    rows.push(("runbook", t.elapsed()));
    let t = Instant::now();
    let whole = acmegen::pipeline::compile_text(&text, path, &emitter, &modules).expect("compiles");
    let total = t.elapsed();
    let bytes: usize = whole.files.values().map(String::len).sum();
    println!(
        "{n} assets → {} files, {} KiB of Terraform",
        whole.files.len(),
        bytes / 1024
    );
    for (stage, d) in rows {
        println!("  {stage:<24} {:>9.2} ms", d.as_secs_f64() * 1e3);
    }
    println!("  {:<24} {:>9.2} ms", "compile (all stages)", total.as_secs_f64() * 1e3);
}
