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

use http::StatusCode;
use mentoring::profile::limits;
use mentoring::{CareerEntry, EducationEntry, FieldError, Profile};
use serde_json::{json, Map, Value as Json};

use super::{render, Page, ViewError, Viewer};
use crate::app::App;
use crate::handlers::profile::{check, profile_from_object, PROFILE_SHAPE};
use crate::http::Body;
use crate::publish::PreviewError;
use crate::records::profile::{self, ProfileRecord};

/// The form page.
pub const PROFILE_PATH: &str = "/members/profile/";
/// Where the form posts for its preview.
pub const PREVIEW_PATH: &str = "/members/profile/preview/";

/// Blank career rows offered below the stored ones.
const BLANK_CAREER: usize = 2;
/// Blank education rows offered below the stored ones.
const BLANK_EDUCATION: usize = 1;

/// `GET /members/profile/`.
pub(super) async fn form_page(
    app: &App,
    viewer: &Viewer,
    mut ctx: tera::Context,
) -> Result<Page, ViewError> {
    let record = profile::load(app.store.as_ref(), &viewer.member_id).await?;
    let shown = match &record {
        Some(r) => r.profile.clone(),
        None => roster_defaults(app, viewer).await?,
    };
    ctx.insert("record", &record_json(record.as_ref()));
    ctx.insert("form", &form_json(app, &shown, &[]));
    render("profile.html", &ctx, "Your profile")
}

/// `POST /members/profile/preview/` with the form's fields (the CSRF token
/// already checked): the preview, or the form again with its problems;
/// `edit=1` (the preview's "Change" button) goes back to the form as sent.
pub(super) async fn preview_page(
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
    ctx.insert("record", &record_json(record.as_ref()));
    if edit {
        ctx.insert("form", &form_json(app, &profile, &unreadable));
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
    session: &crate::auth::Session,
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
    let query: BTreeMap<String, String> = super::QUERY_KEYS
        .iter()
        .map(|k| ((*k).to_owned(), String::new()))
        .collect();
    ctx.insert("query", &query);
    ctx.insert("record", &record_json(record.as_ref()));
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
    ctx.insert("form", &form_json(app, profile, problems));
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

/// The profile a form sent, as far as it reads: a value that is not of
/// its field's kind (`years_involved=ten`, a field the profile does not
/// have) is left out and named, so that the form can be shown again with
/// everything else as it was sent.
fn profile_as_sent(
    object: Map<String, Json>,
    roster: Option<&mentoring::Member>,
) -> (Profile, Vec<FieldError>) {
    let mut object = crate::handlers::profile::nest(object);
    let mut unreadable: Vec<FieldError> = Vec::new();
    // Each round removes at least one value; a profile has few.
    for _ in 0..64 {
        match profile_from_object(object.clone(), roster) {
            Ok(p) => return (p, unreadable),
            Err(problem) => {
                let before = unreadable.len();
                for e in problem.errors {
                    if remove_path(&mut object, &e.field) {
                        unreadable.push(e);
                    }
                }
                if unreadable.len() == before {
                    break;
                }
            }
        }
    }
    unreadable.push(FieldError::new("profile", "The form could not be read."));
    (Profile::default(), unreadable)
}

/// Removes the value at a field path (`years_involved`, `contact.website`,
/// `career[1].from`) from `object`; whether there was one.
fn remove_path(object: &mut Map<String, Json>, path: &str) -> bool {
    let mut steps: Vec<String> = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            steps.push(rest[..open].to_owned());
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                steps.push(rest[1..close].to_owned());
                rest = &rest[close + 1..];
            }
        } else {
            steps.push(rest.to_owned());
        }
    }
    let Some((last, parents)) = steps.split_last() else {
        return false;
    };
    let mut node = match parents.first() {
        None => return object.remove(last.as_str()).is_some(),
        Some(first) => match object.get_mut(first.as_str()) {
            Some(n) => n,
            None => return false,
        },
    };
    for step in &parents[1..] {
        node = match (node, step.parse::<usize>()) {
            (Json::Array(a), Ok(i)) => match a.get_mut(i) {
                Some(n) => n,
                None => return false,
            },
            (Json::Object(o), _) => match o.get_mut(step.as_str()) {
                Some(n) => n,
                None => return false,
            },
            _ => return false,
        };
    }
    match (node, last.parse::<usize>()) {
        (Json::Array(a), Ok(i)) if i < a.len() => {
            a.remove(i);
            true
        }
        (Json::Object(o), _) => o.remove(last.as_str()).is_some(),
        _ => false,
    }
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

fn record_json(record: Option<&ProfileRecord>) -> Json {
    match record {
        Some(r) => json!({
            "exists": true,
            "published": r.published,
            "paused": r.paused,
            "url": generator::profiles::profile_url(&r.slug),
        }),
        None => json!({"exists": false, "published": false, "paused": false, "url": ""}),
    }
}

/// The form's fields that show their own message (`errors.<name>`);
/// messages about any other field are listed at the top of the form.
const SHOWN_AT_FIELDS: &[&str] = &[
    "name",
    "title",
    "institution",
    "location",
    "member_since",
    "years_involved",
    "expertise",
    "career",
    "education",
    "bio",
    "availability",
    "photo",
    "contact_email",
    "contact_phone",
    "contact_website",
];

