//! The program's events (`events:` of program.yaml: launch orientation and
//! reception, the midwinter report to the Board, follow-up sessions):
//! `public/events/index.html` (template `events.html`) and
//! `public/events.ics`, an RFC 5545 calendar.
//!
//! The calendar: `VCALENDAR` with `VERSION:2.0`, `PRODID`,
//! `CALSCALE:GREGORIAN`, `METHOD:PUBLISH`; one `VEVENT` per event with a
//! stable `UID` (`<event id>@<host of base_url>`), `DTSTAMP`, `DTSTART` /
//! `DTEND` in UTC (the event's naive local times converted from its IANA
//! time zone with chrono-tz), `SUMMARY`, `DESCRIPTION`, `LOCATION` and
//! `URL`. Text values escape `\`, `;`, `,` and newlines; lines end with
//! CRLF and are folded at 75 octets (never inside a UTF-8 character).
//!
//! `DTSTAMP` is the build time, or `SOURCE_DATE_EPOCH` (seconds) when set,
//! for reproducible builds.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use mentoring::program::{Event, Program};
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::render::Site;
use crate::write::Sink;

/// URL of the events page.
pub const EVENTS_URL: &str = "/events/";
/// Output of the events page.
pub const EVENTS_PAGE: &str = "public/events/index.html";
/// Output of the calendar.
pub const EVENTS_ICS: &str = "public/events.ics";
/// Template of the events page.
pub const TEMPLATE: &str = "events.html";

/// The UTC instant of `local` wall-clock time in the IANA zone `tz`. An
/// ambiguous time (the hour repeated when clocks go back) is the earlier
/// one; a time that does not exist (skipped when clocks go forward) is an
/// error, as is an unknown zone.
pub fn to_utc(local: NaiveDateTime, tz: &str) -> Result<DateTime<Utc>, String> {
    let zone = Tz::from_str(tz).map_err(|_| format!("{tz:?} is not an IANA time zone name"))?;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(early, _) => Ok(early.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "{local} does not exist in {tz} (the clocks skip it)"
        )),
    }
}

/// A text value escaped for iCalendar (RFC 5545 3.3.11): `\` `;` `,` and
/// newlines (CRLF, CR or LF become `\n`).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line folded at 75 octets (RFC 5545 3.1): each continuation
/// starts with a space; every line ends with CRLF; a UTF-8 character is
/// never split.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// The host of `base_url` (`https://mentoring.example.org/x` ->
/// `mentoring.example.org`).
pub fn host(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority
            .split_once(']')
            .map_or(authority.to_owned(), |(h, _)| format!("{h}]"))
    } else {
        authority.split(':').next().unwrap_or(authority).to_owned()
    };
    host.to_lowercase()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// An event with its times resolved.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Cohort, if any.
    pub cohort: Option<String>,
    /// Start, UTC.
    pub starts_utc: DateTime<Utc>,
    /// End, UTC.
    pub ends_utc: DateTime<Utc>,
    /// Start as `2008-06-28T16:00` local (for `<time datetime>` with the zone).
    pub starts_iso: String,
    /// The day, e.g. "Saturday, June 28, 2008".
    pub date_label: String,
    /// The local times with the zone abbreviation, e.g. "4:00 PM – 6:30 PM PDT".
    pub time_label: String,
    /// IANA zone.
    pub timezone: String,
    /// Where.
    pub location: String,
    /// Description, markdown source.
    pub description: String,
    /// Description as sanitized HTML.
    pub description_html: String,
    /// Link to it on the events page.
    pub url: String,
}

fn twelve_hour(t: &NaiveDateTime) -> String {
    t.format("%-I:%M %p").to_string()
}

