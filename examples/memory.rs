//! Memory of each stage of `acmegen render` on a synthetic inventory of N
//! assets (default 10000, the CDKTF peer's shape): the heap in use after the
//! stage and its peak so far (counted by a global allocator wrapping the
//! binary's mimalloc), next to the resident set (`VmRSS`) and its peak
//! (`VmHWM`) from `/proc/self/status`:
//! `cargo run --release --example memory -- 10000`.
//!
//! The stages run in the order `pipeline::render_to_depth` runs them, with
//! the same drops; the gap between the heap and the resident set is what
//! the allocator keeps (freed pages of other size classes, the heaps of the
//! threads that emit the roots and verify the files). `--all` makes the
//! inventory of every kind (`examples/synthetic.rs` without `--peer`).

use acmegen::emit::{Emitter, FileSet};
use acmegen::verify::{written::Writings, Depth};
use std::alloc::{GlobalAlloc, Layout};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// mimalloc, counting the bytes in use and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed on unchanged to mimalloc, which upholds the
// `GlobalAlloc` contract; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: as for `GlobalAlloc::alloc`, the caller's layout is passed on.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A `/proc/self/status` field in MB (0 where there is none).
fn status_mb(text: &str, field: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1000.0)
}

fn row(stage: &str) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    println!(
        "| {stage} | {:.0} | {:.0} | {:.0} | {:.0} |",
        LIVE.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
        status_mb(&status, "VmRSS:"),
        status_mb(&status, "VmHWM:"),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let text = if args.iter().any(|a| a == "--all") {
        acmegen::synthetic::inventory_yaml(n)
    } else {
        acmegen::synthetic::peer_inventory_yaml(n)
    };
    let path = Path::new("inventory/memory.yaml");
    println!(
        "{n} assets, {} KB of YAML (heap and resident set in MB)\n",
        text.len() / 1000
    );
    println!("| after | heap | heap peak | RSS | RSS peak |\n| --- | ---: | ---: | ---: | ---: |");
    row("start (YAML text in memory)");
    let emitter = Emitter::new().expect("templates load");
    let modules = acmegen::pipeline::modules_to_depth(&emitter, Depth::Structural).expect("modules render");
    row("modules rendered and indexed");
    let loaded = acmegen::inventory::parse(&text, path).expect("parses");
    drop(text);
    row("inventory parsed");
    let mut validated = acmegen::validate::validate(&loaded).expect("valid");
    row("validated");
    let plan = acmegen::plan::plan(&validated);
    row("planned");
    validated.warnings.clear();
    drop(validated);
    row("validated model dropped");
    let mut files = FileSet::new();
    let mut writings = Writings::new();
    emitter
        .roots_written(&plan, &mut files, &mut writings)
        .expect("renders");
    row("both roots emitted");
    emitter.bootstrap(&plan, &mut files).expect("renders");
    let rb = acmegen::runbook::runbook(&loaded.inventory, &plan, path);
    row("runbook model built");
    emitter.runbook(&rb, &mut files).expect("renders");
    drop(rb);
    row("runbook written, model dropped");
    drop(plan);
    drop(loaded);
    row("plan and parse dropped");
    let (findings, index) = acmegen::verify::verify_written(&files, writings, modules.index(), Depth::Structural);
    assert!(findings.is_empty(), "{findings:?}");
    drop(index);
    row("verified (by structure)");
    let bytes: usize = files.values().map(String::len).sum();
    drop(files);
    row("files dropped");
    println!("\n{:.1} MB of output", bytes as f64 / 1e6);
}
