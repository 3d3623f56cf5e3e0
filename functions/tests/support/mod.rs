//! Shared helpers of the store tests (`tests/store_*.rs`).
#![allow(dead_code)]

pub mod app;
pub mod cohort;
pub mod moto;

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use functions::store::{DynamoConfig, DynamoStore, EmbeddedStore, Store};

/// An on-disk embedded store in a fresh temporary data folder (kept alive by
/// the returned guard).
pub fn embedded_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary data folder");
    let store = EmbeddedStore::open(dir.path()).expect("open embedded store");
    (Arc::new(store), dir)
}

/// A unique DynamoDB table name for one test.
pub fn table_name(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "duos-test-{test}-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A DynamoDB store on a fresh table of the test endpoint (see
/// [`moto::endpoint`]; `need` says whether the test needs concurrent
/// transactions applied atomically), with fake credentials set on the SDK config only.
/// `None` (after a loud skip line) when there is no endpoint outside CI; in
/// CI (`CI=true`) a missing endpoint fails the test.
pub async fn dynamo_store(test: &str, need: moto::Need) -> Option<DynamoStore> {
    let endpoint = match tokio::task::spawn_blocking(move || moto::endpoint(need))
        .await
        .expect("moto start-up thread")
    {
        Ok(endpoint) => endpoint,
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!(
                    "DynamoDB conformance test `{test}` needs moto: {why}\n\
                     Set {} or install moto in .venv (scripts/test.sh does both).",
                    moto::ENDPOINT_ENV
                );
            }
            // Straight to the stderr handle: the test harness captures
            // eprintln!, and a skip must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!! SKIPPED DynamoDB test `{test}`: no DynamoDB endpoint ({why}). \
                 Run scripts/test.sh, or set {}. !!!!!\n",
                moto::ENDPOINT_ENV
            );
            return None;
        }
    };
    let config = DynamoConfig::new(table_name(test))
        .endpoint_url(endpoint)
        .region("us-east-1")
        .credentials("testing", "testing");
    let store = DynamoStore::connect(config).await;
    store.ensure_table().await.expect("create the test table");
    Some(store)
}
