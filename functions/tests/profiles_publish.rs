//! Profiles members write, from the mentor application to the pages a
//! mentee reads, on both stores: the application carries the whole
//! profile; the committee's approval publishes it (the directory, the
//! expertise pages and the profile page are rendered again into the site
//! folder, as `duos serve` serves it); the mentor's edits go out at once and
//! are audited; pausing leaves the directory, resuming comes back; a mentor
//! who takes a mentee is shown as taken. Bad input stores nothing and leaves
//! the published page as it was, for JSON and plain form posts.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use functions::audit;
use functions::publish::{DiskTarget, Publisher};
use serde_json::{json, Value};
use support::app::{mentee_form, TestApp, CHAIR};

app_cases!(
    approval_publishes_and_edits_follow,
    pause_resume_and_taken,
    bad_edits_store_nothing,
    the_profile_page_works_without_javascript,
    mentee_information_reaches_the_asked_mentor_and_the_committee_only,
    a_mentor_of_2008_relists_for_2009_with_one_click,
);

/// A page of the views, as the session function answers it.
async fn view(t: &TestApp, req: http::Request<Vec<u8>>) -> support::app::Resp {
    let path = req.uri().path().to_owned();
    let r = functions::views::handle(&t.app, &req, None)
        .await
        .unwrap_or_else(|| panic!("{path} is a view"));
    let (parts, body) = r.into_parts();
    support::app::Resp {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

/// The hidden fields of the form `id` of a page, in order.
fn hidden_fields(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{id}\"")).expect("the form");
    let end = start + html[start..].find("</form>").expect("its end");
    let mut out = Vec::new();
    for input in html[start..end]
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
    {
        let (name, rest) = input.split_once('"').unwrap();
        let value = rest
            .split_once("value=\"")
            .and_then(|(_, v)| v.split_once('"'))
            .map(|(v, _)| v)
            .unwrap_or_default();
        let unescape = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#x27;", "'")
                .replace("&#x2F;", "/")
                .replace("&amp;", "&")
        };
        if name != "_csrf" {
            out.push((unescape(name), unescape(value)));
        }
    }
    out
}

/// The repository: the site root (content/, themes/).
fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `t` publishing into a freshly built site folder (as `duos serve` starts).
fn publishing(mut t: TestApp) -> (TestApp, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("site folder");
    let today = t.app.moment().today;
    let options = generator::BuildOptions {
        today,
        ..generator::BuildOptions::new(site_root(), out.path())
    };
    generator::build(&options).expect("the repository's site builds");
    let publisher = Publisher::new(
        site_root(),
        false,
        Arc::new(DiskTarget::new(out.path().to_path_buf())),
    );
    t.app = t.app.clone().with_publisher(Arc::new(publisher));
    (t, out)
}

fn page(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_default()
}

const MENTOR: &str = "R5001";
const NAME: &str = "Rosa Quillfeather";

/// A full mentor application: the profile and the application question.
fn full_profile() -> Value {
    json!({
        "side": "mentor",
        "name": NAME,
        "title": "Head of Special Collections",
        "institution": "Example State Library",
        "location": "Riverton, Example",
        "member_since": "1996",
        "years_involvement": 11,
        "expertise": ["strategic-planning", "change-management"],
        "career": [
            {"title": "Head of Special Collections", "organization": "Example State Library", "from": "2001", "to": "present"},
            {"title": "Archivist", "organization": "Riverton College", "from": "1993", "to": "2001"}
        ],
        "education": [
            {"degree": "MLIS", "institution": "Example University", "year": "1992"}
        ],
        "bio": "I rebuilt a *special collections* department twice.",
        "availability": "A call every three weeks.",
        "contact": {"email": "rosa@example.org", "phone": "555-0142", "website": "https://example.org/rosa"}
    })
}

/// The profile page file of the mentor (from `GET /api/profile`'s slug).
async fn profile_file(t: &TestApp) -> String {
    let r = t.send(t.as_member(MENTOR).get("/api/profile")).await;
    let slug = r.expect(200).json()["slug"].as_str().unwrap().to_owned();
    format!("members/mentors/{slug}/index.html")
}

async fn volunteer_and_approve(t: &TestApp) {
    t.add_committee().await;
    t.add_member(MENTOR, "1990-01-01").await;
    let r = t
        .send(
            t.as_member(MENTOR)
                .post_json("/api/applications", &full_profile()),
        )
        .await;
    r.expect(201);
    t.send(t.as_member(CHAIR).post_json(
        &format!("/api/applications/mentor-{MENTOR}/approve"),
        &json!({}),
    ))
    .await
    .expect(200);
}

