//! duos-mail: what the functions send (nomination consent links, match
//! requests, accept/decline, expiry, survey invitations) and where it goes.
//!
//! Its one job is mail: the [`Mailer`] trait, the SES sender, the local
//! outbox, building and reading RFC 5322 messages and checking addresses.
//! It depends on `mentoring` (the address rule) and `duos-aws` (the SES
//! client's configuration); `functions` depends on it and re-exports it as
//! `functions::mail`.
//!
//! It also holds [`clock`] (re-exported as `functions::clock`): the outbox
//! stamps its messages with the handlers' [`clock::Clock`], the store never
//! reads the time (its callers pass instants in), so this is the lowest
//! crate that needs a clock; a crate of its own for 100 lines was not
//! worth it.
//!
//! [`Mailer`] is the seam: the SES sender on AWS, the outbox (`.eml` files)
//! under `duos serve` and in tests. Handlers build a [`Mail`] and send it; a
//! failed send is logged with its context and never undoes a stored change.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub mod address;
pub mod clock;
pub mod message;
pub mod outbox;
#[cfg(feature = "ses")]
pub mod ses;

pub use address::{mailbox, usable_address, Mailbox};
pub use message::OutboxMessage;
pub use outbox::Outbox;
#[cfg(feature = "ses")]
pub use ses::{SesConfig, SesMailer};

/// One plain-text message to one recipient.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// Subject line, one line.
    pub subject: String,
    /// The body, plain text (UTF-8).
    pub text: String,
}

/// Why a message could not be sent; the text names the recipient and backend.
#[derive(Debug, thiserror::Error)]
#[error("mail to {to} not sent: {reason}")]
pub struct MailError {
    /// The recipient the message was for.
    pub to: String,
    /// What went wrong, from the backend.
    pub reason: String,
}

/// Sends mail. Implementations: SES (AWS) and the local outbox.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one message; returns the backend's message id.
    async fn send(&self, mail: Mail) -> Result<String, MailError>;
}
