//! Publishing one change: render only the pages a changed profile touches.
//!
//! A caller loads the [`Site`] once ([`Site::load`]: program, pages,
//! templates, YAML profiles and the store's profiles) and keeps it. For each
//! change (a profile approved or edited, withdrawn, paused or resumed, taken)
//! [`Site::publish`] updates the site and returns the files to write, as
//! (relative path, bytes), and the files to delete; the caller writes them to
//! a folder (`duos serve`) or a bucket (AWS). Each file is byte-identical to
//! what a full build of the new state writes.
//!
//! Which pages a change touches:
//! - the mentor's page (and, when its slug changed or it is gone, the old
//!   page is deleted);
//! - when what a directory card shows changed (name, title, institution,
//!   location, role, the bio's opening, terms, listed or not): the
//!   directory and the pages of
//!   its old and new terms, each with all its pages (a listing is paged by
//!   [`crate::render::CARDS_PER_PAGE`]; a page the shorter listing no
//!   longer fills is deleted); when a term's count changed, every term page
//!   (each lists the others with their counts);
//! - `members/access.json` when the slug -> member mapping changed.
//!
//! Nothing else is rendered: the cost is one profile page, plus the
//! directory and term pages only when a card changed. Together those list
//! every card, but only the changed mentor's card is rendered: the others were
//! rendered when their profiles were compiled and are spliced in
//! ([`crate::render`]); the files are written in parallel. BENCHMARKS.md
//! ("Publishing one changed profile") has the figures.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::profiles::term_url;
use crate::profiles::{profile_output, Listing, Published};
use crate::render::{listing_page_output, Card, Index, Rendered, ACCESS_OUTPUT, DIRECTORY_URL};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// One change to the profiles of a site.
// One value per publish call, never held in bulk: the size of `Upsert` does
// not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A profile published (committee approval) or edited by its mentor.
    Upsert(Published),
    /// A published profile taken out of the store (withdrawn, declined).
    Remove {
        /// The member whose published profile goes.
        member_id: String,
    },
    /// A mentor paused or resumed their listing, or has (or no longer has) a
    /// mentee this cohort. The default listing clears the state.
    Listing {
        /// The member (of a store or a YAML profile).
        member_id: String,
        /// The new state.
        listing: Listing,
    },
}

impl Change {
    /// The member the change is about.
    pub fn member_id(&self) -> &str {
        match self {
            Change::Upsert(p) => &p.member_id,
            Change::Remove { member_id } | Change::Listing { member_id, .. } => member_id,
        }
    }
}

/// What a change renders: files to write and files to delete, relative to
/// the output root (`members/mentors/ada/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Publication {
    /// Files to write, sorted by path.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Files to delete (a page whose profile is gone or moved).
    pub removed: Vec<PathBuf>,
}

impl Publication {
    /// Writes the files into `out` and deletes the removed ones (`duos
    /// serve`'s site folder). Each file is written beside its target and
    /// renamed over it, so a reader sees the old page or the new one.
    pub fn write_to(&self, out: &std::path::Path) -> std::io::Result<()> {
        // In parallel: a change of the term counts writes every term page.
        self.files.par_iter().try_for_each(|(rel, bytes)| {
            let path = out.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)
        })?;
        for rel in &self.removed {
            match std::fs::remove_file(out.join(rel)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            if let Some(dir) = out.join(rel).parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        Ok(())
    }
}

/// How a member's profile appears, before or after a change.
#[derive(PartialEq, Eq)]
struct Appearance {
    slug: String,
    /// `None` when paused (not in the directory).
    card: Option<String>,
    terms: BTreeSet<String>,
}

impl Site {
    fn appearance(&self, member_id: &str) -> Option<Appearance> {
        let m = self.mentor(member_id)?;
        let listed = !self.listing(m).paused;
        Some(Appearance {
            slug: m.slug.clone(),
            card: listed.then(|| serde_json::to_string(&Card::of(m)).unwrap_or_default()),
            terms: if listed {
                m.terms.iter().map(|t| t.slug.clone()).collect()
            } else {
                BTreeSet::new()
            },
        })
    }

    /// Applies `change` and renders the pages it touches. On an error (an
    /// invalid profile, a slug another page owns, a template error) the site
    /// is unchanged and nothing is returned to write.
    pub fn publish(&mut self, change: Change) -> Result<Publication, Diagnostics> {
        let member_id = change.member_id().to_string();
        if member_id.trim().is_empty() {
            return Err(Diagnostic::new("publish", "the change names no member").into());
        }
        let before = self.appearance(&member_id);
        let undo = self.apply(change)?;
        match self.render_touched(&member_id, before) {
            Ok(p) => Ok(p),
            Err(d) => {
                undo.restore(self);
                Err(d)
            }
        }
    }

