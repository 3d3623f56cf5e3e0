//! The DynamoDB store: one table keyed `pk`/`sk` with one global secondary
//! index `gsi1` (`gsi1pk`/`gsi1sk`, projection ALL), billed on demand.
//!
//! Conditions become condition expressions and [`Store::transact`] becomes
//! one TransactWriteItems call, so DynamoDB itself enforces every rule. A
//! transaction cancelled by a conflicting transaction, or any call throttled
//! (after the SDK's own retries), is retried here a few times with full
//! jitter before [`StoreError::TransactionConflict`] /
//! [`StoreError::Throttled`] reaches the caller.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    IndexStatus, KeySchemaElement, KeyType, KeysAndAttributes, Projection, ProjectionType, Put,
    ReturnValue, ScalarAttributeType, TableStatus, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;

mod codec;
mod errors;

use codec::{from_attrs, to_attrs, Expr};
use errors::{backend_error, classify, classify_transact};

use super::stats::StatsCounter;
use super::validate::{
    validate_actions, validate_condition, validate_item, validate_key, validate_query,
    validate_transact,
};
use super::{
    Condition, Index, Item, Key, OpStats, Query, Store, StoreError, StoreResult, TransactOp,
    UpdateAction, GSI1_NAME, GSI1_PK, GSI1_SK, MAX_BATCH_GET_KEYS, TABLE_PK, TABLE_SK,
};

/// Attempts (first try included) for a cancelled-by-conflict transaction or
/// a throttled call.
const MAX_ATTEMPTS: u32 = 6;
/// Backoff: full jitter in `0..=min(CAP, BASE * 2^attempt)`.
const BACKOFF_BASE: Duration = Duration::from_millis(20);
const BACKOFF_CAP: Duration = Duration::from_millis(1000);

/// Where the DynamoDB store's table is.
#[derive(Clone, Debug)]
pub struct DynamoConfig {
    /// Table name.
    pub table: String,
    /// Where the DynamoDB client connects.
    pub aws: duos_aws::AwsTarget,
}

impl DynamoConfig {
    /// The table `table` on AWS, region and credentials from the environment.
    pub fn new(table: impl Into<String>) -> Self {
        DynamoConfig {
            table: table.into(),
            aws: duos_aws::AwsTarget::default(),
        }
    }

    duos_aws::aws_target_builders!();
}

/// The store on AWS: one DynamoDB table. Cheap to clone.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    stats: std::sync::Arc<StatsCounter>,
}

impl DynamoStore {
    /// Builds the SDK client for `config`. With static credentials no
    /// environment is consulted; otherwise the SDK's default chains are.
    pub async fn connect(config: DynamoConfig) -> Self {
        let shared = config.aws.sdk_config().await;
        let client = Client::new(&shared);
        Self::from_client(client, config.table)
    }

    /// A store over `table` with the clients' shared configuration
    /// `shared` (a Lambda function's: [`duos_aws::environment_config`]).
    pub fn with_sdk_config(shared: &duos_aws::SdkConfig, table: impl Into<String>) -> Self {
        Self::from_client(Client::new(shared), table)
    }

