//! Forged and replayed sign-ins are refused. A tiny OpenID provider runs in
//! the test on 127.0.0.1 (discovery, JWKS, token endpoint); each case has it
//! hand back a crafted ID token, and the whole callback must refuse it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use functions::auth::{
    handle_auth, AuthService, MemoryDirectory, OidcConfig, SessionConfig, SignInMember,
};
use http::header::{COOKIE, LOCATION, SET_COOKIE};
use http::{Method, Request, Response, StatusCode};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SITE: &str = "http://localhost:8080";
const REDIRECT: &str = "http://localhost:8080/auth/callback";
const CLIENT: &str = "duos-client";

// ---------------------------------------------------------------------------
// The fake provider.

#[derive(Default)]
struct FakeState {
    jwks: Value,
    id_token: String,
    jwks_hits: usize,
    token_bodies: Vec<String>,
}

struct Fake {
    issuer: String,
    state: Arc<Mutex<FakeState>>,
}

async fn start_fake() -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(Mutex::new(FakeState::default()));
    let (st, iss) = (state.clone(), issuer.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let (st, iss) = (st.clone(), iss.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_end, content_length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..pos]).to_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            .unwrap_or(0);
                        break (pos + 4, len);
                    }
                };
                while buf.len() < head_end + content_length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (status, answer) = {
                    let mut s = st.lock().unwrap();
                    match path.as_str() {
                        "/.well-known/openid-configuration" => (
                            200,
                            json!({
                                "issuer": iss,
                                "authorization_endpoint": format!("{iss}/authorize"),
                                "token_endpoint": format!("{iss}/token"),
                                "jwks_uri": format!("{iss}/jwks"),
                                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                                "code_challenge_methods_supported": ["S256"],
                            }),
                        ),
                        "/jwks" => {
                            s.jwks_hits += 1;
                            (200, s.jwks.clone())
                        }
                        "/token" => {
                            s.token_bodies.push(body);
                            (
                                200,
                                json!({"access_token": "at", "token_type": "Bearer", "id_token": s.id_token}),
                            )
                        }
                        _ => (404, json!({"error": "not_found"})),
                    }
                };
                let text = answer.to_string();
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Fake { issuer, state }
}

// ---------------------------------------------------------------------------
// Keys and tokens.

struct Key {
    pair: EcdsaKeyPair,
    kid: String,
}

fn new_key(kid: &str) -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    Key {
        pair,
        kid: kid.into(),
    }
}

impl Key {
    fn point(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }

    fn jwk(&self) -> Value {
        let p = self.point();
        json!({
            "kty": "EC", "crv": "P-256", "kid": self.kid, "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&p[1..33]), "y": URL_SAFE_NO_PAD.encode(&p[33..65]),
        })
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64json(header), b64json(claims));
        let sig = self
            .pair
            .sign(&SystemRandom::new(), input.as_bytes())
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
    }

    fn token(&self, claims: &Value) -> String {
        self.sign(
            &json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"}),
            claims,
        )
    }
}

