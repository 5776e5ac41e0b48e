//! The acmegen binary: parses arguments and maps results to exit codes
//! (0 ok, 1 check found drift, 2 bad inventory, 3 internal error).

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
