//! The SES v2 sender against moto's SES v2 endpoint on loopback (the moto
//! server of `tests/support/moto.rs`): verify a sender identity through the
//! SDK, send, and read the message back from moto's `/moto-api/data.json`
//! (its model dump lists every sent `ses.Message` with source, destinations,
//! subject and body).

mod support;

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
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

/// The messages moto holds, from its model dump.
async fn sent_messages(endpoint: &str) -> Vec<Value> {
    let dump: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .expect("moto data.json")
        .json()
        .await
        .expect("JSON");
    dump["ses"]["Message"]
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

#[tokio::test]
async fn sends_through_ses_v2_and_moto_records_the_message() {
    let Some(endpoint) = moto("sends_through_ses_v2").await else {
        return;
    };
    let from_address = format!("mentoring@{}", domain("send"));
    let mailer = SesMailer::connect(config(
        &endpoint,
        &format!("LLAMA Mentoring <{from_address}>"),
    ))
    .await;
    mailer
        .client()
        .create_email_identity()
        .email_identity(&from_address)
        .send()
        .await
        .expect("CreateEmailIdentity");

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

    let messages = sent_messages(&endpoint).await;
    let sent = messages
        .iter()
        .find(|m| m["id"] == id.as_str())
        .unwrap_or_else(|| panic!("message {id} not in moto's data: {messages:#?}"));
    assert_eq!(sent["subject"], subject);
    assert_eq!(sent["body"], text);
    assert_eq!(sent["destinations"]["ToAddresses"][0], "ada@example.org");
    let source = sent["source"].as_str().unwrap();
    assert!(source.ends_with(&format!("<{from_address}>")), "{source}");
    assert!(source.contains("LLAMA Mentoring"), "{source}");
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
    assert!(text.to_lowercase().contains("not verified"), "{text}");
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
    let content = |s: &str| Content::builder().data(s).charset("UTF-8").build().unwrap();
    let out = client
        .send_email()
        .from_email_address(&from)
        .destination(Destination::builder().to_addresses("b@example.org").build())
        .content(
            EmailContent::builder()
                .simple(
                    Message::builder()
                        .subject(content("by hand"))
                        .body(Body::builder().text(content("body")).build())
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.message_id().unwrap();
    let messages = sent_messages(&endpoint).await;
    assert!(messages
        .iter()
        .any(|m| m["id"] == id && m["subject"] == "by hand"));
}
