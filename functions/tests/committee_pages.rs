//! The committee runs the program (issue 13): pairing at the matching
//! deadline, liaisons, ending a duo early from its page, the audit trail,
//! suggestions for mentees, the mails the pages promise — each walked to
//! what the person sees next, over HTTP, on both stores.

mod support;

use functions::records::keys;
use functions::store::Query;
use serde_json::{json, Value};
use support::app::{TestApp, CHAIR, COMMITTEE, STAFF};

app_cases!(
    pairing_at_the_deadline_forms_duos_once_both_accept,
    pairing_refuses_bad_pairs_and_changes_nothing,
    a_duo_formed_by_pairing_closes_both_peoples_pending_requests,
    liaisons_see_only_their_duos_and_the_duo_is_told,
    the_chair_reads_the_audit_trail_filtered_and_as_csv,
    entries_of_one_instant_are_shown_in_the_order_written,
    suggestions_rank_mentors_and_name_conflicts,
    the_nominator_is_told_the_answer,
    a_withdrawn_request_is_told_to_the_mentor,
    new_pages_answer_each_role_as_the_permission_table_says,
);

/// The matching deadline of the 2008 cohort (content/program.yaml).
const DEADLINE: &str = "2008-06-13T15:00:00Z";

/// A members page as `req` gets it (the views, as the members area and
/// `duos serve` answer it): status, content type, location and body.
async fn view(t: &TestApp, req: http::Request<Vec<u8>>) -> (u16, String, String, String) {
    let Some(r) = functions::views::handle(&t.app, &req, None).await else {
        return (404, String::new(), String::new(), String::new());
    };
    let header = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    (
        r.status().as_u16(),
        header("content-type"),
        header("location"),
        String::from_utf8_lossy(r.body()).into_owned(),
    )
}

async fn page(t: &TestApp, who: &str, path: &str) -> (u16, String) {
    let (status, _, _, body) = view(t, t.as_member(who).get(path)).await;
    (status, body)
}

async fn stored_pairings(t: &TestApp) -> Vec<Value> {
    t.app
        .store
        .query(&Query::table(keys::cohort_pk("2008")).prefix(keys::PAIRING_PREFIX))
        .await
        .unwrap()
        .iter()
        .map(|i| {
            serde_json::to_value(
                functions::records::read::<mentoring::pairing::Pairing>(i).unwrap(),
            )
            .unwrap()
        })
        .collect()
}

fn subjects(t: &TestApp, member: &str) -> Vec<String> {
    t.sent_to(member).into_iter().map(|m| m.subject).collect()
}

/// Two unmatched mentees, two free mentors, one duo already formed.
async fn deadline_cohort(t: &TestApp) {
    t.add_committee().await;
    t.approved_mentor(
        "R1",
        "Hillcrest College",
        &["budgeting-and-finance", "strategic-planning"],
    )
    .await;
    t.approved_mentor("R2", "Riverbend Library", &["change-management"])
        .await;
    t.approved_mentor("R3", "Oakdale Library", &["strategic-planning"])
        .await;
    t.accepted_mentee("E1", "Lakeside Library", &["budgeting-and-finance"])
        .await;
    t.accepted_mentee("E2", "Lakeside Library", &["change-management"])
        .await;
    t.accepted_mentee("E3", "Pine County Library", &["strategic-planning"])
        .await;
    t.form_duo("E3", "R3").await;
}

mod cases {
    use super::*;

    pub async fn pairing_at_the_deadline_forms_duos_once_both_accept(t: TestApp) {
        deadline_cohort(&t).await;
        // Before the deadline the chair cannot pair yet.
        let r = t
            .send(t.as_member(CHAIR).post_json(
                "/api/pairings",
                &json!({"pairs": [{"mentee_id": "E1", "mentor_id": "R1"}]}),
            ))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "closed");
        assert!(stored_pairings(&t).await.is_empty());