mod cases {
    use super::*;

    pub async fn approval_publishes_and_edits_follow(t: TestApp) {
        let (t, out) = publishing(t);
        t.add_committee().await;
        t.add_member(MENTOR, "1990-01-01").await;
        t.send(
            t.as_member(MENTOR)
                .post_json("/api/applications", &full_profile()),
        )
        .await
        .expect(201);
        // Stored with the application, not yet listed.
        let mine = t.send(t.as_member(MENTOR).get("/api/profile")).await;
        let mine = mine.expect(200).json();
        assert_eq!(mine["published"], false);
        assert_eq!(
            mine["profile"]["career"][1]["organization"],
            "Riverton College"
        );
        assert_eq!(mine["profile"]["years_involved"], 11);
        let file = profile_file(&t).await;
        assert!(!page(out.path(), "members/mentors/index.html").contains(NAME));
        assert!(!out.path().join(&file).exists());

        // The chair approves: directory, expertise pages and the page.
        t.send(t.as_member(CHAIR).post_json(
            &format!("/api/applications/mentor-{MENTOR}/approve"),
            &json!({}),
        ))
        .await
        .expect(200);
        let directory = page(out.path(), "members/mentors/index.html");
        assert!(directory.contains(NAME), "the directory lists the mentor");
        assert!(page(out.path(), "members/expertise/change-management/index.html").contains(NAME));
        assert!(!page(
            out.path(),
            "members/expertise/budgeting-and-finance/index.html"
        )
        .contains(NAME));
        let profile = page(out.path(), &file);
        for shown in [
            "Head of Special Collections",
            "Riverton College",
            "Archivist",
            "MLIS",
            "Example University",
            "<em>special collections</em>",
            "Ask Rosa Quillfeather to be your mentor",
        ] {
            assert!(profile.contains(shown), "the profile page shows {shown:?}");
        }
        let access = page(out.path(), "members/access.json");
        assert!(access.contains(MENTOR), "the mentor may see their own page");

        // An edit is published at once and audited.
        let mut edited = full_profile();
        edited.as_object_mut().unwrap().remove("side");
        edited.as_object_mut().unwrap().remove("years_involvement");
        edited["bio"] = json!("Now also teaching *digitization*.");
        let r = t
            .send(t.as_member(MENTOR).post_json("/api/profile", &edited))
            .await;
        assert_eq!(r.expect(200).json()["pages_updated"], true);
        let profile = page(out.path(), &file);
        assert!(profile.contains("<em>digitization</em>"));
        assert!(!profile.contains("rebuilt"));
        let entries = audit::recent(t.app.store.as_ref(), audit::PROGRAM_SCOPE, 10)
            .await
            .unwrap();
        let edit = entries
            .iter()
            .find(|e| e.get_str("action") == Some("edit_profile"))
            .expect("the edit is audited");
        assert_eq!(edit.get_str("actor"), Some(MENTOR));

        // A card change (the title) reaches the directory too.
        edited["title"] = json!("Director of Special Collections");
        t.send(t.as_member(MENTOR).post_json("/api/profile", &edited))
            .await
            .expect(200);
        assert!(page(out.path(), "members/mentors/index.html")
            .contains("Director of Special Collections"));
    }

