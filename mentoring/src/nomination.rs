//! Nominations: anyone signed in may nominate a member; the nominee consents
//! (or declines) through a single-use link, and only on consent are they
//! invited to apply.
//!
//! States: `pending -> consented | declined | expired`. The consent token is
//! generated from random bytes the caller supplies; only its hash
//! ([`hash_token`]) is stored, so the store looks a nomination up by hash.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Checker, RuleError};
use crate::program::{Cohort, Program};
use crate::roster::{check_eligibility, Member, Side};
use crate::Moment;

/// Longest nomination message, in characters.
pub const MAX_NOMINATION_MESSAGE: usize = 1000;

/// What the nominee is nominated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationKind {
    /// As a mentee.
    Mentee,
    /// As a mentor.
    Mentor,
    /// A mentee nominates a member as their would-be mentor.
    WouldBeMentor,
}

impl NominationKind {
    /// The side the nominee would apply as.
    pub fn side(self) -> Side {
        match self {
            NominationKind::Mentee => Side::Mentee,
            NominationKind::Mentor | NominationKind::WouldBeMentor => Side::Mentor,
        }
    }
}

/// State of a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum NominationStatus {
    /// Waiting for the nominee.
    Pending,
    /// The nominee agreed; they are invited to apply.
    Consented {
        /// When.
        at: DateTime<Utc>,
    },
    /// The nominee said no.
    Declined {
        /// When.
        at: DateTime<Utc>,
    },
    /// Nobody answered within `consent_expiry_days`.
    Expired,
}

impl NominationStatus {
    /// snake_case name of the state.
    pub fn name(self) -> &'static str {
        match self {
            NominationStatus::Pending => "pending",
            NominationStatus::Consented { .. } => "consented",
            NominationStatus::Declined { .. } => "declined",
            NominationStatus::Expired => "expired",
        }
    }
}

/// What the nominator fills in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NominationForm {
    /// The nominee's member id.
    pub nominee_id: String,
    /// As what.
    pub kind: NominationKind,
    /// Why (optional, shown to the nominee).
    #[serde(default)]
    pub message: String,
}

/// A stored nomination. The consent token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    /// Store-assigned id.
    pub id: String,
    /// Cohort id.
    pub cohort: String,
    /// As what.
    pub kind: NominationKind,
    /// Who nominated.
    pub nominator_id: String,
    /// Who is nominated.
    pub nominee_id: String,
    /// The nominator's message.
    pub message: String,
    /// [`hash_token`] of the consent token.
    pub token_hash: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// `created_at + consent_expiry_days`; from this instant on it is expired.
    pub expires_at: DateTime<Utc>,
    /// Current state.
    pub status: NominationStatus,
}

/// A new nomination and the token to mail to the nominee (in the consent link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNomination {
    /// To store.
    pub nomination: Nomination,
    /// To send; never store it.
    pub token: String,
}

/// The invitation that consent produces: the nominee may now apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// Cohort id.
    pub cohort: String,
    /// Who is invited.
    pub member_id: String,
    /// To apply as.
    pub side: Side,
    /// For a would-be-mentor nomination: the mentee who asked for them.
    pub requested_by: Option<String>,
}

/// The consent token for `random` bytes: lowercase hex (URL-safe). Pass at
/// least 32 bytes from a cryptographic random source.
pub fn token_from_random(random: &[u8]) -> String {
    hex(random)
}

/// SHA-256 of a token, lowercase hex: what is stored and looked up.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Least random bytes a consent token needs.
pub const MIN_TOKEN_BYTES: usize = 16;

/// Who nominates whom, as what: the input of [`nominate`].
#[derive(Debug, Clone)]
pub struct Nominating<'a> {
    /// The signed-in member who nominates.
    pub nominator_id: &'a str,
    /// Whether the nominator is a mentee accepted in this cohort.
    pub nominator_is_accepted_mentee: bool,
    /// The roster record of `form.nominee_id`.
    pub nominee: &'a Member,
    /// What the nominator filled in.
    pub form: NominationForm,
}

/// The checks of a nomination that need nothing about the nominee: the
/// nominee named, not oneself, the message's length, and a would-be-mentor
/// nomination only from an accepted mentee. [`nominate`] makes them too;
/// a handler makes them first, so that what it answers before looking the
/// nominee up says nothing about the roster.
pub fn check_form(
    nominator_id: &str,
    nominator_is_accepted_mentee: bool,
    form: &NominationForm,
) -> Result<(), RuleError> {
    check_fields(nominator_id, form)?;
    if form.kind == NominationKind::WouldBeMentor && !nominator_is_accepted_mentee {
        return Err(RuleError::Forbidden(
            "Only an accepted mentee may nominate their would-be mentor.".into(),
        ));
    }
    Ok(())
}

