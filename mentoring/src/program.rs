//! `content/program.yaml`: the program, its cohorts and their calendar, the
//! mentee cap, eligibility, expertise terms, committee and events.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The whole of `content/program.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// Program name shown on the site, e.g. "LLAMA Formal Mentoring Program".
    pub name: String,
    /// The association that runs it.
    pub association: String,
    /// One-line description for page metadata.
    #[serde(default)]
    pub tagline: String,
    /// Absolute base URL of the published site (sitemap, feeds); no trailing slash.
    pub base_url: String,
    /// Theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The IANA time zone of the program's day (`America/Chicago`): when a
    /// deadline, a survey day or a cohort date begins and ends, daylight
    /// saving included. Default `UTC`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Where participants write to the committee.
    pub contact_email: String,
    /// Days before a pending match request expires.
    #[serde(default = "default_request_expiry_days")]
    pub request_expiry_days: u32,
    /// Most pending match requests one mentee may have at once.
    #[serde(default = "default_max_pending_requests")]
    pub max_pending_requests: u32,
    /// Days a nomination consent link stays valid.
    #[serde(default = "default_consent_expiry_days")]
    pub consent_expiry_days: u32,
    /// Days a waitlisted mentee has to confirm a freed place offered to
    /// them before the offer passes to the next on the waitlist.
    #[serde(default = "default_waitlist_offer_days")]
    pub waitlist_offer_days: u32,
    /// Most nominations one member may send in a cohort (each nominee
    /// once).
    #[serde(default = "default_max_nominations")]
    pub max_nominations: u32,
    /// How results are reported.
    #[serde(default)]
    pub reporting: Reporting,
    /// Who may take part.
    pub eligibility: Eligibility,
    /// The expertise vocabulary mentor profiles draw from.
    pub expertise: Vec<ExpertiseTerm>,
    /// The cohorts, one per 10-month session.
    pub cohorts: Vec<Cohort>,
    /// Who runs the program.
    #[serde(default)]
    pub committee: Committee,
    /// Events shown on the site (launch, board report, follow-ups).
    #[serde(default)]
    pub events: Vec<Event>,
}

fn default_theme() -> String {
    "default".into()
}
fn default_timezone() -> String {
    "UTC".into()
}

impl Program {
    /// The program's time zone ([`Program::timezone`]); UTC when it does
    /// not name one ([`Program::validate`] refuses that).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// The [`crate::Moment`] of `now` in the program's time zone.
    pub fn moment(&self, now: chrono::DateTime<chrono::Utc>) -> crate::Moment {
        crate::Moment::in_zone(now, self.zone())
    }
}
fn default_request_expiry_days() -> u32 {
    14
}
fn default_max_pending_requests() -> u32 {
    3
}
fn default_consent_expiry_days() -> u32 {
    14
}
fn default_waitlist_offer_days() -> u32 {
    7
}
fn default_max_nominations() -> u32 {
    10
}

/// How results are reported (`reporting:` in program.yaml).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    /// The smallest group whose answers are shown broken down: any
    /// distribution, mean or free text over fewer people is shown as
    /// "fewer than N answers" ([`crate::disclosure`]). Default 5.
    #[serde(default = "default_min_group_size")]
    pub min_group_size: u32,
}

impl Default for Reporting {
    fn default() -> Self {
        Reporting {
            min_group_size: default_min_group_size(),
        }
    }
}

fn default_min_group_size() -> u32 {
    crate::disclosure::DEFAULT_MIN_GROUP_SIZE
}

/// Who may take part (`eligibility:` in program.yaml).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Everyone taking part must be a member in good standing.
    #[serde(default = "yes")]
    pub good_standing_required: bool,
    /// A mentee must have joined within this many months before the cohort's
    /// application opening ("first-year members").
    #[serde(default = "default_first_year_months")]
    pub mentee_max_membership_months: u32,
    /// Least years of involvement in the association a mentor must state.
    #[serde(default = "default_mentor_min_years")]
    pub mentor_min_years_involvement: u32,
    /// A mentee of an earlier cohort may apply as a mentee again (default:
    /// no, the program takes each mentee once). Mentors may always serve
    /// again.
    #[serde(default)]
    pub mentees_may_return: bool,
    /// Member categories; all of them may take part.
    pub member_categories: Vec<String>,
}

