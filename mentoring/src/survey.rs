//! `content/surveys/<id>.yaml`: a survey definition. The generator renders the
//! form from it; the survey function validates answers against it.

use serde::{Deserialize, Serialize};

/// A survey definition (`content/surveys/<id>.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    /// Equals the file stem: `midpoint`.
    pub id: String,
    /// Title shown above the form.
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
    /// The questions, in order.
    pub questions: Vec<Question>,
}

/// Who a survey is for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Mentees answer it.
    Mentee,
    /// Mentors answer it.
    Mentor,
}

/// A date given as an offset from a named date of the cohort calendar.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RelativeDate {
    /// The calendar date counted from.
    pub from: CalendarDate,
    /// Days after (negative: before) `from`.
    #[serde(default)]
    pub days: i32,
}

/// A named date of the cohort calendar.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDate {
    /// `applications_open`.
    ApplicationsOpen,
    /// `matching_deadline`.
    MatchingDeadline,
    /// `launch`.
    Launch,
    /// `midpoint_survey`.
    MidpointSurvey,
    /// `final_survey`.
    FinalSurvey,
    /// `end`.
    End,
}

// No deny_unknown_fields here: serde does not support it together with flatten.
/// One question of a survey.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Question {
    /// Stable key of the answer: `meeting_frequency`.
    pub id: String,
    /// The question as shown.
    pub prompt: String,
    /// Help text shown under the prompt.
    #[serde(default)]
    pub help: String,
    /// An answer is required.
    #[serde(default)]
    pub required: bool,
    /// The kind of answer, with its settings.
    #[serde(flatten)]
    pub kind: QuestionKind,
}

/// The kinds of question (`kind:` in YAML).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum QuestionKind {
    /// A point on a scale from `min` to `max` (inclusive), e.g. 1..=5.
    Likert {
        /// Lowest point (default 1).
        #[serde(default = "one")]
        min: u8,
        /// Highest point (default 5).
        #[serde(default = "five")]
        max: u8,
        /// Label of the lowest point.
        min_label: String,
        /// Label of the highest point.
        max_label: String,
    },
    /// Exactly one of `choices`.
    Single {
        /// The choices offered.
        choices: Vec<String>,
    },
    /// Any number of `choices` (at least one when required).
    Multi {
        /// The choices offered.
        choices: Vec<String>,
    },
    /// Free text up to `max_length` characters.
    Text {
        /// Most characters of an answer (default 2000).
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
