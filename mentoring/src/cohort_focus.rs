//! Which cohort a page is about.
//!
//! Cohorts overlap: from the day next year's applications open (January)
//! until this year's duos end (April 30), two cohorts are live at once. One
//! is *running* (launched, its duos meeting), the next is *taking
//! applications*. Every page picks the cohort it is about here, never on its
//! own:
//!
//! - a participant's duo, match requests and surveys follow the cohorts they
//!   take part in ([`duo_cohort`], [`requests_cohort`], [`survey_cohort`]);
//! - the committee's pages default to the running cohort
//!   ([`committee_default`]) and offer every cohort ([`choices`]), the next
//!   one a click away ([`next_after`]).
//!
//! Every date is inclusive, as in [`crate::calendar`]: the launch day is
//! running, the end day (April 30) still is.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Phase;
use crate::program::{Cohort, Program};
use crate::survey::Survey;

impl Cohort {
    /// Launched and not ended on `today`: its duos' formal year.
    pub fn is_running(&self, today: NaiveDate) -> bool {
        self.launch <= today && today <= self.end
    }

    /// Its applications have opened and its year has not ended: applying,
    /// matching, matched or running.
    pub fn is_live(&self, today: NaiveDate) -> bool {
        self.applications_open <= today && today <= self.end
    }
}

/// The running cohort on `today` (launched, not ended); the latest launched
/// if several are.
pub fn running(program: &Program, today: NaiveDate) -> Option<&Cohort> {
    program
        .cohorts
        .iter()
        .filter(|c| c.is_running(today))
        .max_by_key(|c| c.launch)
}

/// The cohort taking applications on `today` (the latest-opening one if
/// several do).
pub fn taking_applications(program: &Program, today: NaiveDate) -> Option<&Cohort> {
    program.cohort_accepting_applications(today)
}

/// The cohort the mentor directory is about (whether a mentor is "taken"
/// there, whose applications make mentors askable): the one taking match
/// requests today (the latest-opening if several), else the one taking
/// applications, else the live one, else the running one.
pub fn directory_cohort(program: &Program, today: NaiveDate) -> Option<&Cohort> {
    program
        .cohorts
        .iter()
        .filter(|c| c.accepts_match_requests(today))
        .max_by_key(|c| c.applications_open)
        .or_else(|| taking_applications(program, today))
        .or_else(|| latest_live(program.cohorts.iter(), today))
        .or_else(|| running(program, today))
}

/// The cohort the committee's pages show when none is chosen: the running
/// one; else the live one (applying or matched, before its launch); else the
/// one that ended last; else the first to open. `None` without cohorts.
pub fn committee_default(program: &Program, today: NaiveDate) -> Option<&Cohort> {
    running(program, today)
        .or_else(|| latest_live(program.cohorts.iter(), today))
        .or_else(|| {
            program
                .cohorts
                .iter()
                .filter(|c| c.end < today)
                .max_by_key(|c| c.end)
        })
        .or_else(|| program.cohorts.iter().min_by_key(|c| c.applications_open))
}

/// The cohort a committee page is about: `chosen` (from `?cohort=ID`) when
/// it names one, else [`committee_default`]. `Err(id)` for an unknown id.
pub fn committee_cohort<'a>(
    program: &'a Program,
    today: NaiveDate,
    chosen: Option<&str>,
) -> Result<Option<&'a Cohort>, String> {
    match chosen.filter(|id| !id.is_empty()) {
        Some(id) => program.cohort(id).map(Some).ok_or_else(|| id.to_owned()),
        None => Ok(committee_default(program, today)),
    }
}

/// The cohort that opens its applications next after `cohort` (the "next
/// one", a click away on the committee's pages).
pub fn next_after<'a>(program: &'a Program, cohort: &Cohort) -> Option<&'a Cohort> {
    program
        .cohorts
        .iter()
        .filter(|c| c.applications_open > cohort.applications_open)
        .min_by_key(|c| c.applications_open)
}

