//! Memory of each stage of `acmegen render` on a synthetic inventory of N
//! assets (default 10000, the CDKTF peer's shape): the heap in use after the
//! stage and its peak so far (counted by a global allocator wrapping the
//! binary's mimalloc), next to the resident set (`VmRSS`) and its peak
//! (`VmHWM`) from `/proc/self/status`:
//! `cargo run --release --example memory -- 10000`.
//!
//! The stages are the binary's (`pipeline::check_input`, then
//! `pipeline::render_staged` into an `output::Writer` in a temporary
//! directory), with a row after each group of files is staged; the gap
//! between the heap and the resident set is what the allocator keeps
//! (freed pages of other size classes, the heaps of the threads that
//! verify the files). `--all` makes the
//! inventory of every kind (`examples/synthetic.rs` without `--peer`).

use acmegen::emit::Emitter;
use acmegen::output::{WriteOptions, Writer};
use acmegen::verify::Depth;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// mimalloc, counting the bytes in use and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static STAGE_PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
    STAGE_PEAK.fetch_max(now, Relaxed);
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
        "| {stage} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        LIVE.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
        STAGE_PEAK.swap(LIVE.load(Relaxed), Relaxed) as f64 / 1e6,
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
    let dir = std::env::temp_dir().join(format!("acmegen-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join("memory.yaml");
    std::fs::write(&path, &text).expect("inventory written");
    println!(
        "{n} assets, {} KB of YAML (heap and resident set in MB)\n",
        text.len() / 1000
    );
    drop(text);
    println!("| after | heap | heap peak | heap peak in the stage | RSS | RSS peak |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    row("start");
    let emitter = Emitter::new().expect("templates load");
    let mut modules = acmegen::pipeline::modules_to_depth(&emitter, Depth::Structural).expect("modules render");
    row("modules rendered and indexed");
    let checked = acmegen::pipeline::check_input(&path).expect("valid");
    row("inventory parsed and validated");
    let out = dir.join("generated");
    let mut writer = Writer::begin(&out, &WriteOptions::default(), || {}).expect("output locked");
    writer.put_all(&std::mem::take(&mut modules.files)).expect("staged");
    // The groups `render_staged` hands over, in its order.
    let groups = [
        "planned; bootstrap roots and runbook staged",
        "primary root staged",
        "DR root staged",
        "outage test staged",
    ];
    let mut staged = 0;
    let mut bytes = 0;
    acmegen::pipeline::render_staged(checked, &emitter, &modules, Depth::Structural, &mut |files| {
        bytes += files.values().map(String::len).sum::<usize>();
        writer
            .put_all(&files)
            .map_err(|e| acmegen::pipeline::Error::Internal(e.into()))?;
        drop(files);
        row(groups.get(staged).copied().unwrap_or("staged"));
        staged += 1;
        Ok::<(), acmegen::pipeline::Error>(())
    })
    .expect("renders");
    row("plan dropped");
    writer.commit().expect("written");
    row("committed");
    let _ = std::fs::remove_dir_all(&dir);
    println!("\n{:.1} MB of output", bytes as f64 / 1e6);
}
