//! `POST /api/applications/{id}/withdraw` (the applicant) and
//! `POST /api/offers/{id}/confirm` (the member offered a freed place).
//!
//! Withdrawing an accepted mentee application frees a place: the same
//! transaction that withdraws it stores an open [`Vacancy`], and then the
//! place is offered to the first on the waitlist ([`crate::waitlist`]).
//! A withdrawal also ends the applicant's pending match requests (mentee:
//! withdrawn; mentor: declined), in the same transaction. A member in a duo
//! cannot withdraw: the duo is ended from its page.

use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::matching::{MatchRequest, MatchStatus};
use mentoring::program::Cohort;
use mentoring::waitlist::{OfferStatus, Vacancy, VacancyStatus};
use mentoring::{RuleError, Side};
use serde::{Deserialize, Serialize};

use super::applications::{application_id, changed_meanwhile};
use super::matches::cohort_requests;
use super::{messages, notify, Call};
use crate::app::App;
use crate::audit::Entry;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys, STATE};
use crate::store::{Condition, TransactOp, MAX_TRANSACT_OPS};
use crate::waitlist::{fill_vacancies, held_by, offers, OFFER_PAGE};

/// Result page of a withdrawal.
pub const WITHDRAWN_PAGE: &str = "/members/";
/// Reason given to a mentee's pending requests when they withdraw.
pub const REASON_APPLICATION_WITHDRAWN: &str = "application withdrawn";
/// Reason given to the pending requests to a mentor who withdraws.
pub const REASON_MENTOR_WITHDREW: &str = "mentor withdrew";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortBody {
    #[serde(default)]
    cohort: Option<String>,
}

#[derive(Debug, Serialize)]
struct Withdrawn {
    id: String,
    side: Side,
    cohort: String,
    status: serde_json::Value,
    /// Whether a mentee place was freed (and offered on).
    frees_place: bool,
}

fn parse_id(id: &str) -> Option<(Side, &str)> {
    let (side, member) = if let Some(m) = id.strip_prefix("mentee-") {
        (Side::Mentee, m)
    } else {
        (Side::Mentor, id.strip_prefix("mentor-")?)
    };
    Some((side, member)).filter(|(_, m)| !m.is_empty())
}

/// The cohort: the body's, else `?cohort=`, else the newest cohort in view
/// where the caller has an application on that side.
fn cohort_for<'a>(
    app: &'a App,
    caller: &crate::roles::Caller,
    query: Option<&str>,
    today: chrono::NaiveDate,
    body: &CohortBody,
    side: Side,
) -> Result<&'a Cohort, Problem> {
    let program = &app.config.program;
    if let Some(id) = body.cohort.as_deref().or(query) {
        return program
            .cohort(id)
            .ok_or_else(|| Problem::field("cohort", format!("There is no cohort {id:?}.")));
    }
    let found = caller.participations.iter().find(|p| match side {
        Side::Mentee => p.mentee.is_some(),
        Side::Mentor => p.mentor.is_some(),
    });
    match found.and_then(|p| program.cohort(&p.cohort)) {
        Some(c) => Ok(c),
        None => program
            .current_cohort(today)
            .ok_or_else(|| Problem::not_found("The program has no cohort.")),
    }
}

fn already(side: Side, e: RuleError) -> Problem {
    match e {
        RuleError::InvalidTransition { from, .. } => Problem::conflict(
            "invalid_transition",
            format!(
                "Your {} application is already {}; there is nothing to withdraw.",
                side.as_str(),
                from.replace('_', " ")
            ),
        ),
        other => other.into(),
    }
}

async fn in_duo(app: &App, key: &crate::store::Key) -> Result<bool, Problem> {
    Ok(app.store.get(key).await?.is_some())
}

fn in_duo_problem() -> Problem {
    Problem::conflict(
        "conflict",
        "You are in a duo: end it from your duo's page (the committee is told) instead of \
         withdrawing your application.",
    )
}

