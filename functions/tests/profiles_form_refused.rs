//! A published mentor's profile edit that is refused, as a plain HTML form
//! post (no JavaScript) and as JSON, through the functions' router on both
//! stores: a form post to `POST /api/profile` (the preview's "Save") or to
//! the preview comes back as the profile form, in the site's layout,
//! filled as sent, with each field's message at the field (too long, an
//! unknown expertise term, a photo or website that is not http(s) or a site
//! path, a career or education year in the future, too many entries, a
//! number that is not one) and status 400; a JSON post is a 400 problem
//! naming the field. Either way nothing is stored and the published page
//! and the directory stay byte for byte as they were.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use functions::publish::{DiskTarget, Publisher};
use serde_json::{json, Value};
use support::app::{TestApp, CHAIR};

app_cases!(refused_edits_show_the_form_again_and_store_nothing);

const MENTOR: &str = "R5101";
const NAME: &str = "Rosa Quillfeather";

fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `t` publishing into a freshly built site folder (as `duos serve` starts).
fn publishing(mut t: TestApp) -> (TestApp, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("site folder");
    let options = generator::BuildOptions {
        today: t.app.moment().today,
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

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_default()
}

/// Form fields, in order.
type Fields = Vec<(String, String)>;

/// The form fields of a good edit.
fn good_fields() -> Vec<(String, String)> {
    [
        ("name", NAME),
        ("title", "Head of Special Collections"),
        ("institution", "Example State Library"),
        ("location", "Riverton, Example"),
        ("member_since", "1996"),
        ("years_involved", "11"),
        ("expertise", "strategic-planning"),
        ("expertise", "change-management"),
        ("career.0.title", "Head of Special Collections"),
        ("career.0.organization", "Example State Library"),
        ("career.0.from", "2001"),
        ("career.0.to", "present"),
        ("career.1.title", ""),
        ("career.1.organization", ""),
        ("education.0.degree", "MLIS"),
        ("education.0.institution", "Example University"),
        ("education.0.year", "1992"),
        ("bio", "I rebuilt a *special collections* department twice."),
        ("availability", "A call every three weeks."),
        ("photo", "/images/rosa.jpg"),
        ("contact.email", "rosa@example.org"),
        ("contact.phone", "555-0142"),
        ("contact.website", "https://example.org/rosa"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// `good_fields` with `changes`: a name given replaces its first value
/// (and drops its other values); new names are added.
fn with(changes: &[(&str, String)]) -> Vec<(String, String)> {
    let mut fields = good_fields();
    for (name, value) in changes {
        match fields.iter().position(|(k, _)| k == name) {
            Some(at) => {
                fields[at].1 = value.clone();
                let mut seen = false;
                fields.retain(|(k, _)| {
                    if k != name {
                        return true;
                    }
                    let keep = !seen;
                    seen = true;
                    keep
                });
            }
            None => fields.push(((*name).to_owned(), value.clone())),
        }
    }
    fields
}

/// The same edit as JSON (`career.0.title` -> `career[0].title`...).
fn as_json(fields: &[(String, String)]) -> Value {
    let object: serde_json::Map<String, Value> = {
        let mut m = serde_json::Map::new();
        for (k, v) in fields {
            if k == "expertise" {
                m.entry("expertise")
                    .or_insert_with(|| json!([]))
                    .as_array_mut()
                    .unwrap()
                    .push(json!(v));
            } else {
                m.insert(k.clone(), json!(v));
            }
        }
        m
    };
    Value::Object(functions::handlers::profile::nest(object))
}

async fn volunteer_and_approve(t: &TestApp) {
    t.add_committee().await;
    t.add_member(MENTOR, "1990-01-01").await;
    let application = json!({
        "side": "mentor",
        "name": NAME,
        "title": "Head of Special Collections",
        "institution": "Example State Library",
        "member_since": "1996",
        "years_involvement": 11,
        "expertise": ["strategic-planning"],
        "bio": "I rebuilt a *special collections* department twice.",
        "contact": {"email": "rosa@example.org"}
    });
    t.send(
        t.as_member(MENTOR)
            .post_json("/api/applications", &application),
    )
    .await
    .expect(201);
    t.send(t.as_member(CHAIR).post_json(
        &format!("/api/applications/mentor-{MENTOR}/approve"),
        &json!({}),
    ))
    .await
    .expect(200);
}

/// The message shown at `data-error-for="field"`, if any.
fn message_at(html: &str, field: &str) -> Option<String> {
    let at = html.find(&format!("data-error-for=\"{field}\">"))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest.find("</p>")?;
    Some(
        rest[start..end]
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x2F;", "/")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// A page of the views, as the session function answers it: in the
/// layout of the built directory page.
async fn view(t: &TestApp, out: &Path, req: http::Request<Vec<u8>>) -> support::app::Resp {
    let shell = read(out, "members/mentors/index.html");
    let r = functions::views::handle(&t.app, &req, Some(&shell))
        .await
        .expect("a view");
    let (parts, body) = r.into_parts();
    support::app::Resp {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

mod cases {
    use super::*;

    pub async fn refused_edits_show_the_form_again_and_store_nothing(t: TestApp) {
        let (t, out) = publishing(t);
        volunteer_and_approve(&t).await;
        let me = t.send(t.as_member(MENTOR).get("/api/profile")).await;
        let slug = me.expect(200).json()["slug"].as_str().unwrap().to_owned();
        let file = format!("members/mentors/{slug}/index.html");
        let directory = "members/mentors/index.html";
        // A good edit first, so that the page holds every field.
        let fields = good_fields();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = t
            .send(t.as_member(MENTOR).post_form("/api/profile", &pairs))
            .await;
        r.expect(303);
        let before = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        let (page_before, directory_before) =
            (read(out.path(), &file), read(out.path(), directory));
        assert!(page_before.contains("special collections"));

        let eleven_rows: Vec<(String, String)> = (0..11)
            .flat_map(|i| {
                [
                    (format!("career.{i}.title"), "Librarian".to_owned()),
                    (format!("career.{i}.organization"), format!("Library {i}")),
                    (format!("career.{i}.from"), "1990".to_owned()),
                ]
            })
            .collect();
        let mut too_many = good_fields();
        too_many.retain(|(k, _)| !k.starts_with("career."));
        too_many.extend(eleven_rows);
        // (the edit, the field, what its message says)
        let cases: Vec<(Fields, &str, &str)> = vec![
            (
                with(&[("name", "x".repeat(101))]),
                "name",
                "Name is too long: 101 characters, at most 100.",
            ),
            (
                with(&[("bio", "b".repeat(5001))]),
                "bio",
                "Bio is too long: 5001 characters",
            ),
            (
                with(&[("expertise", "knitting".into())]),
                "expertise",
                "Unknown expertise term \"knitting\"",
            ),
            (
                with(&[("photo", "javascript:alert(1)".into())]),
                "photo",
                "http:// or https://",
            ),
            (
                with(&[("photo", "images/rosa.jpg".into())]),
                "photo",
                "http:// or https://",
            ),
            (
                with(&[("contact.website", "ftp://example.org".into())]),
                "contact.website",
                "http:// or https://",
            ),
            (
                with(&[("career.0.from", "2031".into())]),
                "career[0].from",
                "From 2031 is in the future.",
            ),
            (
                with(&[("education.0.year", "2030".into())]),
                "education[0].year",
                "Year 2030 is in the future.",
            ),
            (
                too_many,
                "career",
                "Too many career entries: 11, at most 10.",
            ),
        ];
        for (fields, field, says) in &cases {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            // JSON: a problem naming the field.
            let r = t
                .send(
                    t.as_member(MENTOR)
                        .post_json("/api/profile", &as_json(fields)),
                )
                .await;
            let p = r.expect_problem(400);
            let hit = p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["field"] == *field)
                .unwrap_or_else(|| panic!("JSON: no error on {field}: {p}"));
            assert!(
                hit["message"].as_str().unwrap().contains(says),
                "JSON {field}: {hit}"
            );

            // A plain form post of the "Save" button, and of the form to its preview.
            let saved = t
                .send(t.as_member(MENTOR).post_form("/api/profile", &pairs))
                .await;
            let previewed = view(
                &t,
                out.path(),
                t.as_member(MENTOR)
                    .post_form("/members/profile/preview/", &pairs),
            )
            .await;
            for (how, r) in [("save", saved), ("preview", previewed)] {
                assert_eq!(r.status, 400, "{how} {field}: {}", r.text());
                assert_eq!(
                    r.header("content-type"),
                    Some("text/html; charset=utf-8"),
                    "{how} {field}"
                );
                let html = r.text();
                assert!(
                    html.contains("id=\"profile-form\""),
                    "{how} {field}: the form again\n{html}"
                );
                assert!(html.contains("Nothing was saved."), "{how} {field}");
                let shown = message_at(&html, field)
                    .unwrap_or_else(|| panic!("{how}: no message at {field}:\n{html}"));
                assert!(shown.contains(says), "{how} {field}: {shown}");
                // Filled as sent (the other fields too).
                assert!(
                    html.contains("value=\"Example State Library\""),
                    "{how} {field}"
                );
                assert!(html.contains("value=\"rosa@example.org\""), "{how} {field}");
                if *field != "expertise" {
                    assert!(
                        html.contains("value=\"strategic-planning\" checked"),
                        "{how} {field}"
                    );
                }
                // In the site's layout, with a fresh CSRF field to send again.
                assert!(
                    html.contains("class=\"site-header\""),
                    "{how} {field}: the layout"
                );
                assert!(html.contains("name=\"_csrf\""), "{how} {field}");
            }
        }

        // A number that is not one, by form: the field says so, the rest stays.
        let fields = with(&[("years_involved", "ten".into()), ("title", "Keeper".into())]);
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for path in ["/api/profile", "/members/profile/preview/"] {
            let req = t.as_member(MENTOR).post_form(path, &pairs);
            let r = match path {
                "/api/profile" => t.send(req).await,
                _ => view(&t, out.path(), req).await,
            };
            assert_eq!(r.status, 400, "{path}: {}", r.text());
            let html = r.text();
            assert!(
                message_at(&html, "years_involved").is_some(),
                "{path}:\n{html}"
            );
            assert!(html.contains("value=\"Keeper\""), "{path}");
        }

        // Nothing stored, nothing published.
        let after = t.send(t.as_member(MENTOR).get("/api/profile")).await.json();
        assert_eq!(after, before);
        assert_eq!(read(out.path(), &file), page_before);
        assert_eq!(read(out.path(), directory), directory_before);

        // The form shown again, sent as it is once fixed, saves.
        let fixed = with(&[("title", "Keeper of Special Collections".into())]);
        let pairs: Vec<(&str, &str)> = fixed
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = t
            .send(t.as_member(MENTOR).post_form("/api/profile", &pairs))
            .await;
        r.expect(303);
        assert!(read(out.path(), &file).contains("Keeper of Special Collections"));
    }
}