fn yes() -> bool {
    true
}
fn default_first_year_months() -> u32 {
    12
}
fn default_mentor_min_years() -> u32 {
    1
}

/// One term of the expertise vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpertiseTerm {
    /// URL-safe identifier used in profiles: `strategic-planning`.
    pub slug: String,
    /// Display name: "Strategic planning".
    pub name: String,
    /// What the term covers.
    #[serde(default)]
    pub description: String,
}

/// One cohort (a 10-month session) and its calendar.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Cohort {
    /// "2008".
    pub id: String,
    /// Display name: "2008–2009 pilot".
    pub name: String,
    /// Marketed as a pilot (year one).
    #[serde(default)]
    pub pilot: bool,
    /// Applications open on this day.
    pub applications_open: NaiveDate,
    /// Duos must be formed by this day (before launch).
    pub matching_deadline: NaiveDate,
    /// Launch at the annual conference: the duos' formal year starts.
    pub launch: NaiveDate,
    /// The mid-way survey goes out on this day.
    pub midpoint_survey: NaiveDate,
    /// The final evaluation survey goes out on this day.
    pub final_survey: NaiveDate,
    /// The formal commitment ends (April 30).
    pub end: NaiveDate,
    /// The first N complete mentee applications are accepted.
    pub mentee_cap: u32,
}

/// Who runs the program, by roster member id.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    /// The chair, who coordinates the program.
    #[serde(default)]
    pub chair: Option<String>,
    /// Committee members, who serve as liaisons to duos.
    #[serde(default)]
    pub members: Vec<String>,
    /// Association office staff who assist the committee.
    #[serde(default)]
    pub staff: Vec<String>,
}

/// A program event (launch orientation, report, follow-up session).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Stable id: `launch-2008`.
    pub id: String,
    /// Title shown on the site.
    pub title: String,
    /// The cohort it belongs to, if any.
    #[serde(default)]
    pub cohort: Option<String>,
    /// Local start time in `timezone`.
    pub starts: NaiveDateTime,
    /// Local end time in `timezone`.
    pub ends: NaiveDateTime,
    /// IANA time zone name of `starts`/`ends`, e.g. "America/Los_Angeles".
    #[serde(default = "default_tz")]
    pub timezone: String,
    /// Where it takes place.
    pub location: String,
    /// Markdown description.
    #[serde(default)]
    pub description: String,
}

fn default_tz() -> String {
    "America/Chicago".into()
}

impl Program {
    /// The cohort with id `id`.
    pub fn cohort(&self, id: &str) -> Option<&Cohort> {
        self.cohorts.iter().find(|c| c.id == id)
    }

    /// The expertise term with slug `slug`.
    pub fn expertise_term(&self, slug: &str) -> Option<&ExpertiseTerm> {
        self.expertise.iter().find(|t| t.slug == slug)
    }
}

#[cfg(test)]
mod zone_tests {
    use crate::testutil::program;

    fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_day_is_chicagos_on_both_sides_of_daylight_saving() {
        let p = program();
        assert_eq!(p.timezone, "America/Chicago");
        // DST began 2008-03-09 at 02:00 local. Before: UTC-6; after: UTC-5.
        let day = |s: &str| p.moment(at(s)).today.to_string();
        assert_eq!(day("2008-03-09T05:59:00Z"), "2008-03-08");
        assert_eq!(day("2008-03-09T06:00:00Z"), "2008-03-09");
        assert_eq!(day("2008-03-10T04:59:00Z"), "2008-03-09");
        assert_eq!(day("2008-03-10T05:00:00Z"), "2008-03-10");
        // DST ended 2008-11-02: midnight is 05:00 UTC before, 06:00 after.
        assert_eq!(day("2008-11-02T04:59:00Z"), "2008-11-01");
        assert_eq!(day("2008-11-03T05:59:00Z"), "2008-11-02");
        assert_eq!(day("2008-11-03T06:00:00Z"), "2008-11-03");
    }

    #[test]
    fn an_unknown_zone_is_refused_by_validate() {
        let mut p = program();
        p.timezone = "Central".into();
        let errors = p.validate();
        assert!(errors.iter().any(|e| e.field == "timezone"), "{errors:?}");
        p.timezone = "UTC".into();
        assert!(p.validate().is_empty());
    }
}
