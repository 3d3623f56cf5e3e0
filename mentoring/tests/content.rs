//! The association's real configuration satisfies the rules: program.yaml
//! validates, every survey's window is sound in every cohort, and the real
//! calendar answers the questions the handlers will ask.

use std::path::PathBuf;

use mentoring::answers::{validate_answers, AnswerValue, Answers};
use mentoring::calendar::{validate_survey_windows, Phase};
use mentoring::program::Program;
use mentoring::survey::{QuestionKind, Survey};

fn content() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn program() -> Program {
    let text = std::fs::read_to_string(content().join("program.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn surveys() -> Vec<Survey> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(content().join("surveys")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let survey: Survey =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                Some(survey.id.as_str()),
                path.file_stem().and_then(|s| s.to_str())
            );
            out.push(survey);
        }
    }
    out
}

#[test]
fn program_yaml_follows_the_rules() {
    let p = program();
    assert_eq!(p.validate(), vec![]);
    for c in &p.cohorts {
        assert_eq!(c.phase(c.launch), Phase::Active);
        assert_eq!(c.phase(c.matching_deadline), Phase::ApplicationsOpen);
    }
}

#[test]
fn surveys_open_within_their_cohort() {
    let p = program();
    let surveys = surveys();
    assert!(!surveys.is_empty());
    for s in &surveys {
        assert_eq!(validate_survey_windows(&p, s), vec![], "{}", s.id);
        for c in &p.cohorts {
            let (opens, _) = c.survey_window(s);
            assert!(
                c.launch <= opens,
                "{} opens before launch in {}",
                s.id,
                c.id
            );
        }
    }
}

#[test]
fn a_complete_answer_to_each_real_survey_validates() {
    for s in surveys() {
        let mut answers = Answers::new();
        for q in &s.questions {
            let v = match &q.kind {
                QuestionKind::Likert { max, .. } => AnswerValue::Number(i64::from(*max)),
                QuestionKind::Single { choices } => AnswerValue::Text(choices[0].clone()),
                QuestionKind::Multi { choices } => AnswerValue::List(vec![choices[0].clone()]),
                QuestionKind::Text { .. } => AnswerValue::Text("Going well.".into()),
            };
            answers.insert(q.id.clone(), v);
        }
        let out = validate_answers(&s, &answers).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        assert_eq!(out.len(), s.questions.len());
        let required = s.questions.iter().filter(|q| q.required).count();
        let e = validate_answers(&s, &Answers::new())
            .map(|_| ())
            .unwrap_err();
        assert_eq!(e.field_errors().len(), required, "{}", s.id);
    }
}
