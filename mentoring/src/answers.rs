//! Survey answers: validation against a [`Survey`] definition, who may answer
//! and when, anonymous storage, one answer per person, and tallies.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{check, FieldError, RuleError};
use crate::nomination::hex;
use crate::program::Cohort;
use crate::roster::Side;
use crate::survey::{Audience, QuestionKind, Survey};
use crate::Moment;

/// One answer: a likert point (number), a single choice or text (string), or
/// several choices (list). Plain form posts may send a likert point as a
/// string ("4") and a multi answer with one box ticked as a string; both are
/// accepted and normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A likert point.
    Number(i64),
    /// A single choice or free text.
    Text(String),
    /// Multiple choices.
    List(Vec<String>),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, AnswerValue>;

impl From<Audience> for Side {
    fn from(a: Audience) -> Side {
        match a {
            Audience::Mentee => Side::Mentee,
            Audience::Mentor => Side::Mentor,
        }
    }
}

impl Survey {
    /// Whether a member on `side` is in this survey's audience.
    pub fn is_for(&self, side: Side) -> bool {
        self.audience.iter().any(|a| Side::from(*a) == side)
    }
}

fn is_blank(v: &AnswerValue) -> bool {
    match v {
        AnswerValue::Number(_) => false,
        AnswerValue::Text(s) => s.trim().is_empty(),
        AnswerValue::List(l) => l.iter().all(|s| s.trim().is_empty()),
    }
}