        t.set_time(DEADLINE);
        let (status, html) = page(&t, CHAIR, "/members/committee/pairing/").await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Mentees without a duo (2)"), "{html}");
        assert!(html.contains("Mentors still free (2)"), "{html}");
        assert!(!html.contains("data-mentee=\"E3\""), "E3 has a duo");
        // duos proposes E1 with R1 (budgeting) and E2 with R2 (change).
        let row = |m: &str| {
            let at = html.find(&format!("data-mentee=\"{m}\"")).unwrap();
            html[at..at + html[at..].find("</tr>").unwrap()].to_owned()
        };
        assert!(
            row("E1").contains("<option value=\"R1\" selected>"),
            "{}",
            row("E1")
        );
        assert!(
            row("E2").contains("<option value=\"R2\" selected>"),
            "{}",
            row("E2")
        );
        assert!(
            row("E1").contains("shares: budgeting and finance"),
            "{}",
            row("E1")
        );

        // The chair confirms the proposal as the form sends it.
        let r = t
            .send(t.as_member(CHAIR).post_form(
                "/api/pairings?cohort=2008",
                &[
                    ("mentee", "E1"),
                    ("mentor", "R1"),
                    ("mentee", "E2"),
                    ("mentor", "R2"),
                ],
            ))
            .await;
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(
            r.header("location"),
            Some("/members/committee/pairing/?proposed=2&cohort=2008")
        );
        for who in ["E1", "R1", "E2", "R2"] {
            assert!(
                subjects(&t, who)
                    .iter()
                    .any(|s| s.contains("the committee proposes a duo")),
                "{who}: {:?}",
                subjects(&t, who)
            );
        }
        let pairings = stored_pairings(&t).await;
        assert_eq!(pairings.len(), 2);
        let id_of = |mentee: &str| {
            pairings.iter().find(|p| p["mentee_id"] == mentee).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let (p1, p2) = (id_of("E1"), id_of("E2"));

        // Each sees the proposal on the requests page; the mentor sees the
        // mentee's background.
        let (_, html) = page(&t, "R1", "/members/requests/").await;
        assert!(html.contains("Proposed by the committee"), "{html}");
        assert!(
            html.contains(&format!("/api/pairings/{p1}/accept")),
            "{html}"
        );
        assert!(html.contains("Reference librarian, two years."), "{html}");
        let (_, html) = page(&t, "E1", "/members/requests/").await;
        assert!(html.contains("as your mentor"), "{html}");

        // Someone else's pairing: refused.
        t.send(
            t.as_member("E2")
                .post_json(&format!("/api/pairings/{p1}/accept"), &json!({})),
        )
        .await
        .expect_problem(403);

        // E1 accepts: no duo yet; twice is refused.
        let v = t
            .send(
                t.as_member("E1")
                    .post_json(&format!("/api/pairings/{p1}/accept"), &json!({})),
            )
            .await
            .expect(200)
            .json();
        assert!(v["duo"].is_null(), "{v}");
        t.send(
            t.as_member("E1")
                .post_json(&format!("/api/pairings/{p1}/accept"), &json!({})),
        )
        .await
        .expect_problem(409);
        // R1 accepts (a plain form): the duo forms.
        let r = t
            .send(
                t.as_member("R1")
                    .post_form(&format!("/api/pairings/{p1}/accept"), &[]),
            )
            .await;
        assert_eq!(
            r.header("location"),
            Some("/members/requests/?status=paired")
        );
        let (_, html) = page(&t, "E1", "/members/duo/").await;
        assert!(html.contains("Member R1 and Member E1"), "{html}");
        assert!(subjects(&t, "E1")
            .iter()
            .any(|s| s.contains("your duo is formed")));
        assert!(subjects(&t, "R1")
            .iter()
            .any(|s| s.contains("your duo is formed")));

        // E2 declines: R2 and the chair are told; both are back on the page.
        t.send(
            t.as_member("E2")
                .post_json(&format!("/api/pairings/{p2}/decline"), &json!({})),
        )
        .await
        .expect(200);
        assert!(subjects(&t, "R2")
            .iter()
            .any(|s| s.contains("will not form")));
        assert!(subjects(&t, CHAIR)
            .iter()
            .any(|s| s.contains("a proposed pair declined")));
        let (_, html) = page(&t, CHAIR, "/members/committee/pairing/").await;
        assert!(html.contains("Mentees without a duo (1)"), "{html}");
        assert!(html.contains("data-mentee=\"E2\""), "{html}");
        assert!(html.contains("declined"), "{html}");
        // R2 cannot accept a declined pairing.
        t.send(
            t.as_member("R2")
                .post_json(&format!("/api/pairings/{p2}/accept"), &json!({})),
        )
        .await
        .expect_problem(409);
    }

