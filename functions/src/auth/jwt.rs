//! ID token verification, by hand with `ring`, so every rule is visible:
//!
//! - the algorithm is one we accept (RS256 or ES256; never `none`, never
//!   HS*), one the issuer publishes, and the one the key is for (a key's
//!   `kty`/`crv` and, when present, its `alg` must match the header's `alg`);
//! - the key is found by `kid` in the issuer's JWKS (when the token has no
//!   `kid`, only a JWKS with exactly one suitable key is used);
//! - `iss` equals the issuer, `aud` contains the client id (and `azp` is the
//!   client id when there are several audiences), `exp` is in the future,
//!   `nbf` and `iat` not in the future (with a small leeway), and `nonce`
//!   equals the one sent with the request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::signature;
use serde::Deserialize;
use serde_json::Value;
use std::time::{Duration, SystemTime};

use super::session::{constant_time_eq, unix};

/// Algorithms this verifier knows. Anything else is refused.
pub const SUPPORTED_ALGS: &[&str] = &["RS256", "ES256"];

/// A JSON Web Key Set, as published at the issuer's `jwks_uri`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// One public key. Unknown fields are ignored; unusable keys never match.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwk {
    #[serde(default)]
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

impl Jwk {
    /// Can this key verify `alg` signatures?
    fn suits(&self, alg: &str) -> bool {
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return false;
        }
        if self.alg.as_deref().is_some_and(|a| a != alg) {
            return false;
        }
        match alg {
            "RS256" => self.kty == "RSA" && self.n.is_some() && self.e.is_some(),
            "ES256" => {
                self.kty == "EC"
                    && self.crv.as_deref() == Some("P-256")
                    && self.x.is_some()
                    && self.y.is_some()
            }
            _ => false,
        }
    }

    fn verify(&self, alg: &str, message: &[u8], sig: &[u8]) -> bool {
        if !self.suits(alg) {
            return false;
        }
        let b64 = |s: &Option<String>| s.as_deref().and_then(|v| URL_SAFE_NO_PAD.decode(v).ok());
        match alg {
            "RS256" => {
                let (Some(n), Some(e)) = (b64(&self.n), b64(&self.e)) else {
                    return false;
                };
                signature::RsaPublicKeyComponents { n: &n, e: &e }
                    .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                    .is_ok()
            }
            "ES256" => {
                let (Some(x), Some(y)) = (b64(&self.x), b64(&self.y)) else {
                    return false;
                };
                if x.len() != 32 || y.len() != 32 {
                    return false;
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
                    .is_ok()
            }
            _ => false,
        }
    }
}

/// What the ID token must say.
#[derive(Debug, Clone)]
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Algorithms the issuer publishes (`id_token_signing_alg_values_supported`),
    /// intersected with [`SUPPORTED_ALGS`]. Empty means RS256 only (the
    /// OpenID default).
    pub allowed_algs: &'a [String],
    pub now: SystemTime,
    pub leeway: Duration,
}

/// The verified claims we use.
#[derive(Debug, Clone, PartialEq)]
pub struct IdClaims {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    pub name: Option<String>,
    /// Every claim, for callers that need more.
    pub raw: Value,
}

/// Why an ID token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the ID token is not a signed JWT")]
    Malformed,
    #[error("the ID token uses the algorithm {0:?}, which is not accepted")]
    Algorithm(String),
    #[error("no key in the issuer's key set matches the ID token (kid {0:?})")]
    UnknownKey(Option<String>),
    #[error("the ID token's signature does not verify")]
    Signature,
    #[error("the ID token was issued by {0:?}, not by the configured issuer")]
    Issuer(String),
    #[error("the ID token is not meant for this site (audience)")]
    Audience,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token is not valid yet")]
    NotYetValid,
    #[error("the ID token's nonce does not match this sign-in")]
    Nonce,
    #[error("the ID token lacks the claim {0:?}")]
    MissingClaim(&'static str),
}

