//! The CloudFront pretty-URL function of `infra/template.yaml`
//! (`PrettyUrlsFunction`), run as written under node: directory URLs gain
//! `index.html` or a trailing slash, and no request is ever redirected off
//! the site (security finding 3: `//evil%2Ecom` was answered with
//! `Location: //evil%2Ecom/`, a protocol-relative URL to another host).
//!
//! Needs `node`. Outside CI a machine without it prints "skipped"; in CI
//! (`CI=true`) a missing node fails the test.

use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

/// The function's JavaScript, exactly as CloudFront receives it.
fn function_code() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let t: Value = serde_yaml::from_str(&text).unwrap();
    t["Resources"]["PrettyUrlsFunction"]["Properties"]["FunctionCode"]
        .as_str()
        .expect("PrettyUrlsFunction has its code inline (FunctionCode)")
        .to_owned()
}

fn node_available() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true"),
            "node is needed to run the CloudFront function (CI=true)"
        );
        eprintln!("skipped: node is not installed");
    }
    ok
}

/// Runs the function on each URI; for each, `(uri, "request" | "redirect",
/// the request's new uri or the Location, the status)`.
fn run(uris: &[&str]) -> Vec<(String, String, String, u16)> {
    let dir = tempfile::tempdir().unwrap();
    let harness = format!(
        "{code}\n\
         const uris = JSON.parse(process.argv[2]);\n\
         const out = uris.map((uri) => {{\n\
           const r = handler({{ request: {{ uri, method: 'GET', querystring: {{}}, headers: {{}} }} }});\n\
           if (r.statusCode) return [uri, 'redirect', r.headers.location.value, r.statusCode];\n\
           return [uri, 'request', r.uri, 0];\n\
         }});\n\
         process.stdout.write(JSON.stringify(out));\n",
        code = function_code()
    );
    let file = dir.path().join("pretty_urls.js");
    std::fs::write(&file, harness).unwrap();
    let out = Command::new("node")
        .arg(&file)
        .arg(serde_json::to_string(uris).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Where a browser on the site goes when told `Location: location`.
fn resolve(location: &str) -> String {
    url::Url::parse("https://mentoring.example.org/about/")
        .unwrap()
        .join(location)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|e| format!("unparsable: {e}"))
}

#[test]
fn pretty_url_redirects_never_leave_the_site() {
    if !node_available() {
        return;
    }
    let attacks = [
        "//evil%2Ecom",
        "//evil.com/x",
        "///evil%2Ecom",
        "/\\evil%2Ecom",
        "/\\/evil%2Ecom",
        "\\\\evil%2Ecom",
        "/%2F/evil%2Ecom",
        "//evil%2Ecom//x",
    ];
    for (uri, kind, target, status) in run(&attacks) {
        if kind == "redirect" {
            assert_eq!(status, 301, "{uri}");
            assert!(
                target.starts_with('/') && !target.starts_with("//"),
                "{uri} redirected to {target}"
            );
            assert!(!target.contains('\\'), "{uri} redirected to {target}");
            assert_eq!(
                resolve(&target),
                "https://mentoring.example.org",
                "{uri} -> {target}"
            );
        }
    }
    // The exact reproduction: a redirect to the same path on this site.
    let repro = run(&["//evil%2Ecom"]);
    assert_eq!(repro[0].1, "redirect");
    assert_eq!(repro[0].2, "/evil%2Ecom/");
}

#[test]
fn pretty_urls_still_add_index_html_and_the_trailing_slash() {
    if !node_available() {
        return;
    }
    let got = run(&["/", "/about/", "/about", "/mentors/ada", "/css/site.css"]);
    let want = [
        ("/", "request", "/index.html", 0),
        ("/about/", "request", "/about/index.html", 0),
        ("/about", "redirect", "/about/", 301),
        ("/mentors/ada", "redirect", "/mentors/ada/", 301),
        ("/css/site.css", "request", "/css/site.css", 0),
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (g.0.as_str(), g.1.as_str(), g.2.as_str(), g.3),
            w,
            "{}",
            g.0
        );
    }
}
