//! `GET /api/profile`, `POST /api/profile` (create or edit one's own
//! profile), `POST /api/profile/pause`, `POST /api/profile/resume`.
//!
//! The profile is the one [`mentoring::Profile`] ([`crate::records::profile`]
//! stores it). A body is JSON (`career: [{title, organization, from, to}]`,
//! `contact: {email, phone, website}`) or a plain form whose names are the
//! same paths with dots (`career.0.title`, `contact.email`, `expertise`
//! repeated); blank career and education rows of a form are left out.
//! Every field is checked by [`mentoring::Profile::validate`] (all problems
//! at once, by field) and the bio's links by the site; a refused edit
//! stores nothing and the published page stays as it was.
//!
//! Publishing: an edit of a published profile (the committee approved the
//! member as a mentor) is published at once, without a second review, and
//! audited (`edit_profile`, with the fields that changed); pausing and
//! resuming likewise (`pause_listing`, `resume_listing`).

use mentoring::{Member, Profile};
use serde_json::{Map, Value as Json};

use super::applications::changed_meanwhile;
use super::{member, Call};
use crate::app::App;
use crate::audit::{Entry, PROGRAM_SCOPE};
use crate::http::body::decode;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::publish::{self, PreviewError};
use crate::records::keys;
use crate::records::profile::{self, ProfileRecord};
use crate::store::{TransactOp, UpdateAction};

/// The members' page of one's profile (result of the profile forms).
pub const PROFILE_PAGE: &str = "/members/profile/";

/// How a profile form becomes JSON: the expertise checkboxes are a list.
pub const PROFILE_SHAPE: Shape<'static> = Shape {
    lists: &["expertise", "interests"],
    numbers: &["years_involvement"],
    repeated_are_lists: false,
};

/// Turns dotted names (`career.0.title`, `contact.email`) into nested
/// objects and lists, drops blank rows of `career` and `education`, and
/// reads a form's `years_involved` text as a number (empty: none).
pub fn nest(object: Map<String, Json>) -> Map<String, Json> {
    let mut out = Map::new();
    for (name, value) in object {
        if !name.contains('.') {
            out.insert(name, value);
            continue;
        }
        let mut node = &mut out;
        let steps: Vec<&str> = name.split('.').collect();
        for (i, step) in steps.iter().enumerate() {
            if i + 1 == steps.len() {
                node.insert((*step).to_owned(), value);
                break;
            }
            let next = node
                .entry((*step).to_owned())
                .or_insert_with(|| Json::Object(Map::new()));
            if !next.is_object() {
                // `career` given both as a list and by rows: keep the rows.
                *next = Json::Object(Map::new());
            }
            node = next.as_object_mut().expect("an object");
        }
    }
    for list in ["career", "education"] {
        if let Some(v) = out.get_mut(list) {
            *v = rows(v.take());
        }
    }
    if let Some(v) = out.get_mut("years_involved") {
        if let Json::String(s) = v {
            let s = s.trim();
            *v = if s.is_empty() {
                Json::Null
            } else {
                s.parse::<u64>()
                    .map(Json::from)
                    .unwrap_or(Json::String(s.to_owned()))
            };
        }
    }
    out
}

/// A list of entries from a list, or from an object of numbered rows
/// (`{"0": {...}, "1": {...}}`, in number order); rows whose every field is
/// blank are left out.
fn rows(v: Json) -> Json {
    let list: Vec<Json> = match v {
        Json::Array(a) => a,
        Json::Object(o) => {
            let mut numbered: Vec<(usize, Json)> = Vec::new();
            let mut other = Vec::new();
            for (k, v) in o {
                match k.parse::<usize>() {
                    Ok(n) => numbered.push((n, v)),
                    Err(_) => other.push(v),
                }
            }
            numbered.sort_by_key(|(n, _)| *n);
            numbered.into_iter().map(|(_, v)| v).chain(other).collect()
        }
        other => return other,
    };
    Json::Array(
        list.into_iter()
            .filter(|row| match row {
                Json::Object(fields) => fields.values().any(|f| match f {
                    Json::String(s) => !s.trim().is_empty(),
                    Json::Null => false,
                    _ => true,
                }),
                _ => true,
            })
            .collect(),
    )
}

