//! The records as more than one page shows them: a cohort, an application,
//! a duo, a match request, a person to contact — each a typed card that
//! serializes to what the templates read.

use chrono::{DateTime, NaiveDate, Utc};
use mentoring::application::{MenteeApplication, MenteeStatus, MentorApplication};
use mentoring::duo::Duo;
use mentoring::matching::MatchRequest;
use mentoring::program::Cohort;
use serde::Serialize;

use super::load::member_name;
use crate::app::App;
use crate::records;

/// A cohort with its calendar (`cohort` in the templates).
#[derive(Serialize)]
pub(super) struct CohortCard<'a> {
    id: &'a str,
    name: &'a str,
    applications_open: NaiveDate,
    matching_deadline: NaiveDate,
    launch: NaiveDate,
    /// Taking applications today.
    accepting: bool,
}

impl<'a> CohortCard<'a> {
    pub(super) fn of(c: &'a Cohort, today: NaiveDate) -> CohortCard<'a> {
        CohortCard {
            id: &c.id,
            name: &c.name,
            applications_open: c.applications_open,
            matching_deadline: c.matching_deadline,
            launch: c.launch,
            accepting: c.accepts_applications(today),
        }
    }
}

/// A cohort by id and name.
#[derive(Serialize)]
pub(super) struct CohortName<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
}

/// An application, of either side.
#[derive(Serialize)]
pub(super) struct AppCard<'a> {
    side: &'a str,
    member_id: &'a str,
    submitted: NaiveDate,
    /// Its state's name (`submitted`, `accepted`, `waitlisted`, ...).
    pub(super) state: &'a str,
    place: Option<u32>,
    ordinal: Option<u64>,
    summary: String,
    detail: &'a str,
    expertise: &'a [String],
}

pub(super) fn mentee_card(a: &MenteeApplication) -> AppCard<'_> {
    let place = match a.status {
        MenteeStatus::Waitlisted { place } => Some(place),
        _ => None,
    };
    AppCard {
        side: "mentee",
        member_id: &a.member_id,
        submitted: a.submitted_at.date_naive(),
        state: a.status.name(),
        place,
        ordinal: a.ordinal,
        summary: shorten(&a.form.goals, 160),
        detail: &a.form.background,
        expertise: &a.form.interests,
    }
}

pub(super) fn mentor_card(a: &MentorApplication) -> AppCard<'_> {
    AppCard {
        side: "mentor",
        member_id: &a.member_id,
        submitted: a.submitted_at.date_naive(),
        state: a.status.name(),
        place: None,
        ordinal: None,
        summary: format!("{}, {}", a.form.title, a.form.institution),
        detail: &a.form.bio,
        expertise: &a.form.expertise,
    }
}

/// A person and how to reach them.
#[derive(Serialize)]
pub(super) struct Contact {
    id: String,
    name: String,
    email: String,
}

impl Contact {
    /// `id` as the roster has them (their id as name when it does not).
    pub(super) async fn of(app: &App, id: &str) -> Contact {
        match records::load_member(app.store.as_ref(), id).await {
            Ok(Some(m)) => Contact {
                id: m.member_id,
                name: m.name,
                email: m.email,
            },
            _ => Contact {
                id: id.to_owned(),
                name: id.to_owned(),
                email: String::new(),
            },
        }
    }
}

/// A person by id and name.
#[derive(Serialize)]
pub(super) struct Person {
    id: String,
    name: String,
}

impl Person {
    pub(super) async fn of(app: &App, id: &str) -> Person {
        Person {
            id: id.to_owned(),
            name: member_name(app, id).await,
        }
    }
}

/// A duo: its pair, its liaison, its state.
#[derive(Serialize)]
pub(super) struct DuoCard<'a> {
    id: &'a str,
    cohort: &'a str,
    cohort_name: &'a str,
    mentor: Contact,
    mentee: Contact,
    liaison: Option<Contact>,
    formed: NaiveDate,
    state: &'static str,
    ends: NaiveDate,
}

impl<'a> DuoCard<'a> {
    pub(super) async fn of(
        app: &App,
        cohort: &'a Cohort,
        d: &'a Duo,
        today: NaiveDate,
    ) -> DuoCard<'a> {
        DuoCard {
            id: &d.id,
            cohort: &cohort.id,
            cohort_name: &cohort.name,
            mentor: Contact::of(app, &d.mentor_id).await,
            mentee: Contact::of(app, &d.mentee_id).await,
            liaison: match &d.liaison_id {
                Some(l) => Some(Contact::of(app, l).await),
                None => None,
            },
            formed: d.formed_at.date_naive(),
            state: d.status_at(cohort, today).name(),
            ends: cohort.end,
        }
    }
}

/// A match request, seen from one side: `other` is the person on the
/// other side.
#[derive(Serialize)]
pub(super) struct MatchCard<'a> {
    id: &'a str,
    other_id: &'a str,
    other_name: String,
    message: &'a str,
    created: NaiveDate,
    expires: NaiveDate,
    state: &'static str,
    pending: bool,
    /// The mentee's background, for the mentor asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) mentee: Option<serde_json::Value>,
}

impl<'a> MatchCard<'a> {
    pub(super) async fn of(
        app: &App,
        r: &'a MatchRequest,
        other: &'a str,
        now: DateTime<Utc>,
    ) -> MatchCard<'a> {
        let state = r.status_at(now).name();
        MatchCard {
            id: &r.id,
            other_id: other,
            other_name: member_name(app, other).await,
            message: &r.message,
            created: r.created_at.date_naive(),
            expires: r.expires_at.date_naive(),
            state,
            pending: state == "pending",
            mentee: None,
        }
    }
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub(super) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}
