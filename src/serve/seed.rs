//! First run of `duos serve`: when the store is empty, it gets the sample
//! program's people.
//!
//! - The roster: `content/seed/roster.csv` of the site root (one member a
//!   line: `member_id,name,email,joined,category,good_standing`), imported
//!   through `functions::roster`. The sample holds the committee of
//!   `content/program.yaml` (chair M1001, members M1002 and M1003, staff
//!   M1900), the mentors of `content/mentors/*.yaml` (M2001-M2013), a member
//!   who will volunteer as a mentor (M2101), first-year members who can
//!   apply as mentees (M3001-M3004, joined within the 12 months before the
//!   2008 cohort opens) and a long-standing member who cannot (M3901).
//! - The mentors of `content/mentors/*.yaml`: an approved mentor
//!   application in the current cohort each, so they are listed and can
//!   accept requests.
//!
//! The development sign-in offers every seeded account.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{NaiveDate, TimeZone, Utc};
use functions::records;
use functions::roster;
use functions::store::{Condition, Item, Key, Store};
use mentoring::application::{MentorApplication, MentorForm, MentorStatus};
use mentoring::program::Program;
use mentoring::Member;

/// The roster file of a site root.
pub const ROSTER_FILE: &str = "content/seed/roster.csv";
/// The item that says the store was seeded.
const MARKER_PK: &str = "SEED";

/// One account of the development sign-in.
#[derive(Debug, Clone)]
pub struct Account {
    pub member_id: String,
    pub name: String,
    /// What the account is for: "committee chair", "mentor", ...
    pub role: String,
}

/// Reads the roster file (the same CSV format as `duos roster import`,
/// see `functions::roster`).
pub fn read_roster(root: &Path, program: &Program) -> anyhow::Result<(Vec<u8>, Vec<Member>)> {
    let path = root.join(ROSTER_FILE);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let rows = roster::parse_roster(&bytes, Some(&program.eligibility.member_categories))
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((bytes, rows.into_iter().map(|r| r.member).collect()))
}

/// A mentor profile's fields that make its application.
#[derive(Debug, serde::Deserialize)]
struct Profile {
    member_id: Option<String>,
    title: String,
    institution: String,
    #[serde(default)]
    expertise: Vec<String>,
    #[serde(default)]
    years_involved: Option<u32>,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    availability: Option<String>,
}

/// The mentors of `content/mentors/*.yaml` with a member id, as approved
/// applications of `cohort`.
pub fn mentor_applications(root: &Path, program: &Program, cohort: &str) -> Vec<MentorApplication> {
    let Ok(entries) = std::fs::read_dir(root.join("content/mentors")) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let opened = program
        .cohort(cohort)
        .map(|c| c.applications_open)
        .unwrap_or_else(|| Utc::now().date_naive());
    let at = Utc.from_utc_datetime(&opened.and_hms_opt(12, 0, 0).expect("noon"));
    let min_years = program.eligibility.mentor_min_years_involvement;
    paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let profile: Profile = serde_yaml::from_str(&text).ok()?;
            Some(MentorApplication {
                cohort: cohort.to_owned(),
                member_id: profile.member_id?,
                form: MentorForm {
                    title: profile.title,
                    institution: profile.institution,
                    expertise: profile.expertise,
                    years_involvement: profile.years_involved.unwrap_or(min_years).max(min_years),
                    bio: profile.bio,
                    availability: profile.availability.unwrap_or_default(),
                },
                submitted_at: at,
                status: MentorStatus::Approved,
            })
        })
        .collect()
}

/// The cohort the seeded mentors belong to: the one taking applications
/// today, else the current one, else the newest.
pub fn seed_cohort(program: &Program, today: NaiveDate) -> Option<String> {
    program
        .cohort_accepting_applications(today)
        .or_else(|| program.current_cohort(today))
        .or_else(|| program.cohorts.iter().max_by_key(|c| c.applications_open))
        .map(|c| c.id.clone())
}

/// Whether the store was seeded before.
pub async fn is_seeded(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.get(&Key::new(MARKER_PK, MARKER_PK)).await?.is_some())
}

