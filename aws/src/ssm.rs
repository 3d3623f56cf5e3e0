//! The one SSM call duos makes: `GetParameter` of a SecureString, with
//! decryption, as one SigV4-signed JSON request through duos's own
//! HTTP client ([`crate::http1`]).
//!
//! The functions read their secrets once per cold start, and the CLI once
//! per command. A request of our own does that without linking the SSM
//! SDK client into every Lambda bootstrap (BENCHMARKS.md, "Lambda
//! packages"); the signing is the SDK's own (`aws-sigv4`), the region,
//! credentials and endpoint overrides are read from the same [`SdkConfig`]
//! the other clients are built from.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::body::SdkBody;
use aws_types::service_config::ServiceConfigKey;

use crate::Http1Client;

/// Attempts per read: one, and two more after a transient failure (a
/// connection refused or reset, a timeout, throttling, a 5xx).
const ATTEMPTS: u32 = 3;

/// The decrypted value of the SSM SecureString parameter `name`, read
/// with `config`'s region, credentials and endpoint override
/// (`AWS_ENDPOINT_URL_SSM`, else `AWS_ENDPOINT_URL`), on a connection of
/// its own (see [`SsmReader`] for several).
pub async fn get_secure_string(config: &SdkConfig, name: &str) -> Result<Vec<u8>, String> {
    SsmReader::new().get(config, name).await
}

/// Reads SSM SecureStrings over one pool of connections: a function's
/// secrets at cold start reuse the first read's connection (one TLS
/// handshake) when SSM keeps it open.
#[derive(Debug, Clone)]
pub struct SsmReader {
    client: Http1Client,
}

impl Default for SsmReader {
    fn default() -> Self {
        SsmReader::new()
    }
}

impl SsmReader {
    /// A reader with the system's roots.
    pub fn new() -> SsmReader {
        SsmReader {
            client: Http1Client::with_system_roots(),
        }
    }

    /// The decrypted value of the SecureString `name` (see
    /// [`get_secure_string`]).
    pub async fn get(&self, config: &SdkConfig, name: &str) -> Result<Vec<u8>, String> {
        read(&self.client, config, name).await
    }
}

async fn read(client: &Http1Client, config: &SdkConfig, name: &str) -> Result<Vec<u8>, String> {
    let fail = |why: String| format!("reading SSM parameter {name}: {why}");
    let region = config
        .region()
        .map(|r| r.as_ref().to_owned())
        .ok_or_else(|| fail("no AWS region is set".into()))?;
    let endpoint = endpoint(config, &region);
    let credentials = config
        .credentials_provider()
        .ok_or_else(|| fail("no AWS credentials are set".into()))?
        .provide_credentials()
        .await
        .map_err(|e| fail(format!("no AWS credentials: {e}")))?;
    let identity = Identity::from(credentials);
    let body = serde_json::json!({ "Name": name, "WithDecryption": true }).to_string();
    let mut last = String::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
        }
        let request = signed_request(&endpoint, &region, &identity, &body, SystemTime::now())
            .map_err(fail)?;
        match client.send(request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                match parse_reply(status, response.body()) {
                    Ok(value) => return Ok(value),
                    Err(Reply::Retry(why)) => last = why,
                    Err(Reply::Fail(why)) => return Err(fail(why)),
                }
            }
            Err(e) if e.is_io() || e.is_timeout() || e.as_other().is_some() => {
                last = format!("{endpoint}: {}", error_chain(&e))
            }
            Err(e) => return Err(fail(format!("{endpoint}: {}", error_chain(&e)))),
        }
    }
    Err(fail(format!("{last} (after {ATTEMPTS} attempts)")))
}

/// Where SSM is: the configuration's override for SSM, else its global
/// override, else the region's public endpoint.
fn endpoint(config: &SdkConfig, region: &str) -> String {
    let overridden = config.service_config().and_then(|services| {
        let key = ServiceConfigKey::builder()
            .service_id("SSM")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok()?;
        services.load_config(key)
    });
    overridden
        .or_else(|| config.endpoint_url().map(str::to_owned))
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| regional_endpoint(region))
}

/// SSM's public endpoint in `region`.
fn regional_endpoint(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://ssm.{region}.{suffix}")
}

