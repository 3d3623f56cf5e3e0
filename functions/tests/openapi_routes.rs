//! `functions/openapi.yaml` documents exactly the router's routes (none
//! missing, none extra), and documents each the way the router answers it:
//! problem+json errors, the body limit, sign-in and, for POSTs, the CSRF
//! header, JSON and form bodies and the form's 303.

use std::collections::BTreeSet;

use functions::router::ROUTES;
use serde_yaml::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("functions/openapi.yaml");
    serde_yaml::from_str(&text).expect("openapi.yaml is YAML")
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `(METHOD, path)` of every operation in the document.
fn documented(spec: &Value) -> BTreeSet<(String, String)> {
    let paths = spec["paths"].as_mapping().expect("paths");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().expect("path is a string");
        for (key, _) in item.as_mapping().expect("path item") {
            let key = key.as_str().unwrap();
            if METHODS.contains(&key) {
                out.insert((key.to_ascii_uppercase(), path.to_owned()));
            }
        }
    }
    out
}

/// Follows a local `$ref` (`#/components/...`).
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let mut target = spec;
            for part in reference.trim_start_matches("#/").split('/') {
                target = target
                    .get(part)
                    .unwrap_or_else(|| panic!("dangling $ref {reference}"));
            }
            resolve(spec, target)
        }
        None => node,
    }
}

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    &spec["paths"][path][method.to_ascii_lowercase().as_str()]
}

#[test]
fn paths_and_methods_equal_the_router_table() {
    let spec = spec();
    assert!(
        spec["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1"
    );
    let documented = documented(&spec);
    let routed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(routed.len(), ROUTES.len(), "ROUTES has a duplicate");
    let missing: Vec<_> = routed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "openapi.yaml and router::ROUTES differ\n  routed, not documented: {missing:?}\n  documented, not routed: {extra:?}"
    );
}

#[test]
fn every_operation_documents_errors_security_and_bodies() {
    let spec = spec();
    let global_security = &spec["security"];
    let mut operation_ids = BTreeSet::new();
    for route in ROUTES {
        let op = operation(&spec, route.method, route.path);
        let what = format!("{} {}", route.method, route.path);
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: operationId"));
        assert!(
            operation_ids.insert(id.to_owned()),
            "{what}: operationId {id} twice"
        );
        assert!(op["summary"].is_string(), "{what}: summary");

        let responses = op["responses"]
            .as_mapping()
            .unwrap_or_else(|| panic!("{what}: responses"));
        let codes: BTreeSet<&str> = responses.keys().filter_map(Value::as_str).collect();
        let success = if route.method == "GET" {
            &["200"][..]
        } else {
            &["200", "201"][..]
        };
        assert!(
            success.iter().any(|c| codes.contains(c)),
            "{what}: no success response in {codes:?}"
        );
        let mut expected = vec!["401", "403", "404", "405", "413"];
        if route.method == "POST" {
            expected.extend(["400", "409", "415", "303"]);
        }
        for code in expected {
            assert!(codes.contains(code), "{what}: no {code} response");
        }
        for (code, response) in responses {
            let code = code.as_str().unwrap();
            let response = resolve(&spec, response);
            assert!(
                response["description"].is_string(),
                "{what} {code}: description"
            );
            if code.starts_with('4') || code.starts_with('5') {
                let problem = &response["content"]["application/problem+json"]["schema"];
                assert_eq!(
                    problem["$ref"].as_str(),
                    Some("#/components/schemas/Problem"),
                    "{what} {code}: errors are application/problem+json Problems"
                );
            }
        }
        assert!(
            resolve(&spec, responses.get("405").expect("405"))["headers"]["Allow"].is_mapping(),
            "{what}: 405 names Allow"
        );

        let security = op.get("security").unwrap_or(global_security);
        let schemes: BTreeSet<&str> = security
            .as_sequence()
            .and_then(|s| s.first())
            .and_then(Value::as_mapping)
            .map(|m| m.keys().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            schemes.contains("session"),
            "{what}: needs the session cookie"
        );
        if route.method == "POST" {
            assert!(
                schemes.contains("csrf"),
                "{what}: POST needs the CSRF header"
            );
            let body = resolve(&spec, &op["requestBody"]);
            let content = body["content"]
                .as_mapping()
                .unwrap_or_else(|| panic!("{what}: requestBody"));
            assert!(
                content.contains_key("application/json"),
                "{what}: JSON body"
            );
            if route.form {
                assert!(
                    content.contains_key("application/x-www-form-urlencoded"),
                    "{what}: form body"
                );
            }
            let params = op["parameters"].as_sequence().cloned().unwrap_or_default();
            assert!(
                params
                    .iter()
                    .any(|p| resolve(&spec, p)["name"] == "Idempotency-Key"),
                "{what}: Idempotency-Key"
            );
        } else {
            assert!(op.get("requestBody").is_none(), "{what}: GET has no body");
        }
        for segment in route.path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            let params = op["parameters"].as_sequence().cloned().unwrap_or_default();
            assert!(
                params.iter().any(|p| {
                    let p = resolve(&spec, p);
                    p["name"] == name && p["in"] == "path" && p["required"] == true
                }),
                "{what}: path parameter {name}"
            );
        }
    }
}

#[test]
fn security_schemes_name_the_real_cookie_and_header() {
    let spec = spec();
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    let config =
        functions::auth::SessionConfig::new(vec![7; 32], "https://mentoring.example.org").unwrap();
    assert_eq!(
        schemes["session"]["name"].as_str(),
        Some(config.cookie_name.as_str())
    );
    assert_eq!(schemes["csrf"]["in"], "header");
    assert_eq!(
        schemes["csrf"]["name"]
            .as_str()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some(functions::auth::CSRF_HEADER)
    );
    let form = &spec["components"]["schemas"]["FormCsrf"]["properties"];
    assert!(form.get(functions::auth::CSRF_FORM_FIELD).is_some());
}

#[test]
fn every_reference_resolves() {
    fn walk(spec: &Value, node: &Value) {
        match node {
            Value::Mapping(map) => {
                if let Some(reference) = map.get("$ref") {
                    resolve(spec, node);
                    assert!(reference.as_str().is_some_and(|r| r.starts_with("#/")));
                }
                for value in map.values() {
                    walk(spec, value);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|v| walk(spec, v)),
            _ => {}
        }
    }
    let spec = spec();
    walk(&spec, &spec);
}
