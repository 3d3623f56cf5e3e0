//! `duos mentors list --cohort 2008 --table T`: on a DynamoDB table that
//! `duos serve`'s seed never touched (moto on 127.0.0.1), the curated YAML
//! mentors become askable: a mentee asks Margaret Okafor-Lind (M2001,
//! content/mentors/margaret-okafor-lind.yaml) and she accepts, through the
//! functions' router as on AWS. Running the command again changes nothing;
//! an unknown cohort is exit 1.
//!
//! DynamoDB: `DUOS_TEST_DYNAMODB_ENDPOINT`, else moto from `.venv`; skipped
//! loudly without it outside CI, a failure in CI.

#[allow(dead_code)]
#[path = "support/aws_build.rs"]
mod aws_build;
#[path = "../functions/tests/support/moto.rs"]
mod moto;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use functions::app::App;
use functions::auth::{issue_session, SessionConfig};
use functions::clock::{system_time, Clock, TestClock};
use functions::config::Config;
use functions::mail::outbox::Outbox;
use functions::store::{DynamoConfig, DynamoStore, Store};
use http::Request;
use serde_json::{json, Value};

const ORIGIN: &str = "http://localhost:8080";
const MENTOR: &str = "M2001";
const MENTEE: &str = "M7301";

fn endpoint() -> Option<String> {
    if !aws_build::has_aws("duos mentors list against DynamoDB") {
        return None;
    }
    match moto::endpoint(moto::Need::Any) {
        Ok(url) => Some(url),
        Err(why) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("the mentors list --table test needs moto: {why}");
            }
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!! SKIPPED duos mentors list against DynamoDB: no DynamoDB endpoint ({why}). \
                 Run scripts/test.sh, or set {}. !!!!!\n",
                moto::ENDPOINT_ENV
            );
            None
        }
    }
}

fn list(cohort: &str, table: &str, endpoint: &str) -> (i32, String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["mentors", "list", "--cohort", cohort, "--root"])
        .arg(root)
        .args([
            "--table",
            table,
            "--region",
            "us-east-1",
            "--endpoint",
            endpoint,
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("duos runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Api {
    app: App,
    clock: TestClock,
}

impl Api {
    async fn send(
        &self,
        member: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let issued = issue_session(&self.app.session, member, system_time(self.clock.now()));
        let cookie = issued.set_cookie.split(';').next().unwrap().to_owned();
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("origin", ORIGIN)
            .header("cookie", cookie)
            .header("x-csrf-token", issued.csrf_token);
        let bytes = match body {
            Some(v) => {
                b = b.header("content-type", "application/json");
                serde_json::to_vec(&v).unwrap()
            }
            None => Vec::new(),
        };
        let r = functions::router::handle(&self.app, b.body(bytes).unwrap()).await;
        let status = r.status().as_u16();
        let v = serde_json::from_slice(r.body()).unwrap_or(Value::Null);
        (status, v)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yaml_mentor_is_asked_and_accepts_on_a_fresh_table() {
    let Some(endpoint) = tokio::task::spawn_blocking(endpoint).await.unwrap() else {
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let table = format!("duos-cli-mentors-{}-{nanos}", std::process::id());
    let store = DynamoStore::connect(
        DynamoConfig::new(table.clone())
            .endpoint_url(endpoint.clone())
            .region("us-east-1")
            .credentials("testing", "testing"),
    )
    .await;
    store.ensure_table().await.expect("create the table");
    let store: Arc<dyn Store> = Arc::new(store);
    for (id, joined) in [(MENTOR, "1996-03-01"), (MENTEE, "2007-09-01")] {
        let m = mentoring::Member {
            member_id: id.into(),
            name: format!("Member {id}"),
            email: format!("{}@example.org", id.to_lowercase()),
            joined: chrono::NaiveDate::parse_from_str(joined, "%Y-%m-%d").unwrap(),
            category: "Personal".into(),
            good_standing: true,
        };
        store
            .put(functions::roster::member_item(&m), None)
            .await
            .unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let clock = TestClock::at_rfc3339("2008-03-03T15:00:00Z");
    let outbox = tempfile::tempdir().unwrap();
    let app = App::new(
        Arc::clone(&store),
        Arc::new(Outbox::new(
            outbox.path(),
            "Mentoring <mentoring@example.org>",
        )),
        Arc::new(clock.clone()),
        Arc::new(Config::load(root.join("content"), vec![9; 32]).unwrap()),
        SessionConfig::new(vec![7; 32], ORIGIN).unwrap(),
        None,
    );
    let api = Api { app, clock };
    let (s, _) = api
        .send(
            MENTEE,
            "POST",
            "/api/applications",
            Some(json!({"side": "mentee", "goals": "Learn to lead a branch."})),
        )
        .await;
    assert_eq!(s, 201);
    let ask = json!({"mentor_id": MENTOR, "message": "Would you mentor me?"});
    // Before the listing: no such mentor in the cohort.
    let (s, v) = api
        .send(MENTEE, "POST", "/api/matches", Some(ask.clone()))
        .await;
    assert_eq!(s, 404, "{v}");

    let (code, out, err) = list("2008", &table, &endpoint);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("listed 13 mentor(s) for cohort 2008"), "{out}");
    assert!(out.contains(MENTOR));
    let (code, out, _) = list("2008", &table, &endpoint);
    assert_eq!(code, 0);
    assert!(
        out.contains("listed 0 mentor(s)") && out.contains("13 already listed"),
        "{out}"
    );
    let (code, _, err) = list("1999", &table, &endpoint);
    assert_eq!(code, 1);
    assert!(err.contains("there is no cohort \"1999\""), "{err}");

    // Asked, and she accepts.
    let (s, v) = api.send(MENTEE, "POST", "/api/matches", Some(ask)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let (s, v) = api
        .send(
            MENTOR,
            "POST",
            &format!("/api/matches/{id}/accept"),
            Some(json!({})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["duo"]["mentor_id"], MENTOR);
    assert_eq!(v["duo"]["mentee_id"], MENTEE);
}
