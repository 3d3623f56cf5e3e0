//! The members-only gate over a members/ fixture on disk.

use functions::auth::Identity;
use functions::members_gate::MembersGate;
use http::header::LOCATION;
use http::{Method, Request, StatusCode};
use mentoring::permissions::Role;
use std::fs;
use std::path::Path;

const FILES: &[&str] = &[
    "index.html",
    "mentors/index.html",
    "mentors/directory.json",
    "mentors/ada/index.html",
    "mentors/ada/photo.jpg",
    "mentors/grace/index.html",
    "expertise/budgeting/index.html",
    "surveys/midpoint/index.html",
    "handbook/index.html",
];

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let members = dir.path().join("members");
    for f in FILES {
        let p = members.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, format!("content of {f}")).unwrap();
    }
    fs::write(
        members.join("access.json"),
        r#"{"mentors": {"ada": "m-ada", "grace": "m-grace"}}"#,
    )
    .unwrap();
    // Something outside members/ that traversal would reach.
    fs::create_dir_all(dir.path().join("secret")).unwrap();
    fs::write(dir.path().join("secret/keys.txt"), "do not serve").unwrap();
    dir
}

fn url_of(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/members/{dir}"),
        None => format!("/members/{file}"),
    }
}

fn get(path: &str) -> Request<Vec<u8>> {
    Request::builder().uri(path).body(Vec::new()).unwrap()
}

fn who(id: &str, roles: &[Role]) -> Identity {
    Identity::new(id, roles.to_vec())
}

async fn status(gate: &MembersGate, id: Option<&Identity>, path: &str) -> StatusCode {
    gate.serve(id, &get(path))
        .await
        .expect("a members path")
        .status()
}

#[tokio::test]
async fn anonymous_is_sent_to_sign_in_for_every_file() {
    let dir = fixture();
    let gate = MembersGate::disk(dir.path().join("members"));
    let mut paths: Vec<String> = FILES.iter().map(|f| url_of(f)).collect();
    paths.extend(
        [
            "/members",
            "/members/access.json",
            "/members/no-such-page/",
            "/members/../secret/keys.txt",
        ]
        .map(String::from),
    );
    for path in paths {
        let resp = gate.serve(None, &get(&path)).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        let location = resp.headers()[LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("/auth/login?next=%2Fmembers"),
            "{location}"
        );
        assert!(resp.body().is_empty());
    }
    // Identity with no role is anonymous to the permission table.
    assert_eq!(
        status(&gate, Some(&who("m-x", &[])), "/members/handbook/").await,
        StatusCode::SEE_OTHER
    );
    // Not ours.
    assert!(gate.serve(None, &get("/about/")).await.is_none());
    assert!(gate.serve(None, &get("/membersonly/")).await.is_none());
}

