//! `duos report`: the committee's report to the Board for one cohort
//! (`functions::report`): `OUT/report.html` (self-contained, print it or
//! save it as PDF from a browser) and CSV files of every figure, read from
//! the local data of `duos serve` or from the DynamoDB table.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::cohort_source::CohortSource;

/// `duos report --cohort ID [--data DIR | --table NAME [--region R] [--endpoint URL]] --out DIR`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// The cohort, and where its data is.
    #[command(flatten)]
    pub source: CohortSource,
    /// Folder to write report.html and the CSV files into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Exit codes: 0 written; 1 it could not be made (configuration, unknown
/// cohort, data unreadable, files not written).
pub fn report(args: ReportArgs) -> ExitCode {
    match run(&args) {
        Ok(written) => {
            for path in written {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("duos report: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &ReportArgs) -> Result<Vec<PathBuf>, String> {
    let source = &args.source;
    let config = source.config()?;
    let as_of = source.as_of();
    let report = source.read(async |store| {
        eprintln!("duos report: reading cohort {} ...", source.cohort);
        functions::report::build(store.as_ref(), &config, &source.cohort, as_of)
            .await
            .map_err(|e| e.to_string())
    })?;
    functions::report::write_files(&report, &args.out)
        .map_err(|e| format!("writing into {}: {e}", args.out.display()))
}
