//! `duos init` in an empty folder gives a program that checks, builds and
//! serves at once, with its first cohort planned from the annual meeting.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use mentoring::program::Program;

fn duos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duos"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("duos runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn init(dir: &Path, meeting: &str) -> Output {
    run(duos()
        .arg("init")
        .arg(dir)
        .args(["--name", "Riverbend Mentoring Program"])
        .args(["--association", "Riverbend Archivists Guild (RAG)"])
        .args(["--annual-meeting", meeting]))
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn a_new_program_checks_builds_and_has_its_first_cohort() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("riverbend");
    let out = init(&dir, "2027-06-26");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("duos serve --today 2027-01-01"),
        "{}",
        text(&out.stdout)
    );

    let yaml = std::fs::read_to_string(dir.join("content/program.yaml")).unwrap();
    let program: Program = serde_yaml::from_str(&yaml).unwrap();
    assert_eq!(program.name, "Riverbend Mentoring Program");
    assert_eq!(program.association, "Riverbend Archivists Guild (RAG)");
    let cohort = &program.cohorts[0];
    assert_eq!(program.cohorts.len(), 1);
    assert_eq!(cohort.id, "2027");
    assert_eq!(cohort.name, "2027–2028");
    assert_eq!(cohort.applications_open, day("2027-01-01"));
    assert_eq!(cohort.matching_deadline, day("2027-06-11"));
    assert_eq!(cohort.launch, day("2027-06-26"));
    assert_eq!(cohort.midpoint_survey, day("2027-11-27"));
    assert_eq!(cohort.final_survey, day("2028-04-01"));
    assert_eq!(cohort.end, day("2028-04-30"));
    assert!(program.validate().is_empty(), "{:?}", program.validate());

    for file in [
        "README.md",
        "content/_index.md",
        "content/seed/roster.csv",
        "content/mentors/sample-mentor.yaml",
        "content/surveys/final.yaml",
        "themes/default/templates/base.html",
        "themes/default/views/apply.html",
    ] {
        assert!(dir.join(file).is_file(), "{file} written");
    }
    let home = std::fs::read_to_string(dir.join("content/_index.md")).unwrap();
    assert!(home.contains("January 1, 2027"), "{home}");
    assert!(!home.contains("__"), "every placeholder filled: {home}");
    let survey = std::fs::read_to_string(dir.join("content/surveys/final.yaml")).unwrap();
    assert!(
        survey.contains("RAG") && !survey.contains("LLAMA"),
        "{survey}"
    );
    let sample = std::fs::read_to_string(dir.join("content/mentors/sample-mentor.yaml")).unwrap();
    assert!(sample.contains("SAMPLE PROFILE") && sample.contains("(sample profile)"));

    let check = run(duos().arg("check").arg("--root").arg(&dir));
    assert!(
        check.status.success(),
        "duos check: {}",
        text(&check.stderr)
    );

    let site = tmp.path().join("site");
    let build = run(duos()
        .arg("build")
        .arg("--root")
        .arg(&dir)
        .arg("--out")
        .arg(&site));
    assert!(
        build.status.success(),
        "duos build: {}",
        text(&build.stderr)
    );
    let index = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        index.contains("Riverbend Mentoring Program"),
        "the home page"
    );
    assert!(index.contains("January 1, 2027"));
    let directory = std::fs::read_to_string(site.join("members/mentors/index.html")).unwrap();
    assert!(
        directory.contains("Sample Mentor (sample profile)"),
        "the sample profile is listed"
    );
}

#[test]
fn a_folder_that_is_not_empty_or_a_meeting_in_april_is_refused_and_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = init(tmp.path(), "2027-06-26");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is not empty"),
        "{}",
        text(&out.stderr)
    );
    assert!(!tmp.path().join("content").exists());

    let dir = tmp.path().join("april");
    let out = init(&dir, "2027-04-20");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("--annual-meeting") && err.contains("2027-04-20"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written");

    // No terminal to ask on, no flag: say which flag.
    let dir = tmp.path().join("no-date");
    let out = run(duos().arg("init").arg(&dir));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--annual-meeting YYYY-MM-DD is required"));
    assert!(!dir.exists());
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// One GET without cookies: the status line, headers and body.
fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    Ok(text(&response))
}

fn serve(dir: &Path, data: &Path, port: u16, today: &str, stderr: &Path) -> Server {
    let log = std::fs::File::create(stderr).unwrap();
    let child = duos()
        .arg("serve")
        .arg("--root")
        .arg(dir)
        .arg("--data")
        .arg(data)
        .args(["--port", &port.to_string(), "--today", today])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !get(port, "/").is_ok_and(|r| r.starts_with("HTTP/1.1 200")) {
        assert!(
            Instant::now() < deadline,
            "duos serve did not answer on {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

#[test]
fn a_new_program_serves_and_says_what_to_do_before_its_cohort_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("riverbend");
    assert!(init(&dir, "2027-06-26").status.success());

    // Before applications open: the server says when, and how to visit.
    let port = free_port();
    let log = tmp.path().join("serve-early.log");
    let server = serve(&dir, &tmp.path().join("data"), port, "2026-12-02", &log);
    let home = get(port, "/").unwrap();
    assert!(home.contains("Riverbend Mentoring Program"));
    let members = get(port, "/members/").unwrap();
    assert!(members.starts_with("HTTP/1.1 303"), "{members}");
    // The roster template was imported: its sample people can sign in.
    let chooser = get(port, "/auth/dev").unwrap();
    assert!(chooser.contains("Sample Chair (sample)"), "{chooser}");
    assert!(chooser.contains("Sample New Member (sample)"), "{chooser}");
    drop(server);
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(
        said.contains("No cohort is open on 2026-12-02")
            && said.contains("2027–2028")
            && said.contains("--today 2027-01-01"),
        "{said}"
    );

    // In the application window it says nothing of the kind.
    let port = free_port();
    let log = tmp.path().join("serve-open.log");
    let server = serve(&dir, &tmp.path().join("data2"), port, "2027-01-01", &log);
    drop(server);
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(!said.contains("No cohort is open"), "{said}");
}
