//! The security review's findings (issue 14), each reproduced as it was
//! found (the exact request) and refused: the reply or the stored state
//! that must not happen is asserted absent. Against both stores.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDate;
use functions::auth::{issue_session, AuthService};
use functions::clock::{system_time, Clock};
use functions::members_gate::MembersFiles;
use functions::records::keys;
use functions::store::Query;
use mentoring::Member;
use serde_json::{json, Value};
use support::app::{mentor_form, TestApp, CHAIR, COMMITTEE, ORIGIN, STAFF};

app_cases!(
    committee_member_cannot_decide_their_own_application,
    end_early_reason_reaches_only_the_chair_and_the_liaison,
    nomination_replies_say_nothing_about_the_roster,
    one_member_cannot_mail_another_again_and_again,
    sign_out_ends_the_session_on_the_server,
    a_member_off_the_roster_or_lapsed_loses_access_at_the_next_request,
    anonymous_answer_with_idempotency_key_is_not_linked_to_its_member,
    request_page_shows_a_mentor_only_to_those_who_see_the_directory,
    members_gate_rules_hold_whatever_the_case_of_the_path,
);

/// A roster member as the import stores them, with their dues standing.
async fn put_member(t: &TestApp, id: &str, joined: &str, good_standing: bool) {
    let m = Member {
        member_id: id.to_owned(),
        name: format!("Member {id}"),
        email: format!("{}@example.org", id.to_lowercase()),
        joined: NaiveDate::parse_from_str(joined, "%Y-%m-%d").unwrap(),
        category: "Personal".to_owned(),
        good_standing,
    };
    t.app
        .store
        .put(functions::roster::member_item(&m), None)
        .await
        .unwrap();
}

/// One session cookie (and its CSRF token) kept across requests.
fn one_session(t: &TestApp, member: &str) -> (String, String) {
    let issued = issue_session(&t.app.session, member, system_time(t.clock_now()));
    let cookie = issued.set_cookie.split(';').next().unwrap().to_owned();
    (cookie, issued.csrf_token)
}

fn get_with(cookie: &str, path: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .uri(path)
        .header("cookie", cookie)
        .body(Vec::new())
        .unwrap()
}

/// Members files on a case-insensitive disk (as on macOS or Windows).
struct CaseInsensitiveFiles(BTreeMap<String, Vec<u8>>);

#[async_trait]
impl MembersFiles for CaseInsensitiveFiles {
    async fn read(&self, rel: &str) -> std::io::Result<Option<Vec<u8>>> {
        Ok(self.0.get(&rel.to_lowercase()).cloned())
    }
}

async fn request_page(t: &TestApp, who: &str, mentor: &str) -> (u16, String) {
    let req = t
        .as_member(who)
        .get(&format!("/members/requests/new/?mentor={mentor}"));
    let r = functions::views::handle(&t.app, &req, None).await.unwrap();
    (
        r.status().as_u16(),
        String::from_utf8_lossy(r.body()).into_owned(),
    )
}

mod cases {
    use super::*;

