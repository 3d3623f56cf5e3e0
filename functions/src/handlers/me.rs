//! `GET /api/me` and `POST /api/alumni`.

use mentoring::duo::Duo;
use mentoring::nomination::Nomination;
use serde::Deserialize;

use super::applications::application_id;
use super::duos::DuoView;
use super::matches::own_requests;
use super::nominations::NominationView;
use super::Call;
use crate::app::App;
use crate::audit::Entry;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Item, Query, TransactOp};

/// Result page of the alumni form.
pub const ALUMNI_PAGE: &str = "/members/alumni/";

/// `GET /api/me` (anyone signed in).
///
/// Reply `200`: `{"member_id", "name", "email" (null when not in the
/// roster), "roles": ["member", "mentee", ...], "csrf_token" (for `fetch`'s
/// `X-CSRF-Token`), "cohort": current cohort id | null, "applications":
/// [{"id": "mentee-M2001", "side", "cohort", "status": {...}, "ordinal"?}],
/// "duo": <duo as in GET /api/duos> | null, "requests": {"sent": [...],
/// "received": [...]}, "nominations": [<pending nominations of me>]}`.
pub async fn me(app: &App, call: Call) -> Outcome {
    let me = call.caller.member_id.clone();
    let program = &app.config.program;
    let today = call.moment.today;
    let member = records::load_member(app.store.as_ref(), &me).await?;
    let mut applications = Vec::new();
    let mut duo: Option<DuoView> = None;
    for p in &call.caller.participations {
        if let Some(a) = &p.mentee {
            applications.push(serde_json::json!({
                "id": application_id(mentoring::Side::Mentee, &me),
                "side": "mentee",
                "cohort": a.cohort,
                "status": a.status,
                "ordinal": a.ordinal,
                "submitted_at": a.submitted_at,
            }));
        }
        if let Some(a) = &p.mentor {
            applications.push(serde_json::json!({
                "id": application_id(mentoring::Side::Mentor, &me),
                "side": "mentor",
                "cohort": a.cohort,
                "status": a.status,
                "submitted_at": a.submitted_at,
            }));
        }
        if duo.is_none() {
            let Some(cohort) = program.cohort(&p.cohort) else {
                continue;
            };
            for lock in [
                keys::mentee_lock(&p.cohort, &me),
                keys::mentor_lock(&p.cohort, &me),
            ] {
                let Some(held) = app.store.get(&lock).await? else {
                    continue;
                };
                if let Some(duo_id) = held.get_str("duo") {
                    if let Some(d) =
                        records::get::<Duo>(app.store.as_ref(), &keys::duo(&p.cohort, duo_id))
                            .await?
                    {
                        duo = Some(DuoView::of(d, cohort, today));
                        break;
                    }
                }
            }
        }
    }
    let (sent, received) = own_requests(app, &call).await?;
    let nominations: Vec<NominationView> = app
        .store
        .query(&Query::gsi1(keys::member_gsi(&me)).prefix(keys::NOM_PREFIX))
        .await?
        .iter()
        .filter_map(|i| records::read::<Nomination>(i).ok())
        .filter(|n| n.nominee_id == me)
        .map(|n| NominationView::of(&n, call.moment.now))
        .collect();
    Ok(Reply::ok(&serde_json::json!({
        "member_id": me,
        "name": member.as_ref().map(|m| m.name.clone()),
        "email": member.as_ref().map(|m| m.email.clone()),
        "roles": call.caller.roles,
        "csrf_token": call.caller.csrf_token,
        "cohort": program.current_cohort(today).map(|c| c.id.clone()),
        "applications": applications,
        "duo": duo,
        "requests": {"sent": sent, "received": received},
        "nominations": nominations,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlumniBody {
    #[serde(default = "yes")]
    join: bool,
}

fn yes() -> bool {
    true
}

/// `POST /api/alumni` (a mentee or mentor): join (or leave) the alumni
/// e-mail group of one's cohort.
///
/// Request: empty, or `{"join": true | false}` (form: `join=true|false`).
/// Stored as `COHORT#<c> / ALUMNI#<member>`.
///
/// Reply `200`: `{"cohort", "member_id", "alumni": bool}`; form posts:
/// `303` to `/members/alumni/?status=joined|left`.
pub async fn alumni_opt_in(app: &App, call: Call) -> Outcome {
    let mut object = call.body.clone().into_object(Shape::default())?;
    if let Some(serde_json::Value::String(s)) = object.get("join") {
        let b = match s.as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        };
        if let Some(b) = b {
            object.insert("join".into(), serde_json::Value::Bool(b));
        }
    }
    let body: AlumniBody = crate::http::body::decode(object)?;
    let me = call.caller.member_id.clone();
    let cohort = call
        .caller
        .participations
        .iter()
        .find(|p| p.is_accepted_mentee() || p.is_listed_mentor())
        .map(|p| p.cohort.clone())
        .ok_or_else(|| {
            Problem::forbidden("The alumni group is for the program's mentees and mentors.")
        })?;
    let key = keys::alumni(&cohort, &me);
    let item = Item::new(&key)
        .with(records::KIND, "alumni")
        .with("member_id", me.as_str())
        .with("join", body.join)
        .with("at", call.moment.now.to_rfc3339());
    let audit = Entry::new(
        &cohort,
        if body.join {
            "join_alumni"
        } else {
            "leave_alumni"
        },
        &me,
        &key,
        call.moment.now,
    );
    app.store
        .transact(vec![TransactOp::put(item), audit.op()])
        .await?;
    Ok(
        Reply::ok(&serde_json::json!({"cohort": cohort, "member_id": me, "alumni": body.join}))
            .redirect(format!(
                "{ALUMNI_PAGE}?status={}",
                if body.join { "joined" } else { "left" }
            )),
    )
}
