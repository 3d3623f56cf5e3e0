//! The scheduled job (`functions::scheduler::tick`) against both stores —
//! the embedded one and DynamoDB on moto (skipped loudly without moto
//! outside CI; a failure with `CI=true`) — with the program's real content
//! (cohort 2008) and a clock the tests set: request reminders and expiry,
//! survey invitations and reminders, duo activation and completion, and
//! that running it again (or twice at once) sends and changes nothing more.

mod support;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use functions::app::App;
use functions::auth::SessionConfig;
use functions::clock::TestClock;
use functions::config::Config;
use functions::mail::{Mail, MailError, Mailer};
use functions::records::{self, keys};
use functions::scheduler::{tick, TickReport};
use functions::store::{Item, Store};
use mentoring::answers::dedupe_key;
use mentoring::duo::{Duo, DuoStatus};
use mentoring::matching::{MatchRequest, MatchStatus};
use mentoring::Member;

const SURVEY_SECRET: &[u8] = b"scheduler-test-survey-secret-0123456789";
const COHORT: &str = "2008";
const MENTEE: &str = "M2001";
const MENTOR: &str = "M3001";
const MENTEE2: &str = "M2002";
const MENTOR2: &str = "M3002";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A mailer that keeps what it is given, and refuses one address once
/// when told to.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<Mail>>,
    refuse_once: Mutex<Option<String>>,
}

impl Recorder {
    fn sent(&self) -> Vec<Mail> {
        self.sent.lock().unwrap().clone()
    }
    fn to(&self, address: &str) -> Vec<Mail> {
        self.sent()
            .into_iter()
            .filter(|m| m.to == address)
            .collect()
    }
}

#[async_trait]
impl Mailer for Recorder {
    async fn send(&self, mail: Mail) -> Result<String, MailError> {
        let mut refuse = self.refuse_once.lock().unwrap();
        if refuse.as_deref() == Some(mail.to.as_str()) {
            *refuse = None;
            return Err(MailError {
                to: mail.to,
                reason: "refused by the test".into(),
            });
        }
        let mut sent = self.sent.lock().unwrap();
        sent.push(mail);
        Ok(format!("test-{}", sent.len()))
    }
}

fn content() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn app(store: Arc<dyn Store>, mailer: Arc<Recorder>) -> App {
    let config = Config::load(content(), SURVEY_SECRET.to_vec()).expect("the real content loads");
    let session = SessionConfig::new(vec![42; 32], "https://mentoring.example.org").unwrap();
    App::new(
        store,
        mailer,
        Arc::new(TestClock::at_rfc3339("2008-01-01T00:00:00Z")),
        Arc::new(config),
        session,
        None,
    )
}

fn email(id: &str) -> String {
    format!("{}@members.example.org", id.to_lowercase())
}

async fn seed_members(store: &dyn Store) {
    for (id, name) in [
        (MENTEE, "Ann Mentee"),
        (MENTOR, "Bob Mentor"),
        (MENTEE2, "Cy Mentee"),
        (MENTOR2, "Di Mentor"),
    ] {
        let member = Member {
            member_id: id.into(),
            name: name.into(),
            email: email(id),
            joined: "2007-09-01".parse().unwrap(),
            category: "Personal".into(),
            good_standing: true,
        };
        store
            .put(functions::roster::member_item(&member), None)
            .await
            .unwrap();
    }
}

fn request(id: &str, mentee: &str, mentor: &str, created: &str) -> MatchRequest {
    let created_at = t(created);
    MatchRequest {
        id: id.into(),
        cohort: COHORT.into(),
        mentee_id: mentee.into(),
        mentor_id: mentor.into(),
        message: "I would like to learn budgeting from you.".into(),
        created_at,
        expires_at: created_at + Duration::days(14),
        status: MatchStatus::Pending,
    }
}

fn duo(id: &str, mentee: &str, mentor: &str, status: DuoStatus) -> Duo {
    Duo {
        id: id.into(),
        cohort: COHORT.into(),
        mentor_id: mentor.into(),
        mentee_id: mentee.into(),
        liaison_id: None,
        request_id: None,
        formed_at: t("2008-05-01T12:00:00Z"),
        status,
    }
}

