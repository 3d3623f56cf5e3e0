//! The items read and written through a store, counted as DynamoDB bills
//! them.

use std::sync::atomic::{AtomicU64, Ordering};

use super::TransactOp;

/// Items read and written through a store (cumulative counters). Counted per
/// item the way DynamoDB bills them: a get or a condition check reads one
/// item, a query reads the items it returns, each put/update/delete (alone or
/// in a transaction) writes one item. Counted once per call, attempts that
/// failed a condition included, internal retries not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpStats {
    /// Store calls made.
    pub requests: u64,
    /// Items read.
    pub items_read: u64,
    /// Items written.
    pub items_written: u64,
}

impl OpStats {
    /// The counts since an earlier snapshot of the same store.
    #[must_use]
    pub fn since(&self, earlier: &OpStats) -> OpStats {
        OpStats {
            requests: self.requests.saturating_sub(earlier.requests),
            items_read: self.items_read.saturating_sub(earlier.items_read),
            items_written: self.items_written.saturating_sub(earlier.items_written),
        }
    }
}

/// Lock-free counters behind [`OpStats`].
#[derive(Debug, Default)]
pub(crate) struct StatsCounter {
    requests: AtomicU64,
    read: AtomicU64,
    written: AtomicU64,
}

impl StatsCounter {
    pub(crate) fn record(&self, read: u64, written: u64) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.read.fetch_add(read, Ordering::Relaxed);
        self.written.fetch_add(written, Ordering::Relaxed);
    }
    pub(crate) fn record_transact(&self, ops: &[TransactOp]) {
        let checks = ops
            .iter()
            .filter(|op| matches!(op, TransactOp::Check { .. }))
            .count() as u64;
        self.record(checks, ops.len() as u64 - checks);
    }
    pub(crate) fn snapshot(&self) -> OpStats {
        OpStats {
            requests: self.requests.load(Ordering::Relaxed),
            items_read: self.read.load(Ordering::Relaxed),
            items_written: self.written.load(Ordering::Relaxed),
        }
    }
}
