//! [`MembersFiles`] from the private members bucket: how the `session`
//! Lambda function reads `site/members`, uploaded under the key prefix
//! `members/` (infra/README.md, "Publish the site").
//!
//! The function's role may `s3:GetObject` on `members/*` and
//! `s3:ListBucket` for that prefix only: with the list right, a missing key
//! answers `404 NoSuchKey` (read as "no such file") instead of `403`, which
//! would be indistinguishable from a broken policy.

use std::io;

use async_trait::async_trait;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::operation::get_object::GetObjectError;

use crate::members_gate::MembersFiles;

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

    /// Over `bucket`, with the SDK's default configuration chain
    /// ([`crate::aws::s3_client`]).
    pub async fn connect(bucket: impl Into<String>) -> S3MembersFiles {
        S3MembersFiles::new(crate::aws::s3_client().await, bucket)
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
