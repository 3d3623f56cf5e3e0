//! A new cohort's calendar, planned from one date: the annual meeting where
//! its duos launch (`duos init`, and a maintainer adding next year's cohort).
//!
//! The guide's year: applications open early in the year, duos are formed
//! two weeks before the annual conference, launch there, answer a mid-way
//! survey half-way through, the final evaluation in April, and end on the
//! first April 30 after launch ([`first_april_30_after`]). A planned
//! calendar always passes [`Cohort::validate`]; a meeting too close before
//! April 30 to fit the year (March, April) is refused.

use chrono::{Datelike, Duration, NaiveDate};

use crate::calendar::first_april_30_after;
use crate::error::FieldError;
use crate::program::Cohort;

/// The places for mentees a new cohort offers (the pilot's 25).
pub const DEFAULT_MENTEE_CAP: u32 = 25;

/// Days between the matching deadline and launch.
const MATCHING_BEFORE_LAUNCH_DAYS: i64 = 15;
/// The shortest application window, for a launch early in the year.
const MIN_APPLICATION_DAYS: i64 = 60;
/// The final survey goes out this many days before the end (April 1).
const FINAL_SURVEY_BEFORE_END_DAYS: i64 = 29;

/// The cohort whose duos launch at the annual meeting on `launch`: id is
/// the launch year ("2027"), name "2027–2028". Refused (field
/// `annual_meeting`) when the year from launch to April 30 can't hold the
/// surveys.
pub fn cohort_launching_on(launch: NaiveDate) -> Result<Cohort, FieldError> {
    let end = first_april_30_after(launch);
    let matching_deadline = launch - Duration::days(MATCHING_BEFORE_LAUNCH_DAYS);
    let new_year = NaiveDate::from_ymd_opt(launch.year(), 1, 1).expect("January 1 exists");
    let applications_open = new_year.min(matching_deadline - Duration::days(MIN_APPLICATION_DAYS));
    let midpoint_survey = launch + Duration::days((end - launch).num_days() / 2);
    let final_survey = end - Duration::days(FINAL_SURVEY_BEFORE_END_DAYS);
    let cohort = Cohort {
        id: launch.year().to_string(),
        name: format!("{}–{}", launch.year(), end.year()),
        pilot: false,
        applications_open,
        matching_deadline,
        launch,
        midpoint_survey,
        final_survey,
        end,
        mentee_cap: DEFAULT_MENTEE_CAP,
    };
    if cohort.validate().is_empty() {
        Ok(cohort)
    } else {
        Err(FieldError::new(
            "annual_meeting",
            format!(
                "An annual meeting on {launch} leaves the duos {} days before the program year \
                 ends on {end}, too few for its mid-way and final surveys; the duos launch at \
                 an annual meeting between May and February.",
                (end - launch).num_days()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_june_meeting_gives_the_guides_year() {
        let c = cohort_launching_on(day("2027-06-26")).unwrap();
        assert_eq!(c.id, "2027");
        assert_eq!(c.name, "2027–2028");
        assert_eq!(c.applications_open, day("2027-01-01"));
        assert_eq!(c.matching_deadline, day("2027-06-11"));
        assert_eq!(c.midpoint_survey, day("2027-11-27"));
        assert_eq!(c.final_survey, day("2028-04-01"));
        assert_eq!(c.end, day("2028-04-30"));
        assert_eq!(c.mentee_cap, DEFAULT_MENTEE_CAP);
    }

    #[test]
    fn an_early_meeting_still_leaves_two_months_to_apply() {
        let c = cohort_launching_on(day("2027-02-10")).unwrap();
        assert_eq!(c.matching_deadline, day("2027-01-26"));
        assert_eq!(c.applications_open, day("2026-11-27"));
        assert_eq!(c.end, day("2027-04-30"));
    }

    #[test]
    fn every_launch_day_plans_a_valid_calendar_or_is_refused_by_name() {
        let mut launch = day("2027-01-01");
        while launch < day("2029-01-01") {
            match cohort_launching_on(launch) {
                Ok(c) => assert!(c.validate().is_empty(), "{launch}: {:?}", c.validate()),
                Err(e) => {
                    assert_eq!(e.field, "annual_meeting");
                    assert!(e.message.contains(&launch.to_string()), "{}", e.message);
                    assert!((3..=4).contains(&launch.month()), "refused {launch}");
                }
            }
            // May to February always fits.
            if !(3..=4).contains(&launch.month()) {
                assert!(cohort_launching_on(launch).is_ok(), "{launch}");
            }
            launch += Duration::days(1);
        }
    }
}
