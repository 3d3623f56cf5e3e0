//! Mentee and mentor applications: the forms, their validation, and their
//! state machines.
//!
//! Mentee: `submitted -> accepted | waitlisted{place}` (by the cap, see
//! [`crate::cap`]); `waitlisted -> accepted` when a place frees or the
//! committee approves; `submitted | waitlisted -> declined` by the committee;
//! `submitted | accepted | waitlisted -> withdrawn` by the applicant.
//!
//! Mentor: `submitted -> approved | declined` by the committee (a mentor is
//! listed in the directory only when approved); `submitted | approved ->
//! withdrawn` by the applicant.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cap::{admit, Admission};
use crate::error::{Checker, RuleError};
use crate::profile::{CareerEntry, EducationEntry, MenteeBackground, Profile};
use crate::program::{Cohort, Program};
use crate::roster::{check_eligibility, check_returning_mentee, Member, Side};
use crate::Moment;

/// Longest mentee goals, in characters.
pub const MAX_GOALS: usize = 2000;
/// Longest mentee background, in characters ([`crate::profile::limits`]).
pub const MAX_BACKGROUND: usize = crate::profile::limits::BACKGROUND;
/// Longest availability note, in characters ([`crate::profile::limits`]).
pub const MAX_AVAILABILITY: usize = crate::profile::limits::AVAILABILITY;
/// Longest mentor bio, in characters ([`crate::profile::limits`]).
pub const MAX_BIO: usize = crate::profile::limits::BIO;
/// Longest job title or institution, in characters ([`crate::profile::limits`]).
pub const MAX_SHORT_TEXT: usize = crate::profile::limits::TITLE;
/// Most expertise terms a mentee may list as interests or a mentor may claim
/// ([`crate::profile::limits`]).
pub const MAX_TERMS: usize = crate::profile::limits::MAX_EXPERTISE;

/// What a mentee fills in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MenteeForm {
    /// What the mentee wants from the year (required).
    pub goals: String,
    /// Current position and career so far.
    pub background: String,
    /// Expertise slugs the mentee is interested in (optional; each must be known).
    pub interests: Vec<String>,
    /// When and how they can meet.
    pub availability: String,
    /// Their library or organization (optional): mentors of the same one
    /// are not suggested to them (conflict of interest).
    pub institution: String,
    /// Positions held (the same entries, and rules, as a profile's).
    pub career: Vec<CareerEntry>,
    /// Degrees and certificates.
    pub education: Vec<EducationEntry>,
}

impl MenteeForm {
    /// What the asked mentor and the committee see about the mentee
    /// besides the goals ([`MenteeBackground`]).
    pub fn background(&self) -> MenteeBackground {
        MenteeBackground {
            background: self.background.clone(),
            career: self.career.clone(),
            education: self.education.clone(),
        }
    }
}

/// What a mentor fills in; it becomes their directory profile once approved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MentorForm {
    /// Job title (required).
    pub title: String,
    /// Library or organization (required).
    pub institution: String,
    /// Expertise slugs from the program's vocabulary (at least one).
    pub expertise: Vec<String>,
    /// Years of involvement in the association (at least the program's minimum).
    pub years_involvement: u32,
    /// Biography, markdown (required).
    pub bio: String,
    /// When and how they can meet.
    pub availability: String,
}

/// State of a mentee application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MenteeStatus {
    /// Complete and stored, not yet counted against the cap.
    Submitted,
    /// In the cohort: may browse the directory and send match requests.
    Accepted,
    /// Over the cap, waiting at `place` (1 is next).
    Waitlisted {
        /// 1-based place on the waitlist, as given on arrival.
        place: u32,
    },
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Declined by the committee.
    Declined,
}

