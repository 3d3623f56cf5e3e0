//! HTTP plumbing shared by the handlers: bodies ([`body`]), problems
//! ([`problem`]), responses and HTML pages ([`response`]), the security
//! headers ([`security`]) and what a handler returns ([`Reply`]).
//!
//! # Plain form posts
//!
//! A request sent as `application/x-www-form-urlencoded` (a page's form
//! without JavaScript) is answered for a browser: success is `303 See Other`
//! to the result page the handler names (e.g.
//! `/apply/done/?status=waitlisted&place=3`); an error is an HTML page with
//! the problem's status (400, 403, 409...) that lists the field errors and
//! links back to the form (the `Referer`, when it is on the site). JSON
//! requests get JSON / `application/problem+json`.

// `Problem` is large, and it is the cold path: no need to box it.
#![allow(clippy::result_large_err)]

pub mod body;
pub mod problem;
pub mod response;
pub mod security;
pub mod text;

pub use body::{Body, Shape, MAX_BODY};
pub use problem::Problem;

use http::StatusCode;
use serde::Serialize;

/// What a handler returns on success: a status and JSON body, and where a
/// plain form post goes next.
#[derive(Debug, Clone)]
pub struct Reply {
    /// 200, 201 or 202.
    pub status: StatusCode,
    /// The JSON body.
    pub body: serde_json::Value,
    /// The result page for a plain form post (303 target).
    pub redirect: Option<String>,
}

impl Reply {
    /// 200 with `body`.
    pub fn ok<T: Serialize>(body: &T) -> Reply {
        Reply {
            status: StatusCode::OK,
            body: serde_json::to_value(body).expect("replies serialize"),
            redirect: None,
        }
    }

    /// 201 with `body`.
    pub fn created<T: Serialize>(body: &T) -> Reply {
        Reply {
            status: StatusCode::CREATED,
            ..Reply::ok(body)
        }
    }

    /// 202 with `body`: taken, with nothing said of what follows.
    pub fn accepted<T: Serialize>(body: &T) -> Reply {
        Reply {
            status: StatusCode::ACCEPTED,
            ..Reply::ok(body)
        }
    }

    /// Builder: the result page for form posts.
    #[must_use]
    pub fn redirect(mut self, location: impl Into<String>) -> Reply {
        self.redirect = Some(location.into());
        self
    }
}

/// What handlers return.
pub type Outcome = Result<Reply, Problem>;