/// The form's values, rows and messages (field paths: `name`,
/// `contact.email` -> `contact_email`, `career[1].from` -> the row's).
fn form_json(app: &App, p: &Profile, problems: &[FieldError]) -> Json {
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut row_errors: BTreeMap<(String, usize), Map<String, Json>> = BTreeMap::new();
    for e in problems {
        let row = ["career[", "education["].iter().find_map(|prefix| {
            let rest = e.field.strip_prefix(prefix)?;
            let (n, field) = rest.split_once("].")?;
            Some((
                prefix.trim_end_matches('[').to_owned(),
                n.parse().ok()?,
                field,
            ))
        });
        match row {
            Some((list, n, field)) => {
                row_errors
                    .entry((list, n))
                    .or_default()
                    .entry(field.to_owned())
                    .or_insert(Json::String(e.message.clone()));
            }
            None => {
                errors
                    .entry(e.field.replace('.', "_"))
                    .and_modify(|m| {
                        m.push(' ');
                        m.push_str(&e.message)
                    })
                    .or_insert(e.message.clone());
            }
        }
    }
    let with_errors = |list: &str, i: usize, mut row: Json| {
        row["index"] = json!(i);
        row["errors"] = Json::Object(
            row_errors
                .get(&(list.to_owned(), i))
                .cloned()
                .unwrap_or_default(),
        );
        row
    };
    let career_rows = (p.career.len() + BLANK_CAREER).min(limits::MAX_CAREER.max(p.career.len()));
    let career: Vec<Json> = (0..career_rows)
        .map(|i| {
            let e = p
                .career
                .get(i)
                .cloned()
                .unwrap_or_else(CareerEntry::default);
            with_errors("career", i, serde_json::to_value(e).unwrap_or_default())
        })
        .collect();
    let education_rows =
        (p.education.len() + BLANK_EDUCATION).min(limits::MAX_EDUCATION.max(p.education.len()));
    let education: Vec<Json> = (0..education_rows)
        .map(|i| {
            let e = p
                .education
                .get(i)
                .cloned()
                .unwrap_or_else(EducationEntry::default);
            with_errors("education", i, serde_json::to_value(e).unwrap_or_default())
        })
        .collect();
    let expertise: Vec<Json> = app
        .config
        .program
        .expertise
        .iter()
        .map(|t| json!({"slug": t.slug, "name": t.name, "checked": p.expertise.contains(&t.slug)}))
        .collect();
    json!({
        "values": {
            "name": p.name,
            "title": p.title,
            "institution": p.institution,
            "location": p.location,
            "member_since": p.member_since,
            "years_involved": p.years_involved.map(|y| y.to_string()).unwrap_or_default(),
            "bio": p.bio,
            "availability": p.availability,
            "photo": p.photo,
            "contact_email": p.contact.email,
            "contact_phone": p.contact.phone,
            "contact_website": p.contact.website,
        },
        "expertise": expertise,
        "career": career,
        "education": education,
        "other_errors": errors
            .iter()
            .filter(|(k, _)| !SHOWN_AT_FIELDS.contains(&k.as_str()))
            .map(|(k, m)| json!({"field": k, "message": m}))
            .collect::<Vec<_>>(),
        "errors": errors,
        "has_errors": !problems.is_empty(),
        "limits": {
            "name": limits::NAME, "title": limits::TITLE, "institution": limits::INSTITUTION,
            "location": limits::LOCATION, "entry": limits::ENTRY_TEXT, "bio": limits::BIO,
            "availability": limits::AVAILABILITY, "url": limits::URL, "email": limits::EMAIL,
            "phone": limits::PHONE, "years": limits::MAX_YEARS_INVOLVED,
            "expertise": limits::MAX_EXPERTISE,
        },
    })
}

/// The profile as form fields (name, value), for the preview's hidden
/// "Save" and "Change" forms.
fn hidden_fields(p: &Profile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("name".into(), p.name.clone()),
        ("title".into(), p.title.clone()),
        ("institution".into(), p.institution.clone()),
        ("location".into(), p.location.clone()),
        ("member_since".into(), p.member_since.clone()),
        (
            "years_involved".into(),
            p.years_involved.map(|y| y.to_string()).unwrap_or_default(),
        ),
    ];
    out.extend(
        p.expertise
            .iter()
            .map(|t| ("expertise".to_owned(), t.clone())),
    );
    for (i, e) in p.career.iter().enumerate() {
        out.push((format!("career.{i}.title"), e.title.clone()));
        out.push((format!("career.{i}.organization"), e.organization.clone()));
        out.push((format!("career.{i}.from"), e.from.clone()));
        out.push((format!("career.{i}.to"), e.to.clone()));
    }
    for (i, e) in p.education.iter().enumerate() {
        out.push((format!("education.{i}.degree"), e.degree.clone()));
        out.push((format!("education.{i}.institution"), e.institution.clone()));
        out.push((format!("education.{i}.year"), e.year.clone()));
    }
    out.extend([
        ("bio".to_owned(), p.bio.clone()),
        ("availability".to_owned(), p.availability.clone()),
        ("photo".to_owned(), p.photo.clone()),
        ("contact.email".to_owned(), p.contact.email.clone()),
        ("contact.phone".to_owned(), p.contact.phone.clone()),
        ("contact.website".to_owned(), p.contact.website.clone()),
    ]);
    out
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
