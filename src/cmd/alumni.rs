//! `duos alumni`: the alumni e-mail group (`functions::alumni`).
//!
//! `duos alumni export --cohort ID [--data DIR | --dynamodb TABLE] --out DIR`
//! writes `OUT/alumni.csv` (member id, name, e-mail, role in the duo,
//! cohort) and `OUT/alumni-mailing-list.txt` (one `Name <email>` per line)
//! of the cohort's alumni (parties of duos that completed their year) who
//! joined the group.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use functions::config::{utc, Config, MIN_SECRET_LEN};

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
    /// The cohort whose alumni to export (its id in content/program.yaml).
    #[arg(long)]
    pub cohort: String,
    /// Data folder of `duos serve` (holds duos.redb).
    #[arg(long, default_value = ".duos", conflicts_with = "dynamodb")]
    pub data: PathBuf,
    /// Read the DynamoDB table TABLE instead (credentials from the environment).
    #[arg(long, value_name = "TABLE")]
    pub dynamodb: Option<String>,
    /// DynamoDB endpoint URL.
    #[arg(long, value_name = "URL", requires = "dynamodb")]
    pub endpoint: Option<String>,
    /// Folder to write alumni.csv and alumni-mailing-list.txt into.
    #[arg(long)]
    pub out: PathBuf,
    /// The site's root folder (holds content/program.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Decide which duos completed as of this day (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
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
    let content = args.root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "{} has no content/ folder (use --root DIR)",
            args.root.display()
        ));
    }
    // The export computes no one-answer-per-person keys: any secret will do.
    let config = Config::load(&content, vec![0; MIN_SECRET_LEN], utc())
        .map_err(|e| format!("the program's configuration has errors:\n{e}"))?;
    let cohort = config
        .program
        .cohort(&args.cohort)
        .ok_or_else(|| format!("there is no cohort {:?} in program.yaml", args.cohort))?;
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let (all, joined) = runtime.block_on(async {
        let store = super::report::open_store(
            args.dynamodb.as_deref(),
            args.endpoint.as_deref(),
            &args.data,
        )
        .await?;
        let all = functions::alumni::alumni(store.as_ref(), cohort, today)
            .await
            .map_err(|e| format!("reading the data: {e}"))?;
        let joined: Vec<_> = all.iter().filter(|a| a.opted_in).cloned().collect();
        Ok::<_, String>((all, joined))
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
