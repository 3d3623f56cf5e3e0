//! Every members page (`views::PATHS`, with its result flags and cohort
//! choices) as every kind of person sees it, snapshotted (insta): the
//! safety net of any change to `functions/src/views` that should change
//! nothing a person sees. A changed page fails here with its diff; a
//! change meant to show is reviewed and accepted (`cargo insta review`,
//! or `INSTA_UPDATE=always cargo test -p functions --test views_snapshots`
//! and a read of `git diff functions/tests/snapshots`).
//!
//! One seeded cohort (the 2008 pilot of content/program.yaml, built over
//! HTTP on the embedded store, the clock moved on a minute per step), seen
//! at three moments:
//! - `a_matching` (2008-03): applications decided and waiting, a duo with
//!   its liaison, a pending request, a waitlisted mentee offered a place,
//!   a mentor's stored profile, a nomination — and their
//!   audit entries;
//! - `b_midpoint` (2008-11-20): the midpoint survey open, the duo's mentee
//!   has answered it;
//! - `c_year_two` (2009-05-15): the pilot over, 2009's applications open
//!   (the alumni page, the mentor's one-click listing).
//!
//! Each snapshot is one page for every viewer: status, content type,
//! `Location`, and the page (the views' plain layout) with what differs
//! from run to run replaced: the CSRF token (`[csrf]`) and the store's
//! random ids (`[id1]`, `[id2]`, ... in order of appearance). The audit
//! trail lists the entries of one instant (one request writes several) in
//! the order they were written (`functions::audit::order`), so the pages
//! are snapshotted as they come.

mod support;

use functions::views::PATHS;
use mentoring::application::{MenteeApplication, MenteeForm, MenteeStatus};
use mentoring::waitlist::{Offer, OfferStatus};
use serde_json::json;
use support::app::{Resp, TestApp, CHAIR, COMMITTEE, STAFF};

/// Who looks, each a kind of person of the program (a label, a member id;
/// empty: anonymous).
const VIEWERS: &[(&str, &str)] = &[
    ("anonymous", ""),
    ("member, first year, no application", "P1"),
    ("applicant, mentor application waiting", "R3"),
    ("mentee in a duo", "E1"),
    ("mentee with a pending request", "E2"),
    ("mentee waitlisted, offered a place", "W1"),
    ("mentor in a duo", "R1"),
    ("mentor asked", "R2"),
    ("committee member, liaison", COMMITTEE[0]),
    ("committee member", COMMITTEE[1]),
    ("chair", CHAIR),
    ("staff", STAFF),
];

/// Every page (a snapshot name, a path with its query).
const PAGES: &[(&str, &str)] = &[
    ("home", "/members/"),
    ("home_flags", "/members/?status=relisted&withdrawn=mentee"),
    ("apply", "/members/apply/"),
    (
        "apply_done_accepted",
        "/apply/done/?status=accepted&side=mentee",
    ),
    (
        "apply_done_waitlisted",
        "/apply/done/?status=waitlisted&side=mentee&place=3",
    ),
    ("apply_done_mentor", "/apply/done/?side=mentor"),
    ("profile", "/members/profile/"),
    ("profile_saved", "/members/profile/?status=saved"),
    ("profile_preview_get", "/members/profile/preview/"),
    ("nominate", "/members/nominate/"),
    ("nominate_done", "/nominate/done/?status=sent"),
    ("consent", "/nominate/consent/?token=t0k3n"),
    (
        "consent_done",
        "/nominate/consent/done/?status=consented&side=mentor",
    ),
    ("requests", "/members/requests/"),
    ("requests_sent", "/members/requests/?status=sent"),
    ("request_new", "/members/requests/new/?mentor=R2"),
    ("request_new_unlisted", "/members/requests/new/?mentor=R3"),
    ("duo", "/members/duo/"),
    ("duo_ended", "/members/duo/?status=ended"),
    ("survey_midpoint", "/members/surveys/midpoint/"),
    ("survey_final", "/members/surveys/final/"),
    ("survey_done", "/members/surveys/done/?survey=midpoint"),
    ("survey_unknown", "/members/surveys/nope/"),
    ("committee_applications", "/members/committee/applications/"),
    (
        "committee_applications_2009",
        "/members/committee/applications/?cohort=2009&decided=1",
    ),
    (
        "committee_applications_unknown_cohort",
        "/members/committee/applications/?cohort=1999",
    ),
    ("committee_duos", "/members/committee/duos/?assigned=1"),
    ("committee_surveys", "/members/committee/surveys/"),
    ("alumni", "/members/alumni/?status=joined"),
    ("offer", "/members/offer/?confirmed=1"),
    ("audit", "/members/committee/audit/"),
    (
        "audit_filtered",
        "/members/committee/audit/?cohort=2008&member=E1&action=request_match",
    ),
    (
        "audit_csv",
        "/members/committee/audit/?format=csv&member=R1",
    ),
    ("liaison", "/members/committee/liaison/"),
    ("pairing", "/members/committee/pairing/?proposed=1"),
    ("suggestions", "/members/suggestions/"),
    ("report", "/members/report/"),
    ("report_2009", "/members/report/?cohort=2009"),
];

