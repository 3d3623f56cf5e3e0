//! The signed-in member as the pages see them ([`Viewer`]), and the part of
//! every page's context that is about them: who they are, the menu (each
//! link from the permission table), the CSRF token of the page's forms.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use mentoring::permissions::{permitted, Action, Role};
use mentoring::program::ExpertiseTerm;
use serde::Serialize;

use super::cards::{mentee_card, mentor_card, AppCard, CohortCard};
use super::cohorts::applications_cohort;
use super::ViewError;
use crate::app::App;
use crate::auth::Session;
use crate::records;
use crate::roles::{self, Participation};

/// The query parameters the templates read (the result pages' flags).
pub(super) const QUERY_KEYS: &[&str] = &[
    "status",
    "side",
    "place",
    "decided",
    "assigned",
    "answered",
    "survey",
    "token",
    "mentor",
    "cohort",
    "confirmed",
    "withdrawn",
    "proposed",
    "member",
    "action",
    "ended",
];

/// `query` with every parameter a template asks about present (maybe
/// empty), so that templates can compare them.
pub(super) fn every_query_key(query: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut query = query.clone();
    for key in QUERY_KEYS {
        query.entry((*key).to_owned()).or_default();
    }
    query
}

/// The signed-in member as the pages see them.
pub(super) struct Viewer {
    pub(super) member_id: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) csrf: String,
    pub(super) roles: Vec<Role>,
    pub(super) participations: Vec<Participation>,
    pub(super) today: NaiveDate,
}

/// `me` in the templates.
#[derive(Serialize)]
struct Me<'a> {
    id: &'a str,
    name: &'a str,
    email: &'a str,
    mentee: bool,
    mentor: bool,
    committee: bool,
    chair: bool,
    roles: Vec<String>,
    may: Menu,
}

/// `me.may`: the menu's links, each from the permission table (no link
/// that would answer 403).
#[derive(Serialize)]
struct Menu {
    applications: bool,
    duos: bool,
    surveys: bool,
    report: bool,
    audit: bool,
    liaison: bool,
    pairing: bool,
    suggestions: bool,
}

/// `site` in the templates.
#[derive(Serialize)]
struct Site<'a> {
    name: &'a str,
    contact_email: &'a str,
    directory_url: &'a str,
}

/// What every template is given about the viewer.
#[derive(Serialize)]
struct ViewerContext<'a> {
    me: Me<'a>,
    csrf: &'a str,
    site: Site<'a>,
    expertise: &'a [ExpertiseTerm],
    today: String,
}

/// What every page of [`super::handle`] adds: the query, and the cohort
/// of the pages about applying with the viewer's applications in it.
#[derive(Serialize)]
struct PageContext<'a> {
    query: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cohort: Option<CohortCard<'a>>,
    mentee_application: Option<AppCard<'a>>,
    mentor_application: Option<AppCard<'a>>,
}

impl Viewer {
    pub(super) async fn load(
        app: &App,
        session: &Session,
        today: NaiveDate,
    ) -> Result<Viewer, ViewError> {
        let store = app.store.as_ref();
        let member = records::load_member(store, &session.member_id).await?;
        let (roles, participations) =
            roles::resolve(store, &app.config.program, &session.member_id, today).await?;
        let (name, email) = member.map(|m| (m.name, m.email)).unwrap_or_default();
        Ok(Viewer {
            member_id: session.member_id.clone(),
            name,
            email,
            csrf: session.csrf_token.clone(),
            roles,
            participations,
            today,
        })
    }

    /// The viewer [`roles::signed_in`] read.
    pub(super) fn of(signed_in: roles::SignedIn, today: NaiveDate) -> Viewer {
        let roles::SignedIn {
            session,
            member,
            roles,
            participations,
        } = signed_in;
        Viewer {
            member_id: session.member_id,
            name: member.name,
            email: member.email,
            csrf: session.csrf_token,
            roles,
            participations,
            today,
        }
    }

    pub(super) fn may(&self, action: Action) -> bool {
        permitted(&self.roles, action)
    }

    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The cohorts (ids) the viewer takes part in: those of the cohorts in
    /// view where they applied, on either side.
    pub(super) fn taking_part(&self) -> Vec<&str> {
        self.participations
            .iter()
            .filter(|p| p.mentee.is_some() || p.mentor.is_some())
            .map(|p| p.cohort.as_str())
            .collect()
    }

    /// The context every template gets: `me`, `csrf`, `site`, `expertise`,
    /// `today`.
    pub(super) fn context(&self, app: &App) -> tera::Context {
        let program = &app.config.program;
        let me = Me {
            id: &self.member_id,
            name: &self.name,
            email: &self.email,
            mentee: self.has(Role::Mentee),
            mentor: self.has(Role::Mentor),
            committee: self.has(Role::Committee) || self.has(Role::Chair) || self.has(Role::Staff),
            chair: self.has(Role::Chair),
            roles: self
                .roles
                .iter()
                .map(|r| format!("{r:?}").to_lowercase())
                .collect(),
            may: Menu {
                applications: self.may(Action::ListApplications),
                duos: self.may(Action::ListDuos),
                surveys: self.may(Action::ViewSurveyStats),
                report: self.may(Action::ViewCommitteeReport),
                audit: self.may(Action::ViewAuditTrail),
                liaison: self.may(Action::ViewLiaisonDuos),
                pairing: self.may(Action::ViewPairing),
                suggestions: self.may(Action::ViewSuggestions),
            },
        };
        let data = ViewerContext {
            me,
            csrf: &self.csrf,
            site: Site {
                name: &program.name,
                contact_email: &program.contact_email,
                directory_url: "/members/mentors/",
            },
            expertise: &program.expertise,
            today: self.today.to_string(),
        };
        tera::Context::from_serialize(data).expect("the viewer's context is an object")
    }

    /// [`Viewer::context`] and what every page of [`super::handle`] adds:
    /// `query` (every key present), `cohort` (the one of the pages about
    /// applying, when there is one), `mentee_application` and
    /// `mentor_application` (the viewer's, in that cohort).
    pub(super) fn page_context(
        &self,
        app: &App,
        query: &BTreeMap<String, String>,
    ) -> tera::Context {
        let cohort = applications_cohort(app, self.today);
        let participation =
            cohort.and_then(|c| self.participations.iter().find(|p| p.cohort == c.id));
        let data = PageContext {
            query,
            cohort: cohort.map(|c| CohortCard::of(c, self.today)),
            mentee_application: participation
                .and_then(|p| p.mentee.as_ref())
                .map(mentee_card),
            mentor_application: participation
                .and_then(|p| p.mentor.as_ref())
                .map(mentor_card),
        };
        let mut ctx = self.context(app);
        ctx.extend(tera::Context::from_serialize(data).expect("the page's context is an object"));
        ctx
    }
}
