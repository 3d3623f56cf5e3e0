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
use serde::Serialize;

use super::cards::{shorten, Person};
use super::cohorts::{committee_focus, CommitteeFocus};
use super::load::member_name;
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::handlers::pairings::{pair_facts, proposal, snapshot};
use crate::records::{self, keys};

/// The chair's page.
pub const PAIRING_PATH: &str = "/members/committee/pairing/";
/// The mentee's page.
pub const SUGGESTIONS_PATH: &str = "/members/suggestions/";

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

#[derive(Serialize)]
struct PairingPage<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    mentees: Vec<UnpairedMentee<'a>>,
    max_pairs: usize,
    /// Proposed pairs left for the next confirmation.
    held_back: usize,
    free_mentors: Vec<FreeMentor<'a>>,
    pairings: Vec<Proposed<'a>>,
    pairing_open: bool,
}

/// A mentee without a duo, with every free mentor to choose from.
#[derive(Serialize)]
struct UnpairedMentee<'a> {
    id: &'a str,
    name: String,
    institution: &'a str,
    interests: Vec<String>,
    goals: String,
    choices: Vec<MentorChoice<'a>>,
    /// The mentor preselected (duos's proposal).
    proposed: Option<&'a str>,
}

#[derive(Serialize)]
struct MentorChoice<'a> {
    id: &'a str,
    name: String,
    score: u32,
    pending: bool,
    conflict: bool,
    reason: String,
    selected: bool,
}

#[derive(Serialize)]
struct FreeMentor<'a> {
    id: &'a str,
    name: String,
    title: &'a str,
    institution: &'a str,
    expertise: Vec<String>,
}

/// A pairing proposed, with both answers.
#[derive(Serialize)]
struct Proposed<'a> {
    id: &'a str,
    mentee: Person,
    mentor: Person,
    mentee_answer: &'static str,
    mentor_answer: &'static str,
    state: &'static str,
    proposed_on: chrono::NaiveDate,
}

/// `/members/committee/pairing/[?cohort=ID]`.
pub(super) async fn pairing_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewPairing) {
        return Err(ViewError::forbidden(
            "Pairing at the matching deadline is the committee chair's.",
        ));
    }
    let program = &app.config.program;
    let (c, focus) = committee_focus(program, viewer.today, query, PAIRING_PATH)?;
    let s = snapshot(app, c).await.map_err(ViewError::problem)?;
    let proposed = proposal(program, &s);
    let mut mentees = Vec::new();
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
            choices.push(MentorChoice {
                id: &mentor.member_id,
                name: member_name(app, &mentor.member_id).await,
                score: facts.score,
                pending: facts.pending_request,
                conflict: facts.conflict_of_interest,
                reason: reason(program, &comp.shared),
                selected: chosen == Some(mentor.member_id.as_str()),
            });
        }
        mentees.push(UnpairedMentee {
            id: &mentee.member_id,
            name: member_name(app, &mentee.member_id).await,
            institution: &mentee.form.institution,
            interests: term_names(app, &mentee.form.interests),
            goals: shorten(&mentee.form.goals, 200),
            choices,
            proposed: chosen,
        });
    }
    let mut free_mentors = Vec::new();
    for m in &s.mentors {
        free_mentors.push(FreeMentor {
            id: &m.member_id,
            name: member_name(app, &m.member_id).await,
            title: &m.form.title,
            institution: &m.form.institution,
            expertise: term_names(app, &m.form.expertise),
        });
    }
    let mut pairings = Vec::new();
    for p in s.pairings.iter().rev() {
        pairings.push(Proposed {
            id: &p.id,
            mentee: Person::of(app, &p.mentee_id).await,
            mentor: Person::of(app, &p.mentor_id).await,
            mentee_answer: p.mentee_answer.name(),
            mentor_answer: p.mentor_answer.name(),
            state: p.status.name(),
            proposed_on: p.proposed_at.date_naive(),
        });
    }
    let data = PairingPage {
        focus,
        mentees,
        max_pairs: MAX_PAIRS,
        held_back,
        free_mentors,
        pairings,
        pairing_open: viewer.today >= c.matching_deadline && viewer.today <= c.end,
    };
    render_with(
        "committee_pairing.html",
        ctx,
        &data,
        "Pairing at the deadline",
    )
}

/// A pairing proposed to the viewer, for the requests page.
#[derive(Serialize)]
pub(super) struct MyPairing {
    id: String,
    other: Person,
    other_side: &'static str,
    my_answer: &'static str,
    other_answer: &'static str,
    state: &'static str,
    /// Waiting for the viewer's answer.
    open: bool,
    /// The mentee's background, for the mentor asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    mentee_information: Option<serde_json::Value>,
}

/// The pairings proposed to `viewer` in `cohort`, for the requests page.
pub(super) async fn my_pairings(
    app: &App,
    viewer: &Viewer,
    cohort: &str,
) -> Result<Vec<MyPairing>, ViewError> {
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
        // The mentor asked sees the mentee's background, as with a request.
        let mentee_information = if !mentee && viewer.may(Action::ViewMenteeBackground) {
            Some(
                crate::handlers::matches::mentee_information(app, cohort, other)
                    .await
                    .map_err(ViewError::problem)?,
            )
        } else {
            None
        };
        out.push(MyPairing {
            id: p.id.clone(),
            other: Person::of(app, other).await,
            other_side,
            my_answer: mine.name(),
            other_answer: theirs.name(),
            state: p.status.name(),
            open: p.status == PairingStatus::Proposed && mine.name() == "waiting",
            mentee_information,
        });
    }
    Ok(out)
}

#[derive(Serialize)]
struct Suggestions<'a> {
    suggested: Vec<SuggestedMentor<'a>>,
    /// Mentors not suggested: the mentee's own institution.
    conflicts: Vec<Person>,
    suggestions_for: SuggestionsFor<'a>,
}

#[derive(Serialize)]
struct SuggestedMentor<'a> {
    id: &'a str,
    name: String,
    title: &'a str,
    institution: &'a str,
    reason: &'a str,
    score: u32,
    /// Their directory page, when listed.
    url: Option<String>,
}

#[derive(Serialize)]
struct SuggestionsFor<'a> {
    cohort_name: &'a str,
    institution: &'a str,
    interests: Vec<String>,
}

/// `/members/suggestions/`: an accepted mentee's suggested mentors.
pub(super) async fn suggestions_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
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
            .and_then(|a| program.cohort(&p.cohort).map(|c| (c, a)))
    }) else {
        return Err(ViewError::forbidden(
            "Suggestions are for the cohort's accepted mentees.",
        ));
    };
    let mine: &MenteeApplication = mine;
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
    let mut suggested = Vec::new();
    for s in &got.suggested {
        let Some(m) = mentors.iter().find(|m| m.member_id == s.mentor_id) else {
            continue;
        };
        suggested.push(SuggestedMentor {
            id: &m.member_id,
            name: member_name(app, &m.member_id).await,
            title: &m.form.title,
            institution: &m.form.institution,
            reason: &s.reason,
            score: s.score,
            url: profile_url(app, &m.member_id).await,
        });
    }
    let mut conflicts = Vec::new();
    for id in &got.conflicts {
        conflicts.push(Person::of(app, id).await);
    }
    let data = Suggestions {
        suggested,
        conflicts,
        suggestions_for: SuggestionsFor {
            cohort_name: &cohort.name,
            institution: &mine.form.institution,
            interests: term_names(app, &mine.form.interests),
        },
    };
    render_with("suggestions.html", ctx, &data, "Suggested for you")
}
