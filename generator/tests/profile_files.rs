//! Curated profile files edited, added and deleted under a loaded site
//! (`duos serve`'s incremental rebuild): after each update the output folder,
//! with the update's files written and deleted, is byte-identical to a fresh
//! full build of the files as they are now, and the update wrote only the
//! pages the change touches. Changes that reach further are refused for a
//! full build; files with errors are refused with their `path:line:column`,
//! leaving the site as it was.

mod common;
use common::{assert_same_files, files, Site};
use generator::profile_files::is_profile_file;
use generator::{Publication, Refused};
use std::path::{Path, PathBuf};

const ADA: &str = "content/mentors/ada-lovelace.yaml";
const DIRECTORY: &str = "members/mentors/index.html";

/// A site, its output as `duos serve` keeps it, and the loaded site.
struct Live {
    site: Site,
    out: tempfile::TempDir,
    loaded: generator::Site,
}

impl Live {
    fn new() -> Live {
        let site = Site::new("valid");
        let out = tempfile::tempdir().unwrap();
        let opts = generator::BuildOptions::new(site.root(), out.path().join("site"));
        let (_, loaded) = generator::build_and_keep(&opts).unwrap_or_else(|d| panic!("{d}"));
        Live { site, out, loaded }
    }

    fn live_out(&self) -> PathBuf {
        self.out.path().join("site")
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.site.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.root().join(rel)).unwrap()
    }

    fn update(&mut self, rels: &[&str]) -> Result<Publication, Refused> {
        let rels: Vec<PathBuf> = rels.iter().map(PathBuf::from).collect();
        self.loaded.update_profile_files(&self.site.root(), &rels)
    }

    /// Updates, writes the publication into the live output, compares the
    /// whole output with a fresh full build; returns the paths written and
    /// deleted.
    fn update_and_compare(&mut self, rels: &[&str]) -> (Vec<String>, Vec<String>) {
        let publication = self.update(rels).unwrap_or_else(|e| panic!("{e}"));
        publication.write_to(&self.live_out()).unwrap();
        self.assert_equals_full_build();
        let names = |v: Vec<&PathBuf>| -> Vec<String> {
            v.into_iter()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .collect()
        };
        (
            names(publication.files.iter().map(|(p, _)| p).collect()),
            names(publication.removed.iter().collect()),
        )
    }

    fn assert_equals_full_build(&self) {
        let fresh = tempfile::tempdir().unwrap();
        let full = fresh.path().join("site");
        self.site.build_with(&Default::default(), &full);
        assert_same_files(&files(&self.live_out()), &files(&full));
    }
}

fn sorted(mut v: Vec<&str>) -> Vec<String> {
    v.sort_unstable();
    v.into_iter().map(str::to_owned).collect()
}

#[test]
fn edits_additions_and_deletions_equal_a_full_build_and_touch_only_their_pages() {
    let mut live = Live::new();
    let ada = live.read(ADA);

    // A bio edit past the card's opening: the profile page only.
    live.write(
        ADA,
        &ada.replace(
            "availability: Monthly calls.",
            "availability: Monthly calls, or by letter.",
        ),
    );
    let (written, removed) = live.update_and_compare(&[ADA]);
    assert_eq!(written, ["members/mentors/ada-lovelace/index.html"]);
    assert!(removed.is_empty());

    // A card edit (title): the page, the directory, her two term pages.
    let retitled = live.read(ADA).replace(
        "title: Director of Analytical Services",
        "title: Head of Analytical Engines",
    );
    live.write(ADA, &retitled);
    let (written, _) = live.update_and_compare(&[ADA]);
    assert_eq!(
        written,
        sorted(vec![
            DIRECTORY,
            "members/expertise/budgeting/index.html",
            "members/expertise/technology/index.html",
            "members/mentors/ada-lovelace/index.html",
        ])
    );

    // An expertise change: the directory (her card, and the terms'
    // counts), the old and new terms' pages and budgeting's, which she
    // keeps (her card names her terms). With more mentors, only the pages
    // her card is on or shifts (tests/paging.rs).
    let moved = live
        .read(ADA)
        .replace("  - technology\n", "  - strategic-planning\n");
    live.write(ADA, &moved);
    let (written, _) = live.update_and_compare(&[ADA]);
    assert_eq!(
        written,
        sorted(vec![
            DIRECTORY,
            "members/expertise/budgeting/index.html",
            "members/expertise/strategic-planning/index.html",
            "members/expertise/technology/index.html",
            "members/mentors/ada-lovelace/index.html",
        ])
    );

    // A new profile: its page, the directory, the terms, access.json.
    let new = "content/mentors/nell-example.yaml";
    live.write(
        new,
        &ada.replace("Ada Lovelace", "Nell Example")
            .replace("M1815", "M2001")
            .replace("  - technology\n", ""),
    );
    let (written, _) = live.update_and_compare(&[new]);
    assert!(written.contains(&"members/mentors/nell-example/index.html".to_owned()));
    assert!(written.contains(&"members/access.json".to_owned()));
    assert!(written.contains(&DIRECTORY.to_owned()));

    // The same file saved again unchanged: nothing to write.
    let publication = live.update(&[new]).unwrap();
    assert_eq!(publication, Publication::default());

    // The new profile renamed: the old page goes, the new one comes.
    let renamed = "content/mentors/nell-renamed.yaml";
    std::fs::rename(live.site.root().join(new), live.site.root().join(renamed)).unwrap();
    let (written, removed) = live.update_and_compare(&[new, renamed]);
    assert!(written.contains(&"members/mentors/nell-renamed/index.html".to_owned()));
    assert_eq!(removed, ["members/mentors/nell-example/index.html"]);

    // Deleted: its page goes, the directory and access.json follow.
    std::fs::remove_file(live.site.root().join(renamed)).unwrap();
    let (written, removed) = live.update_and_compare(&[renamed]);
    assert_eq!(removed, ["members/mentors/nell-renamed/index.html"]);
    assert!(written.contains(&"members/access.json".to_owned()));

    // A profile without member id: listed, not in access.json, warned.
    let anon = "content/mentors/anonymous-mentor.yaml";
    live.write(
        anon,
        &ada.replace("member_id: M1815\n", "")
            .replace("Ada Lovelace", "Anon"),
    );
    let (written, _) = live.update_and_compare(&[anon]);
    assert!(!written.contains(&"members/access.json".to_owned()));
    assert!(live
        .loaded
        .warnings
        .iter()
        .any(|w| w.path == Path::new(anon) && w.message.contains("no member_id")));
}

