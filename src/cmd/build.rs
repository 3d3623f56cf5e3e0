//! `duos build` and `duos check`.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct BuildArgs {
    /// The site's root folder (holds content/, themes/, static/, templates/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder; public/ and members/ are written inside it.
    #[arg(long, default_value = "site")]
    out: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The site's root folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Also check pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

pub fn build(args: BuildArgs) -> ExitCode {
    let options = generator::BuildOptions {
        drafts: args.drafts,
        ..generator::BuildOptions::new(args.root, args.out)
    };
    report(generator::build(&options))
}

pub fn check(args: CheckArgs) -> ExitCode {
    report(generator::check(&args.root, args.drafts))
}

/// Prints the summary (and its warnings) or every error; the exit code
/// says which.
fn report(outcome: Result<generator::BuildSummary, generator::Diagnostics>) -> ExitCode {
    match outcome {
        Ok(summary) => {
            for w in &summary.warnings {
                eprintln!("{w}");
            }
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            ExitCode::from(1)
        }
    }
}
