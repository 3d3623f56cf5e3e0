//! The alumni group (functions::alumni): who is an alumnus (parties of
//! completed duos only), the opt-in handler, the export (opted-in alumni
//! only: CSV and RFC 5322 mailing list) and volunteering to mentor the next
//! cohort in one click.

mod support;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use functions::alumni;
use functions::app::App;
use functions::config::Config;
use functions::handlers::Call;
use functions::http::{Body, Outcome};
use functions::mail::mailbox;
use functions::records::{self, keys};
use functions::roles::Caller;
use functions::store::{Item, Store};
use mentoring::application::{
    MenteeApplication, MenteeForm, MenteeStatus, MentorApplication, MentorForm, MentorStatus,
};
use mentoring::duo::{Duo, DuoStatus};
use mentoring::permissions::Role;
use mentoring::program::Cohort;
use mentoring::{Member, Moment, Side};
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The real program plus a 2009 cohort (taking applications in spring 2009).
fn config() -> Config {
    let mut c = Config::load(
        support::app::content_dir(),
        support::app::SURVEY_SECRET.to_vec(),
    )
    .expect("content loads");
    let mut next: Cohort = c.program.cohort("2008").unwrap().clone();
    next.id = "2009".into();
    next.name = "2009–2010".into();
    next.pilot = false;
    next.applications_open = d("2009-01-12");
    next.matching_deadline = d("2009-06-12");
    next.launch = d("2009-07-11");
    next.midpoint_survey = d("2009-11-16");
    next.final_survey = d("2010-04-01");
    next.end = d("2010-04-30");
    c.program.cohorts.push(next);
    c
}

fn app(store: Arc<dyn Store>) -> App {
    let t = support::app::TestApp::new(store);
    App {
        config: Arc::new(config()),
        ..t.app
    }
}

/// Fictional people: (id, name).
const PEOPLE: [(&str, &str); 7] = [
    ("M3001", "Ezekiel Brambleton"),
    ("M2001", "Rosalind Q. Quillfeather"),
    ("M3002", "Henrietta Mossgrove"),
    ("M2002", "Tobias \"Toby\" Wrenfield"),
    ("M3003", "Leopold Ashcombe"),
    ("M2003", "Imogen Larkspur"),
    ("M2009", "Odalys Fernhollow"),
];

fn duo(id: &str, mentor: &str, mentee: &str) -> Duo {
    Duo {
        id: id.into(),
        cohort: "2008".into(),
        mentor_id: mentor.into(),
        mentee_id: mentee.into(),
        liaison_id: Some("M1002".into()),
        request_id: None,
        formed_at: t("2008-05-01T12:00:00Z"),
        status: DuoStatus::Formed,
    }
}

fn mentor_form() -> MentorForm {
    MentorForm {
        title: "Associate Dean".into(),
        institution: "Fictional State University Libraries".into(),
        expertise: vec!["strategic-planning".into(), "personnel-management".into()],
        years_involvement: 12,
        bio: "Has led three library reorganizations.".into(),
        availability: "Monthly calls".into(),
    }
}

/// Cohort 2008: d1 (M3001, M2001) and d2 (M3002, M2002) complete their
/// year, d3 (M3003, M2003) ended early; M2009 is in no duo.
async fn seed(store: &dyn Store) {
    for (id, name) in PEOPLE {
        let m = Member {
            member_id: id.into(),
            name: name.into(),
            email: format!("{}@example.org", id.to_lowercase()),
            joined: d("2007-09-01"),
            category: "Personal".into(),
            good_standing: true,
        };
        store
            .put(functions::roster::member_item(&m), None)
            .await
            .unwrap();
    }
    for (m, n) in [("M3001", 1), ("M3002", 2), ("M3003", 3)] {
        let a = MentorApplication {
            cohort: "2008".into(),
            member_id: m.into(),
            form: MentorForm {
                title: format!("Director {n}"),
                ..mentor_form()
            },
            submitted_at: t("2008-02-03T12:00:00Z"),
            status: MentorStatus::Approved,
        };
        store.put(records::mentor_app_item(&a), None).await.unwrap();
    }
    for m in ["M2001", "M2002", "M2003"] {
        let a = MenteeApplication {
            cohort: "2008".into(),
            member_id: m.into(),
            form: MenteeForm {
                goals: "Grow into management.".into(),
                interests: vec!["career-development".into()],
                ..MenteeForm::default()
            },
            submitted_at: t("2008-02-01T12:00:00Z"),
            ordinal: Some(1),
            status: MenteeStatus::Accepted,
        };
        store.put(records::mentee_app_item(&a), None).await.unwrap();
    }
    let mut ended = duo("d3", "M3003", "M2003");
    ended.status = DuoStatus::EndedEarly {
        by: "M2003".into(),
        reason: "Moved abroad.".into(),
        at: t("2008-10-01T12:00:00Z"),
    };
    for d in [
        duo("d1", "M3001", "M2001"),
        duo("d2", "M3002", "M2002"),
        ended,
    ] {
        store.put(records::duo_item(&d), None).await.unwrap();
        for (key, partner) in [
            (keys::mentor_lock("2008", &d.mentor_id), &d.mentee_id),
            (keys::mentee_lock("2008", &d.mentee_id), &d.mentor_id),
        ] {
            store
                .put(records::lock_item(&key, &d.id, partner), None)
                .await
                .unwrap();
        }
    }
}