async fn stored_request(store: &dyn Store, id: &str) -> (String, MatchRequest) {
    let item = store
        .get(&keys::match_request(COHORT, id))
        .await
        .unwrap()
        .unwrap();
    (
        item.get_str("state").unwrap().to_owned(),
        records::read(&item).unwrap(),
    )
}

async fn stored_duo(store: &dyn Store, id: &str) -> (String, Duo) {
    let item = store.get(&keys::duo(COHORT, id)).await.unwrap().unwrap();
    (
        item.get_str("state").unwrap().to_owned(),
        records::read(&item).unwrap(),
    )
}

async fn audit_actions(store: &dyn Store) -> Vec<String> {
    functions::audit::recent(store, COHORT, 100)
        .await
        .unwrap()
        .iter()
        .filter_map(|i| i.get_str("action").map(String::from))
        .collect()
}

/// Runs the job twice at `now`: the second run must find nothing to do.
async fn tick_twice(app: &App, now: &str) -> TickReport {
    let first = tick(app, t(now)).await;
    assert!(first.is_clean(), "{first}");
    let second = tick(app, t(now)).await;
    assert!(second.is_clean(), "{second}");
    assert_eq!(
        second.changes(),
        0,
        "a second run at {now} changed something: {second}"
    );
    first
}

// ---------------------------------------------------------------- scenarios

async fn match_requests_are_reminded_then_expired(store: Arc<dyn Store>) {
    seed_members(store.as_ref()).await;
    let r = request("r1", MENTEE, MENTOR, "2008-03-01T12:00:00Z");
    store.put(records::match_item(&r), None).await.unwrap();
    // An answered one is left alone.
    let mut answered = request("r2", MENTEE2, MENTOR2, "2008-03-01T12:00:00Z");
    answered.status = MatchStatus::Declined {
        at: t("2008-03-02T12:00:00Z"),
        reason: None,
    };
    store
        .put(records::match_item(&answered), None)
        .await
        .unwrap();
    let mailer = Arc::new(Recorder::default());
    let app = app(Arc::clone(&store), Arc::clone(&mailer));

    let early = tick_twice(&app, "2008-03-08T11:59:59Z").await;
    assert_eq!(early.changes(), 0, "{early}");
    assert!(mailer.sent().is_empty());

    // Seven days in: the mentor is reminded, once.
    let week = tick_twice(&app, "2008-03-08T12:00:00Z").await;
    assert_eq!(week.request_reminders, 1, "{week}");
    assert_eq!(week.changes(), 1, "{week}");
    let reminders = mailer.to(&email(MENTOR));
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0].subject.contains("Ann Mentee"),
        "{}",
        reminders[0].subject
    );
    assert!(reminders[0]
        .text
        .contains("https://mentoring.example.org/members/"));
    tick_twice(&app, "2008-03-10T12:00:00Z").await;
    assert_eq!(mailer.sent().len(), 1);
    assert_eq!(stored_request(store.as_ref(), "r1").await.0, "pending");

    // Fourteen days in: expired, the mentee told, audited; once.
    let last = tick_twice(&app, "2008-03-15T11:59:59Z").await;
    assert_eq!(last.requests_expired, 0, "{last}");
    let expiry = tick_twice(&app, "2008-03-15T12:00:00Z").await;
    assert_eq!(expiry.requests_expired, 1, "{expiry}");
    assert_eq!(expiry.expiry_notices, 1, "{expiry}");
    let (state, stored) = stored_request(store.as_ref(), "r1").await;
    assert_eq!(state, "expired");
    assert_eq!(stored.status, MatchStatus::Expired { at: r.expires_at });
    let notices = mailer.to(&email(MENTEE));
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0].subject.contains("expired"),
        "{}",
        notices[0].subject
    );
    assert!(notices[0].text.contains("Bob Mentor"));
    assert_eq!(audit_actions(store.as_ref()).await, ["expire_match"]);
    let (state, _) = stored_request(store.as_ref(), "r2").await;
    assert_eq!(state, "declined");
    tick_twice(&app, "2008-03-16T12:00:00Z").await;
    assert_eq!(mailer.sent().len(), 2);
}

