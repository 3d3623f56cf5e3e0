//! Sessions: our own signed, short-lived token in an HttpOnly cookie, and the
//! CSRF check for state-changing requests.
//!
//! A session token is `v1.<payload>.<mac>`: `payload` is the base64url of a
//! compact JSON object `{sub, iat, exp, ait, csrf, jti}` and `mac` the
//! base64url of HMAC-SHA256 over a purpose label and the payload, keyed with
//! [`SessionConfig::secret`]. Verification is constant-time (`ring::hmac`).
//! The same signer, with another purpose label, protects the short-lived
//! sign-in flow cookie, so one kind of token can never be replayed as the
//! other.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http::{HeaderMap, Method};
use ring::hmac;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Least length of [`SessionConfig::secret`]; shorter secrets sign nothing
/// and verify nothing.
pub const MIN_SECRET_LEN: usize = 32;

/// Name of the form field that carries the CSRF token in plain HTML posts.
pub const CSRF_FORM_FIELD: &str = "_csrf";
/// Name of the request header that carries the CSRF token for `fetch` calls.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How sessions are signed, how long they live and how their cookie looks.
#[derive(Clone)]
pub struct SessionConfig {
    /// HMAC key, at least [`MIN_SECRET_LEN`] random bytes.
    pub secret: Vec<u8>,
    /// How long a session lives after it was (re)issued. Default 15 minutes.
    pub ttl: Duration,
    /// After this long a session is marked `needs_rotation`: the handler
    /// should send [`rotate_session`]'s cookie with its response.
    pub rotate_after: Duration,
    /// Longest a session may be extended by rotation from the moment of
    /// sign-in; after that the member signs in again. Default 12 hours.
    pub max_lifetime: Duration,
    /// `Secure` cookie attribute. False only when the site is served from
    /// localhost (`duos serve`).
    pub secure_cookie: bool,
    /// Cookie name: `__Host-duos_session` with `Secure`, else `duos_session`.
    pub cookie_name: String,
    /// The site's origin (`https://mentoring.example.org`, no path, no
    /// trailing slash); state-changing requests must come from it.
    pub site_origin: String,
}

impl fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfig")
            .field("secret", &"<redacted>")
            .field("ttl", &self.ttl)
            .field("rotate_after", &self.rotate_after)
            .field("max_lifetime", &self.max_lifetime)
            .field("secure_cookie", &self.secure_cookie)
            .field("cookie_name", &self.cookie_name)
            .field("site_origin", &self.site_origin)
            .finish()
    }
}

/// A [`SessionConfig`] that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the session secret must be at least {MIN_SECRET_LEN} bytes")]
    ShortSecret,
    #[error("the site origin {0:?} is not an origin like https://example.org")]
    BadOrigin(String),
    #[error("the site origin must be https unless it is localhost (got {0:?})")]
    InsecureOrigin(String),
}

impl SessionConfig {
    /// The defaults for a site at `site_origin`: 15-minute sessions rotated
    /// after 5 minutes, 12-hour ceiling, `Secure` cookie (named
    /// `__Host-duos_session`) unless the origin is `http://localhost` or a
    /// loopback address.
    pub fn new(secret: Vec<u8>, site_origin: &str) -> Result<SessionConfig, ConfigError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(ConfigError::ShortSecret);
        }
        let origin = normalize_origin(site_origin)
            .ok_or_else(|| ConfigError::BadOrigin(site_origin.to_string()))?;
        let local = is_local_origin(&origin);
        if !local && !origin.starts_with("https://") {
            return Err(ConfigError::InsecureOrigin(origin));
        }
        Ok(SessionConfig {
            secret,
            ttl: Duration::from_secs(15 * 60),
            rotate_after: Duration::from_secs(5 * 60),
            max_lifetime: Duration::from_secs(12 * 60 * 60),
            secure_cookie: !local,
            cookie_name: if local {
                "duos_session".to_string()
            } else {
                "__Host-duos_session".to_string()
            },
            site_origin: origin,
        })
    }

    /// Whether this configuration can sign: the secret is long enough.
    pub fn is_usable(&self) -> bool {
        self.secret.len() >= MIN_SECRET_LEN
    }
}

