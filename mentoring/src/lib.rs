//! The program's rules, pure: no IO, no async, no HTTP, no AWS, no clock reads
//! (time is always a parameter, see [`Moment`]).
//!
//! Both the site generator and the functions read the program's configuration
//! (`content/program.yaml`, [`program::Program`]) and survey definitions
//! (`content/surveys/*.yaml`, [`survey::Survey`]) through the types here.
//!
//! Modules, one rule each: [`calendar`], [`cohort_plan`] (a new cohort from
//! its launch date), [`cohort_focus`] (which cohort a
//! page is about), [`roster`] (eligibility, year-two rules),
//! [`application`], [`cap`], [`nomination`], [`disclosure`] (the
//! small-group rule of survey results), [`matching`], [`duo`],
//! [`answers`] (survey answers), [`invitation`] (who is invited to a survey), [`permissions`], [`profile`] (the one
//! profile model and its validation), [`waitlist`] (freed places offered in
//! turn), [`suggest`] (compatibility and "suggested for you"),
//! [`assignment`] (the proposal at the matching deadline), [`pairing`]
//! (the chair's confirmed pairs, each accepted by both), [`liaison`]
//! (balancing), and [`error`].
//! Every rule that two concurrent requests could break must still be a
//! conditional write in the store: these functions decide on a snapshot.
//!
//! How a handler uses it, e.g. `POST /api/matches`:
//! 1. roles = [`permissions::member_roles`]; refuse unless
//!    [`permitted`]`(&roles, Action::RequestMatch)`;
//! 2. read the snapshot ([`matching::RequestContext`]);
//! 3. [`matching::request_match`] gives the item to write, or a
//!    [`RuleError`] whose [`RuleError::code`] picks the status;
//! 4. write it conditionally (pending count, duplicate) and audit it.
//!
//! Stored types derive `Serialize`/`Deserialize` with snake_case names; state
//! enums are internally tagged by `state` (`{"state": "waitlisted", "place": 2}`).

#![warn(missing_docs)]

pub mod answers;
pub mod application;
pub mod assignment;
pub mod calendar;
pub mod cap;
pub mod cohort_focus;
pub mod cohort_plan;
pub mod disclosure;
pub mod duo;
pub mod error;
pub mod invitation;
pub mod liaison;
pub mod matching;
pub mod nomination;
pub mod pairing;
pub mod permissions;
pub mod profile;
pub mod program;
pub mod roster;
pub mod suggest;
pub mod survey;
pub mod waitlist;

#[cfg(test)]
pub(crate) mod testutil;

use chrono::{DateTime, NaiveDate, Utc};

pub use error::{FieldError, RuleError};
pub use permissions::{permitted, Action, Role};
pub use profile::{CareerEntry, Contact, EducationEntry, MenteeBackground, Profile};
pub use roster::{Member, Side};

/// When a rule is evaluated: the instant (timestamps, expiry) and the
/// association's calendar day (the cohort calendar). A handler builds it from
/// its clock; tests build it from literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The instant, UTC.
    pub now: DateTime<Utc>,
    /// Today's date where the program runs (may differ from `now`'s UTC date).
    pub today: NaiveDate,
}

impl Moment {
    /// A moment whose calendar day is `now`'s UTC date.
    pub fn utc(now: DateTime<Utc>) -> Moment {
        Moment {
            now,
            today: now.date_naive(),
        }
    }

    /// A moment with an explicit local calendar day.
    pub fn new(now: DateTime<Utc>, today: NaiveDate) -> Moment {
        Moment { now, today }
    }
}
