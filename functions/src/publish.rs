//! Publishing profiles: when a member's profile or listing changes in the
//! store (the committee approves a mentor, the mentor edits, pauses or
//! resumes, a mentor takes a mentee), the pages it touches are rendered
//! again by the site generator ([`generator::Site::publish`], the same code
//! as `duos build`) and written where the members area is served from:
//!
//! - [`DiskTarget`]: `duos serve`'s site folder (`DATA/site`); the next
//!   page load shows the change, no restart;
//! - `duos_lambda::members_bucket::S3Target`: the private members bucket on
//!   AWS (the keys `members/…` the session function reads).
//!
//! A [`Publisher`] keeps the loaded [`generator::Site`] (program, pages,
//! templates, YAML profiles: parsed once per process) and, for each change,
//! first refreshes the other members' profiles from the store (another
//! process, or another Lambda instance, may have published meanwhile;
//! unchanged profiles cost nothing), then publishes the member's change and
//! writes the files. Publishing after the store write never undoes it: a
//! failure is returned (and logged by the caller); the next change, or a
//! full `duos build`, renders the same pages.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use generator::{Change, Diagnostics, Listing, Publication, Published, Site, StoreProfiles};
use mentoring::FieldError;
use tokio::sync::Mutex;

use crate::app::App;
use crate::records::profile;

/// Where published files go.
#[async_trait]
pub trait PublishTarget: Send + Sync {
    /// Writes `publication`'s files and deletes its removed ones (paths
    /// relative to the site output: `members/mentors/ada/index.html`).
    async fn write(&self, publication: &Publication) -> io::Result<()>;
}

/// The site output folder of `duos serve` (it holds `members/`).
#[derive(Debug, Clone)]
pub struct DiskTarget {
    out: PathBuf,
}

impl DiskTarget {
    /// Writes into `out` (the folder holding `public/` and `members/`).
    pub fn new(out: impl Into<PathBuf>) -> DiskTarget {
        DiskTarget { out: out.into() }
    }
}

#[async_trait]
impl PublishTarget for DiskTarget {
    async fn write(&self, publication: &Publication) -> io::Result<()> {
        let out = self.out.clone();
        let publication = publication.clone();
        tokio::task::spawn_blocking(move || publication.write_to(&out))
            .await
            .map_err(io::Error::other)?
    }
}

