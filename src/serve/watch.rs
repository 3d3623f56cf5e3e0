//! Live reload: watches the site root's `content/`, `themes/`,
//! `templates/` and `static/` (notify), rebuilds when an input really
//! changed (a fingerprint of paths, sizes and modification times), reloads
//! the program's configuration, and tells the browsers (`/_livereload`).

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use functions::config::Config;
use notify::{RecursiveMode, Watcher};

use super::site::{self, Fingerprint, WATCHED};
use super::Shared;

/// How long to wait for a burst of file events to end.
const SETTLE: Duration = Duration::from_millis(120);
/// How often the inputs are compared even without events (a safety net
/// for file systems that report nothing).
const POLL: Duration = Duration::from_secs(2);

/// Starts watching; the returned watcher must be kept alive.
pub fn start(
    shared: Arc<Shared>,
    mut last: Fingerprint,
) -> anyhow::Result<Option<notify::RecommendedWatcher>> {
    let (tx, rx) = mpsc::channel::<()>();
    let watcher = match notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if res.is_ok() {
            let _ = tx.send(());
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
    std::thread::Builder::new()
        .name("duos-watch".into())
        .spawn(move || loop {
            match rx.recv_timeout(POLL) {
                Ok(()) => {
                    // Let the burst settle (editors write several files).
                    loop {
                        match rx.recv_timeout(SETTLE) {
                            Ok(()) => continue,
                            Err(RecvTimeoutError::Timeout) => break,
                            Err(RecvTimeoutError::Disconnected) => return,
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(POLL);
                }
            }
            let now = site::fingerprint(&shared.root);
            if now == last {
                continue;
            }
            last = now;
            rebuild(&shared);
        })?;
    Ok(watcher)
}

/// Rebuilds the site and the configuration, then notifies the browsers.
pub fn rebuild(shared: &Shared) {
    let app = shared.app();
    let store = shared
        .runtime
        .block_on(super::store_profiles(&app))
        .unwrap_or_default();
    if let Some(publisher) = &app.publisher {
        shared.runtime.block_on(publisher.invalidate());
    }
    let mut errors = match site::build(&shared.root, &shared.site_dir, shared.drafts, &store) {
        Ok(summary) => {
            eprintln!("duos serve: rebuilt: {summary}");
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
    let generation = {
        let mut state = shared.build.write().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.errors = errors;
        state.generation
    };
    let _ = shared.reload.send(generation);
}

/// A configuration problem's path relative to the site root.
fn relative(root: &Path, problem: &str) -> String {
    let prefix = format!("{}/", root.display());
    problem.strip_prefix(&prefix).unwrap_or(problem).to_owned()
}
