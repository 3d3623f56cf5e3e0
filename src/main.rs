//! `duos`: the command line of the mentoring program.

mod cmd;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "duos",
    version,
    about = "Run a formal mentoring program: build its site, serve it, run its functions."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a new program in a folder: program.yaml with its first cohort, starter pages, theme, roster template.
    Init(cmd::init::InitArgs),
    /// Build the site: OUT/public (everyone) and OUT/members (behind sign-in).
    Build(cmd::build::BuildArgs),
    /// Validate content, profiles, surveys and templates without writing anything.
    Check(cmd::build::CheckArgs),
    /// Serve the whole program on 127.0.0.1: site, members area, functions, sign-in, outbox, live reload.
    Serve(cmd::serve::ServeArgs),
    /// Manage the member roster: `duos roster import FILE.csv`.
    Roster(cmd::roster::RosterArgs),
    /// Run the scheduled job once: expire requests, send reminders and survey invitations, complete duos.
    Tick(cmd::tick::TickArgs),
    /// Write a cohort's report for the board: self-contained HTML and CSV files.
    Report(cmd::report::ReportArgs),
    /// The alumni group: `duos alumni export --cohort ID --out DIR`.
    Alumni(cmd::alumni::AlumniArgs),
    /// The curated mentors: `duos mentors list --cohort ID` makes the YAML mentors askable in a cohort.
    Mentors(cmd::mentors::MentorsArgs),
    /// The store's profiles: `duos profiles export --out content/mentors` writes the published ones as YAML.
    Profiles(cmd::profiles::ProfilesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Init(args) => cmd::init::init(args),
        Command::Build(args) => cmd::build::build(args),
        Command::Check(args) => cmd::build::check(args),
        Command::Serve(args) => cmd::serve::serve(args),
        Command::Roster(args) => cmd::roster::roster(args),
        Command::Tick(args) => cmd::tick::tick(args),
        Command::Report(args) => cmd::report::report(args),
        Command::Alumni(args) => cmd::alumni::alumni(args),
        Command::Mentors(args) => cmd::mentors::mentors(args),
        Command::Profiles(args) => cmd::profiles::profiles(args),
    }
}
