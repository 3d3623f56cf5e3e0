//! Handler latency through `router::handle`, per endpoint, with the store
//! items each request reads and writes (the store's `OpStats` before and
//! after). Prints a Markdown table per store:
//!
//! - the embedded store (redb in a temporary folder), always;
//! - DynamoDB on moto (`tests/support/moto.rs`: `DUOS_TEST_DYNAMODB_ENDPOINT`
//!   or `.venv/bin/moto_server`), when available. moto is a Python mock
//!   answering over loopback HTTP: its latency says nothing about
//!   DynamoDB's; its item counts are exact.
//!
//! Run: `cargo bench -p functions --bench handlers` (a release build; the
//! release profile has no LTO, so this does not build the Lambda packages'
//! LTO; add `-- --quick` for fewer iterations; `-- --embedded` to skip moto).
//! The embedded store is measured twice, with and without the commit's
//! fsync, and a single put alone, so the fsync's share of a write shows.
//!
//! Every request is a whole request as a browser's `fetch` sends it: the
//! session cookie, `Origin`, `X-CSRF-Token`, a JSON body; the clock stands
//! in the 2008 cohort's application window, so each endpoint runs its real
//! path (the status column shows what it answered).

#[allow(dead_code)]
#[path = "../tests/support/moto.rs"]
mod moto;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use functions::app::App;
use functions::auth::{issue_session, SessionConfig};
use functions::clock::TestClock;
use functions::config::Config;
use functions::mail::Outbox;
use functions::roster;
use functions::router;
use functions::store::{DynamoConfig, DynamoStore, EmbeddedStore, OpStats, Store};
use http::{Method, Request, Response};
use mentoring::Member;
use serde_json::{json, Value};

const ORIGIN: &str = "https://mentoring.example.org";
const SECRET: &[u8] = b"benchmark-secret-benchmark-secret-0123456789";
const CHAIR: &str = "M1001";

/// One endpoint's figures.
struct Row {
    endpoint: String,
    status: String,
    n: usize,
    p50: Duration,
    p99: Duration,
    read: f64,
    written: f64,
    calls: f64,
}

/// A store under test, the app around it and its signed-in callers.
struct Bench {
    app: App,
    session: SessionConfig,
    _dirs: Vec<tempfile::TempDir>,
}

impl Bench {
    async fn new(store: Arc<dyn Store>, dirs: Vec<tempfile::TempDir>) -> Bench {
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("content");
        let config = Config::load(&content, SECRET.to_vec()).expect("content/ loads");
        let outbox = tempfile::tempdir().expect("outbox folder");
        let mailer = Arc::new(Outbox::new(
            outbox.path(),
            "LLAMA Mentoring <mentoring@example.org>",
        ));
        let clock = TestClock::at_rfc3339("2008-02-01T15:00:00Z");
        let session = SessionConfig::new(SECRET.to_vec(), ORIGIN).expect("session config");
        let app = App::new(
            store,
            mailer,
            Arc::new(clock),
            Arc::new(config),
            session.clone(),
            None,
        );
        let mut dirs = dirs;
        dirs.push(outbox);
        Bench {
            app,
            session,
            _dirs: dirs,
        }
    }

