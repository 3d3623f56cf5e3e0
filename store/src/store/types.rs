//! The store's vocabulary: values, items, keys, conditions, update actions,
//! transaction ops and queries (errors: `error.rs`; counters: `stats.rs`;
//! the checks of a call: `validate.rs`).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::validate::check_attr_name;
use super::StoreError;
use super::{GSI1_PK, GSI1_SK, TABLE_PK, TABLE_SK};

/// One attribute value. Maps onto DynamoDB's `AttributeValue` as
/// `S`/`N`/`BOOL`/`L`/`M`/`NULL`; numbers are whole (`i64`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// A string (`S`).
    S(String),
    /// A whole number (`N`).
    N(i64),
    /// A boolean (`BOOL`).
    Bool(bool),
    /// A list of values (`L`).
    L(Vec<Value>),
    /// A map of values (`M`).
    M(BTreeMap<String, Value>),
    /// An explicit null (`NULL`).
    Null,
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::S(s) => Some(s),
            _ => None,
        }
    }
    /// The number, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::N(n) => Some(*n),
            _ => None,
        }
    }
    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// The list, if this is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::L(l) => Some(l),
            _ => None,
        }
    }
    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::M(m) => Some(m),
            _ => None,
        }
    }
    /// DynamoDB's name for this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::S(_) => "S",
            Value::N(_) => "N",
            Value::Bool(_) => "BOOL",
            Value::L(_) => "L",
            Value::M(_) => "M",
            Value::Null => "NULL",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::S(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::S(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::S(s.clone())
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::N(n)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::N(n.into())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::N(n.into())
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(l: Vec<T>) -> Self {
        Value::L(l.into_iter().map(Into::into).collect())
    }
}
impl From<BTreeMap<String, Value>> for Value {
    fn from(m: BTreeMap<String, Value>) -> Self {
        Value::M(m)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

/// The primary key of an item: partition key `pk` and sort key `sk`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Key {
    /// Partition key, e.g. `COHORT#2008`.
    pub pk: String,
    /// Sort key, e.g. `APP#MENTEE#m-123`.
    pub sk: String,
}

impl Key {
    /// A key from its two parts.
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Key {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.pk, self.sk)
    }
}

/// One item: attribute name → value, always including string `pk` and `sk`
/// (and `gsi1pk`/`gsi1sk` when it belongs in the index).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Item {
    attrs: BTreeMap<String, Value>,
}

impl Item {
    /// A new item holding only its key.
    pub fn new(key: &Key) -> Self {
        let mut attrs = BTreeMap::new();
        attrs.insert(TABLE_PK.to_owned(), Value::S(key.pk.clone()));
        attrs.insert(TABLE_SK.to_owned(), Value::S(key.sk.clone()));
        Item { attrs }
    }
    /// An item from a whole attribute map (as stored).
    pub fn from_attrs(attrs: BTreeMap<String, Value>) -> Self {
        Item { attrs }
    }
    /// Builder: sets an attribute.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.attrs.insert(name.into(), value.into());
        self
    }
    /// Builder: puts the item in the `gsi1` index under `gsi1pk`/`gsi1sk`.
    #[must_use]
    pub fn with_gsi1(self, gsi1pk: impl Into<String>, gsi1sk: impl Into<String>) -> Self {
        self.with(GSI1_PK, gsi1pk.into())
            .with(GSI1_SK, gsi1sk.into())
    }
    /// Sets an attribute, returning the old value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.attrs.insert(name.into(), value.into())
    }
    /// Removes an attribute, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.attrs.remove(name)
    }
    /// One attribute.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name)
    }
    /// A string attribute (`None` if missing or not a string).
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }
    /// A number attribute (`None` if missing or not a number).
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_i64)
    }
    /// A boolean attribute (`None` if missing or not a boolean).
    pub fn get_bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }
    /// Whether the attribute exists (with any value, `Null` included).
    pub fn contains(&self, name: &str) -> bool {
        self.attrs.contains_key(name)
    }
    /// The item's key, if it has string `pk` and `sk`.
    pub fn key(&self) -> Option<Key> {
        Some(Key::new(self.get_str(TABLE_PK)?, self.get_str(TABLE_SK)?))
    }
    /// The partition key (empty if missing).
    pub fn pk(&self) -> &str {
        self.get_str(TABLE_PK).unwrap_or_default()
    }
    /// The sort key (empty if missing).
    pub fn sk(&self) -> &str {
        self.get_str(TABLE_SK).unwrap_or_default()
    }
    /// The `gsi1` key (`gsi1pk`, `gsi1sk`) if the item is in the index.
    pub fn gsi1(&self) -> Option<(&str, &str)> {
        Some((self.get_str(GSI1_PK)?, self.get_str(GSI1_SK)?))
    }
    /// All attributes.
    pub fn attrs(&self) -> &BTreeMap<String, Value> {
        &self.attrs
    }
    /// All attributes, by value.
    pub fn into_attrs(self) -> BTreeMap<String, Value> {
        self.attrs
    }
}

