//! Every key of the single table, in one place (the layout is documented in
//! [`crate::records`]).

use crate::store::Key;

/// `COHORT#<cohort>`: the partition of one cohort's program data.
pub fn cohort_pk(cohort: &str) -> String {
    format!("COHORT#{cohort}")
}

/// `MEMBER#<member>`: the `gsi1` partition of everything of one member.
pub fn member_gsi(member: &str) -> String {
    format!("MEMBER#{member}")
}

/// Sort key prefix of applications (both sides).
pub const APP_PREFIX: &str = "APP#";
/// Sort key prefix of mentee applications.
pub const MENTEE_APP_PREFIX: &str = "APP#MENTEE#";
/// Sort key prefix of mentor applications.
pub const MENTOR_APP_PREFIX: &str = "APP#MENTOR#";
/// Sort key prefix of match requests.
pub const MATCH_PREFIX: &str = "MATCH#";
/// Sort key prefix of duos.
pub const DUO_PREFIX: &str = "DUO#";
/// Sort key prefix of nominations.
pub const NOM_PREFIX: &str = "NOM#";
/// Sort key prefix of survey responses.
pub const RESPONSE_PREFIX: &str = "RESP#";
/// Sort key prefix of the chair's pairings.
pub const PAIRING_PREFIX: &str = "PAIR#";
/// Sort key prefix of mentors' locks.
pub const MENTOR_LOCK_PREFIX: &str = "MENTOR#";
/// Sort key prefix of mentees' locks.
pub const MENTEE_LOCK_PREFIX: &str = "MENTEE#";
/// Sort key prefix of audit items.
pub const AUDIT_PREFIX: &str = "AUDIT#";

/// `COHORT#<c> / APP#MENTEE#<member>`.
pub fn mentee_app(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{MENTEE_APP_PREFIX}{member}"))
}

/// `COHORT#<c> / APP#MENTOR#<member>`.
pub fn mentor_app(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{MENTOR_APP_PREFIX}{member}"))
}

/// `COHORT#<c> / COUNT#MENTEE`: the arrival counter of mentee applications.
pub fn mentee_counter(cohort: &str) -> Key {
    Key::new(cohort_pk(cohort), "COUNT#MENTEE")
}

/// `COHORT#<c> / MATCH#<id>`.
pub fn match_request(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{MATCH_PREFIX}{id}"))
}

/// `COHORT#<c> / REQS#<mentee>`: version of the mentee's set of requests,
/// bumped (conditionally) by every new request.
pub fn request_guard(cohort: &str, mentee: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("REQS#{mentee}"))
}

/// `COHORT#<c> / MENTOR#<member>`: the mentor's lock (one mentee per cohort).
pub fn mentor_lock(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{MENTOR_LOCK_PREFIX}{member}"))
}

/// `COHORT#<c> / MENTEE#<member>`: the mentee's lock (one mentor per cohort).
pub fn mentee_lock(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{MENTEE_LOCK_PREFIX}{member}"))
}

/// `COHORT#<c> / PAIR#<id>`: a pair the chair proposed.
pub fn pairing(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{PAIRING_PREFIX}{id}"))
}

/// `COHORT#<c> / DUO#<id>`.
pub fn duo(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{DUO_PREFIX}{id}"))
}

/// `COHORT#<c> / NOM#<id>`.
pub fn nomination(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{NOM_PREFIX}{id}"))
}

/// `COHORT#<c> / NOMPAIR#<nominator>#<nominee>`: `nominator` has
/// nominated `nominee` in the cohort (one nomination, one mail, per pair).
pub fn nomination_pair(cohort: &str, nominator: &str, nominee: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("NOMPAIR#{nominator}#{nominee}"))
}

/// `COHORT#<c> / NOMCOUNT#<nominator>`: how many nominations `nominator`
/// has sent in the cohort (attribute `count`).
pub fn nomination_counter(cohort: &str, nominator: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("NOMCOUNT#{nominator}"))
}

