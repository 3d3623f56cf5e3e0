//! Every kind of HTML page the functions answer with carries the security
//! headers of `functions::http::security`, as an HTTP response: a problem
//! page (a plain form post refused), the sign-in pages, the members gate's
//! error page, the committee's report refused, and a page of the members
//! area in the site's shell (whose policy the edge adds). `duos serve`'s
//! own pages (the outbox, the overlay) are checked over HTTP by
//! `tests/serve_security.rs` at the workspace root.

mod support;

use std::sync::Arc;

use functions::auth::AuthService;
use functions::http::security::{OTHER_HEADERS, PAGE_CSP};
use functions::members_gate::MembersGate;
use http::{HeaderMap, Request, StatusCode};
use support::app::{TestApp, CHAIR};

/// `headers` are an HTML page's with the security headers; `csp` the policy
/// it must bring (`None`: none, the edge adds the site's).
fn assert_secure_page(what: &str, status: StatusCode, headers: &HeaderMap, csp: Option<&str>) {
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")),
        "{what} ({status}): not HTML: {headers:?}"
    );
    assert_eq!(
        headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}"
    );
    for (name, value) in OTHER_HEADERS {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what} ({status}): {name}"
        );
    }
    assert_eq!(
        headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        csp,
        "{what} ({status})"
    );
}

fn get(path: &str) -> Request<Vec<u8>> {
    Request::get(path).body(Vec::new()).unwrap()
}

#[tokio::test]
async fn every_kind_of_page_carries_the_security_headers() {
    let (store, _dir) = support::embedded_store();
    let t = TestApp::new(store);
    t.add_committee().await;

    // A problem as a page: a plain form post that is not allowed.
    let r = t
        .send(
            t.anonymous()
                .post_form("/api/applications", &[("side", "mentee")]),
        )
        .await;
    assert!(r.status >= 400, "{}", r.status);
    assert_secure_page(
        "a refused form post",
        StatusCode::from_u16(r.status).unwrap(),
        &r.headers,
        Some(PAGE_CSP),
    );
    assert!(
        !r.text().contains("<script"),
        "no script on a page of its own"
    );

    // The sign-in pages (no provider configured; an unknown page).
    let directory = Arc::new(functions::roster::StoreDirectory::new(Arc::clone(
        &t.app.store,
    )));
    let auth = AuthService::without_provider(t.app.session.clone(), directory);
    for path in ["/auth/login", "/auth/nothing"] {
        let r = functions::auth::handle_auth(&auth, &get(path))
            .await
            .unwrap();
        assert_secure_page(path, r.status(), r.headers(), Some(PAGE_CSP));
    }

    // The members gate's error page.
    let members = tempfile::tempdir().unwrap();
    let post = Request::post("/members/").body(Vec::<u8>::new()).unwrap();
    let r = MembersGate::disk(members.path())
        .serve(None, &post)
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_secure_page("the members gate", r.status(), r.headers(), Some(PAGE_CSP));

    // The committee's report, refused to a member outside the committee.
    t.add_member("M9001", "2001-01-01").await;
    let r = functions::report::page(&t.app, "M9001", "2008").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_secure_page(
        "the report refused",
        r.status(),
        r.headers(),
        Some(PAGE_CSP),
    );

    // A page of the members area in the site's shell: the site's policy is
    // the edge's (it names the sign-in provider), the rest is the page's.
    let req = t.as_member(CHAIR).get("/members/");
    let r = functions::views::handle(&t.app, &req, None).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_secure_page("the members home", r.status(), r.headers(), None);
}
