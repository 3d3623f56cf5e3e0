//! The SES sender (AWS): one SES v2 `SendEmail` call per [`Mail`], with the
//! message as raw content, the same RFC 5322 text the outbox writes
//! ([`super::message::render`]).
//!
//! The from-address must be a verified SES identity (the address or its
//! domain); the SAM template grants the functions `ses:SendEmail` on it.
//! [`SesConfig::endpoint_url`] points the client elsewhere (moto on loopback
//! in the tests).

use async_trait::async_trait;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use aws_sdk_sesv2::Client;

use super::{message, Mail, MailError, Mailbox, Mailer};
use duos_aws::AwsTarget;

/// How to reach SES and who the mail is from.
#[derive(Clone, Debug)]
pub struct SesConfig {
    /// The `From` mailbox: `address` or `Display Name <address>` (a verified
    /// SES identity).
    pub from: String,
    /// Where the SES client connects.
    pub aws: AwsTarget,
    /// SES configuration set to send through (event publishing), if any.
    pub configuration_set: Option<String>,
}

impl SesConfig {
    /// Mail from `from`, through SES in the environment's region.
    pub fn new(from: impl Into<String>) -> SesConfig {
        SesConfig {
            from: from.into(),
            aws: AwsTarget::default(),
            configuration_set: None,
        }
    }

    duos_aws::aws_target_builders!();

    /// Builder: send through this SES configuration set.
    #[must_use]
    pub fn configuration_set(mut self, name: impl Into<String>) -> SesConfig {
        self.configuration_set = Some(name.into());
        self
    }
}

/// A [`Mailer`] sending through Amazon SES (API v2). Cheap to clone.
#[derive(Clone, Debug)]
pub struct SesMailer {
    client: Client,
    from: String,
    configuration_set: Option<String>,
}

impl SesMailer {
    /// Builds the SDK client for `config`. With static credentials no
    /// environment is consulted; otherwise the SDK's default chains are.
    pub async fn connect(config: SesConfig) -> SesMailer {
        let shared = config.aws.sdk_config().await;
        let client = Client::new(&shared);
        SesMailer::from_client(client, config.from, config.configuration_set)
    }

    /// A sender for `config` with the clients' shared configuration
    /// `shared` (a Lambda function's: [`duos_aws::environment_config`]);
    /// `config`'s own target is not used.
    pub fn with_sdk_config(shared: &duos_aws::SdkConfig, config: SesConfig) -> SesMailer {
        SesMailer::from_client(Client::new(shared), config.from, config.configuration_set)
    }

    /// A sender over an existing SDK client.
    pub fn from_client(client: Client, from: String, configuration_set: Option<String>) -> Self {
        SesMailer {
            client,
            from,
            configuration_set,
        }
    }

    /// The SDK client (e.g. to verify an identity in tests).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The `From` mailbox.
    pub fn from(&self) -> &str {
        &self.from
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: Mail) -> Result<String, MailError> {
        let fail = |reason: String| MailError {
            to: mail.to.clone(),
            reason: format!("SES: {reason}"),
        };
        let from = Mailbox::parse(&self.from).map_err(|e| fail(format!("From: {e}")))?;
        let to = super::usable_address(&mail.to).map_err(&fail)?;
        let now = chrono::Utc::now();
        let id = message::message_id(&message::stem(now, 0), &from);
        let raw = message::render(&mail, &from, &id, now).map_err(&fail)?;
        let raw = RawMessage::builder()
            .data(Blob::new(raw))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let mut request = self
            .client
            .send_email()
            .from_email_address(&from.address)
            .destination(Destination::builder().to_addresses(to).build())
            .content(EmailContent::builder().raw(raw).build());
        if let Some(set) = &self.configuration_set {
            request = request.configuration_set_name(set);
        }
        let output = request
            .send()
            .await
            .map_err(|e| fail(DisplayErrorContext(&e).to_string()))?;
        output
            .message_id()
            .map(str::to_owned)
            .ok_or_else(|| fail("no message id in the answer".into()))
    }
}
