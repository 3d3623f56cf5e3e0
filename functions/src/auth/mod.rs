//! Sign-in, sessions and CSRF protection.
//!
//! # The seam for handlers
//!
//! Every handler that needs to know who is calling does this:
//!
//! ```no_run
//! # use functions::auth::*;
//! # use std::time::SystemTime;
//! # fn roles_from_store(_: &str) -> Vec<mentoring::permissions::Role> { Vec::new() }
//! # fn handler(cfg: &SessionConfig, req: &http::Request<Vec<u8>>, form_csrf: Option<&str>) {
//! let now = SystemTime::now();
//! // 1. The session, if any: None when absent, expired or tampered with.
//! let Some(session) = read_session(cfg, req.headers(), now) else {
//!     // anonymous: 401 (JSON) or 303 to /auth/login?next=<path> (pages)
//!     return;
//! };
//! // 2. State-changing methods (POST, PUT, PATCH, DELETE): same-origin and the
//! //    CSRF token from the `X-CSRF-Token` header or the `_csrf` form field.
//! if let Err(e) = check_csrf(cfg, &session, req.method(), req.headers(), form_csrf) {
//!     // 403 with e.to_string()
//!     return;
//! }
//! // 3. Roles come from the store (roster, committee, applications); ask
//! //    mentoring::permissions with them.
//! let identity = Identity::new(session.member_id.clone(), roles_from_store(&session.member_id));
//! // 4. Keep the session alive: when it is due, send a rotated cookie.
//! if session.needs_rotation {
//!     if let Some(rotated) = rotate_session(cfg, &session, now) {
//!         // response.headers_mut().append(SET_COOKIE, rotated.set_cookie)
//!         let _ = rotated;
//!     }
//! }
//! # let _ = identity;
//! # }
//! ```
//!
//! Pages that show a form put [`Session::csrf_token`] in a hidden
//! `<input name="_csrf">` (and in `<meta name="csrf-token">` for `fetch`,
//! which sends it back as `X-CSRF-Token`).
//!
//! - [`SessionConfig`]: secret (>= 32 bytes), ttl (15 min), rotate_after,
//!   max_lifetime, secure_cookie (false only on localhost), cookie_name,
//!   site_origin. Build it with [`SessionConfig::new`].
//! - [`issue_session`] / [`rotate_session`] / [`read_session`] /
//!   [`clear_session_cookie`] / [`check_csrf`] / [`check_origin`].
//! - [`Identity`]: member id plus the roles the handlers resolved.
//!
//! # Routes
//!
//! [`handle_auth`] serves `/auth/*` and returns `None` for any other path, so
//! the router calls it first:
//!
//! | route | what |
//! |---|---|
//! | `GET /auth/login?next=/members/...` | 302 to the OpenID provider (code + PKCE S256, state, nonce) |
//! | `GET /auth/callback` | verifies, finds the member in the roster, sets the session, 303 to `next` |
//! | `POST /auth/logout` | CSRF-checked; ends the sign-in on the server ([`MemberDirectory::revoke_session`]) and clears the cookie, 303 to `/` |
//! | `GET/POST /auth/dev` | development sign-in: only with the `dev-signin` feature, only when enabled at run time, never on Lambda |
//!
//! Who may sign in is decided by a [`MemberDirectory`] (the roster in the
//! store: [`crate::roster::StoreDirectory`]); a member unknown to the roster
//! or not in good standing gets a 403 page and no session.

pub mod jwt;
pub mod oidc;
mod routes;
pub mod session;

#[cfg(all(feature = "dev-signin", feature = "lambda"))]
compile_error!(
    "the development sign-in (feature `dev-signin`) must never be built into a Lambda \
     function (feature `lambda`)"
);

#[cfg(feature = "dev-signin")]
pub mod dev;

pub use oidc::{OidcConfig, OidcError};
pub use routes::{error_page, handle_auth, safe_next, AuthService, DEFAULT_NEXT};
pub use session::{
    check_csrf, check_origin, clear_session_cookie, is_safe_method, issue_session, read_session,
    rotate_session, ConfigError, CsrfError, IssuedSession, Session, SessionConfig, CSRF_FORM_FIELD,
    CSRF_HEADER,
};

use async_trait::async_trait;
use mentoring::permissions::Role;
use std::time::SystemTime;

/// Who is calling: the session's member and the roles the handlers resolved
/// from the store (roster good standing, application state, committee).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub member_id: String,
    pub roles: Vec<Role>,
}