#[test]
fn a_file_with_errors_is_reported_where_it_is_and_changes_nothing() {
    let mut live = Live::new();
    let ada = live.read(ADA);
    let before = files(&live.live_out());
    live.write(
        ADA,
        &ada.replace("years_involved: 7", "years_involved: [7")
            .replace("  - technology\n", "  - knitting\n"),
    );
    let Err(Refused::Invalid(d)) = live.update(&[ADA]) else {
        panic!("a YAML syntax error is refused");
    };
    let shown = d.to_string();
    assert!(
        shown.starts_with("content/mentors/ada-lovelace.yaml:"),
        "{shown}"
    );
    let position = shown
        .split(':')
        .nth(1)
        .and_then(|l| l.parse::<usize>().ok());
    assert!(
        position.is_some_and(|l| l >= 7),
        "file:line:column: {shown}"
    );

    // An unknown expertise term: the field's line, as a full build says.
    live.write(ADA, &ada.replace("  - technology\n", "  - knitting\n"));
    let Err(Refused::Invalid(d)) = live.update(&[ADA]) else {
        panic!("an unknown term is refused");
    };
    let full = generator::check(&live.site.root(), false).unwrap_err();
    assert_eq!(d.to_string(), full.to_string());
    assert_eq!(files(&live.live_out()), before, "nothing written");

    // Fixed: the update is the full build's again.
    live.write(ADA, &ada.replace("Monthly calls.", "Weekly calls."));
    let (written, _) = live.update_and_compare(&[ADA]);
    assert_eq!(written, ["members/mentors/ada-lovelace/index.html"]);
}

#[test]
fn changes_beyond_the_profiles_pages_are_left_to_a_full_build() {
    let mut live = Live::new();
    let ada = live.read(ADA);
    let full_build = |r: Result<Publication, Refused>| matches!(r, Err(Refused::FullBuild(_)));

    // Another file with the same slug.
    let twin = "content/mentors/more/ada-lovelace.yaml";
    live.write(twin, &ada.replace("M1815", "M3000"));
    assert!(full_build(live.update(&[twin])));
    std::fs::remove_file(live.site.root().join(twin)).unwrap();

    // Another file with Ada's member id.
    let other = "content/mentors/other.yaml";
    live.write(other, &ada);
    assert!(full_build(live.update(&[other])));
    std::fs::remove_file(live.site.root().join(other)).unwrap();

    // A deleted profile a page links to.
    live.write(
        "content/about.md",
        &(live.read("content/about.md") + "\nAsk [Ada](@/mentors/ada-lovelace.yaml).\n"),
    );
    live.loaded = generator::build_and_keep(&generator::BuildOptions::new(
        live.site.root(),
        live.live_out(),
    ))
    .unwrap_or_else(|d| panic!("{d}"))
    .1;
    std::fs::remove_file(live.site.root().join(ADA)).unwrap();
    assert!(full_build(live.update(&[ADA])));

    // Not a profile file at all.
    assert!(full_build(live.update(&["content/about.md"])));

    // After the refusals the site is as it was: restoring Ada is nothing
    // to write.
    live.write(ADA, &ada);
    assert_eq!(live.update(&[ADA]).unwrap(), Publication::default());
    live.assert_equals_full_build();
}

#[test]
fn which_paths_are_profile_files() {
    for yes in [ADA, "content/mentors/a.yml", "content/mentors/sub/b.yaml"] {
        assert!(is_profile_file(Path::new(yes)), "{yes}");
    }
    for no in [
        "content/mentors/.ada.yaml.swp",
        "content/mentors/.hidden/a.yaml",
        "content/mentors/ada.yaml~",
        "content/mentors/4913",
        "content/mentors",
        "content/about.md",
        "content/program.yaml",
        "themes/default/mentors/a.yaml",
    ] {
        assert!(!is_profile_file(Path::new(no)), "{no}");
    }
}
