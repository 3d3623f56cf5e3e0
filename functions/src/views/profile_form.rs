//! The profile form's data (`form`, `record` in `profile.html`): every
//! field's value, the career and education rows with their messages, the
//! expertise checkboxes, the limits; and reading back what a form sent.

use std::collections::BTreeMap;

use mentoring::profile::limits;
use mentoring::{CareerEntry, EducationEntry, FieldError, Profile};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::app::App;
use crate::handlers::profile::profile_from_object;
use crate::records::profile::ProfileRecord;

/// Blank career rows offered below the stored ones.
const BLANK_CAREER: usize = 2;
/// Blank education rows offered below the stored ones.
const BLANK_EDUCATION: usize = 1;

/// The stored profile's state (`record`).
#[derive(Serialize)]
pub(super) struct RecordCard {
    exists: bool,
    published: bool,
    paused: bool,
    /// Its page, once it has one.
    url: String,
}

pub(super) fn record_card(record: Option<&ProfileRecord>) -> RecordCard {
    match record {
        Some(r) => RecordCard {
            exists: true,
            published: r.published,
            paused: r.paused,
            url: generator::profiles::profile_url(&r.slug),
        },
        None => RecordCard {
            exists: false,
            published: false,
            paused: false,
            url: String::new(),
        },
    }
}

/// The form's fields that show their own message (`errors.<name>`);
/// messages about any other field are listed at the top of the form.
const SHOWN_AT_FIELDS: &[&str] = &[
    "name",
    "title",
    "institution",
    "location",
    "member_since",
    "years_involved",
    "expertise",
    "career",
    "education",
    "bio",
    "availability",
    "photo",
    "contact_email",
    "contact_phone",
    "contact_website",
];

/// The form (`form`).
#[derive(Serialize)]
pub(super) struct Form<'a> {
    values: Values<'a>,
    expertise: Vec<Checkbox<'a>>,
    career: Vec<Row<CareerEntry>>,
    education: Vec<Row<EducationEntry>>,
    /// Messages about fields the form does not show them at.
    other_errors: Vec<OtherError>,
    /// Each field's messages (`contact.email` -> `contact_email`).
    errors: BTreeMap<String, String>,
    has_errors: bool,
    limits: Limits,
}

#[derive(Serialize)]
struct Values<'a> {
    name: &'a str,
    title: &'a str,
    institution: &'a str,
    location: &'a str,
    member_since: &'a str,
    years_involved: String,
    bio: &'a str,
    availability: &'a str,
    photo: &'a str,
    contact_email: &'a str,
    contact_phone: &'a str,
    contact_website: &'a str,
}

/// An expertise term, checked or not.
#[derive(Serialize)]
struct Checkbox<'a> {
    slug: &'a str,
    name: &'a str,
    checked: bool,
}

