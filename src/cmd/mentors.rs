//! `duos mentors list --cohort ID (--data DIR | --table NAME ...)`: lists
//! the curated mentors (`content/mentors/*.yaml` with a `member_id`) for a
//! cohort, so that mentees of that cohort can ask them and they can accept,
//! on any store: each gets an approved mentor application in the cohort,
//! its form the YAML profile's ([`MentorForm::from_profile`]), with an
//! audit entry. A mentor already listed (or who applied) in the cohort is
//! left as they are, so running it twice changes nothing.
//!
//! `duos serve` seeds its own store this way; on AWS it is a deploy step
//! (infra/README.md): after `duos roster import`, once per cohort.
//!
//! Exit codes: 0 done, 1 could not run (unknown cohort, the site's content
//! has errors, the store cannot be reached).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{TimeZone, Utc};
use clap::{Args, Subcommand};
use functions::audit::Entry;
use functions::records::{self, keys};
use functions::store::{Condition, TransactOp};
use mentoring::application::{MentorApplication, MentorForm, MentorStatus};

use super::store_args::{Open, StoreArgs};

#[derive(Args, Debug, Clone)]
pub struct MentorsArgs {
    #[command(subcommand)]
    pub command: MentorsCommand,
}

#[derive(Subcommand, Debug, Clone)]
pub enum MentorsCommand {
    /// List the YAML mentors with a member id for a cohort (approved, askable).
    List(ListArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// The cohort (an id of content/program.yaml's cohorts, e.g. 2008).
    #[arg(long)]
    pub cohort: String,
    /// The site's root folder (holds content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn mentors(args: MentorsArgs) -> ExitCode {
    match args.command {
        MentorsCommand::List(args) => super::run_and_print("duos mentors list", list(&args)),
    }
}

/// The applications `list` writes: one approved application in `cohort` per
/// YAML mentor with a member id, in file order.
pub fn yaml_mentor_applications(
    site: &generator::Site,
    cohort: &mentoring::program::Cohort,
) -> Vec<MentorApplication> {
    let min = site.program.eligibility.mentor_min_years_involvement;
    let at = Utc.from_utc_datetime(
        &cohort
            .applications_open
            .and_hms_opt(12, 0, 0)
            .expect("noon exists"),
    );
    site.mentors()
        .into_iter()
        .filter(|m| {
            !m.member_id.is_empty() && matches!(m.source, generator::profiles::Source::Yaml(_))
        })
        .map(|m| MentorApplication {
            cohort: cohort.id.clone(),
            member_id: m.member_id.clone(),
            form: MentorForm::from_profile(
                &m.profile,
                m.profile.years_involved.unwrap_or(min).max(min),
            ),
            submitted_at: at,
            status: MentorStatus::Approved,
        })
        .collect()
}

async fn list(args: &ListArgs) -> Result<String, String> {
    let site = generator::prepare(&args.root, false)
        .map_err(|d| format!("the site at {} has errors:\n{d}", args.root.display()))?;
    let cohort = site.program.cohort(&args.cohort).cloned().ok_or_else(|| {
        let ids: Vec<&str> = site.program.cohorts.iter().map(|c| c.id.as_str()).collect();
        format!(
            "there is no cohort {:?} in program.yaml (cohorts: {})",
            args.cohort,
            ids.join(", ")
        )
    })?;
    let store = args.store.open(Open::CreateIfMissing).await?;
    let applications = yaml_mentor_applications(&site, &cohort);
    let (mut listed, mut kept) = (Vec::new(), 0usize);
    for a in &applications {
        let key = keys::mentor_app(&cohort.id, &a.member_id);
        let audit = Entry::new(
            &cohort.id,
            "list_yaml_mentor",
            "duos mentors list",
            &key,
            Utc::now(),
        )
        .detail(serde_json::json!({"cohort": cohort.id}));
        match store
            .transact(vec![
                TransactOp::put_if(records::mentor_app_item(a), Condition::not_exists()),
                audit.op(),
            ])
            .await
        {
            Ok(()) => listed.push(a.member_id.clone()),
            Err(e) if e.is_condition_failed() => kept += 1,
            Err(e) => {
                return Err(format!(
                    "listing {} in {}: {e}",
                    a.member_id,
                    args.store.describe()
                ))
            }
        }
    }
    let not_in_roster = {
        let mut missing = Vec::new();
        for id in &listed {
            if records::load_member(store.as_ref(), id)
                .await
                .map_err(|e| e.to_string())?
                .is_none()
            {
                missing.push(id.clone());
            }
        }
        missing
    };
    let mut summary = format!(
        "listed {} mentor(s) for cohort {} in {}; {} already listed or applied",
        listed.len(),
        cohort.id,
        args.store.describe(),
        kept
    );
    if !listed.is_empty() {
        summary.push_str(&format!(": {}", listed.join(", ")));
    }
    if !not_in_roster.is_empty() {
        summary.push_str(&format!(
            "\nwarning: not in the roster (import it with duos roster import; they get no mail until then): {}",
            not_in_roster.join(", ")
        ));
    }
    Ok(summary)
}
