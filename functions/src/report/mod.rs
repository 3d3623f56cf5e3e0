//! The committee's report to the Board ("Evaluation and assessment" of the
//! program guide): one cohort's applications, duos, liaison coverage and
//! survey results, as a self-contained, print-friendly HTML page
//! ([`html::render`]) and CSV files ([`csv_files`]).
//!
//! Everything is read from the store through the key layout of
//! [`crate::records`] and counted with the rules of `mentoring`: duo states
//! as of the report's day with [`mentoring::duo::Duo::status_at`], survey
//! distributions, means and response counts with
//! [`mentoring::answers::tally`]. Nothing here re-implements a rule.
//!
//! # What is counted
//! - Applications, by side, by their stored state: received (every
//!   application), accepted (mentees accepted / mentors approved),
//!   waitlisted (mentees only), declined, withdrawn, and still submitted.
//! - Duos: formed (every duo of the cohort), completed and ended early (as of
//!   the report's day), still running (formed or active).
//! - Liaison coverage: duos with a liaison / all duos.
//! - Each survey's response rate by role: responses from that side / the
//!   participants invited on that side. Those invited are the cohort's duos'
//!   mentees and mentors, for the sides in the survey's audience: the same
//!   count as `GET /api/surveys/{id}/stats`.
//! - Each likert / choice question's distribution (every point or choice,
//!   zeros included) and, for likert, the mean of the answers given.
//! - Free-text answers: the texts only, sorted, never with a member id, a
//!   name or a date, whether or not the survey is anonymous.
//!
//! # What is withheld (the small-group rule, [`mentoring::disclosure`])
//! A question's distribution and mean, or its free-text answers, over fewer
//! than `reporting.min_group_size` people (program.yaml, default 5) are not
//! shown: the page, the CSV files and the members-only page say "fewer than
//! 5 answers" in their place ([`QuestionReport::withheld`]). The free-text
//! answers of an anonymous survey appear only after the survey has closed
//! (the report's day after its last day). How many answered stays shown.
//!
//! # Where it is used
//! - `duos report --cohort ID --out DIR` ([`write_files`]): `report.html`
//!   and the CSV files.
//! - The members-only page for the committee ([`page`], or [`render_html`]
//!   behind a check of [`mentoring::Action::ViewCommitteeReport`]).

pub mod html;
mod tables;

pub use tables::{csv_files, csv_mean, csv_rate, write_files};

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use http::{HeaderValue, Response, StatusCode};
use mentoring::answers::{tally, AnswerValue, QuestionStats, SurveyResponse};
use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication, MentorStatus};
use mentoring::disclosure;
use mentoring::duo::{Duo, DuoStatus};
use mentoring::permissions::{permitted, Action};
use mentoring::program::Program;
use mentoring::survey::{QuestionKind, Survey};
use mentoring::Side;
use serde::Serialize;

use crate::app::App;
use crate::config::Config;
use crate::records::{self, keys};
use crate::store::{Query, Store, StoreError};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// program.yaml has no such cohort.
    #[error("there is no cohort {0:?} in program.yaml")]
    UnknownCohort(String),
    /// Reading the store failed (or an item is not a valid record).
    #[error("reading the data: {0}")]
    Store(#[from] StoreError),
}

/// One cohort's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Program name (program.yaml).
    pub program: String,
    /// The association.
    pub association: String,
    /// Cohort id.
    pub cohort: String,
    /// Cohort display name.
    pub cohort_name: String,
    /// The day the counts are as of (duo states depend on it).
    pub as_of: NaiveDate,
    /// Mentee then mentor applications.
    pub applications: Vec<ApplicationCounts>,
    /// Duos and liaison coverage.
    pub duos: DuoCounts,
    /// Every survey of the program, in the order they open.
    pub surveys: Vec<SurveyReport>,
}

/// Applications of one side, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApplicationCounts {
    /// Mentee or mentor.
    pub side: Side,
    /// Every application received.
    pub received: u32,
    /// Accepted (mentees) / approved (mentors).
    pub accepted: u32,
    /// On the waiting list (mentees only; always 0 for mentors).
    pub waitlisted: u32,
    /// Declined by the committee.
    pub declined: u32,
    /// Withdrawn by the applicant.
    pub withdrawn: u32,
    /// Not decided yet.
    pub submitted: u32,
}