/// Validate `answers` against `survey` and return them normalized (blank
/// optional answers dropped, likert points as numbers, multi answers as
/// lists, text trimmed).
///
/// Errors name the question id: a required question unanswered, a choice not
/// offered, a likert point out of range, text over `max_length` characters,
/// a question id the survey does not have, a value of the wrong shape.
pub fn validate_answers(survey: &Survey, answers: &Answers) -> Result<Answers, RuleError> {
    let mut errors = Vec::new();
    let mut out = Answers::new();
    for id in answers.keys() {
        if !survey.questions.iter().any(|q| &q.id == id) {
            errors.push(FieldError::new(id, "This survey has no such question."));
        }
    }
    for q in &survey.questions {
        let value = answers.get(&q.id).filter(|v| !is_blank(v));
        let Some(value) = value else {
            if q.required {
                errors.push(FieldError::new(&q.id, "Please answer this question."));
            }
            continue;
        };
        let err = |m: String| FieldError::new(&q.id, m);
        let normalized = match (&q.kind, value) {
            (QuestionKind::Likert { min, max, .. }, v) => {
                let n = match v {
                    AnswerValue::Number(n) => Some(*n),
                    AnswerValue::Text(s) => s.trim().parse::<i64>().ok(),
                    AnswerValue::List(_) => None,
                };
                match n {
                    Some(n) if (i64::from(*min)..=i64::from(*max)).contains(&n) => {
                        Ok(AnswerValue::Number(n))
                    }
                    _ => Err(err(format!("Choose a point from {min} to {max}."))),
                }
            }
            (QuestionKind::Single { choices }, AnswerValue::Text(s)) => {
                if choices.iter().any(|c| c == s) {
                    Ok(AnswerValue::Text(s.clone()))
                } else {
                    Err(err(format!("{s:?} is not one of the choices.")))
                }
            }
            (QuestionKind::Single { .. }, _) => Err(err("Choose one answer.".into())),
            (QuestionKind::Multi { choices }, v) => {
                let picked: Vec<String> = match v {
                    AnswerValue::List(l) => l.clone(),
                    AnswerValue::Text(s) => vec![s.clone()],
                    AnswerValue::Number(_) => Vec::new(),
                };
                if picked.is_empty() {
                    Err(err("Choose from the listed answers.".into()))
                } else if let Some(bad) = picked.iter().find(|p| !choices.contains(p)) {
                    Err(err(format!("{bad:?} is not one of the choices.")))
                } else {
                    let mut unique: Vec<String> = Vec::new();
                    for p in picked {
                        if !unique.contains(&p) {
                            unique.push(p);
                        }
                    }
                    Ok(AnswerValue::List(unique))
                }
            }
            (QuestionKind::Text { max_length }, AnswerValue::Text(s)) => {
                let s = s.trim();
                let n = s.chars().count();
                if n > *max_length {
                    Err(err(format!(
                        "Too long: {n} characters, at most {max_length}."
                    )))
                } else {
                    Ok(AnswerValue::Text(s.to_owned()))
                }
            }
            (QuestionKind::Text { .. }, _) => Err(err("Answer with text.".into())),
        };
        match normalized {
            Ok(v) => {
                out.insert(q.id.clone(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    check(errors)?;
    Ok(out)
}

/// May a member on one of `sides` answer `survey` in `cohort` on `today`?
/// Not in the audience: `forbidden`; outside the survey's window: `closed`.
pub fn check_may_answer(
    survey: &Survey,
    cohort: &Cohort,
    sides: &[Side],
    today: NaiveDate,
) -> Result<(), RuleError> {
    if !sides.iter().any(|s| survey.is_for(*s)) {
        return Err(RuleError::Forbidden("This survey is not for you.".into()));
    }
    if !cohort.survey_open(survey, today) {
        let (opens, closes) = cohort.survey_window(survey);
        return Err(RuleError::Closed(format!(
            "This survey takes answers from {opens} through {closes}."
        )));
    }
    Ok(())
}

/// The key of the `DONE#` item that makes one answer per person a
/// conditional write without storing who answered: lowercase hex
/// HMAC-SHA256 under `secret` of the length-prefixed member id, cohort and
/// survey id. Keep `secret` out of the data store.
pub fn dedupe_key(secret: &[u8], member_id: &str, cohort: &str, survey_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    for part in [member_id, cohort, survey_id] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex(&mac.finalize().into_bytes())
}

/// A stored survey response. An anonymous survey's response has no member
/// id and no time of day (only the date), so it cannot be tied to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponse {
    /// Survey id.
    pub survey_id: String,
    /// Cohort id.
    pub cohort: String,
    /// Who answered; `None` for an anonymous survey.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Mentee or mentor, for tallies by side.
    pub side: Side,
    /// The normalized answers.
    pub answers: Answers,
    /// The day it was answered.
    pub submitted_on: NaiveDate,
    /// The instant; `None` for an anonymous survey.
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Check and build a response from `member_id` answering as `side`:
/// audience and window ([`check_may_answer`]), then the answers
/// ([`validate_answers`]). The store writes it together with the
/// [`dedupe_key`] item, conditionally on that item not existing.
pub fn respond(
    survey: &Survey,
    cohort: &Cohort,
    member_id: &str,
    side: Side,
    answers: &Answers,
    at: Moment,
) -> Result<SurveyResponse, RuleError> {
    check_may_answer(survey, cohort, &[side], at.today)?;
    let answers = validate_answers(survey, answers)?;
    Ok(SurveyResponse {
        survey_id: survey.id.clone(),
        cohort: cohort.id.clone(),
        member_id: (!survey.anonymous).then(|| member_id.to_owned()),
        side,
        answers,
        submitted_on: at.today,
        submitted_at: (!survey.anonymous).then_some(at.now),
    })
}

/// Tallies of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionStats {
    /// Count per point, and the mean of the answers given.
    Likert {
        /// Count per point (every point of the scale present).
        counts: BTreeMap<i64, u32>,
        /// Mean, `None` when nobody answered.
        mean: Option<f64>,
    },
    /// Count per choice (every choice present).
    Choice {
        /// Count per choice.
        counts: BTreeMap<String, u32>,
    },
    /// Free text: how many answered (the texts are read in the report, not tallied).
    Text,
    /// Too few answered to show a breakdown ([`crate::disclosure`]).
    Withheld {
        /// What is shown instead: "fewer than 5 answers".
        reason: String,
    },
}

/// Tallies of one question, with how many answered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionSummary {
    /// Question id.
    pub id: String,
    /// How many responses answered it.
    pub answered: u32,
    /// The tallies.
    pub stats: QuestionStats,
}

/// A survey's tallies (`GET /api/surveys/{id}/stats`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyStats {
    /// Survey id.
    pub survey_id: String,
    /// Responses counted.
    pub responses: u32,
    /// Responses by side.
    pub by_side: BTreeMap<String, u32>,
    /// People invited (the audience's size), as given.
    pub invited: u32,
    /// `responses / invited`, `None` when nobody was invited.
    pub response_rate: Option<f64>,
    /// Per question, in the survey's order.
    pub questions: Vec<QuestionSummary>,
}

/// Tally `responses` to `survey`; `invited` is how many people the survey
/// was for (for the response rate).
pub fn tally(survey: &Survey, responses: &[SurveyResponse], invited: u32) -> SurveyStats {
    let mut by_side = BTreeMap::new();
    for r in responses {
        *by_side.entry(r.side.as_str().to_owned()).or_insert(0) += 1;
    }
    let questions = survey
        .questions
        .iter()
        .map(|q| {
            let given = responses.iter().filter_map(|r| r.answers.get(&q.id));
            let mut answered = 0u32;
            let stats = match &q.kind {
                QuestionKind::Likert { min, max, .. } => {
                    let mut counts: BTreeMap<i64, u32> = (i64::from(*min)..=i64::from(*max))
                        .map(|p| (p, 0))
                        .collect();
                    let mut sum = 0i64;
                    for v in given {
                        if let AnswerValue::Number(n) = v {
                            *counts.entry(*n).or_insert(0) += 1;
                            sum += n;
                            answered += 1;
                        }
                    }
                    let mean = (answered > 0).then(|| sum as f64 / f64::from(answered));
                    QuestionStats::Likert { counts, mean }
                }
                QuestionKind::Single { choices } | QuestionKind::Multi { choices } => {
                    let mut counts: BTreeMap<String, u32> =
                        choices.iter().map(|c| (c.clone(), 0)).collect();
                    for v in given {
                        let picked: &[String] = match v {
                            AnswerValue::Text(s) => std::slice::from_ref(s),
                            AnswerValue::List(l) => l,
                            AnswerValue::Number(_) => &[],
                        };
                        if !picked.is_empty() {
                            answered += 1;
                        }
                        for p in picked {
                            *counts.entry(p.clone()).or_insert(0) += 1;
                        }
                    }
                    QuestionStats::Choice { counts }
                }
                QuestionKind::Text { .. } => {
                    answered = u32::try_from(given.count()).unwrap_or(u32::MAX);
                    QuestionStats::Text
                }
            };
            QuestionSummary {
                id: q.id.clone(),
                answered,
                stats,
            }
        })
        .collect();
    let count = u32::try_from(responses.len()).unwrap_or(u32::MAX);
    SurveyStats {
        survey_id: survey.id.clone(),
        responses: count,
        by_side,
        invited,
        response_rate: (invited > 0).then(|| f64::from(count) / f64::from(invited)),
        questions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, d, survey, t};
    use serde_json::json;

    fn answers(v: serde_json::Value) -> Answers {
        serde_json::from_value(v).unwrap()
    }

    fn fields(r: Result<Answers, RuleError>) -> Vec<String> {
        r.unwrap_err()
            .field_errors()
            .iter()
            .map(|e| e.field.clone())
            .collect()
    }

    #[test]
    fn valid_answers_are_normalized() {
        let s = survey();
        let a = answers(json!({
            "satisfaction": "4",
            "meeting_frequency": "monthly",
            "topics": "career",
            "comments": "  fine  "
        }));
        let out = validate_answers(&s, &a).unwrap();
        assert_eq!(out["satisfaction"], AnswerValue::Number(4));
        assert_eq!(out["topics"], AnswerValue::List(vec!["career".into()]));
        assert_eq!(out["comments"], AnswerValue::Text("fine".into()));
        let a = answers(
            json!({"satisfaction": 5, "meeting_frequency": "weekly", "topics": [], "comments": ""}),
        );
        let out = validate_answers(&s, &a).unwrap();
        assert_eq!(out.len(), 2, "blank optional answers are dropped");
        let a = answers(
            json!({"satisfaction": 1, "meeting_frequency": "weekly", "topics": ["career", "career", "people"]}),
        );
        assert_eq!(
            validate_answers(&s, &a).unwrap()["topics"],
            AnswerValue::List(vec!["career".into(), "people".into()])
        );
    }

    #[test]
    fn required_questions_must_be_answered() {
        let s = survey();
        assert_eq!(
            fields(validate_answers(&s, &Answers::new())),
            ["satisfaction", "meeting_frequency"]
        );
        let a = answers(json!({"satisfaction": 3, "meeting_frequency": "  "}));
        assert_eq!(fields(validate_answers(&s, &a)), ["meeting_frequency"]);
    }

    #[test]
    fn likert_range_is_inclusive() {
        let s = survey();
        for (v, ok) in [
            (json!(0), false),
            (json!(1), true),
            (json!(5), true),
            (json!(6), false),
            (json!("x"), false),
            (json!(["3"]), false),
        ] {
            let a = answers(json!({"satisfaction": v, "meeting_frequency": "weekly"}));
            assert_eq!(validate_answers(&s, &a).is_ok(), ok, "{v}");
        }
    }

    #[test]
    fn choices_lengths_and_unknown_ids() {
        let s = survey();
        let a = answers(json!({
            "satisfaction": 3,
            "meeting_frequency": "daily",
            "topics": ["career", "golf"],
            "comments": "01234567890",
            "favourite_colour": "blue"
        }));
        assert_eq!(
            fields(validate_answers(&s, &a)),
            [
                "favourite_colour",
                "meeting_frequency",
                "topics",
                "comments"
            ]
        );
        // exactly max_length (10) characters is fine, counted as characters
        let a = answers(
            json!({"satisfaction": 3, "meeting_frequency": "weekly", "comments": "éééééééééé"}),
        );
        assert!(validate_answers(&s, &a).is_ok());
        // wrong shapes
        let a = answers(json!({"satisfaction": 3, "meeting_frequency": ["weekly"], "comments": 4}));
        assert_eq!(
            fields(validate_answers(&s, &a)),
            ["meeting_frequency", "comments"]
        );
    }

    #[test]
    fn only_the_audience_while_open() {
        let mut s = survey();
        let c = cohort();
        assert!(check_may_answer(&s, &c, &[Side::Mentee], d("2008-11-15")).is_ok());
        assert_eq!(
            check_may_answer(&s, &c, &[Side::Mentor], d("2008-12-07"))
                .unwrap_err()
                .code(),
            "closed"
        );
        assert_eq!(
            check_may_answer(&s, &c, &[Side::Mentor], d("2008-11-14"))
                .unwrap_err()
                .code(),
            "closed"
        );
        s.audience = vec![Audience::Mentor];
        assert_eq!(
            check_may_answer(&s, &c, &[Side::Mentee], d("2008-11-20"))
                .unwrap_err()
                .code(),
            "forbidden"
        );
        assert!(check_may_answer(&s, &c, &[Side::Mentee, Side::Mentor], d("2008-11-20")).is_ok());
        assert!(check_may_answer(&s, &c, &[], d("2008-11-20")).is_err());
    }

    #[test]
    fn anonymous_responses_store_no_member() {
        let mut s = survey();
        let c = cohort();
        let at = Moment::utc(t("2008-11-20T15:30:00Z"));
        let a = answers(json!({"satisfaction": 4, "meeting_frequency": "weekly"}));
        let r = respond(&s, &c, "me", Side::Mentee, &a, at).unwrap();
        assert_eq!(r.member_id, None);
        assert_eq!(r.submitted_at, None);
        assert_eq!(r.submitted_on, d("2008-11-20"));
        assert!(!serde_json::to_string(&r).unwrap().contains("\"me\""));
        s.anonymous = false;
        let r = respond(&s, &c, "me", Side::Mentee, &a, at).unwrap();
        assert_eq!(r.member_id.as_deref(), Some("me"));
        assert_eq!(r.submitted_at, Some(at.now));
        let bad = answers(json!({}));
        assert_eq!(
            respond(&s, &c, "me", Side::Mentee, &bad, at)
                .unwrap_err()
                .code(),
            "invalid"
        );
    }

    #[test]
    fn dedupe_key_is_stable_and_separates_fields() {
        let k = dedupe_key(b"secret", "m1", "2008", "midpoint");
        assert_eq!(k.len(), 64);
        assert_eq!(k, dedupe_key(b"secret", "m1", "2008", "midpoint"));
        assert_ne!(k, dedupe_key(b"other", "m1", "2008", "midpoint"));
        assert_ne!(k, dedupe_key(b"secret", "m2", "2008", "midpoint"));
        assert_ne!(k, dedupe_key(b"secret", "m1", "2009", "midpoint"));
        assert_ne!(k, dedupe_key(b"secret", "m1", "2008", "final"));
        assert_ne!(
            dedupe_key(b"s", "ab", "c", "x"),
            dedupe_key(b"s", "a", "bc", "x")
        );
        assert!(!k.contains("m1"));
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // The construction itself, checked against a published vector.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn tallies() {
        let s = survey();
        let c = cohort();
        let at = Moment::utc(t("2008-11-20T15:30:00Z"));
        let rs: Vec<_> = [
            (Side::Mentee, json!({"satisfaction": 4, "meeting_frequency": "weekly", "topics": ["career", "people"], "comments": "ok"})),
            (Side::Mentor, json!({"satisfaction": 5, "meeting_frequency": "weekly"})),
        ]
        .into_iter()
        .map(|(side, a)| respond(&s, &c, "x", side, &answers(a), at).unwrap())
        .collect();
        let st = tally(&s, &rs, 4);
        assert_eq!(st.responses, 2);
        assert_eq!(st.response_rate, Some(0.5));
        assert_eq!(st.by_side["mentee"], 1);
        let q = &st.questions[0];
        assert_eq!(q.answered, 2);
        match &q.stats {
            QuestionStats::Likert { counts, mean } => {
                assert_eq!(counts.len(), 5);
                assert_eq!(counts[&4], 1);
                assert_eq!(counts[&1], 0);
                assert_eq!(*mean, Some(4.5));
            }
            other => panic!("{other:?}"),
        }
        match &st.questions[1].stats {
            QuestionStats::Choice { counts } => {
                assert_eq!(counts["weekly"], 2);
                assert_eq!(counts["rarely"], 0);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(st.questions[2].answered, 1);
        assert_eq!(st.questions[3].answered, 1);
        assert_eq!(st.questions[3].stats, QuestionStats::Text);
        assert_eq!(tally(&s, &[], 0).response_rate, None);
    }
}