/// `scheme://host[:port]`, lower-cased, from an origin or a URL; `None` when
/// it has no http(s) scheme or no host.
pub fn normalize_origin(value: &str) -> Option<String> {
    let url = url::Url::parse(value.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.host_str()?;
    match url.origin() {
        url::Origin::Tuple(..) => Some(url.origin().ascii_serialization()),
        url::Origin::Opaque(_) => None,
    }
}

/// True for `http(s)://localhost`, `127.0.0.0/8` and `[::1]` origins.
pub fn is_local_origin(origin: &str) -> bool {
    let Ok(url) = url::Url::parse(origin) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A freshly issued session: the `Set-Cookie` header value to send and the
/// CSRF token to put in the page's forms (`<input name="_csrf">`) or in a
/// `<meta>` for `fetch` (`X-CSRF-Token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSession {
    pub set_cookie: String,
    pub csrf_token: String,
    pub expires_at: SystemTime,
}

/// A verified session read from the request's cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Roster member id (`MEMBER#<id>` in the store).
    pub member_id: String,
    /// The token forms and `fetch` calls must echo back.
    pub csrf_token: String,
    pub issued_at: SystemTime,
    pub expires_at: SystemTime,
    /// When the member signed in (kept across rotations).
    pub authenticated_at: SystemTime,
    /// The session is older than `rotate_after`: send [`rotate_session`]'s
    /// cookie with the response.
    pub needs_rotation: bool,
}

