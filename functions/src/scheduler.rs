//! The scheduled job: run hourly by EventBridge Scheduler on AWS (the
//! `scheduler` function) and by `duos tick` locally. One [`tick`]:
//!
//! 1. **Match requests** of every cohort in progress:
//!    - a pending request past its `expires_at` becomes `expired`
//!      ([`MatchRequest::expire`]), conditionally on still being `pending`,
//!      with its audit entry in the same transaction; the mentee is told;
//!    - a pending request half-way to its expiry (7 days of 14) reminds the
//!      mentor once.
//! 2. **Surveys** of every cohort in progress: from the day a survey opens
//!    ([`Cohort::survey_window`] of the survey's relative dates) through its
//!    last day, every member of a duo who is in the survey's audience is
//!    invited once; from [`SURVEY_REMINDER_DAYS`] days before it closes,
//!    those invited on an earlier day who have not answered (no `DONE#`
//!    item for their [`dedupe_key`]) are reminded once.
//! 3. **Duos**: a duo's stored state follows [`Duo::status_at`]: `formed`
//!    becomes `active` at launch, and `completed` after the cohort's end
//!    (April 30), each a conditional update with its audit entry.
//!
//! # Idempotent
//! Running it twice (or two runs at once) sends no mail twice and changes
//! nothing more: every state change is conditional on the state it read, and
//! every message is preceded by a conditional put of a marker item
//! (`attribute_not_exists`) under `SCHED#<cohort>`:
//!
//! | sk | what |
//! |---|---|
//! | `MATCH_REMINDER#<request>` | the mentor was reminded of a pending request |
//! | `MATCH_EXPIRED#<request>` | the mentee was told the request expired |
//! | `SURVEY_INVITE#<survey>#<member>` | the member was invited to the survey |
//! | `SURVEY_REMINDER#<survey>#<member>` | the member was reminded to answer |
//!
//! A marker is written *before* its message is sent; if the mailer fails the
//! marker is deleted again, so the next run retries (at most one message per
//! marker, never a silent loss unless the process dies between the two).
//! The markers live in their own partition, apart from the cohort's records.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mentoring::answers::dedupe_key;
use mentoring::duo::{Duo, DuoStatus};
use mentoring::matching::{MatchRequest, MatchStatus};
use mentoring::program::Cohort;
use mentoring::survey::Survey;
use mentoring::Member;
use serde::Serialize;

mod surveys;

use crate::app::App;
use crate::audit::Entry;
use crate::mail::Mail;
use crate::records::{self, json_to_value, keys, STATE};
use crate::store::{Condition, Item, Key, Query, StoreError, TransactOp, UpdateAction};

/// The actor of the job's audit entries.
pub const ACTOR: &str = "scheduler";
/// Reminders go out from this many days before a survey closes (and on
/// every later day of its window, once).
pub const SURVEY_REMINDER_DAYS: i64 = 3;
/// A cohort is looked at from its `applications_open` until this many days
/// after its `end` (time for a late run to complete its duos).
pub const COHORT_TAIL_DAYS: i64 = 60;
/// An expired request's notice is still sent when the expiry is at most
/// this old (a request expired by another path, e.g. an acceptance's side
/// effects, is noticed on the next run; long-expired ones stay quiet).
pub const EXPIRY_NOTICE_WINDOW_DAYS: i64 = 3;

/// What one run did. Counts are of changes and messages made by *this* run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickReport {
    /// The instant the run took as now.
    pub now: Option<DateTime<Utc>>,
    /// The association's calendar day at `now`.
    pub today: Option<NaiveDate>,
    /// Cohorts looked at.
    pub cohorts: Vec<String>,
    /// Pending requests made `expired`.
    pub requests_expired: u32,
    /// Mentees told a request expired.
    pub expiry_notices: u32,
    /// Mentors reminded of a pending request.
    pub request_reminders: u32,
    /// Survey invitations sent.
    pub survey_invitations: u32,
    /// Survey reminders sent.
    pub survey_reminders: u32,
    /// Duos made `active` (launch).
    pub duos_activated: u32,
    /// Duos made `completed` (after the end).
    pub duos_completed: u32,
    /// Offers of a freed place that expired unconfirmed (each member told).
    pub offers_expired: u32,
    /// Freed places offered to the next on the waitlist (each mailed).
    pub places_offered: u32,
    /// Messages the mailer refused (retried on the next run).
    pub mail_failures: u32,
    /// What went wrong (store errors, unreadable items, members missing
    /// from the roster); the rest of the run went on.
    pub errors: Vec<String>,
}

