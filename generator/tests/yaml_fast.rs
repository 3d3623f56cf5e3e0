//! The fast YAML reader of profile files (`generator::yaml_fast`) agrees
//! with serde_yaml: on the repository's and the fixtures' profiles, on the
//! benchmark's kind of profile, and on those files edited at random (a
//! text it reads gives serde_yaml's value; one it does not is left to
//! serde_yaml).

use generator::yaml_fast;
use proptest::prelude::*;
use std::path::Path;

#[path = "../../testing/proptest_support.rs"]
mod proptest_support;
use proptest_support::{config, mutate, Edit};

/// Every profile file of the repository (sample content, test fixtures).
fn profile_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in [
        "content",
        "generator/tests/fixtures",
        "src/cmd/init/starter",
    ] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            let is_profile = path.extension().is_some_and(|e| e == "yaml")
                && path
                    .parent()
                    .is_some_and(|p| p.ends_with("mentors") || p.ends_with("more"));
            if is_profile {
                let text = std::fs::read_to_string(path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    assert!(out.len() >= 3, "profile files found: {}", out.len());
    out
}

/// A profile as scripts/bench_corpus.py writes one.
const BENCH_PROFILE: &str = r#"name: "Ada Okafor"
member_id: "M3001"
role: mentor
title: "Library Director"
institution: "Riverbend Public Library"
location: "Riverbend, Ohio"
member_since: 1988
years_involved: 12
expertise:
  - strategic-planning
  - budgeting-and-finance
  - change-management
career:
  - title: "Branch Manager"
    organization: "Riverbend Public Library"
    from: 1999
  - title: "Systems Librarian"
    organization: "Eastgate County Library System"
    from: 1994
    to: 1999
education:
  - degree: "MLS"
    institution: "Northfield State University"
    year: 1993
availability: "Monthly video call; e-mail any time."
contact:
  email: "mentor-00001@example.org"
  phone: "555-0001"
bio: |
  Led the *library* through a renovation: budgets, staff, and
  the community's patience.

  Mentoring is listening first. See [the handbook](@/handbook.md).

    An indented line stays indented.
"#;

fn agree(name: &str, text: &str) -> bool {
    let want: Result<serde_yaml::Value, _> = serde_yaml::from_str(text);
    match yaml_fast::parse(text) {
        Some(got) => {
            let want = want.unwrap_or_else(|e| {
                panic!("{name}: read by the fast reader, refused by serde_yaml ({e}):\n{text}")
            });
            assert_eq!(got, want, "{name}:\n{text}");
            true
        }
        None => false,
    }
}

#[test]
fn reads_the_repositorys_and_the_benchmarks_profiles_as_serde_yaml_does() {
    assert!(
        agree("bench profile", BENCH_PROFILE),
        "the bench profile is read"
    );
    let mut read = 0;
    for (name, text) in profile_files() {
        if agree(&name, &text) {
            read += 1;
        }
    }
    assert!(read >= 2, "most real profiles are read fast: {read}");
}

#[test]
fn leaves_what_it_does_not_read_to_serde_yaml() {
    for text in [
        "a: [1, 2]\n",
        "a: &x 1\nb: *x\n",
        "a: \"tab\\tbed\"\n",
        "a: 1 # comment\n",
        "a: >\n  folded\n",
        "a: |-\n  chomped\n",
        "a: yes\n",
        "a: null\n",
        "a: 1.5\n",
        "a: 0x1F\n",
        "a: 007\n",
        "true: 1\n",
        "1: one\n",
        "a: 1\na: 2\n",
        "a:\tb\n",
        "- a\n",
        "---\na: 1\n",
        "a: b\n  c\n",
        "a: 'it''s'\n",
        // Control characters (serde_yaml refuses them, with the position).
        "a: b\u{1}c\n",
        "a: \"b\u{7f}\"\n",
        "a: |\n  b\u{9f}\n",
        "a: b\u{feff}\n",
        "a: b\u{fffe}\n",
    ] {
        assert!(yaml_fast::parse(text).is_none(), "{text:?}");
    }
}

/// Edits of a profile, around what the fast reader reads and refuses.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let value = prop_oneof![
        ".{0,20}",
        "[ -~]{0,20}",
        Just(" 12".to_owned()),
        Just(" 012".to_owned()),
        Just(" -1".to_owned()),
        Just(" ~".to_owned()),
        Just(" True".to_owned()),
        Just(" |".to_owned()),
        Just(" \"quoted\"".to_owned()),
        Just(" 'single'".to_owned()),
        Just("".to_owned()),
    ];
    let line = prop_oneof![
        "[ -~]{0,30}",
        Just("  - item".to_owned()),
        Just("- item".to_owned()),
        Just("    deeper: 1".to_owned()),
        Just("".to_owned()),
        Just("   ".to_owned()),
        Just("# comment".to_owned()),
        Just("key: value".to_owned()),
    ];
    proptest_support::edits(value, line)
}

proptest! {
    #![proptest_config(config(2048))]

    /// Whatever the fast reader reads of an edited profile, serde_yaml
    /// reads the same.
    #[test]
    fn edited_profiles_read_the_same(which in 0usize..8, edits in edits()) {
        let files = profile_files();
        let base = if which == 0 { BENCH_PROFILE.to_string() } else { files[which % files.len()].1.clone() };
        let text = mutate(&base, &edits);
        agree("edited", &text);
    }
}
