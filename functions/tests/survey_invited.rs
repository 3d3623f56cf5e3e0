//! Who is invited to a survey has one definition
//! ([`mentoring::invitation::invited`]): the scheduler's invitations, the
//! response-rate API, the committee's page and the report count the same
//! people on a cohort where one duo ended before the survey opened and one
//! after. On both stores.

mod support;

use serde_json::json;
use support::app::{TestApp, CHAIR};

app_cases!(the_scheduler_the_api_the_page_and_the_report_count_the_same_invited);

async fn end(t: &TestApp, duo: &str, by: &str) {
    t.send(t.as_member(by).post_json(
        &format!("/api/duos/{duo}/end"),
        &json!({"reason": "Our schedules never meet."}),
    ))
    .await
    .expect(200);
}

mod cases {
    use super::*;

    pub async fn the_scheduler_the_api_the_page_and_the_report_count_the_same_invited(t: TestApp) {
        t.add_committee().await;
        t.sample_duo("E1", "R1").await;
        let d2 = t.sample_duo("E2", "R2").await;
        let d3 = t.sample_duo("E3", "R3").await;
        // d2 ends before the mid-way survey opens (2008-11-17), d3 after.
        t.set_time("2008-08-01T15:00:00Z");
        end(&t, &d2, "E2").await;
        t.set_time("2008-11-17T15:00:00Z");
        let run = functions::scheduler::tick(&t.app, t.clock_now()).await;
        t.set_time("2008-11-20T15:00:00Z");
        end(&t, &d3, "E3").await;

        // The scheduler invited the parties of d1 and d3.
        let invited_mails: Vec<String> = t
            .sent()
            .into_iter()
            .filter(|m| m.subject.to_lowercase().contains("survey"))
            .map(|m| m.to)
            .collect();
        assert_eq!(run.survey_invitations, 4, "{run}");
        let mut to = invited_mails.clone();
        to.sort();
        assert_eq!(
            to,
            [
                "e1@example.org",
                "e3@example.org",
                "r1@example.org",
                "r3@example.org"
            ]
        );

        // The API.
        let v = t
            .send(
                t.as_member(CHAIR)
                    .get("/api/surveys/midpoint/stats?cohort=2008"),
            )
            .await
            .expect(200)
            .json();
        let api: u64 = ["mentee", "mentor"]
            .iter()
            .map(|s| v["by_role"][s]["invited"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(api, 4, "{v}");
        assert_eq!(v["by_role"]["mentee"]["invited"], 2, "{v}");

        // The committee's page.
        let req = t
            .as_member(CHAIR)
            .get("/members/committee/surveys/?cohort=2008");
        let page = functions::views::handle(&t.app, &req, None).await.unwrap();
        let html = String::from_utf8_lossy(page.body()).into_owned();
        let row = &html[html
            .find("data-survey=\"midpoint\"")
            .expect("the mid-way row")..];
        let row = &row[..row.find("</tr>").unwrap()];
        let cells: Vec<&str> = row
            .split("<td>")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap().trim())
            .collect();
        assert!(cells.contains(&"4"), "invited on the page: {row}");

        // The report.
        let report = functions::report::build(
            t.app.store.as_ref(),
            &t.app.config,
            "2008",
            t.clock_now().date_naive(),
        )
        .await
        .unwrap();
        let midpoint = report.surveys.iter().find(|s| s.id == "midpoint").unwrap();
        assert_eq!(midpoint.invited, 4);
    }
}
