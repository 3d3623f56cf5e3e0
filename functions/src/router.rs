//! The one entry point of every function: [`handle_api`] takes an
//! `http::Request<Vec<u8>>`, the shared [`App`] and a route table and
//! returns the response, the same on Lambda (each function with its own
//! table, [`crate::routes`]) and under `duos serve` ([`handle`]: every
//! table, and sign-in).
//!
//! Order of checks for an API request:
//! 1. `/auth/*` goes to [`crate::auth::handle_auth`] ([`handle_auth`]);
//! 2. a body over 64 KiB: 413;
//! 3. the route (the table, e.g. [`ROUTES`]): unknown path 404, known path
//!    with another method 405 with `Allow`;
//! 4. the session, read with the caller's roster entry and applications in
//!    one batch ([`crate::roles::signed_in`]: a valid cookie, not signed
//!    out, its member on the roster in good standing): none 401;
//! 5. the body (JSON or form; 400 / 415) and, for POST, the CSRF check
//!    ([`crate::auth::check_csrf`]: Origin + `X-CSRF-Token` header or
//!    `_csrf` form field): 403;
//! 6. roles (from step 4's applications: [`crate::roles`]) and [`mentoring::permitted`] with the route's
//!    [`Action`]: 403;
//! 7. `Idempotency-Key` ([`crate::idempotency`]) for POSTs that carry one
//!    (never recorded for an anonymous survey's answer:
//!    [`crate::idempotency::may_record`]);
//! 8. the handler. Object-level rules (only *your* request...) are the
//!    handler's, through `mentoring`.

// `Problem` is large, and it is the cold path: no need to box it.
#![allow(clippy::result_large_err)]

use std::future::Future;
use std::pin::Pin;

use http::header::{CONTENT_LENGTH, REFERER, SET_COOKIE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use mentoring::permissions::{permitted, Action};

use crate::app::App;
use crate::auth::{check_csrf, rotate_session, Session};
use crate::clock::system_time;
use crate::handlers::Call;
use crate::http::body;
use crate::http::{Outcome, Problem, MAX_BODY};
use crate::idempotency::{self, Claim};
use crate::roles;

/// A boxed handler future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A handler: the app and the checked call in, a reply or a problem out.
pub type Handler = fn(&App, Call) -> BoxFuture<'_, Outcome>;

/// One API route.
#[derive(Clone, Copy)]
pub struct Route {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Path template; `{id}` matches one path segment.
    pub path: &'static str,
    /// What it does; [`mentoring::permitted`] decides who may.
    pub action: Action,
    /// Whether a plain HTML form may post to it (answered with 303).
    pub form: bool,
    /// The handler.
    pub handler: Handler,
    /// For a form post refused with field errors: the form shown again,
    /// filled as sent (the profile form); `None`: the problem page.
    pub refused_form: Option<RefusedForm>,
}

/// Renders a refused plain form post's form again (see
/// [`Route::refused_form`]); `None` falls back to the problem page.
pub type RefusedForm = for<'a> fn(
    &'a App,
    &'a Session,
    &'a http::HeaderMap,
    &'a [u8],
    &'a Problem,
) -> BoxFuture<'a, Option<Response<Vec<u8>>>>;

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("action", &self.action)
            .field("form", &self.form)
            .finish()
    }
}

pub use crate::routes::ROUTES;

/// The path parameters of `path` if it matches `template`.
pub fn match_path(template: &str, path: &str) -> Option<Vec<String>> {
    let mut params = Vec::new();
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(params),
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') => {
                if ps.is_empty() {
                    return None;
                }
                let decoded = crate::http::text::percent_decode_path(ps)?;
                params.push(decoded);
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return None,
        }
    }
}

/// The route of `routes` for `method` and `path`: `Ok(route, params)`, or
/// the problem (404 unknown path, 405 with the allowed methods).
pub fn find_route(
    routes: &'static [Route],
    method: &Method,
    path: &str,
) -> Result<(&'static Route, Vec<String>), Problem> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for r in routes {
        if let Some(params) = match_path(r.path, path) {
            if r.method == method.as_str() {
                return Ok((r, params));
            }
            if !allowed.contains(&r.method) {
                allowed.push(r.method);
            }
        }
    }
    if allowed.is_empty() {
        Err(Problem::not_found(format!("There is no API at {path}.")))
    } else {
        Err(Problem::method_not_allowed(&allowed))
    }
}

