//! Mentor profiles: `content/mentors/<slug>.yaml`.

use crate::diagnostics::{key_pos, list_item_pos, pos_of_offset, Diagnostic, Pos};
use crate::load::SourceFile;
use crate::markdown;
use mentoring::program::Program;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A YAML scalar shown as text: `2004`, `present`, `2004-06-27`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Text(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Int(n) => n.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    member_id: Option<Scalar>,
    role: Option<String>,
    title: Option<String>,
    institution: Option<String>,
    location: Option<String>,
    member_since: Option<Scalar>,
    years_involved: Option<u32>,
    expertise: Option<Vec<String>>,
    #[serde(default)]
    career: Vec<RawCareer>,
    #[serde(default)]
    education: Vec<RawEducation>,
    bio: Option<String>,
    availability: Option<String>,
    photo: Option<String>,
    contact: Option<RawContact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCareer {
    title: String,
    organization: String,
    from: Option<Scalar>,
    to: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEducation {
    degree: String,
    institution: String,
    year: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
}

/// An expertise term as shown on a page.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef {
    pub slug: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Career {
    pub title: String,
    pub organization: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Education {
    pub degree: String,
    pub institution: String,
    pub year: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub email: String,
    pub phone: String,
    pub website: String,
}

/// A checked profile, ready for templates (context name `mentor`).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub slug: String,
    pub url: String,
    pub name: String,
    pub member_id: String,
    pub role: String,
    pub title: String,
    pub institution: String,
    pub location: String,
    pub member_since: String,
    pub years_involved: Option<u32>,
    pub expertise: Vec<TermRef>,
    pub career: Vec<Career>,
    pub education: Vec<Education>,
    /// Rendered from markdown and sanitized: safe to mark `| safe`.
    pub bio_html: String,
    pub availability: String,
    pub photo: String,
    pub contact: Contact,
    /// Source file, relative to the root.
    #[serde(skip)]
    pub source: String,
}

/// URL of a mentor's page.
pub fn profile_url(slug: &str) -> String {
    format!("/members/mentors/{slug}/")
}

/// URL of an expertise term's page.
pub fn term_url(slug: &str) -> String {
    format!("/members/expertise/{slug}/")
}

/// The one sanitizer of the build, configured once.
pub fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b
    })
}

fn is_member_since(s: &str) -> bool {
    let year = |y: &str| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit());
    year(s)
        || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        || s.split_once('-')
            .is_some_and(|(y, m)| year(y) && m.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)))
}

