//! The outbox: a [`Mailer`] that writes each message as an RFC 5322 `.eml`
//! file into a folder instead of sending it. `duos serve` uses
//! `.duos/outbox/` and shows the folder at `/_outbox`; tests read the files
//! back.
//!
//! - Each message is one file `<UTC time>-<sequence>-<random>.eml`, e.g.
//!   `20261128T105245.123456Z-000001-3f9a1c.eml`: names sort by the time the
//!   message was written (then by a per-process sequence).
//! - A file appears whole or not at all: it is written under a hidden
//!   temporary name (`.<name>.part`), flushed, then renamed.
//! - Headers: `Date`, `From`, `To`, `Subject` (RFC 2047 encoded-words when
//!   not plain ASCII), `Message-ID`, `MIME-Version`, `Content-Type:
//!   text/plain; charset=utf-8` and `Content-Transfer-Encoding`: `7bit` for a
//!   plain ASCII body with short lines, otherwise `quoted-printable`. Lines
//!   end in CRLF.
//!
//! [`Outbox::messages`] reads the folder back (newest first) and decodes
//! each file with [`parse_eml`], for the `/_outbox` page.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use super::{Mail, MailError, Mailer};
use crate::clock::{Clock, SystemClock};

/// Longest line (without CRLF) a message may carry (RFC 5322 2.1.1).
const MAX_LINE: usize = 998;
/// Longest encoded line of a quoted-printable body (RFC 2045 6.7).
const QP_LINE: usize = 76;
/// Bytes of UTF-8 text in one `=?UTF-8?B?...?=` word: 42 bytes are 56
/// base64 characters, 68 with the wrapper (RFC 2047 allows 75), so even the
/// first line, after `Subject: `, stays within 78 columns.
const WORD_BYTES: usize = 42;

/// A [`Mailer`] writing `.eml` files into a folder.
pub struct Outbox {
    dir: PathBuf,
    from: String,
    seq: AtomicU64,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("dir", &self.dir)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox writing into `dir` (created on first send), with `from` as
    /// the `From` header: a bare address or `Display Name <address>`.
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Outbox {
        Outbox {
            dir: dir.into(),
            from: from.into(),
            seq: AtomicU64::new(0),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same outbox dating its messages (`Date`, file names) by `clock`:
    /// the app's, so that `duos serve --today` and `duos tick --now` write
    /// mail dated on the program's day, not the machine's.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Outbox {
        self.clock = clock;
        self
    }

    /// The folder the messages are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The `.eml` files in the folder, oldest first (by name). A missing
    /// folder has none.
    pub fn files(&self) -> std::io::Result<Vec<PathBuf>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !name.starts_with('.') && name.ends_with(".eml") && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// Every message in the folder, decoded, newest first. A file that does
    /// not parse is skipped.
    pub fn messages(&self) -> std::io::Result<Vec<OutboxMessage>> {
        let mut messages = Vec::new();
        for path in self.files()?.into_iter().rev() {
            let raw = std::fs::read(&path)?;
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if let Some(message) = parse_eml(&file, &raw) {
                messages.push(message);
            }
        }
        Ok(messages)
    }

    /// Renders `mail` and writes it; returns the Message-ID (without angle
    /// brackets), which the file is named after.
    fn write(&self, mail: &Mail, now: DateTime<Utc>) -> Result<String, MailError> {
        let fail = |reason: String| MailError {
            to: mail.to.clone(),
            reason: format!("outbox {}: {reason}", self.dir.display()),
        };
        let seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let stem = format!(
            "{}-{seq:06}-{:06x}",
            now.format("%Y%m%dT%H%M%S%.6fZ"),
            fastrand::u32(..0x0100_0000)
        );
        let domain = address_domain(&self.from).unwrap_or("duos.localhost");
        let message_id = format!("{stem}@{domain}");
        let eml = render_eml(mail, &self.from, &message_id, now).map_err(fail)?;

        std::fs::create_dir_all(&self.dir)
            .map_err(|e| fail(format!("creating the folder: {e}")))?;
        let name = format!("{stem}.eml");
        let temp = self.dir.join(format!(".{name}.part"));
        let target = self.dir.join(&name);
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(eml.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &target)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(fail(format!("writing {name}: {e}")));
        }
        Ok(message_id)
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: Mail) -> Result<String, MailError> {
        // Small synchronous file writes: fine on the runtime's thread for
        // `duos serve`; no need to hop to the blocking pool.
        self.write(&mail, self.clock.now())
    }
}

