//! The committee's report (functions::report) over a cohort seeded with
//! known applications, duos and survey answers: every number of the data
//! and of the CSV files, some of the HTML, and the anonymity of the survey
//! parts. Runs on the embedded store and on DynamoDB (moto).

mod support;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use functions::config::{utc, Config};
use functions::records::{self, keys};
use functions::report::{self, ApplicationCounts, DuoCounts, OptionCount, RoleRate};
use functions::store::Store;
use mentoring::answers::{respond, Answers};
use mentoring::application::{
    MenteeApplication, MenteeForm, MenteeStatus, MentorApplication, MentorForm, MentorStatus,
};
use mentoring::duo::{Duo, DuoStatus};
use mentoring::{Member, Moment, Side};
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn config() -> Config {
    Config::load(
        support::app::content_dir(),
        support::app::SURVEY_SECRET.to_vec(),
        utc(),
    )
    .expect("content loads")
}

/// Fictional people: (member id, name).
const PEOPLE: [(&str, &str); 13] = [
    ("M2001", "Rosalind Quillfeather"),
    ("M2002", "Tobias Wrenfield"),
    ("M2003", "Imogen Larkspur"),
    ("M2004", "Caspian Thornbury"),
    ("M2005", "Odalys Fernhollow"),
    ("M2006", "Barnaby Colewort"),
    ("M2007", "Perpetua Hazelmere"),
    ("M3001", "Ezekiel Brambleton"),
    ("M3002", "Henrietta Mossgrove"),
    ("M3003", "Leopold Ashcombe"),
    ("M3004", "Clementine Rookwood"),
    ("M3005", "Augustin Pellworth"),
    ("M3006", "Marguerite Saltash"),
];

async fn put(store: &dyn Store, item: functions::store::Item) {
    store.put(item, None).await.expect("seed item");
}

fn mentee(id: &str, status: MenteeStatus, ordinal: u64) -> MenteeApplication {
    MenteeApplication {
        cohort: "2008".into(),
        member_id: id.into(),
        form: MenteeForm {
            goals: "Learn to lead a branch.".into(),
            ..MenteeForm::default()
        },
        submitted_at: t("2008-02-01T12:00:00Z") + chrono::Duration::hours(ordinal as i64),
        ordinal: Some(ordinal),
        status,
    }
}

fn mentor(id: &str, status: MentorStatus) -> MentorApplication {
    MentorApplication {
        cohort: "2008".into(),
        member_id: id.into(),
        form: MentorForm {
            title: "Director".into(),
            institution: "Fictional Public Library".into(),
            expertise: vec!["strategic-planning".into()],
            years_involvement: 10,
            bio: "Twenty years in libraries.".into(),
            availability: String::new(),
        },
        submitted_at: t("2008-02-03T12:00:00Z"),
        status,
    }
}

fn duo(id: &str, mentor: &str, mentee: &str, liaison: Option<&str>) -> Duo {
    Duo {
        id: id.into(),
        cohort: "2008".into(),
        mentor_id: mentor.into(),
        mentee_id: mentee.into(),
        liaison_id: liaison.map(str::to_owned),
        request_id: None,
        formed_at: t("2008-05-01T12:00:00Z"),
        status: DuoStatus::Formed,
    }
}

/// The midpoint answers: (side, answers).
fn midpoint_answers() -> Vec<(Side, serde_json::Value)> {
    vec![
        (
            Side::Mentee,
            json!({"role": "Mentee", "meeting_frequency": "About once a month",
                   "meeting_modes": ["Phone", "E-mail"], "satisfaction": 5, "goals_progress": 4,
                   "liaison_support": 3, "launch_training": "Very useful",
                   "challenges": ["Finding time to meet"],
                   "help_needed": "More reading lists, please."}),
        ),
        (
            Side::Mentee,
            json!({"role": "Mentee", "meeting_frequency": "More than once a month",
                   "meeting_modes": ["In person"], "satisfaction": 4, "goals_progress": 4,
                   "liaison_support": 5, "challenges": ["Nothing so far"]}),
        ),
        (
            Side::Mentee,
            json!({"role": "Mentee", "meeting_frequency": "About once a month",
                   "meeting_modes": ["Phone", "Video call"], "satisfaction": 3, "goals_progress": 2,
                   "launch_training": "Somewhat useful",
                   "challenges": ["Finding time to meet", "Changes at work"],
                   "help_needed": "A mid-year check-in call & <agenda>"}),
        ),
        (
            Side::Mentor,
            json!({"role": "Mentor", "meeting_frequency": "About once a month",
                   "meeting_modes": ["Phone"], "satisfaction": 4, "goals_progress": 3,
                   "liaison_support": 4, "launch_training": "Very useful",
                   "help_needed": "Share a sample goals worksheet."}),
        ),
        (
            Side::Mentor,
            json!({"role": "Mentor", "meeting_frequency": "Every two or three months",
                   "meeting_modes": ["E-mail", "At conferences or meetings"], "satisfaction": 2,
                   "goals_progress": 3, "liaison_support": 2, "launch_training": "I did not attend",
                   "challenges": ["Distance or time zones", "Finding time to meet"]}),
        ),
    ]
}