    /// A store over an existing SDK client.
    pub fn from_client(client: Client, table: impl Into<String>) -> Self {
        DynamoStore {
            client,
            table: table.into(),
            stats: std::sync::Arc::default(),
        }
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The SDK client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// For tests and development: creates the table (on-demand, `pk`/`sk`,
    /// index `gsi1` projecting all attributes) if it does not exist, and
    /// waits until it and its index are active. Production tables come from
    /// the infra template.
    pub async fn ensure_table(&self) -> StoreResult<()> {
        match self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
        {
            Ok(_) => return self.wait_active().await,
            Err(e) if e.code() == Some("ResourceNotFoundException") => {}
            Err(e) => return Err(backend_error("describing the table", &e)),
        }
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(|e| StoreError::Invalid(e.to_string()))
        };
        let key = |name: &str, key_type: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(key_type)
                .build()
                .map_err(|e| StoreError::Invalid(e.to_string()))
        };
        let gsi = GlobalSecondaryIndex::builder()
            .index_name(GSI1_NAME)
            .key_schema(key(GSI1_PK, KeyType::Hash)?)
            .key_schema(key(GSI1_SK, KeyType::Range)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr(TABLE_PK)?)
            .attribute_definitions(attr(TABLE_SK)?)
            .attribute_definitions(attr(GSI1_PK)?)
            .attribute_definitions(attr(GSI1_SK)?)
            .key_schema(key(TABLE_PK, KeyType::Hash)?)
            .key_schema(key(TABLE_SK, KeyType::Range)?)
            .global_secondary_indexes(gsi)
            .send()
            .await;
        match created {
            Ok(_) => {}
            // Another process created it meanwhile.
            Err(e) if e.code() == Some("ResourceInUseException") => {}
            Err(e) => return Err(backend_error("creating the table", &e)),
        }
        self.wait_active().await
    }

    async fn wait_active(&self) -> StoreResult<()> {
        for _ in 0..300 {
            let out = self
                .client
                .describe_table()
                .table_name(&self.table)
                .send()
                .await
                .map_err(|e| backend_error("describing the table", &e))?;
            let table = out.table().ok_or_else(|| {
                StoreError::Backend(format!("dynamodb: no description of table {}", self.table))
            })?;
            let gsi = table
                .global_secondary_indexes()
                .iter()
                .find(|g| g.index_name() == Some(GSI1_NAME));
            let Some(gsi) = gsi else {
                return Err(StoreError::Backend(format!(
                    "dynamodb: table {} has no index {GSI1_NAME}",
                    self.table
                )));
            };
            let table_active = table.table_status() == Some(&TableStatus::Active);
            // moto and DynamoDB Local may leave the index status out.
            let gsi_active = matches!(gsi.index_status(), None | Some(IndexStatus::Active));
            if table_active && gsi_active {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(StoreError::Backend(format!(
            "dynamodb: table {} did not become active in 60 s",
            self.table
        )))
    }

    /// For tests: deletes the table.
    pub async fn delete_table(&self) -> StoreResult<()> {
        self.client
            .delete_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| backend_error("deleting the table", &e))?;
        Ok(())
    }

    /// One BatchGetItem for at most [`MAX_BATCH_GET_KEYS`] distinct keys
    /// (strongly consistent), the items found added to `found`. Keys
    /// DynamoDB leaves unprocessed (throttling, the 16 MB reply limit) are
    /// asked again after a pause, at most [`MAX_ATTEMPTS`] rounds in all.
    async fn batch_get(&self, keys: &[&Key], found: &mut HashMap<Key, Item>) -> StoreResult<()> {
        let mut pending: Vec<HashMap<String, AttributeValue>> =
            keys.iter().map(|key| Self::key_map(key)).collect();
        let mut attempt = 0;
        while !pending.is_empty() {
            self.stats.record(pending.len() as u64, 0);
            let asked = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Invalid(format!("batch_get_item: {e}")))?;
            let out = retrying(|| async {
                self.client
                    .batch_get_item()
                    .request_items(&self.table, asked.clone())
                    .send()
                    .await
                    .map_err(|e| classify("batch_get_item", &e))
            })
            .await?;
            for attrs in out
                .responses()
                .and_then(|tables| tables.get(&self.table))
                .into_iter()
                .flatten()
            {
                let item = from_attrs(attrs)?;
                let key = item.key().ok_or_else(|| {
                    StoreError::Backend(
                        "dynamodb batch_get_item: an item came back without pk/sk".into(),
                    )
                })?;
                found.insert(key, item);
            }
            if let Some(left) = out
                .unprocessed_keys()
                .and_then(|tables| tables.get(&self.table))
            {
                pending = left.keys().to_vec();
            }
            if !pending.is_empty() {
                attempt += 1;
                if attempt >= MAX_ATTEMPTS {
                    return Err(StoreError::Throttled);
                }
                tokio::time::sleep(backoff(attempt - 1)).await;
            }
        }
        Ok(())
    }

    fn key_map(key: &Key) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (TABLE_PK.to_owned(), AttributeValue::S(key.pk.clone())),
            (TABLE_SK.to_owned(), AttributeValue::S(key.sk.clone())),
        ])
    }

    fn transact_item(&self, op: &TransactOp) -> StoreResult<TransactWriteItem> {
        let mut expr = Expr::default();
        let built = match op {
            TransactOp::Put { item, condition } => {
                let cond = condition.as_ref().map(|c| expr.condition(c));
                let put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(to_attrs(item)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build();
                put.map(|p| TransactWriteItem::builder().put(p).build())
            }
            TransactOp::Update {
                key,
                actions,
                condition,
            } => {
                let update_expr = expr.update(actions);
                let cond = condition.as_ref().map(|c| expr.condition(c));
                Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key_map(key)))
                    .update_expression(update_expr)
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map(|u| TransactWriteItem::builder().update(u).build())
            }
            TransactOp::Delete { key, condition } => {
                let cond = condition.as_ref().map(|c| expr.condition(c));
                Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key_map(key)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map(|d| TransactWriteItem::builder().delete(d).build())
            }
            TransactOp::Check { key, condition } => {
                let cond = expr.condition(condition);
                ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(Self::key_map(key)))
                    .condition_expression(cond)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map(|c| TransactWriteItem::builder().condition_check(c).build())
            }
        };
        built.map_err(|e| StoreError::Invalid(format!("building a transaction op: {e}")))
    }

    async fn query_once(&self, query: &Query) -> StoreResult<Vec<Item>> {
        let (pk_attr, sk_attr) = match query.index {
            Index::Table => (TABLE_PK, TABLE_SK),
            Index::Gsi1 => (GSI1_PK, GSI1_SK),
        };
        let mut expr = Expr::default();
        let mut key_cond = format!(
            "{} = {}",
            expr.name(pk_attr),
            expr.value(AttributeValue::S(query.pk.clone()))
        );
        if !query.sk_prefix.is_empty() {
            let name = expr.name(sk_attr);
            let value = expr.value(AttributeValue::S(query.sk_prefix.clone()));
            key_cond.push_str(&format!(" AND begins_with({name}, {value})"));
        }
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let remaining = query.limit.map(|l| l - out.len());
            if remaining == Some(0) {
                break;
            }
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(&key_cond)
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .scan_index_forward(!query.descending)
                .set_exclusive_start_key(start.take())
                .set_limit(remaining.map(|n| i32::try_from(n).unwrap_or(i32::MAX)));
            match query.index {
                Index::Table => request = request.consistent_read(true),
                Index::Gsi1 => request = request.index_name(GSI1_NAME),
            }
            let page = request.send().await.map_err(|e| classify("query", &e))?;
            for attrs in page.items() {
                out.push(from_attrs(attrs)?);
            }
            match page.last_evaluated_key() {
                Some(key) if !key.is_empty() => start = Some(key.clone()),
                _ => break,
            }
        }
        Ok(out)
    }
}

