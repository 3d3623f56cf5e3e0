//! The Lambda functions of duos (being built: see issue 3).

pub mod auth;
pub mod roster;
pub mod store;
pub mod members_gate;
pub mod views;
