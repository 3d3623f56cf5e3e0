//! `duos report`: the committee's report to the Board for one cohort
//! (`functions::report`): `OUT/report.html` (self-contained, print it or
//! save it as PDF from a browser) and CSV files of every figure, read from
//! the local data of `duos serve` or from the DynamoDB table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;
use functions::config::{utc, Config, MIN_SECRET_LEN};
use functions::store::{DynamoConfig, DynamoStore, EmbeddedStore, Store};

/// `duos report --cohort ID [--data DIR | --dynamodb TABLE [--endpoint URL]] --out DIR`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// The cohort to report on (its id in content/program.yaml, e.g. 2008).
    #[arg(long)]
    pub cohort: String,
    /// Data folder of `duos serve` (holds duos.redb).
    #[arg(long, default_value = ".duos", conflicts_with = "dynamodb")]
    pub data: PathBuf,
    /// Read the DynamoDB table TABLE instead (AWS credentials and region
    /// from the environment, as the AWS CLI takes them).
    #[arg(long, value_name = "TABLE")]
    pub dynamodb: Option<String>,
    /// DynamoDB endpoint URL (e.g. a local DynamoDB-compatible server).
    #[arg(long, value_name = "URL", requires = "dynamodb")]
    pub endpoint: Option<String>,
    /// Folder to write report.html and the CSV files into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// The site's root folder (holds content/program.yaml and content/surveys/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Count duo states as of this day (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
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
    let content = args.root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "{} has no content/ folder (use --root DIR)",
            args.root.display()
        ));
    }
    // The report computes no one-answer-per-person keys: any secret will do.
    let config = Config::load(&content, vec![0; MIN_SECRET_LEN], utc())
        .map_err(|e| format!("the program's configuration has errors:\n{e}"))?;
    if config.program.cohort(&args.cohort).is_none() {
        let known: Vec<&str> = config
            .program
            .cohorts
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        return Err(format!(
            "there is no cohort {:?} in program.yaml (cohorts: {})",
            args.cohort,
            known.join(", ")
        ));
    }
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let report = runtime.block_on(async {
        let store = open_store(
            args.dynamodb.as_deref(),
            args.endpoint.as_deref(),
            &args.data,
        )
        .await?;
        eprintln!("duos report: reading cohort {} ...", args.cohort);
        functions::report::build(store.as_ref(), &config, &args.cohort, as_of)
            .await
            .map_err(|e| e.to_string())
    })?;
    functions::report::write_files(&report, &args.out)
        .map_err(|e| format!("writing into {}: {e}", args.out.display()))
}

/// The embedded store of `data` (which must exist), or the DynamoDB table.
pub async fn open_store(
    dynamodb: Option<&str>,
    endpoint: Option<&str>,
    data: &std::path::Path,
) -> Result<Arc<dyn Store>, String> {
    match dynamodb {
        Some(table) => {
            let mut config = DynamoConfig::new(table);
            if let Some(url) = endpoint {
                config = config.endpoint_url(url);
            }
            Ok(Arc::new(DynamoStore::connect(config).await))
        }
        None => {
            if !data.join(EmbeddedStore::FILE_NAME).is_file() {
                return Err(format!(
                    "{} holds no data (duos.redb); run duos serve first, or give --data DIR or --dynamodb TABLE",
                    data.display()
                ));
            }
            Ok(Arc::new(EmbeddedStore::open(data).map_err(|e| {
                format!("opening the store in {}: {e}", data.display())
            })?))
        }
    }
}
