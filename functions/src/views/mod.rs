//! Server-rendered pages: the per-member pages that drive the functions,
//! the same code on Lambda (the session function, which also serves
//! `members/`) and under `duos serve`.
//!
//! The site's static pages cannot know who is reading them, nor carry the
//! session's CSRF token, so every page with a form that changes something,
//! or with data of the signed-in member, is rendered here per request:
//!
//! | page | what |
//! |---|---|
//! | `GET /members/` | your program: roles, applications, next steps |
//! | `GET /members/apply/` | apply as mentee or as mentor (`POST /api/applications`) |
//! | `GET /members/profile/` | your profile: every field, pause / resume ([`profile`]) |
//! | `POST /members/profile/preview/` | the profile page as it would be published, then save (`POST /api/profile`) |
//! | `GET /apply/done/` | the result of an application (accepted, waitlist place N, submitted) |
//! | `GET /members/nominate/` | nominate a member (`POST /api/nominations`) |
//! | `GET /nominate/done/` | the result of a nomination |
//! | `GET /nominate/consent/?token=` | a nominee answers (`POST /api/nominations/consent`) |
//! | `GET /nominate/consent/done/` | the result of the answer |
//! | `GET /members/requests/` | mentee: your requests (withdraw); mentor: requests to you (accept, decline) |
//! | `GET /members/requests/new/?mentor=M2001` | send a match request (`POST /api/matches`) |
//! | `GET /members/duo/` | your duo, its liaison; your earlier duos |
//! | `GET /members/surveys/<id>/` | a survey's form (`POST /api/surveys/<id>/responses`) or "answered" |
//! | `GET /members/surveys/done/?survey=<id>` | the result of answering |
//! | `GET /members/committee/applications/[?cohort=ID]` | approve / decline applications |
//! | `GET /members/committee/duos/[?cohort=ID]` | duos and their liaisons (assign one) |
//! | `GET /members/committee/surveys/[?cohort=ID]` | survey response rates |
//! | `GET /members/report/[?cohort=ID]` | the committee's report |
//!
//! Which cohort a page is about is [`mentoring::cohort_focus`]'s decision: a
//! participant's duo, requests and surveys follow the cohorts they take part
//! in; the committee's pages show the running cohort unless `?cohort=ID`
//! picks another, with a selector of plain links (the next cohort one click
//! away).
//!
//! Every form is a plain HTML form: a post goes to the API, which answers
//! with `303` to one of these pages (or, on an error, the error page with
//! its field messages and a link back); the theme's JavaScript only
//! enhances them (inline errors next to the fields, no page reload).
//!
//! The pages are tera templates in `themes/default/views/*.html`, compiled
//! into the function (`include_str!`), rendered into the site's own layout:
//! [`handle`] takes a *shell*, any page the generator built (the members
//! directory page), and replaces its `<main>` and `<title>`, so the pages
//! look like the site and use its fingerprinted CSS and JS.
//!
//! The code, one module per page family, each page's context a typed
//! struct (`#[derive(Serialize)]`) merged into the context every page
//! shares:
//!
//! | module | what |
//! |---|---|
//! | `page` | the templates, `Page`, `ViewError`, rendering, the layout ([`wrap`]) |
//! | `viewer` | the signed-in member (`Viewer`), `me` and the menu (each link from [`mentoring::permissions::permitted`]), the context every page shares |
//! | `cohorts` | which cohort a page shows; the committee's cohort selector |
//! | `cards`, `load` | the records as several pages show them; reading them |
//! | `home`, `apply`, `requests`, `duo`, `surveys`, `alumni`, `offer` | the members' pages |
//! | [`profile`], `profile_form` | the profile form, its preview, a refused save |
//! | `committee`, `liaison`, `matching`, `audit`, `report` | the committee's pages |

use std::collections::BTreeMap;

use http::header::SET_COOKIE;
use http::{HeaderValue, Method, Request, Response, StatusCode};

use crate::app::App;
use crate::auth::rotate_session;
use crate::clock::system_time;

mod alumni;
mod apply;
mod audit;
mod cards;
mod cohorts;
mod committee;
mod duo;
mod home;
mod liaison;
mod load;
mod matching;
mod offer;
mod page;
pub mod profile;
mod profile_form;
mod report;
mod requests;
mod surveys;
#[cfg(test)]
mod tests;
mod viewer;

pub use page::wrap;
use page::{html_response, see_other, text_response, Page, ViewError};
pub use report::REPORT_PATH;
use viewer::Viewer;

/// The paths [`handle`] answers (exact paths; `{id}` is one segment).
pub const PATHS: &[&str] = &[
    home::PATH,
    apply::APPLY_PATH,
    profile::PROFILE_PATH,
    profile::PREVIEW_PATH,
    apply::APPLY_DONE_PATH,
    apply::NOMINATE_PATH,
    apply::NOMINATE_DONE_PATH,
    apply::CONSENT_PATH,
    apply::CONSENT_DONE_PATH,
    requests::REQUESTS_PATH,
    requests::NEW_PATH,
    duo::PATH,
    surveys::PATH,
    committee::APPLICATIONS_PATH,
    committee::DUOS_PATH,
    committee::SURVEYS_PATH,
    alumni::PATH,
    offer::PATH,
    audit::AUDIT_PATH,
    liaison::LIAISON_PATH,
    matching::PAIRING_PATH,
    matching::SUGGESTIONS_PATH,
    REPORT_PATH,
];

