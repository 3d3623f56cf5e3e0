//! Mentor profiles, from two sources, compiled by one code path.
//!
//! A profile is always a [`mentoring::Profile`] (the one model and its one
//! validation). It comes from:
//! - **YAML** (`content/mentors/<slug>.yaml`, curated, in git): the profile's
//!   fields plus two file-only keys, `member_id` (the roster id; without it
//!   the mentor is listed but can't be asked) and `role` (the badge, default
//!   `mentor`). The slug is the file name.
//! - **The store** (profiles members wrote and the committee published), given
//!   by the caller as [`StoreProfiles`]: each with its slug and member id.
//!
//! The rule when both exist for one member id: **the store's published
//! profile wins** (its slug and fields); the YAML file is left out. A YAML
//! profile without a member id is listed but can't be asked (no "Ask" link),
//! and `duos check` warns about it. A store slug that another profile (or any
//! page) already owns is an error.
//!
//! [`Listing`] (by member id, for profiles of either source) says whether a
//! mentor already has a mentee this cohort (`taken`: the page says so and
//! has no "Ask" link) or paused their listing (`paused`: left out of the
//! directory and the expertise pages; the page stays, without "Ask" link).

use crate::diagnostics::{path_pos, pos_of_offset, value_pos, Diagnostic, Pos};
use crate::load::SourceFile;
use crate::markdown;
use crate::timings::{time, Stage};
use mentoring::program::Program;
use mentoring::{FieldError, Profile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The keys a YAML profile file has besides the [`Profile`]'s fields.
pub const FILE_ONLY_KEYS: [&str; 2] = ["member_id", "role"];

/// How much of the bio a directory card shows, in characters.
pub const BIO_EXCERPT: usize = 160;

/// The role shown when a YAML file names none, and for store profiles.
pub const DEFAULT_ROLE: &str = "mentor";

/// Where a mentor stands this cohort, by member id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Listing {
    /// Already has a mentee this cohort: the page says so, no "Ask" link.
    pub taken: bool,
    /// Not taking a mentee this cohort: left out of the directory and the
    /// expertise pages; the page stays, without "Ask" link.
    pub paused: bool,
}

/// A profile the committee published in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// URL slug: `/members/mentors/<slug>/`.
    pub slug: String,
    /// The roster member it belongs to.
    pub member_id: String,
    /// The profile.
    pub profile: Profile,
}

/// What the store knows about mentors, handed to the generator by its caller
/// (`duos serve`, a function, `duos build --data`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreProfiles {
    /// Published profiles (at most one per member id).
    pub published: Vec<Published>,
    /// Listing state by member id, for profiles of either source; a member
    /// not named here is listed and may be asked.
    pub listings: BTreeMap<String, Listing>,
}

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, relative to the site root.
    Yaml(PathBuf),
    /// The store (published by the committee).
    Store,
}

/// An expertise term as shown on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermRef {
    pub slug: String,
    pub name: String,
    pub url: String,
}

/// A checked profile with what its pages need: slug, member id, role, the
/// expertise terms resolved, the bio rendered and sanitized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentor {
    pub slug: String,
    /// Empty for a YAML profile without `member_id`.
    pub member_id: String,
    pub role: String,
    pub profile: Profile,
    pub terms: Vec<TermRef>,
    /// Rendered from markdown and sanitized: safe to mark `| safe`.
    pub bio_html: String,
    /// The bio's opening as plain text (at most [`BIO_EXCERPT`] characters,
    /// cut at a word), for the directory's cards.
    pub bio_excerpt: String,
    pub source: Source,
    /// Directory order: lowercased name.
    pub sort_key: String,
    /// The mentor's directory card (`_mentor_card.html`), rendered the
    /// first time a directory or term page needs it and kept with the
    /// compiled profile: publishing a change renders only the changed
    /// mentor's card (see [`crate::render`]).
    pub card_html: std::sync::OnceLock<String>,
}

