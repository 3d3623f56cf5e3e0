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

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::duo::Duo;
use mentoring::matching::MatchRequest;
use mentoring::permissions::{permitted, Action, Role};
use mentoring::program::Cohort;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::app::App;
use crate::auth::{rotate_session, Session};
use crate::clock::system_time;
use crate::records::{self, keys};
use crate::roles::{self, Participation};
use crate::store::Query;

mod audit;
mod cohorts;
mod liaison;
mod matching;
mod offer;
pub mod profile;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "_macros.html",
        include_str!("../../../themes/default/views/_macros.html"),
    ),
    (
        "home.html",
        include_str!("../../../themes/default/views/home.html"),
    ),
    (
        "apply.html",
        include_str!("../../../themes/default/views/apply.html"),
    ),
    (
        "apply_done.html",
        include_str!("../../../themes/default/views/apply_done.html"),
    ),
    (
        "nominate.html",
        include_str!("../../../themes/default/views/nominate.html"),
    ),
    (
        "consent.html",
        include_str!("../../../themes/default/views/consent.html"),
    ),
    (
        "requests.html",
        include_str!("../../../themes/default/views/requests.html"),
    ),
    (
        "request_new.html",
        include_str!("../../../themes/default/views/request_new.html"),
    ),
    (
        "duo.html",
        include_str!("../../../themes/default/views/duo.html"),
    ),
    (
        "survey.html",
        include_str!("../../../themes/default/views/survey.html"),
    ),
    (
        "committee_applications.html",
        include_str!("../../../themes/default/views/committee_applications.html"),
    ),
    (
        "committee_duos.html",
        include_str!("../../../themes/default/views/committee_duos.html"),
    ),
    (
        "committee_surveys.html",
        include_str!("../../../themes/default/views/committee_surveys.html"),
    ),
    (
        "committee_audit.html",
        include_str!("../../../themes/default/views/committee_audit.html"),
    ),
    (
        "committee_liaison.html",
        include_str!("../../../themes/default/views/committee_liaison.html"),
    ),
    (
        "committee_pairing.html",
        include_str!("../../../themes/default/views/committee_pairing.html"),
    ),
    (
        "suggestions.html",
        include_str!("../../../themes/default/views/suggestions.html"),
    ),
    (
        "message.html",
        include_str!("../../../themes/default/views/message.html"),
    ),
    (
        "alumni.html",
        include_str!("../../../themes/default/views/alumni.html"),
    ),
    (
        "offer.html",
        include_str!("../../../themes/default/views/offer.html"),
    ),
    (
        "profile.html",
        include_str!("../../../themes/default/views/profile.html"),
    ),
    (
        "profile_preview.html",
        include_str!("../../../themes/default/views/profile_preview.html"),
    ),
];

fn templates() -> &'static tera::Tera {
    static TERA: OnceLock<tera::Tera> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        t.add_raw_templates(TEMPLATES.iter().copied())
            .expect("the view templates compile (tested)");
        t
    })
}

/// The paths [`handle`] answers (exact paths; `{id}` is one segment).
pub const PATHS: &[&str] = &[
    "/members/",
    "/members/apply/",
    profile::PROFILE_PATH,
    profile::PREVIEW_PATH,
    "/apply/done/",
    "/members/nominate/",
    "/nominate/done/",
    "/nominate/consent/",
    "/nominate/consent/done/",
    "/members/requests/",
    "/members/requests/new/",
    "/members/duo/",
    "/members/surveys/{id}/",
    "/members/committee/applications/",
    "/members/committee/duos/",
    "/members/committee/surveys/",
    "/members/alumni/",
    "/members/offer/",
    audit::AUDIT_PATH,
    liaison::LIAISON_PATH,
    matching::PAIRING_PATH,
    matching::SUGGESTIONS_PATH,
    REPORT_PATH,
];

/// The committee's report ([`crate::report::page`]), a page of its own
/// (print-friendly, self-contained), not rendered into the site's layout.
pub const REPORT_PATH: &str = "/members/report/";

