//! The static site generator of duos: load -> parse -> render -> write.
//!
//! [`build`] reads `content/` and the theme of a site root and writes
//! `OUT/public/` (anyone may read it) and `OUT/members/` (served behind
//! sign-in). [`check`] validates the same without writing anything. Every
//! error of a build is collected and reported at once as
//! `path:line:column: message`.

pub mod assets;
pub mod data;
pub mod diagnostics;
pub mod events;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod pages;
pub mod profiles;
pub mod render;
pub mod templates;
pub mod write;

pub use diagnostics::{Diagnostic, Diagnostics};

/// See the `mimalloc` feature in Cargo.toml.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crate::diagnostics::{key_pos, Pos};
use crate::frontmatter::Access;
use crate::pages::{Kind, LinkMap, Page};
use crate::render::{Counts, Site, DIRECTORY_URL};
use crate::write::{Sink, Staging};
use rayon::prelude::*;
use std::collections::HashMap;
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
}

/// What a successful build or check did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub profiles: usize,
    pub expertise_pages: usize,
    pub surveys: usize,
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
    let started = Instant::now();
    let site = prepare(&opts.root, opts.drafts)?;
    let staging = Staging::new(&opts.out)?;
    let mut t = Instant::now();
    let counts = render::render(&site, &Sink::Dir(staging.tmp.clone())).map_err(finish)?;
    events::render(&site, &Sink::Dir(staging.tmp.clone())).map_err(finish)?;
    phase("render+write", &mut t);
    drop(site);
    staging.commit()?;
    phase("swap", &mut t);
    Ok(summary(counts, Some(opts.out.clone()), started))
}

/// Validates everything `build` does (rendering included) without writing.
pub fn check(root: &Path, drafts: bool) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let site = prepare(root, drafts)?;
    let mut t = Instant::now();
    let counts = render::render(&site, &Sink::Discard).map_err(finish)?;
    events::render(&site, &Sink::Discard).map_err(finish)?;
    phase("render", &mut t);
    Ok(summary(counts, None, started))
}

fn summary(c: Counts, out: Option<PathBuf>, started: Instant) -> BuildSummary {
    BuildSummary {
        pages: c.pages,
        profiles: c.profiles,
        expertise_pages: c.terms,
        surveys: c.surveys,
        out,
        elapsed: started.elapsed(),
    }
}

fn finish(list: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics(list);
    d.normalize();
    d
}

/// With `DUOS_TIMINGS` set in the environment, prints how long each phase took.
fn phase(name: &str, since: &mut Instant) {
    if std::env::var_os("DUOS_TIMINGS").is_some() {
        // Process CPU time so far (Linux), in clock ticks of 10 ms.
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let rest = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
                Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
            })
            .map(|ticks| format!(", cpu so far {} ms", ticks * 10))
            .unwrap_or_default();
        eprintln!("  {name}: {} ms{cpu}", since.elapsed().as_millis());
    }
    *since = Instant::now();
}

