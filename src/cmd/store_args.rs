//! Where a command finds the program's data: the one argument group every
//! command that reads or writes it takes, parsed once.
//!
//! ```text
//! --data DIR                                  the embedded store of `duos serve` (DIR/duos.redb; default .duos)
//! --table NAME [--region R] [--endpoint URL]  the DynamoDB table of the AWS stack (its `TableName` output)
//! ```
//!
//! `--data` and `--table` exclude each other; `--region` and `--endpoint`
//! need `--table`. With `--table`, credentials come from the environment as
//! the AWS CLI takes them (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, ...), and so
//! does the region unless `--region` is given; `--endpoint` talks to a
//! DynamoDB-compatible server instead of AWS (e.g. moto on 127.0.0.1).
//!
//! A command adds the group with `#[command(flatten)] store: StoreArgs` and
//! opens it with [`StoreArgs::open`]:
//!
//! ```ignore
//! #[derive(clap::Args)]
//! struct MyArgs {
//!     #[command(flatten)]
//!     store: StoreArgs,
//! }
//! let store: Arc<dyn Store> = args.store.open(Open::Existing).await?;
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
#[cfg(feature = "aws")]
use functions::store::{DynamoConfig, DynamoStore};
use functions::store::{EmbeddedStore, Store};

/// Why `--table` fails in a build without the `aws` feature (the default
/// build, which `duos serve` needs, compiles no AWS SDK).
#[cfg(not(feature = "aws"))]
pub const BUILT_WITHOUT_AWS: &str = "--table: this duos was built without AWS support; build it with the `aws` feature (`cargo install --locked --path . --features aws`, or `cargo run --release --features aws -- ...`)";

/// `--data DIR | --table NAME [--region R] [--endpoint URL]`.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct StoreArgs {
    /// Data folder of `duos serve`'s embedded store (holds duos.redb).
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".duos",
        conflicts_with = "table"
    )]
    pub data: PathBuf,
    /// Use the DynamoDB table NAME instead (the stack's TableName output;
    /// AWS credentials from the environment, as the AWS CLI takes them).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// The table's AWS region (default: the environment's, e.g. AWS_REGION).
    #[arg(long, value_name = "R", requires = "table")]
    pub region: Option<String>,
    /// DynamoDB endpoint URL instead of AWS's (e.g. a local DynamoDB-compatible server).
    #[arg(long, value_name = "URL", requires = "table")]
    pub endpoint: Option<String>,
}

/// Whether [`StoreArgs::open`] may start an empty embedded store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// The data must be there already (reading commands: a missing
    /// `duos.redb` is an error naming the folder, not an empty report).
    Existing,
    /// Create the data folder and an empty store when missing (writing
    /// commands such as `duos roster import`).
    CreateIfMissing,
}

impl StoreArgs {
    /// The embedded store's data folder, or `None` with `--table`.
    pub fn data_dir(&self) -> Option<&Path> {
        match self.table {
            Some(_) => None,
            None => Some(&self.data),
        }
    }

    /// Where the data is, for messages: `the DynamoDB table duos-Table` or
    /// `the data folder .duos`.
    pub fn describe(&self) -> String {
        match &self.table {
            Some(table) => {
                let mut s = format!("the DynamoDB table {table}");
                if let Some(region) = &self.region {
                    s.push_str(&format!(" in {region}"));
                }
                if let Some(url) = &self.endpoint {
                    s.push_str(&format!(" at {url}"));
                }
                s
            }
            None => format!("the data folder {}", self.data.display()),
        }
    }

    /// The DynamoDB configuration of `--table` (`None` for `--data`).
    #[cfg(feature = "aws")]
    pub fn dynamo_config(&self) -> Option<DynamoConfig> {
        let table = self.table.as_ref()?;
        let mut config = DynamoConfig::new(table);
        if let Some(url) = &self.endpoint {
            config = config.endpoint_url(url);
        }
        if let Some(region) = &self.region {
            config = config.region(region);
        }
        Some(config)
    }