/// The query parameters the templates read (the result pages' flags).
const QUERY_KEYS: &[&str] = &[
    "status",
    "side",
    "place",
    "decided",
    "assigned",
    "answered",
    "survey",
    "token",
    "mentor",
    "cohort",
    "confirmed",
    "withdrawn",
    "proposed",
    "member",
    "action",
    "ended",
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
    let query: BTreeMap<String, String> = crate::http::text::query_pairs(req.uri());
    let moment = app.moment();
    let now = system_time(moment.now);
    let session =
        match crate::roles::active_session(app.store.as_ref(), &app.session, req.headers(), now)
            .await
        {
            Ok(session) => session,
            Err(e) => {
                eprintln!("duos: reading the session: {e}");
                return Some(
                    Response::builder()
                        .status(StatusCode::SERVICE_UNAVAILABLE)
                        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                        .header(CACHE_CONTROL, "no-store")
                        .body(b"This page is not available right now; please try again.".to_vec())
                        .expect("valid response"),
                );
            }
        };
    let Some(session) = session else {
        let mut next = path.to_owned();
        if let Some(q) = req.uri().query() {
            next.push('?');
            next.push_str(q);
        }
        let to = format!(
            "/auth/login?next={}",
            crate::http::response::query_value(&next)
        );
        return Some(see_other(&to));
    };
    if path == REPORT_PATH {
        let program = &app.config.program;
        let cohort = query
            .get(cohorts::COHORT_PARAM)
            .cloned()
            .or_else(|| {
                mentoring::cohort_focus::committee_default(program, moment.today)
                    .map(|c| c.id.clone())
            })
            .unwrap_or_default();
        let page = crate::report::page(app, &session.member_id, &cohort).await;
        return Some(with_report_selector(app, page, &cohort, moment.today));
    }
    let body = if preview_post {
        match preview_body(app, &session, req) {
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
    let page = match Viewer::load(app, &session, moment.today).await {
        Ok(viewer) if path == audit::AUDIT_PATH => {
            if let Some(csv) = audit::csv_reply(app, &viewer, &query, moment.today).await {
                return Some(csv);
            }
            render_page(app, &viewer, path, &query, body).await
        }
        Ok(viewer) => render_page(app, &viewer, path, &query, body).await,
        Err(e) => Err(e),
    };
    let (status, title, main) = match page {
        Ok(Page {
            title,
            main,
            status,
        }) => (status, title, main),
        Err(ViewError {
            status,
            title,
            message,
        }) => {
            let mut ctx = tera::Context::new();
            ctx.insert("title", &title);
            ctx.insert("message", &message);
            let main = templates()
                .render("message.html", &ctx)
                .unwrap_or_else(|e| {
                    format!("<p>{}</p>", crate::http::response::escape(&e.to_string()))
                });
            (status, title, main)
        }
    };
    let body = wrap(shell, &title, &main, &app.config.program.name);
    let mut resp = crate::http::response::html_in_site_shell(status, body);
    if session.needs_rotation {
        if let Some(rotated) = rotate_session(&app.session, &session, now) {
            if let Ok(v) = HeaderValue::from_str(&rotated.set_cookie) {
                resp.headers_mut().append(SET_COOKIE, v);
            }
        }
    }
    Some(resp)
}

/// The form body of a preview post, its CSRF token checked (the same
/// check as every state-changing API call, though a preview changes
/// nothing: the form is the member's own).
fn preview_body(
    app: &App,
    session: &Session,
    req: &Request<Vec<u8>>,
) -> Result<crate::http::Body, ViewError> {
    if req.body().len() > crate::http::MAX_BODY {
        return Err(ViewError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Too large",
            "The form is larger than the server accepts.",
        ));
    }
    let mut body = crate::http::body::parse(req.headers(), req.body()).map_err(|p| {
        ViewError::new(
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            p.detail,
        )
    })?;
    let token = body.take_csrf();
    crate::auth::check_csrf(
        &app.session,
        session,
        req.method(),
        req.headers(),
        token.as_deref(),
    )
    .map_err(|e| {
        ViewError::new(
            StatusCode::FORBIDDEN,
            "Not accepted",
            crate::http::Problem::csrf(&e).detail,
        )
    })?;
    Ok(body)
}

/// The report with the committee's cohort selector at the top of its body
/// (a page that was refused is left as it is).
fn with_report_selector(
    app: &App,
    mut page: Response<Vec<u8>>,
    cohort: &str,
    today: NaiveDate,
) -> Response<Vec<u8>> {
    if page.status() != StatusCode::OK {
        return page;
    }
    let nav = cohorts::selector_html(&app.config.program, today, cohort, REPORT_PATH);
    let body = String::from_utf8_lossy(page.body()).into_owned();
    if let Some(at) = body.find("<body>").map(|i| i + "<body>".len()) {
        let mut out = String::with_capacity(body.len() + nav.len() + 1);
        out.push_str(&body[..at]);
        out.push('\n');
        out.push_str(&nav);
        out.push_str(&body[at..]);
        *page.body_mut() = out.into_bytes();
    }
    page
}

fn see_other(to: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(LOCATION, to)
        .header(CACHE_CONTROL, "no-store")
        .body(Vec::new())
        .expect("valid response")
}

/// `shell` with its `<title>` and the inside of its `<main ...>` replaced.
pub fn wrap(shell: Option<&str>, title: &str, main: &str, site_name: &str) -> String {
    let full_title = format!(
        "{} · {}",
        crate::http::response::escape(title),
        crate::http::response::escape(site_name)
    );
    if let Some(shell) = shell {
        if let (Some(m_open), Some(m_close)) = (shell.find("<main"), shell.rfind("</main>")) {
            if let Some(gt) = shell[m_open..].find('>') {
                let inner_start = m_open + gt + 1;
                let mut out = String::with_capacity(shell.len() + main.len());
                let head = &shell[..inner_start];
                let head = match (head.find("<title>"), head.find("</title>")) {
                    (Some(a), Some(b)) if a < b => {
                        format!("{}<title>{full_title}{}", &head[..a], &head[b..])
                    }
                    _ => head.to_owned(),
                };
                // The shell's navigation marks its own page as current.
                out.push_str(&head.replace(" aria-current=\"page\"", ""));
                out.push('\n');
                out.push_str(main);
                out.push('\n');
                out.push_str(&shell[m_close..]);
                return out;
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{full_title}</title></head>\n\
<body><main id=\"main\">\n{main}\n</main></body></html>\n"
    )
}

/// A rendered page: its title and its `<main>` content.
struct Page {
    title: String,
    main: String,
    /// 200, or 400 for a form shown again with its problems.
    status: StatusCode,
}

/// A page that could not be shown.
#[derive(Debug)]
struct ViewError {
    status: StatusCode,
    title: String,
    message: String,
}

impl ViewError {
    fn new(status: StatusCode, title: &str, message: impl Into<String>) -> ViewError {
        ViewError {
            status,
            title: title.to_owned(),
            message: message.into(),
        }
    }
    fn not_found() -> ViewError {
        ViewError::new(StatusCode::NOT_FOUND, "Not found", "There is no such page.")
    }
    fn forbidden(message: &str) -> ViewError {
        ViewError::new(StatusCode::FORBIDDEN, "Not for your role", message)
    }
}

impl<E: std::fmt::Display> From<E> for ViewError {
    fn from(e: E) -> ViewError {
        eprintln!("duos: view: {e}");
        ViewError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The page could not be shown; please try again in a moment.",
        )
    }
}

/// The signed-in member as the pages see them.
struct Viewer {
    member_id: String,
    name: String,
    email: String,
    csrf: String,
    roles: Vec<Role>,
    participations: Vec<Participation>,
    today: NaiveDate,
}

impl Viewer {
    async fn load(app: &App, session: &Session, today: NaiveDate) -> Result<Viewer, ViewError> {
        let store = app.store.as_ref();
        let member = records::load_member(store, &session.member_id)
            .await
            .map_err(ViewError::from)?;
        let (roles, participations) =
            roles::resolve(store, &app.config.program, &session.member_id, today)
                .await
                .map_err(ViewError::from)?;
        let (name, email) = member.map(|m| (m.name, m.email)).unwrap_or_default();
        Ok(Viewer {
            member_id: session.member_id.clone(),
            name,
            email,
            csrf: session.csrf_token.clone(),
            roles,
            participations,
            today,
        })
    }

    fn may(&self, action: Action) -> bool {
        permitted(&self.roles, action)
    }

    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn context(&self, app: &App) -> tera::Context {
        let mut ctx = tera::Context::new();
        let program = &app.config.program;
        // The menu's links, each from the permission table: no link that
        // would answer 403.
        let may = json!({
            "applications": self.may(Action::ListApplications),
            "duos": self.may(Action::ListDuos),
            "surveys": self.may(Action::ViewSurveyStats),
            "report": self.may(Action::ViewCommitteeReport),
            "audit": self.may(Action::ViewAuditTrail),
            "liaison": self.may(Action::ViewLiaisonDuos),
            "pairing": self.may(Action::ViewPairing),
            "suggestions": self.may(Action::ViewSuggestions),
        });
        ctx.insert(
            "me",
            &json!({
                "id": self.member_id,
                "name": self.name,
                "email": self.email,
                "mentee": self.has(Role::Mentee),
                "mentor": self.has(Role::Mentor),
                "committee": self.has(Role::Committee) || self.has(Role::Chair) || self.has(Role::Staff),
                "chair": self.has(Role::Chair),
                "roles": self.roles.iter().map(|r| format!("{r:?}").to_lowercase()).collect::<Vec<_>>(),
                "may": may,
            }),
        );
        ctx.insert("csrf", &self.csrf);
        ctx.insert(
            "site",
            &json!({
                "name": program.name,
                "contact_email": program.contact_email,
                "directory_url": "/members/mentors/",
            }),
        );
        ctx.insert("expertise", &program.expertise);
        ctx.insert("today", &self.today.to_string());
        ctx
    }
}

/// The cohort of the pages about applying (apply, nominate, a new match
/// request): the one taking applications, else the current one.
fn applications_cohort(app: &App, today: NaiveDate) -> Option<&Cohort> {
    let program = &app.config.program;
    mentoring::cohort_focus::taking_applications(program, today)
        .or_else(|| program.current_cohort(today))
}

fn render(name: &str, ctx: &tera::Context, title: &str) -> Result<Page, ViewError> {
    let main = templates().render(name, ctx).map_err(|e| {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        ViewError::from(msg)
    })?;
    Ok(Page {
        title: title.to_owned(),
        main,
        status: StatusCode::OK,
    })
}

async fn render_page(
    app: &App,
    viewer: &Viewer,
    path: &str,
    query: &BTreeMap<String, String>,
    body: Option<crate::http::Body>,
) -> Result<Page, ViewError> {
    let mut ctx = viewer.context(app);
    // Every query parameter a template asks about, present (maybe empty),
    // so that templates can compare them.
    let mut query = query.clone();
    for key in QUERY_KEYS {
        query.entry((*key).to_owned()).or_default();
    }
    let query = &query;
    ctx.insert("query", query);
    let cohort = applications_cohort(app, viewer.today);
    let program = &app.config.program;
    let taking_part = viewer.taking_part();
    if let Some(c) = cohort {
        ctx.insert("cohort", &json!({"id": c.id, "name": c.name, "applications_open": c.applications_open, "matching_deadline": c.matching_deadline, "launch": c.launch, "accepting": c.accepts_applications(viewer.today)}));
    }
    let participation =
        cohort.and_then(|c| viewer.participations.iter().find(|p| p.cohort == c.id));
    ctx.insert(
        "mentee_application",
        &participation
            .and_then(|p| p.mentee.as_ref())
            .map(mentee_json),
    );
    ctx.insert(
        "mentor_application",
        &participation
            .and_then(|p| p.mentor.as_ref())
            .map(mentor_json),
    );
    match path {
        "/members/" => {
            let duo_cohort =
                mentoring::cohort_focus::duo_cohort(program, viewer.today, &taking_part);
            if let Some(c) = duo_cohort {
                let duos = load_duos(app, &c.id).await?;
                let mine = duos.iter().any(|d| d.has_party(&viewer.member_id));
                ctx.insert("has_duo", &mine);
            }
            ctx.insert("my_applications", &my_applications(app, viewer));
            // A mentor of an earlier cohort: listed for the open one with
            // one click (POST /api/profile/relist).
            let mut relist = Json::Null;
            if let Some(open) = mentoring::cohort_focus::taking_applications(program, viewer.today)
            {
                let applied = app
                    .store
                    .get(&keys::mentor_app(&open.id, &viewer.member_id))
                    .await?
                    .is_some();
                if !applied {
                    if let Some(before) =
                        crate::handlers::profile::listed_before(app, open, &viewer.member_id)
                            .await
                            .map_err(|p| ViewError::from(p.detail))?
                    {
                        let from = program
                            .cohort(&before.cohort)
                            .map(|c| c.name.clone())
                            .unwrap_or(before.cohort);
                        relist = json!({"cohort": open.name, "from": from});
                    }
                }
            }
            ctx.insert("relist", &relist);
            let surveys: Vec<Json> = app
                .config
                .surveys
                .values()
                .filter_map(|s| {
                    let c = mentoring::cohort_focus::survey_cohort(
                        program,
                        s,
                        viewer.today,
                        &taking_part,
                    )
                    .or_else(|| mentoring::cohort_focus::committee_default(program, viewer.today))?;
                    let (opens, closes) = c.survey_window(s);
                    Some(json!({"id": s.id, "title": s.title, "cohort_name": c.name, "opens": opens, "closes": closes, "open": c.survey_open(s, viewer.today)}))
                })
                .collect();
            ctx.insert("surveys", &surveys);
            render("home.html", &ctx, "Your program")
        }
        "/members/apply/" => render("apply.html", &ctx, "Apply"),
        "/members/offer/" => offer::page(app, viewer, &mut ctx).await,
        audit::AUDIT_PATH => audit::page(app, viewer, &mut ctx, query).await,
        liaison::LIAISON_PATH => liaison::page(app, viewer, &mut ctx, query).await,
        matching::PAIRING_PATH => matching::pairing_page(app, viewer, &mut ctx, query).await,
        matching::SUGGESTIONS_PATH => matching::suggestions_page(app, viewer, &mut ctx).await,
        profile::PROFILE_PATH | profile::PREVIEW_PATH => {
            if !viewer.may(Action::EditProfilePage) {
                return Err(ViewError::forbidden("Sign in to write your profile."));
            }
            match body {
                Some(body) => profile::preview_page(app, viewer, ctx, body).await,
                None => profile::form_page(app, viewer, ctx).await,
            }
        }
        "/apply/done/" => render("apply_done.html", &ctx, "Application received"),
        "/members/nominate/" | "/nominate/done/" => {
            render("nominate.html", &ctx, "Nominate a member")
        }
        "/nominate/consent/" | "/nominate/consent/done/" => {
            ctx.insert(
                "token",
                query.get("token").map(String::as_str).unwrap_or_default(),
            );
            render("consent.html", &ctx, "Your nomination")
        }
        "/members/requests/" => {
            let c = mentoring::cohort_focus::requests_cohort(program, viewer.today, &taking_part)
                .or(cohort)
                .ok_or_else(no_cohort)?;
            ctx.insert(
                "requests_cohort",
                &json!({"id": c.id, "name": c.name, "matching_deadline": c.matching_deadline}),
            );
            let requests = load_matches(app, &c.id).await?;
            let now = app.moment().now;
            let mut sent = Vec::new();
            let mut received = Vec::new();
            for r in &requests {
                if r.mentee_id == viewer.member_id {
                    sent.push(match_json(app, r, &r.mentor_id, now).await);
                } else if r.mentor_id == viewer.member_id {
                    let mut j = match_json(app, r, &r.mentee_id, now).await;
                    // The mentor asked sees who asks (the object rule: the
                    // request is to them).
                    if viewer.may(Action::ViewMenteeBackground) {
                        j["mentee"] =
                            crate::handlers::matches::mentee_information(app, &c.id, &r.mentee_id)
                                .await
                                .map_err(|p| ViewError::from(p.detail))?;
                    }
                    received.push(j);
                }
            }
            ctx.insert("sent", &sent);
            ctx.insert("received", &received);
            ctx.insert(
                "pairings",
                &matching::my_pairings(app, viewer, &c.id).await?,
            );
            render("requests.html", &ctx, "Match requests")
        }
        "/members/requests/new/" => {
            // The mentor's name and job are the directory's: only those
            // who may see it (mentees, the committee, staff) see them here.
            if !viewer.may(Action::ViewMentorDirectory) {
                return Err(ViewError::forbidden(
                    "Only the cohort's accepted mentees may ask a mentor; the mentor directory \
                     opens to you once your mentee application is accepted.",
                ));
            }
            let c = cohort.ok_or_else(no_cohort)?;
            let mentor_id = query.get("mentor").cloned().unwrap_or_default();
            let mentor: Option<MentorApplication> =
                records::get(app.store.as_ref(), &keys::mentor_app(&c.id, &mentor_id)).await?;
            let mentor = mentor.filter(|m| m.status.is_listed()).ok_or_else(|| {
                ViewError::new(
                    StatusCode::NOT_FOUND,
                    "No such mentor",
                    "That mentor is not listed in this cohort; choose one in the mentor directory.",
                )
            })?;
            let name = member_name(app, &mentor.member_id).await;
            ctx.insert("mentor", &json!({"id": mentor.member_id, "name": name, "title": mentor.form.title, "institution": mentor.form.institution}));
            render(
                "request_new.html",
                &ctx,
                &format!("Ask {name} to be your mentor"),
            )
        }
        "/members/duo/" => {
            let focus = mentoring::cohort_focus::duo_cohort(program, viewer.today, &taking_part);
            let mut mine = Vec::new();
            if let Some(c) = focus {
                for d in load_duos(app, &c.id)
                    .await?
                    .iter()
                    .filter(|d| d.has_party(&viewer.member_id))
                {
                    let mut j = duo_json(app, c, d, viewer.today).await;
                    // Either of the pair may end it early while it runs.
                    j["may_end"] =
                        json!(viewer.may(Action::EndDuoEarly) && d.is_running(c, viewer.today));
                    mine.push(j);
                }
            }
            let mut others = Vec::new();
            for (c, d) in cohorts::other_duos(app, &viewer.member_id, focus).await? {
                others.push(duo_json(app, c, &d, viewer.today).await);
            }
            ctx.insert("duos", &mine);
            ctx.insert("other_duos", &others);
            render("duo.html", &ctx, "Your duo")
        }
        "/members/committee/applications/" => {
            if !viewer.may(Action::ListApplications) {
                return Err(ViewError::forbidden(
                    "Only the mentoring committee sees the applications.",
                ));
            }
            let c = committee_page_cohort(&mut ctx, program, viewer.today, query, path)?;
            let listed = crate::handlers::applications::load_all(app, &c.id)
                .await
                .map_err(|p| ViewError::from(p.detail.clone()))?;
            let mut rows = Vec::new();
            for l in &listed {
                let (member_id, mut j) = match &l.application {
                    mentoring::application::Application::Mentee(a) => {
                        (a.member_id.clone(), mentee_json(a))
                    }
                    mentoring::application::Application::Mentor(a) => {
                        (a.member_id.clone(), mentor_json(a))
                    }
                };
                j["id"] = json!(l.id);
                j["name"] = json!(member_name(app, &member_id).await);
                // The whole of what the committee decides on: the mentor's
                // profile, the mentee's background.
                match &l.application {
                    mentoring::application::Application::Mentor(_) => {
                        j["profile"] = json!(crate::records::profile::load(
                            app.store.as_ref(),
                            &member_id
                        )
                        .await?
                        .map(|r| r.profile));
                    }
                    mentoring::application::Application::Mentee(_) => {
                        if viewer.may(Action::ViewMenteeBackground) {
                            j["mentee"] = crate::handlers::matches::mentee_information(
                                app, &c.id, &member_id,
                            )
                            .await
                            .map_err(|p| ViewError::from(p.detail))?;
                        }
                    }
                }
                rows.push(j);
            }
            ctx.insert("applications", &rows);
            ctx.insert("mentee_cap", &c.mentee_cap);
            ctx.insert("may_decide", &viewer.may(Action::ApproveApplication));
            render("committee_applications.html", &ctx, "Applications")
        }
        "/members/committee/duos/" => {
            if !viewer.may(Action::ListDuos) {
                return Err(ViewError::forbidden(
                    "Only the mentoring committee sees all duos.",
                ));
            }
            let c = committee_page_cohort(&mut ctx, program, viewer.today, query, path)?;
            let duos = load_duos(app, &c.id).await?;
            let may_assign = viewer.may(Action::AssignLiaison);
            let mut rows = Vec::new();
            for d in &duos {
                let mut j = duo_json(app, c, d, viewer.today).await;
                j["end_reason"] = json!(liaison::end_reason(d, viewer));
                j["running"] = json!(d.is_running(c, viewer.today));
                if may_assign {
                    j["liaison_options"] =
                        json!(liaison::options(app, c, &duos, d, viewer.today).await);
                }
                rows.push(j);
            }
            ctx.insert("duos", &rows);
            ctx.insert("may_assign", &may_assign);
            render("committee_duos.html", &ctx, "Duos and liaisons")
        }
        "/members/alumni/" => {
            let program = &app.config.program;
            let standing = crate::alumni::standing(
                app.store.as_ref(),
                program,
                &viewer.member_id,
                viewer.today,
            )
            .await?;
            let open = program.cohort_accepting_applications(viewer.today);
            let alumnus_of_another = |mentor_only: bool| {
                standing.iter().any(|s| {
                    s.completed
                        && open.is_some_and(|o| o.id != s.cohort)
                        && (!mentor_only || s.side == mentoring::Side::Mentor)
                })
            };
            let rows: Vec<Json> = standing
                .iter()
                .map(|s| {
                    json!({
                        "cohort": s.cohort,
                        "cohort_name": s.cohort_name,
                        "side": s.side.as_str(),
                        "completed": s.completed,
                        "group": match s.joined {
                            Some(true) => "joined",
                            Some(false) => "left",
                            None => "undecided",
                        },
                    })
                })
                .collect();
            ctx.insert("standing", &rows);
            ctx.insert(
                "volunteer",
                &json!({
                    "open": open.map(|o| json!({"id": o.id, "name": o.name, "matching_deadline": o.matching_deadline})),
                    "one_click": alumnus_of_another(true),
                    "alumnus": alumnus_of_another(false),
                }),
            );
            render("alumni.html", &ctx, "Alumni")
        }
        "/members/committee/surveys/" => {
            if !viewer.may(Action::ViewSurveyStats) {
                return Err(ViewError::forbidden(
                    "Only the mentoring committee sees survey response rates.",
                ));
            }
            let c = committee_page_cohort(&mut ctx, program, viewer.today, query, path)?;
            let duos = load_duos(app, &c.id).await?;
            let mut rows = Vec::new();
            for s in app.config.surveys.values() {
                let answered = app
                    .store
                    .query(
                        &Query::table(keys::survey_pk(&c.id, &s.id)).prefix(keys::RESPONSE_PREFIX),
                    )
                    .await?
                    .len();
                let invited = mentoring::invitation::invited(s, c, &duos).len();
                let rate = (answered * 100 + invited / 2)
                    .checked_div(invited)
                    .unwrap_or(0);
                let (opens, closes) = c.survey_window(s);
                rows.push(json!({"id": s.id, "title": s.title, "answered": answered, "invited": invited, "rate": rate, "opens": opens, "closes": closes, "open": c.survey_open(s, viewer.today)}));
            }
            ctx.insert("surveys", &rows);
            render("committee_surveys.html", &ctx, "Survey response rates")
        }
        _ => {
            let Some(params) = crate::router::match_path("/members/surveys/{id}/", path) else {
                return Err(ViewError::not_found());
            };
            let id = if params[0] == "done" {
                query.get("survey").cloned().unwrap_or_default()
            } else {
                params[0].clone()
            };
            let id = &id;
            let survey = app.config.survey(id).ok_or_else(ViewError::not_found)?;
            let c =
                mentoring::cohort_focus::survey_cohort(program, survey, viewer.today, &taking_part)
                    .or_else(|| mentoring::cohort_focus::committee_default(program, viewer.today))
                    .ok_or_else(no_cohort)?;
            let duos = load_duos(app, &c.id).await?;
            let mut sides = Vec::new();
            for d in duos.iter().filter(|d| d.has_party(&viewer.member_id)) {
                sides.push(if d.mentee_id == viewer.member_id {
                    mentoring::Side::Mentee
                } else {
                    mentoring::Side::Mentor
                });
            }
            let may = mentoring::answers::check_may_answer(survey, c, &sides, viewer.today);
            let done_key = mentoring::answers::dedupe_key(
                &app.config.survey_secret,
                &viewer.member_id,
                &c.id,
                &survey.id,
            );
            let answered = app
                .store
                .get(&keys::survey_done(&c.id, &survey.id, &done_key))
                .await?
                .is_some();
            let (opens, closes) = c.survey_window(survey);
            ctx.insert("survey", survey);
            ctx.insert("survey_cohort", &json!({"id": c.id, "name": c.name}));
            ctx.insert("answered", &(answered || params[0] == "done"));
            ctx.insert("window", &json!({"opens": opens, "closes": closes}));
            ctx.insert("refusal", &may.err().map(|e| e.to_string()));
            render("survey.html", &ctx, &survey.title)
        }
    }
}

/// The cohort a committee page shows (`?cohort=ID`, else the running one),
/// with its selector put into `ctx` as `cohorts`.
fn committee_page_cohort<'a>(
    ctx: &mut tera::Context,
    program: &'a mentoring::program::Program,
    today: NaiveDate,
    query: &BTreeMap<String, String>,
    path: &str,
) -> Result<&'a Cohort, ViewError> {
    let c = cohorts::committee_cohort(program, today, query)?;
    ctx.insert("cohort", &json!({"id": c.id, "name": c.name, "applications_open": c.applications_open, "matching_deadline": c.matching_deadline, "launch": c.launch, "accepting": c.accepts_applications(today)}));
    ctx.insert("cohorts", &cohorts::selector(program, today, c, path));
    Ok(c)
}

