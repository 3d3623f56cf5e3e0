//! `POST /api/applications`, `GET /api/applications`,
//! `POST /api/applications/{id}/approve|decline`.
//!
//! An application's id is `<side>-<member id>` (`mentee-M2001`): a member
//! applies at most once per side and cohort.
//!
//! # The mentee cap
//!
//! The first `mentee_cap` complete mentee applications are accepted in
//! order of arrival, later ones are waitlisted with their place. The order
//! is the value of the cohort's counter `COUNT#MENTEE`, incremented
//! atomically; the store's counter is the only source of ordering, so two
//! concurrent applications never share a place. Three writes, each atomic
//! and each leaving a state the program knows:
//! 1. one transaction: the application in state `submitted`
//!    (`attribute_not_exists`: one per member) + its audit entry;
//! 2. the counter's `ADD count 1`, which returns the arrival ordinal;
//! 3. one transaction: the application `submitted -> accepted |
//!    waitlisted{place}` (conditional on still being `submitted`) + audit.
//!
//! (A DynamoDB transaction cannot return the counter's new value, which the
//! waitlist place needs; hence the counter is its own atomic write between
//! the two transactions.) If step 2 or 3 fails, the application stays
//! `submitted`: stored, visible to the committee, which approves or declines
//! it; the reply says so (status `submitted`).

use http::StatusCode;
use mentoring::application::{
    submit_mentee, submit_mentor_profile, Application, MenteeApplication, MenteeForm, MenteeStatus,
    MentorApplication, MentorStatus,
};
use mentoring::waitlist::{check_cap_on_approval, places_taken};
use mentoring::Side;
use mentoring::{CareerEntry, EducationEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::profile::{nest, profile_from_object, PROFILE_SHAPE};
use super::{member, messages, notify, only_cohort_in_query, open_cohort, Call};
mod listing;

use crate::app::App;
use crate::audit::Entry;
use crate::http::body::{decode, Shape};
use crate::http::response::query_value;
use crate::http::{Outcome, Problem, Reply};
use crate::publish;
use crate::records::profile;
use crate::records::{self, keys};
use crate::store::{Condition, Query, StoreError, TransactOp, UpdateAction};
pub use listing::{list, load_all, Listed};

/// Result page of an application form.
pub const APPLY_DONE_PAGE: &str = "/apply/done/";
/// The committee's applications page (result of approve / decline forms).
pub const COMMITTEE_APPLICATIONS_PAGE: &str = "/members/committee/applications/";

/// The mentee side of `POST /api/applications`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MenteeBody {
    #[serde(default)]
    goals: String,
    #[serde(default)]
    background: String,
    #[serde(default)]
    interests: Vec<String>,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    career: Vec<CareerEntry>,
    #[serde(default)]
    education: Vec<EducationEntry>,
}

const FORM_SHAPE: Shape<'static> = PROFILE_SHAPE;

