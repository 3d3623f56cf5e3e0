//! Helpers of the API tests (`tests/api_*.rs`, `tests/race_*.rs`): an
//! [`App`] over a test store with the real content, a test clock and a
//! recording mailer; signed-in callers whose requests carry a real session
//! cookie (minted by `auth::issue_session` with the test secret), the
//! Origin header and the CSRF token; every request goes through
//! `router::handle`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::NaiveDate;
use functions::app::App;
use functions::auth::{issue_session, SessionConfig, CSRF_FORM_FIELD};
use functions::clock::{system_time, Clock, TestClock};
use functions::config::Config;
use functions::mail::{Mail, MailError, Mailer};
use functions::store::Store;
use http::{Request, Response};
use mentoring::Member;
use serde_json::Value;

/// Runs each listed case (an `async fn(TestApp)` in a `cases` module of the
/// test file) against the embedded store and against DynamoDB on moto.
// `crate::` is meant: the macro only runs inside the test crate that includes
// `support`, and names that crate's own `support` and `cases` modules.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! app_cases {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let (store, _dir) = crate::support::embedded_store();
                    crate::cases::$case(crate::support::app::TestApp::new(store)).await;
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    let Some(store) = crate::support::dynamo_store(
                        stringify!($case),
                        crate::support::moto::Need::Atomic,
                    )
                    .await else {
                        return;
                    };
                    crate::cases::$case(crate::support::app::TestApp::new(
                        std::sync::Arc::new(store),
                    ))
                    .await;
                }
            )*
        }
    };
}

/// The site origin of the tests (local: the cookie is `duos_session`).
pub const ORIGIN: &str = "http://localhost:8080";
/// The session secret of the tests.
pub const SESSION_SECRET: &[u8] = b"test-session-secret: not for production use!";
/// The survey secret of the tests.
pub const SURVEY_SECRET: &[u8] = b"test-survey-secret: not for production use!!";
/// When the tests start: applications of the 2008 cohort are open.
pub const START: &str = "2008-03-03T15:00:00Z";

/// The chair of the real program.yaml.
pub const CHAIR: &str = "M1001";
/// Committee members of the real program.yaml.
pub const COMMITTEE: [&str; 2] = ["M1002", "M1003"];
/// Staff of the real program.yaml.
pub const STAFF: &str = "M1900";

/// Records every message instead of sending it.
#[derive(Debug, Default)]
pub struct RecordingMailer {
    /// Everything sent, in order.
    pub sent: Mutex<Vec<Mail>>,
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, mail: Mail) -> Result<String, MailError> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(mail);
        Ok(format!("test-{}", sent.len()))
    }
}

/// The content folder of the repository.
pub fn content_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("content")
}

/// An app under test.
pub struct TestApp {
    /// The app the router gets.
    pub app: App,
    /// Its clock.
    pub clock: TestClock,
    /// Its mailer.
    pub mail: Arc<RecordingMailer>,
}

/// A response, read.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: http::HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Resp {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }

    /// Asserts a problem+json with this status and returns it.
    #[track_caller]
    pub fn expect_problem(&self, status: u16) -> Value {
        self.expect(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text()
        );
        let v = self.json();
        assert_eq!(v["status"], status);
        assert!(v["title"].is_string() && v["type"].is_string() && v["detail"].is_string());
        v
    }
}

impl TestApp {
    /// An app over `store`, with the repository's content, at [`START`].
    pub fn new(store: Arc<dyn Store>) -> TestApp {
        let clock = TestClock::at_rfc3339(START);
        let mail = Arc::new(RecordingMailer::default());
        let config = Config::load(content_dir(), SURVEY_SECRET.to_vec()).expect("content loads");
        let session = SessionConfig::new(SESSION_SECRET.to_vec(), ORIGIN).expect("session config");
        let app = App::new(
            store,
            mail.clone(),
            Arc::new(clock.clone()),
            Arc::new(config),
            session,
            None,
        );
        TestApp { app, clock, mail }
    }

    /// The clock's time.
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Sets the clock to an RFC 3339 instant.
    pub fn set_time(&self, instant: &str) {
        self.clock.set(
            chrono::DateTime::parse_from_rfc3339(instant)
                .expect("instant")
                .with_timezone(&chrono::Utc),
        );
    }

    /// Adds a member in good standing to the roster (as the roster import
    /// stores them).
    pub async fn add_member(&self, id: &str, joined: &str) {
        let m = Member {
            member_id: id.to_owned(),
            name: format!("Member {id}"),
            email: format!("{}@example.org", id.to_lowercase()),
            joined: NaiveDate::parse_from_str(joined, "%Y-%m-%d").expect("date"),
            category: "Personal".to_owned(),
            good_standing: true,
        };
        self.app
            .store
            .put(functions::roster::member_item(&m), None)
            .await
            .expect("roster item");
    }

