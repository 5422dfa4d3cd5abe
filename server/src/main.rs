//! `fieldform`: the collection server and command-line tool.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = fieldform_server::cli::Cli::parse();
    fieldform_server::cli::run(cli)
}