    pub async fn pause_resume_and_taken(t: TestApp) {
        let (t, out) = publishing(t);
        volunteer_and_approve(&t).await;
        let file = profile_file(&t).await;
        let r = t
            .send(t.as_member(MENTOR).post_form("/api/profile/pause", &[]))
            .await;
        r.expect(303);
        assert_eq!(
            r.header("location"),
            Some("/members/profile/?status=paused")
        );
        assert!(!page(out.path(), "members/mentors/index.html").contains(NAME));
        assert!(!page(
            out.path(),
            "members/expertise/strategic-planning/index.html"
        )
        .contains(NAME));
        let paused = page(out.path(), &file);
        assert!(paused.contains("is not taking a mentee this cohort"));
        assert!(!paused.contains("Ask Rosa"));
        let mine = t.send(t.as_member(MENTOR).get("/api/profile")).await;
        assert_eq!(mine.json()["paused"], true);

        t.send(
            t.as_member(MENTOR)
                .post_json("/api/profile/resume", &json!({})),
        )
        .await
        .expect(200);
        assert!(page(out.path(), "members/mentors/index.html").contains(NAME));
        assert!(page(out.path(), &file).contains("Ask Rosa"));

        // A mentee asks, the mentor accepts: the page says taken.
        t.add_member("E5001", "2007-09-01").await;
        t.send(
            t.as_member("E5001")
                .post_json("/api/applications", &mentee_form()),
        )
        .await
        .expect(201);
        let r = t
            .send(t.as_member("E5001").post_json(
                "/api/matches",
                &json!({"mentor_id": MENTOR, "message": "Would you mentor me?"}),
            ))
            .await;
        let id = r.expect(201).json()["id"].as_str().unwrap().to_owned();
        t.send(
            t.as_member(MENTOR)
                .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
        )
        .await
        .expect(200);
        let taken = page(out.path(), &file);
        assert!(
            taken.contains("already has a mentee this cohort"),
            "{taken}"
        );
        assert!(!taken.contains("Ask Rosa"));

        // Pausing needs a published profile.
        t.add_member("R5002", "1990-01-01").await;
        let r = t
            .send(
                t.as_member("R5002")
                    .post_json("/api/profile/pause", &json!({})),
            )
            .await;
        assert_eq!(r.expect_problem(404)["detail"], "You have no profile yet.");
    }

    pub async fn bad_edits_store_nothing(t: TestApp) {
        let (t, out) = publishing(t);
        volunteer_and_approve(&t).await;
        let file = profile_file(&t).await;
        let before_page = page(out.path(), &file);
        let before = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        let mut base = full_profile();
        base.as_object_mut().unwrap().remove("side");
        base.as_object_mut().unwrap().remove("years_involvement");
        let too_many: Vec<Value> = (0..11)
            .map(|i| json!({"title": "Librarian", "organization": format!("Library {i}"), "from": "1990"}))
            .collect();
        let cases: Vec<(Value, &str, &str)> = vec![
            (json!({"name": "x".repeat(101)}), "name", "too long"),
            (json!({"bio": "b".repeat(5001)}), "bio", "too long"),
            (
                json!({"expertise": ["knitting"]}),
                "expertise",
                "Unknown expertise term",
            ),
            (json!({"photo": "javascript:alert(1)"}), "photo", "http"),
            (
                json!({"contact": {"email": "rosa@example.org", "website": "ftp://example.org"}}),
                "contact.website",
                "http",
            ),
            (
                json!({"career": [{"title": "Dean", "organization": "U", "from": "2030"}]}),
                "career[0].from",
                "in the future",
            ),
            (
                json!({"career": too_many}),
                "career",
                "Too many career entries",
            ),
            (
                json!({"bio": "See [my page](@/no-such-page.md)."}),
                "bio",
                "",
            ),
        ];
        for (change, field, says) in cases {
            let mut body = base.clone();
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = t
                .send(t.as_member(MENTOR).post_json("/api/profile", &body))
                .await;
            let p = r.expect_problem(400);
            let errors = p["errors"].as_array().expect("field errors");
            let hit = errors
                .iter()
                .find(|e| e["field"] == field)
                .unwrap_or_else(|| panic!("no error on {field}: {p}"));
            assert!(
                hit["message"].as_str().unwrap().contains(says),
                "{field}: {hit}"
            );
        }
        // A plain form post with a bad field: the form again names it
        // (profiles_form_refused.rs walks every field).
        let r = t
            .send(t.as_member(MENTOR).post_form(
                "/api/profile",
                &[
                    ("name", NAME),
                    ("title", "Head"),
                    ("institution", "Example State Library"),
                    ("member_since", "1996"),
                    ("expertise", "strategic-planning"),
                    ("career.0.title", "Dean"),
                    ("career.0.organization", "U"),
                    ("career.0.from", "2031"),
                    ("career.1.title", ""),
                    ("bio", "Short."),
                    ("contact.email", "rosa@example.org"),
                ],
            ))
            .await;
        r.expect(400);
        assert!(
            r.text().contains("From 2031 is in the future"),
            "{}",
            r.text()
        );
        // Nothing stored, the page as it was.
        let after = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        assert_eq!(after, before);
        assert_eq!(page(out.path(), &file), before_page);

        // A good plain form post: saved and published, the blank row left out.
        let r = t
            .send(t.as_member(MENTOR).post_form(
                "/api/profile",
                &[
                    ("name", NAME),
                    ("title", "Head"),
                    ("institution", "Example State Library"),
                    ("member_since", "1996"),
                    ("years_involved", "11"),
                    ("expertise", "strategic-planning"),
                    ("expertise", "change-management"),
                    ("career.0.title", "Dean"),
                    ("career.0.organization", "Example University"),
                    ("career.0.from", "2005"),
                    ("career.1.title", ""),
                    ("career.1.organization", ""),
                    ("education.0.degree", "PhD"),
                    ("education.0.institution", "Example University"),
                    ("education.0.year", "2000"),
                    ("bio", "Form-posted bio."),
                    ("contact.email", "rosa@example.org"),
                ],
            ))
            .await;
        r.expect(303);
        assert_eq!(r.header("location"), Some("/members/profile/?status=saved"));
        let after = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        assert_eq!(after["profile"]["career"].as_array().unwrap().len(), 1);
        assert_eq!(after["profile"]["education"][0]["degree"], "PhD");
        assert!(page(out.path(), &file).contains("Form-posted bio."));
    }

