//! Pairing at the matching deadline: `POST /api/pairings` (the chair
//! confirms pairs), `POST /api/pairings/{id}/accept | decline` (one of the
//! pair answers). The rules are [`mentoring::pairing`]; the proposal the
//! chair starts from is [`mentoring::assignment::propose`] on
//! [`mentoring::suggest::compatibility`] ([`proposal`]).
//!
//! Concurrency: each pairing is stored on the condition that neither person
//! holds a lock (a duo) — and a batch is one transaction (at most
//! [`MAX_PAIRS`] pairs), each pair's item conditional on not
//! existing, so it is stored whole or not at all; the second acceptance is one
//! transaction: the pairing `proposed -> formed` (conditional on the state
//! it was read in), both locks (`attribute_not_exists`), the duo, the
//! audit entry and the pending requests of either that the duo closes,
//! exactly as accepting a request.

use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::assignment::{propose, PairFacts, Proposal};
use mentoring::matching::{side_effects_of_duo, DuoParties, MatchRequest, Transition};
use mentoring::pairing::{
    confirm_pairs, MenteeFacts, MentorFacts, Pairing, PairingStatus, MAX_PAIRS,
};
use mentoring::program::{Cohort, Program};
use mentoring::suggest::{compatibility, MenteeSide, MentorSide};
use serde::Deserialize;

use super::applications::changed_meanwhile;
use super::matches::{close_later, push_closed_requests, tell_declined};
use super::{cohort_in_query, messages, notify, site_url, Call};
use crate::app::App;
use crate::audit::Entry;
use crate::http::body::MAX_ID_LEN;
use crate::http::response::query_value;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Condition, Query, StoreError, TransactOp, MAX_TRANSACT_OPS};

/// The chair's pairing page (result of confirming).
pub const PAIRING_PAGE: &str = "/members/committee/pairing/";
/// The page where the pair answers (result of accepting or declining).
pub const REQUESTS_PAGE: &str = "/members/requests/";

/// How often an answer that lost a race is read and tried again.
const ATTEMPTS: usize = 4;

/// Operations per confirmed pair in the batch's one transaction: the
/// pairing, the two lock checks, the audit entry.
const OPS_PER_PAIR: usize = 4;

// A whole batch (mentoring::pairing::MAX_PAIRS) fits one transaction.
const _: () = assert!(MAX_PAIRS * OPS_PER_PAIR <= MAX_TRANSACT_OPS);

/// Who is still to be paired in a cohort, as the store holds it now.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Accepted mentees with no duo and no open pairing, by id.
    pub mentees: Vec<MenteeApplication>,
    /// Listed mentors with no mentee and no open pairing, by id.
    pub mentors: Vec<MentorApplication>,
    /// Pending requests among them.
    pub pending: Vec<MatchRequest>,
    /// Every pairing of the cohort, oldest first.
    pub pairings: Vec<Pairing>,
    /// Mentee ids holding a lock (in a duo).
    matched_mentees: Vec<String>,
    /// Mentor ids holding a lock (with a mentee).
    matched_mentors: Vec<String>,
    /// Every mentee application.
    all_mentees: Vec<MenteeApplication>,
    /// Every mentor application.
    all_mentors: Vec<MentorApplication>,
}

async fn records_with_prefix<T: serde::de::DeserializeOwned>(
    app: &App,
    cohort: &str,
    prefix: &str,
) -> Result<Vec<T>, Problem> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(prefix))
        .await?;
    items
        .iter()
        .map(|i| records::read::<T>(i).map_err(Problem::from))
        .collect()
}

async fn lock_holders(app: &App, cohort: &str, prefix: &str) -> Result<Vec<String>, Problem> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(prefix))
        .await?;
    Ok(items
        .iter()
        .filter(|i| i.get_str(records::KIND) == Some("lock"))
        .filter_map(|i| i.sk().strip_prefix(prefix).map(str::to_owned))
        .collect())
}

