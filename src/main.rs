//! The acmegen binary: parses arguments and maps results to exit codes
//! (0 ok, 1 check or verify found problems, 2 bad input, 3 internal error,
//! 4 file system problem).

mod cli;
mod cmd;
mod console;

use clap::Parser;
use std::process::ExitCode;

/// The binary's allocator: mimalloc (its v2 line, whose resident memory
/// stays near glibc's on large renders). A render allocates and frees
/// millions of small nodes (parse trees, the plan, the verifier's index):
/// with glibc's allocator, malloc and free took about 29 % of the CPU of a
/// 10,000-asset render (perf, see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(e) => {
            console::err(&e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}