impl TickReport {
    /// Messages sent by this run.
    pub fn mails_sent(&self) -> u32 {
        self.expiry_notices
            + self.request_reminders
            + self.survey_invitations
            + self.survey_reminders
            + self.offers_expired
            + self.places_offered
    }

    /// Changes made by this run (state changes and messages).
    pub fn changes(&self) -> u32 {
        self.requests_expired + self.duos_activated + self.duos_completed + self.mails_sent()
    }

    /// Whether the run went without an error or a failed message.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty() && self.mail_failures == 0
    }
}

impl fmt::Display for TickReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cohorts [{}]: {} request(s) expired, {} expiry notice(s), {} request reminder(s), \
             {} survey invitation(s), {} survey reminder(s), {} duo(s) activated, \
             {} duo(s) completed, {} offer(s) expired, {} place(s) offered, \
             {} failed message(s), {} error(s)",
            self.cohorts.join(", "),
            self.requests_expired,
            self.expiry_notices,
            self.request_reminders,
            self.survey_invitations,
            self.survey_reminders,
            self.duos_activated,
            self.duos_completed,
            self.offers_expired,
            self.places_offered,
            self.mail_failures,
            self.errors.len()
        )?;
        for e in &self.errors {
            write!(f, "\n  error: {e}")?;
        }
        Ok(())
    }
}

/// `SCHED#<cohort>`: the partition of the job's markers.
pub fn marker_pk(cohort: &str) -> String {
    format!("SCHED#{cohort}")
}

/// The key of one marker (see the module docs for the sort keys).
pub fn marker_key(cohort: &str, sk: impl Into<String>) -> Key {
    Key::new(marker_pk(cohort), sk)
}

/// Runs the job once as of `now` (see the module docs).
pub async fn tick(app: &App, now: DateTime<Utc>) -> TickReport {
    let moment = app.config.program.moment(now);
    let mut run = Run {
        app,
        now,
        today: moment.today,
        report: TickReport {
            now: Some(now),
            today: Some(moment.today),
            ..TickReport::default()
        },
        members: BTreeMap::new(),
    };
    let cohorts: Vec<Cohort> = app
        .config
        .program
        .cohorts
        .iter()
        .filter(|c| {
            c.applications_open <= run.today
                && run.today <= c.end + Duration::days(COHORT_TAIL_DAYS)
        })
        .cloned()
        .collect();
    for cohort in &cohorts {
        run.report.cohorts.push(cohort.id.clone());
        run.match_requests(cohort).await;
        run.duos_and_surveys(cohort).await;
        match crate::waitlist::expire_offers(app, cohort, ACTOR, now).await {
            Ok(done) => {
                run.report.offers_expired += done.expired;
                run.report.places_offered += done.offered;
            }
            Err(e) => run.error(format!("the waitlist of {}: {e}", cohort.id)),
        }
    }
    run.report
}

/// One run's state: the report and a cache of roster lookups.
struct Run<'a> {
    app: &'a App,
    now: DateTime<Utc>,
    today: NaiveDate,
    report: TickReport,
    members: BTreeMap<String, Option<Member>>,
}

