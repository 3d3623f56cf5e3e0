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
use serde::Serialize;

use super::cards::DuoCard;
use super::cohorts::{committee_focus, CommitteeFocus};
use super::load::{load_duos, member_name};
use super::page::render_with;
use super::{Page, ViewError, Viewer};
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

/// A committee member the chair may make a duo's liaison.
#[derive(Serialize)]
pub(super) struct LiaisonOption {
    id: String,
    name: String,
    /// Their running duos as liaison.
    duos: u32,
    suggested: bool,
    current: bool,
}

/// The liaison options of one duo, for the chair's select.
pub(super) async fn options(
    app: &App,
    cohort: &Cohort,
    duos: &[Duo],
    duo: &Duo,
    today: chrono::NaiveDate,
) -> Vec<LiaisonOption> {
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
        out.push(LiaisonOption {
            name: member_name(app, &o.member_id).await,
            duos: o.duos,
            suggested: o.suggested,
            current: duo.liaison_id.as_deref() == Some(o.member_id.as_str()),
            id: o.member_id,
        });
    }
    out
}

#[derive(Serialize)]
struct LiaisonPage<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    duos: Vec<LiaisonDuo<'a>>,
}

#[derive(Serialize)]
struct LiaisonDuo<'a> {
    #[serde(flatten)]
    duo: DuoCard<'a>,
    end_reason: Option<String>,
}

/// `/members/committee/liaison/[?cohort=ID]`.
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewLiaisonDuos) {
        return Err(ViewError::forbidden(
            "Only committee members have duos to support as liaison.",
        ));
    }
    let (c, focus) = committee_focus(&app.config.program, viewer.today, query, LIAISON_PATH)?;
    let all = load_duos(app, &c.id).await?;
    let mut duos = Vec::new();
    for d in all
        .iter()
        .filter(|d| d.liaison_id.as_deref() == Some(viewer.member_id.as_str()))
    {
        duos.push(LiaisonDuo {
            duo: DuoCard::of(app, c, d, viewer.today).await,
            end_reason: end_reason(d, viewer),
        });
    }
    let data = LiaisonPage { focus, duos };
    render_with("committee_liaison.html", ctx, &data, "Your duos as liaison")
}
