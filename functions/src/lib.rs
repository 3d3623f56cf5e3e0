//! The Lambda functions of duos (being built: see issue 3).

pub mod auth;
pub mod roster;
pub mod store;
pub mod mail;
pub mod members_gate;
pub mod views;
pub mod app;
pub mod audit;
pub mod clock;
pub mod config;
pub mod handlers;
pub mod http;
pub mod idempotency;
pub mod records;
pub mod roles;
pub mod router;
pub mod deploy;
pub mod scheduler;
pub mod lambda;
pub mod alumni;
pub mod report;
