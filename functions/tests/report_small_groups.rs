//! The small-group rule (issue 14, `mentoring::disclosure`): a breakdown of
//! survey answers over fewer than 5 people is shown as "fewer than 5
//! answers" in the committee's report, its CSV files, the committee's pages
//! and the stats API; the free-text answers of an anonymous survey appear
//! only after it closes. A cohort of 4 answers and one of 6, on both
//! stores.

mod support;

use chrono::{DateTime, NaiveDate, Utc};
use functions::records::{self, keys};
use functions::report;
use mentoring::answers::{respond, Answers};
use mentoring::{Moment, Side};
use serde_json::{json, Value};
use support::app::{TestApp, CHAIR};

app_cases!(
    four_answers_show_no_breakdown_anywhere,
    six_answers_show_the_breakdown_and_the_texts_after_the_close,
    anonymous_free_text_waits_for_the_close,
);

const WITHHELD: &str = "fewer than 5 answers";
/// The midpoint survey of 2008 closes on this day.
const CLOSES: &str = "2008-12-08";
const AFTER_CLOSE: &str = "2009-05-15T15:00:00Z";
const WHILE_OPEN: &str = "2008-11-25T15:00:00Z";

fn day(instant: &str) -> NaiveDate {
    DateTime::parse_from_rfc3339(instant)
        .unwrap()
        .with_timezone(&Utc)
        .date_naive()
}

