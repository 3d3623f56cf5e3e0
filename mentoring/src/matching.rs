//! Match requests: an accepted mentee asks a listed mentor; the mentor
//! accepts (forming the duo) or declines; the mentee may withdraw; a request
//! nobody answers expires after `request_expiry_days`.
//!
//! States: `pending -> accepted | declined | withdrawn | expired`.
//! Accepting makes the mentee's other pending requests `withdrawn` ("mentee
//! matched") and the mentor's other pending requests `declined` ("mentor
//! full"): [`side_effects_of_accept`] lists those transitions so the store
//! can apply them, the acceptance and the duo in one transaction.
//!
//! The store must still make "one mentee per mentor, one mentor per mentee
//! per cohort" and "at most N pending" conditional writes; the checks here
//! decide on the snapshot the handler read.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::application::{MenteeStatus, MentorStatus};
use crate::duo::Duo;
use crate::error::{Checker, RuleError};
use crate::program::{Cohort, Program};
use crate::Moment;

/// Longest request message, in characters.
pub const MAX_REQUEST_MESSAGE: usize = 1000;
/// Longest decline reason, in characters.
pub const MAX_DECLINE_REASON: usize = 500;
/// Reason given to the mentor's other pending requests when they accept one.
pub const REASON_MENTOR_FULL: &str = "mentor full";
/// Reason given to the mentee's other pending requests when one is accepted.
pub const REASON_MENTEE_MATCHED: &str = "mentee matched";

/// State of a match request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MatchStatus {
    /// Waiting for the mentor.
    Pending,
    /// The mentor accepted: the duo is formed.
    Accepted {
        /// When.
        at: DateTime<Utc>,
    },
    /// The mentor declined (or became full).
    Declined {
        /// When.
        at: DateTime<Utc>,
        /// Optional, shown to the mentee.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The mentee withdrew (or was matched elsewhere).
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
        /// Why, when the system withdrew it.
        #[serde(default)]
        reason: Option<String>,
    },
    /// Not answered within `request_expiry_days`.
    Expired {
        /// The request's `expires_at`.
        at: DateTime<Utc>,
    },
}

impl MatchStatus {
    /// snake_case name of the state.
    pub fn name(&self) -> &'static str {
        match self {
            MatchStatus::Pending => "pending",
            MatchStatus::Accepted { .. } => "accepted",
            MatchStatus::Declined { .. } => "declined",
            MatchStatus::Withdrawn { .. } => "withdrawn",
            MatchStatus::Expired { .. } => "expired",
        }
    }
}

/// What the mentee sends (`POST /api/matches`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchForm {
    /// The mentor asked.
    pub mentor_id: String,
    /// Why this mentor (required).
    pub message: String,
}

/// A stored match request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRequest {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// Who asks.
    pub mentee_id: String,
    /// Who is asked.
    pub mentor_id: String,
    /// The mentee's message.
    pub message: String,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// `created_at + request_expiry_days`; from this instant on it is expired.
    pub expires_at: DateTime<Utc>,
    /// Current state.
    pub status: MatchStatus,
}

/// What the handler read before creating a request.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// The asker's mentee application status in this cohort, if any.
    pub mentee_status: Option<MenteeStatus>,
    /// The asked member's mentor application status in this cohort, if any.
    pub mentor_status: Option<MentorStatus>,
    /// The mentee's match requests in this cohort (any state).
    pub mentee_requests: &'a [MatchRequest],
    /// The mentee already has a duo in this cohort.
    pub mentee_matched: bool,
    /// The mentor already has a duo in this cohort.
    pub mentor_matched: bool,
}

/// What the handler read before accepting a request.
#[derive(Debug, Clone, Copy)]
pub struct AcceptContext<'a> {
    /// The mentee already has a duo in this cohort.
    pub mentee_matched: bool,
    /// The mentor already has a duo in this cohort.
    pub mentor_matched: bool,
    /// The mentee's requests (any state; the accepted one is skipped).
    pub mentee_requests: &'a [MatchRequest],
    /// The mentor's requests (any state; the accepted one is skipped).
    pub mentor_requests: &'a [MatchRequest],
}

/// One state change of one request, applied as a conditional update
/// (`status == from`) in the acceptance's transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The request.
    pub request_id: String,
    /// Its state now (the condition).
    pub from: MatchStatus,
    /// Its new state.
    pub to: MatchStatus,
}