/// The viewer's applications in the cohorts in view, newest cohort first,
/// each with its cohort's name (the home page's "where you stand").
fn my_applications(app: &App, viewer: &Viewer) -> Vec<Json> {
    let mut out = Vec::new();
    for p in &viewer.participations {
        let cohort = app.config.program.cohort(&p.cohort);
        let name = cohort
            .map(|c| c.name.clone())
            .unwrap_or_else(|| p.cohort.clone());
        // Withdrawing is for a year not yet over (the handler decides the rest).
        let running = cohort.is_some_and(|c| c.end >= viewer.today);
        for mut j in p
            .mentee
            .iter()
            .map(mentee_json)
            .chain(p.mentor.iter().map(mentor_json))
        {
            j["cohort_name"] = json!(name);
            j["cohort"] = json!(p.cohort);
            let open = !matches!(j["state"].as_str(), Some("withdrawn" | "declined"));
            j["withdrawable"] = json!(running && open);
            out.push(j);
        }
    }
    out
}

fn no_cohort() -> ViewError {
    ViewError::new(
        StatusCode::NOT_FOUND,
        "No cohort",
        "The program has no cohort at the moment.",
    )
}

async fn member_name(app: &App, member_id: &str) -> String {
    match records::load_member(app.store.as_ref(), member_id).await {
        Ok(Some(m)) => m.name,
        _ => member_id.to_owned(),
    }
}

