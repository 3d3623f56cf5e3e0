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
//!   application in each live cohort (applications opened, year not ended;
//!   else the current one), so they are listed and can accept requests.
//! - The sample duos of `content/seed/duos.csv` (`cohort,mentor,mentee,liaison`)
//!   whose cohort's matching deadline has passed: the year that is already
//!   under way when `duos serve --today` starts in it (on 2009-02-01 the
//!   2008 pilot's duo runs while 2009 applications are open). Each gets its
//!   mentee's accepted application, its mentor's approved one, the locks
//!   and the duo, as the match handler writes them.
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
/// The sample duos of a site root (optional).
pub const DUOS_FILE: &str = "content/seed/duos.csv";
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

/// The cohorts the seeded mentors are approved in: every live one on
/// `today` (applications opened, year not ended; two while cohorts
/// overlap), else [`seed_cohort`].
pub fn seed_cohorts(program: &Program, today: NaiveDate) -> Vec<String> {
    let live: Vec<String> = program
        .cohorts
        .iter()
        .filter(|c| c.is_live(today))
        .map(|c| c.id.clone())
        .collect();
    if live.is_empty() {
        seed_cohort(program, today).into_iter().collect()
    } else {
        live
    }
}

/// One sample duo of [`DUOS_FILE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedDuo {
    pub cohort: String,
    pub mentor: String,
    pub mentee: String,
    pub liaison: Option<String>,
}

/// Reads [`DUOS_FILE`] (none: no sample duos): a header line, then
/// `cohort,mentor,mentee[,liaison]` a line (member ids, no quoting). Every
/// row's cohort must be the program's; errors name the file and line.
pub fn read_duos(root: &Path, program: &Program) -> anyhow::Result<Vec<SeedDuo>> {
    let path = root.join(DUOS_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let (cohort, mentor, mentee, liaison) = match fields[..] {
            [c, m, e] => (c, m, e, ""),
            [c, m, e, l] => (c, m, e, l),
            _ => {
                return Err(anyhow!(
                    "{}:{line_no}: expected cohort,mentor,mentee[,liaison]",
                    path.display()
                ))
            }
        };
        if program.cohort(cohort).is_none() {
            return Err(anyhow!(
                "{}:{line_no}: cohort {cohort:?} is not in content/program.yaml",
                path.display()
            ));
        }
        out.push(SeedDuo {
            cohort: cohort.to_owned(),
            mentor: mentor.to_owned(),
            mentee: mentee.to_owned(),
            liaison: Some(liaison.to_owned()).filter(|l| !l.is_empty()),
        });
    }
    Ok(out)
}

/// Writes one sample duo of `cohort` formed on its matching deadline:
/// the mentee's accepted application (counted), the mentor's approved
/// application (from `mentors`, if not there yet), both locks and the duo.
async fn seed_duo(
    store: &dyn Store,
    cohort: &mentoring::program::Cohort,
    duo: &SeedDuo,
    mentors: &[MentorApplication],
) -> anyhow::Result<()> {
    use functions::records::keys;
    use functions::store::UpdateAction;
    use mentoring::application::{MenteeApplication, MenteeForm, MenteeStatus};
    use mentoring::duo::{Duo, DuoStatus};
    let noon = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).expect("noon"));
    let mentor = mentors
        .iter()
        .find(|m| m.member_id == duo.mentor)
        .ok_or_else(|| {
            anyhow!(
                "{DUOS_FILE}: mentor {} has no profile in content/mentors",
                duo.mentor
            )
        })?;
    let mut mentor = mentor.clone();
    mentor.cohort = cohort.id.clone();
    mentor.submitted_at = noon(cohort.applications_open);
    put_new(store, records::mentor_app_item(&mentor)).await?;
    let counted = store
        .update(
            &keys::mentee_counter(&cohort.id),
            vec![UpdateAction::add("count", 1)],
            None,
        )
        .await?;
    let ordinal = counted.get_i64("count").unwrap_or(1).unsigned_abs();
    let mentee = MenteeApplication {
        cohort: cohort.id.clone(),
        member_id: duo.mentee.clone(),
        form: MenteeForm {
            goals: "Learn to lead a team and plan a library's budget (sample duo).".into(),
            ..MenteeForm::default()
        },
        submitted_at: noon(cohort.applications_open),
        ordinal: Some(ordinal),
        status: MenteeStatus::Accepted,
    };
    put_new(store, records::mentee_app_item(&mentee)).await?;
    let id = format!("seed-{}-{}", cohort.id, duo.mentee);
    let record = Duo {
        id: id.clone(),
        cohort: cohort.id.clone(),
        mentor_id: duo.mentor.clone(),
        mentee_id: duo.mentee.clone(),
        liaison_id: duo.liaison.clone(),
        request_id: None,
        formed_at: noon(cohort.matching_deadline),
        status: DuoStatus::Formed,
    };
    put_new(
        store,
        records::lock_item(
            &keys::mentor_lock(&cohort.id, &duo.mentor),
            &id,
            &duo.mentee,
        ),
    )
    .await?;
    put_new(
        store,
        records::lock_item(
            &keys::mentee_lock(&cohort.id, &duo.mentee),
            &id,
            &duo.mentor,
        ),
    )
    .await?;
    put_new(store, records::duo_item(&record)).await?;
    Ok(())
}