fn b64json(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// ---------------------------------------------------------------------------
// Driving the flow.

struct Flow {
    state: String,
    nonce: String,
    challenge: String,
    cookies: Vec<String>,
}

fn service(fake: &Fake, refresh: Duration) -> AuthService {
    let session = SessionConfig::new(vec![9u8; 32], SITE).unwrap();
    let mut oidc = OidcConfig::new(&fake.issuer, CLIENT, REDIRECT);
    oidc.jwks_refresh_interval = refresh;
    let members = MemoryDirectory::new(vec![SignInMember {
        member_id: "m-7".into(),
        name: "Grace".into(),
        email: "grace@example.org".into(),
        good_standing: true,
    }]);
    AuthService::new(session, oidc, Arc::new(members)).unwrap()
}

fn set_cookies(resp: &Response<Vec<u8>>) -> Vec<String> {
    resp.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

fn get(path: &str, cookies: &[String]) -> Request<Vec<u8>> {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if !cookies.is_empty() {
        b = b.header(COOKIE, cookies.join("; "));
    }
    b.body(Vec::new()).unwrap()
}

async fn login(svc: &AuthService) -> Flow {
    let resp = handle_auth(svc, &get("/auth/login?next=/members/x/", &[]))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let params: BTreeMap<String, String> =
        url::Url::parse(resp.headers()[LOCATION].to_str().unwrap())
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
    Flow {
        state: params["state"].clone(),
        nonce: params["nonce"].clone(),
        challenge: params["code_challenge"].clone(),
        cookies: set_cookies(&resp)
            .iter()
            .map(|c| c.split(';').next().unwrap().to_string())
            .collect(),
    }
}

async fn callback(svc: &AuthService, flow: &Flow) -> Response<Vec<u8>> {
    let path = format!("/auth/callback?code=the-code&state={}", flow.state);
    handle_auth(svc, &get(&path, &flow.cookies)).await.unwrap()
}

fn claims(fake: &Fake, nonce: &str) -> Value {
    json!({
        "iss": fake.issuer, "aud": CLIENT, "sub": "idp-7", "nonce": nonce,
        "iat": now(), "exp": now() + 300,
        "email": "grace@example.org", "email_verified": true,
    })
}

fn has_session(resp: &Response<Vec<u8>>) -> bool {
    set_cookies(resp)
        .iter()
        .any(|c| c.starts_with("duos_session=") && !c.starts_with("duos_session=;"))
}

fn assert_refused(resp: &Response<Vec<u8>>, what: &str) {
    assert!(
        resp.status() == StatusCode::FORBIDDEN || resp.status() == StatusCode::BAD_REQUEST,
        "{what}: status {}",
        resp.status()
    );
    assert!(!has_session(resp), "{what}: a session was issued");
}

/// Runs one sign-in whose ID token `make` crafts from the flow's nonce.
async fn attempt(
    fake: &Fake,
    svc: &AuthService,
    make: impl FnOnce(&str) -> String,
) -> Response<Vec<u8>> {
    let flow = login(svc).await;
    fake.state.lock().unwrap().id_token = make(&flow.nonce);
    callback(svc, &flow).await
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_good_token_signs_in_and_pkce_is_sent() {
    let fake = start_fake().await;
    let key = new_key("k1");
    fake.state.lock().unwrap().jwks = json!({"keys": [key.jwk()]});
    let svc = service(&fake, Duration::from_secs(60));
    let flow = login(&svc).await;
    fake.state.lock().unwrap().id_token = key.token(&claims(&fake, &flow.nonce));
    let resp = callback(&svc, &flow).await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        String::from_utf8_lossy(resp.body())
    );
    assert_eq!(resp.headers()[LOCATION], "/members/x/");
    assert!(has_session(&resp));

    // The code exchange carried a verifier matching the challenge.
    let body = fake.state.lock().unwrap().token_bodies[0].clone();
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "the-code");
    assert_eq!(form["redirect_uri"], REDIRECT);
    let digest = ring::digest::digest(&ring::digest::SHA256, form["code_verifier"].as_bytes());
    assert_eq!(URL_SAFE_NO_PAD.encode(digest.as_ref()), flow.challenge);

    // Replaying the same answer (same cookie, same state) is refused.
    let replay = callback(&svc, &flow).await;
    assert_refused(&replay, "replayed state");
    assert!(String::from_utf8_lossy(replay.body()).contains("already used"));
}

/// The claims of a good token for `nonce`, changed by `edit`.
fn edited(issuer: &str, nonce: &str, edit: fn(&mut Value)) -> Value {
    let mut c = json!({
        "iss": issuer, "aud": CLIENT, "sub": "idp-7", "nonce": nonce,
        "iat": now(), "exp": now() + 300,
        "email": "grace@example.org", "email_verified": true,
    });
    edit(&mut c);
    c
}

type Make = Box<dyn FnOnce(&str) -> String>;

#[tokio::test]
async fn forged_tokens_are_refused() {
    let fake = start_fake().await;
    let key = Arc::new(new_key("k1"));
    fake.state.lock().unwrap().jwks = json!({"keys": [key.jwk()]});
    let svc = service(&fake, Duration::from_secs(60));
    let iss = fake.issuer.clone();

    // Signed with the right key, claims edited.
    let signed = |edit: fn(&mut Value)| -> Make {
        let (key, iss) = (key.clone(), iss.clone());
        Box::new(move |n: &str| key.token(&edited(&iss, n, edit)))
    };
    let cases: Vec<(&str, Make)> = vec![
        ("alg none", {
            let iss = iss.clone();
            Box::new(move |n: &str| {
                format!(
                    "{}.{}.",
                    b64json(&json!({"alg": "none", "kid": "k1"})),
                    b64json(&edited(&iss, n, |_| {}))
                )
            })
        }),
        ("HS256 signed with the public key", {
            let (iss, public) = (iss.clone(), key.point().to_vec());
            Box::new(move |n: &str| {
                let input = format!(
                    "{}.{}",
                    b64json(&json!({"alg": "HS256", "kid": "k1"})),
                    b64json(&edited(&iss, n, |_| {}))
                );
                let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &public);
                let tag = ring::hmac::sign(&k, input.as_bytes());
                format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
            })
        }),
        ("signed by another key with the same kid", {
            let (iss, other) = (iss.clone(), new_key("k1"));
            Box::new(move |n: &str| other.token(&edited(&iss, n, |_| {})))
        }),
        ("RS256 header on an EC key's signature", {
            let (iss, key) = (iss.clone(), key.clone());
            Box::new(move |n: &str| {
                key.sign(
                    &json!({"alg": "RS256", "kid": "k1"}),
                    &edited(&iss, n, |_| {}),
                )
            })
        }),
        (
            "wrong issuer",
            signed(|c| c["iss"] = json!("https://evil.example")),
        ),
        (
            "wrong audience",
            signed(|c| c["aud"] = json!("another-client")),
        ),
        (
            "several audiences without azp",
            signed(|c| c["aud"] = json!([CLIENT, "another-client"])),
        ),
        ("expired", signed(|c| c["exp"] = json!(now() - 120))),
        (
            "not valid yet (nbf)",
            signed(|c| c["nbf"] = json!(now() + 600)),
        ),
        (
            "issued in the future (iat)",
            signed(|c| c["iat"] = json!(now() + 600)),
        ),
        (
            "no nonce",
            signed(|c| {
                c.as_object_mut().unwrap().remove("nonce");
            }),
        ),
        ("wrong nonce", {
            let (iss, key) = (iss.clone(), key.clone());
            Box::new(move |_n: &str| key.token(&edited(&iss, "a-nonce-of-another-sign-in", |_| {})))
        }),
        ("tampered payload", {
            let (iss, key) = (iss.clone(), key.clone());
            Box::new(move |n: &str| {
                let token = key.token(&edited(&iss, n, |_| {}));
                let parts: Vec<&str> = token.split('.').collect();
                let forged = edited(&iss, n, |c| {
                    c["sub"] = json!("idp-someone-else");
                    c["email"] = json!("chair@example.org");
                });
                format!("{}.{}.{}", parts[0], b64json(&forged), parts[2])
            })
        }),
        ("not a JWT", Box::new(|_n: &str| "not.a-jwt".to_string())),
    ];
    for (what, make) in cases {
        let resp = attempt(&fake, &svc, make).await;
        assert_refused(&resp, what);
    }
    // The same service still signs in a good token.
    let resp = attempt(&fake, &svc, |n| key.token(&edited(&iss, n, |_| {}))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unknown_kid_refreshes_the_key_set_once_then_refuses() {
    let fake = start_fake().await;
    let key = new_key("k1");
    fake.state.lock().unwrap().jwks = json!({"keys": [key.jwk()]});
    let svc = service(&fake, Duration::from_secs(60));

    // A good sign-in loads the key set once.
    let resp = attempt(&fake, &svc, |n| key.token(&claims(&fake, n))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(fake.state.lock().unwrap().jwks_hits, 1);

    // An unknown kid: the key set is fetched again (the key may have been
    // rotated), the kid is still unknown, the token is refused.
    let stranger = new_key("k-rotated");
    let resp = attempt(&fake, &svc, |n| stranger.token(&claims(&fake, n))).await;
    assert_refused(&resp, "unknown kid");
    assert_eq!(fake.state.lock().unwrap().jwks_hits, 2);

    // A second unknown kid right away does not hammer the provider.
    let resp = attempt(&fake, &svc, |n| stranger.token(&claims(&fake, n))).await;
    assert_refused(&resp, "unknown kid again");
    assert_eq!(fake.state.lock().unwrap().jwks_hits, 2);
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_on_refresh() {
    let fake = start_fake().await;
    let old = new_key("k-old");
    fake.state.lock().unwrap().jwks = json!({"keys": [old.jwk()]});
    let svc = service(&fake, Duration::ZERO);
    let resp = attempt(&fake, &svc, |n| old.token(&claims(&fake, n))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    let new = new_key("k-new");
    fake.state.lock().unwrap().jwks = json!({"keys": [new.jwk()]});
    let resp = attempt(&fake, &svc, |n| new.token(&claims(&fake, n))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(fake.state.lock().unwrap().jwks_hits, 2);
}

#[tokio::test]
async fn state_and_flow_cookie_must_match() {
    let fake = start_fake().await;
    let key = new_key("k1");
    fake.state.lock().unwrap().jwks = json!({"keys": [key.jwk()]});
    let svc = service(&fake, Duration::from_secs(60));

    // A state the browser did not start (another flow's cookie).
    let a = login(&svc).await;
    let b = login(&svc).await;
    fake.state.lock().unwrap().id_token = key.token(&claims(&fake, &a.nonce));
    let crossed = Flow {
        cookies: b.cookies.clone(),
        ..a
    };
    assert_refused(&callback(&svc, &crossed).await, "state of another flow");

    // No flow cookie at all.
    let c = login(&svc).await;
    let bare = Flow {
        cookies: Vec::new(),
        ..c
    };
    assert_refused(&callback(&svc, &bare).await, "no flow cookie");

    // A forged flow cookie.
    let d = login(&svc).await;
    let forged = Flow {
        cookies: vec![format!(
            "duos_signin=v1.{}.AAAA",
            b64json(&json!({"state": d.state}))
        )],
        ..d
    };
    assert_refused(&callback(&svc, &forged).await, "forged flow cookie");

    // A provider error answer.
    let e = login(&svc).await;
    let path = format!("/auth/callback?error=access_denied&state={}", e.state);
    let resp = handle_auth(&svc, &get(&path, &e.cookies)).await.unwrap();
    assert_refused(&resp, "provider error");

    // An answer naming another issuer (RFC 9207).
    let f = login(&svc).await;
    fake.state.lock().unwrap().id_token = key.token(&claims(&fake, &f.nonce));
    let path = format!(
        "/auth/callback?code=c&state={}&iss=https%3A%2F%2Fevil.example",
        f.state
    );
    let resp = handle_auth(&svc, &get(&path, &f.cookies)).await.unwrap();
    assert_refused(&resp, "iss of another provider");
}
