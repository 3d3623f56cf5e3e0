//! Sessions and CSRF at the seam the handlers use.

use functions::auth::{
    check_csrf, handle_auth, issue_session, read_session, AuthService, CsrfError, MemoryDirectory,
    SessionConfig,
};
use http::header::{COOKIE, ORIGIN, REFERER};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const SITE: &str = "https://mentoring.example.org";

fn cfg() -> SessionConfig {
    SessionConfig::new(b"0123456789abcdef0123456789abcdef".to_vec(), SITE).unwrap()
}

fn headers(pairs: &[(&http::HeaderName, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_str(v).unwrap());
    }
    h
}

#[test]
fn cookie_flags() {
    let now = SystemTime::now();
    let issued = issue_session(&cfg(), "m-1", now);
    let c = &issued.set_cookie;
    assert!(c.starts_with("__Host-duos_session="), "{c}");
    for flag in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Secure",
        "Max-Age=900",
    ] {
        assert!(c.contains(flag), "{c} lacks {flag}");
    }
    assert!(!c.contains("Domain="));

    for local in ["http://localhost:8080", "http://127.0.0.1:3000"] {
        let local = SessionConfig::new(vec![1; 32], local).unwrap();
        let c = issue_session(&local, "m-1", now).set_cookie;
        assert!(c.starts_with("duos_session="));
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"));
        assert!(!c.contains("Secure"), "Secure is off only on localhost");
    }
    // Anything else must be https, hence Secure.
    assert!(SessionConfig::new(vec![1; 32], "http://mentoring.example.org").is_err());
}

#[test]
fn sessions_expire_and_resist_tampering() {
    let cfg = cfg();
    let now = SystemTime::now();
    let issued = issue_session(&cfg, "m-1", now);
    let pair = issued.set_cookie.split(';').next().unwrap().to_string();
    let h = headers(&[(&COOKIE, &pair)]);
    let s = read_session(&cfg, &h, now).unwrap();
    assert_eq!(s.member_id, "m-1");
    assert_eq!(s.csrf_token, issued.csrf_token);
    assert!(read_session(&cfg, &h, now + Duration::from_secs(15 * 60)).is_none());

    // Flip one character anywhere in the token.
    let (name, token) = pair.split_once('=').unwrap();
    for i in (3..token.len()).step_by(7) {
        let mut t: Vec<char> = token.chars().collect();
        t[i] = if t[i] == 'A' { 'B' } else { 'A' };
        let forged: String = t.into_iter().collect();
        if forged == token {
            continue;
        }
        let h = headers(&[(&COOKIE, &format!("{name}={forged}"))]);
        assert!(read_session(&cfg, &h, now).is_none(), "flipped at {i}");
    }
    assert!(read_session(&cfg, &HeaderMap::new(), now).is_none());
}

fn session() -> (SessionConfig, functions::auth::Session) {
    let cfg = cfg();
    let now = SystemTime::now();
    let issued = issue_session(&cfg, "m-1", now);
    let pair = issued.set_cookie.split(';').next().unwrap().to_string();
    let s = read_session(&cfg, &headers(&[(&COOKIE, &pair)]), now).unwrap();
    (cfg, s)
}

#[test]
fn state_changing_requests_need_origin_and_token() {
    let (cfg, s) = session();
    let token = s.csrf_token.clone();
    let csrf = http::HeaderName::from_static("x-csrf-token");

    // Safe methods pass without anything.
    assert_eq!(
        check_csrf(&cfg, &s, &Method::GET, &HeaderMap::new(), None),
        Ok(())
    );

    // From another site: refused even with the right token.
    let h = headers(&[(&ORIGIN, "https://evil.example"), (&csrf, &token)]);
    assert!(matches!(
        check_csrf(&cfg, &s, &Method::POST, &h, None),
        Err(CsrfError::CrossOrigin(_))
    ));
    let h = headers(&[(&ORIGIN, "null"), (&csrf, &token)]);
    assert!(check_csrf(&cfg, &s, &Method::POST, &h, None).is_err());
    let h = headers(&[(&ORIGIN, "https://mentoring.example.org.evil.example")]);
    assert!(check_csrf(&cfg, &s, &Method::POST, &h, Some(&token)).is_err());
    let h = headers(&[(&ORIGIN, "http://mentoring.example.org")]);
    assert!(check_csrf(&cfg, &s, &Method::POST, &h, Some(&token)).is_err());

    // No Origin nor Referer: refused.
    assert_eq!(
        check_csrf(&cfg, &s, &Method::POST, &HeaderMap::new(), Some(&token)),
        Err(CsrfError::MissingOrigin)
    );

    // Same origin without a token, or with a wrong one: refused.
    let h = headers(&[(&ORIGIN, SITE)]);
    assert_eq!(
        check_csrf(&cfg, &s, &Method::POST, &h, None),
        Err(CsrfError::MissingToken)
    );
    assert_eq!(
        check_csrf(&cfg, &s, &Method::DELETE, &h, Some("not-the-token")),
        Err(CsrfError::BadToken)
    );
    let (_, other) = session();
    assert_eq!(
        check_csrf(&cfg, &s, &Method::PUT, &h, Some(&other.csrf_token)),
        Err(CsrfError::BadToken)
    );

    // Same origin with the token in the form or the header: accepted.
    assert_eq!(
        check_csrf(&cfg, &s, &Method::POST, &h, Some(&token)),
        Ok(())
    );
    let h = headers(&[(&ORIGIN, SITE), (&csrf, &token)]);
    assert_eq!(check_csrf(&cfg, &s, &Method::PATCH, &h, None), Ok(()));
    // A Referer on the site stands in for a missing Origin.
    let h = headers(&[(&REFERER, "https://mentoring.example.org/members/mentors/")]);
    assert_eq!(
        check_csrf(&cfg, &s, &Method::POST, &h, Some(&token)),
        Ok(())
    );
    let h = headers(&[(&REFERER, "https://evil.example/members/")]);
    assert!(check_csrf(&cfg, &s, &Method::POST, &h, Some(&token)).is_err());
}

#[tokio::test]
async fn logout_is_csrf_checked() {
    let cfg = cfg();
    let svc = AuthService::without_provider(cfg.clone(), Arc::new(MemoryDirectory::default()));
    let issued = issue_session(&cfg, "m-1", SystemTime::now());
    let pair = issued.set_cookie.split(';').next().unwrap().to_string();
    let post = |origin: &str, body: String| {
        Request::builder()
            .method(Method::POST)
            .uri("/auth/logout")
            .header(COOKIE, &pair)
            .header(ORIGIN, origin)
            .body(body.into_bytes())
            .unwrap()
    };
    let token = format!("_csrf={}", issued.csrf_token);
    let r = handle_auth(&svc, &post("https://evil.example", token.clone()))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = handle_auth(&svc, &post(SITE, String::new())).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = handle_auth(&svc, &post(SITE, token)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cleared = r.headers()[http::header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.starts_with("__Host-duos_session=;") && cleared.contains("Max-Age=0"));
    assert!(cleared.contains("Secure") && cleared.contains("HttpOnly"));

    // GET is not a way to sign out (a link or an image could trigger it).
    let get = Request::builder()
        .uri("/auth/logout")
        .header(COOKIE, &pair)
        .body(Vec::new())
        .unwrap();
    let r = handle_auth(&svc, &get).await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Other paths are not ours.
    let other = Request::builder().uri("/api/me").body(Vec::new()).unwrap();
    assert!(handle_auth(&svc, &other).await.is_none());
}
