//! The association's roster as the rules see it, and who may take part.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::RuleError;
use crate::program::{Cohort, Eligibility};

/// One member of the association, from the roster import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The association's member number; the key everywhere else.
    pub member_id: String,
    /// Display name.
    pub name: String,
    /// Where mail goes.
    pub email: String,
    /// The day the member joined the association.
    pub joined: NaiveDate,
    /// Member category; must be one of `eligibility.member_categories`.
    pub category: String,
    /// Dues paid and not suspended.
    pub good_standing: bool,
}

/// The two sides of a duo: what a member applies (or is nominated) as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Is mentored.
    Mentee,
    /// Mentors.
    Mentor,
}

impl Side {
    /// `"mentee"` or `"mentor"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Mentee => "mentee",
            Side::Mentor => "mentor",
        }
    }
}

/// Why a member may not take part; its `Display` is a sentence for the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Ineligible {
    /// Dues unpaid or membership suspended.
    #[error("Only members in good standing may take part; please renew your membership first.")]
    NotInGoodStanding,
    /// The member's category is not one of the program's.
    #[error("Members in the category {category:?} cannot take part in this program.")]
    UnknownCategory {
        /// The member's category.
        category: String,
    },
    /// Mentees must be first-year members.
    #[error(
        "Mentees must be first-year members: you joined on {joined}, \
         and this cohort takes mentees who joined on or after {earliest}."
    )]
    NotFirstYear {
        /// When the member joined.
        joined: NaiveDate,
        /// The earliest joining date that qualifies.
        earliest: NaiveDate,
    },
    /// Was a mentee in an earlier cohort, and the program takes each mentee
    /// once (`eligibility.mentees_may_return: false`).
    #[error("You were a mentee in the {cohort_name} cohort; the program takes each mentee once.")]
    FormerMentee {
        /// The earlier cohort's id.
        cohort: String,
        /// Its display name.
        cohort_name: String,
    },
}

impl Ineligible {
    /// Stable machine code: `not_in_good_standing`, `unknown_category`,
    /// `not_first_year`, `former_mentee`.
    pub fn code(&self) -> &'static str {
        match self {
            Ineligible::NotInGoodStanding => "not_in_good_standing",
            Ineligible::UnknownCategory { .. } => "unknown_category",
            Ineligible::NotFirstYear { .. } => "not_first_year",
            Ineligible::FormerMentee { .. } => "former_mentee",
        }
    }
}

impl From<Ineligible> for RuleError {
    fn from(e: Ineligible) -> Self {
        RuleError::NotEligible(e)
    }
}

/// The earliest joining date that still makes a member a "first-year member"
/// for `cohort`: `mentee_max_membership_months` before `applications_open`.
/// Joining exactly on that day qualifies.
pub fn earliest_mentee_join_date(rules: &Eligibility, cohort: &Cohort) -> NaiveDate {
    cohort
        .applications_open
        .checked_sub_months(Months::new(rules.mentee_max_membership_months))
        .unwrap_or(NaiveDate::MIN)
}

/// May `member` take part in `cohort` as `side`?
///
/// Good standing is required of everyone (when the program says so); the
/// member's category must be one of the program's (all of them may take part);
/// a mentee must have joined on or after [`earliest_mentee_join_date`] (joining
/// after applications open is fine).
pub fn check_eligibility(
    rules: &Eligibility,
    cohort: &Cohort,
    member: &Member,
    side: Side,
) -> Result<(), Ineligible> {
    if rules.good_standing_required && !member.good_standing {
        return Err(Ineligible::NotInGoodStanding);
    }
    if !rules
        .member_categories
        .iter()
        .any(|c| c.eq_ignore_ascii_case(&member.category))
    {
        return Err(Ineligible::UnknownCategory {
            category: member.category.clone(),
        });
    }
    if side == Side::Mentee {
        let earliest = earliest_mentee_join_date(rules, cohort);
        if member.joined < earliest {
            return Err(Ineligible::NotFirstYear {
                joined: member.joined,
                earliest,
            });
        }
    }
    Ok(())
}