fn call(member: &str, body: Body, now: &str) -> Call {
    Call {
        caller: Caller {
            member_id: member.into(),
            member: None,
            roles: vec![Role::Member],
            participations: Vec::new(),
            csrf_token: String::new(),
        },
        params: Vec::new(),
        query: Vec::new(),
        body,
        form: false,
        moment: Moment::utc(t(now)),
    }
}

#[track_caller]
fn status(o: &Outcome) -> u16 {
    match o {
        Ok(r) => r.status.as_u16(),
        Err(p) => p.status_code().as_u16(),
    }
}

/// A choice item as an older handler would have written it.
async fn choose(store: &dyn Store, member: &str, join: bool) {
    store
        .put(
            Item::new(&keys::alumni("2008", member))
                .with(records::KIND, "alumni")
                .with("member_id", member)
                .with("join", join),
            None,
        )
        .await
        .unwrap();
}

const AFTER: &str = "2009-05-15T15:00:00Z";

#[tokio::test]
async fn only_opted_in_alumni_of_completed_duos_are_exported() {
    let (store, _dir) = support::embedded_store();
    let app = app(store.clone());
    seed(store.as_ref()).await;

    // Through the handler: parties of completed duos may join or leave.
    let joined = alumni::opt_in(&app, call("M3001", Body::Empty, AFTER)).await;
    assert_eq!(status(&joined), 200);
    let reply = joined.unwrap();
    assert_eq!(
        reply.body,
        json!({"cohort": "2008", "member_id": "M3001", "alumni": true})
    );
    assert_eq!(
        reply.redirect.as_deref(),
        Some("/members/alumni/?status=joined")
    );
    let form_join = Body::Form(vec![("join".into(), "yes".into())]);
    assert_eq!(
        status(&alumni::opt_in(&app, call("M2001", form_join, AFTER)).await),
        200
    );
    // M2002 joins, then leaves.
    for join in [true, false] {
        let o = alumni::opt_in(
            &app,
            call("M2002", Body::Json(json!({"join": join})), AFTER),
        )
        .await;
        assert_eq!(status(&o), 200);
    }
    assert_eq!(
        alumni::choice(store.as_ref(), "2008", "M2002")
            .await
            .unwrap(),
        Some(false)
    );
    // Not for an ended duo's parties, nor for someone in no duo.
    for who in ["M2003", "M3003", "M2009"] {
        assert_eq!(
            status(&alumni::opt_in(&app, call(who, Body::Empty, AFTER)).await),
            403,
            "{who}"
        );
    }
    // A bad body.
    assert_eq!(
        status(
            &alumni::opt_in(
                &app,
                call("M3002", Body::Json(json!({"join": "perhaps?"})), AFTER)
            )
            .await
        ),
        400
    );
    // Choices stored by other means still count only for alumni.
    choose(store.as_ref(), "M2003", true).await;
    choose(store.as_ref(), "M3003", true).await;
    choose(store.as_ref(), "M2009", true).await;

    let cohort = app.config.program.cohort("2008").unwrap().clone();
    // While the year runs nobody is an alumnus yet.
    assert!(alumni::alumni(store.as_ref(), &cohort, d("2009-04-30"))
        .await
        .unwrap()
        .is_empty());

    let all = alumni::alumni(store.as_ref(), &cohort, d("2009-05-15"))
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|a| (a.member_id.as_str(), a.role, a.duo_id.as_str(), a.opted_in))
            .collect::<Vec<_>>(),
        [
            ("M3001", Side::Mentor, "d1", true),
            ("M2001", Side::Mentee, "d1", true),
            ("M3002", Side::Mentor, "d2", false),
            ("M2002", Side::Mentee, "d2", false),
        ]
    );
    let joined = alumni::export(store.as_ref(), &cohort, d("2009-05-15"))
        .await
        .unwrap();
    assert_eq!(joined.len(), 2);
    let out = tempfile::tempdir().unwrap();
    let written = alumni::write_export(&joined, out.path()).unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!(
        std::fs::read_to_string(out.path().join(alumni::CSV_FILE)).unwrap(),
        "member_id,name,email,role,cohort\n\
         M3001,Ezekiel Brambleton,m3001@example.org,mentor,2008\n\
         M2001,Rosalind Q. Quillfeather,m2001@example.org,mentee,2008\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join(alumni::MAILING_LIST_FILE)).unwrap(),
        "Ezekiel Brambleton <m3001@example.org>\n\
         \"Rosalind Q. Quillfeather\" <m2001@example.org>\n"
    );
}

