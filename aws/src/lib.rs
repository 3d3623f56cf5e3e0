//! duos-aws: the one place the AWS SDK's shared configuration is made, for
//! every client duos builds (DynamoDB, SES v2, S3, SSM).
//!
//! Its one job is "where does an AWS client connect, with which
//! credentials": [`AwsTarget`], [`sdk_config`], [`StaticCredentials`] and the
//! [`aws_target_builders!`] macro the clients' configurations share, plus the
//! SSM SecureString reads the CLI and the functions' cold start need
//! ([`ssm_secure_string`] / [`get_secure_string`]: one signed request,
//! without the SSM SDK client), and the HTTP/1.1 client under all of them
//! ([`https_client`]). The S3 client is `duos-lambda`'s alone (the members bucket), so
//! the `duos` CLI never compiles it. It is the bottom of the functions' crate graph:
//! `duos-store` (DynamoDB) and `duos-mail` (SES) depend on it, and
//! `functions` re-exports it as `functions::aws`.
//!
//! The Lambda functions read region, credentials (the function's role) and
//! any `AWS_ENDPOINT_URL[_<SERVICE>]` from the environment Lambda sets
//! ([`environment_config`]), once per cold start. A command run by hand
//! (`duos tick --table`) passes nothing to [`sdk_config`]: the SDK's
//! default chains (profiles, SSO, ...) find the maintainer's credentials.
//! Tests and local servers pass fixed credentials: then no environment is
//! consulted at all, the region defaults to `us-east-1`, and the endpoint is
//! the one given.

pub use aws_config::SdkConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

mod http1;
mod ssm;
pub use http1::{https_client, system_tls_config, tls_config, Http1Client};
pub use ssm::{get_secure_string, SsmReader};

/// Fixed credentials (tests, local DynamoDB-speaking servers). Production
/// leaves them out and uses the SDK's default chain (the Lambda role).
#[derive(Clone)]
pub struct StaticCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// Where an AWS client connects: each part optional, the SDK's default
/// chains taking the place of what is left out (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct AwsTarget {
    /// Endpoint override (e.g. `http://127.0.0.1:5000` for moto); `None`
    /// for AWS (or whatever `AWS_ENDPOINT_URL[_<SERVICE>]` says).
    pub endpoint_url: Option<String>,
    /// Region; `None` takes the SDK's default chain (`AWS_REGION` on
    /// Lambda), or `us-east-1` with static credentials.
    pub region: Option<String>,
    /// Fixed credentials (tests, local servers), set on the SDK config
    /// only, never in the process environment; `None` takes the SDK's
    /// default chain (the function's role on Lambda).
    pub credentials: Option<StaticCredentials>,
}

impl AwsTarget {
    /// The shared SDK configuration for this target.
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config(
            self.endpoint_url.as_deref(),
            self.region.as_deref(),
            self.credentials.as_ref(),
        )
        .await
    }
}

/// The builder methods `endpoint_url`, `region` and `credentials` of a
/// client's configuration that keeps its [`AwsTarget`] in a field `aws`
/// (use it inside that type's `impl` block: `duos_aws::aws_target_builders!();`).
#[macro_export]
macro_rules! aws_target_builders {
    () => {
        /// Builder: talk to this endpoint instead of AWS's.
        #[must_use]
        pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
            self.aws.endpoint_url = Some(url.into());
            self
        }

        /// Builder: this region.
        #[must_use]
        pub fn region(mut self, region: impl Into<String>) -> Self {
            self.aws.region = Some(region.into());
            self
        }

        /// Builder: these fixed credentials (set on the SDK config only).
        #[must_use]
        pub fn credentials(
            mut self,
            access_key_id: impl Into<String>,
            secret_access_key: impl Into<String>,
        ) -> Self {
            self.aws.credentials = Some($crate::StaticCredentials {
                access_key_id: access_key_id.into(),
                secret_access_key: secret_access_key.into(),
            });
            self
        }
    };
}

/// The shared SDK configuration: the default chains, each overridden by
/// what is given (see the module docs).
pub async fn sdk_config(
    endpoint_url: Option<&str>,
    region: Option<&str>,
    credentials: Option<&StaticCredentials>,
) -> SdkConfig {
    match credentials {
        Some(creds) => {
            let mut builder = SdkConfig::builder()
                .behavior_version(BehaviorVersion::latest())
                .http_client(https_client())
                .region(Region::new(region.unwrap_or("us-east-1").to_owned()))
                .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                    creds.access_key_id.clone(),
                    creds.secret_access_key.clone(),
                    None,
                    None,
                    "duos-static",
                )));
            if let Some(url) = endpoint_url {
                builder = builder.endpoint_url(url);
            }
            builder.build()
        }
        None => {
            let mut loader =
                aws_config::defaults(BehaviorVersion::latest()).http_client(https_client());
            if let Some(region) = region {
                loader = loader.region(Region::new(region.to_owned()));
            }
            if let Some(url) = endpoint_url {
                loader = loader.endpoint_url(url);
            }
            loader.load().await
        }
    }
}

/// The value of the SSM SecureString parameter `name` (decrypted), read
/// with the default chains (region overridden by `region` when given):
/// the secrets of the stack (infra/README.md step 1) for a command run
/// by hand, such as `duos tick --table`.
pub async fn ssm_secure_string(name: &str, region: Option<&str>) -> Result<Vec<u8>, String> {
    let config = sdk_config(None, region, None).await;
    get_secure_string(&config, name).await
}

