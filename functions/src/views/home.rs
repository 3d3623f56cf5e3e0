//! `/members/`: your program — the applications where you stand, your
//! duo's page when you have one, a mentor of an earlier cohort's one-click
//! listing for the open one, the surveys of the cohorts you take part in.

use mentoring::cohort_focus;
use serde::Serialize;

use super::cards::{mentee_card, mentor_card, AppCard};
use super::load::load_duos;
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::records::keys;

/// The page.
pub(super) const PATH: &str = "/members/";

#[derive(Serialize)]
struct Home<'a> {
    /// Whether the viewer has a duo in the cohort of their duo page (absent
    /// when there is no such cohort).
    #[serde(skip_serializing_if = "Option::is_none")]
    has_duo: Option<bool>,
    my_applications: Vec<MyApplication<'a>>,
    relist: Option<Relist<'a>>,
    surveys: Vec<SurveyLink<'a>>,
}

/// One of the viewer's applications, with its cohort.
#[derive(Serialize)]
struct MyApplication<'a> {
    #[serde(flatten)]
    application: AppCard<'a>,
    cohort_name: String,
    cohort: &'a str,
    /// May still be withdrawn (the handler decides the rest).
    withdrawable: bool,
}

/// A mentor of an earlier cohort, offered the open one.
#[derive(Serialize)]
struct Relist<'a> {
    cohort: &'a str,
    from: String,
}

#[derive(Serialize)]
struct SurveyLink<'a> {
    id: &'a str,
    title: &'a str,
    cohort_name: &'a str,
    opens: chrono::NaiveDate,
    closes: chrono::NaiveDate,
    open: bool,
}

pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
) -> Result<Page, ViewError> {
    let program = &app.config.program;
    let taking_part = viewer.taking_part();
    let has_duo = match cohort_focus::duo_cohort(program, viewer.today, &taking_part) {
        Some(c) => Some(
            load_duos(app, &c.id)
                .await?
                .iter()
                .any(|d| d.has_party(&viewer.member_id)),
        ),
        None => None,
    };
    let surveys = app
        .config
        .surveys
        .values()
        .filter_map(|s| {
            let c = cohort_focus::survey_cohort(program, s, viewer.today, &taking_part)
                .or_else(|| cohort_focus::committee_default(program, viewer.today))?;
            let (opens, closes) = c.survey_window(s);
            Some(SurveyLink {
                id: &s.id,
                title: &s.title,
                cohort_name: &c.name,
                opens,
                closes,
                open: c.survey_open(s, viewer.today),
            })
        })
        .collect();
    let data = Home {
        has_duo,
        my_applications: my_applications(app, viewer),
        relist: relist(app, viewer).await?,
        surveys,
    };
    render_with("home.html", ctx, &data, "Your program")
}

/// The viewer's applications in the cohorts in view, newest cohort first,
/// each with its cohort's name (the home page's "where you stand").
fn my_applications<'a>(app: &'a App, viewer: &'a Viewer) -> Vec<MyApplication<'a>> {
    let mut out = Vec::new();
    for p in &viewer.participations {
        let cohort = app.config.program.cohort(&p.cohort);
        let name = cohort
            .map(|c| c.name.clone())
            .unwrap_or_else(|| p.cohort.clone());
        // Withdrawing is for a year not yet over (the handler decides the rest).
        let running = cohort.is_some_and(|c| c.end >= viewer.today);
        for application in p
            .mentee
            .iter()
            .map(mentee_card)
            .chain(p.mentor.iter().map(mentor_card))
        {
            let open = !matches!(application.state, "withdrawn" | "declined");
            out.push(MyApplication {
                application,
                cohort_name: name.clone(),
                cohort: &p.cohort,
                withdrawable: running && open,
            });
        }
    }
    out
}

/// A mentor of an earlier cohort who has not applied to the open one:
/// listed for it with one click (`POST /api/profile/relist`).
async fn relist<'a>(app: &'a App, viewer: &Viewer) -> Result<Option<Relist<'a>>, ViewError> {
    let program = &app.config.program;
    let Some(open) = cohort_focus::taking_applications(program, viewer.today) else {
        return Ok(None);
    };
    let applied = app
        .store
        .get(&keys::mentor_app(&open.id, &viewer.member_id))
        .await?
        .is_some();
    if applied {
        return Ok(None);
    }
    let before = crate::handlers::profile::listed_before(app, open, &viewer.member_id)
        .await
        .map_err(|p| ViewError::from(p.detail))?;
    Ok(before.map(|before| Relist {
        cohort: &open.name,
        from: program
            .cohort(&before.cohort)
            .map(|c| c.name.clone())
            .unwrap_or(before.cohort),
    }))
}
