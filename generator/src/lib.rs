//! The static site generator of duos: load -> parse -> render -> write.
//!
//! [`build`] reads `content/` and the theme of a site root and writes
//! `OUT/public/` (anyone may read it) and `OUT/members/` (served behind
//! sign-in). [`check`] validates the same without writing anything. Every
//! error of a build is collected and reported at once as
//! `path:line:column: message`.

#[cfg(feature = "mimalloc")]
pub mod alloc;
pub mod assets;
pub mod data;
pub mod diagnostics;
pub mod events;
pub mod frontmatter;
pub mod kept;
pub mod load;
pub mod markdown;
mod order;
pub mod pages;
pub mod paging;
pub mod profile_files;
pub mod profile_yaml;
pub mod profiles;
pub mod publish;
pub mod render;
pub mod sanitize;
pub mod site;
mod site_files;
pub mod templates;
pub mod timings;
pub mod write;
pub mod yaml_fast;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use kept::build_and_keep;
pub use profile_files::Refused;
pub use profiles::{Listing, Published, StoreProfiles};
pub use publish::{Change, Publication};
pub use site::Site;
pub(crate) use timings::phase;

/// See the `mimalloc` feature in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: alloc::Allocator = alloc::Allocator;

use crate::render::Counts;
use crate::write::Sink;
use chrono::NaiveDate;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `duos build` asks for.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root: holds `content/`, `themes/`, `static/`, `templates/`.
    pub root: PathBuf,
    /// The output folder; `public/` and `members/` are written inside it.
    pub out: PathBuf,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// The store's published profiles and listing states (see
    /// [`profiles`] for how they meet the YAML ones).
    pub store: StoreProfiles,
    /// The day profiles are checked against (years not in the future).
    pub today: NaiveDate,
}

impl BuildOptions {
    /// Builds `root` into `out`: no drafts, no store profiles, checked
    /// against [`today`].
    pub fn new(root: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: out.into(),
            drafts: false,
            store: StoreProfiles::default(),
            today: today(),
        }
    }
}

/// What a successful build or check did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub profiles: usize,
    pub expertise_pages: usize,
    pub surveys: usize,
    /// Problems that do not stop a build (`path:line:column: warning: ...`).
    pub warnings: Vec<Diagnostic>,
    /// Where it was written; `None` for a check.
    pub out: Option<PathBuf>,
    pub elapsed: Duration,
}

impl fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.out.is_some() {
            "built"
        } else {
            "checked"
        };
        write!(
            f,
            "{verb} {} pages, {} profiles, {} expertise pages, {} surveys",
            self.pages, self.profiles, self.expertise_pages, self.surveys
        )?;
        if let Some(out) = &self.out {
            let mut shown = out.display().to_string();
            if !shown.ends_with('/') {
                shown.push('/');
            }
            write!(f, " into {shown}")?;
        }
        write!(f, " in {} ms", self.elapsed.as_millis())?;
        if self.out.is_none() {
            write!(f, ": no errors")?;
        }
        Ok(())
    }
}

/// Builds the site at `opts.root` into `opts.out`. On any error nothing of
/// `opts.out` changes and every error is returned.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let (summary, site) = kept::build_and_keep(opts)?;
    // Freeing the loaded site (every profile, page and card) takes tens of
    // milliseconds at 10,000 profiles: a thread of its own does it, so
    // that the build returns at once (and `duos build` exits without
    // waiting for it). Where no thread can be started, the closure, and
    // the site with it, is dropped by the failed spawn: freed here.
    let _ = std::thread::Builder::new()
        .name("drop-site".into())
        .spawn(move || drop(site));
    Ok(summary)
}

/// Validates everything `build` does (rendering included) without writing.
pub fn check(root: &Path, drafts: bool) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let site = prepare(root, drafts)?;
    let mut t = Instant::now();
    let counts = render::render(&site, &Sink::Discard).map_err(finish)?;
    events::render(&site, &Sink::Discard).map_err(finish)?;
    phase("render", &mut t);
    timings::report();
    Ok(summary(counts, site.warnings.clone(), None, started))
}

fn summary(
    c: Counts,
    warnings: Vec<Diagnostic>,
    out: Option<PathBuf>,
    started: Instant,
) -> BuildSummary {
    BuildSummary {
        pages: c.pages,
        profiles: c.profiles,
        expertise_pages: c.terms,
        surveys: c.surveys,
        warnings,
        out,
        elapsed: started.elapsed(),
    }
}

pub(crate) fn finish(list: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics(list);
    d.normalize();
    d
}

/// Loads, parses and checks everything (without store profiles); returns
/// the site ready to render.
pub fn prepare(root: &Path, drafts: bool) -> Result<Site, Diagnostics> {
    Site::load(root, drafts, today(), &StoreProfiles::default())
}

/// Today's date on this machine: what profile years are checked against
/// when the caller has no clock of its own.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
