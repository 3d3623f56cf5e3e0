//! Match requests:
//! - `/members/requests/`: a mentee's requests (withdraw), a mentor's
//!   requests to them (accept, decline, with the mentee's background), and
//!   the pairings the committee proposed to either;
//! - `/members/requests/new/?mentor=M2001`: a mentee asks a listed mentor
//!   (`POST /api/matches`).

use std::collections::BTreeMap;

use http::StatusCode;
use mentoring::application::MentorApplication;
use mentoring::cohort_focus;
use mentoring::permissions::Action;
use serde::Serialize;

use super::cards::MatchCard;
use super::cohorts::applications_cohort;
use super::load::{load_matches, member_name};
use super::matching::{my_pairings, MyPairing};
use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::records::{self, keys};

/// The requests page.
pub(super) const REQUESTS_PATH: &str = "/members/requests/";
/// A new request.
pub(super) const NEW_PATH: &str = "/members/requests/new/";

#[derive(Serialize)]
struct Requests<'a> {
    requests_cohort: RequestsCohort<'a>,
    sent: Vec<MatchCard<'a>>,
    received: Vec<MatchCard<'a>>,
    pairings: Vec<MyPairing>,
}

#[derive(Serialize)]
struct RequestsCohort<'a> {
    id: &'a str,
    name: &'a str,
    matching_deadline: chrono::NaiveDate,
}

/// `/members/requests/`: the requests of the cohort the viewer's requests
/// are about.
pub(super) async fn requests_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
) -> Result<Page, ViewError> {
    let program = &app.config.program;
    let taking_part = viewer.taking_part();
    let c = cohort_focus::requests_cohort(program, viewer.today, &taking_part)
        .or(applications_cohort(app, viewer.today))
        .ok_or_else(ViewError::no_cohort)?;
    let requests = load_matches(app, &c.id).await?;
    let now = app.moment().now;
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for r in &requests {
        if r.mentee_id == viewer.member_id {
            sent.push(MatchCard::of(app, r, &r.mentor_id, now).await);
        } else if r.mentor_id == viewer.member_id {
            let mut card = MatchCard::of(app, r, &r.mentee_id, now).await;
            // The mentor asked sees who asks (the object rule: the
            // request is to them).
            if viewer.may(Action::ViewMenteeBackground) {
                card.mentee = Some(
                    crate::handlers::matches::mentee_information(app, &c.id, &r.mentee_id)
                        .await
                        .map_err(|p| ViewError::from(p.detail))?,
                );
            }
            received.push(card);
        }
    }
    let data = Requests {
        requests_cohort: RequestsCohort {
            id: &c.id,
            name: &c.name,
            matching_deadline: c.matching_deadline,
        },
        sent,
        received,
        pairings: my_pairings(app, viewer, &c.id).await?,
    };
    render_with("requests.html", ctx, &data, "Match requests")
}

#[derive(Serialize)]
struct NewRequest<'a> {
    mentor: MentorCard<'a>,
}

#[derive(Serialize)]
struct MentorCard<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    institution: &'a str,
}

/// `/members/requests/new/?mentor=ID`: the form asking a listed mentor.
pub(super) async fn new_page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    // The mentor's name and job are the directory's: only those who may
    // see it (mentees, the committee, staff) see them here.
    if !viewer.may(Action::ViewMentorDirectory) {
        return Err(ViewError::forbidden(
            "Only the cohort's accepted mentees may ask a mentor; the mentor directory \
             opens to you once your mentee application is accepted.",
        ));
    }
    let c = applications_cohort(app, viewer.today).ok_or_else(ViewError::no_cohort)?;
    let mentor_id = query.get("mentor").cloned().unwrap_or_default();
    let mentor: Option<MentorApplication> =
        records::get(app.store.as_ref(), &keys::mentor_app(&c.id, &mentor_id)).await?;
    let mentor = mentor.filter(|m| m.status.is_listed()).ok_or_else(|| {
        ViewError::new(
            StatusCode::NOT_FOUND,
            "No such mentor",
            "That mentor is not listed in this cohort; choose one in the mentor directory.",
        )
    })?;
    let name = member_name(app, &mentor.member_id).await;
    let data = NewRequest {
        mentor: MentorCard {
            id: &mentor.member_id,
            name: &name,
            title: &mentor.form.title,
            institution: &mentor.form.institution,
        },
    };
    render_with(
        "request_new.html",
        ctx,
        &data,
        &format!("Ask {name} to be your mentor"),
    )
}