/// Calls `call` until it succeeds, fails for good, or has been tried
/// [`MAX_ATTEMPTS`] times; retries only conflicts and throttling
/// ([`StoreError::is_retryable`]), sleeping a random `0..=min(1 s, 20 ms *
/// 2^attempt)` between tries (full jitter, so colliding writers spread out).
async fn retrying<T, F, Fut>(mut call: F) -> StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = StoreResult<T>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt + 1 < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// A random pause before retry number `attempt + 1`.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    Duration::from_millis(fastrand::u64(..=ceiling.as_millis() as u64))
}

#[async_trait]
impl Store for DynamoStore {
    async fn get(&self, key: &Key) -> StoreResult<Option<Item>> {
        validate_key(key)?;
        self.stats.record(1, 0);
        let out = retrying(|| async {
            self.client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(Self::key_map(key)))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| classify("get_item", &e))
        })
        .await?;
        out.item().map(from_attrs).transpose()
    }

    async fn get_many(&self, keys: &[Key]) -> StoreResult<Vec<Option<Item>>> {
        for key in keys {
            validate_key(key)?;
        }
        // BatchGetItem refuses a key asked twice: ask each once.
        let mut unique: Vec<&Key> = keys.iter().collect();
        unique.sort();
        unique.dedup();
        let mut found: HashMap<Key, Item> = HashMap::with_capacity(unique.len());
        for chunk in unique.chunks(MAX_BATCH_GET_KEYS) {
            self.batch_get(chunk, &mut found).await?;
        }
        Ok(keys.iter().map(|key| found.get(key).cloned()).collect())
    }

    async fn put(&self, item: Item, condition: Option<Condition>) -> StoreResult<()> {
        validate_item(&item)?;
        validate_condition(condition.as_ref())?;
        self.stats.record(0, 1);
        let mut expr = Expr::default();
        let cond = condition.as_ref().map(|c| expr.condition(c));
        let attrs = to_attrs(&item);
        retrying(|| async {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(attrs.clone()))
                .set_condition_expression(cond.clone())
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .send()
                .await
                .map_err(|e| classify("put_item", &e))
        })
        .await?;
        Ok(())
    }

    async fn update(
        &self,
        key: &Key,
        actions: Vec<UpdateAction>,
        condition: Option<Condition>,
    ) -> StoreResult<Item> {
        validate_key(key)?;
        validate_actions(&actions)?;
        validate_condition(condition.as_ref())?;
        self.stats.record(0, 1);
        let mut expr = Expr::default();
        let update_expr = expr.update(&actions);
        let cond = condition.as_ref().map(|c| expr.condition(c));
        let out = retrying(|| async {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(Self::key_map(key)))
                .update_expression(&update_expr)
                .set_condition_expression(cond.clone())
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .return_values(ReturnValue::AllNew)
                .send()
                .await
                .map_err(|e| classify("update_item", &e))
        })
        .await?;
        match out.attributes() {
            Some(attrs) => from_attrs(attrs),
            None => Err(StoreError::Backend(
                "dynamodb update_item returned no attributes".into(),
            )),
        }
    }

    async fn delete(&self, key: &Key, condition: Option<Condition>) -> StoreResult<Option<Item>> {
        validate_key(key)?;
        validate_condition(condition.as_ref())?;
        self.stats.record(0, 1);
        let mut expr = Expr::default();
        let cond = condition.as_ref().map(|c| expr.condition(c));
        let out = retrying(|| async {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(Self::key_map(key)))
                .set_condition_expression(cond.clone())
                .set_expression_attribute_names(expr.names())
                .set_expression_attribute_values(expr.values())
                .return_values(ReturnValue::AllOld)
                .send()
                .await
                .map_err(|e| classify("delete_item", &e))
        })
        .await?;
        match out.attributes() {
            Some(attrs) if !attrs.is_empty() => from_attrs(attrs).map(Some),
            _ => Ok(None),
        }
    }

    async fn transact(&self, ops: Vec<TransactOp>) -> StoreResult<()> {
        validate_transact(&ops)?;
        self.stats.record_transact(&ops);
        let items = ops
            .iter()
            .map(|op| self.transact_item(op))
            .collect::<StoreResult<Vec<_>>>()?;
        retrying(|| async {
            self.client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await
                .map_err(|e| classify_transact(&e))
        })
        .await?;
        Ok(())
    }

    async fn query(&self, query: &Query) -> StoreResult<Vec<Item>> {
        validate_query(query)?;
        let items = retrying(|| self.query_once(query)).await?;
        self.stats.record(items.len() as u64, 0);
        Ok(items)
    }

    fn stats(&self) -> OpStats {
        self.stats.snapshot()
    }
}

