//! One [`Mail`] as an RFC 5322 message, the same bytes for SES (a raw
//! message) and the outbox (an `.eml` file): built with `mail-builder`,
//! read back with `mail-parser` (the `/_outbox` page, the tests).
//!
//! Headers: `From` (a non-ASCII display name as an RFC 2047 encoded-word),
//! `To` (one checked address), `Subject` (one line; encoded and folded when
//! not plain ASCII), `Message-ID`, `Date`, `MIME-Version` and a
//! `text/plain; charset="utf-8"` body, `7bit` when it is plain ASCII with
//! short lines, else quoted-printable or base64 (whichever is shorter).
//! Lines end in CRLF and the whole message is 7-bit clean.

use chrono::{DateTime, Utc};
use mail_builder::headers::address::Address;
use mail_builder::MessageBuilder;

use super::address::{mailbox, usable_address, Mailbox};
use super::Mail;

/// Renders `mail` from `from`, identified by `message_id` (without angle
/// brackets) and dated `date`. `Err` says why it cannot be (the recipient's
/// address is not usable).
pub fn render(
    mail: &Mail,
    from: &Mailbox,
    message_id: &str,
    date: DateTime<Utc>,
) -> Result<Vec<u8>, String> {
    let to = usable_address(&mail.to)?;
    let from = if from.name.is_empty() {
        Address::from(from.address.as_str())
    } else {
        Address::new_address(Some(from.name.as_str()), from.address.as_str())
    };
    let subject: String = mail
        .subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    MessageBuilder::new()
        .from(from)
        .to(to)
        .subject(subject.trim())
        .message_id(message_id)
        .date(date.timestamp())
        .text_body(mail.text.as_str())
        .write_to_vec()
        .map_err(|e| format!("rendering the message: {e}"))
}

/// A name for one message that sorts by time: `<UTC time>-<seq>-<random>`,
/// e.g. `20261128T105245.123456Z-000001-3f9a1c` (`seq` orders the messages
/// of one sender within a microsecond; the random part keeps two senders
/// apart).
pub fn stem(now: DateTime<Utc>, seq: u64) -> String {
    format!(
        "{}-{seq:06}-{:06x}",
        now.format("%Y%m%dT%H%M%S%.6fZ"),
        fastrand::u32(..0x0100_0000)
    )
}

/// A Message-ID (without angle brackets) unique by `stem`, in the domain
/// of the sender.
pub fn message_id(stem: &str, from: &Mailbox) -> String {
    format!("{stem}@{}", from.domain())
}

/// One message, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The file's name in the outbox folder.
    pub file: String,
    /// `Date` (RFC 5322).
    pub date: String,
    /// `From`, decoded: `Name <address>` ([`mailbox`]) or the address.
    pub from: String,
    /// `To`: the address.
    pub to: String,
    /// `Subject`, decoded.
    pub subject: String,
    /// `Message-ID` without angle brackets.
    pub message_id: String,
    /// The body, decoded, with `\n` line ends and no final line end.
    pub text: String,
}

/// Reads a message `file` holds (`raw`); `None` when it is not a message
/// with a text body.
pub fn read(file: &str, raw: &[u8]) -> Option<OutboxMessage> {
    let message = mail_parser::MessageParser::default().parse(raw)?;
    let first = |a: Option<&mail_parser::Address<'_>>| {
        a.and_then(|a| a.first())
            .map(|a| {
                let address = a.address().unwrap_or_default();
                match a.name() {
                    Some(name) if !name.is_empty() => (mailbox(name, address), address.to_owned()),
                    _ => (address.to_owned(), address.to_owned()),
                }
            })
            .unwrap_or_default()
    };
    let mut text = message.body_text(0)?.replace("\r\n", "\n");
    if text.ends_with('\n') {
        text.pop();
    }
    Some(OutboxMessage {
        file: file.to_owned(),
        date: message.date().map(|d| d.to_rfc822()).unwrap_or_default(),
        from: first(message.from()).0,
        to: first(message.to()).1,
        subject: message.subject().unwrap_or_default().to_owned(),
        message_id: message.message_id().unwrap_or_default().to_owned(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(to: &str, subject: &str, text: &str) -> Mail {
        Mail {
            to: to.into(),
            subject: subject.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_message_reads_back_as_written() {
        let from = Mailbox::parse("Mentorat Ça <m@x.org>").unwrap();
        let text = "é".repeat(100) + " \n" + &"x=".repeat(60) + "\ttrailing tab\t";
        let sent = mail("ada@example.org", "Réponse — 進捗 ✓", &text);
        let raw = render(&sent, &from, "id-1@x.org", Utc::now()).unwrap();
        assert!(raw.is_ascii(), "7-bit clean");
        let read = read("f.eml", &raw).unwrap();
        assert_eq!(read.text, text);
        assert_eq!(read.subject, sent.subject);
        assert_eq!(read.from, "Mentorat Ça <m@x.org>");
        assert_eq!(read.to, "ada@example.org");
        assert_eq!(read.message_id, "id-1@x.org");
    }

    #[test]
    fn bad_recipients_are_refused() {
        let from = Mailbox::parse("m@x.org").unwrap();
        for to in [
            "",
            "no-at",
            "a@b.org\r\nBcc: x@y.org",
            "<a@b.org>",
            "a b@c.org",
        ] {
            assert!(
                render(&mail(to, "s", "t"), &from, "i@x.org", Utc::now()).is_err(),
                "{to:?}"
            );
        }
    }
}
