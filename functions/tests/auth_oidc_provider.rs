//! Sign-in end to end against a real OpenID provider (`oidc-provider`, run by
//! node from tests/oidc/) on 127.0.0.1: /auth/login -> provider -> login and
//! consent -> /auth/callback -> session cookie -> /auth/logout.
//!
//! Needs `npm ci` in functions/tests/oidc (scripts/test.sh does it). Without
//! it the test fails when CI=true and is skipped loudly otherwise.

use functions::auth::{
    handle_auth, read_session, AuthService, MemoryDirectory, OidcConfig, SessionConfig,
    SignInMember,
};
use http::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const SITE: &str = "http://localhost:8080";
const REDIRECT: &str = "http://localhost:8080/auth/callback";
const CLIENT_ID: &str = "duos-test";
const CLIENT_SECRET: &str = "duos-test-secret-duos-test-secret";

struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Starts the provider, or returns None (after a loud message) when its
/// node_modules are missing outside CI.
fn start_provider() -> Option<Provider> {
    let dir = fixture_dir();
    let installed = dir
        .join("node_modules/oidc-provider/package.json")
        .is_file();
    let node = Command::new("node").arg("--version").output().is_ok();
    if !installed || !node {
        let why = if node {
            "functions/tests/oidc/node_modules is missing: run `npm ci` in functions/tests/oidc"
        } else {
            "node is not installed"
        };
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the OpenID provider test cannot run: {why}");
        }
        eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        eprintln!("!!! SKIPPED: OIDC end-to-end test against oidc-provider: {why}");
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
        return None;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new("node")
        .arg("provider.js")
        .arg(port.to_string())
        .arg(REDIRECT)
        .current_dir(&dir)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_ACCOUNT_EMAIL", "Ada@Example.org")
        .env("OIDC_ACCOUNT_SUB", "provider-user-1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start node provider.js");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.trim() == "ready" {
                let _ = tx.send(());
            }
        }
    });
    let provider = Provider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    };
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the provider did not print ready within 30 s");
    Some(provider)
}

fn member(id: &str, email: &str, good: bool) -> SignInMember {
    SignInMember {
        member_id: id.into(),
        name: id.into(),
        email: email.into(),
        good_standing: good,
    }
}

fn service(issuer: &str, members: Vec<SignInMember>) -> AuthService {
    let session = SessionConfig::new(vec![42u8; 32], SITE).unwrap();
    let mut oidc = OidcConfig::new(issuer, CLIENT_ID, REDIRECT);
    oidc.client_secret = Some(CLIENT_SECRET.into());
    AuthService::new(session, oidc, Arc::new(MemoryDirectory::new(members))).unwrap()
}

fn set_cookies(resp: &Response<Vec<u8>>) -> Vec<String> {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim().to_string()
}

fn get(path: &str, cookies: &[String]) -> Request<Vec<u8>> {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if !cookies.is_empty() {
        b = b.header(COOKIE, cookies.join("; "));
    }
    b.body(Vec::new()).unwrap()
}