    pub async fn the_profile_page_works_without_javascript(t: TestApp) {
        let (t, out) = publishing(t);
        t.add_member(MENTOR, "1990-01-01").await;
        // A new profile: the roster's name and address filled in, rows to add.
        let r = view(&t, t.as_member(MENTOR).get("/members/profile/")).await;
        let html = r.expect(200).text();
        assert!(html.contains("value=\"Member R5001\""), "{html}");
        assert!(html.contains("name=\"career.1.organization\""));
        assert!(html.contains("name=\"education.0.degree\""));
        assert!(html.contains("action=\"/members/profile/preview/\""));
        let anonymous = view(&t, t.anonymous().get("/members/profile/")).await;
        assert_eq!(anonymous.status, 303);

        let mut fields = vec![
            ("name", NAME),
            ("title", "Head of Special Collections"),
            ("institution", "Example State Library"),
            ("member_since", "1996"),
            ("expertise", "strategic-planning"),
            ("career.0.title", "Head of Special Collections"),
            ("career.0.organization", "Example State Library"),
            ("career.0.from", "2001"),
            ("career.1.title", "Archivist"),
            ("career.1.organization", "Riverton College"),
            ("career.1.from", "2039"),
            ("career.2.title", ""),
            ("education.0.degree", "MLIS"),
            ("education.0.institution", "Example University"),
            ("bio", "Collections <b>and</b> *people*."),
            ("contact.email", "rosa@example.org"),
        ];
        // A problem: the form again, the message at its row, nothing stored.
        let r = view(
            &t,
            t.as_member(MENTOR)
                .post_form("/members/profile/preview/", &fields),
        )
        .await;
        let html = r.expect(400).text();
        assert!(html.contains("From 2039 is in the future"), "{html}");
        assert!(
            html.contains("value=\"Riverton College\""),
            "the values stay"
        );
        let none = t.send(t.as_member(MENTOR).get("/api/profile")).await;
        none.expect(404);
        // Without the CSRF token: refused.
        let mut forged = t
            .as_member(MENTOR)
            .post_form("/members/profile/preview/", &fields);
        *forged.body_mut() = b"name=x".to_vec();
        assert_eq!(view(&t, forged).await.status, 403);

        // Fixed: the preview is the generator's profile page.
        fields[10] = ("career.1.from", "1993");
        let r = view(
            &t,
            t.as_member(MENTOR)
                .post_form("/members/profile/preview/", &fields),
        )
        .await;
        let html = r.expect(200).text();
        assert!(html.contains("Riverton College"));
        assert!(html.contains("<em>people</em>"), "the bio rendered: {html}");
        assert!(html.contains("id=\"profile-save\""));
        // Saving posts the same fields to the API.
        let save = hidden_fields(&html, "profile-save");
        let pairs: Vec<(&str, &str)> = save.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = t
            .send(t.as_member(MENTOR).post_form("/api/profile", &pairs))
            .await;
        r.expect(303);
        let mine = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        assert_eq!(
            mine["profile"]["career"][1]["organization"],
            "Riverton College"
        );
        assert_eq!(mine["profile"]["bio"], "Collections <b>and</b> *people*.");
        assert_eq!(mine["published"], false);
        // Not published until the committee approves: no page yet.
        let slug = mine["slug"].as_str().unwrap();
        assert!(!out
            .path()
            .join(format!("members/mentors/{slug}/index.html"))
            .exists());
        // The page shows the saved profile.
        let html = view(
            &t,
            t.as_member(MENTOR).get("/members/profile/?status=saved"),
        )
        .await
        .text();
        assert!(html.contains("Saved."));
        assert!(html.contains("value=\"Archivist\""));

        // The mentor application's plain form carries the profile too.
        let r = t
            .send(t.as_member(MENTOR).post_form(
                "/api/applications",
                &[
                    ("side", "mentor"),
                    ("title", "Head of Special Collections"),
                    ("institution", "Example State Library"),
                    ("expertise", "strategic-planning"),
                    ("years_involvement", "11"),
                    ("career.0.title", "Curator"),
                    ("career.0.organization", "Quillby Museum"),
                    ("career.0.from", "1990"),
                    ("career.1.title", ""),
                    ("education.0.degree", "MA"),
                    ("education.0.institution", "Example University"),
                    ("bio", "Applied by form."),
                    ("contact.website", "https://example.org/rosa"),
                ],
            ))
            .await;
        r.expect(303);
        let mine = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        assert_eq!(
            mine["profile"]["career"][0]["organization"],
            "Quillby Museum"
        );
        assert_eq!(mine["profile"]["career"].as_array().unwrap().len(), 1);
        assert_eq!(mine["profile"]["education"][0]["degree"], "MA");
        assert_eq!(mine["profile"]["name"], "Member R5001", "the roster's name");
        assert_eq!(mine["profile"]["contact"]["email"], "r5001@example.org");
        // The apply page asks for all of it (a session counts only for a
        // member on the roster).
        t.add_member("E5009", "2007-09-01").await;
        let html = view(&t, t.as_member("E5009").get("/members/apply/"))
            .await
            .text();
        for name in [
            "career.1.organization",
            "education.0.degree",
            "contact.website",
            "location",
        ] {
            assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
        }
    }

