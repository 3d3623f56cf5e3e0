//! `POST /api/nominations` and `POST /api/nominations/consent`.
//!
//! A nomination is stored with only its consent token's SHA-256; the token
//! goes to the nominee by mail, in a link to [`CONSENT_PAGE`]. The consent
//! page posts the token back (with the signed-in nominee's session); the
//! token is single-use (a second use is 409 `token_used`) and expires after
//! `consent_expiry_days` (410 `expired`).

use mentoring::nomination::{
    already_nominated, check_form, hash_token, is_about_the_nominee, nominate as rule_nominate,
    too_many_nominations, Nominating, Nomination, NominationForm, NominationKind,
};
use mentoring::RuleError;
use serde::{Deserialize, Serialize};

use super::{messages, notify, open_cohort, site_url, Call};
use crate::app::App;
use crate::audit::Entry;
use crate::http::body::check_id;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Condition, Item, StoreError, TransactOp, UpdateAction};

/// Result page of the nomination form.
pub const NOMINATE_DONE_PAGE: &str = "/nominate/done/";
/// The page of the consent link (`?token=`), whose form posts to
/// `/api/nominations/consent`.
pub const CONSENT_PAGE: &str = "/nominate/consent/";
/// Result page of the consent form.
pub const CONSENT_DONE_PAGE: &str = "/nominate/consent/done/";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NominateBody {
    #[serde(default)]
    nominee_id: String,
    kind: NominationKind,
    #[serde(default)]
    message: String,
}

/// A nomination as the API shows it (never the token or its hash).
#[derive(Debug, Serialize)]
pub struct NominationView {
    id: String,
    cohort: String,
    kind: NominationKind,
    nominator_id: String,
    nominee_id: String,
    status: serde_json::Value,
    created_at: chrono::DateTime<chrono::Utc>,
    expires_at: chrono::DateTime<chrono::Utc>,
}

impl NominationView {
    /// The view of `n` as of `now`.
    pub fn of(n: &Nomination, now: chrono::DateTime<chrono::Utc>) -> NominationView {
        NominationView {
            id: n.id.clone(),
            cohort: n.cohort.clone(),
            kind: n.kind,
            nominator_id: n.nominator_id.clone(),
            nominee_id: n.nominee_id.clone(),
            status: serde_json::to_value(n.status_at(now)).expect("status serializes"),
            created_at: n.created_at,
            expires_at: n.expires_at,
        }
    }
}

/// What `POST /api/nominations` answers, whatever became of it: the same
/// for a nominee who is on the roster and may take part, one who may not,
/// and an id that is no member's. A nominator never learns from it whether
/// someone is a member, nor their join date, dues or category.
#[derive(Debug, Serialize)]
struct Received {
    cohort: String,
    kind: NominationKind,
    nominee_id: String,
    status: &'static str,
    message: String,
}

