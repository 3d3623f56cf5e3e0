//! The embedded store: the single table and its index in one redb file.
//!
//! Why redb: it is pure Rust (no C library, no server to install or start, so
//! `duos serve` is one binary), ACID with crash-safe copy-on-write B-trees,
//! and serializable: there is exactly one write transaction at a time, while
//! readers see consistent snapshots without blocking it. That single writer is
//! what makes the store's conditions atomic: every write call (put, update,
//! delete, transact) evaluates its conditions and writes inside one redb write
//! transaction, so two concurrent callers can never both pass a condition that
//! only one write may pass. Local load (one association's members) is far
//! below what one writer handles.
//!
//! Layout (mirrors DynamoDB): table `items` maps `(pk, sk)` to the item's
//! attributes (JSON of [`Item`]); table `gsi1` maps `(gsi1pk, gsi1sk, pk, sk)`
//! to nothing and is kept in step with `items` in the same transaction; table
//! `meta` holds the layout version.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, Table, TableDefinition};

use super::stats::StatsCounter;
use super::validate::{
    validate_actions, validate_condition, validate_item, validate_key, validate_query,
    validate_transact,
};
use super::{
    Condition, Index, Item, Key, OpStats, Query, Store, StoreError, StoreResult, TransactOp,
    UpdateAction,
};

const ITEMS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("items");
const GSI1: TableDefinition<(&str, &str, &str, &str), ()> = TableDefinition::new("gsi1");
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
const LAYOUT_VERSION: u64 = 1;

/// The store `duos serve` and the tests use: a redb database file, by
/// default `<data>/duos.redb`. Cheap to clone (the clones share the open
/// database); open a file once per process.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    stats: Arc<StatsCounter>,
    path: Option<PathBuf>,
    /// Whether each commit waits for fsync (always, but in benchmarks that
    /// show the fsync's share of a write: [`EmbeddedStore::without_fsync`]).
    fsync: bool,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn backend<E: std::fmt::Display>(context: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| StoreError::Backend(format!("embedded store: {context}: {e}"))
}

impl EmbeddedStore {
    /// File name of the database inside the data folder.
    pub const FILE_NAME: &'static str = "duos.redb";

    /// Opens (creating if needed) `<data_dir>/duos.redb`, creating the
    /// folder too. This is the store `duos serve` uses.
    pub fn open(data_dir: impl AsRef<Path>) -> StoreResult<Self> {
        let dir = data_dir.as_ref();
        std::fs::create_dir_all(dir)
            .map_err(backend(&format!("creating data folder {}", dir.display())))?;
        Self::open_file(dir.join(Self::FILE_NAME))
    }

    /// Opens (creating if needed) the database file at `path`.
    pub fn open_file(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref();
        let db = Database::create(path).map_err(backend(&format!("opening {}", path.display())))?;
        Self::init(db, Some(path.to_owned()))
    }

