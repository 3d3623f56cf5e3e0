//! `duos report` and `duos alumni export` as a committee member runs them:
//! the binary over the local data of `duos serve` (here: the seed roster,
//! imported with `duos roster import`), and their errors.

use std::path::Path;
use std::process::Command;

fn duos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duos"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("duos runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn report_and_alumni_export_write_their_files_from_local_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (code, _, err) = run(duos()
        .args(["roster", "import"])
        .arg(root().join("content/seed/roster.csv"))
        .arg("--data")
        .arg(&data));
    assert_eq!(code, 0, "{err}");

    let out = dir.path().join("report");
    let (code, stdout, err) = run(duos()
        .args([
            "report",
            "--cohort",
            "2008",
            "--as-of",
            "2009-05-15",
            "--root",
        ])
        .arg(root())
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("report.html"), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("2008"));
    for csv in [
        "applications.csv",
        "duos.csv",
        "response_rates.csv",
        "free_text.csv",
    ] {
        assert!(out.join(csv).is_file(), "{csv}");
    }

    let out = dir.path().join("alumni");
    let (code, stdout, err) = run(duos()
        .args([
            "alumni",
            "export",
            "--cohort",
            "2008",
            "--as-of",
            "2009-05-15",
            "--root",
        ])
        .arg(root())
        .arg("--data")
        .arg(&data)
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("cohort 2008: 0 alumni, 0 joined the group"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("alumni.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "the header only: {csv}");
}

#[test]
fn an_unknown_cohort_or_missing_data_is_exit_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["report", "--cohort", "1999"],
        vec!["alumni", "export", "--cohort", "1999"],
    ] {
        let (code, _, err) = run(duos()
            .args(&args)
            .arg("--root")
            .arg(root())
            .arg("--out")
            .arg(&out));
        assert_eq!(code, 1, "{args:?}");
        assert!(
            err.contains("there is no cohort \"1999\" in program.yaml (cohorts: 2008, 2009)"),
            "{err}"
        );
    }
    let (code, _, err) = run(duos()
        .args(["report", "--cohort", "2008", "--root"])
        .arg(root())
        .arg("--data")
        .arg(dir.path().join("empty"))
        .arg("--out")
        .arg(&out));
    assert_eq!(code, 1);
    assert!(err.contains("holds no data (duos.redb)"), "{err}");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_data_is_named_by_data_or_table_never_both() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["report", "--cohort", "2008"],
        vec!["alumni", "export", "--cohort", "2008"],
    ] {
        // The old spelling is gone: one group for every command (StoreArgs).
        let (code, _, err) = run(duos()
            .args(&args)
            .args(["--dynamodb", "duos-Table", "--out"])
            .arg(&out));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--dynamodb"), "{err}");
        let (code, _, err) = run(duos()
            .args(&args)
            .args(["--data", "x", "--table", "duos-Table", "--out"])
            .arg(&out));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("cannot be used with"), "{err}");
        let (code, _, err) = run(duos()
            .args(&args)
            .args(["--endpoint", "http://127.0.0.1:9", "--out"])
            .arg(&out));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("--table"), "{err}");
    }
    assert!(!out.exists(), "nothing written");
}
