//! A loaded site: everything parsed and checked once (program, pages,
//! templates, assets, YAML profiles) plus the store's profiles, ready to
//! render whole ([`crate::render::render`]) or a change at a time
//! ([`Site::publish`](crate::publish)).

use crate::assets::Assets;
use crate::diagnostics::{key_pos, Diagnostic, Diagnostics, Pos};
use crate::frontmatter::Access;
use crate::order::Order;
use crate::pages::{self, Kind, LinkMap, Page};
use crate::profiles::{self, Listing, Mentor, Published, StoreProfiles};
use crate::render::{DIRECTORY_URL, PAGES_SEGMENT};
use crate::templates::{self, Templates};
use crate::{data, load, phase};
use chrono::NaiveDate;
use mentoring::program::Program;
use mentoring::survey::Survey;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

/// Everything the templates see; checked and ready.
pub struct Site {
    pub program: Program,
    pub pages: Vec<Page>,
    pub surveys: Vec<Survey>,
    pub templates: Templates,
    pub assets: Assets,
    /// The day profiles are checked against (years not in the future).
    pub today: NaiveDate,
    /// Things worth fixing that do not stop a build (a YAML profile without
    /// member id).
    pub warnings: Vec<Diagnostic>,
    /// The YAML profiles, in file order.
    pub(crate) yaml: Vec<Mentor>,
    /// Index into `yaml` by member id.
    pub(crate) yaml_by_member: HashMap<String, usize>,
    /// The store's published profiles by member id: as given, and compiled.
    pub(crate) store: BTreeMap<String, (Published, Mentor)>,
    /// Listing states by member id.
    pub(crate) listings: BTreeMap<String, Listing>,
    /// Where `@/` links of bios may point.
    pub(crate) links: LinkMap,
    /// URL -> who owns it, for pages and expertise terms (profiles are
    /// checked against these and against each other).
    pub(crate) owners: HashMap<String, String>,
    /// `site` and `nav` of every template, computed once.
    pub(crate) site_ctx: tera::Value,
    pub(crate) nav: tera::Value,
    /// The listings' order, kept up to date by each change of a profile
    /// or a listing state; `None` once dropped (see [`crate::order`]).
    pub(crate) order: Option<Order>,
}

impl Site {
    /// Loads, parses and checks everything under `root`, with the store's
    /// profiles; every error at once.
    pub fn load(
        root: &Path,
        drafts: bool,
        today: NaiveDate,
        store: &StoreProfiles,
    ) -> Result<Site, Diagnostics> {
        let mut site = prepare(root, drafts, today)?;
        site.set_store(store)?;
        site.keep_order();
        Ok(site)
    }

    /// The profile in effect for `member_id` (the store's, else the YAML one).
    pub fn mentor(&self, member_id: &str) -> Option<&Mentor> {
        if member_id.is_empty() {
            return None;
        }
        self.store
            .get(member_id)
            .map(|(_, m)| m)
            .or_else(|| self.yaml_by_member.get(member_id).map(|&i| &self.yaml[i]))
    }

    /// Every profile in effect (each gets a page), by slug: the store's, and
    /// the YAML ones the store does not replace.
    pub fn mentors(&self) -> Vec<&Mentor> {
        let mut all: Vec<&Mentor> = self.store.values().map(|(_, m)| m).collect();
        all.extend(
            self.yaml
                .iter()
                .filter(|m| m.member_id.is_empty() || !self.store.contains_key(&m.member_id)),
        );
        all.sort_by(|a, b| a.slug.cmp(&b.slug));
        all
    }

    /// The listing state of a profile (default for one without member id).
    pub fn listing(&self, m: &Mentor) -> Listing {
        self.listings.get(&m.member_id).copied().unwrap_or_default()
    }

    /// The profiles listed in the directory (not paused), in directory order:
    /// by name, then slug.
    pub fn listed(&self) -> Vec<&Mentor> {
        self.order()
            .directory
            .iter()
            .filter_map(|s| self.mentor_at(&s.place))
            .collect()
    }

    /// The store's published profiles and listings as given.
    pub fn store_profiles(&self) -> StoreProfiles {
        StoreProfiles {
            published: self.store.values().map(|(p, _)| p.clone()).collect(),
            listings: self.listings.clone(),
        }
    }

