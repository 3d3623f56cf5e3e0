//! The profile form's data (`form`, `record` in `profile.html`): every
//! field's value, the career and education rows with their messages, the
//! expertise checkboxes, the limits; and reading back what a form sent.

use std::collections::BTreeMap;

use generator::diagnostics::{path_steps, Step};
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
/// `career[1].from`, read by the generator's [`path_steps`]) from `object`;
/// whether there was one. A top-level field whose own name looks like a
/// path (a posted `a[b]`, `[[]]`) is removed by that name.
fn remove_path(object: &mut Map<String, Json>, path: &str) -> bool {
    if object.remove(path).is_some() {
        return true;
    }
    let steps = path_steps(path);
    let Some((last, parents)) = steps.split_last() else {
        return false;
    };
    let mut parents = parents.iter();
    let mut node = match parents.next() {
        None => return matches!(last, Step::Key(k) if object.remove(k).is_some()),
        Some(Step::Key(first)) => match object.get_mut(first) {
            Some(n) => n,
            None => return false,
        },
        Some(Step::Index(_)) => return false,
    };
    for step in parents {
        let next = match step {
            Step::Key(k) => node.get_mut(k.as_str()),
            Step::Index(i) => node.get_mut(*i),
        };
        node = match next {
            Some(n) => n,
            None => return false,
        };
    }
    match (node, last) {
        (Json::Array(a), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        (Json::Object(o), Step::Key(k)) => o.remove(k).is_some(),
        _ => false,
    }
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
    fn a_value_is_removed_at_its_path_and_a_field_named_like_a_path_by_its_name() {
        let mut object: Map<String, Json> = serde_json::from_str(
            r#"{"[[]]": "x", "]]": "y", "name": "n",
                "career": [{"from": "1990", "title": "t"}, {"title": "u"}],
                "contact": {"email": "e", "website": "w"}}"#,
        )
        .unwrap();
        for path in [
            "[[]]",
            "]]",
            "name",
            "career[0].from",
            "career[1]",
            "contact.website",
        ] {
            assert!(remove_path(&mut object, path), "{path}");
        }
        for gone in [
            "name",
            "career[5]",
            "contact.phone",
            "career.from",
            "[\"]\u{a1}\"]",
            "a[",
        ] {
            assert!(!remove_path(&mut object, gone), "{gone}");
        }
        assert_eq!(
            Json::Object(object),
            serde_json::json!({"career": [{"title": "t"}], "contact": {"email": "e"}})
        );
    }
}
