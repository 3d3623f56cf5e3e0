//! Profiles from both sources (YAML in git, published store profiles), the
//! rule when both exist for one member, listing states, errors with
//! `file:line:column`, and the incremental publish API: every publication is
//! byte-identical to a full build of the new state, and touches only what it
//! must.

mod common;
use common::{profile, publish_and_compare, published, read, Site};
use generator::{Change, Listing, StoreProfiles};
use std::path::{Path, PathBuf};

#[test]
fn a_published_store_profile_gets_its_page_directory_card_and_term_pages() {
    let site = Site::new("valid");
    let store = StoreProfiles {
        published: vec![published(
            "nell-example",
            "M2001",
            profile("Nell Example", &["budgeting"]),
        )],
        ..Default::default()
    };
    let summary = site.build_with(&store, &site.out());
    assert_eq!(summary.profiles, 3);
    let out = site.out();
    let page = read(&out, "members/mentors/nell-example/index.html");
    assert!(page.contains("<h1>Nell Example</h1>"));
    assert!(page.contains("runs a <strong>busy</strong> branch"));
    assert!(
        page.contains("href=\"/members/handbook/\""),
        "bio links resolve"
    );
    assert!(page.contains("Librarian</strong>, Example City Library"));
    assert!(page.contains("(1999–2004)"));
    assert!(page.contains("href=\"/members/requests/new/?mentor=M2001\""));
    let directory = read(&out, "members/mentors/index.html");
    assert!(directory.contains("href=\"/members/mentors/nell-example/\""));
    let budgeting = read(&out, "members/expertise/budgeting/index.html");
    assert!(budgeting.contains("href=\"/members/mentors/nell-example/\""));
    let technology = read(&out, "members/expertise/technology/index.html");
    assert!(!technology.contains("nell-example"));
    let access = read(&out, "members/access.json");
    assert!(access.contains("\"nell-example\": \"M2001\""), "{access}");
}

#[test]
fn the_store_profile_wins_over_the_yaml_profile_of_the_same_member() {
    let site = Site::new("valid");
    // Ada (M1815) is in YAML as ada-lovelace; her published profile has its
    // own slug and text.
    let store = StoreProfiles {
        published: vec![published(
            "ada-byron",
            "M1815",
            profile("Ada Byron", &["strategic-planning"]),
        )],
        ..Default::default()
    };
    let summary = site.build_with(&store, &site.out());
    assert_eq!(summary.profiles, 2, "one profile per member");
    let out = site.out();
    assert!(!out.join("members/mentors/ada-lovelace").exists());
    let page = read(&out, "members/mentors/ada-byron/index.html");
    assert!(page.contains("<h1>Ada Byron</h1>"));
    let directory = read(&out, "members/mentors/index.html");
    assert!(directory.contains("Ada Byron"));
    assert!(!directory.contains("Ada Lovelace"));
    let budgeting = read(&out, "members/expertise/budgeting/index.html");
    assert!(
        !budgeting.contains("Ada"),
        "the YAML terms are gone with it"
    );
    let access = read(&out, "members/access.json");
    assert!(access.contains("\"ada-byron\": \"M1815\""));
    assert!(!access.contains("ada-lovelace"));
}

#[test]
fn a_yaml_profile_without_member_id_is_listed_cannot_be_asked_and_check_warns() {
    let site = Site::new("valid");
    let summary = site.build_with(&StoreProfiles::default(), &site.out());
    let grace = read(&site.out(), "members/mentors/grace-hopper/index.html");
    assert!(!grace.contains("/members/requests/new/"), "no Ask link");
    assert!(read(&site.out(), "members/mentors/index.html").contains("Grace Hopper"));
    let warnings: Vec<String> = summary.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        ["content/mentors/grace-hopper.yaml:1:1: warning: no member_id: the profile is listed, but mentees cannot ask this mentor"]
    );
    let checked = generator::check(&site.root(), false).unwrap();
    assert_eq!(checked.warnings, summary.warnings);
}

#[test]
fn taken_and_paused_mentors() {
    let site = Site::new("valid");
    let mut store = StoreProfiles {
        published: vec![published(
            "nell-example",
            "M2001",
            profile("Nell Example", &["budgeting"]),
        )],
        ..Default::default()
    };
    store.listings.insert(
        "M1815".into(),
        Listing {
            taken: true,
            paused: false,
        },
    );
    store.listings.insert(
        "M2001".into(),
        Listing {
            taken: false,
            paused: true,
        },
    );
    site.build_with(&store, &site.out());
    let out = site.out();
    let ada = read(&out, "members/mentors/ada-lovelace/index.html");
    assert!(ada.contains("Ada Lovelace already has a mentee this cohort."));
    assert!(!ada.contains("/members/requests/new/"));
    let directory = read(&out, "members/mentors/index.html");
    assert!(
        directory.contains("Ada Lovelace"),
        "a taken mentor stays listed"
    );
    assert!(
        !directory.contains("Nell Example"),
        "a paused mentor is not listed"
    );
    assert!(!read(&out, "members/expertise/budgeting/index.html").contains("Nell Example"));
    let nell = read(&out, "members/mentors/nell-example/index.html");
    assert!(nell.contains("Nell Example is not taking a mentee this cohort."));
    assert!(!nell.contains("/members/requests/new/"));
}

