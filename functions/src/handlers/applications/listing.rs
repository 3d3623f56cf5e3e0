//! The committee's list of a cohort's applications.

use super::*;

/// One application in a listing: its id and the stored application (tagged
/// by `side`).
#[derive(Debug, Serialize)]
pub struct Listed {
    /// `mentee-M2001`.
    pub id: String,
    /// The application.
    #[serde(flatten)]
    pub application: Application,
}

/// The applications of a cohort, mentees in arrival order then mentors.
pub async fn load_all(app: &App, cohort: &str) -> Result<Vec<Listed>, Problem> {
    let items = app
        .store
        .query(&Query::table(keys::cohort_pk(cohort)).prefix(keys::APP_PREFIX))
        .await?;
    let mut mentees: Vec<MenteeApplication> = Vec::new();
    let mut mentors: Vec<MentorApplication> = Vec::new();
    for item in &items {
        if item.sk().starts_with(keys::MENTEE_APP_PREFIX) {
            mentees.push(records::read(item)?);
        } else if item.sk().starts_with(keys::MENTOR_APP_PREFIX) {
            mentors.push(records::read(item)?);
        }
    }
    mentees.sort_by(|a, b| {
        (a.ordinal.unwrap_or(u64::MAX), a.submitted_at)
            .cmp(&(b.ordinal.unwrap_or(u64::MAX), b.submitted_at))
    });
    mentors.sort_by_key(|a| a.submitted_at);
    Ok(mentees
        .into_iter()
        .map(|a| Listed {
            id: application_id(Side::Mentee, &a.member_id),
            application: Application::Mentee(a),
        })
        .chain(mentors.into_iter().map(|a| Listed {
            id: application_id(Side::Mentor, &a.member_id),
            application: Application::Mentor(a),
        }))
        .collect())
}

/// `GET /api/applications[?cohort=2008]` (committee, chair).
///
/// Reply `200`: `{"cohort": "2008", "mentee_cap": 25, "applications":
/// [{"id": "mentee-M2001", "side": "mentee", "cohort", "member_id", "form":
/// {...}, "submitted_at", "ordinal", "status": {"state": ...}} | {"id":
/// "mentor-M2101", "side": "mentor", ...}]}`, mentees in arrival order,
/// then mentors.
pub async fn list(app: &App, call: Call) -> Outcome {
    let cohort = only_cohort_in_query(app, &call)?;
    let applications = load_all(app, &cohort.id).await?;
    Ok(Reply::ok(&serde_json::json!({
        "cohort": cohort.id,
        "mentee_cap": cohort.mentee_cap,
        "applications": applications,
    })))
}
