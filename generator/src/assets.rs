//! Static files: the theme's `static/` then the root `static/` (which wins),
//! with content-hashed names for CSS and JS.

use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One static file to copy into `public/`.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it is read from (absolute or relative to the working folder).
    pub from: PathBuf,
    /// Path inside `public/`, with `/` separators: `css/site.css`.
    pub rel: String,
    /// Fingerprinted path for CSS/JS (`css/site.3f2a9c1b.css`), else `None`.
    pub hashed: Option<String>,
}

/// The static files and the `asset()` lookup table.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub files: Vec<Asset>,
    /// `css/site.css` -> `/css/site.3f2a9c1b.css`.
    pub urls: BTreeMap<String, String>,
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn hashed_name(rel: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", fnv1a(bytes));
    let hash = &hash[..8];
    match rel.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !stem.is_empty() => {
            format!("{stem}.{hash}.{ext}")
        }
        _ => format!("{rel}.{hash}"),
    }
}

/// Collects the static files of `dirs` (later folders override earlier ones
/// by relative path). `root` is used to show paths in diagnostics.
pub fn collect(root: &Path, dirs: &[PathBuf]) -> Result<Assets, Vec<Diagnostic>> {
    let mut by_rel: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut diags = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            continue;
        }
        for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let Ok(rel) = e.path().strip_prefix(dir) else {
                        continue;
                    };
                    let rel = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    by_rel.insert(rel, e.path().to_path_buf());
                }
                Ok(_) => {}
                Err(err) => {
                    let p = err.path().unwrap_or(dir);
                    diags.push(Diagnostic::new(
                        p.strip_prefix(root).unwrap_or(p),
                        format!("cannot read static file: {err}"),
                    ));
                }
            }
        }
    }
    let mut assets = Assets::default();
    for (rel, from) in by_rel {
        let fingerprint = rel.ends_with(".css") || rel.ends_with(".js");
        let hashed = if fingerprint {
            match std::fs::read(&from) {
                Ok(bytes) => Some(hashed_name(&rel, &bytes)),
                Err(err) => {
                    diags.push(Diagnostic::new(
                        from.strip_prefix(root).unwrap_or(&from),
                        format!("cannot read static file: {err}"),
                    ));
                    None
                }
            }
        } else {
            None
        };
        let url = format!("/{}", hashed.as_deref().unwrap_or(&rel));
        assets.urls.insert(rel.clone(), url);
        assets.files.push(Asset { from, rel, hashed });
    }
    if diags.is_empty() {
        Ok(assets)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        let h = hashed_name("css/site.css", b"body{}");
        assert!(
            h.starts_with("css/site.")
                && h.ends_with(".css")
                && h.len() == "css/site..css".len() + 8
        );
        assert_eq!(hashed_name("css/site.css", b"body{}"), h);
        assert_ne!(hashed_name("css/site.css", b"body{ }"), h);
    }
}
