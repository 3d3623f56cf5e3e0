//! The one error type of the rules, and field-level validation errors.
//!
//! This crate knows nothing of HTTP: a handler maps each variant (or its
//! stable [`RuleError::code`]) to a status. A suggested mapping: `invalid` 400,
//! `not_eligible` 403, `forbidden` 403, `not_found` 404, `conflict`,
//! `invalid_transition`, `duplicate`, `limit_reached`, `closed`, `token_used`
//! 409, `expired` 410.
//!
//! Reaching the mentee cap is not an error: a waitlist place is a normal
//! outcome (see [`crate::cap`]).

use serde::{Deserialize, Serialize};

use crate::roster::Ineligible;

/// One problem with one field of some input: `{ "field": "goals", "message": "..." }`.
///
/// `field` names the input field (for survey answers, the question id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field (or survey question id) the message is about.
    pub field: String,
    /// A sentence a person can act on.
    pub message: String,
}

impl FieldError {
    /// A field error for `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Why a rule refused an operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The input is malformed: one entry per offending field.
    #[error("invalid input: {}", join(.0))]
    Invalid(Vec<FieldError>),
    /// The member may not take part (good standing, category, first-year rule).
    #[error("not eligible: {0}")]
    NotEligible(Ineligible),
    /// The actor may not do this to this object (wrong role, not their request...).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The referenced object does not exist (or the token matches nothing).
    #[error("not found: {0}")]
    NotFound(String),
    /// The operation clashes with the current state of other objects
    /// (mentor already has a mentee, mentee already matched...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object is not in a state that allows this transition.
    #[error("cannot {action} when {from}")]
    InvalidTransition {
        /// Current state, snake_case.
        from: String,
        /// The attempted action, snake_case.
        action: String,
    },
    /// The same thing already exists (a second pending request to one mentor, a second answer).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// A numeric limit is reached (pending match requests).
    #[error("limit reached: {0}")]
    LimitReached(String),
    /// Outside the window in which this is allowed (after the matching
    /// deadline, a survey that is not open).
    #[error("closed: {0}")]
    Closed(String),
    /// The object (request, consent link) has expired.
    #[error("expired: {0}")]
    Expired(String),
    /// A single-use token was already used.
    #[error("this link was already used")]
    TokenUsed,
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl RuleError {
    /// Stable machine code of the variant, for API problem documents and logs.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::Invalid(_) => "invalid",
            RuleError::NotEligible(_) => "not_eligible",
            RuleError::Forbidden(_) => "forbidden",
            RuleError::NotFound(_) => "not_found",
            RuleError::Conflict(_) => "conflict",
            RuleError::InvalidTransition { .. } => "invalid_transition",
            RuleError::Duplicate(_) => "duplicate",
            RuleError::LimitReached(_) => "limit_reached",
            RuleError::Closed(_) => "closed",
            RuleError::Expired(_) => "expired",
            RuleError::TokenUsed => "token_used",
        }
    }

    /// The field errors of an [`RuleError::Invalid`], empty for other variants.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            RuleError::Invalid(e) => e,
            _ => &[],
        }
    }

    /// A single-field [`RuleError::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        RuleError::Invalid(vec![FieldError::new(field, message)])
    }

    pub(crate) fn transition(from: impl Into<String>, action: impl Into<String>) -> Self {
        RuleError::InvalidTransition {
            from: from.into(),
            action: action.into(),
        }
    }
}

/// `Ok(())` when `errors` is empty, else [`RuleError::Invalid`].
pub fn check(errors: Vec<FieldError>) -> Result<(), RuleError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(RuleError::Invalid(errors))
    }
}

/// Collects field errors for text limits, in characters (not bytes).
#[derive(Debug, Default)]
pub(crate) struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Required text: non-blank and at most `max` characters.
    pub fn required(&mut self, field: &str, label: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(field, format!("{label} is required."));
        } else {
            self.max_len(field, label, value, max);
        }
    }

    /// Optional text: at most `max` characters.
    pub fn max_len(&mut self, field: &str, label: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if n > max {
            self.push(
                field,
                format!("{label} is too long: {n} characters, at most {max}."),
            );
        }
    }

    pub fn finish(self) -> Result<(), RuleError> {
        check(self.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let all = [
            RuleError::invalid("f", "m"),
            RuleError::NotEligible(Ineligible::NotInGoodStanding),
            RuleError::Forbidden("x".into()),
            RuleError::NotFound("x".into()),
            RuleError::Conflict("x".into()),
            RuleError::transition("pending", "accept"),
            RuleError::Duplicate("x".into()),
            RuleError::LimitReached("x".into()),
            RuleError::Closed("x".into()),
            RuleError::Expired("x".into()),
            RuleError::TokenUsed,
        ];
        let codes: Vec<_> = all.iter().map(RuleError::code).collect();
        assert_eq!(
            codes,
            [
                "invalid",
                "not_eligible",
                "forbidden",
                "not_found",
                "conflict",
                "invalid_transition",
                "duplicate",
                "limit_reached",
                "closed",
                "expired",
                "token_used"
            ]
        );
    }

    #[test]
    fn invalid_lists_fields() {
        let e = RuleError::Invalid(vec![
            FieldError::new("goals", "Goals is required."),
            FieldError::new("bio", "too long"),
        ]);
        assert_eq!(e.field_errors().len(), 2);
        assert!(e.to_string().contains("goals: Goals is required."));
        assert!(RuleError::TokenUsed.field_errors().is_empty());
    }

    #[test]
    fn checker_counts_characters_not_bytes() {
        let mut c = Checker::default();
        c.required("a", "A", "ééé", 3);
        c.required("b", "B", "   ", 3);
        c.max_len("c", "C", "abcd", 3);
        assert_eq!(
            c.errors
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>(),
            ["b", "c"]
        );
        assert!(check(vec![]).is_ok());
    }
}
