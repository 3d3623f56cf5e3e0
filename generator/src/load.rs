//! Finding and reading the site's sources under `content/`.

use crate::diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One file read from `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, e.g. `content/mentors/ada.yaml`.
    pub rel: PathBuf,
    /// Relative to `content/`, with `/` separators, e.g. `mentors/ada.yaml`.
    pub content_path: String,
    pub text: String,
}

impl SourceFile {
    /// File name without its extension.
    pub fn stem(&self) -> &str {
        self.rel.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    }
}

/// Everything under `content/`, by kind.
#[derive(Debug, Default)]
pub struct Sources {
    pub program: Option<SourceFile>,
    pub pages: Vec<SourceFile>,
    pub profiles: Vec<SourceFile>,
    pub surveys: Vec<SourceFile>,
}

#[derive(Clone, Copy)]
enum Kind {
    Program,
    Page,
    Profile,
    Survey,
}

fn classify(content_path: &str) -> Option<Kind> {
    let yaml = content_path.ends_with(".yaml") || content_path.ends_with(".yml");
    if content_path == "program.yaml" || content_path == "program.yml" {
        Some(Kind::Program)
    } else if content_path.ends_with(".md") {
        Some(Kind::Page)
    } else if yaml && content_path.starts_with("mentors/") {
        Some(Kind::Profile)
    } else if yaml && content_path.starts_with("surveys/") {
        Some(Kind::Survey)
    } else {
        None
    }
}

/// Walks `root/content` and reads every page, profile, survey and the
/// program file (in parallel). Files of other kinds are left alone.
pub fn load(root: &Path) -> Result<Sources, Diagnostics> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(Diagnostic::new("content", "no content/ folder in the site root").into());
    }
    let mut found: Vec<(Kind, PathBuf, String)> = Vec::new();
    let mut diags = Diagnostics::new();
    let walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("content"));
                diags.push(Diagnostic::new(path, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel_content) = entry.path().strip_prefix(&content) else {
            continue;
        };
        let content_path = rel_content
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if let Some(kind) = classify(&content_path) {
            found.push((kind, Path::new("content").join(rel_content), content_path));
        }
    }
    let read: Vec<Result<(Kind, SourceFile), Diagnostic>> = found
        .into_par_iter()
        .map(|(kind, rel, content_path)| {
            crate::timings::time(crate::timings::Stage::Read, || {
                std::fs::read_to_string(root.join(&rel))
            })
            .map(|text| {
                (
                    kind,
                    SourceFile {
                        rel: rel.clone(),
                        content_path,
                        text,
                    },
                )
            })
            .map_err(|e| Diagnostic::new(&rel, format!("cannot read: {e}")))
        })
        .collect();
    let mut sources = Sources::default();
    for r in read {
        match r {
            Ok((Kind::Program, f)) => sources.program = Some(f),
            Ok((Kind::Page, f)) => sources.pages.push(f),
            Ok((Kind::Profile, f)) => sources.profiles.push(f),
            Ok((Kind::Survey, f)) => sources.surveys.push(f),
            Err(d) => diags.push(d),
        }
    }
    if sources.program.is_none() && diags.is_empty() {
        diags.push(Diagnostic::new(
            "content/program.yaml",
            "missing: the program file (name, base_url, expertise, cohorts, ...) is required",
        ));
    }
    diags.into_result().map(|()| sources)
}