/// Everything accepting a request does, for one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The accepted request's new state.
    pub status: MatchStatus,
    /// The duo formed.
    pub duo: Duo,
    /// The other requests' transitions.
    pub side_effects: Vec<Transition>,
}

/// Check and create a match request from mentee `mentee_id`.
///
/// Checks, in order: the form (`invalid`: message required and at most
/// [`MAX_REQUEST_MESSAGE`], a mentor named, not yourself); the matching
/// deadline (`closed`, the deadline day itself is open); the asker is an
/// accepted mentee (`forbidden`); the mentor is listed (`not_found`); neither
/// is matched yet (`conflict`); no pending request to that mentor already
/// (`duplicate`); fewer than `max_pending_requests` pending (`limit_reached`).
pub fn request_match(
    program: &Program,
    cohort: &Cohort,
    mentee_id: &str,
    form: MatchForm,
    ctx: &RequestContext<'_>,
    id: String,
    at: Moment,
) -> Result<MatchRequest, RuleError> {
    let mut c = Checker::default();
    if form.mentor_id.trim().is_empty() {
        c.push("mentor_id", "Choose a mentor.");
    } else if form.mentor_id == mentee_id {
        c.push("mentor_id", "You can't ask yourself to be your mentor.");
    }
    c.required("message", "Message", &form.message, MAX_REQUEST_MESSAGE);
    c.finish()?;
    if !cohort.accepts_match_requests(at.today) {
        return Err(deadline_passed(cohort));
    }
    if ctx.mentee_status != Some(MenteeStatus::Accepted) {
        return Err(RuleError::Forbidden(
            "Only mentees accepted in this cohort may send match requests.".into(),
        ));
    }
    if !ctx.mentor_status.is_some_and(MentorStatus::is_listed) {
        return Err(RuleError::NotFound(format!(
            "No listed mentor {} in this cohort.",
            form.mentor_id
        )));
    }
    if ctx.mentee_matched {
        return Err(RuleError::Conflict("You already have a mentor.".into()));
    }
    if ctx.mentor_matched {
        return Err(RuleError::Conflict(
            "This mentor already has a mentee.".into(),
        ));
    }
    let live: Vec<_> = ctx
        .mentee_requests
        .iter()
        .filter(|r| r.cohort == cohort.id && r.mentee_id == mentee_id && r.is_pending_at(at.now))
        .collect();
    if live.iter().any(|r| r.mentor_id == form.mentor_id) {
        return Err(RuleError::Duplicate(
            "You already have a pending request to this mentor.".into(),
        ));
    }
    let max = program.max_pending_requests as usize;
    if live.len() >= max {
        return Err(RuleError::LimitReached(format!(
            "You may have at most {max} pending requests; withdraw one or wait for an answer."
        )));
    }
    Ok(MatchRequest {
        id,
        cohort: cohort.id.clone(),
        mentee_id: mentee_id.to_owned(),
        mentor_id: form.mentor_id,
        message: form.message,
        created_at: at.now,
        expires_at: at.now + Duration::days(i64::from(program.request_expiry_days)),
        status: MatchStatus::Pending,
    })
}

fn deadline_passed(cohort: &Cohort) -> RuleError {
    RuleError::Closed(format!(
        "Matching for {} closed on {}.",
        cohort.name, cohort.matching_deadline
    ))
}

impl MatchRequest {
    /// Expired at `now`: `now >= expires_at` (valid for exactly `request_expiry_days`).
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// Pending and not yet expired at `now`: counts toward the pending limit.
    pub fn is_pending_at(&self, now: DateTime<Utc>) -> bool {
        self.status == MatchStatus::Pending && !self.is_expired(now)
    }

    /// The state as of `now`: a pending request past its expiry is `expired`.
    pub fn status_at(&self, now: DateTime<Utc>) -> MatchStatus {
        match self.status {
            MatchStatus::Pending if self.is_expired(now) => MatchStatus::Expired {
                at: self.expires_at,
            },
            ref s => s.clone(),
        }
    }

