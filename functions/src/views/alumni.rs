//! `/members/alumni/`: where the viewer stands with the alumni group of
//! each cohort whose duo they were in (join, leave), and the open cohort's
//! call for mentors to its alumni.

use mentoring::program::Cohort;
use serde::Serialize;

use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;

/// The page.
pub(super) const PATH: &str = "/members/alumni/";

#[derive(Serialize)]
struct Alumni<'a> {
    standing: Vec<Standing<'a>>,
    volunteer: Volunteer<'a>,
}

#[derive(Serialize)]
struct Standing<'a> {
    cohort: &'a str,
    cohort_name: &'a str,
    side: &'static str,
    completed: bool,
    /// `joined`, `left` or `undecided`.
    group: &'static str,
}

/// The call to mentor in the cohort taking applications.
#[derive(Serialize)]
struct Volunteer<'a> {
    open: Option<OpenCohort<'a>>,
    /// A mentor of a completed duo of another cohort: one click.
    one_click: bool,
    /// Of a completed duo of another cohort, on either side.
    alumnus: bool,
}

#[derive(Serialize)]
struct OpenCohort<'a> {
    id: &'a str,
    name: &'a str,
    matching_deadline: chrono::NaiveDate,
}

pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
) -> Result<Page, ViewError> {
    let program = &app.config.program;
    let standing =
        crate::alumni::standing(app.store.as_ref(), program, &viewer.member_id, viewer.today)
            .await?;
    let open: Option<&Cohort> = program.cohort_accepting_applications(viewer.today);
    let alumnus_of_another = |mentor_only: bool| {
        standing.iter().any(|s| {
            s.completed
                && open.is_some_and(|o| o.id != s.cohort)
                && (!mentor_only || s.side == mentoring::Side::Mentor)
        })
    };
    let data = Alumni {
        standing: standing
            .iter()
            .map(|s| Standing {
                cohort: &s.cohort,
                cohort_name: &s.cohort_name,
                side: s.side.as_str(),
                completed: s.completed,
                group: match s.joined {
                    Some(true) => "joined",
                    Some(false) => "left",
                    None => "undecided",
                },
            })
            .collect(),
        volunteer: Volunteer {
            open: open.map(|o| OpenCohort {
                id: &o.id,
                name: &o.name,
                matching_deadline: o.matching_deadline,
            }),
            one_click: alumnus_of_another(true),
            alumnus: alumnus_of_another(false),
        },
    };
    render_with("alumni.html", ctx, &data, "Alumni")
}
