//! Writing a profile as a `content/mentors/<slug>.yaml` file, in the format
//! of the curated files (what `duos profiles export` writes).
//!
//! The keys come in the curated files' order: `name`, `member_id`, `role`,
//! `title`, `institution`, `location`, `member_since`, `years_involved`,
//! `expertise`, `career`, `education`, `bio`, `availability`, `photo`,
//! `contact` (`email`, `phone`, `website`). Optional fields that are empty
//! are left out; lists are indented by two spaces under their key; years
//! are plain numbers (`from: 1995`); the bio is a literal block (`bio: |`).
//! A value that would read back as something else when written plain
//! (`yes`, `01`, `a: b`, a leading space...) is written double-quoted.
//!
//! [`to_yaml`] checks its own output: the file reads back (by the
//! generator's own reading, [`read_back`]) as exactly the profile, member
//! id and role it was written from, or it is an error.

use mentoring::Profile;
use std::fmt::Write as _;

/// Why a profile could not be written as YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the YAML of the profile of {member_id} does not read back as the profile: {why}")]
pub struct WriteError {
    pub member_id: String,
    pub why: String,
}

/// The text of the profile file of `profile` (see the module docs).
pub fn to_yaml(member_id: &str, role: &str, profile: &Profile) -> Result<String, WriteError> {
    let p = profile;
    let mut w = Writer::default();
    w.text("name", &p.name, Need::Always);
    w.text("member_id", member_id, Need::Optional);
    w.text("role", role, Need::Optional);
    w.text("title", &p.title, Need::Always);
    w.text("institution", &p.institution, Need::Always);
    w.text("location", &p.location, Need::Optional);
    w.year("member_since", &p.member_since, Need::Always);
    if let Some(y) = p.years_involved {
        w.line(0, &format!("years_involved: {y}"));
    }
    if p.expertise.is_empty() {
        w.line(0, "expertise: []");
    } else {
        w.line(0, "expertise:");
        for t in &p.expertise {
            let v = scalar(t, false);
            w.line(1, &format!("- {v}"));
        }
    }
    if !p.career.is_empty() {
        w.line(0, "career:");
        for e in &p.career {
            w.item();
            w.text("title", &e.title, Need::Always);
            w.text("organization", &e.organization, Need::Always);
            w.year("from", &e.from, Need::Optional);
            w.year("to", &e.to, Need::Optional);
            w.end_item();
        }
    }
    if !p.education.is_empty() {
        w.line(0, "education:");
        for e in &p.education {
            w.item();
            w.text("degree", &e.degree, Need::Always);
            w.text("institution", &e.institution, Need::Always);
            w.year("year", &e.year, Need::Optional);
            w.end_item();
        }
    }
    w.block("bio", &p.bio);
    w.text("availability", &p.availability, Need::Optional);
    w.text("photo", &p.photo, Need::Optional);
    w.line(0, "contact:");
    w.depth = 1;
    w.text("email", &p.contact.email, Need::Always);
    w.text("phone", &p.contact.phone, Need::Optional);
    w.text("website", &p.contact.website, Need::Optional);
    let out = w.out;
    let fail = |why: String| WriteError {
        member_id: member_id.to_owned(),
        why,
    };
    let (id, r, back) = read_back(&out).map_err(fail)?;
    if back != *profile || id != member_id || r != role {
        return Err(fail(format!(
            "it reads as member {id:?}, role {r:?}, {back:?}"
        )));
    }
    Ok(out)
}