#[cfg(test)]
mod tests {
    use super::codec::{from_av, to_av};
    use super::errors::classify_cancellation;
    use super::*;
    use crate::store::Value;

    #[test]
    fn expressions_use_placeholders() {
        let mut expr = Expr::default();
        let cond = expr.condition(&Condition::below("count", 25).and(Condition::exists()));
        assert_eq!(
            cond,
            "((attribute_not_exists(#n0)) OR (#n0 < :v0)) AND (attribute_exists(#n1))"
        );
        let update = expr.update(&[
            UpdateAction::add("count", 1),
            UpdateAction::set("status", "open"),
            UpdateAction::remove("old"),
        ]);
        assert_eq!(update, "SET #n2 = :v2 ADD #n0 :v1 REMOVE #n3");
        assert_eq!(expr.names().unwrap().len(), 4);
        assert_eq!(expr.values().unwrap().len(), 3);
        assert!(Expr::default().names().is_none());
    }

    #[tokio::test]
    async fn retries_conflicts_and_throttling_a_bounded_number_of_times() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let calls = AtomicU32::new(0);
        let result: StoreResult<()> = retrying(|| async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(StoreError::TransactionConflict)
        })
        .await;
        assert_eq!(result, Err(StoreError::TransactionConflict));
        assert_eq!(calls.load(Ordering::Relaxed), MAX_ATTEMPTS);

        let calls = AtomicU32::new(0);
        let result = retrying(|| async {
            match calls.fetch_add(1, Ordering::Relaxed) {
                0 => Err(StoreError::Throttled),
                1 => Err(StoreError::TransactionConflict),
                n => Ok(n),
            }
        })
        .await;
        assert_eq!(result, Ok(2));

        // Conditions and other errors are final.
        let calls = AtomicU32::new(0);
        let result: StoreResult<()> = retrying(|| async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(StoreError::ConditionFailed { op_index: Some(1) })
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        for attempt in 0..40 {
            let pause = backoff(attempt);
            assert!(pause <= BACKOFF_CAP, "{attempt}: {pause:?}");
            assert!(pause <= BACKOFF_BASE * 2u32.pow(attempt.min(16)));
        }
    }

    #[test]
    fn cancellation_reasons_name_the_failing_op() {
        assert_eq!(
            classify_cancellation([None, Some("ConditionalCheckFailed")]),
            StoreError::ConditionFailed { op_index: Some(1) }
        );
        assert_eq!(
            classify_cancellation([Some("TransactionConflict"), None]),
            StoreError::TransactionConflict
        );
        assert_eq!(
            classify_cancellation([Some("ThrottlingError")]),
            StoreError::Throttled
        );
        assert!(matches!(
            classify_cancellation([None, Some("ValidationError")]),
            StoreError::Invalid(_)
        ));
    }

    #[test]
    fn values_round_trip_through_attribute_values() {
        let value = Value::M(
            [
                ("s".to_owned(), Value::from("x")),
                ("n".to_owned(), Value::N(-7)),
                ("b".to_owned(), Value::Bool(true)),
                ("l".to_owned(), Value::from(vec!["a", "b"])),
                ("z".to_owned(), Value::Null),
            ]
            .into(),
        );
        assert_eq!(from_av(&to_av(&value)).unwrap(), value);
        assert!(from_av(&AttributeValue::N("1.5".into())).is_err());
    }
}
