//! The checks both store implementations run before a call, so that the
//! embedded store refuses what DynamoDB refuses.

use std::collections::BTreeSet;

use super::{Condition, Item, Key, Query, StoreError, TransactOp, UpdateAction, Value};
use super::{GSI1_PK, GSI1_SK, MAX_TRANSACT_OPS, TABLE_PK, TABLE_SK};

pub(super) fn check_attr_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty() {
        return Err(StoreError::Invalid("empty attribute name".into()));
    }
    Ok(())
}

/// Checks a key: both parts non-empty (DynamoDB rejects empty key strings).
pub(crate) fn validate_key(key: &Key) -> Result<(), StoreError> {
    if key.pk.is_empty() || key.sk.is_empty() {
        return Err(StoreError::Invalid(format!(
            "key parts must not be empty (got `{key}`)"
        )));
    }
    Ok(())
}

/// Checks an item's key attributes (`pk`, `sk`, and the index keys if any)
/// and returns its key.
pub(crate) fn validate_item(item: &Item) -> Result<Key, StoreError> {
    for name in [TABLE_PK, TABLE_SK] {
        match item.get(name) {
            Some(Value::S(s)) if !s.is_empty() => {}
            Some(other) => {
                return Err(StoreError::Invalid(format!(
                    "item attribute `{name}` must be a non-empty string, got {}",
                    other.type_name()
                )))
            }
            None => return Err(StoreError::Invalid(format!("item lacks `{name}`"))),
        }
    }
    for name in [GSI1_PK, GSI1_SK] {
        if let Some(value) = item.get(name) {
            validate_index_value(name, value)?;
        }
    }
    item.attrs().keys().try_for_each(|n| check_attr_name(n))?;
    Ok(item.key().expect("checked above"))
}

fn validate_index_value(name: &str, value: &Value) -> Result<(), StoreError> {
    match value {
        Value::S(s) if !s.is_empty() => Ok(()),
        other => Err(StoreError::Invalid(format!(
            "`{name}` is an index key and must be a non-empty string, got {}",
            match other {
                Value::S(_) => "an empty string",
                other => other.type_name(),
            }
        ))),
    }
}

/// Checks update actions: at least one, none on the key, one per attribute,
/// index keys only set to non-empty strings.
pub(crate) fn validate_actions(actions: &[UpdateAction]) -> Result<(), StoreError> {
    if actions.is_empty() {
        return Err(StoreError::Invalid(
            "an update needs at least one action".into(),
        ));
    }
    let mut seen = BTreeSet::new();
    for action in actions {
        let name = action.attr();
        check_attr_name(name)?;
        if name == TABLE_PK || name == TABLE_SK {
            return Err(StoreError::Invalid(format!(
                "an update cannot change the key attribute `{name}`"
            )));
        }
        if !seen.insert(name) {
            return Err(StoreError::Invalid(format!(
                "two actions of one update change `{name}`"
            )));
        }
        if name == GSI1_PK || name == GSI1_SK {
            match action {
                UpdateAction::Set(_, value) => validate_index_value(name, value)?,
                UpdateAction::Add(..) => validate_index_value(name, &Value::N(0))?,
                UpdateAction::Remove(_) => {}
            }
        }
    }
    Ok(())
}

pub(crate) fn validate_condition(condition: Option<&Condition>) -> Result<(), StoreError> {
    condition.map_or(Ok(()), Condition::validate)
}

/// Checks a transaction: 1..=100 ops, each valid, on distinct items.
pub(crate) fn validate_transact(ops: &[TransactOp]) -> Result<(), StoreError> {
    if ops.is_empty() || ops.len() > MAX_TRANSACT_OPS {
        return Err(StoreError::Invalid(format!(
            "a transaction holds 1 to {MAX_TRANSACT_OPS} ops, not {}",
            ops.len()
        )));
    }
    let mut keys = BTreeSet::new();
    for (i, op) in ops.iter().enumerate() {
        let key = match op {
            TransactOp::Put { item, .. } => validate_item(item)?,
            TransactOp::Update { key, actions, .. } => {
                validate_key(key)?;
                validate_actions(actions)?;
                key.clone()
            }
            TransactOp::Delete { key, .. } | TransactOp::Check { key, .. } => {
                validate_key(key)?;
                key.clone()
            }
        };
        validate_condition(op.condition())?;
        if !keys.insert(key.clone()) {
            return Err(StoreError::Invalid(format!(
                "transaction op {i} is about `{key}`, which an earlier op is about too"
            )));
        }
    }
    Ok(())
}

/// Checks a query's partition key (DynamoDB rejects an empty one).
pub(crate) fn validate_query(query: &Query) -> Result<(), StoreError> {
    if query.pk.is_empty() {
        return Err(StoreError::Invalid("a query needs a partition key".into()));
    }
    Ok(())
}