impl Run<'_> {
    fn error(&mut self, what: impl Into<String>) {
        let what = what.into();
        tracing::warn!("scheduler: {what}");
        self.report.errors.push(what);
    }

    fn program_name(&self) -> &str {
        &self.app.config.program.name
    }

    fn site(&self) -> &str {
        self.app.session.site_origin.trim_end_matches('/')
    }

    /// A roster member by id (cached for the run); `None` after recording
    /// an error when they are not on the roster.
    async fn member(&mut self, id: &str) -> Option<Member> {
        if let Some(cached) = self.members.get(id) {
            return cached.clone();
        }
        let found = match crate::roster::load_member(self.app.store.as_ref(), id).await {
            Ok(Some(m)) => Some(m),
            Ok(None) => {
                self.error(format!("member {id} is not on the roster: no mail sent"));
                None
            }
            Err(e) => {
                self.error(format!("reading member {id}: {e}"));
                None
            }
        };
        self.members.insert(id.to_owned(), found.clone());
        found
    }

    /// Items of a cohort partition with the sort key prefix, read as `T`;
    /// unreadable items are reported and skipped.
    async fn records<T: serde::de::DeserializeOwned>(
        &mut self,
        cohort: &str,
        prefix: &str,
    ) -> Vec<(Key, T)> {
        let query = Query::table(keys::cohort_pk(cohort)).prefix(prefix);
        let items = match self.app.store.query(&query).await {
            Ok(items) => items,
            Err(e) => {
                self.error(format!(
                    "querying {} {prefix}*: {e}",
                    keys::cohort_pk(cohort)
                ));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in items {
            let Some(key) = item.key() else { continue };
            match records::read::<T>(&item) {
                Ok(record) => out.push((key, record)),
                Err(e) => self.error(e.to_string()),
            }
        }
        out
    }

    /// Sends `mail` once per marker: puts the marker if absent, then sends;
    /// a failed send deletes the marker again. `Ok(true)` when sent now.
    async fn send_once(&mut self, marker: Key, to: &Member, mail: Mail) -> bool {
        let claim = records::new_id();
        let item = Item::new(&marker)
            .with(records::KIND, "scheduler_marker")
            .with("member", to.member_id.as_str())
            .with("on", self.today.to_string())
            .with("at", self.now.to_rfc3339())
            .with("claim", claim.as_str());
        match self
            .app
            .store
            .put(item, Some(Condition::not_exists()))
            .await
        {
            Ok(()) => {}
            Err(StoreError::ConditionFailed { .. }) => return false,
            Err(e) => {
                self.error(format!("writing marker {marker}: {e}"));
                return false;
            }
        }
        match self.app.mailer.send(mail).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!("scheduler: {e} (will retry on the next run)");
                self.report.mail_failures += 1;
                let release = Condition::eq("claim", claim.as_str());
                if let Err(e) = self.app.store.delete(&marker, Some(release)).await {
                    self.error(format!(
                        "releasing marker {marker} after a failed send: {e}"
                    ));
                }
                false
            }
        }
    }

    // ------------------------------------------------------------------
    // match requests

    async fn match_requests(&mut self, cohort: &Cohort) {
        let requests: Vec<(Key, MatchRequest)> = self.records(&cohort.id, keys::MATCH_PREFIX).await;
        for (key, request) in requests {
            match &request.status {
                MatchStatus::Pending if request.is_expired(self.now) => {
                    if let Some(expired) = self.expire(&key, &request).await {
                        self.expiry_notice(cohort, &expired).await;
                    }
                }
                MatchStatus::Pending => self.request_reminder(cohort, &request).await,
                MatchStatus::Expired { at }
                    if self.now - *at <= Duration::days(EXPIRY_NOTICE_WINDOW_DAYS) =>
                {
                    self.expiry_notice(cohort, &request).await;
                }
                _ => {}
            }
        }
    }

    /// `pending -> expired`, conditional on the stored state still being
    /// `pending`, with its audit entry. The request as expired when this run
    /// changed it (or found it already changed to expired).
    async fn expire(&mut self, key: &Key, request: &MatchRequest) -> Option<MatchRequest> {
        let status = match request.expire(self.now) {
            Ok(s) => s,
            Err(e) => {
                self.error(format!("expiring request {}: {e}", request.id));
                return None;
            }
        };
        let mut expired = request.clone();
        expired.status = status.clone();
        let ops = vec![
            TransactOp::update(
                key.clone(),
                state_actions(&status, status.name()),
                Some(Condition::eq(STATE, MatchStatus::Pending.name())),
            ),
            Entry::new(&request.cohort, "expire_match", ACTOR, key, self.now)
                .detail(serde_json::json!({ "from": "pending", "to": status.name() }))
                .op(),
        ];
        match self.app.store.transact(ops).await {
            Ok(()) => {
                self.report.requests_expired += 1;
                Some(expired)
            }
            // Answered, withdrawn or expired by someone else meanwhile.
            Err(StoreError::ConditionFailed { .. }) => None,
            Err(e) => {
                self.error(format!("expiring request {}: {e}", request.id));
                None
            }
        }
    }

    async fn expiry_notice(&mut self, cohort: &Cohort, request: &MatchRequest) {
        let Some(mentee) = self.member(&request.mentee_id).await else {
            return;
        };
        let Some(mentor) = self.member(&request.mentor_id).await else {
            return;
        };
        let still_open = cohort.accepts_match_requests(self.today);
        let next = if still_open {
            format!(
                "You may ask another mentor from the directory until {}:\n{}/members/mentors/\n",
                cohort.matching_deadline,
                self.site()
            )
        } else {
            format!(
                "Matching for {} has closed; the committee will be in touch about your options.\n",
                cohort.name
            )
        };
        let mail = Mail {
            to: mentee.email.clone(),
            subject: format!("{}: your request to {} expired", self.program_name(), mentor.name),
            text: format!(
                "Dear {},\n\nYour mentoring request to {} was not answered within {} days and has expired.\n\n{}\n-- {}\n",
                mentee.name,
                mentor.name,
                self.app.config.program.request_expiry_days,
                next,
                self.program_name()
            ),
        };
        let marker = marker_key(&cohort.id, format!("MATCH_EXPIRED#{}", request.id));
        if self.send_once(marker, &mentee, mail).await {
            self.report.expiry_notices += 1;
        }
    }

    /// Reminds the mentor once, half-way to the request's expiry.
    async fn request_reminder(&mut self, cohort: &Cohort, request: &MatchRequest) {
        let half = (request.expires_at - request.created_at) / 2;
        if self.now < request.created_at + half || !request.is_pending_at(self.now) {
            return;
        }
        let Some(mentor) = self.member(&request.mentor_id).await else {
            return;
        };
        let Some(mentee) = self.member(&request.mentee_id).await else {
            return;
        };
        let mail = Mail {
            to: mentor.email.clone(),
            subject: format!(
                "{}: {} is waiting for your answer",
                self.program_name(),
                mentee.name
            ),
            text: format!(
                "Dear {},\n\n{} asked you to be their mentor on {}. The request expires on {} \
                 (UTC) if it is not answered.\n\nPlease accept or decline it after signing in:\n{}/members/\n\n-- {}\n",
                mentor.name,
                mentee.name,
                request.created_at.date_naive(),
                request.expires_at.format("%Y-%m-%d %H:%M"),
                self.site(),
                self.program_name()
            ),
        };
        let marker = marker_key(&cohort.id, format!("MATCH_REMINDER#{}", request.id));
        if self.send_once(marker, &mentor, mail).await {
            self.report.request_reminders += 1;
        }
    }

    // ------------------------------------------------------------------
    // duos and surveys

    async fn duos_and_surveys(&mut self, cohort: &Cohort) {
        let duos: Vec<(Key, Duo)> = self.records(&cohort.id, keys::DUO_PREFIX).await;
        let mut current = Vec::with_capacity(duos.len());
        for (key, duo) in duos {
            let duo = self.advance_duo(cohort, &key, duo).await;
            current.push(duo);
        }
        let surveys: Vec<Survey> = self.app.config.surveys.values().cloned().collect();
        for survey in &surveys {
            self.survey(cohort, survey, &current).await;
        }
    }

    /// Stores the duo's state of today ([`Duo::status_at`]) when it moved
    /// on (formed -> active at launch, -> completed after the end).
    async fn advance_duo(&mut self, cohort: &Cohort, key: &Key, mut duo: Duo) -> Duo {
        let target = duo.status_at(cohort, self.today);
        if target == duo.status {
            return duo;
        }
        let action = match target {
            DuoStatus::Active => "activate_duo",
            DuoStatus::Completed => "complete_duo",
            // status_at never goes back to formed nor invents an early end.
            DuoStatus::Formed | DuoStatus::EndedEarly { .. } => return duo,
        };
        let from = duo.status.name();
        let ops = vec![
            TransactOp::update(
                key.clone(),
                state_actions(&target, target.name()),
                Some(Condition::eq(STATE, from)),
            ),
            Entry::new(&cohort.id, action, ACTOR, key, self.now)
                .detail(serde_json::json!({ "from": from, "to": target.name() }))
                .op(),
        ];
        match self.app.store.transact(ops).await {
            Ok(()) => {
                match target {
                    DuoStatus::Completed => self.report.duos_completed += 1,
                    _ => self.report.duos_activated += 1,
                }
                duo.status = target;
            }
            Err(StoreError::ConditionFailed { .. }) => {
                // Changed meanwhile (ended early, or another run): re-read.
                match records::get::<Duo>(self.app.store.as_ref(), key).await {
                    Ok(Some(fresh)) => duo = fresh,
                    Ok(None) => {}
                    Err(e) => self.error(format!("re-reading duo {}: {e}", duo.id)),
                }
            }
            Err(e) => self.error(format!("updating duo {}: {e}", duo.id)),
        }
        duo
    }
}

/// `SET status = <status>, state = <name>`: a state change of a record whose
/// `status` field is its state machine (stored as the mentoring type's serde
/// shape, see [`crate::records`]).
fn state_actions<S: Serialize>(status: &S, name: &str) -> Vec<UpdateAction> {
    let value = json_to_value(serde_json::to_value(status).unwrap_or(serde_json::Value::Null));
    vec![
        UpdateAction::set("status", value),
        UpdateAction::set(STATE, name),
    ]
}