    fn answerable(&self, action: &str, now: DateTime<Utc>) -> Result<(), RuleError> {
        if self.status != MatchStatus::Pending {
            return Err(RuleError::transition(self.status.name(), action));
        }
        if self.is_expired(now) {
            return Err(RuleError::Expired(
                "This request expired without an answer.".into(),
            ));
        }
        Ok(())
    }

    fn by_mentor(&self, actor: &str) -> Result<(), RuleError> {
        if actor == self.mentor_id {
            Ok(())
        } else {
            Err(RuleError::Forbidden(
                "Only the mentor asked may answer this request.".into(),
            ))
        }
    }

    /// The mentor accepts: checks only (see [`accept_request`] for the whole
    /// acceptance). Errors: not the mentor (`forbidden`), not pending
    /// (`invalid_transition`), expired, after the matching deadline
    /// (`closed`), either party already matched (`conflict`).
    pub fn accept(
        &self,
        actor: &str,
        mentee_matched: bool,
        mentor_matched: bool,
        cohort: &Cohort,
        at: Moment,
    ) -> Result<MatchStatus, RuleError> {
        self.by_mentor(actor)?;
        self.answerable("accept", at.now)?;
        if !cohort.accepts_match_requests(at.today) {
            return Err(deadline_passed(cohort));
        }
        if mentor_matched {
            return Err(RuleError::Conflict("You already have a mentee.".into()));
        }
        if mentee_matched {
            return Err(RuleError::Conflict(
                "This mentee already has a mentor.".into(),
            ));
        }
        Ok(MatchStatus::Accepted { at: at.now })
    }

    /// The mentor declines, with an optional reason (blank means none; at
    /// most [`MAX_DECLINE_REASON`] characters).
    pub fn decline(
        &self,
        actor: &str,
        reason: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<MatchStatus, RuleError> {
        self.by_mentor(actor)?;
        let reason = reason.filter(|r| !r.trim().is_empty());
        if let Some(r) = &reason {
            let mut c = Checker::default();
            c.max_len("reason", "Reason", r, MAX_DECLINE_REASON);
            c.finish()?;
        }
        self.answerable("decline", now)?;
        Ok(MatchStatus::Declined { at: now, reason })
    }

    /// The mentee withdraws a pending request.
    pub fn withdraw(&self, actor: &str, now: DateTime<Utc>) -> Result<MatchStatus, RuleError> {
        if actor != self.mentee_id {
            return Err(RuleError::Forbidden(
                "Only the mentee who sent this request may withdraw it.".into(),
            ));
        }
        self.answerable("withdraw", now)?;
        Ok(MatchStatus::Withdrawn {
            at: now,
            reason: None,
        })
    }

    /// The sweeper: `pending -> expired` once past `expires_at`.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<MatchStatus, RuleError> {
        match self.status {
            MatchStatus::Pending if self.is_expired(now) => Ok(MatchStatus::Expired {
                at: self.expires_at,
            }),
            MatchStatus::Pending => Err(RuleError::Conflict(
                "The request has not expired yet.".into(),
            )),
            ref s => Err(RuleError::transition(s.name(), "expire")),
        }
    }
}

/// The transitions accepting `accepted` causes: every other request of the
/// mentee still pending becomes `withdrawn` ("mentee matched"), every other
/// request to the mentor still pending becomes `declined` ("mentor full"); a
/// pending request already past its expiry becomes `expired` instead. The
/// accepted request itself, non-pending requests and repeats are skipped.
pub fn side_effects_of_accept(
    accepted: &MatchRequest,
    mentee_requests: &[MatchRequest],
    mentor_requests: &[MatchRequest],
    now: DateTime<Utc>,
) -> Vec<Transition> {
    let duo = DuoParties {
        cohort: &accepted.cohort,
        mentee_id: &accepted.mentee_id,
        mentor_id: &accepted.mentor_id,
        formed_by_request: Some(&accepted.id),
    };
    side_effects_of_duo(&duo, mentee_requests.iter().chain(mentor_requests), now)
}

/// The two people a new duo binds, and the request it came from (none when
/// the chair's pairing formed it).
#[derive(Debug, Clone, Copy)]
pub struct DuoParties<'a> {
    /// The cohort.
    pub cohort: &'a str,
    /// The mentee.
    pub mentee_id: &'a str,
    /// The mentor.
    pub mentor_id: &'a str,
    /// The accepted request, which is not a side effect of itself.
    pub formed_by_request: Option<&'a str>,
}

