//! Every Lambda binary driven through the Lambda Runtime API, the way AWS
//! runs it: the Runtime API server of `support/lambda_sandbox.rs` on
//! 127.0.0.1 hands the binary API Gateway HTTP API (payload 2.0) events and
//! collects its answers.
//!
//! The binaries are the ones cargo builds for this package's integration
//! tests (`CARGO_BIN_EXE_<name>`). They use DynamoDB on the moto server of
//! `tests/support/moto.rs` (through `AWS_ENDPOINT_URL`, which the AWS SDK
//! reads itself) and the repository's `content/`.

#[path = "../../functions/tests/support/mod.rs"]
mod support;

#[path = "support/lambda_sandbox.rs"]
mod lambda_sandbox;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lambda_sandbox::{HttpEvent, Outcome, Sandbox};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// The environment: moto, a table, content whose cohort is open today
// ---------------------------------------------------------------------------

const SESSION_SECRET: &str = "lambda-test-session-secret-0123456789abcdef";
const SURVEY_SECRET: &str = "lambda-test-survey-secret-0123456789abcdef";
const ORIGIN: &str = "https://mentoring.example.org";
const MAIL_FROM: &str = "LLAMA Mentoring <mentoring@lambda-test.example.org>";

/// The repository's content folder.
fn repo_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("content")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of `content/` whose first cohort's calendar is moved so that it
/// takes applications today (the binaries run on the system clock; the
/// real calendar is in 2008), keeping the program's calendar rules:
/// opened ten days ago, matching deadline the day before launch, launch at
/// least thirty days on and at least four months before the first April 30
/// after it, which ends the cohort.
fn open_content() -> tempfile::TempDir {
    use chrono::{Datelike, Duration as Days, NaiveDate};
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_content(), dir.path());
    let program_path = dir.path().join("program.yaml");
    let text = std::fs::read_to_string(&program_path).unwrap();
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();

    let today = chrono::Utc::now().date_naive();
    let april_30_after = |d: NaiveDate| {
        let same = NaiveDate::from_ymd_opt(d.year(), 4, 30).unwrap();
        if same > d {
            same
        } else {
            NaiveDate::from_ymd_opt(d.year() + 1, 4, 30).unwrap()
        }
    };
    let mut launch = today + Days::days(30);
    if april_30_after(launch) - launch < Days::days(120) {
        launch = NaiveDate::from_ymd_opt(april_30_after(launch).year(), 5, 1).unwrap();
    }
    let end = april_30_after(launch);
    let dates = [
        ("applications_open", today - Days::days(10)),
        ("matching_deadline", launch - Days::days(1)),
        ("launch", launch),
        ("midpoint_survey", launch + (end - launch) / 2),
        ("final_survey", end - Days::days(29)),
        ("end", end),
    ];
    let cohort = &mut yaml["cohorts"][0];
    for (field, date) in dates {
        cohort[field] = serde_yaml::Value::String(date.format("%Y-%m-%d").to_string());
    }
    std::fs::write(&program_path, serde_yaml::to_string(&yaml).unwrap()).unwrap();
    dir
}

/// moto's endpoint, or `None` (after a loud line) outside CI.
async fn moto() -> Option<String> {
    match tokio::task::spawn_blocking(|| support::moto::endpoint(support::moto::Need::Any))
        .await
        .expect("moto start-up thread")
    {
        Ok(endpoint) => Some(endpoint),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("the Lambda tests need moto: {why}");
            }
            eprintln!("\n!!!!! SKIPPED Lambda test: no moto ({why}). Run scripts/test.sh. !!!!!\n");
            None
        }
    }
}

/// Everything one test's functions share: moto, a fresh table, content.
struct World {
    endpoint: String,
    table: String,
    /// The members bucket (on moto's S3).
    bucket: String,
    store: functions::store::DynamoStore,
    content: tempfile::TempDir,
    /// The site root profile changes are rendered from (the SiteLayer).
    site: tempfile::TempDir,
}

