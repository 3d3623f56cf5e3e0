//! The development sign-in exists only for `duos serve`: never in the
//! service the Lambda functions build, never when compiled without the
//! `dev-signin` feature, never on Lambda (AWS_LAMBDA_FUNCTION_NAME), never
//! for a site that is not on localhost.
//!
//! One test per file section; the test that sets AWS_LAMBDA_FUNCTION_NAME
//! runs last in a single test function, so no other test sees it.

use functions::auth::{
    handle_auth, AuthService, MemoryDirectory, OidcConfig, SessionConfig, SignInMember,
};
use http::{Method, Request, StatusCode};
use std::sync::Arc;

fn members() -> Arc<MemoryDirectory> {
    Arc::new(MemoryDirectory::new(vec![SignInMember {
        member_id: "m-1".into(),
        name: "Ada".into(),
        email: "ada@example.org".into(),
        good_standing: true,
    }]))
}

fn req(method: Method, path: &str, body: &str) -> Request<Vec<u8>> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(http::header::ORIGIN, "http://localhost:8080")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// The service exactly as the Lambda functions build it (`AuthService::new`
/// / `without_provider`, nothing else) has no development sign-in route,
/// whatever features this test binary was compiled with.
async fn assert_lambda_config_has_no_dev_route() {
    let session = SessionConfig::new(vec![5; 32], "http://localhost:8080").unwrap();
    let oidc = OidcConfig::new(
        "https://idp.example.org",
        "client",
        "http://localhost:8080/auth/callback",
    );
    let services = [
        AuthService::new(session.clone(), oidc, members()).unwrap(),
        AuthService::without_provider(session, members()),
    ];
    for svc in &services {
        assert!(!svc.dev_signin_enabled());
        for (m, body) in [(Method::GET, ""), (Method::POST, "member_id=m-1&next=/")] {
            let r = handle_auth(svc, &req(m, "/auth/dev", body)).await.unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND);
            assert!(r.headers().get(http::header::SET_COOKIE).is_none());
        }
    }
}

#[cfg(not(feature = "dev-signin"))]
#[tokio::test]
async fn without_the_feature_there_is_no_dev_signin() {
    assert_lambda_config_has_no_dev_route().await;
    // Without a provider, /auth/login does not fall back to a dev sign-in.
    let session = SessionConfig::new(vec![5; 32], "http://localhost:8080").unwrap();
    let svc = AuthService::without_provider(session, members());
    let r = handle_auth(&svc, &req(Method::GET, "/auth/login", ""))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[cfg(feature = "dev-signin")]
#[tokio::test]
async fn dev_signin_only_where_enabled_and_never_on_lambda() {
    use functions::auth::dev::{DevAccount, DevSignin, DevSigninError};

    assert_lambda_config_has_no_dev_route().await;
    assert!(std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_none());

    let accounts = vec![DevAccount {
        member_id: "m-1".into(),
        label: "Ada (mentee)".into(),
    }];
    // Not for a site outside localhost.
    let public = SessionConfig::new(vec![5; 32], "https://mentoring.example.org").unwrap();
    let refused = AuthService::without_provider(public, members())
        .with_dev_signin(DevSignin::new(accounts.clone()).unwrap());
    assert!(matches!(refused, Err(DevSigninError::NotLocal(_))));

    // duos serve: it works.
    let local = SessionConfig::new(vec![5; 32], "http://localhost:8080").unwrap();
    let svc = AuthService::without_provider(local.clone(), members())
        .with_dev_signin(DevSignin::new(accounts.clone()).unwrap())
        .unwrap();
    let page = handle_auth(&svc, &req(Method::GET, "/auth/dev", ""))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let r = handle_auth(
        &svc,
        &req(Method::POST, "/auth/dev", "member_id=m-1&next=/members/"),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[http::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("duos_session="));
    // Only the seeded accounts.
    let r = handle_auth(&svc, &req(Method::POST, "/auth/dev", "member_id=m-2"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // On Lambda: refuses to turn on, and an already-built service stops
    // answering. (Set last: nothing else in this binary runs after it.)
    std::env::set_var("AWS_LAMBDA_FUNCTION_NAME", "duos-session");
    assert_eq!(
        DevSignin::new(accounts.clone()).unwrap_err(),
        DevSigninError::OnLambda
    );
    assert!(!svc.dev_signin_enabled());
    let r = handle_auth(&svc, &req(Method::POST, "/auth/dev", "member_id=m-1"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers().get(http::header::SET_COOKIE).is_none());
    std::env::remove_var("AWS_LAMBDA_FUNCTION_NAME");
}
