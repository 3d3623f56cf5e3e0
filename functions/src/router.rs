//! The one entry point of every function: [`handle`] takes an
//! `http::Request<Vec<u8>>` and the shared [`App`] and returns the
//! response, the same on Lambda and under `duos serve`.
//!
//! Order of checks for an API request:
//! 1. `/auth/*` goes to [`crate::auth::handle_auth`];
//! 2. a body over 64 KiB: 413;
//! 3. the route ([`ROUTES`]): unknown path 404, known path with another
//!    method 405 with `Allow`;
//! 4. the session ([`crate::roles::active_session`]: a valid cookie, not
//!    signed out, its member on the roster in good standing): none 401;
//! 5. the body (JSON or form; 400 / 415) and, for POST, the CSRF check
//!    ([`crate::auth::check_csrf`]: Origin + `X-CSRF-Token` header or
//!    `_csrf` form field): 403;
//! 6. roles ([`crate::roles`]) and [`mentoring::permitted`] with the route's
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
use crate::auth::{check_csrf, rotate_session};
use crate::clock::system_time;
use crate::handlers::{self, Call};
use crate::http::body;
use crate::http::{Outcome, Problem, MAX_BODY};
use crate::idempotency::{self, Claim};
use crate::roles::{self, Caller};

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
}

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

macro_rules! boxed {
    ($($name:ident => $imp:path;)*) => {
        $(
            fn $name(app: &App, call: Call) -> BoxFuture<'_, Outcome> {
                Box::pin($imp(app, call))
            }
        )*
    };
}

boxed! {
    h_apply => handlers::applications::apply;
    h_list_applications => handlers::applications::list;
    h_approve_application => handlers::applications::approve;
    h_decline_application => handlers::applications::decline;
    h_nominate => handlers::nominations::nominate;
    h_consent => handlers::nominations::consent;
    h_request_match => handlers::matches::request;
    h_accept_match => handlers::matches::accept;
    h_decline_match => handlers::matches::decline;
    h_withdraw_match => handlers::matches::withdraw;
    h_list_matches => handlers::matches::list_own;
    h_list_duos => handlers::duos::list;
    h_assign_liaison => handlers::duos::assign_liaison;
    h_end_duo => handlers::duos::end_early;
    h_answer_survey => handlers::surveys::answer;
    h_survey_stats => handlers::surveys::stats;
    h_me => handlers::me::me;
    h_alumni => crate::alumni::opt_in;
    h_volunteer => crate::alumni::volunteer;
    h_withdraw_application => handlers::waitlist::withdraw;
    h_confirm_offer => handlers::waitlist::confirm_offer;
    h_get_profile => handlers::profile::get;
    h_save_profile => handlers::profile::save;
    h_pause_listing => handlers::profile::pause;
    h_resume_listing => handlers::profile::resume;
    h_relist => handlers::profile::relist;
    h_confirm_pairings => handlers::pairings::confirm;
    h_accept_pairing => handlers::pairings::accept;
    h_decline_pairing => handlers::pairings::decline;
}

const fn route(
    method: &'static str,
    path: &'static str,
    action: Action,
    form: bool,
    handler: Handler,
) -> Route {
    Route {
        method,
        path,
        action,
        form,
        handler,
    }
}

/// THE route table: every API route, its action and its handler. Each
/// entry's method and path equal [`Action::route`] of its action (tested).
pub static ROUTES: &[Route] = &[
    route("POST", "/api/applications", Action::Apply, true, h_apply),
    route(
        "GET",
        "/api/applications",
        Action::ListApplications,
        false,
        h_list_applications,
    ),
    route(
        "POST",
        "/api/applications/{id}/approve",
        Action::ApproveApplication,
        true,
        h_approve_application,
    ),
    route(
        "POST",
        "/api/applications/{id}/decline",
        Action::DeclineApplication,
        true,
        h_decline_application,
    ),
    route(
        "POST",
        "/api/nominations",
        Action::Nominate,
        true,
        h_nominate,
    ),
    route(
        "POST",
        "/api/nominations/consent",
        Action::AnswerNomination,
        true,
        h_consent,
    ),
    route(
        "POST",
        "/api/matches",
        Action::RequestMatch,
        true,
        h_request_match,
    ),
    route(
        "POST",
        "/api/matches/{id}/accept",
        Action::AcceptMatch,
        true,
        h_accept_match,
    ),
    route(
        "POST",
        "/api/matches/{id}/decline",
        Action::DeclineMatch,
        true,
        h_decline_match,
    ),
    route(
        "POST",
        "/api/matches/{id}/withdraw",
        Action::WithdrawMatch,
        true,
        h_withdraw_match,
    ),
    route(
        "GET",
        "/api/matches",
        Action::ListOwnMatches,
        false,
        h_list_matches,
    ),
    route("GET", "/api/duos", Action::ListDuos, false, h_list_duos),
    route(
        "POST",
        "/api/duos/{id}/liaison",
        Action::AssignLiaison,
        true,
        h_assign_liaison,
    ),
    route(
        "POST",
        "/api/duos/{id}/end",
        Action::EndDuoEarly,
        true,
        h_end_duo,
    ),
    route(
        "POST",
        "/api/surveys/{id}/responses",
        Action::AnswerSurvey,
        true,
        h_answer_survey,
    ),
    route(
        "GET",
        "/api/surveys/{id}/stats",
        Action::ViewSurveyStats,
        false,
        h_survey_stats,
    ),
    route("GET", "/api/me", Action::ViewMe, false, h_me),
    route("POST", "/api/alumni", Action::AlumniOptIn, true, h_alumni),
    route(
        "POST",
        "/api/alumni/volunteer",
        Action::VolunteerAsMentor,
        true,
        h_volunteer,
    ),
    route(
        "POST",
        "/api/applications/{id}/withdraw",
        Action::WithdrawApplication,
        true,
        h_withdraw_application,
    ),
    route(
        "POST",
        "/api/offers/{id}/confirm",
        Action::ConfirmOffer,
        true,
        h_confirm_offer,
    ),
    route(
        "GET",
        "/api/profile",
        Action::GetProfile,
        false,
        h_get_profile,
    ),
    route(
        "POST",
        "/api/profile",
        Action::SaveProfile,
        true,
        h_save_profile,
    ),
    route(
        "POST",
        "/api/profile/pause",
        Action::PauseListing,
        true,
        h_pause_listing,
    ),
    route(
        "POST",
        "/api/profile/resume",
        Action::ResumeListing,
        true,
        h_resume_listing,
    ),
    route(
        "POST",
        "/api/profile/relist",
        Action::RelistMentor,
        true,
        h_relist,
    ),
    route(
        "POST",
        "/api/pairings",
        Action::ProposePairings,
        true,
        h_confirm_pairings,
    ),
    route(
        "POST",
        "/api/pairings/{id}/accept",
        Action::AcceptPairing,
        true,
        h_accept_pairing,
    ),
    route(
        "POST",
        "/api/pairings/{id}/decline",
        Action::DeclinePairing,
        true,
        h_decline_pairing,
    ),
];

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

