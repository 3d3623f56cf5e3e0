//! `duos`: the command line of the mentoring program.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "duos", version, about = "Run a formal mentoring program: build its site, serve it, run its functions.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: OUT/public (everyone) and OUT/members (behind sign-in).
    Build(cmd::build::BuildArgs),
    /// Validate content, profiles, surveys and templates without writing anything.
    Check(cmd::build::CheckArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => cmd::build::build(args),
        Command::Check(args) => cmd::build::check(args),
    }
}
