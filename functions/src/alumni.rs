//! The alumni group ("origination of an e-mail alumni group", program
//! guide, Evaluation and assessment).
//!
//! - Who is an alumnus: a party (mentor or mentee) of a duo whose year
//!   completed, as [`mentoring::duo::Duo::status_at`] says on a given day.
//!   A duo ended early makes no alumni.
//! - Who is in the group: an alumnus whose choice item
//!   `COHORT#<c> / ALUMNI#<member>` ([`keys::alumni`]) says `join: true`.
//!   The item is written by [`opt_in`] (`POST /api/alumni`).
//! - `duos alumni export` ([`export`], [`write_export`]): a CSV (member id,
//!   name, e-mail, role in the duo, cohort) and a mailing-list file (one
//!   RFC 5322 `Name <email>` mailbox per line) of opted-in alumni only.
//! - [`volunteer`]: an alumnus offers to mentor the cohort taking
//!   applications, with one click: a mentor application pre-filled from
//!   their latest earlier mentor application, through
//!   [`mentoring::application::submit_mentor`] (so every rule of a mentor
//!   application holds: window, eligibility, form).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use mentoring::application::{submit_mentor, MentorApplication, MentorForm};
use mentoring::duo::{Duo, DuoStatus};
use mentoring::program::{Cohort, Program};
use mentoring::Side;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::audit::Entry;
use crate::handlers::applications::{application_id, APPLY_DONE_PAGE};
use crate::handlers::{member, messages, notify, open_cohort, Call};
use crate::http::body::decode;
use crate::http::{Outcome, Problem, Reply, Shape};
use crate::records::{self, keys};
use crate::store::{Item, Query, Store, StoreError, TransactOp};

/// The alumni page: one's duos, the group, volunteering (also where the
/// alumni form posts answer).
pub const ALUMNI_PAGE: &str = "/members/alumni/";

/// One alumnus of a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alumnus {
    /// Roster member id.
    pub member_id: String,
    /// Name from the roster (empty when the roster does not know them).
    pub name: String,
    /// E-mail from the roster (empty when the roster does not know them).
    pub email: String,
    /// Their side in the duo.
    pub role: Side,
    /// Cohort id.
    pub cohort: String,
    /// The duo.
    pub duo_id: String,
    /// Whether they joined the alumni group.
    pub opted_in: bool,
}

/// The choice item of `member` in `cohort`: `Some(join)`, `None` when they
/// never chose.
pub async fn choice(
    store: &dyn Store,
    cohort: &str,
    member: &str,
) -> Result<Option<bool>, StoreError> {
    Ok(store
        .get(&keys::alumni(cohort, member))
        .await?
        .and_then(|i| i.get_bool("join")))
}

/// Every alumnus of `cohort` as of `today` (parties of its duos that
/// completed), mentors and mentees, ordered by duo then side (mentor
/// first), with their roster name and address and their group choice.
pub async fn alumni(
    store: &dyn Store,
    cohort: &Cohort,
    today: NaiveDate,
) -> Result<Vec<Alumnus>, StoreError> {
    let mut duos: Vec<Duo> = store
        .query(&Query::table(keys::cohort_pk(&cohort.id)).prefix(keys::DUO_PREFIX))
        .await?
        .iter()
        .map(records::read)
        .collect::<Result<_, _>>()?;
    duos.sort_by(|a, b| a.formed_at.cmp(&b.formed_at).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for duo in duos {
        if duo.status_at(cohort, today) != DuoStatus::Completed {
            continue;
        }
        for (member_id, role) in [
            (&duo.mentor_id, Side::Mentor),
            (&duo.mentee_id, Side::Mentee),
        ] {
            let m = records::load_member(store, member_id).await?;
            out.push(Alumnus {
                member_id: member_id.clone(),
                name: m.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
                email: m.map(|m| m.email).unwrap_or_default(),
                role,
                cohort: cohort.id.clone(),
                duo_id: duo.id.clone(),
                opted_in: choice(store, &cohort.id, member_id).await? == Some(true),
            });
        }
    }
    Ok(out)
}

/// The alumni of `cohort` as of `today` who joined the group.
pub async fn export(
    store: &dyn Store,
    cohort: &Cohort,
    today: NaiveDate,
) -> Result<Vec<Alumnus>, StoreError> {
    Ok(alumni(store, cohort, today)
        .await?
        .into_iter()
        .filter(|a| a.opted_in)
        .collect())
}

/// The CSV of `alumni`: `member_id,name,email,role,cohort`, header first.
pub fn csv(alumni: &[Alumnus]) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(["member_id", "name", "email", "role", "cohort"])
        .expect("writing CSV to memory");
    for a in alumni {
        w.write_record([
            a.member_id.as_str(),
            a.name.as_str(),
            a.email.as_str(),
            a.role.as_str(),
            a.cohort.as_str(),
        ])
        .expect("writing CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing CSV")).expect("UTF-8 CSV")
}