/// The route for `method` and `path`: `Ok(route, params)`, or the problem
/// (404 unknown path, 405 with the allowed methods).
pub fn find_route(method: &Method, path: &str) -> Result<(&'static Route, Vec<String>), Problem> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for r in ROUTES {
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

/// Handles one request (see the module docs for the order of checks).
pub async fn handle(app: &App, req: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = req.uri().path().to_owned();
    if path == "/auth" || path.starts_with("/auth/") {
        return match &app.auth {
            Some(auth) => match crate::auth::handle_auth(auth, &req).await {
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
        };
    }
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
    let (route, params) = match find_route(req.method(), trimmed) {
        Ok(found) => found,
        Err(p) => return render_err(p),
    };
    let moment = app.moment();
    let now = system_time(moment.now);
    let session =
        match roles::active_session(app.store.as_ref(), &app.session, req.headers(), now).await {
            Ok(Some(session)) => session,
            Ok(None) => return render_err(Problem::unauthorized()),
            Err(e) => return render_err(Problem::from_store(&e)),
        };
    let mut parsed = match body::parse(req.headers(), req.body()) {
        Ok(b) => b,
        Err(p) => return render_err(p),
    };
    let form_token = parsed.take_csrf();
    if let Err(e) = check_csrf(
        &app.session,
        &session,
        req.method(),
        req.headers(),
        form_token.as_deref(),
    ) {
        return render_err(Problem::csrf(&e));
    }
    if form && !route.form {
        return render_err(Problem::unsupported_media_type());
    }
    let (roles, participations) = match roles::resolve(
        app.store.as_ref(),
        &app.config.program,
        &session.member_id,
        moment.today,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return render_err(Problem::from_store(&e)),
    };
    if !permitted(&roles, route.action) {
        return render_err(Problem::new(
            StatusCode::FORBIDDEN,
            "not_permitted",
            "Not allowed",
            "Your role in the program does not allow this.",
        ));
    }
    let caller = Caller {
        member_id: session.member_id.clone(),
        roles,
        participations,
        csrf_token: session.csrf_token.clone(),
    };
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
    session: &'a crate::auth::Session,
    req: &'a Request<Vec<u8>>,
}

async fn render(route: &Route, app: &App, call: Call, sent: &Sent<'_>) -> Response<Vec<u8>> {
    match (route.handler)(app, call).await {
        Ok(reply) => match (&reply.redirect, sent.form) {
            (Some(location), true) => crate::http::response::see_other(location),
            _ => crate::http::response::json(reply.status, &reply.body),
        },
        Err(p) if sent.form => match form_again(app, route.action, sent, &p).await {
            Some(page) => page,
            None => p.to_html(sent.back),
        },
        Err(p) => p.to_response(),
    }
}

/// A refused plain form post whose form is shown again, filled as sent,
/// with each field's message, instead of the problem page: the profile
/// form (fields refused: 400).
async fn form_again(
    app: &App,
    action: Action,
    sent: &Sent<'_>,
    p: &Problem,
) -> Option<Response<Vec<u8>>> {
    if action != Action::SaveProfile || p.status != 400 || p.errors.is_empty() {
        return None;
    }
    let (headers, bytes) = (sent.req.headers(), sent.req.body());
    crate::views::profile::save_refused(app, sent.session, headers, bytes, p).await
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
        let (r, p) = find_route(&Method::POST, "/api/duos/d1/liaison").unwrap();
        assert_eq!(r.action, Action::AssignLiaison);
        assert_eq!(p, ["d1"]);
        let e = find_route(&Method::DELETE, "/api/matches").unwrap_err();
        assert_eq!(e.status, 405);
        assert_eq!(e.headers[0].1, "POST, GET");
        assert_eq!(
            find_route(&Method::GET, "/api/nope").unwrap_err().status,
            404
        );
    }
}
