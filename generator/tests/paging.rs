//! Long listings are paged: the directory and each expertise page list at
//! most `CARDS_PER_PAGE` cards, continued on `<url>page/<n>/`, every page
//! linking to the others; publishing a change keeps the pages as a full
//! build writes them (a page gone when its listing shrinks); no profile may
//! take the slug of the directory's page folder.

mod common;
use common::{profile, publish_and_compare, published, read, Site};
use generator::render::CARDS_PER_PAGE;
use generator::{Change, Listing, StoreProfiles};
use std::path::Path;

/// `n` published profiles, "Mentor 001" ... (all in budgeting, every
/// third also in technology), besides the fixture's two YAML profiles.
fn store(n: usize) -> StoreProfiles {
    StoreProfiles {
        published: (1..=n)
            .map(|i| {
                let terms: &[&str] = if i % 3 == 0 {
                    &["budgeting", "technology"]
                } else {
                    &["budgeting"]
                };
                published(
                    &format!("mentor-{i:03}"),
                    &format!("P{i:03}"),
                    profile(&format!("Mentor {i:03}"), terms),
                )
            })
            .collect(),
        listings: Default::default(),
    }
}

/// The profile URLs of the cards of a listing page, in order.
fn card_urls(html: &str) -> Vec<String> {
    html.split("<h3 class=\"card-title\"><a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// The URLs of every page of a listing, first page at `url`.
fn pages_of(out: &Path, url: &str) -> Vec<String> {
    let mut pages = vec![url.to_string()];
    let mut n = 2;
    while out
        .join(format!(
            "{}page/{n}/index.html",
            url.trim_start_matches('/')
        ))
        .is_file()
    {
        pages.push(format!("{url}page/{n}/"));
        n += 1;
    }
    pages
}

fn rel(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

#[test]
fn the_directory_and_term_pages_are_paged_and_link_every_page() {
    let site = Site::new("valid");
    let out = tempfile::tempdir().unwrap();
    // 2 YAML profiles + 2 pages' worth and one more of store profiles.
    let n = 2 * CARDS_PER_PAGE - 1;
    site.build_with(&store(n), out.path());

    let dir = "/members/mentors/";
    let pages = pages_of(out.path(), dir);
    assert_eq!(pages.len(), 3, "{} listed mentors", n + 2);
    let mut all = Vec::new();
    for (i, url) in pages.iter().enumerate() {
        let html = read(out.path(), &rel(url));
        let cards = card_urls(&html);
        let want = if i < 2 { CARDS_PER_PAGE } else { 1 };
        assert_eq!(cards.len(), want, "cards on {url}");
        // Every page names the whole count and links every page, itself
        // marked as current.
        assert!(html.contains(&format!("{} mentors.", n + 2)), "{url}");
        for (j, other) in pages.iter().enumerate() {
            let link = format!("<a href=\"{other}\" data-page=\"{}\"", j + 1);
            assert!(html.contains(&link), "{url} links {other}");
            let current = format!("{link} aria-current=\"page\">");
            assert_eq!(html.contains(&current), i == j, "{url}: current {other}");
        }
        assert_eq!(html.contains("rel=\"prev\""), i > 0, "{url}");
        assert_eq!(html.contains("rel=\"next\""), i < 2, "{url}");
        assert_eq!(
            html.contains(&format!("(page {})", i + 1)),
            i > 0,
            "{url}: title"
        );
        // The term links work without JavaScript on every page.
        assert!(html.contains("href=\"/members/expertise/technology/\""));
        all.extend(cards);
    }
    // Together, the pages list every mentor once, in directory order (by name).
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), n + 2);
    let store_part: Vec<&String> = all
        .iter()
        .filter(|u| u.starts_with("/members/mentors/mentor-"))
        .collect();
    assert!(store_part.windows(2).all(|w| w[0] < w[1]), "by name");

    // A term with more than a page's cards is paged the same way; one with
    // fewer is a single page without page links.
    let budgeting = pages_of(out.path(), "/members/expertise/budgeting/");
    let listed: usize = budgeting
        .iter()
        .map(|u| card_urls(&read(out.path(), &rel(u))).len())
        .sum();
    assert!(listed >= n, "budgeting lists every store mentor: {listed}");
    assert_eq!(
        budgeting.len(),
        listed.div_ceil(CARDS_PER_PAGE),
        "budgeting pages"
    );
    let technology = read(out.path(), "members/expertise/technology/index.html");
    assert!(card_urls(&technology).len() < CARDS_PER_PAGE);
    assert!(!technology.contains("data-pagination"));
    assert!(!out
        .path()
        .join("members/expertise/technology/page")
        .exists());
}

#[test]
fn a_listing_template_without_paginator_lists_every_card_on_one_page() {
    let site = Site::new("valid");
    // The site's own directory template, written before pages existed.
    let own = site.root().join("templates");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("directory.html"),
        "<ul class=\"cards\" data-mentors>\n{{ cards_html | safe }}</ul>\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = 2 * CARDS_PER_PAGE - 1;
    site.build_with(&store(n), out.path());
    let html = read(out.path(), "members/mentors/index.html");
    assert_eq!(card_urls(&html).len(), n + 2);
    assert!(!out.path().join("members/mentors/page").exists());
    // The theme's expertise.html shows pages: budgeting is paged.
    assert!(out
        .path()
        .join("members/expertise/budgeting/page/2/index.html")
        .is_file());
}

#[test]
fn a_short_listing_has_no_page_links() {
    let site = Site::new("valid");
    let out = tempfile::tempdir().unwrap();
    site.build_with(&store(3), out.path());
    let html = read(out.path(), "members/mentors/index.html");
    assert_eq!(card_urls(&html).len(), 5);
    assert!(!html.contains("data-pagination"), "{html}");
    assert!(!out.path().join("members/mentors/page").exists());
}

#[test]
fn publishing_keeps_the_pages_as_a_full_build_writes_them() {
    let site = Site::new("valid");
    let live = tempfile::tempdir().unwrap();
    // 2 YAML + 199 store profiles: the directory has 3 pages, budgeting 2
    // or 3.
    let start = store(2 * CARDS_PER_PAGE - 1);
    site.build_with(&start, live.path());
    let mut loaded = site.load(&start);
    let third = live.path().join("members/mentors/page/3/index.html");
    assert!(third.is_file());

    // Paused: 200 listed, the third page goes.
    let pause = |paused| Change::Listing {
        member_id: "P003".into(),
        listing: Listing {
            paused,
            taken: false,
        },
    };
    publish_and_compare(&site, &mut loaded, live.path(), pause(true));
    assert!(!third.exists(), "the directory's third page is gone");
    // Resumed: it comes back.
    publish_and_compare(&site, &mut loaded, live.path(), pause(false));
    assert!(third.is_file());
    // Removed from the store, then published again.
    let removed = Change::Remove {
        member_id: "P150".into(),
    };
    publish_and_compare(&site, &mut loaded, live.path(), removed);
    assert!(!third.exists());
    let back = start.published[149].clone();
    publish_and_compare(&site, &mut loaded, live.path(), Change::Upsert(back));
    assert!(third.is_file());

    // A card edit that moves no card (Mentor 150's title, on the
    // directory's second page and in budgeting and technology): its
    // profile page and only the listing pages that show its card.
    let mut retitled = start.published[149].clone();
    retitled.profile.title = "Head of Branches".into();
    let mut written =
        publish_and_compare(&site, &mut loaded, live.path(), Change::Upsert(retitled));
    written.sort();
    assert_eq!(
        written,
        [
            "members/expertise/budgeting/page/2/index.html",
            "members/expertise/technology/index.html",
            "members/mentors/mentor-150/index.html",
            "members/mentors/page/2/index.html",
        ]
    );

    // A new name moves the card from the directory's second page to the
    // front: the pages between shift, the third does not.
    let mut renamed = start.published[149].clone();
    renamed.profile.name = "Aaron Aardvark".into();
    let mut written = publish_and_compare(&site, &mut loaded, live.path(), Change::Upsert(renamed));
    written.sort();
    assert_eq!(
        written,
        [
            "members/expertise/budgeting/index.html",
            "members/expertise/budgeting/page/2/index.html",
            "members/expertise/technology/index.html",
            "members/mentors/index.html",
            "members/mentors/mentor-150/index.html",
            "members/mentors/page/2/index.html",
        ]
    );
}

#[test]
fn an_expertise_change_rewrites_only_the_pages_it_shifts_and_the_counts() {
    let site = Site::new("valid");
    let live = tempfile::tempdir().unwrap();
    // 2 YAML + 350 store profiles: the directory (352) and budgeting (351:
    // Ada and every store mentor) have 4 pages each.
    let start = store(3 * CARDS_PER_PAGE + 50);
    site.build_with(&start, live.path());
    let mut loaded = site.load(&start);

    // Counts only where they change one page: every term's on the
    // directory's first page, a term's own on its first page.
    let page = |rel: &str| read(live.path(), rel);
    assert!(page("members/mentors/index.html").contains("<span class=\"count\">(351)</span>"));
    let dir2 = page("members/mentors/page/2/index.html");
    assert!(!dir2.contains("class=\"count\""), "{dir2}");
    assert!(
        dir2.contains("href=\"/members/expertise/budgeting/\""),
        "term links"
    );
    assert!(dir2.contains("data-total=\"352\""), "the filter's total");
    let budgeting = page("members/expertise/budgeting/index.html");
    assert!(budgeting.contains("351 mentors have this expertise."));
    assert!(budgeting.contains("mentors 1 to 100 of 351."));
    assert!(
        !budgeting.contains("class=\"count\""),
        "other terms: no counts"
    );
    let budgeting2 = page("members/expertise/budgeting/page/2/index.html");
    assert!(!budgeting2.contains("mentors have this expertise"));
    assert!(budgeting2.contains("Page 2 of 4: mentors 101 to 200."));

    // Mentor 250 (budgeting only; the directory's and budgeting's third
    // page) swaps budgeting for strategic-planning: her page, the
    // directory's page with her card and its first (the counts), budgeting
    // from her position on and its first page (its count),
    // strategic-planning's one page. Not the pages before her, nor
    // technology.
    let mut swapped = start.published[249].clone();
    swapped.profile.expertise = vec!["strategic-planning".into()];
    let mut written = publish_and_compare(&site, &mut loaded, live.path(), Change::Upsert(swapped));
    written.sort();
    let want = |v: &[&str]| -> Vec<String> { v.iter().map(|p| p.to_string()).collect() };
    let swap_pages = want(&[
        "members/expertise/budgeting/index.html",
        "members/expertise/budgeting/page/3/index.html",
        "members/expertise/budgeting/page/4/index.html",
        "members/expertise/strategic-planning/index.html",
        "members/mentors/index.html",
        "members/mentors/mentor-250/index.html",
        "members/mentors/page/3/index.html",
    ]);
    assert_eq!(written, swap_pages);
    // And back: she joins budgeting again, the same pages.
    let mut written = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(start.published[249].clone()),
    );
    written.sort();
    assert_eq!(written, swap_pages);

    // A term added (technology: 118 mentors, her card on the first of its
    // two pages, so both shift) and one kept: technology's pages, the
    // directory's two, her page, and the one budgeting page that shows her
    // card (it names her terms); budgeting's count is the same.
    let mut added = start.published[249].clone();
    added.profile.expertise = vec!["budgeting".into(), "technology".into()];
    let mut written = publish_and_compare(&site, &mut loaded, live.path(), Change::Upsert(added));
    written.sort();
    assert_eq!(
        written,
        want(&[
            "members/expertise/budgeting/page/3/index.html",
            "members/expertise/technology/index.html",
            "members/expertise/technology/page/2/index.html",
            "members/mentors/index.html",
            "members/mentors/mentor-250/index.html",
            "members/mentors/page/3/index.html",
        ])
    );
}

#[test]
fn no_profile_takes_the_slug_of_the_directorys_page_folder() {
    let site = Site::new("valid");
    let mut loaded = site.load(&StoreProfiles::default());
    let page = published("page", "P900", profile("Paige Turner", &["budgeting"]));
    let err = loaded
        .publish(Change::Upsert(page))
        .expect_err("the slug is taken");
    assert!(
        err.to_string().contains(
            "duplicate slug: published profile of P900 and the mentor directory's further pages both map to /members/mentors/page/"
        ),
        "{err}"
    );

    std::fs::copy(
        site.root().join("content/mentors/ada-lovelace.yaml"),
        site.root().join("content/mentors/page.yaml"),
    )
    .unwrap();
    let err = generator::check(&site.root(), false).expect_err("a YAML profile named page");
    assert!(
        err.to_string()
            .contains("duplicate slug: content/mentors/page.yaml and the mentor directory's further pages both map to /members/mentors/page/"),
        "{err}"
    );
}
