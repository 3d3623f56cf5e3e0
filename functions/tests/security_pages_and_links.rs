//! Security findings 9 and 12 (issue 14), each reproduced and refused:
//! profile links never carry a `javascript:` URL, at application or at a
//! profile edit, and nothing is stored; the result pages never print text
//! from the query string as the site's own message. Against both stores.

mod support;

use serde_json::{json, Value};
use support::app::{TestApp, CHAIR};

app_cases!(
    profile_links_refuse_javascript_urls,
    result_pages_print_no_query_text_as_the_sites_message,
);

const MENTOR: &str = "R5001";

/// `javascript:` as an attacker would spell it.
const SCRIPT_URLS: [&str; 4] = [
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
];

fn application(photo: Option<&str>, website: Option<&str>) -> Value {
    let mut form = support::app::mentor_form();
    if let Some(p) = photo {
        form["photo"] = json!(p);
    }
    if let Some(w) = website {
        form["contact"] = json!({"email": "r5001@example.org", "website": w});
    }
    form
}

async fn view(t: &TestApp, who: &str, path: &str) -> String {
    let req = t.as_member(who).get(path);
    let r = functions::views::handle(&t.app, &req, None).await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    String::from_utf8(r.into_body()).unwrap()
}

mod cases {
    use super::*;

    pub async fn profile_links_refuse_javascript_urls(t: TestApp) {
        t.add_committee().await;
        t.add_member(MENTOR, "1990-01-01").await;
        // At application: refused, the field named, nothing stored.
        for url in SCRIPT_URLS {
            for (form, field) in [
                (application(Some(url), None), "photo"),
                (application(None, Some(url)), "contact.website"),
            ] {
                let r = t
                    .send(t.as_member(MENTOR).post_json("/api/applications", &form))
                    .await;
                let p = r.expect_problem(400);
                assert!(
                    p["errors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| e["field"] == field
                            && e["message"].as_str().unwrap().contains("http")),
                    "{url:?} {field}: {p}"
                );
            }
        }
        let listed = t
            .send(t.as_member(CHAIR).get("/api/applications"))
            .await
            .expect(200)
            .json();
        assert!(
            !listed.to_string().contains(MENTOR),
            "an application was stored: {listed}"
        );
        // A valid application, approved; then the same links at an edit.
        t.send(
            t.as_member(MENTOR)
                .post_json("/api/applications", &application(None, None)),
        )
        .await
        .expect(201);
        t.send(t.as_member(CHAIR).post_json(
            &format!("/api/applications/mentor-{MENTOR}/approve"),
            &json!({}),
        ))
        .await
        .expect(200);
        let before = t
            .send(t.as_member(MENTOR).get("/api/profile"))
            .await
            .expect(200)
            .json();
        let mut edit = support::app::mentor_form();
        edit.as_object_mut().unwrap().remove("side");
        edit.as_object_mut().unwrap().remove("years_involvement");
        for url in SCRIPT_URLS {
            for (key, value, field) in [
                ("photo", json!(url), "photo"),
                (
                    "contact",
                    json!({"email": "r5001@example.org", "website": url}),
                    "contact.website",
                ),
            ] {
                let mut body = edit.clone();
                body[key] = value;
                let r = t
                    .send(t.as_member(MENTOR).post_json("/api/profile", &body))
                    .await;
                let p = r.expect_problem(400);
                assert!(
                    p["errors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|e| e["field"] == field),
                    "{url:?} {field}: {p}"
                );
            }
        }
        let after = t
            .send(t.as_member(MENTOR).get("/api/profile"))
            .await
            .expect(200)
            .json();
        assert_eq!(before, after, "a refused edit changed the profile");
        assert!(!after.to_string().to_lowercase().contains("script:"));
    }

    pub async fn result_pages_print_no_query_text_as_the_sites_message(t: TestApp) {
        t.add_member("E3001", "2007-09-01").await;
        let lie = "Your membership is suspended: call 555-0100";
        let q = lie.replace(' ', "+").replace(':', "%3A");
        let page = view(
            &t,
            "E3001",
            &format!("/apply/done/?status=waitlisted&place={q}"),
        )
        .await;
        assert!(!page.contains("suspended"), "{page}");
        assert!(page.contains("<strong>Waiting list.</strong>"));
        // A real place still shows.
        let page = view(&t, "E3001", "/apply/done/?status=waitlisted&place=3").await;
        assert!(page.contains("Waiting list, place 3."), "{page}");
        let page = view(&t, "E3001", &format!("/members/?withdrawn={q}")).await;
        assert!(!page.contains("suspended"), "{page}");
        assert!(!page.contains("Withdrawn."));
        let page = view(&t, "E3001", "/members/?withdrawn=mentee").await;
        assert!(page.contains("Your mentee application is withdrawn"));
    }
}
