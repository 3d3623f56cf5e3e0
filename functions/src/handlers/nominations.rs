//! `POST /api/nominations` and `POST /api/nominations/consent`.
//!
//! A nomination is stored with only its consent token's SHA-256; the token
//! goes to the nominee by mail, in a link to [`CONSENT_PAGE`]. The consent
//! page posts the token back (with the signed-in nominee's session); the
//! token is single-use (a second use is 409 `token_used`) and expires after
//! `consent_expiry_days` (410 `expired`).

use mentoring::nomination::{
    hash_token, nominate as rule_nominate, Nominating, Nomination, NominationForm, NominationKind,
};
use mentoring::RuleError;
use serde::{Deserialize, Serialize};

use super::{member, messages, notify, open_cohort, site_url, Call};
use crate::app::App;
use crate::audit::Entry;
use crate::http::body::check_id;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Condition, TransactOp};

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

/// `POST /api/nominations` (anyone signed in).
///
/// Request: `{"nominee_id": "M2001", "kind": "mentee" | "mentor" |
/// "would_be_mentor", "message"?: str (<= 1000)}`. The nominee gets a mail
/// with a single-use consent link valid for `consent_expiry_days` (14).
///
/// Reply `201`: `{"id", "cohort", "kind", "nominator_id", "nominee_id",
/// "status": {"state": "pending"}, "created_at", "expires_at"}`; form posts:
/// `303` to `/nominate/done/?status=sent`.
///
/// Errors: 400 fields (yourself, blank, too long); 404 no such member; 403
/// `not_eligible` (the nominee cannot take part on that side) or
/// `forbidden` (would-be mentor from someone who is not an accepted
/// mentee); 409 `closed`.
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
    if body.nominee_id == me {
        return Err(Problem::field(
            "nominee_id",
            "You can't nominate yourself: to take part, apply instead.",
        ));
    }
    let nominee = member(app, &body.nominee_id).await?;
    let is_mentee = call
        .caller
        .in_cohort(&cohort.id)
        .is_some_and(|p| p.is_accepted_mentee());
    let created = rule_nominate(
        program,
        cohort,
        Nominating {
            nominator_id: &me,
            nominator_is_accepted_mentee: is_mentee,
            nominee: &nominee,
            form: NominationForm {
                nominee_id: body.nominee_id.clone(),
                kind: body.kind,
                message: body.message,
            },
        },
        records::new_id(),
        &records::random_bytes(32),
        call.moment,
    )?;
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
    Ok(Reply::created(&NominationView::of(n, call.moment.now))
        .redirect(format!("{NOMINATE_DONE_PAGE}?status=sent")))
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