/// The profile a body describes (see the module docs). Required fields it
/// leaves out are empty, so that validation names them all; with `roster`,
/// a name, e-mail address and "member since" it leaves out come from the
/// member's roster entry.
pub fn profile_from_object(
    object: Map<String, Json>,
    roster: Option<&Member>,
) -> Result<Profile, Problem> {
    let mut object = nest(object);
    if let Some(m) = roster {
        object
            .entry("name")
            .or_insert_with(|| Json::String(m.name.clone()));
        object
            .entry("member_since")
            .or_insert_with(|| Json::String(m.joined.to_string()));
        let contact = object
            .entry("contact")
            .or_insert_with(|| Json::Object(Map::new()));
        if let Json::Object(c) = contact {
            c.entry("email")
                .or_insert_with(|| Json::String(m.email.clone()));
        }
    }
    // Required fields left out: empty, so that validation names them.
    let empty = serde_json::to_value(Profile::default()).expect("a profile serializes");
    if let Json::Object(defaults) = empty {
        for (k, v) in defaults {
            match (object.get_mut(&k), v) {
                (None, v) => {
                    object.insert(k, v);
                }
                (Some(Json::Object(given)), Json::Object(inner)) => {
                    for (ik, iv) in inner {
                        given.entry(ik).or_insert(iv);
                    }
                }
                _ => {}
            }
        }
    }
    decode(object)
}

/// Checks `profile` by the program's rules and the site's (the bio's
/// links); every problem at once, as a 400 naming the fields.
pub async fn check(
    app: &App,
    member_id: &str,
    slug: &str,
    profile: &Profile,
) -> Result<(), Problem> {
    let today = app.moment().today;
    if let Err(problems) = profile.validate(&app.config.program, today) {
        return Err(Problem::invalid(problems));
    }
    if let Some(publisher) = &app.publisher {
        let published = generator::Published {
            slug: slug.to_owned(),
            member_id: member_id.to_owned(),
            profile: profile.clone(),
        };
        match publisher.preview(app, &published).await {
            Ok(_) => {}
            Err(PreviewError::Invalid(problems)) => return Err(Problem::invalid(problems)),
            Err(PreviewError::Unavailable(e)) => {
                tracing::warn!("checking a profile against the site: {e}");
            }
        }
    }
    Ok(())
}

/// The reply of the profile routes.
fn reply_body(record: &ProfileRecord, published_now: bool) -> Json {
    serde_json::json!({
        "member_id": record.member_id,
        "slug": record.slug,
        "url": generator::profiles::profile_url(&record.slug),
        "profile": record.profile,
        "published": record.published,
        "paused": record.paused,
        "pages_updated": published_now,
        "updated_at": record.updated_at,
    })
}

/// `GET /api/profile` (any signed-in member): one's own profile.
///
/// Reply `200`: `{"member_id", "slug", "url": "/members/mentors/<slug>/",
/// "profile": {name, title, institution, location, member_since,
/// years_involved, expertise, career: [{title, organization, from, to}],
/// education: [{degree, institution, year}], bio, availability, photo,
/// contact: {email, phone, website}}, "published": bool, "paused": bool,
/// "pages_updated": false, "updated_at"}`. Errors: 404 no profile yet.
pub async fn get(app: &App, call: Call) -> Outcome {
    let me = call.me();
    let record = profile::load(app.store.as_ref(), me)
        .await?
        .ok_or_else(|| Problem::not_found("You have no profile yet."))?;
    Ok(Reply::ok(&reply_body(&record, false)))
}

/// `POST /api/profile` (any signed-in member): creates or replaces one's
/// own profile.
///
/// Request: the profile (see [`get`]); JSON or a plain form (module docs).
/// The name, e-mail address and "member since" default to the roster's.
/// Reply `200`: as [`get`], `"pages_updated": true` when the profile is
/// published and its pages were rendered again; form posts: `303` to
/// `/members/profile/?status=saved`, and a form post refused for its
/// fields gets the profile form again, filled as sent, each field with its
/// message (400, [`crate::views::profile::save_refused`]).
///
/// Errors: 400 fields (every limit of [`mentoring::profile::limits`], an
/// unknown expertise term, a photo or website that is not http(s) or a
/// site path, a year in the future, too many entries, a bio link to no
/// page); 403 not in the roster; 409 changed meanwhile.
pub async fn save(app: &App, call: Call) -> Outcome {
    let me = call.me().to_owned();
    let roster = roster_member(app, &me).await?;
    let object = call.body.into_object(PROFILE_SHAPE)?;
    let profile = profile_from_object(object, Some(&roster))?;
    let read = profile::load(app.store.as_ref(), &me).await?;
    let record = profile::next(read.as_ref(), &me, profile, call.moment.now);
    check(app, &me, &record.slug, &record.profile).await?;
    let key = keys::profile(&me);
    let changed = changed_fields(read.as_ref().map(|r| &r.profile), &record.profile);
    let audit = Entry::new(PROGRAM_SCOPE, "edit_profile", &me, &key, call.moment.now)
        .detail(serde_json::json!({"fields": changed, "published": record.published}));
    app.store
        .transact(vec![
            TransactOp::put_if(
                profile::item(&record),
                profile::unchanged_since(read.as_ref()),
            ),
            audit.op(),
        ])
        .await
        .map_err(changed_meanwhile)?;
    let pages = record.published && publish::member_changed(app, &me).await;
    Ok(Reply::ok(&reply_body(&record, pages)).redirect(format!("{PROFILE_PAGE}?status=saved")))
}