/// A condition on the item currently stored under a key, evaluated
/// atomically with the write it guards. DynamoDB semantics: on a missing item
/// every attribute is missing; comparisons with a missing attribute or one of
/// another type are false.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// No item is stored under the key (`attribute_not_exists(pk)`).
    NotExists,
    /// An item is stored under the key (`attribute_exists(pk)`).
    Exists,
    /// The attribute exists (`attribute_exists(name)`).
    AttrExists(String),
    /// The attribute does not exist (`attribute_not_exists(name)`).
    AttrNotExists(String),
    /// The attribute equals the value, type included (`name = value`).
    Equals(String, Value),
    /// The attribute is a number less than `n` (`name < n`).
    LessThan(String, i64),
    /// All of the conditions hold (at least one).
    And(Vec<Condition>),
    /// At least one of the conditions holds (at least one).
    Or(Vec<Condition>),
}

impl Condition {
    /// `attribute_not_exists(pk)`: the key is free.
    pub fn not_exists() -> Self {
        Condition::NotExists
    }
    /// `attribute_exists(pk)`: the item is there.
    pub fn exists() -> Self {
        Condition::Exists
    }
    /// `attribute_exists(name)`.
    pub fn attr_exists(name: impl Into<String>) -> Self {
        Condition::AttrExists(name.into())
    }
    /// `attribute_not_exists(name)`.
    pub fn attr_not_exists(name: impl Into<String>) -> Self {
        Condition::AttrNotExists(name.into())
    }
    /// `name = value`.
    pub fn eq(name: impl Into<String>, value: impl Into<Value>) -> Self {
        Condition::Equals(name.into(), value.into())
    }
    /// `name < n` (numbers).
    pub fn lt(name: impl Into<String>, n: i64) -> Self {
        Condition::LessThan(name.into(), n)
    }
    /// A counter guard: `attribute_not_exists(name) OR name < cap`, true
    /// while fewer than `cap` have been counted (a missing counter is 0).
    pub fn below(name: impl Into<String>, cap: i64) -> Self {
        let name = name.into();
        Condition::Or(vec![
            Condition::AttrNotExists(name.clone()),
            Condition::LessThan(name, cap),
        ])
    }
    /// `self AND other`.
    #[must_use]
    pub fn and(self, other: Condition) -> Self {
        match self {
            Condition::And(mut all) => {
                all.push(other);
                Condition::And(all)
            }
            first => Condition::And(vec![first, other]),
        }
    }
    /// `self OR other`.
    #[must_use]
    pub fn or(self, other: Condition) -> Self {
        match self {
            Condition::Or(mut any) => {
                any.push(other);
                Condition::Or(any)
            }
            first => Condition::Or(vec![first, other]),
        }
    }

    /// Whether the condition holds for `item` (the item currently stored,
    /// `None` if there is none). This is the embedded store's evaluator; the
    /// DynamoDB store sends the same condition as a condition expression.
    pub fn eval(&self, item: Option<&Item>) -> bool {
        let attr = |name: &str| item.and_then(|i| i.get(name));
        match self {
            Condition::NotExists => item.is_none(),
            Condition::Exists => item.is_some(),
            Condition::AttrExists(name) => attr(name).is_some(),
            Condition::AttrNotExists(name) => attr(name).is_none(),
            Condition::Equals(name, value) => attr(name) == Some(value),
            Condition::LessThan(name, n) => matches!(attr(name), Some(Value::N(v)) if v < n),
            Condition::And(all) => all.iter().all(|c| c.eval(item)),
            Condition::Or(any) => any.iter().any(|c| c.eval(item)),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        match self {
            Condition::And(list) | Condition::Or(list) => {
                if list.is_empty() {
                    return Err(StoreError::Invalid(
                        "an And/Or condition needs at least one condition".into(),
                    ));
                }
                list.iter().try_for_each(Condition::validate)
            }
            Condition::AttrExists(name)
            | Condition::AttrNotExists(name)
            | Condition::Equals(name, _)
            | Condition::LessThan(name, _) => check_attr_name(name),
            Condition::NotExists | Condition::Exists => Ok(()),
        }
    }
}

/// One action of an update.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateAction {
    /// `SET name = value`.
    Set(String, Value),
    /// `ADD name n`: adds `n` to a number attribute (a missing one counts
    /// as 0).
    Add(String, i64),
    /// `REMOVE name`.
    Remove(String),
}

impl UpdateAction {
    /// `SET name = value`.
    pub fn set(name: impl Into<String>, value: impl Into<Value>) -> Self {
        UpdateAction::Set(name.into(), value.into())
    }
    /// `ADD name n`.
    pub fn add(name: impl Into<String>, n: i64) -> Self {
        UpdateAction::Add(name.into(), n)
    }
    /// `REMOVE name`.
    pub fn remove(name: impl Into<String>) -> Self {
        UpdateAction::Remove(name.into())
    }
    /// The attribute the action changes.
    pub fn attr(&self) -> &str {
        match self {
            UpdateAction::Set(name, _)
            | UpdateAction::Add(name, _)
            | UpdateAction::Remove(name) => name,
        }
    }