/// The form's fields: the nominee named, not oneself, the message's length.
fn check_fields(nominator_id: &str, form: &NominationForm) -> Result<(), RuleError> {
    let mut c = Checker::default();
    if form.nominee_id.trim().is_empty() {
        c.push("nominee_id", "Choose the member you nominate.");
    } else if form.nominee_id == nominator_id {
        c.push(
            "nominee_id",
            "You can't nominate yourself: to take part, apply instead.",
        );
    }
    c.max_len("message", "Message", &form.message, MAX_NOMINATION_MESSAGE);
    c.finish()
}

/// A second nomination of the same member by the same nominator in a
/// cohort: refused (one mail per pair).
pub fn already_nominated(nominee_id: &str) -> RuleError {
    RuleError::Duplicate(format!(
        "You have already nominated {nominee_id} in this cohort."
    ))
}

/// The nominator has sent `program.max_nominations` in the cohort.
pub fn too_many_nominations(program: &Program) -> RuleError {
    RuleError::LimitReached(format!(
        "You have sent the most nominations one member may send in a cohort ({}).",
        program.max_nominations
    ))
}

/// Whether a refusal of [`nominate`] is about the nominee (not in the
/// roster, not eligible): the nominator must not learn it, so the handler
/// answers as if the nomination was sent, and sends nothing.
pub fn is_about_the_nominee(e: &RuleError) -> bool {
    matches!(e, RuleError::NotEligible(_) | RuleError::NotFound(_))
}

/// Check and create a nomination.
///
/// - `nominator` is the signed-in member; `nominee` is the roster record of
///   `form.nominee_id` (the handler returns not-found when there is none).
/// - Nominating yourself is refused: apply instead.
/// - A would-be-mentor nomination may only come from a mentee accepted in the
///   cohort (`nominator_is_accepted_mentee`).
/// - The nominee must be eligible for the side they are nominated to.
/// - Nominations are taken while the cohort takes applications.
/// - `random` (>= [`MIN_TOKEN_BYTES`]) makes the token; `id` is the store's.
pub fn nominate(
    program: &Program,
    cohort: &Cohort,
    request: Nominating<'_>,
    id: String,
    random: &[u8],
    at: Moment,
) -> Result<NewNomination, RuleError> {
    let Nominating {
        nominator_id,
        nominator_is_accepted_mentee,
        nominee,
        form,
    } = request;
    check_fields(nominator_id, &form)?;
    if nominee.member_id != form.nominee_id {
        return Err(RuleError::NotFound(format!(
            "member {} (the roster record passed is {})",
            form.nominee_id, nominee.member_id
        )));
    }
    if random.len() < MIN_TOKEN_BYTES {
        return Err(RuleError::invalid(
            "random",
            format!("at least {MIN_TOKEN_BYTES} random bytes are needed"),
        ));
    }
    if !cohort.accepts_nominations(at.today) {
        return Err(RuleError::Closed(format!(
            "Nominations for {} are taken from {} through {}.",
            cohort.name, cohort.applications_open, cohort.matching_deadline
        )));
    }
    if form.kind == NominationKind::WouldBeMentor && !nominator_is_accepted_mentee {
        return Err(RuleError::Forbidden(
            "Only an accepted mentee may nominate their would-be mentor.".into(),
        ));
    }
    check_eligibility(&program.eligibility, cohort, nominee, form.kind.side())?;
    let token = token_from_random(random);
    let nomination = Nomination {
        id,
        cohort: cohort.id.clone(),
        kind: form.kind,
        nominator_id: nominator_id.to_owned(),
        nominee_id: form.nominee_id,
        message: form.message,
        token_hash: hash_token(&token),
        created_at: at.now,
        expires_at: at.now + Duration::days(i64::from(program.consent_expiry_days)),
        status: NominationStatus::Pending,
    };
    Ok(NewNomination { nomination, token })
}

impl Nomination {
    /// Expired at `now`: `now >= expires_at` (valid for exactly `consent_expiry_days`).
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// The state as of `now`: a pending nomination past its expiry is `expired`.
    pub fn status_at(&self, now: DateTime<Utc>) -> NominationStatus {
        match self.status {
            NominationStatus::Pending if self.is_expired(now) => NominationStatus::Expired,
            s => s,
        }
    }