/// `POST /api/nominations` (anyone signed in).
///
/// Request: `{"nominee_id": "M2001", "kind": "mentee" | "mentor" |
/// "would_be_mentor", "message"?: str (<= 1000)}`. When the nominee is on
/// the roster and may take part on that side, they get a mail with a
/// single-use consent link valid for `consent_expiry_days` (14); otherwise
/// nothing is sent (the audit trail says why, for the committee).
///
/// Reply `202`, the same in every case: `{"cohort", "kind", "nominee_id",
/// "status": "received", "message"}`; form posts: `303` to
/// `/nominate/done/?status=sent`.
///
/// Errors, none of them about the nominee: 400 fields (yourself, blank, too
/// long); 403 `forbidden` (would-be mentor from someone who is not an
/// accepted mentee); 409 `duplicate` (you nominated this member in this
/// cohort already), `limit_reached` (`max_nominations` sent), `closed`.
pub async fn nominate(app: &App, call: Call) -> Outcome {
    let cohort = open_cohort(app, call.moment)?;
    let program = &app.config.program;
    let body: NominateBody = call.body.decode(Shape::default())?;
    let mut errors = Vec::new();
    check_id(&mut errors, "nominee_id", &body.nominee_id);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let me = call.caller.member_id.clone();
    let is_mentee = call
        .caller
        .in_cohort(&cohort.id)
        .is_some_and(|p| p.is_accepted_mentee());
    let form = NominationForm {
        nominee_id: body.nominee_id.clone(),
        kind: body.kind,
        message: body.message,
    };
    check_form(&me, is_mentee, &form)?;
    // One nomination per pair and cohort, at most max_nominations per
    // nominator: claimed before the nominee is looked up, so that the
    // answer is the same whoever the nominee is.
    let claimed = app
        .store
        .transact(vec![
            TransactOp::put_if(
                Item::new(&keys::nomination_pair(&cohort.id, &me, &form.nominee_id))
                    .with(records::KIND, "nomination_pair"),
                Condition::not_exists(),
            ),
            TransactOp::update(
                keys::nomination_counter(&cohort.id, &me),
                vec![UpdateAction::add("count", 1)],
                Some(Condition::below(
                    "count",
                    i64::from(program.max_nominations),
                )),
            ),
        ])
        .await;
    match claimed {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { op_index: Some(0) }) => {
            return Err(already_nominated(&form.nominee_id).into())
        }
        Err(StoreError::ConditionFailed { op_index: Some(1) }) => {
            return Err(too_many_nominations(program).into())
        }
        Err(e) => return Err(e.into()),
    }
    let received = Received {
        cohort: cohort.id.clone(),
        kind: form.kind,
        nominee_id: form.nominee_id.clone(),
        status: "received",
        message: format!(
            "Thank you. If {} can take part as a {}, we ask them by mail for their consent; \
             they have {} days to answer.",
            form.nominee_id,
            form.kind.side().as_str(),
            program.consent_expiry_days
        ),
    };
    let reply = Reply::accepted(&received).redirect(format!("{NOMINATE_DONE_PAGE}?status=sent"));
    let nominee = match records::load_member(app.store.as_ref(), &form.nominee_id).await? {
        Some(m) => m,
        None => {
            not_sent(app, &me, call.moment, cohort, &form, "not_in_roster").await?;
            return Ok(reply);
        }
    };
    let created = match rule_nominate(
        program,
        cohort,
        Nominating {
            nominator_id: &me,
            nominator_is_accepted_mentee: is_mentee,
            nominee: &nominee,
            form: form.clone(),
        },
        records::new_id(),
        &records::random_bytes(32),
        call.moment,
    ) {
        Ok(created) => created,
        Err(e) if is_about_the_nominee(&e) => {
            not_sent(app, &me, call.moment, cohort, &form, e.code()).await?;
            return Ok(reply);
        }
        Err(e) => return Err(e.into()),
    };
    let n = &created.nomination;
    let key = keys::nomination(&n.cohort, &n.id);
    let audit = Entry::new(&cohort.id, "nominate", &me, &key, call.moment.now)
        .detail(serde_json::json!({"nominee": n.nominee_id, "kind": n.kind}));
    app.store
        .transact(vec![
            TransactOp::put_if(records::nomination_item(n), Condition::not_exists()),
            TransactOp::put_if(records::nomination_token_item(n), Condition::not_exists()),
            audit.op(),
        ])
        .await?;
    let nominator = super::email_of(app, &me)
        .await
        .map(|(name, _)| name)
        .unwrap_or_else(|| "A member".to_owned());
    let link = site_url(app, &format!("{CONSENT_PAGE}?token={}", created.token));
    notify(
        app,
        &n.nominee_id,
        messages::nomination(
            program,
            &nominator,
            n.kind,
            &n.message,
            &link,
            &n.expires_at.date_naive().to_string(),
        ),
    )
    .await;
    Ok(reply)
}