async fn put_new(store: &dyn Store, item: Item) -> anyhow::Result<bool> {
    match store.put(item, Some(Condition::not_exists())).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_condition_failed() => Ok(false),
        Err(e) => Err(e.into()),
    }
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
    let cohorts = seed_cohorts(program, today);
    for cohort in &cohorts {
        for application in mentor_applications(root, program, cohort) {
            if put_new(store.as_ref(), records::mentor_app_item(&application)).await? {
                mentors += 1;
            }
        }
    }
    let mut duos = 0;
    for duo in read_duos(root, program)? {
        let Some(cohort) = program.cohort(&duo.cohort) else {
            continue;
        };
        if cohort.matching_deadline >= today {
            continue;
        }
        let profiles = mentor_applications(root, program, &cohort.id);
        seed_duo(store.as_ref(), cohort, &duo, &profiles).await?;
        duos += 1;
    }
    let marker = Item::new(&Key::new(MARKER_PK, MARKER_PK))
        .with("members", members.len() as i64)
        .with("mentors", mentors as i64)
        .with("duos", duos as i64);
    store.put(marker, None).await?;
    let mut what = format!(
        "seeded {} roster members and {} approved mentors ({}) from {}",
        members.len(),
        mentors,
        cohorts.join(", "),
        ROSTER_FILE
    );
    if duos > 0 {
        what.push_str(&format!(" and {duos} sample duo(s) from {DUOS_FILE}"));
    }
    Ok(Some(what))
}

/// The development sign-in's accounts: everyone in the roster, labelled by
/// what they can do in the sample program.
pub fn accounts(
    members: &[Member],
    program: &Program,
    mentor_ids: &[String],
    duos: &[SeedDuo],
) -> Vec<Account> {
    let mut out: Vec<Account> = members
        .iter()
        .map(|m| {
            let sample_mentee = duos.iter().find(|d| d.mentee == m.member_id);
            let role = if program.committee.chair.as_deref() == Some(m.member_id.as_str()) {
                "committee chair".to_owned()
            } else if program.committee.members.contains(&m.member_id) {
                "committee member".to_owned()
            } else if program.committee.staff.contains(&m.member_id) {
                "association staff".to_owned()
            } else if let Some(d) = sample_mentee {
                let cohort = program
                    .cohort(&d.cohort)
                    .map_or(d.cohort.as_str(), |c| c.name.as_str());
                format!("mentee of a sample duo of the {cohort} cohort")
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
        r if r.starts_with("mentee of") => 3,
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
        let duos = read_duos(root(), &program).unwrap();
        assert_eq!(duos.len(), 1);
        let accounts = accounts(&members, &program, &ids, &duos);
        assert_eq!(accounts[0].role, "committee chair");
        let ada = accounts.iter().find(|a| a.member_id == "M3001").unwrap();
        assert!(ada.role.starts_with("first-year"), "{ada:?}");
        let walter = accounts.iter().find(|a| a.member_id == "M3901").unwrap();
        assert!(!walter.role.starts_with("first-year"), "{walter:?}");
        let esme = accounts.iter().find(|a| a.member_id == "M3005").unwrap();
        assert!(esme.role.contains("sample duo of the 2008"), "{esme:?}");
        let farid = accounts.iter().find(|a| a.member_id == "M3006").unwrap();
        assert!(farid.role.starts_with("first-year"), "{farid:?}");
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
        // Before the pilot's matching deadline: no sample duo yet.
        let duos = store
            .query(
                &functions::store::Query::table(functions::records::keys::cohort_pk("2008"))
                    .prefix(functions::records::keys::DUO_PREFIX),
            )
            .await
            .unwrap();
        assert!(duos.is_empty());
    }

    #[tokio::test]
    async fn in_the_overlap_the_pilot_duo_runs_and_mentors_serve_both_years() {
        use functions::records::keys;
        let program = program();
        let store: Arc<dyn Store> = Arc::new(functions::store::EmbeddedStore::in_memory().unwrap());
        let today = NaiveDate::from_ymd_opt(2009, 2, 1).unwrap();
        let what = seed(Arc::clone(&store), root(), &program, today)
            .await
            .unwrap()
            .unwrap();
        assert!(what.contains("1 sample duo"), "{what}");
        assert_eq!(seed_cohorts(&program, today), ["2008", "2009"]);
        for cohort in ["2008", "2009"] {
            let m: Option<MentorApplication> =
                records::get(store.as_ref(), &keys::mentor_app(cohort, "M2002"))
                    .await
                    .unwrap();
            assert_eq!(m.unwrap().status, MentorStatus::Approved, "{cohort}");
        }
        let duos: Vec<mentoring::duo::Duo> = store
            .query(
                &functions::store::Query::table(keys::cohort_pk("2008")).prefix(keys::DUO_PREFIX),
            )
            .await
            .unwrap()
            .iter()
            .map(|i| records::read(i).unwrap())
            .collect();
        assert_eq!(duos.len(), 1);
        let cohort = program.cohort("2008").unwrap();
        assert!(duos[0].is_running(cohort, today));
        assert_eq!(duos[0].mentee_id, "M3005");
        assert!(store
            .get(&keys::mentee_lock("2008", "M3005"))
            .await
            .unwrap()
            .is_some());
        let a: Option<mentoring::application::MenteeApplication> =
            records::get(store.as_ref(), &keys::mentee_app("2008", "M3005"))
                .await
                .unwrap();
        assert_eq!(
            a.unwrap().status,
            mentoring::application::MenteeStatus::Accepted
        );
    }
}