/// State of a mentor application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MentorStatus {
    /// Waiting for the committee.
    Submitted,
    /// Approved: listed in the directory, may be asked.
    Approved,
    /// Declined by the committee.
    Declined,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl MenteeStatus {
    /// snake_case name of the state.
    pub fn name(self) -> &'static str {
        match self {
            MenteeStatus::Submitted => "submitted",
            MenteeStatus::Accepted => "accepted",
            MenteeStatus::Waitlisted { .. } => "waitlisted",
            MenteeStatus::Withdrawn => "withdrawn",
            MenteeStatus::Declined => "declined",
        }
    }

    /// Apply the cap: `submitted -> accepted | waitlisted{place}`.
    pub fn admit(self, ordinal: u64, cap: u32) -> Result<MenteeStatus, RuleError> {
        match self {
            MenteeStatus::Submitted => Ok(admit(ordinal, cap).status()),
            s => Err(RuleError::transition(s.name(), "admit")),
        }
    }

    /// A place freed: `waitlisted -> accepted`.
    pub fn promote(self) -> Result<MenteeStatus, RuleError> {
        match self {
            MenteeStatus::Waitlisted { .. } => Ok(MenteeStatus::Accepted),
            s => Err(RuleError::transition(s.name(), "promote")),
        }
    }

    /// Committee approval: `submitted | waitlisted -> accepted`.
    pub fn approve(self) -> Result<MenteeStatus, RuleError> {
        match self {
            MenteeStatus::Submitted | MenteeStatus::Waitlisted { .. } => Ok(MenteeStatus::Accepted),
            s => Err(RuleError::transition(s.name(), "approve")),
        }
    }

    /// Committee decline: `submitted | waitlisted -> declined`.
    pub fn decline(self) -> Result<MenteeStatus, RuleError> {
        match self {
            MenteeStatus::Submitted | MenteeStatus::Waitlisted { .. } => Ok(MenteeStatus::Declined),
            s => Err(RuleError::transition(s.name(), "decline")),
        }
    }

    /// The applicant withdraws: `submitted | accepted | waitlisted -> withdrawn`.
    pub fn withdraw(self) -> Result<MenteeStatus, RuleError> {
        match self {
            MenteeStatus::Submitted | MenteeStatus::Accepted | MenteeStatus::Waitlisted { .. } => {
                Ok(MenteeStatus::Withdrawn)
            }
            s => Err(RuleError::transition(s.name(), "withdraw")),
        }
    }
}

impl MentorStatus {
    /// snake_case name of the state.
    pub fn name(self) -> &'static str {
        match self {
            MentorStatus::Submitted => "submitted",
            MentorStatus::Approved => "approved",
            MentorStatus::Declined => "declined",
            MentorStatus::Withdrawn => "withdrawn",
        }
    }

    /// Listed in the mentor directory (and may be asked) only when approved.
    pub fn is_listed(self) -> bool {
        self == MentorStatus::Approved
    }

    /// Committee approval: `submitted -> approved`.
    pub fn approve(self) -> Result<MentorStatus, RuleError> {
        match self {
            MentorStatus::Submitted => Ok(MentorStatus::Approved),
            s => Err(RuleError::transition(s.name(), "approve")),
        }
    }

    /// Committee decline: `submitted -> declined`.
    pub fn decline(self) -> Result<MentorStatus, RuleError> {
        match self {
            MentorStatus::Submitted => Ok(MentorStatus::Declined),
            s => Err(RuleError::transition(s.name(), "decline")),
        }
    }

    /// The applicant withdraws: `submitted | approved -> withdrawn`.
    pub fn withdraw(self) -> Result<MentorStatus, RuleError> {
        match self {
            MentorStatus::Submitted | MentorStatus::Approved => Ok(MentorStatus::Withdrawn),
            s => Err(RuleError::transition(s.name(), "withdraw")),
        }
    }
}

/// A stored mentee application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenteeApplication {
    /// Cohort id.
    pub cohort: String,
    /// The applicant.
    pub member_id: String,
    /// What they filled in.
    pub form: MenteeForm,
    /// When it was stored.
    pub submitted_at: DateTime<Utc>,
    /// Order of arrival from the store's counter, once counted.
    #[serde(default)]
    pub ordinal: Option<u64>,
    /// Current state.
    pub status: MenteeStatus,
}