/// Renders one message as RFC 5322 text (CRLF line ends). `Err` says why the
/// message cannot be rendered (a bad address).
pub fn render_eml(
    mail: &Mail,
    from: &str,
    message_id: &str,
    date: DateTime<Utc>,
) -> Result<String, String> {
    let to = checked_address(&mail.to)?;
    let from = mailbox_header(from)?;
    let mut out = String::with_capacity(mail.text.len() + 512);
    out.push_str(&format!("Date: {}\r\n", date.to_rfc2822()));
    out.push_str(&format!("From: {from}\r\n"));
    out.push_str(&format!("To: {to}\r\n"));
    out.push_str(&subject_header(&mail.subject));
    out.push_str(&format!("Message-ID: <{message_id}>\r\n"));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    let lines: Vec<&str> = body_lines(&mail.text);
    let plain = mail.text.is_ascii() && lines.iter().all(|l| l.len() <= MAX_LINE);
    if plain {
        out.push_str("Content-Transfer-Encoding: 7bit\r\n\r\n");
        for line in &lines {
            out.push_str(line);
            out.push_str("\r\n");
        }
    } else {
        out.push_str("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        for line in &lines {
            encode_qp_line(line.as_bytes(), &mut out);
        }
    }
    Ok(out)
}

/// The body's lines: `\n` and `\r\n` both end a line; a final line end adds
/// no empty line.
fn body_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

/// Appends one line quoted-printable encoded (RFC 2045 6.7), with soft line
/// breaks keeping each encoded line within 76 characters, and a hard CRLF.
fn encode_qp_line(line: &[u8], out: &mut String) {
    let mut width = 0;
    for (i, &byte) in line.iter().enumerate() {
        let last = i + 1 == line.len();
        let literal =
            matches!(byte, b'!'..=b'<' | b'>'..=b'~') || (matches!(byte, b' ' | b'\t') && !last);
        let piece = if literal {
            (byte as char).to_string()
        } else {
            format!("={byte:02X}")
        };
        // Keep room for a soft break "=" unless this is the line's last piece.
        let limit = if last { QP_LINE } else { QP_LINE - 1 };
        if width + piece.len() > limit {
            out.push_str("=\r\n");
            width = 0;
        }
        out.push_str(&piece);
        width += piece.len();
    }
    out.push_str("\r\n");
}