/// The cohort's duos as of the report's day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DuoCounts {
    /// Every duo formed.
    pub formed: u32,
    /// Still formed or active.
    pub running: u32,
    /// Completed their year.
    pub completed: u32,
    /// Ended early by a party.
    pub ended_early: u32,
    /// Duos with a liaison.
    pub with_liaison: u32,
    /// `with_liaison / formed`; `None` without duos.
    pub liaison_coverage: Option<f64>,
}

/// One survey's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyReport {
    /// Survey id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Anonymous: no member id is stored with an answer.
    pub anonymous: bool,
    /// First day of answers in this cohort.
    pub opens: NaiveDate,
    /// Last day of answers in this cohort.
    pub closes: NaiveDate,
    /// Responses from every side.
    pub responses: u32,
    /// Participants invited from every side.
    pub invited: u32,
    /// `responses / invited`.
    pub response_rate: Option<f64>,
    /// Per side in the survey's audience (mentee first).
    pub by_role: Vec<RoleRate>,
    /// Per question, in the survey's order.
    pub questions: Vec<QuestionReport>,
}

/// Response rate of one side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoleRate {
    /// Mentee or mentor.
    pub side: Side,
    /// Responses from that side.
    pub responses: u32,
    /// Participants of that side invited.
    pub invited: u32,
    /// `responses / invited`; `None` when nobody was invited.
    pub response_rate: Option<f64>,
}

/// One question's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionReport {
    /// Question id.
    pub id: String,
    /// The question as asked.
    pub prompt: String,
    /// `likert`, `single`, `multi` or `text`.
    pub kind: &'static str,
    /// Responses that answered it.
    pub answered: u32,
    /// Count per point (likert, as "1".."5") or per choice, in the scale's /
    /// survey's order; empty for text.
    pub distribution: Vec<OptionCount>,
    /// Mean of a likert question's answers; `None` otherwise or unanswered.
    pub mean: Option<f64>,
    /// Labels of a likert scale's ends.
    pub scale: Option<(String, String)>,
    /// A text question's answers, sorted (the order says nothing about who
    /// answered); empty for other kinds.
    pub texts: Vec<String>,
    /// What is shown instead of the distribution, mean or texts when the
    /// small-group rule withholds them ("fewer than 5 answers"); then those
    /// are empty.
    pub withheld: Option<String>,
}

/// How many picked one option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionCount {
    /// The point ("4") or the choice.
    pub option: String,
    /// How many picked it.
    pub count: u32,
}

fn ratio(n: u32, d: u32) -> Option<f64> {
    (d > 0).then(|| f64::from(n) / f64::from(d))
}

fn count<T>(items: &[T], pred: impl Fn(&T) -> bool) -> u32 {
    u32::try_from(items.iter().filter(|i| pred(i)).count()).unwrap_or(u32::MAX)
}

async fn read_all<T: serde::de::DeserializeOwned>(
    store: &dyn Store,
    query: Query,
) -> Result<Vec<T>, StoreError> {
    store
        .query(&query)
        .await?
        .iter()
        .map(records::read)
        .collect()
}

