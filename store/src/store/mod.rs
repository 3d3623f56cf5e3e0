//! The storage layer: one small [`Store`] trait over a DynamoDB-shaped single
//! table, with two implementations that behave the same:
//!
//! - [`DynamoStore`] (AWS): one DynamoDB table keyed `pk`/`sk` with one global
//!   secondary index `gsi1` (`gsi1pk`/`gsi1sk`);
//! - [`EmbeddedStore`] (`duos serve`, tests): a redb file `<data>/duos.redb`
//!   that mirrors the table and the index.
//!
//! Every rule that two concurrent requests could break is expressed as a
//! [`Condition`] on a write or as an all-or-nothing [`Store::transact`]; a
//! caller never reads, decides and then writes.
//!
//! # Data model
//! An [`Item`] is a map of attribute names to [`Value`]s. It always holds the
//! string attributes [`TABLE_PK`] and [`TABLE_SK`]; when it holds both
//! [`GSI1_PK`] and [`GSI1_SK`] (strings) it also appears in the `gsi1` index
//! ("everything of one member"). [`Value`] maps onto DynamoDB's
//! `AttributeValue` as: `S` ↔ `S`, `N(i64)` ↔ `N`, `Bool` ↔ `BOOL`, `L` ↔ `L`,
//! `M` ↔ `M`, `Null` ↔ `NULL`. Sets and binary are not used by duos.
//!
//! # Use
//! ```
//! use std::sync::Arc;
//! use duos_store::store::{
//!     Condition, EmbeddedStore, Item, Key, Query, Store, StoreError, TransactOp, UpdateAction,
//! };
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), StoreError> {
//! // duos serve: EmbeddedStore::open(".duos")? opens .duos/duos.redb.
//! // Lambda: DynamoStore::connect(DynamoConfig::new(table_name)).await.
//! let store: Arc<dyn Store> = Arc::new(EmbeddedStore::in_memory()?);
//!
//! // Take a mentee application only while fewer than 25 are counted: the
//! // counter and the application are written together or not at all.
//! let app = Item::new(&Key::new("COHORT#2008", "APP#MENTEE#m-1"))
//!     .with("state", "submitted")
//!     .with_gsi1("MEMBER#m-1", "2008#APP");
//! let taken = store
//!     .transact(vec![
//!         TransactOp::update(
//!             Key::new("COHORT#2008", "COUNT#MENTEE"),
//!             vec![UpdateAction::add("count", 1)],
//!             Some(Condition::below("count", 25)),
//!         ),
//!         TransactOp::put_if(app, Condition::not_exists()),
//!     ])
//!     .await;
//! match taken {
//!     Ok(()) => {}
//!     // op 0: the cohort is full; op 1: this member already applied.
//!     Err(StoreError::ConditionFailed { op_index }) => println!("refused by op {op_index:?}"),
//!     Err(other) => return Err(other),
//! }
//!
//! // Everything of one member, via the index.
//! let mine = store.query(&Query::gsi1("MEMBER#m-1").prefix("2008#")).await?;
//! assert_eq!(mine.len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Semantics shared by both implementations (tested by
//! `tests/store_conformance.rs`)
//! - `get` is strongly consistent; a missing item is `Ok(None)`.
//! - `put` replaces the whole item; `update` creates the item if it is missing
//!   (like DynamoDB's UpdateItem) unless its condition forbids it, and returns
//!   the item's attributes after the update; `delete` returns the old item.
//! - A condition is evaluated against the item as stored before the write; a
//!   missing item has no attributes (so `count < 25` is false for it: guard a
//!   counter with `attribute_not_exists(count) OR count < cap`).
//! - `transact` takes at most [`MAX_TRANSACT_OPS`] ops on distinct items; if
//!   any condition fails nothing is written and the error names the first
//!   failing op.
//! - Queries return items in ascending (or descending) key order: by `sk`, or
//!   by `gsi1sk` then `pk`, `sk` for the index (DynamoDB leaves ties in the
//!   index unordered).

#[cfg(feature = "dynamodb")]
mod dynamo;
mod embedded;
mod error;
mod stats;
mod types;
mod validate;

#[cfg(feature = "dynamodb")]
pub use dynamo::{DynamoConfig, DynamoStore};
// Lives in duos-aws (the AWS client configuration); kept here by name.
#[cfg(feature = "dynamodb")]
pub use duos_aws::StaticCredentials;
pub use embedded::EmbeddedStore;
pub use error::StoreError;
pub use stats::OpStats;
pub use types::{Condition, Index, Item, Key, Query, TransactOp, UpdateAction, Value};

use async_trait::async_trait;

/// Name of the table's partition key attribute.
pub const TABLE_PK: &str = "pk";
/// Name of the table's sort key attribute.
pub const TABLE_SK: &str = "sk";
/// Name of the one global secondary index ("everything of one member").
pub const GSI1_NAME: &str = "gsi1";
/// Partition key attribute of [`GSI1_NAME`].
pub const GSI1_PK: &str = "gsi1pk";
/// Sort key attribute of [`GSI1_NAME`].
pub const GSI1_SK: &str = "gsi1sk";
/// The table's time-to-live attribute: a number, seconds since the Unix
/// epoch, after which DynamoDB deletes the item (idempotency records,
/// spent sign-in states). Items without it live on.
pub const TTL_ATTRIBUTE: &str = "expires";
/// Most ops one [`Store::transact`] call may hold (DynamoDB's limit).
pub const MAX_TRANSACT_OPS: usize = 100;
/// Most keys one DynamoDB BatchGetItem call may ask for (DynamoDB's
/// limit); [`Store::get_many`] splits longer lists.
pub const MAX_BATCH_GET_KEYS: usize = 100;

/// Result of every store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The storage the handlers use: a DynamoDB-shaped single table with one
/// index. Object safe: share it as `Arc<dyn Store>`.
#[async_trait]
pub trait Store: Send + Sync {
    /// Reads one item (strongly consistent). A missing item is `Ok(None)`.
    async fn get(&self, key: &Key) -> StoreResult<Option<Item>>;

    /// Reads several items (strongly consistent) in as few round trips as
    /// the backend allows: one BatchGetItem per [`MAX_BATCH_GET_KEYS`] keys
    /// on DynamoDB, one read transaction on the embedded store. The result
    /// holds one entry per key, in the order of `keys` (a key asked twice
    /// is answered twice); a missing item is `None`.
    async fn get_many(&self, keys: &[Key]) -> StoreResult<Vec<Option<Item>>>;

    /// Writes (replaces) a whole item if `condition` holds for the item
    /// currently stored under its key. The item must hold string `pk`/`sk`.
    async fn put(&self, item: Item, condition: Option<Condition>) -> StoreResult<()>;

    /// Applies `actions` to the item under `key` (creating it if missing) if
    /// `condition` holds, and returns the item's attributes after the update.
    async fn update(
        &self,
        key: &Key,
        actions: Vec<UpdateAction>,
        condition: Option<Condition>,
    ) -> StoreResult<Item>;

    /// Deletes the item under `key` if `condition` holds; returns the item it
    /// deleted (`None` if there was none).
    async fn delete(&self, key: &Key, condition: Option<Condition>) -> StoreResult<Option<Item>>;

    /// Runs all `ops` or none. On a failed condition nothing is written and
    /// the error is [`StoreError::ConditionFailed`] with the index of the
    /// first op whose condition failed.
    async fn transact(&self, ops: Vec<TransactOp>) -> StoreResult<()>;

    /// Items of one partition of the table or of `gsi1` whose sort key starts
    /// with the query's prefix, in sort key order, at most `limit` of them.
    /// Table queries are strongly consistent; index queries are eventually
    /// consistent on DynamoDB.
    async fn query(&self, query: &Query) -> StoreResult<Vec<Item>>;

    /// Items read and written through this store so far (cumulative; subtract
    /// two snapshots with [`OpStats::since`] to measure one request).
    fn stats(&self) -> OpStats;
}