impl World {
    async fn new(test: &str) -> Option<World> {
        let endpoint = moto().await?;
        let table = support::table_name(test);
        let store = functions::store::DynamoStore::connect(
            functions::store::DynamoConfig::new(table.clone())
                .endpoint_url(endpoint.clone())
                .region("us-east-1")
                .credentials("testing", "testing"),
        )
        .await;
        store.ensure_table().await.expect("create the table");
        let bucket = format!("members-{}", table.to_lowercase().replace('_', "-"));
        let bucket: String = bucket.chars().take(63).collect();
        let bucket = bucket.trim_end_matches('-').to_owned();
        s3(&endpoint)
            .create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create the members bucket");
        let content = open_content();
        let site = site_root(content.path());
        Some(World {
            endpoint,
            table,
            bucket,
            store,
            content,
            site,
        })
    }

    /// The environment of a function in this world (as the SAM template
    /// sets it, plus moto's endpoint and fake credentials).
    fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("DUOS_TABLE", self.table.as_str()),
            ("DUOS_MAIL_FROM", MAIL_FROM),
            ("DUOS_CONTENT_DIR", self.content.path().to_str().unwrap()),
            ("DUOS_SESSION_SECRET", SESSION_SECRET),
            ("DUOS_SURVEY_SECRET", SURVEY_SECRET),
            ("DUOS_SITE_ORIGIN", ORIGIN),
            ("DUOS_MEMBERS_BUCKET", self.bucket.as_str()),
            ("DUOS_SITE_ROOT", self.site.path().to_str().unwrap()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn session_config(&self) -> functions::auth::SessionConfig {
        functions::auth::SessionConfig::new(SESSION_SECRET.as_bytes().to_vec(), ORIGIN).unwrap()
    }

    /// A signed-in member's cookie (`name=value`) and CSRF token.
    fn sign_in(&self, member_id: &str) -> (String, String) {
        let issued = functions::auth::issue_session(
            &self.session_config(),
            member_id,
            std::time::SystemTime::now(),
        );
        let cookie = issued.set_cookie.split(';').next().unwrap().to_owned();
        (cookie, issued.csrf_token)
    }
}

/// An S3 client on moto (path-style keys, fake credentials).
fn s3(endpoint: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::new()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .http_client(functions::aws::https_client())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Writes a roster member (first-year, good standing) straight to the table.
async fn seed_member(store: &functions::store::DynamoStore, id: &str, email: &str) {
    use functions::store::Store;
    let member = mentoring::Member {
        member_id: id.into(),
        name: format!("Member {id}"),
        email: email.into(),
        joined: chrono::Utc::now().date_naive() - chrono::Duration::days(60),
        category: "Personal".into(),
        good_standing: true,
    };
    store
        .put(functions::roster::member_item(&member), None)
        .await
        .expect("seed a roster member");
}

/// The messages moto's SES holds, from its model dump (raw messages:
/// `source`, `destinations`, `raw_data`).
async fn sent_mail(endpoint: &str) -> Vec<Value> {
    let dump: Value = functions::auth::oidc::http_client_builder()
        .build()
        .expect("an HTTP client")
        .get(format!("{endpoint}/moto-api/data.json"))
        .send()
        .await
        .expect("moto data.json")
        .json()
        .await
        .expect("JSON");
    dump["ses"]["RawMessage"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

const HTTP_FUNCTIONS: [&str; 7] = [
    "applications",
    "nominations",
    "matches",
    "duos-fn",
    "surveys",
    "me",
    "session",
];

/// One GET or POST route each HTTP function owns (from the deploy table).
fn owned_route(binary: &str) -> (&'static str, String) {
    let spec = functions::deploy::FUNCTIONS
        .iter()
        .find(|f| f.binary == binary)
        .unwrap_or_else(|| panic!("{binary} in deploy::FUNCTIONS"));
    let (method, path) = spec.routes[0];
    (
        method,
        path.replace("{id}", "x1").replace("{proxy+}", "index.html"),
    )
}

#[tokio::test]
async fn every_binary_answers_api_gateway_events_through_the_runtime_api() {
    let Some(world) = World::new("every-binary").await else {
        return;
    };
    for name in HTTP_FUNCTIONS {
        let mut fx = Sandbox::start(name, &world.env()).await;

        // A path of another function (or of none): 404 problem+json.
        let foreign = fx.request(&HttpEvent::new("GET", "/api/not-a-route")).await;
        let problem = foreign.assert_problem(404);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("/api/not-a-route"),
            "{problem}"
        );

        let (method, path) = owned_route(name);
        if name == "session" {
            // No OpenID provider configured: sign-in is unavailable (HTML).
            let login = fx
                .request(&HttpEvent::new("GET", "/auth/login?next=/members/"))
                .await;
            assert_eq!(login.status, 503, "{name}: /auth/login");
            assert!(
                login.content_type().starts_with("text/html"),
                "{:?}",
                login.headers
            );
            let wrong = fx.request(&HttpEvent::new("GET", "/auth/logout")).await;
            assert_eq!(wrong.status, 405, "{name}: GET /auth/logout");
            continue;
        }
        // Its own route, anonymous: 401 problem+json.
        let mut event = HttpEvent::new(method, &path);
        if method == "POST" {
            event = event.json(&json!({}));
        }
        fx.request(&event).await.assert_problem(401);
        // Its own path with a method the router does not route: 405 + Allow.
        let wrong = fx.request(&HttpEvent::new("DELETE", &path)).await;
        wrong.assert_problem(405);
        assert!(
            wrong.headers.contains_key("allow"),
            "{name}: Allow in {:?}",
            wrong.headers
        );
        // The runtime kept the one process for every invocation.
        assert!(
            *fx.api.state.next_calls.lock().unwrap() >= 3,
            "{name}: /next polled"
        );
    }
}

#[tokio::test]
async fn a_member_applies_through_the_applications_function() {
    let Some(world) = World::new("apply").await else {
        return;
    };
    // SES on the same moto: the sender identity is verified, so the
    // confirmation mail is really sent.
    let ses = functions::mail::SesMailer::connect(
        functions::mail::SesConfig::new(MAIL_FROM)
            .endpoint_url(world.endpoint.clone())
            .region("us-east-1")
            .credentials("testing", "testing"),
    )
    .await;
    ses.client()
        .create_email_identity()
        .email_identity("mentoring@lambda-test.example.org")
        .send()
        .await
        .expect("verify the sender");
    let member = format!("M7{:05}", fastrand::u32(..100_000));
    let email = format!("{}@lambda-test.example.org", member.to_ascii_lowercase());
    seed_member(&world.store, &member, &email).await;
    let (cookie, csrf) = world.sign_in(&member);

    let mut fx = Sandbox::start("applications", &world.env()).await;
    let form = json!({
        "side": "mentee",
        "goals": "Lead my branch through its renovation.",
        "interests": ["facilities-and-space-planning"],
        "availability": "Evenings"
    });
    let applied = fx
        .request(
            &HttpEvent::new("POST", "/api/applications")
                .cookie(&cookie)
                .header("origin", ORIGIN)
                .header("x-csrf-token", &csrf)
                .json(&form),
        )
        .await;
    assert_eq!(
        applied.status,
        201,
        "body: {}",
        String::from_utf8_lossy(&applied.body)
    );
    assert!(applied.content_type().starts_with("application/json"));
    let reply = applied.json();
    assert_eq!(reply["id"], format!("mentee-{member}"));
    assert_eq!(reply["status"]["state"], "accepted", "{reply}");

    // The same again: 409 duplicate, nothing half-written.
    let again = fx
        .request(
            &HttpEvent::new("POST", "/api/applications")
                .cookie(&cookie)
                .header("origin", ORIGIN)
                .header("x-csrf-token", &csrf)
                .json(&form),
        )
        .await;
    again.assert_problem(409);

    // Without the CSRF token: 403, with the session cookie alone.
    let forged = fx
        .request(
            &HttpEvent::new("POST", "/api/applications")
                .cookie(&cookie)
                .header("origin", "https://evil.example")
                .json(&form),
        )
        .await;
    forged.assert_problem(403);

    // A body over 64 KiB: 413.
    let huge = json!({"side": "mentee", "goals": "x".repeat(70 * 1024)});
    fx.request(
        &HttpEvent::new("POST", "/api/applications")
            .cookie(&cookie)
            .header("origin", ORIGIN)
            .header("x-csrf-token", &csrf)
            .json(&huge),
    )
    .await
    .assert_problem(413);

    // A plain form post (base64-encoded by API Gateway) from a second
    // member: 303 to the result page, no body.
    let second = format!("M8{:05}", fastrand::u32(..100_000));
    seed_member(
        &world.store,
        &second,
        &format!("{}@lambda-test.example.org", second.to_ascii_lowercase()),
    )
    .await;
    let (cookie2, csrf2) = world.sign_in(&second);
    let body =
        format!("_csrf={csrf2}&side=mentee&goals=Learn+budgeting&interests=budgeting-and-finance");
    let posted = fx
        .request(
            &HttpEvent::new("POST", "/api/applications")
                .cookie(&cookie2)
                .header("origin", ORIGIN)
                .form(&body),
        )
        .await;
    assert_eq!(
        posted.status,
        303,
        "body: {}",
        String::from_utf8_lossy(&posted.body)
    );
    let location = posted.headers.get("location").expect("Location");
    assert!(location.starts_with("/apply/done/"), "{location}");

    // The stored application is there for the store, too.
    use functions::store::Store;
    let stored = world
        .store
        .get(&functions::records::keys::mentee_app("2008", &member))
        .await
        .expect("read back");
    assert!(stored.is_some(), "application item in DynamoDB");

    // And the applicant was mailed through SES (moto keeps the message).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mail = sent_mail(&world.endpoint).await;
        if mail.iter().any(|m| m["destinations"][0] == email.as_str()) {
            break;
        }
        assert!(Instant::now() < deadline, "no mail to {email} in {mail:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn sign_out_clears_the_cookie_through_the_payloads_cookies() {
    let Some(world) = World::new("logout").await else {
        return;
    };
    let (cookie, csrf) = world.sign_in("M1001");
    let mut fx = Sandbox::start("session", &world.env()).await;
    let out = fx
        .request(
            &HttpEvent::new("POST", "/auth/logout")
                .cookie(&cookie)
                .header("origin", ORIGIN)
                .form(&format!("_csrf={csrf}")),
        )
        .await;
    assert_eq!(
        out.status,
        303,
        "body: {}",
        String::from_utf8_lossy(&out.body)
    );
    assert!(
        !out.headers.contains_key("set-cookie"),
        "Set-Cookie moved to cookies"
    );
    let session_cookie = cookie.split('=').next().unwrap();
    assert!(
        out.cookies
            .iter()
            .any(|c| c.starts_with(&format!("{session_cookie}=")) && c.contains("Max-Age=0")),
        "cleared session cookie in {:?}",
        out.cookies
    );
}

#[tokio::test]
async fn secrets_are_read_from_ssm_parameters() {
    let Some(world) = World::new("ssm").await else {
        return;
    };
    let config = functions::aws::sdk_config(
        Some(&world.endpoint),
        Some("us-east-1"),
        Some(&functions::aws::StaticCredentials {
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
        }),
    )
    .await;
    let ssm = aws_sdk_ssm::Client::new(&config);
    let name = format!("/duos-test/{}/session-secret", std::process::id());
    ssm.put_parameter()
        .name(&name)
        .value(SESSION_SECRET)
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .overwrite(true)
        .send()
        .await
        .expect("put the parameter");
    let env: Vec<(String, String)> = world
        .env()
        .into_iter()
        .filter(|(k, _)| k != "DUOS_SESSION_SECRET")
        .chain([("DUOS_SESSION_SECRET_PARAM".to_owned(), name)])
        .collect();
    let member = format!("M9{:05}", fastrand::u32(..100_000));
    seed_member(&world.store, &member, "ssm@lambda-test.example.org").await;
    let (cookie, _) = world.sign_in(&member);
    let mut fx = Sandbox::start("me", &env).await;
    // Signed with the secret from SSM, the session is accepted (anything
    // but 401); without a cookie it is 401.
    let me = fx
        .request(&HttpEvent::new("GET", "/api/me").cookie(&cookie))
        .await;
    assert_ne!(
        me.status,
        401,
        "body: {}",
        String::from_utf8_lossy(&me.body)
    );
    fx.request(&HttpEvent::new("GET", "/api/me"))
        .await
        .assert_problem(401);

    // A parameter that does not exist stops the start-up, named with
    // SSM's reason.
    let missing = format!("/duos-test/{}/no-such-secret", std::process::id());
    let env: Vec<(String, String)> = env
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "DUOS_SESSION_SECRET_PARAM" => (k, missing.clone()),
            _ => (k, v),
        })
        .collect();
    let mut fx = Sandbox::start("me", &env).await;
    let error = fx.api.init_error().await;
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("DUOS_SESSION_SECRET_PARAM"), "{error}");
    assert!(message.contains(&missing), "{error}");
    assert!(message.contains("ParameterNotFound"), "{error}");
    assert!(!fx.exit_status().await.success());
}

#[tokio::test]
async fn a_missing_setting_is_reported_to_init_error_and_the_process_exits() {
    let Some(world) = World::new("init-error").await else {
        return;
    };
    let env: Vec<(String, String)> = world
        .env()
        .into_iter()
        .filter(|(k, _)| k != "DUOS_TABLE" && k != "DUOS_SESSION_SECRET")
        .collect();
    let mut fx = Sandbox::start("matches", &env).await;
    let error = fx.api.init_error().await;
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("DUOS_TABLE"), "{error}");
    assert!(message.contains("DUOS_SESSION_SECRET"), "{error}");
    assert!(!fx.exit_status().await.success());
}

