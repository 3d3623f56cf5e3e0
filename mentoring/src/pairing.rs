//! The chair's pairing at the matching deadline: mentees still without a
//! duo are paired with mentors still free ([`crate::assignment::propose`]
//! suggests, the chair edits and confirms), and each pair is then asked,
//! as with a request: the duo forms once both the mentee and the mentor
//! accept; either may decline.
//!
//! Rules of a confirmed batch ([`confirm_pairs`]): pairing opens on the
//! cohort's matching deadline and closes at its end; every mentee is an
//! accepted mentee of the cohort with no duo and no open pairing, every
//! mentor a listed mentor with no mentee and no open pairing; nobody twice
//! in one batch; never a pair of the same institution (conflict of
//! interest). A batch with any bad pair is refused as a whole.
//!
//! Stored state: `proposed` until both answered; then `formed` (with the
//! duo's id) or `declined` (by whom). The duo's formation is still a
//! conditional write of the store (the mentor's and the mentee's locks),
//! so a pair whose mentor was taken meanwhile cannot form a second duo.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::duo::{Duo, DuoStatus};
use crate::error::{FieldError, RuleError};
use crate::program::Cohort;
use crate::suggest::same_institution;
use crate::Moment;

/// Most pairs in one confirmed batch. The batch is stored in one
/// transaction — four items a pair (the pairing, both people's lock checks,
/// the audit entry) within DynamoDB's 100 — so it is stored whole or not at
/// all; the chair confirms more in a next round.
pub const MAX_PAIRS: usize = 25;

/// One person's answer to a proposed pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Not yet answered.
    #[default]
    Waiting,
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
}

impl Answer {
    /// snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Answer::Waiting => "waiting",
            Answer::Accepted => "accepted",
            Answer::Declined => "declined",
        }
    }
}

/// A pairing's stored state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PairingStatus {
    /// Waiting for the answers.
    Proposed,
    /// Both accepted: the duo formed.
    Formed {
        /// The duo.
        duo_id: String,
    },
    /// One of the pair declined.
    Declined {
        /// Who declined.
        by: String,
    },
}

impl PairingStatus {
    /// snake_case name (the store's `state`).
    pub fn name(&self) -> &'static str {
        match self {
            PairingStatus::Proposed => "proposed",
            PairingStatus::Formed { .. } => "formed",
            PairingStatus::Declined { .. } => "declined",
        }
    }
}

/// One pair the chair proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// The mentee.
    pub mentee_id: String,
    /// The mentor.
    pub mentor_id: String,
    /// The chair who confirmed it.
    pub proposed_by: String,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// The mentee's answer.
    #[serde(default)]
    pub mentee_answer: Answer,
    /// The mentor's answer.
    #[serde(default)]
    pub mentor_answer: Answer,
    /// State.
    pub status: PairingStatus,
}

/// What the rules need of a mentee in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenteeFacts {
    /// An accepted mentee of the cohort.
    pub accepted: bool,
    /// Already in a duo.
    pub matched: bool,
    /// In another open (proposed) pairing.
    pub pairing_open: bool,
    /// Their library or organization.
    pub institution: Option<String>,
}

/// What the rules need of a mentor in the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorFacts {
    /// A listed (approved, not paused) mentor of the cohort.
    pub listed: bool,
    /// Already has a mentee.
    pub matched: bool,
    /// In another open (proposed) pairing.
    pub pairing_open: bool,
    /// Their library or organization.
    pub institution: String,
}