/// The mailing list: one [`crate::mail::mailbox`] per line (LF), alumni without an
/// address left out, each address once.
pub fn mailing_list(alumni: &[Alumnus]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    for a in alumni {
        if a.email.is_empty() || !seen.insert(a.email.to_lowercase()) {
            continue;
        }
        out.push_str(&crate::mail::mailbox(&a.name, &a.email));
        out.push('\n');
    }
    out
}

/// File name of the export's CSV.
pub const CSV_FILE: &str = "alumni.csv";
/// File name of the export's mailing list.
pub const MAILING_LIST_FILE: &str = "alumni-mailing-list.txt";

/// Writes [`CSV_FILE`] and [`MAILING_LIST_FILE`] of `alumni` into `out`
/// (created if missing); returns the paths written.
pub fn write_export(alumni: &[Alumnus], out: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let csv_path = out.join(CSV_FILE);
    std::fs::write(&csv_path, csv(alumni))?;
    let list_path = out.join(MAILING_LIST_FILE);
    std::fs::write(&list_path, mailing_list(alumni))?;
    Ok(vec![csv_path, list_path])
}

/// `member`'s duo in `cohort` (through their mentee or mentor lock), with
/// their side in it.
pub async fn duo_of(
    store: &dyn Store,
    cohort: &str,
    member: &str,
) -> Result<Option<(Duo, Side)>, StoreError> {
    for (lock, side) in [
        (keys::mentee_lock(cohort, member), Side::Mentee),
        (keys::mentor_lock(cohort, member), Side::Mentor),
    ] {
        let Some(held) = store.get(&lock).await? else {
            continue;
        };
        if let Some(duo_id) = held.get_str("duo") {
            if let Some(d) = records::get::<Duo>(store, &keys::duo(cohort, duo_id)).await? {
                return Ok(Some((d, side)));
            }
        }
    }
    Ok(None)
}

/// The cohorts (newest first) in which `member` was in a duo whose state on
/// `today` is one of `wanted`, with the duo and their side.
async fn duos_of<'a>(
    store: &dyn Store,
    program: &'a Program,
    member: &str,
    today: NaiveDate,
    wanted: fn(&DuoStatus) -> bool,
) -> Result<Vec<(&'a Cohort, Duo, Side)>, StoreError> {
    let mut cohorts: Vec<&Cohort> = program.cohorts.iter().collect();
    cohorts.sort_by_key(|c| std::cmp::Reverse(c.applications_open));
    let mut out = Vec::new();
    for c in cohorts {
        if let Some((d, side)) = duo_of(store, &c.id, member).await? {
            if wanted(&d.status_at(c, today)) {
                out.push((c, d, side));
            }
        }
    }
    Ok(out)
}

/// One line of a member's alumni page: a cohort in which they were in a
/// duo that completed its year or is still running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Cohort id.
    pub cohort: String,
    /// Cohort name (program.yaml).
    pub cohort_name: String,
    /// Their side in the duo.
    pub side: Side,
    /// Whether the duo completed its year (else it is still running).
    pub completed: bool,
    /// Their alumni group choice: `Some(join)`, `None` when never chosen.
    pub joined: Option<bool>,
}

