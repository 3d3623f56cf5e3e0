//! `duos roster import FILE.csv --table NAME` as a maintainer runs it after
//! deploying (infra/README.md step 6.2): the binary writes the roster into
//! the DynamoDB table (moto on 127.0.0.1), and then members sign in against
//! that table through a real OpenID provider on loopback — the imported
//! member gets a session, a member the next file left out does not.
//!
//! DynamoDB: `DUOS_TEST_DYNAMODB_ENDPOINT`, else moto from `.venv` (see
//! functions/tests/support/moto.rs); skipped loudly without it outside CI,
//! a failure in CI.

#[allow(dead_code)]
#[path = "support/aws_build.rs"]
mod aws_build;
#[path = "../functions/tests/support/moto.rs"]
mod moto;
#[path = "support/oidc.rs"]
mod oidc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use functions::auth::{handle_auth, read_session, AuthService, OidcConfig, SessionConfig};
use functions::roster::{list_members, load_member, StoreDirectory};
use functions::store::{DynamoConfig, DynamoStore, Store};
use http::header::{COOKIE, LOCATION, SET_COOKIE};
use http::{HeaderMap, Method, Request, StatusCode};

const GOOD: &str = "\
member_id,name,email,joined,category,good_standing
M7001,Ada Quillfeather,ada.quillfeather@example.org,2007-09-01,Personal,true
M7002,Bram Oakhollow,bram.oakhollow@example.org,1995-01-15,Retired,yes
M7003,Cleo Fernsby,cleo.fernsby@example.org,2008-02-10,Student,true
";

/// The moto endpoint, or `None` after a loud skip line (a panic in CI).
fn endpoint() -> Option<String> {
    if !aws_build::has_aws("roster import into DynamoDB") {
        return None;
    }
    match moto::endpoint(moto::Need::Any) {
        Ok(url) => Some(url),
        Err(why) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("the roster --table test needs moto: {why}");
            }
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!! SKIPPED roster import into DynamoDB: no DynamoDB endpoint ({why}). \
                 Run scripts/test.sh, or set {}. !!!!!\n",
                moto::ENDPOINT_ENV
            );
            None
        }
    }
}

fn table_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("duos-cli-roster-{}-{nanos}", std::process::id())
}

/// `duos roster import FILE --table T --region us-east-1 --endpoint URL
/// --program content/program.yaml`, with moto's fake credentials in the
/// child's environment only (as the AWS CLI would take them).
fn import(file: &Path, table: &str, endpoint: &str) -> (i32, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["roster", "import"])
        .arg(file)
        .args([
            "--table",
            table,
            "--region",
            "us-east-1",
            "--endpoint",
            endpoint,
        ])
        .arg("--program")
        .arg(root.join("content/program.yaml"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("duos runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn ids(store: &dyn Store) -> Vec<(String, bool)> {
    list_members(store)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.member_id, m.good_standing))
        .collect()
}

