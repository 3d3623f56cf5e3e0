//! Live reload: watches the site root's `content/`, `themes/`,
//! `templates/` and `static/` (notify) and tells the browsers
//! (`/_livereload`) after every update.
//!
//! When only curated profile files changed (`content/mentors/*.yaml`
//! edited, added or deleted), the site kept from the last build is updated
//! and only the pages those files touch are written
//! ([`generator::Site::update_profile_files`]): the profile's page, the
//! directory and term pages a changed card is on or shifts (and the first
//! pages with a count it changed), `members/access.json`.
//! Anything else (a page, a template, `program.yaml`, a survey) rebuilds
//! the whole site and reloads the program's configuration, as does a
//! profile change that reaches further (a slug or member id another file
//! has, a deleted profile that something links to). A profile file with
//! errors is reported (`file:line:column`) and the pages stay as they were
//! until it is fixed.
//!
//! A fingerprint of every input (paths, sizes, modification times) is the
//! safety net: compared after any burst that is not only profile files, and
//! every [`POLL`] without events (file systems that report nothing).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use functions::config::Config;
use generator::{Refused, Site, StoreProfiles};
use notify::{RecursiveMode, Watcher};

use super::changes::{self, Burst, Kind};
use super::site::{self, Fingerprint, WATCHED};
use super::Shared;

/// How often the inputs are compared even without events.
const POLL: Duration = Duration::from_secs(2);

/// Starts watching; the returned watcher must be kept alive. `kept` is the
/// site of the first build, if it succeeded.
pub fn start(
    shared: Arc<Shared>,
    last: Fingerprint,
    kept: Option<Site>,
) -> anyhow::Result<Option<notify::RecommendedWatcher>> {
    let (tx, rx) = mpsc::channel::<(Instant, notify::Event)>();
    let watcher = match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Reading is no change: opening a file or folder (the build's own
        // reads, the fingerprint's walk) is an event too.
        match res {
            Ok(event) if changes::is_change(&event.kind) => {
                let _ = tx.send((Instant::now(), event));
            }
            _ => {}
        }
    }) {
        Ok(mut w) => {
            for dir in WATCHED {
                let path = shared.root.join(dir);
                if path.is_dir() {
                    if let Err(e) = w.watch(&path, RecursiveMode::Recursive) {
                        eprintln!(
                            "duos serve: cannot watch {}: {e} (polling instead)",
                            path.display()
                        );
                    }
                }
            }
            Some(w)
        }
        Err(e) => {
            eprintln!("duos serve: no file watcher ({e}); polling for changes");
            None
        }
    };
    let mut state = Watch {
        shared,
        last,
        kept,
        pending: BTreeSet::new(),
    };
    std::thread::Builder::new()
        .name("duos-watch".into())
        .spawn(move || loop {
            let burst = match rx.recv_timeout(POLL) {
                Ok(first) => changes::collect(&state.shared.root, &state.last, first, &rx),
                Err(RecvTimeoutError::Timeout) => Burst::default(),
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(POLL);
                    Burst::default()
                }
            };
            state.settled(burst);
        })?;
    Ok(watcher)
}

/// The watcher's state between bursts.
struct Watch {
    shared: Arc<Shared>,
    /// The inputs as last seen.
    last: Fingerprint,
    /// The site as the served pages show it: from the last build that
    /// succeeded (configuration included), updated with every profile
    /// change since. `None` after a failed build: the next change rebuilds.
    kept: Option<Site>,
    /// Profile files changed on disk but not in `kept` (they have errors).
    pending: BTreeSet<PathBuf>,
}

impl Watch {
    /// Acts on a settled burst (empty: a poll).
    fn settled(&mut self, burst: Burst) {
        let root = self.shared.root.clone();
        let mut profiles = BTreeSet::new();
        let mut compare = burst.started.is_none() || burst.outside;
        for rel in &burst.paths {
            match changes::kind(rel) {
                Kind::Profile => {
                    profiles.insert(rel.clone());
                }
                Kind::Inert => {}
                // A file that came and went (an editor's probe) is nothing.
                Kind::Other => {
                    let path = root.join(rel);
                    compare |= path.exists() || changes::known(&self.last, &path);
                }
            }
        }
        if compare {
            let now = site::fingerprint(&root);
            let differing = changes::differing(&self.last, &now);
            self.last = now;
            profiles.clear();
            for path in differing {
                let rel = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
                match changes::kind(&rel) {
                    Kind::Profile => {
                        profiles.insert(rel);
                    }
                    Kind::Inert => {}
                    Kind::Other => return self.rebuild(),
                }
            }
        } else {
            for rel in &profiles {
                let path = root.join(rel);
                match site::stamp(&path) {
                    Some(stamp) => self.last.insert(path, stamp),
                    None => self.last.remove(&path),
                };
            }
        }
        if !profiles.is_empty() {
            let started = burst.started.unwrap_or_else(Instant::now);
            timing("settled", started);
            self.update_profiles(profiles, started);
        }
    }