#[tokio::test]
async fn role_matrix() {
    let dir = fixture();
    let gate = MembersGate::disk(dir.path().join("members"));
    let member = who("m-1", &[Role::Member]);
    let mentee = who("m-2", &[Role::Member, Role::Mentee]);
    let ada = who("m-ada", &[Role::Member, Role::Mentor]);
    let committee = who("m-3", &[Role::Member, Role::Committee]);
    let chair = who("m-4", &[Role::Member, Role::Committee, Role::Chair]);
    let staff = who("m-5", &[Role::Member, Role::Staff]);

    const OK: StatusCode = StatusCode::OK;
    const NO: StatusCode = StatusCode::FORBIDDEN;
    // path, member, mentee, mentor ada, committee, chair, staff
    let table: &[(&str, [StatusCode; 6])] = &[
        ("/members/", [OK, OK, OK, OK, OK, OK]),
        ("/members/handbook/", [OK, OK, OK, OK, OK, OK]),
        ("/members/surveys/midpoint/", [OK, OK, OK, OK, OK, OK]),
        ("/members/mentors/", [NO, OK, NO, OK, OK, OK]),
        ("/members/mentors/directory.json", [NO, OK, NO, OK, OK, OK]),
        ("/members/expertise/budgeting/", [NO, OK, NO, OK, OK, OK]),
        ("/members/mentors/ada/", [NO, OK, OK, OK, OK, OK]),
        ("/members/mentors/ada/photo.jpg", [NO, OK, OK, OK, OK, OK]),
        ("/members/mentors/grace/", [NO, OK, NO, OK, OK, OK]),
    ];
    let people = [&member, &mentee, &ada, &committee, &chair, &staff];
    for (path, expected) in table {
        for (person, want) in people.iter().zip(expected) {
            let got = status(&gate, Some(person), path).await;
            assert_eq!(
                got, *want,
                "{path} for {} {:?}",
                person.member_id, person.roles
            );
        }
    }

    // Grace (a mentor) sees her own profile, not Ada's.
    let grace = who("m-grace", &[Role::Member, Role::Mentor]);
    assert_eq!(
        status(&gate, Some(&grace), "/members/mentors/grace/").await,
        OK
    );
    assert_eq!(
        status(&gate, Some(&grace), "/members/mentors/ada/").await,
        NO
    );
    // A member who is named in access.json but is not a mentor (any more)
    // does not get in through the manifest alone.
    let lapsed = who("m-ada", &[Role::Member]);
    assert_eq!(
        status(&gate, Some(&lapsed), "/members/mentors/ada/").await,
        NO
    );

    // The body is the file, never cached by shared caches.
    let resp = gate
        .serve(Some(&mentee), &get("/members/mentors/ada/"))
        .await
        .unwrap();
    assert_eq!(resp.body(), b"content of mentors/ada/index.html");
    assert_eq!(resp.headers()["cache-control"], "private, no-store");
    assert_eq!(resp.headers()["content-type"], "text/html; charset=utf-8");
}

#[tokio::test]
async fn manifest_traversal_and_methods() {
    let dir = fixture();
    let gate = MembersGate::disk(dir.path().join("members"));
    let chair = who("m-4", &[Role::Member, Role::Committee, Role::Chair]);
    let me = Some(&chair);
    assert_eq!(
        status(&gate, me, "/members/access.json").await,
        StatusCode::NOT_FOUND
    );
    for bad in [
        "/members/../secret/keys.txt",
        "/members/%2e%2e/secret/keys.txt",
        "/members/mentors/%2E%2E/%2E%2E/secret/keys.txt",
        "/members/..%2fsecret/keys.txt",
        "/members/mentors/..%5c..%5csecret/keys.txt",
        "/members//secret/keys.txt",
        "/members/.access.json",
    ] {
        let s = status(&gate, me, bad).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::NOT_FOUND,
            "{bad}: {s}"
        );
    }
    assert_eq!(
        status(&gate, me, "/members/nothing-here/").await,
        StatusCode::NOT_FOUND
    );
    // A folder without its slash is redirected, after the check.
    let resp = gate.serve(me, &get("/members/handbook")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(resp.headers()[LOCATION], "/members/handbook/");
    // Only GET and HEAD.
    let post = Request::builder()
        .method(Method::POST)
        .uri("/members/")
        .body(Vec::<u8>::new())
        .unwrap();
    assert_eq!(
        gate.serve(me, &post).await.unwrap().status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    let head = Request::builder()
        .method(Method::HEAD)
        .uri("/members/")
        .body(Vec::<u8>::new())
        .unwrap();
    let resp = gate.serve(me, &head).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.body().is_empty());
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_out_of_members_are_not_followed() {
    let dir = fixture();
    let members = dir.path().join("members");
    std::os::unix::fs::symlink(dir.path().join("secret"), members.join("handbook/leak")).unwrap();
    let gate = MembersGate::disk(&members);
    let member = who("m-1", &[Role::Member]);
    assert_eq!(
        status(&gate, Some(&member), "/members/handbook/leak/keys.txt").await,
        StatusCode::NOT_FOUND
    );
    assert!(Path::new(&dir.path().join("secret/keys.txt")).is_file());
}