/// Seeds an empty store; returns what it did, or `None` when the store was
/// seeded before.
pub async fn seed(
    store: Arc<dyn Store>,
    root: &Path,
    program: &Program,
    today: NaiveDate,
) -> anyhow::Result<Option<String>> {
    if is_seeded(store.as_ref()).await? {
        return Ok(None);
    }
    let (csv, members) = read_roster(root, program)?;
    roster::import_roster(
        store.as_ref(),
        &csv,
        Some(&program.eligibility.member_categories),
    )
    .await
    .map_err(|e| anyhow!("{ROSTER_FILE}: {e}"))?;
    let mut mentors = 0;
    if let Some(cohort) = seed_cohort(program, today) {
        for application in mentor_applications(root, program, &cohort) {
            let item = records::mentor_app_item(&application);
            match store.put(item, Some(Condition::not_exists())).await {
                Ok(()) => mentors += 1,
                Err(e) if e.is_condition_failed() => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let marker = Item::new(&Key::new(MARKER_PK, MARKER_PK))
        .with("members", members.len() as i64)
        .with("mentors", mentors as i64);
    store.put(marker, None).await?;
    Ok(Some(format!(
        "seeded {} roster members and {} approved mentors from {}",
        members.len(),
        mentors,
        ROSTER_FILE
    )))
}

/// The development sign-in's accounts: everyone in the roster, labelled by
/// what they can do in the sample program.
pub fn accounts(members: &[Member], program: &Program, mentor_ids: &[String]) -> Vec<Account> {
    let mut out: Vec<Account> = members
        .iter()
        .map(|m| {
            let role = if program.committee.chair.as_deref() == Some(m.member_id.as_str()) {
                "committee chair".to_owned()
            } else if program.committee.members.contains(&m.member_id) {
                "committee member".to_owned()
            } else if program.committee.staff.contains(&m.member_id) {
                "association staff".to_owned()
            } else if mentor_ids.contains(&m.member_id) {
                "mentor".to_owned()
            } else {
                let first_year = program.cohorts.iter().any(|c| {
                    m.joined <= c.applications_open
                        && mentoring_first_year(program, m, c.applications_open)
                });
                if first_year {
                    "first-year member, can apply as mentee".to_owned()
                } else {
                    "member, can volunteer as mentor".to_owned()
                }
            };
            Account {
                member_id: m.member_id.clone(),
                name: m.name.clone(),
                role,
            }
        })
        .collect();
    let rank = |a: &Account| match a.role.as_str() {
        "committee chair" => 0,
        "committee member" => 1,
        "association staff" => 2,
        r if r.starts_with("first-year") => 3,
        "mentor" => 5,
        _ => 4,
    };
    out.sort_by(|a, b| (rank(a), &a.member_id).cmp(&(rank(b), &b.member_id)));
    out
}

fn mentoring_first_year(program: &Program, m: &Member, opens: NaiveDate) -> bool {
    let months = program.eligibility.mentee_max_membership_months;
    opens
        .checked_sub_months(chrono::Months::new(months))
        .is_some_and(|earliest| m.joined >= earliest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    fn program() -> Program {
        let text = std::fs::read_to_string(root().join("content/program.yaml")).unwrap();
        serde_yaml::from_str(&text).unwrap()
    }

    #[test]
    fn the_sample_roster_has_the_committee_mentors_and_first_year_members() {
        let program = program();
        let (_, members) = read_roster(root(), &program).unwrap();
        let ids: Vec<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
        for id in ["M1001", "M1002", "M1003", "M1900", "M3001"] {
            assert!(ids.contains(&id), "{id} missing");
        }
        let mentors = mentor_applications(root(), &program, "2008");
        assert_eq!(mentors.len(), 13);
        for m in &mentors {
            assert!(
                ids.contains(&m.member_id.as_str()),
                "mentor {} not in the roster",
                m.member_id
            );
        }
        let ids: Vec<String> = mentors.iter().map(|m| m.member_id.clone()).collect();
        let accounts = accounts(&members, &program, &ids);
        assert_eq!(accounts[0].role, "committee chair");
        let ada = accounts.iter().find(|a| a.member_id == "M3001").unwrap();
        assert!(ada.role.starts_with("first-year"), "{ada:?}");
        let walter = accounts.iter().find(|a| a.member_id == "M3901").unwrap();
        assert!(!walter.role.starts_with("first-year"), "{walter:?}");
    }

    #[tokio::test]
    async fn seeds_once() {
        let program = program();
        let store: Arc<dyn Store> = Arc::new(functions::store::EmbeddedStore::in_memory().unwrap());
        let today = NaiveDate::from_ymd_opt(2008, 3, 1).unwrap();
        let first = seed(Arc::clone(&store), root(), &program, today)
            .await
            .unwrap();
        assert!(first.unwrap().contains("13 approved mentors"));
        assert!(seed(Arc::clone(&store), root(), &program, today)
            .await
            .unwrap()
            .is_none());
        let chair = roster::load_member(store.as_ref(), "M1001")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(chair.name, "Corinne Aldermoor");
        let m: Option<MentorApplication> = records::get(
            store.as_ref(),
            &functions::records::keys::mentor_app("2008", "M2001"),
        )
        .await
        .unwrap();
        assert_eq!(m.unwrap().status, MentorStatus::Approved);
    }
}
