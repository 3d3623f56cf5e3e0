//! Rendering pages: one function per kind of page, used both by the full
//! build ([`render`], every page in parallel) and by [`crate::publish`] (the
//! pages one change touches), so both write the same bytes.

use crate::diagnostics::Diagnostic;
use crate::frontmatter::Access;
use crate::markdown::{toc_html, TocEntry};
use crate::order::{Order, Slot};
use crate::pages::{self, Kind, Page};
use crate::profiles::{profile_output, profile_url, term_url, Mentor, TermRef};
pub use crate::site::Site;
use crate::site_files::{access_manifest, extras_len, robots, search_index, sitemap};
use crate::templates::Templates;
use crate::timings::{time, Stage};
use crate::write::Sink;
use mentoring::program::{ExpertiseTerm, Program};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// URL of the mentor directory.
pub const DIRECTORY_URL: &str = "/members/mentors/";

/// Output file of the directory.
pub const DIRECTORY_OUTPUT: &str = "members/mentors/index.html";

/// Stands for the cards in a rendered directory or term page until they
/// are spliced in ([`Site::render_with_cards`]).
const CARDS_MARK: &str = "\u{1}duos-cards\u{1}";

/// Output file of the access manifest.
pub const ACCESS_OUTPUT: &str = "members/access.json";

/// Output file of an expertise term's page.
pub fn term_output(slug: &str) -> PathBuf {
    PathBuf::from(format!("members/expertise/{slug}/index.html"))
}

use crate::paging::Paginator;
pub use crate::paging::{listing_page_output, listing_page_url, CARDS_PER_PAGE, PAGES_SEGMENT};

/// How many of each kind were rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub pages: usize,
    pub profiles: usize,
    pub terms: usize,
    /// Surveys checked (their forms are views rendered per request, not
    /// built pages).
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

/// The `site` value of every template.
pub(crate) fn site_value(program: &Program) -> tera::Value {
    tera::to_value(SiteCtx {
        name: &program.name,
        association: &program.association,
        tagline: &program.tagline,
        base_url: program.base_url.trim_end_matches('/'),
        contact_email: &program.contact_email,
        directory_url: DIRECTORY_URL,
        lang: "en",
    })
    .unwrap_or_default()
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

/// A mentor in the directory and on term pages. Two mentors with equal
/// cards look the same on those pages.
#[derive(Serialize, PartialEq, Eq)]
pub(crate) struct Card<'a> {
    slug: &'a str,
    url: String,
    name: &'a str,
    title: &'a str,
    institution: &'a str,
    /// The institution as conflicts of interest compare it
    /// ([`mentoring::suggest::institution_key`]), for `data-institution`.
    institution_key: String,
    location: &'a str,
    role: &'a str,
    /// The bio's opening, plain text.
    bio: &'a str,
    expertise: &'a [TermRef],
    /// Term slugs joined by spaces, for the `data-expertise` attribute.
    expertise_slugs: String,
}

