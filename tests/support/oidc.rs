//! A real OpenID provider on 127.0.0.1 for the CLI's sign-in tests:
//! `oidc-provider` run by node from functions/tests/oidc/ (the same fixture
//! as functions/tests/auth_oidc_provider.rs), signing everyone in as one
//! account with the e-mail address the test gives.
//!
//! Needs `npm ci` in functions/tests/oidc (scripts/test.sh does it). Without
//! it, [`start`] panics when CI=true and returns `None` after a loud skip
//! line otherwise.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The site the provider sends people back to.
pub const SITE: &str = "http://localhost:8080";
/// The registered redirect URL.
pub const REDIRECT: &str = "http://localhost:8080/auth/callback";
pub const CLIENT_ID: &str = "duos-test";
pub const CLIENT_SECRET: &str = "duos-test-secret-duos-test-secret";

/// The running provider; stopped when dropped.
pub struct Provider {
    child: Child,
    pub issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("functions/tests/oidc")
}

/// Starts the provider with one account (`sub`, `email`, verified).
pub fn start(email: &str, sub: &str) -> Option<Provider> {
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
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!! SKIPPED: sign-in against the OpenID provider: {why} !!!!!\n"
        );
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
        .env("OIDC_ACCOUNT_EMAIL", email)
        .env("OIDC_ACCOUNT_SUB", sub)
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

/// `name=value` of a `Set-Cookie` value.
pub fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim().to_string()
}

/// Follows the provider's redirects (keeping its cookies) from `start`
/// until it sends the browser back to [`REDIRECT`]; returns that URL's
/// path and query.
pub async fn drive(start: &str) -> String {
    let client = functions::auth::oidc::http_client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut jar: BTreeMap<String, String> = BTreeMap::new();
    let mut url = start.to_string();
    for _ in 0..12 {
        if let Some(rest) = url.strip_prefix(SITE) {
            return rest.to_string();
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
