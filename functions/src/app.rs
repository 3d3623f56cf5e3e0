//! The shared state of the handlers: built once per process (a Lambda cold
//! start, or `duos serve` start) and passed to [`crate::router::handle`] with
//! every request. Cheap to clone (everything is behind an `Arc`).
//!
//! On Lambda: `duos_lambda::Env::app` with the DynamoDB store and the
//! SES mailer. Under `duos serve`: [`App::new`] with the embedded store, the outbox
//! mailer, the server's clock (the system clock moved to `--today`),
//! [`Config::load`] of the site's content folder and the development session
//! configuration.

use std::sync::Arc;

use mentoring::Moment;

use crate::auth::{AuthService, SessionConfig};
use crate::clock::Clock;
use crate::config::Config;
use crate::mail::Mailer;
use crate::members_gate::MembersFiles;
use crate::publish::Publisher;
use crate::store::Store;

/// Everything a handler needs besides the request.
#[derive(Clone)]
pub struct App {
    /// The data.
    pub store: Arc<dyn Store>,
    /// Where mail goes.
    pub mailer: Arc<dyn Mailer>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// The program, its surveys and secrets.
    pub config: Arc<Config>,
    /// How sessions are read and CSRF is checked.
    pub session: SessionConfig,
    /// `/auth/*` (sign-in); `None` answers those paths with 503.
    pub auth: Option<Arc<AuthService>>,
    /// The built members area (`site/members`, or the members bucket on
    /// AWS) for [`crate::members_area`]; only the `session` function and
    /// `duos serve` have one.
    pub members: Option<Arc<dyn MembersFiles>>,
    /// Renders the pages of profile changes ([`crate::publish`]); `None`:
    /// nothing is published (tests of the API alone, functions that change
    /// no profile).
    pub publisher: Option<Arc<Publisher>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .field("session", &self.session)
            .field("auth", &self.auth.is_some())
            .field("members", &self.members.is_some())
            .field("publisher", &self.publisher.is_some())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An app from its parts.
    pub fn new(
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
        config: Arc<Config>,
        session: SessionConfig,
        auth: Option<Arc<AuthService>>,
    ) -> App {
        App {
            store,
            mailer,
            clock,
            config,
            session,
            auth,
            members: None,
            publisher: None,
        }
    }

    /// The same app publishing profile changes with `publisher`.
    pub fn with_publisher(mut self, publisher: Arc<Publisher>) -> App {
        self.publisher = Some(publisher);
        self
    }

    /// The same app serving the members area from `files`.
    pub fn with_members(mut self, files: Arc<dyn MembersFiles>) -> App {
        self.members = Some(files);
        self
    }

    /// Now, as the rules take it: the instant and the association's day.
    pub fn moment(&self) -> Moment {
        self.config.program.moment(self.clock.now())
    }
}