/// The report of `cohort_id` as of `as_of`.
pub async fn build(
    store: &dyn Store,
    config: &Config,
    cohort_id: &str,
    as_of: NaiveDate,
) -> Result<Report, ReportError> {
    let program = &config.program;
    let cohort = program
        .cohort(cohort_id)
        .ok_or_else(|| ReportError::UnknownCohort(cohort_id.to_owned()))?;
    let pk = keys::cohort_pk(&cohort.id);
    let mentees: Vec<MenteeApplication> = read_all(
        store,
        Query::table(pk.clone()).prefix(keys::MENTEE_APP_PREFIX),
    )
    .await?;
    let mentors: Vec<MentorApplication> = read_all(
        store,
        Query::table(pk.clone()).prefix(keys::MENTOR_APP_PREFIX),
    )
    .await?;
    let duos: Vec<Duo> = read_all(store, Query::table(pk).prefix(keys::DUO_PREFIX)).await?;

    let applications = vec![
        ApplicationCounts {
            side: Side::Mentee,
            received: count(&mentees, |_| true),
            accepted: count(&mentees, |a| a.status == MenteeStatus::Accepted),
            waitlisted: count(&mentees, |a| {
                matches!(a.status, MenteeStatus::Waitlisted { .. })
            }),
            declined: count(&mentees, |a| a.status == MenteeStatus::Declined),
            withdrawn: count(&mentees, |a| a.status == MenteeStatus::Withdrawn),
            submitted: count(&mentees, |a| a.status == MenteeStatus::Submitted),
        },
        ApplicationCounts {
            side: Side::Mentor,
            received: count(&mentors, |_| true),
            accepted: count(&mentors, |a| a.status.is_listed()),
            waitlisted: 0,
            declined: count(&mentors, |a| a.status == MentorStatus::Declined),
            withdrawn: count(&mentors, |a| a.status == MentorStatus::Withdrawn),
            submitted: count(&mentors, |a| a.status == MentorStatus::Submitted),
        },
    ];

    let states: Vec<DuoStatus> = duos.iter().map(|d| d.status_at(cohort, as_of)).collect();
    let formed = count(&duos, |_| true);
    let with_liaison = count(&duos, |d| d.liaison_id.is_some());
    let duo_counts = DuoCounts {
        formed,
        running: count(&states, |s| {
            matches!(s, DuoStatus::Formed | DuoStatus::Active)
        }),
        completed: count(&states, |s| *s == DuoStatus::Completed),
        ended_early: count(&states, |s| matches!(s, DuoStatus::EndedEarly { .. })),
        with_liaison,
        liaison_coverage: ratio(with_liaison, formed),
    };

    let mut surveys: Vec<&Survey> = config.surveys.values().collect();
    surveys.sort_by_key(|s| (cohort.survey_window(s).0, s.id.clone()));
    let mut survey_reports = Vec::new();
    for survey in surveys {
        let responses: Vec<SurveyResponse> = read_all(
            store,
            Query::table(keys::survey_pk(&cohort.id, &survey.id)).prefix(keys::RESPONSE_PREFIX),
        )
        .await?;
        // Who is invited: mentoring's one definition (the scheduler invites
        // exactly these).
        let invited = mentoring::invitation::invited(survey, cohort, &duos);
        survey_reports.push(survey_report(
            program,
            survey,
            (cohort.survey_window(survey), as_of),
            &responses,
            |side| mentoring::invitation::count_on(&invited, side),
        ));
    }

    Ok(Report {
        program: program.name.clone(),
        association: program.association.clone(),
        cohort: cohort.id.clone(),
        cohort_name: cohort.name.clone(),
        as_of,
        applications,
        duos: duo_counts,
        surveys: survey_reports,
    })
}

