//! The waitlist moving, raced through `router::handle` and the scheduler,
//! on the embedded store and on DynamoDB (moto):
//! - two accepted mentees withdraw at once with ten on the waitlist: exactly
//!   the first two are offered a place, each once, each by one mail;
//! - the first confirms and is accepted; the second lets the offer expire:
//!   the scheduler (two runs at once) passes it to the third, once;
//! - bad input: withdrawing twice, confirming an expired offer or another
//!   member's offer, accepting over the cap without a reason: refused with
//!   the right status and a clear message, nothing changed.

mod support;

use std::sync::Arc;

use functions::records::{self, keys};
use functions::store::Query;
use mentoring::application::{MenteeApplication, MenteeForm, MenteeStatus};
use mentoring::waitlist::{Offer, OfferStatus, Vacancy, VacancyStatus};
use support::app::{TestApp, CHAIR};

app_cases!(
    two_places_freed_at_once_go_to_the_first_two_once,
    bad_answers_change_nothing,
);

/// `n` accepted mentees `A01..` and `w` waitlisted `W01..` (places 1..=w).
async fn seed(t: &TestApp, accepted: usize, waitlisted: usize) {
    t.add_committee().await;
    let mut ordinal = 0u64;
    let mut put = |id: String, status: MenteeStatus| {
        ordinal += 1;
        (
            id.clone(),
            MenteeApplication {
                cohort: "2008".into(),
                member_id: id,
                form: MenteeForm {
                    goals: "Grow as a leader.".into(),
                    ..MenteeForm::default()
                },
                submitted_at: t.clock_now() + chrono::Duration::seconds(ordinal as i64),
                ordinal: Some(ordinal),
                status,
            },
        )
    };
    let mut apps = Vec::new();
    for i in 1..=accepted {
        apps.push(put(format!("A{i:02}"), MenteeStatus::Accepted));
    }
    for i in 1..=waitlisted {
        apps.push(put(
            format!("W{i:02}"),
            MenteeStatus::Waitlisted { place: i as u32 },
        ));
    }
    for (id, app) in apps {
        t.add_member(&id, "2007-06-01").await;
        t.app
            .store
            .put(records::mentee_app_item(&app), None)
            .await
            .unwrap();
    }
}

async fn stored_offers(t: &TestApp) -> Vec<Offer> {
    t.app
        .store
        .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::OFFER_PREFIX))
        .await
        .unwrap()
        .iter()
        .map(|i| records::read(i).unwrap())
        .collect()
}

async fn stored_vacancies(t: &TestApp) -> Vec<Vacancy> {
    t.app
        .store
        .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::VACANCY_PREFIX))
        .await
        .unwrap()
        .iter()
        .map(|i| records::read(i).unwrap())
        .collect()
}

async fn status_of(t: &TestApp, member: &str) -> MenteeStatus {
    let a: MenteeApplication =
        records::get(t.app.store.as_ref(), &keys::mentee_app("2008", member))
            .await
            .unwrap()
            .unwrap();
    a.status
}

fn offer_mails(t: &TestApp, member: &str) -> usize {
    t.sent_to(member)
        .iter()
        .filter(|m| m.subject.contains("a mentee place is offered to you"))
        .count()
}

mod cases {
    use super::*;