    pub async fn a_mentor_of_2008_relists_for_2009_with_one_click(t: TestApp) {
        super::year_two::run(t).await;
    }

    pub async fn mentee_information_reaches_the_asked_mentor_and_the_committee_only(t: TestApp) {
        let (t, out) = publishing(t);
        volunteer_and_approve(&t).await;
        // A second mentor, not asked.
        t.add_member("R5003", "1990-01-01").await;
        t.send(
            t.as_member("R5003")
                .post_json("/api/applications", &support::app::mentor_form()),
        )
        .await
        .expect(201);
        t.send(
            t.as_member(CHAIR)
                .post_json("/api/applications/mentor-R5003/approve", &json!({})),
        )
        .await
        .expect(200);
        const BACKGROUND: &str = "Night-shift reference desk, Quillby branch";
        const CAREER: &str = "Hollowmere Branch Library";
        const DEGREE: &str = "BA, Comparative Folklore";
        for (id, mine) in [("E5001", true), ("E5002", false)] {
            t.add_member(id, "2007-09-01").await;
            let mut form = mentee_form();
            if mine {
                form["background"] = json!(BACKGROUND);
                form["career"] =
                    json!([{"title": "Library Assistant", "organization": CAREER, "from": "2005"}]);
                form["education"] =
                    json!([{"degree": DEGREE, "institution": "Example College", "year": "2004"}]);
            }
            t.send(t.as_member(id).post_json("/api/applications", &form))
                .await
                .expect(201);
        }
        t.add_member("P5001", "1990-01-01").await;
        t.send(t.as_member("E5001").post_json(
            "/api/matches",
            &json!({"mentor_id": MENTOR, "message": "Would you mentor me?"}),
        ))
        .await
        .expect(201);
        t.send(t.as_member("E5002").post_json(
            "/api/matches",
            &json!({"mentor_id": MENTOR, "message": "Me too, please."}),
        ))
        .await
        .expect(201);
        let secrets = [BACKGROUND, CAREER, DEGREE];
        let shows_all = |text: &str| secrets.iter().all(|s| text.contains(s));
        let shows_any = |text: &str| secrets.iter().any(|s| text.contains(s));

        // The mentor asked: with the request, page and API.
        let page_ = view(&t, t.as_member(MENTOR).get("/members/requests/")).await;
        assert!(shows_all(&page_.expect(200).text()), "{}", page_.text());
        let api = t.send(t.as_member(MENTOR).get("/api/matches")).await;
        let received = api.expect(200).json()["received"].clone();
        let asked = received
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["mentee_id"] == "E5001")
            .unwrap()
            .clone();
        assert_eq!(asked["mentee"]["background"], BACKGROUND);
        assert_eq!(asked["mentee"]["career"][0]["organization"], CAREER);
        // The committee: the applications page, with the mentor's whole profile.
        let committee = view(
            &t,
            t.as_member(CHAIR).get("/members/committee/applications/"),
        )
        .await;
        let committee = committee.expect(200).text();
        assert!(shows_all(&committee), "{committee}");
        assert!(committee.contains("Riverton College") && committee.contains("MLIS"));
        let member_of_committee = view(
            &t,
            t.as_member(support::app::COMMITTEE[0])
                .get("/members/committee/applications/"),
        )
        .await;
        assert!(shows_all(&member_of_committee.expect(200).text()));

