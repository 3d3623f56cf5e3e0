//! The one profile model: what a member writes about themself, what the
//! committee publishes, and what the generator turns into a profile page.
//!
//! The same type is read from `content/mentors/<slug>.yaml` (curated, in git),
//! from the `/members/profile/` form and from the store. Its limits live in
//! [`limits`] and its rules in [`Profile::validate`]; nothing else repeats them.
//!
//! Years (`member_since`, career `from`/`to`, education `year`) are text so
//! that a form, JSON and YAML all read the same: a YAML file may write
//! `from: 2004` (a number) and it reads as `"2004"`.
//!
//! A mentee application carries a [`MenteeBackground`]: the same career and
//! education entries, checked by the same rules.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Checker, FieldError};
use crate::program::Program;

/// Every length and count limit of a profile, in characters (not bytes).
pub mod limits {
    /// Full name.
    pub const NAME: usize = 100;
    /// Job title.
    pub const TITLE: usize = 200;
    /// Library or organization.
    pub const INSTITUTION: usize = 200;
    /// Where the member works or lives ("Willow Creek, Vermont").
    pub const LOCATION: usize = 200;
    /// Most expertise terms on one profile.
    pub const MAX_EXPERTISE: usize = 8;
    /// Most career entries.
    pub const MAX_CAREER: usize = 10;
    /// Most education entries.
    pub const MAX_EDUCATION: usize = 6;
    /// A career entry's title or organization; an education entry's degree or
    /// institution.
    pub const ENTRY_TEXT: usize = 200;
    /// The biography (markdown).
    pub const BIO: usize = 5000;
    /// The availability note ("phone every three weeks").
    pub const AVAILABILITY: usize = 500;
    /// A photo or website address.
    pub const URL: usize = 500;
    /// An email address (RFC 5321's path limit).
    pub const EMAIL: usize = 254;
    /// A phone number, as written.
    pub const PHONE: usize = 40;
    /// Most years of involvement a profile may state.
    pub const MAX_YEARS_INVOLVED: u32 = 80;
    /// Earliest year accepted in any date field.
    pub const MIN_YEAR: i32 = 1900;
    /// A mentee's background text.
    pub const BACKGROUND: usize = 2000;
}

/// A member's profile (a mentor's page in the directory).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Profile {
    /// Full name as shown.
    pub name: String,
    /// Job title.
    pub title: String,
    /// Library or organization.
    pub institution: String,
    /// City and state or country.
    #[serde(default)]
    pub location: String,
    /// Member of the association since: `2004`, `2004-06` or `2004-06-27`.
    #[serde(deserialize_with = "text_or_number")]
    pub member_since: String,
    /// Years of involvement in the association, if stated.
    #[serde(default)]
    pub years_involved: Option<u32>,
    /// Expertise term slugs from `program.yaml` (at least one).
    pub expertise: Vec<String>,
    /// Positions held, newest first by convention.
    #[serde(default)]
    pub career: Vec<CareerEntry>,
    /// Degrees and certificates.
    #[serde(default)]
    pub education: Vec<EducationEntry>,
    /// Biography, markdown.
    pub bio: String,
    /// When and how they can meet.
    #[serde(default)]
    pub availability: String,
    /// Photo: an http(s) URL or a site path starting with `/`.
    #[serde(default)]
    pub photo: String,
    /// How mentees reach them.
    pub contact: Contact,
}

/// One position held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct CareerEntry {
    /// Job title.
    pub title: String,
    /// Employer.
    pub organization: String,
    /// First year (`1995`), or empty.
    #[serde(default, deserialize_with = "text_or_number")]
    pub from: String,
    /// Last year (`2000`), `present`, or empty (still there).
    #[serde(default, deserialize_with = "text_or_number")]
    pub to: String,
}

/// One degree or certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct EducationEntry {
    /// "MLIS", "BA, Communications".
    pub degree: String,
    /// Where it was earned.
    pub institution: String,
    /// Year earned, or empty.
    #[serde(default, deserialize_with = "text_or_number")]
    pub year: String,
}

/// How to reach a member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Contact {
    /// Email address (required).
    pub email: String,
    /// Phone number, as written.
    #[serde(default)]
    pub phone: String,
    /// Website: an http(s) URL or a site path starting with `/`.
    #[serde(default)]
    pub website: String,
}

