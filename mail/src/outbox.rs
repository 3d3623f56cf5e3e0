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
//! - The file is the message as SES would be given it
//!   ([`super::message::render`]).
//!
//! [`Outbox::messages`] reads the folder back (newest first) and decodes
//! each file with [`super::message::read`], for the `/_outbox` page.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::message::{self, OutboxMessage};
use super::{Mail, MailError, Mailbox, Mailer};
use crate::clock::{Clock, SystemClock};

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
    /// the `From` header: a bare address or `Display Name <address>`
    /// ([`Mailbox::parse`]; a bad one fails each send).
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
            if let Some(message) = message::read(&file, &raw) {
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
        let stem = message::stem(now, seq);
        let from = Mailbox::parse(&self.from).map_err(|e| fail(format!("From: {e}")))?;
        let message_id = message::message_id(&stem, &from);
        let eml = message::render(mail, &from, &message_id, now).map_err(fail)?;

        std::fs::create_dir_all(&self.dir)
            .map_err(|e| fail(format!("creating the folder: {e}")))?;
        let name = format!("{stem}.eml");
        let temp = self.dir.join(format!(".{name}.part"));
        let target = self.dir.join(&name);
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(&eml)?;
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