    /// Applies the actions to `item` (the embedded store's evaluator).
    pub(crate) fn apply_all(item: &mut Item, actions: &[UpdateAction]) -> Result<(), StoreError> {
        for action in actions {
            match action {
                UpdateAction::Set(name, value) => {
                    item.set(name.clone(), value.clone());
                }
                UpdateAction::Add(name, n) => {
                    let old = match item.get(name) {
                        None => 0,
                        Some(Value::N(v)) => *v,
                        Some(other) => {
                            return Err(StoreError::Invalid(format!(
                                "ADD {name}: the attribute is {}, not a number",
                                other.type_name()
                            )))
                        }
                    };
                    let new = old.checked_add(*n).ok_or_else(|| {
                        StoreError::Invalid(format!("ADD {name}: {old} + {n} overflows"))
                    })?;
                    item.set(name.clone(), new);
                }
                UpdateAction::Remove(name) => {
                    item.remove(name);
                }
            }
        }
        Ok(())
    }
}

/// One op of a [`Store::transact`](super::Store::transact) call.
#[derive(Clone, Debug, PartialEq)]
pub enum TransactOp {
    /// Write (replace) a whole item if the condition holds.
    Put {
        /// The item (with `pk`/`sk`).
        item: Item,
        /// Condition on the item currently stored under its key.
        condition: Option<Condition>,
    },
    /// Update an item (creating it if missing) if the condition holds.
    Update {
        /// The item's key.
        key: Key,
        /// What to change.
        actions: Vec<UpdateAction>,
        /// Condition on the item currently stored.
        condition: Option<Condition>,
    },
    /// Delete an item if the condition holds.
    Delete {
        /// The item's key.
        key: Key,
        /// Condition on the item currently stored.
        condition: Option<Condition>,
    },
    /// Write nothing; only require the condition to hold.
    Check {
        /// The item's key.
        key: Key,
        /// The condition that must hold.
        condition: Condition,
    },
}

impl TransactOp {
    /// An unconditional put.
    pub fn put(item: Item) -> Self {
        TransactOp::Put {
            item,
            condition: None,
        }
    }
    /// A conditional put.
    pub fn put_if(item: Item, condition: Condition) -> Self {
        TransactOp::Put {
            item,
            condition: Some(condition),
        }
    }
    /// An update, with an optional condition.
    pub fn update(key: Key, actions: Vec<UpdateAction>, condition: Option<Condition>) -> Self {
        TransactOp::Update {
            key,
            actions,
            condition,
        }
    }
    /// A delete, with an optional condition.
    pub fn delete(key: Key, condition: Option<Condition>) -> Self {
        TransactOp::Delete { key, condition }
    }
    /// A condition check.
    pub fn check(key: Key, condition: Condition) -> Self {
        TransactOp::Check { key, condition }
    }
    /// The key of the item the op is about (`None` for a put of an item
    /// without a valid key).
    pub fn key(&self) -> Option<Key> {
        match self {
            TransactOp::Put { item, .. } => item.key(),
            TransactOp::Update { key, .. }
            | TransactOp::Delete { key, .. }
            | TransactOp::Check { key, .. } => Some(key.clone()),
        }
    }
    /// The op's condition.
    pub fn condition(&self) -> Option<&Condition> {
        match self {
            TransactOp::Put { condition, .. }
            | TransactOp::Update { condition, .. }
            | TransactOp::Delete { condition, .. } => condition.as_ref(),
            TransactOp::Check { condition, .. } => Some(condition),
        }
    }
}

/// Which key a [`Query`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// The table: partition `pk`, sorted by `sk`.
    Table,
    /// The `gsi1` index: partition `gsi1pk`, sorted by `gsi1sk`.
    Gsi1,
}

/// A query: the items of one partition whose sort key starts with a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// Table or index.
    pub index: Index,
    /// The partition key value (`pk`, or `gsi1pk` for the index).
    pub pk: String,
    /// Sort key prefix (`sk`, or `gsi1sk` for the index); empty for all.
    pub sk_prefix: String,
    /// At most this many items.
    pub limit: Option<usize>,
    /// Highest sort key first.
    pub descending: bool,
}

impl Query {
    /// All items of table partition `pk`.
    pub fn table(pk: impl Into<String>) -> Self {
        Query {
            index: Index::Table,
            pk: pk.into(),
            sk_prefix: String::new(),
            limit: None,
            descending: false,
        }
    }
    /// All items of `gsi1` partition `gsi1pk`.
    pub fn gsi1(gsi1pk: impl Into<String>) -> Self {
        Query {
            index: Index::Gsi1,
            ..Query::table(gsi1pk)
        }
    }
    /// Builder: only sort keys starting with `prefix`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.sk_prefix = prefix.into();
        self
    }
    /// Builder: at most `n` items.
    #[must_use]
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }
    /// Builder: highest sort key first.
    #[must_use]
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }
}
