//! The key layout of the single table and the typed items the handlers
//! store in it: [`duos_store::records`], re-exported whole, plus what of
//! the records needs the rest of `functions` or the site generator (so
//! that `duos-store` depends on neither):
//!
//! - [`load_member`]: a roster member by id (the roster is [`crate::roster`]);
//! - [`profile::store_profiles`]: what the store tells the generator.

use mentoring::Member;

pub use duos_store::records::*;

use crate::store::{Store, StoreError};

pub mod profile;

/// A roster member by id: the roster's item `MEMBER#<id> / ROSTER` (see
/// [`crate::roster`]).
pub async fn load_member(store: &dyn Store, member_id: &str) -> Result<Option<Member>, StoreError> {
    crate::roster::load_member(store, member_id).await
}
