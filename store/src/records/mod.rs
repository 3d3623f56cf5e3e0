//! The key layout of the single table and the typed items the handlers
//! store in it.
//!
//! # Layout
//!
//! Every key is built by a function of [`keys`]; nothing else formats keys.
//!
//! | pk | sk | what | gsi1pk / gsi1sk |
//! |---|---|---|---|
//! | `COHORT#<c>` | `APP#MENTEE#<member>` | a mentee application ([`mentoring::application::MenteeApplication`]) | `MEMBER#<member>` / `APP#<c>#MENTEE` |
//! | `COHORT#<c>` | `APP#MENTOR#<member>` | a mentor application (the mentor's profile once approved) | `MEMBER#<member>` / `APP#<c>#MENTOR` |
//! | `COHORT#<c>` | `COUNT#MENTEE` | `count`: mentee applications counted so far (arrival order) | |
//! | `COHORT#<c>` | `MATCH#<id>` | a match request ([`mentoring::matching::MatchRequest`]) | `MEMBER#<mentee>` / `MATCH#<c>#<id>` |
//! | `COHORT#<c>` | `REQS#<mentee>` | `version` of the mentee's set of requests: a new request bumps it conditionally | |
//! | `COHORT#<c>` | `MENTOR#<member>` | the mentor's lock: `duo`, `mentee` (one mentee per mentor per cohort) | |
//! | `COHORT#<c>` | `MENTEE#<member>` | the mentee's lock: `duo`, `mentor` | |
//! | `COHORT#<c>` | `DUO#<id>` | a duo ([`mentoring::duo::Duo`]) | |
//! | `COHORT#<c>` | `NOM#<id>` | a nomination ([`mentoring::nomination::Nomination`], the token's hash only) | `MEMBER#<nominee>` / `NOM#<c>#<id>` |
//! | `NOMTOKEN#<sha256>` | `NOMTOKEN` | `cohort`, `nomination`: the consent link's lookup | |
//! | `SURVEY#<c>#<survey>` | `RESP#<id>` | a survey response; no member id when the survey is anonymous | |
//! | `SURVEY#<c>#<survey>` | `DONE#<hmac>` | "answered": [`mentoring::answers::dedupe_key`], nothing else | |
//! | `AUDIT#<c>` (or `AUDIT#program`) | `AUDIT#<instant>#<id>` | one audit entry (`functions::audit`; its `seq` orders entries of one instant as written); anonymous answers: `AUDIT#<date>#<id>`, no actor, no `seq` | |
//! | `COHORT#<c>` | `VACANCY#<id>` | a freed mentee place ([`mentoring::waitlist::Vacancy`]); `holder` while offered | |
//! | `COHORT#<c>` | `OFFER#<id>` | a place offered to a waitlisted mentee ([`mentoring::waitlist::Offer`]) | `MEMBER#<member>` / `OFFER#<c>#<id>` |
//! | `COHORT#<c>` | `OFFERED#<member>` | `offer`: the one offer the member got in the cohort | |
//! | `COHORT#<c>` | `PROPOSAL#<id>` | a pair the chair proposed at the matching deadline (the chair's proposal, see `functions::handlers::pairing`) | `MEMBER#<mentee>` / `PROPOSAL#<c>#<id>` |
//! | `COHORT#<c>` | `ALUMNI#<member>` | `join`: the alumni e-mail group choice | |
//! | `MEMBER#<id>` | `PROFILE` | the member's profile ([`profile::ProfileRecord`]: the [`mentoring::Profile`], slug, `published`, `paused`) | `PROFILES` / `MEMBER#<id>` |
//! | `MEMBER#<id>` | `ROSTER` | the roster (`functions::roster`) | `ROSTER` / `MEMBER#<id>` |
//! | `IDEMP#<member>#<key>` | `IDEMP` | a claimed / stored response of an `Idempotency-Key` (`functions::idempotency`) | |
//!
//! Typed items hold the record's own fields as top-level attributes (the
//! mentoring type's serde shape, numbers whole, dates as strings), plus
//! `entity` (the record type) and, for records with a state machine, `state` (the state's
//! snake_case name) so that transitions are conditional writes
//! (`state = "pending"`).

pub mod keys;
pub mod profile;

use std::collections::BTreeMap;

use mentoring::application::{MenteeApplication, MentorApplication};
use mentoring::duo::Duo;
use mentoring::matching::MatchRequest;
use mentoring::nomination::Nomination;
use ring::rand::{SecureRandom, SystemRandom};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::store::{Item, Key, Store, StoreError, Value, GSI1_PK, GSI1_SK, TABLE_PK, TABLE_SK};

/// Attribute holding the record's entity type (`mentee_application`,
/// `match_request`...). Not `kind`: records have fields of that name.
pub const KIND: &str = "entity";
/// Attribute holding a state machine's current state name.
pub const STATE: &str = "state";

/// A fresh random id: 20 lowercase hex characters (80 bits).
pub fn new_id() -> String {
    hex(&random_bytes(10))
}

/// `n` bytes from the system's cryptographic random source.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    SystemRandom::new()
        .fill(&mut bytes)
        .expect("the system random generator failed");
    bytes
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A JSON value as a store value (numbers that are not whole are kept as
/// their decimal text; none of the stored records has one).
pub fn json_to_value(v: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(b),
        J::Number(n) => n
            .as_i64()
            .map(Value::N)
            .unwrap_or_else(|| Value::S(n.to_string())),
        J::String(s) => Value::S(s),
        J::Array(a) => Value::L(a.into_iter().map(json_to_value).collect()),
        J::Object(o) => Value::M(o.into_iter().map(|(k, v)| (k, json_to_value(v))).collect()),
    }
}