async fn load_matches(app: &App, cohort: &str) -> Result<Vec<MatchRequest>, ViewError> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::MATCH_PREFIX))
        .await?;
    let mut out: Vec<MatchRequest> = items.iter().filter_map(|i| records::read(i).ok()).collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Ok(out)
}

async fn load_duos(app: &App, cohort: &str) -> Result<Vec<Duo>, ViewError> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::DUO_PREFIX))
        .await?;
    let mut out: Vec<Duo> = items.iter().filter_map(|i| records::read(i).ok()).collect();
    out.sort_by_key(|d| d.formed_at);
    Ok(out)
}

async fn match_json(
    app: &App,
    r: &MatchRequest,
    other: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Json {
    let status = r.status_at(now);
    json!({
        "id": r.id,
        "other_id": other,
        "other_name": member_name(app, other).await,
        "message": r.message,
        "created": r.created_at.date_naive(),
        "expires": r.expires_at.date_naive(),
        "state": status.name(),
        "pending": status.name() == "pending",
    })
}

async fn duo_json(app: &App, cohort: &Cohort, d: &Duo, today: NaiveDate) -> Json {
    let contact = |id: String| async move {
        match records::load_member(app.store.as_ref(), &id).await {
            Ok(Some(m)) => json!({"id": m.member_id, "name": m.name, "email": m.email}),
            _ => json!({"id": id, "name": id, "email": ""}),
        }
    };
    json!({
        "id": d.id,
        "cohort": cohort.id,
        "cohort_name": cohort.name,
        "mentor": contact(d.mentor_id.clone()).await,
        "mentee": contact(d.mentee_id.clone()).await,
        "liaison": match &d.liaison_id { Some(l) => contact(l.clone()).await, None => Json::Null },
        "formed": d.formed_at.date_naive(),
        "state": d.status_at(cohort, today).name(),
        "ends": cohort.end,
    })
}

#[derive(Serialize)]
struct AppView<'a> {
    side: &'a str,
    member_id: &'a str,
    submitted: NaiveDate,
    state: &'a str,
    place: Option<u32>,
    ordinal: Option<u64>,
    summary: String,
    detail: &'a str,
    expertise: &'a [String],
}