/// The `Subject` header line(s), CRLF-terminated: as is when plain ASCII
/// (folded at spaces past 78 columns), else RFC 2047 `B` encoded-words of
/// whole characters, one per folded line. Line breaks in the subject become
/// spaces.
pub fn subject_header(subject: &str) -> String {
    let one_line: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let one_line = one_line.trim();
    let needs_encoding = !one_line.is_ascii() || one_line.contains("=?");
    if !needs_encoding {
        return fold_ascii("Subject: ", one_line);
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in one_line.chars() {
        if chunk.len() + c.len_utf8() > WORD_BYTES {
            words.push(encoded_word(&chunk));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(encoded_word(&chunk));
    }
    format!("Subject: {}\r\n", words.join("\r\n "))
}

fn encoded_word(text: &str) -> String {
    format!(
        "=?UTF-8?B?{}?=",
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
    )
}

/// `name` + `value` folded at spaces so lines stay within 78 columns where a
/// space allows it.
fn fold_ascii(name: &str, value: &str) -> String {
    let mut out = String::from(name);
    let mut width = name.len();
    for (i, word) in value.split(' ').enumerate() {
        if i > 0 {
            if width + 1 + word.len() > 78 {
                out.push_str("\r\n");
                width = 0;
            }
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out.push_str("\r\n");
    out
}

/// A bare address, checked: ASCII, one `@`, no spaces, angle brackets or
/// line breaks (nothing that could end the header).
fn checked_address(address: &str) -> Result<&str, String> {
    let address = address.trim();
    let ok = address.is_ascii()
        && address.matches('@').count() == 1
        && !address.starts_with('@')
        && !address.ends_with('@')
        && !address
            .chars()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control() || "<>,;\"()".contains(c));
    if ok {
        Ok(address)
    } else {
        Err(format!("not a usable address: {address:?}"))
    }
}

/// `From` value: `address` or `"Display Name" <address>` (the name as an
/// encoded-word when not ASCII).
pub(crate) fn mailbox_header(mailbox: &str) -> Result<String, String> {
    let (name, address) = split_mailbox(mailbox);
    let address = checked_address(address)?;
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim().trim_matches('"').trim();
    if name.is_empty() {
        return Ok(address.to_owned());
    }
    if name.is_ascii() && !name.contains("=?") {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        Ok(format!("\"{quoted}\" <{address}>"))
    } else {
        Ok(format!("{} <{address}>", encoded_word(name)))
    }
}

/// `("Name", "addr")` from `Name <addr>`; `("", "addr")` from `addr`.
fn split_mailbox(mailbox: &str) -> (&str, &str) {
    let mailbox = mailbox.trim();
    if let (Some(open), true) = (mailbox.rfind('<'), mailbox.ends_with('>')) {
        (&mailbox[..open], &mailbox[open + 1..mailbox.len() - 1])
    } else {
        ("", mailbox)
    }
}

fn address_domain(mailbox: &str) -> Option<&str> {
    let (_, address) = split_mailbox(mailbox);
    let domain = address.rsplit_once('@')?.1.trim();
    let ok = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    ok.then_some(domain)
}

/// One message of the outbox, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The file's name in the outbox folder.
    pub file: String,
    /// `Date` header as written.
    pub date: String,
    /// `From` header (encoded-words decoded).
    pub from: String,
    /// `To` header.
    pub to: String,
    /// `Subject` header, unfolded and decoded.
    pub subject: String,
    /// `Message-ID` without angle brackets.
    pub message_id: String,
    /// The body, decoded, with `\n` line ends.
    pub text: String,
}

/// Decodes an `.eml` file written by the outbox (unfolds headers, decodes
/// RFC 2047 `B`/`Q` words and a quoted-printable body). `None` when it has
/// no header/body separator or the body is not UTF-8.
pub fn parse_eml(file: &str, raw: &[u8]) -> Option<OutboxMessage> {
    let text = std::str::from_utf8(raw).ok()?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .or_else(|| text.split_once("\n\n"))?;
    let headers = parse_headers(head);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let body = if header("Content-Transfer-Encoding").eq_ignore_ascii_case("quoted-printable") {
        String::from_utf8(decode_qp(body)).ok()?
    } else {
        body.to_owned()
    };
    let mut body = body.replace("\r\n", "\n");
    if body.ends_with('\n') {
        body.pop();
    }
    Some(OutboxMessage {
        file: file.to_owned(),
        date: header("Date"),
        from: decode_words(&header("From")),
        to: header("To"),
        subject: decode_words(&header("Subject")),
        message_id: header("Message-ID")
            .trim_matches(|c| c == '<' || c == '>')
            .to_owned(),
        text: body,
    })
}

/// Header fields in order, unfolded (a continuation line's CRLF removed).
fn parse_headers(head: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_owned(), value.trim_start().to_owned()));
        }
    }
    fields
}

