//! `duos build` and `duos check` as a maintainer runs them: the real content of
//! this repository, and a broken site.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn duos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duos"))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Front matter of a content page, as far as this test needs it.
struct PageMeta {
    members: bool,
    draft: bool,
}

fn page_meta(source: &str) -> PageMeta {
    let front = source
        .strip_prefix("---")
        .and_then(|rest| rest.split_once("\n---"))
        .map(|(front, _)| front)
        .unwrap_or("");
    let value: serde_yaml::Value = serde_yaml::from_str(front).unwrap_or(serde_yaml::Value::Null);
    PageMeta {
        members: value.get("access").and_then(|v| v.as_str()) == Some("members"),
        draft: value.get("draft").and_then(|v| v.as_bool()) == Some(true),
    }
}

/// `content/a/b.md` -> `a/b/index.html`; `content/a/_index.md` -> `a/index.html`.
fn output_path_of(relative: &Path) -> PathBuf {
    let stem = relative.file_stem().unwrap().to_str().unwrap();
    let parent = relative.parent().unwrap_or(Path::new(""));
    if stem == "_index" || stem == "index" {
        parent.join("index.html")
    } else {
        parent.join(stem).join("index.html")
    }
}

#[test]
fn builds_the_real_program_with_every_page_and_no_profile_in_public() {
    let out = tempfile::tempdir().unwrap();
    let status = duos()
        .args(["build", "--root"])
        .arg(repo_root())
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success(), "duos build failed: {status}");
    let public = out.path().join("public");
    let members = out.path().join("members");

    // Every page of content/ has its page, on the side its access says.
    let content = repo_root().join("content");
    let mut pages = 0;
    for path in files_under(&content) {
        let relative = path.strip_prefix(&content).unwrap();
        if relative.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let meta = page_meta(&fs::read_to_string(&path).unwrap());
        if meta.draft {
            continue;
        }
        let side = if meta.members { &members } else { &public };
        let expected = side.join(output_path_of(relative));
        assert!(
            expected.is_file(),
            "{} has no page at {}",
            relative.display(),
            expected.display()
        );
        let other = if meta.members { &public } else { &members };
        assert!(
            !other.join(output_path_of(relative)).exists(),
            "{} leaked",
            relative.display()
        );
        pages += 1;
    }
    assert!(pages >= 12, "expected the program's pages, found {pages}");

    // Every profile has its page under members/, and nothing of it is public.
    let mut needles = Vec::new();
    let mut profiles = 0;
    for path in files_under(&content.join("mentors")) {
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        profiles += 1;
        let slug = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(
            members
                .join("mentors")
                .join(&slug)
                .join("index.html")
                .is_file(),
            "profile {slug} has no page"
        );
        let profile: serde_yaml::Value =
            serde_yaml::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let name = profile["name"].as_str().unwrap().to_string();
        let email = profile["contact"]["email"].as_str().unwrap().to_string();
        let bio = profile["bio"].as_str().unwrap();
        // A run of words from the bio's first sentence, free of markdown.
        let bio_words: String = bio
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ')
            .collect();
        let full_page =
            fs::read_to_string(members.join("mentors").join(&slug).join("index.html")).unwrap();
        assert!(
            full_page.contains(&name),
            "profile page of {slug} lacks the name"
        );
        needles.push((slug.clone(), name));
        needles.push((slug.clone(), email));
        if bio_words.split(' ').count() >= 4 {
            needles.push((slug, bio_words));
        }
    }
    assert!(
        profiles >= 12,
        "expected at least 12 profiles, found {profiles}"
    );
    for file in files_under(&public) {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for (slug, needle) in &needles {
            assert!(
                !text.contains(needle.as_str()),
                "{} contains {needle:?} from the profile of {slug}",
                file.display()
            );
        }
    }
    for required in ["sitemap.xml", "robots.txt", "404.html", "search-index.json"] {
        assert!(public.join(required).is_file(), "public/{required} missing");
    }
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A copy of the real site's content and themes.
fn copy_of_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let root = repo_root();
    for dir in ["content", "themes"] {
        for file in files_under(&root.join(dir)) {
            let relative = file.strip_prefix(&root).unwrap();
            let target = site.path().join(relative);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(&file, target).unwrap();
        }
    }
    site
}

/// A copy of the real site whose one profile names an expertise term the
/// program does not define.
fn broken_site() -> tempfile::TempDir {
    let site = copy_of_site();
    write(
        site.path(),
        "content/mentors/zz-broken.yaml",
        "name: Broken Example\nrole: mentor\ntitle: Librarian\ninstitution: Example Library\n\
member_since: 2001\nyears_involved: 5\nexpertise:\n  - underwater-basket-weaving\n\
bio: Fictional.\ncontact:\n  email: broken@example.org\n",
    );
    site
}