/// Handles one request with every route and sign-in (see the module docs
/// for the order of checks): `duos serve` and the tests. A Lambda function
/// calls [`handle_api`] with its own table, and [`handle_auth`] if it signs
/// in, so it links nothing else.
pub async fn handle(app: &App, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
    match handle_auth(app, &req).await {
        Some(response) => response,
        None => handle_api(app, ROUTES, req).await,
    }
}

/// `/auth/*` (sign-in, [`crate::auth::handle_auth`]); `None` for any other
/// path. Without a sign-in service: 503.
pub async fn handle_auth(app: &App, req: &Request<Vec<u8>>) -> Option<Response<Vec<u8>>> {
    let path = req.uri().path();
    if path != "/auth" && !path.starts_with("/auth/") {
        return None;
    }
    Some(match &app.auth {
        Some(auth) => match crate::auth::handle_auth(auth, req).await {
            Some(r) => r,
            None => Problem::not_found("No such page.").to_response(),
        },
        None => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Sign-in is not available",
            "Sign-in is not configured for this function.",
        )
        .to_response(),
    })
}

/// One API request answered from `routes` (checks 2 to 8 of the module
/// docs).
pub async fn handle_api(
    app: &App,
    routes: &'static [Route],
    req: Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    let path = req.uri().path().to_owned();
    let form = body::is_form(req.headers());
    let back = back_link(app, &req);
    let render_err = |p: Problem| {
        if form {
            p.to_html(back.as_deref())
        } else {
            p.to_response()
        }
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if req.body().len() > MAX_BODY || declared > MAX_BODY {
        return render_err(Problem::too_large(MAX_BODY));
    }
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path.as_str()
    };
    let (route, params) = match find_route(routes, req.method(), trimmed) {
        Ok(found) => found,
        Err(p) => return render_err(p),
    };
    let moment = app.moment();
    let now = system_time(moment.now);
    let signed_in = match roles::signed_in(app, req.headers(), &moment).await {
        Ok(Some(signed_in)) => signed_in,
        Ok(None) => return render_err(Problem::unauthorized()),
        Err(e) => return render_err(Problem::from_store(&e)),
    };
    let session = &signed_in.session;
    let mut parsed = match body::parse(req.headers(), req.body()) {
        Ok(b) => b,
        Err(p) => return render_err(p),
    };
    let form_token = parsed.take_csrf();
    if let Err(e) = check_csrf(
        &app.session,
        session,
        req.method(),
        req.headers(),
        form_token.as_deref(),
    ) {
        return render_err(Problem::csrf(&e));
    }
    if form && !route.form {
        return render_err(Problem::unsupported_media_type());
    }
    if !permitted(&signed_in.roles, route.action) {
        return render_err(Problem::new(
            StatusCode::FORBIDDEN,
            "not_permitted",
            "Not allowed",
            "Your role in the program does not allow this.",
        ));
    }
    let (session, caller) = signed_in.into_caller();
    let idem_key =
        if req.method() == Method::POST && idempotency::may_record(app, route.action, &params) {
            match idempotency::key_of(req.headers()) {
                Ok(k) => k,
                Err(p) => return render_err(p),
            }
        } else {
            None
        };
    let query: Vec<(String, String)> = crate::http::text::query_pairs(req.uri());
    let call = Call {
        caller,
        params,
        query,
        body: parsed,
        form,
        moment,
    };
    let sent = Sent {
        form,
        back: back.as_deref(),
        session: &session,
        req: &req,
    };
    let mut response = match idem_key {
        None => render(route, app, call, &sent).await,
        Some(key) => {
            let fp = idempotency::fingerprint(
                req.method().as_str(),
                trimmed,
                req.uri().query(),
                req.body(),
            );
            match idempotency::claim(app, &session.member_id, &key, &fp).await {
                Err(p) => render_err(p),
                Ok(Claim::Replay(r)) => r,
                Ok(Claim::Fresh { claim_id }) => {
                    let r = render(route, app, call, &sent).await;
                    idempotency::complete(app, &session.member_id, &key, &claim_id, &r).await;
                    r
                }
            }
        }
    };
    if session.needs_rotation {
        if let Some(rotated) = rotate_session(&app.session, &session, now) {
            if let Ok(v) = HeaderValue::from_str(&rotated.set_cookie) {
                response.headers_mut().append(SET_COOKIE, v);
            }
        }
    }
    response
}

