//! The acmegen binary: parses arguments and maps results to exit codes
//! (0 ok, 1 check or verify found problems, 2 bad input, 3 internal error,
//! 4 file system problem).

mod cli;
mod cmd;
mod console;

use clap::Parser;
use std::process::ExitCode;

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