/// Audits a nomination that was not sent (`why`: `not_in_roster`,
/// `not_eligible`, `not_found`), for the committee; the nominator's reply
/// does not say.
async fn not_sent(
    app: &App,
    nominator: &str,
    moment: mentoring::Moment,
    cohort: &mentoring::program::Cohort,
    form: &NominationForm,
    why: &str,
) -> Result<(), Problem> {
    let key = keys::nomination_pair(&cohort.id, nominator, &form.nominee_id);
    let audit = Entry::new(
        &cohort.id,
        "nomination_not_sent",
        nominator,
        &key,
        moment.now,
    )
    .detail(serde_json::json!({"nominee": form.nominee_id, "kind": form.kind, "why": why}));
    app.store.transact(vec![audit.op()]).await?;
    Ok(())
}

/// The nominee's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    /// Yes: invited to apply.
    #[default]
    Consent,
    /// No.
    Decline,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsentBody {
    #[serde(default)]
    token: String,
    #[serde(default)]
    answer: Answer,
}

/// `POST /api/nominations/consent` (the nominee, signed in; the token is
/// the credential).
///
/// Request: `{"token": "<from the link>", "answer"?: "consent" (default) |
/// "decline"}`.
///
/// Reply `200`: `{"nomination": {... "status": {"state": "consented", "at"}},
/// "invitation": {"cohort", "member_id", "side", "requested_by"} | null}`;
/// form posts: `303` to `/nominate/consent/done/?status=consented&side=mentee`
/// (or `status=declined`).
///
/// Errors: 400 no token; 404 unknown token; 403 signed in as someone else;
/// 409 `token_used` (already answered: the link is single-use); 410
/// `expired`.
pub async fn consent(app: &App, call: Call) -> Outcome {
    let body: ConsentBody = call.body.decode(Shape::default())?;
    let mut errors = Vec::new();
    check_id(&mut errors, "token", &body.token);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let token = body.token.trim();
    let unknown = || {
        Problem::from(RuleError::NotFound(
            "This consent link is not valid.".into(),
        ))
    };
    let lookup = app
        .store
        .get(&keys::nomination_token(&hash_token(token)))
        .await?
        .ok_or_else(unknown)?;
    let (Some(cohort), Some(id)) = (lookup.get_str("cohort"), lookup.get_str("nomination")) else {
        return Err(unknown());
    };
    let key = keys::nomination(cohort, id);
    let mut n: Nomination = records::get(app.store.as_ref(), &key)
        .await?
        .ok_or_else(unknown)?;
    let me = call.caller.member_id.clone();
    let now = call.moment.now;
    let old = n.status;
    let (invitation, action) = match body.answer {
        Answer::Consent => {
            let (status, invitation) = n.consent(token, &me, now)?;
            n.status = status;
            (Some(invitation), "consent_nomination")
        }
        Answer::Decline => {
            n.status = n.decline(token, &me, now)?;
            (None, "decline_nomination")
        }
    };
    let audit = Entry::new(&n.cohort, action, &me, &key, now);
    app.store
        .transact(vec![
            TransactOp::put_if(
                records::nomination_item(&n),
                Condition::eq(records::STATE, old.name()),
            ),
            audit.op(),
        ])
        .await
        .map_err(|e| {
            if e.is_condition_failed() {
                Problem::from(RuleError::TokenUsed)
            } else {
                e.into()
            }
        })?;
    // The nominator is told the answer (the nomination page promises it).
    let nominee = super::name_of(app, &n.nominee_id).await;
    notify(
        app,
        &n.nominator_id,
        messages::nomination_answered(&app.config.program, &nominee, invitation.is_some()),
    )
    .await;
    let redirect = match &invitation {
        Some(inv) => format!(
            "{CONSENT_DONE_PAGE}?status=consented&side={}",
            inv.side.as_str()
        ),
        None => format!("{CONSENT_DONE_PAGE}?status=declined"),
    };
    Ok(Reply::ok(&serde_json::json!({
        "nomination": NominationView::of(&n, now),
        "invitation": invitation,
    }))
    .redirect(redirect))
}
