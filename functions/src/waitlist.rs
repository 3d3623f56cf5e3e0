//! The waitlist on the store: freed places ([`Vacancy`]) offered in turn
//! ([`fill_vacancies`]), expired offers passed on ([`expire_offers`], run by
//! the scheduler). The rules are [`mentoring::waitlist`]'s.
//!
//! Every step is one transaction with its audit entry, conditional on what
//! it read:
//! - offering: the vacancy `open -> offered` (`state = open`), the offer
//!   (`attribute_not_exists`) and the member's `OFFERED#` marker
//!   (`attribute_not_exists`: one offer per member per cohort). Two runs at
//!   once (two withdrawals, a withdrawal and the scheduler) may pick the same
//!   vacancy or the same member: one transaction fails and its run reads
//!   again, so a place is never given twice and two places never go to one
//!   person;
//! - confirming ([`crate::handlers::waitlist::confirm_offer`]): offer `open
//!   -> confirmed`, application `waitlisted -> accepted`, vacancy `offered ->
//!   filled` (`holder` = the member);
//! - expiring: offer `open -> expired`, vacancy `offered -> open` (`holder`
//!   = the member), then the place is offered to the next.
//!
//! Each offer is mailed once, by the run whose transaction made it.

use chrono::{DateTime, Utc};
use mentoring::application::MenteeApplication;
use mentoring::program::Cohort;
use mentoring::waitlist::{
    next_candidates, offer_place, Offer, OfferStatus, Vacancy, VacancyStatus,
};

use crate::app::App;
use crate::audit::Entry;
use crate::handlers::{messages, notify, site_url};
use crate::records::{self, keys, STATE};
use crate::store::{Condition, Item, Query, StoreError, TransactOp};

/// The page where a member answers the offer of a place.
pub const OFFER_PAGE: &str = "/members/offer/";
/// Rounds of reading again after a lost race, per call.
const ROUNDS: usize = 12;

/// Records of one prefix of a cohort's partition.
async fn cohort_records<T: serde::de::DeserializeOwned>(
    app: &App,
    cohort: &str,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(prefix))
        .await?;
    items.iter().map(records::read).collect()
}

/// The cohort's mentee applications (any state).
pub async fn mentee_applications(
    app: &App,
    cohort: &str,
) -> Result<Vec<MenteeApplication>, StoreError> {
    cohort_records(app, cohort, keys::MENTEE_APP_PREFIX).await
}

/// The cohort's offers (any state), oldest first.
pub async fn offers(app: &App, cohort: &str) -> Result<Vec<Offer>, StoreError> {
    let mut all: Vec<Offer> = cohort_records(app, cohort, keys::OFFER_PREFIX).await?;
    all.sort_by(|a, b| (a.offered_at, &a.id).cmp(&(b.offered_at, &b.id)));
    Ok(all)
}

/// The cohort's freed places (any state), oldest first.
pub async fn vacancies(app: &App, cohort: &str) -> Result<Vec<Vacancy>, StoreError> {
    let mut all: Vec<Vacancy> = cohort_records(app, cohort, keys::VACANCY_PREFIX).await?;
    all.sort_by(|a, b| (a.freed_at, &a.id).cmp(&(b.freed_at, &b.id)));
    Ok(all)
}

/// The condition "this vacancy is offered to `member`".
pub fn held_by(member: &str) -> Condition {
    Condition::eq(STATE, "offered").and(Condition::eq("holder", member))
}

/// The marker that `member` got an offer in `cohort`.
fn offered_marker(cohort: &str, member: &str, offer: &str) -> Item {
    Item::new(&keys::offered(cohort, member))
        .with(records::KIND, "offered_marker")
        .with("offer", offer)
}

