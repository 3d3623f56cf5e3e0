//! The API handlers, one module per resource. Each takes the [`App`] and a
//! [`Call`] that the router has already checked (signed in, CSRF, permitted
//! by [`mentoring::permitted`] for the route's action) and returns an
//! [`Outcome`](crate::http::Outcome). Every rule comes from `mentoring`;
//! every multi-item change is one store transaction with its audit entry.
//!
//! Each handler's doc comment gives its request and response JSON; errors
//! are always `application/problem+json` (see [`crate::http::problem`]).

// `Problem` is large, and it is the cold path: no need to box it.
#![allow(clippy::result_large_err)]

pub mod applications;
pub mod duos;
pub mod matches;
pub mod me;
pub mod messages;
pub mod nominations;
pub mod pairings;
pub mod profile;
pub mod surveys;
pub mod waitlist;

use mentoring::program::Cohort;
use mentoring::{Member, Moment};

use crate::app::App;
use crate::http::{Body, Problem};
use crate::mail::Mail;
use crate::records;
use crate::roles::Caller;

/// One checked API call.
#[derive(Debug)]
pub struct Call {
    /// The signed-in caller and their roles.
    pub caller: Caller,
    /// Path parameters in template order (`{id}`).
    pub params: Vec<String>,
    /// Query string pairs.
    pub query: Vec<(String, String)>,
    /// The parsed body (without `_csrf`).
    pub body: Body,
    /// A plain form post (answer with 303 / HTML).
    pub form: bool,
    /// Now.
    pub moment: Moment,
}

impl Call {
    /// The `{id}` path parameter.
    pub fn id(&self) -> &str {
        self.params.first().map(String::as_str).unwrap_or_default()
    }

    /// A query parameter.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The caller's member id.
    pub fn me(&self) -> &str {
        &self.caller.member_id
    }
}

/// The cohort taking applications (and match requests, nominations) today,
/// or 409 `closed`.
pub fn open_cohort(app: &App, moment: Moment) -> Result<&Cohort, Problem> {
    let program = &app.config.program;
    program
        .cohort_accepting_applications(moment.today)
        .ok_or_else(|| {
            let next = program
                .cohorts
                .iter()
                .filter(|c| c.applications_open > moment.today)
                .min_by_key(|c| c.applications_open);
            Problem::conflict(
                "closed",
                match next {
                    Some(c) => format!(
                        "Applications are closed; {} opens on {}.",
                        c.name, c.applications_open
                    ),
                    None => "Applications are closed.".to_owned(),
                },
            )
        })
}

/// The cohort of a listing whose only parameter is `?cohort=`: any other
/// parameter is a 400 naming it; then [`cohort_in_query`].
pub fn only_cohort_in_query<'a>(app: &'a App, call: &Call) -> Result<&'a Cohort, Problem> {
    if let Some(extra) = call.query.iter().find(|(k, _)| k != "cohort") {
        return Err(Problem::field(
            extra.0.clone(),
            "This parameter is not expected here.",
        ));
    }
    cohort_in_query(app, call)
}

/// The cohort named by `?cohort=`, else the current one; 404 for an
/// unknown id.
pub fn cohort_in_query<'a>(app: &'a App, call: &Call) -> Result<&'a Cohort, Problem> {
    let program = &app.config.program;
    match call.query("cohort") {
        Some(id) => program
            .cohort(id)
            .ok_or_else(|| Problem::not_found(format!("There is no cohort {id:?}."))),
        None => program
            .current_cohort(call.moment.today)
            .ok_or_else(|| Problem::not_found("The program has no cohort.")),
    }
}

/// A roster member, or 404.
pub async fn member(app: &App, member_id: &str) -> Result<Member, Problem> {
    records::load_member(app.store.as_ref(), member_id)
        .await?
        .ok_or_else(|| {
            Problem::not_found(format!("There is no member {member_id:?} in the roster."))
        })
}

/// A roster member's address, if the roster knows them.
pub async fn email_of(app: &App, member_id: &str) -> Option<(String, String)> {
    match records::load_member(app.store.as_ref(), member_id).await {
        Ok(Some(m)) => Some((m.name, m.email)),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("reading member {member_id} for mail: {e}");
            None
        }
    }
}

/// A member's name for a message: from the roster, else their member id.
pub async fn name_of(app: &App, member_id: &str) -> String {
    email_of(app, member_id)
        .await
        .map_or_else(|| member_id.to_owned(), |(name, _)| name)
}

/// Sends a message to a member; a failure is logged and never undoes the
/// stored change.
pub async fn notify(app: &App, member_id: &str, message: messages::Message) {
    let Some((_, email)) = email_of(app, member_id).await else {
        tracing::warn!(
            to_member = member_id,
            "no address in the roster; a message was not sent"
        );
        return;
    };
    let mail = Mail {
        to: email,
        subject: message.subject,
        text: message.text,
    };
    if let Err(e) = app.mailer.send(mail).await {
        // The address is personal data: the member id says who.
        tracing::error!(to_member = member_id, "mail not sent: {}", e.reason);
    }
}

/// The site's absolute URL of `path`.
pub fn site_url(app: &App, path: &str) -> String {
    format!("{}{}", app.session.site_origin, path)
}