/// Signs in through the provider (whose one account has `email`) with the
/// roster of `store`: the session's member id, or the refusal page's status
/// and text.
async fn sign_in(
    store: Arc<dyn Store>,
    email: &str,
    sub: &str,
) -> Option<Result<String, (StatusCode, String)>> {
    let provider = oidc::start(email, sub)?;
    let session = SessionConfig::new(vec![42u8; 32], oidc::SITE).unwrap();
    let mut config = OidcConfig::new(&provider.issuer, oidc::CLIENT_ID, oidc::REDIRECT);
    config.client_secret = Some(oidc::CLIENT_SECRET.into());
    let svc = AuthService::new(session, config, Arc::new(StoreDirectory::new(store))).unwrap();
    let get = |path: &str, cookies: &[String]| {
        let mut b = Request::builder().method(Method::GET).uri(path);
        if !cookies.is_empty() {
            b = b.header(COOKIE, cookies.join("; "));
        }
        b.body(Vec::new()).unwrap()
    };
    let set_cookies = |resp: &http::Response<Vec<u8>>| -> Vec<String> {
        resp.headers()
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    let resp = handle_auth(&svc, &get("/auth/login?next=/members/", &[]))
        .await
        .expect("/auth/login is ours");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let flow: Vec<String> = set_cookies(&resp)
        .iter()
        .map(|c| oidc::cookie_pair(c))
        .collect();
    let callback = oidc::drive(resp.headers()[LOCATION].to_str().unwrap()).await;
    let resp = handle_auth(&svc, &get(&callback, &flow)).await.unwrap();
    let body = String::from_utf8_lossy(resp.body()).into_owned();
    let session_cookie = set_cookies(&resp)
        .into_iter()
        .find(|c| c.starts_with("duos_session=") && !c.starts_with("duos_session=;"));
    let Some(cookie) = session_cookie else {
        return Some(Err((resp.status(), body)));
    };
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{body}");
    let mut headers = HeaderMap::new();
    headers.insert(COOKIE, oidc::cookie_pair(&cookie).parse().unwrap());
    let session = read_session(svc.session_config(), &headers, std::time::SystemTime::now())
        .expect("a valid session");
    Some(Ok(session.member_id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_import_into_the_table_then_sign_in_against_it() {
    let Some(endpoint) = tokio::task::spawn_blocking(endpoint).await.unwrap() else {
        return;
    };
    let table = table_name();
    let store = DynamoStore::connect(
        DynamoConfig::new(&table)
            .endpoint_url(&endpoint)
            .region("us-east-1")
            .credentials("testing", "testing"),
    )
    .await;
    store.ensure_table().await.expect("create the table");
    let store: Arc<dyn Store> = Arc::new(store);
    let dir = tempfile::tempdir().unwrap();
    let run = |file: PathBuf| {
        let (table, endpoint) = (table.clone(), endpoint.clone());
        async move {
            tokio::task::spawn_blocking(move || import(&file, &table, &endpoint))
                .await
                .unwrap()
        }
    };

    // A bad row: the whole file is refused, file:line: field, nothing written.
    let bad = write(
        dir.path(),
        "bad.csv",
        &format!("{GOOD}M7004,Dov Reedmere,dov.reedmere@example.org,2008-02-30,Student,true\n"),
    );
    let (code, err) = run(bad.clone()).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{}:5: joined: \"2008-02-30\" is not a date like 2007-09-01",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(ids(store.as_ref()).await.is_empty(), "nothing written");

    // The good file.
    let good = write(dir.path(), "roster.csv", GOOD);
    let (code, err) = run(good.clone()).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("the DynamoDB table {table}")),
        "{err}"
    );
    assert!(err.contains("3 added, 0 updated, 0 unchanged"), "{err}");
    // program.yaml's committee is not on this roster: said for the table too.
    assert!(
        err.contains("warning: program.yaml names \"M1001\" in the committee, but the roster has no such member"),
        "{err}"
    );
    let ada = load_member(store.as_ref(), "M7001").await.unwrap().unwrap();
    assert_eq!(ada.email, "ada.quillfeather@example.org");
    assert!(ada.good_standing);
    assert_eq!(ada.category, "Personal");

    // The same file again: nothing added, no duplicates.
    let (code, err) = run(good.clone()).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 added, 0 updated, 3 unchanged"), "{err}");
    assert_eq!(
        ids(store.as_ref()).await,
        [
            ("M7001".to_string(), true),
            ("M7002".to_string(), true),
            ("M7003".to_string(), true)
        ]
    );

    // Bram left the association: the next export lacks him. He is kept,
    // not in good standing; the others are untouched.
    let without_bram = write(
        dir.path(),
        "roster-2009.csv",
        &GOOD.replace(
            "M7002,Bram Oakhollow,bram.oakhollow@example.org,1995-01-15,Retired,yes\n",
            "",
        ),
    );
    let (code, err) = run(without_bram).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("0 added, 0 updated, 2 unchanged, 1 not in the file and no longer in good standing (M7002)"),
        "{err}"
    );
    assert_eq!(
        ids(store.as_ref()).await,
        [
            ("M7001".to_string(), true),
            ("M7002".to_string(), false),
            ("M7003".to_string(), true)
        ]
    );

    // Sign-in through the real provider, against the table.
    let Some(ada) = sign_in(
        Arc::clone(&store),
        "Ada.Quillfeather@example.org",
        "idp-ada",
    )
    .await
    else {
        return;
    };
    assert_eq!(ada, Ok("M7001".to_string()), "the imported member signs in");
    let bram = sign_in(Arc::clone(&store), "bram.oakhollow@example.org", "idp-bram")
        .await
        .expect("the provider started before");
    match bram {
        Err((status, body)) => {
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert!(body.contains("Membership not in good standing"), "{body}");
        }
        Ok(id) => panic!("{id}, dropped from the roster, got a session"),
    }
}

/// `duos tick --table` without `DUOS_SURVEY_SECRET` reads the survey key
/// from SSM (one signed `GetParameter`, with the credentials and the
/// endpoint the default chains find in the environment). A parameter that
/// is not there stops it before anything runs, named with SSM's reason.
#[test]
fn tick_on_the_table_names_a_survey_key_parameter_that_is_missing() {
    let Some(endpoint) = endpoint() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let param = format!("/duos-test/{}/no-survey-secret", std::process::id());
    let out = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["tick", "--table", &table_name(), "--region", "us-east-1"])
        .args(["--mail-from", "mentoring@example.org"])
        .args(["--survey-secret-param", &param])
        .arg("--root")
        .arg(root)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL_SSM", &endpoint)
        .env_remove("DUOS_SURVEY_SECRET")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("duos runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("the survey key"), "{err}");
    assert!(err.contains(&param), "{err}");
    assert!(err.contains("ParameterNotFound"), "{err}");
}