/// Offers every open place of `cohort` to the next on the waitlist (see
/// the module docs); mails each offer made. Returns the offers this call
/// made.
pub async fn fill_vacancies(
    app: &App,
    cohort: &Cohort,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Offer>, StoreError> {
    let program = &app.config.program;
    let mut made: Vec<Offer> = Vec::new();
    for _ in 0..ROUNDS {
        let open: Vec<Vacancy> = vacancies(app, &cohort.id)
            .await?
            .into_iter()
            .filter(|v| v.status == VacancyStatus::Open)
            .collect();
        if open.is_empty() {
            break;
        }
        let applications = mentee_applications(app, &cohort.id).await?;
        let known = offers(app, &cohort.id).await?;
        let candidates = next_candidates(&applications, &known, open.len());
        if candidates.is_empty() {
            break;
        }
        let mut lost_race = false;
        for (vacancy, candidate) in open.iter().zip(candidates) {
            let Ok((status, offer)) =
                offer_place(program, vacancy, candidate, records::new_id(), now)
            else {
                continue;
            };
            let mut offered = vacancy.clone();
            offered.status = status;
            let key = keys::vacancy(&cohort.id, &vacancy.id);
            let audit =
                Entry::new(&cohort.id, "offer_place", actor, &key, now).detail(serde_json::json!({
                    "member": offer.member_id,
                    "place": offer.place,
                    "offer": offer.id,
                    "expires_at": offer.expires_at.to_rfc3339(),
                }));
            let written = app
                .store
                .transact(vec![
                    TransactOp::put_if(
                        records::vacancy_item(&offered),
                        Condition::eq(STATE, "open"),
                    ),
                    TransactOp::put_if(records::offer_item(&offer), Condition::not_exists()),
                    TransactOp::put_if(
                        offered_marker(&cohort.id, &offer.member_id, &offer.id),
                        Condition::not_exists(),
                    ),
                    audit.op(),
                ])
                .await;
            match written {
                Ok(()) => {
                    let link = site_url(app, OFFER_PAGE);
                    let expires_on = offer.expires_at.format("%Y-%m-%d").to_string();
                    notify(
                        app,
                        &offer.member_id,
                        messages::place_offered(program, &cohort.name, &link, &expires_on),
                    )
                    .await;
                    made.push(offer);
                }
                Err(e) if e.is_condition_failed() || e.is_retryable() => {
                    lost_race = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if !lost_race {
            break;
        }
        tokio::task::yield_now().await;
    }
    Ok(made)
}

/// What [`expire_offers`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expiry {
    /// Offers made `expired` by this call.
    pub expired: u32,
    /// Offers made to the next on the waitlist by this call.
    pub offered: u32,
}

/// The scheduler's part: every open offer past its expiry becomes
/// `expired` and its place `open` again (one transaction each, conditional
/// on both still being as read); the member is told; then every open place
/// is offered to the next ([`fill_vacancies`]).
pub async fn expire_offers(
    app: &App,
    cohort: &Cohort,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Expiry, StoreError> {
    let program = &app.config.program;
    let mut done = Expiry::default();
    let all_vacancies = vacancies(app, &cohort.id).await?;
    for offer in offers(app, &cohort.id).await? {
        let Ok(status) = offer.expire(now) else {
            continue;
        };
        let Some(vacancy) = all_vacancies.iter().find(|v| v.id == offer.vacancy_id) else {
            continue;
        };
        let mut expired = offer.clone();
        expired.status = status;
        let mut reopened = vacancy.clone();
        reopened.status = VacancyStatus::Open;
        let key = keys::offer(&cohort.id, &offer.id);
        let audit = Entry::new(&cohort.id, "expire_offer", actor, &key, now)
            .detail(serde_json::json!({"member": offer.member_id, "vacancy": vacancy.id}));
        let written = app
            .store
            .transact(vec![
                TransactOp::put_if(records::offer_item(&expired), Condition::eq(STATE, "open")),
                TransactOp::put_if(records::vacancy_item(&reopened), held_by(&offer.member_id)),
                audit.op(),
            ])
            .await;
        match written {
            Ok(()) => {
                done.expired += 1;
                let on = offer.expires_at.format("%Y-%m-%d").to_string();
                notify(
                    app,
                    &offer.member_id,
                    messages::place_offer_expired(program, &on),
                )
                .await;
            }
            // confirmed (or expired by another run) meanwhile
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e),
        }
    }
    done.offered =
        u32::try_from(fill_vacancies(app, cohort, actor, now).await?.len()).unwrap_or(u32::MAX);
    Ok(done)
}

/// The member's open offer in `cohort`, if any (as of `now`: an offer past
/// its expiry is not open any more).
pub async fn open_offer_of(
    app: &App,
    cohort: &str,
    member: &str,
    now: DateTime<Utc>,
) -> Result<Option<Offer>, StoreError> {
    Ok(offers(app, cohort)
        .await?
        .into_iter()
        .find(|o| o.member_id == member && o.status_at(now) == OfferStatus::Open))
}

/// The member's latest offer in `cohort` (any state).
pub async fn offer_of(app: &App, cohort: &str, member: &str) -> Result<Option<Offer>, StoreError> {
    Ok(offers(app, cohort)
        .await?
        .into_iter()
        .rev()
        .find(|o| o.member_id == member))
}
