//! The Lambda functions' logs (functions::logging, through duos_lambda): every request is one
//! span whose JSON lines carry the request id, the member id once signed in,
//! the status and the time taken — and no personal data beyond the member
//! id (the roster's name and address never appear).

#[path = "../../functions/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use duos_lambda::{answer_api, answer_session, Function};
use functions::logging::{json_subscriber, RequestId};
use functions::routes;
use serde_json::Value;
use support::app::TestApp;
use tracing_subscriber::fmt::MakeWriter;

/// The log lines written, shared with the subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> MakeWriter<'w> for Captured {
    type Writer = Captured;
    fn make_writer(&'w self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
    fn lines(&self) -> Vec<Value> {
        self.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

fn answered(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|l| l["message"] == "answered")
        .collect()
}

#[tokio::test]
async fn each_request_is_one_span_with_its_id_member_and_status() {
    let (store, _dir) = support::embedded_store();
    let t = TestApp::new(store);
    t.add_member("M2001", "2007-09-01").await;
    let logs = Captured::default();
    let _installed =
        tracing::subscriber::set_default(json_subscriber(logs.clone(), tracing::Level::INFO));

    // Signed in, with the invocation's request id (as Lambda gives it).
    let mut req = t.as_member("M2001").get("/api/me");
    req.extensions_mut()
        .insert(RequestId("8f2c-invocation-1".into()));
    assert_eq!(
        answer_api(&t.app, Function::Me, routes::ME, req)
            .await
            .status(),
        200
    );
    // Signed out, no id given: a new one.
    let req = t.anonymous().get("/api/me");
    assert_eq!(
        answer_api(&t.app, Function::Me, routes::ME, req)
            .await
            .status(),
        401
    );
    // A request of another function, refused: still the member's span.
    let req = t.as_member("M2001").get("/api/duos");
    assert_eq!(
        answer_api(&t.app, Function::Duos, routes::DUOS, req)
            .await
            .status(),
        403
    );

    let lines = logs.lines();
    let done = answered(&lines);
    assert_eq!(done.len(), 3, "one line per request: {lines:#?}");
    let me = done[0];
    assert_eq!(me["span"]["request_id"], "8f2c-invocation-1", "{me}");
    assert_eq!(me["span"]["member_id"], "M2001", "{me}");
    assert_eq!(me["span"]["status"], 200, "{me}");
    assert_eq!(me["span"]["method"], "GET", "{me}");
    assert_eq!(me["span"]["path"], "/api/me", "{me}");
    assert!(me["span"]["ms"].is_u64(), "{me}");
    assert_eq!(me["level"], "INFO");
    let anonymous = done[1];
    assert_eq!(anonymous["span"]["status"], 401, "{anonymous}");
    assert!(anonymous["span"].get("member_id").is_none(), "{anonymous}");
    let generated = anonymous["span"]["request_id"].as_str().unwrap();
    assert_eq!(generated.len(), 16, "{anonymous}");
    assert_ne!(generated, "8f2c-invocation-1");
    assert_eq!(done[2]["span"]["member_id"], "M2001", "{}", done[2]);
    assert_eq!(done[2]["span"]["path"], "/api/duos");
    assert_eq!(done[2]["span"]["status"], 403);

    // The roster's name and address of M2001 are in no line.
    let text = logs.text();
    assert!(!text.contains("m2001@example.org"), "{text}");
    assert!(!text.contains("Member M2001"), "{text}");
}

#[tokio::test]
async fn a_mentor_profile_path_is_logged_without_the_name_in_it() {
    let (store, _dir) = support::embedded_store();
    let t = TestApp::new(store);
    t.add_member("M2001", "2007-09-01").await;
    let logs = Captured::default();
    let _installed =
        tracing::subscriber::set_default(json_subscriber(logs.clone(), tracing::Level::INFO));
    let req = t.as_member("M2001").get("/members/mentors/ada-lovelace/");
    answer_session(&t.app, req).await;
    let lines = logs.lines();
    let done = answered(&lines);
    assert_eq!(done.len(), 1, "{lines:#?}");
    assert_eq!(done[0]["span"]["path"], "/members/mentors/{slug}/");
    assert!(!logs.text().contains("ada-lovelace"));
}
