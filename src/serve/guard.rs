//! What `duos serve` checks before any handler runs, and what it adds to
//! every reply.
//!
//! - **Host** (security finding 10): only requests addressed to the server
//!   itself are answered, `Host: 127.0.0.1:PORT` or `localhost:PORT` (the
//!   port may be left out only when it is 80). Any other name is refused
//!   with `421 Misdirected Request`, a request without a Host with `400`. A
//!   page of another site that points its own name at 127.0.0.1 (DNS
//!   rebinding) therefore cannot read `/_outbox` (with its consent links)
//!   or anything else.
//! - **Time limits**: the request's headers must arrive within
//!   [`HEADER_READ_TIMEOUT`] (hyper's `header_read_timeout`; the connection
//!   is closed), its body within [`BODY_READ_TIMEOUT`] (`408`), so a
//!   half-sent request does not hold a connection open for ever.
//! - **Security headers**: the deployed site's (the CloudFront response
//!   headers policy of `infra/template.yaml`) on every reply: the same
//!   Content-Security-Policy unless the reply brings its own (the
//!   committee's report and the functions' self-contained pages do, as on
//!   CloudFront), `nosniff`, no framing, the referrer policy and the
//!   permissions policy ([`functions::http::security`], one table). Two differences, both
//!   because this server speaks plain HTTP on loopback: the CSP has no
//!   `upgrade-insecure-requests` (it would send the browser to an `https://`
//!   this server does not speak) and `form-action` names no sign-in
//!   provider (the development sign-in is on this origin); there is no
//!   `Strict-Transport-Security` (browsers ignore it over HTTP).

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, StatusCode};

/// How long the server waits for a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the server waits for a request's body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(20);

/// The Host values the server on `port` answers.
pub fn allowed_hosts(port: u16) -> Vec<String> {
    let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if port == 80 {
        hosts.extend(["127.0.0.1".to_owned(), "localhost".to_owned()]);
    }
    hosts
}

/// Why a request is not for this server.
#[derive(Debug, PartialEq, Eq)]
pub enum HostRefusal {
    /// No Host header (HTTP/1.1 requires one).
    Missing,
    /// Addressed to another name.
    Other(String),
}

/// Whether a request with these headers and this URI authority (an
/// absolute-form request line) is addressed to the server on `port`.
pub fn check_host(
    headers: &HeaderMap,
    authority: Option<&str>,
    port: u16,
) -> Result<(), HostRefusal> {
    let allowed = allowed_hosts(port);
    let ok = |h: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(h.trim()));
    let mut hosts = headers.get_all(HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (None, _) => return Err(HostRefusal::Missing),
        (Some(_), Some(_)) => return Err(HostRefusal::Other("several Host headers".into())),
        (Some(h), None) => h.to_str().unwrap_or("").to_owned(),
    };
    if !ok(&host) {
        return Err(HostRefusal::Other(host));
    }
    match authority {
        Some(a) if !ok(a) => Err(HostRefusal::Other(a.to_owned())),
        _ => Ok(()),
    }
}

fn plain(status: StatusCode, text: String) -> Response {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The middleware of every request: the Host check, then the handler, then
/// the security headers. `port` is the server's.
pub async fn guard(State(port): State<u16>, req: Request, next: Next) -> Response {
    let authority = req.uri().authority().map(|a| a.as_str().to_owned());
    let mut resp = match check_host(req.headers(), authority.as_deref(), port) {
        Ok(()) => next.run(req).await,
        Err(HostRefusal::Missing) => plain(
            StatusCode::BAD_REQUEST,
            "The request has no Host header.\n".to_owned(),
        ),
        Err(HostRefusal::Other(host)) => plain(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "This server answers only {}; the request was for {host:?}.\n",
                allowed_hosts(port).join(" and ")
            ),
        ),
    };
    // The site's headers ([`functions::http::security`]); a reply with a
    // policy of its own keeps it.
    let site_csp = Some(functions::http::security::SITE_CSP);
    functions::http::security::add_security_headers(resp.headers_mut(), site_csp);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(hosts: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in hosts {
            h.append(HOST, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn only_the_servers_own_names_pass() {
        for ok in ["127.0.0.1:1111", "localhost:1111", "LOCALHOST:1111"] {
            assert_eq!(check_host(&headers(&[ok]), None, 1111), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "127.0.0.1",
            "127.0.0.1:2222",
            "127.0.0.1.evil.example:1111",
            "",
        ] {
            assert!(check_host(&headers(&[bad]), None, 1111).is_err(), "{bad}");
        }
        assert_eq!(
            check_host(&headers(&[]), None, 1111),
            Err(HostRefusal::Missing)
        );
        assert!(check_host(&headers(&["127.0.0.1:1111", "evil:1111"]), None, 1111).is_err());
        assert!(check_host(&headers(&["127.0.0.1:1111"]), Some("evil:1111"), 1111).is_err());
        assert_eq!(check_host(&headers(&["localhost"]), None, 80), Ok(()));
    }
}