/// The member's roster entry, or 403.
async fn roster_member(app: &App, me: &str) -> Result<Member, Problem> {
    match member(app, me).await {
        Ok(m) => Ok(m),
        Err(p) if p.status == 404 => Err(Problem::forbidden(
            "You are not in the association's roster; please contact the office.",
        )),
        Err(p) => Err(p),
    }
}

/// The top-level fields of `new` that differ from `old` (all of them for
/// a new profile), for the audit entry.
fn changed_fields(old: Option<&Profile>, new: &Profile) -> Vec<String> {
    let new_v = serde_json::to_value(new).unwrap_or_default();
    let old_v = old.map(|o| serde_json::to_value(o).unwrap_or_default());
    let Json::Object(fields) = new_v else {
        return Vec::new();
    };
    fields
        .into_iter()
        .filter(|(k, v)| old_v.as_ref().and_then(|o| o.get(k)) != Some(v))
        .map(|(k, _)| k)
        .collect()
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EmptyBody {}

/// `POST /api/profile/pause` (any signed-in member with a published
/// profile): "not taking a mentee this cohort". The profile leaves the
/// directory and the expertise pages; its page stays, without "Ask" link.
///
/// Request: empty. Reply `200`: as [`get`]; form posts: `303` to
/// `/members/profile/?status=paused`. Errors: 404 no profile; 409
/// `not_listed` (the committee has not published it), changed meanwhile.
pub async fn pause(app: &App, call: Call) -> Outcome {
    set_paused(app, call, true).await
}

/// `POST /api/profile/resume`: listed again. As [`pause`]; form posts:
/// `303` to `/members/profile/?status=resumed`.
pub async fn resume(app: &App, call: Call) -> Outcome {
    set_paused(app, call, false).await
}

async fn set_paused(app: &App, call: Call, paused: bool) -> Outcome {
    let _: EmptyBody = call.body.decode(Shape::default())?;
    let me = call.caller.member_id.clone();
    let read = profile::load(app.store.as_ref(), &me)
        .await?
        .ok_or_else(|| Problem::not_found("You have no profile yet."))?;
    if !read.published {
        return Err(Problem::conflict(
            "not_listed",
            "Your profile is not in the directory yet: the committee publishes it when it approves your mentor application.",
        ));
    }
    let key = keys::profile(&me);
    let action = if paused {
        "pause_listing"
    } else {
        "resume_listing"
    };
    let audit = Entry::new(PROGRAM_SCOPE, action, &me, &key, call.moment.now);
    app.store
        .transact(vec![
            TransactOp::update(
                key.clone(),
                vec![
                    UpdateAction::set("paused", paused),
                    UpdateAction::add("version", 1),
                ],
                Some(profile::unchanged_since(Some(&read))),
            ),
            audit.op(),
        ])
        .await
        .map_err(changed_meanwhile)?;
    let record = ProfileRecord {
        paused,
        version: read.version + 1,
        ..read
    };
    let pages = publish::member_changed(app, &me).await;
    let status = if paused { "paused" } else { "resumed" };
    Ok(Reply::ok(&reply_body(&record, pages)).redirect(format!("{PROFILE_PAGE}?status={status}")))
}

/// The home page of the members area (result of the relist form).
pub const HOME_PAGE: &str = "/members/";

/// The latest cohort before `cohort` in which `member_id` was an approved
/// mentor, with that application.
pub async fn listed_before(
    app: &App,
    cohort: &mentoring::program::Cohort,
    member_id: &str,
) -> Result<Option<mentoring::application::MentorApplication>, Problem> {
    let mut earlier: Vec<&mentoring::program::Cohort> = app
        .config
        .program
        .cohorts
        .iter()
        .filter(|c| c.applications_open < cohort.applications_open)
        .collect();
    earlier.sort_by_key(|c| std::cmp::Reverse(c.applications_open));
    for c in earlier {
        let a: Option<mentoring::application::MentorApplication> =
            crate::records::get(app.store.as_ref(), &keys::mentor_app(&c.id, member_id)).await?;
        if let Some(a) = a.filter(|a| a.status == mentoring::application::MentorStatus::Approved) {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

/// `POST /api/profile/relist` (any signed-in member who was an approved
/// mentor in an earlier cohort): listed again, with one click, for the
/// cohort taking applications. The earlier application's answers are
/// taken over and every rule of a mentor application checked (window,
/// eligibility, form); the committee approved this mentor before, so the
/// application is approved at once (audited `relist_mentor`, with the
/// cohort it came from).
///
/// Request: empty. Reply `201`: `{"id": "mentor-M2001", "cohort", "from_cohort",
/// "status": {"state": "approved"}}`; form posts: `303` to
/// `/members/?status=relisted`. Errors: 403 not eligible; 409 `closed`
/// (no cohort taking applications), `duplicate` (already applied in it),
/// `not_listed_before` (no earlier approved mentor application).
pub async fn relist(app: &App, call: Call) -> Outcome {
    let _: EmptyBody = call.body.decode(Shape::default())?;
    let cohort = super::open_cohort(app, call.moment)?;
    let me = call.caller.member_id.clone();
    let roster = roster_member(app, &me).await?;
    let key = keys::mentor_app(&cohort.id, &me);
    if app.store.get(&key).await?.is_some() {
        return Err(Problem::conflict(
            "duplicate",
            super::applications::MENTOR_DUPLICATE,
        ));
    }
    let earlier = listed_before(app, cohort, &me).await?.ok_or_else(|| {
        Problem::conflict(
            "not_listed_before",
            "You were not an approved mentor in an earlier cohort; volunteer through the application form.",
        )
    })?;
    let mut application = mentoring::application::submit_mentor(
        &app.config.program,
        cohort,
        &roster,
        earlier.form.clone(),
        call.moment,
    )?;
    application.status = application.status.approve()?;
    let audit = Entry::new(&cohort.id, "relist_mentor", &me, &key, call.moment.now)
        .detail(serde_json::json!({"from_cohort": earlier.cohort}));
    super::applications::insert_mentor_application(app, &application, audit).await?;
    publish::member_changed(app, &me).await;
    Ok(Reply::created(&serde_json::json!({
        "id": super::applications::application_id(mentoring::Side::Mentor, &me),
        "cohort": cohort.id,
        "from_cohort": earlier.cohort,
        "status": application.status,
    }))
    .redirect(format!("{HOME_PAGE}?status=relisted")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(pairs: &[(&str, &str)]) -> Map<String, Json> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Json::String((*v).to_owned())))
            .collect()
    }

    #[test]
    fn form_names_nest_and_blank_rows_go() {
        let nested = nest(object(&[
            ("name", "Ada"),
            ("career.1.title", "Librarian"),
            ("career.1.organization", "College"),
            ("career.0.title", "Director"),
            ("career.0.organization", "Library"),
            ("career.2.title", ""),
            ("career.2.organization", " "),
            ("contact.email", "a@example.org"),
            ("years_involved", " 12 "),
        ]));
        assert_eq!(nested["career"][0]["title"], "Director");
        assert_eq!(nested["career"][1]["title"], "Librarian");
        assert_eq!(nested["career"].as_array().unwrap().len(), 2);
        assert_eq!(nested["contact"]["email"], "a@example.org");
        assert_eq!(nested["years_involved"], 12);
        let empty = nest(object(&[("years_involved", "")]));
        assert_eq!(empty["years_involved"], Json::Null);
    }

    #[test]
    fn missing_required_fields_are_empty_and_validation_names_them() {
        let p = profile_from_object(object(&[("title", "Dean")]), None).unwrap();
        assert_eq!(p.title, "Dean");
        assert_eq!(p.name, "");
        assert_eq!(p.contact.email, "");
        let unknown = profile_from_object(object(&[("favourite", "x")]), None).unwrap_err();
        assert_eq!(unknown.status, 400);
    }
}
