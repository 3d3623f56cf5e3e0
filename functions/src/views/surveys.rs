//! `/members/surveys/<id>/`: a survey's form (`POST
//! /api/surveys/<id>/responses`), "answered" once the viewer has, or why
//! they may not answer; `/members/surveys/done/?survey=<id>`: the result
//! of answering. The survey is about the cohort the viewer takes part in
//! (else the committee's).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use mentoring::cohort_focus;
use mentoring::survey::Survey;
use serde::Serialize;

use super::cards::CohortName;
use super::load::load_duos;
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::records::keys;

/// The pages (`{id}`: a survey's id, or `done`).
pub(super) const PATH: &str = "/members/surveys/{id}/";

#[derive(Serialize)]
struct SurveyPage<'a> {
    survey: &'a Survey,
    survey_cohort: CohortName<'a>,
    answered: bool,
    window: Window,
    /// Why the viewer may not answer.
    refusal: Option<String>,
}

#[derive(Serialize)]
struct Window {
    opens: NaiveDate,
    closes: NaiveDate,
}

/// `id` is the path's segment (`done`: the result page, the survey in
/// `?survey=`).
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    id: &str,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    let done = id == "done";
    let id = if done {
        query.get("survey").map(String::as_str).unwrap_or_default()
    } else {
        id
    };
    let program = &app.config.program;
    let survey = app.config.survey(id).ok_or_else(ViewError::not_found)?;
    let taking_part = viewer.taking_part();
    let c = cohort_focus::survey_cohort(program, survey, viewer.today, &taking_part)
        .or_else(|| cohort_focus::committee_default(program, viewer.today))
        .ok_or_else(ViewError::no_cohort)?;
    let duos = load_duos(app, &c.id).await?;
    let sides: Vec<mentoring::Side> = duos
        .iter()
        .filter(|d| d.has_party(&viewer.member_id))
        .map(|d| {
            if d.mentee_id == viewer.member_id {
                mentoring::Side::Mentee
            } else {
                mentoring::Side::Mentor
            }
        })
        .collect();
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
    let data = SurveyPage {
        survey,
        survey_cohort: CohortName {
            id: &c.id,
            name: &c.name,
        },
        answered: answered || done,
        window: Window { opens, closes },
        refusal: may.err().map(|e| e.to_string()),
    };
    render_with("survey.html", ctx, &data, &survey.title)
}
