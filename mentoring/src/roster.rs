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
}

impl Ineligible {
    /// Stable machine code: `not_in_good_standing`, `unknown_category`, `not_first_year`.
    pub fn code(&self) -> &'static str {
        match self {
            Ineligible::NotInGoodStanding => "not_in_good_standing",
            Ineligible::UnknownCategory { .. } => "unknown_category",
            Ineligible::NotFirstYear { .. } => "not_first_year",
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