#[test]
fn mailboxes_follow_rfc_5322() {
    assert_eq!(
        mailbox("Ezekiel Brambleton", "e@example.org"),
        "Ezekiel Brambleton <e@example.org>"
    );
    assert_eq!(
        mailbox("Wrenfield, Tobias", "t@example.org"),
        "\"Wrenfield, Tobias\" <t@example.org>"
    );
    assert_eq!(
        mailbox("Tobias \"Toby\" Wrenfield", "t@example.org"),
        "\"Tobias \\\"Toby\\\" Wrenfield\" <t@example.org>"
    );
    assert_eq!(
        mailbox("A\\B", "ab@example.org"),
        "\"A\\\\B\" <ab@example.org>"
    );
    assert_eq!(
        mailbox("Evil\r\nBcc: x@example.org", "e@example.org"),
        "\"Evil Bcc: x@example.org\" <e@example.org>"
    );
    assert_eq!(mailbox("  ", "n@example.org"), "<n@example.org>");
    assert_eq!(
        mailbox("Zoë O'Hara", "z@example.org"),
        "Zoë O'Hara <z@example.org>"
    );
}

#[tokio::test]
async fn alumni_volunteer_for_the_next_cohort_in_one_click() {
    let (store, _dir) = support::embedded_store();
    let app = app(store.clone());
    seed(store.as_ref()).await;

    // A former mentor: one click, the form pre-filled from 2008.
    let o = alumni::volunteer(&app, call("M3001", Body::Empty, AFTER)).await;
    assert_eq!(status(&o), 201, "{o:?}");
    let reply = o.unwrap();
    assert_eq!(
        reply.body,
        json!({"id": "mentor-M3001", "side": "mentor", "cohort": "2009",
               "status": {"state": "submitted"}, "prefilled_from": "2008"})
    );
    let stored: MentorApplication =
        records::get(store.as_ref(), &keys::mentor_app("2009", "M3001"))
            .await
            .unwrap()
            .expect("the 2009 application");
    assert_eq!(
        stored.form,
        MentorForm {
            title: "Director 1".into(),
            ..mentor_form()
        }
    );
    assert_eq!(stored.status, MentorStatus::Submitted);
    assert_eq!(stored.submitted_at, t(AFTER));
    // Twice: a duplicate.
    let again = alumni::volunteer(&app, call("M3001", Body::Empty, AFTER)).await;
    assert_eq!(status(&again), 409);

    // A changed field goes through the mentor form's rules.
    let o = alumni::volunteer(
        &app,
        call(
            "M3002",
            Body::Json(json!({"expertise": ["juggling"]})),
            AFTER,
        ),
    )
    .await;
    assert_eq!(status(&o), 400);
    let o = alumni::volunteer(
        &app,
        call("M3002", Body::Json(json!({"title": "Dean"})), AFTER),
    )
    .await;
    assert_eq!(status(&o), 201);

    // A former mentee has no mentor form to start from: the rest is needed.
    let o = alumni::volunteer(&app, call("M2001", Body::Empty, AFTER)).await;
    assert_eq!(status(&o), 400);
    let o = alumni::volunteer(
        &app,
        call(
            "M2001",
            Body::Json(
                json!({"title": "Branch Manager", "institution": "Fictional County Library",
                              "years_involvement": 3, "bio": "A mentee in the 2008 pilot."}),
            ),
            AFTER,
        ),
    )
    .await;
    assert_eq!(status(&o), 201, "{o:?}");
    let stored: MentorApplication =
        records::get(store.as_ref(), &keys::mentor_app("2009", "M2001"))
            .await
            .unwrap()
            .unwrap();
    assert_eq!(stored.form.expertise, ["career-development"]);

    // Not alumni: an ended duo, no duo.
    for who in ["M3003", "M2009"] {
        assert_eq!(
            status(&alumni::volunteer(&app, call(who, Body::Empty, AFTER)).await),
            403
        );
    }
    // Before the 2008 year ends, nobody is an alumnus.
    assert_eq!(
        status(&alumni::volunteer(&app, call("M3002", Body::Empty, "2009-02-01T12:00:00Z")).await),
        403
    );
    // When no cohort takes applications: closed.
    assert_eq!(
        status(&alumni::volunteer(&app, call("M2002", Body::Empty, "2009-09-01T12:00:00Z")).await),
        409
    );
}

