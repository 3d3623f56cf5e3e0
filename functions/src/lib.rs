//! The functions of duos: the HTTP handlers that take applications,
//! nominations, match requests and survey answers, the same code on AWS
//! Lambda (the `duos-lambda` crate's binaries) and in `duos serve`.
//!
//! - [`router`]: the one route table; [`handlers`]: one module per resource;
//!   [`app`]: shared state (store, mailer, clock, config, sessions).
//! - [`auth`]: OpenID Connect sign-in, sessions, CSRF; [`members_gate`]: the
//!   members-only files; [`roster`]: the association's member roster.
//! - [`store`]: the `Store` trait with DynamoDB and embedded (redb)
//!   implementations; [`records`]: the key layout of the single table
//!   (both from the `duos-store` crate).
//! - [`mail`]: SES and the local outbox, and [`clock`] (the `duos-mail`
//!   crate); [`aws`]: the AWS SDK configuration (the `duos-aws` crate);
//!   [`scheduler`]: the scheduled job;
//!   [`report`] and [`alumni`]: evaluation; [`views`]: per-user pages.
//! - [`deploy`]: what each function may call on AWS (checked against
//!   infra/template.yaml) and [`routes`]: each function's route table; the
//!   Lambda binaries and their Runtime API glue are the `duos-lambda` crate
//!   (`lambda/`), which the `duos` CLI does not link.

pub mod alumni;
pub mod app;
pub mod audit;
pub mod auth;
pub mod config;
pub mod deploy;
pub mod handlers;
pub mod http;
pub mod idempotency;
pub mod logging;
pub mod members_area;
pub mod members_gate;
pub mod publish;
pub mod records;
pub mod report;
pub mod roles;
pub mod roster;
pub mod router;
pub mod routes;
pub mod scheduler;
pub mod views;
pub mod waitlist;

// The crates split off along the seams, under their old paths.
#[cfg(feature = "aws")]
pub use duos_aws as aws;
pub use duos_mail as mail;
pub use duos_mail::clock;
pub use duos_store::store;