#[tokio::test]
async fn the_scheduler_runs_one_tick_per_event() {
    let Some(world) = World::new("scheduler").await else {
        return;
    };
    let mut fx = Sandbox::start("scheduler", &world.env()).await;
    let event = json!({
        "version": "0",
        "id": "5e1b2c1a-0000-0000-0000-000000000000",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "time": "2026-11-28T11:00:00Z",
        "detail": {}
    });
    for _ in 0..2 {
        let report = match fx.call(event.clone()).await {
            Outcome::Response(report) => report,
            Outcome::Error(e) => panic!("scheduler failed: {e}"),
        };
        assert!(report["now"].is_string(), "{report}");
        assert_eq!(report["cohorts"], json!(["2008"]), "{report}");
        assert_eq!(report["errors"], json!([]), "{report}");
    }
    assert!(fx.child.try_wait().unwrap().is_none(), "still running");
}

/// The session function on AWS: the members-only files come from the
/// private bucket (as `aws s3 sync site/members s3://B/members/` puts
/// them), the per-member pages are rendered into the layout of one of
/// them, the committee's report carries its own CSP; all through the
/// Runtime API with API Gateway v2 events, as CloudFront forwards them.
#[tokio::test]
async fn the_session_function_serves_the_members_area_from_the_bucket() {
    let Some(world) = World::new("members-area").await else {
        return;
    };
    let client = s3(&world.endpoint);
    for (key, body) in [
        (
            "members/mentors/index.html",
            "<!doctype html><html lang=en><head><title>Mentors</title></head><body>\
             <nav>Shell navigation</nav><main id=main><h1>Mentor directory</h1></main></body></html>",
        ),
        (
            "members/handbook/index.html",
            "<!doctype html><title>Handbook</title><main>The members' handbook</main>",
        ),
        ("members/handbook/checklist.pdf", "%PDF-1.4 not really"),
    ] {
        client
            .put_object()
            .bucket(&world.bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("upload");
    }
    seed_member(&world.store, "M3001", "m3001@example.org").await;
    // A session is honoured only for a member on the roster.
    seed_member(&world.store, "M1001", "m1001@example.org").await;
    let (member, _) = world.sign_in("M3001");
    let (chair, _) = world.sign_in("M1001");
    let mut fx = Sandbox::start("session", &world.env()).await;

    // Without a session: the sign-in, with the way back.
    let anonymous = fx
        .request(&HttpEvent::new("GET", "/members/handbook/"))
        .await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.headers["location"],
        "/auth/login?next=%2Fmembers%2Fhandbook%2F"
    );
    // A member: the file from the bucket, privately cached.
    let page = fx
        .request(&HttpEvent::new("GET", "/members/handbook/").cookie(&member))
        .await;
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    assert!(page.content_type().starts_with("text/html"));
    assert!(String::from_utf8_lossy(&page.body).contains("The members' handbook"));
    assert!(page.headers["cache-control"].contains("no-store"));
    let pdf = fx
        .request(&HttpEvent::new("GET", "/members/handbook/checklist.pdf").cookie(&member))
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert_eq!(pdf.body, b"%PDF-1.4 not really");
    // Missing: 404 (NoSuchKey), not an error.
    let missing = fx
        .request(&HttpEvent::new("GET", "/members/nothing-here/").cookie(&member))
        .await;
    assert_eq!(missing.status, 404);
    // The directory is for mentees and the committee.
    let directory = fx
        .request(&HttpEvent::new("GET", "/members/mentors/").cookie(&member))
        .await;
    assert_eq!(directory.status, 403);
    let directory = fx
        .request(&HttpEvent::new("GET", "/members/mentors/").cookie(&chair))
        .await;
    assert_eq!(directory.status, 200);

    // A per-member page, in the layout of the bucket's directory page.
    let home = fx
        .request(&HttpEvent::new("GET", "/members/").cookie(&member))
        .await;
    assert_eq!(home.status, 200, "{}", String::from_utf8_lossy(&home.body));
    let html = String::from_utf8_lossy(&home.body);
    assert!(html.contains("Shell navigation"), "{html}");
    assert!(html.contains("Your program"), "{html}");
    assert!(
        !html.contains("Mentor directory</h1>"),
        "the shell's own main is replaced"
    );
    // The public forms' result pages belong to the session function too.
    let done = fx
        .request(&HttpEvent::new("GET", "/apply/done/?side=mentee&status=accepted").cookie(&member))
        .await;
    assert_eq!(done.status, 200);

    // The committee's report: self-contained, with its own CSP.
    let report = fx
        .request(&HttpEvent::new("GET", "/members/report/").cookie(&chair))
        .await;
    assert_eq!(
        report.status,
        200,
        "{}",
        String::from_utf8_lossy(&report.body)
    );
    assert!(report.headers["content-security-policy"].contains("style-src 'sha256-"));
    let refused = fx
        .request(&HttpEvent::new("GET", "/members/report/").cookie(&member))
        .await;
    assert_eq!(refused.status, 403);
}