/// The transitions a new duo causes, however it formed (a request accepted
/// or a pairing both accepted): every other request of the mentee still
/// pending becomes `withdrawn` ("mentee matched"), every other request to
/// the mentor still pending becomes `declined` ("mentor full"); a pending
/// request already past its expiry becomes `expired` instead. Requests of
/// other people, non-pending requests and repeats are skipped.
pub fn side_effects_of_duo<'r>(
    duo: &DuoParties<'_>,
    requests: impl IntoIterator<Item = &'r MatchRequest>,
    now: DateTime<Utc>,
) -> Vec<Transition> {
    let mut out: Vec<Transition> = Vec::new();
    let mut mentor_side: Vec<Transition> = Vec::new();
    for r in requests {
        if r.cohort != duo.cohort
            || Some(r.id.as_str()) == duo.formed_by_request
            || r.status != MatchStatus::Pending
            || out.iter().chain(&mentor_side).any(|t| t.request_id == r.id)
        {
            continue;
        }
        let to = if r.mentee_id == duo.mentee_id {
            MatchStatus::Withdrawn {
                at: now,
                reason: Some(REASON_MENTEE_MATCHED.into()),
            }
        } else if r.mentor_id == duo.mentor_id {
            MatchStatus::Declined {
                at: now,
                reason: Some(REASON_MENTOR_FULL.into()),
            }
        } else {
            continue;
        };
        let to = if r.is_expired(now) {
            MatchStatus::Expired { at: r.expires_at }
        } else {
            to
        };
        let transition = Transition {
            request_id: r.id.clone(),
            from: MatchStatus::Pending,
            to,
        };
        if r.mentee_id == duo.mentee_id {
            out.push(transition);
        } else {
            mentor_side.push(transition);
        }
    }
    out.extend(mentor_side);
    out
}

