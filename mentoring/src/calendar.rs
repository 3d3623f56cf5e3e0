//! The cohort calendar: validation, the phase of a cohort at a date, and
//! survey dates relative to the calendar.
//!
//! Dates are calendar days ([`NaiveDate`]); a handler passes "today" in the
//! association's time zone. Every window is inclusive of both its ends: the
//! matching deadline day still accepts requests, the end day is still active.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::program::{Cohort, Program};
use crate::survey::{CalendarDate, RelativeDate, Survey};

/// Where a cohort is in its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before `applications_open`.
    Upcoming,
    /// From `applications_open` through `matching_deadline`: members apply,
    /// accepted mentees send match requests, mentors answer them.
    ApplicationsOpen,
    /// After the matching deadline, before launch: duos are set and meet at
    /// the launch.
    Matched,
    /// From `launch` through `end` (April 30): the duos' formal year.
    Active,
    /// After `end`.
    Ended,
}

impl Cohort {
    /// The date a [`CalendarDate`] names in this cohort.
    pub fn date_of(&self, which: CalendarDate) -> NaiveDate {
        match which {
            CalendarDate::ApplicationsOpen => self.applications_open,
            CalendarDate::MatchingDeadline => self.matching_deadline,
            CalendarDate::Launch => self.launch,
            CalendarDate::MidpointSurvey => self.midpoint_survey,
            CalendarDate::FinalSurvey => self.final_survey,
            CalendarDate::End => self.end,
        }
    }

    /// Resolve a survey's relative date in this cohort (`from` + `days`).
    pub fn resolve(&self, date: &RelativeDate) -> NaiveDate {
        let base = self.date_of(date.from);
        base.checked_add_signed(chrono::Duration::days(i64::from(date.days)))
            .unwrap_or(base)
    }

    /// The phase of the cohort on `today`.
    pub fn phase(&self, today: NaiveDate) -> Phase {
        if today < self.applications_open {
            Phase::Upcoming
        } else if today <= self.matching_deadline {
            Phase::ApplicationsOpen
        } else if today < self.launch {
            Phase::Matched
        } else if today <= self.end {
            Phase::Active
        } else {
            Phase::Ended
        }
    }

    /// Applications are taken from `applications_open` through the matching deadline.
    pub fn accepts_applications(&self, today: NaiveDate) -> bool {
        self.applications_open <= today && today <= self.matching_deadline
    }

    /// Match requests (and answers to them) are possible through the matching
    /// deadline day, inclusive.
    pub fn accepts_match_requests(&self, today: NaiveDate) -> bool {
        self.applications_open <= today && today <= self.matching_deadline
    }

    /// Nominations are taken while applications are (a nominee must still be
    /// able to apply after consenting).
    pub fn accepts_nominations(&self, today: NaiveDate) -> bool {
        self.accepts_applications(today)
    }

    /// The first day and the last day (both inclusive) a survey is open in this cohort.
    pub fn survey_window(&self, survey: &Survey) -> (NaiveDate, NaiveDate) {
        (self.resolve(&survey.opens), self.resolve(&survey.closes))
    }

    /// Whether `survey` takes answers on `today` (opens and closes days included).
    pub fn survey_open(&self, survey: &Survey, today: NaiveDate) -> bool {
        let (opens, closes) = self.survey_window(survey);
        opens <= today && today <= closes
    }