/// The text of an object of the members bucket, or `None`.
async fn bucket_text(world: &World, key: &str) -> Option<String> {
    let got = s3(&world.endpoint)
        .get_object()
        .bucket(&world.bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    let bytes = got.body.collect().await.ok()?.into_bytes();
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A site root as the SiteLayer holds it: `content` and the repository's
/// themes.
fn site_root(content: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(content, &dir.path().join("content"));
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes"),
        &dir.path().join("themes"),
    );
    dir
}

#[tokio::test]
async fn approving_a_mentor_publishes_the_profile_into_the_members_bucket() {
    let Some(world) = World::new("publish").await else {
        return;
    };
    let env = world.env();
    let chair = "M1001";
    seed_member(&world.store, chair, "chair@lambda-test.example.org").await;
    let mentor = format!("M6{:05}", fastrand::u32(..100_000));
    seed_member(&world.store, &mentor, "mentor@lambda-test.example.org").await;
    let name = "Ottilie Brackenridge";
    let (mentor_cookie, mentor_csrf) = world.sign_in(&mentor);
    let (chair_cookie, chair_csrf) = world.sign_in(chair);
    let mut fx = Sandbox::start("applications", &env).await;
    let post = |cookie: &str, csrf: &str, path: &str, body: &Value| {
        HttpEvent::new("POST", path)
            .cookie(cookie)
            .header("origin", ORIGIN)
            .header("x-csrf-token", csrf)
            .json(body)
    };
    let applied = fx
        .request(&post(
            &mentor_cookie,
            &mentor_csrf,
            "/api/applications",
            &json!({
                "side": "mentor",
                "name": name,
                "title": "Director of Outreach",
                "institution": "Example County Library",
                "years_involvement": 9,
                "expertise": ["fundraising-and-advocacy"],
                "career": [
                    {"title": "Director of Outreach", "organization": "Example County Library", "from": "2010"},
                    {"title": "Branch Manager", "organization": "Example Township Library", "from": "2002", "to": "2010"}
                ],
                "education": [{"degree": "MLS", "institution": "Example University", "year": "2001"}],
                "bio": "Outreach on a shoestring."
            }),
        ))
        .await;
    assert_eq!(
        applied.status,
        201,
        "{}",
        String::from_utf8_lossy(&applied.body)
    );
    let directory = "members/mentors/index.html";
    assert!(
        !bucket_text(&world, directory)
            .await
            .unwrap_or_default()
            .contains(name),
        "not listed before the approval"
    );
    let approved = fx
        .request(&post(
            &chair_cookie,
            &chair_csrf,
            &format!("/api/applications/mentor-{mentor}/approve"),
            &json!({}),
        ))
        .await;
    assert_eq!(
        approved.status,
        200,
        "{}",
        String::from_utf8_lossy(&approved.body)
    );
    let mine = fx
        .request(
            &HttpEvent::new("GET", "/api/profile")
                .cookie(&mentor_cookie)
                .header("origin", ORIGIN),
        )
        .await;
    let slug = mine.json()["slug"].as_str().unwrap().to_owned();
    let page = bucket_text(&world, &format!("members/mentors/{slug}/index.html"))
        .await
        .expect("the profile page is in the members bucket");
    assert!(
        page.contains(name) && page.contains("Example Township Library") && page.contains("MLS")
    );
    let listed = bucket_text(&world, directory)
        .await
        .expect("the directory page");
    assert!(listed.contains(name), "the directory lists the new mentor");
    assert!(listed.contains(&format!("/members/mentors/{slug}/")));
    let term = bucket_text(
        &world,
        "members/expertise/fundraising-and-advocacy/index.html",
    )
    .await
    .expect("the expertise page");
    assert!(term.contains(name));
    let access = bucket_text(&world, "members/access.json").await.unwrap();
    assert!(access.contains(&mentor));

    // Paused: the directory no longer lists the mentor.
    let paused = fx
        .request(&post(
            &mentor_cookie,
            &mentor_csrf,
            "/api/profile/pause",
            &json!({}),
        ))
        .await;
    assert_eq!(
        paused.status,
        200,
        "{}",
        String::from_utf8_lossy(&paused.body)
    );
    let listed = bucket_text(&world, directory).await.unwrap();
    assert!(!listed.contains(name), "paused: not in the directory");
    let page = bucket_text(&world, &format!("members/mentors/{slug}/index.html"))
        .await
        .unwrap();
    assert!(page.contains("is not taking a mentee this cohort"));
}
