//! The waitlist moving: a freed mentee place (a [`Vacancy`]) is offered to
//! the first on the waitlist, who confirms within `waitlist_offer_days`
//! (program.yaml) or the offer passes to the next.
//!
//! Vacancy: `open -> offered{member} -> filled{member}`; an offer that
//! expires or is declined sends its vacancy back to `open`, and the next
//! candidate ([`next_candidates`]) gets it.
//!
//! Offer: `open -> confirmed | declined | expired`. A member gets at most one
//! offer per cohort: whoever let an offer expire (or declined it) is passed
//! over afterwards, so two places freed at once never go to one person. The
//! store makes both rules conditional writes: the vacancy's state (`open`)
//! and the offer's key (one per member) are the conditions, so a place is
//! never given twice.
//!
//! The committee may still accept a waitlisted mentee directly, but not over
//! the cap unless it says why ([`check_cap_on_approval`]).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::application::{MenteeApplication, MenteeStatus};
use crate::cap::next_off_waitlist;
use crate::error::{Checker, RuleError};
use crate::program::Program;

/// Longest reason for accepting a mentee over the cap, in characters.
pub const MAX_OVERRIDE_REASON: usize = 500;

/// State of a freed place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum VacancyStatus {
    /// Free: the next on the waitlist is to be offered it.
    Open,
    /// Offered to `member_id`, waiting for their answer.
    Offered {
        /// Who holds the offer.
        member_id: String,
    },
    /// Taken by `member_id`, who confirmed.
    Filled {
        /// Who took it.
        member_id: String,
        /// When they confirmed.
        at: DateTime<Utc>,
    },
}

impl VacancyStatus {
    /// snake_case name of the state.
    pub fn name(&self) -> &'static str {
        match self {
            VacancyStatus::Open => "open",
            VacancyStatus::Offered { .. } => "offered",
            VacancyStatus::Filled { .. } => "filled",
        }
    }
}

/// A mentee place freed by a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vacancy {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// The accepted mentee whose withdrawal freed it.
    pub freed_by: String,
    /// When.
    pub freed_at: DateTime<Utc>,
    /// Current state.
    pub status: VacancyStatus,
}

/// State of an offer of a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OfferStatus {
    /// Waiting for the member's answer until `expires_at`.
    Open,
    /// The member took the place: their application is accepted.
    Confirmed {
        /// When.
        at: DateTime<Utc>,
    },
    /// The member said no; the place passes on.
    Declined {
        /// When.
        at: DateTime<Utc>,
    },
    /// Not confirmed in time; the place passes on.
    Expired {
        /// The offer's `expires_at`.
        at: DateTime<Utc>,
    },
}

impl OfferStatus {
    /// snake_case name of the state.
    pub fn name(&self) -> &'static str {
        match self {
            OfferStatus::Open => "open",
            OfferStatus::Confirmed { .. } => "confirmed",
            OfferStatus::Declined { .. } => "declined",
            OfferStatus::Expired { .. } => "expired",
        }
    }
}

/// A freed place offered to one waitlisted mentee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// The waitlisted mentee offered the place.
    pub member_id: String,
    /// The vacancy offered.
    pub vacancy_id: String,
    /// Their waitlist place when offered.
    pub place: u32,
    /// When it was made.
    pub offered_at: DateTime<Utc>,
    /// `offered_at + waitlist_offer_days`; from this instant on it is expired.
    pub expires_at: DateTime<Utc>,
    /// Current state.
    pub status: OfferStatus,
}

/// The next `n` waitlisted applications to offer a place to, best first:
/// lowest waitlist place ([`next_off_waitlist`]), skipping everyone who
/// already holds or held an offer in the cohort. Distinct members.
pub fn next_candidates<'a>(
    applications: &'a [MenteeApplication],
    offers: &[Offer],
    n: usize,
) -> Vec<&'a MenteeApplication> {
    let mut chosen: Vec<&'a MenteeApplication> = Vec::new();
    while chosen.len() < n {
        let next = next_off_waitlist(applications.iter().filter(|a| {
            !offers
                .iter()
                .any(|o| o.cohort == a.cohort && o.member_id == a.member_id)
                && !chosen.iter().any(|c| c.member_id == a.member_id)
        }));
        match next {
            Some(a) => chosen.push(a),
            None => break,
        }
    }
    chosen
}