impl<'a> Card<'a> {
    pub(crate) fn of(m: &'a Mentor) -> Self {
        Card {
            slug: &m.slug,
            url: profile_url(&m.slug),
            name: &m.profile.name,
            title: &m.profile.title,
            institution: &m.profile.institution,
            institution_key: mentoring::suggest::institution_key(&m.profile.institution)
                .unwrap_or_default(),
            location: &m.profile.location,
            role: &m.role,
            bio: &m.bio_excerpt,
            expertise: &m.terms,
            expertise_slugs: m
                .terms
                .iter()
                .map(|t| t.slug.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// An expertise term with its page and mentor count (`term`, `terms`).
/// The count is given only where a change of it re-renders one page: on
/// the first page of the directory (every term's) and of the term's own
/// listing; the further pages and the other terms' pages get the term
/// without it, so that a mentor joining or leaving a term re-renders only
/// the pages its card shifts (see [`crate::publish`]).
#[derive(Serialize)]
struct TermCtx<'a> {
    slug: &'a str,
    name: &'a str,
    description: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
}

/// The listed mentors in directory order, per term, and the terms with
/// and without their counts: what the directory and the term pages show.
pub(crate) struct Index<'a> {
    /// The listings' order (the site's kept one, or computed afresh).
    pub order: Cow<'a, Order>,
    /// `terms` of the directory's first page: with counts.
    terms_counted: tera::Value,
    /// `terms` everywhere else: without counts.
    terms_plain: tera::Value,
}

impl<'a> Index<'a> {
    pub(crate) fn of(site: &'a Site) -> Index<'a> {
        let order = site.order();
        let terms = |counted: bool| -> tera::Value {
            let terms: Vec<TermCtx> = site
                .program
                .expertise
                .iter()
                .map(|t| TermCtx {
                    slug: &t.slug,
                    name: &t.name,
                    description: &t.description,
                    url: term_url(&t.slug),
                    count: counted.then(|| order.term(&t.slug).len()),
                })
                .collect();
            tera::to_value(&terms).unwrap_or_default()
        };
        let (terms_counted, terms_plain) = (terms(true), terms(false));
        Index {
            order,
            terms_counted,
            terms_plain,
        }
    }
}

/// A listing (the directory, a term's pages), to render page by page:
/// one page per `per_page` of `slots`, each with `cards_html` (its cards,
/// in order) and `paginator`; the first page with the context `first`, the
/// others with `rest`. `mentor_count` (of the whole listing) is on the
/// first page, and on every page with `count_everywhere`. Page 1 is written
/// at `output`, the others at `<url>page/<n>/index.html`.
pub(crate) struct ListingPages<'a> {
    template: String,
    first: tera::Context,
    rest: tera::Context,
    count_everywhere: bool,
    url: String,
    output: PathBuf,
    slots: &'a [Slot],
    per_page: usize,
}

impl ListingPages<'_> {
    /// How many pages the listing takes.
    pub(crate) fn count(&self) -> usize {
        self.slots.len().div_ceil(self.per_page).max(1)
    }

    /// Page `number` (from 1).
    pub(crate) fn render_page(&self, site: &Site, number: usize) -> Result<Rendered, Diagnostic> {
        let len = self.slots.len();
        let mut ctx = if number == 1 { &self.first } else { &self.rest }.clone();
        if number == 1 || self.count_everywhere {
            ctx.insert("mentor_count", &len);
        }
        let paginator = Paginator::of(&self.url, number, len, self.per_page);
        ctx.insert("paginator", &paginator);
        let from = ((number - 1) * self.per_page).min(len);
        let to = (number * self.per_page).min(len);
        let mentors = site.mentors_of(&self.slots[from..to])?;
        let html = site.render_with_cards(&self.template, ctx, &mentors)?;
        Ok((self.page_output(number), html))
    }

    /// Output file of page `number` (from 1).
    pub(crate) fn page_output(&self, number: usize) -> PathBuf {
        if number == 1 {
            self.output.clone()
        } else {
            listing_page_output(&self.url, number)
        }
    }

    /// The listing's entries, in order.
    pub(crate) fn slots(&self) -> &[Slot] {
        self.slots
    }

    /// Every page, in turn.
    pub(crate) fn render(&self, site: &Site) -> Result<Vec<Rendered>, Diagnostic> {
        (1..=self.count())
            .map(|number| self.render_page(site, number))
            .collect()
    }
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

/// One rendered output file: its path (relative to the output root) and text.
pub type Rendered = (PathBuf, String);

impl Site {
    fn base(&self, url: &str, area: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &self.site_ctx);
        ctx.insert("nav", &self.nav);
        ctx.insert("current_url", url);
        ctx.insert("area", area);
        ctx
    }

    fn directory_intro(&self) -> Option<&Page> {
        self.pages.iter().find(|p| p.kind == Kind::Directory)
    }

    /// A content page.
    pub fn render_page(&self, p: &Page) -> Result<Rendered, Diagnostic> {
        let mut ctx = self.base(&p.url, p.access.as_str());
        ctx.insert("page", &PageCtx::of(p));
        if matches!(p.kind, Kind::Home | Kind::Section) {
            let (children, sections) = pages::children(p, &self.pages);
            ctx.insert("pages", &children);
            ctx.insert("subsections", &sections);
        }
        let html = self
            .templates
            .render(&page_template(p, &self.templates), &ctx)?;
        Ok((p.output.clone(), html))
    }

    /// One mentor's directory card (`_mentor_card.html`, the card as `m`),
    /// rendered once per compiled profile ([`Mentor::card_html`]).
    pub(crate) fn card_html<'m>(&self, m: &'m Mentor) -> Result<&'m str, Diagnostic> {
        if let Some(html) = m.card_html.get() {
            return Ok(html);
        }
        let mut ctx = tera::Context::new();
        ctx.insert("m", &Card::of(m));
        let html = self.templates.render("_mentor_card.html", &ctx)?;
        // Kept as long as the site: copied to its own size (tera's buffer
        // starts at 2,000 bytes; a card is often a tenth of that, and
        // shrinking in place keeps the allocator's block).
        Ok(m.card_html.get_or_init(|| html.as_str().to_owned()))
    }

    /// Cards per page of a listing of `len` rendered with `template`:
    /// [`CARDS_PER_PAGE`] when the template shows `paginator`, else all.
    fn per_page(&self, template: &str, len: usize) -> usize {
        if self.templates.pages(template) {
            CARDS_PER_PAGE
        } else {
            len.max(1)
        }
    }

    /// The template of the directory: its intro page's, else `directory.html`.
    fn directory_template(&self) -> String {
        self.directory_intro()
            .map(|p| page_template(p, &self.templates))
            .unwrap_or_else(|| "directory.html".into())
    }

    /// How many pages the directory takes with `len` listed mentors.
    pub(crate) fn directory_pages(&self, len: usize) -> usize {
        len.div_ceil(self.per_page(&self.directory_template(), len))
            .max(1)
    }

    /// How many pages a term's page takes with `len` mentors.
    pub(crate) fn term_pages(&self, len: usize) -> usize {
        len.div_ceil(self.per_page("expertise.html", len)).max(1)
    }

    /// How many cards a page of the directory lists with `len` listed
    /// mentors.
    pub(crate) fn directory_per_page(&self, len: usize) -> usize {
        self.per_page(&self.directory_template(), len)
    }

    /// How many cards a page of a term lists with `len` mentors.
    pub(crate) fn term_per_page(&self, len: usize) -> usize {
        self.per_page("expertise.html", len)
    }

    /// Renders `template` with `cards_html` (the cards of `mentors`, in
    /// order). The template engine sees a mark in place of the cards,
    /// which are spliced in afterwards: a page of many cards costs copying
    /// them, not rendering them again.
    fn render_with_cards(
        &self,
        template: &str,
        mut ctx: tera::Context,
        mentors: &[&Mentor],
    ) -> Result<String, Diagnostic> {
        ctx.insert("cards_html", CARDS_MARK);
        let page = self.templates.render(template, &ctx)?;
        let Some(at) = page.find(CARDS_MARK) else {
            return Ok(page);
        };
        let cards = mentors
            .iter()
            .map(|m| self.card_html(m))
            .collect::<Result<Vec<&str>, Diagnostic>>()?;
        Ok(time(Stage::Splice, || {
            let len = page.len() + cards.iter().map(|c| c.len()).sum::<usize>();
            let mut out = String::with_capacity(len);
            out.push_str(&page[..at]);
            for c in cards {
                out.push_str(c);
            }
            out.push_str(&page[at + CARDS_MARK.len()..]);
            out
        }))
    }

    /// The mentor directory, to render page by page.
    pub(crate) fn directory_listing<'i>(&self, index: &'i Index) -> ListingPages<'i> {
        let mut first = self.base(DIRECTORY_URL, "members");
        if let Some(intro) = self.directory_intro() {
            first.insert("page", &PageCtx::of(intro));
        }
        let mut rest = first.clone();
        first.insert("terms", &index.terms_counted);
        rest.insert("terms", &index.terms_plain);
        let template = self.directory_template();
        let slots = index.order.directory.as_slice();
        ListingPages {
            per_page: self.per_page(&template, slots.len()),
            template,
            first,
            rest,
            // The directory's count on every page: the filter script shows it.
            count_everywhere: true,
            url: DIRECTORY_URL.to_string(),
            output: PathBuf::from(DIRECTORY_OUTPUT),
            slots,
        }
    }

    /// The `mentor` of `profile.html`: the profile's fields, with
    /// `expertise` resolved to terms, and slug, url, member_id, role,
    /// bio_html, taken, paused.
    fn mentor_value(&self, m: &Mentor) -> tera::Value {
        let listing = self.listing(m);
        let mut value = tera::to_value(&m.profile).unwrap_or_default();
        if let tera::Value::Object(map) = &mut value {
            let mut put = |k: &str, v: tera::Value| {
                map.insert(k.to_string(), v);
            };
            put("slug", m.slug.clone().into());
            put("url", profile_url(&m.slug).into());
            put("member_id", m.member_id.clone().into());
            put("role", m.role.clone().into());
            put("expertise", tera::to_value(&m.terms).unwrap_or_default());
            put("bio_html", m.bio_html.clone().into());
            put("taken", listing.taken.into());
            put("paused", listing.paused.into());
        }
        value
    }

    /// A mentor's page.
    pub fn render_profile(&self, m: &Mentor) -> Result<Rendered, Diagnostic> {
        self.render_profile_in(&mut self.profile_context(), m)
    }

    /// What every profile page's context holds besides its mentor: `site`,
    /// `nav`, `area`. A full build makes it once per worker and reuses it
    /// ([`Site::render_profile_in`]) instead of copying `site` and `nav`
    /// into each of 10,000 contexts.
    pub(crate) fn profile_context(&self) -> tera::Context {
        let mut vars = tera::Map::new();
        vars.insert("site".into(), self.site_ctx.clone());
        vars.insert("nav".into(), self.nav.clone());
        vars.insert("area".into(), "members".into());
        // A map is always a context: from_value fails only on other values.
        tera::Context::from_value(tera::Value::Object(vars)).unwrap_or_default()
    }

    /// A mentor's page, rendered with `ctx` (made by
    /// [`Site::profile_context`]), whose `mentor` and `current_url` it
    /// replaces.
    pub(crate) fn render_profile_in(
        &self,
        ctx: &mut tera::Context,
        m: &Mentor,
    ) -> Result<Rendered, Diagnostic> {
        let url = profile_url(&m.slug);
        // The values moved into the context, not serialized into it a
        // second time (`Context::insert` would copy the profile again).
        let mut vars = tera::Map::new();
        vars.insert("mentor".into(), self.mentor_value(m));
        vars.insert("current_url".into(), url.into());
        let own = tera::Context::from_value(tera::Value::Object(vars))
            .map_err(|e| Diagnostic::new(profile_url(&m.slug), e.to_string()))?;
        ctx.extend(own);
        let html = self.templates.render("profile.html", ctx)?;
        Ok((profile_output(&m.slug), html))
    }

    /// The members area's layout (the theme's `base.html`) around an empty
    /// `<main>`: for pages a function renders per request outside the
    /// built site (a form shown again with its problems).
    pub fn render_members_shell(&self, url: &str) -> Result<String, Diagnostic> {
        let ctx = self.base(url, "members");
        self.templates.render("base.html", &ctx)
    }

    /// An expertise term's pages, to render page by page.
    pub(crate) fn term_listing<'i>(&self, t: &ExpertiseTerm, index: &'i Index) -> ListingPages<'i> {
        let url = term_url(&t.slug);
        let slots = index.order.term(&t.slug);
        let mut first = self.base(&url, "members");
        first.insert("terms", &index.terms_plain);
        let mut rest = first.clone();
        let term = |count: Option<usize>| TermCtx {
            slug: &t.slug,
            name: &t.name,
            description: &t.description,
            url: url.clone(),
            count,
        };
        first.insert("term", &term(Some(slots.len())));
        rest.insert("term", &term(None));
        let template = "expertise.html".to_string();
        ListingPages {
            per_page: self.per_page(&template, slots.len()),
            template,
            first,
            rest,
            count_everywhere: false,
            output: term_output(&t.slug),
            url,
            slots,
        }
    }

    /// The listed mentors of `slots`, in order.
    fn mentors_of(&self, slots: &[Slot]) -> Result<Vec<&Mentor>, Diagnostic> {
        slots
            .iter()
            .map(|s| {
                self.mentor_at(&s.place).ok_or_else(|| {
                    Diagnostic::new(profile_url(&s.slug), "listed, but no such profile")
                })
            })
            .collect()
    }

    fn render_not_found(&self) -> Result<Rendered, Diagnostic> {
        let ctx = self.base("/404.html", "public");
        let html = self.templates.render("404.html", &ctx)?;
        Ok((PathBuf::from("public/404.html"), html))
    }

    /// `members/access.json` for the profiles in effect.
    pub fn render_access(&self) -> Rendered {
        (
            PathBuf::from(ACCESS_OUTPUT),
            access_manifest(&self.mentors()),
        )
    }
}