    /// Writes roster members: the chair and `applicants` first-year members.
    async fn seed(&self, applicants: usize) {
        let joined = chrono::NaiveDate::from_ymd_opt(2007, 9, 1).unwrap();
        let mut ids = vec![CHAIR.to_owned()];
        ids.extend((0..applicants).map(applicant));
        for id in ids {
            let member = Member {
                member_id: id.clone(),
                name: format!("Member {id}"),
                email: format!("{}@example.org", id.to_ascii_lowercase()),
                joined,
                category: "Personal".into(),
                good_standing: true,
            };
            self.app
                .store
                .put(roster::member_item(&member), None)
                .await
                .expect("seed a member");
        }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        member: Option<&str>,
        body: Option<&Value>,
    ) -> Request<Vec<u8>> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "mentoring.example.org")
            .header("origin", ORIGIN)
            .header("accept", "application/json");
        if let Some(member) = member {
            let issued = issue_session(&self.session, member, clock_now());
            let cookie = issued
                .set_cookie
                .split(';')
                .next()
                .unwrap_or_default()
                .to_owned();
            builder = builder
                .header("cookie", cookie)
                .header("x-csrf-token", issued.csrf_token);
        }
        let bytes = match body {
            Some(body) => {
                builder = builder.header("content-type", "application/json");
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        builder.body(bytes).expect("request")
    }

    /// Runs `make(i)` `n` times through the router; the figures.
    async fn measure(
        &self,
        endpoint: &str,
        n: usize,
        make: impl Fn(usize) -> Request<Vec<u8>>,
    ) -> Row {
        let mut times = Vec::with_capacity(n);
        let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
        let before = self.app.store.stats();
        for i in 0..n {
            let request = make(i);
            let start = Instant::now();
            let response: Response<Vec<u8>> = router::handle(&self.app, request).await;
            times.push(start.elapsed());
            *statuses.entry(response.status().as_u16()).or_default() += 1;
        }
        let used: OpStats = self.app.store.stats().since(&before);
        times.sort();
        let pick =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        Row {
            endpoint: endpoint.to_owned(),
            status: statuses
                .iter()
                .map(|(s, c)| {
                    if *c == n {
                        s.to_string()
                    } else {
                        format!("{s}×{c}")
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            n,
            p50: pick(0.50),
            p99: pick(0.99),
            read: used.items_read as f64 / n as f64,
            written: used.items_written as f64 / n as f64,
            calls: used.requests as f64 / n as f64,
        }
    }
}

/// The session clock: the app's test clock stands in 2008.
fn clock_now() -> SystemTime {
    let at = chrono::DateTime::parse_from_rfc3339("2008-02-01T15:00:00Z").unwrap();
    SystemTime::UNIX_EPOCH + Duration::from_secs(at.timestamp() as u64)
}

fn applicant(i: usize) -> String {
    format!("M5{i:04}")
}

fn mentee_form() -> Value {
    json!({
        "side": "mentee",
        "goals": "Learn to lead a branch through a renovation and a budget cut.",
        "background": "Three years as a reference librarian.",
        "interests": ["facilities-and-space-planning", "budgeting-and-finance"],
        "availability": "Evenings, Central time."
    })
}

async fn run(bench: &Bench, n: usize) -> Vec<Row> {
    bench.seed(n).await;
    let mut rows = Vec::new();
    rows.push(
        bench
            .measure("GET /api/me (anonymous: 401)", n, |_| {
                bench.request(Method::GET, "/api/me", None, None)
            })
            .await,
    );
    rows.push(
        bench
            .measure("GET /api/nope (unknown: 404)", n, |_| {
                bench.request(Method::GET, "/api/nope", Some(CHAIR), None)
            })
            .await,
    );
    rows.push(
        bench
            .measure("POST /api/applications (mentee, new)", n, |i| {
                let form = mentee_form();
                bench.request(
                    Method::POST,
                    "/api/applications",
                    Some(&applicant(i)),
                    Some(&form),
                )
            })
            .await,
    );
    rows.push(
        bench
            .measure("POST /api/applications (again: 409)", n, |i| {
                let form = mentee_form();
                bench.request(
                    Method::POST,
                    "/api/applications",
                    Some(&applicant(i)),
                    Some(&form),
                )
            })
            .await,
    );
    let list_n = n.min(50);
    rows.push(
        bench
            .measure(
                &format!("GET /api/applications ({n} stored)"),
                list_n,
                |_| {
                    bench.request(
                        Method::GET,
                        "/api/applications?cohort=2008",
                        Some(CHAIR),
                        None,
                    )
                },
            )
            .await,
    );
    rows.push(
        bench
            // Past the first 25 (accepted on applying) every place is over
            // the cap: the chair approves with the audited override reason,
            // as the committee page does; without one the answer is 409.
            .measure(
                "POST /api/applications/{id}/approve (over the cap, with a reason)",
                n,
                |i| {
                    let path = format!("/api/applications/mentee-{}/approve", applicant(i));
                    let body =
                        json!({"override_reason": "The committee added a place for this cohort."});
                    bench.request(Method::POST, &path, Some(CHAIR), Some(&body))
                },
            )
            .await,
    );
    rows.push(
        bench
            .measure("GET /api/me (signed in)", n, |i| {
                bench.request(Method::GET, "/api/me", Some(&applicant(i)), None)
            })
            .await,
    );
    rows.push(
        bench
            .measure("GET /api/matches (mentee)", n, |i| {
                bench.request(Method::GET, "/api/matches", Some(&applicant(i)), None)
            })
            .await,
    );
    rows.push(
        bench
            .measure("GET /api/duos (chair)", n.min(50), |_| {
                bench.request(Method::GET, "/api/duos", Some(CHAIR), None)
            })
            .await,
    );
    rows
}

fn print(title: &str, rows: &[Row]) {
    println!("\n### {title}\n");
    println!("| endpoint | status | n | p50 | p99 | items read/req | items written/req | store calls/req |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
            r.endpoint,
            r.status,
            r.n,
            fmt(r.p50),
            fmt(r.p99),
            r.read,
            r.written,
            r.calls
        );
    }
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}

/// One item put into a fresh embedded store `n` times, with and without
/// the commit's fsync: the write's own latency, and the fsync's share.
async fn print_store_writes(n: usize) {
    println!("\n### Embedded store: one put (a roster member item), {n} writes\n");
    println!("| commit | p50 | p99 |");
    println!("|---|---:|---:|");
    for fsync in [true, false] {
        let data = tempfile::tempdir().expect("data folder");
        let mut store = EmbeddedStore::open(data.path()).expect("embedded store");
        if !fsync {
            store = store.without_fsync();
        }
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            let member = Member {
                member_id: applicant(i),
                name: format!("Member {i}"),
                email: format!("m{i}@example.org"),
                joined: chrono::NaiveDate::from_ymd_opt(2007, 9, 1).unwrap(),
                category: "Personal".into(),
                good_standing: true,
            };
            let item = roster::member_item(&member);
            let start = Instant::now();
            store.put(item, None).await.expect("put");
            times.push(start.elapsed());
        }
        times.sort();
        let pick =
            |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
        let label = if fsync {
            "synced (fsync, as duos serve runs)"
        } else {
            "not synced (no fsync)"
        };
        println!("| {label} | {} | {} |", fmt(pick(0.5)), fmt(pick(0.99)));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs this with `--bench` absent: keep it short.
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    let embedded_only = args.iter().any(|a| a == "--embedded");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let n = if quick { 20 } else { 300 };
        let data = tempfile::tempdir().expect("data folder");
        let store = Arc::new(EmbeddedStore::open(data.path()).expect("embedded store"));
        let bench = Bench::new(store, vec![data]).await;
        let rows = run(&bench, n).await;
        print(
            &format!("Embedded store (redb), {n} requests per endpoint"),
            &rows,
        );
        let nosync_data = tempfile::tempdir().expect("data folder");
        let nosync = EmbeddedStore::open(nosync_data.path())
            .expect("embedded store")
            .without_fsync();
        let bench = Bench::new(Arc::new(nosync), vec![nosync_data]).await;
        let rows = run(&bench, n).await;
        print(
            &format!(
                "Embedded store (redb) with commits not synced to disk (what the fsync costs), {n} requests per endpoint"
            ),
            &rows,
        );
        print_store_writes(if quick { 20 } else { 500 }).await;

        if embedded_only {
            return;
        }
        let endpoint = match tokio::task::spawn_blocking(|| moto::endpoint(moto::Need::Any)).await {
            Ok(Ok(endpoint)) => endpoint,
            Ok(Err(why)) => {
                println!("\n(DynamoDB on moto skipped: {why})");
                return;
            }
            Err(e) => {
                println!("\n(DynamoDB on moto skipped: {e})");
                return;
            }
        };
        let table = format!("duos-bench-{}", std::process::id());
        let dynamo = DynamoStore::connect(
            DynamoConfig::new(table)
                .endpoint_url(endpoint)
                .region("us-east-1")
                .credentials("testing", "testing"),
        )
        .await;
        dynamo.ensure_table().await.expect("create the bench table");
        let bench = Bench::new(Arc::new(dynamo), Vec::new()).await;
        let n = if quick { 10 } else { 100 };
        let rows = run(&bench, n).await;
        print(
            &format!(
                "DynamoDB on moto (loopback; moto's latency, not AWS's), {n} requests per endpoint"
            ),
            &rows,
        );
    });
}
