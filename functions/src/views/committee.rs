//! The committee's pages, each about one cohort (`?cohort=ID`, else the
//! running one, with the selector):
//! - `/members/committee/applications/`: approve / decline applications,
//!   each with the whole of what the committee decides on;
//! - `/members/committee/duos/`: duos and their liaisons (the chair
//!   assigns one);
//! - `/members/committee/surveys/`: survey response rates.

use std::collections::BTreeMap;

use mentoring::application::Application;
use mentoring::permissions::Action;
use mentoring::Profile;
use serde::Serialize;

use super::cards::{mentee_card, mentor_card, AppCard, DuoCard};
use super::cohorts::{committee_focus, CommitteeFocus};
use super::liaison::{end_reason, options, LiaisonOption};
use super::load::{load_duos, member_name};
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::records::keys;
use crate::store::Query;

/// The applications.
pub(super) const APPLICATIONS_PATH: &str = "/members/committee/applications/";
/// The duos and their liaisons.
pub(super) const DUOS_PATH: &str = "/members/committee/duos/";
/// The surveys' response rates.
pub(super) const SURVEYS_PATH: &str = "/members/committee/surveys/";

#[derive(Serialize)]
struct Applications<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    applications: Vec<ApplicationRow<'a>>,
    mentee_cap: u32,
    may_decide: bool,
}

#[derive(Serialize)]
struct ApplicationRow<'a> {
    #[serde(flatten)]
    application: AppCard<'a>,
    id: &'a str,
    name: String,
    /// A mentor's profile (`null` when none is stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<Option<Profile>>,
    /// A mentee's background, for those who may read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    mentee: Option<serde_json::Value>,
}

pub(super) async fn applications_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ListApplications) {
        return Err(ViewError::forbidden(
            "Only the mentoring committee sees the applications.",
        ));
    }
    let program = &app.config.program;
    let (c, focus) = committee_focus(program, viewer.today, query, APPLICATIONS_PATH)?;
    let listed = crate::handlers::applications::load_all(app, &c.id)
        .await
        .map_err(|p| ViewError::from(p.detail.clone()))?;
    let mut rows = Vec::new();
    for l in &listed {
        // The whole of what the committee decides on: the mentor's
        // profile, the mentee's background.
        let (member_id, application, profile, mentee) = match &l.application {
            Application::Mentee(a) => {
                let mentee = if viewer.may(Action::ViewMenteeBackground) {
                    Some(
                        crate::handlers::matches::mentee_information(app, &c.id, &a.member_id)
                            .await
                            .map_err(|p| ViewError::from(p.detail))?,
                    )
                } else {
                    None
                };
                (&a.member_id, mentee_card(a), None, mentee)
            }
            Application::Mentor(a) => {
                let profile = crate::records::profile::load(app.store.as_ref(), &a.member_id)
                    .await?
                    .map(|r| r.profile);
                (&a.member_id, mentor_card(a), Some(profile), None)
            }
        };
        rows.push(ApplicationRow {
            application,
            id: &l.id,
            name: member_name(app, member_id).await,
            profile,
            mentee,
        });
    }
    let data = Applications {
        focus,
        applications: rows,
        mentee_cap: c.mentee_cap,
        may_decide: viewer.may(Action::ApproveApplication),
    };
    render_with("committee_applications.html", ctx, &data, "Applications")
}

#[derive(Serialize)]
struct Duos<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    duos: Vec<DuoRow<'a>>,
    may_assign: bool,
}

#[derive(Serialize)]
struct DuoRow<'a> {
    #[serde(flatten)]
    duo: DuoCard<'a>,
    end_reason: Option<String>,
    running: bool,
    /// The chair's choices of liaison.
    #[serde(skip_serializing_if = "Option::is_none")]
    liaison_options: Option<Vec<LiaisonOption>>,
}

pub(super) async fn duos_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ListDuos) {
        return Err(ViewError::forbidden(
            "Only the mentoring committee sees all duos.",
        ));
    }
    let program = &app.config.program;
    let (c, focus) = committee_focus(program, viewer.today, query, DUOS_PATH)?;
    let duos = load_duos(app, &c.id).await?;
    let may_assign = viewer.may(Action::AssignLiaison);
    let mut rows = Vec::new();
    for d in &duos {
        let liaison_options = if may_assign {
            Some(options(app, c, &duos, d, viewer.today).await)
        } else {
            None
        };
        rows.push(DuoRow {
            duo: DuoCard::of(app, c, d, viewer.today).await,
            end_reason: end_reason(d, viewer),
            running: d.is_running(c, viewer.today),
            liaison_options,
        });
    }
    let data = Duos {
        focus,
        duos: rows,
        may_assign,
    };
    render_with("committee_duos.html", ctx, &data, "Duos and liaisons")
}

#[derive(Serialize)]
struct Surveys<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    surveys: Vec<SurveyRate<'a>>,
}

#[derive(Serialize)]
struct SurveyRate<'a> {
    id: &'a str,
    title: &'a str,
    answered: usize,
    invited: usize,
    /// Percent, rounded.
    rate: usize,
    opens: chrono::NaiveDate,
    closes: chrono::NaiveDate,
    open: bool,
}

pub(super) async fn surveys_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewSurveyStats) {
        return Err(ViewError::forbidden(
            "Only the mentoring committee sees survey response rates.",
        ));
    }
    let program = &app.config.program;
    let (c, focus) = committee_focus(program, viewer.today, query, SURVEYS_PATH)?;
    let duos = load_duos(app, &c.id).await?;
    let mut rows = Vec::new();
    for s in app.config.surveys.values() {
        let answered = app
            .store
            .query(&Query::table(keys::survey_pk(&c.id, &s.id)).prefix(keys::RESPONSE_PREFIX))
            .await?
            .len();
        let invited = mentoring::invitation::invited(s, c, &duos).len();
        let rate = (answered * 100 + invited / 2)
            .checked_div(invited)
            .unwrap_or(0);
        let (opens, closes) = c.survey_window(s);
        rows.push(SurveyRate {
            id: &s.id,
            title: &s.title,
            answered,
            invited,
            rate,
            opens,
            closes,
            open: c.survey_open(s, viewer.today),
        });
    }
    let data = Surveys {
        focus,
        surveys: rows,
    };
    render_with(
        "committee_surveys.html",
        ctx,
        &data,
        "Survey response rates",
    )
}
