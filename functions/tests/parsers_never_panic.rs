//! Property tests of every parser of `functions` that reads outside input
//! (issue 14): request bodies (form and JSON), cookies and the session
//! token, OpenID ID tokens (JWTs), the roster CSV, consent tokens, and the
//! whole router over arbitrary requests. For any input: no panic, and every
//! refusal is an error with a message (a problem+json with a detail, or a
//! row error naming what is wrong). [`CASES`] cases a property.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use functions::auth::jwt::{self, Expectations, Jwk};
use functions::auth::session::{issue_session, read_session, SessionConfig};
use functions::http::body::{self, Shape};
use functions::roster::parse_roster;
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

/// Cases per property (also the count written in the closing note).
const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}|.{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_owned())),
        Just(Some("application/x-www-form-urlencoded".to_owned())),
        Just(Some(
            "application/merge-patch+json; charset=utf-8".to_owned()
        )),
        Just(Some("text/plain".to_owned())),
        "[ -~]{0,40}".prop_map(Some),
    ]
}

/// A body: raw bytes, JSON text (valid or cut short) or form pairs.
fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        (json_value(), any::<prop::sample::Index>()).prop_map(|(v, i)| {
            let s = v.to_string().into_bytes();
            let cut = i.index(s.len() + 1);
            s[..cut].to_vec()
        }),
        prop::collection::vec(("[a-z_]{1,10}|.{0,6}", ".{0,20}"), 0..8).prop_map(|pairs| {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                ser.append_pair(&k, &v);
            }
            ser.finish().into_bytes()
        }),
    ]
}

fn headers_with(name: &str, value: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(v) = value.and_then(|v| HeaderValue::from_str(v).ok()) {
        h.insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), v);
    }
    h
}

fn assert_problem(p: &functions::http::problem::Problem) {
    assert!(
        (400..500).contains(&p.status),
        "a refusal of input is a 4xx: {p:?}"
    );
    assert!(
        !p.detail.trim().is_empty(),
        "a problem without a detail: {p:?}"
    );
    for e in &p.errors {
        assert!(!e.field.is_empty() && !e.message.trim().is_empty(), "{e:?}");
    }
}

/// A typed body as the handlers decode them: fields of several types,
/// unknown fields refused.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Typed {
    side: String,
    years_involvement: Option<u32>,
    interests: Option<Vec<String>>,
    answers: Option<std::collections::BTreeMap<String, Value>>,
}

