//! `duos alumni`: the alumni e-mail group (`functions::alumni`).
//!
//! `duos alumni export --cohort ID [--data DIR | --table NAME] --out DIR`
//! writes `OUT/alumni.csv` (member id, name, e-mail, role in the duo,
//! cohort) and `OUT/alumni-mailing-list.txt` (one `Name <email>` per line)
//! of the cohort's alumni (parties of duos that completed their year) who
//! joined the group.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::cohort_source::CohortSource;

/// `duos alumni <command>`.
#[derive(Args, Debug, Clone)]
pub struct AlumniArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AlumniCommand,
}

/// The `duos alumni` commands.
#[derive(Subcommand, Debug, Clone)]
pub enum AlumniCommand {
    /// Write the CSV and the mailing list of a cohort's opted-in alumni.
    Export(AlumniExportArgs),
}

/// `duos alumni export`.
#[derive(Args, Debug, Clone)]
pub struct AlumniExportArgs {
    /// The cohort whose alumni to export, and where its data is.
    #[command(flatten)]
    pub source: CohortSource,
    /// Folder to write alumni.csv and alumni-mailing-list.txt into.
    #[arg(long)]
    pub out: PathBuf,
}

/// Exit codes: 0 written (possibly empty: the command says so); 1 it could
/// not be done (configuration, unknown cohort, data, files).
pub fn alumni(args: AlumniArgs) -> ExitCode {
    let AlumniCommand::Export(args) = args.command;
    match export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duos alumni export: {e}");
            ExitCode::from(1)
        }
    }
}

fn export(args: &AlumniExportArgs) -> Result<(), String> {
    let source = &args.source;
    let config = source.config()?;
    let cohort = config
        .program
        .cohort(&source.cohort)
        .ok_or_else(|| format!("there is no cohort {:?} in program.yaml", source.cohort))?;
    let today = source.as_of();
    let (all, joined) = source.read(async |store| {
        let all = functions::alumni::alumni(store.as_ref(), cohort, today)
            .await
            .map_err(|e| format!("reading the data: {e}"))?;
        let joined: Vec<_> = all.iter().filter(|a| a.opted_in).cloned().collect();
        Ok((all, joined))
    })?;
    if today <= cohort.end {
        eprintln!(
            "duos alumni export: note: cohort {} runs through {}; as of {today} no duo has completed yet",
            cohort.id, cohort.end
        );
    }
    for a in joined.iter().filter(|a| a.email.is_empty()) {
        eprintln!(
            "duos alumni export: warning: {} is not in the roster; left out of the mailing list",
            a.member_id
        );
    }
    let written = functions::alumni::write_export(&joined, &args.out)
        .map_err(|e| format!("writing into {}: {e}", args.out.display()))?;
    println!(
        "cohort {}: {} alumni, {} joined the group",
        cohort.id,
        all.len(),
        joined.len()
    );
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(())
}
