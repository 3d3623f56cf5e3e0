//! Who the caller is to the program: their roles (committee, chair, staff
//! from program.yaml; mentee / mentor from their applications in the store),
//! resolved once per request. The rules of who may do what stay in
//! [`mentoring::permissions`]; this only gathers the facts it needs.

use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::permissions::{member_roles, Role};
use mentoring::program::{Cohort, Program};
use mentoring::Member;

use chrono::NaiveDate;
use http::HeaderMap;

use crate::auth::{read_session, Session};
use crate::records::{self, keys};
use crate::store::{Item, Key, Store, StoreError};

/// The signed-in caller of a request, as [`signed_in`] reads them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Their session (valid, not signed out).
    pub session: Session,
    /// Their roster entry (in good standing).
    pub member: Member,
    /// Every role they hold, sorted ([`member_roles`]).
    pub roles: Vec<Role>,
    /// Their applications in the cohorts in view ([`cohorts_in_view`]).
    pub participations: Vec<Participation>,
}

impl SignedIn {
    /// The session (the router keeps it for `Idempotency-Key` claims and
    /// the cookie's rotation) and the [`Caller`] the handlers get.
    pub fn into_caller(self) -> (Session, Caller) {
        let caller = Caller {
            member_id: self.session.member_id.clone(),
            member: Some(self.member),
            roles: self.roles,
            participations: self.participations,
            csrf_token: self.session.csrf_token.clone(),
        };
        (self.session, caller)
    }
}

/// The request's signed-in caller: their session, when its cookie is
/// valid ([`read_session`]), it was not signed out
/// ([`crate::auth::MemberDirectory::revoke_session`]), and its member is
/// still on the roster in good standing, as sign-in requires (a member
/// removed from the roster, or lapsed, loses access at their next request,
/// not when the cookie runs out); with their roles and applications as
/// [`resolve`] finds them. Read in one [`Store::get_many`] round trip (the
/// sign-out mark, the roster entry and both applications in every cohort in
/// view), not one read after the other. Every entry that serves a
/// signed-in member (the API router, the views, the members area) goes
/// through it. `None`: no valid cookie, signed out, or not on the roster in
/// good standing.
pub async fn signed_in(
    app: &crate::app::App,
    headers: &HeaderMap,
    moment: &mentoring::Moment,
) -> Result<Option<SignedIn>, StoreError> {
    let (store, program) = (app.store.as_ref(), &app.config.program);
    let now = crate::clock::system_time(moment.now);
    let Some(session) = read_session(&app.session, headers, now) else {
        return Ok(None);
    };
    let member_id = session.member_id.clone();
    let cohorts = cohorts_in_view(program, moment.today);
    let mut asked = vec![
        keys::signed_out(&session.family()),
        crate::roster::member_key(&member_id),
    ];
    asked.extend(application_keys(&cohorts, &member_id));
    let mut found = store.get_many(&asked).await?;
    let applications = found.split_off(2);
    let member = found[1].as_ref().and_then(crate::roster::member_from_item);
    let Some(member) = member.filter(|m| m.good_standing && found[0].is_none()) else {
        return Ok(None);
    };
    crate::logging::record_member(&member_id);
    let participations = participations_of(&cohorts, applications)?;
    let roles = roles_of(program, &member_id, &participations);
    Ok(Some(SignedIn {
        session,
        member,
        roles,
        participations,
    }))
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
    /// Their roster entry, as read with the session (`None` for a caller
    /// made without one, e.g. in tests: read it from the store then).
    pub member: Option<Member>,
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
    let cohorts = cohorts_in_view(program, today);
    let asked = application_keys(&cohorts, member_id);
    let participations = participations_of(&cohorts, store.get_many(&asked).await?)?;
    Ok((
        roles_of(program, member_id, &participations),
        participations,
    ))
}

/// The keys of `member_id`'s mentee and mentor applications in each of
/// `cohorts`, in that order.
fn application_keys(cohorts: &[&Cohort], member_id: &str) -> Vec<Key> {
    cohorts
        .iter()
        .flat_map(|c| {
            [
                keys::mentee_app(&c.id, member_id),
                keys::mentor_app(&c.id, member_id),
            ]
        })
        .collect()
}

/// The participations in `cohorts` from the items read under
/// [`application_keys`], in the same order.
fn participations_of(
    cohorts: &[&Cohort],
    found: Vec<Option<Item>>,
) -> Result<Vec<Participation>, StoreError> {
    let mut found = found.into_iter();
    cohorts
        .iter()
        .map(|cohort| {
            let mentee = found.next().flatten().map(|i| records::read(&i));
            let mentor = found.next().flatten().map(|i| records::read(&i));
            Ok(Participation {
                cohort: cohort.id.clone(),
                mentee: mentee.transpose()?,
                mentor: mentor.transpose()?,
            })
        })
        .collect()
}

/// `member_id`'s roles from their applications in the cohorts in view
/// (newest first): `Mentee` when accepted in any of those cohorts, else as
/// the newest application says; `Mentor` likewise when listed in any.
fn roles_of(program: &Program, member_id: &str, participations: &[Participation]) -> Vec<Role> {
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
    member_roles(program, member_id, mentee, mentor)
}
