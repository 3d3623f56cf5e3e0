//! Rules that two concurrent requests could break, raced through
//! `router::handle` with real session cookies and CSRF headers, against the
//! embedded store and DynamoDB (moto):
//! - 200 concurrent mentee applications under a cap of 25: exactly 25
//!   accepted, 175 waitlisted with the places 1..=175, no duplicates;
//! - 50 concurrent accepts of 50 requests to one mentor: exactly one duo,
//!   every other request declined "mentor full";
//! - 20 concurrent retries with one `Idempotency-Key`: one record, the same
//!   response every time.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use functions::records::{self, keys};
use functions::store::Query;
use mentoring::application::{MenteeApplication, MenteeForm, MenteeStatus};
use mentoring::duo::Duo;
use mentoring::matching::{MatchRequest, MatchStatus, REASON_MENTOR_FULL};
use support::app::{mentee_form, mentor_form, TestApp, CHAIR};

app_cases!(
    cap_admits_exactly_25_of_200,
    one_mentor_accepts_one_of_50,
    idempotent_retries_make_one_record,
);

mod cases {
    use super::*;

    pub async fn cap_admits_exactly_25_of_200(t: TestApp) {
        t.add_committee().await;
        let members: Vec<String> = (1..=200).map(|i| format!("E{i:04}")).collect();
        let t = Arc::new(t);
        let mut seeding = tokio::task::JoinSet::new();
        for m in &members {
            let (t, m) = (Arc::clone(&t), m.clone());
            seeding.spawn(async move { t.add_member(&m, "2007-06-01").await });
        }
        seeding.join_all().await;
        let started = std::time::Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for m in &members {
            let t = Arc::clone(&t);
            let req = t
                .as_member(m)
                .post_json("/api/applications", &mentee_form());
            tasks.spawn(async move { t.send(req).await });
        }
        let mut accepted = 0;
        let mut places = Vec::new();
        let mut ordinals = BTreeSet::new();
        while let Some(r) = tasks.join_next().await {
            let r = r.expect("task");
            r.expect(201);
            let v = r.json();
            assert!(
                ordinals.insert(v["ordinal"].as_u64().expect("ordinal")),
                "{v}"
            );
            match v["status"]["state"].as_str() {
                Some("accepted") => accepted += 1,
                Some("waitlisted") => places.push(v["status"]["place"].as_u64().unwrap()),
                other => panic!("unexpected status {other:?}: {v}"),
            }
        }
        eprintln!("200 concurrent applications took {:?}", started.elapsed());
        assert_eq!(accepted, 25);
        places.sort_unstable();
        assert_eq!(places, (1..=175).collect::<Vec<u64>>());
        assert_eq!(ordinals, (1..=200).collect::<BTreeSet<u64>>());
        // What is stored agrees: one application per member, the counter at 200.
        let items = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::MENTEE_APP_PREFIX))
            .await
            .unwrap();
        assert_eq!(items.len(), 200);
        let apps: Vec<MenteeApplication> =
            items.iter().map(|i| records::read(i).unwrap()).collect();
        let who: BTreeSet<&str> = apps.iter().map(|a| a.member_id.as_str()).collect();
        assert_eq!(who.len(), 200);
        assert_eq!(
            apps.iter()
                .filter(|a| a.status == MenteeStatus::Accepted)
                .count(),
            25
        );
        for a in &apps {
            if let MenteeStatus::Waitlisted { place } = a.status {
                assert_eq!(u64::from(place) + 25, a.ordinal.unwrap());
            }
        }
        let counter = t
            .app
            .store
            .get(&keys::mentee_counter("2008"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(counter.get_i64("count"), Some(200));
        // The committee's listing shows them in arrival order.
        let list = t.send(t.as_member(CHAIR).get("/api/applications")).await;
        let list = list.expect(200).json();
        let listed: Vec<u64> = list["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["ordinal"].as_u64().unwrap())
            .collect();
        assert_eq!(listed, (1..=200).collect::<Vec<u64>>());
    }

    pub async fn one_mentor_accepts_one_of_50(t: TestApp) {
        t.add_committee().await;
        let mentor = "R4001";
        t.sample_mentor(mentor).await;
        // 50 accepted mentees (seeded: the cap admits only 25 by arrival).
        let mentees: Vec<String> = (1..=50).map(|i| format!("E{i:04}")).collect();
        for (i, m) in mentees.iter().enumerate() {
            t.add_member(m, "2007-06-01").await;
            let app = MenteeApplication {
                cohort: "2008".into(),
                member_id: m.clone(),
                form: MenteeForm {
                    goals: "Grow as a leader.".into(),
                    ..MenteeForm::default()
                },
                submitted_at: t.clock_now(),
                ordinal: Some(i as u64 + 1),
                status: MenteeStatus::Accepted,
            };
            t.app
                .store
                .put(records::mentee_app_item(&app), None)
                .await
                .unwrap();
        }
        let t = Arc::new(t);
        let mut asking = tokio::task::JoinSet::new();
        for m in &mentees {
            let t = Arc::clone(&t);
            let req = t.as_member(m).post_json(
                "/api/matches",
                &serde_json::json!({"mentor_id": mentor, "message": "Would you mentor me?"}),
            );
            asking.spawn(async move { t.send(req).await });
        }
        let ids: Vec<String> = asking
            .join_all()
            .await
            .iter()
            .map(|r| r.expect(201).json()["id"].as_str().unwrap().to_owned())
            .collect();
        let started = std::time::Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for id in &ids {
            let t = Arc::clone(&t);
            let req = t
                .as_member(mentor)
                .post_json(&format!("/api/matches/{id}/accept"), &serde_json::json!({}));
            let id = id.clone();
            tasks.spawn(async move { (id, t.send(req).await) });
        }
        let mut winners = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (id, r) = joined.expect("task");
            match r.status {
                200 => winners.push(id),
                409 => {
                    r.expect_problem(409);
                }
                other => panic!("unexpected {other}: {}", r.text()),
            }
        }
        eprintln!("50 concurrent accepts took {:?}", started.elapsed());
        assert_eq!(winners.len(), 1, "winners: {winners:?}");
        let winner = &winners[0];
        let duos: Vec<Duo> = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::DUO_PREFIX))
            .await
            .unwrap()
            .iter()
            .map(|i| records::read(i).unwrap())
            .collect();
        assert_eq!(duos.len(), 1);
        assert_eq!(duos[0].request_id.as_deref(), Some(winner.as_str()));
        let lock = t
            .app
            .store
            .get(&keys::mentor_lock("2008", mentor))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(lock.get_str("duo"), Some(duos[0].id.as_str()));
        let requests: Vec<MatchRequest> = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::MATCH_PREFIX))
            .await
            .unwrap()
            .iter()
            .map(|i| records::read(i).unwrap())
            .collect();
        assert_eq!(requests.len(), 50);
        for r in &requests {
            if &r.id == winner {
                assert!(matches!(r.status, MatchStatus::Accepted { .. }), "{r:?}");
            } else {
                match &r.status {
                    MatchStatus::Declined { reason, .. } => {
                        assert_eq!(reason.as_deref(), Some(REASON_MENTOR_FULL))
                    }
                    other => panic!("request {} ended {other:?}", r.id),
                }
            }
        }
        // Only one mentee holds a lock.
        let mut locked = 0;
        for m in &mentees {
            if t.app
                .store
                .get(&keys::mentee_lock("2008", m))
                .await
                .unwrap()
                .is_some()
            {
                locked += 1;
            }
        }
        assert_eq!(locked, 1);
    }

    pub async fn idempotent_retries_make_one_record(t: TestApp) {
        let me = "E0001";
        t.add_member(me, "2007-06-01").await;
        let body = serde_json::to_vec(&mentee_form()).unwrap();
        let t = Arc::new(t);
        let caller = t.as_member(me);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let t = Arc::clone(&t);
            let (caller, body) = (caller.clone(), body.clone());
            // As a client does: a 409 `in_progress` (the first request took
            // longer than the server waits, as on a loaded machine) is
            // retried shortly with the same key, until it replays.
            tasks.spawn(async move {
                let mut attempts = 0;
                loop {
                    let mut req =
                        caller.post_raw("/api/applications", "application/json", body.clone());
                    req.headers_mut()
                        .insert("idempotency-key", "5d7c1f0e-retry-key".parse().unwrap());
                    let r = t.send(req).await;
                    attempts += 1;
                    if r.status == 409 && r.text().contains("\"in_progress\"") && attempts < 10 {
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                        continue;
                    }
                    return r;
                }
            });
        }
        let mut responses = Vec::new();
        while let Some(r) = tasks.join_next().await {
            responses.push(r.expect("task"));
        }
        let first = &responses[0];
        first.expect(201);
        for r in &responses {
            assert_eq!(r.status, first.status, "{}", r.text());
            assert_eq!(r.body, first.body);
        }
        let replayed = responses
            .iter()
            .filter(|r| r.header("idempotent-replayed") == Some("true"))
            .count();
        assert_eq!(replayed, 19);
        let items = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::MENTEE_APP_PREFIX))
            .await
            .unwrap();
        assert_eq!(items.len(), 1);
        let counter = t
            .app
            .store
            .get(&keys::mentee_counter("2008"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(counter.get_i64("count"), Some(1));
        // The same key with another request is refused.
        let mut other = caller.post_json("/api/applications", &mentor_form());
        other
            .headers_mut()
            .insert("idempotency-key", "5d7c1f0e-retry-key".parse().unwrap());
        t.send(other).await.expect_problem(409);
        // A new key is a new request: a second mentee application is a duplicate.
        let mut again = caller.post_raw("/api/applications", "application/json", body);
        again
            .headers_mut()
            .insert("idempotency-key", "another-key".parse().unwrap());
        let v = t.send(again).await.expect_problem(409);
        assert_eq!(v["code"], "duplicate");
    }
}
