//! `duos profiles export --out content/mentors --data DIR`, as a site
//! maintainer runs it: profiles published in a real embedded store (one of
//! them replacing the curated abigail-fenwick.yaml, same member id) are
//! built from the store; exported into a copy of this repository's
//! content; built again from the YAML alone: the two outputs are
//! byte-identical, file for file. Conflicts and unwritable folders are
//! refused with exit 1, naming the file, and nothing is written. The same
//! export from a DynamoDB table (`--table`, moto on 127.0.0.1) writes the
//! same files; skipped loudly without moto outside CI, a failure in CI.

#[allow(dead_code)]
#[path = "support/aws_build.rs"]
mod aws_build;
#[path = "../functions/tests/support/moto.rs"]
mod moto;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use functions::records::profile::{self, ProfileRecord};
use functions::store::{EmbeddedStore, Store};
use mentoring::{CareerEntry, Contact, EducationEntry, Profile};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 3, 1).unwrap()
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

fn export(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["profiles", "export"])
        .args(args)
        .output()
        .expect("duos runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ingrid() -> Profile {
    Profile {
        name: "Ingrid Halvorsen-Pike".into(),
        title: "Head of Youth Services".into(),
        institution: "Lakeshore Regional Library".into(),
        location: "Lakeshore, Example".into(),
        member_since: "1999-06".into(),
        years_involved: Some(10),
        expertise: vec!["technology-leadership".into(), "career-development".into()],
        career: vec![
            CareerEntry {
                title: "Head of Youth Services".into(),
                organization: "Lakeshore Regional Library".into(),
                from: "2001".into(),
                to: "present".into(),
            },
            CareerEntry {
                title: "Children's Librarian".into(),
                organization: "Pinecrest Public Library".into(),
                from: "1994".into(),
                to: "2001".into(),
            },
        ],
        education: vec![EducationEntry {
            degree: "MLIS".into(),
            institution: "Example State University".into(),
            year: "1993".into(),
        }],
        // As a browser's textarea sends it: CRLF, no final newline.
        bio: "I built a *maker space* out of a storeroom.\r\n\r\nAsk me: \"how?\" # no comment"
            .into(),
        availability: "Evenings; yes, weekends too".into(),
        photo: "/images/ingrid.jpg".into(),
        contact: Contact {
            email: "ingrid@example.org".into(),
            phone: "555-0101".into(),
            website: "https://example.org/ingrid".into(),
        },
    }
}

/// The curated Abigail Fenwick (M2009), edited in the store.
fn abigail() -> Profile {
    let text =
        fs::read_to_string(repo_root().join("content/mentors/abigail-fenwick.yaml")).unwrap();
    let (_, _, mut p) = generator::profile_yaml::read_back(&text).unwrap();
    p.title = "Library Director".into();
    p.bio.push_str("\nNow also on the state library board.\n");
    p
}

async fn seed(data: &Path) -> generator::StoreProfiles {
    seed_into(&EmbeddedStore::open(data).unwrap()).await
}

async fn seed_into(store: &dyn Store) -> generator::StoreProfiles {
    let at = Utc.with_ymd_and_hms(2008, 2, 1, 12, 0, 0).unwrap();
    let records = [
        ("M2101", ingrid(), true, false),
        ("M2009", abigail(), true, false),
        (
            "M2102",
            Profile {
                name: "Paused Example".into(),
                ..ingrid()
            },
            true,
            true,
        ),
        (
            "M2103",
            Profile {
                name: "Not Yet Approved".into(),
                ..ingrid()
            },
            false,
            false,
        ),
    ];
    for (id, p, published, paused) in records {
        let mut r = ProfileRecord::new(id, p, at);
        r.published = published;
        r.paused = paused;
        store.put(profile::item(&r), None).await.unwrap();
    }
    let program = generator::prepare(&repo_root(), false).unwrap().program;
    profile::store_profiles(store, &program, today())
        .await
        .unwrap()
}

fn build(root: &Path, out: &Path, store: generator::StoreProfiles) {
    let opts = generator::BuildOptions {
        store,
        today: today(),
        ..generator::BuildOptions::new(root, out)
    };
    generator::build(&opts).unwrap_or_else(|d| panic!("build of {}: {d}", root.display()));
}