fn survey_report(
    program: &Program,
    survey: &Survey,
    ((opens, closes), as_of): ((NaiveDate, NaiveDate), NaiveDate),
    responses: &[SurveyResponse],
    invited_on: impl Fn(Side) -> u32,
) -> SurveyReport {
    let sides: Vec<Side> = [Side::Mentee, Side::Mentor]
        .into_iter()
        .filter(|s| survey.is_for(*s))
        .collect();
    let invited: u32 = sides.iter().map(|s| invited_on(*s)).sum();
    let stats = tally(survey, responses, invited);
    let by_role = sides
        .iter()
        .map(|side| {
            let answered = stats.by_side.get(side.as_str()).copied().unwrap_or(0);
            let invited = invited_on(*side);
            RoleRate {
                side: *side,
                responses: answered,
                invited,
                response_rate: ratio(answered, invited),
            }
        })
        .collect();
    let questions = survey
        .questions
        .iter()
        .zip(&stats.questions)
        .map(|(q, summary)| {
            let (kind, scale) = match &q.kind {
                QuestionKind::Likert {
                    min_label,
                    max_label,
                    ..
                } => ("likert", Some((min_label.clone(), max_label.clone()))),
                QuestionKind::Single { .. } => ("single", None),
                QuestionKind::Multi { .. } => ("multi", None),
                QuestionKind::Text { .. } => ("text", None),
            };
            let (distribution, mean) = match &summary.stats {
                QuestionStats::Likert { counts, mean } => (
                    counts
                        .iter()
                        .map(|(p, n)| OptionCount {
                            option: p.to_string(),
                            count: *n,
                        })
                        .collect(),
                    *mean,
                ),
                QuestionStats::Choice { counts } => {
                    // The survey's order of choices (the tally's map is sorted by name).
                    let offered: &[String] = match &q.kind {
                        QuestionKind::Single { choices } | QuestionKind::Multi { choices } => {
                            choices
                        }
                        _ => &[],
                    };
                    let mut ordered: Vec<OptionCount> = offered
                        .iter()
                        .map(|c| OptionCount {
                            option: c.clone(),
                            count: counts.get(c).copied().unwrap_or(0),
                        })
                        .collect();
                    for (c, n) in counts {
                        if !offered.contains(c) {
                            ordered.push(OptionCount {
                                option: c.clone(),
                                count: *n,
                            });
                        }
                    }
                    (ordered, None)
                }
                QuestionStats::Text | QuestionStats::Withheld { .. } => (Vec::new(), None),
            };
            let mut texts: Vec<String> = if kind == "text" {
                responses
                    .iter()
                    .filter_map(|r| match r.answers.get(&q.id) {
                        Some(AnswerValue::Text(t)) if !t.trim().is_empty() => {
                            Some(t.trim().to_owned())
                        }
                        _ => None,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            texts.sort();
            let withheld = if kind == "text" {
                let shown = u32::try_from(texts.len()).unwrap_or(u32::MAX);
                disclosure::free_text(program, survey, shown, closes, as_of)
            } else {
                disclosure::breakdown(program, summary.answered)
            };
            let (distribution, mean, texts) = match withheld {
                Some(_) => (Vec::new(), None, Vec::new()),
                None => (distribution, mean, texts),
            };
            QuestionReport {
                id: q.id.clone(),
                prompt: q.prompt.clone(),
                kind,
                answered: summary.answered,
                distribution,
                mean,
                scale,
                texts,
                withheld: withheld.map(|w| w.label()),
            }
        })
        .collect();
    SurveyReport {
        id: survey.id.clone(),
        title: survey.title.clone(),
        anonymous: survey.anonymous,
        opens,
        closes,
        responses: stats.responses,
        invited,
        response_rate: stats.response_rate,
        by_role,
        questions,
    }
}

/// The report page of `cohort` as of `as_of` (see [`html::render`]).
pub async fn render_html(
    store: &dyn Store,
    config: &Config,
    cohort: &str,
    as_of: NaiveDate,
) -> Result<String, ReportError> {
    Ok(html::render(&build(store, config, cohort, as_of).await?))
}

/// The committee's report as a members-only page: `200 text/html` for a
/// caller whose roles allow [`Action::ViewCommitteeReport`] (committee,
/// chair, staff), `403` for anyone else, `404` for an unknown cohort. The
/// caller's roles are resolved from the store ([`crate::roles::resolve`]);
/// the day is the app's. For `duos serve` / the session function to mount
/// at `GET /members/report/?cohort=<id>` behind the session check.
pub async fn page(app: &App, member_id: &str, cohort: &str) -> Response<Vec<u8>> {
    use crate::http::response::html_page;
    let today = app.moment().today;
    let roles = match crate::roles::resolve(
        app.store.as_ref(),
        &app.config.program,
        member_id,
        today,
    )
    .await
    {
        Ok((roles, _)) => roles,
        Err(e) => {
            tracing::warn!("report page: {e}");
            return html_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Report unavailable",
                "<p>The report cannot be made right now; please try again.</p>\n",
            );
        }
    };
    if member_id.is_empty() || !permitted(&roles, Action::ViewCommitteeReport) {
        return html_page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "<p>The committee's report is for the mentoring committee and the office.</p>\n",
        );
    }
    match render_html(app.store.as_ref(), &app.config, cohort, today).await {
        Ok(html) => {
            // The page's own policy (its inline style by hash) in place of
            // the one of the functions' pages.
            let mut r = crate::http::response::html_document(StatusCode::OK, html);
            if let Ok(csp) = HeaderValue::from_str(&html::content_security_policy()) {
                r.headers_mut()
                    .insert(http::header::CONTENT_SECURITY_POLICY, csp);
            }
            r
        }
        Err(ReportError::UnknownCohort(_)) => html_page(
            StatusCode::NOT_FOUND,
            "No such cohort",
            "<p>The program has no such cohort.</p>\n",
        ),
        Err(e) => {
            tracing::warn!("report page: {e}");
            html_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Report unavailable",
                "<p>The report cannot be made right now.</p>\n",
            )
        }
    }
}
