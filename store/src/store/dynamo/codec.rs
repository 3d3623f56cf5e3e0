//! The DynamoDB store's translation of the store's vocabulary: conditions
//! and updates as expressions with placeholders, values and items as
//! `AttributeValue`s.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::super::{Condition, Item, StoreError, StoreResult, UpdateAction, Value, TABLE_PK};

/// Builds expressions with `#nN` name and `:vN` value placeholders, so any
/// attribute name (reserved words included) is safe.
#[derive(Default)]
pub(super) struct Expr {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expr {
    pub(super) fn name(&mut self, attr: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attr) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attr.to_owned());
        placeholder
    }

    pub(super) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    pub(super) fn condition(&mut self, condition: &Condition) -> String {
        match condition {
            Condition::NotExists => format!("attribute_not_exists({})", self.name(TABLE_PK)),
            Condition::Exists => format!("attribute_exists({})", self.name(TABLE_PK)),
            Condition::AttrExists(a) => format!("attribute_exists({})", self.name(a)),
            Condition::AttrNotExists(a) => format!("attribute_not_exists({})", self.name(a)),
            Condition::Equals(a, v) => {
                let name = self.name(a);
                format!("{name} = {}", self.value(to_av(v)))
            }
            Condition::LessThan(a, n) => {
                let name = self.name(a);
                format!("{name} < {}", self.value(AttributeValue::N(n.to_string())))
            }
            Condition::And(list) => self.join(list, " AND "),
            Condition::Or(list) => self.join(list, " OR "),
        }
    }

    pub(super) fn join(&mut self, list: &[Condition], op: &str) -> String {
        let parts: Vec<String> = list
            .iter()
            .map(|c| format!("({})", self.condition(c)))
            .collect();
        parts.join(op)
    }

    pub(super) fn update(&mut self, actions: &[UpdateAction]) -> String {
        let (mut set, mut add, mut remove) = (Vec::new(), Vec::new(), Vec::new());
        for action in actions {
            match action {
                UpdateAction::Set(a, v) => {
                    let name = self.name(a);
                    set.push(format!("{name} = {}", self.value(to_av(v))));
                }
                UpdateAction::Add(a, n) => {
                    let name = self.name(a);
                    add.push(format!(
                        "{name} {}",
                        self.value(AttributeValue::N(n.to_string()))
                    ));
                }
                UpdateAction::Remove(a) => remove.push(self.name(a)),
            }
        }
        let mut clauses = Vec::new();
        for (keyword, parts) in [("SET", set), ("ADD", add), ("REMOVE", remove)] {
            if !parts.is_empty() {
                clauses.push(format!("{keyword} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }

    pub(super) fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    pub(super) fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

pub(super) fn to_av(value: &Value) -> AttributeValue {
    match value {
        Value::S(s) => AttributeValue::S(s.clone()),
        Value::N(n) => AttributeValue::N(n.to_string()),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::L(l) => AttributeValue::L(l.iter().map(to_av).collect()),
        Value::M(m) => AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), to_av(v))).collect()),
        Value::Null => AttributeValue::Null(true),
    }
}

pub(super) fn from_av(av: &AttributeValue) -> StoreResult<Value> {
    Ok(match av {
        AttributeValue::S(s) => Value::S(s.clone()),
        AttributeValue::N(n) => Value::N(n.parse().map_err(|_| {
            StoreError::Backend(format!("dynamodb: number {n} is not a whole i64"))
        })?),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::L(l) => Value::L(l.iter().map(from_av).collect::<StoreResult<_>>()?),
        AttributeValue::M(m) => Value::M(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), from_av(v)?)))
                .collect::<StoreResult<_>>()?,
        ),
        AttributeValue::Null(_) => Value::Null,
        other => {
            return Err(StoreError::Backend(format!(
                "dynamodb: unsupported attribute type {other:?}"
            )))
        }
    })
}

pub(super) fn to_attrs(item: &Item) -> HashMap<String, AttributeValue> {
    item.attrs()
        .iter()
        .map(|(k, v)| (k.clone(), to_av(v)))
        .collect()
}

pub(super) fn from_attrs(attrs: &HashMap<String, AttributeValue>) -> StoreResult<Item> {
    Ok(Item::from_attrs(
        attrs
            .iter()
            .map(|(k, v)| Ok((k.clone(), from_av(v)?)))
            .collect::<StoreResult<_>>()?,
    ))
}
