//! The OpenID Connect relying party: discovery, the issuer's keys (cached,
//! refreshed on an unknown `kid` at most once a minute), the code exchange at
//! the token endpoint, and ID token verification ([`super::jwt`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Mutex;

use super::jwt::{self, Expectations, IdClaims, JwkSet, TokenError};

/// How to reach the OpenID provider.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL exactly as the provider states it (`iss`), e.g.
    /// `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc`. Must be
    /// https unless it is on localhost/loopback (tests).
    pub issuer: String,
    pub client_id: String,
    /// For confidential clients (`client_secret_basic`, or
    /// `client_secret_post` when that is all the provider supports).
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: `<site>/auth/callback`.
    pub redirect_url: String,
    /// Requested scopes; `openid` is always sent.
    pub scopes: Vec<String>,
    /// Allowed clock skew for `exp`, `nbf` and `iat`. Default 60 s.
    pub leeway: Duration,
    /// Accept an `email` claim whose `email_verified` is absent (some
    /// association SSOs never send it). An `email_verified: false` is refused
    /// regardless. Default false.
    pub trust_unverified_email: bool,
    /// Least time between two key-set refreshes caused by unknown `kid`s.
    pub jwks_refresh_interval: Duration,
    /// Timeout of each call to the provider.
    pub http_timeout: Duration,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("leeway", &self.leeway)
            .field("trust_unverified_email", &self.trust_unverified_email)
            .finish_non_exhaustive()
    }
}

impl OidcConfig {
    /// Defaults: scopes `openid email profile`, 60 s leeway, verified e-mail
    /// required, key refresh at most once a minute, 10 s timeouts.
    pub fn new(issuer: &str, client_id: &str, redirect_url: &str) -> OidcConfig {
        OidcConfig {
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            client_secret: None,
            redirect_url: redirect_url.to_string(),
            scopes: vec!["openid".into(), "email".into(), "profile".into()],
            leeway: Duration::from_secs(60),
            trust_unverified_email: false,
            jwks_refresh_interval: Duration::from_secs(60),
            http_timeout: Duration::from_secs(10),
        }
    }

    /// From the environment: `DUOS_OIDC_ISSUER`, `DUOS_OIDC_CLIENT_ID`,
    /// `DUOS_OIDC_REDIRECT_URL`, optional `DUOS_OIDC_CLIENT_SECRET` and
    /// `DUOS_OIDC_TRUST_UNVERIFIED_EMAIL=true`. `None` when the issuer is unset.
    pub fn from_env() -> Result<Option<OidcConfig>, OidcError> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let Some(issuer) = var("DUOS_OIDC_ISSUER") else {
            return Ok(None);
        };
        let client_id = var("DUOS_OIDC_CLIENT_ID")
            .ok_or_else(|| OidcError::Config("DUOS_OIDC_CLIENT_ID is not set".into()))?;
        let redirect = var("DUOS_OIDC_REDIRECT_URL")
            .ok_or_else(|| OidcError::Config("DUOS_OIDC_REDIRECT_URL is not set".into()))?;
        let mut cfg = OidcConfig::new(&issuer, &client_id, &redirect);
        cfg.client_secret = var("DUOS_OIDC_CLIENT_SECRET");
        cfg.trust_unverified_email =
            var("DUOS_OIDC_TRUST_UNVERIFIED_EMAIL").is_some_and(|v| v == "true");
        cfg.validate()?;
        Ok(Some(cfg))
    }

    /// Refuses plain-http issuers and redirect URLs outside loopback.
    pub fn validate(&self) -> Result<(), OidcError> {
        for (what, value) in [
            ("issuer", &self.issuer),
            ("redirect URL", &self.redirect_url),
        ] {
            let url = url::Url::parse(value).map_err(|e| {
                OidcError::Config(format!("the {what} {value:?} is not a URL: {e}"))
            })?;
            let local =
                super::session::is_local_origin(url.origin().ascii_serialization().as_str());
            if url.scheme() != "https" && !(url.scheme() == "http" && local) {
                return Err(OidcError::Config(format!(
                    "the {what} {value:?} must be https (plain http only on localhost)"
                )));
            }
        }
        if self.client_id.is_empty() {
            return Err(OidcError::Config("the client id is empty".into()));
        }
        Ok(())
    }
}

