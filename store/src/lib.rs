//! duos-store: the program's data in one DynamoDB-shaped table.
//!
//! Its one job is storing and reading the program's records, the same on
//! AWS and on one machine:
//!
//! - [`store`]: the [`store::Store`] trait with its two implementations,
//!   DynamoDB ([`store::DynamoStore`]) and embedded redb
//!   ([`store::EmbeddedStore`], `duos serve` and tests), the item types and
//!   their validation;
//! - [`records`]: the single table's key layout and the typed items
//!   (applications, duos, nominations, profiles...) kept in it.
//!
//! It depends on `mentoring` (the records are its types) and `duos-aws`
//! (the DynamoDB client's configuration), never on the functions or the
//! site generator. `functions` depends on it and re-exports both modules
//! (`functions::store`, `functions::records`), adding there the little that
//! needs the rest of the functions (the roster's `load_member`, the
//! generator's view of the profiles).

pub mod records;
pub mod store;