/// `n` answers to the (anonymous) midpoint survey of 2008, each with a
/// free text "Private remark N".
async fn answer_midpoint(t: &TestApp, n: usize) {
    let survey = t.app.config.survey("midpoint").unwrap();
    assert!(survey.anonymous);
    let cohort = t.app.config.program.cohort("2008").unwrap();
    let at = Moment::utc(
        DateTime::parse_from_rfc3339("2008-11-20T15:30:00Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    for i in 0..n {
        let side = if i % 2 == 0 {
            Side::Mentee
        } else {
            Side::Mentor
        };
        let answers: Answers = serde_json::from_value(json!({
            "role": if side == Side::Mentee { "Mentee" } else { "Mentor" },
            "meeting_frequency": "About once a month",
            "meeting_modes": ["Phone"],
            "satisfaction": 1 + (i % 5),
            "goals_progress": 3,
            "help_needed": format!("Private remark {i}"),
        }))
        .unwrap();
        let who = format!("M{:04}", 4000 + i);
        let r = respond(survey, cohort, &who, side, &answers, at).expect("valid answers");
        let key = keys::survey_response("2008", "midpoint", &records::new_id());
        t.app
            .store
            .put(
                records::record_item(&key, "survey_response", None, &r),
                None,
            )
            .await
            .unwrap();
    }
}

/// What the committee sees: the report, its CSV files (by name), the
/// members-only report page, the stats API and the survey page.
struct Seen {
    report: report::Report,
    csv: Vec<(&'static str, String)>,
    page: String,
    api: Value,
    surveys_page: String,
}

async fn view(t: &TestApp, path: &str) -> String {
    let req = t.as_member(CHAIR).get(path);
    let r = functions::views::handle(&t.app, &req, None).await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    String::from_utf8(r.into_body()).unwrap()
}

async fn seen(t: &TestApp, now: &str) -> Seen {
    t.set_time(now);
    let r = report::build(t.app.store.as_ref(), &t.app.config, "2008", day(now))
        .await
        .unwrap();
    let csv = report::csv_files(&r);
    let page = view(t, "/members/report/?cohort=2008").await;
    let surveys_page = view(t, "/members/committee/surveys/?cohort=2008").await;
    let api = t
        .send(
            t.as_member(CHAIR)
                .get("/api/surveys/midpoint/stats?cohort=2008"),
        )
        .await
        .expect(200)
        .json();
    Seen {
        report: r,
        csv,
        page,
        api,
        surveys_page,
    }
}

impl Seen {
    fn csv(&self, name: &str) -> &str {
        &self.csv.iter().find(|(n, _)| *n == name).unwrap().1
    }

    fn midpoint(&self) -> &report::SurveyReport {
        self.report
            .surveys
            .iter()
            .find(|s| s.id == "midpoint")
            .unwrap()
    }

    /// The midpoint survey's section of the report page.
    fn midpoint_section(&self) -> &str {
        let start = self.page.find("id=\"survey-midpoint\"").unwrap();
        let rest = &self.page[start..];
        &rest[..rest.find("</section>").unwrap()]
    }

    fn api_question(&self, id: &str) -> &Value {
        self.api["stats"]["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
    }
}

mod cases {
    use super::*;

    pub async fn four_answers_show_no_breakdown_anywhere(t: TestApp) {
        t.add_committee().await;
        answer_midpoint(&t, 4).await;
        let s = seen(&t, AFTER_CLOSE).await;
        // The report: how many answered, never what.
        let mid = s.midpoint();
        assert_eq!(mid.responses, 4);
        for q in &mid.questions {
            assert_eq!(q.withheld.as_deref(), Some(WITHHELD), "{}", q.id);
            assert!(q.distribution.is_empty() && q.mean.is_none() && q.texts.is_empty());
        }
        let sat = mid
            .questions
            .iter()
            .find(|q| q.id == "satisfaction")
            .unwrap();
        assert_eq!(sat.answered, 4);
        // The CSV files.
        assert!(s
            .csv("questions.csv")
            .contains("midpoint,satisfaction,likert,4,,fewer than 5 answers\n"));
        assert!(s
            .csv("distributions.csv")
            .contains("midpoint,satisfaction,fewer than 5 answers,\n"));
        assert!(!s
            .csv("distributions.csv")
            .contains("midpoint,satisfaction,1,"));
        assert!(!s.csv("distributions.csv").contains("midpoint,role,Mentee"));
        assert_eq!(
            s.csv("free_text.csv")
                .lines()
                .filter(|l| l.starts_with("midpoint,"))
                .collect::<Vec<_>>(),
            ["midpoint,help_needed,fewer than 5 answers"]
        );
        // The members-only page.
        let section = s.midpoint_section();
        assert!(section.contains("<p class=\"note withheld\">fewer than 5 answers</p>"));
        for banned in ["<figure>", "<blockquote>", "mean ", "Private remark"] {
            assert!(!section.contains(banned), "{banned} in {section}");
        }
        assert!(section.contains("4 answered"), "the count stays");
        // The API.
        for id in ["role", "satisfaction", "meeting_modes"] {
            let q = s.api_question(id);
            assert_eq!(q["stats"]["kind"], "withheld", "{id}");
            assert_eq!(q["stats"]["reason"], WITHHELD, "{id}");
            assert!(q["stats"].get("counts").is_none() && q["stats"].get("mean").is_none());
        }
        // The committee's survey page: counts only.
        assert!(s.surveys_page.contains("<td class=\"answered\">4</td>"));
        assert!(!s.surveys_page.contains("Private remark"));
        assert!(!s.surveys_page.contains("About once a month"));
    }

    pub async fn six_answers_show_the_breakdown_and_the_texts_after_the_close(t: TestApp) {
        t.add_committee().await;
        answer_midpoint(&t, 6).await;
        let s = seen(&t, AFTER_CLOSE).await;
        let mid = s.midpoint();
        let q = |id: &str| mid.questions.iter().find(|q| q.id == id).unwrap();
        let sat = q("satisfaction");
        assert_eq!(sat.withheld, None);
        assert_eq!(sat.answered, 6);
        // Points 1..5, then 1 again: 1,2,3,4,5,1.
        assert_eq!(
            sat.distribution.iter().map(|o| o.count).collect::<Vec<_>>(),
            [2, 1, 1, 1, 1]
        );
        assert_eq!(sat.mean, Some(16.0 / 6.0));
        let texts = &q("help_needed").texts;
        assert_eq!(texts.len(), 6);
        assert_eq!(q("help_needed").withheld, None);
        assert!(s
            .csv("questions.csv")
            .contains("midpoint,satisfaction,likert,6,2.67,\n"));
        assert!(s
            .csv("distributions.csv")
            .contains("midpoint,satisfaction,1,2\n"));
        assert!(s
            .csv("free_text.csv")
            .contains("midpoint,help_needed,Private remark 5\n"));
        assert!(!s
            .csv("free_text.csv")
            .lines()
            .any(|l| l.starts_with("midpoint,") && l.contains(WITHHELD)));
        let section = s.midpoint_section();
        assert!(section.contains("<blockquote>Private remark 0</blockquote>"));
        assert!(section.contains("6 answered; mean 2.67"));
        for id in ["satisfaction", "role", "help_needed"] {
            let start = section.find(&format!("id=\"q-midpoint-{id}\"")).unwrap();
            let div = &section[start..];
            let div = &div[..div.find("</div>").unwrap()];
            assert!(!div.contains("withheld"), "{id}: {div}");
        }
        // Questions nobody answered stay withheld (0 of 6).
        assert_eq!(q("liaison_support").withheld.as_deref(), Some(WITHHELD));
        let api = s.api_question("satisfaction");
        assert_eq!(api["stats"]["kind"], "likert");
        assert_eq!(api["stats"]["counts"]["1"], 2);
    }

    pub async fn anonymous_free_text_waits_for_the_close(t: TestApp) {
        t.add_committee().await;
        answer_midpoint(&t, 6).await;
        let s = seen(&t, WHILE_OPEN).await;
        let label = format!("shown after the survey closes on {CLOSES}");
        let mid = s.midpoint();
        let help = mid
            .questions
            .iter()
            .find(|q| q.id == "help_needed")
            .unwrap();
        assert_eq!(help.withheld.as_deref(), Some(label.as_str()));
        assert!(help.texts.is_empty());
        // The distributions of six answers are shown while it is open.
        let sat = mid
            .questions
            .iter()
            .find(|q| q.id == "satisfaction")
            .unwrap();
        assert_eq!(sat.withheld, None);
        assert_eq!(
            s.csv("free_text.csv")
                .lines()
                .filter(|l| l.starts_with("midpoint,"))
                .collect::<Vec<_>>(),
            [format!("midpoint,help_needed,{label}")]
        );
        let section = s.midpoint_section();
        assert!(section.contains(&label));
        assert!(!section.contains("Private remark"));
        assert!(!s.page.contains("Private remark"));
        // On its last day it is still open; the day after, the texts show.
        let last = seen(&t, "2008-12-08T20:00:00Z").await;
        assert!(!last.page.contains("Private remark"));
        let next = seen(&t, "2008-12-09T09:00:00Z").await;
        assert!(next
            .page
            .contains("<blockquote>Private remark 3</blockquote>"));
    }
}
