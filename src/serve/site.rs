//! Building the site for `duos serve`: into `DATA/site`, again whenever an
//! input changed; a failed build keeps the previous output and its errors
//! are shown in the browser (an overlay page) and in the terminal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::files::{escape, reload_script};

/// The folders of a site root whose changes trigger a rebuild.
pub const WATCHED: &[&str] = &["content", "themes", "templates", "static"];

/// The state of the last build.
#[derive(Debug, Clone)]
pub struct BuildState {
    /// Counts up with every build attempt that changed something.
    pub generation: u64,
    /// `file:line:column: message` of the last build's errors; empty when it
    /// succeeded.
    pub errors: Vec<String>,
}

/// A fingerprint of every input file: path, size and modification time.
/// Two equal fingerprints mean nothing changed (no rebuild).
pub type Fingerprint = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// Fingerprints the watched folders of `root`.
pub fn fingerprint(root: &Path) -> Fingerprint {
    let mut out = Fingerprint::new();
    for dir in WATCHED {
        let base = root.join(dir);
        if !base.is_dir() {
            continue;
        }
        for entry in walk(&base) {
            if let Some(stamp) = stamp(&entry) {
                out.insert(entry, stamp);
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            if hidden {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files
}

/// Builds the site at `root` into `out`, with the store's published
/// profiles; returns the summary and the loaded site (kept for updating
/// changed profile files), or one line per error.
pub fn build(
    root: &Path,
    out: &Path,
    drafts: bool,
    store: &generator::StoreProfiles,
) -> Result<(String, generator::Site), Vec<String>> {
    let options = generator::BuildOptions {
        drafts,
        store: store.clone(),
        ..generator::BuildOptions::new(root, out)
    };
    match generator::build_and_keep(&options) {
        Ok((summary, site)) => Ok((summary.to_string(), site)),
        Err(diagnostics) => Err(diagnostics.iter().map(|d| d.to_string()).collect()),
    }
}

/// The size and modification time of `path`, as [`fingerprint`] keeps them.
pub fn stamp(path: &Path) -> Option<(u64, Option<SystemTime>)> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| (m.len(), m.modified().ok()))
}

/// The page shown instead of any HTML page while the content has errors.
pub fn overlay_page(errors: &[String], generation: u64) -> String {
    let mut items = String::new();
    for e in errors {
        items.push_str("<li><code>");
        items.push_str(&escape(e));
        items.push_str("</code></li>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>The site has errors · duos serve</title>\
{css}</head>\n\
<body><main id=\"duos-error-overlay\" role=\"alert\">\
<h1>The site could not be built</h1>\
<p>{n} error{s} in the content or theme. Fix {them} and save: this page reloads by itself. \
The server keeps running and still answers <code>/api/</code>.</p>\n<ul class=\"errors\">\n{items}</ul>\
</main>{script}</body></html>\n",
        n = errors.len(),
        s = if errors.len() == 1 { "" } else { "s" },
        them = if errors.len() == 1 { "it" } else { "them" },
        script = reload_script(generation),
        css = super::files::SERVE_CSS_LINK,
    )
}