/// Seeds cohort 2008: 7 mentee applications (4 accepted, 1 waitlisted, 1
/// declined, 1 withdrawn), 6 mentor applications (4 approved, 1 declined, 1
/// submitted), 4 duos (3 with a liaison, one ended early) and 5 midpoint
/// answers (3 mentees, 2 mentors) made by the real survey rules.
async fn seed(store: &dyn Store, config: &Config) {
    for (id, name) in PEOPLE {
        let m = Member {
            member_id: id.into(),
            name: name.into(),
            email: format!("{}@example.org", id.to_lowercase()),
            joined: d("2007-09-01"),
            category: "Personal".into(),
            good_standing: true,
        };
        put(store, functions::roster::member_item(&m)).await;
    }
    let mentees = [
        ("M2001", MenteeStatus::Accepted),
        ("M2002", MenteeStatus::Accepted),
        ("M2003", MenteeStatus::Accepted),
        ("M2004", MenteeStatus::Accepted),
        ("M2005", MenteeStatus::Waitlisted { place: 1 }),
        ("M2006", MenteeStatus::Declined),
        ("M2007", MenteeStatus::Withdrawn),
    ];
    for (i, (id, status)) in mentees.into_iter().enumerate() {
        put(
            store,
            records::mentee_app_item(&mentee(id, status, i as u64 + 1)),
        )
        .await;
    }
    let mentors = [
        ("M3001", MentorStatus::Approved),
        ("M3002", MentorStatus::Approved),
        ("M3003", MentorStatus::Approved),
        ("M3004", MentorStatus::Approved),
        ("M3005", MentorStatus::Declined),
        ("M3006", MentorStatus::Submitted),
    ];
    for (id, status) in mentors {
        put(store, records::mentor_app_item(&mentor(id, status))).await;
    }
    let mut ended = duo("d3", "M3003", "M2003", Some("M1002"));
    ended.status = DuoStatus::EndedEarly {
        by: "M2003".into(),
        reason: "A new job abroad.".into(),
        at: t("2008-10-01T12:00:00Z"),
    };
    for d in [
        duo("d1", "M3001", "M2001", Some("M1002")),
        duo("d2", "M3002", "M2002", Some("M1003")),
        ended,
        duo("d4", "M3004", "M2004", None),
    ] {
        put(store, records::duo_item(&d)).await;
        put(
            store,
            records::lock_item(
                &keys::mentor_lock("2008", &d.mentor_id),
                &d.id,
                &d.mentee_id,
            ),
        )
        .await;
        put(
            store,
            records::lock_item(
                &keys::mentee_lock("2008", &d.mentee_id),
                &d.id,
                &d.mentor_id,
            ),
        )
        .await;
    }
    let survey = config.survey("midpoint").unwrap();
    let cohort = config.program.cohort("2008").unwrap();
    let at = Moment::utc(t("2008-11-20T15:30:00Z"));
    let answerers = ["M2001", "M2002", "M2003", "M3001", "M3002"];
    for ((side, answers), who) in midpoint_answers().into_iter().zip(answerers) {
        let answers: Answers = serde_json::from_value(answers).unwrap();
        let r = respond(survey, cohort, who, side, &answers, at).expect("valid answers");
        let key = keys::survey_response("2008", "midpoint", &records::new_id());
        put(
            store,
            records::record_item(&key, "survey_response", None, &r),
        )
        .await;
    }
}

fn oc(pairs: &[(&str, u32)]) -> Vec<OptionCount> {
    pairs
        .iter()
        .map(|(o, n)| OptionCount {
            option: (*o).to_owned(),
            count: *n,
        })
        .collect()
}

