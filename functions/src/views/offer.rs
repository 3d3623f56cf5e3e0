//! `/members/offer/`: the mentee places offered to the signed-in member
//! (the page the offer mail links to, [`crate::waitlist::OFFER_PAGE`]).
//! Only the member's own offers are shown; an open one has its confirm
//! button (a plain form post to `POST /api/offers/{id}/confirm`).

use mentoring::permissions::Action;
use mentoring::waitlist::OfferStatus;
use serde_json::json;

use super::{render, Page, ViewError, Viewer};
use crate::app::App;
use crate::waitlist;

/// The page's context: `offers`, newest first, each with `state` (open,
/// confirmed, declined, expired), `cohort_name`, `place` and `expires_on`.
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: &mut tera::Context,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ConfirmOffer) {
        return Err(ViewError::forbidden(
            "Sign in to see the places offered to you.",
        ));
    }
    let mut mine = Vec::new();
    for cohort in &app.config.program.cohorts {
        for offer in waitlist::offers(app, &cohort.id).await? {
            if offer.member_id != viewer.member_id {
                continue;
            }
            let state = match offer.status {
                OfferStatus::Open if offer.expires_at <= app.moment().now => "expired",
                OfferStatus::Open => "open",
                OfferStatus::Confirmed { .. } => "confirmed",
                OfferStatus::Declined { .. } => "declined",
                OfferStatus::Expired { .. } => "expired",
            };
            mine.push((
                offer.offered_at,
                json!({
                    "id": offer.id,
                    "cohort": cohort.id,
                    "cohort_name": cohort.name,
                    "place": offer.place,
                    "state": state,
                    "offered_on": offer.offered_at.date_naive(),
                    "expires_on": offer.expires_at.date_naive(),
                }),
            ));
        }
    }
    mine.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let offers: Vec<_> = mine.into_iter().map(|(_, o)| o).collect();
    ctx.insert("offers", &offers);
    render("offer.html", ctx, "Your offered place")
}