/// Decodes RFC 2047 encoded-words (`B` and `Q`, UTF-8 or ASCII charsets);
/// whitespace between two adjacent encoded-words is dropped.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut pending_space = String::new();
    let mut last_was_word = false;
    let mut rest = value;
    while !rest.is_empty() {
        let ws_len = rest.len() - rest.trim_start().len();
        if ws_len > 0 {
            pending_space.push_str(&rest[..ws_len]);
            rest = &rest[ws_len..];
            continue;
        }
        let token_len = rest.find([' ', '\t']).unwrap_or(rest.len());
        let token = &rest[..token_len];
        rest = &rest[token_len..];
        match decode_word(token) {
            Some(decoded) => {
                if !last_was_word {
                    out.push_str(&pending_space);
                }
                out.push_str(&decoded);
                last_was_word = true;
            }
            None => {
                out.push_str(&pending_space);
                out.push_str(token);
                last_was_word = false;
            }
        }
        pending_space.clear();
    }
    out
}

fn decode_word(token: &str) -> Option<String> {
    let inner = token.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.splitn(3, '?');
    let charset = parts.next()?;
    let encoding = parts.next()?;
    let data = parts.next()?;
    if !(charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("us-ascii")) {
        return None;
    }
    let bytes = if encoding.eq_ignore_ascii_case("b") {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .ok()?
    } else if encoding.eq_ignore_ascii_case("q") {
        decode_qp(&data.replace('_', " "))
    } else {
        return None;
    };
    String::from_utf8(bytes).ok()
}

/// Decodes quoted-printable text: `=XX` escapes and `=` soft line breaks.
pub fn decode_qp(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if bytes[i + 1..].starts_with(b"\n") {
                i += 2;
                continue;
            }
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(subject: &str, text: &str) -> Mail {
        Mail {
            to: "ada@example.org".into(),
            subject: subject.into(),
            text: text.into(),
        }
    }

    #[test]
    fn quoted_printable_lines_stay_short_and_round_trip() {
        let text = "é".repeat(100) + " \n" + &"x=".repeat(60) + "\ttrailing tab\t";
        let eml = render_eml(&mail("s", &text), "a@b.org", "id@b.org", Utc::now()).unwrap();
        let (_, body) = eml.split_once("\r\n\r\n").unwrap();
        assert!(body.split("\r\n").all(|l| l.len() <= QP_LINE), "{body}");
        assert!(body.is_ascii());
        let parsed = parse_eml("f.eml", eml.as_bytes()).unwrap();
        assert_eq!(parsed.text, text);
    }

    #[test]
    fn subjects_encode_only_when_needed_and_fold() {
        assert_eq!(
            subject_header("Plain subject"),
            "Subject: Plain subject\r\n"
        );
        let long = "Ünïcödé ".repeat(12);
        let header = subject_header(&long);
        assert!(header.is_ascii());
        assert!(header.split("\r\n").all(|l| l.len() <= 78), "{header}");
        let value = header.trim_start_matches("Subject: ").replace("\r\n", "");
        assert_eq!(decode_words(&value), long.trim());
        assert!(subject_header("a =?x?= b").contains("=?UTF-8?B?"));
        assert_eq!(subject_header("one\r\ntwo"), "Subject: one  two\r\n");
    }

    #[test]
    fn bad_addresses_are_refused() {
        for to in ["", "no-at", "a@b\r\nBcc: x@y", "two@@x", "<a@b>", "a b@c"] {
            let mut m = mail("s", "t");
            m.to = to.into();
            assert!(
                render_eml(&m, "a@b.org", "id@b.org", Utc::now()).is_err(),
                "{to:?}"
            );
        }
    }

    #[test]
    fn from_display_names_are_quoted_or_encoded() {
        assert_eq!(
            mailbox_header("LLAMA Mentoring <m@x.org>").unwrap(),
            "\"LLAMA Mentoring\" <m@x.org>"
        );
        assert_eq!(mailbox_header("m@x.org").unwrap(), "m@x.org");
        let encoded = mailbox_header("Mentorat Ça <m@x.org>").unwrap();
        assert!(encoded.starts_with("=?UTF-8?B?") && encoded.ends_with(" <m@x.org>"));
        assert_eq!(decode_words(&encoded), "Mentorat Ça <m@x.org>");
    }
}
