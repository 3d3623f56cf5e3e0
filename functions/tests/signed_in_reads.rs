//! Who a request comes from — the session's sign-out mark, the roster entry
//! and the caller's applications in every cohort in view — is read in one
//! store round trip ([`functions::roles::signed_in`]), on both stores, and
//! decides what it decided when it took one read after another: refused,
//! off the roster, and the roles of a member in two cohorts at once.

mod support;

use support::app::TestApp;

app_cases!(
    who_is_asking_costs_one_round_trip,
    roles_of_two_cohorts_in_view_come_from_the_same_read,
);

/// The member's roles in a `GET /api/me` reply.
fn roles(reply: &serde_json::Value) -> Vec<String> {
    reply["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| r.as_str().expect("a role").to_owned())
        .collect()
}

mod cases {
    use super::*;
    use std::sync::Arc;

    pub async fn who_is_asking_costs_one_round_trip(t: TestApp) {
        t.add_committee().await;
        t.add_member("E3001", "2007-09-01").await;
        let store = Arc::clone(&t.app.store);

        // A member who may not list applications: refused after one read.
        let before = store.stats();
        t.send(t.as_member("E3001").get("/api/applications"))
            .await
            .expect_problem(403);
        assert_eq!(store.stats().since(&before).requests, 1);

        // The chair may: the same one read gave them their role.
        let before = store.stats();
        t.send(t.as_member(support::app::CHAIR).get("/api/applications"))
            .await
            .expect(200);
        let used = store.stats().since(&before);
        assert!(used.requests >= 2, "the list itself is read too: {used:?}");

        // A member with no application anywhere: `GET /api/me` is that one
        // read and the query of their nominations; no cohort's match
        // requests are read, as none can be theirs.
        let before = store.stats();
        let me = t
            .send(t.as_member("E3001").get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(store.stats().since(&before).requests, 2);
        assert_eq!(
            me["requests"],
            serde_json::json!({"sent": [], "received": []})
        );
        assert_eq!(me["nominations"], serde_json::json!([]));

        // Not on the roster: 401, after the same one read.
        let before = store.stats();
        t.send(t.as_member("E9999").get("/api/me"))
            .await
            .expect_problem(401);
        assert_eq!(store.stats().since(&before).requests, 1);

        // An accepted mentee: `GET /api/me` names them from the roster
        // entry read with the session, and gives them the mentee role.
        t.accepted_mentee("E3002", "Lakeside Public Library", &["strategic-planning"])
            .await;
        let me = t
            .send(t.as_member("E3002").get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(me["name"], "Member E3002");
        assert_eq!(me["email"], "e3002@example.org");
        assert!(roles(&me).contains(&"mentee".to_owned()), "{me}");
        // (Signed out on the server, and off the roster or lapsed after an
        // import: security_findings.rs, on both stores.)
    }

    pub async fn roles_of_two_cohorts_in_view_come_from_the_same_read(t: TestApp) {
        t.add_committee().await;
        // 2008: R4001 listed as a mentor.
        t.approved_mentor(
            "R4001",
            "Riverside College Library",
            &["strategic-planning"],
        )
        .await;
        // January 2009: the 2008 duos still run while the 2009 cohort takes
        // applications; R4001 offers to mentor again.
        t.set_time("2009-01-20T15:00:00Z");
        t.send(
            t.as_member("R4001")
                .post_json("/api/applications", &support::app::mentor_form()),
        )
        .await
        .expect(201);
        let before = t.app.store.stats();
        let me = t
            .send(t.as_member("R4001").get("/api/me"))
            .await
            .expect(200)
            .json();
        let reads = t.app.store.stats().since(&before);
        let roles = roles(&me);
        assert!(roles.contains(&"mentor".to_owned()), "{me}");
        let cohorts: Vec<&str> = me["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["cohort"].as_str().unwrap())
            .collect();
        assert!(
            cohorts.contains(&"2008") && cohorts.contains(&"2009"),
            "{me}"
        );
        // One read for who is asking; the rest is the reply's own: match
        // requests per cohort, nominations, the duo's locks.
        assert!(reads.requests <= 5, "{reads:?}");
    }
}