/// A store value as JSON.
pub fn value_to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::N(n) => J::from(*n),
        Value::S(s) => J::String(s.clone()),
        Value::L(l) => J::Array(l.iter().map(value_to_json).collect()),
        Value::M(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), value_to_json(v)))
                .collect(),
        ),
    }
}

/// An item under `key` holding `record`'s fields, its `kind` and (when
/// given) its `state`.
pub fn record_item<T: Serialize>(key: &Key, kind: &str, state: Option<&str>, record: &T) -> Item {
    let json = serde_json::to_value(record).expect("records serialize");
    let mut item = Item::new(key).with(KIND, kind);
    if let Value::M(fields) = json_to_value(json) {
        for (name, value) in fields {
            let reserved = [TABLE_PK, TABLE_SK, GSI1_PK, GSI1_SK, KIND, STATE];
            debug_assert!(
                !reserved.contains(&name.as_str()),
                "a {kind} record has a field named {name}, which the item layout reserves"
            );
            if !reserved.contains(&name.as_str()) {
                item.set(name, value);
            }
        }
    }
    if let Some(state) = state {
        item.set(STATE, state);
    }
    item
}

/// The attributes of `record` (for `SET` actions of an update): every field
/// of its serde shape.
pub fn record_fields<T: Serialize>(record: &T) -> BTreeMap<String, Value> {
    match json_to_value(serde_json::to_value(record).expect("records serialize")) {
        Value::M(m) => m,
        _ => BTreeMap::new(),
    }
}

/// Reads a typed record back from its item (extra attributes are ignored).
pub fn read<T: DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let json = serde_json::Value::Object(
        item.attrs()
            .iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    );
    serde_json::from_value(json).map_err(|e| {
        StoreError::Backend(format!(
            "the item at {} is not a valid {}: {e}",
            item.key().map(|k| k.to_string()).unwrap_or_default(),
            std::any::type_name::<T>()
        ))
    })
}

/// Gets and reads one typed record.
pub async fn get<T: DeserializeOwned>(
    store: &dyn Store,
    key: &Key,
) -> Result<Option<T>, StoreError> {
    match store.get(key).await? {
        Some(item) => Ok(Some(read(&item)?)),
        None => Ok(None),
    }
}

/// The item of a mentee application.
pub fn mentee_app_item(app: &MenteeApplication) -> Item {
    record_item(
        &keys::mentee_app(&app.cohort, &app.member_id),
        "mentee_application",
        Some(app.status.name()),
        app,
    )
    .with_gsi1(
        keys::member_gsi(&app.member_id),
        format!("APP#{}#MENTEE", app.cohort),
    )
}

/// The item of a mentor application.
pub fn mentor_app_item(app: &MentorApplication) -> Item {
    record_item(
        &keys::mentor_app(&app.cohort, &app.member_id),
        "mentor_application",
        Some(app.status.name()),
        app,
    )
    .with_gsi1(
        keys::member_gsi(&app.member_id),
        format!("APP#{}#MENTOR", app.cohort),
    )
}

/// The item of a match request.
pub fn match_item(m: &MatchRequest) -> Item {
    record_item(
        &keys::match_request(&m.cohort, &m.id),
        "match_request",
        Some(m.status.name()),
        m,
    )
    .with_gsi1(
        keys::member_gsi(&m.mentee_id),
        format!("MATCH#{}#{}", m.cohort, m.id),
    )
}

/// The item of a duo.
pub fn duo_item(d: &Duo) -> Item {
    record_item(
        &keys::duo(&d.cohort, &d.id),
        "duo",
        Some(d.status.name()),
        d,
    )
}

/// The item of a pairing the chair proposed.
pub fn pairing_item(p: &mentoring::pairing::Pairing) -> Item {
    record_item(
        &keys::pairing(&p.cohort, &p.id),
        "pairing",
        Some(p.status.name()),
        p,
    )
}

/// The item of a nomination.
pub fn nomination_item(n: &Nomination) -> Item {
    record_item(
        &keys::nomination(&n.cohort, &n.id),
        "nomination",
        Some(n.status.name()),
        n,
    )
    .with_gsi1(
        keys::member_gsi(&n.nominee_id),
        format!("NOM#{}#{}", n.cohort, n.id),
    )
}

/// The consent-token lookup item of a nomination.
pub fn nomination_token_item(n: &Nomination) -> Item {
    Item::new(&keys::nomination_token(&n.token_hash))
        .with(KIND, "nomination_token")
        .with("cohort", n.cohort.as_str())
        .with("nomination", n.id.as_str())
}

/// The item of a freed place; `holder` names who holds its offer (for
/// the conditional writes of `functions::waitlist`).
pub fn vacancy_item(v: &mentoring::waitlist::Vacancy) -> Item {
    let mut item = record_item(
        &keys::vacancy(&v.cohort, &v.id),
        "vacancy",
        Some(v.status.name()),
        v,
    );
    if let mentoring::waitlist::VacancyStatus::Offered { member_id } = &v.status {
        item.set("holder", member_id.as_str());
    }
    item
}

/// The item of an offer of a freed place.
pub fn offer_item(o: &mentoring::waitlist::Offer) -> Item {
    record_item(
        &keys::offer(&o.cohort, &o.id),
        "offer",
        Some(o.status.name()),
        o,
    )
    .with_gsi1(
        keys::member_gsi(&o.member_id),
        format!("OFFER#{}#{}", o.cohort, o.id),
    )
}

/// A lock item (`MENTOR#` / `MENTEE#`) naming the duo that holds it.
pub fn lock_item(key: &Key, duo_id: &str, partner: &str) -> Item {
    Item::new(key)
        .with(KIND, "lock")
        .with("duo", duo_id)
        .with("partner", partner)
}
