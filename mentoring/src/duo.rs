//! Duos: one mentor and one mentee for a cohort's formal year.
//!
//! A duo is `formed` when a mentor accepts a request, `active` from launch
//! through the end (April 30), then `completed`; either party may end it
//! early, which the liaison (or, without one, the chair) must be told.
//! The chair assigns each duo a committee liaison, or lets
//! [`pick_liaison`] balance the load.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Checker, RuleError};
use crate::matching::MatchRequest;
use crate::permissions::{permitted, Action, Role};
use crate::program::{Cohort, Program};
use crate::Moment;

/// Longest reason for ending a duo early, in characters.
pub const MAX_END_REASON: usize = 2000;

/// State of a duo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DuoStatus {
    /// Matched, before launch.
    Formed,
    /// From launch through the end date.
    Active,
    /// Past the end date.
    Completed,
    /// Ended early by one of the pair.
    EndedEarly {
        /// The member who ended it.
        by: String,
        /// Why (confidential: the chair and the duo's liaison, see
        /// [`Duo::may_see_end_reason`]). Empty (and left out of the JSON)
        /// in a view for anyone else.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DuoStatus {
    /// snake_case name of the state.
    pub fn name(&self) -> &'static str {
        match self {
            DuoStatus::Formed => "formed",
            DuoStatus::Active => "active",
            DuoStatus::Completed => "completed",
            DuoStatus::EndedEarly { .. } => "ended_early",
        }
    }
}

/// A stored duo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duo {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// The mentor.
    pub mentor_id: String,
    /// The mentee.
    pub mentee_id: String,
    /// The committee member who supports the duo.
    #[serde(default)]
    pub liaison_id: Option<String>,
    /// The match request whose acceptance formed it.
    #[serde(default)]
    pub request_id: Option<String>,
    /// When it was formed.
    pub formed_at: DateTime<Utc>,
    /// Stored state; see [`Duo::status_at`] for the state on a given day.
    pub status: DuoStatus,
}

/// Who must hear that a duo ended early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "member_id", rename_all = "snake_case")]
pub enum NoticeRecipient {
    /// The duo's liaison.
    Liaison(String),
    /// The chair, when the duo has no liaison yet.
    Chair,
}

/// What ending a duo early tells the committee (and the other party).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndNotice {
    /// The duo.
    pub duo_id: String,
    /// Who ended it.
    pub by: String,
    /// The other member of the duo, to be told too.
    pub other_party: String,
    /// Who on the committee must be told.
    pub notify: NoticeRecipient,
    /// Why.
    pub reason: String,
}

impl Duo {
    /// The duo formed by accepting `request` (state on `at.today`).
    pub fn form(id: String, request: &MatchRequest, cohort: &Cohort, at: Moment) -> Duo {
        let mut duo = Duo {
            id,
            cohort: request.cohort.clone(),
            mentor_id: request.mentor_id.clone(),
            mentee_id: request.mentee_id.clone(),
            liaison_id: None,
            request_id: Some(request.id.clone()),
            formed_at: at.now,
            status: DuoStatus::Formed,
        };
        duo.status = duo.status_at(cohort, at.today);
        duo
    }

    /// May `viewer` (holding `roles`) read why this duo ended early? The
    /// chair may; a committee member only as this duo's liaison; nobody
    /// else, the partners and staff included.
    pub fn may_see_end_reason(&self, viewer: &str, roles: &[Role]) -> bool {
        if !permitted(roles, Action::ViewEndReason) {
            return false;
        }
        roles.contains(&Role::Chair) || self.liaison_id.as_deref() == Some(viewer)
    }

    /// This duo as `viewer` may see it: the reason of an early end cleared
    /// unless [`Duo::may_see_end_reason`].
    pub fn as_seen_by(mut self, viewer: &str, roles: &[Role]) -> Duo {
        if !self.may_see_end_reason(viewer, roles) {
            if let DuoStatus::EndedEarly { reason, .. } = &mut self.status {
                reason.clear();
            }
        }
        self
    }

    /// The state on `today`: an early end stays; otherwise formed before
    /// launch, active from launch through end, completed after end.
    pub fn status_at(&self, cohort: &Cohort, today: NaiveDate) -> DuoStatus {
        match &self.status {
            s @ DuoStatus::EndedEarly { .. } => s.clone(),
            _ if today < cohort.launch => DuoStatus::Formed,
            _ if today <= cohort.end => DuoStatus::Active,
            _ => DuoStatus::Completed,
        }
    }

    /// Whether `member_id` is the mentor or the mentee.
    pub fn has_party(&self, member_id: &str) -> bool {
        self.mentor_id == member_id || self.mentee_id == member_id
    }

    /// Still running (formed or active) on `today`.
    pub fn is_running(&self, cohort: &Cohort, today: NaiveDate) -> bool {
        matches!(
            self.status_at(cohort, today),
            DuoStatus::Formed | DuoStatus::Active
        )
    }

