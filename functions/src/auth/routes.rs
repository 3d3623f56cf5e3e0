//! `/auth/*`: sign-in with the OpenID provider, the callback, sign-out (and,
//! with the `dev-signin` feature, the development sign-in).

use http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::oidc::{OidcClient, OidcConfig, OidcError};
use super::session::{
    self, check_csrf, clear_cookie, clear_session_cookie, constant_time_eq, cookie_header,
    cookie_values, issue_session, random_token, read_session, unix, SessionConfig,
};
use super::{MemberDirectory, SignInMember};

/// Where members land after signing in when they did not ask for a page.
pub const DEFAULT_NEXT: &str = "/members/";

const FLOW_PURPOSE: &str = "duos/oidc-flow/v1";

/// Everything `/auth/*` needs. Build it once per process (Lambda cold start
/// or `duos serve` start) and share it (`Arc<AuthService>`).
pub struct AuthService {
    pub(super) session: SessionConfig,
    oidc: Option<OidcClient>,
    pub(super) members: Arc<dyn MemberDirectory>,
    flow_ttl: Duration,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
    #[cfg(feature = "dev-signin")]
    pub(super) dev: Option<super::dev::DevSignin>,
}

impl fmt::Debug for AuthService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthService")
            .field("session", &self.session)
            .field("oidc", &self.oidc)
            .finish_non_exhaustive()
    }
}

impl AuthService {
    /// Sign-in through the OpenID provider `oidc`; members are looked up in
    /// `members` (the roster). This is the only constructor the Lambda
    /// functions use; it never offers the development sign-in.
    pub fn new(
        session: SessionConfig,
        oidc: OidcConfig,
        members: Arc<dyn MemberDirectory>,
    ) -> Result<AuthService, OidcError> {
        Ok(AuthService {
            oidc: Some(OidcClient::new(oidc)?),
            ..AuthService::without_provider(session, members)
        })
    }

    /// No OpenID provider: `/auth/login` answers 503 (or, with a development
    /// sign-in enabled, sends the browser there).
    pub fn without_provider(
        session: SessionConfig,
        members: Arc<dyn MemberDirectory>,
    ) -> AuthService {
        AuthService {
            session,
            oidc: None,
            members,
            flow_ttl: Duration::from_secs(10 * 60),
            clock: Arc::new(SystemTime::now),
            #[cfg(feature = "dev-signin")]
            dev: None,
        }
    }

    /// Replaces the clock (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Fn() -> SystemTime + Send + Sync>) -> AuthService {
        self.clock = clock;
        self
    }

    /// The session configuration handlers need for [`super::read_session`]
    /// and [`super::check_csrf`].
    pub fn session_config(&self) -> &SessionConfig {
        &self.session
    }

    /// The relying party, when a provider is configured.
    pub fn oidc(&self) -> Option<&OidcClient> {
        self.oidc.as_ref()
    }

    pub(super) fn now(&self) -> SystemTime {
        (self.clock)()
    }

    fn flow_cookie_name(&self) -> &'static str {
        if self.session.secure_cookie {
            "__Host-duos_signin"
        } else {
            "duos_signin"
        }
    }

    /// Whether the development sign-in is on (feature compiled in, enabled
    /// at run time, not on Lambda).
    pub fn dev_signin_enabled(&self) -> bool {
        #[cfg(feature = "dev-signin")]
        {
            self.dev.is_some() && !super::dev::on_lambda()
        }
        #[cfg(not(feature = "dev-signin"))]
        {
            false
        }
    }
}

/// The short-lived state of one sign-in, kept in a signed cookie between
/// `/auth/login` and `/auth/callback`.
#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    exp: u64,
}

