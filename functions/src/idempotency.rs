//! `Idempotency-Key`: a client that retries a POST with the same key gets the
//! first result (status and body) again instead of a second record.
//!
//! The key is per member: `IDEMP#<member>#<key> / IDEMP`. The first request
//! *claims* it with a conditional put (`attribute_not_exists`, state
//! `pending`, a fingerprint of method + path + query + body and a random
//! claim id),
//! runs the handler, then *completes* it (state `done`, the response's
//! status, content type, location and body), conditionally on still holding
//! the claim. A concurrent duplicate that finds the key `pending` polls for
//! the stored response for up to [`WAIT`] and then answers 409 "in
//! progress". A completed key replays its response (with
//! `Idempotent-Replayed: true`); a key reused with a different request is a
//! 409. A 5xx response is not stored: the claim is released so a retry runs
//! again. A claim older than [`STALE_AFTER_SECS`] (the function died) may be
//! taken over. Items carry `expires` (epoch seconds, 24 hours) for the
//! table's TTL.

// `Problem` is large, and it is the cold path: no need to box it.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use ring::digest;

use crate::app::App;
use crate::http::Problem;
use crate::records::{self, keys};
use crate::store::{Condition, Item, StoreError, UpdateAction, Value};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Longest key.
pub const MAX_KEY_LEN: usize = 255;
/// How long a duplicate waits for the first request's response.
pub const WAIT: Duration = Duration::from_secs(10);
/// A pending claim this old may be taken over.
pub const STALE_AFTER_SECS: i64 = 120;
/// How long a stored response is kept.
pub const KEEP_SECS: i64 = 24 * 3600;

/// Whether a request on `route` with path parameters `params` may keep an
/// idempotency record. Not an answer to an anonymous survey: the record
/// is keyed by the member and holds a hash of the body, which would link
/// the member to their answers. Such a retry needs no record: the survey's
/// one-answer rule refuses it (409 `duplicate`), and nothing is stored
/// twice.
pub fn may_record(app: &App, action: mentoring::Action, params: &[String]) -> bool {
    if action != mentoring::Action::AnswerSurvey {
        return true;
    }
    let anonymous = params
        .first()
        .and_then(|id| app.config.survey(id))
        .is_none_or(|s| s.anonymous);
    !anonymous
}

/// The key of a request, if it carries one; 400 when it is malformed.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = v.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Problem::field(
            "Idempotency-Key",
            format!("Use 1 to {MAX_KEY_LEN} visible ASCII characters, e.g. a UUID."),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// Fingerprint of a request: SHA-256 of method, path, query string and
/// body (`?cohort=2008` and `?cohort=2009` are different requests).
pub fn fingerprint(method: &str, path: &str, query: Option<&str>, body: &[u8]) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(method.as_bytes());
    ctx.update(b"\n");
    ctx.update(path.as_bytes());
    ctx.update(b"\n");
    if let Some(q) = query {
        ctx.update(b"?");
        ctx.update(q.as_bytes());
    }
    ctx.update(b"\n");
    ctx.update(body);
    records::hex(ctx.finish().as_ref())
}

/// The result of claiming a key.
#[derive(Debug)]
pub enum Claim {
    /// This request holds the key: run it, then [`complete`] (or [`release`]).
    Fresh {
        /// The claim id to complete with.
        claim_id: String,
    },
    /// The key was used before: send this response.
    Replay(Response<Vec<u8>>),
}

