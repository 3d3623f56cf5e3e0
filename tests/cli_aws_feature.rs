//! `--table` in both builds of `duos`: the default one (the README's first
//! command; no AWS SDK compiled) says how to get AWS support and touches
//! nothing; the `aws` build goes on to the table's own checks.
//! `scripts/test.sh` runs this file in both builds.

use std::process::Command;

fn duos() -> Command {
    Command::new(env!("CARGO_BIN_EXE_duos"))
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("duos runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const WITHOUT_AWS: &str = "this duos was built without AWS support";

#[test]
fn table_commands_name_the_aws_feature_only_when_it_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = dir.path().join("report");
    let cases: [Vec<&str>; 2] = [
        // Reading: a report of the table (port 9: nothing listens).
        vec![
            "report",
            "--cohort",
            "2008",
            "--table",
            "duos-Table",
            "--endpoint",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
        ],
        // The scheduled job by hand, which also needs SES and SSM.
        vec!["tick", "--table", "duos-Table", "--root", root],
    ];
    for args in cases {
        let mut cmd = duos();
        cmd.args(&args).env_remove("DUOS_MAIL_FROM");
        if args[0] == "report" {
            cmd.arg("--out").arg(&out);
            // No credentials are looked up beyond these (a failed call, not
            // a hanging one).
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
                .env("AWS_MAX_ATTEMPTS", "1");
        }
        let (code, err) = run(&mut cmd);
        assert_ne!(code, 0, "{args:?}: {err}");
        if cfg!(feature = "aws") {
            assert!(!err.contains(WITHOUT_AWS), "{args:?}: {err}");
            if args[0] == "tick" {
                assert!(err.contains("--table needs --mail-from"), "{err}");
            }
        } else {
            assert!(err.contains(WITHOUT_AWS), "{args:?}: {err}");
            assert!(err.contains("--features aws"), "{args:?}: {err}");
        }
    }
    assert!(!out.exists(), "nothing written");
}
