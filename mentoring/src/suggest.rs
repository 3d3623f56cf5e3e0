//! Help to match: how well a mentor's expertise meets a mentee's stated
//! interests and goals ([`compatibility`]), the "suggested for you" list of
//! the directory ([`suggest`]), and the conflict of interest that keeps a
//! mentor of the mentee's own institution out of both.
//!
//! Self-match stays the way duos form: suggestions only rank; the same score
//! drives the committee's proposal at the matching deadline
//! ([`crate::assignment`]).
//!
//! Score of a (mentee, mentor) pair: [`INTEREST_WEIGHT`] for every
//! expertise term of the mentor that the mentee chose as an interest, plus
//! [`GOALS_WEIGHT`] for every other term of the mentor that the mentee's
//! goals mention (a word of the term's name, e.g. "budget" of "Budgeting and
//! finance"). The reason lists the shared terms: "shares: budgeting and
//! finance, strategic planning".

use serde::{Deserialize, Serialize};

use crate::program::{ExpertiseTerm, Program};

/// Points for a term the mentee chose as an interest.
pub const INTEREST_WEIGHT: u32 = 3;
/// Points for a term the mentee's goals mention.
pub const GOALS_WEIGHT: u32 = 1;

/// What the rules need of a mentee.
#[derive(Debug, Clone, Copy)]
pub struct MenteeSide<'a> {
    /// Member id.
    pub member_id: &'a str,
    /// Expertise slugs chosen as interests.
    pub interests: &'a [String],
    /// The mentee's goals, free text.
    pub goals: &'a str,
    /// Their library or organization, when known.
    pub institution: Option<&'a str>,
}

/// What the rules need of a mentor.
#[derive(Debug, Clone, Copy)]
pub struct MentorSide<'a> {
    /// Member id.
    pub member_id: &'a str,
    /// Expertise slugs.
    pub expertise: &'a [String],
    /// Their library or organization.
    pub institution: &'a str,
}

/// How one mentor meets one mentee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compatibility {
    /// Higher is better; 0 means nothing in common.
    pub score: u32,
    /// Slugs of the shared terms, in the program's vocabulary order.
    pub shared: Vec<String>,
    /// Same institution: never suggested nor proposed.
    pub conflict_of_interest: bool,
}

/// One "suggested for you" entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The mentor.
    pub mentor_id: String,
    /// The score ([`compatibility`]).
    pub score: u32,
    /// Why: "shares: budgeting and finance, strategic planning".
    pub reason: String,
}

/// What the directory shows a mentee.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    /// Mentors with something in common, best first (score descending, then
    /// member id).
    pub suggested: Vec<Suggestion>,
    /// Mentors of the mentee's own institution (conflict of interest), by id.
    pub conflicts: Vec<String>,
}

/// An institution as conflicts of interest compare it: blanks collapsed,
/// lower case; `None` when blank (unknown institutions never conflict). The
/// directory's cards carry it (`data-institution`) and `GET /api/me` gives
/// the mentee's, so the page marks the same conflicts the suggestions skip.
pub fn institution_key(institution: &str) -> Option<String> {
    let key = institution
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!key.is_empty()).then_some(key)
}

