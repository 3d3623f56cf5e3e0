//! Surveys: `POST /api/surveys/{id}/responses` and
//! `GET /api/surveys/{id}/stats`.
//!
//! One answer per person and survey is a conditional write of the
//! `DONE#<hmac>` item ([`mentoring::answers::dedupe_key`] under the survey
//! secret, which is not in the store), in the same transaction as the
//! answer. For an anonymous survey the answer holds no member id and no
//! time of day, the `DONE#` item nothing but its key, and the audit entry
//! no actor and only the date.

use std::collections::BTreeMap;

use mentoring::answers::{dedupe_key, respond, tally, Answers, SurveyResponse};
use mentoring::program::Cohort;
use mentoring::survey::Survey;
use mentoring::Side;
use serde::Deserialize;

use super::duos::cohort_duos;
use super::Call;
use crate::app::App;
use crate::audit::Entry;
use crate::http::body::{decode, MAX_ID_LEN};
use crate::http::response::query_value;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Condition, Item, Query, StoreError, TransactOp};

/// Result page of a survey form.
pub const SURVEY_DONE_PAGE: &str = "/members/surveys/done/";

fn survey<'a>(app: &'a App, id: &str) -> Result<&'a Survey, Problem> {
    if id.chars().count() > MAX_ID_LEN {
        return Err(Problem::not_found("There is no such survey."));
    }
    app.config
        .survey(id)
        .ok_or_else(|| Problem::not_found(format!("There is no survey {id:?}.")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    answers: Answers,
}

/// The side `member` answers as in `cohort`: their side in a duo, else
/// their accepted / approved application.
async fn side_in(app: &App, call: &Call, cohort: &str) -> Result<Option<Side>, Problem> {
    let me = &call.caller.member_id;
    if app
        .store
        .get(&keys::mentee_lock(cohort, me))
        .await?
        .is_some()
    {
        return Ok(Some(Side::Mentee));
    }
    if app
        .store
        .get(&keys::mentor_lock(cohort, me))
        .await?
        .is_some()
    {
        return Ok(Some(Side::Mentor));
    }
    Ok(call.caller.in_cohort(cohort).and_then(|p| {
        if p.is_accepted_mentee() {
            Some(Side::Mentee)
        } else if p.is_listed_mentor() {
            Some(Side::Mentor)
        } else {
            None
        }
    }))
}

/// `POST /api/surveys/{id}/responses` (a mentee or mentor of a running
/// cohort, while the survey is open).
///
/// Request, JSON: `{"answers": {"<question id>": 4 | "choice" | ["choice",
/// ...] | "text"}}`; form: one field per question id (`name="<question
/// id>"`, a multi question's boxes repeat the name). Answers are validated
/// against the survey's definition (required, choices offered, likert
/// range, text length, no unknown question).
///
/// Reply `201`: `{"survey_id", "cohort", "side": "mentee" | "mentor",
/// "anonymous": bool, "submitted_on": "2008-11-20"}`; form posts: `303` to
/// `/members/surveys/done/?survey=<id>`.
///
/// Errors: 400 per question id; 403 not in the survey's audience; 404 no
/// such survey; 409 `duplicate` (already answered), `closed` (outside the
/// survey's window).
pub async fn answer(app: &App, call: Call) -> Outcome {
    let survey = survey(app, call.id())?;
    let program = &app.config.program;
    let answers: Answers = if call.form {
        let object = call.body.clone().into_object(Shape {
            lists: &[],
            numbers: &[],
            repeated_are_lists: true,
        })?;
        decode(object)?
    } else {
        call.body
            .clone()
            .decode::<AnswerBody>(Shape::default())?
            .answers
    };
    // The cohorts they answer in (with their side there); which of them
    // this survey is about is mentoring::cohort_focus's rule.
    let mut sides: Vec<(&str, Side)> = Vec::new();
    for p in &call.caller.participations {
        if let Some(side) = side_in(app, &call, &p.cohort).await? {
            sides.push((p.cohort.as_str(), side));
        }
    }
    let taking_part: Vec<&str> = sides.iter().map(|(c, _)| *c).collect();
    let (cohort, side): (&Cohort, Side) =
        mentoring::cohort_focus::survey_cohort(program, survey, call.moment.today, &taking_part)
            .and_then(|c| {
                sides
                    .iter()
                    .find(|(id, _)| *id == c.id)
                    .map(|(_, side)| (c, *side))
            })
            .ok_or_else(|| {
                Problem::forbidden("This survey is for the program's mentees and mentors.")
            })?;
    let me = &call.caller.member_id;
    let response = respond(survey, cohort, me, side, &answers, call.moment)?;
    let done = keys::survey_done(
        &cohort.id,
        &survey.id,
        &dedupe_key(&app.config.survey_secret, me, &cohort.id, &survey.id),
    );
    let response_key = keys::survey_response(&cohort.id, &survey.id, &records::new_id());
    let audit = if survey.anonymous {
        Entry::anonymous(
            &cohort.id,
            "answer_survey",
            &keys::survey_pk(&cohort.id, &survey.id),
            call.moment.today,
        )
    } else {
        Entry::new(
            &cohort.id,
            "answer_survey",
            me,
            &response_key,
            call.moment.now,
        )
    }
    .detail(serde_json::json!({"survey": survey.id, "side": side}));
    let written = app
        .store
        .transact(vec![
            TransactOp::put_if(
                Item::new(&done).with(records::KIND, "survey_done"),
                Condition::not_exists(),
            ),
            TransactOp::put_if(
                records::record_item(&response_key, "survey_response", None, &response),
                Condition::not_exists(),
            ),
            audit.op(),
        ])
        .await;
    match written {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { op_index: Some(0) }) => {
            return Err(Problem::conflict(
                "duplicate",
                "You have already answered this survey.",
            ))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Reply::created(&serde_json::json!({
        "survey_id": survey.id,
        "cohort": cohort.id,
        "side": side,
        "anonymous": survey.anonymous,
        "submitted_on": response.submitted_on,
    }))
    .redirect(format!(
        "{SURVEY_DONE_PAGE}?survey={}",
        query_value(&survey.id)
    )))
}

/// `GET /api/surveys/{id}/stats[?cohort=2008]` (committee, chair, staff).
///
/// The cohort defaults to the newest one in which the survey has opened.
/// Those invited are the cohort's duos' mentees and mentors (for the sides
/// in the survey's audience).
///
/// Reply `200`: `{"survey_id", "cohort", "by_role": {"mentee": {"responses":
/// 3, "invited": 10, "response_rate": 0.3}, "mentor": {...}}, "stats":
/// {"survey_id", "responses", "by_side", "invited", "response_rate",
/// "questions": [{"id", "answered", "stats": {"kind": "likert", "counts",
/// "mean"} | {"kind": "choice", "counts"} | {"kind": "text"} |
/// {"kind": "withheld", "reason": "fewer than 5 answers"}}]}}`: a question
/// answered by fewer than `reporting.min_group_size` people is withheld.
pub async fn stats(app: &App, call: Call) -> Outcome {
    if let Some(extra) = call.query.iter().find(|(k, _)| k != "cohort") {
        return Err(Problem::field(
            extra.0.clone(),
            "This parameter is not expected here.",
        ));
    }
    let survey = survey(app, call.id())?;
    let program = &app.config.program;
    let today = call.moment.today;
    let cohort = match call.query("cohort") {
        Some(id) => program
            .cohort(id)
            .ok_or_else(|| Problem::not_found(format!("There is no cohort {id:?}.")))?,
        None => program
            .cohorts
            .iter()
            .filter(|c| c.survey_window(survey).0 <= today)
            .max_by_key(|c| c.applications_open)
            .or_else(|| program.current_cohort(today))
            .ok_or_else(|| Problem::not_found("The program has no cohort."))?,
    };
    let items = app
        .store
        .query(&Query::table(keys::survey_pk(&cohort.id, &survey.id)).prefix(keys::RESPONSE_PREFIX))
        .await?;
    let responses: Vec<SurveyResponse> = items
        .iter()
        .map(|i| records::read::<SurveyResponse>(i).map_err(Problem::from))
        .collect::<Result<_, _>>()?;
    let duos = cohort_duos(app, &cohort.id).await?;
    let all_invited = mentoring::invitation::invited(survey, cohort, &duos);
    let mut by_role = BTreeMap::new();
    let mut invited = 0;
    for side in [Side::Mentee, Side::Mentor] {
        if !survey.is_for(side) {
            continue;
        }
        let on_side = mentoring::invitation::count_on(&all_invited, side);
        invited += on_side;
        let answered = responses.iter().filter(|r| r.side == side).count() as u32;
        by_role.insert(
            side.as_str(),
            serde_json::json!({
                "responses": answered,
                "invited": on_side,
                "response_rate": (on_side > 0).then(|| f64::from(answered) / f64::from(on_side)),
            }),
        );
    }
    // The small-group rule: no distribution or mean over fewer than
    // reporting.min_group_size answers (mentoring::disclosure).
    let stats = mentoring::disclosure::disclose_stats(program, tally(survey, &responses, invited));
    Ok(Reply::ok(&serde_json::json!({
        "survey_id": survey.id,
        "cohort": cohort.id,
        "by_role": by_role,
        "stats": stats,
    })))
}
