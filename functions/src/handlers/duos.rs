//! Duos: `GET /api/duos`, `POST /api/duos/{id}/liaison`,
//! `POST /api/duos/{id}/end`.

use mentoring::duo::{liaison_loads, pick_liaison, Duo, NoticeRecipient};
use mentoring::program::Cohort;
use mentoring::Role;
use serde::{Deserialize, Serialize};

use super::applications::save_transition;
use super::{email_of, messages, notify, only_cohort_in_query, Call};
use crate::app::App;
use crate::audit::Entry;
use crate::http::body::MAX_ID_LEN;
use crate::http::response::query_value;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::Query;

/// The committee's duos page (result of the liaison form).
pub const COMMITTEE_DUOS_PAGE: &str = "/members/committee/duos/";
/// A member's duo page (result of ending a duo).
pub const MY_DUO_PAGE: &str = "/members/duo/";

/// Every duo of a cohort, stored state.
pub async fn cohort_duos(app: &App, cohort: &str) -> Result<Vec<Duo>, Problem> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::DUO_PREFIX))
        .await?;
    items
        .iter()
        .map(|i| records::read::<Duo>(i).map_err(Problem::from))
        .collect()
}

/// A duo with its state as of today.
#[derive(Debug, Serialize)]
pub struct DuoView {
    /// The duo, `status` as of today (formed / active / completed /
    /// ended_early).
    #[serde(flatten)]
    pub duo: Duo,
}

impl DuoView {
    /// `duo` as of `today`, as `viewer` (holding `roles`) may see it: the
    /// reason of an early end only for the chair and the duo's liaison
    /// ([`Duo::may_see_end_reason`]).
    pub fn of(
        duo: Duo,
        cohort: &Cohort,
        today: chrono::NaiveDate,
        viewer: &str,
        roles: &[Role],
    ) -> DuoView {
        let mut duo = duo.as_seen_by(viewer, roles);
        duo.status = duo.status_at(cohort, today);
        DuoView { duo }
    }
}

/// `GET /api/duos[?cohort=2008]` (committee, chair, staff).
///
/// Reply `200`: `{"cohort": "2008", "duos": [{"id", "cohort", "mentor_id",
/// "mentee_id", "liaison_id", "request_id", "formed_at", "status":
/// {"state": "formed" | "active" | "completed"} | {"state":
/// "ended_early", "by", "reason"?, "at"}}]}`, oldest first. `reason` only
/// for the chair and the duo's liaison (never staff).
pub async fn list(app: &App, call: Call) -> Outcome {
    let cohort = only_cohort_in_query(app, &call)?;
    let mut duos = cohort_duos(app, &cohort.id).await?;
    duos.sort_by_key(|d| d.formed_at);
    let views: Vec<DuoView> = duos
        .into_iter()
        .map(|d| {
            DuoView::of(
                d,
                cohort,
                call.moment.today,
                &call.caller.member_id,
                &call.caller.roles,
            )
        })
        .collect();
    Ok(Reply::ok(
        &serde_json::json!({"cohort": cohort.id, "duos": views}),
    ))
}