#[test]
fn bad_store_profiles_name_the_member_and_the_field() {
    let site = Site::new("valid");
    let mut bad = profile("Nell Example", &["knitting"]);
    bad.career[0].from = "2999".into();
    bad.photo = "javascript:alert(1)".into();
    let store = StoreProfiles {
        published: vec![
            published("nell-example", "M2001", bad),
            published("grace-hopper", "M2002", profile("Other", &["budgeting"])),
            published("about", "M2003", profile("Third", &["budgeting"])),
        ],
        ..Default::default()
    };
    let opts = generator::BuildOptions {
        store,
        ..generator::BuildOptions::new(site.root(), site.out())
    };
    let err = generator::build(&opts).unwrap_err().to_string();
    for want in [
        "published profile of M2001: career[0].from: From 2999 is in the future",
        "published profile of M2001: expertise[0]: Unknown expertise term \"knitting\"",
        "published profile of M2001: photo: Photo must be an http:// or https:// address",
        "published profile of M2002: duplicate slug: published profile of M2002 and content/mentors/grace-hopper.yaml both map to /members/mentors/grace-hopper/",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    assert!(!site.out().exists(), "nothing was written");
}

#[test]
fn yaml_profile_errors_point_into_the_file() {
    let site = Site::new("valid");
    let dir = site.root().join("content/mentors");
    std::fs::write(
        dir.join("ned.yaml"),
        r#"name: Ned Example
member_id: M77
title: Librarian
institution: Example
member_since: 2001
expertise: [budgeting, budgeting]
career:
  - title: Clerk
    organisation: Typo
  - title: Page
    organization: X
    from: 2005
    to: 2001
education:
  - degree: BA
    institution: Y
    year: 2999
bio: Fine.
contact:
  email: ned@example
  website: javascript:x
"#,
    )
    .unwrap();
    let err = generator::check(&site.root(), false)
        .unwrap_err()
        .to_string();
    // The unknown key stops the file's checks at that key.
    assert_eq!(
        err,
        "content/mentors/ned.yaml:9:5: unknown field \"organisation\" (field career[0].organisation), expected one of `title`, `organization`, `from`, `to`\n"
    );
    let text = std::fs::read_to_string(dir.join("ned.yaml"))
        .unwrap()
        .replace("organisation", "organization");
    std::fs::write(dir.join("ned.yaml"), text).unwrap();
    let err = generator::check(&site.root(), false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "content/mentors/ned.yaml:6:24: Expertise term \"budgeting\" is listed twice (field expertise[1])\n\
content/mentors/ned.yaml:12:5: From 2005 is after to 2001 (field career[1].from)\n\
content/mentors/ned.yaml:17:5: Year 2999 is in the future (field education[0].year)\n\
content/mentors/ned.yaml:20:3: \"ned@example\" is not an email address (field contact.email)\n\
content/mentors/ned.yaml:21:3: Website must be an http:// or https:// address, or a path on this site starting with / (field contact.website)\n"
    );
}

#[test]
fn a_missing_field_is_reported_and_the_rest_still_checked() {
    let site = Site::new("valid");
    std::fs::write(
        site.root().join("content/mentors/ned.yaml"),
        r#"name: Ned Example
title: Librarian
member_since: 2001
expertise: [knitting]
career:
  - title: Clerk
bio: Fine.
contact:
  phone: "555"
"#,
    )
    .unwrap();
    let err = generator::check(&site.root(), false)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "content/mentors/ned.yaml:1:1: missing required field \"institution\"\n\
content/mentors/ned.yaml:4:13: Unknown expertise term \"knitting\": not one of the program's terms (field expertise[0])\n\
content/mentors/ned.yaml:6:3: missing required field \"organization\" (in career[0])\n\
content/mentors/ned.yaml:8:1: missing required field \"email\" (in contact)\n"
    );
}

