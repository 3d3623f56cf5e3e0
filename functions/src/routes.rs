//! The API's route tables, one per Lambda function: each function's binary
//! serves only its own table (`duos_lambda`), so it links only the
//! handlers it answers; [`ROUTES`] is every table in one, for `duos serve`
//! and the tests. Which function serves which route is
//! [`crate::deploy::FUNCTIONS`] (the SAM template is checked against it);
//! `lambda`'s tests check each table against it.

use mentoring::permissions::Action;

use crate::app::App;
use crate::handlers::{self, Call};
use crate::http::{Outcome, Problem};
use crate::router::{BoxFuture, RefusedForm, Route};

macro_rules! boxed {
    ($($name:ident => $imp:path;)*) => {
        $(
            fn $name(app: &App, call: Call) -> BoxFuture<'_, Outcome> {
                Box::pin($imp(app, call))
            }
        )*
    };
}

boxed! {
    h_apply => handlers::applications::apply;
    h_list_applications => handlers::applications::list;
    h_approve_application => handlers::applications::approve;
    h_decline_application => handlers::applications::decline;
    h_nominate => handlers::nominations::nominate;
    h_consent => handlers::nominations::consent;
    h_request_match => handlers::matches::request;
    h_accept_match => handlers::matches::accept;
    h_decline_match => handlers::matches::decline;
    h_withdraw_match => handlers::matches::withdraw;
    h_list_matches => handlers::matches::list_own;
    h_list_duos => handlers::duos::list;
    h_assign_liaison => handlers::duos::assign_liaison;
    h_end_duo => handlers::duos::end_early;
    h_answer_survey => handlers::surveys::answer;
    h_survey_stats => handlers::surveys::stats;
    h_me => handlers::me::me;
    h_alumni => crate::alumni::opt_in;
    h_volunteer => crate::alumni::volunteer;
    h_withdraw_application => handlers::waitlist::withdraw;
    h_confirm_offer => handlers::waitlist::confirm_offer;
    h_get_profile => handlers::profile::get;
    h_save_profile => handlers::profile::save;
    h_pause_listing => handlers::profile::pause;
    h_resume_listing => handlers::profile::resume;
    h_relist => handlers::profile::relist;
    h_confirm_pairings => handlers::pairings::confirm;
    h_accept_pairing => handlers::pairings::accept;
    h_decline_pairing => handlers::pairings::decline;
}

const fn route(
    method: &'static str,
    path: &'static str,
    action: Action,
    form: bool,
    handler: crate::router::Handler,
) -> Route {
    Route {
        method,
        path,
        action,
        form,
        handler,
        refused_form: None,
    }
}

/// The profile form shown again, filled as sent, when its plain form post
/// is refused (400 with field errors): [`crate::views::profile::save_refused`].
fn profile_form_again<'a>(
    app: &'a App,
    session: &'a crate::auth::Session,
    headers: &'a http::HeaderMap,
    bytes: &'a [u8],
    refused: &'a Problem,
) -> BoxFuture<'a, Option<http::Response<Vec<u8>>>> {
    Box::pin(crate::views::profile::save_refused(
        app, session, headers, bytes, refused,
    ))
}

const _: RefusedForm = profile_form_again;

/// One `pub static NAME: &[Route]` per function, and [`ROUTES`] with all
/// of them, from one list (so the two cannot disagree).
macro_rules! tables {
    ($($(#[$doc:meta])* $table:ident { $($entry:expr),* $(,)? })*) => {
        $($(#[$doc])* pub static $table: &[Route] = &[$($entry),*];)*
        /// Every API route, each function's table in turn. Each entry's
        /// method and path equal [`Action::route`] of its action (tested).
        /// Referencing it links every handler: `duos serve` and the tests
        /// only.
        pub static ROUTES: &[Route] = &[$($($entry),*),*];
    };
}

tables! {
    /// The `applications` function: mentee and mentor applications, the waitlist's offers, the alumni's volunteering and the mentor's profile (it publishes profile changes).
    APPLICATIONS {
        route("POST", "/api/applications", Action::Apply, true, h_apply),
        route("GET", "/api/applications", Action::ListApplications, false, h_list_applications),
        route("POST", "/api/applications/{id}/approve", Action::ApproveApplication, true, h_approve_application),
        route("POST", "/api/applications/{id}/decline", Action::DeclineApplication, true, h_decline_application),
        route("POST", "/api/applications/{id}/withdraw", Action::WithdrawApplication, true, h_withdraw_application),
        route("POST", "/api/offers/{id}/confirm", Action::ConfirmOffer, true, h_confirm_offer),
        route("POST", "/api/alumni/volunteer", Action::VolunteerAsMentor, true, h_volunteer),
        route("GET", "/api/profile", Action::GetProfile, false, h_get_profile),
        Route { refused_form: Some(profile_form_again), ..route("POST", "/api/profile", Action::SaveProfile, true, h_save_profile) },
        route("POST", "/api/profile/pause", Action::PauseListing, true, h_pause_listing),
        route("POST", "/api/profile/resume", Action::ResumeListing, true, h_resume_listing),
        route("POST", "/api/profile/relist", Action::RelistMentor, true, h_relist),
    }
    /// The `nominations` function: nominations and the nominee's consent.
    NOMINATIONS {
        route("POST", "/api/nominations", Action::Nominate, true, h_nominate),
        route("POST", "/api/nominations/consent", Action::AnswerNomination, true, h_consent),
    }
    /// The `matches` function: match requests and the chair's pairings.
    MATCHES {
        route("POST", "/api/matches", Action::RequestMatch, true, h_request_match),
        route("POST", "/api/matches/{id}/accept", Action::AcceptMatch, true, h_accept_match),
        route("POST", "/api/matches/{id}/decline", Action::DeclineMatch, true, h_decline_match),
        route("POST", "/api/matches/{id}/withdraw", Action::WithdrawMatch, true, h_withdraw_match),
        route("GET", "/api/matches", Action::ListOwnMatches, false, h_list_matches),
        route("POST", "/api/pairings", Action::ProposePairings, true, h_confirm_pairings),
        route("POST", "/api/pairings/{id}/accept", Action::AcceptPairing, true, h_accept_pairing),
        route("POST", "/api/pairings/{id}/decline", Action::DeclinePairing, true, h_decline_pairing),
    }
    /// The `duos` function: the committee's duos.
    DUOS {
        route("GET", "/api/duos", Action::ListDuos, false, h_list_duos),
        route("POST", "/api/duos/{id}/liaison", Action::AssignLiaison, true, h_assign_liaison),
        route("POST", "/api/duos/{id}/end", Action::EndDuoEarly, true, h_end_duo),
    }
    /// The `surveys` function: survey answers and response rates.
    SURVEYS {
        route("POST", "/api/surveys/{id}/responses", Action::AnswerSurvey, true, h_answer_survey),
        route("GET", "/api/surveys/{id}/stats", Action::ViewSurveyStats, false, h_survey_stats),
    }
    /// The `me` function: the signed-in member's own data and the alumni opt-in.
    ME {
        route("GET", "/api/me", Action::ViewMe, false, h_me),
        route("POST", "/api/alumni", Action::AlumniOptIn, true, h_alumni),
    }
}