/// The whole acceptance of `request` by `actor`: the request's new state,
/// the duo (with id `duo_id`) and the side effects, for one transaction.
pub fn accept_request(
    request: &MatchRequest,
    actor: &str,
    ctx: &AcceptContext<'_>,
    cohort: &Cohort,
    duo_id: String,
    at: Moment,
) -> Result<Acceptance, RuleError> {
    let status = request.accept(actor, ctx.mentee_matched, ctx.mentor_matched, cohort, at)?;
    Ok(Acceptance {
        status,
        duo: Duo::form(duo_id, request, cohort, at),
        side_effects: side_effects_of_accept(
            request,
            ctx.mentee_requests,
            ctx.mentor_requests,
            at.now,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duo::DuoStatus;
    use crate::testutil::{cohort, program, t};

    fn at(s: &str) -> Moment {
        Moment::utc(t(s))
    }

    fn form(mentor: &str) -> MatchForm {
        MatchForm {
            mentor_id: mentor.into(),
            message: "I'd like to learn budgeting from you.".into(),
        }
    }

    fn ctx(requests: &[MatchRequest]) -> RequestContext<'_> {
        RequestContext {
            mentee_status: Some(MenteeStatus::Accepted),
            mentor_status: Some(MentorStatus::Approved),
            mentee_requests: requests,
            mentee_matched: false,
            mentor_matched: false,
        }
    }

    fn req(id: &str, mentee: &str, mentor: &str) -> MatchRequest {
        request_match(
            &program(),
            &cohort(),
            mentee,
            form(mentor),
            &ctx(&[]),
            id.into(),
            at("2008-04-01T12:00:00Z"),
        )
        .unwrap()
    }

    fn code(r: Result<MatchRequest, RuleError>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn a_request_expires_after_14_days() {
        let r = req("r1", "me", "mo");
        assert_eq!(r.status, MatchStatus::Pending);
        assert_eq!(r.expires_at, t("2008-04-15T12:00:00Z"));
        let last = t("2008-04-15T11:59:59Z");
        let gone = t("2008-04-15T12:00:00Z");
        assert!(r.is_pending_at(last));
        assert!(!r.is_pending_at(gone));
        assert_eq!(r.status_at(last), MatchStatus::Pending);
        assert_eq!(r.status_at(gone), MatchStatus::Expired { at: gone });
        assert_eq!(r.expire(last).unwrap_err().code(), "conflict");
        assert_eq!(r.expire(gone).unwrap(), MatchStatus::Expired { at: gone });
        assert_eq!(r.withdraw("me", gone).unwrap_err().code(), "expired");
        assert_eq!(r.decline("mo", None, gone).unwrap_err().code(), "expired");
        assert!(r.withdraw("me", last).is_ok());
        let mut done = r.clone();
        done.status = MatchStatus::Expired { at: gone };
        assert_eq!(done.expire(gone).unwrap_err().code(), "invalid_transition");
    }

    #[test]
    fn form_is_validated() {
        let p = program();
        let c = cohort();
        let now = at("2008-04-01T12:00:00Z");
        let run = |f: MatchForm| code(request_match(&p, &c, "me", f, &ctx(&[]), "x".into(), now));
        assert_eq!(run(form("mo")), "ok");
        assert_eq!(run(form("me")), "invalid");
        assert_eq!(run(form(" ")), "invalid");
        let mut f = form("mo");
        f.message = " ".into();
        assert_eq!(run(f.clone()), "invalid");
        f.message = "x".repeat(MAX_REQUEST_MESSAGE);
        assert_eq!(run(f.clone()), "ok");
        f.message.push('x');
        assert_eq!(run(f), "invalid");
    }

    #[test]
    fn no_requests_after_the_matching_deadline_day() {
        let p = program();
        let c = cohort();
        let run = |now| {
            code(request_match(
                &p,
                &c,
                "me",
                form("mo"),
                &ctx(&[]),
                "x".into(),
                now,
            ))
        };
        assert_eq!(run(at("2008-05-31T23:59:59Z")), "ok");
        assert_eq!(run(at("2008-06-01T00:00:00Z")), "closed");
        // the local calendar day decides, not the UTC one
        let late_local = Moment::new(t("2008-06-01T03:00:00Z"), crate::testutil::d("2008-05-31"));
        assert_eq!(run(late_local), "ok");
    }

    #[test]
    fn only_accepted_mentees_may_ask_only_listed_mentors() {
        let p = program();
        let c = cohort();
        let now = at("2008-04-01T12:00:00Z");
        for s in [
            None,
            Some(MenteeStatus::Submitted),
            Some(MenteeStatus::Waitlisted { place: 1 }),
            Some(MenteeStatus::Withdrawn),
            Some(MenteeStatus::Declined),
        ] {
            let cx = RequestContext {
                mentee_status: s,
                ..ctx(&[])
            };
            assert_eq!(
                code(request_match(
                    &p,
                    &c,
                    "me",
                    form("mo"),
                    &cx,
                    "x".into(),
                    now
                )),
                "forbidden"
            );
        }
        for s in [
            None,
            Some(MentorStatus::Submitted),
            Some(MentorStatus::Declined),
            Some(MentorStatus::Withdrawn),
        ] {
            let cx = RequestContext {
                mentor_status: s,
                ..ctx(&[])
            };
            assert_eq!(
                code(request_match(
                    &p,
                    &c,
                    "me",
                    form("mo"),
                    &cx,
                    "x".into(),
                    now
                )),
                "not_found"
            );
        }
        let cx = RequestContext {
            mentee_matched: true,
            ..ctx(&[])
        };
        assert_eq!(
            code(request_match(
                &p,
                &c,
                "me",
                form("mo"),
                &cx,
                "x".into(),
                now
            )),
            "conflict"
        );
        let cx = RequestContext {
            mentor_matched: true,
            ..ctx(&[])
        };
        assert_eq!(
            code(request_match(
                &p,
                &c,
                "me",
                form("mo"),
                &cx,
                "x".into(),
                now
            )),
            "conflict"
        );
    }

    #[test]
    fn at_most_three_pending_and_no_duplicates() {
        let p = program();
        let c = cohort();
        let now = at("2008-04-02T12:00:00Z");
        let mut mine = vec![req("r1", "me", "m1"), req("r2", "me", "m2")];
        let run = |reqs: &[MatchRequest], mentor: &str, now| {
            code(request_match(
                &p,
                &c,
                "me",
                form(mentor),
                &ctx(reqs),
                "x".into(),
                now,
            ))
        };
        assert_eq!(run(&mine, "m1", now), "duplicate");
        assert_eq!(run(&mine, "m3", now), "ok"); // the third
        mine.push(req("r3", "me", "m3"));
        assert_eq!(run(&mine, "m4", now), "limit_reached"); // a fourth
                                                            // a withdrawn one no longer counts, nor blocks asking again
        mine[0].status = MatchStatus::Withdrawn {
            at: now.now,
            reason: None,
        };
        assert_eq!(run(&mine, "m1", now), "ok");
        mine[0].status = MatchStatus::Pending;
        // expired-but-unswept ones don't count either (created 04-01 12:00)
        assert_eq!(
            run(&mine, "m4", at("2008-04-15T11:59:59Z")),
            "limit_reached"
        );
        assert_eq!(run(&mine, "m4", at("2008-04-15T12:00:00Z")), "ok");
        // other cohorts' and other mentees' requests are not counted
        let mut old_cohort = mine.clone();
        for r in &mut old_cohort {
            r.cohort = "2007".into();
        }
        assert_eq!(run(&old_cohort, "m4", now), "ok");
        let others = vec![
            req("o1", "x", "m1"),
            req("o2", "x", "m2"),
            req("o3", "x", "m3"),
        ];
        assert_eq!(run(&others, "m1", now), "ok");
    }

    #[test]
    fn the_pending_limit_is_configurable() {
        let mut p = program();
        p.max_pending_requests = 1;
        let mine = vec![req("r1", "me", "m1")];
        let now = at("2008-04-02T12:00:00Z");
        assert_eq!(
            code(request_match(
                &p,
                &cohort(),
                "me",
                form("m2"),
                &ctx(&mine),
                "x".into(),
                now
            )),
            "limit_reached"
        );
    }

    #[test]
    fn mentor_answers_mentee_withdraws() {
        let r = req("r1", "me", "mo");
        let now = t("2008-04-02T12:00:00Z");
        assert_eq!(r.decline("me", None, now).unwrap_err().code(), "forbidden");
        assert_eq!(
            r.decline("mo", Some("  ".into()), now).unwrap(),
            MatchStatus::Declined {
                at: now,
                reason: None
            }
        );
        assert_eq!(
            r.decline("mo", Some("Too busy".into()), now).unwrap(),
            MatchStatus::Declined {
                at: now,
                reason: Some("Too busy".into())
            }
        );
        assert_eq!(
            r.decline("mo", Some("x".repeat(MAX_DECLINE_REASON + 1)), now)
                .unwrap_err()
                .code(),
            "invalid"
        );
        assert_eq!(r.withdraw("mo", now).unwrap_err().code(), "forbidden");
        assert_eq!(
            r.withdraw("me", now).unwrap(),
            MatchStatus::Withdrawn {
                at: now,
                reason: None
            }
        );
        let mut answered = r.clone();
        answered.status = MatchStatus::Declined {
            at: now,
            reason: None,
        };
        for e in [
            answered.withdraw("me", now).unwrap_err(),
            answered.decline("mo", None, now).unwrap_err(),
            answered
                .accept("mo", false, false, &cohort(), Moment::utc(now))
                .unwrap_err(),
        ] {
            assert_eq!(e.code(), "invalid_transition");
        }
    }

    #[test]
    fn accept_checks() {
        let r = req("r1", "me", "mo");
        let c = cohort();
        let now = at("2008-04-02T12:00:00Z");
        assert_eq!(
            r.accept("mo", false, false, &c, now).unwrap(),
            MatchStatus::Accepted { at: now.now }
        );
        assert_eq!(
            r.accept("me", false, false, &c, now).unwrap_err().code(),
            "forbidden"
        );
        assert_eq!(
            r.accept("mo", false, true, &c, now).unwrap_err().code(),
            "conflict"
        );
        assert_eq!(
            r.accept("mo", true, false, &c, now).unwrap_err().code(),
            "conflict"
        );
        assert_eq!(
            r.accept("mo", false, false, &c, at("2008-04-15T12:00:00Z"))
                .unwrap_err()
                .code(),
            "expired"
        );
        let mut late = req("r2", "me", "mo");
        late.created_at = t("2008-05-30T12:00:00Z");
        late.expires_at = t("2008-06-13T12:00:00Z");
        assert!(late
            .accept("mo", false, false, &c, at("2008-05-31T23:00:00Z"))
            .is_ok());
        assert_eq!(
            late.accept("mo", false, false, &c, at("2008-06-01T00:00:00Z"))
                .unwrap_err()
                .code(),
            "closed"
        );
    }

    #[test]
    fn accepting_withdraws_and_declines_the_others() {
        let accepted = req("a", "me", "mo");
        let mentee_reqs = vec![
            accepted.clone(),
            req("me-2", "me", "m2"),
            req("me-3", "me", "m3"),
            MatchRequest {
                status: MatchStatus::Declined {
                    at: t("2008-04-01T13:00:00Z"),
                    reason: None,
                },
                ..req("me-old", "me", "m4")
            },
        ];
        let mut stale = req("mo-stale", "y", "mo");
        stale.expires_at = t("2008-04-02T00:00:00Z");
        let mut last_year = req("mo-2007", "z", "mo");
        last_year.cohort = "2007".into();
        let mentor_reqs = vec![accepted.clone(), req("mo-2", "x", "mo"), stale, last_year];
        let now = at("2008-04-02T12:00:00Z");
        let ctx = AcceptContext {
            mentee_matched: false,
            mentor_matched: false,
            mentee_requests: &mentee_reqs,
            mentor_requests: &mentor_reqs,
        };
        let acc = accept_request(&accepted, "mo", &ctx, &cohort(), "d1".into(), now).unwrap();
        assert_eq!(acc.status, MatchStatus::Accepted { at: now.now });
        assert_eq!(acc.duo.mentee_id, "me");
        assert_eq!(acc.duo.mentor_id, "mo");
        assert_eq!(acc.duo.status, DuoStatus::Formed);
        let withdrawn = MatchStatus::Withdrawn {
            at: now.now,
            reason: Some(REASON_MENTEE_MATCHED.into()),
        };
        let declined = MatchStatus::Declined {
            at: now.now,
            reason: Some(REASON_MENTOR_FULL.into()),
        };
        let tr = |id: &str, to: &MatchStatus| Transition {
            request_id: id.into(),
            from: MatchStatus::Pending,
            to: to.clone(),
        };
        assert_eq!(
            acc.side_effects,
            vec![
                tr("me-2", &withdrawn),
                tr("me-3", &withdrawn),
                tr("mo-2", &declined),
                tr(
                    "mo-stale",
                    &MatchStatus::Expired {
                        at: t("2008-04-02T00:00:00Z")
                    }
                ),
            ]
        );
        assert_eq!(
            accept_request(&accepted, "me", &ctx, &cohort(), "d1".into(), now)
                .unwrap_err()
                .code(),
            "forbidden"
        );
    }

    #[test]
    fn a_duo_formed_by_pairing_closes_every_pending_request_of_both() {
        let now = at("2008-04-02T12:00:00Z");
        let mut answered = req("me-old", "me", "m4");
        answered.status = MatchStatus::Declined {
            at: t("2008-04-01T13:00:00Z"),
            reason: None,
        };
        let mut last_year = req("mo-2007", "z", "mo");
        last_year.cohort = "2007".into();
        let requests = vec![
            req("me-mo", "me", "mo"),
            req("me-2", "me", "m2"),
            answered,
            req("x-mo", "x", "mo"),
            req("x-m2", "x", "m2"),
            last_year,
        ];
        let duo = DuoParties {
            cohort: "2008",
            mentee_id: "me",
            mentor_id: "mo",
            formed_by_request: None,
        };
        let transitions = side_effects_of_duo(&duo, &requests, now.now);
        let moved: Vec<(&str, &str)> = transitions
            .iter()
            .map(|t| (t.request_id.as_str(), t.to.name()))
            .collect();
        assert_eq!(
            moved,
            vec![
                ("me-mo", "withdrawn"),
                ("me-2", "withdrawn"),
                ("x-mo", "declined")
            ]
        );
    }

    #[test]
    fn stored_shape() {
        let mut r = req("r1", "me", "mo");
        r.status = MatchStatus::Declined {
            at: t("2008-04-02T12:00:00Z"),
            reason: Some(REASON_MENTOR_FULL.into()),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["status"]["state"], "declined");
        assert_eq!(v["status"]["reason"], "mentor full");
        assert_eq!(serde_json::from_value::<MatchRequest>(v).unwrap(), r);
    }
}
