//! `/members/offer/`: the mentee places offered to the signed-in member
//! (the page the offer mail links to, [`crate::waitlist::OFFER_PAGE`]).
//! Only the member's own offers are shown; an open one has its confirm
//! button (a plain form post to `POST /api/offers/{id}/confirm`).

use chrono::NaiveDate;
use mentoring::permissions::Action;
use mentoring::waitlist::OfferStatus;
use serde::Serialize;

use super::page::render_with;
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::waitlist;

/// The page.
pub(super) const PATH: &str = "/members/offer/";

#[derive(Serialize)]
struct Offers<'a> {
    /// Newest first.
    offers: Vec<OfferCard<'a>>,
}

#[derive(Serialize)]
struct OfferCard<'a> {
    id: String,
    cohort: &'a str,
    cohort_name: &'a str,
    place: u32,
    /// `open`, `confirmed`, `declined` or `expired`.
    state: &'static str,
    offered_on: NaiveDate,
    expires_on: NaiveDate,
}

pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ConfirmOffer) {
        return Err(ViewError::forbidden(
            "Sign in to see the places offered to you.",
        ));
    }
    let now = app.moment().now;
    let mut mine = Vec::new();
    for cohort in &app.config.program.cohorts {
        for offer in waitlist::offers(app, &cohort.id).await? {
            if offer.member_id != viewer.member_id {
                continue;
            }
            let state = match offer.status {
                OfferStatus::Open if offer.expires_at <= now => "expired",
                OfferStatus::Open => "open",
                OfferStatus::Confirmed { .. } => "confirmed",
                OfferStatus::Declined { .. } => "declined",
                OfferStatus::Expired { .. } => "expired",
            };
            mine.push((
                offer.offered_at,
                OfferCard {
                    id: offer.id,
                    cohort: &cohort.id,
                    cohort_name: &cohort.name,
                    place: offer.place,
                    state,
                    offered_on: offer.offered_at.date_naive(),
                    expires_on: offer.expires_at.date_naive(),
                },
            ));
        }
    }
    mine.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let data = Offers {
        offers: mine.into_iter().map(|(_, o)| o).collect(),
    };
    render_with("offer.html", ctx, &data, "Your offered place")
}