/// What went wrong talking to the provider or with its answer.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("sign-in is misconfigured: {0}")]
    Config(String),
    #[error("the sign-in provider could not be reached: {0}")]
    Http(String),
    #[error("the sign-in provider answered unexpectedly: {0}")]
    Provider(String),
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// The parts of `/.well-known/openid-configuration` we use.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

struct Keys {
    set: JwkSet,
    /// When the set was last fetched (first use, or a refresh).
    fetched: Option<Instant>,
    /// When an unknown `kid` last caused a refresh (rate limit).
    refreshed_for_unknown: Option<Instant>,
}

/// Key sets older than this are fetched again on the next sign-in.
const JWKS_MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// A relying party for one provider. Cheap to build: nothing is fetched until
/// the first sign-in; discovery and keys are then cached for the life of the
/// process.
pub struct OidcClient {
    cfg: OidcConfig,
    http: reqwest::Client,
    discovery: Mutex<Option<Arc<Discovery>>>,
    keys: Mutex<Keys>,
}

impl fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClient")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// What the callback learns from a successful code exchange.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub claims: IdClaims,
    /// The e-mail to look up in the roster, when the provider vouches for it.
    pub verified_email: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
}

/// A reqwest client builder whose TLS is rustls with ring, the one crypto
/// provider the project compiles (reqwest's `rustls-no-provider`: the
/// provider is installed here, once per process, before any client is
/// built). Every reqwest client, the tests' included, starts here.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    // Err only when a provider is already installed: then it is this one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

impl OidcClient {
    pub fn new(cfg: OidcConfig) -> Result<OidcClient, OidcError> {
        cfg.validate()?;
        let http = http_client_builder()
            .timeout(cfg.http_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OidcError::Http(e.to_string()))?;
        Ok(OidcClient {
            cfg,
            http,
            discovery: Mutex::new(None),
            keys: Mutex::new(Keys {
                set: JwkSet::default(),
                fetched: None,
                refreshed_for_unknown: None,
            }),
        })
    }

    pub fn config(&self) -> &OidcConfig {
        &self.cfg
    }

    async fn get_json(&self, url: &str) -> Result<Value, OidcError> {
        read_json(self.http.get(url), url).await
    }