/// The same through the router and the pages, as a browser would: after
/// the year, an alumnus holds no mentee or mentor role any more, yet joins
/// the group and volunteers in one click; the alumni page shows each step.
#[tokio::test]
async fn an_alumnus_without_a_cohort_role_joins_and_volunteers_over_http() {
    let (store, _dir) = support::embedded_store();
    let mut t = support::app::TestApp::new(store.clone());
    t.app.config = Arc::new(config());
    seed(store.as_ref()).await;
    t.set_time(AFTER);
    let alumnus = t.as_member("M3001");
    let me = t.send(alumnus.get("/api/me")).await.expect(200).json();
    assert_eq!(
        me["roles"],
        json!(["member"]),
        "no cohort role after the year"
    );

    let page = |t: &support::app::TestApp| {
        let req = t.as_member("M3001").get("/members/alumni/");
        let app = t.app.clone();
        async move {
            let r = functions::views::handle(&app, &req, None)
                .await
                .expect("a view");
            assert_eq!(r.status(), 200);
            String::from_utf8(r.into_body()).unwrap()
        }
    };
    let html = page(&t).await;
    assert!(
        html.contains("You were the mentor of a duo that completed its year"),
        "{html}"
    );
    assert!(html.contains("Join the alumni group"), "{html}");
    assert!(html.contains("action=\"/api/alumni/volunteer\""), "{html}");

    // Join with the page's form: 303 back to the page, which says so.
    let r = t
        .send(alumnus.post_form("/api/alumni", &[("cohort", "2008"), ("join", "true")]))
        .await;
    assert_eq!(
        r.expect(303).header("location"),
        Some("/members/alumni/?status=joined")
    );
    assert_eq!(
        alumni::choice(store.as_ref(), "2008", "M3001")
            .await
            .unwrap(),
        Some(true)
    );
    assert!(page(&t).await.contains("Leave the alumni group"));

    // Volunteer with one click: 303 to the application's result page.
    let r = t
        .send(alumnus.post_form("/api/alumni/volunteer", &[]))
        .await;
    assert_eq!(
        r.expect(303).header("location"),
        Some("/apply/done/?side=mentor&status=submitted")
    );
    let stored: MentorApplication =
        records::get(store.as_ref(), &keys::mentor_app("2009", "M3001"))
            .await
            .unwrap()
            .expect("the 2009 application");
    assert_eq!(stored.status, MentorStatus::Submitted);
    let html = page(&t).await;
    assert!(
        html.contains("You have applied as a mentor in this cohort"),
        "{html}"
    );
    assert!(!html.contains("action=\"/api/alumni/volunteer\""), "{html}");

    // Not alumni: an ended duo, no duo. Signed in is not enough.
    for who in ["M3003", "M2009"] {
        t.send(t.as_member(who).post_json("/api/alumni", &json!({})))
            .await
            .expect_problem(403);
        t.send(
            t.as_member(who)
                .post_json("/api/alumni/volunteer", &json!({})),
        )
        .await
        .expect_problem(403);
    }
    t.send(t.anonymous().post_json("/api/alumni/volunteer", &json!({})))
        .await
        .expect_problem(401);
}