/// One entry of the committee's cohort selector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortChoice<'a> {
    /// The cohort's id (`?cohort=ID`).
    pub id: &'a str,
    /// Its display name.
    pub name: &'a str,
    /// Where it is in its year on `today`.
    pub phase: Phase,
    /// What the phase means for the committee, in a few words.
    pub label: &'static str,
    /// The cohort shown without `?cohort=`.
    pub default: bool,
    /// The cohort the page shows now.
    pub selected: bool,
}

/// Every cohort of the program for the committee's selector, newest first,
/// with the default and the `selected` one marked.
pub fn choices<'a>(
    program: &'a Program,
    today: NaiveDate,
    selected: Option<&Cohort>,
) -> Vec<CohortChoice<'a>> {
    let default = committee_default(program, today).map(|c| c.id.as_str());
    let mut cohorts: Vec<&Cohort> = program.cohorts.iter().collect();
    cohorts.sort_by_key(|c| std::cmp::Reverse(c.applications_open));
    cohorts
        .into_iter()
        .map(|c| {
            let phase = c.phase(today);
            CohortChoice {
                id: &c.id,
                name: &c.name,
                phase,
                label: phase_label(phase),
                default: default == Some(c.id.as_str()),
                selected: selected.is_some_and(|s| s.id == c.id),
            }
        })
        .collect()
}

/// A phase in a few words: "running", "applications open"...
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::ApplicationsOpen => "applications open",
        Phase::Matched => "matched, before launch",
        Phase::Active => "running",
        Phase::Ended => "ended",
    }
}

/// The cohorts among `taking_part` (cohort ids) that the program knows.
fn theirs<'a>(
    program: &'a Program,
    taking_part: &'a [&'a str],
) -> impl Iterator<Item = &'a Cohort> + Clone + 'a {
    program
        .cohorts
        .iter()
        .filter(move |c| taking_part.contains(&c.id.as_str()))
}

fn latest_live<'a>(
    cohorts: impl Iterator<Item = &'a Cohort>,
    today: NaiveDate,
) -> Option<&'a Cohort> {
    cohorts
        .filter(|c| c.is_live(today))
        .max_by_key(|c| c.applications_open)
}

/// The cohort a participant's duo belongs to on `today`, among the cohorts
/// they take part in (`taking_part`: cohort ids where they applied or have a
/// duo): the running one; else the live one (applying or matched); else the
/// one that ended last; else the first to come. `None` if they take part in
/// none.
pub fn duo_cohort<'a>(
    program: &'a Program,
    today: NaiveDate,
    taking_part: &'a [&'a str],
) -> Option<&'a Cohort> {
    let mine = theirs(program, taking_part);
    mine.clone()
        .filter(|c| c.is_running(today))
        .max_by_key(|c| c.launch)
        .or_else(|| latest_live(mine.clone(), today))
        .or_else(|| mine.clone().filter(|c| c.end < today).max_by_key(|c| c.end))
        .or_else(|| mine.min_by_key(|c| c.applications_open))
}

/// The cohort a participant's match requests belong to: the one of theirs
/// taking match requests today, else their [`duo_cohort`].
pub fn requests_cohort<'a>(
    program: &'a Program,
    today: NaiveDate,
    taking_part: &'a [&'a str],
) -> Option<&'a Cohort> {
    theirs(program, taking_part)
        .filter(|c| c.accepts_match_requests(today))
        .max_by_key(|c| c.applications_open)
        .or_else(|| duo_cohort(program, today, taking_part))
}