impl Session {
    /// The id of this sign-in: the same for every rotation of it (it is a
    /// hash of the CSRF token, which rotation keeps), different for the
    /// next sign-in. Sign-out revokes it server-side.
    pub fn family(&self) -> String {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(b"duos/session-family/v1\n");
        ctx.update(self.csrf_token.as_bytes());
        ctx.finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The latest moment any rotation of this sign-in can be valid: the
    /// sign-in plus `cfg.max_lifetime` (how long a revocation must be kept).
    pub fn lifetime_end(&self, cfg: &SessionConfig) -> SystemTime {
        self.authenticated_at + cfg.max_lifetime
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionPayload {
    sub: String,
    iat: u64,
    exp: u64,
    /// Sign-in instant, kept across rotations.
    ait: u64,
    csrf: String,
    jti: String,
}

const SESSION_PURPOSE: &str = "duos/session/v1";

/// Issues a new session for `member_id` (after sign-in), with a new CSRF
/// token. Panics when the secret is shorter than [`MIN_SECRET_LEN`]
/// ([`SessionConfig::new`] refuses such a configuration).
pub fn issue_session(cfg: &SessionConfig, member_id: &str, now: SystemTime) -> IssuedSession {
    let csrf = random_token(32);
    issue_with(cfg, member_id, &csrf, unix(now), now)
}

/// Re-issues `session` with a fresh expiry, keeping its CSRF token (so forms
/// already on screen still post) and its sign-in instant. `None` once the
/// session has reached [`SessionConfig::max_lifetime`]: the member signs in
/// again.
pub fn rotate_session(
    cfg: &SessionConfig,
    session: &Session,
    now: SystemTime,
) -> Option<IssuedSession> {
    let since_sign_in = now
        .duration_since(session.authenticated_at)
        .unwrap_or_default();
    if since_sign_in >= cfg.max_lifetime {
        return None;
    }
    Some(issue_with(
        cfg,
        &session.member_id,
        &session.csrf_token,
        unix(session.authenticated_at),
        now,
    ))
}

fn issue_with(
    cfg: &SessionConfig,
    member_id: &str,
    csrf: &str,
    auth_time: u64,
    now: SystemTime,
) -> IssuedSession {
    let iat = unix(now);
    let mut ttl = cfg.ttl.as_secs().max(1);
    // Never past the lifetime ceiling.
    let ceiling = auth_time.saturating_add(cfg.max_lifetime.as_secs());
    if iat.saturating_add(ttl) > ceiling {
        ttl = ceiling.saturating_sub(iat).max(1);
    }
    let exp = iat + ttl;
    let payload = SessionPayload {
        sub: member_id.to_string(),
        iat,
        exp,
        ait: auth_time,
        csrf: csrf.to_string(),
        jti: random_token(12),
    };
    let token = sign(&cfg.secret, SESSION_PURPOSE, &payload);
    IssuedSession {
        set_cookie: cookie_header(cfg, &cfg.cookie_name, &token, "/", ttl),
        csrf_token: csrf.to_string(),
        expires_at: UNIX_EPOCH + Duration::from_secs(exp),
    }
}

/// Reads and verifies the session cookie. Missing, malformed, tampered,
/// expired or not-yet-valid sessions are `None`.
pub fn read_session(cfg: &SessionConfig, headers: &HeaderMap, now: SystemTime) -> Option<Session> {
    let now_s = unix(now);
    cookie_values(headers, &cfg.cookie_name).find_map(|value| {
        let p: SessionPayload = verify(&cfg.secret, SESSION_PURPOSE, value)?;
        // Small allowance for clock skew between function instances.
        if p.exp <= now_s || p.iat > now_s + 5 || p.ait > p.iat || p.sub.is_empty() {
            return None;
        }
        if p.exp.saturating_sub(p.ait) > cfg.max_lifetime.as_secs() {
            return None;
        }
        let age = now_s.saturating_sub(p.iat);
        Some(Session {
            member_id: p.sub,
            csrf_token: p.csrf,
            issued_at: UNIX_EPOCH + Duration::from_secs(p.iat),
            expires_at: UNIX_EPOCH + Duration::from_secs(p.exp),
            authenticated_at: UNIX_EPOCH + Duration::from_secs(p.ait),
            needs_rotation: age >= cfg.rotate_after.as_secs(),
        })
    })
}

/// The `Set-Cookie` value that removes the session cookie (sign-out).
pub fn clear_session_cookie(cfg: &SessionConfig) -> String {
    clear_cookie(cfg, &cfg.cookie_name, "/")
}

/// Why a state-changing request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsrfError {
    #[error("the request carries neither an Origin nor a Referer header")]
    MissingOrigin,
    #[error("the request comes from another site ({0})")]
    CrossOrigin(String),
    #[error("the request carries no CSRF token (X-CSRF-Token header or _csrf field)")]
    MissingToken,
    #[error("the request's CSRF token does not match the session")]
    BadToken,
}

/// True for the methods that change nothing (GET, HEAD, OPTIONS, TRACE).
pub fn is_safe_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Checks a request against cross-site request forgery. Safe methods pass.
/// Any other method must come from [`SessionConfig::site_origin`] (its
/// `Origin` header, or its `Referer` when a browser sent no `Origin`) and
/// carry the session's CSRF token, either in the `X-CSRF-Token` header or in
/// the `_csrf` form field (`form_token`: the handler parses the form and
/// passes the field's value).
pub fn check_csrf(
    cfg: &SessionConfig,
    session: &Session,
    method: &Method,
    headers: &HeaderMap,
    form_token: Option<&str>,
) -> Result<(), CsrfError> {
    if is_safe_method(method) {
        return Ok(());
    }
    check_origin(cfg, headers)?;
    let header_token = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    let token = header_token
        .or(form_token.filter(|v| !v.is_empty()))
        .ok_or(CsrfError::MissingToken)?;
    if constant_time_eq(token.as_bytes(), session.csrf_token.as_bytes()) {
        Ok(())
    } else {
        Err(CsrfError::BadToken)
    }
}

/// The Origin half of [`check_csrf`], for state-changing requests that come
/// before any session exists (the development sign-in form).
pub fn check_origin(cfg: &SessionConfig, headers: &HeaderMap) -> Result<(), CsrfError> {
    let expected = &cfg.site_origin;
    if let Some(origin) = headers.get(http::header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        return match normalize_origin(origin) {
            Some(o) if o == *expected => Ok(()),
            _ => Err(CsrfError::CrossOrigin(truncate(origin))),
        };
    }
    if let Some(referer) = headers.get(http::header::REFERER) {
        let referer = referer.to_str().unwrap_or("");
        return match normalize_origin(referer) {
            Some(o) if o == *expected => Ok(()),
            _ => Err(CsrfError::CrossOrigin(truncate(referer))),
        };
    }
    Err(CsrfError::MissingOrigin)
}

fn truncate(s: &str) -> String {
    s.chars().take(100).collect()
}

// ---------------------------------------------------------------------------
// Helpers shared with the sign-in flow.

/// Seconds since the Unix epoch (0 before it).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `n` random bytes, base64url without padding.
pub(crate) fn random_token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(crate::records::random_bytes(n))
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mac_key(secret: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, secret)
}

fn mac_input(purpose: &str, payload_b64: &str) -> Vec<u8> {
    let mut input = Vec::with_capacity(purpose.len() + 1 + payload_b64.len());
    input.extend_from_slice(purpose.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(payload_b64.as_bytes());
    input
}

/// `v1.<payload>.<mac>` for `value`, bound to `purpose`.
pub(crate) fn sign<T: Serialize>(secret: &[u8], purpose: &str, value: &T) -> String {
    assert!(
        secret.len() >= MIN_SECRET_LEN,
        "the session secret must be at least {MIN_SECRET_LEN} bytes"
    );
    let json = serde_json::to_vec(value).expect("token payloads serialize");
    let payload = URL_SAFE_NO_PAD.encode(json);
    let tag = hmac::sign(&mac_key(secret), &mac_input(purpose, &payload));
    format!("v1.{payload}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// The value of a token made by [`sign`] with the same secret and purpose;
/// `None` when anything does not verify.
pub(crate) fn verify<T: DeserializeOwned>(secret: &[u8], purpose: &str, token: &str) -> Option<T> {
    if secret.len() < MIN_SECRET_LEN || token.len() > 4096 {
        return None;
    }
    let rest = token.strip_prefix("v1.")?;
    let (payload, tag) = rest.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    hmac::verify(&mac_key(secret), &mac_input(purpose, payload), &tag).ok()?;
    let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&json).ok()
}

/// Every value of the cookie `name` in the request's `Cookie` headers.
pub(crate) fn cookie_values<'a>(
    headers: &'a HeaderMap,
    name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k.trim() == name).then(|| v.trim().trim_matches('"'))
        })
}