#[test]
fn each_publication_equals_a_full_build_and_touches_only_its_pages() {
    let site = Site::new("valid");
    let live = tempfile::tempdir().unwrap();
    site.build_with(&StoreProfiles::default(), live.path());
    let mut loaded = site.load(&StoreProfiles::default());
    fn with(v: Vec<&str>, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = v
            .into_iter()
            .chain(extra.iter().copied())
            .map(String::from)
            .collect();
        v.sort();
        v
    }

    // The committee approves a new mentor: page, directory (with the terms'
    // counts), her term's page, access.json; not the other terms' pages,
    // which show no count but their own.
    let nell = published(
        "nell-example",
        "M2001",
        profile("Nell Example", &["budgeting"]),
    );
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(nell.clone()),
    );
    assert_eq!(
        touched,
        with(
            vec![
                "members/access.json",
                "members/mentors/index.html",
                "members/mentors/nell-example/index.html"
            ],
            &["members/expertise/budgeting/index.html"]
        )
    );

    // She edits her bio: her page, and the directory and her term's page,
    // whose cards show the bio's opening.
    let mut edited = nell.clone();
    let opening = "A new bio, written by Nell. ".repeat(8);
    edited.profile.bio = format!("{opening}\n\nThe end.");
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(edited.clone()),
    );
    assert_eq!(
        touched,
        [
            "members/expertise/budgeting/index.html",
            "members/mentors/index.html",
            "members/mentors/nell-example/index.html"
        ]
    );
    assert!(read(live.path(), "members/mentors/nell-example/index.html").contains("The end."));
    let directory = read(live.path(), "members/mentors/index.html");
    assert!(
        directory.contains("<p class=\"card-bio\">A new bio, written by Nell. A new bio"),
        "{directory}"
    );
    assert!(
        !directory.contains("The end."),
        "the card shows the opening only"
    );

    // An edit past the card's opening: only her page.
    edited.profile.bio = format!("{opening}\n\nThe very end.");
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(edited.clone()),
    );
    assert_eq!(touched, ["members/mentors/nell-example/index.html"]);

    // She changes her title: her page, the directory and her term's page.
    edited.profile.title = "Deputy Director".into();
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(edited.clone()),
    );
    assert_eq!(
        touched,
        [
            "members/expertise/budgeting/index.html",
            "members/mentors/index.html",
            "members/mentors/nell-example/index.html"
        ]
    );

    // She swaps a term: her page, the directory (her card, the counts),
    // the old and the new term's page.
    edited.profile.expertise = vec!["technology".into()];
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Upsert(edited.clone()),
    );
    assert_eq!(
        touched,
        with(
            vec![
                "members/mentors/index.html",
                "members/mentors/nell-example/index.html"
            ],
            &[
                "members/expertise/budgeting/index.html",
                "members/expertise/technology/index.html"
            ]
        )
    );

    // She pauses: out of the directory and the term pages.
    let paused = Listing {
        taken: false,
        paused: true,
    };
    publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Listing {
            member_id: "M2001".into(),
            listing: paused,
        },
    );
    assert!(!read(live.path(), "members/mentors/index.html").contains("Nell Example"));
    // A YAML mentor gets a mentee: only the page changes.
    let touched = publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Listing {
            member_id: "M1815".into(),
            listing: Listing {
                taken: true,
                paused: false,
            },
        },
    );
    assert_eq!(touched, ["members/mentors/ada-lovelace/index.html"]);
    // Ada publishes a store profile under another slug: the YAML page goes.
    let ada = published("ada-byron", "M1815", profile("Ada Byron", &["budgeting"]));
    let publication = loaded.publish(Change::Upsert(ada)).unwrap();
    assert_eq!(
        publication.removed,
        [PathBuf::from("members/mentors/ada-lovelace/index.html")]
    );
    publication.write_to(live.path()).unwrap();
    // Resume Nell, then remove Ada's store profile: the YAML one is back.
    publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Listing {
            member_id: "M2001".into(),
            listing: Listing::default(),
        },
    );
    publish_and_compare(
        &site,
        &mut loaded,
        live.path(),
        Change::Remove {
            member_id: "M1815".into(),
        },
    );
    assert!(live
        .path()
        .join("members/mentors/ada-lovelace/index.html")
        .is_file());
    assert!(!live.path().join("members/mentors/ada-byron").exists());
}

#[test]
fn a_refused_publication_changes_nothing() {
    let site = Site::new("valid");
    let mut loaded = site.load(&StoreProfiles::default());
    let before = loaded.store_profiles();
    let mut bad = profile("Nell Example", &["budgeting"]);
    bad.contact.email = "nobody".into();
    let err = loaded
        .publish(Change::Upsert(published("nell-example", "M2001", bad)))
        .unwrap_err();
    assert!(err.to_string().contains("contact.email"), "{err}");
    // A slug a page owns.
    let err = loaded
        .publish(Change::Upsert(published(
            "grace-hopper",
            "M2001",
            profile("Nell Example", &["budgeting"]),
        )))
        .unwrap_err();
    assert!(err.to_string().contains("duplicate slug"), "{err}");
    assert_eq!(loaded.store_profiles(), before);
    assert!(loaded.mentor("M2001").is_none());
}

#[test]
fn the_preview_is_the_page_publishing_would_write() {
    let site = Site::new("valid");
    let mut loaded = site.load(&StoreProfiles::default());
    let nell = published(
        "nell-example",
        "M2001",
        profile("Nell Example", &["budgeting"]),
    );
    let preview = loaded.preview(&nell).unwrap();
    let publication = loaded.publish(Change::Upsert(nell)).unwrap();
    let page = publication
        .files
        .iter()
        .find(|(p, _)| p == Path::new("members/mentors/nell-example/index.html"))
        .unwrap();
    assert_eq!(preview.as_bytes(), page.1.as_slice());
}