/// What a mentee application tells the asked mentor and the committee about
/// the mentee, besides their goals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct MenteeBackground {
    /// Current position and career so far, in the mentee's words.
    #[serde(default)]
    pub background: String,
    /// Positions held.
    #[serde(default)]
    pub career: Vec<CareerEntry>,
    /// Degrees and certificates.
    #[serde(default)]
    pub education: Vec<EducationEntry>,
}

/// Reads a YAML/JSON number or string as text (`2004` and `"2004"` alike).
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a year, a date or text")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
    }
    d.deserialize_any(Visitor)
}

impl Profile {
    /// Every problem at once, or `Ok`. Field paths: `name`, `contact.email`,
    /// `career[1].from`, `education[0].year`, and `expertise` for every
    /// expertise problem (a form shows the terms as one control).
    ///
    /// Years may not be after `today`'s year.
    pub fn validate(&self, program: &Program, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let problems: Vec<FieldError> = self
            .problems(program, today)
            .into_iter()
            .map(|mut e| {
                if e.field.starts_with("expertise[") {
                    e.field = "expertise".into();
                }
                e
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Like [`Profile::validate`], but a problem with one expertise term is
    /// reported at that term (`expertise[2]`), for editors that point at
    /// positions (the YAML loader turns paths into `file:line:column`).
    pub fn problems(&self, program: &Program, today: NaiveDate) -> Vec<FieldError> {
        let mut c = Checker::default();
        c.line("name", "Name", &self.name, limits::NAME, true);
        c.line("title", "Title", &self.title, limits::TITLE, true);
        c.line(
            "institution",
            "Institution",
            &self.institution,
            limits::INSTITUTION,
            true,
        );
        c.line(
            "location",
            "Location",
            &self.location,
            limits::LOCATION,
            false,
        );
        check_member_since(&mut c, &self.member_since, today);
        if let Some(years) = self.years_involved {
            if years > limits::MAX_YEARS_INVOLVED {
                c.push(
                    "years_involved",
                    format!(
                        "Years involved is {years}; at most {} is accepted.",
                        limits::MAX_YEARS_INVOLVED
                    ),
                );
            }
        }
        check_expertise(&mut c, program, &self.expertise);
        check_career(&mut c, &self.career, today);
        check_education(&mut c, &self.education, today);
        c.required("bio", "Bio", &self.bio, limits::BIO);
        c.max_len(
            "availability",
            "Availability",
            &self.availability,
            limits::AVAILABILITY,
        );
        check_link(&mut c, "photo", "Photo", &self.photo);
        check_email(&mut c, "contact.email", &self.contact.email);
        c.line(
            "contact.phone",
            "Phone",
            &self.contact.phone,
            limits::PHONE,
            false,
        );
        check_link(&mut c, "contact.website", "Website", &self.contact.website);
        c.errors
    }
}

impl MenteeBackground {
    /// Every problem at once, or `Ok`: background length, career and
    /// education entries by the same rules as a [`Profile`]'s.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut c = Checker::default();
        c.max_len(
            "background",
            "Background",
            &self.background,
            limits::BACKGROUND,
        );
        check_career(&mut c, &self.career, today);
        check_education(&mut c, &self.education, today);
        if c.errors.is_empty() {
            Ok(())
        } else {
            Err(c.errors)
        }
    }
}

impl Checker {
    /// One line of text: no line breaks or control characters; required or
    /// optional; at most `max` characters.
    fn line(&mut self, field: &str, label: &str, value: &str, max: usize, required: bool) {
        if required {
            self.required(field, label, value, max);
        } else {
            self.max_len(field, label, value, max);
        }
        if value.chars().any(char::is_control) {
            self.push(
                field,
                format!("{label} must be one line, without control characters."),
            );
        }
    }
}

/// A four-digit year, not before [`limits::MIN_YEAR`].
fn parse_year(s: &str) -> Option<i32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|y| *y >= limits::MIN_YEAR)
}

/// `2004`, `2004-06` or `2004-06-27`: the year (and the date, when it has one).
fn parse_member_since(s: &str) -> Option<(i32, Option<NaiveDate>)> {
    match s.len() {
        4 => parse_year(s).map(|y| (y, None)),
        7 => {
            let (y, m) = s.split_once('-')?;
            let y = parse_year(y)?;
            let m: u32 = m.parse().ok().filter(|_| m.len() == 2)?;
            NaiveDate::from_ymd_opt(y, m, 1).map(|d| (y, Some(d)))
        }
        10 => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
            parse_year(&s[..4]).map(|y| (y, Some(d)))
        }
        _ => None,
    }
}

