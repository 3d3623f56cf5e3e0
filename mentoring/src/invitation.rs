//! Who is invited to a survey: the one definition the scheduler (who gets
//! the invitation and the reminder), the response-rate API, the committee's
//! page and the report all count by, so they show one response rate.
//!
//! The invited of `survey` in `cohort` are the mentee and the mentor of each
//! of the cohort's duos, for the sides the survey is for, unless the duo
//! ended early before the survey opened; each person once (on the side of
//! their first duo in formation order).

use crate::duo::{Duo, DuoStatus};
use crate::program::Cohort;
use crate::roster::Side;
use crate::survey::Survey;

/// One invited person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    /// The member.
    pub member_id: String,
    /// The side they answer as.
    pub side: Side,
}

/// The invited of `survey` in `cohort`, given the cohort's `duos` (any
/// order; taken in formation order, ties by id).
pub fn invited(survey: &Survey, cohort: &Cohort, duos: &[Duo]) -> Vec<Invitee> {
    let (opens, _) = cohort.survey_window(survey);
    let mut ordered: Vec<&Duo> = duos.iter().filter(|d| d.cohort == cohort.id).collect();
    ordered.sort_by(|a, b| a.formed_at.cmp(&b.formed_at).then(a.id.cmp(&b.id)));
    let mut out: Vec<Invitee> = Vec::new();
    for duo in ordered {
        if let DuoStatus::EndedEarly { at, .. } = &duo.status {
            if at.date_naive() < opens {
                continue;
            }
        }
        for (member, side) in [
            (&duo.mentee_id, Side::Mentee),
            (&duo.mentor_id, Side::Mentor),
        ] {
            if survey.is_for(side) && !out.iter().any(|i| &i.member_id == member) {
                out.push(Invitee {
                    member_id: member.clone(),
                    side,
                });
            }
        }
    }
    out
}

/// How many of `invited` answer as `side`.
pub fn count_on(invited: &[Invitee], side: Side) -> u32 {
    u32::try_from(invited.iter().filter(|i| i.side == side).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, survey};
    use chrono::TimeZone;

    fn duo(id: &str, mentee: &str, mentor: &str, ended: Option<&str>) -> Duo {
        Duo {
            id: id.into(),
            cohort: cohort().id,
            mentor_id: mentor.into(),
            mentee_id: mentee.into(),
            liaison_id: None,
            request_id: None,
            formed_at: chrono::Utc.with_ymd_and_hms(2008, 5, 1, 12, 0, 0).unwrap(),
            status: match ended {
                None => DuoStatus::Formed,
                Some(day) => DuoStatus::EndedEarly {
                    by: mentee.into(),
                    reason: String::new(),
                    at: format!("{day}T12:00:00Z").parse().unwrap(),
                },
            },
        }
    }

    #[test]
    fn duo_parties_once_without_duos_ended_before_the_survey_opened() {
        let c = cohort();
        let s = survey();
        let (opens, _) = c.survey_window(&s);
        let before = opens.pred_opt().unwrap().to_string();
        let after = opens.to_string();
        let duos = [
            duo("d1", "E1", "R1", None),
            duo("d2", "E2", "R2", Some(&before)),
            duo("d3", "E3", "R3", Some(&after)),
        ];
        let got = invited(&s, &c, &duos);
        let ids: Vec<&str> = got.iter().map(|i| i.member_id.as_str()).collect();
        let expected: Vec<&str> = ["E1", "R1", "E3", "R3"]
            .into_iter()
            .filter(|m| {
                let side = if m.starts_with('E') {
                    Side::Mentee
                } else {
                    Side::Mentor
                };
                s.is_for(side)
            })
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(
            count_on(&got, Side::Mentee) + count_on(&got, Side::Mentor),
            got.len() as u32
        );
    }
}