/// URL of a mentor's page.
pub fn profile_url(slug: &str) -> String {
    format!("/members/mentors/{slug}/")
}

/// Output file of a mentor's page, relative to the output root.
pub fn profile_output(slug: &str) -> PathBuf {
    PathBuf::from(format!("members/mentors/{slug}/index.html"))
}

/// URL of an expertise term's page.
pub fn term_url(slug: &str) -> String {
    format!("/members/expertise/{slug}/")
}

/// Whether `slug` can name a page: lowercase letters, digits and dashes.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A link resolver for `@/path.md` targets in bios.
pub type Resolve<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// A profile error, where it is: a field path and a message.
struct Problem {
    field: String,
    message: String,
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Self {
        Problem {
            field: e.field,
            message: e.message.trim_end_matches('.').to_string(),
        }
    }
}

/// Who a profile is, besides its fields.
struct Identity {
    slug: String,
    member_id: String,
    role: String,
    source: Source,
}

/// Checks `profile` (validation, expertise, the bio's links) and builds the
/// mentor; every problem at once, as field paths.
fn compile(
    who: Identity,
    profile: Profile,
    program: &Program,
    today: chrono::NaiveDate,
    resolve: Resolve,
) -> Result<Mentor, (Vec<Problem>, Vec<markdown::LinkError>)> {
    let problems: Vec<Problem> = time(Stage::Validate, || {
        profile
            .problems(program, today)
            .into_iter()
            .map(Problem::from)
            .collect()
    });
    let (rendered, link_errors) = time(Stage::Markdown, || {
        markdown::render_with(&profile.bio, resolve, BIO_EXCERPT + 1)
    });
    if !problems.is_empty() || !link_errors.is_empty() {
        return Err((problems, link_errors));
    }
    let terms = profile
        .expertise
        .iter()
        .filter_map(|slug| program.expertise_term(slug))
        .map(|t| TermRef {
            url: term_url(&t.slug),
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect();
    let markdown::Rendered {
        html, text, plain, ..
    } = rendered;
    Ok(Mentor {
        sort_key: profile.name.to_lowercase(),
        bio_html: time(Stage::Sanitize, || crate::sanitize::clean(html, plain)),
        bio_excerpt: markdown::excerpt(&text, BIO_EXCERPT),
        slug: who.slug,
        member_id: who.member_id,
        role: who.role,
        profile,
        terms,
        source: who.source,
        card_html: std::sync::OnceLock::new(),
    })
}

/// Checks a published store profile and builds its mentor. Errors name the
/// member and the field: `published profile of M1: career[0].from: ...`.
pub fn from_store(
    published: &Published,
    program: &Program,
    today: chrono::NaiveDate,
    resolve: Resolve,
) -> Result<Mentor, Vec<Diagnostic>> {
    let shown = format!("published profile of {}", published.member_id);
    let mut diags = Vec::new();
    if !is_slug(&published.slug) {
        diags.push(Diagnostic::new(
            &shown,
            format!(
                "slug \"{}\" must be lowercase letters, digits and dashes",
                published.slug
            ),
        ));
    }
    if published.member_id.trim().is_empty() {
        diags.push(Diagnostic::new(&shown, "member_id is empty"));
    }
    let who = Identity {
        slug: published.slug.clone(),
        member_id: published.member_id.clone(),
        role: DEFAULT_ROLE.into(),
        source: Source::Store,
    };
    match compile(who, published.profile.clone(), program, today, resolve) {
        Ok(m) if diags.is_empty() => Ok(m),
        Ok(_) => Err(diags),
        Err((problems, links)) => {
            for p in problems {
                diags.push(Diagnostic::new(
                    &shown,
                    format!("{}: {}", p.field, p.message),
                ));
            }
            for e in links {
                diags.push(Diagnostic::new(&shown, format!("bio: {}", e.message)));
            }
            Err(diags)
        }
    }
}

/// A YAML scalar read as text: `M2009`, `2009`.
fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The profile of a YAML value; on an error, with the path of the field
/// it is about. Most files are well formed: a value is read without
/// tracking the path first (tracking wraps every field's reading), and read
/// again with it only when that fails.
fn to_profile(
    value: &serde_yaml::Value,
) -> Result<Profile, serde_path_to_error::Error<serde_yaml::Error>> {
    Profile::deserialize(value).or_else(|_| serde_path_to_error::deserialize(value))
}

/// Parses and checks one profile file; renders its bio. All errors of the
/// file are returned at once, each at its `line:column` (after a YAML syntax
/// or type error nothing more can be checked).
pub fn parse(
    file: &SourceFile,
    program: &Program,
    today: chrono::NaiveDate,
    resolve: Resolve,
) -> Result<Mentor, Vec<Diagnostic>> {
    let path = &file.rel;
    let text = &file.text;
    let top = Some(Pos { line: 1, column: 1 });
    // The fast reader takes the plain files; serde_yaml the rest (and
    // reports errors).
    let value: serde_yaml::Value = time(Stage::Yaml, || match crate::yaml_fast::parse(text) {
        Some(value) => Ok(value),
        None => serde_yaml::from_str(text),
    })
    .map_err(|e| vec![Diagnostic::yaml(path, &e, 0)])?;
    let serde_yaml::Value::Mapping(mut map) = value else {
        return Err(vec![Diagnostic::at(
            path,
            top,
            "a profile is a mapping of fields (name: ..., title: ...)",
        )]);
    };
    let mut diags = Vec::new();
    let file_only =
        |map: &mut serde_yaml::Mapping, key: &str, diags: &mut Vec<Diagnostic>| -> Option<String> {
            let v = map.remove(key)?;
            let text_value = scalar_text(&v);
            if text_value.is_none() {
                diags.push(Diagnostic::at(
                    path,
                    value_pos(text, key),
                    format!("{key}: expected text"),
                ));
            }
            text_value
        };
    let member_id = file_only(&mut map, "member_id", &mut diags).unwrap_or_default();
    let role = file_only(&mut map, "role", &mut diags).unwrap_or_else(|| DEFAULT_ROLE.into());
    // A missing required field is reported and filled with its empty
    // value, so that the rest of the file is still checked.
    let mut value = serde_yaml::Value::Mapping(map);
    let mut missing: Vec<String> = Vec::new();
    let profile: Profile = loop {
        match time(Stage::Model, || to_profile(&value)) {
            Ok(p) => break p,
            Err(e) => {
                diags.push(shape_error(text, path, &e));
                let filled = missing_field(&e).and_then(|(at, name)| {
                    let field = if at.is_empty() {
                        name.clone()
                    } else {
                        format!("{at}.{name}")
                    };
                    let empty = empty_field(&at, &name)?;
                    let parent = value_at(&mut value, &at)?.as_mapping_mut()?;
                    parent.insert(name.into(), empty);
                    missing.push(field);
                    Some(())
                });
                if filled.is_none() || missing.len() > 32 {
                    return Err(diags);
                }
            }
        }
    };
    let slug = file.stem().to_string();
    let bio = profile.bio.clone();
    let who = Identity {
        slug,
        member_id,
        role,
        source: Source::Yaml(path.clone()),
    };
    let result = compile(who, profile, program, today, resolve).map_err(|(problems, links)| {
        let mut diags: Vec<Diagnostic> = Vec::new();
        diags.extend(
            problems
                .into_iter()
                .filter(|p| !missing.contains(&p.field))
                .map(|p| {
                    let pos = if p.field.ends_with(']') {
                        value_pos(text, &p.field)
                    } else {
                        path_pos(text, &p.field)
                    };
                    Diagnostic::at(
                        path,
                        pos.or(top),
                        format!("{} (field {})", p.message, p.field),
                    )
                }),
        );
        // Link errors point into the file.
        for e in links {
            let needle = &bio[e.offset.min(bio.len())..];
            let target: String = needle
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ')')
                .collect();
            let pos = text
                .find(target.as_str())
                .map(|at| pos_of_offset(text, at))
                .or_else(|| path_pos(text, "bio"));
            diags.push(Diagnostic::at(
                path,
                pos,
                format!("{} (field bio)", e.message),
            ));
        }
        diags
    });
    match result {
        Ok(m) if diags.is_empty() => Ok(m),
        Ok(_) => Err(diags),
        Err(d) => {
            diags.extend(d);
            Err(diags)
        }
    }
}

/// The container path and name of a "missing field" error.
fn missing_field(e: &serde_path_to_error::Error<serde_yaml::Error>) -> Option<(String, String)> {
    let msg = e.inner().to_string();
    let name = msg.strip_prefix("missing field `")?.split('`').next()?;
    let at = e.path().to_string();
    let at = if at == "." { String::new() } else { at };
    Some((at, name.to_string()))
}

/// The empty value of field `name` of the struct at path `at` (a profile, its
/// contact, a career or education entry), as the model serializes it.
fn empty_field(at: &str, name: &str) -> Option<serde_yaml::Value> {
    use mentoring::{CareerEntry, Contact, EducationEntry};
    let empty = match at {
        "" => serde_yaml::to_value(Profile::default()),
        "contact" => serde_yaml::to_value(Contact::default()),
        _ if at.starts_with("career[") => serde_yaml::to_value(CareerEntry::default()),
        _ if at.starts_with("education[") => serde_yaml::to_value(EducationEntry::default()),
        _ => return None,
    }
    .ok()?;
    empty.get(name).cloned()
}

/// The node at a field path of a YAML value.
fn value_at<'v>(value: &'v mut serde_yaml::Value, at: &str) -> Option<&'v mut serde_yaml::Value> {
    let mut node = value;
    for step in crate::diagnostics::path_steps(at) {
        node = match step {
            crate::diagnostics::Step::Key(k) => node.get_mut(k.as_str())?,
            crate::diagnostics::Step::Index(i) => node.get_mut(i)?,
        };
    }
    Some(node)
}

