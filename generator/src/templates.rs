//! The theme's tera templates: found, parsed once, checked.

use crate::assets::Assets;
use crate::diagnostics::{Diagnostic, Pos};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// Templates every theme must have.
pub const REQUIRED: &[(&str, &str)] = &[
    ("page.html", "pages"),
    ("section.html", "sections"),
    ("directory.html", "the mentor directory"),
    ("profile.html", "mentor profiles"),
    ("expertise.html", "expertise term pages"),
    ("404.html", "the not-found page"),
];

/// The parsed templates and where each came from.
pub struct Templates {
    pub tera: tera::Tera,
    /// Template name -> file, relative to the root.
    pub files: HashMap<String, PathBuf>,
    /// Templates that show `paginator` (in their own text, a template they
    /// include or one they extend): a listing rendered with one of these is
    /// paged; with any other, one page lists every card, as a theme written
    /// before pages expects.
    pub paged: HashSet<String>,
}

impl Templates {
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Whether a listing rendered with `name` is paged (see [`Templates::paged`]).
    pub fn pages(&self, name: &str) -> bool {
        self.paged.contains(name)
    }

    /// The file a template came from, for diagnostics.
    pub fn file(&self, name: &str) -> PathBuf {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    }

    /// Renders `name`; a failure becomes a diagnostic on the template file,
    /// with tera's whole error chain in one line.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, Diagnostic> {
        crate::timings::time(crate::timings::Stage::Template, || {
            self.tera.render(name, ctx)
        })
        .map_err(|e| {
            let (msg, pos) = flatten(&e);
            let file = mentioned_template(&msg)
                .filter(|n| self.has(n))
                .map(|n| self.file(&n))
                .unwrap_or_else(|| self.file(name));
            Diagnostic::at(file, pos, format!("template error in \"{name}\": {msg}"))
        })
    }
}

/// The innermost template named in a tera message ("... while rendering 'x.html'").
fn mentioned_template(msg: &str) -> Option<String> {
    let at = msg.rfind("while rendering '")?;
    let rest = &msg[at + "while rendering '".len()..];
    rest.split_once('\'').map(|(n, _)| n.to_string())
}

/// Tera's error and its sources in one line; the position of a parse error.
pub fn flatten(err: &tera::Error) -> (String, Option<Pos>) {
    let mut parts: Vec<String> = Vec::new();
    let mut pos = None;
    let mut current: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if let Some(at) = text.find("--> ") {
            // A pest parse error: " --> 3:12 | ... = expected ...".
            let loc: String = text[at + 4..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            if let Some((l, c)) = loc.split_once(':') {
                if let (Ok(line), Ok(column)) = (l.parse(), c.parse()) {
                    pos = Some(Pos { line, column });
                }
            }
            let expected = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("= "))
                .unwrap_or("syntax error");
            parts.push(expected.to_string());
        } else {
            let one: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            parts.push(one.join(" "));
        }
        current = e.source();
    }
    parts.dedup();
    (parts.join(": "), pos)
}

/// Reads every template of `theme_dir` and then of `override_dir` (same file
/// name wins), parses each (all parse errors are reported), and registers the
/// `asset(path=...)` function.
pub fn load(
    root: &Path,
    theme_dir: &Path,
    override_dir: &Path,
    assets: &Assets,
) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut diags = Vec::new();
    for dir in [theme_dir, override_dir] {
        if !dir.is_dir() {
            continue;
        }
        for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    diags.push(Diagnostic::new(
                        dir.strip_prefix(root).unwrap_or(dir),
                        format!("cannot read templates: {err}"),
                    ));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let name = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if name.starts_with('.') || name.contains("/.") {
                continue;
            }
            let shown = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_path_buf();
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    sources.insert(name, (shown, text));
                }
                Err(err) => diags.push(Diagnostic::new(shown, format!("cannot read: {err}"))),
            }
        }
    }
    // Parse each alone first, so that every syntax error is reported.
    for (name, (file, text)) in &sources {
        if let Err(e) = tera::Template::new(name, None, text) {
            let (msg, pos) = flatten(&e);
            diags.push(Diagnostic::at(
                file,
                pos,
                format!("template error in \"{name}\": {msg}"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let files: HashMap<String, PathBuf> = sources
        .iter()
        .map(|(n, (f, _))| (n.clone(), f.clone()))
        .collect();
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(crate::markdown::escape_attr);
    if let Err(e) =
        tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
    {
        let (msg, pos) = flatten(&e);
        let name = msg
            .split('\'')
            .nth(1)
            .filter(|n| files.contains_key(*n))
            .map(str::to_string);
        let file = name
            .and_then(|n| files.get(&n).cloned())
            .unwrap_or_else(|| {
                theme_dir
                    .strip_prefix(root)
                    .unwrap_or(theme_dir)
                    .to_path_buf()
            });
        return Err(vec![Diagnostic::at(
            file,
            pos,
            format!("template error: {msg}"),
        )]);
    }
    let urls = Arc::new(assets.urls.clone());
    tera.register_function(
        "asset",
        move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            let path = args
                .get("path")
                .and_then(|v| v.as_str())
                .ok_or_else(|| tera::Error::msg("asset() needs path=\"css/site.css\""))?;
            let path = path.trim_start_matches('/');
            urls.get(path)
                .map(|u| tera::Value::String(u.clone()))
                .ok_or_else(|| {
                    tera::Error::msg(format!(
                        "asset \"{path}\" not found in static/ of the theme or the site"
                    ))
                })
        },
    );
    let paged = sources
        .keys()
        .filter(|name| {
            let parents = tera
                .get_template(name)
                .map(|t| t.parents.clone())
                .unwrap_or_default();
            std::iter::once(name.as_str())
                .chain(parents.iter().map(String::as_str))
                .any(|n| mentions(&sources, n, "paginator", &mut HashSet::new()))
        })
        .cloned()
        .collect();
    Ok(Templates { tera, files, paged })
}

/// Whether the text of template `name`, or of a template it includes,
/// contains `word`.
fn mentions(
    sources: &BTreeMap<String, (PathBuf, String)>,
    name: &str,
    word: &str,
    seen: &mut HashSet<String>,
) -> bool {
    if !seen.insert(name.to_string()) {
        return false;
    }
    let Some((_, text)) = sources.get(name) else {
        return false;
    };
    text.contains(word)
        || text
            .split("include")
            .skip(1)
            .filter_map(|rest| {
                let rest = rest.trim_start();
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                rest[1..].split(quote).next()
            })
            .any(|included| mentions(sources, included, word, seen))
}
