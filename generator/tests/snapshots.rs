//! Snapshots of rendered markdown and of a rendered profile page.

mod common;
use common::Site;

#[test]
fn markdown_rendering() {
    let source = "\
# Purpose

The program pairs a mentor with a mentee.[^guide]

## Who takes part

| Role   | Term      |
|--------|-----------|
| Mentor | 10 months |
| Mentee | 10 months |

### Mentors {#for-mentors}

See [the first step](@/guide/first.md#getting-started) and *escape* <b>nothing</b>.

## Who takes part

[^guide]: From the association's mentoring guide.
";
    let resolve = |target: &str| match target {
        "@/guide/first.md#getting-started" => Ok("/guide/first/#getting-started".to_string()),
        other => Err(format!("no page {other}")),
    };
    let (rendered, errors) = generator::markdown::render(source, &resolve);
    assert!(errors.is_empty());
    insta::assert_snapshot!("markdown_html", rendered.html);
    insta::assert_snapshot!("markdown_toc", generator::markdown::toc_html(&rendered.toc));
    insta::assert_snapshot!("markdown_text", rendered.text);
}

#[test]
fn profile_page() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let html = std::fs::read_to_string(site.out().join("members/mentors/ada-lovelace/index.html"))
        .unwrap();
    insta::assert_snapshot!("profile_ada_lovelace", html);
}

#[test]
fn page_with_toc() {
    let site = Site::new("valid");
    generator::build(&site.options()).unwrap();
    let html = std::fs::read_to_string(site.out().join("public/about/index.html")).unwrap();
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    insta::assert_snapshot!("page_about_main", main);
}