    pub async fn pairing_refuses_bad_pairs_and_changes_nothing(t: TestApp) {
        deadline_cohort(&t).await;
        t.accepted_mentee("E4", "Hillcrest College", &["strategic-planning"])
            .await;
        t.set_time(DEADLINE);
        let before = stored_pairings(&t).await.len();
        let post = |body: Value| t.as_member(CHAIR).post_json("/api/pairings", &body);
        // A mentor who already has a mentee.
        let v = t
            .send(post(
                json!({"pairs": [{"mentee_id": "E1", "mentor_id": "R3"}]}),
            ))
            .await
            .expect_problem(409);
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("R3 already has a mentee"),
            "{v}"
        );
        // One mentor twice, an unknown mentor, the same institution.
        let v = t
            .send(post(json!({"pairs": [
                {"mentee_id": "E1", "mentor_id": "R1"},
                {"mentee_id": "E2", "mentor_id": "R1"},
                {"mentee_id": "E4", "mentor_id": "R1"},
            ]})))
            .await
            .expect_problem(400);
        let fields: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "pairs[1].mentor_id",
                "pairs[2].mentor_id",
                "pairs[2].mentor_id"
            ],
            "{v}"
        );
        let v = t
            .send(post(
                json!({"pairs": [{"mentee_id": "E1", "mentor_id": "NOPE"}]}),
            ))
            .await
            .expect_problem(400);
        assert_eq!(v["errors"][0]["field"], "pairs[0].mentor_id");
        // Not the chair.
        t.send(t.as_member(COMMITTEE[0]).post_json(
            "/api/pairings",
            &json!({"pairs": [{"mentee_id": "E1", "mentor_id": "R1"}]}),
        ))
        .await
        .expect_problem(403);
        // More pairs than one transaction holds: refused whole.
        let many: Vec<Value> = (0..26)
            .map(|i| json!({"mentee_id": format!("X{i}"), "mentor_id": format!("Y{i}")}))
            .collect();
        let v = t
            .send(post(json!({ "pairs": many })))
            .await
            .expect_problem(400);
        assert_eq!(v["errors"][0]["field"], "pairs", "{v}");
        assert!(
            v["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("at most 25 pairs"),
            "{v}"
        );
        assert_eq!(stored_pairings(&t).await.len(), before, "nothing stored");
        assert!(subjects(&t, "E1").iter().all(|s| !s.contains("proposes")));
        // An unknown pairing.
        t.send(
            t.as_member("E1")
                .post_json("/api/pairings/nope/accept", &json!({})),
        )
        .await
        .expect_problem(404);
    }

    pub async fn a_duo_formed_by_pairing_closes_both_peoples_pending_requests(t: TestApp) {
        deadline_cohort(&t).await;
        t.accepted_mentee("E4", "Pine County Library", &["strategic-planning"])
            .await;
        // A week before the deadline E1 asks R2 and E4 asks R1; neither
        // answers.
        t.set_time("2008-06-06T15:00:00Z");
        let ask = |mentee: &'static str, mentor: &'static str| {
            t.as_member(mentee).post_json(
                "/api/matches",
                &json!({"mentor_id": mentor, "message": "Please mentor me."}),
            )
        };
        let e1_to_r2 = t.send(ask("E1", "R2")).await.expect(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let e4_to_r1 = t.send(ask("E4", "R1")).await.expect(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // At the deadline the chair pairs E1 with R1 instead; both accept.
        t.set_time(DEADLINE);
        t.send(t.as_member(CHAIR).post_json(
            "/api/pairings?cohort=2008",
            &json!({"pairs": [{"mentee_id": "E1", "mentor_id": "R1"}]}),
        ))
        .await
        .expect(201);
        let pairing = stored_pairings(&t).await[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        for who in ["E1", "R1"] {
            t.send(
                t.as_member(who)
                    .post_json(&format!("/api/pairings/{pairing}/accept"), &json!({})),
            )
            .await
            .expect(200);
        }
        // E1's request to R2 is withdrawn, E4's to R1 declined: R2 has no
        // request left to answer, and E4 is told and may ask again.
        let t = &t;
        let sent = |who: &'static str| async move {
            t.send(t.as_member(who).get("/api/matches"))
                .await
                .expect(200)
                .json()
        };
        let state_of = |v: &Value, side: &str, id: &str| {
            v[side]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
                .map(|r| (r["status"]["state"].clone(), r["status"]["reason"].clone()))
        };
        let e1 = sent("E1").await;
        assert_eq!(
            state_of(&e1, "sent", &e1_to_r2),
            Some((json!("withdrawn"), json!("mentee matched"))),
            "{e1}"
        );
        let e4 = sent("E4").await;
        assert_eq!(
            state_of(&e4, "sent", &e4_to_r1),
            Some((json!("declined"), json!("mentor full"))),
            "{e4}"
        );
        assert!(
            subjects(t, "E4")
                .iter()
                .any(|s| s.contains("your request to Member R1")),
            "{:?}",
            subjects(t, "E4")
        );
        let (_, html) = page(t, "R2", "/members/requests/").await;
        assert!(
            !html.contains(&format!("/api/matches/{e1_to_r2}/accept")),
            "R2 can no longer accept a request of a matched mentee: {html}"
        );
        // E4 is still without a duo: the chair's page offers them R2.
        let (_, html) = page(t, CHAIR, "/members/committee/pairing/").await;
        assert!(html.contains("data-mentee=\"E4\""), "{html}");
        assert!(!html.contains("data-mentee=\"E1\""), "{html}");
        assert!(html.contains("Mentors still free (1)"), "{html}");
    }

    pub async fn liaisons_see_only_their_duos_and_the_duo_is_told(t: TestApp) {
        t.add_committee().await;
        t.approved_mentor("R1", "Hillcrest College", &["strategic-planning"])
            .await;
        t.approved_mentor("R2", "Riverbend Library", &["change-management"])
            .await;
        t.accepted_mentee("E1", "Lakeside Library", &["strategic-planning"])
            .await;
        t.accepted_mentee("E2", "Lakeside Library", &["change-management"])
            .await;
        let d1 = t.form_duo("E1", "R1").await;
        let d2 = t.form_duo("E2", "R2").await;
        let assign = |d: &str, l: &str| {
            t.as_member(CHAIR)
                .post_json(&format!("/api/duos/{d}/liaison"), &json!({"liaison_id": l}))
        };
        // The chair's page suggests the least loaded committee member.
        let (_, html) = page(&t, CHAIR, "/members/committee/duos/").await;
        assert!(html.contains("(0 duos, suggested)"), "{html}");
        t.send(assign(&d1, COMMITTEE[0])).await.expect(200);
        t.send(assign(&d2, COMMITTEE[1])).await.expect(200);
        for who in ["E1", "R1"] {
            let mails = t.sent_to(who);
            let told = mails
                .iter()
                .find(|m| m.subject.contains("your duo's liaison"))
                .unwrap_or_else(|| panic!("{who} not told: {mails:?}"));
            assert!(told.text.contains("Member M1002"), "{}", told.text);
        }
        // A liaison outside the committee: refused, nothing changed.
        let v = t.send(assign(&d1, "E2")).await.expect_problem(400);
        assert_eq!(v["errors"][0]["field"], "liaison_id");
        // Each liaison's page shows their duos only.
        let (status, html) = page(&t, COMMITTEE[0], "/members/committee/liaison/").await;
        assert_eq!(status, 200);
        assert!(html.contains("Member R1 and Member E1"), "{html}");
        assert!(!html.contains("Member E2"), "{html}");
        // Reassigning: the duo is told again, the old liaison no longer sees it.
        t.send(assign(&d1, COMMITTEE[1])).await.expect(200);
        let told = t
            .sent_to("E1")
            .iter()
            .filter(|m| m.subject.contains("your duo's liaison"))
            .count();
        assert_eq!(told, 2);
        let (_, html) = page(&t, COMMITTEE[0], "/members/committee/liaison/").await;
        assert!(!html.contains("Member E1"), "{html}");

        // E2 ends the duo from its page; only its liaison and the chair read why.
        let (_, html) = page(&t, "E2", "/members/duo/").await;
        assert!(
            html.contains(&format!("action=\"/api/duos/{d2}/end\"")),
            "{html}"
        );
        let r = t
            .send(t.as_member("E2").post_form(
                &format!("/api/duos/{d2}/end"),
                &[("reason", "Our schedules never meet.")],
            ))
            .await;
        assert_eq!(r.header("location"), Some("/members/duo/?status=ended"));
        let (_, html) = page(&t, "E2", "/members/duo/?status=ended").await;
        assert!(html.contains("The duo has ended."), "{html}");
        assert!(
            !html.contains("action=\"/api/duos/"),
            "no second end: {html}"
        );
        let (_, html) = page(&t, COMMITTEE[1], "/members/committee/liaison/").await;
        assert!(html.contains("Our schedules never meet."), "{html}");
        let (_, html) = page(&t, CHAIR, "/members/committee/duos/").await;
        assert!(html.contains("Our schedules never meet."), "{html}");
        for who in [COMMITTEE[0], STAFF, "R2"] {
            let (_, html) = page(&t, who, "/members/committee/duos/").await;
            assert!(!html.contains("Our schedules"), "{who}: {html}");
        }
    }

    pub async fn the_chair_reads_the_audit_trail_filtered_and_as_csv(t: TestApp) {
        t.add_committee().await;
        t.approved_mentor("R1", "Hillcrest College", &["strategic-planning"])
            .await;
        t.accepted_mentee("E1", "Lakeside Library", &["strategic-planning"])
            .await;
        t.accepted_mentee("E2", "Lakeside Library", &["change-management"])
            .await;
        t.form_duo("E1", "R1").await;
        let (status, html) = page(&t, CHAIR, "/members/committee/audit/").await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("approve application"), "{html}");
        assert!(html.contains("data-actor=\"E2\""), "{html}");
        let (_, html) = page(&t, CHAIR, "/members/committee/audit/?cohort=2008&member=E1").await;
        let rows = html.matches("class=\"audit-entry\"").count();
        assert!(rows >= 3, "apply, request, accept: {html}");
        assert!(!html.contains("data-actor=\"E2\""), "{html}");
        assert!(
            html.contains("data-actor=\"R1\""),
            "R1 accepted E1's request: {html}"
        );
        let (_, html) = page(&t, CHAIR, "/members/committee/audit/?action=request_match").await;
        assert_eq!(html.matches("class=\"audit-entry\"").count(), 1, "{html}");
        let (status, content_type, _, csv) = view(
            &t,
            t.as_member(CHAIR)
                .get("/members/committee/audit/?format=csv&member=E1"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(content_type, "text/csv; charset=utf-8");
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("at,action,actor,actor_name,subject,detail")
        );
        assert_eq!(lines.count(), rows, "{csv}");
        assert!(!csv.contains(",E2,"), "{csv}");
        for who in [COMMITTEE[0], STAFF, "E1"] {
            assert_eq!(
                page(&t, who, "/members/committee/audit/").await.0,
                403,
                "{who}"
            );
            let (status, _, _, body) = view(
                &t,
                t.as_member(who).get("/members/committee/audit/?format=csv"),
            )
            .await;
            assert_eq!(status, 403, "{who}");
            assert!(!body.contains("approve_application"));
        }
        // Nothing on the page or in the API edits an entry.
        let (status, ..) = view(
            &t,
            t.as_member(CHAIR)
                .post_form("/members/committee/audit/", &[]),
        )
        .await;
        assert_eq!(status, 404, "the views answer no post here");
        let r = t
            .send(
                t.as_member(CHAIR)
                    .post_form("/members/committee/audit/", &[]),
            )
            .await;
        assert_eq!(r.status, 404);
    }

    pub async fn entries_of_one_instant_are_shown_in_the_order_written(t: TestApp) {
        // The clock stands still: each application writes `apply` then
        // `admit` at the one instant, and so do the others after it. The
        // keys' random ids would shuffle them; the trail keeps the order
        // written, cause before effect, page and CSV alike.
        t.add_committee().await;
        let mentees = ["E1", "E2", "E3", "E4", "E5", "E6"];
        for id in mentees {
            t.sample_mentee(id).await;
        }
        let want: Vec<String> = mentees
            .iter()
            .flat_map(|m| [format!("apply {m}"), format!("admit {m}")])
            .collect();
        let (status, _, _, csv) = view(
            &t,
            t.as_member(CHAIR)
                .get("/members/committee/audit/?format=csv"),
        )
        .await;
        assert_eq!(status, 200, "{csv}");
        let shown: Vec<String> = csv
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[1] == "apply" || f[1] == "admit")
            .map(|f| format!("{} {}", f[1], f[2]))
            .collect();
        assert_eq!(shown, want, "{csv}");
        let (_, html) = page(&t, CHAIR, "/members/committee/audit/").await;
        let shown: Vec<String> = html
            .split("<tr class=\"audit-entry\" data-actor=\"")
            .skip(1)
            .filter_map(|row| {
                let (actor, rest) = row.split_once('"')?;
                let action = rest.split("data-action=\"").nth(1)?.split('"').next()?;
                Some(format!("{action} {actor}"))
            })
            .filter(|e| e.starts_with("apply ") || e.starts_with("admit "))
            .collect();
        assert_eq!(shown, want, "{html}");
    }

    pub async fn suggestions_rank_mentors_and_name_conflicts(t: TestApp) {
        t.add_committee().await;
        t.approved_mentor(
            "R1",
            "Hillcrest College",
            &["budgeting-and-finance", "change-management"],
        )
        .await;
        t.approved_mentor("R2", "Lakeside Library", &["budgeting-and-finance"])
            .await;
        t.approved_mentor("R3", "Oakdale Library", &["change-management"])
            .await;
        t.approved_mentor(
            "R4",
            "Pine County Library",
            &["marketing-and-communication"],
        )
        .await;
        t.accepted_mentee(
            "E1",
            "Lakeside Library",
            &["budgeting-and-finance", "change-management"],
        )
        .await;
        let (status, html) = page(&t, "E1", "/members/suggestions/").await;
        assert_eq!(status, 200, "{html}");
        let at = |m: &str| html.find(&format!("class=\"suggestion\" data-mentor=\"{m}\""));
        let (r1, r3) = (at("R1").expect("R1"), at("R3").expect("R3"));
        assert!(r1 < r3, "R1 shares two terms, R3 one");
        assert!(at("R2").is_none(), "same institution: not suggested");
        assert!(at("R4").is_none(), "nothing in common");
        assert!(
            html.contains("shares: budgeting and finance, change management"),
            "{html}"
        );
        assert!(
            html.contains("Not suggested: your own institution"),
            "{html}"
        );
        assert!(html.contains("<li data-mentor=\"R2\">"), "{html}");
        assert!(html.contains("/members/requests/new/?mentor=R1"), "{html}");
        // The menu offers it to mentees only.
        let (_, home) = page(&t, "E1", "/members/").await;
        assert!(home.contains("href=\"/members/suggestions/\""));
        let (_, home) = page(&t, "R1", "/members/").await;
        assert!(!home.contains("href=\"/members/suggestions/\""));
    }

    pub async fn the_nominator_is_told_the_answer(t: TestApp) {
        t.add_committee().await;
        for (nominator, nominee, consent) in [("E5001", "R5001", true), ("E5002", "R5002", false)] {
            t.add_member(nominator, "2007-09-01").await;
            t.add_member(nominee, "1990-01-01").await;
            t.send(t.as_member(nominator).post_json(
                "/api/nominations",
                &json!({"nominee_id": nominee, "kind": "mentor", "message": "She'd be great."}),
            ))
            .await
            .expect(202);
            let mail = t.sent_to(nominee).pop().expect("consent mail");
            let token = mail
                .text
                .split("token=")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned();
            let answer = if consent { "consent" } else { "decline" };
            t.send(t.as_member(nominee).post_json(
                "/api/nominations/consent",
                &json!({"token": token, "answer": answer}),
            ))
            .await
            .expect(200);
            let told = t
                .sent_to(nominator)
                .into_iter()
                .find(|m| m.subject.contains("your nomination"))
                .unwrap_or_else(|| panic!("{nominator} not told"));
            let expected = if consent {
                "accepted and is invited to apply"
            } else {
                "declined the nomination"
            };
            assert!(
                told.text
                    .contains(&format!("Member {nominee} has {expected}")),
                "{}",
                told.text
            );
        }
    }

    pub async fn a_withdrawn_request_is_told_to_the_mentor(t: TestApp) {
        t.add_committee().await;
        t.approved_mentor("R1", "Hillcrest College", &["strategic-planning"])
            .await;
        t.accepted_mentee("E1", "Lakeside Library", &["strategic-planning"])
            .await;
        let id = t
            .send(t.as_member("E1").post_json(
                "/api/matches",
                &json!({"mentor_id": "R1", "message": "Please mentor me."}),
            ))
            .await
            .expect(201)
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = t
            .send(
                t.as_member("E1")
                    .post_form(&format!("/api/matches/{id}/withdraw"), &[]),
            )
            .await;
        assert_eq!(
            r.header("location"),
            Some("/members/requests/?status=withdrawn")
        );
        let (_, html) = page(&t, "E1", "/members/requests/?status=withdrawn").await;
        assert!(html.contains("The mentor has been told."), "{html}");
        let told = t
            .sent_to("R1")
            .into_iter()
            .find(|m| m.subject.contains("a request to you was withdrawn"))
            .expect("the mentor is told");
        assert!(told.text.contains("Member E1 withdrew"), "{}", told.text);
    }

    pub async fn new_pages_answer_each_role_as_the_permission_table_says(t: TestApp) {
        use mentoring::permissions::{allows, Action, Role};
        t.add_committee().await;
        t.add_member("P1", "2007-09-01").await;
        t.approved_mentor("R1", "Hillcrest College", &["strategic-planning"])
            .await;
        t.accepted_mentee("E1", "Lakeside Library", &["strategic-planning"])
            .await;
        let pages = [
            ("/members/committee/audit/", Action::ViewAuditTrail),
            (
                "/members/committee/audit/?format=csv",
                Action::ViewAuditTrail,
            ),
            ("/members/committee/liaison/", Action::ViewLiaisonDuos),
            ("/members/committee/pairing/", Action::ViewPairing),
            ("/members/suggestions/", Action::ViewSuggestions),
            ("/members/offer/", Action::ConfirmOffer),
        ];
        let holders = [
            (Role::Member, "P1"),
            (Role::Mentee, "E1"),
            (Role::Mentor, "R1"),
            (Role::Committee, COMMITTEE[0]),
            (Role::Chair, CHAIR),
            (Role::Staff, STAFF),
        ];
        for (path, action) in pages {
            let (status, _, location, _) = view(&t, t.anonymous().get(path)).await;
            assert_eq!(status, 303, "anonymous {path}");
            assert!(location.starts_with("/auth/login"), "{location}");
            for (role, who) in holders {
                let expected = if allows(role, action) { 200 } else { 403 };
                let (status, html) = page(&t, who, path).await;
                assert_eq!(status, expected, "{role:?} {who} {path}: {html}");
                // The menu links only what the role may open.
                // (The offer page is reached from its mail and the home page.)
                if !path.contains("format=csv") && path != "/members/offer/" {
                    let base = path.split('?').next().unwrap();
                    let linked = html.contains(&format!("href=\"{base}\""));
                    assert_eq!(
                        linked,
                        expected == 200 && status == 200,
                        "{role:?} menu {path}"
                    );
                }
            }
        }
        // The pairing API likewise.
        for (role, who) in holders {
            let r = t
                .send(
                    t.as_member(who)
                        .post_json("/api/pairings", &json!({"pairs": []})),
                )
                .await;
            if allows(role, Action::ProposePairings) {
                assert_ne!(r.status, 403, "{role:?}");
            } else {
                assert_eq!(r.status, 403, "{role:?}");
            }
        }
        // Staff's menu has no link that answers 403.
        let (_, html) = page(&t, STAFF, "/members/").await;
        for href in html
            .split("href=\"")
            .skip(1)
            .filter_map(|h| h.split('"').next())
        {
            if href.starts_with("/members/") {
                let (status, _) = page(&t, STAFF, href).await;
                assert_ne!(status, 403, "staff menu links {href}");
            }
        }
    }
}