    /// The chair assigns `liaison_id`: they must be a committee member (or
    /// the chair), not one of the pair, and the duo must still be running.
    /// Returns the new liaison.
    pub fn assign_liaison(
        &self,
        liaison_id: &str,
        program: &Program,
        cohort: &Cohort,
        today: NaiveDate,
    ) -> Result<String, RuleError> {
        let committee = &program.committee;
        let on_committee = committee.members.iter().any(|m| m == liaison_id)
            || committee.chair.as_deref() == Some(liaison_id);
        if !on_committee {
            return Err(RuleError::invalid(
                "liaison_id",
                "The liaison must be a member of the committee.",
            ));
        }
        if self.has_party(liaison_id) {
            return Err(RuleError::invalid(
                "liaison_id",
                "A member of the duo cannot be its liaison.",
            ));
        }
        let status = self.status_at(cohort, today);
        if !self.is_running(cohort, today) {
            return Err(RuleError::transition(status.name(), "assign_liaison"));
        }
        Ok(liaison_id.to_owned())
    }

    /// `actor` (the mentor or the mentee) ends the duo early with a reason
    /// (required, at most [`MAX_END_REASON`]). Returns the new state and the
    /// notice for the liaison (or the chair) and the other party.
    pub fn end_early(
        &self,
        actor: &str,
        reason: &str,
        cohort: &Cohort,
        at: Moment,
    ) -> Result<(DuoStatus, EndNotice), RuleError> {
        if !self.has_party(actor) {
            return Err(RuleError::Forbidden(
                "Only the mentor or the mentee may end their duo.".into(),
            ));
        }
        let mut c = Checker::default();
        c.required("reason", "Reason", reason, MAX_END_REASON);
        c.finish()?;
        let status = self.status_at(cohort, at.today);
        if !self.is_running(cohort, at.today) {
            return Err(RuleError::transition(status.name(), "end_early"));
        }
        let reason = reason.trim().to_owned();
        let other = if actor == self.mentor_id {
            &self.mentee_id
        } else {
            &self.mentor_id
        };
        let notice = EndNotice {
            duo_id: self.id.clone(),
            by: actor.to_owned(),
            other_party: other.clone(),
            notify: match &self.liaison_id {
                Some(l) => NoticeRecipient::Liaison(l.clone()),
                None => NoticeRecipient::Chair,
            },
            reason: reason.clone(),
        };
        Ok((
            DuoStatus::EndedEarly {
                by: actor.to_owned(),
                reason,
                at: at.now,
            },
            notice,
        ))
    }
}

/// How many running duos each liaison has (for [`pick_liaison`]).
pub fn liaison_loads<'a, I>(duos: I, cohort: &Cohort, today: NaiveDate) -> BTreeMap<String, u32>
where
    I: IntoIterator<Item = &'a Duo>,
{
    let mut loads = BTreeMap::new();
    for duo in duos {
        if let Some(l) = &duo.liaison_id {
            if duo.cohort == cohort.id && duo.is_running(cohort, today) {
                *loads.entry(l.clone()).or_insert(0) += 1;
            }
        }
    }
    loads
}

