//! The one place the AWS SDK's shared configuration is made, for every
//! client duos builds (DynamoDB, SES v2, S3, SSM).
//!
//! Production passes nothing: region, credentials (the Lambda role) and any
//! `AWS_ENDPOINT_URL[_<SERVICE>]` come from the SDK's default chains. Tests
//! and local servers pass fixed credentials: then no environment is
//! consulted at all, the region defaults to `us-east-1`, and the endpoint is
//! the one given.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};

use crate::store::StaticCredentials;

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
            let mut loader = aws_config::defaults(BehaviorVersion::latest());
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

/// An S3 client with the SDK's default chains (region, credentials,
/// `AWS_ENDPOINT_URL[_S3]`). With an endpoint override (a local S3 such as
/// moto) keys go in the path, not the host name.
pub async fn s3_client() -> aws_sdk_s3::Client {
    let shared = sdk_config(None, None, None).await;
    let local = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| !v.is_empty()));
    let config = aws_sdk_s3::config::Builder::from(&shared)
        .force_path_style(local)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// The value of the SSM SecureString parameter `name` (decrypted), read
/// with the default chains (region overridden by `region` when given):
/// the secrets of the stack (infra/README.md step 1) for a command run
/// by hand, such as `duos tick --table`.
pub async fn ssm_secure_string(name: &str, region: Option<&str>) -> Result<Vec<u8>, String> {
    let config = sdk_config(None, region, None).await;
    read_secure_string(&aws_sdk_ssm::Client::new(&config), name).await
}

/// The decrypted value of the SSM SecureString parameter `name`, read with
/// `client` (the one SSM read of the project: the CLI and the functions'
/// cold start both use it).
pub async fn read_secure_string(
    client: &aws_sdk_ssm::Client,
    name: &str,
) -> Result<Vec<u8>, String> {
    let output = client
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send()
        .await
        .map_err(|e| {
            format!(
                "reading SSM parameter {name}: {}",
                aws_sdk_ssm::error::DisplayErrorContext(&e)
            )
        })?;
    output
        .parameter()
        .and_then(|p| p.value())
        .map(|v| v.as_bytes().to_vec())
        .ok_or_else(|| format!("SSM parameter {name} has no value"))
}
