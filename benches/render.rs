//! Compile (parse → validate → plan → emit → verify, both regions) synthetic
//! inventories of 10 to 10,000 assets. Templates load once, as in the CLI.
//! Run: `cargo bench`; results are recorded in BENCHMARKS.md.

use acmegen::emit::Emitter;
use acmegen::pipeline;
use acmegen::synthetic::inventory_yaml;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::path::Path;
use std::time::Duration;

fn render(c: &mut Criterion) {
    let emitter = Emitter::new().expect("templates load");
    let modules = pipeline::modules(&emitter).expect("modules render");
    let mut group = c.benchmark_group("compile");
    group.measurement_time(Duration::from_secs(8));
    for n in [10usize, 100, 1_000, 10_000] {
        let text = inventory_yaml(n);
        if n >= 10_000 {
            group.sample_size(10);
        }
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| {
                pipeline::compile_text(text, Path::new("inventory/bench.yaml"), &emitter, &modules).expect("compiles")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
