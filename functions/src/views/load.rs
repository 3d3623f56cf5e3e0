//! What the pages read from the store, in the order they show it.

use mentoring::duo::Duo;
use mentoring::matching::MatchRequest;

use super::ViewError;
use crate::app::App;
use crate::records::{self, keys};
use crate::store::Query;

/// `member_id`'s name on the roster (their id when it has none).
pub(super) async fn member_name(app: &App, member_id: &str) -> String {
    match records::load_member(app.store.as_ref(), member_id).await {
        Ok(Some(m)) => m.name,
        _ => member_id.to_owned(),
    }
}

/// The match requests of `cohort`, newest first.
pub(super) async fn load_matches(app: &App, cohort: &str) -> Result<Vec<MatchRequest>, ViewError> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::MATCH_PREFIX))
        .await?;
    let mut out: Vec<MatchRequest> = items.iter().filter_map(|i| records::read(i).ok()).collect();
    out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    Ok(out)
}

/// The duos of `cohort`, in the order they formed.
pub(super) async fn load_duos(app: &App, cohort: &str) -> Result<Vec<Duo>, ViewError> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::DUO_PREFIX))
        .await?;
    let mut out: Vec<Duo> = items.iter().filter_map(|i| records::read(i).ok()).collect();
    out.sort_by_key(|d| d.formed_at);
    Ok(out)
}