    fn answerable(&self, token: &str, actor: &str, now: DateTime<Utc>) -> Result<(), RuleError> {
        if !constant_time_eq(hash_token(token).as_bytes(), self.token_hash.as_bytes()) {
            return Err(RuleError::NotFound("nomination".into()));
        }
        match self.status {
            NominationStatus::Consented { .. } | NominationStatus::Declined { .. } => {
                return Err(RuleError::TokenUsed)
            }
            NominationStatus::Expired => {
                return Err(RuleError::Expired("This consent link has expired.".into()))
            }
            NominationStatus::Pending => {}
        }
        if self.is_expired(now) {
            return Err(RuleError::Expired("This consent link has expired.".into()));
        }
        if actor != self.nominee_id {
            return Err(RuleError::Forbidden(
                "This link is for the member who was nominated; sign in as them.".into(),
            ));
        }
        Ok(())
    }

    /// The nominee (signed in as `actor`) consents with the link's `token`.
    /// Returns the new state and the invitation to apply.
    ///
    /// Errors: wrong token -> not_found; already answered -> token_used;
    /// past expiry -> expired; signed in as someone else -> forbidden.
    pub fn consent(
        &self,
        token: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(NominationStatus, Invitation), RuleError> {
        self.answerable(token, actor, now)?;
        let invitation = Invitation {
            cohort: self.cohort.clone(),
            member_id: self.nominee_id.clone(),
            side: self.kind.side(),
            requested_by: (self.kind == NominationKind::WouldBeMentor)
                .then(|| self.nominator_id.clone()),
        };
        Ok((NominationStatus::Consented { at: now }, invitation))
    }

    /// The nominee declines with the link's `token` (same errors as [`Nomination::consent`]).
    pub fn decline(
        &self,
        token: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<NominationStatus, RuleError> {
        self.answerable(token, actor, now)?;
        Ok(NominationStatus::Declined { at: now })
    }

    /// The sweeper: `pending -> expired` once past `expires_at`.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<NominationStatus, RuleError> {
        match self.status {
            NominationStatus::Pending if self.is_expired(now) => Ok(NominationStatus::Expired),
            NominationStatus::Pending => Err(RuleError::Conflict(
                "The nomination has not expired yet.".into(),
            )),
            s => Err(RuleError::transition(s.name(), "expire")),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{cohort, member, program, t};

    const RANDOM: [u8; 32] = [7; 32];

    fn form(nominee: &str, kind: NominationKind) -> NominationForm {
        NominationForm {
            nominee_id: nominee.into(),
            kind,
            message: "You'd be great.".into(),
        }
    }

    fn make(kind: NominationKind) -> NewNomination {
        let bob = member("bob", "2007-06-01");
        nominate(
            &program(),
            &cohort(),
            Nominating {
                nominator_id: "alice",
                nominator_is_accepted_mentee: true,
                nominee: &bob,
                form: form("bob", kind),
            },
            "n1".into(),
            &RANDOM,
            Moment::utc(t("2008-03-01T10:00:00Z")),
        )
        .unwrap()
    }

    #[test]
    fn token_is_hashed_and_expiry_set() {
        let n = make(NominationKind::Mentee);
        assert_eq!(n.token, "07".repeat(32));
        assert_eq!(n.nomination.token_hash, hash_token(&n.token));
        assert_ne!(n.nomination.token_hash, n.token);
        assert_eq!(n.nomination.token_hash.len(), 64);
        assert_eq!(n.nomination.expires_at, t("2008-03-15T10:00:00Z"));
        assert_eq!(n.nomination.status, NominationStatus::Pending);
        // known SHA-256 vector
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn self_nomination_says_apply_instead() {
        let bob = member("bob", "2007-06-01");
        let e = nominate(
            &program(),
            &cohort(),
            Nominating {
                nominator_id: "bob",
                nominator_is_accepted_mentee: false,
                nominee: &bob,
                form: form("bob", NominationKind::Mentee),
            },
            "n1".into(),
            &RANDOM,
            Moment::utc(t("2008-03-01T10:00:00Z")),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid");
        assert_eq!(e.field_errors()[0].field, "nominee_id");
        assert!(e.field_errors()[0].message.contains("apply instead"));
    }

    #[test]
    fn nomination_checks() {
        let p = program();
        let c = cohort();
        let at = Moment::utc(t("2008-03-01T10:00:00Z"));
        let bob = member("bob", "2007-06-01");
        let run =
            |nominator_mentee: bool, nominee: &Member, f: NominationForm, random: &[u8], at| {
                let req = Nominating {
                    nominator_id: "alice",
                    nominator_is_accepted_mentee: nominator_mentee,
                    nominee,
                    form: f,
                };
                nominate(&p, &c, req, "n".into(), random, at)
                    .map(|_| ())
                    .map_err(|e| e.code())
            };
        assert_eq!(
            run(
                false,
                &bob,
                form("bob", NominationKind::WouldBeMentor),
                &RANDOM,
                at
            ),
            Err("forbidden")
        );
        assert_eq!(
            run(
                true,
                &bob,
                form("bob", NominationKind::WouldBeMentor),
                &RANDOM,
                at
            ),
            Ok(())
        );
        assert_eq!(
            run(
                false,
                &bob,
                form("bob", NominationKind::Mentee),
                &RANDOM[..8],
                at
            ),
            Err("invalid")
        );
        assert_eq!(
            run(
                false,
                &bob,
                form("carol", NominationKind::Mentee),
                &RANDOM,
                at
            ),
            Err("not_found")
        );
        let old = member("old", "1999-01-01");
        assert_eq!(
            run(
                false,
                &old,
                form("old", NominationKind::Mentee),
                &RANDOM,
                at
            ),
            Err("not_eligible")
        );
        assert_eq!(
            run(
                false,
                &old,
                form("old", NominationKind::Mentor),
                &RANDOM,
                at
            ),
            Ok(())
        );
        let late = Moment::utc(t("2008-06-01T00:00:00Z"));
        assert_eq!(
            run(
                false,
                &bob,
                form("bob", NominationKind::Mentee),
                &RANDOM,
                late
            ),
            Err("closed")
        );
        let mut long = form("bob", NominationKind::Mentee);
        long.message = "x".repeat(MAX_NOMINATION_MESSAGE + 1);
        assert_eq!(run(false, &bob, long, &RANDOM, at), Err("invalid"));
    }

    #[test]
    fn consent_invites_once() {
        let n = make(NominationKind::WouldBeMentor);
        let now = t("2008-03-02T10:00:00Z");
        let (status, inv) = n.nomination.consent(&n.token, "bob", now).unwrap();
        assert_eq!(status, NominationStatus::Consented { at: now });
        assert_eq!(inv.side, Side::Mentor);
        assert_eq!(inv.requested_by.as_deref(), Some("alice"));
        assert_eq!(inv.member_id, "bob");
        let mut used = n.nomination.clone();
        used.status = status;
        assert_eq!(
            used.consent(&n.token, "bob", now).unwrap_err(),
            RuleError::TokenUsed
        );
        assert_eq!(
            used.decline(&n.token, "bob", now).unwrap_err(),
            RuleError::TokenUsed
        );
        let mut declined = n.nomination.clone();
        declined.status = n.nomination.decline(&n.token, "bob", now).unwrap();
        assert_eq!(
            declined.consent(&n.token, "bob", now).unwrap_err().code(),
            "token_used"
        );
    }

    #[test]
    fn consent_checks_token_and_nominee() {
        let n = make(NominationKind::Mentee);
        let now = t("2008-03-02T10:00:00Z");
        assert_eq!(
            n.nomination.consent("nope", "bob", now).unwrap_err().code(),
            "not_found"
        );
        assert_eq!(
            n.nomination
                .consent(&n.token, "alice", now)
                .unwrap_err()
                .code(),
            "forbidden"
        );
        let (_, inv) = n.nomination.consent(&n.token, "bob", now).unwrap();
        assert_eq!(inv.side, Side::Mentee);
        assert_eq!(inv.requested_by, None);
    }

    #[test]
    fn expires_on_day_14() {
        let n = make(NominationKind::Mentor);
        let nom = &n.nomination;
        let last = t("2008-03-15T09:59:59Z");
        let gone = t("2008-03-15T10:00:00Z");
        assert!(nom.consent(&n.token, "bob", last).is_ok());
        assert_eq!(nom.status_at(last), NominationStatus::Pending);
        assert_eq!(
            nom.consent(&n.token, "bob", gone).unwrap_err().code(),
            "expired"
        );
        assert_eq!(nom.status_at(gone), NominationStatus::Expired);
        assert_eq!(nom.expire(last).unwrap_err().code(), "conflict");
        assert_eq!(nom.expire(gone).unwrap(), NominationStatus::Expired);
        let mut expired = nom.clone();
        expired.status = NominationStatus::Expired;
        assert_eq!(
            expired.consent(&n.token, "bob", last).unwrap_err().code(),
            "expired"
        );
        assert_eq!(
            expired.expire(gone).unwrap_err().code(),
            "invalid_transition"
        );
    }

    #[test]
    fn stored_shape() {
        let n = make(NominationKind::WouldBeMentor);
        let v = serde_json::to_value(&n.nomination).unwrap();
        assert_eq!(v["kind"], "would_be_mentor");
        assert_eq!(v["status"], serde_json::json!({"state": "pending"}));
        assert!(!v.to_string().contains(&n.token));
        let back: Nomination = serde_json::from_value(v).unwrap();
        assert_eq!(back, n.nomination);
    }
}
