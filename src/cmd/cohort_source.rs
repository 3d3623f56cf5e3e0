//! What `duos report` and `duos alumni export` share: one cohort of the
//! program (content/program.yaml under `--root`), its data read from the
//! local store of `duos serve` (`--data`) or from the DynamoDB table
//! (`--table`, see [`StoreArgs`]), as of a day.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::Args;
use functions::config::{Config, MIN_SECRET_LEN};
use functions::store::Store;

use super::store_args::{Open, StoreArgs};

/// The cohort and where its data is.
#[derive(Args, Debug, Clone)]
pub struct CohortSource {
    /// The cohort (its id in content/program.yaml, e.g. 2008).
    #[arg(long)]
    pub cohort: String,
    /// Where the data is: `--data DIR` or `--table NAME`.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The site's root folder (holds content/program.yaml and content/surveys/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Take duo states as of this day (YYYY-MM-DD) instead of today (UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<NaiveDate>,
}

impl CohortSource {
    /// The program's configuration, checked to have the cohort. No secret
    /// is needed to read (no one-answer-per-person keys are computed): any
    /// will do.
    pub fn config(&self) -> Result<Config, String> {
        let content = self.root.join("content");
        if !content.is_dir() {
            return Err(format!(
                "{} has no content/ folder (use --root DIR)",
                self.root.display()
            ));
        }
        let config = Config::load(&content, vec![0; MIN_SECRET_LEN])
            .map_err(|e| format!("the program's configuration has errors:\n{e}"))?;
        if config.program.cohort(&self.cohort).is_none() {
            let known: Vec<&str> = config
                .program
                .cohorts
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            return Err(format!(
                "there is no cohort {:?} in program.yaml (cohorts: {})",
                self.cohort,
                known.join(", ")
            ));
        }
        Ok(config)
    }

    /// `--as-of`, else today (UTC).
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Runs `read` on the store, on a runtime of its own.
    pub fn read<T>(
        &self,
        read: impl AsyncFnOnce(Arc<dyn Store>) -> Result<T, String>,
    ) -> Result<T, String> {
        let runtime = super::runtime()?;
        runtime.block_on(async {
            let store = self.store.open(Open::Existing).await?;
            read(store).await
        })
    }
}