/// Serves `/auth/*`; `None` for every other path, so a router can try it
/// first. Responses are complete (status, headers, HTML body) and never
/// cached. `B` is any body that is bytes: `Vec<u8>`, `String`,
/// `lambda_http::Body`, ...
pub async fn handle_auth<B: AsRef<[u8]>>(
    svc: &AuthService,
    req: &Request<B>,
) -> Option<Response<Vec<u8>>> {
    let path = req.uri().path();
    if path != "/auth" && !path.starts_with("/auth/") {
        return None;
    }
    let path = path.trim_end_matches('/');
    let method = req.method();
    let resp = match path {
        "/auth/login" => match *method {
            Method::GET | Method::HEAD => login(svc, req).await,
            _ => method_not_allowed("GET"),
        },
        "/auth/callback" => match *method {
            Method::GET => callback(svc, req).await,
            _ => method_not_allowed("GET"),
        },
        "/auth/logout" => match *method {
            Method::POST => logout(svc, req).await,
            _ => method_not_allowed("POST"),
        },
        #[cfg(feature = "dev-signin")]
        "/auth/dev" if svc.dev_signin_enabled() => super::dev::handle(svc, req).await,
        _ => page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such sign-in page.",
            None,
        ),
    };
    Some(resp)
}

async fn login<B>(svc: &AuthService, req: &Request<B>) -> Response<Vec<u8>> {
    let next = safe_next(query_param(req, "next").as_deref());
    let Some(oidc) = svc.oidc.as_ref() else {
        if svc.dev_signin_enabled() {
            return redirect(
                StatusCode::SEE_OTHER,
                &format!("/auth/dev?next={}", encode(&next)),
            );
        }
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is not available",
            "This site has no sign-in provider configured.",
            None,
        );
    };
    let flow = Flow {
        state: random_token(32),
        nonce: random_token(32),
        verifier: random_token(32),
        next,
        exp: unix(svc.now()) + svc.flow_ttl.as_secs(),
    };
    let target = match oidc
        .authorization_url(&flow.state, &flow.nonce, &flow.verifier)
        .await
    {
        Ok(url) => url,
        Err(e) => return provider_unavailable(&e),
    };
    let token = session::sign(&svc.session.secret, FLOW_PURPOSE, &flow);
    let mut resp = redirect(StatusCode::FOUND, &target);
    add_cookie(
        &mut resp,
        &cookie_header(
            &svc.session,
            svc.flow_cookie_name(),
            &token,
            "/",
            svc.flow_ttl.as_secs(),
        ),
    );
    resp
}

async fn callback<B>(svc: &AuthService, req: &Request<B>) -> Response<Vec<u8>> {
    let clear_flow = clear_cookie(&svc.session, svc.flow_cookie_name(), "/");
    let mut resp = callback_inner(svc, req).await;
    add_cookie(&mut resp, &clear_flow);
    resp
}

