//! The scaffolding of the property tests over outside input
//! (`*/tests/parsers_never_panic.rs`, `generator/tests/yaml_fast.rs`): the
//! runner's configuration, the repository's sample content, and random
//! edits of a text file as a careless or hostile hand makes them. The test
//! crates of different packages share no module, so each includes this file
//! with `#[path = "../../testing/proptest_support.rs"] mod proptest_support;`.
#![allow(dead_code)]

use std::path::Path;

use proptest::prelude::*;

/// `cases` cases a property, and no file of failures written into the
/// source tree.
pub fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A file of the repository's sample content (`content/<rel>`), as text.
pub fn content(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../content")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One edit of a text.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Cut the text at a point.
    Truncate(prop::sample::Index),
    /// Drop one line.
    DropLine(prop::sample::Index),
    /// Repeat one line.
    RepeatLine(prop::sample::Index),
    /// Replace one line's value (after its first `:`) with this text.
    Value(prop::sample::Index, String),
    /// Insert this line.
    Insert(prop::sample::Index, String),
}

/// A line's new value (after its `:`) that YAML readers find hard: any
/// text, unclosed flow collections, numbers out of range, null, tags,
/// aliases, an unsafe link.
pub fn hostile_yaml_values() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,30}",
        Just(" [".to_owned()),
        Just(" {a: 1".to_owned()),
        Just(" -1".to_owned()),
        Just(" 99999999999999999999".to_owned()),
        Just(" ~".to_owned()),
        Just(" !!binary aGk=".to_owned()),
        Just(" *anchor".to_owned()),
        Just(" javascript:alert(1)".to_owned()),
    ]
}

/// One to three edits; a replaced value is one of `values`, an inserted
/// line one of `lines` (each test picks what its parser finds hard).
pub fn edits(
    values: impl Strategy<Value = String>,
    lines: impl Strategy<Value = String>,
) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        any::<prop::sample::Index>().prop_map(Edit::Truncate),
        any::<prop::sample::Index>().prop_map(Edit::DropLine),
        any::<prop::sample::Index>().prop_map(Edit::RepeatLine),
        (any::<prop::sample::Index>(), values).prop_map(|(i, v)| Edit::Value(i, v)),
        (any::<prop::sample::Index>(), lines).prop_map(|(i, l)| Edit::Insert(i, l)),
    ];
    prop::collection::vec(edit, 1..4)
}

/// `text` with `edits` applied, line by line (lines split at `\n` only, so
/// that what no edit touches stays as it was, final newline included).
pub fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for e in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        match e {
            Edit::Truncate(i) => {
                let joined = lines.join("\n");
                let mut cut = i.index(joined.len() + 1);
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].split('\n').map(str::to_owned).collect();
            }
            Edit::DropLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            Edit::RepeatLine(i) => {
                let at = i.index(lines.len());
                lines.insert(at, lines[at].clone());
            }
            Edit::Value(i, v) => {
                let at = i.index(lines.len());
                if let Some((key, _)) = lines[at].split_once(':') {
                    lines[at] = format!("{key}:{v}");
                }
            }
            Edit::Insert(i, l) => {
                let at = i.index(lines.len() + 1);
                lines.insert(at, l.clone());
            }
        }
    }
    lines.join("\n")
}
