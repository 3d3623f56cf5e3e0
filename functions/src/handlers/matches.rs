//! Match requests: `POST /api/matches`, `POST /api/matches/{id}/accept |
//! decline | withdraw`, `GET /api/matches`.
//!
//! Concurrency:
//! - a new request is one transaction that bumps the mentee's `REQS#`
//!   version conditionally (`version = <read>`), so two concurrent requests
//!   of one mentee cannot both pass the "at most N pending" and "no
//!   duplicate" checks (the loser re-reads and is checked again); it also
//!   checks that neither party holds a lock and that both applications are
//!   still accepted / approved;
//! - accepting is one transaction: the request `pending -> accepted`, the
//!   `MENTOR#` and `MENTEE#` locks (`attribute_not_exists`), the duo, the
//!   audit entry, and every other pending request of the mentee
//!   (`withdrawn`, "mentee matched") and of the mentor (`declined`, "mentor
//!   full"), each conditional on still being `pending`. If another request
//!   changed meanwhile, it is read again and retried. (Side effects beyond
//!   DynamoDB's 100 items per transaction follow, each in its own
//!   transaction with its audit entry.)

use std::time::Duration;

use mentoring::application::{MenteeStatus, MentorApplication};
use mentoring::matching::{
    accept_request, request_match, AcceptContext, MatchForm, MatchRequest, MatchStatus,
    RequestContext, Transition, REASON_MENTOR_FULL,
};
use mentoring::program::Cohort;
use serde::Deserialize;

use super::applications::save_transition;
use super::{messages, notify, site_url, Call};
mod closing;

use crate::app::App;
use crate::audit::Entry;
use crate::http::body::check_id;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Condition, Query, StoreError, TransactOp, UpdateAction, MAX_TRANSACT_OPS};
pub(super) use closing::{close_later, push_closed_requests, tell_declined};

/// The members' page of one's requests (result of every match form).
pub const REQUESTS_PAGE: &str = "/members/requests/";

/// How often a transaction that lost a race is read and tried again.
const ATTEMPTS: usize = 8;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    #[serde(default)]
    mentor_id: String,
    #[serde(default)]
    message: String,
}

/// Every match request of a cohort.
pub async fn cohort_requests(app: &App, cohort: &str) -> Result<Vec<MatchRequest>, Problem> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::MATCH_PREFIX))
        .await?;
    items
        .iter()
        .map(|i| records::read::<MatchRequest>(i).map_err(Problem::from))
        .collect()
}

async fn exists(app: &App, key: &crate::store::Key) -> Result<bool, Problem> {
    Ok(app.store.get(key).await?.is_some())
}