    /// A store held in memory only (for unit tests).
    pub fn in_memory() -> StoreResult<Self> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(backend("creating in-memory database"))?;
        Self::init(db, None)
    }

    /// The database file, `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn init(db: Database, path: Option<PathBuf>) -> StoreResult<Self> {
        let txn = db.begin_write().map_err(backend("initializing"))?;
        {
            let mut meta = txn.open_table(META).map_err(backend("initializing"))?;
            let version = meta
                .get("layout")
                .map_err(backend("reading layout version"))?
                .map(|v| v.value());
            match version {
                None => {
                    meta.insert("layout", LAYOUT_VERSION)
                        .map_err(backend("initializing"))?;
                }
                Some(LAYOUT_VERSION) => {}
                Some(other) => {
                    return Err(StoreError::Backend(format!(
                        "embedded store: database layout version {other} is not the supported \
                         {LAYOUT_VERSION}"
                    )))
                }
            }
            txn.open_table(ITEMS).map_err(backend("initializing"))?;
            txn.open_table(GSI1).map_err(backend("initializing"))?;
        }
        txn.commit().map_err(backend("initializing"))?;
        Ok(EmbeddedStore {
            db: Arc::new(db),
            stats: Arc::default(),
            path,
            fsync: true,
        })
    }

    /// The same store, committing without fsync: a commit is then durable
    /// only once a later commit syncs. For benchmarks only (the handler
    /// bench shows a write's latency with and without its fsync); nothing
    /// that keeps real data uses it.
    pub fn without_fsync(mut self) -> Self {
        self.fsync = false;
        self
    }

    /// Runs blocking database work off the async runtime.
    async fn blocking<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> StoreResult<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || work(&db))
            .await
            .map_err(backend("worker thread"))?
    }

    /// Runs `ops` in one write transaction: loads every target item, checks
    /// every condition, computes every new item, and only then writes. On
    /// any error the transaction is aborted and nothing is written. Returns
    /// each op's (old item, new item).
    async fn write(&self, ops: Vec<TransactOp>) -> StoreResult<Vec<(Option<Item>, Option<Item>)>> {
        let fsync = self.fsync;
        self.blocking(move |db| {
            let mut txn = db.begin_write().map_err(backend("starting write"))?;
            if !fsync {
                txn.set_durability(redb::Durability::None)
                    .map_err(backend("setting durability"))?;
            }
            let outcome = (|| {
                let mut items = txn.open_table(ITEMS).map_err(backend("opening items"))?;
                let mut gsi = txn.open_table(GSI1).map_err(backend("opening gsi1"))?;
                let mut olds = Vec::with_capacity(ops.len());
                for (i, op) in ops.iter().enumerate() {
                    let key = op.key().expect("validated");
                    let old = load(&items, &key)?;
                    if let Some(condition) = op.condition() {
                        if !condition.eval(old.as_ref()) {
                            return Err(StoreError::ConditionFailed { op_index: Some(i) });
                        }
                    }
                    olds.push(old);
                }
                let mut result = Vec::with_capacity(ops.len());
                for (op, old) in ops.iter().zip(olds) {
                    let new = match op {
                        TransactOp::Put { item, .. } => Some(item.clone()),
                        TransactOp::Update { key, actions, .. } => {
                            let mut item = old.clone().unwrap_or_else(|| Item::new(key));
                            UpdateAction::apply_all(&mut item, actions)?;
                            validate_item(&item)?;
                            Some(item)
                        }
                        TransactOp::Delete { .. } => None,
                        TransactOp::Check { .. } => old.clone(),
                    };
                    result.push((old, new));
                }
                for (op, (old, new)) in ops.iter().zip(&result) {
                    if !matches!(op, TransactOp::Check { .. }) {
                        let key = op.key().expect("validated");
                        store(&mut items, &mut gsi, &key, old.as_ref(), new.as_ref())?;
                    }
                }
                Ok(result)
            })();
            match outcome {
                Ok(result) => {
                    txn.commit().map_err(backend("committing"))?;
                    Ok(result)
                }
                Err(e) => {
                    txn.abort().map_err(backend("aborting"))?;
                    Err(e)
                }
            }
        })
        .await
    }

    /// A single write: like a one-op transaction whose failed condition
    /// carries no op index.
    async fn write_one(&self, op: TransactOp) -> StoreResult<(Option<Item>, Option<Item>)> {
        match self.write(vec![op]).await {
            Ok(mut result) => Ok(result.pop().expect("one op, one result")),
            Err(StoreError::ConditionFailed { .. }) => {
                Err(StoreError::ConditionFailed { op_index: None })
            }
            Err(e) => Err(e),
        }
    }
}

type ItemsTable<'t> = Table<'t, (&'static str, &'static str), &'static [u8]>;
type GsiTable<'t> = Table<'t, (&'static str, &'static str, &'static str, &'static str), ()>;

fn decode(key: (&str, &str), bytes: &[u8]) -> StoreResult<Item> {
    serde_json::from_slice(bytes).map_err(|e| {
        StoreError::Backend(format!(
            "embedded store: item `{} / {}` is corrupt: {e}",
            key.0, key.1
        ))
    })
}

fn load(
    items: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    key: &Key,
) -> StoreResult<Option<Item>> {
    let k = (key.pk.as_str(), key.sk.as_str());
    match items.get(k).map_err(backend("reading item"))? {
        Some(v) => decode(k, v.value()).map(Some),
        None => Ok(None),
    }
}

/// Replaces `old` by `new` under `key` in the table and keeps the index in
/// step.
fn store(
    items: &mut ItemsTable<'_>,
    gsi: &mut GsiTable<'_>,
    key: &Key,
    old: Option<&Item>,
    new: Option<&Item>,
) -> StoreResult<()> {
    let k = (key.pk.as_str(), key.sk.as_str());
    if let Some((gpk, gsk)) = old.and_then(Item::gsi1) {
        gsi.remove((gpk, gsk, k.0, k.1))
            .map_err(backend("updating gsi1"))?;
    }
    match new {
        Some(item) => {
            let bytes = serde_json::to_vec(item).map_err(backend("encoding item"))?;
            items
                .insert(k, bytes.as_slice())
                .map_err(backend("writing item"))?;
            if let Some((gpk, gsk)) = item.gsi1() {
                gsi.insert((gpk, gsk, k.0, k.1), ())
                    .map_err(backend("updating gsi1"))?;
            }
        }
        None => {
            items.remove(k).map_err(backend("deleting item"))?;
        }
    }
    Ok(())
}