#[tokio::test]
async fn export_then_build_gives_the_pages_built_from_the_store() {
    let data = tempfile::tempdir().unwrap();
    let from_store = seed(data.path()).await;
    assert_eq!(
        from_store.published.len(),
        3,
        "the unpublished one is left out"
    );
    assert!(from_store.listings["M2102"].paused);

    // 1. Built from the store (the store's M2009 replaces abigail-fenwick.yaml).
    let site_a = copy_of_site();
    let out_a = tempfile::tempdir().unwrap();
    build(site_a.path(), out_a.path(), from_store.clone());

    // 2. Exported into content/mentors: the curated file of M2009 is in the way.
    let site_b = copy_of_site();
    let mentors = site_b.path().join("content/mentors");
    let before = files_under(&mentors);
    let data_arg = data.path().to_str().unwrap();
    let mentors_arg = mentors.to_str().unwrap();
    let (code, _, err) = export(&["--out", mentors_arg, "--data", data_arg]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("abigail-fenwick.yaml is already the profile of M2009"),
        "{err}"
    );
    assert_eq!(files_under(&mentors), before, "nothing written or deleted");

    let (code, out, err) = export(&["--out", mentors_arg, "--data", data_arg, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 written, 0 unchanged"), "{out}");
    assert!(out.contains("deleted"), "{out}");
    assert!(!mentors.join("abigail-fenwick.yaml").exists());
    assert!(!mentors.join("not-yet-approved-m2103.yaml").exists());
    let ingrid_yaml = fs::read_to_string(mentors.join("ingrid-halvorsen-pike-m2101.yaml")).unwrap();
    assert!(
        ingrid_yaml.starts_with(
            "name: Ingrid Halvorsen-Pike\nmember_id: M2101\nrole: mentor\ntitle: Head of Youth Services\n"
        ),
        "{ingrid_yaml}"
    );
    assert!(ingrid_yaml.contains("career:\n  - title: Head of Youth Services\n    organization: Lakeshore Regional Library\n    from: 2001\n    to: present\n"), "{ingrid_yaml}");
    let abigail_yaml = fs::read_to_string(mentors.join("abigail-fenwick-m2009.yaml")).unwrap();
    assert!(
        abigail_yaml.contains("bio: |\n  I direct a small rural library"),
        "{abigail_yaml}"
    );

    // 3. Built from the YAML alone (the listing states are the store's).
    let out_b = tempfile::tempdir().unwrap();
    let listings_only = generator::StoreProfiles {
        published: Vec::new(),
        listings: from_store.listings.clone(),
    };
    build(site_b.path(), out_b.path(), listings_only);
    let rel = |root: &Path| -> Vec<PathBuf> {
        files_under(root)
            .into_iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect()
    };
    let (files_a, files_b) = (rel(out_a.path()), rel(out_b.path()));
    assert_eq!(files_a, files_b, "the same files");
    let profile_pages: Vec<&PathBuf> = files_a
        .iter()
        .filter(|p| p.starts_with("members/mentors") && p.components().count() == 4)
        .collect();
    assert!(
        profile_pages
            .iter()
            .any(|p| p.starts_with("members/mentors/ingrid-halvorsen-pike-m2101")),
        "{profile_pages:?}"
    );
    assert!(profile_pages.len() >= 15, "{profile_pages:?}");
    for f in &files_a {
        if f.as_path() == Path::new("public/events.ics") {
            // Its DTSTAMP is the time of the build (RFC 5545).
            continue;
        }
        let (a, b) = (
            fs::read(out_a.path().join(f)).unwrap(),
            fs::read(out_b.path().join(f)).unwrap(),
        );
        assert!(a == b, "{} differs between the two builds", f.display());
    }
    let page = fs::read_to_string(
        out_b
            .path()
            .join("members/mentors/abigail-fenwick-m2009/index.html"),
    )
    .unwrap();
    assert!(page.contains("state library board"));

    // 4. Again: nothing to do.
    let (code, out, err) = export(&["--out", mentors_arg, "--data", data_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 written, 3 unchanged"), "{out}");
}

#[tokio::test]
async fn conflicts_and_unwritable_folders_are_refused_and_nothing_is_written() {
    let data = tempfile::tempdir().unwrap();
    seed(data.path()).await;
    let data_arg = data.path().to_str().unwrap();

    // A file of the export's name with other content.
    let out = tempfile::tempdir().unwrap();
    let mine = out.path().join("ingrid-halvorsen-pike-m2101.yaml");
    fs::write(&mine, "name: Edited by hand\n").unwrap();
    let (code, _, err) = export(&["--out", out.path().to_str().unwrap(), "--data", data_arg]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ingrid-halvorsen-pike-m2101.yaml exists with other content (the published profile of M2101)"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&mine).unwrap(), "name: Edited by hand\n");
    assert_eq!(
        files_under(out.path()),
        vec![mine.clone()],
        "nothing else written"
    );

    // --out is a file, or under one: it cannot be written.
    let (code, _, err) = export(&["--out", mine.to_str().unwrap(), "--data", data_arg]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not a folder"), "{err}");
    let under = mine.join("mentors");
    let (code, _, err) = export(&["--out", under.to_str().unwrap(), "--data", data_arg]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot create the folder"), "{err}");

    // No store there.
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = export(&[
        "--out",
        out.path().to_str().unwrap(),
        "--data",
        empty.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("holds no data"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dynamodb_table_exports_the_same_files() {
    if !aws_build::has_aws("duos profiles export against DynamoDB") {
        return;
    }
    let endpoint = match tokio::task::spawn_blocking(|| moto::endpoint(moto::Need::Any))
        .await
        .unwrap()
    {
        Ok(url) => url,
        Err(why) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("the profiles export --table test needs moto: {why}");
            }
            eprintln!(
                "\n!!!!! SKIPPED duos profiles export against DynamoDB: no DynamoDB endpoint ({why}). \
                 Run scripts/test.sh, or set {}. !!!!!\n",
                moto::ENDPOINT_ENV
            );
            return;
        }
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let table = format!("duos-cli-export-{}-{nanos}", std::process::id());
    let dynamo = functions::store::DynamoStore::connect(
        functions::store::DynamoConfig::new(table.clone())
            .endpoint_url(endpoint.clone())
            .region("us-east-1")
            .credentials("testing", "testing"),
    )
    .await;
    dynamo.ensure_table().await.expect("create the table");
    seed_into(&dynamo).await;
    let data = tempfile::tempdir().unwrap();
    seed(data.path()).await;

    let (from_table, from_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["profiles", "export", "--out"])
        .arg(from_table.path())
        .args([
            "--table",
            &table,
            "--region",
            "us-east-1",
            "--endpoint",
            &endpoint,
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("duos runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("from the DynamoDB table {table}")),
        "{stdout}"
    );
    let (code, _, err) = export(&[
        "--out",
        from_data.path().to_str().unwrap(),
        "--data",
        data.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let names = |dir: &Path| -> Vec<(String, String)> {
        files_under(dir)
            .into_iter()
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    fs::read_to_string(&p).unwrap(),
                )
            })
            .collect()
    };
    let exported = names(from_table.path());
    assert_eq!(exported.len(), 3, "{exported:?}");
    assert_eq!(exported, names(from_data.path()));
}