/// Loads, parses and checks everything; returns the site ready to render.
pub fn prepare(root: &Path, drafts: bool) -> Result<Site, Diagnostics> {
    let mut t = Instant::now();
    let sources = load::load(root)?;
    phase("load", &mut t);
    let mut diags = Diagnostics::new();

    let program_file = sources.program.as_ref();
    let program = match program_file.map(data::program) {
        Some(Ok(p)) => Some(p),
        Some(Err(d)) => {
            diags.extend(d);
            None
        }
        None => None,
    };

    let surveys: Vec<_> = sources.surveys.par_iter().map(data::survey).collect();
    let mut ok_surveys = Vec::new();
    for s in surveys {
        match s {
            Ok(s) => ok_surveys.push(s),
            Err(d) => diags.extend(d),
        }
    }

    // Pages: front matter, URLs; drafts left out unless asked for.
    let parsed: Vec<_> = sources.pages.par_iter().map(pages::parse).collect();
    let mut links = LinkMap::default();
    let mut page_list: Vec<Page> = Vec::new();
    for p in parsed {
        match p {
            Ok(p) if p.draft && !drafts => {
                links.drafts.insert(p.content_path.clone(), ());
            }
            Ok(p) => page_list.push(p),
            Err(d) => diags.push(d),
        }
    }

    // Every URL has one owner.
    let mut owners: HashMap<String, String> = HashMap::new();
    let top = Some(Pos { line: 1, column: 1 });
    if !page_list.iter().any(|p| p.kind == Kind::Directory) {
        owners.insert(DIRECTORY_URL.into(), "the mentor directory".into());
    }
    if let Some(program) = &program {
        for t in &program.expertise {
            owners.insert(
                profiles::term_url(&t.slug),
                format!("the expertise page \"{}\"", t.slug),
            );
        }
    }
    let mut claim = |url: &str, source: &Path, diags: &mut Diagnostics| -> bool {
        let shown = source.to_string_lossy().replace('\\', "/");
        match owners.get(url) {
            Some(first) => {
                diags.push(Diagnostic::at(
                    source,
                    top,
                    format!("duplicate slug: {shown} and {first} both map to {url}"),
                ));
                false
            }
            None => {
                owners.insert(url.to_string(), shown);
                true
            }
        }
    };
    for p in &page_list {
        if claim(&p.url, &p.source, &mut diags) {
            links.urls.insert(p.content_path.clone(), p.url.clone());
        }
    }
    for f in &sources.profiles {
        let url = profiles::profile_url(f.stem());
        if claim(&url, &f.rel, &mut diags) {
            links.urls.insert(f.content_path.clone(), url);
        }
    }

    // Markdown of pages, then profiles (bios), in parallel.
    let link_errors: Vec<Diagnostic> = page_list
        .par_iter_mut()
        .flat_map_iter(|p| pages::render_body(p, &links))
        .collect();
    diags.extend(link_errors);
    phase("pages", &mut t);

    let mut profile_list = Vec::new();
    if let Some(program) = &program {
        let parsed: Vec<_> = sources
            .profiles
            .par_iter()
            .map(|f| profiles::parse(f, program, &|t| links.resolve(t)))
            .collect();
        for p in parsed {
            match p {
                Ok(p) => profile_list.push(p),
                Err(d) => diags.extend(d),
            }
        }
    }

    phase("profiles", &mut t);

    // The theme: templates and static files.
    let theme = program.as_ref().map_or("default", |p| p.theme.as_str());
    let theme_dir = root.join("themes").join(theme);
    let mut templates = None;
    let mut assets = None;
    if !theme_dir.join("templates").is_dir() && !root.join("templates").is_dir() {
        let pos = program_file.and_then(|f| key_pos(&f.text, "theme"));
        diags.push(Diagnostic::at(
            "content/program.yaml",
            pos,
            format!(
                "theme \"{theme}\" not found: no folder themes/{theme}/templates (field theme)"
            ),
        ));
    } else {
        match assets::collect(root, &[theme_dir.join("static"), root.join("static")]) {
            Ok(a) => {
                match templates::load(
                    root,
                    &theme_dir.join("templates"),
                    &root.join("templates"),
                    &a,
                ) {
                    Ok(t) => templates = Some(t),
                    Err(d) => diags.extend(d),
                }
                assets = Some(a);
            }
            Err(d) => diags.extend(d),
        }
    }
    if let Some(t) = &templates {
        let shown_dir = Path::new("themes").join(theme).join("templates");
        for (name, what) in templates::REQUIRED {
            if !t.has(name) {
                diags.push(Diagnostic::new(
                    shown_dir.join(name),
                    format!("missing template \"{name}\" (needed for {what})"),
                ));
            }
        }
        for p in &page_list {
            if let Some(name) = &p.template {
                if !t.has(name) {
                    diags.push(Diagnostic::at(
                        &p.source,
                        pages::template_pos(p),
                        format!(
                            "template \"{name}\" not found in themes/{theme}/templates/ or templates/ (field template)"
                        ),
                    ));
                }
            }
        }
    }

    phase("theme", &mut t);
    if !diags.is_empty() {
        diags.normalize();
        return Err(diags);
    }
    let (Some(program), Some(templates), Some(assets)) = (program, templates, assets) else {
        return Err(
            Diagnostic::new("content/program.yaml", "the program file could not be read").into(),
        );
    };
    page_list.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    // Public pages never show members content: assert the split is clean.
    debug_assert!(page_list
        .iter()
        .all(|p| (p.access == Access::Public) == p.output.starts_with("public")));
    Ok(Site {
        program,
        pages: page_list,
        profiles: profile_list,
        surveys: ok_surveys,
        templates,
        assets,
    })
}