/// A stored mentor application (and, once approved, the mentor's profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorApplication {
    /// Cohort id.
    pub cohort: String,
    /// The applicant.
    pub member_id: String,
    /// What they filled in.
    pub form: MentorForm,
    /// When it was stored.
    pub submitted_at: DateTime<Utc>,
    /// Current state.
    pub status: MentorStatus,
}

/// Either kind of application, tagged by `side` (for listings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "side", rename_all = "snake_case")]
pub enum Application {
    /// A mentee application.
    Mentee(MenteeApplication),
    /// A mentor application.
    Mentor(MentorApplication),
}

/// The body of `POST /api/applications`, tagged by `side`:
/// `{"side": "mentee", "goals": ...}` or `{"side": "mentor", "title": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "side", rename_all = "snake_case")]
pub enum ApplicationForm {
    /// Applying as a mentee.
    Mentee(MenteeForm),
    /// Applying as a mentor.
    Mentor(MentorForm),
}

/// [`submit_mentee`] or [`submit_mentor`], by the form's side.
pub fn submit(
    program: &Program,
    cohort: &Cohort,
    member: &Member,
    mentee_before: &[String],
    form: ApplicationForm,
    at: Moment,
) -> Result<Application, RuleError> {
    Ok(match form {
        ApplicationForm::Mentee(f) => Application::Mentee(submit_mentee(
            program,
            cohort,
            member,
            mentee_before,
            f,
            at,
        )?),
        ApplicationForm::Mentor(f) => {
            Application::Mentor(submit_mentor(program, cohort, member, f, at)?)
        }
    })
}

impl Application {
    /// The applicant.
    pub fn member_id(&self) -> &str {
        match self {
            Application::Mentee(a) => &a.member_id,
            Application::Mentor(a) => &a.member_id,
        }
    }

    /// Mentee or mentor.
    pub fn side(&self) -> Side {
        match self {
            Application::Mentee(_) => Side::Mentee,
            Application::Mentor(_) => Side::Mentor,
        }
    }
}

impl MenteeForm {
    /// Field-level validation against the program's expertise vocabulary.
    pub fn validate(&self, program: &Program) -> Result<(), RuleError> {
        let mut c = Checker::default();
        c.required("goals", "Goals", &self.goals, MAX_GOALS);
        c.max_len("background", "Background", &self.background, MAX_BACKGROUND);
        c.max_len(
            "availability",
            "Availability",
            &self.availability,
            MAX_AVAILABILITY,
        );
        check_terms(&mut c, program, "interests", &self.interests);
        c.max_len(
            "institution",
            "Institution",
            &self.institution,
            MAX_SHORT_TEXT,
        );
        c.finish()
    }
}

impl MentorForm {
    /// Field-level validation: required texts, lengths, at least one known
    /// expertise term, years of involvement at least the program's minimum.
    pub fn validate(&self, program: &Program) -> Result<(), RuleError> {
        let mut c = Checker::default();
        c.required("title", "Title", &self.title, MAX_SHORT_TEXT);
        c.required(
            "institution",
            "Institution",
            &self.institution,
            MAX_SHORT_TEXT,
        );
        if self.expertise.is_empty() {
            c.push(
                "expertise",
                "Name at least one area of expertise from the program's list.",
            );
        }
        check_terms(&mut c, program, "expertise", &self.expertise);
        check_years(&mut c, program, self.years_involvement);
        c.required("bio", "Bio", &self.bio, MAX_BIO);
        c.max_len(
            "availability",
            "Availability",
            &self.availability,
            MAX_AVAILABILITY,
        );
        c.finish()
    }
}

