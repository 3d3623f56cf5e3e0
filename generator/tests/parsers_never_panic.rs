//! Property tests of the generator's parsers of outside input (issue 14):
//! page front matter and markdown, profile YAML (the generator's reading
//! and `duos profiles export`'s read-back), survey definitions and
//! program.yaml: the repository's real files, edited, and arbitrary text.
//! For any input: no panic, and every refusal is a diagnostic with a
//! message. [`CASES`] cases a property.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use generator::load::SourceFile;
use generator::{data, frontmatter, markdown, profile_yaml, profiles, Diagnostic};
use proptest::prelude::*;

#[path = "../../testing/proptest_support.rs"]
mod proptest_support;
use proptest_support::{config, content, mutate, Edit};

/// Cases per property (also the count written in the closing note).
const CASES: u32 = 256;

fn source(rel: &str, text: String) -> SourceFile {
    SourceFile {
        rel: PathBuf::from("content").join(rel),
        content_path: rel.to_owned(),
        text,
    }
}

fn program() -> mentoring::program::Program {
    data::program(&source("program.yaml", content("program.yaml"))).expect("program.yaml")
}

/// Edits of the pages, profiles and data files.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let value = prop_oneof![
        proptest_support::hostile_yaml_values(),
        Just(" \"[x](@/no-such-page.md)\"".to_owned()),
    ];
    proptest_support::edits(value, "[ -~\t]{0,40}|---")
}

fn assert_diagnostics(ds: &[Diagnostic]) {
    assert!(!ds.is_empty(), "a refusal without a diagnostic");
    for d in ds {
        assert!(!d.message.trim().is_empty(), "{d:?}");
        assert!(d.path.starts_with("content"), "{d:?}");
    }
}

fn resolve(target: &str) -> Result<String, String> {
    if target.starts_with("@/about/") {
        Ok("/about/".to_owned())
    } else {
        Err(format!("no page {target}"))
    }
}

const PAGES: [&str; 3] = [
    "_index.md",
    "about/committee.md",
    "about/confidentiality.md",
];
const PROFILES: [&str; 3] = [
    "mentors/abigail-fenwick.yaml",
    "mentors/daniel-whitcombe.yaml",
    "mentors/grace-abernathy.yaml",
];

/// The unedited files parse: the properties start from valid input.
#[test]
fn the_real_files_parse() {
    for page in PAGES {
        let text = content(page);
        frontmatter::split(Path::new(page), &text).unwrap_or_else(|d| panic!("{page}: {d:?}"));
    }
    let p = program();
    for file in PROFILES {
        let f = source(file, content(file));
        profiles::parse(
            &f,
            &p,
            NaiveDate::from_ymd_opt(2008, 3, 1).unwrap(),
            &resolve,
        )
        .unwrap_or_else(|d| panic!("{file}: {d:?}"));
    }
    for file in ["surveys/midpoint.yaml", "surveys/final.yaml"] {
        data::survey(&source(file, content(file))).unwrap_or_else(|d| panic!("{file}: {d:?}"));
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    /// A page, edited, or arbitrary text: split into front matter and body
    /// or refused with a diagnostic; the body renders.
    #[test]
    fn front_matter_and_markdown_never_panic(edits in edits(), which in 0usize..3, raw in "(---\n)?[ -~\n]{0,200}") {
        let page = PAGES[which];
        let path = Path::new("content").join(page);
        for text in [mutate(&content(page), &edits), raw.clone()] {
            match frontmatter::split(&path, &text) {
                Ok(split) => {
                    prop_assert!(split.front.title.is_some_and(|t| !t.trim().is_empty()));
                    prop_assert!(text.is_char_boundary(split.body_offset));
                    let (_, errors) = markdown::render(split.body, &resolve);
                    for e in errors {
                        prop_assert!(!e.message.trim().is_empty());
                        prop_assert!(e.offset <= split.body.len());
                    }
                }
                Err(d) => assert_diagnostics(&[d]),
            }
        }
    }

    /// A mentor's profile file, edited: read as the build reads it, and as
    /// `duos profiles export` reads it back.
    #[test]
    fn profile_yaml_never_panics(edits in edits(), which in 0usize..3) {
        let file = PROFILES[which];
        let text = mutate(&content(file), &edits);
        let f = source(file, text.clone());
        let today = NaiveDate::from_ymd_opt(2008, 3, 1).unwrap();
        if let Err(ds) = profiles::parse(&f, &program(), today, &resolve) {
            assert_diagnostics(&ds);
        }
        if let Err(e) = profile_yaml::read_back(&text) {
            prop_assert!(!e.trim().is_empty());
        }
    }

    /// A survey definition and program.yaml, edited.
    #[test]
    fn survey_and_program_files_never_panic(edits in edits(), which in any::<bool>()) {
        let file = if which { "surveys/midpoint.yaml" } else { "surveys/final.yaml" };
        if let Err(ds) = data::survey(&source(file, mutate(&content(file), &edits))) {
            assert_diagnostics(&ds);
        }
        if let Err(ds) = data::program(&source("program.yaml", mutate(&content("program.yaml"), &edits))) {
            assert_diagnostics(&ds);
        }
    }
}