#[test]
fn a_content_error_exits_1_names_file_and_line_and_keeps_the_previous_site() {
    let site = broken_site();
    let out = tempfile::tempdir().unwrap();
    fs::create_dir_all(out.path().join("public")).unwrap();
    fs::write(out.path().join("public/index.html"), "previous build").unwrap();

    let output = duos()
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/mentors/zz-broken.yaml:8:")
            && stderr.contains("underwater-basket-weaving"),
        "unexpected diagnostics:\n{stderr}"
    );
    assert_eq!(
        fs::read_to_string(out.path().join("public/index.html")).unwrap(),
        "previous build"
    );
    assert_eq!(
        files_under(out.path()).len(),
        1,
        "the failed build wrote files"
    );

    let check = duos()
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("content/mentors/zz-broken.yaml:8:"));
}

#[test]
fn check_validates_the_real_program_without_writing() {
    let site = copy_of_site();
    let before = files_under(site.path());
    let output = duos()
        .current_dir(site.path())
        .args(["check", "--root", "."])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(files_under(site.path()), before, "check wrote files");
}

#[test]
fn every_public_page_links_the_events_and_the_events_page_links_its_calendar() {
    let out = tempfile::tempdir().unwrap();
    let status = duos()
        .args(["build", "--root"])
        .arg(repo_root())
        .arg("--out")
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success(), "duos build failed: {status}");
    let public = out.path().join("public");
    let mut pages = 0;
    for file in files_under(&public) {
        if file.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = fs::read_to_string(&file).unwrap();
        assert!(
            html.contains(r#"<a href="/events/""#),
            "{} does not link /events/",
            file.display()
        );
        pages += 1;
    }
    assert!(pages >= 12, "{pages} pages");
    let events = fs::read_to_string(public.join("events/index.html")).unwrap();
    assert!(
        events.contains(r#"<a href="/events/" aria-current="page">Events</a>"#),
        "the events page marks itself in the navigation"
    );
    assert!(events.contains(r#"href="/events.ics""#), "{events}");
    let ics = fs::read_to_string(public.join("events.ics")).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.contains("BEGIN:VEVENT"),
        "the program's events are in it"
    );
}

/// The 1-based line of the first line of `relative` in `site` that is `line`.
fn line_of(site: &Path, relative: &str, line: &str) -> usize {
    fs::read_to_string(site.join(relative))
        .unwrap()
        .lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} not in {relative}"))
        + 1
}

fn check_stderr(site: &Path) -> (Option<i32>, String) {
    let out = duos().args(["check", "--root"]).arg(site).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_refuses_a_calendar_every_runtime_refuses_naming_file_and_line() {
    // The second cohort launches after it ends.
    let site = copy_of_site();
    let program = site.path().join("content/program.yaml");
    let text = fs::read_to_string(&program).unwrap();
    fs::write(
        &program,
        text.replace("    launch: 2009-07-11", "    launch: 2010-05-01"),
    )
    .unwrap();
    let (code, stderr) = check_stderr(site.path());
    assert_eq!(code, Some(1), "{stderr}");
    let cohort_line = line_of(site.path(), "content/program.yaml", "  - id: \"2009\"");
    let located = stderr.lines().any(|l| {
        l.starts_with("content/program.yaml:")
            && l.contains("cohorts[1].")
            && l.split(':')
                .nth(1)
                .and_then(|n| n.parse::<usize>().ok())
                .is_some_and(|n| n > cohort_line && n <= cohort_line + 9)
    });
    assert!(
        located,
        "not placed in the 2009 cohort (line {cohort_line}+):\n{stderr}"
    );
    // The functions refuse the same file at cold start.
    let refused = functions::config::Config::load(
        site.path().join("content"),
        vec![7; 32],
        functions::config::utc(),
    )
    .expect_err("the functions refuse it too");
    assert!(
        refused.problems.iter().any(|p| p.contains("cohorts[1].")),
        "{:?}",
        refused.problems
    );

    // A survey that closes before it opens.
    let site = copy_of_site();
    let survey = site.path().join("content/surveys/final.yaml");
    let text = fs::read_to_string(&survey).unwrap();
    fs::write(
        &survey,
        text.replace(
            "closes:\n  from: final_survey\n  days: 21",
            "closes:\n  from: final_survey\n  days: -7",
        ),
    )
    .unwrap();
    let (code, stderr) = check_stderr(site.path());
    assert_eq!(code, Some(1), "{stderr}");
    let closes = line_of(site.path(), "content/surveys/final.yaml", "closes:");
    assert!(
        stderr.contains(&format!("content/surveys/final.yaml:{closes}:1:"))
            && stderr.contains("closes"),
        "{stderr}"
    );
}
