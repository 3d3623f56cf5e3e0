//! `content/program.yaml` and `content/surveys/*.yaml`: parsing and checks.

use crate::diagnostics::{field_path_pos, key_pos, key_pos_from, Diagnostic, Pos};
use crate::load::SourceFile;
use mentoring::program::Program;
use mentoring::survey::{QuestionKind, Survey};
use std::collections::HashSet;

/// Parses and checks the program file.
pub fn program(file: &SourceFile) -> Result<Program, Vec<Diagnostic>> {
    let program: Program =
        serde_yaml::from_str(&file.text).map_err(|e| vec![Diagnostic::yaml(&file.rel, &e, 0)])?;
    // One validation: the same rules every runtime loads the program with
    // (mentoring's), each placed at its field.
    let diags: Vec<Diagnostic> = program
        .validate()
        .into_iter()
        .map(|e| {
            Diagnostic::at(
                &file.rel,
                field_path_pos(&file.text, &e.field),
                format!("{} (field {})", e.message, e.field),
            )
        })
        .collect();
    if diags.is_empty() {
        Ok(program)
    } else {
        Err(diags)
    }
}

/// Position of the line `key: value` (at any depth, maybe after `- `).
fn find_value_line(text: &str, key: &str, value: &str) -> Option<Pos> {
    let mut from = 1;
    while let Some(p) = key_pos_from(text, from, key, None) {
        let line = text.lines().nth(p.line - 1).unwrap_or("");
        let v = line
            .split_once(':')
            .map(|(_, v)| v.trim().trim_matches(['"', '\'']))
            .unwrap_or("");
        if v == value {
            return Some(p);
        }
        from = p.line + 1;
    }
    None
}

/// The survey's windows in every cohort of `program` (mentoring's rule, as
/// every runtime checks it), placed at the survey's fields.
pub fn survey_windows(file: &SourceFile, program: &Program, survey: &Survey) -> Vec<Diagnostic> {
    mentoring::calendar::validate_survey_windows(program, survey)
        .into_iter()
        .map(|e| {
            let pos = field_path_pos(&file.text, &e.field)
                .or_else(|| key_pos(&file.text, "window"))
                .or_else(|| key_pos(&file.text, "id"));
            Diagnostic::at(&file.rel, pos, format!("{} (field {})", e.message, e.field))
        })
        .collect()
}

/// Parses and checks one survey definition.
pub fn survey(file: &SourceFile) -> Result<Survey, Vec<Diagnostic>> {
    let survey: Survey =
        serde_yaml::from_str(&file.text).map_err(|e| vec![Diagnostic::yaml(&file.rel, &e, 0)])?;
    let mut diags = Vec::new();
    let stem = file.stem();
    if survey.id != stem {
        diags.push(Diagnostic::at(
            &file.rel,
            key_pos(&file.text, "id"),
            format!(
                "survey id \"{}\" must equal the file name \"{stem}\" (field id)",
                survey.id
            ),
        ));
    }
    if survey.questions.is_empty() {
        diags.push(Diagnostic::at(
            &file.rel,
            key_pos(&file.text, "questions"),
            "a survey needs at least one question (field questions)",
        ));
    }
    let mut ids = HashSet::new();
    for q in &survey.questions {
        let q_pos = find_value_line(&file.text, "id", &q.id);
        let from = q_pos.map(|p| p.line).unwrap_or(1);
        if !ids.insert(q.id.as_str()) {
            diags.push(Diagnostic::at(
                &file.rel,
                q_pos,
                format!(
                    "question id \"{}\" is used twice (field questions.id)",
                    q.id
                ),
            ));
        }
        match &q.kind {
            QuestionKind::Single { choices } | QuestionKind::Multi { choices } => {
                if choices.len() < 2 {
                    diags.push(Diagnostic::at(
                        &file.rel,
                        key_pos_from(&file.text, from, "choices", None).or(q_pos),
                        format!(
                            "question \"{}\" needs at least 2 choices (field questions.choices)",
                            q.id
                        ),
                    ));
                }
            }
            QuestionKind::Likert { min, max, .. } => {
                if min >= max {
                    diags.push(Diagnostic::at(
                        &file.rel,
                        key_pos_from(&file.text, from, "min", None)
                            .or_else(|| key_pos_from(&file.text, from, "max", None))
                            .or(q_pos),
                        format!(
                            "question \"{}\": likert min ({min}) must be less than max ({max}) (field questions.min)",
                            q.id
                        ),
                    ));
                }
            }
            QuestionKind::Text { .. } => {}
        }
    }
    if diags.is_empty() {
        Ok(survey)
    } else {
        Err(diags)
    }
}