async fn callback_inner<B>(svc: &AuthService, req: &Request<B>) -> Response<Vec<u8>> {
    let try_again = Some(("/auth/login", "Sign in again"));
    if let Some(error) = query_param(req, "error") {
        let message = match error.as_str() {
            "access_denied" => "Sign-in was cancelled.".to_string(),
            other => format!(
                "The sign-in provider refused the sign-in ({}).",
                clip(other)
            ),
        };
        return page(StatusCode::FORBIDDEN, "Not signed in", &message, try_again);
    }
    let (Some(code), Some(state)) = (query_param(req, "code"), query_param(req, "state")) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Not signed in",
            "The sign-in answer is incomplete.",
            try_again,
        );
    };
    let Some(oidc) = svc.oidc.as_ref() else {
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is not available",
            "This site has no sign-in provider configured.",
            None,
        );
    };
    // RFC 9207: a provider that names itself in the answer must be ours
    // (defeats mix-ups between providers).
    if let Some(iss) = query_param(req, "iss") {
        if iss != oidc.config().issuer {
            return page(
                StatusCode::BAD_REQUEST,
                "Not signed in",
                "The sign-in answer comes from another provider.",
                try_again,
            );
        }
    }
    let now = svc.now();
    let flow: Option<Flow> = cookie_values(req.headers(), svc.flow_cookie_name())
        .find_map(|v| session::verify(&svc.session.secret, FLOW_PURPOSE, v));
    let Some(flow) = flow.filter(|f| f.exp > unix(now)) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in took too long or was started in another browser. Please sign in again.",
            try_again,
        );
    };
    if !constant_time_eq(flow.state.as_bytes(), state.as_bytes()) {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in answer does not belong to the sign-in this browser started. Please sign in again.",
            try_again,
        );
    }
    let expires = SystemTime::UNIX_EPOCH + Duration::from_secs(flow.exp);
    match svc.members.consume_state(&flow.state, expires).await {
        Ok(true) => {}
        Ok(false) => {
            return page(
                StatusCode::BAD_REQUEST,
                "Sign-in already used",
                "This sign-in answer was already used. Please sign in again.",
                try_again,
            )
        }
        Err(e) => return internal(&e.to_string()),
    }
    let signed_in = match oidc.exchange(&code, &flow.verifier, &flow.nonce, now).await {
        Ok(s) => s,
        Err(OidcError::Token(e)) => {
            return page(
                StatusCode::FORBIDDEN,
                "Not signed in",
                &format!("The sign-in could not be verified: {e}."),
                try_again,
            )
        }
        Err(e) => return provider_unavailable(&e),
    };
    let claims = &signed_in.claims;
    let member = match find_member(
        svc,
        &claims.issuer,
        &claims.subject,
        signed_in.verified_email.as_deref(),
    )
    .await
    {
        Ok(m) => m,
        Err(e) => return internal(&e),
    };
    let member = match member {
        Some(m) => m,
        None => {
            return page(
                StatusCode::FORBIDDEN,
                "Not on the member roster",
                &match signed_in.verified_email.as_deref() {
                    Some(email) => format!(
                        "You signed in as {email}, but no member of the association has that address on the roster. \
                         This site is for members only; if you are a member, please write to the program's committee \
                         so they can correct your roster entry."
                    ),
                    None => "Your sign-in provider did not confirm an e-mail address we could find on the member \
                             roster. This site is for members only; please write to the program's committee."
                        .to_string(),
                },
                None,
            )
        }
    };
    sign_in_response(svc, &member, &flow.next, now)
}

async fn find_member(
    svc: &AuthService,
    issuer: &str,
    subject: &str,
    verified_email: Option<&str>,
) -> Result<Option<SignInMember>, String> {
    let by_subject = svc
        .members
        .by_subject(issuer, subject)
        .await
        .map_err(|e| e.to_string())?;
    if by_subject.is_some() {
        return Ok(by_subject);
    }
    let Some(email) = verified_email else {
        return Ok(None);
    };
    let by_email = svc
        .members
        .by_email(email)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(m) = &by_email {
        svc.members
            .link_subject(issuer, subject, &m.member_id)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(by_email)
}

/// The answer to a successful sign-in: 403 page for members not in good
/// standing, else the session cookie and a 303 to `next`.
pub(super) fn sign_in_response(
    svc: &AuthService,
    member: &SignInMember,
    next: &str,
    now: SystemTime,
) -> Response<Vec<u8>> {
    if !member.good_standing {
        return page(
            StatusCode::FORBIDDEN,
            "Membership not in good standing",
            "Only members of the association in good standing may use this site. \
             Please renew your membership, or write to the association's office if you believe this is a mistake.",
            None,
        );
    }
    let issued = issue_session(&svc.session, &member.member_id, now);
    let mut resp = redirect(StatusCode::SEE_OTHER, &safe_next(Some(next)));
    add_cookie(&mut resp, &issued.set_cookie);
    resp
}

async fn logout<B: AsRef<[u8]>>(svc: &AuthService, req: &Request<B>) -> Response<Vec<u8>> {
    if let Some(session) = read_session(&svc.session, req.headers(), svc.now()) {
        let form_token = form_field(req.body().as_ref(), session::CSRF_FORM_FIELD);
        if let Err(e) = check_csrf(
            &svc.session,
            &session,
            req.method(),
            req.headers(),
            form_token.as_deref(),
        ) {
            return page(
                StatusCode::FORBIDDEN,
                "Not signed out",
                &format!("The sign-out request was refused: {e}."),
                None,
            );
        }
        // Ended on the server: the cookie, or a copy of it, no longer works.
        if let Err(e) = svc
            .members
            .revoke_session(&session.family(), session.lifetime_end(&svc.session))
            .await
        {
            tracing::warn!("sign-out of {}: {e}", session.member_id);
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Not signed out",
                "The sign-out could not be recorded; please try again.",
                None,
            );
        }
    }
    let mut resp = redirect(StatusCode::SEE_OTHER, "/");
    add_cookie(&mut resp, &clear_session_cookie(&svc.session));
    resp
}