/// The `GetParameter` request for `body`, signed for `region` at `time`:
/// every header sent is signed, so what is signed is what is sent.
fn signed_request(
    endpoint: &str,
    region: &str,
    identity: &Identity,
    body: &str,
    time: SystemTime,
) -> Result<http::Request<SdkBody>, String> {
    let uri: http::Uri = format!("{endpoint}/")
        .parse()
        .map_err(|e| format!("the endpoint {endpoint} is not a URL: {e}"))?;
    let host = uri
        .authority()
        .ok_or_else(|| format!("the endpoint {endpoint} has no host"))?
        .to_string();
    let mut request = http::Request::builder()
        .method("POST")
        .uri(uri.clone())
        .header("host", host)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AmazonSSM.GetParameter")
        .body(SdkBody::from(body.to_owned()))
        .map_err(|e| format!("building the request: {e}"))?;
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name("ssm")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("signing parameters: {e}"))?
        .into();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let signable = SignableRequest::new(
        "POST",
        uri.to_string(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| format!("signing the request: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("signing the request: {e}"))?
        .into_parts();
    instructions.apply_to_request_http1x(&mut request);
    Ok(request)
}

/// Why a reply carries no value.
#[derive(Debug, PartialEq)]
enum Reply {
    /// Worth another attempt (throttling, a 5xx).
    Retry(String),
    /// Final: the parameter is missing, access is denied, ...
    Fail(String),
}

/// The value in a `GetParameter` reply, or why there is none (SSM's error
/// code and message, as its JSON protocol gives them).
fn parse_reply(status: u16, body: &[u8]) -> Result<Vec<u8>, Reply> {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    if status == 200 {
        return json
            .pointer("/Parameter/Value")
            .and_then(|v| v.as_str())
            .map(|v| v.as_bytes().to_vec())
            .ok_or_else(|| Reply::Fail("the reply holds no parameter value".into()));
    }
    let code = json
        .get("__type")
        .and_then(|v| v.as_str())
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
        .unwrap_or_else(|| format!("HTTP {status}"));
    let message = ["message", "Message"]
        .iter()
        .find_map(|k| json.get(k).and_then(|v| v.as_str()))
        .unwrap_or_default();
    let why = if message.is_empty() {
        code.clone()
    } else {
        format!("{code}: {message}")
    };
    let throttled = code.contains("Throttl") || status == 429;
    if throttled || status >= 500 {
        Err(Reply::Retry(why))
    } else {
        Err(Reply::Fail(why))
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;

    #[test]
    fn a_value_is_read_from_the_reply() {
        let body = br#"{"Parameter":{"Name":"/duos/session","Type":"SecureString","Value":"s3cr3t","Version":1}}"#;
        assert_eq!(parse_reply(200, body), Ok(b"s3cr3t".to_vec()));
    }

    #[test]
    fn an_error_reply_gives_ssms_code_and_message() {
        let missing = br#"{"__type":"ParameterNotFound","message":"Parameter /duos/x not found."}"#;
        assert_eq!(
            parse_reply(400, missing),
            Err(Reply::Fail(
                "ParameterNotFound: Parameter /duos/x not found.".into()
            ))
        );
        let denied = br#"{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"not authorized"}"#;
        assert_eq!(
            parse_reply(400, denied),
            Err(Reply::Fail("AccessDeniedException: not authorized".into()))
        );
        let throttled = br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
        assert!(matches!(parse_reply(400, throttled), Err(Reply::Retry(_))));
        assert_eq!(
            parse_reply(503, b"<html>busy</html>"),
            Err(Reply::Retry("HTTP 503".into()))
        );
        assert_eq!(
            parse_reply(200, b"{}"),
            Err(Reply::Fail("the reply holds no parameter value".into()))
        );
    }

    #[test]
    fn the_endpoint_is_the_override_else_the_regions() {
        let base = || {
            SdkConfig::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-1"))
        };
        assert_eq!(
            endpoint(&base().build(), "eu-west-1"),
            "https://ssm.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            regional_endpoint("cn-north-1"),
            "https://ssm.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            endpoint(
                &base().endpoint_url("http://127.0.0.1:5000/").build(),
                "eu-west-1"
            ),
            "http://127.0.0.1:5000"
        );
        let env = [
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "example-secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:7000"),
        ];
        let config = crate::environment_config(|name| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
        .expect("a complete environment");
        assert_eq!(endpoint(&config, "eu-west-1"), "http://127.0.0.1:7000");
    }

    /// What is sent is what was signed: the request, re-signed from its own
    /// method, URI, headers (less the signature's) and body at its own
    /// `x-amz-date`, gets the same `authorization`.
    #[test]
    fn the_request_is_signed_as_sent() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "example-secret",
            Some("token".into()),
            None,
            "t",
        );
        let identity = Identity::from(credentials);
        let body = r#"{"Name":"/duos/session","WithDecryption":true}"#;
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000);
        let request = signed_request(
            "https://ssm.eu-west-1.amazonaws.com",
            "eu-west-1",
            &identity,
            body,
            time,
        )
        .expect("signed");
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let authorization = header("authorization");
        assert!(
            authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260921/eu-west-1/ssm/aws4_request, SignedHeaders="
            ),
            "{authorization}"
        );
        for signed in [
            "content-type",
            "host",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-target",
        ] {
            assert!(
                authorization.contains(signed),
                "{signed} is signed: {authorization}"
            );
        }
        assert_eq!(header("host"), "ssm.eu-west-1.amazonaws.com");
        assert_eq!(header("x-amz-security-token"), "token");
        assert_eq!(request.body().bytes(), Some(body.as_bytes()));

        let unsigned: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "authorization" | "x-amz-date" | "x-amz-security-token"
                )
            })
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("eu-west-1")
            .name("ssm")
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let again = SignableRequest::new(
            "POST",
            request.uri().to_string(),
            unsigned.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(request.body().bytes().unwrap()),
        )
        .unwrap();
        let (instructions, _) = sign(again, &params).unwrap().into_parts();
        let (headers, _) = instructions.into_parts();
        let resigned = headers
            .iter()
            .find(|h| h.name() == "authorization")
            .map(|h| h.value().to_owned())
            .expect("an authorization header");
        assert_eq!(resigned, authorization);
        assert_eq!(header("x-amz-date"), "20260921T141320Z");
    }
}
