//! Who the caller is to the program: their roles (committee, chair, staff
//! from program.yaml; mentee / mentor from their applications in the store),
//! resolved once per request. The rules of who may do what stay in
//! [`mentoring::permissions`]; this only gathers the facts it needs.

use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::permissions::{member_roles, Role};
use mentoring::program::{Cohort, Program};

use std::time::SystemTime;

use chrono::NaiveDate;
use http::HeaderMap;

use crate::auth::{read_session, Session, SessionConfig};
use crate::records::{self, keys};
use crate::store::{Store, StoreError};

/// The request's session, when its cookie is valid ([`read_session`]), it
/// was not signed out ([`crate::auth::MemberDirectory::revoke_session`]),
/// and its member is still on the roster in good standing, as sign-in
/// requires: a member removed from the roster, or lapsed, loses access at
/// their next request, not when the cookie runs out. Every entry that reads
/// a session (the API router, the views, the members area) goes through it.
pub async fn active_session(
    store: &dyn Store,
    cfg: &SessionConfig,
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<Option<Session>, StoreError> {
    let Some(session) = read_session(cfg, headers, now) else {
        return Ok(None);
    };
    if store
        .get(&keys::signed_out(&session.family()))
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let member = records::load_member(store, &session.member_id).await?;
    if !member.is_some_and(|m| m.good_standing) {
        return Ok(None);
    }
    crate::logging::record_member(&session.member_id);
    Ok(Some(session))
}

/// The caller's applications in one cohort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// Cohort id.
    pub cohort: String,
    /// Their mentee application, if any.
    pub mentee: Option<MenteeApplication>,
    /// Their mentor application, if any.
    pub mentor: Option<MentorApplication>,
}

impl Participation {
    /// Accepted as a mentee in this cohort.
    pub fn is_accepted_mentee(&self) -> bool {
        self.mentee
            .as_ref()
            .is_some_and(|a| a.status == MenteeStatus::Accepted)
    }

    /// Approved (listed) as a mentor in this cohort.
    pub fn is_listed_mentor(&self) -> bool {
        self.mentor.as_ref().is_some_and(|a| a.status.is_listed())
    }
}

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Roster member id (from the session).
    pub member_id: String,
    /// Every role they hold, sorted.
    pub roles: Vec<Role>,
    /// Their applications in the cohorts that matter today
    /// ([`cohorts_in_view`]).
    pub participations: Vec<Participation>,
    /// The session's CSRF token (echoed by `GET /api/me` for `fetch`).
    pub csrf_token: String,
}

impl Caller {
    /// Their applications in `cohort`.
    pub fn in_cohort(&self, cohort: &str) -> Option<&Participation> {
        self.participations.iter().find(|p| p.cohort == cohort)
    }
}

/// The cohorts whose applications give roles today: every running cohort
/// (its duos' year is not over) and the current one (taking applications or
/// about to), newest first.
pub fn cohorts_in_view(program: &Program, today: NaiveDate) -> Vec<&Cohort> {
    let mut cohorts = program.running_cohorts(today);
    if let Some(current) = program.current_cohort(today) {
        if !cohorts.iter().any(|c| c.id == current.id) {
            cohorts.push(current);
        }
    }
    cohorts.sort_by_key(|c| std::cmp::Reverse(c.applications_open));
    cohorts
}

/// Reads `member_id`'s applications in the cohorts in view and computes
/// their roles with [`member_roles`]: `Mentee` when accepted in any of those
/// cohorts, `Mentor` when approved in any.
pub async fn resolve(
    store: &dyn Store,
    program: &Program,
    member_id: &str,
    today: NaiveDate,
) -> Result<(Vec<Role>, Vec<Participation>), StoreError> {
    let mut participations = Vec::new();
    for cohort in cohorts_in_view(program, today) {
        let mentee: Option<MenteeApplication> =
            records::get(store, &keys::mentee_app(&cohort.id, member_id)).await?;
        let mentor: Option<MentorApplication> =
            records::get(store, &keys::mentor_app(&cohort.id, member_id)).await?;
        participations.push(Participation {
            cohort: cohort.id.clone(),
            mentee,
            mentor,
        });
    }
    let mentee = participations
        .iter()
        .filter_map(|p| p.mentee.as_ref().map(|a| a.status))
        .find(|s| *s == MenteeStatus::Accepted)
        .or_else(|| {
            participations
                .first()
                .and_then(|p| p.mentee.as_ref().map(|a| a.status))
        });
    let mentor = participations
        .iter()
        .filter_map(|p| p.mentor.as_ref().map(|a| a.status))
        .find(|s| s.is_listed())
        .or_else(|| {
            participations
                .first()
                .and_then(|p| p.mentor.as_ref().map(|a| a.status))
        });
    Ok((
        member_roles(program, member_id, mentee, mentor),
        participations,
    ))
}
