//! Pages: URLs from paths, sections, navigation, and `@/` link resolution.

use crate::diagnostics::{key_pos, pos_of_offset, Diagnostic, Pos};
use crate::frontmatter::{self, Access};
use crate::load::SourceFile;
use crate::markdown::{self, TocEntry};
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Home,
    Section,
    Page,
    /// `content/mentors/_index.md`: the intro of the mentor directory.
    Directory,
}

/// A page after its front matter is read (body not yet rendered).
#[derive(Debug, Clone)]
pub struct Page {
    pub source: PathBuf,
    /// `apply/_index.md`
    pub content_path: String,
    pub kind: Kind,
    /// Folder the page lists (sections) or lives in (pages), `""` at the top.
    pub dir: String,
    /// Folder of the section this page belongs to (`None` for the home page).
    pub parent: Option<String>,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub draft: bool,
    pub access: Access,
    pub template: Option<String>,
    pub toc: bool,
    pub url: String,
    /// Relative to OUT: `public/about/index.html`.
    pub output: PathBuf,
    pub text: String,
    pub body_offset: usize,
    pub html: String,
    pub toc_entries: Vec<TocEntry>,
    pub plain: String,
}

/// Reads the front matter of a page and works out where it goes.
pub fn parse(file: &SourceFile) -> Result<Page, Diagnostic> {
    let split = frontmatter::split(&file.rel, &file.text)?;
    let fm = split.front;
    let cp = &file.content_path;
    let (dir_part, file_name) = match cp.rsplit_once('/') {
        Some((d, f)) => (d.to_string(), f),
        None => (String::new(), cp.as_str()),
    };
    let stem = file_name.trim_end_matches(".md");
    let parent_of = |d: &str| {
        d.rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default()
    };
    let (kind, dir, parent, url_path) = if stem == "_index" {
        if dir_part.is_empty() {
            (Kind::Home, String::new(), None, String::new())
        } else if dir_part == "mentors" {
            (Kind::Directory, dir_part.clone(), None, dir_part.clone())
        } else {
            let parent = parent_of(&dir_part);
            (
                Kind::Section,
                dir_part.clone(),
                Some(parent),
                dir_part.clone(),
            )
        }
    } else if stem == "index" {
        // `about/index.md` is the page `about`.
        let parent = parent_of(&dir_part);
        (Kind::Page, parent.clone(), Some(parent), dir_part.clone())
    } else {
        let url_path = if dir_part.is_empty() {
            stem.to_string()
        } else {
            format!("{dir_part}/{stem}")
        };
        (
            Kind::Page,
            dir_part.clone(),
            Some(dir_part.clone()),
            url_path,
        )
    };
    let access = if kind == Kind::Directory {
        Access::Members
    } else {
        fm.access
    };
    let area = access.as_str();
    let url = match (access, url_path.is_empty()) {
        (Access::Public, true) => "/".to_string(),
        (Access::Public, false) => format!("/{url_path}/"),
        (Access::Members, true) => "/members/".to_string(),
        (Access::Members, false) => format!("/members/{url_path}/"),
    };
    let mut output = PathBuf::from(area);
    if !url_path.is_empty() {
        output.push(&url_path);
    }
    output.push("index.html");
    Ok(Page {
        source: file.rel.clone(),
        content_path: cp.clone(),
        kind,
        dir,
        parent,
        title: fm.title.unwrap_or_default(),
        description: fm.description,
        weight: fm.weight,
        draft: fm.draft,
        access,
        template: fm.template,
        toc: fm.toc,
        url,
        output,
        text: file.text.clone(),
        body_offset: split.body_offset,
        html: String::new(),
        toc_entries: Vec::new(),
        plain: String::new(),
    })
}

/// Where `@/` links may point: content path -> URL, plus the drafts left out.
#[derive(Debug, Default)]
pub struct LinkMap {
    pub urls: HashMap<String, String>,
    pub drafts: HashMap<String, ()>,
}

impl LinkMap {
    /// Resolves `@/path.md#frag`.
    pub fn resolve(&self, target: &str) -> Result<String, String> {
        let rest = target.trim_start_matches("@/");
        let (path, frag) = match rest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (rest, None),
        };
        match self.urls.get(path) {
            Some(url) => Ok(match frag {
                Some(f) => format!("{url}#{f}"),
                None => url.clone(),
            }),
            None if self.drafts.contains_key(path) => Err(format!(
                "link \"{target}\" points to a draft page (build with --drafts to include it)"
            )),
            None => Err(format!("broken link \"{target}\": no page content/{path}")),
        }
    }
}

/// Renders the markdown of a page; broken links become diagnostics.
pub fn render_body(page: &mut Page, links: &LinkMap) -> Vec<Diagnostic> {
    let body = &page.text[page.body_offset..];
    let (rendered, errors) = markdown::render(body, &|t| links.resolve(t));
    page.html = rendered.html;
    page.toc_entries = rendered.toc;
    page.plain = rendered.text;
    errors
        .into_iter()
        .map(|e| {
            let pos = pos_of_offset(&page.text, page.body_offset + e.offset);
            Diagnostic::at(&page.source, Some(pos), e.message)
        })
        .collect()
}

/// Position of the `template:` key in a page's front matter.
pub fn template_pos(page: &Page) -> Option<Pos> {
    key_pos(&page.text[..page.body_offset], "template")
}

/// A link in the navigation or a section listing.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub description: String,
    pub weight: i64,
    pub members: bool,
}

impl Link {
    pub fn of(p: &Page) -> Link {
        Link {
            title: p.title.clone(),
            url: p.url.clone(),
            description: p.description.clone(),
            weight: p.weight,
            members: p.access == Access::Members,
        }
    }
}

pub fn by_weight(a: &Link, b: &Link) -> std::cmp::Ordering {
    (a.weight, a.title.to_lowercase(), &a.url).cmp(&(b.weight, b.title.to_lowercase(), &b.url))
}

/// Top-level public pages and sections, by weight.
pub fn navigation(pages: &[Page]) -> Vec<Link> {
    let mut nav: Vec<Link> = pages
        .iter()
        .filter(|p| p.access == Access::Public)
        .filter(|p| p.parent.as_deref() == Some(""))
        .map(Link::of)
        .collect();
    nav.sort_by(by_weight);
    nav
}

/// The children of a section: its pages and its subsections, by weight.
/// A public section lists only public children.
pub fn children(section: &Page, pages: &[Page]) -> (Vec<Link>, Vec<Link>) {
    let visible = |p: &&Page| section.access == Access::Members || p.access == Access::Public;
    let mut own: Vec<Link> = pages
        .iter()
        .filter(visible)
        .filter(|p| p.kind == Kind::Page && p.parent.as_deref() == Some(section.dir.as_str()))
        .map(Link::of)
        .collect();
    let mut subs: Vec<Link> = pages
        .iter()
        .filter(visible)
        .filter(|p| p.kind == Kind::Section && p.parent.as_deref() == Some(section.dir.as_str()))
        .map(Link::of)
        .collect();
    own.sort_by(by_weight);
    subs.sort_by(by_weight);
    (own, subs)
}
