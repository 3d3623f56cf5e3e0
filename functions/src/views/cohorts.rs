//! Which cohort each page shows, decided by [`mentoring::cohort_focus`]:
//! the facts it needs (the cohorts the viewer takes part in, `?cohort=`)
//! and the committee's cohort selector (plain links, no script).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use http::StatusCode;
use mentoring::cohort_focus;
use mentoring::duo::Duo;
use mentoring::program::{Cohort, Program};
use serde_json::{json, Value as Json};

use super::{load_duos, ViewError, Viewer};
use crate::app::App;

/// The query parameter that picks the cohort of a committee page.
pub const COHORT_PARAM: &str = "cohort";

impl Viewer {
    /// The cohorts (ids) the viewer takes part in: those of the cohorts in
    /// view where they applied, on either side.
    pub(super) fn taking_part(&self) -> Vec<&str> {
        self.participations
            .iter()
            .filter(|p| p.mentee.is_some() || p.mentor.is_some())
            .map(|p| p.cohort.as_str())
            .collect()
    }
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
        Ok(None) => Err(super::no_cohort()),
        Err(id) => Err(ViewError::new(
            StatusCode::NOT_FOUND,
            "No such cohort",
            format!("The program has no cohort {id:?}; choose one of the program's cohorts."),
        )),
    }
}

/// The selector's data for a committee page at `path` showing `selected`:
/// `{"selected": {...}, "choices": [{"id", "name", "label", "default",
/// "selected", "href"}], "next": {...} | null}`.
pub(super) fn selector(program: &Program, today: NaiveDate, selected: &Cohort, path: &str) -> Json {
    let href = |id: &str| {
        format!(
            "{path}?{COHORT_PARAM}={}",
            crate::http::response::query_value(id)
        )
    };
    let choices: Vec<Json> = cohort_focus::choices(program, today, Some(selected))
        .into_iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "label": c.label,
                "default": c.default,
                "selected": c.selected,
                "href": href(c.id),
            })
        })
        .collect();
    let next = cohort_focus::next_after(program, selected)
        .map(|n| json!({"id": n.id, "name": n.name, "href": href(&n.id)}));
    json!({
        "selected": {
            "id": selected.id,
            "name": selected.name,
            "label": cohort_focus::phase_label(selected.phase(today)),
        },
        "choices": choices,
        "next": next,
    })
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
        let href = format!(
            "{path}?{COHORT_PARAM}={}",
            crate::http::response::query_value(c.id)
        );
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