async fn pause(attempt: usize) {
    let ms = 5 + fastrand::u64(0..(10 * (attempt as u64 + 1)));
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// `POST /api/matches` (an accepted mentee).
///
/// Request: `{"mentor_id": "M2101", "message": str (required, <= 1000)}`.
/// The mentor gets a mail.
///
/// Reply `201`: the request `{"id", "cohort", "mentee_id", "mentor_id",
/// "message", "created_at", "expires_at", "status": {"state": "pending"}}`;
/// form posts: `303` to `/members/requests/?status=sent`.
///
/// Errors: 400 fields (blank, yourself, too long); 403 not an accepted
/// mentee; 404 no listed mentor; 409 `closed` (after the matching
/// deadline), `conflict` (either already has a duo), `duplicate` (a pending
/// request to that mentor), `limit_reached` (3 pending).
pub async fn request(app: &App, call: Call) -> Outcome {
    let body: RequestBody = call.body.decode(Shape::default())?;
    let mut errors = Vec::new();
    if body.mentor_id.chars().count() > crate::http::body::MAX_ID_LEN {
        check_id(&mut errors, "mentor_id", &body.mentor_id);
        return Err(Problem::invalid(errors));
    }
    let program = &app.config.program;
    let me = call.caller.member_id.clone();
    let cohort = call
        .caller
        .participations
        .iter()
        .find(|p| p.is_accepted_mentee())
        .and_then(|p| program.cohort(&p.cohort))
        .ok_or_else(|| Problem::forbidden("Only accepted mentees may send match requests."))?;
    let form = MatchForm {
        mentor_id: body.mentor_id,
        message: body.message,
    };
    let mut created = None;
    for attempt in 0..ATTEMPTS {
        let guard_key = keys::request_guard(&cohort.id, &me);
        let version = app
            .store
            .get(&guard_key)
            .await?
            .and_then(|i| i.get_i64("version"))
            .unwrap_or(0);
        let all = cohort_requests(app, &cohort.id).await?;
        let mine: Vec<MatchRequest> = all.into_iter().filter(|r| r.mentee_id == me).collect();
        let mentor_app: Option<MentorApplication> = if form.mentor_id.trim().is_empty() {
            None
        } else {
            records::get(
                app.store.as_ref(),
                &keys::mentor_app(&cohort.id, &form.mentor_id),
            )
            .await?
        };
        let mentee_matched = exists(app, &keys::mentee_lock(&cohort.id, &me)).await?;
        let mentor_matched = !form.mentor_id.trim().is_empty()
            && exists(app, &keys::mentor_lock(&cohort.id, &form.mentor_id)).await?;
        let mentee_status = call
            .caller
            .in_cohort(&cohort.id)
            .and_then(|p| p.mentee.as_ref().map(|a| a.status));
        let ctx = RequestContext {
            mentee_status,
            mentor_status: mentor_app.map(|a| a.status),
            mentee_requests: &mine,
            mentee_matched,
            mentor_matched,
        };
        let req = request_match(
            program,
            cohort,
            &me,
            form.clone(),
            &ctx,
            records::new_id(),
            call.moment,
        )?;
        let match_key = keys::match_request(&cohort.id, &req.id);
        let guard = if version == 0 {
            Condition::attr_not_exists("version")
        } else {
            Condition::eq("version", version)
        };
        let audit = Entry::new(
            &cohort.id,
            "request_match",
            &me,
            &match_key,
            call.moment.now,
        )
        .detail(serde_json::json!({"mentor": req.mentor_id}));
        let ops = vec![
            TransactOp::update(
                guard_key,
                vec![UpdateAction::add("version", 1)],
                Some(guard),
            ),
            TransactOp::put_if(records::match_item(&req), Condition::not_exists()),
            TransactOp::check(
                keys::mentor_lock(&cohort.id, &req.mentor_id),
                Condition::not_exists(),
            ),
            TransactOp::check(keys::mentee_lock(&cohort.id, &me), Condition::not_exists()),
            TransactOp::check(
                keys::mentor_app(&cohort.id, &req.mentor_id),
                Condition::eq(records::STATE, "approved"),
            ),
            TransactOp::check(
                keys::mentee_app(&cohort.id, &me),
                Condition::eq(records::STATE, MenteeStatus::Accepted.name()),
            ),
            audit.op(),
        ];
        match app.store.transact(ops).await {
            Ok(()) => {
                created = Some(req);
                break;
            }
            Err(StoreError::ConditionFailed { op_index }) => match op_index {
                Some(2) => {
                    return Err(Problem::conflict(
                        "conflict",
                        "This mentor already has a mentee.",
                    ))
                }
                Some(3) => return Err(Problem::conflict("conflict", "You already have a mentor.")),
                Some(4) => {
                    return Err(Problem::not_found(format!(
                        "No listed mentor {} in this cohort.",
                        req.mentor_id
                    )))
                }
                Some(5) => {
                    return Err(Problem::forbidden(
                        "Only accepted mentees may send match requests.",
                    ))
                }
                _ => pause(attempt).await,
            },
            Err(e) if e.is_retryable() => pause(attempt).await,
            Err(e) => return Err(e.into()),
        }
    }
    let req = created.ok_or_else(busy)?;
    let mentee_name = super::name_of(app, &me).await;
    notify(
        app,
        &req.mentor_id,
        messages::match_request(
            program,
            &mentee_name,
            &req.message,
            &site_url(app, REQUESTS_PAGE),
            &req.expires_at.date_naive().to_string(),
        ),
    )
    .await;
    Ok(Reply::created(&req).redirect(format!("{REQUESTS_PAGE}?status=sent")))
}

fn busy() -> Problem {
    Problem::new(
        http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "Busy",
        "Many changes are happening at once; please try again in a moment.",
    )
}

/// The request `id`, in whichever cohort holds it.
async fn find<'a>(app: &'a App, id: &str) -> Result<(&'a Cohort, MatchRequest), Problem> {
    let not_found = || Problem::not_found(format!("There is no match request {id:?}."));
    if id.chars().count() > crate::http::body::MAX_ID_LEN {
        return Err(not_found());
    }
    for cohort in &app.config.program.cohorts {
        if let Some(r) =
            records::get::<MatchRequest>(app.store.as_ref(), &keys::match_request(&cohort.id, id))
                .await?
        {
            return Ok((cohort, r));
        }
    }
    Err(not_found())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmptyBody {}

/// `POST /api/matches/{id}/accept` (the mentor asked).
///
/// Request: empty or `{}`. Forms the duo; withdraws the mentee's other
/// pending requests ("mentee matched") and declines the mentor's
/// ("mentor full"), all in one transaction. Mails the mentee (and the
/// mentees declined).
///
/// Reply `200`: `{"match": <request, "status": {"state": "accepted", "at"}>,
/// "duo": {"id", "cohort", "mentor_id", "mentee_id", "liaison_id": null,
/// "request_id", "formed_at", "status": {"state": "formed"}},
/// "side_effects": [{"request_id", "from", "to"}]}`; form posts: `303` to
/// `/members/requests/?status=accepted`.
///
/// Errors: 403 not the mentor asked; 404 no such request; 409
/// `invalid_transition` (not pending, e.g. already declined "mentor full"),
/// `conflict` (a party already has a duo), `closed` (after the deadline);
/// 410 `expired`.
pub async fn accept(app: &App, call: Call) -> Outcome {
    let _: EmptyBody = call.body.decode(Shape::default())?;
    let id = call.params.first().cloned().unwrap_or_default();
    let me = call.caller.member_id.clone();
    let program = &app.config.program;
    for attempt in 0..ATTEMPTS {
        let (cohort, request) = find(app, &id).await?;
        let all = cohort_requests(app, &cohort.id).await?;
        let mentee_requests: Vec<MatchRequest> = all
            .iter()
            .filter(|r| r.mentee_id == request.mentee_id)
            .cloned()
            .collect();
        let mentor_requests: Vec<MatchRequest> = all
            .iter()
            .filter(|r| r.mentor_id == request.mentor_id)
            .cloned()
            .collect();
        let ctx = AcceptContext {
            mentee_matched: exists(app, &keys::mentee_lock(&cohort.id, &request.mentee_id)).await?,
            mentor_matched: exists(app, &keys::mentor_lock(&cohort.id, &request.mentor_id)).await?,
            mentee_requests: &mentee_requests,
            mentor_requests: &mentor_requests,
        };
        let acceptance =
            accept_request(&request, &me, &ctx, cohort, records::new_id(), call.moment)?;
        let mut accepted = request.clone();
        accepted.status = acceptance.status.clone();
        let duo = acceptance.duo.clone();
        let match_key = keys::match_request(&cohort.id, &request.id);
        let audit = Entry::new(&cohort.id, "accept_match", &me, &match_key, call.moment.now)
            .detail(serde_json::json!({
                "duo": duo.id,
                "mentee": request.mentee_id,
                "side_effects": acceptance.side_effects.iter().map(|t| {
                    serde_json::json!({"request": t.request_id, "to": t.to.name()})
                }).collect::<Vec<_>>(),
            }));
        let mut ops = vec![
            TransactOp::put_if(
                records::match_item(&accepted),
                Condition::eq(records::STATE, "pending"),
            ),
            TransactOp::put_if(
                records::lock_item(
                    &keys::mentor_lock(&cohort.id, &duo.mentor_id),
                    &duo.id,
                    &duo.mentee_id,
                ),
                Condition::not_exists(),
            ),
            TransactOp::put_if(
                records::lock_item(
                    &keys::mentee_lock(&cohort.id, &duo.mentee_id),
                    &duo.id,
                    &duo.mentor_id,
                ),
                Condition::not_exists(),
            ),
            TransactOp::put_if(records::duo_item(&duo), Condition::not_exists()),
            audit.op(),
        ];
        let later = push_closed_requests(&mut ops, &all, &acceptance.side_effects);
        match app.store.transact(ops).await {
            Ok(()) => {}
            Err(StoreError::ConditionFailed { .. }) => {
                // Read again: the rules then say what changed (declined
                // meanwhile, the mentor took someone else...), or it goes
                // through with the fresh side effects.
                pause(attempt).await;
                continue;
            }
            Err(e) if e.is_retryable() => {
                pause(attempt).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        close_later(
            app,
            &cohort.id,
            &me,
            ("accepted", &request.id),
            &later,
            call.moment,
        )
        .await;
        // The mentor is taken: their profile says so, without "Ask" link.
        crate::publish::member_changed(app, &request.mentor_id).await;
        let mentor_name = super::name_of(app, &me).await;
        notify(
            app,
            &request.mentee_id,
            messages::match_accepted(program, &mentor_name),
        )
        .await;
        tell_declined(app, &all, &acceptance.side_effects, &mentor_name).await;
        return Ok(Reply::ok(&serde_json::json!({
            "match": accepted,
            "duo": duo,
            "side_effects": acceptance.side_effects,
        }))
        .redirect(format!("{REQUESTS_PAGE}?status=accepted")));
    }
    Err(busy())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclineBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/matches/{id}/decline` (the mentor asked).
///
/// Request: empty or `{"reason"?: str (<= 500, shown to the mentee)}`.
/// Reply `200`: the request with `"status": {"state": "declined", "at",
/// "reason"}`; form posts: `303` to `/members/requests/?status=declined`.
/// Errors: 400 reason too long; 403 not the mentor; 404; 409 not pending;
/// 410 expired.
pub async fn decline(app: &App, call: Call) -> Outcome {
    let body: DeclineBody = call.body.decode(Shape::default())?;
    let id = call.params.first().cloned().unwrap_or_default();
    let me = call.caller.member_id.clone();
    let (cohort, mut r) = find(app, &id).await?;
    let old = r.status.clone();
    r.status = r.decline(&me, body.reason, call.moment.now)?;
    let key = keys::match_request(&cohort.id, &r.id);
    let audit = Entry::new(&cohort.id, "decline_match", &me, &key, call.moment.now);
    save_transition(app, records::match_item(&r), old.name(), audit).await?;
    let reason = match &r.status {
        MatchStatus::Declined { reason, .. } => reason.clone(),
        _ => None,
    };
    let mentor_name = super::name_of(app, &me).await;
    notify(
        app,
        &r.mentee_id,
        messages::match_declined(&app.config.program, &mentor_name, reason.as_deref()),
    )
    .await;
    Ok(Reply::ok(&r).redirect(format!("{REQUESTS_PAGE}?status=declined")))
}

/// `POST /api/matches/{id}/withdraw` (the mentee who sent it).
///
/// Request: empty or `{}`. Reply `200`: the request with `"status":
/// {"state": "withdrawn", "at", "reason": null}`; form posts: `303` to
/// `/members/requests/?status=withdrawn`; the mentor gets a mail. Errors: 403 not the sender; 404;
/// 409 not pending; 410 expired.
pub async fn withdraw(app: &App, call: Call) -> Outcome {
    let _: EmptyBody = call.body.decode(Shape::default())?;
    let id = call.params.first().cloned().unwrap_or_default();
    let me = call.caller.member_id.clone();
    let (cohort, mut r) = find(app, &id).await?;
    let old = r.status.clone();
    r.status = r.withdraw(&me, call.moment.now)?;
    let key = keys::match_request(&cohort.id, &r.id);
    let audit = Entry::new(&cohort.id, "withdraw_match", &me, &key, call.moment.now);
    save_transition(app, records::match_item(&r), old.name(), audit).await?;
    // The mentor is told (the requests page says so).
    let mentee_name = super::name_of(app, &me).await;
    notify(
        app,
        &r.mentor_id,
        messages::match_withdrawn(&app.config.program, &mentee_name),
    )
    .await;
    Ok(Reply::ok(&r).redirect(format!("{REQUESTS_PAGE}?status=withdrawn")))
}

/// The caller's requests in the cohorts in view: `(sent, received)`, each
/// with its state as of now (a pending one past its expiry shows
/// `expired`).
pub async fn own_requests(
    app: &App,
    call: &Call,
) -> Result<(Vec<MatchRequest>, Vec<MatchRequest>), Problem> {
    let me = &call.caller.member_id;
    let mut sent = Vec::new();
    let mut received = Vec::new();
    // A request joins an accepted mentee and an approved mentor of one
    // cohort (both applications are checked when it is made, and
    // applications are never deleted): a cohort where the caller has no
    // application holds none of theirs, and is not read.
    let applied = call
        .caller
        .participations
        .iter()
        .filter(|p| p.mentee.is_some() || p.mentor.is_some());
    for p in applied {
        for mut r in cohort_requests(app, &p.cohort).await? {
            r.status = r.status_at(call.moment.now);
            if &r.mentee_id == me {
                sent.push(r);
            } else if &r.mentor_id == me {
                received.push(r);
            }
        }
    }
    sent.sort_by_key(|r| r.created_at);
    received.sort_by_key(|r| r.created_at);
    Ok((sent, received))
}

/// What the mentee's application tells the mentors they ask and the
/// committee ([`mentoring::Action::ViewMenteeBackground`]): goals,
/// background, career and education; `null` without an application.
pub async fn mentee_information(
    app: &App,
    cohort: &str,
    mentee_id: &str,
) -> Result<serde_json::Value, Problem> {
    let application: Option<mentoring::application::MenteeApplication> =
        records::get(app.store.as_ref(), &keys::mentee_app(cohort, mentee_id)).await?;
    Ok(match application {
        Some(a) => serde_json::json!({
            "goals": a.form.goals,
            "background": a.form.background,
            "career": a.form.career,
            "education": a.form.education,
            "institution": a.form.institution,
        }),
        None => serde_json::Value::Null,
    })
}

/// `GET /api/matches` (a mentee or mentor): one's own requests.
///
/// Reply `200`: `{"sent": [request], "received": [request + "mentee":
/// {"goals", "background", "career", "education", "institution"}]}`
/// (requests as in `POST /api/matches`, oldest first; only the mentor
/// asked sees the mentee's information, with the request).
pub async fn list_own(app: &App, call: Call) -> Outcome {
    let (sent, received) = own_requests(app, &call).await?;
    let mut shown = Vec::new();
    for r in &received {
        let mut v = serde_json::to_value(r).map_err(|_| Problem::internal())?;
        if mentoring::permitted(&call.caller.roles, mentoring::Action::ViewMenteeBackground) {
            v["mentee"] = mentee_information(app, &r.cohort, &r.mentee_id).await?;
        }
        shown.push(v);
    }
    Ok(Reply::ok(
        &serde_json::json!({"sent": sent, "received": shown}),
    ))
}