/// `POST /api/applications/{id}/withdraw` (the applicant).
///
/// Request: empty or `{"cohort"?: "2008"}`. Mentee: `submitted | accepted
/// | waitlisted -> withdrawn`; an accepted one frees a place, which is
/// offered by mail to the first on the waitlist. Mentor: `submitted |
/// approved -> withdrawn` (no longer listed). Pending match requests end.
///
/// Reply `200`: `{"id", "side", "cohort", "status": {"state":
/// "withdrawn"}, "frees_place": bool}`; form posts: `303` to
/// `/members/?withdrawn=<side>`. Errors: 403 another member's application;
/// 404 none; 409 `invalid_transition` already withdrawn (or declined),
/// `conflict` in a duo.
pub async fn withdraw(app: &App, call: Call) -> Outcome {
    let id = call.id().to_owned();
    let query_cohort = call.query("cohort").map(str::to_owned);
    let caller = call.caller.clone();
    let moment = call.moment;
    let body: CohortBody = call.body.decode(Shape::default())?;
    let (side, member) = parse_id(&id)
        .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
    let member = member.to_owned();
    let cohort = cohort_for(
        app,
        &caller,
        query_cohort.as_deref(),
        moment.today,
        &body,
        side,
    )?;
    let me = caller.member_id.clone();
    let now = moment.now;
    let requests = cohort_requests(app, &cohort.id).await?;
    let (status, frees_place) = match side {
        Side::Mentee => {
            let key = keys::mentee_app(&cohort.id, &member);
            let mut a: MenteeApplication = records::get(app.store.as_ref(), &key)
                .await?
                .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
            let new = a.withdraw(&me).map_err(|e| already(side, e))?;
            if in_duo(app, &keys::mentee_lock(&cohort.id, &member)).await? {
                return Err(in_duo_problem());
            }
            let frees = a.frees_place();
            let old = a.status;
            a.status = new;
            let mut ops = vec![TransactOp::put_if(
                records::mentee_app_item(&a),
                Condition::eq(STATE, old.name()),
            )];
            let mut detail = serde_json::json!({"side": "mentee", "from": old.name()});
            if frees {
                let vacancy = Vacancy {
                    id: records::new_id(),
                    cohort: cohort.id.clone(),
                    freed_by: member.clone(),
                    freed_at: now,
                    status: VacancyStatus::Open,
                };
                detail["vacancy"] = serde_json::json!(vacancy.id);
                ops.push(TransactOp::put_if(
                    records::vacancy_item(&vacancy),
                    Condition::not_exists(),
                ));
            }
            if let MenteeStatus::Waitlisted { .. } = old {
                // A waitlisted member holding an offer gives the place back.
                let held = offers(app, &cohort.id)
                    .await?
                    .into_iter()
                    .find(|o| o.member_id == member && o.status == OfferStatus::Open);
                if let Some(offer) = held {
                    let mut declined = offer.clone();
                    declined.status = OfferStatus::Declined { at: now };
                    ops.push(TransactOp::put_if(
                        records::offer_item(&declined),
                        Condition::eq(STATE, "open"),
                    ));
                    let vacancy: Option<Vacancy> = records::get(
                        app.store.as_ref(),
                        &keys::vacancy(&cohort.id, &offer.vacancy_id),
                    )
                    .await?;
                    if let Some(mut v) = vacancy {
                        v.status = VacancyStatus::Open;
                        ops.push(TransactOp::put_if(
                            records::vacancy_item(&v),
                            held_by(&member),
                        ));
                    }
                    detail["offer_returned"] = serde_json::json!(offer.id);
                }
            }
            end_requests(
                &mut ops,
                requests.iter().filter(|r| r.mentee_id == member),
                MatchStatus::Withdrawn {
                    at: now,
                    reason: Some(REASON_APPLICATION_WITHDRAWN.into()),
                },
            );
            ops.push(
                Entry::new(&cohort.id, "withdraw_application", &me, &key, now)
                    .detail(detail)
                    .op(),
            );
            app.store.transact(ops).await.map_err(changed_meanwhile)?;
            (
                serde_json::to_value(a.status).expect("status serializes"),
                frees,
            )
        }
        Side::Mentor => {
            let key = keys::mentor_app(&cohort.id, &member);
            let mut a: MentorApplication = records::get(app.store.as_ref(), &key)
                .await?
                .ok_or_else(|| Problem::not_found(format!("There is no application {id:?}.")))?;
            let new = a.withdraw(&me).map_err(|e| already(side, e))?;
            if in_duo(app, &keys::mentor_lock(&cohort.id, &member)).await? {
                return Err(in_duo_problem());
            }
            let old = a.status;
            a.status = new;
            let mut ops = vec![TransactOp::put_if(
                records::mentor_app_item(&a),
                Condition::eq(STATE, old.name()),
            )];
            end_requests(
                &mut ops,
                requests.iter().filter(|r| r.mentor_id == member),
                MatchStatus::Declined {
                    at: now,
                    reason: Some(REASON_MENTOR_WITHDREW.into()),
                },
            );
            ops.push(
                Entry::new(&cohort.id, "withdraw_application", &me, &key, now)
                    .detail(serde_json::json!({"side": "mentor", "from": old.name()}))
                    .op(),
            );
            app.store.transact(ops).await.map_err(changed_meanwhile)?;
            (
                serde_json::to_value(a.status).expect("status serializes"),
                false,
            )
        }
    };
    notify(
        app,
        &member,
        messages::application_withdrawn(&app.config.program, side),
    )
    .await;
    // Offer the freed place (and any place still open) now; the scheduler
    // retries if this fails.
    if let Err(e) = fill_vacancies(app, cohort, &me, now).await {
        tracing::warn!("offering freed places of {}: {e}", cohort.id);
    }
    Ok(Reply::ok(&Withdrawn {
        id: application_id(side, &member),
        side,
        cohort: cohort.id.clone(),
        status,
        frees_place,
    })
    .redirect(format!("{WITHDRAWN_PAGE}?withdrawn={}", side.as_str())))
}

