//! Two cohorts at once, against both stores, over HTTP (the API through
//! `router::handle`, the pages through `views::handle`): from 2009-01-01
//! the 2009–2010 applications are open while the 2008 pilot's duos run
//! until 2009-04-30 (content/program.yaml).
//!
//! - the year-two rules: a pilot mentee may not apply as a 2009 mentee
//!   (clear message, nothing stored), a mentor may serve again, the
//!   first-year rule is measured against 2009's own opening;
//! - every page follows the cohort it is about: the pilot's duo on
//!   "Your duo", the pilot's final survey answered on 2009-04-05, the
//!   committee's pages on the running pilot with `?cohort=2009` a click
//!   away;
//! - every role on the committee's pages with and without `?cohort=`.

mod support;

use functions::views;
use mentoring::permissions::{permitted, Action, Role};
use serde_json::json;
use support::app::{mentee_form, mentor_form, Resp, TestApp, CHAIR, COMMITTEE, STAFF};

app_cases!(
    year_two_rules_over_http,
    pages_follow_the_cohort_in_the_overlap,
    committee_pages_and_cohort_choice_for_every_role,
);

/// The pilot mentor and mentee of the tests.
const MENTOR: &str = "R4001";
/// Joined after the pilot opened: a first-year member for 2009 too, so
/// only the year-two rule refuses her.
const MENTEE: &str = "E3001";