/// `SIGNEDOUT#<family> / SIGNEDOUT`: the sign-in whose
/// `Session::family` is `family` was signed out (kept, with the table's
/// TTL, until the end of its lifetime).
pub fn signed_out(family: &str) -> Key {
    Key::new(format!("SIGNEDOUT#{family}"), "SIGNEDOUT")
}

/// `NOMTOKEN#<sha256 hex> / NOMTOKEN`: finds a nomination by its consent
/// token's hash (the token itself is never stored).
pub fn nomination_token(token_hash: &str) -> Key {
    Key::new(format!("NOMTOKEN#{token_hash}"), "NOMTOKEN")
}

/// `SURVEY#<c>#<survey>`: the partition of one survey's answers in a cohort.
pub fn survey_pk(cohort: &str, survey: &str) -> String {
    format!("SURVEY#{cohort}#{survey}")
}

/// `SURVEY#<c>#<survey> / RESP#<id>`.
pub fn survey_response(cohort: &str, survey: &str, id: &str) -> Key {
    Key::new(survey_pk(cohort, survey), format!("{RESPONSE_PREFIX}{id}"))
}

/// `SURVEY#<c>#<survey> / DONE#<hmac>`: "this person answered", without who.
pub fn survey_done(cohort: &str, survey: &str, hmac: &str) -> Key {
    Key::new(survey_pk(cohort, survey), format!("DONE#{hmac}"))
}

/// `AUDIT#<scope>` (a cohort id, or `program`).
pub fn audit_pk(scope: &str) -> String {
    format!("AUDIT#{scope}")
}

/// `AUDIT#<scope> / AUDIT#<when>#<id>`.
pub fn audit(scope: &str, when: &str, id: &str) -> Key {
    Key::new(audit_pk(scope), format!("{AUDIT_PREFIX}{when}#{id}"))
}

/// `IDEMP#<member>#<key> / IDEMP`: a stored response for an `Idempotency-Key`.
pub fn idempotency(member: &str, key: &str) -> Key {
    Key::new(format!("IDEMP#{member}#{key}"), "IDEMP")
}

/// `COHORT#<c> / ALUMNI#<member>`: the member's alumni-group choice.
pub fn alumni(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("ALUMNI#{member}"))
}

/// Sort key prefix of freed mentee places.
pub const VACANCY_PREFIX: &str = "VACANCY#";
/// Sort key prefix of offers of a freed place.
pub const OFFER_PREFIX: &str = "OFFER#";
/// Sort key prefix of the committee's proposed pairs.
pub const PROPOSAL_PREFIX: &str = "PROPOSAL#";

/// `COHORT#<c> / VACANCY#<id>`: a mentee place freed by a withdrawal.
pub fn vacancy(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{VACANCY_PREFIX}{id}"))
}

/// `COHORT#<c> / OFFER#<id>`: a freed place offered to one waitlisted mentee.
pub fn offer(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{OFFER_PREFIX}{id}"))
}

/// `COHORT#<c> / OFFERED#<member>`: the member holds or held an offer in
/// the cohort (at most one each: two places never go to one person).
pub fn offered(cohort: &str, member: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("OFFERED#{member}"))
}

/// `COHORT#<c> / PROPOSAL#<id>`: a pair the chair proposed at the deadline.
pub fn proposal(cohort: &str, id: &str) -> Key {
    Key::new(cohort_pk(cohort), format!("{PROPOSAL_PREFIX}{id}"))
}

/// `MEMBER#<id> / PROFILE`: the member's own profile ([`crate::records::profile`]).
pub fn profile(member: &str) -> Key {
    Key::new(member_gsi(member), "PROFILE")
}

/// The `gsi1` partition holding every profile (sort key `MEMBER#<id>`).
pub const PROFILES_GSI: &str = "PROFILES";