/// Reads a profile file as the generator does: its `member_id` and `role`
/// (empty when absent), and the [`Profile`] of the other keys.
pub fn read_back(text: &str) -> Result<(String, String, Profile), String> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let serde_yaml::Value::Mapping(mut map) = value else {
        return Err("not a mapping".into());
    };
    let mut take = |key: &str| -> String {
        match map.remove(key) {
            Some(serde_yaml::Value::String(s)) => s,
            Some(serde_yaml::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    let member_id = take("member_id");
    let role = take("role");
    let profile: Profile =
        serde_yaml::from_value(serde_yaml::Value::Mapping(map)).map_err(|e| e.to_string())?;
    Ok((member_id, role, profile))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Written even when empty (`""`): a required field.
    Always,
    /// Left out when empty.
    Optional,
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Indentation level of the keys being written (two spaces each).
    depth: usize,
    /// The next key is the first of a list item (`- key: ...`).
    first_in_item: bool,
}

impl Writer {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn item(&mut self) {
        self.depth = 2;
        self.first_in_item = true;
    }

    fn end_item(&mut self) {
        self.depth = 0;
        self.first_in_item = false;
    }

    fn key(&mut self, key: &str, value: &str) {
        if self.first_in_item {
            self.first_in_item = false;
            let text = format!("- {key}: {value}");
            self.line(self.depth - 1, &text);
        } else {
            let text = format!("{key}: {value}");
            self.line(self.depth, &text);
        }
    }

    fn text(&mut self, key: &str, value: &str, need: Need) {
        if value.is_empty() && need == Need::Optional {
            return;
        }
        let v = scalar(value, false);
        self.key(key, &v);
    }

    /// A year or date field: written as a plain number when it reads back
    /// as the same text (`1995`), else as text.
    fn year(&mut self, key: &str, value: &str, need: Need) {
        if value.is_empty() && need == Need::Optional {
            return;
        }
        let v = scalar(value, true);
        self.key(key, &v);
    }

    /// A multi-line text as a literal block (`key: |`), when it reads back
    /// exactly so; else double-quoted.
    fn block(&mut self, key: &str, value: &str) {
        match literal_block(value, self.depth + 1) {
            Some(block) => {
                let head = format!("{key}: {}", block.0);
                self.line(self.depth, &head);
                self.out.push_str(&block.1);
            }
            None => self.text(key, value, Need::Always),
        }
    }
}

/// `value` as a scalar: plain when it reads back as the same text (or,
/// with `number_ok`, as a number written the same), else double-quoted.
fn scalar(value: &str, number_ok: bool) -> String {
    if plain_ok(value, number_ok) {
        value.to_owned()
    } else {
        quoted(value)
    }
}

fn plain_ok(value: &str, number_ok: bool) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if value.trim() != value
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || value.contains(": ")
        || value.contains(" #")
        || value.ends_with(':')
        || value.chars().any(needs_escape)
    {
        return false;
    }
    match serde_yaml::from_str::<serde_yaml::Value>(&format!("k: {value}")) {
        Ok(serde_yaml::Value::Mapping(m)) => match m.get("k") {
            Some(serde_yaml::Value::String(s)) => s == value,
            Some(serde_yaml::Value::Number(n)) => number_ok && n.to_string() == value,
            _ => false,
        },
        _ => false,
    }
}

/// Characters a YAML reader may not take as they are: control characters
/// and the ones YAML 1.1 counts as line breaks or a byte order mark.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A double-quoted YAML scalar.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The header (`|`, `|-`, `|+`) and the indented lines of a literal block
/// holding `value` at `depth`, when it reads back exactly as `value`.
fn literal_block(value: &str, depth: usize) -> Option<(String, String)> {
    if value.is_empty() || value.chars().any(|c| c != '\n' && needs_escape(c)) {
        return None;
    }
    let body = value.trim_end_matches('\n');
    if body.is_empty()
        || body.starts_with(' ')
        || body.lines().any(|l| l.trim().is_empty() && !l.is_empty())
    {
        return None;
    }
    let chomp = match value.len() - body.len() {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    let indent = "  ".repeat(depth);
    let mut lines = String::new();
    for l in value.split('\n').take(value.split('\n').count() - 1) {
        if l.is_empty() {
            lines.push('\n');
        } else {
            lines.push_str(&indent);
            lines.push_str(l);
            lines.push('\n');
        }
    }
    if chomp == "|-" {
        lines.push_str(&indent);
        lines.push_str(value.rsplit('\n').next().unwrap_or_default());
        lines.push('\n');
    }
    // The reader decides: the block must read back as the value.
    let doc = format!("k: {chomp}\n{lines}");
    let back: serde_yaml::Value = serde_yaml::from_str(&doc).ok()?;
    match back.get("k") {
        Some(serde_yaml::Value::String(s)) if s == value => Some((chomp.to_owned(), lines)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mentoring::{CareerEntry, Contact, EducationEntry};

    fn profile() -> Profile {
        Profile {
            name: "Ada Example".into(),
            title: "Director".into(),
            institution: "Example Public Library".into(),
            location: "Springfield, Example".into(),
            member_since: "2001".into(),
            years_involved: Some(5),
            expertise: vec!["budgeting".into(), "assessment".into()],
            career: vec![
                CareerEntry {
                    title: "Director".into(),
                    organization: "Example Public Library".into(),
                    from: "2004".into(),
                    to: String::new(),
                },
                CareerEntry {
                    title: "Librarian".into(),
                    organization: "Example College".into(),
                    from: "1998".into(),
                    to: "2004".into(),
                },
            ],
            education: vec![EducationEntry {
                degree: "MLIS".into(),
                institution: "Example University".into(),
                year: "1997".into(),
            }],
            bio: "I *like* budgets.\n\nAnd people.\n".into(),
            availability: "Monthly calls.".into(),
            photo: String::new(),
            contact: Contact {
                email: "ada@example.org".into(),
                phone: "555-0100".into(),
                website: String::new(),
            },
        }
    }

    #[test]
    fn writes_the_curated_format() {
        let yaml = to_yaml("M2101", "mentor", &profile()).unwrap();
        assert_eq!(
            yaml,
            "name: Ada Example
member_id: M2101
role: mentor
title: Director
institution: Example Public Library
location: Springfield, Example
member_since: 2001
years_involved: 5
expertise:
  - budgeting
  - assessment
career:
  - title: Director
    organization: Example Public Library
    from: 2004
  - title: Librarian
    organization: Example College
    from: 1998
    to: 2004
education:
  - degree: MLIS
    institution: Example University
    year: 1997
bio: |
  I *like* budgets.

  And people.
availability: Monthly calls.
contact:
  email: ada@example.org
  phone: 555-0100
"
        );
    }

    #[test]
    fn every_curated_file_is_written_back_as_it_is() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/mentors");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let (id, role, p) = read_back(&text).unwrap();
            assert_eq!(to_yaml(&id, &role, &p).unwrap(), text, "{}", path.display());
            seen += 1;
        }
        assert!(seen >= 10, "{seen} files");
    }

    #[test]
    fn awkward_values_are_quoted_and_read_back() {
        let mut p = profile();
        for (i, awkward) in [
            "yes",
            "null",
            "~",
            "0123",
            "12.50",
            "- dash",
            "key: value",
            "hash #tag",
            " leading",
            "trailing ",
            "\"quoted\"",
            "back\\slash",
            "tab\there",
            "line\u{2028}sep",
            "ends with colon:",
            "@at",
            "Zoë O'Brien",
        ]
        .iter()
        .enumerate()
        {
            p.name = (*awkward).into();
            p.title = format!("{awkward} {i}");
            p.contact.phone = (*awkward).into();
            p.career[0].to = (*awkward).into();
            let yaml = to_yaml("M1", "mentor", &p).unwrap_or_else(|e| panic!("{awkward:?}: {e}"));
            assert_eq!(read_back(&yaml).unwrap().2, p, "{awkward:?}:\n{yaml}");
        }
    }

    #[test]
    fn bios_of_every_shape_read_back() {
        let mut p = profile();
        for bio in [
            "One line, no newline",
            "Ends with one newline\n",
            "Ends with two\n\n",
            "Windows\r\nline breaks\r\n",
            "  indented first line\nthen not",
            "  \nblank-ish line",
            "para one\n\n\npara two after two blank lines\n",
            "- a list\n- of items\n",
            "> a quote\n",
            "# heading\n\ntext: with colon\n",
            "tab\tinside\n",
            "",
        ] {
            p.bio = bio.into();
            let yaml = to_yaml("M1", "mentor", &p).unwrap_or_else(|e| panic!("{bio:?}: {e}"));
            assert_eq!(read_back(&yaml).unwrap().2.bio, bio, "{bio:?}:\n{yaml}");
        }
    }

    #[test]
    fn without_member_id_or_role_those_keys_are_left_out() {
        let yaml = to_yaml("", "", &profile()).unwrap();
        assert!(!yaml.contains("member_id"));
        assert!(!yaml.contains("role"));
    }
}
