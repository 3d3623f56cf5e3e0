//! The mentee cap: the first N complete mentee applications are accepted in
//! order of arrival, later ones are waitlisted with their place.
//!
//! The order of arrival is the value a store's atomic counter returned when
//! the (already validated) application was stored: the counter is the only
//! source of ordering, so two concurrent applications can never both be the
//! 25th. Reaching the cap is not an error.

use serde::{Deserialize, Serialize};

use crate::application::{MenteeApplication, MenteeStatus};

/// What the cap makes of one mentee application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Admission {
    /// Within the cap.
    Accepted,
    /// Over the cap: `place` 1 is the first on the waitlist.
    Waitlisted {
        /// 1-based place on the waitlist.
        place: u32,
    },
}

impl Admission {
    /// The application status this admission gives.
    pub fn status(self) -> MenteeStatus {
        match self {
            Admission::Accepted => MenteeStatus::Accepted,
            Admission::Waitlisted { place } => MenteeStatus::Waitlisted { place },
        }
    }
}

/// Admission of the application that arrived `ordinal`-th (1-based: the
/// counter's value after its increment) under a cap of `cap`.
///
/// Ordinals `1..=cap` are accepted; ordinal `cap + k` gets waitlist place `k`.
/// An ordinal of 0 is treated as 1 (counters start at 1).
pub fn admit(ordinal: u64, cap: u32) -> Admission {
    let ordinal = ordinal.max(1);
    if ordinal <= u64::from(cap) {
        Admission::Accepted
    } else {
        let place = ordinal - u64::from(cap);
        Admission::Waitlisted {
            place: u32::try_from(place).unwrap_or(u32::MAX),
        }
    }
}

/// When an accepted mentee withdraws, the waitlisted application with the
/// lowest place is the one to accept next (ties, which a single counter
/// cannot produce, go to the earlier `submitted_at`). `None` when nobody waits.
pub fn next_off_waitlist<'a, I>(applications: I) -> Option<&'a MenteeApplication>
where
    I: IntoIterator<Item = &'a MenteeApplication>,
{
    applications
        .into_iter()
        .filter_map(|a| match a.status {
            MenteeStatus::Waitlisted { place } => Some((place, a.submitted_at, a)),
            _ => None,
        })
        .min_by(|x, y| (x.0, x.1, &x.2.member_id).cmp(&(y.0, y.1, &y.2.member_id)))
        .map(|(_, _, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_n_are_accepted_then_waitlisted_in_order() {
        assert_eq!(admit(1, 25), Admission::Accepted);
        assert_eq!(admit(25, 25), Admission::Accepted);
        assert_eq!(admit(26, 25), Admission::Waitlisted { place: 1 });
        assert_eq!(admit(27, 25), Admission::Waitlisted { place: 2 });
        assert_eq!(admit(0, 25), Admission::Accepted);
        assert_eq!(admit(1, 0), Admission::Waitlisted { place: 1 });
        assert_eq!(
            admit(u64::MAX, 0),
            Admission::Waitlisted { place: u32::MAX }
        );
    }

    #[test]
    fn admission_maps_to_status() {
        assert_eq!(Admission::Accepted.status(), MenteeStatus::Accepted);
        assert_eq!(
            Admission::Waitlisted { place: 3 }.status(),
            MenteeStatus::Waitlisted { place: 3 }
        );
        let v = serde_json::to_value(Admission::Waitlisted { place: 3 }).unwrap();
        assert_eq!(v, serde_json::json!({"outcome": "waitlisted", "place": 3}));
    }

    #[test]
    fn lowest_place_comes_off_the_waitlist() {
        use crate::application::tests::mentee_app;
        let mut a = mentee_app("a");
        a.status = MenteeStatus::Waitlisted { place: 2 };
        let mut b = mentee_app("b");
        b.status = MenteeStatus::Waitlisted { place: 1 };
        let mut c = mentee_app("c");
        c.status = MenteeStatus::Accepted;
        let apps = [a, b, c];
        assert_eq!(next_off_waitlist(&apps).unwrap().member_id, "b");
        assert!(next_off_waitlist(&apps[2..]).is_none());
    }
}
