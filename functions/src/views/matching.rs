//! Help to match, as pages:
//! - `/members/suggestions/` (a mentee): mentors ranked by how their
//!   expertise meets the mentee's interests and goals, each saying why;
//!   mentors of the mentee's own institution are not suggested and are
//!   named as a conflict of interest ([`mentoring::suggest`]);
//! - `/members/committee/pairing/` (the chair): at the matching deadline,
//!   the mentees without a duo and the mentors still free, duos's proposal
//!   as a form the chair edits and confirms (`POST /api/pairings`), and the
//!   pairings already proposed with both answers.

use std::collections::BTreeMap;

use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::pairing::{PairingStatus, MAX_PAIRS};
use mentoring::permissions::Action;
use mentoring::suggest::{reason, suggest, MenteeSide, MentorSide};
use serde_json::{json, Value as Json};

use super::{member_name, render, shorten, Page, ViewError, Viewer};
use crate::app::App;
use crate::handlers::pairings::{pair_facts, proposal, snapshot};
use crate::records::{self, keys};

/// The chair's page.
pub const PAIRING_PATH: &str = "/members/committee/pairing/";
/// The mentee's page.
pub const SUGGESTIONS_PATH: &str = "/members/suggestions/";

fn problem(p: crate::http::Problem) -> ViewError {
    let status =
        http::StatusCode::from_u16(p.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    ViewError::new(status, &p.title, p.detail)
}

fn term_names(app: &App, slugs: &[String]) -> Vec<String> {
    slugs
        .iter()
        .map(|s| {
            app.config
                .program
                .expertise
                .iter()
                .find(|t| &t.slug == s)
                .map(|t| t.name.clone())
                .unwrap_or_else(|| s.clone())
        })
        .collect()
}

async fn profile_url(app: &App, member_id: &str) -> Option<String> {
    records::profile::load(app.store.as_ref(), member_id)
        .await
        .ok()
        .flatten()
        .filter(|r| r.published && !r.paused)
        .map(|r| generator::profiles::profile_url(&r.slug))
}

/// `/members/committee/pairing/[?cohort=ID]`.
pub(super) async fn pairing_page(
    app: &App,
    viewer: &Viewer,
    ctx: &mut tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewPairing) {
        return Err(ViewError::forbidden(
            "Pairing at the matching deadline is the committee chair's.",
        ));
    }
    let program = &app.config.program;
    let c = super::committee_page_cohort(ctx, program, viewer.today, query, PAIRING_PATH)?;
    let s = snapshot(app, c).await.map_err(problem)?;
    let proposed = proposal(program, &s);
    let mut rows = Vec::new();
    // One confirmation stores at most MAX_PAIRS pairs (one
    // transaction): the first are preselected, the rest wait for the next.
    let mut preselected = 0;
    let mut held_back = 0;
    for mentee in &s.mentees {
        let mut chosen = proposed
            .pairs
            .iter()
            .find(|p| p.mentee_id == mentee.member_id)
            .map(|p| p.mentor_id.as_str());
        if chosen.is_some() {
            if preselected < MAX_PAIRS {
                preselected += 1;
            } else {
                held_back += 1;
                chosen = None;
            }
        }
        let mut choices = Vec::new();
        for mentor in &s.mentors {
            let (facts, comp) = pair_facts(program, &s, mentee, mentor);
            choices.push(json!({
                "id": mentor.member_id,
                "name": member_name(app, &mentor.member_id).await,
                "score": facts.score,
                "pending": facts.pending_request,
                "conflict": facts.conflict_of_interest,
                "reason": reason(program, &comp.shared),
                "selected": chosen == Some(mentor.member_id.as_str()),
            }));
        }
        rows.push(json!({
            "id": mentee.member_id,
            "name": member_name(app, &mentee.member_id).await,
            "institution": mentee.form.institution,
            "interests": term_names(app, &mentee.form.interests),
            "goals": shorten(&mentee.form.goals, 200),
            "choices": choices,
            "proposed": chosen,
        }));
    }
    let mut mentors = Vec::new();
    for m in &s.mentors {
        mentors.push(json!({
            "id": m.member_id,
            "name": member_name(app, &m.member_id).await,
            "title": m.form.title,
            "institution": m.form.institution,
            "expertise": term_names(app, &m.form.expertise),
        }));
    }
    let mut pairings = Vec::new();
    for p in s.pairings.iter().rev() {
        pairings.push(json!({
            "id": p.id,
            "mentee": {"id": p.mentee_id, "name": member_name(app, &p.mentee_id).await},
            "mentor": {"id": p.mentor_id, "name": member_name(app, &p.mentor_id).await},
            "mentee_answer": p.mentee_answer.name(),
            "mentor_answer": p.mentor_answer.name(),
            "state": p.status.name(),
            "proposed_on": p.proposed_at.date_naive(),
        }));
    }
    ctx.insert("mentees", &rows);
    ctx.insert("max_pairs", &MAX_PAIRS);
    ctx.insert("held_back", &held_back);
    ctx.insert("free_mentors", &mentors);
    ctx.insert("pairings", &pairings);
    ctx.insert(
        "pairing_open",
        &(viewer.today >= c.matching_deadline && viewer.today <= c.end),
    );
    render("committee_pairing.html", ctx, "Pairing at the deadline")
}