enum Job<'a> {
    Page(&'a Page),
    Directory,
    Profile(&'a Mentor),
    Term(&'a ExpertiseTerm),
    NotFound,
}

/// Renders every page into `sink`. Returns the counts, or every error.
pub fn render(site: &Site, sink: &Sink) -> Result<Counts, Vec<Diagnostic>> {
    let program = &site.program;
    let index = Index::of(site);
    let mentors = site.mentors();

    let mut jobs: Vec<Job> =
        Vec::with_capacity(site.pages.len() + mentors.len() + program.expertise.len() + 2);
    jobs.extend(
        site.pages
            .iter()
            .filter(|p| p.kind != Kind::Directory)
            .map(Job::Page),
    );
    jobs.push(Job::Directory);
    jobs.push(Job::NotFound);
    jobs.extend(program.expertise.iter().map(Job::Term));
    jobs.extend(mentors.iter().map(|m| Job::Profile(m)));
    // Every card once, in parallel, before the pages that list them (an
    // error shows again, with its template, on the directory's job).
    mentors.par_iter().with_min_len(64).for_each(|m| {
        let _ = site.card_html(m);
    });

    // `profile`: the context of profile pages, one per worker.
    let render_one = |profile: &mut tera::Context, job: &Job| -> Result<(), Diagnostic> {
        let files = match job {
            Job::Page(p) => vec![site.render_page(p)?],
            Job::Directory => site.directory_listing(&index).render(site)?,
            Job::Profile(m) => vec![site.render_profile_in(profile, m)?],
            Job::Term(t) => site.term_listing(t, &index).render(site)?,
            Job::NotFound => vec![site.render_not_found()?],
        };
        for (output, html) in files {
            time(Stage::Write, || sink.write(&output, html.as_bytes()))
                .map_err(|e| Diagnostic::new(&output, format!("cannot write: {e}")))?;
        }
        Ok(())
    };

    // The access manifest (one sorted map of every profile) is made
    // beside the pages, not after them on one thread.
    let (mut diags, access): (Vec<Diagnostic>, Rendered) = rayon::join(
        || {
            jobs.par_iter()
                .with_min_len(16)
                .map_init(
                    || site.profile_context(),
                    |profile, job| render_one(profile, job).err(),
                )
                .flatten()
                .collect()
        },
        || site.render_access(),
    );

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
        (ACCESS_OUTPUT, access.1),
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
    // The directory's and the terms' pages after their first.
    let further_pages = site.directory_pages(index.order.directory.len()) - 1
        + program
            .expertise
            .iter()
            .map(|t| site.term_pages(index.order.term(&t.slug).len()) - 1)
            .sum::<usize>();
    Ok(Counts {
        pages,
        profiles: mentors.len(),
        terms: program.expertise.len(),
        surveys: site.surveys.len(),
        files: jobs.len() + further_pages + extras_len() + site.assets.files.len(),
    })
}