/// `member`'s cohorts with a duo that completed or still runs on `today`,
/// newest first, with their alumni group choice: what the alumni page
/// shows, and what [`opt_in`] and [`volunteer`] accept.
pub async fn standing(
    store: &dyn Store,
    program: &Program,
    member: &str,
    today: NaiveDate,
) -> Result<Vec<Standing>, StoreError> {
    let duos = duos_of(store, program, member, today, |s| {
        !matches!(s, DuoStatus::EndedEarly { .. })
    })
    .await?;
    let mut out = Vec::with_capacity(duos.len());
    for (c, d, side) in duos {
        out.push(Standing {
            cohort: c.id.clone(),
            cohort_name: c.name.clone(),
            side,
            completed: d.status_at(c, today) == DuoStatus::Completed,
            joined: choice(store, &c.id, member).await?,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptInBody {
    #[serde(default = "yes")]
    join: bool,
    #[serde(default)]
    cohort: Option<String>,
}

fn yes() -> bool {
    true
}

/// `POST /api/alumni`: join (or leave) the alumni e-mail group of the
/// cohort of one's duo.
///
/// Who: a party of a duo that completed its year or is still running (one
/// may join before the year ends; only completed duos' parties are
/// exported). Request: empty, or `{"join"?: true | false, "cohort"?:
/// "2008"}` (form: `join=true|false`); the cohort defaults to the newest one
/// with such a duo. Stored as `COHORT#<c> / ALUMNI#<member>` with `join`,
/// `member_id`, `side`, `at`, and an audit entry.
///
/// Reply `200`: `{"cohort", "member_id", "alumni": bool}`; form posts:
/// `303` to `/members/alumni/?status=joined|left`. Errors: 403 not in such
/// a duo (or only in a duo ended early); 400 bad body.
pub async fn opt_in(app: &App, call: Call) -> Outcome {
    let mut object = call.body.clone().into_object(Shape::default())?;
    if let Some(serde_json::Value::String(s)) = object.get("join") {
        let b = match s.as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        };
        if let Some(b) = b {
            object.insert("join".into(), serde_json::Value::Bool(b));
        }
    }
    let body: OptInBody = decode(object)?;
    let me = call.me().to_owned();
    let program = &app.config.program;
    let candidates = duos_of(app.store.as_ref(), program, &me, call.moment.today, |s| {
        !matches!(s, DuoStatus::EndedEarly { .. })
    })
    .await?;
    let (cohort, _, side) = candidates
        .into_iter()
        .find(|(c, _, _)| body.cohort.as_ref().is_none_or(|id| *id == c.id))
        .ok_or_else(|| {
            Problem::forbidden(
                "The alumni group is for the mentors and mentees of duos that completed their year.",
            )
        })?;
    let key = keys::alumni(&cohort.id, &me);
    let item = Item::new(&key)
        .with(records::KIND, "alumni")
        .with("member_id", me.as_str())
        .with("side", side.as_str())
        .with("join", body.join)
        .with("at", call.moment.now.to_rfc3339());
    let audit = Entry::new(
        &cohort.id,
        if body.join {
            "join_alumni"
        } else {
            "leave_alumni"
        },
        &me,
        &key,
        call.moment.now,
    );
    app.store
        .transact(vec![TransactOp::put(item), audit.op()])
        .await?;
    Ok(
        Reply::ok(&serde_json::json!({"cohort": cohort.id, "member_id": me, "alumni": body.join}))
            .redirect(format!(
                "{ALUMNI_PAGE}?status={}",
                if body.join { "joined" } else { "left" }
            )),
    )
}

/// Optional changes to the pre-filled mentor form of [`volunteer`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VolunteerBody {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    institution: Option<String>,
    #[serde(default)]
    expertise: Option<Vec<String>>,
    #[serde(default)]
    years_involvement: Option<u32>,
    #[serde(default)]
    bio: Option<String>,
    #[serde(default)]
    availability: Option<String>,
}

/// `member`'s latest mentor application in a cohort other than `except`.
async fn previous_mentor_application(
    store: &dyn Store,
    member: &str,
    except: &str,
) -> Result<Option<MentorApplication>, StoreError> {
    let items = store
        .query(&Query::gsi1(keys::member_gsi(member)).prefix(keys::APP_PREFIX))
        .await?;
    let mut apps: Vec<MentorApplication> = items
        .iter()
        .filter(|i| i.sk().starts_with(keys::MENTOR_APP_PREFIX))
        .map(records::read::<MentorApplication>)
        .collect::<Result<_, _>>()?;
    apps.retain(|a| a.cohort != except && a.member_id == member);
    apps.sort_by_key(|a| a.submitted_at);
    Ok(apps.pop())
}

/// `POST /api/alumni/volunteer`: an alumnus volunteers to mentor the cohort
/// taking applications, in one click.
///
/// Who: a party of a duo that completed its year in an earlier cohort. The
/// mentor form is pre-filled from their latest earlier mentor application
/// (title, institution, expertise, years of involvement, bio,
/// availability); a former mentee, who has none, starts from their mentee
/// interests as expertise and must send the rest. Request: empty, or any of
/// `{"title", "institution", "expertise": [...], "years_involvement",
/// "bio", "availability"}` to change the pre-filled values. The application
/// then goes through [`submit_mentor`] (window, eligibility, form) and is
/// stored like `POST /api/applications` stores it (conditional on none
/// existing, with its audit entry).
///
/// Reply `201`: `{"id": "mentor-<member>", "side": "mentor", "cohort",
/// "status": {"state": "submitted"}, "prefilled_from": "<cohort>" | null}`;
/// form posts: `303` to `/apply/done/?side=mentor&status=submitted`.
/// Errors: 403 not an alumnus; 409 `closed` (no cohort takes applications)
/// or `duplicate`; 400 per field of the form.
pub async fn volunteer(app: &App, call: Call) -> Outcome {
    let body: VolunteerBody = call.body.clone().decode(Shape {
        lists: &["expertise"],
        numbers: &["years_involvement"],
        repeated_are_lists: false,
    })?;
    let program = &app.config.program;
    let cohort = open_cohort(app, call.moment)?;
    let me = call.me().to_owned();
    let completed = duos_of(app.store.as_ref(), program, &me, call.moment.today, |s| {
        *s == DuoStatus::Completed
    })
    .await?;
    let Some((alumni_cohort, _, side)) = completed.into_iter().find(|(c, _, _)| c.id != cohort.id)
    else {
        return Err(Problem::forbidden(
            "Volunteering in one click is for alumni: the mentors and mentees of duos that \
             completed their year.",
        ));
    };
    let previous = previous_mentor_application(app.store.as_ref(), &me, &cohort.id).await?;
    let mut form = match &previous {
        Some(a) => a.form.clone(),
        None => {
            let interests = records::get::<mentoring::application::MenteeApplication>(
                app.store.as_ref(),
                &keys::mentee_app(&alumni_cohort.id, &me),
            )
            .await?
            .map(|a| a.form.interests)
            .unwrap_or_default();
            MentorForm {
                expertise: interests,
                ..MentorForm::default()
            }
        }
    };
    if let Some(v) = body.title {
        form.title = v;
    }
    if let Some(v) = body.institution {
        form.institution = v;
    }
    if let Some(v) = body.expertise {
        form.expertise = v;
    }
    if let Some(v) = body.years_involvement {
        form.years_involvement = v;
    }
    if let Some(v) = body.bio {
        form.bio = v;
    }
    if let Some(v) = body.availability {
        form.availability = v;
    }
    let applicant = member(app, &me).await?;
    let application = submit_mentor(program, cohort, &applicant, form, call.moment)?;
    let key = keys::mentor_app(&cohort.id, &me);
    let prefilled_from = previous.as_ref().map(|a| a.cohort.clone());
    let audit =
        Entry::new(&cohort.id, "apply", &me, &key, call.moment.now).detail(serde_json::json!({
            "side": "mentor",
            "volunteer": true,
            "alumni_of": alumni_cohort.id,
            "alumni_side": side.as_str(),
        }));
    crate::handlers::applications::insert_mentor_application(app, &application, audit).await?;
    notify(
        app,
        &me,
        messages::application_received(
            program,
            Side::Mentor,
            "Thank you for volunteering again. The committee reviews mentor applications and \
             publishes approved profiles to the directory; we will write when it has decided.",
        ),
    )
    .await;
    Ok(Reply::created(&serde_json::json!({
        "id": application_id(Side::Mentor, &me),
        "side": "mentor",
        "cohort": cohort.id,
        "status": application.status,
        "prefilled_from": prefilled_from,
    }))
    .redirect(format!("{APPLY_DONE_PAGE}?side=mentor&status=submitted")))
}
