//! `duos serve` on 127.0.0.1 over a copy of the sample program: a curated
//! profile file edited while it runs is served with its new text (the
//! profile page and the directory), a bad edit is reported at its
//! `file:line:column` while the previous pages stay on disk, and the fix is
//! served again. The server is stopped when the test ends.

#[path = "support/serve.rs"]
mod serve;

use std::path::Path;
use std::time::{Duration, Instant};

const PROFILE: &str = "content/mentors/abigail-fenwick.yaml";
const PAGE: &str = "/members/mentors/abigail-fenwick/";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Asks for `path` until `ok` holds for the reply (the watcher works in the
/// background); panics with the last reply after a minute.
fn wait_for(
    server: &serve::Server,
    path: &str,
    cookie: &str,
    what: &str,
    ok: impl Fn(&serve::Reply) -> bool,
) -> serve::Reply {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = server.get(path, &[("Cookie", cookie)]).unwrap();
        if ok(&r) {
            return r;
        }
        assert!(Instant::now() < deadline, "{what}: last reply {r:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_edited_profile_file_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &root.join("content"));
    copy_dir(&repo.join("themes"), &root.join("themes"));
    let server = serve::start_at(&root);
    let accounts = server.dev_accounts();
    assert!(!accounts.is_empty(), "the sign-in offers no account");
    let cookie = server.sign_in(&accounts[0]);
    let page = server.get(PAGE, &[("Cookie", &cookie)]).unwrap();
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Abigail Fenwick"));
    assert!(!page.body.contains("edited while serving"));

    // A bio and a card edit (the title shows in the directory).
    let original = std::fs::read_to_string(root.join(PROFILE)).unwrap();
    let edited = original
        .replace(
            "I direct a small rural library",
            "I direct (edited while serving) a small rural library",
        )
        .replace("title: Director\n", "title: Director of Everything\n");
    assert_ne!(
        edited, original,
        "the sample profile changed: fix this test"
    );
    std::fs::write(root.join(PROFILE), &edited).unwrap();
    wait_for(&server, PAGE, &cookie, "the edited bio", |r| {
        r.status == 200
            && r.body
                .contains("I direct (edited while serving) a small rural library")
    });
    wait_for(
        &server,
        "/members/mentors/",
        &cookie,
        "the edited card",
        |r| r.status == 200 && r.body.contains("Director of Everything"),
    );

    // A YAML syntax error: reported at its line and column; the pages
    // built before stay as they were.
    let broken = edited.replace("years_involved: 4\n", "years_involved: [4\n");
    assert_ne!(broken, edited, "the sample profile changed: fix this test");
    std::fs::write(root.join(PROFILE), &broken).unwrap();
    let overlay = wait_for(&server, PAGE, &cookie, "the error", |r| {
        r.body.contains("content/mentors/abigail-fenwick.yaml:")
    });
    let at = overlay
        .body
        .split("content/mentors/abigail-fenwick.yaml:")
        .nth(1)
        .unwrap();
    let mut numbers = at.split(':').take(2).map(|n| n.parse::<usize>());
    assert!(
        matches!((numbers.next(), numbers.next()), (Some(Ok(line)), Some(Ok(_))) if line >= 8),
        "file:line:column in {at:.80}"
    );
    let on_disk = server
        .data
        .path()
        .join("site/members/mentors/abigail-fenwick/index.html");
    let kept = std::fs::read_to_string(&on_disk).unwrap();
    assert!(kept.contains("I direct (edited while serving) a small rural library"));

    // Fixed: served again, with the fix.
    std::fs::write(
        root.join(PROFILE),
        edited.replace("edited while serving", "fixed while serving"),
    )
    .unwrap();
    wait_for(&server, PAGE, &cookie, "the fixed page", |r| {
        r.status == 200
            && r.body
                .contains("I direct (fixed while serving) a small rural library")
    });
    drop(server);
}
