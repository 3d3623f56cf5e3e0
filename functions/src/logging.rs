//! Structured logs with `tracing`: one span per request — `request`, with
//! `request_id` (the Lambda invocation's, else a new one), `method`, `path`
//! and, once the session is read, `member_id`; `status` and `ms` when it is
//! answered — and the events of the request inside it. JSON lines on Lambda
//! (CloudWatch can filter on every field), readable lines in `duos serve`.
//!
//! Nothing personal beyond the member id: no names, e-mail addresses,
//! bodies or query strings; the one path segment that is a name (a mentor
//! profile's slug) is logged as `{slug}` ([`loggable_path`]). The level is
//! `DUOS_LOG` (`error`, `warn`, `info`, `debug`, `trace`; see [`init`]).

use std::future::Future;
use std::time::Instant;

use http::{Request, Response};
use tracing::field::Empty;
use tracing::{Instrument, Span};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line, the span's fields flattened in (Lambda).
    Json,
    /// One readable line per event (`duos serve`, a terminal).
    Readable,
}

/// The level `DUOS_LOG` names, else `default`.
fn level_from_env(default: tracing::Level) -> tracing::Level {
    std::env::var("DUOS_LOG")
        .ok()
        .and_then(|v| v.trim().parse::<tracing::Level>().ok())
        .unwrap_or(default)
}

/// The Lambda functions' subscriber: JSON lines into `writer`, the current
/// span's fields flattened into each event.
pub fn json_subscriber<W>(
    writer: W,
    level: tracing::Level,
) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(writer)
        .with_target(false)
        .with_ansi(false)
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .finish()
}

/// Installs the process's log subscriber, writing to stderr. A second call
/// (tests, a restarted server in one process) keeps the first. The default
/// level is `info` for JSON (a line per request, for CloudWatch) and `warn`
/// for readable lines (the terminal of `duos serve` shows what went wrong,
/// with its request's span; `DUOS_LOG=info` adds a line per request).
pub fn init(format: Format) {
    let level = level_from_env(match format {
        Format::Json => tracing::Level::INFO,
        Format::Readable => tracing::Level::WARN,
    });
    let _already_installed = match format {
        Format::Json => {
            tracing::subscriber::set_global_default(json_subscriber(std::io::stderr, level))
                .map_err(|e| e.to_string())
        }
        Format::Readable => tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(false)
            .compact()
            .try_init()
            .map_err(|e| e.to_string()),
    };
}

/// The id of one request, set by the runtime that received it (the Lambda
/// invocation's request id) as an extension of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A new request id: 16 hex digits.
fn new_request_id() -> String {
    format!("{:016x}", fastrand::u64(..))
}

/// `path` as logged: a mentor profile's slug (a person's name) becomes
/// `{slug}`; everything else (member ids, record ids, page names) is kept.
pub fn loggable_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut after_mentors = false;
    for segment in path.split('/') {
        if after_mentors && !segment.is_empty() && segment != "page" {
            out.push("{slug}");
        } else {
            out.push(segment);
        }
        after_mentors = segment == "mentors";
    }
    out.join("/")
}

/// The span of one request.
pub fn request_span<B>(req: &Request<B>) -> Span {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_else(new_request_id);
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %loggable_path(req.uri().path()),
        member_id = Empty,
        status = Empty,
        ms = Empty,
    )
}

/// Runs `answer` inside `span`, then records the status and the time taken
/// and logs one `answered` event (a warning for 5xx).
pub async fn traced<B, F>(span: Span, answer: F) -> Response<B>
where
    F: Future<Output = Response<B>>,
{
    let started = Instant::now();
    let response = answer.instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("ms", started.elapsed().as_millis() as u64);
    let _inside = span.enter();
    if status >= 500 {
        tracing::warn!("answered");
    } else {
        tracing::info!("answered");
    }
    response
}

/// Records the signed-in member on the current request's span.
pub fn record_member(member_id: &str) {
    Span::current().record("member_id", member_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_slugs_are_not_logged_ids_are() {
        assert_eq!(
            loggable_path("/members/mentors/ada-lovelace/"),
            "/members/mentors/{slug}/"
        );
        assert_eq!(loggable_path("/members/mentors/"), "/members/mentors/");
        assert_eq!(
            loggable_path("/api/applications/mentee-M2001/approve"),
            "/api/applications/mentee-M2001/approve"
        );
    }
}
