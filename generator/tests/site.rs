//! Building the valid fixture: every output file, the public/members split,
//! static assets, sitemap, search index, drafts, and rebuilding over OUT.

mod common;
use common::{files, Site};
use std::path::{Path, PathBuf};

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn builds_every_page_and_profile() {
    let site = Site::new("valid");
    let summary = generator::build(&site.options()).expect("valid fixture builds");
    assert_eq!(
        (
            summary.pages,
            summary.profiles,
            summary.expertise_pages,
            summary.surveys
        ),
        (6, 2, 3, 1)
    );
    let line = summary.to_string();
    assert!(
        line.starts_with("built 6 pages, 2 profiles, 3 expertise pages, 1 surveys into "),
        "{line}"
    );
    assert!(line.ends_with(" ms"), "{line}");

    let out = site.out();
    for rel in [
        "public/index.html",
        "public/about/index.html",
        "public/guide/index.html",
        "public/guide/first/index.html",
        "public/guide/second/index.html",
        "public/404.html",
        "public/sitemap.xml",
        "public/robots.txt",
        "public/search-index.json",
        "public/css/site.css",
        "public/js/site.js",
        "public/css/extra.css",
        "members/handbook/index.html",
        "members/mentors/index.html",
        "members/mentors/ada-lovelace/index.html",
        "members/mentors/grace-hopper/index.html",
        "members/expertise/budgeting/index.html",
        "members/expertise/strategic-planning/index.html",
        "members/expertise/technology/index.html",
    ] {
        assert!(out.join(rel).is_file(), "missing {rel}");
    }
    // Survey forms are server-rendered views (with their CSRF field), not
    // built pages: surveys are checked, never written.
    assert!(!out.join("members/surveys").exists());
    // Drafts are left out unless asked for.
    assert!(!out.join("public/upcoming").exists());
    // Only public/ and members/ at the top.
    let top: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut top = top;
    top.sort();
    assert_eq!(top, ["members", "public"]);
}

#[test]
fn nothing_of_members_content_reaches_public() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let secrets = [
        "Ada Lovelace",
        "ada@lovelace.test",
        "Grace Hopper",
        "grace@hopper.test",
        "analytical services of a large library",
        "remarkable patience for moths",
        "Babbage Memorial Library",
        "M1815",
        "555-0101",
        "confidential handbook sentence",
        "Participant handbook",
        "ada-lovelace",
    ];
    let public = files(&site.out().join("public"));
    assert!(public.len() > 10);
    for (path, bytes) in &public {
        let body = String::from_utf8_lossy(bytes);
        for s in secrets {
            assert!(
                !body.contains(s),
                "public/{} contains {s:?}",
                path.display()
            );
        }
    }
    // ... while members/ has them.
    let profile = text(&site.out().join("members/mentors/ada-lovelace/index.html"));
    assert!(profile.contains("Ada Lovelace") && profile.contains("ada@lovelace.test"));
    let directory = text(&site.out().join("members/mentors/index.html"));
    assert!(directory.contains("Ada Lovelace") && directory.contains("Grace Hopper"));
    let term = text(&site.out().join("members/expertise/technology/index.html"));
    assert!(term.contains("Ada Lovelace") && term.contains("Grace Hopper"));
    let term = text(&site.out().join("members/expertise/budgeting/index.html"));
    assert!(term.contains("Ada Lovelace") && !term.contains("Grace Hopper"));
}

#[test]
fn bios_are_sanitized_and_links_resolved() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let profile = text(&site.out().join("members/mentors/ada-lovelace/index.html"));
    assert!(!profile.contains("<script>alert"), "{profile}");
    assert!(profile.contains("<strong>notes</strong>"));
    assert!(profile.contains("href=\"/members/handbook/\""));
    let home = text(&site.out().join("public/index.html"));
    assert!(home.contains("href=\"/about/\"") && home.contains("href=\"/guide/\""));
    let about = text(&site.out().join("public/about/index.html"));
    assert!(about.contains("href=\"/guide/first/#getting-started\""));
}

