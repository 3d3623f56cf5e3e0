//! `duos profiles export --out content/mentors (--data DIR | --table NAME ...)`:
//! writes the profiles the committee published in the store as YAML files,
//! `<slug>.yaml`, in the format of the curated `content/mentors/*.yaml`
//! ([`generator::profile_yaml`]), with their `member_id` and `role: mentor`;
//! a site maintainer keeps them in git. A build of the exported files gives
//! the same profile pages as a build from the store (same slug, fields and
//! role). Listing states (paused, taken) are the store's, not the files':
//! they are not exported.
//!
//! Nothing is written when anything is in the way, and every conflict is
//! named at once:
//! - `<slug>.yaml` exists with other content (an older export, a curated
//!   file of the same name);
//! - another file of the folder names the same `member_id` (a curated file
//!   under another name: the store's profile would make a second one).
//!
//! `--force` overwrites the first and deletes the second (the store's
//! profile wins, as in a build). A file already as the export would write
//! it is left alone, so exporting twice changes nothing.
//!
//! Exit codes: 0 done; 1 could not run (the store cannot be read, `--out`
//! cannot be written, a conflict without `--force`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use functions::records::profile::{self, ProfileRecord};
use generator::profiles::DEFAULT_ROLE;

use super::store_args::{Open, StoreArgs};

#[derive(Args, Debug, Clone)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: ProfilesCommand,
}

#[derive(Subcommand, Debug, Clone)]
pub enum ProfilesCommand {
    /// Write the store's published profiles as YAML files (content/mentors format).
    Export(ExportArgs),
}

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// The folder to write `<slug>.yaml` into (created when missing), e.g. content/mentors.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Overwrite files that differ, and delete other files of the same member id.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn profiles(args: ProfilesArgs) -> ExitCode {
    match args.command {
        ProfilesCommand::Export(args) => {
            super::run_and_print("duos profiles export", export(&args))
        }
    }
}

/// One file to write.
struct Planned {
    path: PathBuf,
    text: String,
    member_id: String,
}

/// What the export does to the folder.
#[derive(Default)]
struct Plan {
    write: Vec<Planned>,
    unchanged: Vec<PathBuf>,
    delete: Vec<PathBuf>,
    conflicts: Vec<String>,
}

async fn export(args: &ExportArgs) -> Result<String, String> {
    let store = args.store.open(Open::Existing).await?;
    let mut records: Vec<ProfileRecord> = profile::load_all(store.as_ref())
        .await
        .map_err(|e| format!("reading the profiles of {}: {e}", args.store.describe()))?
        .into_iter()
        .filter(|r| r.published)
        .collect();
    records.sort_by(|a, b| a.slug.cmp(&b.slug));
    prepare_out(&args.out)?;
    let plan = plan(&args.out, &records, args.force)?;
    if !plan.conflicts.is_empty() {
        return Err(format!(
            "nothing was written: {} conflict(s) in {} (give --force to overwrite them):\n  {}",
            plan.conflicts.len(),
            args.out.display(),
            plan.conflicts.join("\n  ")
        ));
    }
    for p in &plan.write {
        write_atomically(&p.path, &p.text)?;
    }
    for path in &plan.delete {
        std::fs::remove_file(path).map_err(|e| format!("deleting {}: {e}", path.display()))?;
    }
    let mut summary = format!(
        "exported {} published profile(s) from {} into {}: {} written, {} unchanged",
        records.len(),
        args.store.describe(),
        args.out.display(),
        plan.write.len(),
        plan.unchanged.len()
    );
    if !plan.write.is_empty() {
        let written: Vec<String> = plan
            .write
            .iter()
            .map(|p| {
                format!(
                    "{} ({})",
                    p.path.file_name().unwrap_or_default().to_string_lossy(),
                    p.member_id
                )
            })
            .collect();
        summary.push_str(&format!("\nwritten: {}", written.join(", ")));
    }
    if !plan.delete.is_empty() {
        summary.push_str(&format!(
            "\ndeleted (the store's profile of the same member replaces them): {}",
            plan.delete
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(summary)
}

/// `out` exists as a folder (created when missing) and takes files.
fn prepare_out(out: &Path) -> Result<(), String> {
    if out.exists() && !out.is_dir() {
        return Err(format!("--out {} is not a folder", out.display()));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| format!("--out {}: cannot create the folder: {e}", out.display()))?;
    let probe = out.join(format!(".duos-export-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| format!("--out {}: cannot write there: {e}", out.display()))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// The `member_id` of every YAML file of `out`, by path.
fn existing_members(out: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut found = BTreeMap::new();
    let entries = std::fs::read_dir(out).map_err(|e| format!("reading {}: {e}", out.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", out.display()))?
            .path();
        let yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !yaml || !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        // A file that is not a profile mapping names no member: it is in the
        // way only if the export writes its very name.
        let member = serde_yaml::from_str::<serde_yaml::Value>(&text)
            .ok()
            .and_then(|v| match v.get("member_id") {
                Some(serde_yaml::Value::String(s)) => Some(s.clone()),
                Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        found.insert(path, member);
    }
    Ok(found)
}

fn plan(out: &Path, records: &[ProfileRecord], force: bool) -> Result<Plan, String> {
    let existing = existing_members(out)?;
    let mut plan = Plan::default();
    for r in records {
        let text = generator::profile_yaml::to_yaml(&r.member_id, DEFAULT_ROLE, &r.profile)
            .map_err(|e| e.to_string())?;
        let path = out.join(format!("{}.yaml", r.slug));
        match std::fs::read_to_string(&path) {
            Ok(old) if old == text => plan.unchanged.push(path.clone()),
            Ok(_) if force => plan.write.push(Planned {
                path: path.clone(),
                text,
                member_id: r.member_id.clone(),
            }),
            Ok(_) => plan.conflicts.push(format!(
                "{} exists with other content (the published profile of {})",
                path.display(),
                r.member_id
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => plan.write.push(Planned {
                path: path.clone(),
                text,
                member_id: r.member_id.clone(),
            }),
            Err(e) => return Err(format!("reading {}: {e}", path.display())),
        }
        for (other, member) in &existing {
            if *other == path || *member != r.member_id {
                continue;
            }
            if force {
                plan.delete.push(other.clone());
            } else {
                plan.conflicts.push(format!(
                    "{} is already the profile of {}; the store's would be {}",
                    other.display(),
                    r.member_id,
                    path.display()
                ));
            }
        }
    }
    Ok(plan)
}

/// Writes `text` beside `path` and renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension(format!("yaml.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| format!("writing {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("writing {}: {e}", path.display())
    })
}
