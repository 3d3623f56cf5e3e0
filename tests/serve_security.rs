//! `duos serve` against the attacks of the security review (finding 10),
//! over HTTP on 127.0.0.1: it answers only its own Host names (a DNS
//! rebinding page cannot read `/_outbox`), a half-sent request times out,
//! and every HTML reply carries the deployed site's security headers and
//! CSP, with nothing inline that the CSP would block.

#[path = "support/serve.rs"]
mod serve;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serve::{Reply, Server};

/// The CSP of `infra/template.yaml`'s response headers policy as a local
/// server must send it: the development sign-in is on the site's own
/// origin (no `${SignInOrigin}`), and plain HTTP on loopback cannot be
/// upgraded.
fn deployed_csp_for_loopback() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("infra/template.yaml");
    let template = std::fs::read_to_string(path).unwrap();
    let line = template
        .lines()
        .find(|l| l.contains("\"default-src "))
        .expect("the template's Content-Security-Policy");
    let csp = line.trim().trim_start_matches("- ").trim_matches('"');
    assert!(csp.contains(" ${SignInOrigin}") && csp.ends_with("; upgrade-insecure-requests"));
    csp.replace(" ${SignInOrigin}", "")
        .replace("; upgrade-insecure-requests", "")
}

fn assert_secure_html(what: &str, r: &Reply, may_bring_its_own: bool) {
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{what}: not HTML: {r:?}"
    );
    // The site's policy; or, as on CloudFront (Override: false), the
    // reply's own when it brings one (the sign-in, the report), which then
    // allows no script at all.
    let csp = r.header("content-security-policy").unwrap_or("");
    let own = csp != deployed_csp_for_loopback();
    assert!(!own || may_bring_its_own, "{what}: {csp:?}");
    if own {
        assert!(
            csp.starts_with("default-src 'none'") && !csp.contains("script-src"),
            "{what}: {csp:?}"
        );
        assert!(
            !r.body.contains("<script"),
            "{what}: a script its CSP blocks"
        );
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ] {
        assert_eq!(r.header(name), Some(value), "{what}: {name}");
    }
    // What the CSP would block in a browser: inline script and style.
    let lower = r.body.to_ascii_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..i + lower[i..].find('>').unwrap()];
        assert!(
            tag.contains(" src=\"/"),
            "{what}: an inline or foreign script: {tag}"
        );
    }
    assert!(!lower.contains("<style"), "{what}: an inline <style>");
    assert!(!lower.contains(" style=\""), "{what}: a style attribute");
    assert!(!lower.contains(" onclick="), "{what}: an inline handler");
}

#[test]
fn serve_answers_only_its_own_host_names() {
    let s = serve::start();
    let port = s.port;
    let ask = |host_line: &str, target: &str| {
        s.raw(format!("GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n").as_bytes())
            .unwrap()
    };
    // What a rebinding page would do: its own name, resolved to 127.0.0.1.
    for host in [
        format!("Host: attacker.example:{port}\r\n"),
        "Host: attacker.example\r\n".to_owned(),
        format!("Host: 127.0.0.1.attacker.example:{port}\r\n"),
        format!("Host: 127.0.0.1:{}\r\n", port.wrapping_add(1)),
    ] {
        for path in ["/_outbox", "/", "/api/me", "/members/"] {
            let r = ask(&host, path);
            assert_eq!(r.status, 421, "{host:?} {path}: {r:?}");
            assert!(!r.body.contains("Outbox") && !r.body.contains("<html"));
            assert!(r.body.contains("This server answers only"), "{}", r.body);
        }
    }
    // No Host at all; and an absolute-form target naming another host.
    assert_eq!(ask("", "/_outbox").status, 400);
    let r = ask(
        &format!("Host: 127.0.0.1:{port}\r\n"),
        "http://attacker.example/_outbox",
    );
    assert_eq!(r.status, 421, "{r:?}");
    // The server's own names.
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let r = ask(&format!("Host: {host}\r\n"), "/_outbox");
        assert_eq!(r.status, 200, "{host}: {r:?}");
        assert!(r.body.contains("Outbox"));
    }
}

/// Writes `first`, then waits for the server to answer or hang up; the
/// time it took and what it said.
fn wait_for_server(s: &Server, first: &[u8]) -> (Duration, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(90)))
        .unwrap();
    stream.write_all(first).unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    (started.elapsed(), got)
}

#[test]
fn half_sent_requests_time_out() {
    let s = serve::start();
    let host = s.host();
    // Headers that never end (a slow-loris request): the connection closes.
    let (took, got) = wait_for_server(
        &s,
        format!("GET /_outbox HTTP/1.1\r\nHost: {host}\r\nX-Slow: 1\r\n").as_bytes(),
    );
    assert!(took < Duration::from_secs(30), "held open {took:?}");
    assert!(
        !String::from_utf8_lossy(&got).contains("Outbox"),
        "answered a half-sent request"
    );
    // A connection that never says anything is closed too.
    let (took, _) = wait_for_server(&s, b"");
    assert!(took < Duration::from_secs(30), "idle held open {took:?}");
    // A body shorter than announced: 408, not a connection held for ever.
    let (took, got) = wait_for_server(
        &s,
        format!(
            "POST /api/nominations HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\nConnection: close\r\n\r\n{{\"nominee\""
        )
        .as_bytes(),
    );
    assert!(took < Duration::from_secs(40), "held open {took:?}");
    let r = serve::parse(&got);
    assert_eq!(r.status, 408, "{r:?}");
    // The server still answers whole requests.
    assert_eq!(s.get("/", &[]).unwrap().status, 200);
}

#[test]
fn every_html_reply_carries_the_sites_security_headers() {
    let s = serve::start();
    // A public page, an error page, the server's own pages.
    for (what, path, status, own) in [
        ("the home page", "/", 200, false),
        ("a public page", "/about/", 200, false),
        ("a missing page", "/no-such-page/", 404, false),
        ("the outbox", "/_outbox", 200, false),
        ("the sign-in", "/auth/dev", 200, true),
    ] {
        let r = s.get(path, &[]).unwrap();
        assert_eq!(r.status, status, "{what} {path}");
        assert_secure_html(what, &r, own);
    }
    // Members pages, signed in: the members home (a view), a page of the
    // members area (the gate), and a refusal.
    let accounts = s.dev_accounts();
    assert!(!accounts.is_empty(), "the sign-in offers no account");
    let cookie = s.sign_in(&accounts[0]);
    let r = s.get("/members/", &[("Cookie", &cookie)]).unwrap();
    assert_eq!(r.status, 200, "{r:?}");
    assert_secure_html("the members home", &r, false);
    let r = s
        .get("/members/committee/applications/", &[("Cookie", &cookie)])
        .unwrap();
    assert!(r.status == 403 || r.status == 200, "{r:?}");
    assert_secure_html("a committee page", &r, false);
    // The assets those pages load come from the server itself.
    for asset in ["/_livereload.js", "/_serve.css"] {
        let r = s.get(asset, &[]).unwrap();
        assert_eq!(r.status, 200, "{asset}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
}
