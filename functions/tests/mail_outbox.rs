//! The outbox mailer: `.eml` files read back and decoded here independently
//! of the crate's own reader (headers, RFC 2047 subject, quoted-printable or
//! base64 body), then through `Outbox::messages` as `/_outbox` reads them.

use std::collections::HashSet;

use base64::Engine as _;
use functions::mail::{Mail, Mailer, Outbox};

fn mail(to: &str, subject: &str, text: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: subject.into(),
        text: text.into(),
    }
}

/// Header fields of a raw message, unfolded, in order, and the raw body.
fn split(raw: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .expect("a blank line ends the header");
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line end in {line:?}"
        );
        assert!(line.len() <= 78, "header line over 78 columns: {line:?}");
        if line.starts_with(' ') || line.starts_with('\t') {
            fields
                .last_mut()
                .expect("continuation after a field")
                .1
                .push_str(line);
        } else {
            let (name, value) = line.split_once(": ").expect("name: value");
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    (fields, body.to_owned())
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    let found: Vec<_> = fields.iter().filter(|(n, _)| n == name).collect();
    assert_eq!(found.len(), 1, "exactly one {name} header in {fields:?}");
    &found[0].1
}

/// RFC 2047: only `=?UTF-8?B?...?=` words (the charset in any case)
/// separated by folding whitespace.
fn decode_b_words(value: &str) -> String {
    let mut bytes = Vec::new();
    for word in value.split_whitespace() {
        let data = word
            .get(..10)
            .filter(|p| p.eq_ignore_ascii_case("=?UTF-8?B?"))
            .and_then(|_| word[10..].strip_suffix("?="))
            .unwrap_or_else(|| panic!("not a B encoded-word: {word:?}"));
        assert!(word.len() <= 75, "encoded-word over 75 characters");
        let chunk = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64");
        // Each word holds whole characters (RFC 2047 5).
        std::str::from_utf8(&chunk).expect("whole UTF-8 characters per word");
        bytes.extend(chunk);
    }
    String::from_utf8(bytes).expect("UTF-8")
}

/// RFC 2045 6.7 quoted-printable, checking the 76-column limit.
fn decode_qp(body: &str) -> String {
    let mut out = Vec::new();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(lines.last(), Some(&""), "body ends with CRLF");
    for line in &lines[..lines.len() - 1] {
        assert!(line.len() <= 76, "encoded line over 76: {line:?}");
        assert!(line.is_ascii());
        assert!(
            !line.ends_with(' ') && !line.ends_with('\t'),
            "trailing white space"
        );
        let (content, soft) = match line.strip_suffix('=') {
            Some(content) => (content, true),
            None => (*line, false),
        };
        let bytes = content.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("=XX"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        if !soft {
            out.extend_from_slice(b"\n");
        }
    }
    String::from_utf8(out).expect("UTF-8 body")
}

/// RFC 2045 6.8 base64, checking the 76-column limit.
fn decode_base64(body: &str) -> String {
    let mut data = String::new();
    for line in body.split("\r\n") {
        assert!(line.len() <= 76, "encoded line over 76: {line:?}");
        data.push_str(line);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64 body");
    String::from_utf8(bytes)
        .expect("UTF-8 body")
        .replace("\r\n", "\n")
}

/// The body decoded as its `Content-Transfer-Encoding` says.
fn decode_body(fields: &[(String, String)], body: &str) -> String {
    match field(fields, "Content-Transfer-Encoding") {
        "quoted-printable" => decode_qp(body),
        "base64" => decode_base64(body),
        other => panic!("a non-ASCII body sent as {other}"),
    }
}

#[tokio::test]
async fn writes_rfc5322_files_with_encoded_subject_and_body() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(
        dir.path().join("outbox"),
        "LLAMA Mentoring <mentoring@llama.example.org>",
    );
    let subject = "Demande de mentorat : Zoë Ångström a répondu — 進捗 ✓";
    let text = "Bonjour Zoë,\n\nVotre demande a été acceptée. Prochaine étape : réunion « café » = 30 min.\n\
                Une très longue ligne pour vérifier les sauts de ligne doux : "
        .to_owned()
        + &"àéîõü ".repeat(30)
        + "\nfin\n";
    let id = outbox
        .send(mail("zoe@example.org", subject, &text))
        .await
        .expect("written");

    let files: Vec<_> = std::fs::read_dir(outbox.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 1, "one file and no temporary left: {files:?}");
    assert!(files[0].ends_with(".eml"));
    let raw = std::fs::read_to_string(outbox.dir().join(&files[0])).unwrap();
    assert!(raw.is_ascii(), "7-bit clean file");

    let (fields, body) = split(&raw);
    let date = field(&fields, "Date");
    let parsed = chrono::DateTime::parse_from_rfc2822(date).expect("RFC 5322 date");
    let age = chrono::Utc::now().signed_duration_since(parsed);
    assert!(age.num_seconds().abs() < 60, "{date}");
    assert_eq!(
        field(&fields, "From"),
        "\"LLAMA Mentoring\" <mentoring@llama.example.org>"
    );
    assert_eq!(field(&fields, "To"), "<zoe@example.org>");
    assert_eq!(decode_b_words(field(&fields, "Subject")), subject);
    let message_id = field(&fields, "Message-ID");
    assert_eq!(message_id, format!("<{id}>"));
    assert!(id.ends_with("@llama.example.org"), "{id}");
    assert_eq!(field(&fields, "MIME-Version"), "1.0");
    assert_eq!(
        field(&fields, "Content-Type"),
        "text/plain; charset=\"utf-8\""
    );
    assert_eq!(decode_body(&fields, &body), text);

    // The crate's own reader (used by /_outbox) agrees.
    let messages = outbox.messages().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].subject, subject);
    assert_eq!(messages[0].text, text.trim_end_matches('\n'));
    assert_eq!(messages[0].to, "zoe@example.org");
    assert_eq!(
        messages[0].from,
        "LLAMA Mentoring <mentoring@llama.example.org>"
    );
    assert_eq!(messages[0].message_id, id);
    assert_eq!(messages[0].file, files[0]);
}