/// On 2008-03-03: the committee, an approved mentor, an accepted mentee and
/// their duo in the pilot; then the clock moves to `today`.
async fn pilot_duo(t: &TestApp, today: &str) {
    t.add_committee().await;
    t.add_member(MENTOR, "1990-01-01").await;
    t.add_member(MENTEE, "2008-02-10").await;
    t.send(
        t.as_member(MENTOR)
            .post_json("/api/applications", &mentor_form()),
    )
    .await
    .expect(201);
    t.send(t.as_member(CHAIR).post_json(
        &format!("/api/applications/mentor-{MENTOR}/approve"),
        &json!({}),
    ))
    .await
    .expect(200);
    let r = t
        .send(
            t.as_member(MENTEE)
                .post_json("/api/applications", &mentee_form()),
        )
        .await;
    assert_eq!(r.expect(201).json()["cohort"], "2008");
    let r = t
        .send(t.as_member(MENTEE).post_json(
            "/api/matches",
            &json!({"mentor_id": MENTOR, "message": "Your budgeting work."}),
        ))
        .await;
    let id = r.expect(201).json()["id"].as_str().unwrap().to_owned();
    let r = t
        .send(
            t.as_member(MENTOR)
                .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
        )
        .await;
    let duo = r.expect(200).json()["duo"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.send(t.as_member(CHAIR).post_json(
        &format!("/api/duos/{duo}/liaison"),
        &json!({"liaison_id": COMMITTEE[1]}),
    ))
    .await
    .expect(200);
    t.set_time(today);
}

/// A page of the views as `who`.
async fn page(t: &TestApp, who: &str, path: &str) -> Resp {
    let req = if who.is_empty() {
        t.anonymous().get(path)
    } else {
        t.as_member(who).get(path)
    };
    let r = views::handle(&t.app, &req, None)
        .await
        .unwrap_or_else(|| panic!("{path} is a view"));
    let (parts, body) = r.into_parts();
    Resp {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

/// The text of the table cell `class` in the row `data-survey="id"`.
fn survey_cell(html: &str, id: &str, class: &str) -> String {
    let row = html
        .split(&format!("data-survey=\"{id}\""))
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row for {id}: {html}"));
    let cell = row
        .split(&format!("class=\"{class}\">"))
        .nth(1)
        .and_then(|c| c.split('<').next())
        .unwrap_or_else(|| panic!("no {class} cell: {row}"));
    cell.trim().to_owned()
}

fn final_answers() -> serde_json::Value {
    json!({"answers": {
        "role": "Mentee",
        "meeting_frequency": "About once a month",
        "satisfaction": 5,
        "goals_met": 4,
        "benefits": ["Clearer career goals"],
        "recommend": "Yes, without hesitation"
    }})
}

mod cases {
    use super::*;

    pub async fn year_two_rules_over_http(t: TestApp) {
        pilot_duo(&t, "2009-02-01T15:00:00Z").await;

        // The pilot mentee, a first-year member still, is refused as a 2009
        // mentee, with the reason; nothing is stored.
        let r = t
            .send(
                t.as_member(MENTEE)
                    .post_json("/api/applications", &mentee_form()),
            )
            .await;
        let v = r.expect_problem(403);
        assert_eq!(v["code"], "not_eligible");
        assert_eq!(
            v["detail"],
            "You were a mentee in the 2008–2009 pilot cohort; the program takes each mentee once."
        );
        // As a plain form post: the same sentence on the error page.
        let r = t
            .send(t.as_member(MENTEE).post_form(
                "/api/applications",
                &[("side", "mentee"), ("goals", "Another year.")],
            ))
            .await;
        assert_eq!(r.status, 403);
        assert!(
            r.text().contains("the program takes each mentee once"),
            "{}",
            r.text()
        );
        let listed = t
            .send(t.as_member(CHAIR).get("/api/applications?cohort=2009"))
            .await
            .expect(200)
            .json();
        assert_eq!(listed["applications"], json!([]), "nothing stored");

        // A first-year member of 2009 is accepted into 2009.
        t.add_member("N5001", "2008-06-01").await;
        let r = t
            .send(
                t.as_member("N5001")
                    .post_json("/api/applications", &mentee_form()),
            )
            .await;
        let v = r.expect(201).json();
        assert_eq!(v["cohort"], "2009");
        assert_eq!(v["status"]["state"], "accepted");
        assert_eq!(v["ordinal"], 1, "2009 counts its own mentees");

        // First-year is measured against 2009's opening (2009-01-01): joined
        // 2007-12-31 was first-year for the pilot, not for 2009.
        t.add_member("N5002", "2007-12-31").await;
        let r = t
            .send(
                t.as_member("N5002")
                    .post_json("/api/applications", &mentee_form()),
            )
            .await;
        let v = r.expect_problem(403);
        assert!(v["detail"].as_str().unwrap().contains("2008-01-01"), "{v}");
        t.add_member("N5003", "2008-01-01").await;
        t.send(
            t.as_member("N5003")
                .post_json("/api/applications", &mentee_form()),
        )
        .await
        .expect(201);

        // The pilot mentor serves again.
        let r = t
            .send(
                t.as_member(MENTOR)
                    .post_json("/api/applications", &mentor_form()),
            )
            .await;
        assert_eq!(r.expect(201).json()["cohort"], "2009");
    }

    pub async fn pages_follow_the_cohort_in_the_overlap(t: TestApp) {
        pilot_duo(&t, "2009-02-01T15:00:00Z").await;
        t.add_member("N5001", "2008-06-01").await;
        t.send(
            t.as_member("N5001")
                .post_json("/api/applications", &mentee_form()),
        )
        .await
        .expect(201);

        // Both sides of the pilot duo still see it while 2009 applies.
        for who in [MENTEE, MENTOR] {
            let r = page(&t, who, "/members/duo/").await;
            let html = r.expect(200).text();
            assert!(
                html.contains("Member R4001 and Member E3001"),
                "{who}: {html}"
            );
            assert!(html.contains("2008–2009 pilot"), "{who}");
            assert!(html.contains("Member M1003"), "{who}: the liaison");
            assert!(html.contains("active"), "{who}");
        }
        let me = t
            .send(t.as_member(MENTEE).get("/api/me"))
            .await
            .expect(200)
            .json();
        assert_eq!(me["duo"]["cohort"], "2008");
        assert_eq!(me["duo"]["status"]["state"], "active");
        // The 2009 mentee has no duo yet, and sees their 2009 application.
        let html = page(&t, "N5001", "/members/duo/").await.expect(200).text();
        assert!(html.contains("not in a duo yet"), "{html}");
        let html = page(&t, "N5001", "/members/").await.expect(200).text();
        assert!(
            html.contains("Your mentee application (2009–2010)"),
            "{html}"
        );

        // The committee: the running pilot by default, 2009 a click away.
        let html = page(&t, CHAIR, "/members/committee/duos/")
            .await
            .expect(200)
            .text();
        assert!(
            html.contains("data-cohort=\"2008\">2008–2009 pilot</strong>"),
            "{html}"
        );
        assert!(html.contains("Member R4001"), "the pilot's duo");
        assert!(
            html.contains("href=\"/members/committee/duos/?cohort=2009\" class=\"cohort-next\""),
            "{html}"
        );
        let html = page(&t, CHAIR, "/members/committee/duos/?cohort=2009")
            .await
            .expect(200)
            .text();
        assert!(html.contains("No duos in 2009–2010 yet"), "{html}");
        t.add_member("R4002", "1992-01-01").await;
        t.send(
            t.as_member("R4002")
                .post_json("/api/applications", &mentor_form()),
        )
        .await
        .expect(201);
        let html = page(&t, CHAIR, "/members/committee/applications/?cohort=2009")
            .await
            .expect(200)
            .text();
        assert!(html.contains("data-application=\"mentee-N5001\""), "{html}");
        assert!(html.contains("data-application=\"mentor-R4002\""), "{html}");
        assert!(!html.contains("data-application=\"mentee-E3001\""));
        assert!(
            html.contains("<input type=\"hidden\" name=\"cohort\" value=\"2009\">"),
            "decisions carry the cohort shown: {html}"
        );
        // The chair's plain form post decides in 2009 and comes back to it.
        let r = t
            .send(t.as_member(CHAIR).post_form(
                "/api/applications/mentor-R4002/approve",
                &[("cohort", "2009")],
            ))
            .await;
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(
            r.header("location"),
            Some("/members/committee/applications/?decided=mentor-R4002&cohort=2009")
        );

        // 2009-04-05: the pilot's final survey is for the pilot's duo.
        t.set_time("2009-04-05T15:00:00Z");
        let html = page(&t, MENTEE, "/members/surveys/final/")
            .await
            .expect(200)
            .text();
        assert!(html.contains("id=\"survey-form\""), "{html}");
        assert!(
            html.contains("2008–2009 pilot: open from 2009-04-01"),
            "{html}"
        );
        let r = t
            .send(
                t.as_member(MENTEE)
                    .post_json("/api/surveys/final/responses", &final_answers()),
            )
            .await;
        let v = r.expect(201).json();
        assert_eq!(v["cohort"], "2008");
        assert_eq!(v["side"], "mentee");
        let html = page(&t, MENTEE, "/members/surveys/final/")
            .await
            .expect(200)
            .text();
        assert!(html.contains("your answers are recorded"), "{html}");
        // The 2009 mentee's final survey is 2009's, a year on.
        let r = t
            .send(
                t.as_member("N5001")
                    .post_json("/api/surveys/final/responses", &final_answers()),
            )
            .await;
        let v = r.expect_problem(409);
        assert_eq!(v["code"], "closed");
        assert!(v["detail"].as_str().unwrap().contains("2010-04-01"), "{v}");

        // Both cohorts' response rates, the pilot's first.
        let html = page(&t, STAFF, "/members/committee/surveys/")
            .await
            .expect(200)
            .text();
        assert!(html.contains("data-cohort=\"2008\">2008–2009 pilot</strong>"));
        assert_eq!(survey_cell(&html, "final", "answered"), "1");
        assert_eq!(survey_cell(&html, "final", "rate"), "50%");
        let html = page(&t, STAFF, "/members/committee/surveys/?cohort=2009")
            .await
            .expect(200)
            .text();
        assert!(html.contains("data-cohort=\"2009\">2009–2010</strong>"));
        assert_eq!(survey_cell(&html, "final", "answered"), "0");
        assert_eq!(survey_cell(&html, "final", "rate"), "0%");

        // After the pilot: its duo is among the member's other duos once
        // they take part in 2009 (the mentor serves again).
        t.set_time("2009-05-10T15:00:00Z");
        t.send(
            t.as_member(MENTOR)
                .post_json("/api/applications", &mentor_form()),
        )
        .await
        .expect(201);
        let html = page(&t, MENTOR, "/members/duo/").await.expect(200).text();
        assert!(html.contains("Your other duos"), "{html}");
        assert!(html.contains("data-cohort=\"2008\""), "{html}");
        assert!(html.contains("completed"), "{html}");
    }

    pub async fn committee_pages_and_cohort_choice_for_every_role(t: TestApp) {
        pilot_duo(&t, "2009-02-01T15:00:00Z").await;
        t.add_member("P5001", "2001-01-01").await;
        let callers: [(&str, Vec<Role>); 7] = [
            ("", vec![]),
            ("P5001", vec![Role::Member]),
            (MENTEE, vec![Role::Member, Role::Mentee]),
            (MENTOR, vec![Role::Member, Role::Mentor]),
            (COMMITTEE[0], vec![Role::Member, Role::Committee]),
            (CHAIR, vec![Role::Member, Role::Chair]),
            (STAFF, vec![Role::Member, Role::Staff]),
        ];
        let pages = [
            ("/members/committee/applications/", Action::ListApplications),
            ("/members/committee/duos/", Action::ListDuos),
            ("/members/committee/surveys/", Action::ViewSurveyStats),
            ("/members/report/", Action::ViewCommitteeReport),
        ];
        let mut checked = 0;
        for (who, roles) in &callers {
            for (path, action) in pages {
                for (query, known) in [
                    ("", true),
                    ("?cohort=2008", true),
                    ("?cohort=2009", true),
                    ("?cohort=1999", false),
                ] {
                    let url = format!("{path}{query}");
                    let r = page(&t, who, &url).await;
                    if who.is_empty() {
                        assert_eq!(r.status, 303, "{url}");
                    } else if !permitted(roles, action) {
                        assert_eq!(r.status, 403, "{who} {url}");
                        assert!(
                            !r.text().contains("Member R4001"),
                            "{who} {url} leaks a duo"
                        );
                    } else if known {
                        assert_eq!(r.status, 200, "{who} {url}: {}", r.text());
                        let shown = if query.is_empty() {
                            "2008"
                        } else {
                            &query[8..]
                        };
                        assert!(
                            r.text()
                                .contains(&format!("?cohort={shown}\" aria-current=\"page\""))
                                || r.text().contains(&format!(
                                    "data-cohort=\"{shown}\" aria-current=\"page\""
                                )),
                            "{who} {url} marks cohort {shown}: {}",
                            r.text()
                        );
                    } else {
                        assert_eq!(r.status, 404, "{who} {url}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 4 * 4);
    }
}