const MIDPOINT_QUESTIONS_CSV: &str = "\
midpoint,role,single,5,,
midpoint,meeting_frequency,single,5,,
midpoint,meeting_modes,multi,5,,
midpoint,satisfaction,likert,5,3.60,
midpoint,goals_progress,likert,5,3.20,
midpoint,liaison_support,likert,4,3.50,
midpoint,launch_training,single,4,,
midpoint,challenges,multi,4,,
midpoint,help_needed,text,3,,
";

const MIDPOINT_DISTRIBUTIONS_CSV: &str = "\
midpoint,role,Mentee,3
midpoint,role,Mentor,2
midpoint,meeting_frequency,More than once a month,1
midpoint,meeting_frequency,About once a month,3
midpoint,meeting_frequency,Every two or three months,1
midpoint,meeting_frequency,\"Only once, at the launch\",0
midpoint,meeting_frequency,Not at all since the launch,0
midpoint,meeting_modes,In person,1
midpoint,meeting_modes,Phone,3
midpoint,meeting_modes,Video call,1
midpoint,meeting_modes,E-mail,2
midpoint,meeting_modes,At conferences or meetings,1
midpoint,satisfaction,1,0
midpoint,satisfaction,2,1
midpoint,satisfaction,3,1
midpoint,satisfaction,4,2
midpoint,satisfaction,5,1
midpoint,goals_progress,1,0
midpoint,goals_progress,2,1
midpoint,goals_progress,3,2
midpoint,goals_progress,4,2
midpoint,goals_progress,5,0
midpoint,liaison_support,1,0
midpoint,liaison_support,2,1
midpoint,liaison_support,3,1
midpoint,liaison_support,4,1
midpoint,liaison_support,5,1
midpoint,launch_training,Very useful,2
midpoint,launch_training,Somewhat useful,1
midpoint,launch_training,Not very useful,0
midpoint,launch_training,I did not attend,1
midpoint,challenges,Finding time to meet,3
midpoint,challenges,Distance or time zones,1
midpoint,challenges,Unclear goals,0
midpoint,challenges,Unclear expectations of each role,0
midpoint,challenges,Changes at work,1
midpoint,challenges,Nothing so far,1
";

/// The final survey has no answers: every question 0 answered, so every
/// breakdown is withheld by the small-group rule (`min_group_size`
/// answers at least): rows built from its definition, the text questions'
/// in free_text.csv. `(questions.csv, distributions.csv, free_text.csv)`.
fn final_rows(config: &Config) -> (String, String, String) {
    use mentoring::survey::QuestionKind;
    let s = config.survey("final").unwrap();
    let label = format!(
        "fewer than {} answers",
        config.program.reporting.min_group_size
    );
    let mut questions = String::new();
    let mut dist = String::new();
    let mut texts = String::new();
    for q in &s.questions {
        let kind = match &q.kind {
            QuestionKind::Likert { .. } => "likert",
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multi { .. } => "multi",
            QuestionKind::Text { .. } => "text",
        };
        if kind == "text" {
            texts.push_str(&format!("final,{},{label}\n", q.id));
        } else {
            dist.push_str(&format!("final,{},{label},\n", q.id));
        }
        questions.push_str(&format!("final,{},{kind},0,,{label}\n", q.id));
    }
    (questions, dist, texts)
}

