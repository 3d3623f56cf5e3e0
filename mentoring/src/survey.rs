//! `content/surveys/<id>.yaml`: a survey definition. The generator renders the
//! form from it; the survey function validates answers against it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Equals the file stem: `midpoint`.
    pub id: String,
    pub title: String,
    /// Markdown shown above the questions.
    #[serde(default)]
    pub intro: String,
    /// Who answers it.
    pub audience: Vec<Audience>,
    /// When it opens, relative to the cohort calendar.
    pub opens: RelativeDate,
    /// When it closes, relative to the cohort calendar.
    pub closes: RelativeDate,
    /// An anonymous survey stores no member id with an answer.
    #[serde(default)]
    pub anonymous: bool,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Mentee,
    Mentor,
}

/// A date given as an offset from a named date of the cohort calendar.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RelativeDate {
    pub from: CalendarDate,
    #[serde(default)]
    pub days: i32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDate {
    ApplicationsOpen,
    MatchingDeadline,
    Launch,
    MidpointSurvey,
    FinalSurvey,
    End,
}

// No deny_unknown_fields here: serde does not support it together with flatten.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Question {
    /// Stable key of the answer: `meeting_frequency`.
    pub id: String,
    pub prompt: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum QuestionKind {
    /// A point on a scale from `min` to `max` (inclusive), e.g. 1..=5.
    Likert {
        #[serde(default = "one")]
        min: u8,
        #[serde(default = "five")]
        max: u8,
        min_label: String,
        max_label: String,
    },
    /// Exactly one of `choices`.
    Single { choices: Vec<String> },
    /// Any number of `choices` (at least one when required).
    Multi { choices: Vec<String> },
    /// Free text up to `max_length` characters.
    Text {
        #[serde(default = "default_text_max")]
        max_length: usize,
    },
}

fn one() -> u8 {
    1
}
fn five() -> u8 {
    5
}
fn default_text_max() -> usize {
    2000
}