async fn surveys_are_sent_on_their_dates_and_reminded(store: Arc<dyn Store>) {
    seed_members(store.as_ref()).await;
    store
        .put(
            records::duo_item(&duo("d1", MENTEE, MENTOR, DuoStatus::Active)),
            None,
        )
        .await
        .unwrap();
    let ended = DuoStatus::EndedEarly {
        by: MENTEE2.into(),
        reason: "moved away".into(),
        at: t("2008-09-01T12:00:00Z"),
    };
    store
        .put(records::duo_item(&duo("d2", MENTEE2, MENTOR2, ended)), None)
        .await
        .unwrap();
    let mailer = Arc::new(Recorder::default());
    let app = app(Arc::clone(&store), Arc::clone(&mailer));

    let before = tick_twice(&app, "2008-11-16T23:00:00Z").await;
    assert_eq!(before.survey_invitations, 0, "{before}");

    // midpoint_survey: 2008-11-17, open 21 days.
    let opens = tick_twice(&app, "2008-11-17T15:00:00Z").await;
    assert_eq!(opens.survey_invitations, 2, "{opens}");
    for who in [MENTEE, MENTOR] {
        let mail = mailer.to(&email(who));
        assert_eq!(mail.len(), 1, "{who}");
        assert!(
            mail[0].subject.contains("Mid-way survey"),
            "{}",
            mail[0].subject
        );
        assert!(mail[0]
            .text
            .contains("https://mentoring.example.org/members/surveys/midpoint/"));
        assert!(
            mail[0].text.contains("2008-12-08"),
            "closes: {}",
            mail[0].text
        );
    }
    // The ended duo's members are not surveyed.
    assert!(mailer.to(&email(MENTEE2)).is_empty());
    tick_twice(&app, "2008-11-20T15:00:00Z").await;
    assert_eq!(mailer.sent().len(), 2);

    // The mentee answers (the DONE# item the survey handler writes).
    let done = dedupe_key(SURVEY_SECRET, MENTEE, COHORT, "midpoint");
    store
        .put(
            Item::new(&keys::survey_done(COHORT, "midpoint", &done)),
            None,
        )
        .await
        .unwrap();
    let no_reminder_yet = tick_twice(&app, "2008-12-04T15:00:00Z").await;
    assert_eq!(no_reminder_yet.survey_reminders, 0, "{no_reminder_yet}");
    // Three days before it closes: only the mentor, who has not answered.
    let remind = tick_twice(&app, "2008-12-05T15:00:00Z").await;
    assert_eq!(remind.survey_reminders, 1, "{remind}");
    let mentor_mail = mailer.to(&email(MENTOR));
    assert_eq!(mentor_mail.len(), 2);
    assert!(
        mentor_mail[1].subject.contains("reminder"),
        "{}",
        mentor_mail[1].subject
    );
    assert_eq!(mailer.to(&email(MENTEE)).len(), 1);
    tick_twice(&app, "2008-12-08T15:00:00Z").await;
    let closed = tick_twice(&app, "2008-12-09T15:00:00Z").await;
    assert_eq!(closed.changes(), 0);
    assert_eq!(mailer.sent().len(), 3);

    // final_survey: 2009-04-01.
    let final_opens = tick_twice(&app, "2009-04-01T15:00:00Z").await;
    assert_eq!(final_opens.survey_invitations, 2, "{final_opens}");
    assert!(
        mailer.sent()[3].subject.contains("Final"),
        "{}",
        mailer.sent()[3].subject
    );
}

