//! The SES v2 sender against moto's SES v2 endpoint on loopback (the moto
//! server of `tests/support/moto.rs`): verify a sender identity through the
//! SDK, send, and read the message back from moto's `/moto-api/data.json`
//! (its model dump lists every sent raw message, `ses.RawMessage`, with
//! source, destinations and the RFC 5322 text, read here with
//! `mail-parser`).

mod support;

use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use functions::mail::{Mail, Mailer, SesConfig, SesMailer};
use serde_json::Value;

/// moto's endpoint, or `None` (after a loud line) outside CI when there is
/// none; in CI a missing moto fails the test.
async fn moto(test: &str) -> Option<String> {
    match tokio::task::spawn_blocking(|| support::moto::endpoint(support::moto::Need::Any))
        .await
        .expect("moto start-up thread")
    {
        Ok(endpoint) => Some(endpoint),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("SES test `{test}` needs moto: {why}");
            }
            eprintln!(
                "\n!!!!! SKIPPED SES test `{test}`: no moto ({why}). Run scripts/test.sh. !!!!!\n"
            );
            None
        }
    }
}

fn config(endpoint: &str, from: &str) -> SesConfig {
    SesConfig::new(from)
        .endpoint_url(endpoint)
        .region("us-east-1")
        .credentials("testing", "testing")
}

/// The raw messages moto holds, from its model dump.
async fn sent_messages(endpoint: &str) -> Vec<Value> {
    let dump: Value = functions::auth::oidc::http_client_builder()
        .build()
        .expect("an HTTP client")
        .get(format!("{endpoint}/moto-api/data.json"))
        .send()
        .await
        .expect("moto data.json")
        .json()
        .await
        .expect("JSON");
    dump["ses"]["RawMessage"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// A sender domain unique to this test run (moto is shared by the tests).
fn domain(test: &str) -> String {
    format!(
        "{test}-{}-{}.example.org",
        std::process::id(),
        fastrand::u32(..)
    )
}

/// A sender from `name <address>`, the address verified in moto's SES.
async fn verified_sender(endpoint: &str, name: &str, address: &str) -> SesMailer {
    let mailer = SesMailer::connect(config(endpoint, &format!("{name} <{address}>"))).await;
    mailer
        .client()
        .create_email_identity()
        .email_identity(address)
        .send()
        .await
        .expect("CreateEmailIdentity");
    mailer
}

/// The message moto recorded with `id`.
async fn sent_message(endpoint: &str, id: &str) -> Value {
    let messages = sent_messages(endpoint).await;
    messages
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("message {id} not in moto's data: {messages:#?}"))
}

#[tokio::test]
async fn sends_through_ses_v2_and_moto_records_the_message() {
    let Some(endpoint) = moto("sends_through_ses_v2").await else {
        return;
    };
    let from_address = format!("mentoring@{}", domain("send"));
    let mailer = verified_sender(&endpoint, "LLAMA Mentoring", &from_address).await;

    let subject = "Votre demande de mentorat — réponse de Zoë";
    let text = "Bonjour,\n\nZoë a accepté votre demande. ✓\n";
    let id = mailer
        .send(Mail {
            to: "ada@example.org".into(),
            subject: subject.into(),
            text: text.into(),
        })
        .await
        .expect("SendEmail");
    assert!(!id.is_empty());

    let sent = sent_message(&endpoint, &id).await;
    assert_eq!(sent["source"], from_address.as_str());
    assert_eq!(sent["destinations"][0], "ada@example.org");
    let raw = sent["raw_data"].as_str().expect("the raw message");
    assert!(raw.is_ascii(), "7-bit clean: {raw}");
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("an RFC 5322 message");
    assert_eq!(message.subject(), Some(subject));
    assert_eq!(
        message
            .body_text(0)
            .as_deref()
            .map(|t| t.replace("\r\n", "\n")),
        Some(text.to_owned())
    );
    let from = message.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.name(), Some("LLAMA Mentoring"));
    assert_eq!(from.address(), Some(from_address.as_str()));
    let to = message.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.address(), Some("ada@example.org"));
}

#[tokio::test]
async fn a_non_ascii_sender_name_is_encoded_and_a_bad_recipient_refused() {
    let Some(endpoint) = moto("non_ascii_sender").await else {
        return;
    };
    let from_address = format!("mentorat@{}", domain("encoded"));
    let mailer = verified_sender(&endpoint, "Mentorat Ça", &from_address).await;
    let id = mailer
        .send(Mail {
            to: "zoe@example.org".into(),
            subject: "Réponse".into(),
            text: "Bonjour Zoë.\n".into(),
        })
        .await
        .expect("SendEmail");
    let sent = sent_message(&endpoint, &id).await;
    let raw = sent["raw_data"].as_str().unwrap();
    let from_line = raw
        .lines()
        .find(|l| l.starts_with("From: "))
        .expect("a From header");
    assert!(
        from_line.is_ascii() && from_line.contains("?B?"),
        "{from_line}"
    );
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap();
    let from = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("Mentorat Ça"));

    let err = mailer
        .send(Mail {
            to: "zoe@example.org\r\nBcc: eve@example.org".into(),
            subject: "hi".into(),
            text: "x".into(),
        })
        .await
        .expect_err("a header in the address");
    assert!(err.to_string().contains("not a usable address"), "{err}");
}

#[tokio::test]
async fn an_unverified_sender_is_a_mail_error_naming_the_recipient() {
    let Some(endpoint) = moto("unverified_sender").await else {
        return;
    };
    let from = format!("nobody@{}", domain("unverified"));
    let mailer = SesMailer::connect(config(&endpoint, &from)).await;
    let err = mailer
        .send(Mail {
            to: "ada@example.org".into(),
            subject: "hi".into(),
            text: "x".into(),
        })
        .await
        .expect_err("moto rejects an unverified sender");
    assert_eq!(err.to, "ada@example.org");
    let text = err.to_string();
    assert!(
        text.contains("SES") && text.contains("ada@example.org"),
        "{text}"
    );
    // SES says "Email address is not verified"; moto, for a raw message,
    // "Did not have authority to send from email ...".
    let lower = text.to_lowercase();
    assert!(
        lower.contains("not verified") || lower.contains("not have authority to send"),
        "{text}"
    );
}

#[tokio::test]
async fn the_sdk_request_shape_matches_what_the_sender_builds() {
    // The same call built by hand through the SDK reaches moto the same way;
    // guards the test's reading of moto's dump, not only the sender.
    let Some(endpoint) = moto("sdk_request_shape").await else {
        return;
    };
    let from = format!("mentoring@{}", domain("shape"));
    let mailer = SesMailer::connect(config(&endpoint, &from)).await;
    let client = mailer.client();
    client
        .create_email_identity()
        .email_identity(&from)
        .send()
        .await
        .unwrap();
    let raw = format!("From: {from}\r\nTo: b@example.org\r\nSubject: by hand\r\n\r\nbody\r\n");
    let out = client
        .send_email()
        .from_email_address(&from)
        .destination(Destination::builder().to_addresses("b@example.org").build())
        .content(
            EmailContent::builder()
                .raw(
                    RawMessage::builder()
                        .data(Blob::new(raw.clone()))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.message_id().unwrap();
    assert_eq!(sent_message(&endpoint, id).await["raw_data"], raw.as_str());
}
