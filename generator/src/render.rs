//! Rendering every output page in parallel and writing it as it is done.

use crate::assets::Assets;
use crate::diagnostics::Diagnostic;
use crate::frontmatter::Access;
use crate::markdown::{escape_attr, excerpt, toc_html, TocEntry};
use crate::pages::{self, Kind, Page};
use crate::profiles::{term_url, Profile, TermRef};
use crate::templates::Templates;
use crate::write::Sink;
use mentoring::program::{ExpertiseTerm, Program};
use mentoring::survey::Survey;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// URL of the mentor directory.
pub const DIRECTORY_URL: &str = "/members/mentors/";

/// Everything the templates see; checked and ready.
pub struct Site {
    pub program: Program,
    pub pages: Vec<Page>,
    pub profiles: Vec<Profile>,
    pub surveys: Vec<Survey>,
    pub templates: Templates,
    pub assets: Assets,
}

/// How many of each kind were rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub pages: usize,
    pub profiles: usize,
    pub terms: usize,
    pub surveys: usize,
    pub files: usize,
}

/// `site` in templates.
#[derive(Serialize)]
struct SiteCtx<'a> {
    name: &'a str,
    association: &'a str,
    tagline: &'a str,
    base_url: &'a str,
    contact_email: &'a str,
    directory_url: &'static str,
    lang: &'static str,
}

/// `page` in templates.
#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    kind: Kind,
    access: &'static str,
    weight: i64,
    content: &'a str,
    toc: &'a [TocEntry],
    toc_html: String,
    show_toc: bool,
    source: String,
}

impl<'a> PageCtx<'a> {
    fn of(p: &'a Page) -> Self {
        let toc = toc_html(&p.toc_entries);
        PageCtx {
            title: &p.title,
            description: &p.description,
            url: &p.url,
            kind: p.kind,
            access: p.access.as_str(),
            weight: p.weight,
            content: &p.html,
            show_toc: p.toc && !toc.is_empty(),
            toc: &p.toc_entries,
            toc_html: toc,
            source: p.source.to_string_lossy().replace('\\', "/"),
        }
    }
}

/// A mentor in the directory and on term pages.
#[derive(Serialize)]
struct Card<'a> {
    slug: &'a str,
    url: &'a str,
    name: &'a str,
    title: &'a str,
    institution: &'a str,
    location: &'a str,
    role: &'a str,
    expertise: &'a [TermRef],
    /// Term slugs joined by spaces, for the `data-expertise` attribute.
    expertise_slugs: String,
}