fn check_member_since(c: &mut Checker, value: &str, today: NaiveDate) {
    let field = "member_since";
    if value.trim().is_empty() {
        c.push(field, "Member since is required.");
        return;
    }
    match parse_member_since(value) {
        None => c.push(
            field,
            format!(
                "Member since \"{value}\" is not a year (2004), a month (2004-06) or a date (2004-06-27) from {} on.",
                limits::MIN_YEAR
            ),
        ),
        Some((year, date)) => {
            let future = match date {
                Some(d) => d > today,
                None => year > today.year(),
            };
            if future {
                c.push(
                    field,
                    format!("Member since \"{value}\" is in the future."),
                );
            }
        }
    }
}

fn check_expertise(c: &mut Checker, program: &Program, terms: &[String]) {
    if terms.is_empty() {
        c.push(
            "expertise",
            "Name at least one area of expertise from the program's list.",
        );
    }
    if terms.len() > limits::MAX_EXPERTISE {
        c.push(
            "expertise",
            format!(
                "Too many expertise terms: {}, at most {}.",
                terms.len(),
                limits::MAX_EXPERTISE
            ),
        );
    }
    for (i, term) in terms.iter().enumerate() {
        let field = format!("expertise[{i}]");
        if program.expertise_term(term).is_none() {
            c.push(
                &field,
                format!("Unknown expertise term \"{term}\": not one of the program's terms."),
            );
        } else if terms[..i].contains(term) {
            c.push(
                &field,
                format!("Expertise term \"{term}\" is listed twice."),
            );
        }
    }
}

/// A year field of an entry: empty, or a year not after `today`'s.
/// Returns the year when it is one.
fn check_entry_year(
    c: &mut Checker,
    field: &str,
    label: &str,
    value: &str,
    today: NaiveDate,
) -> Option<i32> {
    if value.is_empty() {
        return None;
    }
    match parse_year(value) {
        None => {
            c.push(
                field,
                format!(
                    "{label} \"{value}\" is not a four-digit year from {} on.",
                    limits::MIN_YEAR
                ),
            );
            None
        }
        Some(y) if y > today.year() => {
            c.push(field, format!("{label} {y} is in the future."));
            None
        }
        Some(y) => Some(y),
    }
}

fn check_count(c: &mut Checker, field: &str, what: &str, n: usize, max: usize) {
    if n > max {
        c.push(field, format!("Too many {what}: {n}, at most {max}."));
    }
}

fn check_career(c: &mut Checker, entries: &[CareerEntry], today: NaiveDate) {
    check_count(
        c,
        "career",
        "career entries",
        entries.len(),
        limits::MAX_CAREER,
    );
    for (i, e) in entries.iter().enumerate() {
        let at = |f: &str| format!("career[{i}].{f}");
        c.line(&at("title"), "Title", &e.title, limits::ENTRY_TEXT, true);
        c.line(
            &at("organization"),
            "Organization",
            &e.organization,
            limits::ENTRY_TEXT,
            true,
        );
        let from = check_entry_year(c, &at("from"), "From", &e.from, today);
        let to = if e.to.eq_ignore_ascii_case("present") {
            None
        } else {
            check_entry_year(c, &at("to"), "To", &e.to, today)
        };
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                c.push(&at("from"), format!("From {from} is after to {to}."));
            }
        }
    }
}

fn check_education(c: &mut Checker, entries: &[EducationEntry], today: NaiveDate) {
    check_count(
        c,
        "education",
        "education entries",
        entries.len(),
        limits::MAX_EDUCATION,
    );
    for (i, e) in entries.iter().enumerate() {
        let at = |f: &str| format!("education[{i}].{f}");
        c.line(&at("degree"), "Degree", &e.degree, limits::ENTRY_TEXT, true);
        c.line(
            &at("institution"),
            "Institution",
            &e.institution,
            limits::ENTRY_TEXT,
            true,
        );
        check_entry_year(c, &at("year"), "Year", &e.year, today);
    }
}

/// Whether `s` is a link a profile may carry: an `http://` or `https://` URL
/// with a host, or a path on this site (`/img/a.jpg`, never `//host`).
/// Nothing else: no `javascript:`, `data:`, relative paths, whitespace,
/// backslashes or quotes.
pub fn is_safe_link(s: &str) -> bool {
    if s.is_empty()
        || s.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '\\' | '"' | '\'' | '<' | '>' | '`')
        })
    {
        return false;
    }
    if let Some(rest) = s.strip_prefix('/') {
        return !rest.starts_with('/');
    }
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':')
        }
        None => false,
    }
}