/// Claims `key` for `member`, or finds the response to replay, waiting up
/// to [`WAIT`] for a concurrent first request to finish.
pub async fn claim(app: &App, member: &str, key: &str, fp: &str) -> Result<Claim, Problem> {
    let k = keys::idempotency(member, key);
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut pause = Duration::from_millis(20);
    loop {
        let now = app.clock.now().timestamp();
        let claim_id = records::new_id();
        let item = Item::new(&k)
            .with(records::KIND, "idempotency")
            .with(records::STATE, "pending")
            .with("fingerprint", fp)
            .with("claim", claim_id.as_str())
            .with("claimed", now)
            .with(crate::store::TTL_ATTRIBUTE, now + KEEP_SECS);
        let free = Condition::not_exists().or(Condition::And(vec![
            Condition::eq(records::STATE, "pending"),
            Condition::lt("claimed", now - STALE_AFTER_SECS),
        ]));
        match app.store.put(item, Some(free)).await {
            Ok(()) => return Ok(Claim::Fresh { claim_id }),
            Err(e) if e.is_condition_failed() || e.is_retryable() => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(stored) = app.store.get(&k).await? {
            if stored.get_str("fingerprint") != Some(fp) {
                return Err(Problem::conflict(
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for a different request.",
                ));
            }
            if stored.get_str(records::STATE) == Some("done") {
                return Ok(Claim::Replay(replay(&stored)));
            }
        }
        if tokio::time::Instant::now() + pause > deadline {
            return Err(Problem::conflict(
                "in_progress",
                "A request with this Idempotency-Key is still in progress; retry shortly.",
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

fn replay(stored: &Item) -> Response<Vec<u8>> {
    let status = stored
        .get_i64("status")
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut r = Response::new(
        stored
            .get_str("body")
            .unwrap_or_default()
            .as_bytes()
            .to_vec(),
    );
    *r.status_mut() = status;
    let h = r.headers_mut();
    if let Some(ct) = stored
        .get_str("content_type")
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        h.insert(CONTENT_TYPE, ct);
    }
    if let Some(loc) = stored
        .get_str("location")
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        h.insert(LOCATION, loc);
    }
    h.insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    r
}

/// Stores `response` under the claimed key (or releases the claim for a
/// 5xx). Failures are logged: the change itself is already made.
pub async fn complete(
    app: &App,
    member: &str,
    key: &str,
    claim_id: &str,
    response: &Response<Vec<u8>>,
) {
    if response.status().is_server_error() {
        release(app, member, key, claim_id).await;
        return;
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(|s| Value::S(s.to_owned()))
            .unwrap_or(Value::Null)
    };
    let actions = vec![
        UpdateAction::set(records::STATE, "done"),
        UpdateAction::set("status", i64::from(response.status().as_u16())),
        UpdateAction::set("content_type", header(CONTENT_TYPE)),
        UpdateAction::set("location", header(LOCATION)),
        UpdateAction::set(
            "body",
            String::from_utf8_lossy(response.body()).into_owned(),
        ),
    ];
    let result = app
        .store
        .update(
            &keys::idempotency(member, key),
            actions,
            Some(Condition::eq("claim", claim_id)),
        )
        .await;
    if let Err(e) = result {
        tracing::warn!("storing the response of Idempotency-Key {key:?} failed: {e}");
    }
}

/// Gives a claim up (the request failed on our side).
pub async fn release(app: &App, member: &str, key: &str, claim_id: &str) {
    let result: Result<_, StoreError> = app
        .store
        .delete(
            &keys::idempotency(member, key),
            Some(Condition::eq("claim", claim_id)),
        )
        .await;
    if let Err(e) = result {
        tracing::warn!("releasing Idempotency-Key {key:?} failed: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Security finding 12: a retry with the same key but another query
    /// string is another request, not a replay of the first.
    #[test]
    fn fingerprint_includes_the_query_string() {
        let body = br#"{"a":1}"#;
        let a = fingerprint("POST", "/api/x", Some("cohort=2008"), body);
        assert_eq!(a, fingerprint("POST", "/api/x", Some("cohort=2008"), body));
        assert_ne!(a, fingerprint("POST", "/api/x", Some("cohort=2009"), body));
        assert_ne!(a, fingerprint("POST", "/api/x", None, body));
        assert_ne!(
            fingerprint("POST", "/api/x", Some(""), b""),
            fingerprint("POST", "/api/x", None, b"?")
        );
    }
}