/// Auto-assignment: the committee member with the fewest duos (missing from
/// `loads` means none), ties broken by the smallest id; `exclude` (the duo's
/// own members) are skipped. `None` when nobody is left.
pub fn pick_liaison<'a>(
    committee: &'a [String],
    loads: &BTreeMap<String, u32>,
    exclude: &[&str],
) -> Option<&'a str> {
    committee
        .iter()
        .filter(|m| !exclude.contains(&m.as_str()))
        .min_by(|a, b| {
            let la = loads.get(*a).copied().unwrap_or(0);
            let lb = loads.get(*b).copied().unwrap_or(0);
            la.cmp(&lb).then_with(|| a.cmp(b))
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::MatchStatus;
    use crate::testutil::{cohort, d, program, t};

    fn request() -> MatchRequest {
        MatchRequest {
            id: "r1".into(),
            cohort: "2008".into(),
            mentee_id: "me".into(),
            mentor_id: "mo".into(),
            message: "hi".into(),
            created_at: t("2008-04-01T12:00:00Z"),
            expires_at: t("2008-04-15T12:00:00Z"),
            status: MatchStatus::Pending,
        }
    }

    fn duo() -> Duo {
        Duo::form(
            "d1".into(),
            &request(),
            &cohort(),
            Moment::utc(t("2008-04-02T12:00:00Z")),
        )
    }

    #[test]
    fn lifecycle_follows_the_calendar() {
        let c = cohort();
        let duo = duo();
        assert_eq!(duo.status, DuoStatus::Formed);
        assert_eq!(duo.request_id.as_deref(), Some("r1"));
        assert_eq!(duo.status_at(&c, d("2008-06-26")), DuoStatus::Formed);
        assert_eq!(duo.status_at(&c, d("2008-06-27")), DuoStatus::Active);
        assert_eq!(duo.status_at(&c, d("2009-04-30")), DuoStatus::Active);
        assert_eq!(duo.status_at(&c, d("2009-05-01")), DuoStatus::Completed);
        assert!(duo.is_running(&c, d("2009-04-30")));
        assert!(!duo.is_running(&c, d("2009-05-01")));
    }

    #[test]
    fn either_party_may_end_early_and_the_liaison_is_told() {
        let c = cohort();
        let mut duo = duo();
        let at = Moment::utc(t("2008-09-01T12:00:00Z"));
        assert_eq!(
            duo.end_early("x", "r", &c, at).unwrap_err().code(),
            "forbidden"
        );
        assert_eq!(
            duo.end_early("me", " ", &c, at).unwrap_err().code(),
            "invalid"
        );
        let (status, notice) = duo.end_early("me", " Moved away ", &c, at).unwrap();
        assert_eq!(
            status,
            DuoStatus::EndedEarly {
                by: "me".into(),
                reason: "Moved away".into(),
                at: at.now
            }
        );
        assert_eq!(notice.notify, NoticeRecipient::Chair);
        assert_eq!(notice.other_party, "mo");
        duo.liaison_id = Some("c2".into());
        let (_, notice) = duo.end_early("mo", "Too busy", &c, at).unwrap();
        assert_eq!(notice.notify, NoticeRecipient::Liaison("c2".into()));
        assert_eq!(notice.other_party, "me");
        assert_eq!(notice.by, "mo");
        // ended stays ended, and cannot end again
        duo.status = status;
        assert_eq!(duo.status_at(&c, d("2009-05-01")).name(), "ended_early");
        assert_eq!(
            duo.end_early("mo", "again", &c, at).unwrap_err().code(),
            "invalid_transition"
        );
        // completed duos cannot be ended early
        let done = self::duo();
        let after = Moment::utc(t("2009-05-01T12:00:00Z"));
        assert_eq!(
            done.end_early("me", "r", &c, after).unwrap_err().code(),
            "invalid_transition"
        );
        // formed (before launch) may be ended
        let before = Moment::utc(t("2008-05-01T12:00:00Z"));
        assert!(done.end_early("me", "r", &c, before).is_ok());
    }

    #[test]
    fn liaison_must_be_on_the_committee() {
        let p = program();
        let c = cohort();
        let duo = duo();
        let today = d("2008-07-01");
        assert_eq!(duo.assign_liaison("c1", &p, &c, today).unwrap(), "c1");
        assert_eq!(duo.assign_liaison("chair", &p, &c, today).unwrap(), "chair");
        assert_eq!(
            duo.assign_liaison("staff1", &p, &c, today)
                .unwrap_err()
                .code(),
            "invalid"
        );
        assert_eq!(
            duo.assign_liaison("me", &p, &c, today).unwrap_err().code(),
            "invalid"
        );
        let mut p2 = p.clone();
        p2.committee.members.push("mo".into());
        assert_eq!(
            duo.assign_liaison("mo", &p2, &c, today).unwrap_err().code(),
            "invalid"
        );
        assert_eq!(
            duo.assign_liaison("c1", &p, &c, d("2009-05-01"))
                .unwrap_err()
                .code(),
            "invalid_transition"
        );
    }

    #[test]
    fn least_loaded_liaison_ties_by_id() {
        let committee: Vec<String> = vec!["c3".into(), "c1".into(), "c2".into()];
        let mut loads = BTreeMap::new();
        assert_eq!(pick_liaison(&committee, &loads, &[]), Some("c1"));
        loads.insert("c1".to_string(), 2);
        loads.insert("c2".to_string(), 1);
        loads.insert("c3".to_string(), 1);
        assert_eq!(pick_liaison(&committee, &loads, &[]), Some("c2"));
        assert_eq!(pick_liaison(&committee, &loads, &["c2"]), Some("c3"));
        assert_eq!(pick_liaison(&[], &loads, &[]), None);
        assert_eq!(pick_liaison(&committee, &loads, &["c1", "c2", "c3"]), None);
    }

    #[test]
    fn loads_count_running_duos_of_the_cohort() {
        let c = cohort();
        let mut a = duo();
        a.liaison_id = Some("c1".into());
        let mut b = a.clone();
        b.status = DuoStatus::EndedEarly {
            by: "me".into(),
            reason: "r".into(),
            at: t("2008-07-01T00:00:00Z"),
        };
        let mut other = a.clone();
        other.cohort = "2009".into();
        let mut e = a.clone();
        e.liaison_id = Some("c2".into());
        let loads = liaison_loads([&a, &b, &other, &e, &duo()], &c, d("2008-07-01"));
        assert_eq!(loads.get("c1"), Some(&1));
        assert_eq!(loads.get("c2"), Some(&1));
        assert!(liaison_loads([&a], &c, d("2009-05-01")).is_empty());
    }

    #[test]
    fn stored_shape() {
        let mut duo = duo();
        duo.status = DuoStatus::EndedEarly {
            by: "me".into(),
            reason: "r".into(),
            at: t("2008-07-01T00:00:00Z"),
        };
        let v = serde_json::to_value(&duo).unwrap();
        assert_eq!(v["status"]["state"], "ended_early");
        assert_eq!(serde_json::from_value::<Duo>(v).unwrap(), duo);
        let v = serde_json::to_value(NoticeRecipient::Liaison("c1".into())).unwrap();
        assert_eq!(v, serde_json::json!({"to": "liaison", "member_id": "c1"}));
    }
}
