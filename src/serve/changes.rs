//! What a burst of file events asks of `duos serve`: nothing, updating the
//! curated profiles that changed (`content/mentors/*.yaml`: only the pages
//! they touch are written), or a full build (anything else the build reads).
//!
//! A burst is collected until it settles. When every path so far is a
//! profile file (or a file the build never reads: hidden, an editor's
//! backup), the wait is short: [`QUIET`] after each profile file was
//! closed after writing, renamed into place or deleted. An editor's
//! half-written file is never read. Otherwise the burst settles after
//! [`SETTLE`] without events.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use generator::profile_files::is_profile_file;
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};

use super::site::Fingerprint;

/// How long to wait for a burst of file events to end when it is not only
/// profile files (editors write several files).
pub const SETTLE: Duration = Duration::from_millis(120);
/// How long a burst of profile files must stay quiet once every file in it
/// was closed, renamed or deleted.
pub const QUIET: Duration = Duration::from_millis(5);

/// What a changed path is to the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A curated profile: `content/mentors/**.yaml`.
    Profile,
    /// Read by no build: hidden (`.ada.yaml.swp`), an editor's backup
    /// (`ada.yaml~`), a file of `content/` that is neither page nor YAML.
    Inert,
    /// Anything else: a page, program.yaml, a survey, a template, a static
    /// file, a folder.
    Other,
}

/// The kind of `rel`, a path relative to the site root, by its name.
pub fn kind(rel: &Path) -> Kind {
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.') && c.as_os_str() != "..");
    if hidden {
        return Kind::Inert;
    }
    if is_profile_file(rel) {
        return Kind::Profile;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read_kind = matches!(
        rel.extension().and_then(|e| e.to_str()),
        None | Some("md" | "yaml" | "yml")
    );
    if rel.starts_with("content") && (!read_kind || name.ends_with('~')) {
        return Kind::Inert;
    }
    Kind::Other
}

/// Whether an event may be a change: anything but opening, reading or
/// closing a file without writing it.
pub fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// A settled burst of file events.
#[derive(Debug, Default)]
pub struct Burst {
    /// When its first event arrived.
    pub started: Option<Instant>,
    /// The paths it named, relative to the site root.
    pub paths: BTreeSet<PathBuf>,
    /// A path outside the site root was named.
    pub outside: bool,
}

/// Collects the burst that `first` starts from `rx` until it settles.
pub fn collect(
    root: &Path,
    last: &Fingerprint,
    first: (Instant, notify::Event),
    rx: &Receiver<(Instant, notify::Event)>,
) -> Burst {
    let mut c = Collector {
        root,
        last,
        burst: Burst {
            started: Some(first.0),
            ..Burst::default()
        },
        open: BTreeSet::new(),
        fast: true,
    };
    c.add(first.1);
    loop {
        let wait = if c.fast && c.open.is_empty() {
            QUIET
        } else {
            SETTLE
        };
        match rx.recv_timeout(wait) {
            Ok((_, event)) => c.add(event),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    c.burst
}

/// A burst being collected.
struct Collector<'a> {
    root: &'a Path,
    last: &'a Fingerprint,
    burst: Burst,
    /// Profile files written but not yet closed (or renamed into place).
    open: BTreeSet<PathBuf>,
    /// Only profile (and inert) files so far.
    fast: bool,
}

impl Collector<'_> {
    fn add(&mut self, event: notify::Event) {
        for path in event.paths {
            let Ok(rel) = path.strip_prefix(self.root) else {
                self.burst.outside = true;
                self.fast = false;
                continue;
            };
            let rel = rel.to_path_buf();
            match kind(&rel) {
                Kind::Profile => match event.kind {
                    EventKind::Create(_)
                    | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => {
                        self.open.insert(rel.clone());
                    }
                    EventKind::Access(AccessKind::Close(AccessMode::Write))
                    | EventKind::Remove(_)
                    | EventKind::Modify(ModifyKind::Name(_)) => {
                        self.open.remove(&rel);
                    }
                    _ => {}
                },
                Kind::Inert => {}
                Kind::Other => self.fast &= scratch(self.root, &rel, self.last),
            }
            self.burst.paths.insert(rel);
        }
    }
}

/// Whether a path of `content/` without extension (which no build reads)
/// is not a folder and never was one holding an input: `sed -i`'s
/// temporary file, vim's `4913`. A burst naming it can still be short.
fn scratch(root: &Path, rel: &Path, last: &Fingerprint) -> bool {
    let path = root.join(rel);
    rel.starts_with("content") && rel.extension().is_none() && !known(last, &path) && !path.is_dir()
}

/// Whether `path` is an input of the fingerprint, or a folder holding one.
pub fn known(last: &Fingerprint, path: &Path) -> bool {
    last.range(path.to_path_buf()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(path))
}

/// The paths whose size or modification time differ between two
/// fingerprints, or that are in one only.
pub fn differing(last: &Fingerprint, now: &Fingerprint) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = now
        .iter()
        .filter(|(p, v)| last.get(*p) != Some(v))
        .map(|(p, _)| p.clone())
        .collect();
    out.extend(last.keys().filter(|p| !now.contains_key(*p)).cloned());
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        for (path, want) in [
            ("content/mentors/ada.yaml", Kind::Profile),
            ("content/mentors/sub/ada.yml", Kind::Profile),
            ("content/mentors/.ada.yaml.swp", Kind::Inert),
            ("content/mentors/ada.yaml~", Kind::Inert),
            ("content/mentors/photo.jpg", Kind::Inert),
            ("content/mentors/4913", Kind::Other),
            ("content/mentors", Kind::Other),
            ("content/about.md", Kind::Other),
            ("content/program.yaml", Kind::Other),
            ("content/surveys/midpoint.yaml", Kind::Other),
            ("themes/default/templates/base.html", Kind::Other),
            ("static/site.css", Kind::Other),
            ("themes/default/.cache", Kind::Inert),
        ] {
            assert_eq!(kind(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn differing_paths() {
        let t = std::time::SystemTime::UNIX_EPOCH;
        let fp = |v: &[(&str, u64)]| -> Fingerprint {
            v.iter()
                .map(|(p, n)| (PathBuf::from(p), (*n, Some(t))))
                .collect()
        };
        let last = fp(&[("a", 1), ("b", 2), ("c", 3)]);
        let now = fp(&[("a", 1), ("b", 5), ("d", 4)]);
        assert_eq!(
            differing(&last, &now),
            ["b", "c", "d"].map(PathBuf::from).to_vec()
        );
        assert!(differing(&now, &now).is_empty());
    }

    #[test]
    fn known_paths_and_the_folders_holding_them() {
        let t = std::time::SystemTime::UNIX_EPOCH;
        let last: Fingerprint = [
            "r/content/mentors/sub/a.yaml",
            "r/content/mentors/sub-b.yaml",
        ]
        .iter()
        .map(|p| (PathBuf::from(p), (1, Some(t))))
        .collect();
        assert!(known(&last, Path::new("r/content/mentors/sub")));
        assert!(known(&last, Path::new("r/content/mentors/sub/a.yaml")));
        assert!(known(&last, Path::new("r/content")));
        assert!(!known(&last, Path::new("r/content/mentors/su")));
        assert!(!known(&last, Path::new("r/content/mentors/sedX1Yz")));
    }
}