async fn report_counts_everything(store: Arc<dyn Store>) {
    // Every number: the smallest group shown is 3 here, so every midpoint
    // question (3 to 5 answers) is counted and the final survey (no
    // answers) withheld; tests/report_small_groups.rs holds the rule at 5.
    let mut config = config();
    config.program.reporting.min_group_size = 3;
    seed(store.as_ref(), &config).await;
    let as_of = d("2009-05-15");
    let r = report::build(store.as_ref(), &config, "2008", as_of)
        .await
        .expect("report");

    // Applications by side.
    assert_eq!(
        r.applications,
        vec![
            ApplicationCounts {
                side: Side::Mentee,
                received: 7,
                accepted: 4,
                waitlisted: 1,
                declined: 1,
                withdrawn: 1,
                submitted: 0,
            },
            ApplicationCounts {
                side: Side::Mentor,
                received: 6,
                accepted: 4,
                waitlisted: 0,
                declined: 1,
                withdrawn: 0,
                submitted: 1,
            },
        ]
    );
    // Duos after the year: 3 completed, 1 ended early; 3 of 4 with a liaison.
    assert_eq!(
        r.duos,
        DuoCounts {
            formed: 4,
            running: 0,
            completed: 3,
            ended_early: 1,
            with_liaison: 3,
            liaison_coverage: Some(0.75),
        }
    );

    // Surveys, in the order they open.
    assert_eq!(
        r.surveys.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["midpoint", "final"]
    );
    let mid = &r.surveys[0];
    assert!(mid.anonymous);
    assert_eq!((mid.opens, mid.closes), (d("2008-11-17"), d("2008-12-08")));
    // d3 ended before the survey opened: its pair was never invited
    // (mentoring::invitation, as the scheduler invites).
    assert_eq!((mid.responses, mid.invited), (5, 6));
    assert_eq!(mid.response_rate, Some(5.0 / 6.0));
    assert_eq!(
        mid.by_role,
        vec![
            RoleRate {
                side: Side::Mentee,
                responses: 3,
                invited: 3,
                response_rate: Some(1.0),
            },
            RoleRate {
                side: Side::Mentor,
                responses: 2,
                invited: 3,
                response_rate: Some(2.0 / 3.0),
            },
        ]
    );
    let q = |id: &str| mid.questions.iter().find(|q| q.id == id).unwrap();
    assert_eq!(q("role").distribution, oc(&[("Mentee", 3), ("Mentor", 2)]));
    assert_eq!(
        q("meeting_frequency").distribution,
        oc(&[
            ("More than once a month", 1),
            ("About once a month", 3),
            ("Every two or three months", 1),
            ("Only once, at the launch", 0),
            ("Not at all since the launch", 0),
        ])
    );
    assert_eq!(
        q("meeting_modes").distribution,
        oc(&[
            ("In person", 1),
            ("Phone", 3),
            ("Video call", 1),
            ("E-mail", 2),
            ("At conferences or meetings", 1),
        ])
    );
    let sat = q("satisfaction");
    assert_eq!(
        sat.distribution,
        oc(&[("1", 0), ("2", 1), ("3", 1), ("4", 2), ("5", 1)])
    );
    assert_eq!((sat.answered, sat.mean), (5, Some(3.6)));
    let goals = q("goals_progress");
    assert_eq!(
        goals.distribution,
        oc(&[("1", 0), ("2", 1), ("3", 2), ("4", 2), ("5", 0)])
    );
    assert_eq!((goals.answered, goals.mean), (5, Some(3.2)));
    let liaison = q("liaison_support");
    assert_eq!(
        liaison.distribution,
        oc(&[("1", 0), ("2", 1), ("3", 1), ("4", 1), ("5", 1)])
    );
    assert_eq!((liaison.answered, liaison.mean), (4, Some(3.5)));
    assert_eq!(
        q("launch_training").distribution,
        oc(&[
            ("Very useful", 2),
            ("Somewhat useful", 1),
            ("Not very useful", 0),
            ("I did not attend", 1),
        ])
    );
    assert_eq!(q("launch_training").answered, 4);
    assert_eq!(
        q("challenges").distribution,
        oc(&[
            ("Finding time to meet", 3),
            ("Distance or time zones", 1),
            ("Unclear goals", 0),
            ("Unclear expectations of each role", 0),
            ("Changes at work", 1),
            ("Nothing so far", 1),
        ])
    );
    assert_eq!(q("challenges").answered, 4);
    let help = q("help_needed");
    assert_eq!(help.answered, 3);
    assert!(help.distribution.is_empty() && help.mean.is_none());
    assert_eq!(
        help.texts,
        [
            "A mid-year check-in call & <agenda>",
            "More reading lists, please.",
            "Share a sample goals worksheet."
        ]
    );
    let fin = &r.surveys[1];
    assert_eq!((fin.responses, fin.invited), (0, 6));
    assert_eq!(fin.response_rate, Some(0.0));
    assert!(fin
        .by_role
        .iter()
        .all(|r| r.responses == 0 && r.invited == 3 && r.response_rate == Some(0.0)));
    assert!(fin.questions.iter().all(|q| q.answered == 0
        && q.mean.is_none()
        && q.texts.is_empty()
        && q.distribution.iter().all(|o| o.count == 0)));

    // The CSV files, whole.
    let files = report::csv_files(&r);
    let csv = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{name}"))
            .1
            .clone()
    };
    assert_eq!(
        csv("applications.csv"),
        "side,received,accepted,waitlisted,declined,withdrawn,submitted\n\
         mentee,7,4,1,1,1,0\nmentor,6,4,0,1,0,1\n"
    );
    assert_eq!(
        csv("duos.csv"),
        "formed,running,completed,ended_early,with_liaison,liaison_coverage\n4,0,3,1,3,0.7500\n"
    );
    assert_eq!(
        csv("response_rates.csv"),
        "survey,role,responses,invited,response_rate\n\
         midpoint,mentee,3,3,1.0000\nmidpoint,mentor,2,3,0.6667\nmidpoint,all,5,6,0.8333\n\
         final,mentee,0,3,0.0000\nfinal,mentor,0,3,0.0000\nfinal,all,0,6,0.0000\n"
    );
    let (final_questions, final_dist, final_texts) = final_rows(&config);
    assert_eq!(
        csv("questions.csv"),
        format!("survey,question,kind,answered,mean,withheld\n{MIDPOINT_QUESTIONS_CSV}{final_questions}")
    );
    assert_eq!(
        csv("distributions.csv"),
        format!("survey,question,option,count\n{MIDPOINT_DISTRIBUTIONS_CSV}{final_dist}")
    );
    assert_eq!(
        csv("free_text.csv"),
        format!(
            "survey,question,answer\n\
             midpoint,help_needed,A mid-year check-in call & <agenda>\n\
             midpoint,help_needed,\"More reading lists, please.\"\n\
             midpoint,help_needed,Share a sample goals worksheet.\n{final_texts}"
        )
    );

    // The page: self-contained, print-friendly, escaped, with the numbers.
    let html = report::render_html(store.as_ref(), &config, "2008", as_of)
        .await
        .unwrap();
    for needle in [
        "@page",
        "page-break-inside: avoid",
        "<svg",
        "<tr><td>mentee</td><td>7</td><td>4</td><td>1</td><td>1</td><td>1</td><td>0</td></tr>",
        "<tr><td>mentor</td><td>6</td><td>4</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>",
        "<tr><td>Liaison coverage</td><td>75.0%</td></tr>",
        "<tr><td>Completed</td><td>3</td></tr>",
        "<tr><td>Ended early</td><td>1</td></tr>",
        "<tr><td>mentee</td><td>3</td><td>3</td><td>100.0%</td></tr>",
        "<tr><td>mentor</td><td>2</td><td>3</td><td>66.7%</td></tr>",
        "<tr><th>All</th><td>5</td><td>6</td><td>83.3%</td></tr>",
        "5 answered; mean 3.60 (1 = Very dissatisfied, 5 = Very satisfied)",
        "4 answered; mean 3.50",
        "<tr><td>Finding time to meet</td><td>3</td></tr>",
        "<blockquote>A mid-year check-in call &amp; &lt;agenda&gt;</blockquote>",
    ] {
        assert!(html.contains(needle), "the page lacks {needle:?}");
    }
    for banned in ["<script", "<link", " src=", "href=", "<agenda>", "url("] {
        assert!(!html.contains(banned), "the page holds {banned:?}");
    }

    // As of mid-year the same duos are running.
    let mid_year = report::build(store.as_ref(), &config, "2008", d("2008-12-01"))
        .await
        .unwrap();
    assert_eq!(
        (
            mid_year.duos.running,
            mid_year.duos.completed,
            mid_year.duos.ended_early
        ),
        (3, 0, 1)
    );

    // Files on disk.
    let out = tempfile::tempdir().unwrap();
    let written = report::write_files(&r, out.path()).unwrap();
    assert_eq!(written.len(), 7);
    assert_eq!(
        std::fs::read_to_string(out.path().join("duos.csv")).unwrap(),
        csv("duos.csv")
    );
    assert!(std::fs::read_to_string(out.path().join("report.html"))
        .unwrap()
        .contains("83.3%"));

    // An unknown cohort.
    assert!(matches!(
        report::build(store.as_ref(), &config, "1999", as_of).await,
        Err(report::ReportError::UnknownCohort(_))
    ));
}

