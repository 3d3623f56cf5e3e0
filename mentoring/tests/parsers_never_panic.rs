//! Property tests of the program's rules over outside input (issue 14):
//! profile YAML, survey definitions and program.yaml (the repository's
//! real files, mutated), survey answers (arbitrary JSON) and profile links.
//! For any input: no panic, and every refusal names a field and says what
//! is wrong. [`CASES`] cases a property.

use chrono::NaiveDate;
use mentoring::answers::{validate_answers, Answers};
use mentoring::calendar::validate_survey_windows;
use mentoring::profile::{is_safe_link, Profile};
use mentoring::program::Program;
use mentoring::survey::Survey;
use proptest::prelude::*;
use serde_json::Value;

#[path = "../../testing/proptest_support.rs"]
mod proptest_support;
use proptest_support::{config, content, mutate, Edit};

/// Cases per property (also the count written in the closing note).
const CASES: u32 = 256;

fn program() -> Program {
    serde_yaml::from_str(&content("program.yaml")).expect("content/program.yaml")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 3, 1).unwrap()
}

/// Edits of the profiles and data files.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let value = prop_oneof![
        proptest_support::hostile_yaml_values(),
        Just(" []".to_owned()),
        Just(" 2008-02-30".to_owned()),
    ];
    proptest_support::edits(value, "[ -~\t]{0,40}")
}

fn assert_field_errors(errors: &[mentoring::FieldError]) {
    assert!(!errors.is_empty(), "a refusal without a reason");
    for e in errors {
        assert!(
            !e.field.trim().is_empty() && !e.message.trim().is_empty(),
            "{e:?}"
        );
    }
}

fn assert_rule_error(e: &mentoring::RuleError) {
    assert!(!e.to_string().trim().is_empty());
    if let mentoring::RuleError::Invalid(errors) = e {
        assert_field_errors(errors);
    }
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-10i64..10).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A profile file without its file-only keys (`member_id`, `role`: the
/// generator takes them off before the profile is read).
fn profile_text(file: &str) -> String {
    content(file)
        .lines()
        .filter(|l| !l.starts_with("member_id:") && !l.starts_with("role:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The unedited files parse: the properties start from valid input.
#[test]
fn the_real_files_parse() {
    for file in [
        "mentors/abigail-fenwick.yaml",
        "mentors/daniel-whitcombe.yaml",
        "mentors/grace-abernathy.yaml",
    ] {
        let p: Profile = serde_yaml::from_str(&profile_text(file)).expect(file);
        assert_eq!(p.validate(&program(), today()), Ok(()), "{file}");
    }
    for file in ["surveys/midpoint.yaml", "surveys/final.yaml"] {
        serde_yaml::from_str::<Survey>(&content(file)).expect(file);
    }
    assert!(program().validate().is_empty());
}

proptest! {
    #![proptest_config(config(CASES))]

    /// A mentor's profile YAML, edited: parsed or refused, and when parsed,
    /// every problem names its field.
    #[test]
    fn profile_yaml_never_panics(edits in edits(), which in 0usize..3) {
        let file = ["mentors/abigail-fenwick.yaml", "mentors/daniel-whitcombe.yaml", "mentors/grace-abernathy.yaml"][which];
        let text = mutate(&profile_text(file), &edits);
        if let Ok(profile) = serde_yaml::from_str::<Profile>(&text) {
            if let Err(errors) = profile.validate(&program(), today()) {
                assert_field_errors(&errors);
            }
        }
    }

    /// A survey definition, edited; then answers to it.
    #[test]
    fn survey_definitions_never_panic(edits in edits(), which in any::<bool>(), answers in json_value()) {
        let file = if which { "surveys/midpoint.yaml" } else { "surveys/final.yaml" };
        let text = mutate(&content(file), &edits);
        if let Ok(survey) = serde_yaml::from_str::<Survey>(&text) {
            let errors = validate_survey_windows(&program(), &survey);
            for e in &errors {
                prop_assert!(!e.field.is_empty() && !e.message.trim().is_empty(), "{e:?}");
            }
            if let Ok(answers) = serde_json::from_value::<Answers>(answers) {
                if let Err(e) = validate_answers(&survey, &answers) {
                    assert_rule_error(&e);
                }
            }
        }
    }

    /// Answers to the real surveys: arbitrary JSON objects, and the survey's
    /// own question ids with arbitrary values.
    #[test]
    fn survey_answers_never_panic(answers in json_value(), values in prop::collection::vec(json_value(), 0..12)) {
        for file in ["surveys/midpoint.yaml", "surveys/final.yaml"] {
            let survey: Survey = serde_yaml::from_str(&content(file)).unwrap();
            let mut own = serde_json::Map::new();
            for (q, v) in survey.questions.iter().zip(&values) {
                own.insert(q.id.clone(), v.clone());
            }
            for candidate in [answers.clone(), Value::Object(own)] {
                if let Ok(a) = serde_json::from_value::<Answers>(candidate) {
                    match validate_answers(&survey, &a) {
                        Ok(kept) => prop_assert!(kept.keys().all(|k| survey.questions.iter().any(|q| &q.id == k))),
                        Err(e) => assert_rule_error(&e),
                    }
                }
            }
        }
    }

    /// program.yaml, edited: parsed or refused, never a panic; when parsed,
    /// each cohort's checks name their fields.
    #[test]
    fn program_yaml_never_panics(edits in edits()) {
        let text = mutate(&content("program.yaml"), &edits);
        if let Ok(p) = serde_yaml::from_str::<Program>(&text) {
            for e in p.validate() {
                prop_assert!(!e.field.is_empty() && !e.message.trim().is_empty(), "{e:?}");
            }
        }
    }

    /// A link a profile accepts is an http(s) URL with a host or a path on
    /// the site; never a script, data or protocol-relative URL.
    #[test]
    fn profile_links_are_http_or_site_paths(
        s in prop_oneof![
            ".{0,40}",
            "(https?|javascript|data|vbscript|JavaScript|HTTP)[:/]{0,3}[ -~]{0,20}",
            "/{1,3}[ -~]{0,20}",
        ],
    ) {
        if is_safe_link(&s) {
            let lower = s.to_ascii_lowercase();
            let site_path = s.starts_with('/') && !s.starts_with("//");
            prop_assert!(
                site_path || lower.starts_with("http://") || lower.starts_with("https://"),
                "accepted {s:?}"
            );
            prop_assert!(!s.contains(['\\', '"', '<', '>', ' ', '\t']), "accepted {s:?}");
        }
    }
}
