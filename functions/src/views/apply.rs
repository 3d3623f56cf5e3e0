//! The forms of applying and nominating, and their result pages:
//! `/members/apply/` (`POST /api/applications`), `/apply/done/`,
//! `/members/nominate/` and `/nominate/done/` (`POST /api/nominations`),
//! `/nominate/consent/?token=` and `/nominate/consent/done/` (a nominee
//! answers, `POST /api/nominations/consent`). They need no more than every
//! page's context: the cohort taking applications, the viewer's
//! applications in it, the query's result flags.

use std::collections::BTreeMap;

use super::page::render;
use super::{Page, ViewError};

/// The application form.
pub(super) const APPLY_PATH: &str = "/members/apply/";
/// The result of an application.
pub(super) const APPLY_DONE_PATH: &str = "/apply/done/";
/// The nomination form.
pub(super) const NOMINATE_PATH: &str = "/members/nominate/";
/// The result of a nomination.
pub(super) const NOMINATE_DONE_PATH: &str = "/nominate/done/";
/// A nominee's answer.
pub(super) const CONSENT_PATH: &str = "/nominate/consent/";
/// The result of the answer.
pub(super) const CONSENT_DONE_PATH: &str = "/nominate/consent/done/";

pub(super) fn apply_page(ctx: tera::Context) -> Result<Page, ViewError> {
    render("apply.html", &ctx, "Apply")
}

pub(super) fn apply_done_page(ctx: tera::Context) -> Result<Page, ViewError> {
    render("apply_done.html", &ctx, "Application received")
}

/// The form and its result.
pub(super) fn nominate_page(ctx: tera::Context) -> Result<Page, ViewError> {
    render("nominate.html", &ctx, "Nominate a member")
}

/// The nominee's answer (`token` from the consent mail) and its result.
pub(super) fn consent_page(
    mut ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    ctx.insert(
        "token",
        query.get("token").map(String::as_str).unwrap_or_default(),
    );
    render("consent.html", &ctx, "Your nomination")
}