#[tokio::test]
async fn ascii_mail_is_7bit_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path(), "mentoring@example.org");
    outbox
        .send(mail(
            "ada@example.org",
            "Your application was received",
            "Hello Ada,\n\nThanks.\n",
        ))
        .await
        .unwrap();
    let file = outbox.files().unwrap().remove(0);
    let raw = std::fs::read_to_string(file).unwrap();
    let (fields, body) = split(&raw);
    assert_eq!(field(&fields, "Subject"), "Your application was received");
    assert_eq!(field(&fields, "From"), "<mentoring@example.org>");
    assert_eq!(field(&fields, "Content-Transfer-Encoding"), "7bit");
    assert_eq!(body, "Hello Ada,\r\n\r\nThanks.\r\n");
}

/// A mostly English body with a few accents and a long line: 7-bit clean,
/// short lines, and the same text back.
#[tokio::test]
async fn a_long_line_with_accents_is_encoded_in_short_lines() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path(), "Mentorat Ça <mentoring@example.org>");
    let text = "Dear Zoë,\n\n".to_owned()
        + &"Your mentor's café = the meeting place. ".repeat(20)
        + " \n\ttab, trailing space \nEnd.\n";
    outbox
        .send(mail("zoe@example.org", "Your mentor", &text))
        .await
        .unwrap();
    let raw = std::fs::read_to_string(outbox.files().unwrap().remove(0)).unwrap();
    assert!(raw.is_ascii(), "7-bit clean file");
    let (fields, body) = split(&raw);
    assert_eq!(
        decode_b_words(field(&fields, "From").trim_end_matches(" <mentoring@example.org>")),
        "Mentorat Ça"
    );
    assert_eq!(decode_body(&fields, &body), text);
    let read = outbox.messages().unwrap().remove(0);
    assert_eq!(read.text, text.trim_end_matches('\n'));
    assert_eq!(read.from, "Mentorat Ça <mentoring@example.org>");
}

#[tokio::test]
async fn file_names_sort_by_time_and_ids_are_unique() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path(), "mentoring@example.org");
    let mut ids = HashSet::new();
    for i in 0..25 {
        let id = outbox
            .send(mail("ada@example.org", &format!("message {i:02}"), "x"))
            .await
            .unwrap();
        assert!(ids.insert(id));
        if i % 5 == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
    let subjects: Vec<String> = outbox
        .messages()
        .unwrap()
        .into_iter()
        .rev()
        .map(|m| m.subject)
        .collect();
    let expected: Vec<String> = (0..25).map(|i| format!("message {i:02}")).collect();
    assert_eq!(subjects, expected, "name order is send order");
}

#[tokio::test]
async fn header_injection_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::new(dir.path(), "mentoring@example.org");
    for to in [
        "ada@example.org\r\nBcc: eve@example.org",
        "ada@example.org, eve@example.org",
        "Ada <ada@example.org>",
        "",
    ] {
        let err = outbox.send(mail(to, "hi", "x")).await.unwrap_err();
        assert_eq!(err.to, to);
        assert!(err.to_string().contains("not a usable address"), "{err}");
    }
    assert!(outbox.files().unwrap().is_empty());

    // A line break in the subject cannot start a new header either.
    outbox
        .send(mail("ada@example.org", "hi\r\nBcc: eve@example.org", "x"))
        .await
        .unwrap();
    let raw = std::fs::read_to_string(outbox.files().unwrap().remove(0)).unwrap();
    let (fields, _) = split(&raw);
    assert!(fields.iter().all(|(n, _)| n != "Bcc"), "{fields:?}");
}

#[tokio::test]
async fn an_unwritable_folder_is_a_mail_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, "a file").unwrap();
    let outbox = Outbox::new(blocker.join("outbox"), "mentoring@example.org");
    let err = outbox
        .send(mail("ada@example.org", "hi", "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("outbox"), "{err}");
}

/// With the app's clock (as `duos serve --today` and `duos tick --now` set
/// it), a message is dated on the program's day, in its header and in its
/// file name, not on the machine's.
#[tokio::test]
async fn mail_is_dated_by_the_outboxs_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = functions::clock::TestClock::at_rfc3339("2008-11-20T15:30:00Z");
    let outbox =
        Outbox::new(dir.path(), "mentoring@example.org").with_clock(std::sync::Arc::new(clock));
    outbox
        .send(mail("ada@example.org", "Mid-way survey", "Hello.\n"))
        .await
        .unwrap();
    let file = outbox.files().unwrap().remove(0);
    let name = file.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with("20081120T153000"), "{name}");
    let raw = std::fs::read_to_string(&file).unwrap();
    let (fields, _) = split(&raw);
    assert_eq!(field(&fields, "Date"), "Thu, 20 Nov 2008 15:30:00 +0000");
}