fn check_terms(c: &mut Checker, program: &Program, field: &str, terms: &[String]) {
    if terms.len() > MAX_TERMS {
        c.push(field, format!("Choose at most {MAX_TERMS} terms."));
    }
    for (i, term) in terms.iter().enumerate() {
        if program.expertise_term(term).is_none() {
            c.push(
                field,
                format!("{term:?} is not one of the program's expertise terms."),
            );
        } else if terms[..i].contains(term) {
            c.push(field, format!("{term:?} is listed twice."));
        }
    }
}

fn check_open(cohort: &Cohort, at: Moment) -> Result<(), RuleError> {
    if cohort.accepts_applications(at.today) {
        Ok(())
    } else {
        Err(RuleError::Closed(format!(
            "Applications for {} are taken from {} through {}.",
            cohort.name, cohort.applications_open, cohort.matching_deadline
        )))
    }
}

/// Check and build a mentee application in state `submitted`.
///
/// Checks, in order: applications are open ([`RuleError::Closed`]), the member
/// is eligible as a mentee ([`RuleError::NotEligible`]), the form
/// ([`RuleError::Invalid`]). The store then counts it with its atomic counter
/// and calls [`MenteeApplication::admit`]. One application per member and
/// cohort is the store's conditional write.
///
/// `mentee_before` are the ids of the cohorts in which the member was
/// accepted as a mentee; an earlier one refuses them unless the program lets
/// mentees return ([`check_returning_mentee`]).
pub fn submit_mentee(
    program: &Program,
    cohort: &Cohort,
    member: &Member,
    mentee_before: &[String],
    form: MenteeForm,
    at: Moment,
) -> Result<MenteeApplication, RuleError> {
    check_open(cohort, at)?;
    check_eligibility(&program.eligibility, cohort, member, Side::Mentee)?;
    let before: Vec<&Cohort> = mentee_before
        .iter()
        .filter_map(|id| program.cohort(id))
        .collect();
    check_returning_mentee(&program.eligibility, cohort, &before)?;
    let mut problems = form
        .validate(program)
        .err()
        .map(|e| e.field_errors().to_vec())
        .unwrap_or_default();
    if let Err(more) = form.background().validate(at.today) {
        problems.extend(more.into_iter().filter(|e| e.field != "background"));
    }
    if !problems.is_empty() {
        return Err(RuleError::Invalid(problems));
    }
    Ok(MenteeApplication {
        cohort: cohort.id.clone(),
        member_id: member.member_id.clone(),
        form,
        submitted_at: at.now,
        ordinal: None,
        status: MenteeStatus::Submitted,
    })
}

/// Check and build a mentor application in state `submitted` (same order of
/// checks as [`submit_mentee`]).
pub fn submit_mentor(
    program: &Program,
    cohort: &Cohort,
    member: &Member,
    form: MentorForm,
    at: Moment,
) -> Result<MentorApplication, RuleError> {
    check_open(cohort, at)?;
    check_eligibility(&program.eligibility, cohort, member, Side::Mentor)?;
    form.validate(program)?;
    Ok(MentorApplication {
        cohort: cohort.id.clone(),
        member_id: member.member_id.clone(),
        form,
        submitted_at: at.now,
        status: MentorStatus::Submitted,
    })
}

impl MentorForm {
    /// The application's summary of `profile` (what the committee's list and
    /// the request page show), with the application question
    /// `years_involvement`.
    pub fn from_profile(profile: &Profile, years_involvement: u32) -> MentorForm {
        MentorForm {
            title: profile.title.clone(),
            institution: profile.institution.clone(),
            expertise: profile.expertise.clone(),
            years_involvement,
            bio: profile.bio.clone(),
            availability: profile.availability.clone(),
        }
    }
}