// ---------------------------------------------------------------------------
// Small HTTP helpers.

pub(super) fn query_param<B>(req: &Request<B>, name: &str) -> Option<String> {
    let query = req.uri().query()?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub(super) fn form_field(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

use crate::http::response::query_value as encode;

/// A same-site path to go to after sign-in: must start with one `/`, hold
/// no backslash or control character, and not be an `/auth/` page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && !n.starts_with("/auth/")
                && n.len() <= 1024 =>
        {
            n.to_string()
        }
        _ => DEFAULT_NEXT.to_string(),
    }
}

fn add_cookie(resp: &mut Response<Vec<u8>>, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(SET_COOKIE, v);
    }
}

pub(super) fn redirect(status: StatusCode, location: &str) -> Response<Vec<u8>> {
    let mut resp = Response::new(Vec::new());
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn method_not_allowed(allow: &'static str) -> Response<Vec<u8>> {
    let mut resp = page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        "This page does not accept that kind of request.",
        None,
    );
    resp.headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    resp
}

fn provider_unavailable(e: &OidcError) -> Response<Vec<u8>> {
    tracing::warn!("sign-in: {e}");
    page(
        StatusCode::BAD_GATEWAY,
        "Sign-in is unavailable",
        "The sign-in service could not be reached or answered unexpectedly. Please try again in a few minutes.",
        Some(("/auth/login", "Try again")),
    )
}

fn internal(detail: &str) -> Response<Vec<u8>> {
    tracing::error!("sign-in: {detail}");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Sign-in failed because of a problem on our side. Please try again in a few minutes.",
        None,
    )
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

pub(crate) use crate::http::text::escape as escape_html;

/// A plain error page for `status` (members-only pages, other handlers).
pub fn error_page(status: StatusCode, title: &str) -> Response<Vec<u8>> {
    let message = match status.as_u16() {
        400 => "The address of this page is not valid.",
        403 => "You are signed in, but your part in the program does not include this page.",
        404 => "There is no such page.",
        405 => "This page does not accept that kind of request.",
        _ => "Something went wrong on our side. Please try again in a few minutes.",
    };
    page(
        status,
        title,
        message,
        Some(("/members/", "Members' pages")),
    )
}

/// A small, complete HTML page (all text escaped).
pub(crate) fn page(
    status: StatusCode,
    title: &str,
    message: &str,
    link: Option<(&str, &str)>,
) -> Response<Vec<u8>> {
    let link = link
        .map(|(href, text)| {
            format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape_html(href),
                escape_html(text)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<p>{m}</p>\n{link}<p><a href=\"/\">Home</a></p>\n",
        m = escape_html(message),
    );
    crate::http::response::html_page(status, title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_site() {
        assert_eq!(safe_next(Some("/members/mentors/")), "/members/mentors/");
        for bad in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "/auth/logout",
            "members/",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), DEFAULT_NEXT, "{bad:?}");
        }
        assert_eq!(safe_next(None), DEFAULT_NEXT);
    }

    #[test]
    fn pages_escape_text() {
        let resp = page(StatusCode::FORBIDDEN, "<x>", "a & \"b\"", None);
        let body = String::from_utf8(resp.into_body()).unwrap();
        assert!(body.contains("&lt;x&gt;"));
        assert!(body.contains("a &amp; &quot;b&quot;"));
    }
}