async fn anonymous_parts_name_nobody(store: Arc<dyn Store>) {
    let config = config();
    seed(store.as_ref(), &config).await;
    let r = report::build(store.as_ref(), &config, "2008", d("2009-05-15"))
        .await
        .unwrap();
    let html = report::html::render(&r);
    // The anonymous survey sections of the page.
    let sections: Vec<&str> = html
        .split("<section class=\"survey\"")
        .skip(1)
        .map(|s| s.split("</section>").next().unwrap())
        .collect();
    assert_eq!(sections.len(), 2);
    assert!(sections
        .iter()
        .all(|s| s.contains("data-anonymous=\"true\"")));
    let surveys_json = serde_json::to_string(&r.surveys).unwrap();
    let files = report::csv_files(&r);
    let mut parts: Vec<(&str, &str)> = sections.iter().map(|s| ("html", *s)).collect();
    parts.push(("json", &surveys_json));
    for (name, text) in &files {
        if [
            "response_rates.csv",
            "questions.csv",
            "distributions.csv",
            "free_text.csv",
        ]
        .contains(name)
        {
            parts.push((name, text));
        }
    }
    for (what, text) in parts {
        for (id, name) in PEOPLE {
            assert!(!text.contains(id), "{what} names {id}");
            assert!(!text.contains(name), "{what} names {name}");
            let first = name.split(' ').next().unwrap();
            assert!(!text.contains(first), "{what} names {first}");
        }
        for committee in ["M1001", "M1002", "M1003", "M1900"] {
            assert!(!text.contains(committee), "{what} names {committee}");
        }
        // No answer's day or time.
        assert!(!text.contains("2008-11-20"), "{what} dates an answer");
        assert!(!text.contains("15:30"), "{what} times an answer");
        assert!(!text.contains("submitted"), "{what} dates an answer");
    }
    // Nor anywhere else on the page.
    for (id, name) in PEOPLE {
        assert!(!html.contains(id) && !html.contains(name));
    }
}