    /// The provider's metadata (fetched once, then cached).
    pub async fn discovery(&self) -> Result<Arc<Discovery>, OidcError> {
        let mut cached = self.discovery.lock().await;
        if let Some(d) = cached.as_ref() {
            return Ok(d.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.cfg.issuer.trim_end_matches('/')
        );
        let d: Discovery = serde_json::from_value(self.get_json(&url).await?)
            .map_err(|e| OidcError::Provider(format!("discovery document: {e}")))?;
        if d.issuer != self.cfg.issuer {
            return Err(OidcError::Provider(format!(
                "the discovery document names the issuer {:?}, not {:?}",
                d.issuer, self.cfg.issuer
            )));
        }
        if let Some(methods) = &d.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == "S256") {
                return Err(OidcError::Provider(
                    "the provider does not support PKCE with S256".into(),
                ));
            }
        }
        for (what, endpoint) in [
            ("authorization_endpoint", Some(&d.authorization_endpoint)),
            ("token_endpoint", Some(&d.token_endpoint)),
            ("jwks_uri", Some(&d.jwks_uri)),
            ("userinfo_endpoint", d.userinfo_endpoint.as_ref()),
        ] {
            if let Some(endpoint) = endpoint {
                let probe = OidcConfig {
                    issuer: endpoint.clone(),
                    ..self.cfg.clone()
                };
                probe.validate().map_err(|_| {
                    OidcError::Provider(format!("{what} {endpoint:?} is not an https URL"))
                })?;
            }
        }
        let d = Arc::new(d);
        *cached = Some(d.clone());
        Ok(d)
    }

    /// Algorithms we accept for this issuer: what it publishes, intersected
    /// with what we support (RS256 when it publishes nothing).
    fn allowed_algs(d: &Discovery) -> Vec<String> {
        if d.id_token_signing_alg_values_supported.is_empty() {
            return vec!["RS256".into()];
        }
        d.id_token_signing_alg_values_supported
            .iter()
            .filter(|a| jwt::SUPPORTED_ALGS.contains(&a.as_str()))
            .cloned()
            .collect()
    }

    /// The URL that starts sign-in at the provider.
    pub async fn authorization_url(
        &self,
        state: &str,
        nonce: &str,
        code_verifier: &str,
    ) -> Result<String, OidcError> {
        let d = self.discovery().await?;
        let challenge = pkce_challenge(code_verifier);
        let mut scopes: Vec<&str> = vec!["openid"];
        scopes.extend(
            self.cfg
                .scopes
                .iter()
                .map(String::as_str)
                .filter(|s| *s != "openid"),
        );
        let mut url = url::Url::parse(&d.authorization_endpoint)
            .map_err(|e| OidcError::Provider(format!("authorization_endpoint: {e}")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.cfg.client_id)
            .append_pair("redirect_uri", &self.cfg.redirect_url)
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url.into())
    }

    /// Exchanges `code` at the token endpoint and verifies the ID token.
    pub async fn exchange(
        &self,
        code: &str,
        code_verifier: &str,
        nonce: &str,
        now: SystemTime,
    ) -> Result<SignedIn, OidcError> {
        let d = self.discovery().await?;
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &self.cfg.redirect_url),
            ("code_verifier", code_verifier),
        ];
        let mut req = self
            .http
            .post(&d.token_endpoint)
            .header(reqwest::header::ACCEPT, "application/json");
        match &self.cfg.client_secret {
            Some(secret) => {
                let post_only = d
                    .token_endpoint_auth_methods_supported
                    .as_ref()
                    .is_some_and(|m| {
                        m.iter().any(|x| x == "client_secret_post")
                            && !m.iter().any(|x| x == "client_secret_basic")
                    });
                if post_only {
                    form.push(("client_id", &self.cfg.client_id));
                    form.push(("client_secret", secret));
                } else {
                    let user = form_encode(&self.cfg.client_id);
                    let pass = form_encode(secret);
                    let basic =
                        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                    req = req.header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"));
                }
            }
            None => form.push(("client_id", &self.cfg.client_id)),
        }
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let resp = req
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| OidcError::Http(e.to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            let text = resp.text().await.unwrap_or_default();
            let error = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(String::from))
                .unwrap_or_default();
            return Err(OidcError::Provider(format!(
                "the token endpoint answered {status} {error}"
            )));
        }
        let tokens: TokenResponse = resp
            .json()
            .await
            .map_err(|e| OidcError::Provider(format!("token response: {e}")))?;
        let id_token = tokens
            .id_token
            .ok_or_else(|| OidcError::Provider("the token response has no id_token".into()))?;
        let claims = self.verify_id_token(&id_token, nonce, now).await?;

        // Providers that keep scope claims out of the ID token serve them at
        // the userinfo endpoint; its `sub` must be the ID token's.
        let mut email = claims.email.clone();
        let mut verified = claims.email_verified;
        if email.is_none() {
            if let (Some(endpoint), Some(access)) = (&d.userinfo_endpoint, &tokens.access_token) {
                let bearer = tokens
                    .token_type
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case("bearer"));
                if bearer {
                    let info = self.userinfo(endpoint, access).await?;
                    if info.get("sub").and_then(Value::as_str) != Some(claims.subject.as_str()) {
                        return Err(OidcError::Provider(
                            "the userinfo answer is about another subject".into(),
                        ));
                    }
                    email = info.get("email").and_then(Value::as_str).map(String::from);
                    verified = jwt::email_verified(&info);
                }
            }
        }
        let verified_email = match (email, verified) {
            (Some(e), Some(true)) => Some(e),
            (Some(e), None) if self.cfg.trust_unverified_email => Some(e),
            _ => None,
        };
        Ok(SignedIn {
            claims,
            verified_email,
        })
    }

    async fn userinfo(&self, endpoint: &str, access_token: &str) -> Result<Value, OidcError> {
        let request = self.http.get(endpoint).bearer_auth(access_token);
        read_json(request, "the userinfo endpoint").await
    }

    /// Verifies an ID token against the issuer's keys. An unknown `kid`
    /// refreshes the key set (at most once per `jwks_refresh_interval`) and
    /// then refuses if the key is still unknown.
    pub async fn verify_id_token(
        &self,
        token: &str,
        nonce: &str,
        now: SystemTime,
    ) -> Result<IdClaims, OidcError> {
        let d = self.discovery().await?;
        let allowed = Self::allowed_algs(&d);
        let unverified = jwt::decode(token)?;
        unverified.check_alg(&allowed)?;
        let expect = Expectations {
            issuer: &d.issuer,
            client_id: &self.cfg.client_id,
            nonce,
            allowed_algs: &allowed,
            now,
            leeway: self.cfg.leeway,
        };
        let mut keys = self.keys.lock().await;
        let stale = keys.fetched.is_none_or(|t| t.elapsed() >= JWKS_MAX_AGE);
        // An unknown kid may be a key the provider just rotated in: fetch the
        // set again, but at most once per `jwks_refresh_interval`, so tokens
        // with made-up kids cannot make us hammer the provider.
        let unknown = unverified.find_key(&keys.set).is_none();
        let may_refresh = keys
            .refreshed_for_unknown
            .is_none_or(|t| t.elapsed() >= self.cfg.jwks_refresh_interval);
        if stale || (unknown && may_refresh) {
            let fresh: JwkSet = serde_json::from_value(self.get_json(&d.jwks_uri).await?)
                .map_err(|e| OidcError::Provider(format!("key set: {e}")))?;
            keys.set = fresh;
            keys.fetched = Some(Instant::now());
            if unknown && !stale {
                keys.refreshed_for_unknown = Some(Instant::now());
            }
        }
        let key = unverified
            .find_key(&keys.set)
            .cloned()
            .ok_or_else(|| TokenError::UnknownKey(unverified.kid.clone()))?;
        drop(keys);
        Ok(unverified.verify(&key, &expect)?)
    }
}

/// `BASE64URL(SHA256(verifier))`, the S256 code challenge.
pub fn pkce_challenge(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

use crate::http::response::query_value as form_encode;

/// Sends `request` asking for JSON; a failure names `what` was asked.
async fn read_json(request: reqwest::RequestBuilder, what: &str) -> Result<Value, OidcError> {
    let resp = request
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| OidcError::Http(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(OidcError::Provider(format!(
            "{what} answered {}",
            resp.status()
        )));
    }
    resp.json()
        .await
        .map_err(|e| OidcError::Provider(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(OidcConfig::new(
            "http://127.0.0.1:9/",
            "c",
            "http://localhost:8080/auth/callback"
        )
        .validate()
        .is_ok());
        assert!(
            OidcConfig::new("http://idp.example.org", "c", "https://x.org/auth/callback")
                .validate()
                .is_err()
        );
        assert!(
            OidcConfig::new("https://idp.example.org", "", "https://x.org/auth/callback")
                .validate()
                .is_err()
        );
    }
}
