//! Cold start of every Lambda function, measured locally: the function's
//! binary (as cargo builds it for this bench: the release profile) started
//! against the Runtime API of `tests/support/lambda_sandbox.rs` on
//! 127.0.0.1, with the store on moto (DynamoDB and S3 on loopback). The time
//! is from spawning the process to the Runtime API receiving its reply to
//! the first event: process start, configuration load (content/, secrets
//! from the environment, SDK clients) and the first request, which reads
//! the signed-in member from the table. The second event of the same
//! process is the warm figure.
//!
//! Run: `cargo bench -p duos-lambda --bench coldstart` (moto from the
//! workspace's `.venv`, or `DUOS_TEST_DYNAMODB_ENDPOINT`); `-- --runs N`
//! sets the starts per function (default 7). Prints a Markdown table.
//! Without `--bench` (as `cargo test --benches` runs it) it starts each
//! function once and prints nothing but what it measured.
//!
//! What it does not include: Lambda's own sandbox set-up and the download
//! of the package, which AWS adds before the process starts (see
//! BENCHMARKS.md).

#[allow(dead_code)]
#[path = "../../functions/tests/support/moto.rs"]
mod moto;

#[path = "../tests/support/lambda_sandbox.rs"]
mod lambda_sandbox;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use functions::store::{DynamoConfig, DynamoStore, Store};
use lambda_sandbox::{HttpEvent, Outcome, Sandbox};
use serde_json::{json, Value};

const SESSION_SECRET: &str = "coldstart-bench-session-secret-0123456789ab";
const SURVEY_SECRET: &str = "coldstart-bench-survey-secret-0123456789abc";
const ORIGIN: &str = "https://mentoring.example.org";
const MEMBER: &str = "M7001";

/// One function's first request: the event and what it is, for the table.
fn first_event(binary: &str) -> (String, Value) {
    if binary == "scheduler" {
        let event = json!({
            "version": "0",
            "id": "5e1b2c1a-0000-0000-0000-000000000000",
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "time": "2008-03-01T11:00:00Z",
            "detail": {}
        });
        return ("scheduled tick".into(), event);
    }
    let spec = functions::deploy::FUNCTIONS
        .iter()
        .find(|f| f.binary == binary)
        .unwrap_or_else(|| panic!("{binary} in deploy::FUNCTIONS"));
    // Its first GET route, else its first route.
    let (method, path) = spec
        .routes
        .iter()
        .find(|(m, _)| *m == "GET")
        .copied()
        .unwrap_or(spec.routes[0]);
    let path = path.replace("{id}", "x1").replace("{proxy+}", "index.html");
    let session = functions::auth::SessionConfig::new(SESSION_SECRET.as_bytes().to_vec(), ORIGIN)
        .expect("session config");
    let issued = functions::auth::issue_session(&session, MEMBER, SystemTime::now());
    let cookie = issued.set_cookie.split(';').next().unwrap().to_owned();
    let mut event = HttpEvent::new(method, &path)
        .cookie(&cookie)
        .header("origin", ORIGIN)
        .header("x-csrf-token", &issued.csrf_token);
    if method == "POST" {
        event = event.json(&json!({}));
    }
    (format!("{method} {path} (signed in)"), event.to_json())
}

fn content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("content")
}

struct Row {
    function: String,
    request: String,
    status: String,
    cold: Vec<Duration>,
    warm: Vec<Duration>,
}

fn status_of(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Response(payload) => payload["statusCode"]
            .as_u64()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "ok".into()),
        Outcome::Error(error) => format!("error: {error}"),
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench");
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(if full { 7 } else { 1 });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let endpoint = match moto::endpoint(moto::Need::Any) {
            Ok(endpoint) => endpoint,
            Err(why) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("the cold-start bench needs moto: {why}");
                }
                println!("cold-start bench skipped: no moto ({why})");
                return;
            }
        };
        let table = format!("duos-coldstart-{}", std::process::id());
        let store = DynamoStore::connect(
            DynamoConfig::new(table.clone())
                .endpoint_url(endpoint.clone())
                .region("us-east-1")
                .credentials("testing", "testing"),
        )
        .await;
        store.ensure_table().await.expect("create the bench table");
        let member = mentoring::Member {
            member_id: MEMBER.into(),
            name: "Bench Member".into(),
            email: "bench.member@example.org".into(),
            joined: chrono::NaiveDate::from_ymd_opt(2007, 9, 1).unwrap(),
            category: "Personal".into(),
            good_standing: true,
        };
        store
            .put(functions::roster::member_item(&member), None)
            .await
            .expect("seed the member");
        let content = content();
        let env: Vec<(String, String)> = [
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", endpoint.as_str()),
            ("DUOS_TABLE", table.as_str()),
            ("DUOS_MAIL_FROM", "LLAMA Mentoring <mentoring@example.org>"),
            ("DUOS_CONTENT_DIR", content.to_str().expect("UTF-8 path")),
            ("DUOS_SESSION_SECRET", SESSION_SECRET),
            ("DUOS_SURVEY_SECRET", SURVEY_SECRET),
            ("DUOS_SITE_ORIGIN", ORIGIN),
            ("DUOS_MEMBERS_BUCKET", "duos-coldstart-members"),
            // The repository is a site root (content/, themes/): what the
            // publishing functions render changed profiles from.
            ("DUOS_SITE_ROOT", concat!(env!("CARGO_MANIFEST_DIR"), "/..")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();

        let mut rows = Vec::new();
        for spec in functions::deploy::FUNCTIONS {
            let (request, event) = first_event(spec.binary);
            let mut row = Row {
                function: spec.binary.to_owned(),
                request,
                status: String::new(),
                cold: Vec::new(),
                warm: Vec::new(),
            };
            for _ in 0..runs {
                let started = Instant::now();
                let mut sandbox = Sandbox::start(spec.binary, &env).await;
                let outcome = sandbox.call(event.clone()).await;
                row.cold.push(started.elapsed());
                row.status = status_of(&outcome);
                let again = Instant::now();
                sandbox.call(event.clone()).await;
                row.warm.push(again.elapsed());
            }
            rows.push(row);
        }
        let build = if cfg!(debug_assertions) {
            "debug build (cargo test --benches)"
        } else {
            "release build"
        };
        println!("\n### Cold start per function ({runs} starts each; {build}, moto on loopback)\n");
        println!("| function | first request | status | cold start (median) | cold start (max) | warm request (median) | bootstrap size |");
        println!("|---|---|---|---:|---:|---:|---:|");
        for mut row in rows {
            let max = row.cold.iter().max().copied().unwrap_or_default();
            let size = std::fs::metadata(lambda_sandbox::binary(&row.function))
                .map(|m| format!("{:.1} MiB", m.len() as f64 / (1024.0 * 1024.0)))
                .unwrap_or_else(|_| "?".into());
            println!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                row.function,
                row.request,
                row.status,
                ms(median(&mut row.cold)),
                ms(max),
                ms(median(&mut row.warm)),
                size
            );
        }
    });
}