    /// Check this cohort's calendar. Field names are the cohort's own keys
    /// (`matching_deadline`, `end`...); an empty list means valid.
    ///
    /// Rules: `applications_open < matching_deadline < launch < midpoint_survey
    /// < final_survey <= end`; `end` is April 30, the first one after launch;
    /// `id` and `name` are not blank.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.id.trim().is_empty() {
            errors.push(FieldError::new("id", "The cohort id is required."));
        }
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", "The cohort name is required."));
        }
        let order = [
            ("applications_open", self.applications_open),
            ("matching_deadline", self.matching_deadline),
            ("launch", self.launch),
            ("midpoint_survey", self.midpoint_survey),
            ("final_survey", self.final_survey),
        ];
        for pair in order.windows(2) {
            let (before_name, before) = pair[0];
            let (after_name, after) = pair[1];
            if after <= before {
                errors.push(FieldError::new(
                    after_name,
                    format!("{after_name} ({after}) must be after {before_name} ({before})."),
                ));
            }
        }
        if self.end < self.final_survey {
            errors.push(FieldError::new(
                "end",
                format!(
                    "end ({}) must not be before final_survey ({}).",
                    self.end, self.final_survey
                ),
            ));
        }
        if self.end.month() != 4 || self.end.day() != 30 {
            errors.push(FieldError::new(
                "end",
                format!("end ({}) must be April 30.", self.end),
            ));
        } else if self.end <= self.launch {
            errors.push(FieldError::new(
                "end",
                format!("end ({}) must be after launch ({}).", self.end, self.launch),
            ));
        } else if self.end != first_april_30_after(self.launch) {
            errors.push(FieldError::new(
                "end",
                format!(
                    "end ({}) must be the first April 30 after launch ({}), {}.",
                    self.end,
                    self.launch,
                    first_april_30_after(self.launch)
                ),
            ));
        }
        errors
    }
}

/// The first April 30 strictly after `date`.
pub fn first_april_30_after(date: NaiveDate) -> NaiveDate {
    let same_year = NaiveDate::from_ymd_opt(date.year(), 4, 30).expect("April 30 exists");
    if same_year > date {
        same_year
    } else {
        NaiveDate::from_ymd_opt(date.year() + 1, 4, 30).expect("April 30 exists")
    }
}

impl Program {
    /// Check the whole program's rules (not its YAML syntax): every cohort's
    /// calendar (fields named `cohorts[i].field`), unique cohort ids and
    /// expertise slugs, at least one member category and expertise term,
    /// positive expiry days and pending-request limit. Survey windows are
    /// checked by [`validate_survey_windows`]. An empty list means valid.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() {
            errors.push(FieldError::new("name", "The program name is required."));
        }
        if self.cohorts.is_empty() {
            errors.push(FieldError::new(
                "cohorts",
                "At least one cohort is required.",
            ));
        }
        for (i, cohort) in self.cohorts.iter().enumerate() {
            for e in cohort.validate() {
                errors.push(FieldError::new(
                    format!("cohorts[{i}].{}", e.field),
                    e.message,
                ));
            }
            if self.cohorts[..i].iter().any(|c| c.id == cohort.id) {
                errors.push(FieldError::new(
                    format!("cohorts[{i}].id"),
                    format!("Cohort id {:?} is used twice.", cohort.id),
                ));
            }
        }
        if self.expertise.is_empty() {
            errors.push(FieldError::new(
                "expertise",
                "At least one expertise term is required.",
            ));
        }
        if self.max_nominations == 0 {
            errors.push(FieldError::new(
                "max_nominations",
                "At least 1: how many nominations one member may send in a cohort.",
            ));
        }
        if self.reporting.min_group_size == 0 {
            errors.push(FieldError::new(
                "reporting.min_group_size",
                "At least 1: the smallest group whose answers the report breaks down.",
            ));
        }
        for (i, term) in self.expertise.iter().enumerate() {
            if !is_slug(&term.slug) {
                errors.push(FieldError::new(
                    format!("expertise[{i}].slug"),
                    format!(
                        "{:?} is not a slug (lowercase letters, digits and hyphens).",
                        term.slug
                    ),
                ));
            }
            if self.expertise[..i].iter().any(|t| t.slug == term.slug) {
                errors.push(FieldError::new(
                    format!("expertise[{i}].slug"),
                    format!("Expertise slug {:?} is used twice.", term.slug),
                ));
            }
        }
        if self.eligibility.member_categories.is_empty() {
            errors.push(FieldError::new(
                "eligibility.member_categories",
                "At least one member category is required.",
            ));
        }
        if !self.base_url.starts_with("http://") && !self.base_url.starts_with("https://") {
            errors.push(FieldError::new(
                "base_url",
                "base_url must be an absolute http(s) URL.",
            ));
        }
        for (field, value) in [
            ("request_expiry_days", self.request_expiry_days),
            ("max_pending_requests", self.max_pending_requests),
            ("consent_expiry_days", self.consent_expiry_days),
        ] {
            if value == 0 {
                errors.push(FieldError::new(
                    field,
                    format!("{field} must be at least 1."),
                ));
            }
        }
        errors
    }
}

