//! `/members/profile/`: one's own profile, written without JavaScript.
//!
//! - `GET /members/profile/`: the form with every field (career and
//!   education rows: the stored ones and blank ones to add), filled from the
//!   stored profile (else the roster's name, e-mail address and "member
//!   since"), and the listing controls (pause, resume) once published.
//! - `POST /members/profile/preview/` (the form's only submit button,
//!   CSRF-checked): the profile page as it would be published, rendered by
//!   the site generator, with a "Save" form of the same fields (hidden)
//!   posting to `POST /api/profile` and a "Change" button back to the form.
//!   A profile with problems comes back as the form, every field with its
//!   message; nothing is stored either way.
//! - A plain form post to `POST /api/profile` refused for its fields (the
//!   "Save" of a preview sent again later, a form without JavaScript):
//!   the router shows this form again too ([`save_refused`]), in the site's
//!   layout, 400, instead of the problem page. A value that is not of its
//!   field's kind (`years_involved=ten`) is left out of the form shown and
//!   named.

use std::collections::BTreeMap;

use http::{Request, StatusCode};
use mentoring::permissions::Action;
use mentoring::{FieldError, Profile};

use super::page::render;
use super::profile_form::{form, hidden_fields, profile_as_sent, record_card};
use super::viewer::QUERY_KEYS;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::auth::Session;
use crate::handlers::profile::{check, PROFILE_SHAPE};
use crate::http::Body;
use crate::publish::PreviewError;
use crate::records::profile::{self, ProfileRecord};

/// The form page.
pub const PROFILE_PATH: &str = "/members/profile/";
/// Where the form posts for its preview.
pub const PREVIEW_PATH: &str = "/members/profile/preview/";

/// The form page or the preview (`body`: the form a preview was posted
/// with), for those who may write a profile.
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    body: Option<Body>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::EditProfilePage) {
        return Err(ViewError::forbidden("Sign in to write your profile."));
    }
    match body {
        Some(body) => preview_page(app, viewer, ctx, body).await,
        None => form_page(app, viewer, ctx).await,
    }
}