fn session_config() -> SessionConfig {
    SessionConfig::new(
        b"property-test session secret: not for production!".to_vec(),
        "https://mentoring.example.org",
    )
    .unwrap()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

proptest! {
    #![proptest_config(config())]

    /// Form and JSON bodies: parsed by their content type, then shaped
    /// into an object and decoded; every refusal a 4xx with a detail.
    #[test]
    fn request_bodies_never_panic(ct in content_type(), bytes in body_bytes(), lists in any::<bool>()) {
        let headers = headers_with("content-type", ct.as_deref());
        let _ = body::is_form(&headers);
        match body::parse(&headers, &bytes) {
            Ok(mut parsed) => {
                let _ = parsed.take_csrf();
                let shape = Shape {
                    lists: if lists { &["interests", "expertise", "answers"] } else { &[] },
                    numbers: &["years_involvement", "satisfaction"],
                    repeated_are_lists: lists,
                };
                match parsed.clone().into_object(shape) {
                    Ok(object) => {
                        if let Err(p) = body::decode::<Typed>(object) {
                            assert_problem(&p);
                        }
                    }
                    Err(p) => assert_problem(&p),
                }
                if let Err(p) = parsed.decode::<std::collections::BTreeMap<String, String>>(shape) {
                    assert_problem(&p);
                }
            }
            Err(p) => assert_problem(&p),
        }
    }

    /// Any Cookie header: never a session, and never a panic.
    #[test]
    fn cookies_never_make_a_session(cookie in "[ -~]{0,300}") {
        let cfg = session_config();
        let headers = headers_with("cookie", Some(&cookie));
        prop_assert!(read_session(&cfg, &headers, at(1_200_000_000)).is_none());
    }

    /// A real session token changed anywhere, or cut, or under another
    /// cookie name: either refused or (a change in unused base64 bits)
    /// still the same member's session, never another's.
    #[test]
    fn tampered_session_tokens_are_refused(
        pos in any::<prop::sample::Index>(),
        with in "[A-Za-z0-9_.=-]",
        cut in any::<prop::sample::Index>(),
        name in "[a-z_]{1,16}",
    ) {
        let cfg = session_config();
        let now = at(1_200_000_000);
        let issued = issue_session(&cfg, "M2001", now);
        let pair = issued.set_cookie.split(';').next().unwrap().to_owned();
        let (cookie_name, token) = pair.split_once('=').unwrap();
        let mut chars: Vec<char> = token.chars().collect();
        let i = pos.index(chars.len());
        chars[i] = with.chars().next().unwrap();
        let changed: String = chars.into_iter().collect();
        let short = &token[..cut.index(token.len())];
        for value in [format!("{cookie_name}={changed}"), format!("{cookie_name}={short}")] {
            let headers = headers_with("cookie", Some(&value));
            if let Some(s) = read_session(&cfg, &headers, now) {
                prop_assert_eq!(s.member_id, "M2001");
            }
        }
        if name != cookie_name {
            let headers = headers_with("cookie", Some(&format!("{name}={token}")));
            prop_assert!(read_session(&cfg, &headers, now).is_none());
        }
        // The untouched token is the member's session until it expires.
        let headers = headers_with("cookie", Some(&pair));
        prop_assert_eq!(read_session(&cfg, &headers, now).unwrap().member_id, "M2001");
        prop_assert!(read_session(&cfg, &headers, at(1_300_000_000)).is_none());
    }

    /// ID tokens: arbitrary text, or three base64url parts holding
    /// arbitrary JSON; decoded, then verified with an arbitrary key: never
    /// verified, every refusal a TokenError with a message.
    #[test]
    fn id_tokens_never_verify_by_accident(
        raw in "[A-Za-z0-9_.=-]{0,200}",
        header in json_value(),
        claims in json_value(),
        sig in prop::collection::vec(any::<u8>(), 0..300),
        kty in prop_oneof![Just("RSA"), Just("EC"), Just("oct"), Just("")],
        n in "[A-Za-z0-9_-]{0,80}",
        e in "[A-Za-z0-9_-]{0,8}",
        alg in prop_oneof![Just("RS256"), Just("ES256"), Just("none"), Just("HS256")],
    ) {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut header = header;
        if let Value::Object(m) = &mut header {
            m.insert("alg".into(), Value::from(alg));
        }
        let shaped = format!(
            "{}.{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string()),
            b64.encode(&sig)
        );
        let key = Jwk {
            kty: kty.to_owned(),
            n: Some(n.clone()),
            e: Some(e),
            crv: Some("P-256".into()),
            x: Some(n.clone()),
            y: Some(n),
            ..Jwk::default()
        };
        let algs = vec!["RS256".to_owned(), "ES256".to_owned()];
        let expect = Expectations {
            issuer: "https://id.example.org",
            client_id: "duos",
            nonce: "n-123",
            allowed_algs: &algs,
            now: at(1_200_000_000),
            leeway: Duration::from_secs(60),
        };
        for token in [raw.as_str(), shaped.as_str()] {
            match jwt::decode(token) {
                Ok(u) => {
                    if let Err(e) = u.check_alg(&algs) {
                        prop_assert!(!e.to_string().is_empty());
                    }
                    let verified = u.verify(&key, &expect);
                    prop_assert!(verified.is_err(), "verified: {token}");
                    prop_assert!(!verified.unwrap_err().to_string().is_empty());
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

    /// The roster CSV: arbitrary bytes, or a header and rows of arbitrary
    /// cells; each refusal names a line or the file and says what.
    #[test]
    fn roster_csv_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        rows in prop::collection::vec(prop::collection::vec("[^\r\n]{0,14}", 0..7), 0..6),
        header in prop_oneof![
            Just("member_id,name,email,joined,category,good_standing".to_owned()),
            "[a-z_,]{0,60}",
        ],
        categories in any::<bool>(),
    ) {
        let mut text = header;
        for r in &rows {
            text.push('\n');
            text.push_str(&r.join(","));
        }
        let cats = vec!["Personal".to_owned(), "Student".to_owned()];
        for input in [bytes.as_slice(), text.as_bytes()] {
            match parse_roster(input, categories.then_some(cats.as_slice())) {
                Ok(parsed) => {
                    for row in parsed {
                        prop_assert!(!row.member.member_id.is_empty());
                    }
                }
                Err(errors) => {
                    prop_assert!(!errors.0.is_empty());
                    for e in &errors.0 {
                        prop_assert!(!e.message.trim().is_empty(), "{e:?}");
                    }
                }
            }
        }
    }
}

/// Paths of the API with `{id}` filled by arbitrary (percent-encoded) text.
fn api_path() -> impl Strategy<Value = (String, String)> {
    let routes: Vec<(&str, &str)> = functions::router::ROUTES
        .iter()
        .map(|r| (r.method, r.path))
        .collect();
    (
        prop::sample::select(routes),
        ".{0,24}",
        "[ -~]{0,30}",
        prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")],
        any::<bool>(),
    )
        .prop_map(|((method, path), id, query, other, keep)| {
            let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
            let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
            let path = path.replace("{id}", &enc);
            let method = if keep { method } else { other };
            (method.to_owned(), format!("{path}?cohort={q}&token={q}"))
        })
}

/// The whole router over arbitrary requests from a signed-in member (the
/// CSRF token sent): no panic, no 500, every refusal a problem+json with a
/// detail. Consent tokens are among them: `/api/nominations/consent` with
/// any `token`.
#[test]
fn the_router_never_panics_on_any_request() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (store, _dir) = support::embedded_store();
    let t = support::app::TestApp::new(store);
    rt.block_on(async {
        t.add_committee().await;
        t.add_member("E3001", "2007-09-01").await;
    });
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let who = prop_oneof![Just("E3001"), Just("M1001"), Just("")];
    runner
        .run(
            &(api_path(), content_type(), body_bytes(), who),
            |((method, path), ct, bytes, who)| {
                let caller = if who.is_empty() {
                    t.anonymous()
                } else {
                    t.as_member(who)
                };
                let mut req = caller.request(&method, &path);
                if let Some(ct) = ct.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
                    req.headers_mut().insert("content-type", ct);
                }
                *req.body_mut() = bytes;
                let r = rt.block_on(t.send(req));
                prop_assert!(r.status < 500, "{method} {path}: {} {}", r.status, r.text());
                if r.status >= 400 && r.header("content-type") == Some("application/problem+json") {
                    let v = r.json();
                    prop_assert!(v["detail"].as_str().is_some_and(|d| !d.trim().is_empty()));
                }
                Ok(())
            },
        )
        .unwrap();
}

/// Requests the properties above found panicking or misreported in CI and
/// in longer runs (20,000 cases a property), kept as fixed cases. Form
/// fields whose names look like broken paths (`[[]]`, `["]¡"]`) panicked
/// the profile form's reading of its own errors; `=&=` was refused naming
/// the field "" (see `http::body`'s unit tests). Each is now a 400 page
/// that says what is wrong: the form again with its problems, or the
/// body's own problem.
#[test]
fn the_requests_once_found_are_refused_without_a_panic() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (store, _dir) = support::embedded_store();
    let t = support::app::TestApp::new(store.clone());
    rt.block_on(t.add_member("E3001", "2007-09-01"));
    for (body, says) in [
        ("[[]]", "[[]]: This field is not expected here."),
        ("[\"]\u{a1}\"]", "Nothing was saved."),
        ("]]", "Nothing was saved."),
        ("career[0]]x=1", "Nothing was saved."),
        ("=&=", "A field without a name was given more than once."),
    ] {
        let mut req = t.as_member("E3001").request("POST", "/api/profile");
        req.headers_mut().insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        *req.body_mut() = body.as_bytes().to_vec();
        let r = rt.block_on(t.send(req));
        assert_eq!(r.status, 400, "{body:?}: {}", r.text());
        assert!(r.text().contains(says), "{body:?}: {}", r.text());
    }
    // What the pages say: nothing was saved.
    let profile = rt
        .block_on(store.get(&duos_store::records::keys::profile("E3001")))
        .unwrap();
    assert!(profile.is_none(), "{profile:?}");
}

/// Consent answers with arbitrary tokens, as JSON and as a form: refused
/// with a problem that says why, nothing answered.
#[test]
fn consent_tokens_never_panic() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (store, _dir) = support::embedded_store();
    let t = support::app::TestApp::new(store);
    rt.block_on(t.add_member("E3001", "2007-09-01"));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(
                ".{0,80}",
                prop_oneof![
                    Just("consent".to_owned()),
                    Just("decline".to_owned()),
                    ".{0,6}"
                ],
                any::<bool>(),
            ),
            |(token, answer, form)| {
                let caller = t.as_member("E3001");
                let req = if form {
                    caller.post_form(
                        "/api/nominations/consent",
                        &[("token", token.as_str()), ("answer", answer.as_str())],
                    )
                } else {
                    caller.post_json(
                        "/api/nominations/consent",
                        &serde_json::json!({"token": token, "answer": answer}),
                    )
                };
                let r = rt.block_on(t.send(req));
                prop_assert!((400..500).contains(&r.status), "{} {}", r.status, r.text());
                if !form {
                    let v = r.json();
                    prop_assert!(v["detail"].as_str().is_some_and(|d| !d.trim().is_empty()));
                }
                Ok(())
            },
        )
        .unwrap();
}