/// Offer the open `vacancy` to `application` (waitlisted) at `now`, as
/// offer `id`. Returns the vacancy's new state and the offer.
pub fn offer_place(
    program: &Program,
    vacancy: &Vacancy,
    application: &MenteeApplication,
    id: String,
    now: DateTime<Utc>,
) -> Result<(VacancyStatus, Offer), RuleError> {
    if vacancy.status != VacancyStatus::Open {
        return Err(RuleError::transition(vacancy.status.name(), "offer"));
    }
    let MenteeStatus::Waitlisted { place } = application.status else {
        return Err(RuleError::transition(application.status.name(), "offer"));
    };
    if application.cohort != vacancy.cohort {
        return Err(RuleError::Conflict(
            "The place and the application belong to different cohorts.".into(),
        ));
    }
    Ok((
        VacancyStatus::Offered {
            member_id: application.member_id.clone(),
        },
        Offer {
            id,
            cohort: vacancy.cohort.clone(),
            member_id: application.member_id.clone(),
            vacancy_id: vacancy.id.clone(),
            place,
            offered_at: now,
            expires_at: now + Duration::days(i64::from(program.waitlist_offer_days)),
            status: OfferStatus::Open,
        },
    ))
}

impl Offer {
    /// Expired at `now`: `now >= expires_at`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// The state as of `now`: an open offer past its expiry is `expired`.
    pub fn status_at(&self, now: DateTime<Utc>) -> OfferStatus {
        match self.status {
            OfferStatus::Open if self.is_expired(now) => OfferStatus::Expired {
                at: self.expires_at,
            },
            ref s => s.clone(),
        }
    }

    fn answerable(&self, actor: &str, action: &str, now: DateTime<Utc>) -> Result<(), RuleError> {
        if actor != self.member_id {
            return Err(RuleError::Forbidden(
                "This offer of a place was made to another member.".into(),
            ));
        }
        if self.status != OfferStatus::Open {
            return Err(RuleError::transition(self.status.name(), action));
        }
        if self.is_expired(now) {
            return Err(RuleError::Expired(format!(
                "This offer expired on {}; the place has passed to the next on the waiting list.",
                self.expires_at.format("%Y-%m-%d")
            )));
        }
        Ok(())
    }

    /// The member takes the place: `open -> confirmed` (their application
    /// then goes `waitlisted -> accepted`). Errors: another member's offer
    /// (`forbidden`), already answered (`invalid_transition`), too late
    /// (`expired`).
    pub fn confirm(&self, actor: &str, now: DateTime<Utc>) -> Result<OfferStatus, RuleError> {
        self.answerable(actor, "confirm", now)?;
        Ok(OfferStatus::Confirmed { at: now })
    }

    /// The member says no: `open -> declined`; the place passes on.
    pub fn decline(&self, actor: &str, now: DateTime<Utc>) -> Result<OfferStatus, RuleError> {
        self.answerable(actor, "decline", now)?;
        Ok(OfferStatus::Declined { at: now })
    }

    /// The scheduler: `open -> expired` once past `expires_at`.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<OfferStatus, RuleError> {
        match self.status {
            OfferStatus::Open if self.is_expired(now) => Ok(OfferStatus::Expired {
                at: self.expires_at,
            }),
            OfferStatus::Open => Err(RuleError::Conflict("The offer has not expired yet.".into())),
            ref s => Err(RuleError::transition(s.name(), "expire")),
        }
    }
}

/// The places of a cohort that are taken or promised: accepted mentees plus
/// open offers (a place offered is held for its member until they answer).
pub fn places_taken(
    applications: &[MenteeApplication],
    offers: &[Offer],
    now: DateTime<Utc>,
) -> u32 {
    let accepted = applications
        .iter()
        .filter(|a| a.status == MenteeStatus::Accepted)
        .count();
    let held = offers
        .iter()
        .filter(|o| o.status_at(now) == OfferStatus::Open)
        .count();
    u32::try_from(accepted + held).unwrap_or(u32::MAX)
}

