//! Curated profile files changed on disk (`duos serve` watching
//! `content/mentors/`): [`Site::update_profile_files`] reads the changed
//! YAML files again, updates the loaded site and renders only the pages they
//! touch ([`Site::render_changes`](crate::publish), the rule
//! [`Site::publish`] uses for the store's profiles): the profile's page (the
//! old one deleted when a file went away), the directory and term pages
//! that show a changed directory card, or whose cards it shifts, or whose
//! counts it changed, `members/access.json` only when a
//! slug -> member pair changed. Every file is byte-identical to what a full
//! build of the files as they are now writes; the public pages (sitemap,
//! search index) hold no profile and are never touched.
//!
//! A change that reaches beyond those pages is not done here but refused
//! with [`Refused::FullBuild`]: a file that is not a profile, a new file
//! whose slug a page, another file or a published profile owns, a member id
//! another file has, a removed file that a page or a bio links to. A full
//! build then does it, and reports its errors as it always does. A file
//! with errors is refused with [`Refused::Invalid`] and the same
//! `path:line:column: message` a full build prints. Either way the site is
//! left as it was and nothing is returned to write.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceFile;
use crate::order::Place;
use crate::profiles::{self, profile_url, Mentor, Source};
use crate::publish::{Appearance, Publication};
use crate::site::{no_member_id_warning, Site};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// Why changed profile files were not applied. The site is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The files have errors, as a full build reports them.
    Invalid(Diagnostics),
    /// The change reaches beyond the profiles' own pages (why, in words):
    /// build the whole site.
    FullBuild(String),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Invalid(d) => write!(f, "{d}"),
            Refused::FullBuild(why) => write!(f, "needs a full build: {why}"),
        }
    }
}