        // Nobody else: another mentee (who asked the same mentor), a mentor
        // not asked, a plain member, staff.
        for who in ["E5002", "R5003", "P5001", support::app::STAFF] {
            for path in [
                "/members/requests/",
                "/members/committee/applications/",
                "/members/",
                "/members/profile/",
            ] {
                let r = view(&t, t.as_member(who).get(path)).await;
                assert!(!shows_any(&r.text()), "{who} sees it on {path}");
            }
            for path in [
                "/api/matches",
                "/api/applications",
                "/api/me",
                "/api/profile",
            ] {
                let r = t.send(t.as_member(who).get(path)).await;
                assert!(
                    !shows_any(&r.text()),
                    "{who} sees it in {path}: {}",
                    r.text()
                );
            }
        }
        // Anonymous: sent to sign in, shown nothing.
        for path in ["/members/requests/", "/members/committee/applications/"] {
            let r = view(&t, t.anonymous().get(path)).await;
            assert_eq!(r.status, 303);
            assert!(!shows_any(&r.text()));
        }
        for path in ["/api/matches", "/api/applications"] {
            let r = t.send(t.anonymous().get(path)).await;
            assert_eq!(r.status, 401);
            assert!(!shows_any(&r.text()));
        }
        // The published pages (any member with the directory role reads
        // them) never carry it.
        for entry in walk(out.path()) {
            let text = std::fs::read_to_string(&entry).unwrap_or_default();
            assert!(!shows_any(&text), "{} shows it", entry.display());
        }
    }
}

mod year_two {
    use super::*;

    pub async fn run(t: TestApp) {
        let (t, out) = publishing(t);
        volunteer_and_approve(&t).await;
        t.add_member("R5004", "1990-01-01").await;
        // A year on: 2009 takes applications while the 2008 duos run.
        t.set_time("2009-02-01T15:00:00Z");
        let home = view(&t, t.as_member(MENTOR).get("/members/")).await.text();
        assert!(home.contains("List me for 2009"), "{home}");
        assert!(home.contains("action=\"/api/profile/relist\""));
        let other = view(&t, t.as_member("R5004").get("/members/")).await.text();
        assert!(
            !other.contains("/api/profile/relist"),
            "never a mentor: no offer"
        );
        let r = t
            .send(t.as_member(MENTOR).post_form("/api/profile/relist", &[]))
            .await;
        r.expect(303);
        assert_eq!(r.header("location"), Some("/members/?status=relisted"));
        let home = view(&t, t.as_member(MENTOR).get("/members/?status=relisted"))
            .await
            .text();
        assert!(home.contains("You are listed as a mentor again"));
        assert!(
            !home.contains("List me for 2009"),
            "listed: no second offer"
        );
        let again = t
            .send(
                t.as_member(MENTOR)
                    .post_json("/api/profile/relist", &json!({})),
            )
            .await;
        assert_eq!(again.expect_problem(409)["code"], "duplicate");
        let never = t
            .send(
                t.as_member("R5004")
                    .post_json("/api/profile/relist", &json!({})),
            )
            .await;
        assert_eq!(never.expect_problem(409)["code"], "not_listed_before");
        let entries = audit::recent(t.app.store.as_ref(), "2009", 10)
            .await
            .unwrap();
        assert!(entries
            .iter()
            .any(|e| e.get_str("action") == Some("relist_mentor")));
        // A 2009 mentee asks the relisted mentor.
        t.add_member("E5009", "2008-06-01").await;
        t.send(
            t.as_member("E5009")
                .post_json("/api/applications", &mentee_form()),
        )
        .await
        .expect(201);
        t.send(t.as_member("E5009").post_json(
            "/api/matches",
            &json!({"mentor_id": MENTOR, "message": "Would you mentor me this year?"}),
        ))
        .await
        .expect(201);
        // Still in the directory.
        assert!(page(out.path(), "members/mentors/index.html").contains(NAME));
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