/// Ends the still-pending `requests` (conditionally on `pending`), as many
/// as one transaction holds.
fn end_requests<'a>(
    ops: &mut Vec<TransactOp>,
    requests: impl Iterator<Item = &'a MatchRequest>,
    to: MatchStatus,
) {
    for r in requests {
        if r.status == MatchStatus::Pending && ops.len() + 1 < MAX_TRANSACT_OPS {
            let mut ended = r.clone();
            ended.status = to.clone();
            ops.push(TransactOp::put_if(
                records::match_item(&ended),
                Condition::eq(STATE, "pending"),
            ));
        }
    }
}

/// The offer with store id `id`, in whichever cohort holds it.
async fn find_offer<'a>(
    app: &'a App,
    id: &str,
) -> Result<(&'a Cohort, mentoring::waitlist::Offer), Problem> {
    for cohort in &app.config.program.cohorts {
        if let Some(o) = records::get(app.store.as_ref(), &keys::offer(&cohort.id, id)).await? {
            return Ok((cohort, o));
        }
    }
    Err(Problem::not_found(format!("There is no offer {id:?}.")))
}

/// `POST /api/offers/{id}/confirm` (the member offered the place).
///
/// Request: empty. Offer `open -> confirmed`, the member's application
/// `waitlisted -> accepted`, the place `offered -> filled`: one
/// transaction. Reply `200`: `{"offer": {...}, "status": {"state":
/// "accepted"}}`; form posts: `303` to `/members/offer/?confirmed=1`.
/// Errors: 403 another member's offer; 404 none; 409 already answered;
/// 410 expired (the place has passed on).
pub async fn confirm_offer(app: &App, call: Call) -> Outcome {
    let id = call.id().to_owned();
    let me = call.caller.member_id.clone();
    let now = call.moment.now;
    let _: CohortBody = call.body.decode(Shape::default())?;
    let (cohort, offer) = find_offer(app, &id).await?;
    let status = offer.confirm(&me, now)?;
    let key = keys::mentee_app(&cohort.id, &me);
    let mut application: MenteeApplication = records::get(app.store.as_ref(), &key)
        .await?
        .ok_or_else(|| Problem::not_found("You have no mentee application in this cohort."))?;
    let old = application.status;
    application.status = old.promote()?;
    let vacancy: Vacancy = records::get(
        app.store.as_ref(),
        &keys::vacancy(&cohort.id, &offer.vacancy_id),
    )
    .await?
    .ok_or_else(Problem::internal)?;
    let mut filled = vacancy.clone();
    filled.status = VacancyStatus::Filled {
        member_id: me.clone(),
        at: now,
    };
    let mut confirmed = offer.clone();
    confirmed.status = status;
    let offer_key = keys::offer(&cohort.id, &offer.id);
    let audit = Entry::new(&cohort.id, "confirm_offer", &me, &offer_key, now).detail(
        serde_json::json!({"vacancy": vacancy.id, "place": offer.place, "from": old.name()}),
    );
    app.store
        .transact(vec![
            TransactOp::put_if(
                records::offer_item(&confirmed),
                Condition::eq(STATE, "open"),
            ),
            TransactOp::put_if(
                records::mentee_app_item(&application),
                Condition::eq(STATE, old.name()),
            ),
            TransactOp::put_if(records::vacancy_item(&filled), held_by(&me)),
            audit.op(),
        ])
        .await
        .map_err(changed_meanwhile)?;
    notify(app, &me, messages::place_confirmed(&app.config.program)).await;
    Ok(Reply::ok(&serde_json::json!({
        "offer": confirmed,
        "status": application.status,
    }))
    .redirect(format!("{OFFER_PAGE}?confirmed=1")))
}