/// Why a change could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The site (content, theme) or the profile has errors.
    #[error("{0}")]
    Site(Diagnostics),
    /// Reading the store.
    #[error("reading the store: {0}")]
    Store(#[from] crate::store::StoreError),
    /// Writing the files.
    #[error("writing the pages: {0}")]
    Write(#[from] io::Error),
}

/// Renders and writes the pages of profile changes (see the module docs).
pub struct Publisher {
    root: PathBuf,
    drafts: bool,
    site: Mutex<Option<Site>>,
    /// `None`: previews only (the session function renders the profile
    /// form's preview; it may not write the bucket).
    target: Option<Arc<dyn PublishTarget>>,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// Env var naming the site root on Lambda: a folder with `content/` and
/// `themes/` (the `SiteLayer` of infra/template.yaml, mounted at `/opt/site`).
pub const SITE_ROOT_ENV: &str = "DUOS_SITE_ROOT";

impl Publisher {
    /// A publisher of the site at `root` (holding `content/` and `themes/`)
    /// into `target`. The site is loaded on the first change.
    pub fn new(root: impl Into<PathBuf>, drafts: bool, target: Arc<dyn PublishTarget>) -> Self {
        Publisher {
            root: root.into(),
            drafts,
            site: Mutex::new(None),
            target: Some(target),
        }
    }

    /// A publisher that only previews (see [`Publisher::preview`]); a
    /// change through it is an error.
    pub fn preview_only(root: impl Into<PathBuf>) -> Self {
        Publisher {
            root: root.into(),
            drafts: false,
            site: Mutex::new(None),
            target: None,
        }
    }

    /// Forgets the loaded site (the content or the theme changed): the next
    /// change loads it again.
    pub async fn invalidate(&self) {
        *self.site.lock().await = None;
    }

    fn load(&self, today: NaiveDate, store: &StoreProfiles) -> Result<Site, PublishError> {
        Site::load(&self.root, self.drafts, today, store).map_err(PublishError::Site)
    }

    /// Publishes what changed for `member_id`: their published profile (or
    /// its removal) and their listing, as the store says now. Returns what
    /// was written.
    pub async fn member_changed(
        &self,
        app: &App,
        member_id: &str,
    ) -> Result<Publication, PublishError> {
        let Some(target) = &self.target else {
            return Err(PublishError::Write(io::Error::other(
                "this function previews profiles but publishes none",
            )));
        };
        let today = app.moment().today;
        let now = profile::store_profiles(app.store.as_ref(), &app.config.program, today).await?;
        let mut guard = self.site.lock().await;
        let site = match guard.as_mut() {
            Some(site) => site,
            None => {
                // A first load shows the member as they were: everyone but
                // them from the store, then their change below renders
                // their pages.
                let others = without(&now, member_id);
                guard.insert(self.load(today, &others)?)
            }
        };
        // Everyone else as the store says now; the member as the site had
        // them, so that the change below sees what it changes.
        let mut refreshed = without(&now, member_id);
        let before = site.store_profiles();
        refreshed.published.extend(
            before
                .published
                .into_iter()
                .filter(|p| p.member_id == member_id),
        );
        if let Some(l) = before.listings.get(member_id) {
            refreshed.listings.insert(member_id.to_owned(), *l);
        }
        site.set_store(&refreshed).map_err(PublishError::Site)?;
        let upsert = match now.published.iter().find(|p| p.member_id == member_id) {
            Some(p) => Change::Upsert(p.clone()),
            None => Change::Remove {
                member_id: member_id.to_owned(),
            },
        };
        let listing = Change::Listing {
            member_id: member_id.to_owned(),
            listing: now.listings.get(member_id).copied().unwrap_or_default(),
        };
        let first = site.publish(upsert).map_err(PublishError::Site)?;
        let second = site.publish(listing).map_err(PublishError::Site)?;
        let publication = merge(first, second);
        target.write(&publication).await?;
        Ok(publication)
    }

    /// The profile page `published` would have, without changing anything
    /// (the `/members/profile/` preview); the site's problems with it as
    /// field errors (`bio`: a link to a page that does not exist...).
    pub async fn preview(&self, app: &App, published: &Published) -> Result<String, PreviewError> {
        let today = app.moment().today;
        let mut guard = self.site.lock().await;
        if guard.is_none() {
            let now = profile::store_profiles(app.store.as_ref(), &app.config.program, today)
                .await
                .map_err(|e| PreviewError::Unavailable(e.to_string()))?;
            let site = self
                .load(today, &now)
                .map_err(|e| PreviewError::Unavailable(e.to_string()))?;
            *guard = Some(site);
        }
        let site = guard.as_ref().expect("loaded above");
        site.preview(published)
            .map_err(|d| PreviewError::Invalid(field_errors(&d)))
    }
}

impl Publisher {
    /// The members area's layout with an empty `<main>` (see
    /// [`generator::Site::render_members_shell`]), for a page at `url`;
    /// `None` when the site cannot be loaded.
    pub async fn members_shell(&self, app: &App, url: &str) -> Option<String> {
        let today = app.moment().today;
        let mut guard = self.site.lock().await;
        if guard.is_none() {
            let now = profile::store_profiles(app.store.as_ref(), &app.config.program, today)
                .await
                .ok()?;
            *guard = Some(self.load(today, &now).ok()?);
        }
        let site = guard.as_ref()?;
        match site.render_members_shell(url) {
            Ok(html) => Some(html),
            Err(e) => {
                tracing::warn!("the members layout: {e}");
                None
            }
        }
    }
}

/// Why a preview could not be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewError {
    /// The profile has problems, by field.
    Invalid(Vec<FieldError>),
    /// The site could not be loaded.
    Unavailable(String),
}

/// The site's diagnostics about one store profile as field errors: the
/// generator writes them as `field: message`.
pub fn field_errors(d: &Diagnostics) -> Vec<FieldError> {
    d.iter()
        .map(|d| match d.message.split_once(": ") {
            Some((field, message)) if !field.contains(' ') => {
                FieldError::new(field, format!("{message}."))
            }
            _ => FieldError::new("profile", d.message.clone()),
        })
        .collect()
}

/// `profiles` without `member_id`'s profile and listing.
fn without(profiles: &StoreProfiles, member_id: &str) -> StoreProfiles {
    StoreProfiles {
        published: profiles
            .published
            .iter()
            .filter(|p| p.member_id != member_id)
            .cloned()
            .collect(),
        listings: profiles
            .listings
            .iter()
            .filter(|(m, _)| m.as_str() != member_id)
            .map(|(m, l): (&String, &Listing)| (m.clone(), *l))
            .collect(),
    }
}

/// Two publications one after the other: the later file wins; a file
/// written again is not removed, and a file the second removes is neither
/// written nor kept (a listing's last page that the first change filled
/// and the second emptied again).
fn merge(first: Publication, second: Publication) -> Publication {
    let mut files = first.files;
    files.retain(|(p, _)| !second.removed.contains(p));
    for (path, bytes) in second.files {
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some(entry) => entry.1 = bytes,
            None => files.push((path, bytes)),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut removed: Vec<PathBuf> = first.removed;
    removed.extend(second.removed);
    removed.sort();
    removed.dedup();
    removed.retain(|r| !files.iter().any(|(p, _)| p == r));
    Publication { files, removed }
}

/// Publishes `member_id`'s change when the app has a publisher; a failure
/// is logged (the store change stands; the next change or a full build
/// renders the same pages). Returns whether pages were written.
pub async fn member_changed(app: &App, member_id: &str) -> bool {
    let Some(publisher) = &app.publisher else {
        return false;
    };
    match publisher.member_changed(app, member_id).await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!("publishing the profile of {member_id}: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str, b: &str) -> (PathBuf, Vec<u8>) {
        (PathBuf::from(p), b.as_bytes().to_vec())
    }

    #[test]
    fn the_later_publication_wins_for_writes_and_removals() {
        let first = Publication {
            files: vec![
                file("members/mentors/a/index.html", "a1"),
                file("members/mentors/page/3/index.html", "filled"),
            ],
            removed: vec![PathBuf::from("members/mentors/old/index.html")],
        };
        let second = Publication {
            files: vec![
                file("members/mentors/a/index.html", "a2"),
                file("members/mentors/old/index.html", "back"),
            ],
            removed: vec![PathBuf::from("members/mentors/page/3/index.html")],
        };
        let merged = merge(first, second);
        assert_eq!(
            merged.files,
            vec![
                file("members/mentors/a/index.html", "a2"),
                file("members/mentors/old/index.html", "back"),
            ]
        );
        assert_eq!(
            merged.removed,
            vec![PathBuf::from("members/mentors/page/3/index.html")]
        );
    }
}
