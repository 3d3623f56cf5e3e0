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
use crate::profiles::{profile_output, Listing, Mentor, Published};
use crate::render::{listing_page_output, Card, Index, Rendered, ACCESS_OUTPUT, DIRECTORY_URL};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
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

/// How a profile appears, before or after a change: what decides which
/// pages the change touches.
#[derive(PartialEq, Eq)]
pub(crate) struct Appearance {
    slug: String,
    /// Empty for a YAML profile without member id.
    member_id: String,
    /// `None` when paused (not in the directory).
    card: Option<String>,
    /// Where the card stands in the listings (`None` when paused).
    sort_key: Option<String>,
    terms: BTreeSet<String>,
}

impl Appearance {
    /// How `m` appears on `site` (with its listing state).
    pub(crate) fn of(site: &Site, m: &Mentor) -> Appearance {
        let listed = !site.listing(m).paused;
        Appearance {
            slug: m.slug.clone(),
            member_id: m.member_id.clone(),
            card: listed.then(|| serde_json::to_string(&Card::of(m)).unwrap_or_default()),
            sort_key: listed.then(|| m.sort_key.clone()),
            terms: if listed {
                m.terms.iter().map(|t| t.slug.clone()).collect()
            } else {
                BTreeSet::new()
            },
        }
    }
}

impl Site {
    fn appearance(&self, member_id: &str) -> Option<Appearance> {
        self.mentor(member_id).map(|m| Appearance::of(self, m))
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
        let pages: Vec<&Mentor> = self.mentor(member_id).into_iter().collect();
        self.render_changes(&pages, before.as_slice(), after.as_slice())
    }

    /// The files of a change: the pages of `profiles` (the changed
    /// profiles as they are now), the pages of profiles gone or moved to
    /// delete, and, from how the changed profiles appeared `before` and
    /// appear `after` (one entry per profile in effect), the directory and
    /// term pages when a card changed and `members/access.json` when a
    /// slug -> member pair changed.
    pub(crate) fn render_changes(
        &self,
        profiles: &[&Mentor],
        before: &[Appearance],
        after: &[Appearance],
    ) -> Result<Publication, Diagnostics> {
        let mut rendered: Vec<Rendered> = profiles
            .par_iter()
            .map(|m| self.render_profile(m))
            .collect::<Result<_, Diagnostic>>()
            .map_err(Diagnostics::from)?;
        let after_slugs: BTreeSet<&str> = after.iter().map(|a| a.slug.as_str()).collect();
        let mut removed: Vec<PathBuf> = before
            .iter()
            .filter(|a| !after_slugs.contains(a.slug.as_str()))
            .map(|a| profile_output(&a.slug))
            .collect();
        if cards(before) != cards(after) {
            let terms_of = |v: &[Appearance]| -> BTreeMap<String, usize> {
                let mut counts = BTreeMap::new();
                for t in v.iter().flat_map(|a| a.terms.iter()) {
                    *counts.entry(t.clone()).or_insert(0) += 1;
                }
                counts
            };
            let (old_terms, new_terms) = (terms_of(before), terms_of(after));
            // A term's count changes when a mentor joins or leaves it;
            // every term page lists every term's count.
            let counts_changed = old_terms != new_terms;
            let index = Index::of(self);
            let terms: Vec<_> = self
                .program
                .expertise
                .iter()
                .filter(|t| {
                    counts_changed
                        || old_terms.contains_key(&t.slug)
                        || new_terms.contains_key(&t.slug)
                })
                .collect();
            // When no card moved (the same cards, in the same order, under
            // the same terms), only the pages that show a changed card
            // differ: every other page lists the same cards and counts.
            let changed: BTreeSet<&str> = before
                .iter()
                .chain(after)
                .map(|a| a.slug.as_str())
                .collect();
            let only =
                (!counts_changed && positions(before) == positions(after)).then_some(&changed);
            let pages: Vec<Result<Vec<Rendered>, Diagnostic>> = rayon::iter::once(None)
                .chain(terms.par_iter().map(Some))
                .map(|t| match t {
                    None => self.render_directory(&index, only),
                    Some(t) => self.render_term(t, &index, only),
                })
                .collect();
            for p in pages {
                rendered.extend(p.map_err(Diagnostics::from)?);
            }
            // A listing one card shorter may have lost its last page.
            let listed = |v: &[Appearance]| v.iter().filter(|a| a.card.is_some()).count();
            let mut shrunk = vec![(
                true,
                DIRECTORY_URL.to_string(),
                index.order.len(),
                listed(before),
                listed(after),
            )];
            shrunk.extend(terms.iter().map(|t| {
                (
                    false,
                    term_url(&t.slug),
                    index.by_term.get(t.slug.as_str()).map_or(0, Vec::len),
                    old_terms.get(&t.slug).copied().unwrap_or(0),
                    new_terms.get(&t.slug).copied().unwrap_or(0),
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
                let (before_pages, pages) = (
                    pages_of((now + was_in).saturating_sub(is_in)),
                    pages_of(now),
                );
                removed.extend((pages + 1..=before_pages).map(|n| listing_page_output(&url, n)));
            }
        }
        if owners(before) != owners(after) {
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
        removed.sort();
        removed.dedup();
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

/// The cards shown (paused profiles show none), in slug order.
fn cards(v: &[Appearance]) -> Vec<(&str, &str)> {
    let mut c: Vec<(&str, &str)> = v
        .iter()
        .filter_map(|a| Some((a.slug.as_str(), a.card.as_deref()?)))
        .collect();
    c.sort_unstable();
    c
}

/// Where the listed cards stand: (sort key, slug), in order.
fn positions(v: &[Appearance]) -> Vec<(&str, &str)> {
    let mut p: Vec<(&str, &str)> = v
        .iter()
        .filter_map(|a| Some((a.sort_key.as_deref()?, a.slug.as_str())))
        .collect();
    p.sort_unstable();
    p
}

/// The slug -> member pairs of `members/access.json`.
fn owners(v: &[Appearance]) -> Vec<(&str, &str)> {
    let mut o: Vec<(&str, &str)> = v
        .iter()
        .filter(|a| !a.member_id.is_empty())
        .map(|a| (a.slug.as_str(), a.member_id.as_str()))
        .collect();
    o.sort_unstable();
    o
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