/// Whether `rel` (relative to the site root) is a file a build reads as a
/// curated profile: `content/mentors/**.yaml` (or `.yml`), nothing hidden
/// on the way.
pub fn is_profile_file(rel: &Path) -> bool {
    let mut parts = rel.components();
    let prefix = [parts.next(), parts.next()];
    if prefix
        != [
            Some(Component::Normal("content".as_ref())),
            Some(Component::Normal("mentors".as_ref())),
        ]
    {
        return false;
    }
    let rest: Vec<&str> = match parts
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<&str>>>()
    {
        Some(rest) if !rest.is_empty() => rest,
        _ => return false,
    };
    let name = rest[rest.len() - 1];
    !rest.iter().any(|s| s.starts_with('.')) && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// `mentors/ada.yaml` for `content/mentors/ada.yaml`: how links name it.
fn content_path(rel: &Path) -> String {
    rel.components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn full(why: String) -> Refused {
    Refused::FullBuild(why)
}

fn shown(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// One changed file: what the site had, what the disk has.
struct Changed {
    rel: PathBuf,
    content_path: String,
    /// Index of the file's profile in `Site::yaml`, if it had one.
    old: Option<usize>,
    /// The file's text now; `None` when it is gone.
    text: Option<String>,
}

impl Site {
    /// Reads the profile files `changed` (relative to `root`, the site root
    /// this site was loaded from; each one changed, added or deleted) and
    /// updates the site. Returns the files to write and delete (see
    /// [`Publication::write_to`]), or why nothing changed.
    pub fn update_profile_files(
        &mut self,
        root: &Path,
        changed: &[PathBuf],
    ) -> Result<Publication, Refused> {
        let batch = self.read_changed(root, changed)?;
        let removed: BTreeSet<&Path> = batch
            .iter()
            .filter(|c| c.text.is_none() && c.old.is_some())
            .map(|c| c.rel.as_path())
            .collect();
        let in_batch: BTreeSet<&Path> = batch.iter().map(|c| c.rel.as_path()).collect();
        self.check_claims(&batch, &removed)?;

        // Links to profiles (`@/mentors/ada.yaml`) follow the files.
        let mut link_undo: Vec<(String, Option<String>)> = Vec::new();
        for c in &batch {
            let url = c.text.as_ref().map(|_| profile_url(stem(&c.rel)));
            let was = match &url {
                Some(url) => self.links.urls.insert(c.content_path.clone(), url.clone()),
                None => self.links.urls.remove(&c.content_path),
            };
            link_undo.push((c.content_path.clone(), was));
        }
        let undo_links = |site: &mut Site, undo: Vec<(String, Option<String>)>| {
            for (path, was) in undo.into_iter().rev() {
                match was {
                    Some(url) => site.links.urls.insert(path, url),
                    None => site.links.urls.remove(&path),
                };
            }
        };

        let parsed: Vec<Result<Option<Mentor>, Vec<Diagnostic>>> = batch
            .par_iter()
            .map(|c| {
                let Some(text) = &c.text else {
                    return Ok(None);
                };
                let file = SourceFile {
                    rel: c.rel.clone(),
                    content_path: c.content_path.clone(),
                    text: text.clone(),
                };
                profiles::parse(&file, &self.program, self.today, &|t| self.links.resolve(t))
                    .map(Some)
            })
            .collect();
        let mut diags = Diagnostics::new();
        let mut next: Vec<Option<Mentor>> = Vec::with_capacity(batch.len());
        for p in parsed {
            match p {
                Ok(m) => next.push(m),
                Err(d) => diags.extend(d),
            }
        }
        if !diags.is_empty() {
            undo_links(self, link_undo);
            diags.normalize();
            return Err(Refused::Invalid(diags));
        }
        if let Err(why) = self.check_members(&next, &in_batch) {
            undo_links(self, link_undo);
            return Err(full(why));
        }

        // What changes: files whose profile is not the same as before.
        let mut before = Vec::new();
        let mut changes: Vec<(PathBuf, Option<Mentor>)> = Vec::new();
        for (c, m) in batch.iter().zip(next) {
            let old = c.old.map(|i| &self.yaml[i]);
            if same(old, m.as_ref()) {
                continue;
            }
            if let Some(old) = old.filter(|o| self.in_effect(o)) {
                before.push(Appearance::of(self, old));
            }
            changes.push((c.rel.clone(), m));
        }
        if changes.is_empty() {
            undo_links(self, link_undo);
            return Ok(Publication::default());
        }
        self.keep_order();
        let undo = self.set_files(changes);
        let touched: Vec<&Path> = undo.iter().map(|(rel, _)| rel.as_path()).collect();
        let now: Vec<&Mentor> = self
            .yaml
            .iter()
            .filter(|m| touched.iter().any(|rel| from_file(m, rel)))
            .filter(|m| self.in_effect(m))
            .collect();
        let after: Vec<Appearance> = now.iter().map(|m| Appearance::of(self, m)).collect();
        match self.render_changes(&now, &before, &after) {
            Ok(publication) => Ok(publication),
            Err(d) => {
                self.set_files(undo);
                undo_links(self, link_undo);
                Err(Refused::Invalid(d))
            }
        }
    }

    /// Reads each changed file (deduplicated); refuses what is not a profile
    /// file.
    fn read_changed(&self, root: &Path, changed: &[PathBuf]) -> Result<Vec<Changed>, Refused> {
        let rels: BTreeSet<&PathBuf> = changed.iter().collect();
        let mut batch = Vec::with_capacity(rels.len());
        let mut diags = Diagnostics::new();
        for rel in rels {
            if !is_profile_file(rel) {
                return Err(full(format!("{} is not a profile file", shown(rel))));
            }
            let path = root.join(rel);
            if path.is_dir() {
                return Err(full(format!("{} is a folder", shown(rel))));
            }
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => Some(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    diags.push(Diagnostic::new(rel, format!("cannot read: {e}")));
                    continue;
                }
            };
            let old = self.yaml_index(rel);
            if text.is_none() && old.is_none() {
                continue; // came and went
            }
            batch.push(Changed {
                rel: rel.clone(),
                content_path: content_path(rel),
                old,
                text,
            });
        }
        if !diags.is_empty() {
            diags.normalize();
            return Err(Refused::Invalid(diags));
        }
        Ok(batch)
    }

    /// A new file's slug must be free (no page, term, other file or
    /// published profile at its URL); a removed file must not be linked to.
    fn check_claims(&self, batch: &[Changed], removed: &BTreeSet<&Path>) -> Result<(), Refused> {
        let mut new_slugs: BTreeSet<&str> = BTreeSet::new();
        for c in batch.iter().filter(|c| c.old.is_none()) {
            let slug = stem(&c.rel);
            let url = profile_url(slug);
            let taken_by_file = self.yaml.iter().any(|m| {
                m.slug == slug
                    && !matches!(&m.source, Source::Yaml(p) if removed.contains(p.as_path()))
            });
            if self.owners.contains_key(&url) || taken_by_file || !new_slugs.insert(slug) {
                return Err(full(format!("{}: {url} is taken", shown(&c.rel))));
            }
        }
        for c in batch.iter().filter(|c| c.text.is_none()) {
            let target = format!("@/{}", c.content_path);
            let linked = self.pages.iter().any(|p| p.text.contains(&target))
                || self
                    .yaml
                    .par_iter()
                    .filter(
                        |m| !matches!(&m.source, Source::Yaml(p) if removed.contains(p.as_path())),
                    )
                    .any(|m| m.profile.bio.contains(&target))
                || self
                    .store
                    .values()
                    .any(|(_, m)| m.profile.bio.contains(&target));
            if linked {
                return Err(full(format!(
                    "{} is gone and {target} is linked to",
                    shown(&c.rel)
                )));
            }
        }
        Ok(())
    }

    /// The new profiles' member ids must be their own (no other file has
    /// it), and a profile in effect must not take a published profile's
    /// slug.
    fn check_members(
        &self,
        next: &[Option<Mentor>],
        in_batch: &BTreeSet<&Path>,
    ) -> Result<(), String> {
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        for m in next.iter().flatten() {
            let Source::Yaml(rel) = &m.source else {
                continue;
            };
            if !m.member_id.is_empty() {
                let other = self
                    .yaml_by_member
                    .get(&m.member_id)
                    .map(|&i| &self.yaml[i]);
                let elsewhere = other.is_some_and(
                    |o| !matches!(&o.source, Source::Yaml(p) if in_batch.contains(p.as_path())),
                );
                if elsewhere || !ids.insert(&m.member_id) {
                    return Err(format!(
                        "{}: member_id \"{}\" is another profile's",
                        shown(rel),
                        m.member_id
                    ));
                }
            }
            if self.in_effect(m) && self.store.values().any(|(p, _)| p.slug == m.slug) {
                return Err(format!(
                    "{}: a published profile has the slug \"{}\"",
                    shown(rel),
                    m.slug
                ));
            }
        }
        Ok(())
    }

    /// Whether a YAML profile is in effect (no published profile of its
    /// member replaces it).
    pub(crate) fn in_effect(&self, m: &Mentor) -> bool {
        m.member_id.is_empty() || !self.store.contains_key(&m.member_id)
    }

    fn yaml_index(&self, rel: &Path) -> Option<usize> {
        self.yaml.iter().position(|m| from_file(m, rel))
    }

    /// Puts each file's profile (or none) in place of what the site had;
    /// returns what it had, to undo. The profiles stay in file order; the
    /// member index and the warnings follow.
    fn set_files(
        &mut self,
        changes: Vec<(PathBuf, Option<Mentor>)>,
    ) -> Vec<(PathBuf, Option<Mentor>)> {
        let mut undo = Vec::with_capacity(changes.len());
        let mut reindex = false;
        for (rel, next) in changes {
            let old = match (self.yaml_index(&rel), next) {
                (Some(i), Some(m)) => {
                    reindex |= self.yaml[i].member_id != m.member_id;
                    let listed = self.listed_as(&m, Place::Yaml(i));
                    let was = self.listed_as(&self.yaml[i], Place::Yaml(i));
                    self.relist(was.as_ref(), listed.as_ref());
                    Some(std::mem::replace(&mut self.yaml[i], m))
                }
                (Some(i), None) => {
                    reindex = true;
                    let was = self.listed_as(&self.yaml[i], Place::Yaml(i));
                    self.relist(was.as_ref(), None);
                    self.shift_yaml(i + 1, -1);
                    Some(self.yaml.remove(i))
                }
                (None, Some(m)) => {
                    reindex = true;
                    let at = self.yaml.partition_point(|o| match &o.source {
                        Source::Yaml(p) => p.as_path() < rel.as_path(),
                        Source::Store => true,
                    });
                    self.shift_yaml(at, 1);
                    let listed = self.listed_as(&m, Place::Yaml(at));
                    self.relist(None, listed.as_ref());
                    self.yaml.insert(at, m);
                    None
                }
                (None, None) => None,
            };
            self.warnings
                .retain(|w| !(w.path == rel && w.message.starts_with("warning: no member_id")));
            if self
                .yaml_index(&rel)
                .is_some_and(|i| self.yaml[i].member_id.is_empty())
            {
                self.warnings.push(no_member_id_warning(&rel));
                self.warnings.sort();
            }
            undo.push((rel, old));
        }
        if reindex {
            let mut by_member: HashMap<String, usize> = HashMap::with_capacity(self.yaml.len());
            for (i, m) in self.yaml.iter().enumerate() {
                if !m.member_id.is_empty() {
                    by_member.entry(m.member_id.clone()).or_insert(i);
                }
            }
            self.yaml_by_member = by_member;
        }
        undo.reverse();
        undo
    }
}

/// Whether `m` is the profile of the file `rel`. Compared as bytes: both
/// paths are `content/...` as the build and the watcher spell them, and a
/// comparison by components costs ten times more (10,000 of them per
/// change).
fn from_file(m: &Mentor, rel: &Path) -> bool {
    matches!(&m.source, Source::Yaml(p) if p.as_os_str() == rel.as_os_str())
}

/// A file's slug: its name without extension.
fn stem(rel: &Path) -> &str {
    rel.file_stem().and_then(|s| s.to_str()).unwrap_or("")
}

/// Whether two compilations of a file are the same profile (the cached
/// card aside).
fn same(a: Option<&Mentor>, b: Option<&Mentor>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            (
                &a.slug,
                &a.member_id,
                &a.role,
                &a.profile,
                &a.bio_html,
                &a.source,
            ) == (
                &b.slug,
                &b.member_id,
                &b.role,
                &b.profile,
                &b.bio_html,
                &b.source,
            )
        }
        _ => false,
    }
}
