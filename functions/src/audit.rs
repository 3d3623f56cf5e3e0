//! The audit trail: every state change appends one item, written in the same
//! store transaction as the change itself (so there is never a change
//! without its entry, nor an entry without its change).
//!
//! An entry lives under `AUDIT#<cohort> / AUDIT#<instant>#<id>` and holds
//! `action` (snake_case, e.g. `apply`, `accept_match`), `actor` (the member
//! who did it; absent for anonymous survey answers), `subject` (the key of
//! the item changed), `at` and a small `detail` map. An anonymous survey
//! answer's entry has neither actor nor time of day, only the date, so it
//! cannot be tied back to the person.

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
        item
    }

    /// The transaction op that appends it (never overwrites another entry).
    pub fn op(&self) -> TransactOp {
        TransactOp::put_if(self.item(), Condition::not_exists())
    }
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