/// A mentor application that carries the whole profile: the profile's own
/// rules ([`Profile::validate`]) plus the application question, years of
/// involvement (at least the program's minimum). Same order of checks as
/// [`submit_mentee`]; returns the application (its form summarising the
/// profile, [`MentorForm::from_profile`]).
pub fn submit_mentor_profile(
    program: &Program,
    cohort: &Cohort,
    member: &Member,
    profile: &Profile,
    years_involvement: u32,
    at: Moment,
) -> Result<MentorApplication, RuleError> {
    check_open(cohort, at)?;
    check_eligibility(&program.eligibility, cohort, member, Side::Mentor)?;
    let mut c = Checker::default();
    if let Err(problems) = profile.validate(program, at.today) {
        c.errors.extend(problems);
    }
    check_years(&mut c, program, years_involvement);
    c.finish()?;
    Ok(MentorApplication {
        cohort: cohort.id.clone(),
        member_id: member.member_id.clone(),
        form: MentorForm::from_profile(profile, years_involvement),
        submitted_at: at.now,
        status: MentorStatus::Submitted,
    })
}

fn check_years(c: &mut Checker, program: &Program, years: u32) {
    let min = program.eligibility.mentor_min_years_involvement;
    if years < min {
        c.push(
            "years_involvement",
            format!(
                "Mentors need at least {min} year{} of involvement in {}.",
                if min == 1 { "" } else { "s" },
                program.association
            ),
        );
    }
}

impl MenteeApplication {
    /// Record the arrival ordinal and apply the cap; returns the admission.
    pub fn admit(&mut self, ordinal: u64, cap: u32) -> Result<Admission, RuleError> {
        self.status = self.status.admit(ordinal, cap)?;
        self.ordinal = Some(ordinal);
        Ok(admit(ordinal, cap))
    }

    /// The applicant withdraws; only they may. Returns the new status; if it
    /// was `accepted`, [`MenteeApplication::frees_place`] was true and the
    /// store should promote [`crate::cap::next_off_waitlist`].
    pub fn withdraw(&self, actor: &str) -> Result<MenteeStatus, RuleError> {
        if actor != self.member_id {
            return Err(RuleError::Forbidden(
                "Only the applicant may withdraw an application.".into(),
            ));
        }
        self.status.withdraw()
    }

    /// Whether withdrawing this application frees a place under the cap.
    pub fn frees_place(&self) -> bool {
        self.status == MenteeStatus::Accepted
    }
}