/// The parts of a compact JWS before verification.
#[derive(Debug)]
pub struct Unverified {
    pub alg: String,
    pub kid: Option<String>,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

/// Splits and decodes a compact JWS; checks nothing but its shape.
pub fn decode(token: &str) -> Result<Unverified, TokenError> {
    if token.len() > 16 * 1024 {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(TokenError::Malformed)?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or(TokenError::Malformed)?
        .to_string();
    // Critical extensions we do not understand make the token unusable.
    if header.get("crit").is_some() {
        return Err(TokenError::Malformed);
    }
    let kid = header.get("kid").and_then(Value::as_str).map(String::from);
    let payload = URL_SAFE_NO_PAD
        .decode(p)
        .map_err(|_| TokenError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| TokenError::Malformed)?;
    Ok(Unverified {
        alg,
        kid,
        signing_input: format!("{h}.{p}").into_bytes(),
        signature,
        payload,
    })
}

impl Unverified {
    /// Checks the algorithm against the allowed ones.
    pub fn check_alg(&self, allowed_algs: &[String]) -> Result<(), TokenError> {
        let default = ["RS256".to_string()];
        let allowed = if allowed_algs.is_empty() {
            &default[..]
        } else {
            allowed_algs
        };
        if SUPPORTED_ALGS.contains(&self.alg.as_str()) && allowed.contains(&self.alg) {
            Ok(())
        } else {
            Err(TokenError::Algorithm(self.alg.clone()))
        }
    }

    /// The key of `keys` this token names: by `kid`, or the only suitable
    /// key when the token has no `kid`.
    pub fn find_key<'k>(&self, keys: &'k JwkSet) -> Option<&'k Jwk> {
        let suitable = keys.keys.iter().filter(|k| k.suits(&self.alg));
        match &self.kid {
            Some(kid) => suitable.into_iter().find(|k| k.kid.as_deref() == Some(kid)),
            None => {
                let all: Vec<&Jwk> = suitable.collect();
                (all.len() == 1).then(|| all[0])
            }
        }
    }

    /// Verifies the signature with `key` and every claim against `expect`.
    pub fn verify(self, key: &Jwk, expect: &Expectations<'_>) -> Result<IdClaims, TokenError> {
        self.check_alg(expect.allowed_algs)?;
        if !key.verify(&self.alg, &self.signing_input, &self.signature) {
            return Err(TokenError::Signature);
        }
        let claims: Value =
            serde_json::from_slice(&self.payload).map_err(|_| TokenError::Malformed)?;
        check_claims(claims, expect)
    }
}

fn check_claims(claims: Value, expect: &Expectations<'_>) -> Result<IdClaims, TokenError> {
    let str_claim = |name: &'static str| claims.get(name).and_then(Value::as_str);
    let num_claim = |name: &'static str| claims.get(name).and_then(Value::as_f64);

    let iss = str_claim("iss").ok_or(TokenError::MissingClaim("iss"))?;
    if iss != expect.issuer {
        return Err(TokenError::Issuer(iss.chars().take(200).collect()));
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => return Err(TokenError::MissingClaim("aud")),
    };
    if !audiences.contains(&expect.client_id) {
        return Err(TokenError::Audience);
    }
    if audiences.len() > 1 && str_claim("azp") != Some(expect.client_id) {
        return Err(TokenError::Audience);
    }
    if let Some(azp) = str_claim("azp") {
        if azp != expect.client_id {
            return Err(TokenError::Audience);
        }
    }
    let now = unix(expect.now) as f64;
    let leeway = expect.leeway.as_secs() as f64;
    let exp = num_claim("exp").ok_or(TokenError::MissingClaim("exp"))?;
    if exp + leeway <= now {
        return Err(TokenError::Expired);
    }
    if let Some(nbf) = num_claim("nbf") {
        if nbf - leeway > now {
            return Err(TokenError::NotYetValid);
        }
    }
    let iat = num_claim("iat").ok_or(TokenError::MissingClaim("iat"))?;
    if iat - leeway > now {
        return Err(TokenError::NotYetValid);
    }
    let nonce = str_claim("nonce").ok_or(TokenError::Nonce)?;
    if !constant_time_eq(nonce.as_bytes(), expect.nonce.as_bytes()) {
        return Err(TokenError::Nonce);
    }
    let sub = str_claim("sub")
        .filter(|s| !s.is_empty())
        .ok_or(TokenError::MissingClaim("sub"))?;
    Ok(IdClaims {
        issuer: iss.to_string(),
        subject: sub.to_string(),
        email: str_claim("email").map(String::from),
        email_verified: email_verified(&claims),
        name: str_claim("name").map(String::from),
        raw: claims.clone(),
    })
}

/// `email_verified` as a boolean; some providers send the string "true".
pub(crate) fn email_verified(claims: &Value) -> Option<bool> {
    match claims.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s == "true"),
        _ => None,
    }
}