    pub async fn committee_member_cannot_decide_their_own_application(t: TestApp) {
        t.add_committee().await;
        let me = COMMITTEE[0];
        t.send(
            t.as_member(me)
                .post_json("/api/applications", &mentor_form()),
        )
        .await
        .expect(201);
        for verb in ["approve", "decline"] {
            let r = t
                .send(
                    t.as_member(me)
                        .post_json(&format!("/api/applications/mentor-{me}/{verb}"), &json!({})),
                )
                .await;
            let p = r.expect_problem(403);
            assert!(
                p["detail"]
                    .as_str()
                    .unwrap()
                    .contains("your own application"),
                "{p}"
            );
        }
        // Stored: still waiting for another member of the committee.
        let listed = t
            .send(t.as_member(CHAIR).get("/api/applications"))
            .await
            .expect(200)
            .json();
        let mine = listed["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == format!("mentor-{me}"))
            .unwrap()
            .clone();
        assert_eq!(mine["status"]["state"], "submitted");
        // Another committee member decides it.
        t.send(t.as_member(COMMITTEE[1]).post_json(
            &format!("/api/applications/mentor-{me}/approve"),
            &json!({}),
        ))
        .await
        .expect(200);
    }

    pub async fn end_early_reason_reaches_only_the_chair_and_the_liaison(t: TestApp) {
        t.add_committee().await;
        let (mentor, mentee) = ("R4001", "E3001");
        let id = t.sample_duo(mentee, mentor).await;
        t.send(t.as_member(CHAIR).post_json(
            &format!("/api/duos/{id}/liaison"),
            &json!({"liaison_id": COMMITTEE[0]}),
        ))
        .await
        .expect(200);
        let reason = "Confidential: my partner keeps cancelling.";
        let r = t
            .send(
                t.as_member(mentee)
                    .post_json(&format!("/api/duos/{id}/end"), &json!({"reason": reason})),
            )
            .await;
        assert_eq!(r.expect(200).json()["status"]["state"], "ended_early");
        assert!(
            !r.text().contains(reason),
            "echoed to the pair: {}",
            r.text()
        );
        // The partner's and the ender's own /api/me.
        for who in [mentor, mentee] {
            let me = t.send(t.as_member(who).get("/api/me")).await;
            let v = me.expect(200).json();
            assert_eq!(v["duo"]["status"]["state"], "ended_early", "{who}");
            assert!(!me.text().contains(reason), "{who}: {}", me.text());
        }
        // Staff, and a committee member who is not the liaison.
        for who in [STAFF, COMMITTEE[1]] {
            let r = t.send(t.as_member(who).get("/api/duos")).await;
            let v = r.expect(200).json();
            assert_eq!(v["duos"][0]["status"]["state"], "ended_early");
            assert!(v["duos"][0]["status"].get("reason").is_none(), "{who}");
            assert!(!r.text().contains(reason), "{who}");
        }
        // The chair and the liaison read it.
        for who in [CHAIR, COMMITTEE[0]] {
            let v = t
                .send(t.as_member(who).get("/api/duos"))
                .await
                .expect(200)
                .json();
            assert_eq!(v["duos"][0]["status"]["reason"], reason, "{who}");
        }
    }

    pub async fn nomination_replies_say_nothing_about_the_roster(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        // On the roster and eligible as a mentor; too senior to be a
        // mentee; lapsed; and no member at all.
        t.add_member("R4001", "1990-01-01").await;
        t.add_member("R4002", "1990-02-02").await;
        put_member(&t, "L5001", "2003-04-05", false).await;
        let me = t.as_member("E3001");
        let cases = [
            ("R4001", "mentor", true),
            ("R4002", "mentee", false),
            ("L5001", "mentor", false),
            ("NOBODY1", "mentor", false),
        ];
        let mut shapes = Vec::new();
        for (nominee, kind, mailed) in cases {
            let r = t
                .send(me.post_json(
                    "/api/nominations",
                    &json!({"nominee_id": nominee, "kind": kind}),
                ))
                .await;
            assert_eq!(r.status, 202, "{nominee}: {}", r.text());
            let text = r.text();
            for secret in [
                "1990-02-02",
                "2003-04-05",
                "Personal",
                "good standing",
                "first-year",
                "not_eligible",
                "roster",
                "not_found",
            ] {
                assert!(!text.contains(secret), "{nominee}: {secret} in {text}");
            }
            let mut v: Value = r.json();
            v["nominee_id"] = json!("X");
            v["kind"] = json!("K");
            v["message"] = json!(v["message"]
                .as_str()
                .unwrap()
                .replace(nominee, "X")
                .replace(kind, "K"));
            shapes.push(v);
            assert_eq!(!t.sent_to(nominee).is_empty(), mailed, "{nominee}");
        }
        assert!(
            shapes.windows(2).all(|w| w[0] == w[1]),
            "the replies differ: {shapes:#?}"
        );
    }

    pub async fn one_member_cannot_mail_another_again_and_again(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        t.add_member("R4001", "1990-01-01").await;
        let me = t.as_member("E3001");
        let nominate = |nominee: &str, kind: &str| {
            me.post_json(
                "/api/nominations",
                &json!({"nominee_id": nominee, "kind": kind, "message": "Join!"}),
            )
        };
        t.send(nominate("R4001", "mentor")).await.expect(202);
        for kind in ["mentor", "mentee"] {
            let r = t.send(nominate("R4001", kind)).await;
            assert_eq!(r.expect_problem(409)["code"], "duplicate");
        }
        assert_eq!(t.sent_to("R4001").len(), 1, "one mail, however often asked");
        // At most max_nominations (10) per member and cohort.
        let max = t.app.config.program.max_nominations;
        assert_eq!(max, 10);
        for i in 1..max {
            t.send(nominate(&format!("N{i:04}"), "mentor"))
                .await
                .expect(202);
        }
        let r = t.send(nominate("N9999", "mentor")).await;
        assert_eq!(r.expect_problem(409)["code"], "limit_reached");
        let stored = t
            .app
            .store
            .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::NOM_PREFIX))
            .await
            .unwrap();
        assert_eq!(stored.len(), 1, "only the roster member's nomination");
    }

    pub async fn sign_out_ends_the_session_on_the_server(mut t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        let directory = Arc::new(functions::roster::StoreDirectory::new(Arc::clone(
            &t.app.store,
        )));
        let clock = t.clock.clone();
        t.app.auth = Some(Arc::new(
            AuthService::without_provider(t.app.session.clone(), directory)
                .with_clock(Arc::new(move || system_time(clock.now()))),
        ));
        let (cookie, csrf) = one_session(&t, "E3001");
        t.send(get_with(&cookie, "/api/me")).await.expect(200);
        // Five minutes on, the session is due for rotation: keep the
        // rotated cookie too.
        t.clock.advance(chrono::Duration::minutes(6));
        let r = t.send(get_with(&cookie, "/api/me")).await;
        r.expect(200);
        let rotated = r
            .header("set-cookie")
            .expect("a rotated cookie")
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let out = t
            .send(
                http::Request::builder()
                    .method("POST")
                    .uri("/auth/logout")
                    .header("cookie", &cookie)
                    .header("origin", ORIGIN)
                    .header("x-csrf-token", &csrf)
                    .body(Vec::new())
                    .unwrap(),
            )
            .await;
        out.expect(303);
        // The old cookie, and its rotation, no longer work anywhere.
        for c in [&cookie, &rotated] {
            t.send(get_with(c, "/api/me")).await.expect_problem(401);
            let page = functions::views::handle(&t.app, &get_with(c, "/members/"), None)
                .await
                .expect("a view");
            assert_eq!(page.status(), 303);
        }
        // A new sign-in works.
        let (fresh, _) = one_session(&t, "E3001");
        t.send(get_with(&fresh, "/api/me")).await.expect(200);
    }

    pub async fn a_member_off_the_roster_or_lapsed_loses_access_at_the_next_request(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        t.add_member("E3002", "2007-09-01").await;
        let (gone, _) = one_session(&t, "E3001");
        let (lapsed, _) = one_session(&t, "E3002");
        for c in [&gone, &lapsed] {
            t.send(get_with(c, "/api/me")).await.expect(200);
        }
        // The roster import: E3001 removed, E3002 no longer in good standing.
        let item = functions::roster::member_item(&Member {
            member_id: "E3001".into(),
            name: String::new(),
            email: String::new(),
            joined: NaiveDate::from_ymd_opt(2007, 9, 1).unwrap(),
            category: String::new(),
            good_standing: true,
        });
        t.app
            .store
            .delete(&item.key().unwrap(), None)
            .await
            .unwrap();
        put_member(&t, "E3002", "2007-09-01", false).await;
        for c in [&gone, &lapsed] {
            t.send(get_with(c, "/api/me")).await.expect_problem(401);
            let page = functions::views::handle(&t.app, &get_with(c, "/members/apply/"), None)
                .await
                .expect("a view");
            assert_eq!(page.status(), 303);
        }
    }

    pub async fn anonymous_answer_with_idempotency_key_is_not_linked_to_its_member(t: TestApp) {
        t.add_committee().await;
        let (mentor, mentee) = ("R4001", "E3001");
        t.sample_duo(mentee, mentor).await;
        t.set_time("2008-11-20T16:00:00Z");
        let survey = t.app.config.survey("midpoint").unwrap();
        assert!(survey.anonymous);
        let answer = || {
            let mut req = t.as_member(mentee).post_json(
                "/api/surveys/midpoint/responses",
                &json!({"answers": {
                    "role": "Mentee",
                    "meeting_frequency": "About once a month",
                    "meeting_modes": ["Phone"],
                    "satisfaction": 4,
                    "goals_progress": 3
                }}),
            );
            req.headers_mut()
                .insert("idempotency-key", "retry-1".parse().unwrap());
            req
        };
        t.send(answer()).await.expect(201);
        // Nothing keyed by the member holds a trace of the answer.
        assert!(t
            .app
            .store
            .get(&keys::idempotency(mentee, "retry-1"))
            .await
            .unwrap()
            .is_none());
        // The retry is refused by the one-answer rule, nothing stored twice.
        let r = t.send(answer()).await;
        assert_eq!(r.expect_problem(409)["code"], "duplicate");
        let stored = t
            .app
            .store
            .query(&Query::table(keys::survey_pk("2008", "midpoint")))
            .await
            .unwrap();
        assert_eq!(stored.len(), 2, "one answer and its DONE item");
        for item in &stored {
            assert!(!format!("{item:?}").contains(mentee));
        }
    }

    pub async fn request_page_shows_a_mentor_only_to_those_who_see_the_directory(t: TestApp) {
        t.add_committee().await;
        let (mentor, mentee) = ("R4001", "E3001");
        t.add_member("P5001", "2001-01-01").await;
        t.sample_mentor(mentor).await;
        // A member who may not see the directory learns nothing of the mentor.
        let (status, body) = request_page(&t, "P5001", mentor).await;
        assert_eq!(status, 403, "{body}");
        for secret in [
            "Member R4001",
            "Library Director",
            "Springfield Public Library",
        ] {
            assert!(!body.contains(secret), "{secret} shown: {body}");
        }
        // An accepted mentee sees the form.
        t.sample_mentee(mentee).await;
        let (status, body) = request_page(&t, mentee, mentor).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Library Director"));
    }

    pub async fn members_gate_rules_hold_whatever_the_case_of_the_path(t: TestApp) {
        t.add_member("P5001", "2001-01-01").await;
        let files: Arc<dyn MembersFiles> = Arc::new(CaseInsensitiveFiles(BTreeMap::from([
            (
                "mentors/ada/index.html".to_owned(),
                b"<p>Ada's profile: ada@example.org</p>".to_vec(),
            ),
            (
                "mentors/index.html".to_owned(),
                b"<p>The directory</p>".to_vec(),
            ),
            ("access.json".to_owned(), br#"{"mentors": {}}"#.to_vec()),
        ])));
        for path in [
            "/members/Mentors/ada/",
            "/members/MENTORS/ada/index.html",
            "/members/mentors/ADA/",
            "/members/Mentors/",
            "/members/%4Dentors/ada/",
        ] {
            let req = t.as_member("P5001").get(path);
            let r = functions::members_area::members_file(&t.app, &files, &req).await;
            assert_eq!(r.status(), 403, "{path}");
            let body = String::from_utf8_lossy(r.body());
            assert!(!body.contains("ada@example.org") && !body.contains("The directory</p>"));
        }
        let req = t.as_member("P5001").get("/members/Access.json");
        let r = functions::members_area::members_file(&t.app, &files, &req).await;
        assert_eq!(r.status(), 404);
    }
}
