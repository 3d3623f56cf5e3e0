//! The program's day is a day in its IANA `timezone:` (America/Chicago in
//! the sample), daylight saving included: the matching deadline (Friday
//! 2008-06-13, in daylight time, UTC-5) ends at midnight in Chicago, not at
//! midnight UTC and not at a fixed UTC-6. On both stores.

mod support;

use serde_json::json;
use support::app::TestApp;

app_cases!(the_matching_deadline_ends_at_midnight_in_chicago_in_daylight_time);

async fn ask(t: &TestApp, mentee: &str, mentor: &str) -> u16 {
    t.send(t.as_member(mentee).post_json(
        "/api/matches",
        &json!({"mentor_id": mentor, "message": "Please mentor me."}),
    ))
    .await
    .status
}

mod cases {
    use super::*;

    pub async fn the_matching_deadline_ends_at_midnight_in_chicago_in_daylight_time(t: TestApp) {
        assert_eq!(t.app.config.program.timezone, "America/Chicago");
        t.add_committee().await;
        for (mentor, mentee) in [("R1", "E1"), ("R2", "E2"), ("R3", "E3")] {
            t.sample_mentor(mentor).await;
            t.sample_mentee(mentee).await;
        }
        // 2008-06-14 03:30 UTC is 22:30 on the 13th in Chicago (CDT): still
        // the deadline day, though UTC says the 14th.
        t.set_time("2008-06-14T03:30:00Z");
        assert_eq!(t.app.moment().today.to_string(), "2008-06-13");
        assert_eq!(ask(&t, "E1", "R1").await, 201);
        // 04:59 UTC is 23:59 in Chicago: the last minute.
        t.set_time("2008-06-14T04:59:00Z");
        assert_eq!(ask(&t, "E2", "R2").await, 201);
        // 05:30 UTC is 00:30 on the 14th in Chicago: closed. (A fixed UTC-6
        // would still say 23:30 on the 13th.)
        t.set_time("2008-06-14T05:30:00Z");
        assert_eq!(t.app.moment().today.to_string(), "2008-06-14");
        let r = t
            .send(t.as_member("E3").post_json(
                "/api/matches",
                &json!({"mentor_id": "R3", "message": "Please mentor me."}),
            ))
            .await;
        assert_eq!(r.expect_problem(409)["code"], "closed");
        // In standard time (January, UTC-6) the same wall clock is an hour
        // later in UTC: 05:30 UTC is still 23:30 on the 14th.
        t.set_time("2008-01-15T05:30:00Z");
        assert_eq!(t.app.moment().today.to_string(), "2008-01-14");
        t.set_time("2008-01-15T06:30:00Z");
        assert_eq!(t.app.moment().today.to_string(), "2008-01-15");
    }
}