/// The SDK configuration of a Lambda function, from its environment alone
/// (`var` reads it: `std::env::var` in the functions, a map in tests):
///
/// | env var | meaning |
/// |---|---|
/// | `AWS_REGION` (else `AWS_DEFAULT_REGION`) | the region (Lambda sets it) |
/// | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | the function role's credentials (Lambda sets them for the sandbox's life) |
/// | `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL` | an endpoint override (tests: moto), as the SDK reads them |
///
/// Unlike [`sdk_config`] without credentials, it does not walk the SDK's
/// default chains (profile files, SSO, web identity through STS, the
/// container and instance metadata endpoints), none of which a Lambda
/// function uses: a binary that calls only this links none of them
/// (smaller, see BENCHMARKS.md "Lambda packages") and reads no file at
/// cold start.
pub fn environment_config(var: impl Fn(&str) -> Option<String>) -> Result<SdkConfig, String> {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let mut problems = Vec::new();
    let region = var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION"));
    if region.is_none() {
        problems.push("AWS_REGION: not set (the function's region)".to_owned());
    }
    let mut credential = |name: &str| {
        let value = var(name);
        if value.is_none() {
            problems.push(format!("{name}: not set (the function role's credentials)"));
        }
        value
    };
    let access_key_id = credential("AWS_ACCESS_KEY_ID");
    let secret_access_key = credential("AWS_SECRET_ACCESS_KEY");
    let (Some(region), Some(access_key_id), Some(secret_access_key)) =
        (region, access_key_id, secret_access_key)
    else {
        return Err(problems.join("; "));
    };
    let credentials = Credentials::new(
        access_key_id,
        secret_access_key,
        var("AWS_SESSION_TOKEN"),
        None,
        "duos-lambda-environment",
    );
    let endpoints = EndpointsFromEnvironment::read(&var);
    Ok(SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .service_config(endpoints)
        .build())
}

/// The endpoint overrides of [`environment_config`], read once:
/// `AWS_ENDPOINT_URL_<SERVICE>` (the service id upper-cased, spaces as
/// `_`: `DYNAMODB`, `SESV2`, `SSM`, `S3`), else `AWS_ENDPOINT_URL`.
#[derive(Debug, Default)]
struct EndpointsFromEnvironment {
    global: Option<String>,
    per_service: Vec<(String, String)>,
}

impl EndpointsFromEnvironment {
    const SERVICES: [&'static str; 4] = ["DYNAMODB", "SESV2", "SSM", "S3"];

    fn read(var: &dyn Fn(&str) -> Option<String>) -> Self {
        EndpointsFromEnvironment {
            global: var("AWS_ENDPOINT_URL"),
            per_service: Self::SERVICES
                .iter()
                .filter_map(|s| var(&format!("AWS_ENDPOINT_URL_{s}")).map(|v| (s.to_string(), v)))
                .collect(),
        }
    }
}

impl aws_types::service_config::LoadServiceConfig for EndpointsFromEnvironment {
    fn load_config(&self, key: aws_types::service_config::ServiceConfigKey<'_>) -> Option<String> {
        if key.env() != "AWS_ENDPOINT_URL" {
            return None;
        }
        let service = key.service_id().to_uppercase().replace(' ', "_");
        self.per_service
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, url)| url.clone())
            .or_else(|| self.global.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::ProvideCredentials;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<SdkConfig, String> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        environment_config(|name| env.get(name).cloned())
    }

    const LAMBDA: [(&str, &str); 4] = [
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "example-secret"),
        ("AWS_SESSION_TOKEN", "example-token"),
    ];

    #[tokio::test]
    async fn region_and_the_roles_credentials_come_from_the_environment() {
        let config = config(&LAMBDA).expect("complete environment");
        assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-west-1"));
        let credentials = config
            .credentials_provider()
            .expect("a provider")
            .provide_credentials()
            .await
            .expect("credentials");
        assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(credentials.secret_access_key(), "example-secret");
        assert_eq!(credentials.session_token(), Some("example-token"));
    }

    #[test]
    fn a_missing_setting_is_named() {
        let err = config(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")]).unwrap_err();
        assert!(err.contains("AWS_REGION: not set"), "{err}");
        assert!(err.contains("AWS_SECRET_ACCESS_KEY: not set"), "{err}");
        assert!(!err.contains("AWS_ACCESS_KEY_ID"), "{err}");
    }

    #[test]
    fn a_service_endpoint_overrides_the_global_one() {
        let mut env = LAMBDA.to_vec();
        env.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));
        env.push(("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:6000"));
        let with = config(&env).unwrap();
        let endpoints = with.service_config().expect("endpoints");
        let key = |service| {
            aws_types::service_config::ServiceConfigKey::builder()
                .service_id(service)
                .env("AWS_ENDPOINT_URL")
                .profile("endpoint_url")
                .build()
                .unwrap()
        };
        assert_eq!(
            endpoints.load_config(key("S3")).as_deref(),
            Some("http://127.0.0.1:6000")
        );
        assert_eq!(
            endpoints.load_config(key("DynamoDB")).as_deref(),
            Some("http://127.0.0.1:5000")
        );
        let without = config(&LAMBDA).unwrap();
        assert_eq!(
            without.service_config().unwrap().load_config(key("SSM")),
            None
        );
    }
}