/// Checks a batch of `(mentee, mentor)` pairs and gives the pairings to
/// store (ids from `new_id`), or every problem, each naming its field
/// (`pairs[2].mentor_id`). `mentee` and `mentor` give each member's facts
/// (`None`: not in the cohort at all).
pub fn confirm_pairs(
    cohort: &Cohort,
    chair: &str,
    pairs: &[(String, String)],
    mentee: impl Fn(&str) -> Option<MenteeFacts>,
    mentor: impl Fn(&str) -> Option<MentorFacts>,
    mut new_id: impl FnMut() -> String,
    at: Moment,
) -> Result<Vec<Pairing>, RuleError> {
    if at.today < cohort.matching_deadline {
        return Err(RuleError::Closed(format!(
            "Pairing for {} opens on its matching deadline, {}.",
            cohort.name, cohort.matching_deadline
        )));
    }
    if at.today > cohort.end {
        return Err(RuleError::Closed(format!(
            "{} ended on {}.",
            cohort.name, cohort.end
        )));
    }
    if pairs.is_empty() {
        return Err(RuleError::Invalid(vec![FieldError::new(
            "pairs",
            "Choose at least one pair to propose.",
        )]));
    }
    if pairs.len() > MAX_PAIRS {
        return Err(RuleError::Invalid(vec![FieldError::new(
            "pairs",
            format!(
                "Confirm at most {MAX_PAIRS} pairs at a time ({} were sent); \
                 the rest stay on the pairing page for the next round.",
                pairs.len()
            ),
        )]));
    }
    let mut errors = Vec::new();
    let mut conflict = None;
    for (i, (mentee_id, mentor_id)) in pairs.iter().enumerate() {
        let field = |f: &str| format!("pairs[{i}].{f}");
        if pairs[..i].iter().any(|(m, _)| m == mentee_id) {
            errors.push(FieldError::new(
                field("mentee_id"),
                format!("{mentee_id} is in more than one pair."),
            ));
        }
        if pairs[..i].iter().any(|(_, m)| m == mentor_id) {
            errors.push(FieldError::new(
                field("mentor_id"),
                format!("{mentor_id} is in more than one pair; a mentor has one mentee."),
            ));
        }
        let e = mentee(mentee_id);
        let r = mentor(mentor_id);
        match &e {
            None => errors.push(FieldError::new(
                field("mentee_id"),
                format!("{mentee_id} has no mentee application in {}.", cohort.name),
            )),
            Some(f) if !f.accepted => errors.push(FieldError::new(
                field("mentee_id"),
                format!("{mentee_id} is not an accepted mentee of {}.", cohort.name),
            )),
            Some(f) if f.matched => {
                conflict.get_or_insert(format!("{mentee_id} already has a mentor."));
            }
            Some(f) if f.pairing_open => {
                conflict.get_or_insert(format!(
                    "{mentee_id} is already in a proposed pairing awaiting answers."
                ));
            }
            Some(_) => {}
        }
        match &r {
            None => errors.push(FieldError::new(
                field("mentor_id"),
                format!("{mentor_id} has no mentor application in {}.", cohort.name),
            )),
            Some(f) if !f.listed => errors.push(FieldError::new(
                field("mentor_id"),
                format!("{mentor_id} is not a listed mentor of {}.", cohort.name),
            )),
            Some(f) if f.matched => {
                conflict.get_or_insert(format!("{mentor_id} already has a mentee."));
            }
            Some(f) if f.pairing_open => {
                conflict.get_or_insert(format!(
                    "{mentor_id} is already in a proposed pairing awaiting answers."
                ));
            }
            Some(_) => {}
        }
        if let (Some(e), Some(r)) = (&e, &r) {
            if same_institution(e.institution.as_deref(), &r.institution) {
                errors.push(FieldError::new(
                    field("mentor_id"),
                    format!(
                        "{mentee_id} and {mentor_id} work at the same institution \
                         (conflict of interest)."
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(RuleError::Invalid(errors));
    }
    if let Some(c) = conflict {
        return Err(RuleError::Conflict(c));
    }
    Ok(pairs
        .iter()
        .map(|(mentee_id, mentor_id)| Pairing {
            id: new_id(),
            cohort: cohort.id.clone(),
            mentee_id: mentee_id.clone(),
            mentor_id: mentor_id.clone(),
            proposed_by: chair.to_owned(),
            proposed_at: at.now,
            mentee_answer: Answer::Waiting,
            mentor_answer: Answer::Waiting,
            status: PairingStatus::Proposed,
        })
        .collect())
}

/// The result of one answer: the pairing as it is now, and the duo to
/// form when this was the second acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The pairing after the answer.
    pub pairing: Pairing,
    /// The duo, when both have accepted.
    pub duo: Option<Duo>,
}

impl Pairing {
    /// Is `member` the mentee or the mentor of this pair?
    pub fn has_party(&self, member: &str) -> bool {
        self.mentee_id == member || self.mentor_id == member
    }

    /// `member` answers (`accept` or decline). Refused: not one of the pair
    /// (`Forbidden`), the pairing already settled or this member already
    /// answered (`InvalidTransition`), the cohort over (`Closed`).
    pub fn answer(
        &self,
        member: &str,
        accept: bool,
        cohort: &Cohort,
        duo_id: String,
        at: Moment,
    ) -> Result<Answered, RuleError> {
        if !self.has_party(member) {
            return Err(RuleError::Forbidden(
                "This pairing is not yours to answer.".into(),
            ));
        }
        if at.today > cohort.end {
            return Err(RuleError::Closed(format!(
                "{} ended on {}.",
                cohort.name, cohort.end
            )));
        }
        let mine = if self.mentee_id == member {
            self.mentee_answer
        } else {
            self.mentor_answer
        };
        if self.status != PairingStatus::Proposed || mine != Answer::Waiting {
            let from = if self.status == PairingStatus::Proposed {
                format!("already {}", mine.name())
            } else {
                self.status.name().to_owned()
            };
            return Err(RuleError::InvalidTransition {
                from,
                action: if accept { "accept" } else { "decline" }.into(),
            });
        }
        let mut next = self.clone();
        let answer = if accept {
            Answer::Accepted
        } else {
            Answer::Declined
        };
        if self.mentee_id == member {
            next.mentee_answer = answer;
        } else {
            next.mentor_answer = answer;
        }
        let mut duo = None;
        if !accept {
            next.status = PairingStatus::Declined {
                by: member.to_owned(),
            };
        } else if next.mentee_answer == Answer::Accepted && next.mentor_answer == Answer::Accepted {
            next.status = PairingStatus::Formed {
                duo_id: duo_id.clone(),
            };
            duo = Some(Duo {
                id: duo_id,
                cohort: self.cohort.clone(),
                mentor_id: self.mentor_id.clone(),
                mentee_id: self.mentee_id.clone(),
                liaison_id: None,
                request_id: Some(self.id.clone()),
                formed_at: at.now,
                status: DuoStatus::Formed,
            });
        }
        Ok(Answered { pairing: next, duo })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::program;
    use chrono::NaiveDate;

    fn at(day: &str) -> Moment {
        let d: NaiveDate = day.parse().unwrap();
        Moment {
            now: d.and_hms_opt(15, 0, 0).unwrap().and_utc(),
            today: d,
        }
    }

    fn mentee_ok(id: &str) -> Option<MenteeFacts> {
        (id.starts_with('E')).then(|| MenteeFacts {
            accepted: id != "E9",
            matched: id == "E8",
            pairing_open: false,
            institution: Some(
                if id == "E3" {
                    "Lakeside Library"
                } else {
                    "Elsewhere"
                }
                .into(),
            ),
        })
    }

    fn mentor_ok(id: &str) -> Option<MentorFacts> {
        (id.starts_with('R')).then(|| MentorFacts {
            listed: true,
            matched: id == "R8",
            pairing_open: false,
            institution: if id == "R3" {
                "Lakeside Library".into()
            } else {
                "Hillcrest".into()
            },
        })
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    fn confirm(list: &[(&str, &str)], day: &str) -> Result<Vec<Pairing>, RuleError> {
        let p = program();
        let c = &p.cohorts[0];
        let mut n = 0;
        confirm_pairs(
            c,
            "CH",
            &pairs(list),
            mentee_ok,
            mentor_ok,
            || {
                n += 1;
                format!("p{n}")
            },
            at(day),
        )
    }

    fn deadline() -> String {
        program().cohorts[0].matching_deadline.to_string()
    }

    #[test]
    fn a_good_batch_gives_one_proposed_pairing_per_pair() {
        let got = confirm(&[("E1", "R1"), ("E2", "R2")], &deadline()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].id, "p2");
        assert_eq!(got[1].mentee_id, "E2");
        assert_eq!(got[0].status, PairingStatus::Proposed);
        assert_eq!(got[0].proposed_by, "CH");
    }

    #[test]
    fn refused_before_the_deadline_and_after_the_end() {
        let p = program();
        let before = p.cohorts[0].matching_deadline.pred_opt().unwrap();
        let e = confirm(&[("E1", "R1")], &before.to_string()).unwrap_err();
        assert_eq!(e.code(), "closed");
        let after = p.cohorts[0].end.succ_opt().unwrap();
        assert_eq!(
            confirm(&[("E1", "R1")], &after.to_string())
                .unwrap_err()
                .code(),
            "closed"
        );
    }

    #[test]
    fn bad_pairs_are_named_by_field() {
        let e = confirm(
            &[("E1", "R1"), ("E1", "R2"), ("E9", "X1"), ("E3", "R3")],
            &deadline(),
        )
        .unwrap_err();
        let RuleError::Invalid(fields) = e else {
            panic!("{e:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "pairs[1].mentee_id",
                "pairs[2].mentee_id",
                "pairs[2].mentor_id",
                "pairs[3].mentor_id"
            ]
        );
        assert!(fields[3].message.contains("conflict of interest"));
        assert_eq!(confirm(&[], &deadline()).unwrap_err().code(), "invalid");
    }

    #[test]
    fn a_mentor_who_has_a_mentee_is_a_conflict() {
        let e = confirm(&[("E1", "R8")], &deadline()).unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains("R8 already has a mentee"), "{e}");
        let e = confirm(&[("E8", "R1")], &deadline()).unwrap_err();
        assert!(e.to_string().contains("E8 already has a mentor"), "{e}");
    }

    #[test]
    fn the_duo_forms_on_the_second_acceptance_and_a_decline_ends_it() {
        let p = program();
        let c = &p.cohorts[0];
        let day = at(&deadline());
        let pairing = confirm(&[("E1", "R1")], &deadline()).unwrap().remove(0);
        let a = pairing.answer("R1", true, c, "d1".into(), day).unwrap();
        assert!(a.duo.is_none());
        assert_eq!(a.pairing.status, PairingStatus::Proposed);
        let again = a
            .pairing
            .answer("R1", true, c, "d1".into(), day)
            .unwrap_err();
        assert_eq!(again.code(), "invalid_transition");
        let b = a.pairing.answer("E1", true, c, "d1".into(), day).unwrap();
        let duo = b.duo.expect("formed");
        assert_eq!(
            (duo.mentee_id.as_str(), duo.mentor_id.as_str()),
            ("E1", "R1")
        );
        assert_eq!(duo.request_id.as_deref(), Some(pairing.id.as_str()));
        assert_eq!(
            b.pairing.status,
            PairingStatus::Formed {
                duo_id: "d1".into()
            }
        );
        let d = pairing.answer("E1", false, c, "d1".into(), day).unwrap();
        assert_eq!(
            d.pairing.status,
            PairingStatus::Declined { by: "E1".into() }
        );
        assert!(d.duo.is_none());
        let late = d
            .pairing
            .answer("R1", true, c, "d1".into(), day)
            .unwrap_err();
        assert_eq!(late.code(), "invalid_transition");
        let stranger = pairing.answer("E2", true, c, "d1".into(), day).unwrap_err();
        assert_eq!(stranger.code(), "forbidden");
    }
}
