//! A cohort seeded over HTTP, step by step, as its people would build it
//! (the API through `router::handle`), and the members pages as a person
//! gets them (`views::handle`, the site's plain layout): for the tests of
//! the server-rendered pages.

use http::Request;
use serde_json::{json, Value};

use super::app::{mentee_form, mentor_form, Resp, TestApp, CHAIR};

impl TestApp {
    /// Moves the clock on by `minutes` (seeded steps get distinct instants,
    /// so that everything ordered by time has one order).
    pub fn advance(&self, minutes: i64) {
        self.clock
            .set(self.clock_now() + chrono::Duration::minutes(minutes));
    }

    /// A members page as `req` gets it from the views, in the plain layout
    /// (no shell); `None` when the views do not answer it.
    pub async fn view(&self, req: Request<Vec<u8>>) -> Option<Resp> {
        let r = functions::views::handle(&self.app, &req, None).await?;
        let (parts, body) = r.into_parts();
        Some(Resp {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }

    /// `GET path` of the views as `who` (empty: anonymous).
    pub async fn view_as(&self, who: &str, path: &str) -> Resp {
        let caller = if who.is_empty() {
            self.anonymous()
        } else {
            self.as_member(who)
        };
        self.view(caller.get(path))
            .await
            .unwrap_or_else(|| panic!("{path} is a view"))
    }

    /// `id` joins the roster (long-standing), applies as a mentor from
    /// `institution` with `expertise`, and the chair approves.
    pub async fn approved_mentor(&self, id: &str, institution: &str, expertise: &[&str]) {
        self.mentor_applies(id, institution, expertise).await;
        self.approve_mentor(id).await;
    }

    /// The chair approves `id`'s mentor application.
    pub async fn approve_mentor(&self, id: &str) {
        self.send(self.as_member(CHAIR).post_json(
            &format!("/api/applications/mentor-{id}/approve"),
            &json!({}),
        ))
        .await
        .expect(200);
    }

    /// `id` joins the roster (long-standing) and applies as a mentor; the
    /// application waits for the committee.
    pub async fn mentor_applies(&self, id: &str, institution: &str, expertise: &[&str]) {
        let mut form = mentor_form();
        form["institution"] = json!(institution);
        form["expertise"] = json!(expertise);
        self.mentor_applies_with(id, &form).await;
    }

    /// `id` joins the roster (long-standing) and applies as a mentor with
    /// `form`; the application waits for the committee.
    pub async fn mentor_applies_with(&self, id: &str, form: &Value) {
        self.add_member(id, "1990-01-01").await;
        self.send(self.as_member(id).post_json("/api/applications", form))
            .await
            .expect(201);
    }

    /// `id` joins the roster (long-standing), applies with the sample
    /// mentor form ([`mentor_form`]), and the chair approves.
    pub async fn sample_mentor(&self, id: &str) {
        self.mentor_applies_with(id, &mentor_form()).await;
        self.approve_mentor(id).await;
    }

    /// `id` joins the roster (a first-year member) and is accepted as a
    /// mentee from `institution` interested in `interests`.
    pub async fn accepted_mentee(&self, id: &str, institution: &str, interests: &[&str]) {
        self.accepted_mentee_with(
            id,
            &json!({
                "side": "mentee", "goals": "Learn to lead a team through change.",
                "background": "Reference librarian, two years.", "interests": interests,
                "availability": "Monthly calls.", "institution": institution
            }),
        )
        .await;
    }

    /// `id` joins the roster (a first-year member) and applies as a mentee
    /// with `form`; accepted.
    pub async fn accepted_mentee_with(&self, id: &str, form: &Value) {
        self.add_member(id, "2007-09-01").await;
        let v = self
            .send(self.as_member(id).post_json("/api/applications", form))
            .await
            .expect(201)
            .json();
        assert_eq!(v["status"]["state"], "accepted", "{v}");
    }

    /// `id` joins the roster (a first-year member) and is accepted with the
    /// sample mentee form ([`mentee_form`]).
    pub async fn sample_mentee(&self, id: &str) {
        self.accepted_mentee_with(id, &mentee_form()).await;
    }

    /// A duo of a [`sample_mentor`](Self::sample_mentor) `mentor` and a
    /// [`sample_mentee`](Self::sample_mentee) `mentee`, new to the roster;
    /// its id.
    pub async fn sample_duo(&self, mentee: &str, mentor: &str) -> String {
        self.sample_mentor(mentor).await;
        self.sample_mentee(mentee).await;
        self.form_duo(mentee, mentor).await
    }

    /// `mentee` asks `mentor`; the request's id.
    pub async fn match_request(&self, mentee: &str, mentor: &str) -> String {
        self.send(self.as_member(mentee).post_json(
            "/api/matches",
            &json!({"mentor_id": mentor, "message": "Please mentor me."}),
        ))
        .await
        .expect(201)
        .json()["id"]
            .as_str()
            .expect("request id")
            .to_owned()
    }

    /// `mentee` asks `mentor`, who accepts: a duo; its id.
    pub async fn form_duo(&self, mentee: &str, mentor: &str) -> String {
        let request = self.match_request(mentee, mentor).await;
        self.accept_request(mentor, &request).await
    }

    /// `mentor` accepts the request `id`: a duo; its id.
    pub async fn accept_request(&self, mentor: &str, id: &str) -> String {
        self.send(
            self.as_member(mentor)
                .post_json(&format!("/api/matches/{id}/accept"), &json!({})),
        )
        .await
        .expect(200)
        .json()["duo"]["id"]
            .as_str()
            .expect("duo id")
            .to_owned()
    }
}
