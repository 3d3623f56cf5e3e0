//! The requests a new duo closes: both people's other pending requests,
//! in the duo's own transaction where they fit, the rest right after, and
//! the mails that tell the others.

use super::*;

/// The requests a new duo closes (`transitions`, of `all`): as many as fit
/// are added to the duo's own transaction (`ops`, each conditional on still
/// being `pending`); the rest are returned, for [`close_later`].
pub(in crate::handlers) fn push_closed_requests(
    ops: &mut Vec<TransactOp>,
    all: &[MatchRequest],
    transitions: &[Transition],
) -> Vec<MatchRequest> {
    let mut later = Vec::new();
    for t in transitions {
        let Some(other) = all.iter().find(|r| r.id == t.request_id) else {
            continue;
        };
        let mut changed = other.clone();
        changed.status = t.to.clone();
        if ops.len() < MAX_TRANSACT_OPS {
            ops.push(TransactOp::put_if(
                records::match_item(&changed),
                Condition::eq(records::STATE, "pending"),
            ));
        } else {
            later.push(changed);
        }
    }
    later
}

/// Closes the requests that did not fit the duo's transaction, each in its
/// own transaction with its audit entry naming the `cause` (`("accepted",
/// request id)` or `("pairing", pairing id)`).
pub(in crate::handlers) async fn close_later(
    app: &App,
    cohort: &str,
    actor: &str,
    cause: (&str, &str),
    later: &[MatchRequest],
    moment: mentoring::Moment,
) {
    for changed in later {
        let key = keys::match_request(cohort, &changed.id);
        let mut detail = serde_json::json!({"to": changed.status.name()});
        detail[cause.0] = serde_json::json!(cause.1);
        let entry =
            Entry::new(cohort, "side_effect_of_accept", actor, &key, moment.now).detail(detail);
        let result = app
            .store
            .transact(vec![
                TransactOp::put_if(
                    records::match_item(changed),
                    Condition::eq(records::STATE, "pending"),
                ),
                entry.op(),
            ])
            .await;
        if let Err(e) = result {
            tracing::warn!(
                "closing request {} after a duo formed ({} {}): {e}",
                changed.id,
                cause.0,
                cause.1
            );
        }
    }
}

/// Mails each mentee whose request a new duo declined ("mentor full").
pub(in crate::handlers) async fn tell_declined(
    app: &App,
    all: &[MatchRequest],
    transitions: &[Transition],
    mentor_name: &str,
) {
    for t in transitions {
        if let MatchStatus::Declined { reason, .. } = &t.to {
            if let Some(other) = all.iter().find(|r| r.id == t.request_id) {
                notify(
                    app,
                    &other.mentee_id,
                    messages::match_declined(
                        &app.config.program,
                        mentor_name,
                        reason.as_deref().or(Some(REASON_MENTOR_FULL)),
                    ),
                )
                .await;
            }
        }
    }
}
