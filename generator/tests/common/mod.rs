//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::{Change, Published, StoreProfiles};
use mentoring::{CareerEntry, Contact, EducationEntry, Profile};

/// `generator/tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary site root: the fixture plus the repository's default theme.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), &dir.path().join("site"));
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
        copy_dir(&theme, &dir.path().join("site/themes/default"));
        Site { dir }
    }
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
    /// A previous output with marker content, as an earlier build left it.
    pub fn prebuild_out(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let out = self.out();
        std::fs::create_dir_all(out.join("public/about")).unwrap();
        std::fs::create_dir_all(out.join("members/mentors")).unwrap();
        std::fs::write(
            out.join("public/index.html"),
            "MARKER: previous home page\n",
        )
        .unwrap();
        std::fs::write(
            out.join("public/about/index.html"),
            "MARKER: previous about\n",
        )
        .unwrap();
        std::fs::write(out.join("members/mentors/index.html"), [0u8, 159, 146, 150]).unwrap();
        files(&out)
    }
    pub fn options(&self) -> generator::BuildOptions {
        generator::BuildOptions::new(self.root(), self.out())
    }
    /// Builds the site, with `store`'s published profiles, into `out`.
    pub fn build_with(&self, store: &StoreProfiles, out: &Path) -> generator::BuildSummary {
        let opts = generator::BuildOptions {
            store: store.clone(),
            ..generator::BuildOptions::new(self.root(), out)
        };
        generator::build(&opts).unwrap_or_else(|d| panic!("build failed:\n{d}"))
    }
    /// The site loaded (as `duos serve` keeps it), with `store`'s published
    /// profiles.
    pub fn load(&self, store: &StoreProfiles) -> generator::Site {
        generator::Site::load(&self.root(), false, generator::today(), store)
            .unwrap_or_else(|d| panic!("load failed:\n{d}"))
    }
}

/// A file under `out` (`rel`, with `/`), as text.
pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A valid profile named `name` with expertise `terms` (two career
/// entries, a bio with a link into the site, a photo).
pub fn profile(name: &str, terms: &[&str]) -> Profile {
    Profile {
        name: name.into(),
        title: "Branch Manager".into(),
        institution: "Example County Library".into(),
        location: "Springfield".into(),
        member_since: "2003-09".into(),
        years_involved: Some(4),
        expertise: terms.iter().map(|t| t.to_string()).collect(),
        career: vec![
            CareerEntry {
                title: "Branch Manager".into(),
                organization: "Example County Library".into(),
                from: "2004".into(),
                to: "present".into(),
            },
            CareerEntry {
                title: "Children's Librarian".into(),
                organization: "Example City Library".into(),
                from: "1999".into(),
                to: "2004".into(),
            },
        ],
        education: vec![EducationEntry {
            degree: "MLS".into(),
            institution: "Example State University".into(),
            year: "1998".into(),
        }],
        bio: format!("{name} runs a **busy** branch and reads [the handbook](@/handbook.md)."),
        availability: "Evenings.".into(),
        photo: "/images/example.jpg".into(),
        contact: Contact {
            email: "branch@example.org".into(),
            phone: String::new(),
            website: String::new(),
        },
    }
}

/// `p` published under `slug` by `member_id`.
pub fn published(slug: &str, member_id: &str, p: Profile) -> Published {
    Published {
        slug: slug.into(),
        member_id: member_id.into(),
        profile: p,
    }
}

/// The files of the members area (`members/…`) under `dir`.
pub fn members_files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| p.starts_with("members"))
        .collect()
}

/// Asserts that `got` holds the files of `want` (a full build's), the same
/// paths and the same bytes.
pub fn assert_same_files(got: &BTreeMap<PathBuf, Vec<u8>>, want: &BTreeMap<PathBuf, Vec<u8>>) {
    for (path, bytes) in want {
        assert!(
            got.get(path) == Some(bytes),
            "{} differs from a full build",
            path.display()
        );
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the same files as a full build"
    );
}

/// Publishes `change` into `live` (an earlier output of `site`) and asserts
/// that the members area is then byte-identical to a fresh full build of the
/// new state. Returns the paths written (with `/`).
pub fn publish_and_compare(
    site: &Site,
    loaded: &mut generator::Site,
    live: &Path,
    change: Change,
) -> Vec<String> {
    let publication = loaded.publish(change).unwrap_or_else(|d| panic!("{d}"));
    publication.write_to(live).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    site.build_with(&loaded.store_profiles(), fresh.path());
    assert_same_files(&members_files(live), &members_files(fresh.path()));
    publication
        .files
        .iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

/// Every file under `dir` (relative path -> bytes).
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut map = BTreeMap::new();
    if !dir.exists() {
        return map;
    }
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            map.insert(
                entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    map
}

/// Builds fixture `name` over a previous output and asserts: the build fails
/// with exactly `expected` (one diagnostic a line), the previous output is
/// byte-for-byte the same, nothing is left beside it, and `check` reports
/// the same.
pub fn assert_fails(name: &str, expected: &[&str]) {
    let site = Site::new(name);
    let before = site.prebuild_out();
    let err = generator::build(&site.options()).expect_err("the build should fail");
    let mut want = expected.join("\n");
    want.push('\n');
    assert_eq!(err.to_string(), want, "diagnostics of fixture {name}");
    assert_eq!(err.len(), expected.len());
    assert_eq!(
        files(&site.out()),
        before,
        "previous output of {name} changed"
    );
    let beside: Vec<_> = std::fs::read_dir(site.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut beside = beside;
    beside.sort();
    assert_eq!(beside, vec!["out", "site"], "temporary folders left behind");
    let checked = generator::check(&site.root(), false).expect_err("check should fail too");
    assert_eq!(checked.to_string(), want, "check of fixture {name}");
}
