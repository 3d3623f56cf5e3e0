//! The views' unit tests: the templates compile and render with no data,
//! the layout, the paths.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::page::{error_chain, templates, TEMPLATES};
use super::viewer::QUERY_KEYS;
use super::{is_view, wrap};

#[test]
fn templates_compile() {
    let _ = templates();
}

#[test]
fn every_template_renders_with_no_query_and_no_data() {
    let mut ctx = tera::Context::new();
    let query: BTreeMap<String, String> = QUERY_KEYS
        .iter()
        .map(|k| ((*k).to_owned(), String::new()))
        .collect();
    ctx.insert("query", &query);
    ctx.insert("me", &json!({"id": "M1", "name": "A", "email": "a@x", "mentee": false, "mentor": false, "committee": true, "chair": true, "roles": [], "may": {"applications": true, "duos": true, "surveys": true, "report": true, "audit": true, "liaison": true, "pairing": true, "suggestions": true}}));
    ctx.insert("csrf", "t");
    ctx.insert(
        "site",
        &json!({"name": "S", "contact_email": "c@x", "directory_url": "/members/mentors/"}),
    );
    ctx.insert("expertise", &Vec::<Json>::new());
    ctx.insert("today", "2008-03-01");
    ctx.insert("mentee_application", &Json::Null);
    ctx.insert("mentor_application", &Json::Null);
    ctx.insert("token", "");
    ctx.insert("sent", &Vec::<Json>::new());
    ctx.insert("received", &Vec::<Json>::new());
    ctx.insert("duos", &Vec::<Json>::new());
    ctx.insert("applications", &Vec::<Json>::new());
    ctx.insert("mentee_cap", &25);
    ctx.insert("may_decide", &true);
    ctx.insert("may_assign", &true);
    ctx.insert("liaisons", &Vec::<Json>::new());
    ctx.insert("surveys", &Vec::<Json>::new());
    ctx.insert(
        "mentor",
        &json!({"id": "M2", "name": "B", "title": "T", "institution": "I"}),
    );
    ctx.insert(
        "survey",
        &json!({"id": "s", "title": "S", "intro": "", "anonymous": true, "questions": []}),
    );
    ctx.insert("answered", &false);
    ctx.insert(
        "window",
        &json!({"opens": "2008-11-17", "closes": "2008-12-08"}),
    );
    ctx.insert("refusal", &Json::Null);
    ctx.insert(
        "standing",
        &json!([{"cohort": "2008", "cohort_name": "P", "side": "mentee", "completed": true, "group": "undecided"}]),
    );
    ctx.insert(
        "volunteer",
        &json!({"open": {"id": "2009", "name": "N", "matching_deadline": "2009-06-12"}, "one_click": true, "alumnus": true}),
    );
    ctx.insert(
        "cohorts",
        &json!({"selected": {"id": "2008", "name": "P", "label": "running"}, "choices": [{"id": "2009", "name": "N", "label": "applications open", "default": false, "selected": false, "href": "/x/?cohort=2009"}], "next": {"id": "2009", "name": "N", "href": "/x/?cohort=2009"}}),
    );
    ctx.insert(
        "my_applications",
        &json!([{"side": "mentee", "cohort": "2008", "cohort_name": "P", "state": "accepted", "withdrawable": true}]),
    );
    ctx.insert(
        "other_duos",
        &json!([{"id": "d", "cohort": "2008", "cohort_name": "P", "mentor": {"name": "A"}, "mentee": {"name": "B"}, "liaison": null, "state": "completed", "ends": "2009-04-30"}]),
    );
    ctx.insert(
        "record",
        &json!({"exists": true, "published": true, "paused": false, "url": "/members/mentors/a/"}),
    );
    ctx.insert(
        "form",
        &json!({"values": {"name": "A", "title": "", "institution": "", "location": "", "member_since": "2001", "years_involved": "", "bio": "", "availability": "", "photo": "", "contact_email": "", "contact_phone": "", "contact_website": ""},
            "expertise": [{"slug": "s", "name": "S", "checked": true}],
            "career": [{"index": 0, "title": "", "organization": "", "from": "", "to": "", "errors": {"from": "bad"}}],
            "education": [{"index": 0, "degree": "", "institution": "", "year": "", "errors": {}}],
            "errors": {"name": "Name is required.", "contact_email": "bad"}, "has_errors": true,
            "limits": {"name": 100, "title": 200, "institution": 200, "location": 200, "entry": 200, "bio": 5000, "availability": 500, "url": 500, "email": 254, "phone": 40, "years": 80, "expertise": 8}}),
    );
    ctx.insert("preview_html", &Json::Null);
    ctx.insert("relist", &json!({"cohort": "N", "from": "P"}));
    ctx.insert("fields", &vec![("name", "A")]);
    ctx.insert(
        "shown",
        &json!({"name": "A", "title": "T", "institution": "I", "bio": "B"}),
    );
    ctx.insert(
        "entries",
        &json!([{"at": "2008-03-01", "action": "apply", "actor": "M1", "actor_name": "A", "subject": "k", "detail": "d"}]),
    );
    ctx.insert("actions", &["apply"]);
    ctx.insert("filter", &json!({"member": "", "action": ""}));
    ctx.insert("csv_link", "/members/committee/audit/?format=csv");
    ctx.insert(
        "mentees",
        &json!([{"id": "E1", "name": "E", "institution": "I", "interests": ["S"], "goals": "g", "proposed": "R1",
            "choices": [{"id": "R1", "name": "R", "score": 3, "pending": true, "conflict": false, "reason": "shares: s", "selected": true},
                        {"id": "R2", "name": "Q", "score": 0, "pending": false, "conflict": true, "reason": "", "selected": false}]}]),
    );
    ctx.insert(
        "free_mentors",
        &json!([{"id": "R1", "name": "R", "title": "T", "institution": "I", "expertise": ["S"]}]),
    );
    ctx.insert(
        "pairings",
        &json!([{"id": "p", "mentee": {"id": "E1", "name": "E"}, "mentor": {"id": "R1", "name": "R"}, "other": {"id": "R1", "name": "R"}, "other_side": "mentor",
            "mentee_answer": "waiting", "mentor_answer": "accepted", "my_answer": "waiting", "other_answer": "accepted", "state": "proposed", "open": true, "proposed_on": "2008-06-13"}]),
    );
    ctx.insert("pairing_open", &true);
    ctx.insert(
        "suggested",
        &json!([{"id": "R1", "name": "R", "title": "T", "institution": "I", "reason": "shares: s", "score": 3, "url": "/members/mentors/r/"}]),
    );
    ctx.insert("conflicts", &json!([{"id": "R2", "name": "Q"}]));
    ctx.insert(
        "suggestions_for",
        &json!({"cohort_name": "P", "institution": "I", "interests": ["S"]}),
    );
    ctx.insert("title", "T");
    ctx.insert("message", "M");
    for (name, _) in TEMPLATES.iter().filter(|(n, _)| !n.starts_with('_')) {
        if let Err(e) = templates().render(name, &ctx) {
            panic!("{name}: {}", error_chain(&e));
        }
    }
}

#[test]
fn wraps_into_the_shell() {
    let shell = "<html><head><title>Mentor directory · X</title></head><body><header>nav</header><main id=\"main\" tabindex=\"-1\">\nold\n</main><footer>f</footer></body></html>";
    let out = wrap(Some(shell), "Apply", "<h1>Apply</h1>", "X");
    assert!(out.contains("<title>Apply · X</title>"));
    assert!(out.contains("<header>nav</header>"));
    assert!(out.contains("<h1>Apply</h1>"));
    assert!(!out.contains("old"));
    assert!(out.contains("<footer>f</footer>"));
    let plain = wrap(None, "A<b>", "<p>x</p>", "X");
    assert!(plain.contains("<title>A&lt;b&gt; · X</title>"));
}

#[test]
fn view_paths() {
    assert!(is_view("/members/apply/"));
    assert!(is_view("/members/surveys/midpoint/"));
    assert!(!is_view("/members/mentors/"));
    assert!(!is_view("/members/surveys/"));
}