fn run_query(db: &Database, query: &Query) -> StoreResult<Vec<Item>> {
    let txn = db.begin_read().map_err(backend("starting read"))?;
    let items = txn.open_table(ITEMS).map_err(backend("opening items"))?;
    let prefix = query.sk_prefix.as_str();
    let pk = query.pk.as_str();
    // Ascending queries stop at the limit; descending ones read the whole
    // prefix range first (local data is small).
    let early_limit = if query.descending { None } else { query.limit };
    let full = |n: usize| early_limit.is_some_and(|l| n >= l);
    let mut out = Vec::new();
    match query.index {
        Index::Table => {
            let range = items
                .range((pk, prefix)..)
                .map_err(backend("querying items"))?;
            for entry in range {
                if full(out.len()) {
                    break;
                }
                let (k, v) = entry.map_err(backend("querying items"))?;
                let (kp, ks) = k.value();
                if kp != pk || !ks.starts_with(prefix) {
                    break;
                }
                out.push(decode((kp, ks), v.value())?);
            }
        }
        Index::Gsi1 => {
            let gsi = txn.open_table(GSI1).map_err(backend("opening gsi1"))?;
            let range = gsi
                .range((pk, prefix, "", "")..)
                .map_err(backend("querying gsi1"))?;
            for entry in range {
                if full(out.len()) {
                    break;
                }
                let (k, ()) = entry
                    .map(|(k, _)| (k, ()))
                    .map_err(backend("querying gsi1"))?;
                let (gpk, gsk, ipk, isk) = k.value();
                if gpk != pk || !gsk.starts_with(prefix) {
                    break;
                }
                let item = load(&items, &Key::new(ipk, isk))?.ok_or_else(|| {
                    StoreError::Backend(format!(
                        "embedded store: gsi1 lists `{ipk} / {isk}`, which is missing"
                    ))
                })?;
                out.push(item);
            }
        }
    }
    if query.descending {
        out.reverse();
    }
    if let Some(limit) = query.limit {
        out.truncate(limit);
    }
    Ok(out)
}

#[async_trait]
impl Store for EmbeddedStore {
    async fn get(&self, key: &Key) -> StoreResult<Option<Item>> {
        validate_key(key)?;
        self.stats.record(1, 0);
        let key = key.clone();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend("starting read"))?;
            let items = txn.open_table(ITEMS).map_err(backend("opening items"))?;
            load(&items, &key)
        })
        .await
    }

    async fn get_many(&self, keys: &[Key]) -> StoreResult<Vec<Option<Item>>> {
        for key in keys {
            validate_key(key)?;
        }
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.stats.record(keys.len() as u64, 0);
        let keys = keys.to_vec();
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend("starting read"))?;
            let items = txn.open_table(ITEMS).map_err(backend("opening items"))?;
            keys.iter().map(|key| load(&items, key)).collect()
        })
        .await
    }

    async fn put(&self, item: Item, condition: Option<Condition>) -> StoreResult<()> {
        validate_item(&item)?;
        validate_condition(condition.as_ref())?;
        self.stats.record(0, 1);
        self.write_one(TransactOp::Put { item, condition }).await?;
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
        let (_, new) = self
            .write_one(TransactOp::update(key.clone(), actions, condition))
            .await?;
        Ok(new.expect("an update leaves an item"))
    }

    async fn delete(&self, key: &Key, condition: Option<Condition>) -> StoreResult<Option<Item>> {
        validate_key(key)?;
        validate_condition(condition.as_ref())?;
        self.stats.record(0, 1);
        let (old, _) = self
            .write_one(TransactOp::delete(key.clone(), condition))
            .await?;
        Ok(old)
    }

    async fn transact(&self, ops: Vec<TransactOp>) -> StoreResult<()> {
        validate_transact(&ops)?;
        self.stats.record_transact(&ops);
        self.write(ops).await?;
        Ok(())
    }

    async fn query(&self, query: &Query) -> StoreResult<Vec<Item>> {
        validate_query(query)?;
        let q = query.clone();
        let items = self.blocking(move |db| run_query(db, &q)).await?;
        self.stats.record(items.len() as u64, 0);
        Ok(items)
    }

    fn stats(&self) -> OpStats {
        self.stats.snapshot()
    }
}