    /// Opens the store: the DynamoDB table (no call is made yet: a wrong
    /// name or missing credentials show at the first read), or the
    /// embedded store of the data folder.
    pub async fn open(&self, open: Open) -> Result<Arc<dyn Store>, String> {
        #[cfg(feature = "aws")]
        if let Some(config) = self.dynamo_config() {
            return Ok(Arc::new(DynamoStore::connect(config).await));
        }
        #[cfg(not(feature = "aws"))]
        if self.table.is_some() {
            return Err(BUILT_WITHOUT_AWS.to_string());
        }
        let data = &self.data;
        let exists = data.join(EmbeddedStore::FILE_NAME).is_file();
        match open {
            Open::Existing if !exists => {
                return Err(format!(
                    "{} holds no data ({}); run duos serve or duos roster import first, or give --data DIR or --table NAME",
                    data.display(),
                    EmbeddedStore::FILE_NAME
                ))
            }
            Open::CreateIfMissing if !exists => std::fs::create_dir_all(data)
                .map_err(|e| format!("creating {}: {e}", data.display()))?,
            _ => {}
        }
        let store = EmbeddedStore::open(data)
            .map_err(|e| format!("opening the store in {}: {e}", data.display()))?;
        Ok(Arc::new(store))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        store: StoreArgs,
    }

    fn parse(args: &[&str]) -> Result<StoreArgs, String> {
        let mut argv = vec!["duos"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv)
            .map(|c| c.store)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn data_is_the_default() {
        let s = parse(&[]).unwrap();
        assert_eq!(s.data_dir(), Some(Path::new(".duos")));
        #[cfg(feature = "aws")]
        assert!(s.dynamo_config().is_none());
        assert_eq!(s.describe(), "the data folder .duos");
    }

    #[cfg(feature = "aws")]
    #[test]
    fn table_with_region_and_endpoint() {
        let s = parse(&[
            "--table",
            "duos-Table",
            "--region",
            "us-east-2",
            "--endpoint",
            "http://127.0.0.1:5000",
        ])
        .unwrap();
        assert_eq!(s.data_dir(), None);
        let c = s.dynamo_config().unwrap();
        assert_eq!(c.table, "duos-Table");
        assert_eq!(c.aws.region.as_deref(), Some("us-east-2"));
        assert_eq!(c.aws.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(
            s.describe(),
            "the DynamoDB table duos-Table in us-east-2 at http://127.0.0.1:5000"
        );
    }

    /// Without the `aws` feature `--table` parses (the flags are the same
    /// in every build) and opening it says how to build with AWS support.
    #[cfg(not(feature = "aws"))]
    #[tokio::test]
    async fn table_needs_the_aws_feature() {
        let s = parse(&["--table", "duos-Table", "--region", "us-east-2"]).unwrap();
        assert_eq!(s.data_dir(), None);
        match s.open(Open::Existing).await {
            Ok(_) => panic!("opened a table without AWS support"),
            Err(e) => assert_eq!(e, BUILT_WITHOUT_AWS),
        }
    }

    #[test]
    fn data_and_table_exclude_each_other() {
        let e = parse(&["--data", "x", "--table", "t"]).unwrap_err();
        assert!(e.contains("cannot be used with"), "{e}");
    }

    #[test]
    fn region_and_endpoint_need_a_table() {
        for flag in ["--region", "--endpoint"] {
            let e = parse(&[flag, "x"]).unwrap_err();
            assert!(e.contains("--table"), "{flag}: {e}");
        }
    }

    #[tokio::test]
    async fn a_reading_command_refuses_an_empty_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let s = parse(&["--data", dir.path().to_str().unwrap()]).unwrap();
        let e = match s.open(Open::Existing).await {
            Ok(_) => panic!("opened an empty folder"),
            Err(e) => e,
        };
        assert!(e.contains("holds no data (duos.redb)"), "{e}");
        let sub = dir.path().join("new");
        let s = parse(&["--data", sub.to_str().unwrap()]).unwrap();
        s.open(Open::CreateIfMissing).await.unwrap();
        assert!(sub.join("duos.redb").is_file());
    }
}