fn mentee_json(a: &MenteeApplication) -> Json {
    let place = match a.status {
        MenteeStatus::Waitlisted { place } => Some(place),
        _ => None,
    };
    serde_json::to_value(AppView {
        side: "mentee",
        member_id: &a.member_id,
        submitted: a.submitted_at.date_naive(),
        state: a.status.name(),
        place,
        ordinal: a.ordinal,
        summary: shorten(&a.form.goals, 160),
        detail: &a.form.background,
        expertise: &a.form.interests,
    })
    .unwrap_or(Json::Null)
}

fn mentor_json(a: &MentorApplication) -> Json {
    serde_json::to_value(AppView {
        side: "mentor",
        member_id: &a.member_id,
        submitted: a.submitted_at.date_naive(),
        state: a.status.name(),
        place: None,
        ordinal: None,
        summary: format!("{}, {}", a.form.title, a.form.institution),
        detail: &a.form.bio,
        expertise: &a.form.expertise,
    })
    .unwrap_or(Json::Null)
}

/// At most `max` characters of `s`, with an ellipsis when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_compile() {
        let _ = templates();
    }

    #[test]
    fn every_template_renders_with_no_query_and_no_data() {
        let mut ctx = tera::Context::new();
        let query: BTreeMap<String, String> = QUERY_KEYS
            .iter()
            .map(|k| ((*k).to_owned(), String::new()))
            .collect();
        ctx.insert("query", &query);
        ctx.insert("me", &json!({"id": "M1", "name": "A", "email": "a@x", "mentee": false, "mentor": false, "committee": true, "chair": true, "roles": [], "may": {"applications": true, "duos": true, "surveys": true, "report": true, "audit": true, "liaison": true, "pairing": true, "suggestions": true}}));
        ctx.insert("csrf", "t");
        ctx.insert(
            "site",
            &json!({"name": "S", "contact_email": "c@x", "directory_url": "/members/mentors/"}),
        );
        ctx.insert("expertise", &Vec::<Json>::new());
        ctx.insert("today", "2008-03-01");
        ctx.insert("mentee_application", &Json::Null);
        ctx.insert("mentor_application", &Json::Null);
        ctx.insert("token", "");
        ctx.insert("sent", &Vec::<Json>::new());
        ctx.insert("received", &Vec::<Json>::new());
        ctx.insert("duos", &Vec::<Json>::new());
        ctx.insert("applications", &Vec::<Json>::new());
        ctx.insert("mentee_cap", &25);
        ctx.insert("may_decide", &true);
        ctx.insert("may_assign", &true);
        ctx.insert("liaisons", &Vec::<Json>::new());
        ctx.insert("surveys", &Vec::<Json>::new());
        ctx.insert(
            "mentor",
            &json!({"id": "M2", "name": "B", "title": "T", "institution": "I"}),
        );
        ctx.insert(
            "survey",
            &json!({"id": "s", "title": "S", "intro": "", "anonymous": true, "questions": []}),
        );
        ctx.insert("answered", &false);
        ctx.insert(
            "window",
            &json!({"opens": "2008-11-17", "closes": "2008-12-08"}),
        );
        ctx.insert("refusal", &Json::Null);
        ctx.insert(
            "standing",
            &json!([{"cohort": "2008", "cohort_name": "P", "side": "mentee", "completed": true, "group": "undecided"}]),
        );
        ctx.insert(
            "volunteer",
            &json!({"open": {"id": "2009", "name": "N", "matching_deadline": "2009-06-12"}, "one_click": true, "alumnus": true}),
        );
        ctx.insert(
            "cohorts",
            &json!({"selected": {"id": "2008", "name": "P", "label": "running"}, "choices": [{"id": "2009", "name": "N", "label": "applications open", "default": false, "selected": false, "href": "/x/?cohort=2009"}], "next": {"id": "2009", "name": "N", "href": "/x/?cohort=2009"}}),
        );
        ctx.insert(
            "my_applications",
            &json!([{"side": "mentee", "cohort": "2008", "cohort_name": "P", "state": "accepted", "withdrawable": true}]),
        );
        ctx.insert(
            "other_duos",
            &json!([{"id": "d", "cohort": "2008", "cohort_name": "P", "mentor": {"name": "A"}, "mentee": {"name": "B"}, "liaison": null, "state": "completed", "ends": "2009-04-30"}]),
        );
        ctx.insert(
            "record",
            &json!({"exists": true, "published": true, "paused": false, "url": "/members/mentors/a/"}),
        );
        ctx.insert(
            "form",
            &json!({"values": {"name": "A", "title": "", "institution": "", "location": "", "member_since": "2001", "years_involved": "", "bio": "", "availability": "", "photo": "", "contact_email": "", "contact_phone": "", "contact_website": ""},
                "expertise": [{"slug": "s", "name": "S", "checked": true}],
                "career": [{"index": 0, "title": "", "organization": "", "from": "", "to": "", "errors": {"from": "bad"}}],
                "education": [{"index": 0, "degree": "", "institution": "", "year": "", "errors": {}}],
                "errors": {"name": "Name is required.", "contact_email": "bad"}, "has_errors": true,
                "limits": {"name": 100, "title": 200, "institution": 200, "location": 200, "entry": 200, "bio": 5000, "availability": 500, "url": 500, "email": 254, "phone": 40, "years": 80, "expertise": 8}}),
        );
        ctx.insert("preview_html", &Json::Null);
        ctx.insert("relist", &json!({"cohort": "N", "from": "P"}));
        ctx.insert("fields", &vec![("name", "A")]);
        ctx.insert(
            "shown",
            &json!({"name": "A", "title": "T", "institution": "I", "bio": "B"}),
        );
        ctx.insert(
            "entries",
            &json!([{"at": "2008-03-01", "action": "apply", "actor": "M1", "actor_name": "A", "subject": "k", "detail": "d"}]),
        );
        ctx.insert("actions", &["apply"]);
        ctx.insert("filter", &json!({"member": "", "action": ""}));
        ctx.insert("csv_link", "/members/committee/audit/?format=csv");
        ctx.insert(
            "mentees",
            &json!([{"id": "E1", "name": "E", "institution": "I", "interests": ["S"], "goals": "g", "proposed": "R1",
                "choices": [{"id": "R1", "name": "R", "score": 3, "pending": true, "conflict": false, "reason": "shares: s", "selected": true},
                            {"id": "R2", "name": "Q", "score": 0, "pending": false, "conflict": true, "reason": "", "selected": false}]}]),
        );
        ctx.insert(
            "free_mentors",
            &json!([{"id": "R1", "name": "R", "title": "T", "institution": "I", "expertise": ["S"]}]),
        );
        ctx.insert(
            "pairings",
            &json!([{"id": "p", "mentee": {"id": "E1", "name": "E"}, "mentor": {"id": "R1", "name": "R"}, "other": {"id": "R1", "name": "R"}, "other_side": "mentor",
                "mentee_answer": "waiting", "mentor_answer": "accepted", "my_answer": "waiting", "other_answer": "accepted", "state": "proposed", "open": true, "proposed_on": "2008-06-13"}]),
        );
        ctx.insert("pairing_open", &true);
        ctx.insert(
            "suggested",
            &json!([{"id": "R1", "name": "R", "title": "T", "institution": "I", "reason": "shares: s", "score": 3, "url": "/members/mentors/r/"}]),
        );
        ctx.insert("conflicts", &json!([{"id": "R2", "name": "Q"}]));
        ctx.insert(
            "suggestions_for",
            &json!({"cohort_name": "P", "institution": "I", "interests": ["S"]}),
        );
        ctx.insert("title", "T");
        ctx.insert("message", "M");
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| !n.starts_with('_')) {
            if let Err(e) = templates().render(name, &ctx) {
                let mut msg = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    msg.push_str(": ");
                    msg.push_str(&s.to_string());
                    source = s.source();
                }
                panic!("{name}: {msg}");
            }
        }
    }

    #[test]
    fn wraps_into_the_shell() {
        let shell = "<html><head><title>Mentor directory · X</title></head><body><header>nav</header><main id=\"main\" tabindex=\"-1\">\nold\n</main><footer>f</footer></body></html>";
        let out = wrap(Some(shell), "Apply", "<h1>Apply</h1>", "X");
        assert!(out.contains("<title>Apply · X</title>"));
        assert!(out.contains("<header>nav</header>"));
        assert!(out.contains("<h1>Apply</h1>"));
        assert!(!out.contains("old"));
        assert!(out.contains("<footer>f</footer>"));
        let plain = wrap(None, "A<b>", "<p>x</p>", "X");
        assert!(plain.contains("<title>A&lt;b&gt; · X</title>"));
    }

    #[test]
    fn view_paths() {
        assert!(is_view("/members/apply/"));
        assert!(is_view("/members/surveys/midpoint/"));
        assert!(!is_view("/members/mentors/"));
        assert!(!is_view("/members/surveys/"));
    }
}