    /// Changes the site's store; returns what restores it.
    fn apply(&mut self, change: Change) -> Result<Undo, Diagnostics> {
        let member_id = change.member_id().to_string();
        let undo = Undo {
            store: self.store.get(&member_id).cloned(),
            listing: self.listings.get(&member_id).copied(),
            member_id: member_id.clone(),
        };
        match change {
            Change::Upsert(published) => {
                if let Some(d) = self.slug_conflict(&published, true) {
                    return Err(d.into());
                }
                let mentor = self.compile(&published)?;
                self.store.insert(member_id, (published, mentor));
            }
            Change::Remove { .. } => {
                self.store.remove(&member_id);
            }
            Change::Listing { listing, .. } => {
                if listing == Listing::default() {
                    self.listings.remove(&member_id);
                } else {
                    self.listings.insert(member_id, listing);
                }
            }
        }
        Ok(undo)
    }

    fn render_touched(
        &self,
        member_id: &str,
        before: Option<Appearance>,
    ) -> Result<Publication, Diagnostics> {
        let after = self.appearance(member_id);
        let mut rendered: Vec<Rendered> = Vec::new();
        let mut removed = Vec::new();
        if let Some(m) = self.mentor(member_id) {
            rendered.push(self.render_profile(m).map_err(Diagnostics::from)?);
        }
        let slug_of = |a: &Option<Appearance>| a.as_ref().map(|a| a.slug.clone());
        if let Some(old) = slug_of(&before) {
            if slug_of(&after).as_deref() != Some(old.as_str()) {
                removed.push(profile_output(&old));
            }
        }
        let card_of = |a: &Option<Appearance>| a.as_ref().and_then(|a| a.card.clone());
        if card_of(&before) != card_of(&after) {
            let terms_of =
                |a: &Option<Appearance>| a.as_ref().map(|a| a.terms.clone()).unwrap_or_default();
            let (old_terms, new_terms) = (terms_of(&before), terms_of(&after));
            // A term's count changes when the mentor joins or leaves it;
            // every term page lists every term's count.
            let counts_changed = old_terms != new_terms;
            let index = Index::of(self);
            let terms: Vec<_> = self
                .program
                .expertise
                .iter()
                .filter(|t| {
                    counts_changed || old_terms.contains(&t.slug) || new_terms.contains(&t.slug)
                })
                .collect();
            let pages: Vec<Result<Vec<Rendered>, Diagnostic>> = rayon::iter::once(None)
                .chain(terms.par_iter().map(Some))
                .map(|t| match t {
                    None => self.render_directory(&index),
                    Some(t) => self.render_term(t, &index),
                })
                .collect();
            for p in pages {
                rendered.extend(p.map_err(Diagnostics::from)?);
            }
            // A listing one card shorter may have lost its last page.
            let listed = |a: &Option<Appearance>| a.as_ref().is_some_and(|a| a.card.is_some());
            let mut shrunk = vec![(
                true,
                DIRECTORY_URL.to_string(),
                index.order.len(),
                usize::from(listed(&before)),
                usize::from(listed(&after)),
            )];
            shrunk.extend(terms.iter().map(|t| {
                (
                    false,
                    term_url(&t.slug),
                    index.by_term.get(t.slug.as_str()).map_or(0, Vec::len),
                    usize::from(old_terms.contains(&t.slug)),
                    usize::from(new_terms.contains(&t.slug)),
                )
            }));
            for (directory, url, now, was_in, is_in) in shrunk {
                let pages_of = |len| {
                    if directory {
                        self.directory_pages(len)
                    } else {
                        self.term_pages(len)
                    }
                };
                let (before_pages, pages) = (pages_of(now + was_in - is_in), pages_of(now));
                removed.extend((pages + 1..=before_pages).map(|n| listing_page_output(&url, n)));
            }
        }
        if slug_of(&before) != slug_of(&after) {
            rendered.push(self.render_access());
        }
        debug_assert!(rendered
            .iter()
            .all(|(p, _)| p.starts_with("members/") || p.as_os_str() == ACCESS_OUTPUT));
        let mut files: Vec<(PathBuf, Vec<u8>)> = rendered
            .into_iter()
            .map(|(p, html)| (p, html.into_bytes()))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        removed.retain(|r| !files.iter().any(|(p, _)| p == r));
        Ok(Publication { files, removed })
    }

    /// The page of `published` as it would be if published now (the
    /// `/members/profile/` preview), without changing anything.
    pub fn preview(&self, published: &Published) -> Result<String, Diagnostics> {
        let mentor = self.compile(published)?;
        self.render_profile(&mentor)
            .map(|(_, html)| html)
            .map_err(Diagnostics::from)
    }
}

/// The member's store entry and listing before a change.
struct Undo {
    member_id: String,
    store: Option<(Published, crate::profiles::Mentor)>,
    listing: Option<Listing>,
}

impl Undo {
    fn restore(self, site: &mut Site) {
        match self.store {
            Some(entry) => {
                site.store.insert(self.member_id.clone(), entry);
            }
            None => {
                site.store.remove(&self.member_id);
            }
        }
        match self.listing {
            Some(l) => {
                site.listings.insert(self.member_id, l);
            }
            None => {
                site.listings.remove(&self.member_id);
            }
        }
    }
}