/// May a member who was a mentee before apply as a mentee in `cohort`?
///
/// `mentee_in` are the cohorts in which the member was accepted as a mentee;
/// only those that opened their applications before `cohort` count (the
/// cohort itself is the duplicate rule's business). Refused with
/// [`Ineligible::FormerMentee`] naming the earliest of them, unless
/// `eligibility.mentees_may_return`. Mentors may serve again: this rule is
/// for the mentee side only.
pub fn check_returning_mentee(
    rules: &Eligibility,
    cohort: &Cohort,
    mentee_in: &[&Cohort],
) -> Result<(), Ineligible> {
    if rules.mentees_may_return {
        return Ok(());
    }
    match mentee_in
        .iter()
        .filter(|c| c.applications_open < cohort.applications_open)
        .min_by_key(|c| c.applications_open)
    {
        Some(earlier) => Err(Ineligible::FormerMentee {
            cohort: earlier.id.clone(),
            cohort_name: earlier.name.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, d, member, program};

    fn check(m: &Member, side: Side) -> Result<(), Ineligible> {
        check_eligibility(&program().eligibility, &cohort(), m, side)
    }

    #[test]
    fn exactly_twelve_months_is_first_year() {
        // applications open 2008-02-01
        assert_eq!(check(&member("a", "2007-02-01"), Side::Mentee), Ok(()));
        assert_eq!(
            check(&member("a", "2007-01-31"), Side::Mentee),
            Err(Ineligible::NotFirstYear {
                joined: d("2007-01-31"),
                earliest: d("2007-02-01")
            })
        );
        // joining after applications open is still first-year
        assert_eq!(check(&member("a", "2008-03-01"), Side::Mentee), Ok(()));
    }

    #[test]
    fn the_window_is_configurable() {
        let mut rules = program().eligibility;
        rules.mentee_max_membership_months = 24;
        assert_eq!(
            earliest_mentee_join_date(&rules, &cohort()),
            d("2006-02-01")
        );
        let m = member("a", "2006-02-01");
        assert_eq!(
            check_eligibility(&rules, &cohort(), &m, Side::Mentee),
            Ok(())
        );
    }

    #[test]
    fn month_end_is_clamped() {
        let mut c = cohort();
        c.applications_open = d("2008-02-29");
        assert_eq!(
            earliest_mentee_join_date(&program().eligibility, &c),
            d("2007-02-28")
        );
    }

    fn next_year() -> Cohort {
        let mut c = cohort();
        c.id = "2009".into();
        c.name = "2009–2010".into();
        c.applications_open = d("2009-01-12");
        c.matching_deadline = d("2009-06-12");
        c.launch = d("2009-07-10");
        c.midpoint_survey = d("2009-11-16");
        c.final_survey = d("2010-04-01");
        c.end = d("2010-04-30");
        c
    }

    #[test]
    fn the_first_year_rule_is_measured_against_each_cohorts_opening() {
        let rules = program().eligibility;
        // Joined 2008-01-20: first-year for both the pilot (opens
        // 2008-02-01) and the next year (opens 2009-01-12).
        let recent = member("a", "2008-01-20");
        assert_eq!(
            check_eligibility(&rules, &cohort(), &recent, Side::Mentee),
            Ok(())
        );
        assert_eq!(
            check_eligibility(&rules, &next_year(), &recent, Side::Mentee),
            Ok(())
        );
        // Joined 2007-06-01: first-year for the pilot, no longer for 2009.
        let older = member("b", "2007-06-01");
        assert_eq!(
            check_eligibility(&rules, &cohort(), &older, Side::Mentee),
            Ok(())
        );
        assert_eq!(
            check_eligibility(&rules, &next_year(), &older, Side::Mentee),
            Err(Ineligible::NotFirstYear {
                joined: d("2007-06-01"),
                earliest: d("2008-01-12"),
            })
        );
        // The boundary moves with the opening day.
        assert_eq!(
            check_eligibility(
                &rules,
                &next_year(),
                &member("c", "2008-01-12"),
                Side::Mentee
            ),
            Ok(())
        );
        assert!(check_eligibility(
            &rules,
            &next_year(),
            &member("c", "2008-01-11"),
            Side::Mentee
        )
        .is_err());
    }

    #[test]
    fn a_mentee_is_taken_once_unless_the_program_says_otherwise() {
        let mut rules = program().eligibility;
        let pilot = cohort();
        let next = next_year();
        let e = check_returning_mentee(&rules, &next, &[&pilot]).unwrap_err();
        assert_eq!(e.code(), "former_mentee");
        assert_eq!(
            e.to_string(),
            "You were a mentee in the 2008 pilot cohort; the program takes each mentee once."
        );
        // Only earlier cohorts count; none is fine.
        assert_eq!(check_returning_mentee(&rules, &next, &[&next]), Ok(()));
        assert_eq!(check_returning_mentee(&rules, &pilot, &[&next]), Ok(()));
        assert_eq!(check_returning_mentee(&rules, &next, &[]), Ok(()));
        rules.mentees_may_return = true;
        assert_eq!(check_returning_mentee(&rules, &next, &[&pilot]), Ok(()));
    }

    #[test]
    fn mentors_need_not_be_first_year() {
        assert_eq!(check(&member("a", "1990-01-01"), Side::Mentor), Ok(()));
    }

    #[test]
    fn good_standing_is_required_of_everyone() {
        let mut m = member("a", "2007-06-01");
        m.good_standing = false;
        for side in [Side::Mentee, Side::Mentor] {
            let e = check(&m, side).unwrap_err();
            assert_eq!(e, Ineligible::NotInGoodStanding);
            assert_eq!(e.code(), "not_in_good_standing");
            assert!(e.to_string().contains("good standing"));
        }
        let mut rules = program().eligibility;
        rules.good_standing_required = false;
        assert_eq!(
            check_eligibility(&rules, &cohort(), &m, Side::Mentee),
            Ok(())
        );
    }

    #[test]
    fn every_program_category_may_apply() {
        for cat in ["personal", "student", "retired", "Student"] {
            let mut m = member("a", "2007-06-01");
            m.category = cat.into();
            assert_eq!(check(&m, Side::Mentee), Ok(()), "{cat}");
        }
        let mut m = member("a", "2007-06-01");
        m.category = "vendor".into();
        let e = check(&m, Side::Mentor).unwrap_err();
        assert_eq!(e.code(), "unknown_category");
        assert_eq!(RuleError::from(e).code(), "not_eligible");
    }

    #[test]
    fn ineligible_serializes_with_a_reason_tag() {
        let v = serde_json::to_value(Ineligible::NotInGoodStanding).unwrap();
        assert_eq!(v, serde_json::json!({"reason": "not_in_good_standing"}));
    }
}
