//! Whether the `duos` binary under test can reach AWS: `--table` needs the
//! crate's `aws` feature, which the default build (the README's first
//! command) leaves out. `scripts/test.sh` runs the tests with
//! `--features duos/aws`.

/// `true` in a build with the `aws` feature. Without it: a panic in CI
/// (where it would be a silent gap), else a loud skip line and `false`.
pub fn has_aws(what: &str) -> bool {
    if cfg!(feature = "aws") {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what} needs the `aws` feature: cargo test --features duos/aws (scripts/test.sh)");
    }
    eprintln!(
        "\n!!!!! SKIPPED {what}: duos is built without the `aws` feature (--table). \
         Run cargo test --features aws, or scripts/test.sh. !!!!!\n"
    );
    false
}