/// A career or education row: its fields, its place, its messages.
#[derive(Serialize)]
struct Row<T> {
    #[serde(flatten)]
    entry: T,
    index: usize,
    errors: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct OtherError {
    field: String,
    message: String,
}

/// The lengths and counts the form allows.
#[derive(Serialize)]
struct Limits {
    name: usize,
    title: usize,
    institution: usize,
    location: usize,
    entry: usize,
    bio: usize,
    availability: usize,
    url: usize,
    email: usize,
    phone: usize,
    years: u32,
    expertise: usize,
}

const LIMITS: Limits = Limits {
    name: limits::NAME,
    title: limits::TITLE,
    institution: limits::INSTITUTION,
    location: limits::LOCATION,
    entry: limits::ENTRY_TEXT,
    bio: limits::BIO,
    availability: limits::AVAILABILITY,
    url: limits::URL,
    email: limits::EMAIL,
    phone: limits::PHONE,
    years: limits::MAX_YEARS_INVOLVED,
    expertise: limits::MAX_EXPERTISE,
};

/// The form's values, rows and messages (field paths: `name`,
/// `contact.email` -> `contact_email`, `career[1].from` -> the row's).
pub(super) fn form<'a>(app: &'a App, p: &'a Profile, problems: &[FieldError]) -> Form<'a> {
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut row_errors: BTreeMap<(String, usize), BTreeMap<String, String>> = BTreeMap::new();
    for e in problems {
        let row = ["career[", "education["].iter().find_map(|prefix| {
            let rest = e.field.strip_prefix(prefix)?;
            let (n, field) = rest.split_once("].")?;
            Some((
                prefix.trim_end_matches('[').to_owned(),
                n.parse().ok()?,
                field,
            ))
        });
        match row {
            Some((list, n, field)) => {
                row_errors
                    .entry((list, n))
                    .or_default()
                    .entry(field.to_owned())
                    .or_insert(e.message.clone());
            }
            None => {
                errors
                    .entry(e.field.replace('.', "_"))
                    .and_modify(|m| {
                        m.push(' ');
                        m.push_str(&e.message)
                    })
                    .or_insert(e.message.clone());
            }
        }
    }
    let rows = |list: &str, stored: usize, blank: usize, max: usize| {
        let count = (stored + blank).min(max.max(stored));
        (0..count)
            .map(|i| {
                let errors = row_errors
                    .get(&(list.to_owned(), i))
                    .cloned()
                    .unwrap_or_default();
                (i, errors)
            })
            .collect::<Vec<_>>()
    };
    let career = rows("career", p.career.len(), BLANK_CAREER, limits::MAX_CAREER)
        .into_iter()
        .map(|(index, errors)| Row {
            entry: p.career.get(index).cloned().unwrap_or_default(),
            index,
            errors,
        })
        .collect();
    let education = rows(
        "education",
        p.education.len(),
        BLANK_EDUCATION,
        limits::MAX_EDUCATION,
    )
    .into_iter()
    .map(|(index, errors)| Row {
        entry: p.education.get(index).cloned().unwrap_or_default(),
        index,
        errors,
    })
    .collect();
    let expertise = app
        .config
        .program
        .expertise
        .iter()
        .map(|t| Checkbox {
            slug: &t.slug,
            name: &t.name,
            checked: p.expertise.contains(&t.slug),
        })
        .collect();
    Form {
        values: Values {
            name: &p.name,
            title: &p.title,
            institution: &p.institution,
            location: &p.location,
            member_since: &p.member_since,
            years_involved: p.years_involved.map(|y| y.to_string()).unwrap_or_default(),
            bio: &p.bio,
            availability: &p.availability,
            photo: &p.photo,
            contact_email: &p.contact.email,
            contact_phone: &p.contact.phone,
            contact_website: &p.contact.website,
        },
        expertise,
        career,
        education,
        other_errors: errors
            .iter()
            .filter(|(k, _)| !SHOWN_AT_FIELDS.contains(&k.as_str()))
            .map(|(k, m)| OtherError {
                field: k.clone(),
                message: m.clone(),
            })
            .collect(),
        errors,
        has_errors: !problems.is_empty(),
        limits: LIMITS,
    }
}

/// The profile a form sent, as far as it reads: a value that is not of
/// its field's kind (`years_involved=ten`, a field the profile does not
/// have) is left out and named, so that the form can be shown again with
/// everything else as it was sent.
pub(super) fn profile_as_sent(
    object: Map<String, Json>,
    roster: Option<&mentoring::Member>,
) -> (Profile, Vec<FieldError>) {
    let mut object = crate::handlers::profile::nest(object);
    let mut unreadable: Vec<FieldError> = Vec::new();
    // Each round removes at least one value; a profile has few.
    for _ in 0..64 {
        match profile_from_object(object.clone(), roster) {
            Ok(p) => return (p, unreadable),
            Err(problem) => {
                let before = unreadable.len();
                for e in problem.errors {
                    if remove_path(&mut object, &e.field) {
                        unreadable.push(e);
                    }
                }
                if unreadable.len() == before {
                    break;
                }
            }
        }
    }
    unreadable.push(FieldError::new("profile", "The form could not be read."));
    (Profile::default(), unreadable)
}

/// Removes the value at a field path (`years_involved`, `contact.website`,
/// `career[1].from`) from `object`; whether there was one. A top-level
/// field whose own name looks like a path (a posted `a[b]`, `[[]]`) is
/// removed by that name.
fn remove_path(object: &mut Map<String, Json>, path: &str) -> bool {
    if object.remove(path).is_some() {
        return true;
    }
    let Some(steps) = path_steps(path) else {
        return false;
    };
    let Some((last, parents)) = steps.split_last() else {
        return false;
    };
    let mut node = match parents.first() {
        None => return object.remove(last.as_str()).is_some(),
        Some(first) => match object.get_mut(first.as_str()) {
            Some(n) => n,
            None => return false,
        },
    };
    for step in &parents[1..] {
        node = match (node, step.parse::<usize>()) {
            (Json::Array(a), Ok(i)) => match a.get_mut(i) {
                Some(n) => n,
                None => return false,
            },
            (Json::Object(o), _) => match o.get_mut(step.as_str()) {
                Some(n) => n,
                None => return false,
            },
            _ => return false,
        };
    }
    match (node, last.parse::<usize>()) {
        (Json::Array(a), Ok(i)) if i < a.len() => {
            a.remove(i);
            true
        }
        (Json::Object(o), _) => o.remove(last.as_str()).is_some(),
        _ => false,
    }
}

/// The steps of a field path: `career[1].from` is `career`, `1`, `from`.
/// `None` for what is not such a path (a `]` without its `[`).
fn path_steps(path: &str) -> Option<Vec<String>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut indexes) = part.split_at(part.find('[').unwrap_or(part.len()));
        steps.push(name.to_owned());
        while !indexes.is_empty() {
            let inner = indexes.strip_prefix('[')?;
            let close = inner.find(']')?;
            steps.push(inner[..close].to_owned());
            indexes = &inner[close + 1..];
        }
    }
    Some(steps)
}

