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
//!   location, role, the bio's opening, terms, listed or not): the pages of
//!   the directory and of its old and new terms whose cards differ (a
//!   listing is paged by [`crate::render::CARDS_PER_PAGE`]: the page that
//!   shows the card, or, when cards shift because one joined, left or
//!   moved, every page from there on; a page the shorter listing no longer
//!   fills is deleted); the first page of a listing whose count changed
//!   (a term's own count is on its first page only) and the directory's
//!   first page when a term's count changed (it alone shows every term's
//!   count); every page of a listing whose number of pages changed, and of
//!   the directory when its count changed (every directory page shows it);
//! - `members/access.json` when the slug -> member mapping changed.
//!
//! Nothing else is rendered: the cost is one profile page, plus some
//! directory and term pages only when a card changed. Of the cards those
//! pages list only the changed mentor's is rendered: the others were
//! rendered when their profiles were compiled and are spliced in
//! ([`crate::render`]); the pages of all the touched listings are rendered
//! in parallel, and the files written in parallel. Where cards stand
//! comes from the listings' order the site keeps from one change to the
//! next ([`crate::order`]), not from ordering every profile again.
//! BENCHMARKS.md ("Publishing one changed profile", "duos serve:
//! incremental rebuild") has the figures.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::order::{Order, Slot};
use crate::profiles::{profile_output, Listing, Mentor, Published};
use crate::render::{Card, Index, ListingPages, Rendered, ACCESS_OUTPUT};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

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
    /// put in its place in one step ([`replace_file`]), so a reader sees
    /// the old page or the new one.
    pub fn write_to(&self, out: &Path) -> io::Result<()> {
        // In parallel: a change of the term counts writes every term page.
        self.files.par_iter().try_for_each(|(rel, bytes)| {
            let path = out.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
            std::fs::write(&tmp, bytes)?;
            replace_file(&tmp, &path)
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

/// Puts the file `tmp` in place of `path` in one step: a reader sees the
/// old file or the new one. On Linux the two files are exchanged and the
/// old one, now at `tmp`, deleted: renaming over an existing file makes
/// ext4 allocate the new file's blocks and start writing it out first (its
/// `auto_da_alloc`, for programs that replace files without `fsync`),
/// about 0.3 ms for a 100 KB listing page, where an exchange does not. The
/// pages need no such care: a crash leaves a site folder that `duos serve`
/// builds again when it starts. Where the file system cannot exchange, or
/// `path` does not exist yet, a rename.
fn replace_file(tmp: &Path, path: &Path) -> io::Result<()> {
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    if exchange(tmp, path).is_ok() {
        return std::fs::remove_file(tmp);
    }
    std::fs::rename(tmp, path)
}

/// Exchanges the files at `a` and `b` (`renameat2` with
/// `RENAME_EXCHANGE`); both must exist.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c_path = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c_path(a)?, c_path(b)?);
    // SAFETY: both pointers are NUL-terminated paths that outlive the
    // call; renameat2 only reads them.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
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
        self.keep_order();
        let was = self.listed_member(&member_id);
        let undo = self.apply(change)?;
        let listed = self.listed_member(&member_id);
        self.relist(was.as_ref(), listed.as_ref());
        match self.render_touched(&member_id, before) {
            Ok(p) => Ok(p),
            Err(d) => {
                undo.restore(self);
                self.relist(listed.as_ref(), was.as_ref());
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
            let (pages, gone) = self.render_listings(before, after)?;
            rendered.extend(pages);
            removed.extend(gone);
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

    /// The directory and term pages a change of cards (from how the
    /// changed profiles appeared `before` to how they appear `after`)
    /// touches, rendered in parallel, and the further pages that shorter
    /// listings no longer have, to delete.
    fn render_listings(
        &self,
        before: &[Appearance],
        after: &[Appearance],
    ) -> Result<(Vec<Rendered>, Vec<PathBuf>), Diagnostics> {
        let terms_of = |v: &[Appearance]| -> BTreeMap<String, usize> {
            let mut counts = BTreeMap::new();
            for t in v.iter().flat_map(|a| a.terms.iter()) {
                *counts.entry(t.clone()).or_insert(0) += 1;
            }
            counts
        };
        let (old_terms, new_terms) = (terms_of(before), terms_of(after));
        // A term's count changes when a mentor joins or leaves it: the
        // directory's first page shows every term's count.
        let counts_changed = old_terms != new_terms;
        debug_assert!(
            self.order.as_ref().is_none_or(|o| *o == Order::of(self)),
            "the kept order of the listings is out of date"
        );
        let index = Index::of(self);
        // The listings a changed card is (or was) on: the directory and
        // the changed profiles' old and new terms.
        let mut listings: Vec<Touched> = vec![Touched {
            directory: true,
            pages: self.directory_listing(&index),
            before: before.iter().filter(|a| a.card.is_some()).collect(),
            after: after.iter().filter(|a| a.card.is_some()).collect(),
        }];
        for t in self
            .program
            .expertise
            .iter()
            .filter(|t| old_terms.contains_key(&t.slug) || new_terms.contains_key(&t.slug))
        {
            listings.push(Touched {
                directory: false,
                pages: self.term_listing(t, &index),
                before: in_term(before, &t.slug),
                after: in_term(after, &t.slug),
            });
        }
        let plans: Vec<Plan> = listings
            .iter()
            .map(|l| match l.directory {
                // The directory's count is on every page; the terms'
                // counts on its first.
                true => l.plan(|len| self.directory_per_page(len), true, counts_changed),
                false => l.plan(|len| self.term_per_page(len), false, false),
            })
            .collect();
        // Every page to render, of every listing, in one parallel run.
        let jobs: Vec<(&ListingPages, usize)> = listings
            .iter()
            .zip(&plans)
            .flat_map(|(l, plan)| {
                (1..=plan.now_pages)
                    .filter(|n| plan.pages.as_ref().is_none_or(|p| p.contains(n)))
                    .map(move |n| (&l.pages, n))
            })
            .collect();
        let rendered = jobs
            .par_iter()
            .map(|(pages, n)| pages.render_page(self, *n))
            .collect::<Result<Vec<Rendered>, Diagnostic>>()
            .map_err(Diagnostics::from)?;
        // A shorter listing may have lost its last pages.
        let gone = listings
            .iter()
            .zip(&plans)
            .flat_map(|(l, plan)| {
                (plan.now_pages + 1..=plan.before_pages).map(|n| l.pages.page_output(n))
            })
            .collect();
        Ok((rendered, gone))
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

/// A listing (the directory, a term's pages) a change touches: its pages
/// as they are now, and the changed profiles' entries in it before and
/// after the change.
struct Touched<'a> {
    /// The directory (else a term's pages).
    directory: bool,
    pages: ListingPages<'a>,
    before: Vec<&'a Appearance>,
    after: Vec<&'a Appearance>,
}

/// Which pages of a listing to render, and how many it had and has.
struct Plan {
    /// `None`: every page.
    pages: Option<BTreeSet<usize>>,
    before_pages: usize,
    now_pages: usize,
}

impl Touched<'_> {
    /// The pages that differ between a full build before the change and
    /// one after: those whose cards differ (a card changed, or cards
    /// shifted as one joined or left or moved: from that position on), the
    /// first page when `first_changed` (what only the first page shows),
    /// and every page when the number of pages or of cards per page
    /// changed, or the count changed and `count_everywhere`.
    ///
    /// Neither listing is built: the entries the change left alone are in
    /// the same order before and after, so which entry stands at a
    /// position follows from where the changed ones stand ([`standing`]).
    fn plan(
        &self,
        per_page: impl Fn(usize) -> usize,
        count_everywhere: bool,
        first_changed: bool,
    ) -> Plan {
        let now = self.pages.slots();
        let after = placed_after(now, &self.after);
        let before = placed_before(now, &self.before, &self.after);
        let (before_len, after_len) = (now.len() - after.len() + before.len(), now.len());

        let (per_before, per_now) = (per_page(before_len), per_page(after_len));
        let pages_of = |len: usize, per: usize| len.div_ceil(per).max(1);
        let (before_pages, now_pages) = (
            pages_of(before_len, per_before),
            pages_of(after_len, per_now),
        );
        let all = per_before != per_now
            || before_pages != now_pages
            || (count_everywhere && before_len != after_len);
        // The first page shows the listing's count.
        let first_changed = first_changed || before_len != after_len;
        let differs = |n: usize| {
            let range = |len: usize| ((n - 1) * per_now).min(len)..(n * per_now).min(len);
            let (b, a) = (range(before_len), range(after_len));
            b.len() != a.len()
                || a.into_iter()
                    .any(|i| standing(&before, i) != standing(&after, i))
        };
        let pages = (!all).then(|| {
            (1..=now_pages)
                .filter(|&n| (n == 1 && first_changed) || differs(n))
                .collect()
        });
        Plan {
            pages,
            before_pages,
            now_pages,
        }
    }
}

/// A changed profile's entry in a listing: its position, slug and card.
struct Placed<'a> {
    at: usize,
    slug: &'a str,
    card: Option<&'a str>,
}

/// Where an entry goes in a listing: by sort key, then slug.
fn key(a: &Appearance) -> (&str, &str) {
    (a.sort_key.as_deref().unwrap_or(""), &a.slug)
}

/// Where the changed entries `after` stand in the listing `now` (which
/// holds them), by position.
fn placed_after<'a>(now: &[Slot], after: &[&'a Appearance]) -> Vec<Placed<'a>> {
    let mut placed: Vec<Placed> = after
        .iter()
        .map(|a| Placed {
            at: now.partition_point(|s| s.key() < key(a)),
            slug: &a.slug,
            card: a.card.as_deref(),
        })
        .collect();
    placed.sort_by_key(|p| p.at);
    placed
}

