//! The DynamoDB store's errors: what an SDK error or a cancelled
//! transaction means as a [`StoreError`].

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

use super::super::StoreError;

pub(super) fn backend_error<E, R>(context: &str, err: &SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StoreError::Backend(format!("dynamodb {context}: {}", DisplayErrorContext(err)))
}

/// Maps an SDK error of a single-item call onto [`StoreError`].
pub(super) fn classify<E, R>(context: &str, err: &SdkError<E, R>) -> StoreError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
    R: std::fmt::Debug,
{
    match err.code() {
        Some("ConditionalCheckFailedException") => StoreError::ConditionFailed { op_index: None },
        Some("TransactionConflictException") => StoreError::TransactionConflict,
        Some(
            "ThrottlingException"
            | "ProvisionedThroughputExceededException"
            | "RequestLimitExceeded",
        ) => StoreError::Throttled,
        Some("ValidationException") => StoreError::Invalid(format!(
            "dynamodb {context}: {}",
            err.message().unwrap_or("validation error")
        )),
        _ => backend_error(context, err),
    }
}

/// Maps the cancellation reasons of a cancelled transaction (one per op, in
/// order; code `None` for ops that were fine) onto [`StoreError`].
pub(super) fn classify_cancellation<'a>(
    codes: impl IntoIterator<Item = Option<&'a str>>,
) -> StoreError {
    let codes: Vec<Option<&str>> = codes.into_iter().collect();
    if let Some(i) = codes
        .iter()
        .position(|c| *c == Some("ConditionalCheckFailed"))
    {
        return StoreError::ConditionFailed { op_index: Some(i) };
    }
    if codes.contains(&Some("TransactionConflict")) {
        return StoreError::TransactionConflict;
    }
    if codes.iter().any(|c| {
        matches!(
            c,
            Some("ThrottlingError" | "ProvisionedThroughputExceeded" | "RequestLimitExceeded")
        )
    }) {
        return StoreError::Throttled;
    }
    let listed: Vec<&str> = codes.iter().map(|c| c.unwrap_or("None")).collect();
    if codes.contains(&Some("ValidationError")) {
        return StoreError::Invalid(format!(
            "dynamodb transaction cancelled: [{}]",
            listed.join(", ")
        ));
    }
    StoreError::Backend(format!(
        "dynamodb transaction cancelled: [{}]",
        listed.join(", ")
    ))
}

pub(super) fn classify_transact<R: std::fmt::Debug>(
    err: &SdkError<TransactWriteItemsError, R>,
) -> StoreError {
    if let Some(TransactWriteItemsError::TransactionCanceledException(e)) = err.as_service_error() {
        let reasons = e.cancellation_reasons();
        if !reasons.is_empty() {
            return classify_cancellation(reasons.iter().map(|r| r.code()));
        }
        // Some emulators only list the reasons in the message:
        // "... cancellation reasons for specific reasons [None, ConditionalCheckFailed]".
        let message = e.message().unwrap_or_default();
        if let Some(list) = message
            .rsplit_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(list, _)| list)
        {
            return classify_cancellation(list.split(',').map(|c| match c.trim() {
                "None" | "" => None,
                code => Some(code),
            }));
        }
    }
    classify("transact_write_items", err)
}