pub(crate) fn cookie_header(
    cfg: &SessionConfig,
    name: &str,
    value: &str,
    path: &str,
    max_age: u64,
) -> String {
    let secure = if cfg.secure_cookie { "; Secure" } else { "" };
    format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

pub(crate) fn clear_cookie(cfg: &SessionConfig, name: &str, path: &str) -> String {
    let secure = if cfg.secure_cookie { "; Secure" } else { "" };
    format!(
        "{name}=; Path={path}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax{secure}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn cfg() -> SessionConfig {
        SessionConfig::new(vec![7u8; 32], "https://mentoring.example.org").unwrap()
    }

    fn with_cookie(c: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::COOKIE, HeaderValue::from_str(c).unwrap());
        h
    }

    fn cookie_pair(set_cookie: &str) -> String {
        set_cookie.split(';').next().unwrap().to_string()
    }

    #[test]
    fn round_trip_and_expiry() {
        let cfg = cfg();
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let issued = issue_session(&cfg, "m-1", now);
        let h = with_cookie(&format!("a=b; {}", cookie_pair(&issued.set_cookie)));
        let s = read_session(&cfg, &h, now).unwrap();
        assert_eq!(s.member_id, "m-1");
        assert_eq!(s.csrf_token, issued.csrf_token);
        assert!(!s.needs_rotation);
        let later = now + Duration::from_secs(6 * 60);
        assert!(read_session(&cfg, &h, later).unwrap().needs_rotation);
        assert!(read_session(&cfg, &h, now + cfg.ttl).is_none());
    }

    #[test]
    fn rotation_keeps_csrf_and_stops_at_ceiling() {
        let cfg = cfg();
        let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let issued = issue_session(&cfg, "m-1", t0);
        let s = read_session(&cfg, &with_cookie(&cookie_pair(&issued.set_cookie)), t0).unwrap();
        let t1 = t0 + Duration::from_secs(600);
        let rotated = rotate_session(&cfg, &s, t1).unwrap();
        assert_eq!(rotated.csrf_token, issued.csrf_token);
        let s2 = read_session(&cfg, &with_cookie(&cookie_pair(&rotated.set_cookie)), t1).unwrap();
        assert_eq!(s2.authenticated_at, t0);
        assert!(rotate_session(&cfg, &s2, t0 + cfg.max_lifetime).is_none());
    }

    #[test]
    fn tampered_or_foreign_tokens_are_refused() {
        let cfg = cfg();
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let issued = issue_session(&cfg, "m-1", now);
        let pair = cookie_pair(&issued.set_cookie);
        let (name, token) = pair.split_once('=').unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        payload["sub"] = "m-2".into();
        let forged = format!(
            "v1.{}.{}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap()),
            parts[2]
        );
        assert!(read_session(&cfg, &with_cookie(&format!("{name}={forged}")), now).is_none());
        let other = SessionConfig {
            secret: vec![8u8; 32],
            ..cfg.clone()
        };
        assert!(read_session(&other, &with_cookie(&pair), now).is_none());
        // A token signed for another purpose is not a session.
        let flow = sign(&cfg.secret, "duos/oidc-flow/v1", &payload);
        assert!(read_session(&cfg, &with_cookie(&format!("{name}={flow}")), now).is_none());
    }

    #[test]
    fn local_origins_get_plain_cookies() {
        let local = SessionConfig::new(vec![1; 32], "http://localhost:8080").unwrap();
        assert!(!local.secure_cookie);
        assert_eq!(local.cookie_name, "duos_session");
        assert!(matches!(
            SessionConfig::new(vec![1; 32], "http://example.org"),
            Err(ConfigError::InsecureOrigin(_))
        ));
        assert_eq!(
            SessionConfig::new(vec![1; 8], "https://example.org").unwrap_err(),
            ConfigError::ShortSecret
        );
        assert_eq!(
            normalize_origin("HTTPS://Example.org:443/path?q").as_deref(),
            Some("https://example.org")
        );
    }
}