/// Where the changed entries `before` stood before the change: among the
/// entries of `now` but `after` (the ones the change left alone) and each
/// other, by key; by position.
fn placed_before<'a>(
    now: &[Slot],
    before: &[&'a Appearance],
    after: &[&Appearance],
) -> Vec<Placed<'a>> {
    let mut placed: Vec<Placed> = before
        .iter()
        .map(|b| {
            let k = key(b);
            let ahead = |v: &[&Appearance]| v.iter().filter(|o| key(o) < k).count();
            let left_alone = now.partition_point(|s| s.key() < k) - ahead(after);
            Placed {
                at: left_alone + ahead(before),
                slug: &b.slug,
                card: b.card.as_deref(),
            }
        })
        .collect();
    placed.sort_by_key(|p| p.at);
    placed
}

/// What stands at a position of a listing.
#[derive(PartialEq, Eq)]
enum Standing<'a> {
    /// A changed profile's entry: its slug and card.
    Changed(&'a str, Option<&'a str>),
    /// The `n`th (from 0) of the entries the change left alone.
    LeftAlone(usize),
}

/// What stands at position `i` of a listing whose changed entries are
/// `placed` (by position).
fn standing<'a>(placed: &[Placed<'a>], i: usize) -> Standing<'a> {
    let mut ahead = 0;
    for p in placed {
        if p.at == i {
            return Standing::Changed(p.slug, p.card);
        }
        if p.at < i {
            ahead += 1;
        }
    }
    Standing::LeftAlone(i - ahead)
}

/// The entries of `v` listed under term `slug`.
fn in_term<'v>(v: &'v [Appearance], slug: &str) -> Vec<&'v Appearance> {
    v.iter().filter(|a| a.terms.contains(slug)).collect()
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