    /// Compiles one published profile against this site (validation, bio
    /// links), without changing anything.
    pub fn compile(&self, published: &Published) -> Result<Mentor, Diagnostics> {
        profiles::from_store(published, &self.program, self.today, &|t| {
            self.links.resolve(t)
        })
        .map_err(crate::finish)
    }

    /// Why `published` can't take its slug, if something else owns it once
    /// `published` is in the store: a page, a YAML profile it does not
    /// replace, or (with `check_store`) another published profile.
    pub(crate) fn slug_conflict(
        &self,
        published: &Published,
        check_store: bool,
    ) -> Option<Diagnostic> {
        let url = profiles::profile_url(&published.slug);
        let shown = format!("published profile of {}", published.member_id);
        let clash = |other: String| {
            Diagnostic::new(
                &shown,
                format!("duplicate slug: {shown} and {other} both map to {url}"),
            )
        };
        if let Some(owner) = self.owners.get(&url) {
            return Some(clash(owner.clone()));
        }
        if check_store {
            if let Some((other, _)) = self
                .store
                .iter()
                .find(|(id, (p, _))| **id != published.member_id && p.slug == published.slug)
            {
                return Some(clash(format!("the published profile of {other}")));
            }
        }
        let shadowed =
            |id: &str| !id.is_empty() && (id == published.member_id || self.store.contains_key(id));
        self.yaml
            .iter()
            .find(|m| m.slug == published.slug && !shadowed(&m.member_id))
            .map(|m| match &m.source {
                profiles::Source::Yaml(p) => clash(p.to_string_lossy().replace('\\', "/")),
                profiles::Source::Store => clash(m.slug.clone()),
            })
    }

    /// Replaces the store's profiles and listings. Profiles equal to the ones
    /// already compiled are kept as they are (a refresh costs only what
    /// changed). On any error nothing changes.
    pub fn set_store(&mut self, store: &StoreProfiles) -> Result<(), Diagnostics> {
        let mut next: BTreeMap<String, (Published, Mentor)> = BTreeMap::new();
        let mut diags = Diagnostics::new();
        let mut fresh: Vec<&Published> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        // Profiles as compiled before are moved over, not copied (a refresh
        // of 10,000 unchanged profiles costs comparing them); `kept` says
        // which, to move them back if the new state is refused.
        let mut old = std::mem::take(&mut self.store);
        let mut kept: Vec<String> = Vec::new();
        for p in &store.published {
            if !seen.insert(p.member_id.as_str()) {
                diags.push(Diagnostic::new(
                    format!("published profile of {}", p.member_id),
                    "published twice: one profile per member",
                ));
                continue;
            }
            match old.get(&p.member_id) {
                Some((was, _)) if was == p => {
                    if let Some(entry) = old.remove(&p.member_id) {
                        next.insert(p.member_id.clone(), entry);
                        kept.push(p.member_id.clone());
                    }
                }
                _ => fresh.push(p),
            }
        }
        let compiled: Vec<_> = fresh.par_iter().map(|p| (p, self.compile(p))).collect();
        for (p, c) in compiled {
            match c {
                Ok(m) => {
                    next.insert(p.member_id.clone(), ((*p).clone(), m));
                }
                Err(d) => diags.extend(d.0),
            }
        }
        self.store = next;
        let restore = |site: &mut Site, mut old: BTreeMap<String, (Published, Mentor)>| {
            let mut next = std::mem::take(&mut site.store);
            for id in &kept {
                if let Some(entry) = next.remove(id) {
                    old.insert(id.clone(), entry);
                }
            }
            site.store = old;
        };
        let mut slugs: HashMap<&str, &str> = HashMap::new();
        for (p, _) in self.store.values() {
            if let Some(first) = slugs.insert(&p.slug, &p.member_id) {
                diags.push(Diagnostic::new(
                    format!("published profile of {}", p.member_id),
                    format!(
                        "duplicate slug: the published profiles of {first} and {} both map to {}",
                        p.member_id,
                        profiles::profile_url(&p.slug)
                    ),
                ));
            }
        }
        for (p, _) in self.store.values() {
            diags.extend(self.slug_conflict(p, false));
        }
        if !diags.is_empty() {
            restore(self, old);
            diags.normalize();
            return Err(diags);
        }
        // Profiles came, went or changed, or listing states did: the
        // listings' order is computed again when next needed.
        if !fresh.is_empty() || !old.is_empty() || self.listings != store.listings {
            self.order = None;
        }
        self.listings = store.listings.clone();
        Ok(())
    }
}

