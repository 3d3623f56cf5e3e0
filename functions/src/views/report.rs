//! `/members/report/[?cohort=ID]`: the committee's report
//! ([`crate::report::page`]), a page of its own (print-friendly,
//! self-contained), not rendered into the site's layout, with the
//! committee's cohort selector at the top of its body.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use http::{Response, StatusCode};

use super::cohorts::{selector_html, COHORT_PARAM};
use crate::app::App;

/// The page.
pub const REPORT_PATH: &str = "/members/report/";

/// The report of `?cohort=ID` (else the committee's default cohort) for
/// `member_id`.
pub(super) async fn reply(
    app: &App,
    member_id: &str,
    query: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Response<Vec<u8>> {
    let program = &app.config.program;
    let cohort = query
        .get(COHORT_PARAM)
        .cloned()
        .or_else(|| {
            mentoring::cohort_focus::committee_default(program, today).map(|c| c.id.clone())
        })
        .unwrap_or_default();
    let page = crate::report::page(app, member_id, &cohort).await;
    with_selector(app, page, &cohort, today)
}

/// The report with the committee's cohort selector at the top of its body
/// (a page that was refused is left as it is).
fn with_selector(
    app: &App,
    mut page: Response<Vec<u8>>,
    cohort: &str,
    today: NaiveDate,
) -> Response<Vec<u8>> {
    if page.status() != StatusCode::OK {
        return page;
    }
    let nav = selector_html(&app.config.program, today, cohort, REPORT_PATH);
    let body = String::from_utf8_lossy(page.body()).into_owned();
    if let Some(at) = body.find("<body>").map(|i| i + "<body>".len()) {
        let mut out = String::with_capacity(body.len() + nav.len() + 1);
        out.push_str(&body[..at]);
        out.push('\n');
        out.push_str(&nav);
        out.push_str(&body[at..]);
        *page.body_mut() = out.into_bytes();
    }
    page
}