impl Program {
    /// The cohort taking applications on `today` (the latest-opening one if
    /// several do).
    pub fn cohort_accepting_applications(&self, today: NaiveDate) -> Option<&Cohort> {
        self.cohorts
            .iter()
            .filter(|c| c.accepts_applications(today))
            .max_by_key(|c| c.applications_open)
    }

    /// The cohort the site is about on `today`: the latest one whose
    /// applications have opened, else the next to open. `None` without cohorts.
    pub fn current_cohort(&self, today: NaiveDate) -> Option<&Cohort> {
        self.cohorts
            .iter()
            .filter(|c| c.applications_open <= today)
            .max_by_key(|c| c.applications_open)
            .or_else(|| self.cohorts.iter().min_by_key(|c| c.applications_open))
    }

    /// Cohorts neither upcoming nor ended on `today` (two overlap while one
    /// year's duos finish and the next year's applications are open).
    pub fn running_cohorts(&self, today: NaiveDate) -> Vec<&Cohort> {
        self.cohorts
            .iter()
            .filter(|c| !matches!(c.phase(today), Phase::Upcoming | Phase::Ended))
            .collect()
    }
}

/// Check that `survey` opens no later than it closes in every cohort of
/// `program` (fields `opens` / `closes`, message names the cohort).
pub fn validate_survey_windows(program: &Program, survey: &Survey) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for cohort in &program.cohorts {
        let (opens, closes) = cohort.survey_window(survey);
        if closes < opens {
            errors.push(FieldError::new(
                "closes",
                format!(
                    "In cohort {}, the survey closes ({closes}) before it opens ({opens}).",
                    cohort.id
                ),
            ));
        }
    }
    errors
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, d, program, survey};

    #[test]
    fn sample_cohort_is_valid() {
        assert_eq!(cohort().validate(), vec![]);
        assert_eq!(program().validate(), vec![]);
    }

    #[test]
    fn phases_at_boundaries() {
        let c = cohort();
        assert_eq!(c.phase(d("2008-01-31")), Phase::Upcoming);
        assert_eq!(c.phase(d("2008-02-01")), Phase::ApplicationsOpen);
        assert_eq!(c.phase(d("2008-05-31")), Phase::ApplicationsOpen);
        assert_eq!(c.phase(d("2008-06-01")), Phase::Matched);
        assert_eq!(c.phase(d("2008-06-26")), Phase::Matched);
        assert_eq!(c.phase(d("2008-06-27")), Phase::Active);
        assert_eq!(c.phase(d("2009-04-30")), Phase::Active);
        assert_eq!(c.phase(d("2009-05-01")), Phase::Ended);
    }

    #[test]
    fn matching_deadline_day_is_inclusive() {
        let c = cohort();
        assert!(c.accepts_match_requests(d("2008-05-31")));
        assert!(!c.accepts_match_requests(d("2008-06-01")));
        assert!(!c.accepts_match_requests(d("2008-01-31")));
        assert!(c.accepts_applications(d("2008-02-01")));
        assert!(!c.accepts_applications(d("2008-06-01")));
        assert!(c.accepts_nominations(d("2008-05-31")));
    }

    #[test]
    fn out_of_order_dates_name_the_field() {
        let mut c = cohort();
        c.matching_deadline = c.launch;
        let e = c.validate();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].field, "launch");

        let mut c = cohort();
        c.matching_deadline = d("2008-01-15");
        let fields: Vec<_> = c.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["matching_deadline"]);
    }

    #[test]
    fn end_must_be_the_april_30_after_launch() {
        let mut c = cohort();
        c.end = d("2009-04-29");
        c.final_survey = d("2009-04-01");
        let e = c.validate();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "end");
        assert!(e[0].message.contains("April 30"));

        let mut c = cohort();
        c.end = d("2010-04-30");
        let e = c.validate();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("2009-04-30"), "{}", e[0].message);

        let mut c = cohort();
        c.end = d("2009-03-01");
        let fields: Vec<_> = c.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["end", "end"]);
    }

    #[test]
    fn blank_ids_are_reported() {
        let mut c = cohort();
        c.id = " ".into();
        c.name.clear();
        let fields: Vec<_> = c.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["id", "name"]);
    }

    #[test]
    fn first_april_30() {
        assert_eq!(first_april_30_after(d("2008-06-27")), d("2009-04-30"));
        assert_eq!(first_april_30_after(d("2008-04-30")), d("2009-04-30"));
        assert_eq!(first_april_30_after(d("2008-04-29")), d("2008-04-30"));
    }

    #[test]
    fn program_validation_prefixes_cohort_fields() {
        let mut p = program();
        let mut second = cohort();
        second.launch = second.matching_deadline;
        p.cohorts.push(second);
        p.expertise.push(p.expertise[0].clone());
        p.expertise.push(crate::program::ExpertiseTerm {
            slug: "Bad Slug".into(),
            name: "x".into(),
            description: String::new(),
        });
        p.max_pending_requests = 0;
        let fields: Vec<_> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "cohorts[1].launch",
                "cohorts[1].id",
                "expertise[3].slug",
                "expertise[4].slug",
                "max_pending_requests"
            ]
        );
    }

    fn next_cohort() -> Cohort {
        Cohort {
            id: "2009".into(),
            name: "2009-2010".into(),
            pilot: false,
            applications_open: d("2009-01-12"),
            matching_deadline: d("2009-06-12"),
            launch: d("2009-07-10"),
            midpoint_survey: d("2009-11-16"),
            final_survey: d("2010-04-01"),
            end: d("2010-04-30"),
            mentee_cap: 30,
        }
    }

    #[test]
    fn which_cohort() {
        let mut p = program();
        p.cohorts.push(next_cohort());
        assert_eq!(p.validate(), vec![]);
        assert_eq!(p.current_cohort(d("2007-01-01")).unwrap().id, "2008");
        assert_eq!(p.current_cohort(d("2008-12-01")).unwrap().id, "2008");
        assert_eq!(p.current_cohort(d("2009-02-01")).unwrap().id, "2009");
        assert_eq!(p.current_cohort(d("2020-01-01")).unwrap().id, "2009");
        assert!(p.cohort_accepting_applications(d("2008-12-01")).is_none());
        assert_eq!(
            p.cohort_accepting_applications(d("2009-02-01")).unwrap().id,
            "2009"
        );
        let running: Vec<_> = p
            .running_cohorts(d("2009-02-01"))
            .into_iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(running, ["2008", "2009"]);
        assert!(p.running_cohorts(d("2007-01-01")).is_empty());
        p.cohorts.clear();
        assert!(p.current_cohort(d("2008-12-01")).is_none());
    }

    #[test]
    fn resolves_relative_dates() {
        let c = cohort();
        let rd = |from, days| RelativeDate { from, days };
        assert_eq!(c.resolve(&rd(CalendarDate::Launch, 0)), c.launch);
        assert_eq!(
            c.resolve(&rd(CalendarDate::MidpointSurvey, 21)),
            d("2008-12-06")
        );
        assert_eq!(c.resolve(&rd(CalendarDate::End, -29)), d("2009-04-01"));
        assert_eq!(
            c.resolve(&rd(CalendarDate::ApplicationsOpen, 0)),
            c.applications_open
        );
        assert_eq!(
            c.resolve(&rd(CalendarDate::MatchingDeadline, 1)),
            d("2008-06-01")
        );
        assert_eq!(c.resolve(&rd(CalendarDate::FinalSurvey, 0)), c.final_survey);
    }

    #[test]
    fn survey_window_is_inclusive() {
        let c = cohort();
        let s = survey(); // midpoint_survey + 0 .. midpoint_survey + 21
        assert!(!c.survey_open(&s, d("2008-11-14")));
        assert!(c.survey_open(&s, d("2008-11-15")));
        assert!(c.survey_open(&s, d("2008-12-06")));
        assert!(!c.survey_open(&s, d("2008-12-07")));
        assert!(validate_survey_windows(&program(), &s).is_empty());
        let mut bad = s.clone();
        bad.closes.days = -1;
        assert_eq!(validate_survey_windows(&program(), &bad)[0].field, "closes");
    }
}