/// The mentor's answer to "years of involvement": a whole number (a form
/// sends text), 0 when not given (the rule then says how many it needs).
fn years_involvement(v: Option<Json>) -> Result<u32, Problem> {
    let bad = || {
        Problem::field(
            "years_involvement",
            "Give the years of involvement as a whole number.",
        )
    };
    match v {
        None | Some(Json::Null) => Ok(0),
        Some(Json::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(bad),
        Some(Json::String(s)) if s.trim().is_empty() => Ok(0),
        Some(Json::String(s)) => s.trim().parse().map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// The reply of `POST /api/applications`.
#[derive(Debug, Serialize)]
struct Applied {
    id: String,
    side: Side,
    cohort: String,
    status: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    ordinal: Option<u64>,
}

/// The id of an application.
pub fn application_id(side: Side, member_id: &str) -> String {
    format!("{}-{member_id}", side.as_str())
}

fn parse_application_id(id: &str) -> Option<(Side, &str)> {
    if let Some(m) = id.strip_prefix("mentee-") {
        Some((Side::Mentee, m)).filter(|(_, m)| !m.is_empty())
    } else if let Some(m) = id.strip_prefix("mentor-") {
        Some((Side::Mentor, m)).filter(|(_, m)| !m.is_empty())
    } else {
        None
    }
}

/// `POST /api/applications` (any signed-in member; eligibility decides).
///
/// Request (JSON or form), tagged by `side`:
/// - mentee: `{"side": "mentee", "goals": str (required, <= 2000),
///   "background"?: str (<= 2000), "interests"?: [expertise slug] (<= 8),
///   "availability"?: str (<= 500), "institution"?: str (<= 200)}`
/// - mentor: `{"side": "mentor", "title": str, "institution": str (<= 200
///   each), "expertise": [slug] (1..=8), "years_involvement": int (>= the
///   program's minimum), "bio": str (<= 5000, markdown), "availability"?: str}`
///
/// Reply `201`: `{"id": "mentee-M2001", "side": "mentee", "cohort": "2008",
/// "status": {"state": "accepted"} | {"state": "waitlisted", "place": 3} |
/// {"state": "submitted"}, "ordinal"?: 28}`; form posts: `303` to
/// `/apply/done/?side=mentee&status=waitlisted&place=3`.
///
/// Errors: 400 fields; 403 `not_eligible` (good standing, category,
/// first-year rule, a mentee of an earlier cohort applying as mentee again)
/// or not in the roster; 409 `duplicate` (already applied
/// on this side in this cohort), `closed` (outside the application window).
/// Reaching the cap is not an error: the status is `waitlisted`.
pub async fn apply(app: &App, call: Call) -> Outcome {
    let cohort = open_cohort(app, call.moment)?;
    let program = &app.config.program;
    let mut object = call.body.into_object(FORM_SHAPE)?;
    let side = match object.remove("side") {
        Some(Json::String(s)) if s == "mentee" => Side::Mentee,
        Some(Json::String(s)) if s == "mentor" => Side::Mentor,
        None => return Err(Problem::field("side", "Choose mentee or mentor.")),
        Some(_) => return Err(Problem::field("side", "Expected \"mentee\" or \"mentor\".")),
    };
    let me = &call.caller.member_id;
    let applicant = match member(app, me).await {
        Ok(m) => m,
        Err(p) if p.status == 404 => {
            return Err(Problem::forbidden(
                "You are not in the association's roster; please contact the office.",
            ))
        }
        Err(p) => return Err(p),
    };
    match side {
        Side::Mentee => {
            let b: MenteeBody = decode(nest(object))?;
            let form = MenteeForm {
                goals: b.goals,
                background: b.background,
                interests: b.interests,
                availability: b.availability,
                institution: b.institution,
                career: b.career,
                education: b.education,
            };
            let before = earlier_mentee_cohorts(app, cohort, me).await?;
            let submitted = submit_mentee(program, cohort, &applicant, &before, form, call.moment)?;
            let admitted = store_mentee(app, submitted).await?;
            let (status_q, message) = match admitted.status {
                MenteeStatus::Accepted => (
                    "status=accepted".to_owned(),
                    "Your place in the cohort is confirmed: you are accepted as a mentee. \
                     You can now browse the mentor directory and send match requests."
                        .to_owned(),
                ),
                MenteeStatus::Waitlisted { place } => (
                    format!("status=waitlisted&place={place}"),
                    format!(
                        "The mentee places of this cohort are taken; you are number {place} \
                         on the waiting list. We will write as soon as a place frees up."
                    ),
                ),
                _ => (
                    "status=submitted".to_owned(),
                    "Your application is stored; the committee will confirm your place.".to_owned(),
                ),
            };
            notify(
                app,
                me,
                messages::application_received(program, Side::Mentee, &message),
            )
            .await;
            Ok(Reply::created(&Applied {
                id: application_id(Side::Mentee, me),
                side: Side::Mentee,
                cohort: cohort.id.clone(),
                status: serde_json::to_value(admitted.status).expect("status serializes"),
                ordinal: admitted.ordinal,
            })
            .redirect(format!("{APPLY_DONE_PAGE}?side=mentee&{status_q}")))
        }
        Side::Mentor => {
            let years = years_involvement(object.remove("years_involvement"))?;
            let mut profile = profile_from_object(object, Some(&applicant))?;
            if profile.years_involved.is_none() {
                profile.years_involved = Some(years);
            }
            let application =
                submit_mentor_profile(program, cohort, &applicant, &profile, years, call.moment)?;
            let read = profile::load(app.store.as_ref(), me).await?;
            let record = profile::next(read.as_ref(), me, profile, call.moment.now);
            super::profile::check(app, me, &record.slug, &record.profile).await?;
            let item = records::mentor_app_item(&application);
            let key = keys::mentor_app(&cohort.id, me);
            let audit = Entry::new(&cohort.id, "apply", me, &key, call.moment.now)
                .detail(serde_json::json!({"side": "mentor"}));
            app.store
                .transact(vec![
                    TransactOp::put_if(item, Condition::not_exists()),
                    TransactOp::put_if(
                        profile::item(&record),
                        profile::unchanged_since(read.as_ref()),
                    ),
                    audit.op(),
                ])
                .await
                .map_err(|e| match e {
                    StoreError::ConditionFailed { op_index: Some(1) } => changed_meanwhile(e),
                    e => duplicate_or(e, MENTOR_DUPLICATE),
                })?;
            if record.published {
                // A mentor the committee published before: the edited
                // profile goes out at once, as any edit of theirs.
                publish::member_changed(app, me).await;
            }
            notify(
                app,
                me,
                messages::application_received(
                    program,
                    Side::Mentor,
                    "The committee reviews mentor applications and publishes approved \
                     profiles to the directory; we will write when it has decided.",
                ),
            )
            .await;
            Ok(Reply::created(&Applied {
                id: application_id(Side::Mentor, me),
                side: Side::Mentor,
                cohort: cohort.id.clone(),
                status: serde_json::to_value(MentorStatus::Submitted).expect("status serializes"),
                ordinal: None,
            })
            .redirect(format!("{APPLY_DONE_PAGE}?side=mentor&status=submitted")))
        }
    }
}

/// The cohorts before `cohort` in which `member_id` was a mentee: accepted
/// as one, or in a duo as one (the facts the year-two rule of
/// [`mentoring::roster::check_returning_mentee`] needs).
async fn earlier_mentee_cohorts(
    app: &App,
    cohort: &mentoring::program::Cohort,
    member_id: &str,
) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for earlier in app
        .config
        .program
        .cohorts
        .iter()
        .filter(|c| c.applications_open < cohort.applications_open)
    {
        let application: Option<MenteeApplication> = records::get(
            app.store.as_ref(),
            &keys::mentee_app(&earlier.id, member_id),
        )
        .await?;
        let accepted = application.is_some_and(|a| a.status == MenteeStatus::Accepted);
        if accepted
            || app
                .store
                .get(&keys::mentee_lock(&earlier.id, member_id))
                .await?
                .is_some()
        {
            out.push(earlier.id.clone());
        }
    }
    Ok(out)
}

/// What a member who applies twice as a mentor in a cohort is told.
pub(crate) const MENTOR_DUPLICATE: &str = "You have already applied as a mentor in this cohort.";

/// Stores a new mentor application (of no profile change) with its audit
/// entry: 409 `duplicate` when the member has applied in the cohort.
pub(crate) async fn insert_mentor_application(
    app: &App,
    application: &MentorApplication,
    audit: Entry,
) -> Result<(), Problem> {
    app.store
        .transact(vec![
            TransactOp::put_if(
                records::mentor_app_item(application),
                Condition::not_exists(),
            ),
            audit.op(),
        ])
        .await
        .map_err(|e| duplicate_or(e, MENTOR_DUPLICATE))
}

fn duplicate_or(e: StoreError, message: &str) -> Problem {
    if e.is_condition_failed() {
        Problem::conflict("duplicate", message)
    } else {
        e.into()
    }
}

/// Stores a `submitted` mentee application, counts it and admits it (see
/// the module docs). Returns the application as stored last.
async fn store_mentee(
    app: &App,
    mut application: MenteeApplication,
) -> Result<MenteeApplication, Problem> {
    let cohort = app
        .config
        .program
        .cohort(&application.cohort)
        .ok_or_else(Problem::internal)?
        .clone();
    let me = application.member_id.clone();
    let key = keys::mentee_app(&cohort.id, &me);
    let now = application.submitted_at;
    let audit = Entry::new(&cohort.id, "apply", &me, &key, now)
        .detail(serde_json::json!({"side": "mentee"}));
    app.store
        .transact(vec![
            TransactOp::put_if(
                records::mentee_app_item(&application),
                Condition::not_exists(),
            ),
            audit.op(),
        ])
        .await
        .map_err(|e| duplicate_or(e, "You have already applied as a mentee in this cohort."))?;
    let counted = app
        .store
        .update(
            &keys::mentee_counter(&cohort.id),
            vec![UpdateAction::add("count", 1)],
            None,
        )
        .await;
    let ordinal = match counted.map(|item| item.get_i64("count")) {
        Ok(Some(n)) if n > 0 => n.unsigned_abs(),
        Ok(_) => {
            tracing::warn!("the mentee counter of {} holds no count", cohort.id);
            return Ok(application);
        }
        Err(e) => {
            tracing::warn!("counting the mentee application of {me}: {e}");
            return Ok(application);
        }
    };
    let submitted = application.clone();
    let admission = application.admit(ordinal, cohort.mentee_cap)?;
    let audit = Entry::new(&cohort.id, "admit", &me, &key, now).detail(serde_json::json!({
        "ordinal": ordinal,
        "admission": admission,
    }));
    let written = app
        .store
        .transact(vec![
            TransactOp::put_if(
                records::mentee_app_item(&application),
                Condition::eq(records::STATE, submitted.status.name()),
            ),
            audit.op(),
        ])
        .await;
    match written {
        Ok(()) => Ok(application),
        Err(e) => {
            tracing::warn!("admitting the mentee application of {me} (ordinal {ordinal}): {e}");
            Ok(submitted)
        }
    }
}

/// Body of approve / decline (optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    /// The cohort (default: `?cohort=`, else the current one).
    #[serde(default)]
    cohort: Option<String>,
    /// Accepting a mentee when every place is taken: why (audited).
    #[serde(default)]
    override_reason: Option<String>,
}

/// `POST /api/applications/{id}/approve` (committee, chair).
///
/// Request: empty, or `{"cohort"?: "2008", "override_reason"?: str}`.
/// Mentee: `submitted | waitlisted -> accepted`, within the cap (accepted
/// mentees plus open offers of freed places); over it only with an
/// `override_reason` (<= 500), which the audit entry keeps. Mentor:
/// `submitted -> approved` (listed in the directory). Reply `200`: the application as in `GET /api/applications`;
/// form posts: `303` to `/members/committee/applications/?decided=<id>`.
/// Errors: 403 `forbidden` (one's own application: another committee
/// member decides it); 404 no such application; 409 `invalid_transition` (already
/// decided), `limit_reached` (the cap, no override reason) or changed
/// meanwhile.
pub async fn approve(app: &App, call: Call) -> Outcome {
    decide(app, call, true).await
}

/// `POST /api/applications/{id}/decline` (committee, chair). As approve;
/// mentee: `submitted | waitlisted -> declined`, mentor: `submitted ->
/// declined`.
pub async fn decline(app: &App, call: Call) -> Outcome {
    decide(app, call, false).await
}

async fn decide(app: &App, call: Call, approve: bool) -> Outcome {
    let id = call.id().to_owned();
    let (side, member_id) = parse_application_id(&id)
        .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
    let member_id = member_id.to_owned();
    mentoring::application::check_decider(&call.caller.member_id, &member_id)?;
    let body: DecideBody = call.body.decode(Shape::default())?;
    let program = &app.config.program;
    let cohort = match body.cohort.as_deref().or_else(|| {
        call.query
            .iter()
            .find(|(k, _)| k == "cohort")
            .map(|(_, v)| v.as_str())
    }) {
        Some(c) => program
            .cohort(c)
            .ok_or_else(|| Problem::field("cohort", format!("There is no cohort {c:?}.")))?,
        None => program
            .current_cohort(call.moment.today)
            .ok_or_else(|| Problem::not_found("The program has no cohort."))?,
    };
    let action = if approve {
        "approve_application"
    } else {
        "decline_application"
    };
    let me = call.caller.member_id.clone();
    let now = call.moment.now;
    let listed = match side {
        Side::Mentee => {
            let key = keys::mentee_app(&cohort.id, &member_id);
            let mut a: MenteeApplication = records::get(app.store.as_ref(), &key)
                .await?
                .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
            let old = a.status;
            a.status = if approve {
                old.approve()?
            } else {
                old.decline()?
            };
            let mut detail = serde_json::json!({"from": old.name(), "to": a.status.name()});
            if approve {
                let applications = crate::waitlist::mentee_applications(app, &cohort.id).await?;
                let offers = crate::waitlist::offers(app, &cohort.id).await?;
                let taken = places_taken(&applications, &offers, now);
                if let Some(reason) = check_cap_on_approval(
                    taken,
                    cohort.mentee_cap,
                    body.override_reason.as_deref(),
                )? {
                    detail["over_cap"] = serde_json::json!(true);
                    detail["override_reason"] = serde_json::json!(reason);
                    detail["places_taken"] = serde_json::json!(taken);
                }
            }
            let audit = Entry::new(&cohort.id, action, &me, &key, now).detail(detail);
            save_transition(app, records::mentee_app_item(&a), old.name(), audit).await?;
            Listed {
                id: id.clone(),
                application: Application::Mentee(a),
            }
        }
        Side::Mentor => {
            let key = keys::mentor_app(&cohort.id, &member_id);
            let mut a: MentorApplication = records::get(app.store.as_ref(), &key)
                .await?
                .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
            let old = a.status;
            a.status = if approve {
                old.approve()?
            } else {
                old.decline()?
            };
            let audit = Entry::new(&cohort.id, action, &me, &key, now)
                .detail(serde_json::json!({"from": old.name(), "to": a.status.name()}));
            let mut ops = vec![
                TransactOp::put_if(
                    records::mentor_app_item(&a),
                    Condition::eq(records::STATE, old.name()),
                ),
                audit.op(),
            ];
            // Approval publishes the profile the application carries.
            let record = profile::load(app.store.as_ref(), &member_id).await?;
            let publishes = approve && record.as_ref().is_some_and(|r| !r.published);
            if let (true, Some(r)) = (publishes, &record) {
                ops.push(TransactOp::update(
                    keys::profile(&member_id),
                    vec![
                        UpdateAction::set("published", true),
                        UpdateAction::add("version", 1),
                    ],
                    Some(profile::unchanged_since(Some(r))),
                ));
            }
            app.store.transact(ops).await.map_err(changed_meanwhile)?;
            if approve && record.is_some() {
                publish::member_changed(app, &member_id).await;
            }
            Listed {
                id: id.clone(),
                application: Application::Mentor(a),
            }
        }
    };
    notify(
        app,
        &member_id,
        messages::application_decided(program, side, approve),
    )
    .await;
    Ok(Reply::ok(&listed).redirect(format!(
        "{COMMITTEE_APPLICATIONS_PAGE}?decided={}&cohort={}",
        query_value(&id),
        query_value(&cohort.id)
    )))
}

/// Writes `item`, a record whose state was `old_state` when it was read,
/// with its audit entry, in one transaction: 409 when someone changed it
/// meanwhile ([`changed_meanwhile`]).
pub async fn save_transition(
    app: &App,
    item: crate::store::Item,
    old_state: &str,
    audit: Entry,
) -> Result<(), Problem> {
    app.store
        .transact(vec![
            TransactOp::put_if(item, Condition::eq(records::STATE, old_state)),
            audit.op(),
        ])
        .await
        .map_err(changed_meanwhile)
}

/// A failed condition on a record read a moment ago: someone changed it.
pub fn changed_meanwhile(e: StoreError) -> Problem {
    if e.is_condition_failed() {
        Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            "This was changed by someone else a moment ago; reload and try again.",
        )
    } else {
        e.into()
    }
}