/// The cohort's unmatched mentees and free mentors, their pending
/// requests and the cohort's pairings.
pub async fn snapshot(app: &App, cohort: &Cohort) -> Result<Snapshot, Problem> {
    let c = cohort.id.as_str();
    let all_mentees: Vec<MenteeApplication> =
        records_with_prefix(app, c, keys::MENTEE_APP_PREFIX).await?;
    let all_mentors: Vec<MentorApplication> =
        records_with_prefix(app, c, keys::MENTOR_APP_PREFIX).await?;
    let mut pairings: Vec<Pairing> = records_with_prefix(app, c, keys::PAIRING_PREFIX).await?;
    pairings.sort_by(|a, b| a.proposed_at.cmp(&b.proposed_at).then(a.id.cmp(&b.id)));
    let matched_mentees = lock_holders(app, c, keys::MENTEE_LOCK_PREFIX).await?;
    let matched_mentors = lock_holders(app, c, keys::MENTOR_LOCK_PREFIX).await?;
    let open = |id: &str| {
        pairings
            .iter()
            .any(|p| p.status == PairingStatus::Proposed && p.has_party(id))
    };
    let mut mentees: Vec<MenteeApplication> = all_mentees
        .iter()
        .filter(|a| a.status == MenteeStatus::Accepted)
        .filter(|a| !matched_mentees.contains(&a.member_id) && !open(&a.member_id))
        .cloned()
        .collect();
    mentees.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    let mut mentors: Vec<MentorApplication> = all_mentors
        .iter()
        .filter(|a| a.status.is_listed())
        .filter(|a| !matched_mentors.contains(&a.member_id) && !open(&a.member_id))
        .cloned()
        .collect();
    mentors.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    let now = app.moment().now;
    let pending: Vec<MatchRequest> = super::matches::cohort_requests(app, c)
        .await?
        .into_iter()
        .filter(|r| r.status_at(now).name() == "pending")
        .filter(|r| {
            mentees.iter().any(|m| m.member_id == r.mentee_id)
                && mentors.iter().any(|m| m.member_id == r.mentor_id)
        })
        .collect();
    Ok(Snapshot {
        mentees,
        mentors,
        pending,
        pairings,
        matched_mentees,
        matched_mentors,
        all_mentees,
        all_mentors,
    })
}

/// The compatibility of one mentee and one mentor, with the pending request
/// between them if any: the facts the proposal optimizes.
pub fn pair_facts(
    program: &Program,
    s: &Snapshot,
    mentee: &MenteeApplication,
    mentor: &MentorApplication,
) -> (PairFacts, mentoring::suggest::Compatibility) {
    let c = compatibility(
        program,
        &MenteeSide {
            member_id: &mentee.member_id,
            interests: &mentee.form.interests,
            goals: &mentee.form.goals,
            institution: Some(mentee.form.institution.as_str()),
        },
        &MentorSide {
            member_id: &mentor.member_id,
            expertise: &mentor.form.expertise,
            institution: &mentor.form.institution,
        },
    );
    let pending_request = s
        .pending
        .iter()
        .any(|r| r.mentee_id == mentee.member_id && r.mentor_id == mentor.member_id);
    (
        PairFacts {
            score: c.score,
            pending_request,
            conflict_of_interest: c.conflict_of_interest,
        },
        c,
    )
}