    pub async fn two_places_freed_at_once_go_to_the_first_two_once(t: TestApp) {
        seed(&t, 25, 10).await;
        let t = Arc::new(t);
        let mut tasks = tokio::task::JoinSet::new();
        for who in ["A03", "A17"] {
            let t = Arc::clone(&t);
            let req = t.as_member(who).post_json(
                &format!("/api/applications/mentee-{who}/withdraw"),
                &serde_json::json!({}),
            );
            tasks.spawn(async move { t.send(req).await });
        }
        for r in tasks.join_all().await {
            let v = r.expect(200).json();
            assert_eq!(v["status"]["state"], "withdrawn", "{v}");
            assert_eq!(v["frees_place"], true);
        }
        let offers = stored_offers(&t).await;
        let mut offered: Vec<&str> = offers.iter().map(|o| o.member_id.as_str()).collect();
        offered.sort_unstable();
        assert_eq!(offered, ["W01", "W02"], "exactly the first two, each once");
        let vacancies = stored_vacancies(&t).await;
        assert_eq!(vacancies.len(), 2);
        let mut holders: Vec<String> = vacancies
            .iter()
            .map(|v| match &v.status {
                VacancyStatus::Offered { member_id } => member_id.clone(),
                other => panic!("vacancy not offered: {other:?}"),
            })
            .collect();
        holders.sort();
        assert_eq!(holders, ["W01", "W02"], "two places, two people");
        for w in 1..=10 {
            let who = format!("W{w:02}");
            assert_eq!(offer_mails(&t, &who), usize::from(w <= 2), "{who}");
        }
        // The withdrawn are told too.
        assert_eq!(t.sent_to("A03").len(), 1);

        // W01 confirms: accepted, a mentee now.
        let o1 = offers.iter().find(|o| o.member_id == "W01").unwrap();
        let r = t
            .send(t.as_member("W01").post_json(
                &format!("/api/offers/{}/confirm", o1.id),
                &serde_json::json!({}),
            ))
            .await;
        assert_eq!(r.expect(200).json()["status"]["state"], "accepted");
        assert_eq!(status_of(&t, "W01").await, MenteeStatus::Accepted);
        let me = t
            .send(t.as_member("W01").get("/api/me"))
            .await
            .expect(200)
            .json();
        assert!(
            me["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "mentee"),
            "{me}"
        );

        // W02 lets the offer expire; two scheduler runs at once pass it on once.
        t.set_time("2008-03-10T15:00:01Z");
        let (a, b) = tokio::join!(
            functions::scheduler::tick(&t.app, t.clock_now()),
            functions::scheduler::tick(&t.app, t.clock_now())
        );
        assert_eq!(a.offers_expired + b.offers_expired, 1, "{a}\n{b}");
        assert_eq!(a.places_offered + b.places_offered, 1, "{a}\n{b}");
        let offers = stored_offers(&t).await;
        let state_of = |m: &str| {
            offers
                .iter()
                .find(|o| o.member_id == m)
                .map(|o| o.status.name())
        };
        assert_eq!(state_of("W01"), Some("confirmed"));
        assert_eq!(state_of("W02"), Some("expired"));
        assert_eq!(state_of("W03"), Some("open"));
        assert_eq!(offers.len(), 3);
        assert_eq!(offer_mails(&t, "W03"), 1);
        assert_eq!(offer_mails(&t, "W02"), 1, "no second offer to W02");
        assert!(t
            .sent_to("W02")
            .iter()
            .any(|m| m.subject.contains("has passed on")));
        assert!(matches!(
            status_of(&t, "W02").await,
            MenteeStatus::Waitlisted { place: 2 }
        ));
        // A third run changes nothing.
        let c = functions::scheduler::tick(&t.app, t.clock_now()).await;
        assert_eq!((c.offers_expired, c.places_offered), (0, 0));
        assert_eq!(stored_offers(&t).await.len(), 3);
    }

    pub async fn bad_answers_change_nothing(t: TestApp) {
        seed(&t, 25, 3).await;
        t.send(t.as_member("A01").post_json(
            "/api/applications/mentee-A01/withdraw",
            &serde_json::json!({}),
        ))
        .await
        .expect(200);
        let before = stored_offers(&t).await;
        assert_eq!(before.len(), 1);
        let offer = before[0].clone();
        assert_eq!(offer.member_id, "W01");

        // Withdrawing twice: 409, nothing changed.
        let p = t
            .send(t.as_member("A01").post_json(
                "/api/applications/mentee-A01/withdraw",
                &serde_json::json!({}),
            ))
            .await
            .expect_problem(409);
        assert!(
            p["detail"].as_str().unwrap().contains("already withdrawn"),
            "{p}"
        );
        assert_eq!(stored_vacancies(&t).await.len(), 1);
        // Someone else's application: 403.
        let p = t
            .send(t.as_member("A02").post_json(
                "/api/applications/mentee-A05/withdraw",
                &serde_json::json!({}),
            ))
            .await
            .expect_problem(403);
        assert!(p["detail"].as_str().unwrap().contains("applicant"), "{p}");
        assert_eq!(status_of(&t, "A05").await, MenteeStatus::Accepted);

        // Another member's offer: 403.
        let p = t
            .send(t.as_member("W02").post_json(
                &format!("/api/offers/{}/confirm", offer.id),
                &serde_json::json!({}),
            ))
            .await
            .expect_problem(403);
        assert!(
            p["detail"].as_str().unwrap().contains("another member"),
            "{p}"
        );
        assert!(matches!(
            status_of(&t, "W02").await,
            MenteeStatus::Waitlisted { .. }
        ));
        // No such offer: 404.
        t.send(
            t.as_member("W01")
                .post_json("/api/offers/nope/confirm", &serde_json::json!({})),
        )
        .await
        .expect_problem(404);

        // The committee can't accept over the cap without a reason.
        let p = t
            .send(t.as_member(CHAIR).post_json(
                "/api/applications/mentee-W03/approve",
                &serde_json::json!({}),
            ))
            .await
            .expect_problem(409);
        assert_eq!(p["code"], "limit_reached", "{p}");
        assert!(p["detail"].as_str().unwrap().contains("reason"), "{p}");
        assert!(matches!(
            status_of(&t, "W03").await,
            MenteeStatus::Waitlisted { place: 3 }
        ));

        // With a reason, the override goes through and is audited.
        t.send(t.as_member(CHAIR).post_json(
            "/api/applications/mentee-W03/approve",
            &serde_json::json!({"override_reason": "A mentor offered to take a second mentee."}),
        ))
        .await
        .expect(200);
        assert_eq!(status_of(&t, "W03").await, MenteeStatus::Accepted);
        let audit = functions::audit::recent(t.app.store.as_ref(), "2008", 5)
            .await
            .unwrap();
        let entry = audit
            .iter()
            .find(|i| i.get_str("action") == Some("approve_application"))
            .expect("audited");
        let detail = records::value_to_json(entry.get("detail").unwrap());
        assert_eq!(
            detail["override_reason"],
            "A mentor offered to take a second mentee."
        );
        assert_eq!(entry.get_str("actor"), Some(CHAIR));

        // An expired offer (the scheduler has not run yet): 410.
        t.set_time("2008-03-10T15:00:01Z");
        let p = t
            .send(t.as_member("W01").post_json(
                &format!("/api/offers/{}/confirm", offer.id),
                &serde_json::json!({}),
            ))
            .await
            .expect_problem(410);
        assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
        assert!(matches!(
            status_of(&t, "W01").await,
            MenteeStatus::Waitlisted { place: 1 }
        ));
        let after = stored_offers(&t).await;
        assert_eq!(after, before, "nothing changed");
        assert_eq!(after[0].status, OfferStatus::Open);
    }
}