/// The warning about a YAML profile without member id.
pub(crate) fn no_member_id_warning(path: &Path) -> Diagnostic {
    Diagnostic::at(
        path,
        Some(Pos { line: 1, column: 1 }),
        "warning: no member_id: the profile is listed, but mentees cannot ask this mentor",
    )
}

/// Loads, parses and checks everything but the store's profiles.
fn prepare(root: &Path, drafts: bool, today: NaiveDate) -> Result<Site, Diagnostics> {
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
    for (file, s) in sources.surveys.iter().zip(surveys) {
        match s {
            Ok(s) => {
                if let Some(p) = &program {
                    diags.extend(data::survey_windows(file, p, &s));
                }
                ok_surveys.push(s)
            }
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
    owners.insert(
        format!("{DIRECTORY_URL}{PAGES_SEGMENT}/"),
        "the mentor directory's further pages".into(),
    );
    if let Some(program) = &program {
        for t in &program.expertise {
            owners.insert(
                profiles::term_url(&t.slug),
                format!("the expertise page \"{}\"", t.slug),
            );
        }
    }
    let claim = |owners: &mut HashMap<String, String>,
                 url: &str,
                 source: &Path,
                 diags: &mut Diagnostics|
     -> bool {
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
        if claim(&mut owners, &p.url, &p.source, &mut diags) {
            links.urls.insert(p.content_path.clone(), p.url.clone());
        }
    }
    // Profile URLs are claimed in a copy: the site keeps only pages and
    // terms as owners, profiles are checked against each other.
    let mut with_profiles = owners.clone();
    for f in &sources.profiles {
        let url = profiles::profile_url(f.stem());
        if claim(&mut with_profiles, &url, &f.rel, &mut diags) {
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

    let mut yaml = Vec::with_capacity(sources.profiles.len());
    let mut warnings = Vec::new();
    if let Some(program) = &program {
        let parsed: Vec<_> = sources
            .profiles
            .par_iter()
            .map(|f| profiles::parse(f, program, today, &|t| links.resolve(t)))
            .collect();
        for p in parsed {
            match p {
                Ok(p) => yaml.push(p),
                Err(d) => diags.extend(d),
            }
        }
    }
    let mut yaml_by_member = HashMap::new();
    for (i, m) in yaml.iter().enumerate() {
        if m.member_id.is_empty() {
            if let profiles::Source::Yaml(path) = &m.source {
                warnings.push(no_member_id_warning(path));
            }
        } else if let Some(&first) = yaml_by_member.get(&m.member_id) {
            let first: &Mentor = &yaml[first];
            if let (profiles::Source::Yaml(path), profiles::Source::Yaml(other)) =
                (&m.source, &first.source)
            {
                let text = sources.profiles.iter().find(|f| &f.rel == path);
                diags.push(Diagnostic::at(
                    path,
                    text.and_then(|f| key_pos(&f.text, "member_id")),
                    format!(
                        "member_id \"{}\" is also the member id of {}: one profile per member",
                        m.member_id,
                        other.to_string_lossy().replace('\\', "/")
                    ),
                ));
            }
        } else {
            yaml_by_member.insert(m.member_id.clone(), i);
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
        match crate::assets::collect(root, &[theme_dir.join("static"), root.join("static")]) {
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
    warnings.sort();
    let site_ctx = crate::render::site_value(&program);
    let nav = tera::to_value(pages::navigation(&page_list)).unwrap_or_default();
    Ok(Site {
        program,
        pages: page_list,
        surveys: ok_surveys,
        templates,
        assets,
        today,
        warnings,
        yaml,
        yaml_by_member,
        store: BTreeMap::new(),
        listings: BTreeMap::new(),
        links,
        owners,
        site_ctx,
        nav,
        order: None,
    })
}