#[test]
fn navigation_sections_and_assets() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let out = site.out();
    let home = text(&out.join("public/index.html"));
    // Navigation: public top-level pages by weight; no members pages.
    let about = home
        .find("<a href=\"/about/\">About the program</a>")
        .expect("about in nav");
    let guide = home
        .find("<a href=\"/guide/\">Guide</a>")
        .expect("guide in nav");
    assert!(about < guide);
    assert!(home.contains("lang=\"en\""));
    assert!(home.contains("href=\"#main\"") && home.contains("<main id=\"main\""));
    // Section lists children by weight.
    let section = text(&out.join("public/guide/index.html"));
    let first = section.find("/guide/first/").unwrap();
    let second = section.find("/guide/second/").unwrap();
    assert!(first < second);
    // Fingerprinted CSS and JS, referenced from public and members pages alike.
    let css: Vec<PathBuf> = files(&out.join("public/css")).into_keys().collect();
    let hashed = css
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .find(|p| p.starts_with("site.") && p.len() == "site.12345678.css".len())
        .expect("hashed css");
    assert!(home.contains(&format!("href=\"/css/{hashed}\"")));
    let profile = text(&out.join("members/mentors/grace-hopper/index.html"));
    assert!(profile.contains(&format!("href=\"/css/{hashed}\"")));
    assert_eq!(
        text(&out.join("public/css/extra.css")),
        "body { margin: 0 }\n"
    );
}

#[test]
fn sitemap_robots_and_search_index_are_public_only() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let out = site.out();
    let sitemap = text(&out.join("public/sitemap.xml"));
    for url in ["/", "/about/", "/guide/", "/guide/first/", "/guide/second/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://mentoring.test{url}</loc>")),
            "{url}"
        );
    }
    assert!(!sitemap.contains("members"));
    assert_eq!(sitemap.matches("<loc>").count(), 5);
    let robots = text(&out.join("public/robots.txt"));
    assert!(robots.contains("Disallow: /members/"));
    assert!(robots.contains("Sitemap: https://mentoring.test/sitemap.xml"));
    let index: serde_json::Value =
        serde_json::from_str(&text(&out.join("public/search-index.json"))).unwrap();
    let entries = index.as_array().unwrap();
    assert_eq!(entries.len(), 5);
    for e in entries {
        for key in ["title", "url", "description", "text"] {
            assert!(e.get(key).is_some(), "{key} in {e}");
        }
        assert!(!e["url"].as_str().unwrap().starts_with("/members"));
    }
    let about = entries.iter().find(|e| e["url"] == "/about/").unwrap();
    assert!(about["text"]
        .as_str()
        .unwrap()
        .starts_with("Purpose The program pairs"));
}

#[test]
fn drafts_are_built_when_asked() {
    let site = Site::new("valid");
    let mut opts = site.options();
    opts.drafts = true;
    let summary = generator::build(&opts).unwrap();
    assert_eq!(summary.pages, 7);
    assert!(site.out().join("public/upcoming/index.html").is_file());
}

#[test]
fn rebuild_replaces_previous_output() {
    let site = Site::new("valid");
    site.prebuild_out();
    generator::build(&site.options()).unwrap();
    let home = text(&site.out().join("public/index.html"));
    assert!(!home.contains("MARKER"));
    // Files of the previous output that the new build does not make are gone.
    assert!(
        !site.out().join("members/mentors/index.html").exists() || {
            let b = std::fs::read(site.out().join("members/mentors/index.html")).unwrap();
            b != [0u8, 159, 146, 150]
        }
    );
    let beside: Vec<_> = std::fs::read_dir(site.dir.path()).unwrap().collect();
    assert_eq!(beside.len(), 2, "only out/ and site/ remain");
}

#[test]
fn check_validates_without_writing() {
    let site = Site::new("valid");
    let summary = generator::check(&site.root(), false).unwrap();
    assert!(summary
        .to_string()
        .starts_with("checked 6 pages, 2 profiles"));
    assert!(!site.out().exists());
    let beside: Vec<_> = std::fs::read_dir(site.dir.path()).unwrap().collect();
    assert_eq!(beside.len(), 1);
}

#[test]
fn diagnostics_display_one_per_line() {
    let d = generator::Diagnostics(vec![
        generator::Diagnostic {
            path: PathBuf::from("content/a.md"),
            line: Some(3),
            column: Some(7),
            message: "first".into(),
        },
        generator::Diagnostic::new("themes/default/templates/page.html", "second"),
    ]);
    assert_eq!(
        d.to_string(),
        "content/a.md:3:7: first\nthemes/default/templates/page.html: second\n"
    );
}

#[test]
fn access_manifest_maps_profiles_to_roster_ids_in_members_only() {
    let site = Site::new("valid");
    generator::build(&site.options()).expect("valid fixture builds");
    let out = site.out();
    let manifest: serde_json::Value =
        serde_json::from_str(&text(&out.join("members/access.json"))).unwrap();
    // grace-hopper has no member_id, so only ada-lovelace is mapped.
    assert_eq!(
        manifest,
        serde_json::json!({ "mentors": { "ada-lovelace": "M1815" } })
    );
    assert!(!out.join("public/access.json").exists());
}