impl<'a> Card<'a> {
    fn of(p: &'a Profile) -> Self {
        Card {
            slug: &p.slug,
            url: &p.url,
            name: &p.name,
            title: &p.title,
            institution: &p.institution,
            location: &p.location,
            role: &p.role,
            expertise: &p.expertise,
            expertise_slugs: p
                .expertise
                .iter()
                .map(|t| t.slug.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// An expertise term with its page and mentor count (`term`, `terms`).
#[derive(Serialize)]
struct TermCtx<'a> {
    slug: &'a str,
    name: &'a str,
    description: &'a str,
    url: String,
    count: usize,
}

enum Job<'a> {
    Page(&'a Page),
    Directory,
    Profile(&'a Profile),
    Term(&'a ExpertiseTerm),
    Survey(&'a Survey),
    NotFound,
}

/// Template used for a content page.
pub fn page_template(p: &Page, templates: &Templates) -> String {
    if let Some(t) = &p.template {
        return t.clone();
    }
    match p.kind {
        Kind::Home if templates.has("index.html") => "index.html".into(),
        Kind::Home | Kind::Section => "section.html".into(),
        Kind::Directory => "directory.html".into(),
        Kind::Page => "page.html".into(),
    }
}

/// Renders every page into `sink`. Returns the counts, or every error.
pub fn render(site: &Site, sink: &Sink) -> Result<Counts, Vec<Diagnostic>> {
    let program = &site.program;
    let site_ctx = tera::to_value(SiteCtx {
        name: &program.name,
        association: &program.association,
        tagline: &program.tagline,
        base_url: program.base_url.trim_end_matches('/'),
        contact_email: &program.contact_email,
        directory_url: DIRECTORY_URL,
        lang: "en",
    })
    .unwrap_or_default();
    let nav = tera::to_value(pages::navigation(&site.pages)).unwrap_or_default();

    // Mentors by name; per term, the mentors who have it.
    let mut order: Vec<&Profile> = site.profiles.iter().collect();
    order.sort_by_cached_key(|p| (p.name.to_lowercase(), p.slug.clone()));
    let mut by_term: HashMap<&str, Vec<&Profile>> = HashMap::new();
    for p in &order {
        for t in &p.expertise {
            by_term.entry(t.slug.as_str()).or_default().push(p);
        }
    }
    let terms: Vec<TermCtx> = program
        .expertise
        .iter()
        .map(|t| TermCtx {
            slug: &t.slug,
            name: &t.name,
            description: &t.description,
            url: term_url(&t.slug),
            count: by_term.get(t.slug.as_str()).map_or(0, Vec::len),
        })
        .collect();
    let terms_value = tera::to_value(&terms).unwrap_or_default();
    let directory_intro = site.pages.iter().find(|p| p.kind == Kind::Directory);

    let base = |url: &str, area: &str| {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &site_ctx);
        ctx.insert("nav", &nav);
        ctx.insert("current_url", url);
        ctx.insert("area", area);
        ctx
    };

    let mut jobs: Vec<Job> =
        Vec::with_capacity(site.pages.len() + site.profiles.len() + terms.len() + 2);
    jobs.extend(
        site.pages
            .iter()
            .filter(|p| p.kind != Kind::Directory)
            .map(Job::Page),
    );
    jobs.push(Job::Directory);
    jobs.push(Job::NotFound);
    jobs.extend(program.expertise.iter().map(Job::Term));
    if site.templates.has("survey.html") {
        jobs.extend(site.surveys.iter().map(Job::Survey));
    }
    jobs.extend(site.profiles.iter().map(Job::Profile));

    let render_one = |job: &Job| -> Result<(), Diagnostic> {
        let (template, ctx, output): (String, tera::Context, PathBuf) = match job {
            Job::Page(p) => {
                let mut ctx = base(&p.url, p.access.as_str());
                ctx.insert("page", &PageCtx::of(p));
                if matches!(p.kind, Kind::Home | Kind::Section) {
                    let (children, sections) = pages::children(p, &site.pages);
                    ctx.insert("pages", &children);
                    ctx.insert("subsections", &sections);
                }
                (page_template(p, &site.templates), ctx, p.output.clone())
            }
            Job::Directory => {
                let mut ctx = base(DIRECTORY_URL, "members");
                let cards: Vec<Card> = order.iter().map(|p| Card::of(p)).collect();
                ctx.insert("mentors", &cards);
                ctx.insert("terms", &terms_value);
                if let Some(intro) = directory_intro {
                    ctx.insert("page", &PageCtx::of(intro));
                }
                let template = directory_intro
                    .map(|p| page_template(p, &site.templates))
                    .unwrap_or_else(|| "directory.html".into());
                (template, ctx, PathBuf::from("members/mentors/index.html"))
            }
            Job::Profile(p) => {
                let mut ctx = base(&p.url, "members");
                ctx.insert("mentor", p);
                (
                    "profile.html".into(),
                    ctx,
                    PathBuf::from(format!("members/mentors/{}/index.html", p.slug)),
                )
            }
            Job::Term(t) => {
                let url = term_url(&t.slug);
                let mut ctx = base(&url, "members");
                let mentors = by_term
                    .get(t.slug.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let cards: Vec<Card> = mentors.iter().map(|p| Card::of(p)).collect();
                ctx.insert(
                    "term",
                    &TermCtx {
                        slug: &t.slug,
                        name: &t.name,
                        description: &t.description,
                        url: url.clone(),
                        count: cards.len(),
                    },
                );
                ctx.insert("mentors", &cards);
                ctx.insert("terms", &terms_value);
                (
                    "expertise.html".into(),
                    ctx,
                    PathBuf::from(format!("members/expertise/{}/index.html", t.slug)),
                )
            }
            Job::Survey(s) => {
                let url = format!("/members/surveys/{}/", s.id);
                let mut ctx = base(&url, "members");
                ctx.insert("survey", s);
                ctx.insert(
                    "intro_html",
                    &crate::profiles::sanitizer()
                        .clean(
                            &crate::markdown::render(&s.intro, &|t| Ok(t.to_string()))
                                .0
                                .html,
                        )
                        .to_string(),
                );
                (
                    "survey.html".into(),
                    ctx,
                    PathBuf::from(format!("members/surveys/{}/index.html", s.id)),
                )
            }
            Job::NotFound => {
                let ctx = base("/404.html", "public");
                ("404.html".into(), ctx, PathBuf::from("public/404.html"))
            }
        };
        let html = site.templates.render(&template, &ctx)?;
        sink.write(&output, html.as_bytes())
            .map_err(|e| Diagnostic::new(&output, format!("cannot write: {e}")))
    };

    let mut diags: Vec<Diagnostic> = jobs
        .par_iter()
        .with_min_len(16)
        .filter_map(|job| render_one(job).err())
        .collect();

    // Files of public/: static assets, sitemap, robots, search index.
    for asset in &site.assets.files {
        let mut targets = vec![asset.rel.clone()];
        targets.extend(asset.hashed.clone());
        for t in targets {
            let rel = Path::new("public").join(&t);
            if let Err(e) = sink.copy(&asset.from, &rel) {
                diags.push(Diagnostic::new(
                    &asset.from,
                    format!("cannot copy to {}: {e}", rel.display()),
                ));
            }
        }
    }
    let public: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| p.access == Access::Public)
        .collect();
    let base_url = program.base_url.trim_end_matches('/');
    let extras = [
        ("public/sitemap.xml", sitemap(base_url, &public)),
        ("public/robots.txt", robots(base_url)),
        ("public/search-index.json", search_index(&public)),
        ("members/access.json", access_manifest(&site.profiles)),
    ];
    for (rel, body) in extras {
        if let Err(e) = sink.write(Path::new(rel), body.as_bytes()) {
            diags.push(Diagnostic::new(rel, format!("cannot write: {e}")));
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let pages = site.pages.len();
    Ok(Counts {
        pages,
        profiles: site.profiles.len(),
        terms: program.expertise.len(),
        surveys: site.surveys.len(),
        files: jobs.len() + extras_len() + site.assets.files.len(),
    })
}

fn sitemap(base_url: &str, public: &[&Page]) -> String {
    let mut urls: Vec<&str> = public.iter().map(|p| p.url.as_str()).collect();
    urls.sort_unstable();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        out.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            escape_attr(&format!("{base_url}{url}"))
        ));
    }
    out.push_str("</urlset>\n");
    out
}

fn robots(base_url: &str) -> String {
    format!("User-agent: *\nDisallow: /members/\n\nSitemap: {base_url}/sitemap.xml\n")
}

#[derive(Serialize)]
struct SearchEntry<'a> {
    title: &'a str,
    url: &'a str,
    description: &'a str,
    text: String,
}

/// How many files besides pages and assets a build writes (sitemap, robots,
/// search index, access manifest).
const fn extras_len() -> usize {
    4
}

/// `members/access.json`: which roster member each profile belongs to, so the
/// members-only gate lets a mentor see their own profile. Never served.
fn access_manifest(profiles: &[Profile]) -> String {
    let mentors: std::collections::BTreeMap<&str, &str> = profiles
        .iter()
        .filter(|p| !p.member_id.is_empty())
        .map(|p| (p.slug.as_str(), p.member_id.as_str()))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "mentors": mentors }))
        .unwrap_or_else(|_| "{\"mentors\":{}}".into())
        + "\n"
}

fn search_index(public: &[&Page]) -> String {
    let mut entries: Vec<SearchEntry> = public
        .iter()
        .map(|p| SearchEntry {
            title: &p.title,
            url: &p.url,
            description: &p.description,
            text: excerpt(&p.plain, 300),
        })
        .collect();
    entries.sort_by(|a, b| a.url.cmp(b.url));
    serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into()) + "\n"
}