fn check_link(c: &mut Checker, field: &str, label: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    c.max_len(field, label, value, limits::URL);
    if !is_safe_link(value) {
        c.push(
            field,
            format!(
                "{label} must be an http:// or https:// address, or a path on this site starting with /."
            ),
        );
    }
}

/// Whether `s` looks like an email address: one `@`, a local part, a domain
/// with a dot, no spaces or characters that break a mail header.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let bad = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\'
            )
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !s.chars().any(bad)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

fn check_email(c: &mut Checker, field: &str, value: &str) {
    if value.trim().is_empty() {
        c.push(field, "Email is required.");
        return;
    }
    c.max_len(field, "Email", value, limits::EMAIL);
    if !is_email(value) {
        c.push(field, format!("\"{value}\" is not an email address."));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{d, program};

    fn today() -> NaiveDate {
        d("2008-03-01")
    }

    fn valid() -> Profile {
        Profile {
            name: "Ada Example".into(),
            title: "Director".into(),
            institution: "Example Public Library".into(),
            location: "Springfield, Example".into(),
            member_since: "2001".into(),
            years_involved: Some(5),
            expertise: vec!["budgeting".into(), "assessment".into()],
            career: vec![
                CareerEntry {
                    title: "Director".into(),
                    organization: "Example Public Library".into(),
                    from: "2004".into(),
                    to: "present".into(),
                },
                CareerEntry {
                    title: "Librarian".into(),
                    organization: "Example College".into(),
                    from: "1998".into(),
                    to: "2004".into(),
                },
            ],
            education: vec![EducationEntry {
                degree: "MLIS".into(),
                institution: "Example University".into(),
                year: "1997".into(),
            }],
            bio: "I *like* budgets.".into(),
            availability: "Monthly calls.".into(),
            photo: "/images/ada.jpg".into(),
            contact: Contact {
                email: "ada@example.org".into(),
                phone: "555-0100".into(),
                website: "https://example.org/ada".into(),
            },
        }
    }

    /// The field paths of the problems of `p`.
    fn fields(p: &Profile) -> Vec<String> {
        match p.validate(&program(), today()) {
            Ok(()) => vec![],
            Err(e) => e.into_iter().map(|e| e.field).collect(),
        }
    }

    fn message(p: &Profile, field: &str) -> String {
        p.validate(&program(), today())
            .unwrap_err()
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
            .unwrap_or_else(|| panic!("no problem with {field}"))
    }

    #[test]
    fn a_full_profile_is_valid() {
        assert_eq!(valid().validate(&program(), today()), Ok(()));
        let minimal = Profile {
            location: String::new(),
            years_involved: None,
            career: vec![],
            education: vec![],
            availability: String::new(),
            photo: String::new(),
            contact: Contact {
                email: "a@example.org".into(),
                ..Contact::default()
            },
            ..valid()
        };
        assert_eq!(fields(&minimal), Vec::<String>::new());
    }

    #[test]
    fn required_fields_are_named_all_at_once() {
        let empty = Profile::default();
        assert_eq!(
            fields(&empty),
            [
                "name",
                "title",
                "institution",
                "member_since",
                "expertise",
                "bio",
                "contact.email"
            ]
        );
        let blank = Profile {
            name: "  ".into(),
            bio: "\n".into(),
            ..valid()
        };
        assert_eq!(fields(&blank), ["name", "bio"]);
        assert_eq!(message(&blank, "name"), "Name is required.");
    }

    #[test]
    fn every_text_has_its_limit_in_characters() {
        let long = |n: usize| "é".repeat(n + 1);
        let p = Profile {
            name: long(limits::NAME),
            title: long(limits::TITLE),
            institution: long(limits::INSTITUTION),
            location: long(limits::LOCATION),
            bio: long(limits::BIO),
            availability: long(limits::AVAILABILITY),
            photo: format!("/{}", "a".repeat(limits::URL)),
            contact: Contact {
                email: format!("{}@example.org", "a".repeat(limits::EMAIL)),
                phone: "1".repeat(limits::PHONE + 1),
                website: format!("https://example.org/{}", "a".repeat(limits::URL)),
            },
            ..valid()
        };
        assert_eq!(
            fields(&p),
            [
                "name",
                "title",
                "institution",
                "location",
                "bio",
                "availability",
                "photo",
                "contact.email",
                "contact.phone",
                "contact.website"
            ]
        );
        assert_eq!(
            message(&p, "name"),
            format!(
                "Name is too long: {} characters, at most {}.",
                limits::NAME + 1,
                limits::NAME
            )
        );
        // At the limit exactly is fine.
        let at = Profile {
            name: "é".repeat(limits::NAME),
            bio: "b".repeat(limits::BIO),
            ..valid()
        };
        assert_eq!(fields(&at), Vec::<String>::new());
    }

    #[test]
    fn one_line_fields_refuse_line_breaks() {
        let p = Profile {
            title: "Director\nof everything".into(),
            ..valid()
        };
        assert_eq!(fields(&p), ["title"]);
        assert!(message(&p, "title").contains("one line"));
    }

    #[test]
    fn expertise_terms_must_be_known_distinct_and_few() {
        let p = Profile {
            expertise: vec!["budgeting".into(), "knitting".into(), "budgeting".into()],
            ..valid()
        };
        let problems = p.problems(&program(), today());
        assert_eq!(
            problems
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>(),
            ["expertise[1]", "expertise[2]"]
        );
        assert!(problems[0]
            .message
            .contains("Unknown expertise term \"knitting\""));
        assert!(problems[1].message.contains("listed twice"));
        // validate() names the one control.
        assert_eq!(fields(&p), ["expertise", "expertise"]);

        let none = Profile {
            expertise: vec![],
            ..valid()
        };
        assert_eq!(fields(&none), ["expertise"]);
        assert!(message(&none, "expertise").contains("at least one"));

        let many = Profile {
            expertise: vec!["budgeting".into(); limits::MAX_EXPERTISE + 1],
            ..valid()
        };
        let errs = many.validate(&program(), today()).unwrap_err();
        assert!(errs[0].message.starts_with("Too many expertise terms: 9"));
    }

    #[test]
    fn member_since_is_a_year_month_or_date_not_in_the_future() {
        for ok in ["2004", "2004-06", "2004-06-27", "2008-03-01", "2008"] {
            let p = Profile {
                member_since: ok.into(),
                ..valid()
            };
            assert_eq!(fields(&p), Vec::<String>::new(), "{ok}");
        }
        for bad in [
            "04",
            "2004-13",
            "2004-6",
            "2004-02-30",
            "June 2004",
            "1850",
            "x",
        ] {
            let p = Profile {
                member_since: bad.into(),
                ..valid()
            };
            assert_eq!(fields(&p), ["member_since"], "{bad}");
            assert!(
                message(&p, "member_since").contains("is not a year"),
                "{bad}"
            );
        }
        for future in ["2009", "2008-04", "2008-03-02"] {
            let p = Profile {
                member_since: future.into(),
                ..valid()
            };
            assert_eq!(fields(&p), ["member_since"], "{future}");
            assert!(message(&p, "member_since").contains("in the future"));
        }
    }

    #[test]
    fn years_involved_has_a_ceiling() {
        let p = Profile {
            years_involved: Some(limits::MAX_YEARS_INVOLVED + 1),
            ..valid()
        };
        assert_eq!(fields(&p), ["years_involved"]);
    }

    #[test]
    fn career_entries_are_checked_one_by_one() {
        let mut p = valid();
        p.career[1].from = "2009".into(); // future (today is 2008)
        p.career[0].to = "2003".into(); // before its from (2004)
        p.career.push(CareerEntry {
            title: String::new(),
            organization: "x".repeat(limits::ENTRY_TEXT + 1),
            from: "95".into(),
            to: "soon".into(),
        });
        assert_eq!(
            fields(&p),
            [
                "career[0].from",
                "career[1].from",
                "career[2].title",
                "career[2].organization",
                "career[2].from",
                "career[2].to"
            ]
        );
        assert_eq!(message(&p, "career[1].from"), "From 2009 is in the future.");
        assert_eq!(message(&p, "career[0].from"), "From 2004 is after to 2003.");
        // "present", empty years and this year are fine.
        let mut q = valid();
        q.career[0].to = "Present".into();
        q.career[1].from = String::new();
        q.career[1].to = "2008".into();
        assert_eq!(fields(&q), Vec::<String>::new());
    }

    #[test]
    fn education_entries_are_checked_one_by_one() {
        let mut p = valid();
        p.education.push(EducationEntry {
            degree: String::new(),
            institution: String::new(),
            year: "2010".into(),
        });
        assert_eq!(
            fields(&p),
            [
                "education[1].degree",
                "education[1].institution",
                "education[1].year"
            ]
        );
        assert_eq!(
            message(&p, "education[1].year"),
            "Year 2010 is in the future."
        );
    }

    #[test]
    fn too_many_entries() {
        let mut p = valid();
        p.career = vec![p.career[1].clone(); limits::MAX_CAREER + 1];
        p.education = vec![p.education[0].clone(); limits::MAX_EDUCATION + 1];
        assert_eq!(fields(&p), ["career", "education"]);
        assert_eq!(
            message(&p, "career"),
            format!(
                "Too many career entries: {}, at most {}.",
                limits::MAX_CAREER + 1,
                limits::MAX_CAREER
            )
        );
        p.career.truncate(limits::MAX_CAREER);
        p.education.truncate(limits::MAX_EDUCATION);
        assert_eq!(fields(&p), Vec::<String>::new());
    }

    #[test]
    fn email_shape() {
        for ok in ["a@example.org", "first.last+tag@sub.example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "a",
            "@example.org",
            "a@",
            "a@b",
            "a@@example.org",
            "a b@example.org",
            "a@example.org\r\nBcc: x@example.org",
            "<a@example.org>",
            "a@.example.org",
            "a@example..org",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
        let p = Profile {
            contact: Contact {
                email: "not-an-address".into(),
                ..Contact::default()
            },
            ..valid()
        };
        assert_eq!(fields(&p), ["contact.email"]);
        assert_eq!(
            message(&p, "contact.email"),
            "\"not-an-address\" is not an email address."
        );
    }

    #[test]
    fn photo_and_website_are_http_urls_or_site_paths() {
        for ok in [
            "https://example.org/a.jpg",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG/x?y=1#z",
            "/images/a.jpg",
            "/",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:image/png;base64,AAAA",
            "vbscript:x",
            "//evil.example/a.jpg",
            "/\\evil.example",
            "images/a.jpg",
            "ftp://example.org/a.jpg",
            "https://",
            "https:///path",
            "https://:80/",
            " https://example.org",
            "https://example.org/a b.jpg",
            "https://example.org/\"onerror=\"x",
            "mailto:a@example.org",
        ] {
            assert!(!is_safe_link(bad), "{bad:?}");
        }
        let p = Profile {
            photo: "javascript:alert(1)".into(),
            contact: Contact {
                website: "data:text/html,hi".into(),
                ..valid().contact
            },
            ..valid()
        };
        assert_eq!(fields(&p), ["photo", "contact.website"]);
        assert!(message(&p, "photo").starts_with("Photo must be an http:// or https:// address"));
    }

    #[test]
    fn reads_yaml_with_numbers_as_years_and_refuses_unknown_fields() {
        let yaml = "name: Ada Example\ntitle: Director\ninstitution: Example Library\n\
member_since: 2001\nexpertise: [budgeting]\ncareer:\n  - title: Director\n    organization: X\n    from: 2004\n\
education:\n  - degree: MLIS\n    institution: Y\n    year: 1997\nbio: Hi.\ncontact:\n  email: a@example.org\n";
        let p: Profile = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(p.member_since, "2001");
        assert_eq!(p.career[0].from, "2004");
        assert_eq!(p.career[0].to, "");
        assert_eq!(p.education[0].year, "1997");
        assert_eq!(p.validate(&program(), today()), Ok(()));

        let unknown = format!("{yaml}favourite_colour: blue\n");
        let err = serde_yaml::from_str::<Profile>(&unknown).unwrap_err();
        assert!(err.to_string().contains("unknown field `favourite_colour`"));

        // JSON, as a form or the store sends it, round-trips.
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Profile>(&json).unwrap(), p);
    }

    #[test]
    fn mentee_background_uses_the_same_entry_rules() {
        let ok = MenteeBackground {
            background: "Branch librarian for three years.".into(),
            career: valid().career,
            education: valid().education,
        };
        assert_eq!(ok.validate(today()), Ok(()));
        let bad = MenteeBackground {
            background: "x".repeat(limits::BACKGROUND + 1),
            career: vec![CareerEntry {
                title: "Librarian".into(),
                organization: "Example".into(),
                from: "2030".into(),
                to: String::new(),
            }],
            education: vec![EducationEntry::default(); limits::MAX_EDUCATION + 1],
        };
        let fields: Vec<String> = bad
            .validate(today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields[..3], ["background", "career[0].from", "education"]);
        assert!(fields.contains(&"education[0].degree".to_string()));
        // Empty is fine: background is optional.
        assert_eq!(MenteeBackground::default().validate(today()), Ok(()));
    }
}
