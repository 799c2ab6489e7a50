//! The `dissent` binary: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use dissent::cli::Cli;

use dissent::export::ExportError;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = cli.check() {
        e.exit();
    }
    match dissent::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`dissent items | head`): what it wanted, it has.
        Err(e) if closed_stdout(&e) => ExitCode::SUCCESS,
        // SIGINT or SIGTERM stopped an export, which cleaned up: the shell's code for it.
        Err(e)
            if e.downcast_ref::<ExportError>()
                .is_some_and(|e| matches!(e, ExportError::Interrupted)) =>
        {
            dissent::commands::note(format_args!("dissent: {e:#}"));
            ExitCode::from(130)
        }
        // Values from data files are echoed in errors: made inert like all output.
        Err(e) => {
            dissent::commands::note(format_args!("dissent: {e:#}"));
            ExitCode::from(1)
        }
    }
}

/// The error is a write to a closed pipe.
fn closed_stdout(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