/// The duo `id`, in whichever cohort holds it.
async fn find<'a>(app: &'a App, id: &str) -> Result<(&'a Cohort, Duo), Problem> {
    let not_found = || Problem::not_found(format!("There is no duo {id:?}."));
    if id.chars().count() > MAX_ID_LEN {
        return Err(not_found());
    }
    for cohort in &app.config.program.cohorts {
        if let Some(d) = records::get::<Duo>(app.store.as_ref(), &keys::duo(&cohort.id, id)).await?
        {
            return Ok((cohort, d));
        }
    }
    Err(not_found())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LiaisonBody {
    /// A committee member; absent or blank: pick the least loaded.
    #[serde(default)]
    liaison_id: Option<String>,
}

/// `POST /api/duos/{id}/liaison` (the chair).
///
/// Request: `{"liaison_id": "M1002"}` to assign a committee member, or
/// empty / `{}` / `{"liaison_id": ""}` to let the program pick the
/// committee member with the fewest running duos (ties: smallest id; never
/// one of the pair). The liaison and the duo's mentor and mentee get a mail.
///
/// Reply `200`: the duo as in `GET /api/duos`; form posts: `303` to
/// `/members/committee/duos/?assigned=<id>`. Errors: 400 not a committee
/// member / one of the pair; 404; 409 the duo is over or changed
/// meanwhile, or nobody is left to pick.
pub async fn assign_liaison(app: &App, call: Call) -> Outcome {
    let body: LiaisonBody = call.body.decode(Shape::default())?;
    let id = call.params.first().cloned().unwrap_or_default();
    let program = &app.config.program;
    let (cohort, mut duo) = find(app, &id).await?;
    let today = call.moment.today;
    let wanted = body
        .liaison_id
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty());
    let liaison = match wanted {
        Some(l) if l.chars().count() > MAX_ID_LEN => {
            return Err(Problem::field(
                "liaison_id",
                format!("Too long: at most {MAX_ID_LEN} characters."),
            ))
        }
        Some(l) => l,
        None => {
            let duos = cohort_duos(app, &cohort.id).await?;
            let loads = liaison_loads(duos.iter().filter(|d| d.id != duo.id), cohort, today);
            pick_liaison(
                &program.committee.members,
                &loads,
                &[duo.mentor_id.as_str(), duo.mentee_id.as_str()],
            )
            .map(str::to_owned)
            .ok_or_else(|| {
                Problem::conflict(
                    "conflict",
                    "No committee member is available to be this duo's liaison.",
                )
            })?
        }
    };
    let liaison = duo.assign_liaison(&liaison, program, cohort, today)?;
    let old_state = duo.status.name();
    duo.liaison_id = Some(liaison.clone());
    let key = keys::duo(&cohort.id, &duo.id);
    let audit = Entry::new(
        &cohort.id,
        "assign_liaison",
        &call.caller.member_id,
        &key,
        call.moment.now,
    )
    .detail(serde_json::json!({"liaison": liaison}));
    save_transition(app, records::duo_item(&duo), old_state, audit).await?;
    let mentee = super::name_of(app, &duo.mentee_id).await;
    let mentor = super::name_of(app, &duo.mentor_id).await;
    notify(
        app,
        &liaison,
        messages::liaison_assigned(program, &mentee, &mentor),
    )
    .await;
    // The duo is told who its liaison is (the duo page shows it too).
    let (liaison_name, liaison_email) = email_of(app, &liaison)
        .await
        .unwrap_or_else(|| (liaison.clone(), program.contact_email.clone()));
    for party in [&duo.mentee_id, &duo.mentor_id] {
        notify(
            app,
            party,
            messages::liaison_for_duo(program, &liaison_name, &liaison_email),
        )
        .await;
    }
    Ok(Reply::ok(&DuoView::of(
        duo,
        cohort,
        today,
        &call.caller.member_id,
        &call.caller.roles,
    ))
    .redirect(format!(
        "{COMMITTEE_DUOS_PAGE}?assigned={}&cohort={}",
        query_value(&id),
        query_value(&cohort.id)
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndBody {
    #[serde(default)]
    reason: String,
}

/// `POST /api/duos/{id}/end` (the duo's mentor or mentee).
///
/// Request: `{"reason": str (required, <= 2000; confidential: the
/// committee only)}`. The liaison (or, without one, the chair) and the
/// other party get a mail.
///
/// Reply `200`: the duo with `"status": {"state": "ended_early", "by",
/// "at"}` (the reason is the committee's: not echoed to the pair); form posts: `303` to `/members/duo/?status=ended`.
/// Errors: 400 no reason; 403 not one of the pair; 404; 409 already over.
pub async fn end_early(app: &App, call: Call) -> Outcome {
    let body: EndBody = call.body.decode(Shape::default())?;
    let id = call.params.first().cloned().unwrap_or_default();
    let program = &app.config.program;
    let me = call.caller.member_id.clone();
    let (cohort, mut duo) = find(app, &id).await?;
    let old_state = duo.status.name();
    let (status, notice) = duo.end_early(&me, &body.reason, cohort, call.moment)?;
    duo.status = status;
    let key = keys::duo(&cohort.id, &duo.id);
    let audit = Entry::new(&cohort.id, "end_duo_early", &me, &key, call.moment.now);
    save_transition(app, records::duo_item(&duo), old_state, audit).await?;
    let mentee = super::name_of(app, &duo.mentee_id).await;
    let mentor = super::name_of(app, &duo.mentor_id).await;
    let by = super::name_of(app, &me).await;
    let committee_contact = match &notice.notify {
        NoticeRecipient::Liaison(l) => Some(l.clone()),
        NoticeRecipient::Chair => program.committee.chair.clone(),
    };
    match committee_contact {
        Some(to) => {
            notify(
                app,
                &to,
                messages::duo_ended_for_committee(program, &mentee, &mentor, &by, &notice.reason),
            )
            .await
        }
        None => tracing::warn!(
            "duo {} ended early, and the program has no chair to tell",
            duo.id
        ),
    }
    notify(
        app,
        &notice.other_party,
        messages::duo_ended_for_partner(program, &by),
    )
    .await;
    Ok(Reply::ok(&DuoView::of(
        duo,
        cohort,
        call.moment.today,
        &me,
        &call.caller.roles,
    ))
    .redirect(format!("{MY_DUO_PAGE}?status=ended")))
}