/// The cohort in which a participant answers `survey`: the one of theirs in
/// which it is open today (the latest-opening if several), else their
/// [`duo_cohort`] (where the page says when it opens or that it closed).
pub fn survey_cohort<'a>(
    program: &'a Program,
    survey: &Survey,
    today: NaiveDate,
    taking_part: &'a [&'a str],
) -> Option<&'a Cohort> {
    theirs(program, taking_part)
        .filter(|c| c.survey_open(survey, today))
        .max_by_key(|c| c.applications_open)
        .or_else(|| duo_cohort(program, today, taking_part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, d, program, survey};

    /// The pilot (applications 2008-02-01, launch 2008-06-27, end
    /// 2009-04-30) and the next year (applications 2009-01-12, matching
    /// deadline 2009-06-12, launch 2009-07-10, end 2010-04-30): they overlap
    /// from 2009-01-12 through 2009-04-30.
    fn two() -> Program {
        let mut p = program();
        p.cohorts.push(Cohort {
            id: "2009".into(),
            name: "2009–2010".into(),
            pilot: false,
            applications_open: d("2009-01-12"),
            matching_deadline: d("2009-06-12"),
            launch: d("2009-07-10"),
            midpoint_survey: d("2009-11-16"),
            final_survey: d("2010-04-01"),
            end: d("2010-04-30"),
            mentee_cap: 30,
        });
        assert_eq!(p.validate(), vec![]);
        p
    }

    fn id(c: Option<&Cohort>) -> Option<&str> {
        c.map(|c| c.id.as_str())
    }

    #[test]
    fn running_is_launched_and_not_ended() {
        let p = two();
        for (day, want) in [
            ("2008-01-31", None),
            ("2008-02-01", None),
            ("2008-06-26", None),
            ("2008-06-27", Some("2008")),
            ("2009-01-11", Some("2008")),
            ("2009-01-12", Some("2008")),
            ("2009-04-30", Some("2008")),
            ("2009-05-01", None),
            ("2009-07-09", None),
            ("2009-07-10", Some("2009")),
            ("2010-04-30", Some("2009")),
            ("2010-05-01", None),
        ] {
            assert_eq!(id(running(&p, d(day))), want, "{day}");
        }
    }

    #[test]
    fn taking_applications_follows_each_window() {
        let p = two();
        for (day, want) in [
            ("2008-01-31", None),
            ("2008-02-01", Some("2008")),
            ("2008-05-31", Some("2008")),
            ("2008-06-01", None),
            ("2009-01-11", None),
            ("2009-01-12", Some("2009")),
            ("2009-06-12", Some("2009")),
            ("2009-06-13", None),
        ] {
            assert_eq!(id(taking_applications(&p, d(day))), want, "{day}");
        }
    }

    #[test]
    fn the_committee_sees_the_running_cohort_first() {
        let p = two();
        for (day, want) in [
            // Before anything opens: the first to come.
            ("2007-12-01", "2008"),
            // Applying and matched, before launch: the live one.
            ("2008-02-01", "2008"),
            ("2008-06-26", "2008"),
            ("2008-06-27", "2008"),
            // The overlap: the running pilot, not the one taking applications.
            ("2009-01-12", "2008"),
            ("2009-02-01", "2008"),
            ("2009-04-05", "2008"),
            ("2009-04-30", "2008"),
            // The pilot ended: the live next year.
            ("2009-05-01", "2009"),
            ("2009-07-10", "2009"),
            ("2010-04-30", "2009"),
            // Everything ended: the last to end.
            ("2010-05-01", "2009"),
        ] {
            assert_eq!(id(committee_default(&p, d(day))), Some(want), "{day}");
        }
        let mut none = two();
        none.cohorts.clear();
        assert!(committee_default(&none, d("2009-01-01")).is_none());
    }

    #[test]
    fn a_chosen_cohort_wins_and_an_unknown_one_is_named() {
        let p = two();
        let today = d("2009-02-01");
        assert_eq!(
            id(committee_cohort(&p, today, Some("2009")).unwrap()),
            Some("2009")
        );
        assert_eq!(id(committee_cohort(&p, today, None).unwrap()), Some("2008"));
        assert_eq!(
            id(committee_cohort(&p, today, Some("")).unwrap()),
            Some("2008")
        );
        assert_eq!(
            committee_cohort(&p, today, Some("1999")),
            Err("1999".into())
        );
    }

    #[test]
    fn the_next_one_is_a_click_away() {
        let p = two();
        assert_eq!(id(next_after(&p, &p.cohorts[0])), Some("2009"));
        assert_eq!(id(next_after(&p, &p.cohorts[1])), None);
        let list = choices(&p, d("2009-02-01"), p.cohort("2009"));
        let ids: Vec<_> = list.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["2009", "2008"]);
        assert_eq!(list[0].label, "applications open");
        assert!(list[0].selected && !list[0].default);
        assert_eq!(list[1].label, "running");
        assert!(list[1].default && !list[1].selected);
    }

    #[test]
    fn a_participants_duo_follows_their_cohort() {
        let p = two();
        let pilot = ["2008"];
        let both = ["2008", "2009"];
        let next = ["2009"];
        for (day, who, want) in [
            // A pilot duo: its cohort from applying through the end, and after.
            ("2008-03-01", &pilot[..], Some("2008")),
            ("2009-01-12", &pilot[..], Some("2008")),
            ("2009-04-30", &pilot[..], Some("2008")),
            ("2009-05-01", &pilot[..], Some("2008")),
            // A mentor in both years: the running duo first, then the next.
            ("2009-01-11", &both[..], Some("2008")),
            ("2009-02-01", &both[..], Some("2008")),
            ("2009-04-30", &both[..], Some("2008")),
            ("2009-05-01", &both[..], Some("2009")),
            ("2010-05-01", &both[..], Some("2009")),
            // A 2009 applicant: only ever 2009.
            ("2009-02-01", &next[..], Some("2009")),
            ("2008-12-01", &next[..], Some("2009")),
            // Someone taking part in nothing.
            ("2009-02-01", &[][..], None),
        ] {
            assert_eq!(id(duo_cohort(&p, d(day), who)), want, "{day} {who:?}");
        }
    }

    #[test]
    fn requests_follow_the_cohort_that_is_matching() {
        let p = two();
        let both = ["2008", "2009"];
        for (day, want) in [
            ("2009-01-11", "2008"),
            ("2009-01-12", "2009"),
            ("2009-06-12", "2009"),
            ("2009-04-30", "2009"),
            // After 2009's deadline: their live cohort, 2009.
            ("2009-06-13", "2009"),
        ] {
            assert_eq!(id(requests_cohort(&p, d(day), &both)), Some(want), "{day}");
        }
        let pilot = ["2008"];
        assert_eq!(
            id(requests_cohort(&p, d("2009-02-01"), &pilot)),
            Some("2008")
        );
    }

    #[test]
    fn the_final_survey_follows_the_pilot_while_next_year_applies() {
        let p = two();
        let mut final_survey = survey();
        final_survey.id = "final".into();
        final_survey.opens.from = crate::survey::CalendarDate::FinalSurvey;
        final_survey.opens.days = 0;
        final_survey.closes.from = crate::survey::CalendarDate::FinalSurvey;
        final_survey.closes.days = 21;
        let both = ["2008", "2009"];
        let pilot = ["2008"];
        for (day, who, want) in [
            ("2009-03-31", &both[..], "2008"),
            ("2009-04-01", &both[..], "2008"),
            ("2009-04-05", &both[..], "2008"),
            ("2009-04-05", &pilot[..], "2008"),
            ("2009-04-22", &both[..], "2008"),
            ("2009-05-01", &both[..], "2009"),
            ("2010-04-01", &both[..], "2009"),
        ] {
            assert_eq!(
                id(survey_cohort(&p, &final_survey, d(day), who)),
                Some(want),
                "{day} {who:?}"
            );
        }
        // The mid-way survey is open in neither on 2009-04-05.
        assert_eq!(
            id(survey_cohort(&p, &survey(), d("2009-04-05"), &both)),
            Some("2008")
        );
        assert_eq!(cohort().id, "2008");
    }
}
