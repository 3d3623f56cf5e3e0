//! Which cohort each page shows, decided by [`mentoring::cohort_focus`]:
//! the facts it needs (the cohorts the viewer takes part in, `?cohort=`)
//! and the committee's cohort selector (plain links, no script).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use http::StatusCode;
use mentoring::cohort_focus;
use mentoring::duo::Duo;
use mentoring::program::{Cohort, Program};
use serde::Serialize;

use super::cards::CohortCard;
use super::load::load_duos;
use super::ViewError;
use crate::app::App;

/// The query parameter that picks the cohort of a committee page.
pub const COHORT_PARAM: &str = "cohort";

/// The cohort of the pages about applying (apply, nominate, a new match
/// request): the one taking applications, else the current one.
pub(super) fn applications_cohort(app: &App, today: NaiveDate) -> Option<&Cohort> {
    let program = &app.config.program;
    cohort_focus::taking_applications(program, today).or_else(|| program.current_cohort(today))
}

/// The cohort a committee page shows: `?cohort=ID`, else the running one
/// ([`cohort_focus::committee_cohort`]). 404 naming an unknown id.
pub(super) fn committee_cohort<'a>(
    program: &'a Program,
    today: NaiveDate,
    query: &BTreeMap<String, String>,
) -> Result<&'a Cohort, ViewError> {
    match cohort_focus::committee_cohort(
        program,
        today,
        query.get(COHORT_PARAM).map(String::as_str),
    ) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(ViewError::no_cohort()),
        Err(id) => Err(ViewError::new(
            StatusCode::NOT_FOUND,
            "No such cohort",
            format!("The program has no cohort {id:?}; choose one of the program's cohorts."),
        )),
    }
}

/// A committee page's cohort in its context: `cohort` (the one shown) and
/// `cohorts` (the selector). A page's context flattens it in.
#[derive(Serialize)]
pub(super) struct CommitteeFocus<'a> {
    cohort: CohortCard<'a>,
    cohorts: Selector<'a>,
}

/// The cohort a committee page at `path` shows (`?cohort=ID`, else the
/// running one), with its context.
pub(super) fn committee_focus<'a>(
    program: &'a Program,
    today: NaiveDate,
    query: &BTreeMap<String, String>,
    path: &str,
) -> Result<(&'a Cohort, CommitteeFocus<'a>), ViewError> {
    let c = committee_cohort(program, today, query)?;
    let focus = CommitteeFocus {
        cohort: CohortCard::of(c, today),
        cohorts: selector(program, today, c, path),
    };
    Ok((c, focus))
}

/// The committee's cohort selector.
#[derive(Serialize)]
struct Selector<'a> {
    selected: Selected<'a>,
    choices: Vec<Choice<'a>>,
    next: Option<Next<'a>>,
}

#[derive(Serialize)]
struct Selected<'a> {
    id: &'a str,
    name: &'a str,
    label: &'static str,
}

#[derive(Serialize)]
struct Choice<'a> {
    id: &'a str,
    name: &'a str,
    label: &'a str,
    default: bool,
    selected: bool,
    href: String,
}

#[derive(Serialize)]
struct Next<'a> {
    id: &'a str,
    name: &'a str,
    href: String,
}

/// The href of `path` showing cohort `id`.
fn cohort_href(path: &str, id: &str) -> String {
    format!(
        "{path}?{COHORT_PARAM}={}",
        crate::http::response::query_value(id)
    )
}

/// The selector of a committee page at `path` showing `selected`.
fn selector<'a>(
    program: &'a Program,
    today: NaiveDate,
    selected: &'a Cohort,
    path: &str,
) -> Selector<'a> {
    let choices = cohort_focus::choices(program, today, Some(selected))
        .into_iter()
        .map(|c| Choice {
            id: c.id,
            name: c.name,
            label: c.label,
            default: c.default,
            selected: c.selected,
            href: cohort_href(path, c.id),
        })
        .collect();
    let next = cohort_focus::next_after(program, selected).map(|n| Next {
        id: &n.id,
        name: &n.name,
        href: cohort_href(path, &n.id),
    });
    Selector {
        selected: Selected {
            id: &selected.id,
            name: &selected.name,
            label: cohort_focus::phase_label(selected.phase(today)),
        },
        choices,
        next,
    }
}

/// The selector as HTML, for pages outside the views' templates (the
/// committee's report).
pub fn selector_html(program: &Program, today: NaiveDate, selected: &str, path: &str) -> String {
    use crate::http::response::escape;
    let Some(selected) = program.cohort(selected) else {
        return String::new();
    };
    let mut out = String::from("<nav class=\"cohorts\" aria-label=\"Cohorts\"><p>Cohort:</p><ul>");
    for c in cohort_focus::choices(program, today, Some(selected)) {
        let href = cohort_href(path, c.id);
        let current = if c.selected {
            " aria-current=\"page\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<li><a href=\"{}\"{current}>{}</a> ({})</li>",
            escape(&href),
            escape(c.name),
            escape(c.label)
        ));
    }
    out.push_str("</ul></nav>\n");
    out
}

/// Every duo of `member_id` in the program's cohorts other than `except`,
/// newest cohort first: their earlier (and any other) duos.
pub(super) async fn other_duos<'a>(
    app: &'a App,
    member_id: &str,
    except: Option<&Cohort>,
) -> Result<Vec<(&'a Cohort, Duo)>, ViewError> {
    let mut cohorts: Vec<&Cohort> = app
        .config
        .program
        .cohorts
        .iter()
        .filter(|c| except.is_none_or(|e| e.id != c.id))
        .collect();
    cohorts.sort_by_key(|c| std::cmp::Reverse(c.applications_open));
    let mut out = Vec::new();
    for c in cohorts {
        for d in load_duos(app, &c.id).await? {
            if d.has_party(member_id) {
                out.push((c, d));
            }
        }
    }
    Ok(out)
}