    /// Updates the kept site with the changed profile files and writes the
    /// pages they touch; rebuilds when that cannot be done.
    fn update_profiles(&mut self, changed: BTreeSet<PathBuf>, started: Instant) {
        let shared = Arc::clone(&self.shared);
        let Some(site) = self.kept.as_mut() else {
            return self.rebuild();
        };
        // The store's profiles as the kept site has them: else a change
        // published since (an approval, a pause) would be undone here.
        let app = shared.app();
        match shared.runtime.block_on(super::store_profiles(&app)) {
            Ok(store) if same_store(&site.store_profiles(), &store) => {}
            _ => return self.rebuild(),
        }
        timing("store read", started);
        let mut batch = std::mem::take(&mut self.pending);
        batch.extend(changed);
        let files: Vec<PathBuf> = batch.iter().cloned().collect();
        let publication = match site.update_profile_files(&shared.root, &files) {
            Ok(p) => p,
            Err(Refused::Invalid(diagnostics)) => {
                self.pending = batch;
                let errors: Vec<String> = diagnostics.iter().map(|d| d.to_string()).collect();
                super::print_errors(&errors);
                return self.finish(errors);
            }
            Err(Refused::FullBuild(why)) => {
                eprintln!("duos serve: {why}: rebuilding the site");
                return self.rebuild();
            }
        };
        timing("rendered", started);
        if let Err(e) = publication.write_to(&shared.site_dir) {
            eprintln!(
                "duos serve: writing into {}: {e}; rebuilding the site",
                shared.site_dir.display()
            );
            return self.rebuild();
        }
        timing("updated and written", started);
        let had_errors = !shared.build_state().errors.is_empty();
        if publication.files.is_empty() && publication.removed.is_empty() && !had_errors {
            return; // saved unchanged
        }
        eprintln!(
            "duos serve: {}: {} page{} written{}, {:.1} ms after the file event",
            shown(&files),
            publication.files.len(),
            if publication.files.len() == 1 {
                ""
            } else {
                "s"
            },
            match publication.removed.len() {
                0 => String::new(),
                n => format!(", {n} deleted"),
            },
            started.elapsed().as_secs_f64() * 1000.0
        );
        self.finish(Vec::new());
        // The publisher's own copy of the site has the old profile files.
        if let Some(publisher) = &app.publisher {
            shared.runtime.block_on(publisher.invalidate());
        }
    }

    /// Rebuilds the whole site and the configuration, keeps the site when
    /// both succeed, then notifies the browsers.
    fn rebuild(&mut self) {
        let shared = Arc::clone(&self.shared);
        self.last = site::fingerprint(&shared.root);
        self.kept = None;
        self.pending.clear();
        let app = shared.app();
        let store = shared
            .runtime
            .block_on(super::store_profiles(&app))
            .unwrap_or_default();
        if let Some(publisher) = &app.publisher {
            shared.runtime.block_on(publisher.invalidate());
        }
        let mut errors = match site::build(&shared.root, &shared.site_dir, shared.drafts, &store) {
            Ok((summary, site)) => {
                eprintln!("duos serve: rebuilt: {summary}");
                self.kept = Some(site);
                Vec::new()
            }
            Err(errors) => errors,
        };
        if errors.is_empty() {
            match Config::load(shared.root.join("content"), shared.survey_secret.clone()) {
                Ok(config) => {
                    let mut app = shared.app.write().unwrap_or_else(|e| e.into_inner());
                    app.config = Arc::new(config);
                }
                Err(e) => {
                    self.kept = None;
                    errors = e
                        .problems
                        .iter()
                        .map(|p| relative(&shared.root, p))
                        .collect()
                }
            }
        }
        if !errors.is_empty() {
            super::print_errors(&errors);
        }
        self.finish(errors);
    }

    /// Records the outcome (a new generation) and tells the browsers.
    fn finish(&self, errors: Vec<String>) {
        let generation = {
            let mut state = self.shared.build.write().unwrap_or_else(|e| e.into_inner());
            state.generation += 1;
            state.errors = errors;
            state.generation
        };
        let _ = self.shared.reload.send(generation);
    }
}

/// With `DUOS_TIMINGS` set in the environment, prints how long after the
/// file event a step of an update ended.
fn timing(step: &str, started: Instant) {
    if std::env::var_os("DUOS_TIMINGS").is_some() {
        eprintln!(
            "  {step}: {:.1} ms after the file event",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Whether two sets of store profiles are the same, whatever their order.
fn same_store(a: &StoreProfiles, b: &StoreProfiles) -> bool {
    a.listings == b.listings && by_member(a) == by_member(b)
}

fn by_member(s: &StoreProfiles) -> Vec<&generator::Published> {
    let mut v: Vec<&generator::Published> = s.published.iter().collect();
    v.sort_by(|x, y| x.member_id.cmp(&y.member_id));
    v
}

/// The changed files as the terminal shows them.
fn shown(files: &[PathBuf]) -> String {
    match files {
        [one] => one.to_string_lossy().replace('\\', "/"),
        many => format!("{} profile files", many.len()),
    }
}

/// A configuration problem's path relative to the site root.
fn relative(root: &Path, problem: &str) -> String {
    let prefix = format!("{}/", root.display());
    problem.strip_prefix(&prefix).unwrap_or(problem).to_owned()
}