async fn duos_become_active_at_launch_and_complete_after_the_end(store: Arc<dyn Store>) {
    seed_members(store.as_ref()).await;
    store
        .put(
            records::duo_item(&duo("d1", MENTEE, MENTOR, DuoStatus::Formed)),
            None,
        )
        .await
        .unwrap();
    let ended = DuoStatus::EndedEarly {
        by: MENTOR2.into(),
        reason: "new job".into(),
        at: t("2008-10-01T12:00:00Z"),
    };
    store
        .put(
            records::duo_item(&duo("d2", MENTEE2, MENTOR2, ended.clone())),
            None,
        )
        .await
        .unwrap();
    let mailer = Arc::new(Recorder::default());
    let app = app(Arc::clone(&store), Arc::clone(&mailer));

    let before = tick_twice(&app, "2008-06-27T12:00:00Z").await;
    assert_eq!(before.duos_activated, 0, "{before}");
    let launch = tick_twice(&app, "2008-06-28T12:00:00Z").await;
    assert_eq!(launch.duos_activated, 1, "{launch}");
    assert_eq!(stored_duo(store.as_ref(), "d1").await.0, "active");

    // The program's day is Chicago's (program.yaml timezone:, CDT = UTC-5).
    let end_day = tick_twice(&app, "2009-05-01T04:59:59Z").await;
    assert_eq!(
        end_day.duos_completed, 0,
        "April 30 is still active: {end_day}"
    );
    let after = tick_twice(&app, "2009-05-01T05:00:00Z").await;
    assert_eq!(after.duos_completed, 1, "{after}");
    let (state, d1) = stored_duo(store.as_ref(), "d1").await;
    assert_eq!(state, "completed");
    assert_eq!(d1.status, DuoStatus::Completed);
    let (state, d2) = stored_duo(store.as_ref(), "d2").await;
    assert_eq!(state, "ended_early");
    assert_eq!(d2.status, ended);
    let mut actions = audit_actions(store.as_ref()).await;
    actions.sort();
    assert_eq!(actions, ["activate_duo", "complete_duo"]);
    tick_twice(&app, "2009-05-02T00:00:00Z").await;
}

async fn a_refused_message_is_sent_on_the_next_run_and_concurrent_runs_send_once(
    store: Arc<dyn Store>,
) {
    seed_members(store.as_ref()).await;
    store
        .put(
            records::duo_item(&duo("d1", MENTEE, MENTOR, DuoStatus::Active)),
            None,
        )
        .await
        .unwrap();
    let mailer = Arc::new(Recorder::default());
    *mailer.refuse_once.lock().unwrap() = Some(email(MENTOR));
    let app = app(Arc::clone(&store), Arc::clone(&mailer));

    let first = tick(&app, t("2008-11-17T15:00:00Z")).await;
    assert_eq!(first.survey_invitations, 1, "{first}");
    assert_eq!(first.mail_failures, 1, "{first}");
    assert!(!first.is_clean());
    let retry = tick_twice(&app, "2008-11-17T16:00:00Z").await;
    assert_eq!(retry.survey_invitations, 1, "{retry}");
    assert_eq!(mailer.to(&email(MENTOR)).len(), 1);
    assert_eq!(mailer.to(&email(MENTEE)).len(), 1);

    // Two runs at once (a retried schedule overlapping the next): one
    // reminder each for the two requests, not two.
    for (id, mentee, mentor) in [("r1", MENTEE2, MENTOR), ("r2", MENTEE, MENTOR2)] {
        let r = request(id, mentee, mentor, "2008-04-01T12:00:00Z");
        store.put(records::match_item(&r), None).await.unwrap();
    }
    let now = t("2008-04-09T12:00:00Z");
    let (a, b) = tokio::join!(tick(&app, now), tick(&app, now));
    assert!(a.is_clean() && b.is_clean(), "{a}\n{b}");
    assert_eq!(a.request_reminders + b.request_reminders, 2, "{a}\n{b}");
    assert_eq!(mailer.sent().len(), 4);
}

// ------------------------------------------------------------ both stores
// (two runs at once need a server that applies concurrent conditional
// writes atomically: `Need::Atomic`)

macro_rules! on_both_stores {
    ($($scenario:ident => $embedded:ident, $dynamo:ident, $table:literal, $need:ident;)*) => {
        $(
            #[tokio::test]
            async fn $embedded() {
                let (store, _dir) = support::embedded_store();
                $scenario(store).await;
            }

            #[tokio::test]
            async fn $dynamo() {
                if let Some(store) = support::dynamo_store($table, support::moto::Need::$need).await {
                    let store: Arc<dyn Store> = Arc::new(store);
                    $scenario(store).await;
                }
            }
        )*
    };
}

on_both_stores! {
    match_requests_are_reminded_then_expired => expiry_embedded, expiry_dynamodb, "sched-expiry", Any;
    surveys_are_sent_on_their_dates_and_reminded => surveys_embedded, surveys_dynamodb, "sched-surveys", Any;
    duos_become_active_at_launch_and_complete_after_the_end => duos_embedded, duos_dynamodb, "sched-duos", Any;
    a_refused_message_is_sent_on_the_next_run_and_concurrent_runs_send_once => retry_embedded, retry_dynamodb, "sched-retry", Atomic;
}
