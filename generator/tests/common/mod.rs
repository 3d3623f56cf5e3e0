//! Helpers shared by the generator's integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