/// Parses and checks one profile; renders its bio. All errors of the file are
/// returned at once (after a YAML syntax error nothing more can be checked).
pub fn parse(
    file: &SourceFile,
    program: &Program,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Profile, Vec<Diagnostic>> {
    let path = &file.rel;
    let text = &file.text;
    let raw: RawProfile =
        serde_yaml::from_str(text).map_err(|e| vec![Diagnostic::yaml(path, &e, 0)])?;
    let mut diags = Vec::new();
    let top = Some(Pos { line: 1, column: 1 });
    let required = |value: Option<String>, field: &str, diags: &mut Vec<Diagnostic>| match value {
        Some(v) if !v.trim().is_empty() => v,
        Some(_) => {
            diags.push(Diagnostic::at(
                path,
                key_pos(text, field),
                format!("required field \"{field}\" is empty"),
            ));
            String::new()
        }
        None => {
            diags.push(Diagnostic::at(
                path,
                top,
                format!("missing required field \"{field}\""),
            ));
            String::new()
        }
    };
    let name = required(raw.name, "name", &mut diags);
    let title = required(raw.title, "title", &mut diags);
    let institution = required(raw.institution, "institution", &mut diags);
    let bio = required(raw.bio, "bio", &mut diags);
    let member_since = required(
        raw.member_since.map(|s| s.text()),
        "member_since",
        &mut diags,
    );
    if !member_since.is_empty() && !is_member_since(&member_since) {
        diags.push(Diagnostic::at(
            path,
            key_pos(text, "member_since"),
            format!(
                "member_since \"{member_since}\" is not a year (2004) or a date (2004-06-27) (field member_since)"
            ),
        ));
    }
    let mut expertise = Vec::new();
    match raw.expertise {
        None => diags.push(Diagnostic::at(
            path,
            top,
            "missing required field \"expertise\" (at least one term)",
        )),
        Some(terms) if terms.is_empty() => diags.push(Diagnostic::at(
            path,
            key_pos(text, "expertise"),
            "field \"expertise\" needs at least one term",
        )),
        Some(terms) => {
            let mut seen = HashSet::new();
            for slug in terms {
                let pos = || list_item_pos(text, "expertise", &slug);
                match program.expertise_term(&slug) {
                    None => diags.push(Diagnostic::at(
                        path,
                        pos(),
                        format!("unknown expertise term \"{slug}\" (field expertise)"),
                    )),
                    Some(_) if !seen.insert(slug.clone()) => diags.push(Diagnostic::at(
                        path,
                        pos(),
                        format!("expertise term \"{slug}\" is listed twice (field expertise)"),
                    )),
                    Some(term) => expertise.push(TermRef {
                        url: term_url(&term.slug),
                        slug: term.slug.clone(),
                        name: term.name.clone(),
                    }),
                }
            }
        }
    }
    let contact = match raw.contact {
        None => {
            diags.push(Diagnostic::at(
                path,
                top,
                "missing required field \"contact\" (with contact.email)",
            ));
            None
        }
        Some(c) => {
            let email = c.email.unwrap_or_default();
            if email.trim().is_empty() {
                diags.push(Diagnostic::at(
                    path,
                    key_pos(text, "contact"),
                    "missing required field \"contact.email\"",
                ));
            } else if !email.contains('@') || email.contains(char::is_whitespace) {
                diags.push(Diagnostic::at(
                    path,
                    crate::diagnostics::key_pos_from(text, 1, "email", None),
                    format!("\"{email}\" is not an email address (field contact.email)"),
                ));
            }
            Some(Contact {
                email,
                phone: c.phone.unwrap_or_default(),
                website: c.website.unwrap_or_default(),
            })
        }
    };
    // The bio: markdown, then sanitized. Link errors point into the file.
    let (rendered, link_errors) = markdown::render_with(&bio, resolve, false);
    for e in link_errors {
        let needle = &bio[e.offset..];
        let target: String = needle
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ')')
            .collect();
        let pos = text
            .find(target.as_str())
            .map(|at| pos_of_offset(text, at))
            .or_else(|| key_pos(text, "bio"));
        diags.push(Diagnostic::at(
            path,
            pos,
            format!("{} (field bio)", e.message),
        ));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let slug = file.stem().to_string();
    Ok(Profile {
        url: profile_url(&slug),
        slug,
        name,
        member_id: raw.member_id.map(|m| m.text()).unwrap_or_default(),
        role: raw.role.unwrap_or_else(|| "mentor".into()),
        title,
        institution,
        location: raw.location.unwrap_or_default(),
        member_since,
        years_involved: raw.years_involved,
        expertise,
        career: raw
            .career
            .into_iter()
            .map(|c| Career {
                title: c.title,
                organization: c.organization,
                from: c.from.map(|s| s.text()).unwrap_or_default(),
                to: c.to.map(|s| s.text()).unwrap_or_default(),
            })
            .collect(),
        education: raw
            .education
            .into_iter()
            .map(|e| Education {
                degree: e.degree,
                institution: e.institution,
                year: e.year.map(|s| s.text()).unwrap_or_default(),
            })
            .collect(),
        bio_html: sanitizer().clean(&rendered.html).to_string(),
        availability: raw.availability.unwrap_or_default(),
        photo: raw.photo.unwrap_or_default(),
        contact: contact.unwrap_or(Contact {
            email: String::new(),
            phone: String::new(),
            website: String::new(),
        }),
        source: path.to_string_lossy().replace('\\', "/"),
    })
}