/// duos's proposal for the snapshot's unmatched.
pub fn proposal(program: &Program, s: &Snapshot) -> Proposal {
    let mentee_ids: Vec<String> = s.mentees.iter().map(|m| m.member_id.clone()).collect();
    let mentor_ids: Vec<String> = s.mentors.iter().map(|m| m.member_id.clone()).collect();
    propose(&mentee_ids, &mentor_ids, |e, r| {
        let mentee = s.mentees.iter().find(|m| m.member_id == e);
        let mentor = s.mentors.iter().find(|m| m.member_id == r);
        match (mentee, mentor) {
            (Some(mentee), Some(mentor)) => pair_facts(program, s, mentee, mentor).0,
            _ => PairFacts {
                score: 0,
                pending_request: false,
                conflict_of_interest: true,
            },
        }
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PairBody {
    #[serde(default)]
    mentee_id: String,
    #[serde(default)]
    mentor_id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    /// JSON: the pairs.
    #[serde(default)]
    pairs: Vec<PairBody>,
    /// Form: one `mentee` per row, with its `mentor` (blank: leave unpaired).
    #[serde(default)]
    mentee: Vec<String>,
    #[serde(default)]
    mentor: Vec<String>,
}

/// `POST /api/pairings[?cohort=2008]` (the chair).
///
/// Request: `{"pairs": [{"mentee_id": "M2001", "mentor_id": "M2101"}, ...]}`;
/// the form sends `mentee` / `mentor` lists, row by row (a blank mentor
/// leaves that mentee out). Each pair is asked by mail to accept.
///
/// Reply `201`: `{"cohort", "pairings": [...]}`; form posts: `303` to
/// `/members/committee/pairing/?proposed=N&cohort=ID`. Errors: 400 fields
/// (`pairs[i].mentor_id`: not listed, in two pairs, conflict of interest);
/// 409 `closed` (before the matching deadline, after the end) or
/// `conflict` (one already has a duo or an open pairing). Nothing is
/// stored unless every pair holds.
pub async fn confirm(app: &App, mut call: Call) -> Outcome {
    let body = std::mem::replace(&mut call.body, crate::http::Body::Empty);
    let body: ConfirmBody = body.decode(Shape {
        lists: &["mentee", "mentor", "pairs"],
        ..Shape::default()
    })?;
    let cohort = cohort_in_query(app, &call)?;
    let program = &app.config.program;
    let mut pairs: Vec<(String, String)> = body
        .pairs
        .into_iter()
        .map(|p| (p.mentee_id.trim().to_owned(), p.mentor_id.trim().to_owned()))
        .collect();
    if body.mentee.len() != body.mentor.len() {
        return Err(Problem::field(
            "mentor",
            "Every mentee row needs its mentor choice (blank to leave it out).",
        ));
    }
    pairs.extend(
        body.mentee
            .into_iter()
            .zip(body.mentor)
            .map(|(e, r)| (e.trim().to_owned(), r.trim().to_owned()))
            .filter(|(_, r)| !r.is_empty()),
    );
    let mut errors = Vec::new();
    for (i, (e, r)) in pairs.iter().enumerate() {
        for (field, v) in [("mentee_id", e), ("mentor_id", r)] {
            if v.is_empty() || v.chars().count() > MAX_ID_LEN {
                errors.push(mentoring::FieldError::new(
                    format!("pairs[{i}].{field}"),
                    format!("A member id of 1 to {MAX_ID_LEN} characters."),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let s = snapshot(app, cohort).await?;
    let chair = call.me().to_owned();
    let open = |id: &str| {
        s.pairings
            .iter()
            .any(|p| p.status == PairingStatus::Proposed && p.has_party(id))
    };
    let pairings = confirm_pairs(
        cohort,
        &chair,
        &pairs,
        |id| {
            s.all_mentees
                .iter()
                .find(|a| a.member_id == id)
                .map(|a| MenteeFacts {
                    accepted: a.status == MenteeStatus::Accepted,
                    matched: s.matched_mentees.iter().any(|m| m == id),
                    pairing_open: open(id),
                    institution: Some(a.form.institution.clone()),
                })
        },
        |id| {
            s.all_mentors
                .iter()
                .find(|a| a.member_id == id)
                .map(|a| MentorFacts {
                    listed: a.status.is_listed(),
                    matched: s.matched_mentors.iter().any(|m| m == id),
                    pairing_open: open(id),
                    institution: a.form.institution.clone(),
                })
        },
        records::new_id,
        call.moment,
    )?;
    let mut ops = Vec::with_capacity(pairings.len() * OPS_PER_PAIR);
    for p in &pairings {
        let key = keys::pairing(&cohort.id, &p.id);
        ops.push(TransactOp::put_if(
            records::pairing_item(p),
            Condition::not_exists(),
        ));
        ops.push(TransactOp::check(
            keys::mentor_lock(&cohort.id, &p.mentor_id),
            Condition::not_exists(),
        ));
        ops.push(TransactOp::check(
            keys::mentee_lock(&cohort.id, &p.mentee_id),
            Condition::not_exists(),
        ));
        ops.push(
            Entry::new(&cohort.id, "propose_pairing", &chair, &key, call.moment.now)
                .detail(serde_json::json!({"mentee": p.mentee_id, "mentor": p.mentor_id}))
                .op(),
        );
    }
    app.store.transact(ops).await.map_err(changed_meanwhile)?;
    let link = site_url(app, REQUESTS_PAGE);
    for p in &pairings {
        let mentee = super::name_of(app, &p.mentee_id).await;
        let mentor = super::name_of(app, &p.mentor_id).await;
        notify(
            app,
            &p.mentee_id,
            messages::pairing_proposed(program, &mentor, "mentor", &link),
        )
        .await;
        notify(
            app,
            &p.mentor_id,
            messages::pairing_proposed(program, &mentee, "mentee", &link),
        )
        .await;
    }
    Ok(Reply::created(&serde_json::json!({
        "cohort": cohort.id,
        "pairings": pairings,
    }))
    .redirect(format!(
        "{PAIRING_PAGE}?proposed={}&cohort={}",
        pairings.len(),
        query_value(&cohort.id)
    )))
}

/// The pairing `id`, in whichever cohort holds it.
async fn find<'a>(app: &'a App, id: &str) -> Result<(&'a Cohort, Pairing), Problem> {
    let not_found = || Problem::not_found(format!("There is no pairing {id:?}."));
    if id.chars().count() > MAX_ID_LEN {
        return Err(not_found());
    }
    for cohort in &app.config.program.cohorts {
        if let Some(p) =
            records::get::<Pairing>(app.store.as_ref(), &keys::pairing(&cohort.id, id)).await?
        {
            return Ok((cohort, p));
        }
    }
    Err(not_found())
}

/// `POST /api/pairings/{id}/accept` (the pairing's mentee or mentor).
///
/// Reply `200`: `{"pairing", "duo"?}` (the duo once both accepted); form
/// posts: `303` to `/members/requests/?status=pairing_accepted`. Errors:
/// 403 not one of the pair; 404; 409 already answered, declined, formed,
/// or one of the pair found a partner meanwhile.
pub async fn accept(app: &App, call: Call) -> Outcome {
    answer(app, call, true).await
}

/// `POST /api/pairings/{id}/decline` (the pairing's mentee or mentor): the
/// other is told, and the chair sees it on the pairing page.
pub async fn decline(app: &App, call: Call) -> Outcome {
    answer(app, call, false).await
}

async fn answer(app: &App, mut call: Call, accept: bool) -> Outcome {
    let body = std::mem::replace(&mut call.body, crate::http::Body::Empty);
    let _: serde_json::Map<String, serde_json::Value> = body.decode(Shape::default())?;
    let id = call.id().to_owned();
    let me = call.me().to_owned();
    let program = &app.config.program;
    let mut done = None;
    for _attempt in 0..ATTEMPTS {
        let (cohort, pairing) = find(app, &id).await?;
        let answered = pairing.answer(&me, accept, cohort, records::new_id(), call.moment)?;
        match store_answer(app, &call, cohort, &pairing, &answered, accept).await? {
            Some(closed) => {
                done = Some((cohort, pairing, answered, closed));
                break;
            }
            // The other of the pair answered at the same moment: read again.
            None => continue,
        }
    }
    let (cohort, pairing, answered, closed) = done.ok_or_else(|| {
        Problem::conflict(
            "conflict",
            "This pairing is changing right now; please try again in a moment.",
        )
    })?;
    let other = if pairing.mentee_id == me {
        pairing.mentor_id.clone()
    } else {
        pairing.mentee_id.clone()
    };
    let my_name = super::name_of(app, &me).await;
    if answered.duo.is_some() {
        close_later(
            app,
            &cohort.id,
            &me,
            ("pairing", &pairing.id),
            &closed.later,
            call.moment,
        )
        .await;
        crate::publish::member_changed(app, &pairing.mentor_id).await;
        for (to, partner) in [(&me, other.clone()), (&other, me.clone())] {
            let partner = super::name_of(app, &partner).await;
            notify(app, to, messages::pairing_formed(program, &partner)).await;
        }
        let mentor_name = super::name_of(app, &pairing.mentor_id).await;
        tell_declined(app, &closed.all, &closed.transitions, &mentor_name).await;
    } else if !accept {
        notify(app, &other, messages::pairing_declined(program, &my_name)).await;
        if let Some(chair) = &program.committee.chair {
            let mentee = super::name_of(app, &pairing.mentee_id).await;
            let mentor = super::name_of(app, &pairing.mentor_id).await;
            notify(
                app,
                chair,
                messages::pairing_declined_for_chair(program, &mentee, &mentor, &my_name),
            )
            .await;
        }
    }
    let status = match (&answered.pairing.status, accept) {
        (PairingStatus::Formed { .. }, _) => "paired",
        (_, true) => "pairing_accepted",
        (_, false) => "pairing_declined",
    };
    Ok(Reply::ok(&serde_json::json!({
        "pairing": answered.pairing,
        "duo": answered.duo,
    }))
    .redirect(format!("{REQUESTS_PAGE}?status={status}")))
}

/// The match requests a duo formed by pairing closed.
#[derive(Debug, Default)]
struct ClosedRequests {
    /// The cohort's requests as read.
    all: Vec<MatchRequest>,
    /// What the duo did to them ([`side_effects_of_duo`]).
    transitions: Vec<Transition>,
    /// Those that did not fit the duo's transaction.
    later: Vec<MatchRequest>,
}

/// Writes one answer: the pairing as read (its state and both answers
/// unchanged), its audit entry and, on the second acceptance, both locks,
/// the duo and every pending request of either that the duo closes (as
/// accepting a request does). `Ok(None)`: something changed since it was
/// read.
async fn store_answer(
    app: &App,
    call: &Call,
    cohort: &Cohort,
    pairing: &Pairing,
    answered: &mentoring::pairing::Answered,
    accept: bool,
) -> Result<Option<ClosedRequests>, Problem> {
    let me = call.me();
    let key = keys::pairing(&cohort.id, &pairing.id);
    let mut detail = serde_json::json!({"answer": if accept { "accept" } else { "decline" }});
    if let Some(duo) = &answered.duo {
        detail["duo"] = serde_json::json!(duo.id);
    }
    let action = if accept {
        "accept_pairing"
    } else {
        "decline_pairing"
    };
    let audit = Entry::new(&cohort.id, action, me, &key, call.moment.now).detail(detail);
    let as_read = Condition::eq(records::STATE, pairing.status.name())
        .and(Condition::eq("mentee_answer", pairing.mentee_answer.name()))
        .and(Condition::eq("mentor_answer", pairing.mentor_answer.name()));
    let mut ops = vec![
        TransactOp::put_if(records::pairing_item(&answered.pairing), as_read),
        audit.op(),
    ];
    let mut closed = ClosedRequests::default();
    if let Some(duo) = &answered.duo {
        ops.push(TransactOp::put_if(
            records::lock_item(
                &keys::mentor_lock(&cohort.id, &duo.mentor_id),
                &duo.id,
                &duo.mentee_id,
            ),
            Condition::not_exists(),
        ));
        ops.push(TransactOp::put_if(
            records::lock_item(
                &keys::mentee_lock(&cohort.id, &duo.mentee_id),
                &duo.id,
                &duo.mentor_id,
            ),
            Condition::not_exists(),
        ));
        ops.push(TransactOp::put_if(
            records::duo_item(duo),
            Condition::not_exists(),
        ));
        closed.all = super::matches::cohort_requests(app, &cohort.id).await?;
        let parties = DuoParties {
            cohort: &cohort.id,
            mentee_id: &duo.mentee_id,
            mentor_id: &duo.mentor_id,
            formed_by_request: None,
        };
        closed.transitions = side_effects_of_duo(&parties, &closed.all, call.moment.now);
        closed.later = push_closed_requests(&mut ops, &closed.all, &closed.transitions);
    }
    match app.store.transact(ops).await {
        Ok(()) => Ok(Some(closed)),
        Err(StoreError::ConditionFailed {
            op_index: Some(2 | 3),
        }) => Err(Problem::conflict(
            "conflict",
            "One of this pair found a partner meanwhile; the chair will propose again.",
        )),
        // The pairing, or a request the duo closes, changed since it was
        // read: read again.
        Err(StoreError::ConditionFailed { .. }) => Ok(None),
        Err(e) if e.is_retryable() => Ok(None),
        Err(e) => Err(changed_meanwhile(e)),
    }
}