/// The profile as form fields (name, value), for the preview's hidden
/// "Save" and "Change" forms.
pub(super) fn hidden_fields(p: &Profile) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        ("name".into(), p.name.clone()),
        ("title".into(), p.title.clone()),
        ("institution".into(), p.institution.clone()),
        ("location".into(), p.location.clone()),
        ("member_since".into(), p.member_since.clone()),
        (
            "years_involved".into(),
            p.years_involved.map(|y| y.to_string()).unwrap_or_default(),
        ),
    ];
    out.extend(
        p.expertise
            .iter()
            .map(|t| ("expertise".to_owned(), t.clone())),
    );
    for (i, e) in p.career.iter().enumerate() {
        out.push((format!("career.{i}.title"), e.title.clone()));
        out.push((format!("career.{i}.organization"), e.organization.clone()));
        out.push((format!("career.{i}.from"), e.from.clone()));
        out.push((format!("career.{i}.to"), e.to.clone()));
    }
    for (i, e) in p.education.iter().enumerate() {
        out.push((format!("education.{i}.degree"), e.degree.clone()));
        out.push((format!("education.{i}.institution"), e.institution.clone()));
        out.push((format!("education.{i}.year"), e.year.clone()));
    }
    out.extend([
        ("bio".to_owned(), p.bio.clone()),
        ("availability".to_owned(), p.availability.clone()),
        ("photo".to_owned(), p.photo.clone()),
        ("contact.email".to_owned(), p.contact.email.clone()),
        ("contact.phone".to_owned(), p.contact.phone.clone()),
        ("contact.website".to_owned(), p.contact.website.clone()),
    ]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_are_read_step_by_step_and_broken_ones_are_not_paths() {
        let steps = |p: &str| path_steps(p).map(|s| s.join("/"));
        assert_eq!(steps("career[1].from").as_deref(), Some("career/1/from"));
        assert_eq!(steps("contact.website").as_deref(), Some("contact/website"));
        assert_eq!(steps("a[0][2]").as_deref(), Some("a/0/2"));
        assert_eq!(steps("]]").as_deref(), Some("]]"));
        for broken in ["[[]]", "a[0]]", "a[0]x", "[\"]\u{a1}\"]", "a[", "¡[¡"] {
            assert_eq!(path_steps(broken), None, "{broken:?}");
        }
    }

    #[test]
    fn a_field_named_like_a_path_is_removed_by_its_name() {
        let mut object: Map<String, Json> =
            serde_json::from_str(r#"{"[[]]": "x", "career": [{"from": "1990", "title": "t"}]}"#)
                .unwrap();
        assert!(remove_path(&mut object, "[[]]"));
        assert!(remove_path(&mut object, "career[0].from"));
        assert!(!remove_path(&mut object, "career[0]]"));
        assert_eq!(
            Json::Object(object),
            serde_json::json!({"career": [{"title": "t"}]})
        );
    }
}