/// The pairings proposed to `viewer` in `cohort`, for the requests page:
/// `[{id, other: {id, name}, other_side, my_answer, other_answer, state}]`.
pub(super) async fn my_pairings(
    app: &App,
    viewer: &Viewer,
    cohort: &str,
) -> Result<Vec<Json>, ViewError> {
    let items = app
        .store
        .query(&crate::store::Query::table(keys::cohort_pk(cohort)).prefix(keys::PAIRING_PREFIX))
        .await?;
    let mut out = Vec::new();
    for p in items
        .iter()
        .filter_map(|i| records::read::<mentoring::pairing::Pairing>(i).ok())
        .filter(|p| p.has_party(&viewer.member_id))
    {
        let mentee = p.mentee_id == viewer.member_id;
        let (other, other_side, mine, theirs) = if mentee {
            (&p.mentor_id, "mentor", p.mentee_answer, p.mentor_answer)
        } else {
            (&p.mentee_id, "mentee", p.mentor_answer, p.mentee_answer)
        };
        let mut j = json!({
            "id": p.id,
            "other": {"id": other, "name": member_name(app, other).await},
            "other_side": other_side,
            "my_answer": mine.name(),
            "other_answer": theirs.name(),
            "state": p.status.name(),
            "open": p.status == PairingStatus::Proposed && mine.name() == "waiting",
        });
        // The mentor asked sees the mentee's background, as with a request.
        if !mentee && viewer.may(Action::ViewMenteeBackground) {
            j["mentee_information"] =
                crate::handlers::matches::mentee_information(app, cohort, other)
                    .await
                    .map_err(problem)?;
        }
        out.push(j);
    }
    Ok(out)
}

/// `/members/suggestions/`: an accepted mentee's suggested mentors.
pub(super) async fn suggestions_page(
    app: &App,
    viewer: &Viewer,
    ctx: &mut tera::Context,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewSuggestions) {
        return Err(ViewError::forbidden(
            "Suggestions are for the cohort's accepted mentees; they open once your mentee \
             application is accepted.",
        ));
    }
    let program = &app.config.program;
    let Some((cohort, mine)) = viewer.participations.iter().find_map(|p| {
        p.mentee
            .as_ref()
            .filter(|a| a.status == MenteeStatus::Accepted)
            .and_then(|a| program.cohort(&p.cohort).map(|c| (c, a.clone())))
    }) else {
        return Err(ViewError::forbidden(
            "Suggestions are for the cohort's accepted mentees.",
        ));
    };
    let mine: MenteeApplication = mine;
    let items = app
        .store
        .query(
            &crate::store::Query::table(keys::cohort_pk(&cohort.id))
                .prefix(keys::MENTOR_APP_PREFIX),
        )
        .await?;
    let taken = records::profile::taken_mentors(app.store.as_ref(), &cohort.id).await?;
    let mut mentors: Vec<MentorApplication> = Vec::new();
    for a in items
        .iter()
        .filter_map(|i| records::read::<MentorApplication>(i).ok())
        .filter(|a| a.status.is_listed() && !taken.contains(&a.member_id))
    {
        let paused = records::profile::load(app.store.as_ref(), &a.member_id)
            .await?
            .is_some_and(|r| r.paused);
        if !paused && a.member_id != viewer.member_id {
            mentors.push(a);
        }
    }
    let sides: Vec<MentorSide> = mentors
        .iter()
        .map(|m| MentorSide {
            member_id: &m.member_id,
            expertise: &m.form.expertise,
            institution: &m.form.institution,
        })
        .collect();
    let got = suggest(
        program,
        &MenteeSide {
            member_id: &mine.member_id,
            interests: &mine.form.interests,
            goals: &mine.form.goals,
            institution: Some(mine.form.institution.as_str()),
        },
        &sides,
    );
    let card = |id: &str| mentors.iter().find(|m| m.member_id == id);
    let mut suggested = Vec::new();
    for s in &got.suggested {
        let Some(m) = card(&s.mentor_id) else {
            continue;
        };
        suggested.push(json!({
            "id": m.member_id,
            "name": member_name(app, &m.member_id).await,
            "title": m.form.title,
            "institution": m.form.institution,
            "reason": s.reason,
            "score": s.score,
            "url": profile_url(app, &m.member_id).await,
        }));
    }
    let mut conflicts = Vec::new();
    for id in &got.conflicts {
        conflicts.push(json!({"id": id, "name": member_name(app, id).await}));
    }
    ctx.insert("suggested", &suggested);
    ctx.insert("conflicts", &conflicts);
    ctx.insert(
        "suggestions_for",
        &json!({"cohort_name": cohort.name, "institution": mine.form.institution, "interests": term_names(app, &mine.form.interests)}),
    );
    render("suggestions.html", ctx, "Suggested for you")
}
