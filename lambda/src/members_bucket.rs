//! The private members bucket on AWS (the only S3 code of duos: the `duos`
//! CLI and `duos serve` never link the S3 client):
//! - [`S3MembersFiles`]: [`MembersFiles`] from the bucket, how the `session`
//!   function reads `site/members`, uploaded under the key prefix
//!   `members/` (infra/README.md, "Publish the site");
//! - [`S3Target`]: where the functions that change profiles publish the
//!   pages a change touches ([`functions::publish`]).
//!
//! The function's role may `s3:GetObject` on `members/*` and
//! `s3:ListBucket` for that prefix only: with the list right, a missing key
//! answers `404 NoSuchKey` (read as "no such file") instead of `403`, which
//! would be indistinguishable from a broken policy.

use std::io;
use std::path::Path;

use async_trait::async_trait;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::operation::get_object::GetObjectError;
use functions::aws::SdkConfig;

use functions::members_gate::MembersFiles;
use functions::publish::PublishTarget;
use generator::Publication;

/// Env var naming the members bucket (the `session` function's).
pub const MEMBERS_BUCKET_ENV: &str = "DUOS_MEMBERS_BUCKET";
/// The key prefix of the members-only files in the bucket.
pub const KEY_PREFIX: &str = "members/";

/// The members-only files in an S3 bucket, under [`KEY_PREFIX`].
#[derive(Debug, Clone)]
pub struct S3MembersFiles {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3MembersFiles {
    /// Over `bucket` with an existing client.
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> S3MembersFiles {
        S3MembersFiles {
            client,
            bucket: bucket.into(),
        }
    }

    /// Over `bucket`, with the function's SDK configuration ([`s3_client`]).
    pub fn connect(shared: &SdkConfig, bucket: impl Into<String>) -> S3MembersFiles {
        S3MembersFiles::new(s3_client(shared), bucket)
    }

    /// The object key of `rel` (a checked path relative to `members/`).
    pub fn key(rel: &str) -> String {
        format!("{KEY_PREFIX}{rel}")
    }
}

#[async_trait]
impl MembersFiles for S3MembersFiles {
    async fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        let key = S3MembersFiles::key(rel);
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) => {
                if matches!(e.as_service_error(), Some(GetObjectError::NoSuchKey(_))) {
                    return Ok(None);
                }
                return Err(io::Error::other(format!(
                    "s3://{}/{key}: {}",
                    self.bucket,
                    DisplayErrorContext(&e)
                )));
            }
        };
        let bytes = output.body.collect().await.map_err(|e| {
            io::Error::other(format!("s3://{}/{key}: reading the body: {e}", self.bucket))
        })?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }
}

/// The members bucket: a file `members/x` is the object key `members/x`
/// (the layout `aws s3 sync site/members s3://BUCKET/members` makes).
#[derive(Debug, Clone)]
pub struct S3Target {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Target {
    /// Over `bucket` with an existing client.
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> S3Target {
        S3Target {
            client,
            bucket: bucket.into(),
        }
    }

    /// Over `bucket`, with the function's SDK configuration (as
    /// [`S3MembersFiles::connect`]).
    pub fn connect(shared: &SdkConfig, bucket: impl Into<String>) -> S3Target {
        S3Target::new(s3_client(shared), bucket)
    }

    fn key(rel: &Path) -> String {
        rel.to_string_lossy().replace('\\', "/")
    }
}

#[async_trait]
impl PublishTarget for S3Target {
    async fn write(&self, publication: &Publication) -> io::Result<()> {
        for (rel, bytes) in &publication.files {
            let key = S3Target::key(rel);
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(&key)
                .content_type(functions::http::text::content_type(&key))
                .body(bytes.clone().into())
                .send()
                .await
                .map_err(|e| {
                    io::Error::other(format!(
                        "s3://{}/{key}: {}",
                        self.bucket,
                        DisplayErrorContext(&e)
                    ))
                })?;
        }
        for rel in &publication.removed {
            let key = S3Target::key(rel);
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| {
                    io::Error::other(format!(
                        "deleting s3://{}/{key}: {}",
                        self.bucket,
                        DisplayErrorContext(&e)
                    ))
                })?;
        }
        Ok(())
    }
}

/// An S3 client with the function's SDK configuration (region,
/// credentials, `AWS_ENDPOINT_URL[_S3]`: [`functions::aws::environment_config`]).
/// With an endpoint override (a local S3 such as moto) keys go in the
/// path, not the host name.
pub fn s3_client(shared: &SdkConfig) -> aws_sdk_s3::Client {
    let local = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|v| !v.is_empty()));
    let config = aws_sdk_s3::config::Builder::from(shared)
        .force_path_style(local)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}