/// Whether the committee may accept one more mentee when `taken` places
/// ([`places_taken`]) of `cap` are taken: always within the cap; over it
/// only with a reason (required, at most [`MAX_OVERRIDE_REASON`]), which
/// the store audits. Returns `Some(reason)` when the approval overrides the
/// cap, `None` when it is within it.
pub fn check_cap_on_approval(
    taken: u32,
    cap: u32,
    override_reason: Option<&str>,
) -> Result<Option<String>, RuleError> {
    if taken < cap {
        return Ok(None);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err(RuleError::LimitReached(format!(
            "All {cap} mentee places of this cohort are taken ({taken} accepted or offered). \
             To accept this mentee over the cap, give a reason for the override."
        ))),
        Some(reason) => {
            let mut c = Checker::default();
            c.max_len("override_reason", "Reason", reason, MAX_OVERRIDE_REASON);
            c.finish()?;
            Ok(Some(reason.to_owned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::tests::mentee_app;
    use crate::testutil::{program, t};

    fn waitlisted(id: &str, place: u32) -> MenteeApplication {
        let mut a = mentee_app(id);
        a.status = MenteeStatus::Waitlisted { place };
        a
    }

    fn vacancy(id: &str) -> Vacancy {
        Vacancy {
            id: id.into(),
            cohort: "2008".into(),
            freed_by: "gone".into(),
            freed_at: t("2008-04-01T12:00:00Z"),
            status: VacancyStatus::Open,
        }
    }

    fn offer_to(a: &MenteeApplication, v: &Vacancy) -> Offer {
        offer_place(
            &program(),
            v,
            a,
            format!("o-{}", a.member_id),
            t("2008-04-01T12:00:00Z"),
        )
        .unwrap()
        .1
    }

    #[test]
    fn two_places_go_to_the_first_two_distinct_members() {
        let apps: Vec<_> = (1..=10)
            .rev()
            .map(|i| waitlisted(&format!("w{i:02}"), i))
            .collect();
        let picked: Vec<_> = next_candidates(&apps, &[], 2)
            .iter()
            .map(|a| a.member_id.clone())
            .collect();
        assert_eq!(picked, ["w01", "w02"]);
        // with w01 offered already, the next two are w02 and w03
        let o = offer_to(&apps[9], &vacancy("v1"));
        let picked: Vec<_> = next_candidates(&apps, &[o], 2)
            .iter()
            .map(|a| a.member_id.clone())
            .collect();
        assert_eq!(picked, ["w02", "w03"]);
        // more places than people: everyone once
        assert_eq!(next_candidates(&apps, &[], 50).len(), 10);
        assert!(next_candidates(&[], &[], 1).is_empty());
    }

    #[test]
    fn an_expired_or_declined_offer_passes_its_member_over() {
        let apps = vec![waitlisted("a", 1), waitlisted("b", 2), waitlisted("c", 3)];
        let mut oa = offer_to(&apps[0], &vacancy("v1"));
        oa.status = oa.expire(t("2008-04-08T12:00:00Z")).unwrap();
        let mut ob = offer_to(&apps[1], &vacancy("v2"));
        ob.status = ob.decline("b", t("2008-04-02T12:00:00Z")).unwrap();
        let next = next_candidates(&apps, &[oa, ob], 1);
        assert_eq!(next[0].member_id, "c");
    }

    #[test]
    fn offers_last_the_configured_days() {
        let mut p = program();
        p.waitlist_offer_days = 3;
        let a = waitlisted("a", 1);
        let (vs, o) = offer_place(
            &p,
            &vacancy("v1"),
            &a,
            "o1".into(),
            t("2008-04-01T12:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            vs,
            VacancyStatus::Offered {
                member_id: "a".into()
            }
        );
        assert_eq!(o.place, 1);
        assert_eq!(o.expires_at, t("2008-04-04T12:00:00Z"));
        assert_eq!(o.status_at(t("2008-04-04T11:59:59Z")), OfferStatus::Open);
        assert_eq!(
            o.status_at(t("2008-04-04T12:00:00Z")),
            OfferStatus::Expired { at: o.expires_at }
        );
        // default from program.yaml: 7 days
        let p: Program = program_without_offer_days();
        assert_eq!(p.waitlist_offer_days, 7);
    }

    /// The serde default of `waitlist_offer_days`, without a YAML crate:
    /// a program serialized without the field reads back with 7.
    fn program_without_offer_days() -> Program {
        let mut v = serde_json::to_value(program()).unwrap();
        v.as_object_mut().unwrap().remove("waitlist_offer_days");
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn only_open_vacancies_and_waitlisted_members_get_offers() {
        let p = program();
        let now = t("2008-04-01T12:00:00Z");
        let mut v = vacancy("v1");
        v.status = VacancyStatus::Offered {
            member_id: "x".into(),
        };
        let e = offer_place(&p, &v, &waitlisted("a", 1), "o".into(), now).unwrap_err();
        assert_eq!(e.code(), "invalid_transition");
        let mut accepted = mentee_app("b");
        accepted.status = MenteeStatus::Accepted;
        let e = offer_place(&p, &vacancy("v2"), &accepted, "o".into(), now).unwrap_err();
        assert_eq!(e.code(), "invalid_transition");
        let mut other = waitlisted("c", 1);
        other.cohort = "2009".into();
        let e = offer_place(&p, &vacancy("v3"), &other, "o".into(), now).unwrap_err();
        assert_eq!(e.code(), "conflict");
    }

    #[test]
    fn confirming_checks_who_when_and_state() {
        let o = offer_to(&waitlisted("a", 1), &vacancy("v1"));
        let in_time = t("2008-04-07T12:00:00Z");
        assert_eq!(o.confirm("b", in_time).unwrap_err().code(), "forbidden");
        let late = t("2008-04-08T12:00:00Z");
        let e = o.confirm("a", late).unwrap_err();
        assert_eq!(e.code(), "expired");
        assert!(e.to_string().contains("2008-04-08"), "{e}");
        assert_eq!(
            o.confirm("a", in_time).unwrap(),
            OfferStatus::Confirmed { at: in_time }
        );
        let mut done = o.clone();
        done.status = OfferStatus::Confirmed { at: in_time };
        assert_eq!(
            done.confirm("a", in_time).unwrap_err().code(),
            "invalid_transition"
        );
        assert_eq!(done.expire(late).unwrap_err().code(), "invalid_transition");
        assert_eq!(o.expire(in_time).unwrap_err().code(), "conflict");
        assert_eq!(o.decline("a", in_time).unwrap().name(), "declined");
    }

    #[test]
    fn the_cap_holds_unless_overridden_with_a_reason() {
        assert_eq!(check_cap_on_approval(24, 25, None).unwrap(), None);
        let e = check_cap_on_approval(25, 25, None).unwrap_err();
        assert_eq!(e.code(), "limit_reached");
        assert!(e.to_string().contains("25"));
        assert_eq!(
            check_cap_on_approval(25, 25, Some("  "))
                .unwrap_err()
                .code(),
            "limit_reached"
        );
        assert_eq!(
            check_cap_on_approval(26, 25, Some(" a mentor asked for a second mentee "))
                .unwrap()
                .as_deref(),
            Some("a mentor asked for a second mentee")
        );
        let long = "x".repeat(MAX_OVERRIDE_REASON + 1);
        assert_eq!(
            check_cap_on_approval(25, 25, Some(&long))
                .unwrap_err()
                .field_errors()[0]
                .field,
            "override_reason"
        );
    }

    #[test]
    fn open_offers_hold_places() {
        let mut a = mentee_app("a");
        a.status = MenteeStatus::Accepted;
        let w = waitlisted("w", 1);
        let o = offer_to(&w, &vacancy("v1"));
        let apps = vec![a, w];
        assert_eq!(
            places_taken(&apps, std::slice::from_ref(&o), t("2008-04-02T00:00:00Z")),
            2
        );
        assert_eq!(places_taken(&apps, &[o], t("2008-04-09T00:00:00Z")), 1);
    }

    #[test]
    fn stored_shape() {
        let o = offer_to(&waitlisted("a", 2), &vacancy("v1"));
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(v["status"], serde_json::json!({"state": "open"}));
        assert_eq!(v["place"], 2);
        let back: Offer = serde_json::from_value(v).unwrap();
        assert_eq!(back, o);
        let v = serde_json::to_value(VacancyStatus::Offered {
            member_id: "a".into(),
        })
        .unwrap();
        assert_eq!(v, serde_json::json!({"state": "offered", "member_id": "a"}));
    }
}
