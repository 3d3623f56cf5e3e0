//! What the Lambda packages must not link again (their size, BENCHMARKS.md
//! "Lambda packages"): HTTP/2, which the SDK's own HTTP client always
//! compiles (the functions use `duos_aws::Http1Client`), and the SSM SDK
//! client (the secrets are read with `duos_aws::get_secure_string`). A
//! dependency that brings either back fails here, not only in the size
//! bench nobody runs on every change.

use std::path::Path;

fn workspace_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names of the packages in `Cargo.lock`.
fn locked_packages(lock: &str) -> Vec<&str> {
    lock.lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .collect()
}

/// The dependency names of `[section]` in a Cargo.toml.
fn dependencies<'a>(manifest: &'a str, section: &str) -> Vec<&'a str> {
    let header = format!("[{section}]");
    manifest
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn no_http2_and_no_sdk_http_client_in_the_lock_file() {
    let lock = workspace_file("Cargo.lock");
    let packages = locked_packages(&lock);
    assert!(packages.contains(&"aws-sdk-dynamodb"), "read the lock file");
    for unwanted in ["h2", "aws-smithy-http-client"] {
        assert!(
            !packages.contains(&unwanted),
            "{unwanted} is back in Cargo.lock: the AWS clients' HTTP client is duos_aws::Http1Client (HTTP/1.1)"
        );
    }
}

#[test]
fn the_functions_do_not_depend_on_the_ssm_sdk_client() {
    let manifest = workspace_file("lambda/Cargo.toml");
    let linked = dependencies(&manifest, "dependencies");
    assert!(
        linked.contains(&"functions"),
        "read the manifest: {linked:?}"
    );
    assert!(
        !linked.contains(&"aws-sdk-ssm"),
        "the functions read their secrets with duos_aws::get_secure_string, not the SSM client"
    );
    let aws = workspace_file("aws/Cargo.toml");
    assert!(
        !dependencies(&aws, "dependencies").contains(&"aws-sdk-ssm"),
        "duos-aws reads SSM with a signed request of its own"
    );
}