    /// Adds the program's committee, chair and staff to the roster.
    pub async fn add_committee(&self) {
        for id in [CHAIR, COMMITTEE[0], COMMITTEE[1], STAFF] {
            self.add_member(id, "1995-05-01").await;
        }
    }

    /// A caller signed in as `member`.
    pub fn as_member(&self, member: &str) -> Caller {
        Caller {
            member: member.to_owned(),
            session: self.app.session.clone(),
            clock: self.clock.clone(),
        }
    }

    /// An anonymous caller.
    pub fn anonymous(&self) -> Caller {
        self.as_member("")
    }

    /// Sends a request through the router.
    pub async fn send(&self, req: Request<Vec<u8>>) -> Resp {
        let r: Response<Vec<u8>> = functions::router::handle(&self.app, req).await;
        let (parts, body) = r.into_parts();
        Resp {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        }
    }

    /// Every message sent so far.
    pub fn sent(&self) -> Vec<Mail> {
        self.mail.sent.lock().unwrap().clone()
    }

    /// Messages sent to `member`'s roster address.
    pub fn sent_to(&self, member: &str) -> Vec<Mail> {
        let to = format!("{}@example.org", member.to_lowercase());
        self.sent().into_iter().filter(|m| m.to == to).collect()
    }
}

/// Builds requests of one caller: each carries a session cookie minted at
/// the clock's current time, the site's Origin and the CSRF token.
#[derive(Clone)]
pub struct Caller {
    /// The member (empty: anonymous).
    pub member: String,
    session: SessionConfig,
    clock: TestClock,
}

impl Caller {
    /// `(cookie header, csrf token)`, or `None` for anonymous.
    pub fn credentials(&self) -> Option<(String, String)> {
        if self.member.is_empty() {
            return None;
        }
        let issued = issue_session(&self.session, &self.member, system_time(self.clock.now()));
        let cookie = issued
            .set_cookie
            .split(';')
            .next()
            .expect("cookie pair")
            .to_owned();
        Some((cookie, issued.csrf_token))
    }

    fn base(&self, method: &str, path: &str) -> (http::request::Builder, Option<String>) {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("origin", ORIGIN);
        let mut csrf = None;
        if let Some((cookie, token)) = self.credentials() {
            b = b.header("cookie", cookie);
            csrf = Some(token);
        }
        (b, csrf)
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Request<Vec<u8>> {
        self.base("GET", path).0.body(Vec::new()).unwrap()
    }

    /// A request with any method and no body (CSRF header included).
    pub fn request(&self, method: &str, path: &str) -> Request<Vec<u8>> {
        let (mut b, csrf) = self.base(method, path);
        if let Some(t) = csrf {
            b = b.header("x-csrf-token", t);
        }
        b.body(Vec::new()).unwrap()
    }

    /// `POST path` with a JSON body and the `X-CSRF-Token` header.
    pub fn post_json(&self, path: &str, body: &Value) -> Request<Vec<u8>> {
        self.post_raw(path, "application/json", serde_json::to_vec(body).unwrap())
    }

    /// `POST path` with raw bytes and a content type (CSRF header included).
    pub fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Request<Vec<u8>> {
        let (mut b, csrf) = self.base("POST", path);
        b = b.header("content-type", content_type);
        if let Some(t) = csrf {
            b = b.header("x-csrf-token", t);
        }
        b.body(body).unwrap()
    }

    /// `POST path` as a plain HTML form: the CSRF token in the `_csrf`
    /// field, no header; the Referer is the form's page.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Request<Vec<u8>> {
        let (b, csrf) = self.base("POST", path);
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            ser.append_pair(k, v);
        }
        if let Some(t) = csrf {
            ser.append_pair(CSRF_FORM_FIELD, &t);
        }
        b.header("content-type", "application/x-www-form-urlencoded")
            .header("referer", format!("{ORIGIN}/form/"))
            .body(ser.finish().into_bytes())
            .unwrap()
    }
}

/// A valid mentee application.
pub fn mentee_form() -> Value {
    serde_json::json!({
        "side": "mentee",
        "goals": "Learn to plan budgets and lead a team through change.",
        "background": "Reference librarian, two years.",
        "interests": ["budgeting-and-finance", "change-management"],
        "availability": "Monthly calls."
    })
}

/// A valid mentor application.
pub fn mentor_form() -> Value {
    serde_json::json!({
        "side": "mentor",
        "title": "Library Director",
        "institution": "Springfield Public Library",
        "expertise": ["strategic-planning", "budgeting-and-finance"],
        "years_involvement": 12,
        "bio": "Twenty years in public libraries.",
        "availability": "Twice a month."
    })
}