/// Follows the provider's redirects (keeping its cookies) until it sends
/// the browser back to our callback; returns that URL.
async fn drive_provider(start: &str) -> String {
    let client = functions::auth::oidc::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar: BTreeMap<String, String> = BTreeMap::new();
    let mut url = start.to_string();
    for _ in 0..12 {
        if url.starts_with(REDIRECT) {
            return url;
        }
        let cookie = jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = client.get(&url);
        if !cookie.is_empty() {
            req = req.header(reqwest::header::COOKIE, cookie);
        }
        let resp = req.send().await.unwrap();
        for sc in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let pair = cookie_pair(sc.to_str().unwrap());
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() {
                jar.remove(k);
            } else {
                jar.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status();
        let Some(location) = resp.headers().get(reqwest::header::LOCATION) else {
            let body = resp.text().await.unwrap_or_default();
            panic!("the provider stopped at {url} with {status}: {body}");
        };
        let location = location.to_str().unwrap();
        url = reqwest::Url::parse(&url)
            .unwrap()
            .join(location)
            .unwrap()
            .to_string();
    }
    panic!("too many redirects at the provider");
}

fn path_and_query(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    match u.query() {
        Some(q) => format!("{}?{}", u.path(), q),
        None => u.path().to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_out_with_a_real_provider() {
    let Some(provider) = start_provider() else {
        return;
    };
    let svc = service(
        &provider.issuer,
        vec![member("m-100", "ada@example.org", true)],
    );

    // 1. /auth/login sends the browser to the provider with PKCE, state, nonce.
    let resp = handle_auth(&svc, &get("/auth/login?next=/members/mentors/", &[]))
        .await
        .expect("/auth/login is ours");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("{}/auth?", provider.issuer)));
    let params: BTreeMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert!(params["state"].len() >= 43 && params["nonce"].len() >= 43);
    let flow_cookies: Vec<String> = set_cookies(&resp).iter().map(|c| cookie_pair(c)).collect();
    assert_eq!(flow_cookies.len(), 1);
    let flow_set = &set_cookies(&resp)[0];
    assert!(flow_set.contains("HttpOnly") && flow_set.contains("SameSite=Lax"));

    // 2. The provider signs the test account in and sends it back.
    let back = drive_provider(&location).await;
    let callback_path = path_and_query(&back);
    assert!(callback_path.contains("code="), "{back}");

    // 3. The callback verifies, finds the member by e-mail, sets the session.
    let callback = get(&callback_path, &flow_cookies);
    let resp = handle_auth(&svc, &callback).await.unwrap();
    let body = String::from_utf8_lossy(resp.body()).to_string();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{body}");
    assert_eq!(resp.headers()[LOCATION], "/members/mentors/");
    let cookies = set_cookies(&resp);
    let session_set = cookies
        .iter()
        .find(|c| c.starts_with("duos_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=900"] {
        assert!(session_set.contains(flag), "{session_set} lacks {flag}");
    }
    assert!(!session_set.contains("Secure"), "localhost: no Secure flag");
    // The flow cookie is cleared.
    assert!(cookies
        .iter()
        .any(|c| c.starts_with("duos_signin=;") && c.contains("Max-Age=0")));

    let session_cookie = cookie_pair(session_set);
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, session_cookie.parse().unwrap());
    let session = read_session(svc.session_config(), &headers, SystemTime::now())
        .expect("the cookie is a valid session");
    assert_eq!(session.member_id, "m-100");

    // 4. The same answer cannot be used twice.
    let replay = handle_auth(&svc, &callback).await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookies(&replay)
        .iter()
        .all(|c| !c.starts_with("duos_session=")));

    // 5. Sign-out needs the CSRF token and the site's Origin.
    let logout = |token: Option<&str>| {
        let body = token
            .map(|t| format!("_csrf={t}"))
            .unwrap_or_default()
            .into_bytes();
        Request::builder()
            .method(Method::POST)
            .uri("/auth/logout")
            .header(COOKIE, &session_cookie)
            .header(ORIGIN, SITE)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .unwrap()
    };
    let refused = handle_auth(&svc, &logout(None)).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let resp = handle_auth(&svc, &logout(Some(&session.csrf_token)))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let cleared = set_cookies(&resp);
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("duos_session=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );

    // 6. The sub is linked now: a second sign-in finds the member by it.
    let started = Instant::now();
    let resp = handle_auth(&svc, &get("/auth/login", &[])).await.unwrap();
    let flow: Vec<String> = set_cookies(&resp).iter().map(|c| cookie_pair(c)).collect();
    let back = drive_provider(resp.headers()[LOCATION].to_str().unwrap()).await;
    let resp = handle_auth(&svc, &get(&path_and_query(&back), &flow))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()[LOCATION], "/members/");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_unknown_to_the_roster_or_lapsed_get_no_session() {
    let Some(provider) = start_provider() else {
        return;
    };
    for (members, title) in [
        (
            vec![member("m-1", "someone.else@example.org", true)],
            "Not on the member roster",
        ),
        (
            vec![member("m-2", "ada@example.org", false)],
            "Membership not in good standing",
        ),
    ] {
        let svc = service(&provider.issuer, members);
        let resp = handle_auth(&svc, &get("/auth/login", &[])).await.unwrap();
        let flow: Vec<String> = set_cookies(&resp).iter().map(|c| cookie_pair(c)).collect();
        let back = drive_provider(resp.headers()[LOCATION].to_str().unwrap()).await;
        let resp = handle_auth(&svc, &get(&path_and_query(&back), &flow))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let body = String::from_utf8_lossy(resp.body()).to_string();
        assert!(body.contains(title), "{body}");
        assert!(set_cookies(&resp)
            .iter()
            .all(|c| !c.starts_with("duos_session=")));
    }
}