/// A field missing, unknown or of the wrong type, at its place in the file.
fn shape_error(
    text: &str,
    path: &std::path::Path,
    e: &serde_path_to_error::Error<serde_yaml::Error>,
) -> Diagnostic {
    let at = e.path().to_string();
    let at = if at == "." { String::new() } else { at };
    let msg = crate::diagnostics::yaml_message(e.inner());
    if let Some(rest) = msg.strip_prefix("missing required field \"") {
        let name = rest.trim_end_matches('"');
        let pos = if at.is_empty() {
            Some(Pos { line: 1, column: 1 })
        } else {
            path_pos(text, &at)
        };
        let msg = if at.is_empty() {
            format!("missing required field \"{name}\"")
        } else {
            format!("missing required field \"{name}\" (in {at})")
        };
        return Diagnostic::at(path, pos, msg);
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        // The path ends in the unknown key itself.
        let name = rest.split('`').next().unwrap_or_default();
        let container = at
            .strip_suffix(name)
            .map(|c| c.trim_end_matches('.'))
            .unwrap_or_default();
        let mut known = msg
            .split_once(", expected ")
            .map(|(_, k)| k.to_string())
            .unwrap_or_default();
        if container.is_empty() {
            known = format!(
                "{known}, or {}",
                FILE_ONLY_KEYS.map(|k| format!("`{k}`")).join(", ")
            );
        }
        let field = if at.is_empty() {
            name.to_string()
        } else {
            at.clone()
        };
        return Diagnostic::at(
            path,
            path_pos(text, &field).or_else(|| path_pos(text, container)),
            format!("unknown field \"{name}\" (field {field}), expected {known}"),
        );
    }
    let shown = if at.is_empty() {
        msg
    } else {
        format!("{at}: {msg}")
    };
    Diagnostic::at(path, value_pos(text, &at), shown)
}
