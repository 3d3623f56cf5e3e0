//! `GET /api/me` (the alumni group's `POST /api/alumni` is `crate::alumni::opt_in`).

use mentoring::duo::Duo;
use mentoring::nomination::Nomination;

use super::applications::application_id;
use super::duos::DuoView;
use super::matches::own_requests;
use super::nominations::NominationView;
use super::Call;
use crate::app::App;
use crate::http::{Outcome, Problem, Reply};
use crate::records::{self, keys};
use crate::store::Query;

/// `GET /api/me` (anyone signed in).
///
/// Reply `200`: `{"member_id", "name", "email" (null when not in the
/// roster), "roles": ["member", "mentee", ...], "csrf_token" (for `fetch`'s
/// `X-CSRF-Token`), "cohort": current cohort id | null, "applications":
/// [{"id": "mentee-M2001", "side", "cohort", "status": {...}, "ordinal"?}],
/// "duo": <duo as in GET /api/duos> | null (the duo of the cohort their duo
/// page shows: the running one while the next cohort applies), "requests": {"sent": [...],
/// "received": [...]}, "nominations": [<pending nominations of me>],
/// "institution_key": the institution of their latest mentee application
/// as conflicts of interest compare it
/// ([`mentoring::suggest::institution_key`]) | null}` — the directory marks
/// the cards of mentors with the same key (`data-institution`).
pub async fn me(app: &App, call: Call) -> Outcome {
    let me = call.caller.member_id.clone();
    let program = &app.config.program;
    let today = call.moment.today;
    let member = match &call.caller.member {
        Some(member) => Some(member.clone()),
        None => records::load_member(app.store.as_ref(), &me).await?,
    };
    let mut applications = Vec::new();
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
    }
    let institution_key = call
        .caller
        .participations
        .iter()
        .rev()
        .find_map(|p| p.mentee.as_ref())
        .and_then(|a| mentoring::suggest::institution_key(&a.form.institution));
    // Independent reads, sent together: on DynamoDB the reply waits for
    // the slowest of them, not for their sum.
    let nominations_query = Query::gsi1(keys::member_gsi(&me)).prefix(keys::NOM_PREFIX);
    let (duo, requests, nominated) = tokio::join!(
        shown_duo(app, &call),
        own_requests(app, &call),
        app.store.query(&nominations_query)
    );
    let duo = duo?;
    let (sent, received) = requests?;
    let nominations: Vec<NominationView> = nominated?
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
        "institution_key": institution_key,
    })))
}

/// The caller's duo in the cohort their duo page shows
/// ([`mentoring::cohort_focus::duo_cohort`]: the running one while the
/// next cohort applies), found through their mentee or mentor lock there.
async fn shown_duo(app: &App, call: &Call) -> Result<Option<DuoView>, Problem> {
    let me = &call.caller.member_id;
    let program = &app.config.program;
    let today = call.moment.today;
    let taking_part: Vec<&str> = call
        .caller
        .participations
        .iter()
        .filter(|p| p.mentee.is_some() || p.mentor.is_some())
        .map(|p| p.cohort.as_str())
        .collect();
    let Some(cohort) = mentoring::cohort_focus::duo_cohort(program, today, &taking_part) else {
        return Ok(None);
    };
    let locks = [
        keys::mentee_lock(&cohort.id, me),
        keys::mentor_lock(&cohort.id, me),
    ];
    for held in app.store.get_many(&locks).await?.into_iter().flatten() {
        if let Some(duo_id) = held.get_str("duo") {
            if let Some(d) =
                records::get::<Duo>(app.store.as_ref(), &keys::duo(&cohort.id, duo_id)).await?
            {
                return Ok(Some(DuoView::of(d, cohort, today, me, &call.caller.roles)));
            }
        }
    }
    Ok(None)
}