impl Identity {
    pub fn new(member_id: impl Into<String>, roles: Vec<Role>) -> Identity {
        Identity {
            member_id: member_id.into(),
            roles,
        }
    }

    /// Whether the identity holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A roster member as sign-in sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInMember {
    pub member_id: String,
    pub name: String,
    pub email: String,
    pub good_standing: bool,
}

/// Where sign-in looks members up, and remembers which provider account is
/// which member. Implemented over the store by
/// [`crate::roster::StoreDirectory`]; tests may use
/// [`MemoryDirectory`].
#[async_trait]
pub trait MemberDirectory: Send + Sync {
    /// The member with this roster id.
    async fn by_id(&self, member_id: &str) -> Result<Option<SignInMember>, DirectoryError>;
    /// The member whose roster e-mail is `email` (compared case-insensitively).
    async fn by_email(&self, email: &str) -> Result<Option<SignInMember>, DirectoryError>;
    /// The member linked to the provider account `(issuer, subject)`.
    async fn by_subject(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<SignInMember>, DirectoryError>;
    /// Remember that `(issuer, subject)` is `member_id`, so later sign-ins
    /// find the member even when the e-mail changes at the provider.
    async fn link_subject(
        &self,
        issuer: &str,
        subject: &str,
        member_id: &str,
    ) -> Result<(), DirectoryError>;
    /// Marks a sign-in `state` as used; false when it was used before (a
    /// replay). `expires_at` lets the implementation forget it afterwards.
    async fn consume_state(
        &self,
        state: &str,
        expires_at: SystemTime,
    ) -> Result<bool, DirectoryError>;
    /// Sign-out: the sign-in `family` ([`Session::family`]) is ended on the
    /// server, for every copy and rotation of its cookie; `until` (the end
    /// of its lifetime) lets the implementation forget it afterwards.
    async fn revoke_session(&self, family: &str, until: SystemTime) -> Result<(), DirectoryError>;
    /// Whether the sign-in `family` was signed out.
    async fn is_revoked(&self, family: &str) -> Result<bool, DirectoryError>;
}

/// The directory could not be read (the store failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("member directory: {0}")]
pub struct DirectoryError(pub String);

/// An in-memory [`MemberDirectory`] for tests and demos.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    inner: std::sync::Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    members: Vec<SignInMember>,
    subjects: std::collections::HashMap<(String, String), String>,
    states: std::collections::HashMap<String, SystemTime>,
    revoked: std::collections::HashMap<String, SystemTime>,
}

impl MemoryDirectory {
    pub fn new(members: Vec<SignInMember>) -> MemoryDirectory {
        MemoryDirectory {
            inner: std::sync::Mutex::new(MemoryInner {
                members,
                ..MemoryInner::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl MemberDirectory for MemoryDirectory {
    async fn by_id(&self, member_id: &str) -> Result<Option<SignInMember>, DirectoryError> {
        Ok(self
            .lock()
            .members
            .iter()
            .find(|m| m.member_id == member_id)
            .cloned())
    }

    async fn by_email(&self, email: &str) -> Result<Option<SignInMember>, DirectoryError> {
        Ok(self
            .lock()
            .members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
            .cloned())
    }

    async fn by_subject(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<SignInMember>, DirectoryError> {
        let inner = self.lock();
        let Some(id) = inner
            .subjects
            .get(&(issuer.to_string(), subject.to_string()))
        else {
            return Ok(None);
        };
        Ok(inner.members.iter().find(|m| &m.member_id == id).cloned())
    }

    async fn link_subject(
        &self,
        issuer: &str,
        subject: &str,
        member_id: &str,
    ) -> Result<(), DirectoryError> {
        self.lock().subjects.insert(
            (issuer.to_string(), subject.to_string()),
            member_id.to_string(),
        );
        Ok(())
    }

    async fn consume_state(
        &self,
        state: &str,
        expires_at: SystemTime,
    ) -> Result<bool, DirectoryError> {
        let mut inner = self.lock();
        let now = SystemTime::now();
        inner.states.retain(|_, exp| *exp > now);
        Ok(inner.states.insert(state.to_string(), expires_at).is_none())
    }

    async fn revoke_session(&self, family: &str, until: SystemTime) -> Result<(), DirectoryError> {
        self.lock().revoked.insert(family.to_string(), until);
        Ok(())
    }

    async fn is_revoked(&self, family: &str) -> Result<bool, DirectoryError> {
        Ok(self.lock().revoked.contains_key(family))
    }
}
