//! Bad input for every endpoint, against both stores: missing, extra,
//! oversized and wrongly typed fields, unknown survey choices, a 65 KiB
//! body, a reused consent token, wrong methods, anonymous callers and
//! wrong roles. Every error is `application/problem+json` naming the field.

mod support;

use functions::router::ROUTES;
use serde_json::{json, Value};
use support::app::{mentee_form, mentor_form, Resp, TestApp, CHAIR, COMMITTEE, STAFF};

app_cases!(
    limits_methods_and_sign_in,
    applications,
    nominations_and_consent,
    matches,
    duos,
    surveys_and_me,
);

/// Asserts a 400 naming `field` among its errors.
#[track_caller]
fn bad(r: &Resp, field: &str) {
    let v = r.expect_problem(400);
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&field),
        "expected an error on {field}, got {v}"
    );
    for e in v["errors"].as_array().unwrap() {
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

/// A mentor (approved) and a mentee (accepted), and the mentee's request.
async fn with_request(t: &TestApp) -> String {
    t.add_committee().await;
    t.sample_mentor("R4001").await;
    t.sample_mentee("E3001").await;
    t.match_request("E3001", "R4001").await
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

mod cases {
    use super::*;

    pub async fn limits_methods_and_sign_in(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        let caller = t.as_member("E3001");
        for route in ROUTES {
            let path = route.path.replace("{id}", "x");
            // Anonymous: 401.
            let anon = match route.method {
                "GET" => t.anonymous().get(&path),
                _ => t.anonymous().post_json(&path, &json!({})),
            };
            t.send(anon).await.expect_problem(401);
            // Wrong method: 405 with Allow.
            let r = t.send(caller.request("DELETE", &path)).await;
            r.expect_problem(405);
            assert!(r.header("allow").unwrap().contains(route.method));
            // Over 64 KiB: 413.
            if route.method == "POST" {
                let mut big = b"{\"x\": \"".to_vec();
                big.extend(std::iter::repeat_n(b'a', 65 * 1024));
                big.extend(b"\"}");
                let r = t
                    .send(caller.post_raw(&path, "application/json", big))
                    .await;
                r.expect_problem(413);
            }
        }
        // Unknown path: 404; a form to a JSON-only route: 415; XML: 415.
        t.send(caller.get("/api/nothing-here"))
            .await
            .expect_problem(404);
        t.send(caller.post_raw("/api/applications", "text/xml", b"<a/>".to_vec()))
            .await
            .expect_problem(415);
        // Malformed JSON: 400 naming the body.
        let r = t
            .send(caller.post_raw(
                "/api/applications",
                "application/json",
                b"{\"side\":".to_vec(),
            ))
            .await;
        bad(&r, "body");
        // No Origin: the CSRF check refuses.
        let mut req = caller.post_json("/api/applications", &mentee_form());
        req.headers_mut().remove("origin");
        t.send(req).await.expect_problem(403);
        // A wrong CSRF token: refused.
        let mut req = caller.post_json("/api/applications", &mentee_form());
        req.headers_mut()
            .insert("x-csrf-token", "nope".parse().unwrap());
        t.send(req).await.expect_problem(403);
        // A tampered cookie is anonymous.
        let mut req = caller.get("/api/me");
        let cookie = req.headers()["cookie"].to_str().unwrap().to_owned();
        req.headers_mut()
            .insert("cookie", format!("{cookie}x").parse().unwrap());
        t.send(req).await.expect_problem(401);
        // A bad Idempotency-Key: 400.
        let mut req = caller.post_json("/api/applications", &mentee_form());
        req.headers_mut()
            .insert("idempotency-key", "has space".parse().unwrap());
        bad(&t.send(req).await, "Idempotency-Key");
    }

    pub async fn applications(t: TestApp) {
        t.add_committee().await;
        t.add_member("E3001", "2007-09-01").await;
        t.add_member("R4001", "1990-01-01").await;
        let me = t.as_member("E3001");
        let post = |body: Value| me.post_json("/api/applications", &body);
        bad(&t.send(post(json!({"goals": "x"}))).await, "side");
        bad(
            &t.send(post(json!({"side": "boss", "goals": "x"}))).await,
            "side",
        );
        bad(&t.send(post(json!({"side": 1}))).await, "side");
        bad(&t.send(post(json!({"side": "mentee"}))).await, "goals");
        bad(
            &t.send(post(with(mentee_form(), "extra", json!(1)))).await,
            "extra",
        );
        bad(
            &t.send(post(with(mentee_form(), "goals", json!("g".repeat(2001)))))
                .await,
            "goals",
        );
        bad(
            &t.send(post(with(mentee_form(), "goals", json!(42)))).await,
            "goals",
        );
        bad(
            &t.send(post(with(
                mentee_form(),
                "interests",
                json!("budgeting-and-finance"),
            )))
            .await,
            "interests",
        );
        bad(
            &t.send(post(with(mentee_form(), "interests", json!(["knitting"]))))
                .await,
            "interests",
        );
        let mentor = t.as_member("R4001");
        let mpost = |body: Value| mentor.post_json("/api/applications", &body);
        bad(
            &t.send(mpost(with(
                mentor_form(),
                "years_involvement",
                json!("many"),
            )))
            .await,
            "years_involvement",
        );
        bad(
            &t.send(mpost(with(mentor_form(), "years_involvement", json!(-1))))
                .await,
            "years_involvement",
        );
        bad(
            &t.send(mpost(with(mentor_form(), "years_involvement", json!(1))))
                .await,
            "years_involvement",
        );
        bad(
            &t.send(mpost(with(mentor_form(), "expertise", json!([]))))
                .await,
            "expertise",
        );
        bad(
            &t.send(mpost(with(mentor_form(), "bio", json!("b".repeat(5001)))))
                .await,
            "bio",
        );
        bad(
            &t.send(mpost(with(mentor_form(), "goals", json!("x"))))
                .await,
            "goals",
        );
        // Not a first-year member: 403 not_eligible.
        let r = t.send(mpost(mentee_form())).await;
        assert_eq!(r.expect_problem(403)["code"], "not_eligible");
        // Twice: 409.
        t.send(post(mentee_form())).await.expect(201);
        assert_eq!(
            t.send(post(mentee_form())).await.expect_problem(409)["code"],
            "duplicate"
        );
        // Not in the roster: no session is honoured (401; sign-in refuses
        // such a member too).
        t.send(
            t.as_member("Z9999")
                .post_json("/api/applications", &mentee_form()),
        )
        .await
        .expect_problem(401);
        // Closed outside the window.
        t.set_time("2008-07-01T12:00:00Z");
        assert_eq!(
            t.send(mpost(mentor_form())).await.expect_problem(409)["code"],
            "closed"
        );
        t.set_time(support::app::START);
        // Listing: committee only; no unknown parameters; unknown cohort 404.
        t.send(me.get("/api/applications"))
            .await
            .expect_problem(403);
        let chair = t.as_member(CHAIR);
        bad(
            &t.send(chair.get("/api/applications?sort=name")).await,
            "sort",
        );
        t.send(chair.get("/api/applications?cohort=1999"))
            .await
            .expect_problem(404);
        // Deciding: committee only; unknown ids; extra fields; wrong types;
        // a second decision 409.
        t.send(mentor.post_json("/api/applications", &mentor_form()))
            .await
            .expect(201);
        let approve = |id: &str, body: Value| {
            chair.post_json(&format!("/api/applications/{id}/approve"), &body)
        };
        t.send(me.post_json("/api/applications/mentor-R4001/approve", &json!({})))
            .await
            .expect_problem(403);
        t.send(approve("mentor-NOBODY", json!({})))
            .await
            .expect_problem(404);
        t.send(approve("garbage", json!({})))
            .await
            .expect_problem(404);
        bad(
            &t.send(approve("mentor-R4001", json!({"why": "x"}))).await,
            "why",
        );
        bad(
            &t.send(approve("mentor-R4001", json!({"cohort": 2008})))
                .await,
            "cohort",
        );
        bad(
            &t.send(approve("mentor-R4001", json!({"cohort": "1999"})))
                .await,
            "cohort",
        );
        t.send(approve("mentor-R4001", json!({}))).await.expect(200);
        assert_eq!(
            t.send(approve("mentor-R4001", json!({})))
                .await
                .expect_problem(409)["code"],
            "invalid_transition"
        );
        let r = t
            .send(
                t.as_member(COMMITTEE[0])
                    .post_json("/api/applications/mentee-E3001/decline", &json!({})),
            )
            .await;
        r.expect_problem(409);
        t.send(
            t.as_member(STAFF)
                .post_json("/api/applications/mentee-E3001/decline", &json!({})),
        )
        .await
        .expect_problem(403);
    }

    pub async fn nominations_and_consent(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        t.add_member("R4001", "1990-01-01").await;
        let me = t.as_member("E3001");
        let post = |body: Value| me.post_json("/api/nominations", &body);
        bad(&t.send(post(json!({"nominee_id": "R4001"}))).await, "kind");
        bad(
            &t.send(post(json!({"nominee_id": "R4001", "kind": "boss"})))
                .await,
            "kind",
        );
        bad(
            &t.send(post(json!({"nominee_id": 4001, "kind": "mentor"})))
                .await,
            "nominee_id",
        );
        bad(&t.send(post(json!({"kind": "mentor"}))).await, "nominee_id");
        bad(
            &t.send(post(
                json!({"nominee_id": "R".repeat(200), "kind": "mentor"}),
            ))
            .await,
            "nominee_id",
        );
        bad(
            &t.send(post(json!({"nominee_id": "E3001", "kind": "mentor"})))
                .await,
            "nominee_id",
        );
        bad(
            &t.send(post(
                json!({"nominee_id": "R4001", "kind": "mentor", "cc": "x"}),
            ))
            .await,
            "cc",
        );
        bad(
            &t.send(post(
                json!({"nominee_id": "R4001", "kind": "mentor", "message": "m".repeat(1001)}),
            ))
            .await,
            "message",
        );
        // An id that is no member's: answered as any nomination (nothing
        // said about the roster), and nothing is sent.
        t.send(post(json!({"nominee_id": "NOBODY", "kind": "mentor"})))
            .await
            .expect(202);
        // Only an accepted mentee nominates a would-be mentor.
        let r = t
            .send(post(
                json!({"nominee_id": "R4001", "kind": "would_be_mentor"}),
            ))
            .await;
        assert_eq!(r.expect_problem(403)["code"], "forbidden");
        // An old member cannot be nominated as a mentee: the nominator is
        // not told, and no mail goes out.
        t.send(post(json!({"nominee_id": "R4001", "kind": "mentee"})))
            .await
            .expect(202);
        assert!(t.sent_to("R4001").is_empty());

        // Consent (another nominator: one nomination per pair).
        t.add_member("E3002", "2007-09-01").await;
        t.send(t.as_member("E3002").post_json(
            "/api/nominations",
            &json!({"nominee_id": "R4001", "kind": "mentor"}),
        ))
        .await
        .expect(202);
        let mail = t.sent_to("R4001").pop().unwrap();
        let token = mail
            .text
            .split("token=")
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_owned();
        let nominee = t.as_member("R4001");
        let consent = |body: Value| nominee.post_json("/api/nominations/consent", &body);
        bad(&t.send(consent(json!({}))).await, "token");
        bad(&t.send(consent(json!({"token": 5}))).await, "token");
        bad(
            &t.send(consent(json!({"token": "t".repeat(300)}))).await,
            "token",
        );
        bad(
            &t.send(consent(json!({"token": token, "answer": "maybe"})))
                .await,
            "answer",
        );
        bad(
            &t.send(consent(json!({"token": token, "extra": true})))
                .await,
            "extra",
        );
        t.send(consent(json!({"token": "0".repeat(64)})))
            .await
            .expect_problem(404);
        t.send(consent(json!({"token": token}))).await.expect(200);
        let r = t.send(consent(json!({"token": token}))).await;
        assert_eq!(r.expect_problem(409)["code"], "token_used");
        // The form version of a reused token: an HTML page, same status.
        let r = t
            .send(nominee.post_form("/api/nominations/consent", &[("token", &token)]))
            .await;
        r.expect(409);
        assert!(r.text().contains("already used"));
    }

    pub async fn matches(t: TestApp) {
        let id = with_request(&t).await;
        t.add_member("P5001", "2001-01-01").await;
        t.add_member("R4002", "1990-01-01").await;
        let mentee = t.as_member("E3001");
        let post = |body: Value| mentee.post_json("/api/matches", &body);
        bad(
            &t.send(post(json!({"mentor_id": "R4001"}))).await,
            "message",
        );
        bad(&t.send(post(json!({"message": "x"}))).await, "mentor_id");
        bad(
            &t.send(post(
                json!({"mentor_id": "R4001", "message": "x", "extra": 1}),
            ))
            .await,
            "extra",
        );
        bad(
            &t.send(post(json!({"mentor_id": ["R4001"], "message": "x"})))
                .await,
            "mentor_id",
        );
        bad(
            &t.send(post(
                json!({"mentor_id": "R4001", "message": "m".repeat(1001)}),
            ))
            .await,
            "message",
        );
        bad(
            &t.send(post(json!({"mentor_id": "R".repeat(200), "message": "x"})))
                .await,
            "mentor_id",
        );
        bad(
            &t.send(post(json!({"mentor_id": "E3001", "message": "x"})))
                .await,
            "mentor_id",
        );
        // A member who is not a listed mentor: 404; a duplicate: 409.
        t.send(post(json!({"mentor_id": "R4002", "message": "x"})))
            .await
            .expect_problem(404);
        let r = t
            .send(post(json!({"mentor_id": "R4001", "message": "again"})))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "duplicate");
        // Not a mentee: 403.
        t.send(t.as_member("P5001").post_json(
            "/api/matches",
            &json!({"mentor_id": "R4001", "message": "x"}),
        ))
        .await
        .expect_problem(403);
        // At most 3 pending.
        for m in ["R4011", "R4012", "R4013"] {
            t.sample_mentor(m).await;
        }
        t.send(post(json!({"mentor_id": "R4011", "message": "x"})))
            .await
            .expect(201);
        t.send(post(json!({"mentor_id": "R4012", "message": "x"})))
            .await
            .expect(201);
        let r = t
            .send(post(json!({"mentor_id": "R4013", "message": "x"})))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "limit_reached");

        // Answers.
        let mentor = t.as_member("R4001");
        let act = |who: &support::app::Caller, what: &str, id: &str, body: Value| {
            who.post_json(&format!("/api/matches/{id}/{what}"), &body)
        };
        t.send(act(&mentor, "accept", "nope", json!({})))
            .await
            .expect_problem(404);
        bad(
            &t.send(act(&mentor, "accept", &id, json!({"extra": 1})))
                .await,
            "extra",
        );
        bad(
            &t.send(act(&mentor, "decline", &id, json!({"reason": 5})))
                .await,
            "reason",
        );
        bad(
            &t.send(act(
                &mentor,
                "decline",
                &id,
                json!({"reason": "r".repeat(501)}),
            ))
            .await,
            "reason",
        );
        bad(
            &t.send(act(&mentee, "withdraw", &id, json!({"reason": "x"})))
                .await,
            "reason",
        );
        // Another mentor cannot answer it; the mentor cannot withdraw it.
        let r4011 = t.as_member("R4011");
        let r = t.send(act(&r4011, "accept", &id, json!({}))).await;
        assert_eq!(r.expect_problem(403)["code"], "forbidden");
        t.send(act(&r4011, "decline", &id, json!({})))
            .await
            .expect_problem(403);
        t.send(act(&mentor, "withdraw", &id, json!({})))
            .await
            .expect_problem(403);
        // After the matching deadline: closed (a request made just before it
        // cannot be accepted after it, nor a new one made).
        t.set_time("2008-06-10T12:00:00Z");
        let late = t
            .send(post(json!({"mentor_id": "R4013", "message": "x"})))
            .await;
        let late = late.expect(201).json()["id"].as_str().unwrap().to_owned();
        t.set_time("2008-06-14T12:00:00Z");
        let r = t
            .send(act(&t.as_member("R4013"), "accept", &late, json!({})))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "closed");
        let r = t
            .send(post(json!({"mentor_id": "R4011", "message": "x"})))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "closed");
        // An unanswered request expires after 14 days: 410.
        let r = t.send(act(&mentor, "decline", &id, json!({}))).await;
        assert_eq!(r.expect_problem(410)["code"], "expired");
        t.set_time(support::app::START);
        t.send(act(&mentor, "accept", &id, json!({})))
            .await
            .expect(200);
        let r = t.send(act(&mentor, "decline", &id, json!({}))).await;
        assert_eq!(r.expect_problem(409)["code"], "invalid_transition");
        // Listing own requests: mentees and mentors only.
        t.send(t.as_member("P5001").get("/api/matches"))
            .await
            .expect_problem(403);
        t.send(mentee.get("/api/matches")).await.expect(200);
    }

    pub async fn duos(t: TestApp) {
        let id = with_request(&t).await;
        let r = t
            .send(
                t.as_member("R4001")
                    .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
            )
            .await;
        let duo = r.expect(200).json()["duo"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // Listing: committee, chair, staff; not a mentee.
        t.send(t.as_member("E3001").get("/api/duos"))
            .await
            .expect_problem(403);
        bad(&t.send(t.as_member(STAFF).get("/api/duos?x=1")).await, "x");
        // Liaison: chair only; must be a committee member; types.
        let chair = t.as_member(CHAIR);
        let path = format!("/api/duos/{duo}/liaison");
        t.send(t.as_member(COMMITTEE[0]).post_json(&path, &json!({})))
            .await
            .expect_problem(403);
        bad(
            &t.send(chair.post_json(&path, &json!({"liaison_id": "E3001"})))
                .await,
            "liaison_id",
        );
        bad(
            &t.send(chair.post_json(&path, &json!({"liaison_id": "P5001"})))
                .await,
            "liaison_id",
        );
        bad(
            &t.send(chair.post_json(&path, &json!({"liaison_id": 1002})))
                .await,
            "liaison_id",
        );
        bad(
            &t.send(chair.post_json(&path, &json!({"liaison_id": "M".repeat(300)})))
                .await,
            "liaison_id",
        );
        bad(
            &t.send(chair.post_json(&path, &json!({"liaison": "M1002"})))
                .await,
            "liaison",
        );
        t.send(chair.post_json("/api/duos/nope/liaison", &json!({})))
            .await
            .expect_problem(404);
        // Ending early: one of the pair, with a reason.
        let end = format!("/api/duos/{duo}/end");
        bad(
            &t.send(t.as_member("E3001").post_json(&end, &json!({})))
                .await,
            "reason",
        );
        bad(
            &t.send(t.as_member("E3001").post_json(&end, &json!({"reason": 3})))
                .await,
            "reason",
        );
        bad(
            &t.send(
                t.as_member("E3001")
                    .post_json(&end, &json!({"reason": "r".repeat(2001)})),
            )
            .await,
            "reason",
        );
        bad(
            &t.send(
                t.as_member("E3001")
                    .post_json(&end, &json!({"reason": "x", "at": "now"})),
            )
            .await,
            "at",
        );
        t.send(chair.post_json(&end, &json!({"reason": "x"})))
            .await
            .expect_problem(403);
        t.send(
            t.as_member("E3001")
                .post_json("/api/duos/nope/end", &json!({"reason": "x"})),
        )
        .await
        .expect_problem(404);
    }

    pub async fn surveys_and_me(t: TestApp) {
        let id = with_request(&t).await;
        t.send(
            t.as_member("R4001")
                .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
        )
        .await
        .expect(200);
        let mentee = t.as_member("E3001");
        let answer = |survey: &str, body: Value| {
            mentee.post_json(&format!("/api/surveys/{survey}/responses"), &body)
        };
        let good = json!({
            "role": "Mentee",
            "meeting_frequency": "About once a month",
            "meeting_modes": ["Phone"],
            "satisfaction": 4,
            "goals_progress": 3
        });
        // Not open yet: closed.
        let r = t.send(answer("midpoint", json!({"answers": good}))).await;
        assert_eq!(r.expect_problem(409)["code"], "closed");
        t.set_time("2008-11-18T12:00:00Z");
        t.send(answer("nope", json!({"answers": good})))
            .await
            .expect_problem(404);
        bad(&t.send(answer("midpoint", json!({}))).await, "answers");
        bad(
            &t.send(answer("midpoint", json!({"answers": good, "x": 1})))
                .await,
            "x",
        );
        bad(
            &t.send(answer("midpoint", json!({"answers": "yes"}))).await,
            "answers",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "satisfaction", json!(true))}),
            ))
            .await,
            "answers.satisfaction",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "meeting_frequency", json!("Daily"))}),
            ))
            .await,
            "meeting_frequency",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "meeting_modes", json!(["Telepathy"]))}),
            ))
            .await,
            "meeting_modes",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "satisfaction", json!(9))}),
            ))
            .await,
            "satisfaction",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "favourite_colour", json!("blue"))}),
            ))
            .await,
            "favourite_colour",
        );
        bad(
            &t.send(answer(
                "midpoint",
                json!({"answers": with(good.clone(), "help_needed", json!("h".repeat(2001)))}),
            ))
            .await,
            "help_needed",
        );
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove("role");
        bad(
            &t.send(answer("midpoint", json!({"answers": missing})))
                .await,
            "role",
        );
        // A plain form with an unknown choice: 400 HTML.
        let r = t
            .send(mentee.post_form(
                "/api/surveys/midpoint/responses",
                &[
                    ("role", "Mentee"),
                    ("meeting_frequency", "Hourly"),
                    ("meeting_modes", "Phone"),
                    ("satisfaction", "4"),
                    ("goals_progress", "3"),
                ],
            ))
            .await;
        r.expect(400);
        assert!(r.text().contains("<strong>meeting_frequency</strong>"));
        t.send(answer("midpoint", json!({"answers": good})))
            .await
            .expect(201);
        assert_eq!(
            t.send(answer("midpoint", json!({"answers": good})))
                .await
                .expect_problem(409)["code"],
            "duplicate"
        );
        // Members outside the program, the committee: not for them.
        t.add_member("P5001", "2001-01-01").await;
        t.send(
            t.as_member("P5001")
                .post_json("/api/surveys/midpoint/responses", &json!({"answers": good})),
        )
        .await
        .expect_problem(403);
        // Stats: committee only; unknown survey 404; unknown parameter 400.
        t.send(mentee.get("/api/surveys/midpoint/stats"))
            .await
            .expect_problem(403);
        t.send(t.as_member(STAFF).get("/api/surveys/nope/stats"))
            .await
            .expect_problem(404);
        bad(
            &t.send(t.as_member(STAFF).get("/api/surveys/midpoint/stats?by=day"))
                .await,
            "by",
        );
        t.send(
            t.as_member(STAFF)
                .get("/api/surveys/midpoint/stats?cohort=1999"),
        )
        .await
        .expect_problem(404);
        // Me: GET only; alumni: types.
        t.send(mentee.request("POST", "/api/me"))
            .await
            .expect_problem(405);
        bad(
            &t.send(mentee.post_json("/api/alumni", &json!({"join": "perhaps"})))
                .await,
            "join",
        );
        bad(
            &t.send(mentee.post_json("/api/alumni", &json!({"join": true, "x": 1})))
                .await,
            "x",
        );
        t.send(mentee.post_json("/api/alumni", &json!({"join": true})))
            .await
            .expect(200);
        t.send(t.as_member("P5001").post_json("/api/alumni", &json!({})))
            .await
            .expect_problem(403);
    }
}