impl MentorApplication {
    /// The applicant withdraws; only they may.
    pub fn withdraw(&self, actor: &str) -> Result<MentorStatus, RuleError> {
        if actor != self.member_id {
            return Err(RuleError::Forbidden(
                "Only the applicant may withdraw an application.".into(),
            ));
        }
        self.status.withdraw()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testutil::{cohort, d, member, program, t};

    pub(crate) fn mentee_app(id: &str) -> MenteeApplication {
        MenteeApplication {
            cohort: "2008".into(),
            member_id: id.into(),
            form: mentee_form(),
            submitted_at: t("2008-03-01T12:00:00Z"),
            ordinal: None,
            status: MenteeStatus::Submitted,
        }
    }

    fn mentee_form() -> MenteeForm {
        MenteeForm {
            goals: "Learn budgeting".into(),
            background: String::new(),
            interests: vec!["budgeting".into()],
            availability: String::new(),
            institution: String::new(),
            career: vec![],
            education: vec![],
        }
    }

    pub(crate) fn mentor_form() -> MentorForm {
        MentorForm {
            title: "Director".into(),
            institution: "Public Library".into(),
            expertise: vec!["strategic-planning".into()],
            years_involvement: 5,
            bio: "Long career.".into(),
            availability: String::new(),
        }
    }

    fn at(s: &str) -> Moment {
        Moment::utc(t(s))
    }

    fn fields(e: RuleError) -> Vec<String> {
        e.field_errors().iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn a_mentee_submits() {
        let m = member("m1", "2007-06-01");
        let app = submit_mentee(
            &program(),
            &cohort(),
            &m,
            &[],
            mentee_form(),
            at("2008-03-01T12:00:00Z"),
        )
        .unwrap();
        assert_eq!(app.status, MenteeStatus::Submitted);
        assert_eq!(app.member_id, "m1");
        assert_eq!(app.cohort, "2008");
    }

    #[test]
    fn goals_are_required_and_limited() {
        let p = program();
        let mut f = mentee_form();
        f.goals = "  ".into();
        assert_eq!(fields(f.validate(&p).unwrap_err()), ["goals"]);
        f.goals = "x".repeat(MAX_GOALS);
        assert!(f.validate(&p).is_ok());
        f.goals = "x".repeat(MAX_GOALS + 1);
        f.background = "y".repeat(MAX_BACKGROUND + 1);
        f.availability = "z".repeat(MAX_AVAILABILITY + 1);
        f.interests = vec!["knitting".into()];
        assert_eq!(
            fields(f.validate(&p).unwrap_err()),
            ["goals", "background", "availability", "interests"]
        );
    }

    #[test]
    fn mentors_need_known_expertise_and_years() {
        let p = program();
        let mut f = mentor_form();
        assert!(f.validate(&p).is_ok());
        f.expertise = vec![];
        f.years_involvement = 0;
        f.title.clear();
        f.bio.clear();
        assert_eq!(
            fields(f.validate(&p).unwrap_err()),
            ["title", "expertise", "years_involvement", "bio"]
        );
        let mut f = mentor_form();
        f.expertise = vec![
            "budgeting".into(),
            "underwater-basketry".into(),
            "budgeting".into(),
        ];
        let e = f.validate(&p).unwrap_err();
        assert_eq!(fields(e.clone()), ["expertise", "expertise"]);
        assert!(e.field_errors()[0].message.contains("underwater-basketry"));
        let mut f = mentor_form();
        f.years_involvement = 1; // exactly the minimum
        assert!(f.validate(&p).is_ok());
        f.expertise = vec!["budgeting".into(); MAX_TERMS + 1];
        assert!(f.validate(&p).is_err());
    }

    #[test]
    fn submission_checks_window_then_eligibility_then_form() {
        let p = program();
        let c = cohort();
        let old = member("old", "2000-01-01");
        let mut bad = mentee_form();
        bad.goals.clear();
        let e =
            submit_mentee(&p, &c, &old, &[], bad.clone(), at("2008-06-01T00:00:00Z")).unwrap_err();
        assert_eq!(e.code(), "closed");
        let e =
            submit_mentee(&p, &c, &old, &[], bad.clone(), at("2008-05-31T23:00:00Z")).unwrap_err();
        assert_eq!(e.code(), "not_eligible");
        let e = submit_mentee(
            &p,
            &c,
            &member("new", "2007-06-01"),
            &[],
            bad,
            at("2008-05-31T23:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid");
        // an old member may still mentor
        let app = submit_mentor(&p, &c, &old, mentor_form(), at("2008-02-01T00:00:00Z")).unwrap();
        assert_eq!(app.status, MentorStatus::Submitted);
        assert!(!app.status.is_listed());
        let mut lapsed = old.clone();
        lapsed.good_standing = false;
        let e =
            submit_mentor(&p, &c, &lapsed, mentor_form(), at("2008-02-01T00:00:00Z")).unwrap_err();
        assert_eq!(e.code(), "not_eligible");
    }

    #[test]
    fn the_cap_admits_on_arrival() {
        let mut a = mentee_app("a");
        assert_eq!(a.admit(25, 25).unwrap(), Admission::Accepted);
        assert_eq!(a.status, MenteeStatus::Accepted);
        assert_eq!(a.ordinal, Some(25));
        // counted once only
        assert_eq!(a.admit(26, 25).unwrap_err().code(), "invalid_transition");
        let mut b = mentee_app("b");
        assert_eq!(b.admit(26, 25).unwrap(), Admission::Waitlisted { place: 1 });
        assert_eq!(b.status, MenteeStatus::Waitlisted { place: 1 });
    }

    #[test]
    fn mentee_state_machine() {
        use MenteeStatus::*;
        let w = Waitlisted { place: 2 };
        assert_eq!(w.promote().unwrap(), Accepted);
        assert_eq!(w.approve().unwrap(), Accepted);
        assert_eq!(Submitted.approve().unwrap(), Accepted);
        assert_eq!(w.decline().unwrap(), Declined);
        assert_eq!(Submitted.decline().unwrap(), Declined);
        assert_eq!(w.withdraw().unwrap(), Withdrawn);
        assert_eq!(Accepted.withdraw().unwrap(), Withdrawn);
        assert_eq!(Submitted.withdraw().unwrap(), Withdrawn);
        for s in [Accepted, Withdrawn, Declined, Submitted] {
            assert!(s.promote().is_err(), "{s:?}");
        }
        for s in [Accepted, Withdrawn, Declined] {
            assert!(s.approve().is_err());
            assert!(s.decline().is_err());
        }
        for s in [Withdrawn, Declined] {
            assert!(s.withdraw().is_err());
        }
        assert_eq!(
            Accepted.decline().unwrap_err(),
            RuleError::InvalidTransition {
                from: "accepted".into(),
                action: "decline".into()
            }
        );
    }

    #[test]
    fn mentor_state_machine() {
        use MentorStatus::*;
        assert_eq!(Submitted.approve().unwrap(), Approved);
        assert_eq!(Submitted.decline().unwrap(), Declined);
        assert_eq!(Approved.withdraw().unwrap(), Withdrawn);
        assert_eq!(Submitted.withdraw().unwrap(), Withdrawn);
        for s in [Approved, Declined, Withdrawn] {
            assert!(s.approve().is_err());
            assert!(s.decline().is_err());
        }
        assert!(Declined.withdraw().is_err());
        assert!(Withdrawn.withdraw().is_err());
        assert!(Approved.is_listed());
        for s in [Submitted, Declined, Withdrawn] {
            assert!(!s.is_listed());
        }
    }

    #[test]
    fn only_the_applicant_withdraws() {
        let mut a = mentee_app("a");
        a.status = MenteeStatus::Accepted;
        assert!(a.frees_place());
        assert_eq!(a.withdraw("b").unwrap_err().code(), "forbidden");
        assert_eq!(a.withdraw("a").unwrap(), MenteeStatus::Withdrawn);
        let m = MentorApplication {
            cohort: "2008".into(),
            member_id: "m".into(),
            form: mentor_form(),
            submitted_at: t("2008-03-01T12:00:00Z"),
            status: MentorStatus::Approved,
        };
        assert_eq!(m.withdraw("x").unwrap_err().code(), "forbidden");
        assert_eq!(m.withdraw("m").unwrap(), MentorStatus::Withdrawn);
    }

    #[test]
    fn a_former_mentee_is_refused_as_mentee_but_may_mentor() {
        let mut p = program();
        let mut next = cohort();
        next.id = "2009".into();
        next.name = "2009–2010".into();
        next.applications_open = d("2009-01-12");
        next.matching_deadline = d("2009-06-12");
        next.launch = d("2009-07-10");
        next.midpoint_survey = d("2009-11-16");
        next.final_survey = d("2010-04-01");
        next.end = d("2010-04-30");
        p.cohorts.push(next.clone());
        // Joined after the pilot opened: still first-year for 2009.
        let alum = member("m1", "2008-02-10");
        let now = at("2009-02-01T12:00:00Z");
        let before = ["2008".to_owned()];
        let e = submit_mentee(&p, &next, &alum, &before, mentee_form(), now).unwrap_err();
        assert_eq!(e.code(), "not_eligible");
        assert!(
            e.to_string().contains("mentee in the 2008 pilot cohort"),
            "{e}"
        );
        // Not a mentee before: accepted as usual; a mentor may serve again.
        assert!(submit_mentee(&p, &next, &alum, &[], mentee_form(), now).is_ok());
        let mentor_form = MentorForm {
            title: "Dean".into(),
            institution: "U".into(),
            expertise: vec!["budgeting".into()],
            years_involvement: 3,
            bio: "b".into(),
            availability: String::new(),
        };
        assert!(submit_mentor(&p, &next, &member("m2", "1990-01-01"), mentor_form, now).is_ok());
        p.eligibility.mentees_may_return = true;
        assert!(submit_mentee(&p, &next, &alum, &before, mentee_form(), now).is_ok());
    }

    #[test]
    fn the_form_is_tagged_by_side() {
        let f: ApplicationForm =
            serde_json::from_value(serde_json::json!({"side": "mentee", "goals": "Grow"})).unwrap();
        let m = member("m1", "2007-06-01");
        let now = at("2008-03-01T12:00:00Z");
        let app = submit(&program(), &cohort(), &m, &[], f, now).unwrap();
        assert_eq!(app.side(), Side::Mentee);
        assert_eq!(app.member_id(), "m1");
        let f: ApplicationForm = serde_json::from_value(serde_json::json!({
            "side": "mentor", "title": "Dean", "institution": "U", "expertise": ["budgeting"],
            "years_involvement": 3, "bio": "b"
        }))
        .unwrap();
        assert_eq!(
            submit(&program(), &cohort(), &m, &[], f, now)
                .unwrap()
                .side(),
            Side::Mentor
        );
        let f: ApplicationForm =
            serde_json::from_value(serde_json::json!({"side": "mentor"})).unwrap();
        let e = submit(&program(), &cohort(), &m, &[], f, now).unwrap_err();
        assert_eq!(e.field_errors().len(), 5);
    }

    #[test]
    fn a_mentor_application_carries_the_whole_profile() {
        let p = program();
        let c = cohort();
        let m = member("m1", "1990-01-01");
        let profile = crate::Profile {
            name: "Ada Example".into(),
            title: "Director".into(),
            institution: "Public Library".into(),
            member_since: "1990".into(),
            expertise: vec!["budgeting".into()],
            bio: "Long career.".into(),
            contact: crate::Contact {
                email: "ada@example.org".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let now = at("2008-03-01T12:00:00Z");
        let a = submit_mentor_profile(&p, &c, &m, &profile, 5, now).unwrap();
        assert_eq!(a.form, MentorForm::from_profile(&profile, 5));
        assert_eq!(a.form.title, "Director");
        // The profile's rules and the question's, all at once.
        let mut bad = profile.clone();
        bad.career.push(crate::CareerEntry {
            title: "Dean".into(),
            organization: "U".into(),
            from: "2030".into(),
            to: String::new(),
        });
        bad.photo = "javascript:x".into();
        let e = submit_mentor_profile(&p, &c, &m, &bad, 0, now).unwrap_err();
        assert_eq!(fields(e), ["career[0].from", "photo", "years_involvement"]);
    }

    #[test]
    fn a_mentee_background_follows_the_profile_rules() {
        let m = member("m1", "2007-06-01");
        let mut f = mentee_form();
        f.career.push(crate::CareerEntry {
            title: "Librarian".into(),
            organization: String::new(),
            from: "2009".into(),
            to: String::new(),
        });
        let e = submit_mentee(
            &program(),
            &cohort(),
            &m,
            &[],
            f,
            at("2008-03-01T12:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(fields(e), ["career[0].organization", "career[0].from"]);
    }

    #[test]
    fn stored_shape_is_snake_case() {
        let mut a = mentee_app("a");
        a.status = MenteeStatus::Waitlisted { place: 4 };
        let v = serde_json::to_value(Application::Mentee(a.clone())).unwrap();
        assert_eq!(v["side"], "mentee");
        assert_eq!(
            v["status"],
            serde_json::json!({"state": "waitlisted", "place": 4})
        );
        assert_eq!(v["form"]["goals"], "Learn budgeting");
        let back: Application = serde_json::from_value(v).unwrap();
        assert_eq!(back, Application::Mentee(a));
        let v = serde_json::to_value(MentorStatus::Approved).unwrap();
        assert_eq!(v, serde_json::json!({"state": "approved"}));
    }
}
