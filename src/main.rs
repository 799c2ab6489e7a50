//! The `dissent` binary: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use dissent::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dissent::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dissent: {e:#}");
            ExitCode::from(1)
        }
    }
}
