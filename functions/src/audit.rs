//! The audit trail: every state change appends one item, written in the same
//! store transaction as the change itself (so there is never a change
//! without its entry, nor an entry without its change).
//!
//! An entry lives under `AUDIT#<cohort> / AUDIT#<instant>#<id>` and holds
//! `action` (snake_case, e.g. `apply`, `accept_match`), `actor` (the member
//! who did it; absent for anonymous survey answers), `subject` (the key of
//! the item changed), `at`, `seq` (the write order, below) and a small
//! `detail` map. An anonymous survey answer's entry has neither actor nor
//! time of day (nor `seq`), only the date, so it cannot be tied back to the
//! person.
//!
//! One request often writes several entries at the same instant (a mentee's
//! `apply` then `admit`; an `accept_match` then its `side_effect_of_accept`s),
//! and the key's id is random, so the key does not say which came first.
//! `seq` does: a number that grows with every entry this process makes
//! (microseconds since the epoch on the system clock, made strictly
//! increasing), taken when the entry is made, so that an entry made after
//! another — the effect after its cause — has the larger `seq`. The trail is
//! shown ordered by [`order`].

use std::cmp::Ordering;
use std::sync::atomic::{self, AtomicI64};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::records::{self, json_to_value, keys};
use crate::store::{Condition, Item, Key, Query, Store, StoreError, TransactOp};

/// Audit scope used when a change belongs to no cohort.
pub const PROGRAM_SCOPE: &str = "program";

/// One audit entry, before it is written.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Cohort id, or [`PROGRAM_SCOPE`].
    pub scope: String,
    /// What happened: `apply`, `admit`, `approve_application`, ...
    pub action: &'static str,
    /// Who did it (`None`: anonymous).
    pub actor: Option<String>,
    /// The key of the changed item, `pk / sk`.
    pub subject: String,
    /// When (full instant) — or only the day, for anonymous entries.
    pub when: When,
    /// A few facts worth keeping (new state, reason...).
    pub detail: serde_json::Value,
    /// The write order ([`next_seq`]); `None` for anonymous entries (it
    /// would tell the time of day).
    pub seq: Option<i64>,
}

/// The time of an entry.
#[derive(Debug, Clone, Copy)]
pub enum When {
    /// The instant.
    At(DateTime<Utc>),
    /// The calendar day only (anonymous entries).
    On(NaiveDate),
}

impl Entry {
    /// An entry by `actor` at `now` about the item at `subject`.
    pub fn new(
        scope: &str,
        action: &'static str,
        actor: &str,
        subject: &Key,
        now: DateTime<Utc>,
    ) -> Entry {
        Entry {
            scope: scope.to_owned(),
            action,
            actor: Some(actor.to_owned()),
            subject: subject.to_string(),
            when: When::At(now),
            detail: serde_json::Value::Object(Default::default()),
            seq: Some(next_seq()),
        }
    }

    /// An entry with no actor and only the day (anonymous survey answers).
    pub fn anonymous(scope: &str, action: &'static str, subject: &str, on: NaiveDate) -> Entry {
        Entry {
            scope: scope.to_owned(),
            action,
            actor: None,
            subject: subject.to_owned(),
            when: When::On(on),
            detail: serde_json::Value::Object(Default::default()),
            seq: None,
        }
    }

    /// Builder: the detail map.
    #[must_use]
    pub fn detail(mut self, detail: serde_json::Value) -> Entry {
        self.detail = detail;
        self
    }

    /// The item to write.
    pub fn item(&self) -> Item {
        let when = match self.when {
            When::At(t) => t.to_rfc3339_opts(SecondsFormat::Millis, true),
            When::On(d) => d.to_string(),
        };
        let mut item = Item::new(&keys::audit(&self.scope, &when, &records::new_id()))
            .with(records::KIND, "audit")
            .with("action", self.action)
            .with("subject", self.subject.as_str())
            .with("at", when)
            .with("detail", json_to_value(self.detail.clone()));
        if let Some(actor) = &self.actor {
            item.set("actor", actor.as_str());
        }
        if let Some(seq) = self.seq {
            item.set("seq", seq);
        }
        item
    }

    /// The transaction op that appends it (never overwrites another entry).
    pub fn op(&self) -> TransactOp {
        TransactOp::put_if(self.item(), Condition::not_exists())
    }
}

/// The next number of the write order: the system clock in microseconds
/// since the epoch, or one more than the last number this process gave when
/// that is not larger (two entries in one microsecond, a clock set back).
fn next_seq() -> i64 {
    static LAST: AtomicI64 = AtomicI64::new(0);
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    let next = |last: i64| wall.max(last.saturating_add(1));
    let last = LAST
        .fetch_update(atomic::Ordering::Relaxed, atomic::Ordering::Relaxed, |l| {
            Some(next(l))
        })
        .unwrap_or_else(|l| l);
    next(last)
}

/// The order of the trail, oldest first: by `at` (the instant, or the day
/// of an anonymous entry, which comes before that day's instants), then by
/// `seq`, so that of two entries of one instant the one written first — the
/// cause — comes first; entries without `seq` (anonymous ones, and those
/// written before `seq` was kept) before those with one; last by key, so
/// that the order is the same at every reading.
pub fn order(a: &Item, b: &Item) -> Ordering {
    (a.get_str("at"), a.get_i64("seq"), a.sk()).cmp(&(b.get_str("at"), b.get_i64("seq"), b.sk()))
}

/// The latest entries of a scope, newest first (for reports and tests).
pub async fn recent(store: &dyn Store, scope: &str, limit: usize) -> Result<Vec<Item>, StoreError> {
    store
        .query(
            &Query::table(keys::audit_pk(scope))
                .prefix(keys::AUDIT_PREFIX)
                .descending()
                .limit(limit),
        )
        .await
}
