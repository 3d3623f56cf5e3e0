//! `duos roster import FILE.csv [--data DIR | --table NAME [--region R]
//! [--endpoint URL]] [--program FILE] [--check]`: loads the association's
//! member roster into the embedded store of `duos serve` or into the
//! DynamoDB table of the AWS stack, through the same
//! [`functions::roster::import_roster`]. Members missing from the file lose
//! their good standing (they can no longer sign in); they are not deleted.
//!
//! Exit codes: 0 imported (or checked), 1 the file has bad rows (nothing was
//! written; every problem is printed as `FILE:LINE: FIELD: what`), 2 the
//! file, the program or the store could not be read.

use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use functions::store::Store;

use super::store_args::{Open, StoreArgs};

#[derive(Args)]
pub struct RosterArgs {
    #[command(subcommand)]
    command: RosterCommand,
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Import a roster CSV (member_id,name,email,joined,category,good_standing).
    /// Re-importing updates changed members and never duplicates; a file with
    /// any bad row writes nothing.
    Import(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// The roster CSV exported from the association's membership system.
    file: PathBuf,
    /// Where to write: `--data DIR` or `--table NAME`.
    #[command(flatten)]
    store: StoreArgs,
    /// The program file whose member categories and committee are checked
    /// (default: content/program.yaml when it exists).
    #[arg(long)]
    program: Option<PathBuf>,
    /// Only validate the file; write nothing.
    #[arg(long)]
    check: bool,
}

pub fn roster(args: RosterArgs) -> ExitCode {
    match args.command {
        RosterCommand::Import(a) => import(a),
    }
}

fn load_program(path: Option<&Path>) -> Result<Option<mentoring::program::Program>, String> {
    let default = Path::new("content/program.yaml");
    let path = match path {
        Some(p) => p,
        None if default.is_file() => default,
        None => return Ok(None),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn import(args: ImportArgs) -> ExitCode {
    let shown = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return ExitCode::from(2);
        }
    };
    let program = match load_program(args.program.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let categories = program
        .as_ref()
        .map(|p| p.eligibility.member_categories.clone());
    let print_errors = |errors: &functions::roster::RosterErrors| {
        for e in &errors.0 {
            let line = e.line.map(|l| format!(":{l}")).unwrap_or_default();
            let field = e
                .field
                .as_deref()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            eprintln!("{shown}{line}: {field}{}", e.message);
        }
        eprintln!("{} problem(s); nothing was imported.", errors.0.len());
    };

    if args.check {
        return match functions::roster::parse_roster(&bytes, categories.as_deref()) {
            Ok(rows) => {
                eprintln!("{shown}: {} member(s), no problems.", rows.len());
                ExitCode::SUCCESS
            }
            Err(errors) => {
                print_errors(&errors);
                ExitCode::from(1)
            }
        };
    }

    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let store = match runtime.block_on(args.store.open(Open::CreateIfMissing)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(functions::roster::import_roster(
        store.as_ref(),
        &bytes,
        categories.as_deref(),
    ));
    match result {
        Ok(summary) => {
            eprintln!("{shown} into {}: {summary}.", args.store.describe());
            if let Some(program) = &program {
                warn_committee_not_on_roster(&runtime, &store, program);
            }
            ExitCode::SUCCESS
        }
        Err(functions::roster::ImportError::Invalid(errors)) => {
            print_errors(&errors);
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.store.describe());
            ExitCode::from(2)
        }
    }
}

/// The committee of program.yaml is named by member id: say so when one of
/// them is missing from the roster just written, or not in good standing
/// (they could not sign in). Reads the same store the import wrote, so it
/// holds for the table as for the data folder.
fn warn_committee_not_on_roster(
    runtime: &tokio::runtime::Runtime,
    store: &Arc<dyn Store>,
    program: &mentoring::program::Program,
) {
    let c = &program.committee;
    let ids = c.chair.iter().chain(c.members.iter()).chain(c.staff.iter());
    for id in ids {
        match runtime.block_on(functions::roster::load_member(store.as_ref(), id)) {
            Ok(Some(m)) if !m.good_standing => eprintln!(
                "warning: program.yaml names {id:?} in the committee, but the roster has them not in good standing (they cannot sign in)"
            ),
            Ok(Some(_)) => {}
            Ok(None) => eprintln!(
                "warning: program.yaml names {id:?} in the committee, but the roster has no such member"
            ),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
}
