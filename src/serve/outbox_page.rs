//! `/_outbox`: the mail `duos serve` would have sent, newest first, and
//! `/_outbox/<file>`: one message.

use functions::mail::outbox::Outbox;

use super::files::escape;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · duos serve</title>\
{css}</head>\n\
<body><main><p><a href=\"/\">Site</a> · <a href=\"/_outbox\">Outbox</a></p>{body}</main></body></html>\n",
        title = escape(title),
        css = super::files::SERVE_CSS_LINK,
    )
}

/// The list of messages.
pub fn list(outbox: &Outbox) -> String {
    let messages = match outbox.messages() {
        Ok(m) => m,
        Err(e) => {
            return page(
                "Outbox",
                &format!(
                    "<h1>Outbox</h1><p>Cannot read {}: {}</p>",
                    escape(&outbox.dir().display().to_string()),
                    escape(&e.to_string())
                ),
            )
        }
    };
    let mut rows = String::new();
    for m in &messages {
        rows.push_str(&format!(
            "<tr><td>{date}</td><td>{to}</td><td><a href=\"/_outbox/{file}\">{subject}</a></td></tr>\n",
            date = escape(&m.date),
            to = escape(&m.to),
            file = escape(&m.file),
            subject = escape(&m.subject),
        ));
    }
    let body = if messages.is_empty() {
        "<h1>Outbox</h1><p>No mail yet. Every message the program sends is written here \
         (as an .eml file in the data folder's outbox/) instead of being sent.</p>"
            .to_owned()
    } else {
        format!(
            "<h1>Outbox</h1><p>{n} message{s}, newest first, from <code>{dir}</code>.</p>\
<table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">To</th><th scope=\"col\">Subject</th></tr></thead>\
<tbody>\n{rows}</tbody></table>",
            n = messages.len(),
            s = if messages.len() == 1 { "" } else { "s" },
            dir = escape(&outbox.dir().display().to_string()),
        )
    };
    page("Outbox", &body)
}

/// One message, or `None` when there is no such file.
pub fn message(outbox: &Outbox, file: &str) -> Option<String> {
    let messages = outbox.messages().ok()?;
    let m = messages.into_iter().find(|m| m.file == file)?;
    Some(page(
        &m.subject,
        &format!(
            "<h1>{subject}</h1><table><tbody>\
<tr><th scope=\"row\">Date</th><td>{date}</td></tr>\
<tr><th scope=\"row\">From</th><td>{from}</td></tr>\
<tr><th scope=\"row\">To</th><td>{to}</td></tr>\
<tr><th scope=\"row\">Message-ID</th><td>{id}</td></tr></tbody></table>\
<pre>{text}</pre>",
            subject = escape(&m.subject),
            date = escape(&m.date),
            from = escape(&m.from),
            to = escape(&m.to),
            id = escape(&m.message_id),
            text = escape(&m.text),
        ),
    ))
}
