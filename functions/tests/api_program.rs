//! The API through the program, against both stores: the happy path (apply,
//! approve, request, accept, duo, liaison, survey answer, stats, me),
//! nominations and their consent link, plain form posts, and every (role,
//! route) pair of the route table.

mod support;

use functions::audit;
use functions::records::keys;
use functions::router::ROUTES;
use functions::store::Query;
use mentoring::permissions::{permitted, Role};
use serde_json::json;
use support::app::{mentee_form, mentor_form, TestApp, CHAIR, COMMITTEE, STAFF};

app_cases!(
    happy_path_through_the_program,
    nomination_and_single_use_consent,
    plain_form_posts_redirect_or_list_errors,
    every_role_and_route,
    decline_withdraw_and_end_early,
);

mod cases {
    use super::*;

    pub async fn happy_path_through_the_program(t: TestApp) {
        t.add_committee().await;
        let (mentor, mentee) = ("R4001", "E3001");
        t.add_member(mentor, "1990-01-01").await;
        t.add_member(mentee, "2007-09-01").await;

        // Apply, both sides.
        let r = t
            .send(
                t.as_member(mentor)
                    .post_json("/api/applications", &mentor_form()),
            )
            .await;
        let v = r.expect(201).json();
        assert_eq!(v["id"], "mentor-R4001");
        assert_eq!(v["status"], json!({"state": "submitted"}));
        let r = t
            .send(
                t.as_member(mentee)
                    .post_json("/api/applications", &mentee_form()),
            )
            .await;
        let v = r.expect(201).json();
        assert_eq!(v["status"], json!({"state": "accepted"}));
        assert_eq!(v["ordinal"], 1);
        assert_eq!(t.sent_to(mentee).len(), 1, "confirmation mail");

        // The committee sees both; the chair approves the mentor.
        let list = t
            .send(t.as_member(COMMITTEE[0]).get("/api/applications"))
            .await;
        let list = list.expect(200).json();
        let ids: Vec<&str> = list["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["mentee-E3001", "mentor-R4001"]);
        let r = t
            .send(
                t.as_member(CHAIR)
                    .post_json("/api/applications/mentor-R4001/approve", &json!({})),
            )
            .await;
        assert_eq!(r.expect(200).json()["status"], json!({"state": "approved"}));
        assert!(t.sent_to(mentor).last().unwrap().text.contains("approved"));

        // The mentee asks; the mentor is told and sees it.
        let r = t
            .send(t.as_member(mentee).post_json(
                "/api/matches",
                &json!({"mentor_id": mentor, "message": "I admire your work on budgets."}),
            ))
            .await;
        let request = r.expect(201).json();
        assert_eq!(request["status"], json!({"state": "pending"}));
        let id = request["id"].as_str().unwrap().to_owned();
        assert!(t
            .sent_to(mentor)
            .last()
            .unwrap()
            .text
            .contains("I admire your work"));
        let mine = t
            .send(t.as_member(mentor).get("/api/matches"))
            .await
            .expect(200)
            .json();
        assert_eq!(mine["received"][0]["id"], id.as_str());
        assert_eq!(mine["sent"], json!([]));

        // Accept: the duo.
        let r = t
            .send(
                t.as_member(mentor)
                    .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
            )
            .await;
        let accepted = r.expect(200).json();
        assert_eq!(accepted["match"]["status"]["state"], "accepted");
        let duo_id = accepted["duo"]["id"].as_str().unwrap().to_owned();
        assert!(t
            .sent_to(mentee)
            .last()
            .unwrap()
            .subject
            .contains("accepted"));
        let duos = t
            .send(t.as_member(STAFF).get("/api/duos"))
            .await
            .expect(200)
            .json();
        assert_eq!(duos["duos"][0]["id"], duo_id.as_str());
        assert_eq!(duos["duos"][0]["status"], json!({"state": "formed"}));

        // The chair lets the program pick the liaison: the least loaded
        // committee member, smallest id first.
        let r = t
            .send(
                t.as_member(CHAIR)
                    .post_json(&format!("/api/duos/{duo_id}/liaison"), &json!({})),
            )
            .await;
        assert_eq!(r.expect(200).json()["liaison_id"], COMMITTEE[0]);
        assert!(t
            .sent_to(COMMITTEE[0])
            .last()
            .unwrap()
            .subject
            .contains("liaison"));
        // ... or names one.
        let r = t
            .send(t.as_member(CHAIR).post_json(
                &format!("/api/duos/{duo_id}/liaison"),
                &json!({"liaison_id": COMMITTEE[1]}),
            ))
            .await;
        assert_eq!(r.expect(200).json()["liaison_id"], COMMITTEE[1]);

        // Mid-way: both answer the (anonymous) survey, once.
        t.set_time("2008-11-20T16:00:00Z");
        let answers = json!({"answers": {
            "role": "Mentee",
            "meeting_frequency": "About once a month",
            "meeting_modes": ["Phone", "E-mail"],
            "satisfaction": 4,
            "goals_progress": 3,
            "help_needed": "More events."
        }});
        let r = t
            .send(
                t.as_member(mentee)
                    .post_json("/api/surveys/midpoint/responses", &answers),
            )
            .await;
        let v = r.expect(201).json();
        assert_eq!(v["side"], "mentee");
        assert_eq!(v["anonymous"], true);
        let r = t
            .send(
                t.as_member(mentee)
                    .post_json("/api/surveys/midpoint/responses", &answers),
            )
            .await;
        assert_eq!(r.expect_problem(409)["code"], "duplicate");
        let r = t
            .send(t.as_member(mentor).post_form(
                "/api/surveys/midpoint/responses",
                &[
                    ("role", "Mentor"),
                    ("meeting_frequency", "About once a month"),
                    ("meeting_modes", "Phone"),
                    ("meeting_modes", "In person"),
                    ("satisfaction", "5"),
                    ("goals_progress", "4"),
                ],
            ))
            .await;
        r.expect(303);
        assert_eq!(
            r.header("location"),
            Some("/members/surveys/done/?survey=midpoint")
        );

        // Nothing stored ties an anonymous answer to a person.
        let stored = t
            .app
            .store
            .query(&Query::table(keys::survey_pk("2008", "midpoint")))
            .await
            .unwrap();
        assert_eq!(stored.len(), 4, "two answers, two DONE items");
        for item in &stored {
            let text = format!("{item:?}");
            for who in [mentor, mentee] {
                assert!(!text.contains(who), "{text}");
            }
            assert!(!text.contains("T16:00"), "no time of day: {text}");
        }

        // Stats for the committee.
        let stats = t
            .send(t.as_member(STAFF).get("/api/surveys/midpoint/stats"))
            .await
            .expect(200)
            .json();
        assert_eq!(stats["stats"]["responses"], 2);
        assert_eq!(
            stats["by_role"]["mentee"],
            json!({"responses": 1, "invited": 1, "response_rate": 1.0})
        );
        assert_eq!(stats["by_role"]["mentor"]["responses"], 1);
        let sat = &stats["stats"]["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == "satisfaction")
            .unwrap()["stats"];
        // Two answers: fewer than the smallest group shown (5), so the
        // satisfaction of these two people is not shown.
        assert_eq!(
            *sat,
            json!({"kind": "withheld", "reason": "fewer than 5 answers"})
        );

        // Me.
        let me = t
            .send(t.as_member(mentee).get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(me["member_id"], mentee);
        assert_eq!(me["roles"], json!(["member", "mentee"]));
        assert_eq!(me["duo"]["id"], duo_id.as_str());
        assert_eq!(me["duo"]["status"], json!({"state": "active"}));
        assert_eq!(me["applications"][0]["id"], "mentee-E3001");
        assert_eq!(me["requests"]["sent"][0]["id"], id.as_str());
        assert!(me["csrf_token"].as_str().is_some_and(|s| !s.is_empty()));
        // The mentor asked sees the same request, received.
        let mentor_me = t
            .send(t.as_member(mentor).get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(mentor_me["requests"]["received"][0]["id"], id.as_str());
        assert_eq!(mentor_me["requests"]["sent"], json!([]));

        // Every change left an audit entry; the anonymous ones no actor.
        let entries = audit::recent(t.app.store.as_ref(), "2008", 100)
            .await
            .unwrap();
        let actions: Vec<&str> = entries.iter().filter_map(|e| e.get_str("action")).collect();
        for a in [
            "apply",
            "admit",
            "approve_application",
            "request_match",
            "accept_match",
            "assign_liaison",
            "answer_survey",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        for e in entries
            .iter()
            .filter(|e| e.get_str("action") == Some("answer_survey"))
        {
            assert!(e.get("actor").is_none(), "{e:?}");
        }
    }

    pub async fn nomination_and_single_use_consent(t: TestApp) {
        t.add_committee().await;
        let (nominator, nominee, other) = ("E3001", "R4001", "E3002");
        t.add_member(nominator, "2007-09-01").await;
        t.add_member(nominee, "1990-01-01").await;
        t.add_member(other, "2007-09-01").await;
        let r = t
            .send(t.as_member(nominator).post_json(
                "/api/nominations",
                &json!({"nominee_id": nominee, "kind": "mentor", "message": "She'd be great."}),
            ))
            .await;
        let v = r.expect(202).json();
        assert_eq!(v["status"], "received");
        assert!(v.get("token_hash").is_none());
        let mail = t.sent_to(nominee).pop().expect("consent mail");
        let link = mail
            .text
            .lines()
            .find(|l| l.contains("/nominate/consent/?token="))
            .expect("link")
            .trim()
            .to_owned();
        assert!(link.starts_with(support::app::ORIGIN));
        let token = link.split("token=").nth(1).unwrap().to_owned();
        // Nothing in the store holds the token itself.
        let nominations = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::NOM_PREFIX))
            .await
            .unwrap();
        assert_eq!(nominations.len(), 1);
        assert!(!format!("{nominations:?}").contains(&token));

        // Someone else cannot use it.
        let r = t
            .send(
                t.as_member(other)
                    .post_json("/api/nominations/consent", &json!({"token": token})),
            )
            .await;
        r.expect_problem(403);
        // The nominee can, once.
        let r = t
            .send(
                t.as_member(nominee)
                    .post_json("/api/nominations/consent", &json!({"token": token})),
            )
            .await;
        let v = r.expect(200).json();
        assert_eq!(v["nomination"]["status"]["state"], "consented");
        assert_eq!(v["invitation"]["side"], "mentor");
        let r = t
            .send(
                t.as_member(nominee)
                    .post_json("/api/nominations/consent", &json!({"token": token})),
            )
            .await;
        assert_eq!(r.expect_problem(409)["code"], "token_used");
        let r = t
            .send(t.as_member(nominee).post_json(
                "/api/nominations/consent",
                &json!({"token": token, "answer": "decline"}),
            ))
            .await;
        r.expect_problem(409);
        let r = t
            .send(
                t.as_member(nominee)
                    .post_json("/api/nominations/consent", &json!({"token": "f00d"})),
            )
            .await;
        r.expect_problem(404);

        // A link past its 14 days is gone.
        t.send(t.as_member(nominator).post_json(
            "/api/nominations",
            &json!({"nominee_id": other, "kind": "mentee"}),
        ))
        .await
        .expect(202);
        let mail = t.sent_to(other).pop().expect("consent mail");
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
        t.clock.advance(chrono::Duration::days(14));
        let r = t
            .send(
                t.as_member(other)
                    .post_json("/api/nominations/consent", &json!({"token": token})),
            )
            .await;
        assert_eq!(r.expect_problem(410)["code"], "expired");
        let me = t
            .send(t.as_member(other).get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(me["nominations"][0]["status"]["state"], "expired");
    }

    pub async fn plain_form_posts_redirect_or_list_errors(t: TestApp) {
        t.add_committee().await;
        t.add_member("E3001", "2007-09-01").await;
        t.add_member("E3002", "2000-01-01").await;
        let r = t
            .send(t.as_member("E3001").post_form(
                "/api/applications",
                &[
                    ("side", "mentee"),
                    ("goals", "Lead a branch."),
                    ("interests", "strategic-planning"),
                    ("interests", "career-development"),
                ],
            ))
            .await;
        r.expect(303);
        assert_eq!(
            r.header("location"),
            Some("/apply/done/?side=mentee&status=accepted")
        );
        // An invalid form: 400 HTML listing the fields, with a link back.
        let r = t
            .send(t.as_member("E3002").post_form(
                "/api/applications",
                &[
                    ("side", "mentor"),
                    ("years_involvement", "lots"),
                    ("bio", "x"),
                ],
            ))
            .await;
        r.expect(400);
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(
            r.text().contains("<strong>years_involvement</strong>"),
            "{}",
            r.text()
        );
        assert!(r.text().contains("href=\"/form/\""));
        let r = t
            .send(t.as_member("E3002").post_form(
                "/api/applications",
                &[("side", "mentor"), ("years_involvement", "1"), ("bio", "x")],
            ))
            .await;
        r.expect(400);
        for f in ["title", "institution", "expertise", "years_involvement"] {
            assert!(
                r.text().contains(&format!("<strong>{f}</strong>")),
                "{f}: {}",
                r.text()
            );
        }
        // Not eligible (not a first-year member): 403 page.
        let r = t
            .send(
                t.as_member("E3002")
                    .post_form("/api/applications", &[("side", "mentee"), ("goals", "x")]),
            )
            .await;
        r.expect(403);
        assert!(r.text().contains("first-year"));
        // The form's CSRF field is required.
        let mut req = t
            .as_member("E3002")
            .post_form("/api/applications", &[("side", "mentee")]);
        let body = String::from_utf8(req.body().clone()).unwrap();
        *req.body_mut() = body.split("&_csrf=").next().unwrap().as_bytes().to_vec();
        t.send(req).await.expect(403);
    }

    pub async fn every_role_and_route(t: TestApp) {
        t.add_committee().await;
        t.sample_mentor("R4001").await;
        t.sample_mentee("E3001").await;
        t.add_member("P5001", "2001-01-01").await;
        let callers: [(&str, Vec<Role>); 7] = [
            ("", vec![]),
            ("P5001", vec![Role::Member]),
            ("E3001", vec![Role::Member, Role::Mentee]),
            ("R4001", vec![Role::Member, Role::Mentor]),
            (COMMITTEE[0], vec![Role::Member, Role::Committee]),
            (CHAIR, vec![Role::Member, Role::Chair]),
            (STAFF, vec![Role::Member, Role::Staff]),
        ];
        let mut checked = 0;
        for (who, roles) in &callers {
            if !who.is_empty() {
                let me = t
                    .send(t.as_member(who).get("/api/me"))
                    .await
                    .expect(200)
                    .json();
                let got: Vec<Role> = serde_json::from_value(me["roles"].clone()).unwrap();
                assert_eq!(&got, roles, "{who}");
            }
            let caller = if who.is_empty() {
                t.anonymous()
            } else {
                t.as_member(who)
            };
            for route in ROUTES {
                let path = route.path.replace("{id}", "no-such-id");
                let req = match route.method {
                    "GET" => caller.get(&path),
                    _ => caller.post_json(&path, &json!({"unexpected_field": true})),
                };
                let r = t.send(req).await;
                let v = r.json();
                if who.is_empty() {
                    assert_eq!(r.status, 401, "{} {path}", route.method);
                } else if permitted(roles, route.action) {
                    assert!(
                        r.status != 401 && v["code"] != "not_permitted",
                        "{who} {:?} should pass: {}",
                        route.action,
                        r.text()
                    );
                } else {
                    assert_eq!(r.status, 403, "{who} {:?}: {}", route.action, r.text());
                    assert_eq!(v["code"], "not_permitted");
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 7 * ROUTES.len());
    }

    pub async fn decline_withdraw_and_end_early(t: TestApp) {
        t.add_committee().await;
        t.sample_mentor("R4001").await;
        t.sample_mentee("E3001").await;
        t.sample_mentor("R4002").await;
        let ask = |mentor: &str| {
            t.as_member("E3001").post_json(
                "/api/matches",
                &json!({"mentor_id": mentor, "message": "Please mentor me."}),
            )
        };
        let first = t.send(ask("R4001")).await.expect(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let second = t.send(ask("R4002")).await.expect(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // Decline with a reason: the mentee is told.
        let r = t
            .send(t.as_member("R4001").post_form(
                &format!("/api/matches/{first}/decline"),
                &[("reason", "Too busy this year.")],
            ))
            .await;
        r.expect(303);
        assert!(t.sent_to("E3001").last().unwrap().text.contains("Too busy"));
        // Withdraw the other.
        let r = t
            .send(
                t.as_member("E3001")
                    .post_json(&format!("/api/matches/{second}/withdraw"), &json!({})),
            )
            .await;
        assert_eq!(r.expect(200).json()["status"]["state"], "withdrawn");
        // Ask again and be accepted; then end early: the liaison (here:
        // none, so the chair) and the partner are told.
        let third = t.send(ask("R4002")).await.expect(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let accepted = t
            .send(
                t.as_member("R4002")
                    .post_json(&format!("/api/matches/{third}/accept"), &json!({})),
            )
            .await
            .expect(200)
            .json();
        let duo = accepted["duo"]["id"].as_str().unwrap().to_owned();
        let before = t.sent_to(CHAIR).len();
        let r = t
            .send(t.as_member("E3001").post_json(
                &format!("/api/duos/{duo}/end"),
                &json!({"reason": "I changed jobs."}),
            ))
            .await;
        assert_eq!(r.expect(200).json()["status"]["state"], "ended_early");
        assert_eq!(t.sent_to(CHAIR).len(), before + 1);
        assert!(t
            .sent_to(CHAIR)
            .last()
            .unwrap()
            .text
            .contains("I changed jobs."));
        assert!(t.sent_to("R4002").last().unwrap().subject.contains("ended"));
        let r = t
            .send(
                t.as_member("R4002")
                    .post_json(&format!("/api/duos/{duo}/end"), &json!({"reason": "x"})),
            )
            .await;
        r.expect_problem(409);
    }
}
