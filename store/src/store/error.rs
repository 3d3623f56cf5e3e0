//! Why a store call failed.

/// Why a store call failed. A missing item is not an error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A condition did not hold; nothing was written. `op_index` is the
    /// index of the failing op of a transaction (`None` for single writes).
    #[error("condition failed{}", match op_index { Some(i) => format!(" (transaction op {i})"), None => String::new() })]
    ConditionFailed {
        /// Index of the failing op in a `transact` call.
        op_index: Option<usize>,
    },
    /// The transaction conflicted with another one on the same items and
    /// bounded retries did not get it through. Retryable.
    #[error("transaction conflict: try again")]
    TransactionConflict,
    /// The backend throttled the request even after bounded retries.
    /// Retryable.
    #[error("store busy (throttled): try again")]
    Throttled,
    /// The request is malformed (missing key, empty transaction, ADD to a
    /// string, two ops on one item...): a bug in the caller.
    #[error("invalid store request: {0}")]
    Invalid(String),
    /// The backend failed (IO, network, corrupt data...), with context.
    #[error("store backend error: {0}")]
    Backend(String),
}

impl StoreError {
    /// Whether trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::TransactionConflict | StoreError::Throttled
        )
    }
    /// Whether this is a failed condition.
    pub fn is_condition_failed(&self) -> bool {
        matches!(self, StoreError::ConditionFailed { .. })
    }
}