/// Whether `path` is one of the views' pages.
pub fn is_view(path: &str) -> bool {
    PATHS
        .iter()
        .any(|t| crate::router::match_path(t, path).is_some())
}

/// Answers a view's page; `None` for any other path (or method), so the
/// caller goes on to the members gate or the static site. `shell` is a
/// page of the built site whose layout the view is rendered into (`None`:
/// a plain layout).
pub async fn handle(
    app: &App,
    req: &Request<Vec<u8>>,
    shell: Option<&str>,
) -> Option<Response<Vec<u8>>> {
    let path = req.uri().path();
    if !is_view(path) {
        return None;
    }
    let preview_post = req.method() == Method::POST && path == profile::PREVIEW_PATH;
    if req.method() != Method::GET && req.method() != Method::HEAD && !preview_post {
        return None;
    }
    let query = query_of(req);
    let moment = app.moment();
    let now = system_time(moment.now);
    let signed_in = match crate::roles::signed_in(app, req.headers(), &moment).await {
        Ok(Some(signed_in)) => signed_in,
        Ok(None) => return Some(to_sign_in(req)),
        Err(e) => {
            tracing::warn!("reading the session: {e}");
            return Some(text_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "This page is not available right now; please try again.",
            ));
        }
    };
    let session = signed_in.session.clone();
    if path == REPORT_PATH {
        return Some(report::reply(app, &session.member_id, &query, moment.today).await);
    }
    let body = if preview_post {
        match profile::preview_body(app, &session, req) {
            Ok(body) => Some(body),
            Err(e) => {
                return Some(crate::http::response::html_page(
                    e.status,
                    &e.title,
                    &format!("<p>{}</p>", crate::http::response::escape(&e.message)),
                ))
            }
        }
    } else {
        None
    };
    let viewer = Viewer::of(signed_in, moment.today);
    if path == audit::AUDIT_PATH {
        if let Some(csv) = audit::csv_reply(app, &viewer, &query, moment.today).await {
            return Some(csv);
        }
    }
    let page = render_page(app, &viewer, path, &query, body).await;
    let page = page.unwrap_or_else(ViewError::into_page);
    let html = wrap(shell, &page.title, &page.main, &app.config.program.name);
    let mut resp = html_response(page.status, html);
    if session.needs_rotation {
        if let Some(rotated) = rotate_session(&app.session, &session, now) {
            if let Ok(v) = HeaderValue::from_str(&rotated.set_cookie) {
                resp.headers_mut().append(SET_COOKIE, v);
            }
        }
    }
    Some(resp)
}

/// The request's query parameters (the last of a repeated one).
fn query_of(req: &Request<Vec<u8>>) -> BTreeMap<String, String> {
    crate::http::text::query_pairs(req.uri())
}

/// No session: to the sign-in, and back to this page after it.
fn to_sign_in(req: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let mut next = req.uri().path().to_owned();
    if let Some(q) = req.uri().query() {
        next.push('?');
        next.push_str(q);
    }
    see_other(&format!(
        "/auth/login?next={}",
        crate::http::response::query_value(&next)
    ))
}

/// The page at `path` for `viewer`: each page family's module.
async fn render_page(
    app: &App,
    viewer: &Viewer,
    path: &str,
    query: &BTreeMap<String, String>,
    body: Option<crate::http::Body>,
) -> Result<Page, ViewError> {
    let query = &viewer::every_query_key(query);
    let ctx = viewer.page_context(app, query);
    match path {
        home::PATH => home::page(app, viewer, ctx).await,
        apply::APPLY_PATH => apply::apply_page(ctx),
        apply::APPLY_DONE_PATH => apply::apply_done_page(ctx),
        apply::NOMINATE_PATH | apply::NOMINATE_DONE_PATH => apply::nominate_page(ctx),
        apply::CONSENT_PATH | apply::CONSENT_DONE_PATH => apply::consent_page(ctx, query),
        profile::PROFILE_PATH | profile::PREVIEW_PATH => {
            profile::page(app, viewer, ctx, body).await
        }
        requests::REQUESTS_PATH => requests::requests_page(app, viewer, ctx).await,
        requests::NEW_PATH => requests::new_page(app, viewer, ctx, query).await,
        duo::PATH => duo::page(app, viewer, ctx).await,
        alumni::PATH => alumni::page(app, viewer, ctx).await,
        offer::PATH => offer::page(app, viewer, ctx).await,
        committee::APPLICATIONS_PATH => committee::applications_page(app, viewer, ctx, query).await,
        committee::DUOS_PATH => committee::duos_page(app, viewer, ctx, query).await,
        committee::SURVEYS_PATH => committee::surveys_page(app, viewer, ctx, query).await,
        audit::AUDIT_PATH => audit::page(app, viewer, ctx, query).await,
        liaison::LIAISON_PATH => liaison::page(app, viewer, ctx, query).await,
        matching::PAIRING_PATH => matching::pairing_page(app, viewer, ctx, query).await,
        matching::SUGGESTIONS_PATH => matching::suggestions_page(app, viewer, ctx).await,
        _ => match crate::router::match_path(surveys::PATH, path) {
            Some(params) => surveys::page(app, viewer, ctx, &params[0], query).await,
            None => Err(ViewError::not_found()),
        },
    }
}