/// The same report at its members-only URL, through the views: the
/// committee, the chair and the office read it; a member is refused;
/// without a session, the sign-in.
async fn report_page_is_for_the_committee(store: Arc<dyn Store>) {
    let config = config();
    seed(store.as_ref(), &config).await;
    let t = support::app::TestApp::new(store);
    t.add_committee().await;
    t.set_time("2009-05-15T15:00:00Z");
    for who in ["M1001", "M1002", "M1900"] {
        let r = functions::views::handle(&t.app, &t.as_member(who).get("/members/report/"), None)
            .await
            .expect("the report is a view");
        assert_eq!(r.status(), 200, "{who}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = String::from_utf8(r.into_body()).unwrap();
        // The one inline style is allowed by its hash; nothing else loads.
        let style = html
            .split("<style>")
            .nth(1)
            .and_then(|rest| rest.split("</style>").next())
            .expect("an inline style");
        let digest = ring::digest::digest(&ring::digest::SHA256, style.as_bytes());
        use base64::Engine;
        let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
        assert!(csp.contains(&format!("style-src 'sha256-{hash}'")), "{csp}");
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        assert!(html.contains("<svg"), "charts inline");
        assert!(!html.contains("<script src") && !html.contains("<link rel=\"stylesheet\""));
        assert!(html.contains("2008"), "the current cohort by default");
    }
    let r = functions::views::handle(
        &t.app,
        &t.as_member("M1002").get("/members/report/?cohort=1999"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    let r = functions::views::handle(&t.app, &t.as_member("M2001").get("/members/report/"), None)
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!String::from_utf8(r.into_body()).unwrap().contains("<svg"));
    let r = functions::views::handle(
        &t.app,
        &t.anonymous().get("/members/report/?cohort=2008"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/auth/login?next=%2Fmembers%2Freport%2F%3Fcohort%3D2008"
    );
}

mod embedded {
    #[tokio::test]
    async fn report_counts_everything() {
        let (store, _dir) = crate::support::embedded_store();
        super::report_counts_everything(store).await;
    }

    #[tokio::test]
    async fn anonymous_parts_name_nobody() {
        let (store, _dir) = crate::support::embedded_store();
        super::anonymous_parts_name_nobody(store).await;
    }

    #[tokio::test]
    async fn report_page_is_for_the_committee() {
        let (store, _dir) = crate::support::embedded_store();
        super::report_page_is_for_the_committee(store).await;
    }
}

mod dynamodb {
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn report_counts_everything() {
        let Some(store) =
            crate::support::dynamo_store("report", crate::support::moto::Need::Any).await
        else {
            return;
        };
        super::report_counts_everything(Arc::new(store)).await;
    }
}