/// The request as sent, for answering a plain form post.
struct Sent<'a> {
    /// A plain HTML form post (`application/x-www-form-urlencoded`).
    form: bool,
    /// The form's page ([`back_link`]).
    back: Option<&'a str>,
    session: &'a Session,
    req: &'a Request<Vec<u8>>,
}

async fn render(route: &Route, app: &App, call: Call, sent: &Sent<'_>) -> Response<Vec<u8>> {
    match (route.handler)(app, call).await {
        Ok(reply) => match (&reply.redirect, sent.form) {
            (Some(location), true) => crate::http::response::see_other(location),
            _ => crate::http::response::json(reply.status, &reply.body),
        },
        Err(p) if sent.form => match form_again(route, app, sent, &p).await {
            Some(page) => page,
            None => p.to_html(sent.back),
        },
        Err(p) => p.to_response(),
    }
}

/// A refused plain form post whose form is shown again, filled as sent,
/// with each field's message, instead of the problem page (the route's
/// [`Route::refused_form`]: fields refused, 400).
async fn form_again(
    route: &Route,
    app: &App,
    sent: &Sent<'_>,
    p: &Problem,
) -> Option<Response<Vec<u8>>> {
    let again = route.refused_form?;
    if p.status != 400 || p.errors.is_empty() {
        return None;
    }
    again(app, sent.session, sent.req.headers(), sent.req.body(), p).await
}

/// The `Referer`'s path when it is on the site (the form to go back to).
fn back_link(app: &App, req: &Request<Vec<u8>>) -> Option<String> {
    let referer = req.headers().get(REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    if url.origin().ascii_serialization() != app.session.site_origin {
        return None;
    }
    let mut back = url.path().to_owned();
    if let Some(q) = url.query() {
        back.push('?');
        back.push_str(q);
    }
    Some(back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_matches_its_action() {
        for r in ROUTES {
            assert_eq!(
                r.action.route(),
                Some((r.method, r.path)),
                "{r:?} disagrees with Action::route"
            );
        }
        let api_actions: Vec<Action> = Action::ALL
            .iter()
            .copied()
            .filter(|a| a.route().is_some())
            .collect();
        assert_eq!(ROUTES.len(), api_actions.len());
        for a in api_actions {
            assert!(ROUTES.iter().any(|r| r.action == a), "{a:?} has no route");
        }
    }

    #[test]
    fn paths_match_templates() {
        assert_eq!(
            match_path("/api/matches/{id}/accept", "/api/matches/abc/accept"),
            Some(vec!["abc".to_owned()])
        );
        assert_eq!(
            match_path("/api/matches/{id}/accept", "/api/matches//accept"),
            None
        );
        assert_eq!(match_path("/api/matches", "/api/matches/x"), None);
        assert_eq!(
            match_path(
                "/api/applications/{id}/approve",
                "/api/applications/mentee-M%201/approve"
            ),
            Some(vec!["mentee-M 1".to_owned()])
        );
        let (r, p) = find_route(ROUTES, &Method::POST, "/api/duos/d1/liaison").unwrap();
        assert_eq!(r.action, Action::AssignLiaison);
        assert_eq!(p, ["d1"]);
        let e = find_route(ROUTES, &Method::DELETE, "/api/matches").unwrap_err();
        assert_eq!(e.status, 405);
        assert_eq!(e.headers[0].1, "POST, GET");
        assert_eq!(
            find_route(ROUTES, &Method::GET, "/api/nope")
                .unwrap_err()
                .status,
            404
        );
    }
}