/// Same institution, ignoring case and surrounding blanks; unknown or blank
/// institutions never conflict.
pub fn same_institution(a: Option<&str>, b: &str) -> bool {
    match (a.and_then(institution_key), institution_key(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Words of a term that count as a mention in free text: its name's words
/// of five letters or more, cut to their first six letters (so "budget"
/// matches "Budgeting", "planning" matches "plan" not).
fn term_stems(term: &ExpertiseTerm) -> Vec<String> {
    term.name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5)
        .map(|w| w.to_lowercase().chars().take(6).collect())
        .collect()
}

fn mentions(text_words: &[String], term: &ExpertiseTerm) -> bool {
    let stems = term_stems(term);
    text_words
        .iter()
        .any(|w| stems.iter().any(|s| w.starts_with(s.as_str())))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How `mentor` meets `mentee` (see the module docs for the score).
pub fn compatibility(program: &Program, mentee: &MenteeSide, mentor: &MentorSide) -> Compatibility {
    let goal_words = words(mentee.goals);
    let mut score = 0;
    let mut shared = Vec::new();
    for term in &program.expertise {
        if !mentor.expertise.contains(&term.slug) {
            continue;
        }
        if mentee.interests.contains(&term.slug) {
            score += INTEREST_WEIGHT;
            shared.push(term.slug.clone());
        } else if mentions(&goal_words, term) {
            score += GOALS_WEIGHT;
            shared.push(term.slug.clone());
        }
    }
    Compatibility {
        score,
        shared,
        conflict_of_interest: same_institution(mentee.institution, mentor.institution),
    }
}

/// "shares: budgeting and finance, strategic planning": the shared terms'
/// names, lowercase, alphabetical.
pub fn reason(program: &Program, shared: &[String]) -> String {
    let mut names: Vec<String> = shared
        .iter()
        .map(|s| {
            program
                .expertise_term(s)
                .map(|t| t.name.to_lowercase())
                .unwrap_or_else(|| s.replace('-', " "))
        })
        .collect();
    names.sort();
    format!("shares: {}", names.join(", "))
}

/// "Suggested for you": every mentor with a positive score and no conflict
/// of interest, best first (score descending, ties by member id); mentors
/// of the mentee's institution are listed apart as conflicts.
pub fn suggest(program: &Program, mentee: &MenteeSide, mentors: &[MentorSide]) -> Suggestions {
    let mut out = Suggestions::default();
    for m in mentors {
        if m.member_id == mentee.member_id {
            continue;
        }
        let c = compatibility(program, mentee, m);
        if c.conflict_of_interest {
            out.conflicts.push(m.member_id.to_owned());
        } else if c.score > 0 {
            out.suggested.push(Suggestion {
                mentor_id: m.member_id.to_owned(),
                score: c.score,
                reason: reason(program, &c.shared),
            });
        }
    }
    out.suggested.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.mentor_id.cmp(&b.mentor_id))
    });
    out.conflicts.sort();
    out.conflicts.dedup();
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::program::ExpertiseTerm;
    use crate::testutil::program;

    pub(crate) fn vocabulary() -> Program {
        let mut p = program();
        p.expertise = [
            ("strategic-planning", "Strategic planning"),
            ("budgeting-and-finance", "Budgeting and finance"),
            ("personnel-management", "Personnel management"),
            ("technology-leadership", "Technology leadership"),
            ("public-services", "Public services"),
        ]
        .iter()
        .map(|(slug, name)| ExpertiseTerm {
            slug: (*slug).into(),
            name: (*name).into(),
            description: String::new(),
        })
        .collect();
        p
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn interests_weigh_more_than_goals() {
        let p = vocabulary();
        let interests = strings(&["strategic-planning"]);
        let mentee = MenteeSide {
            member_id: "me",
            interests: &interests,
            goals: "I will have to defend my first budget next spring.",
            institution: Some("Riverbend Public Library"),
        };
        let expertise = strings(&[
            "budgeting-and-finance",
            "strategic-planning",
            "public-services",
        ]);
        let c = compatibility(
            &p,
            &mentee,
            &MentorSide {
                member_id: "mo",
                expertise: &expertise,
                institution: "Lakeside College Library",
            },
        );
        assert_eq!(c.score, INTEREST_WEIGHT + GOALS_WEIGHT);
        assert_eq!(c.shared, ["strategic-planning", "budgeting-and-finance"]);
        assert!(!c.conflict_of_interest);
        assert_eq!(
            reason(&p, &c.shared),
            "shares: budgeting and finance, strategic planning"
        );
    }

    #[test]
    fn short_words_and_unrelated_goals_do_not_count() {
        let p = vocabulary();
        let mentee = MenteeSide {
            member_id: "me",
            interests: &[],
            goals: "Plan my week and serve the public.",
            institution: None,
        };
        let expertise = strings(&["strategic-planning", "budgeting-and-finance"]);
        let c = compatibility(
            &p,
            &mentee,
            &MentorSide {
                member_id: "mo",
                expertise: &expertise,
                institution: "X",
            },
        );
        assert_eq!(c.score, 0, "{c:?}");
        assert!(c.shared.is_empty());
    }

    #[test]
    fn ranking_is_by_score_then_id_and_excludes_own_institution() {
        let p = vocabulary();
        let interests = strings(&["budgeting-and-finance", "personnel-management"]);
        let mentee = MenteeSide {
            member_id: "me",
            interests: &interests,
            goals: "Grow into a strategic role.",
            institution: Some("  riverbend   public library "),
        };
        let e_both = strings(&["budgeting-and-finance", "personnel-management"]);
        let e_one = strings(&["budgeting-and-finance"]);
        let e_one_goal = strings(&["personnel-management", "strategic-planning"]);
        let e_none = strings(&["public-services"]);
        let mentors = [
            MentorSide {
                member_id: "m4",
                expertise: &e_one,
                institution: "Hill County Library",
            },
            MentorSide {
                member_id: "m3",
                expertise: &e_one,
                institution: "Lakeside College Library",
            },
            MentorSide {
                member_id: "m9",
                expertise: &e_both,
                institution: "Riverbend Public Library",
            },
            MentorSide {
                member_id: "m2",
                expertise: &e_one_goal,
                institution: "Harbor State University",
            },
            MentorSide {
                member_id: "m1",
                expertise: &e_none,
                institution: "Elm Street Library",
            },
            MentorSide {
                member_id: "me",
                expertise: &e_both,
                institution: "Elsewhere",
            },
        ];
        let s = suggest(&p, &mentee, &mentors);
        let ranked: Vec<(&str, u32)> = s
            .suggested
            .iter()
            .map(|x| (x.mentor_id.as_str(), x.score))
            .collect();
        assert_eq!(ranked, [("m2", 4), ("m3", 3), ("m4", 3)]);
        assert_eq!(
            s.suggested[0].reason,
            "shares: personnel management, strategic planning"
        );
        assert_eq!(s.suggested[1].reason, "shares: budgeting and finance");
        assert_eq!(
            s.conflicts,
            ["m9"],
            "the best match is excluded: same institution"
        );
    }

    #[test]
    fn unknown_institutions_never_conflict() {
        assert!(!same_institution(None, "A"));
        assert!(!same_institution(Some(" "), " "));
        assert!(same_institution(Some("Oak Library"), "oak  library"));
        assert!(!same_institution(Some("Oak Library"), "Oak Library West"));
    }
}