/// The fields of a good profile form.
const PROFILE_FORM: &[(&str, &str)] = &[
    ("name", "Member R1"),
    ("title", "Library Director"),
    ("institution", "Hillcrest College"),
    ("location", "Hillcrest, Example"),
    ("member_since", "1990"),
    ("years_involved", "12"),
    ("expertise", "strategic-planning"),
    ("career.0.title", "Library Director"),
    ("career.0.organization", "Hillcrest College"),
    ("career.0.from", "2001"),
    ("career.0.to", "present"),
    ("education.0.degree", "MLIS"),
    ("education.0.institution", "Example University"),
    ("education.0.year", "1989"),
    ("bio", "Twenty years in *academic* libraries."),
    ("availability", "A call every three weeks."),
    ("contact.email", "r1@example.org"),
];

#[test]
fn every_view_path_has_a_snapshot() {
    for template in PATHS {
        assert!(
            PAGES.iter().any(|(_, p)| {
                let path = p.split('?').next().unwrap_or_default();
                functions::router::match_path(template, path).is_some()
            }),
            "{template} has no page in PAGES"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_pages_for_every_role() {
    let (store, _dir) = support::embedded_store();
    let t = TestApp::new(store);
    seed(&t).await;
    snapshot_pages(&t, "a_matching").await;
    snapshot_profile_posts(&t).await;

    t.set_time("2008-11-20T16:00:00Z");
    t.send(t.as_member("E1").post_json(
        "/api/surveys/midpoint/responses",
        &json!({"answers": {
            "role": "Mentee",
            "meeting_frequency": "About once a month",
            "meeting_modes": ["Phone", "E-mail"],
            "satisfaction": 4,
            "goals_progress": 3,
            "help_needed": "More events."
        }}),
    ))
    .await
    .expect(201);
    t.advance(1);
    snapshot_pages(&t, "b_midpoint").await;

    t.set_time("2009-05-15T16:00:00Z");
    snapshot_pages(&t, "c_year_two").await;
}

/// The pilot on 2008-03-03, a minute a step.
async fn seed(t: &TestApp) {
    t.add_committee().await;
    t.add_member("P1", "2007-09-01").await;
    t.add_member("N1", "1992-01-01").await;
    t.mentor_applies(
        "R1",
        "Hillcrest College",
        &["strategic-planning", "budgeting-and-finance"],
    )
    .await;
    t.advance(1);
    t.approve_mentor("R1").await;
    t.advance(1);
    t.mentor_applies("R2", "Riverbend Library", &["change-management"])
        .await;
    t.advance(1);
    t.approve_mentor("R2").await;
    t.advance(1);
    t.mentor_applies("R3", "Lakeside Library", &["technology-leadership"])
        .await;
    t.advance(1);
    t.accepted_mentee("E1", "Lakeside Library", &["budgeting-and-finance"])
        .await;
    t.advance(1);
    t.accepted_mentee("E2", "Pine County Library", &["change-management"])
        .await;
    t.advance(1);
    let request = t.match_request("E1", "R1").await;
    t.advance(1);
    let duo = t.accept_request("R1", &request).await;
    t.advance(1);
    t.send(t.as_member(CHAIR).post_json(
        &format!("/api/duos/{duo}/liaison"),
        &json!({"liaison_id": COMMITTEE[0]}),
    ))
    .await
    .expect(200);
    t.advance(1);
    t.match_request("E2", "R2").await;
    t.advance(1);
    t.send(t.as_member("R1").post_form("/api/profile", PROFILE_FORM))
        .await;
    t.advance(1);
    t.send(t.as_member("P1").post_json(
        "/api/nominations",
        &json!({"nominee_id": "N1", "kind": "mentor", "message": "She'd be great."}),
    ))
    .await
    .expect(202);
    t.advance(1);
    waitlisted_with_an_offer(t, "W1").await;
    t.advance(1);
}

/// `id`, waitlisted (place 1) and offered a place a minute ago, as the
/// waitlist stores them.
async fn waitlisted_with_an_offer(t: &TestApp, id: &str) {
    t.add_member(id, "2007-09-01").await;
    let now = t.clock_now();
    let application = MenteeApplication {
        cohort: "2008".into(),
        member_id: id.into(),
        form: MenteeForm {
            goals: "Grow as a leader.".into(),
            institution: "Oakdale Library".into(),
            ..MenteeForm::default()
        },
        submitted_at: now,
        ordinal: Some(3),
        status: MenteeStatus::Waitlisted { place: 1 },
    };
    let offer = Offer {
        id: "offer-w1".into(),
        cohort: "2008".into(),
        member_id: id.into(),
        vacancy_id: "vacancy-1".into(),
        place: 1,
        offered_at: now,
        expires_at: now + chrono::Duration::days(7),
        status: OfferStatus::Open,
    };
    for item in [
        functions::records::mentee_app_item(&application),
        functions::records::offer_item(&offer),
    ] {
        t.app.store.put(item, None).await.expect("stored");
    }
}

/// One snapshot per page: every viewer's answer.
async fn snapshot_pages(t: &TestApp, moment: &str) {
    for (name, path) in PAGES {
        let mut out = format!("GET {path}\n");
        for (label, who) in VIEWERS {
            let r = t.view_as(who, path).await;
            out.push_str(&shown(label, who, &r));
        }
        insta::assert_snapshot!(format!("{moment}__{name}"), redact(&out));
    }
}

/// The profile preview (a good form, a form with problems, the preview's
/// "Change") and a refused plain-form save, for every viewer.
async fn snapshot_profile_posts(t: &TestApp) {
    let bad: Vec<(&str, &str)> = PROFILE_FORM
        .iter()
        .map(|&(k, v)| match k {
            "years_involved" => (k, "ten"),
            "career.0.from" => (k, "2999"),
            "contact.email" => (k, "not an address"),
            _ => (k, v),
        })
        .collect();
    let edit: Vec<(&str, &str)> = PROFILE_FORM
        .iter()
        .copied()
        .chain([("edit", "1")])
        .collect();
    let posts: [(&str, &[(&str, &str)]); 3] = [
        ("preview_good", PROFILE_FORM),
        ("preview_with_problems", &bad),
        ("preview_edit", &edit),
    ];
    for (name, fields) in posts {
        let mut out = format!("POST {}\n", functions::views::profile::PREVIEW_PATH);
        for (label, who) in VIEWERS {
            let caller = if who.is_empty() {
                t.anonymous()
            } else {
                t.as_member(who)
            };
            let req = caller.post_form(functions::views::profile::PREVIEW_PATH, fields);
            let r = t.view(req).await.expect("the preview is a view");
            out.push_str(&shown(label, who, &r));
        }
        insta::assert_snapshot!(format!("a_matching__profile_{name}"), redact(&out));
    }
    // A plain form save refused for its fields: the form again (the router).
    let mut out = String::from("POST /api/profile (a plain form with problems)\n");
    for (label, who) in VIEWERS.iter().filter(|(_, w)| !w.is_empty()) {
        let r = t
            .send(t.as_member(who).post_form("/api/profile", &bad))
            .await;
        out.push_str(&shown(label, who, &r));
    }
    insta::assert_snapshot!("a_matching__profile_save_refused", redact(&out));
}

/// One viewer's answer as the snapshot shows it.
fn shown(label: &str, who: &str, r: &Resp) -> String {
    format!(
        "\n===== {label} ({who}) =====\n{} {}{}\n{}\n",
        r.status,
        r.header("content-type").unwrap_or_default(),
        r.header("location")
            .map(|l| format!("\nLocation: {l}"))
            .unwrap_or_default(),
        r.text()
    )
}

/// `text` with the CSRF tokens and the store's random ids (20 lowercase
/// hex digits) replaced by stable placeholders.
fn redact(text: &str) -> String {
    const CSRF: &str = "name=\"_csrf\" value=\"";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(CSRF) {
        let start = at + CSRF.len();
        out.push_str(&rest[..start]);
        out.push_str("[csrf]");
        let end = rest[start..].find('"').map_or(rest.len(), |e| start + e);
        rest = &rest[end..];
    }
    out.push_str(rest);
    let mut ids: Vec<String> = Vec::new();
    let bytes = out.as_bytes();
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| is_hex(**b)).count();
        let before_ok = i == 0 || !is_word(bytes[i - 1]);
        let after_ok = bytes.get(i + run).is_none_or(|b| !is_word(*b));
        if run == 20 && before_ok && after_ok {
            let id = &out[i..i + run];
            let n = match ids.iter().position(|x| x == id) {
                Some(n) => n + 1,
                None => {
                    ids.push(id.to_owned());
                    ids.len()
                }
            };
            result.push_str(&format!("[id{n}]"));
            i += run;
        } else {
            let step = run.max(1);
            // Whole characters only (the text is UTF-8).
            let mut end = i + step;
            while !out.is_char_boundary(end) {
                end += 1;
            }
            result.push_str(&out[i..end]);
            i = end;
        }
    }
    result
}