/// The events of `program` with UTC times, by start; every problem (an
/// unknown zone, a time that does not exist, an end before the start) is
/// one message naming the event.
pub fn resolve(program: &Program) -> Result<Vec<EventView>, Vec<String>> {
    let mut errors = Vec::new();
    let mut views = Vec::new();
    for (i, e) in program.events.iter().enumerate() {
        match resolve_one(e) {
            Ok(v) => views.push(v),
            Err(msg) => errors.push(format!("events[{i}] ({}): {msg}", e.id)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    views.sort_by(|a, b| a.starts_utc.cmp(&b.starts_utc).then(a.id.cmp(&b.id)));
    Ok(views)
}

fn resolve_one(e: &Event) -> Result<EventView, String> {
    let starts_utc = to_utc(e.starts, &e.timezone).map_err(|m| format!("starts: {m}"))?;
    let ends_utc = to_utc(e.ends, &e.timezone).map_err(|m| format!("ends: {m}"))?;
    if ends_utc < starts_utc {
        return Err("ends: the event ends before it starts".into());
    }
    let zone = Tz::from_str(&e.timezone).map_err(|_| "unknown zone".to_owned())?;
    let abbr = starts_utc.with_timezone(&zone).format("%Z").to_string();
    let same_day = e.starts.date() == e.ends.date();
    let time_label = if same_day {
        format!(
            "{} – {} {abbr}",
            twelve_hour(&e.starts),
            twelve_hour(&e.ends)
        )
    } else {
        format!(
            "{} – {} {} {abbr}",
            twelve_hour(&e.starts),
            e.ends.format("%B %-d"),
            twelve_hour(&e.ends)
        )
    };
    let description = crate::markdown::render(&e.description, &|t| Ok(t.to_string())).0;
    Ok(EventView {
        id: e.id.clone(),
        title: e.title.clone(),
        cohort: e.cohort.clone(),
        starts_utc,
        ends_utc,
        starts_iso: e.starts.format("%Y-%m-%dT%H:%M").to_string(),
        date_label: e.starts.format("%A, %B %-d, %Y").to_string(),
        time_label,
        timezone: e.timezone.clone(),
        location: e.location.clone(),
        description: e.description.clone(),
        description_html: crate::sanitize::clean(description.html, description.plain),
        url: format!("{EVENTS_URL}#{}", e.id),
    })
}

/// The calendar of `events` (see the module docs); `dtstamp` is when it was
/// made.
pub fn ics(program: &Program, events: &[EventView], dtstamp: DateTime<Utc>) -> String {
    let base = program.base_url.trim_end_matches('/');
    let host = host(base);
    let mut out = String::new();
    let mut line = |s: String| out.push_str(&fold(&s));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line(format!(
        "PRODID:-//duos//{}//EN",
        escape_text(&program.name).replace("//", "/")
    ));
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape_text(&program.name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@{host}", e.id));
        line(format!("DTSTAMP:{}", stamp(dtstamp)));
        line(format!("DTSTART:{}", stamp(e.starts_utc)));
        line(format!("DTEND:{}", stamp(e.ends_utc)));
        line(format!("SUMMARY:{}", escape_text(&e.title)));
        line(format!("DESCRIPTION:{}", escape_text(e.description.trim())));
        line(format!("LOCATION:{}", escape_text(&e.location)));
        line(format!("URL:{base}{}", e.url));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// `DTSTAMP` of a build: `SOURCE_DATE_EPOCH` when set, else now.
pub fn build_time() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(Utc::now)
}

/// Renders the events page (when the theme has [`TEMPLATE`]) and the
/// calendar into `sink`. Returns how many files were written.
pub fn render(site: &Site, sink: &Sink) -> Result<usize, Vec<Diagnostic>> {
    let program = &site.program;
    let program_yaml = Path::new("content/program.yaml");
    let events = resolve(program).map_err(|errors| {
        errors
            .into_iter()
            .map(|m| Diagnostic::new(program_yaml, m))
            .collect::<Vec<_>>()
    })?;
    let mut written = 0;
    let mut diags = Vec::new();
    if site.templates.has(TEMPLATE) {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &crate::render::site_value(program));
        ctx.insert("nav", &crate::pages::navigation(&site.pages));
        ctx.insert("current_url", EVENTS_URL);
        ctx.insert("area", "public");
        ctx.insert("events", &events);
        ctx.insert("calendar_url", "/events.ics");
        match site.templates.render(TEMPLATE, &ctx) {
            Ok(html) => match sink.write(Path::new(EVENTS_PAGE), html.as_bytes()) {
                Ok(()) => written += 1,
                Err(e) => diags.push(Diagnostic::new(EVENTS_PAGE, format!("cannot write: {e}"))),
            },
            Err(d) => diags.push(d),
        }
    }
    let calendar = ics(program, &events, build_time());
    match sink.write(Path::new(EVENTS_ICS), calendar.as_bytes()) {
        Ok(()) => written += 1,
        Err(e) => diags.push(Diagnostic::new(EVENTS_ICS, format!("cannot write: {e}"))),
    }
    if diags.is_empty() {
        Ok(written)
    } else {
        Err(diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_counts_octets_and_keeps_characters_whole() {
        let long = format!("DESCRIPTION:{}", "é".repeat(60));
        let folded = fold(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
        assert_eq!(fold("SHORT:x"), "SHORT:x\r\n");
    }

    #[test]
    fn text_escapes() {
        assert_eq!(escape_text("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn zones_and_hosts() {
        let t = to_utc(
            NaiveDateTime::parse_from_str("2008-06-28T16:00:00", "%Y-%m-%dT%H:%M:%S").unwrap(),
            "America/Los_Angeles",
        )
        .unwrap();
        assert_eq!(stamp(t), "20080628T230000Z");
        assert!(to_utc(
            NaiveDateTime::parse_from_str("2009-03-08T02:30:00", "%Y-%m-%dT%H:%M:%S").unwrap(),
            "America/Chicago"
        )
        .is_err());
        assert!(to_utc(t.naive_utc(), "Mars/Olympus").is_err());
        assert_eq!(
            host("https://Mentoring.example.org/"),
            "mentoring.example.org"
        );
        assert_eq!(host("http://localhost:1111"), "localhost");
    }
}
