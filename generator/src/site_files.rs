//! The build's site-wide files besides pages and assets: the sitemap,
//! robots.txt, the search index (public pages only) and the members-only
//! access manifest.

use crate::markdown::{escape_attr, excerpt};
use crate::pages::Page;
use crate::profiles::Mentor;
use serde::Serialize;

pub(crate) fn sitemap(base_url: &str, public: &[&Page]) -> String {
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

pub(crate) fn robots(base_url: &str) -> String {
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
pub(crate) const fn extras_len() -> usize {
    4
}

/// `members/access.json`: which roster member each profile belongs to, so the
/// members-only gate lets a mentor see their own profile. Never served.
pub(crate) fn access_manifest(profiles: &[&Mentor]) -> String {
    let mentors: std::collections::BTreeMap<&str, &str> = profiles
        .iter()
        .filter(|p| !p.member_id.is_empty())
        .map(|p| (p.slug.as_str(), p.member_id.as_str()))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "mentors": mentors }))
        .unwrap_or_else(|_| "{\"mentors\":{}}".into())
        + "\n"
}

pub(crate) fn search_index(public: &[&Page]) -> String {
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
