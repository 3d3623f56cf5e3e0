//! The liaisons' side of the committee's pages:
//! - `/members/committee/liaison/`: a committee member's own duos as
//!   liaison (and only those), with why a duo ended early — which only the
//!   chair and the duo's liaison ever read ([`mentoring::duo::Duo::may_see_end_reason`]);
//! - the choices of the chair's liaison form on `/members/committee/duos/`:
//!   every committee member with their running duos, the fewest first
//!   ([`mentoring::liaison::liaison_options`]).

use std::collections::BTreeMap;

use mentoring::duo::{liaison_loads, Duo, DuoStatus};
use mentoring::liaison::liaison_options;
use mentoring::permissions::Action;
use mentoring::program::Cohort;
use serde_json::{json, Value as Json};

use super::{duo_json, load_duos, member_name, render, Page, ViewError, Viewer};
use crate::app::App;

/// The page.
pub const LIAISON_PATH: &str = "/members/committee/liaison/";

/// Why `d` ended early, if it did and `viewer` may read it.
pub(super) fn end_reason(d: &Duo, viewer: &Viewer) -> Option<String> {
    match d
        .clone()
        .as_seen_by(&viewer.member_id, &viewer.roles)
        .status
    {
        DuoStatus::EndedEarly { reason, .. } if !reason.is_empty() => Some(reason),
        _ => None,
    }
}

/// The liaison options of one duo, for the chair's select.
pub(super) async fn options(
    app: &App,
    cohort: &Cohort,
    duos: &[Duo],
    duo: &Duo,
    today: chrono::NaiveDate,
) -> Vec<Json> {
    let committee = &app.config.program.committee;
    let everyone: Vec<String> = committee
        .chair
        .iter()
        .chain(committee.members.iter())
        .cloned()
        .collect();
    let loads = liaison_loads(duos.iter().filter(|d| d.id != duo.id), cohort, today);
    let mut out = Vec::new();
    for o in liaison_options(
        &everyone,
        &loads,
        &[duo.mentor_id.as_str(), duo.mentee_id.as_str()],
    ) {
        out.push(json!({
            "id": o.member_id,
            "name": member_name(app, &o.member_id).await,
            "duos": o.duos,
            "suggested": o.suggested,
            "current": duo.liaison_id.as_deref() == Some(o.member_id.as_str()),
        }));
    }
    out
}

/// `/members/committee/liaison/[?cohort=ID]`.
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: &mut tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewLiaisonDuos) {
        return Err(ViewError::forbidden(
            "Only committee members have duos to support as liaison.",
        ));
    }
    let c =
        super::committee_page_cohort(ctx, &app.config.program, viewer.today, query, LIAISON_PATH)?;
    let mut rows = Vec::new();
    for d in load_duos(app, &c.id)
        .await?
        .iter()
        .filter(|d| d.liaison_id.as_deref() == Some(viewer.member_id.as_str()))
    {
        let mut j = duo_json(app, c, d, viewer.today).await;
        j["end_reason"] = json!(end_reason(d, viewer));
        rows.push(j);
    }
    ctx.insert("duos", &rows);
    render("committee_liaison.html", ctx, "Your duos as liaison")
}