/// The form body of a preview post, its CSRF token checked (the same
/// check as every state-changing API call, though a preview changes
/// nothing: the form is the member's own).
pub(super) fn preview_body(
    app: &App,
    session: &Session,
    req: &Request<Vec<u8>>,
) -> Result<Body, ViewError> {
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

/// `GET /members/profile/`.
async fn form_page(app: &App, viewer: &Viewer, mut ctx: tera::Context) -> Result<Page, ViewError> {
    let record = profile::load(app.store.as_ref(), &viewer.member_id).await?;
    let shown = match &record {
        Some(r) => r.profile.clone(),
        None => roster_defaults(app, viewer).await?,
    };
    ctx.insert("record", &record_card(record.as_ref()));
    ctx.insert("form", &form(app, &shown, &[]));
    render("profile.html", &ctx, "Your profile")
}

/// `POST /members/profile/preview/` with the form's fields (the CSRF token
/// already checked): the preview, or the form again with its problems;
/// `edit=1` (the preview's "Change" button) goes back to the form as sent.
async fn preview_page(
    app: &App,
    viewer: &Viewer,
    mut ctx: tera::Context,
    body: Body,
) -> Result<Page, ViewError> {
    let bad = |p: crate::http::Problem| {
        ViewError::new(
            StatusCode::BAD_REQUEST,
            "The form could not be read",
            p.detail,
        )
    };
    let mut object = body.into_object(PROFILE_SHAPE).map_err(bad)?;
    let edit = object.remove("edit").is_some();
    let roster = crate::records::load_member(app.store.as_ref(), &viewer.member_id).await?;
    let (profile, unreadable) = profile_as_sent(object, roster.as_ref());
    let record = profile::load(app.store.as_ref(), &viewer.member_id).await?;
    ctx.insert("record", &record_card(record.as_ref()));
    if edit {
        ctx.insert("form", &form(app, &profile, &unreadable));
        return render("profile.html", &ctx, "Your profile");
    }
    let slug = slug_of(record.as_ref(), &profile, &viewer.member_id);
    let problems = problems_of(app, &viewer.member_id, &slug, &profile, unreadable).await;
    if !problems.is_empty() {
        return form_again(app, ctx, &profile, &problems);
    }
    let preview = match &app.publisher {
        Some(publisher) => {
            let published = generator::Published {
                slug,
                member_id: viewer.member_id.clone(),
                profile: profile.clone(),
            };
            match publisher.preview(app, &published).await {
                Ok(html) => Some(main_of(&html)),
                Err(PreviewError::Invalid(_)) | Err(PreviewError::Unavailable(_)) => None,
            }
        }
        None => None,
    };
    ctx.insert("preview_html", &preview);
    ctx.insert("fields", &hidden_fields(&profile));
    ctx.insert("shown", &profile);
    render("profile_preview.html", &ctx, "Preview of your profile")
}

/// A plain form post of one's profile to `POST /api/profile` (the
/// preview's "Save", or any form without JavaScript) that the API refused
/// with field problems: the form again, filled as sent, every field with
/// its message (status 400); nothing was stored. `None` when the page
/// cannot be shown (the caller shows the problem as it is).
pub async fn save_refused(
    app: &App,
    session: &Session,
    headers: &http::HeaderMap,
    bytes: &[u8],
    refused: &crate::http::Problem,
) -> Option<http::Response<Vec<u8>>> {
    let today = app.moment().today;
    let viewer = Viewer::load(app, session, today).await.ok()?;
    let mut body = crate::http::body::parse(headers, bytes).ok()?;
    let _ = body.take_csrf();
    let object = body.into_object(PROFILE_SHAPE).ok()?;
    let roster = crate::records::load_member(app.store.as_ref(), &viewer.member_id)
        .await
        .ok()?;
    let (profile, unreadable) = profile_as_sent(object, roster.as_ref());
    let record = profile::load(app.store.as_ref(), &viewer.member_id)
        .await
        .ok()?;
    let slug = slug_of(record.as_ref(), &profile, &viewer.member_id);
    let mut problems = problems_of(app, &viewer.member_id, &slug, &profile, unreadable).await;
    if problems.is_empty() {
        // Refused for a reason the form no longer shows (a bio link to a
        // page that just went): the API's own words.
        problems.clone_from(&refused.errors);
    }
    let mut ctx = viewer.context(app);
    let query: BTreeMap<String, String> = QUERY_KEYS
        .iter()
        .map(|k| ((*k).to_owned(), String::new()))
        .collect();
    ctx.insert("query", &query);
    ctx.insert("record", &record_card(record.as_ref()));
    let page = form_again(app, ctx, &profile, &problems).ok()?;
    let shell = match (&app.members, &app.publisher) {
        (Some(files), _) => crate::members_area::shell(files.as_ref()).await,
        (None, Some(publisher)) => publisher.members_shell(app, PROFILE_PATH).await,
        (None, None) => None,
    };
    let html = super::wrap(
        shell.as_deref(),
        &page.title,
        &page.main,
        &app.config.program.name,
    );
    Some(crate::http::response::html_in_site_shell(page.status, html))
}

/// The form again with `problems` (400).
fn form_again(
    app: &App,
    mut ctx: tera::Context,
    profile: &Profile,
    problems: &[FieldError],
) -> Result<Page, ViewError> {
    ctx.insert("form", &form(app, profile, problems));
    let mut page = render("profile.html", &ctx, "Your profile: please check")?;
    page.status = StatusCode::BAD_REQUEST;
    Ok(page)
}

/// The slug the profile has (or would get).
fn slug_of(record: Option<&ProfileRecord>, profile: &Profile, member_id: &str) -> String {
    record
        .map(|r| r.slug.clone())
        .unwrap_or_else(|| profile::slug_for(&profile.name, member_id))
}

/// The values that could not be read, then every problem of the profile
/// (the program's rules and the site's).
async fn problems_of(
    app: &App,
    member_id: &str,
    slug: &str,
    profile: &Profile,
    mut unreadable: Vec<FieldError>,
) -> Vec<FieldError> {
    if let Err(p) = check(app, member_id, slug, profile).await {
        unreadable.extend(p.errors);
    }
    unreadable
}

/// A new profile's defaults: the roster's name, e-mail and joining date.
async fn roster_defaults(app: &App, viewer: &Viewer) -> Result<Profile, ViewError> {
    let member = crate::records::load_member(app.store.as_ref(), &viewer.member_id).await?;
    Ok(match member {
        Some(m) => Profile {
            name: m.name,
            member_since: m.joined.to_string(),
            contact: mentoring::Contact {
                email: m.email,
                ..Default::default()
            },
            ..Profile::default()
        },
        None => Profile::default(),
    })
}

/// The inside of a page's `<main ...>` (the generator's profile page).
fn main_of(html: &str) -> String {
    match (html.find("<main"), html.rfind("</main>")) {
        (Some(open), Some(close)) => match html[open..].find('>') {
            Some(gt) if open + gt < close => html[open + gt + 1..close].to_owned(),
            _ => html.to_owned(),
        },
        _ => html.to_owned(),
    }
}
