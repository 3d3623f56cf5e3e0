//! `duos init DIR`: a new program that builds and serves at once.
//!
//! Writes `content/program.yaml` with a first cohort planned from the annual
//! meeting where its duos launch ([`mentoring::cohort_plan`]), short starter
//! pages (`src/cmd/init/starter/`), the sample program's surveys, a roster
//! template with clearly fictional sample people, one sample profile and a
//! README for the maintainer, and a copy of the default theme. The files are
//! embedded in the binary by `build.rs`.

use anyhow::{bail, Context};
use chrono::{Duration, NaiveDate};
use clap::Args;
use mentoring::cohort_plan::cohort_launching_on;
use mentoring::program::Cohort;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

include!(concat!(env!("OUT_DIR"), "/starter_files.rs"));

#[derive(Args)]
pub struct InitArgs {
    /// The folder of the new program (created; must be empty if it exists).
    dir: PathBuf,
    /// The program's name.
    #[arg(long, default_value = "Formal Mentoring Program")]
    name: String,
    /// The association that runs it, e.g. "Library Leadership and
    /// Management Association (LLAMA)"; a short name in parentheses is used
    /// in running text.
    #[arg(long, default_value = "Our Association")]
    association: String,
    /// The day of the annual meeting where the first cohort's duos launch
    /// (YYYY-MM-DD). Asked for when not given and a terminal is attached.
    #[arg(long, value_parser = parse_date)]
    annual_meeting: Option<NaiveDate>,
    /// The IANA time zone of the program's day (deadlines, survey days),
    /// e.g. America/Chicago.
    #[arg(long, default_value = "UTC", value_parser = parse_zone)]
    timezone: String,
}

fn parse_zone(s: &str) -> Result<String, String> {
    s.trim()
        .parse::<chrono_tz::Tz>()
        .map(|_| s.trim().to_owned())
        .map_err(|_| format!("{s:?} is not an IANA time zone like America/Chicago"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date like 2027-06-26: {e}"))
}

pub fn init(args: InitArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duos init: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: InitArgs) -> anyhow::Result<()> {
    let launch = match args.annual_meeting {
        Some(day) => day,
        None => ask_annual_meeting()?,
    };
    let cohort = cohort_launching_on(launch)
        .map_err(|e| anyhow::anyhow!("--{}: {}", "annual-meeting", e.message))?;
    refuse_non_empty(&args.dir)?;
    let words = Words::new(&args.name, &args.association, &cohort);
    for (path, bytes) in STARTER_FILES {
        let text_file = path.ends_with(".md") || path.ends_with(".yaml") || path.ends_with(".csv");
        let bytes = match (text_file, std::str::from_utf8(bytes)) {
            (true, Ok(text)) if !path.starts_with("themes/") => words.fill(text).into_bytes(),
            _ => bytes.to_vec(),
        };
        write_new(&args.dir.join(path), &bytes)?;
    }
    write_new(
        &args.dir.join("content/program.yaml"),
        program_yaml(&words, &cohort, &args.timezone).as_bytes(),
    )?;
    let dir = args.dir.display();
    println!(
        "Created the program \"{}\" in {dir}, with the {} cohort (applications open {}, \
         launch {}).\nNext: cd {dir} && duos serve --today {}",
        args.name, cohort.name, cohort.applications_open, cohort.launch, cohort.applications_open
    );
    Ok(())
}

fn ask_annual_meeting() -> anyhow::Result<NaiveDate> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("--annual-meeting YYYY-MM-DD is required: the day of the annual meeting where the first cohort's duos launch");
    }
    let mut out = std::io::stdout();
    loop {
        write!(
            out,
            "Day of the annual meeting where the first duos launch (YYYY-MM-DD): "
        )?;
        out.flush()?;
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            bail!("no date given (--annual-meeting YYYY-MM-DD)");
        }
        match parse_date(&line) {
            Ok(day) => return Ok(day),
            Err(e) => eprintln!("{e}"),
        }
    }
}

fn refuse_non_empty(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let mut entries =
            std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        if entries.next().is_some() {
            bail!("{} is not empty: give a new or empty folder", dir.display());
        }
    }
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// The words the starter files are filled with (`__PROGRAM__`, ...).
struct Words {
    pairs: Vec<(&'static str, String)>,
}

impl Words {
    fn new(program: &str, association: &str, cohort: &Cohort) -> Words {
        let short = association
            .rsplit_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(association)
            .to_string();
        let long = |d: NaiveDate| d.format("%B %-d, %Y").to_string();
        // A sample first-year member: joined 60 days before applications open.
        let new_member_joined = cohort.applications_open - Duration::days(60);
        Words {
            pairs: vec![
                ("__PROGRAM__", program.to_string()),
                ("__ASSOCIATION__", association.to_string()),
                ("__SHORT__", short.clone()),
                ("__COHORT_NAME__", cohort.name.clone()),
                ("__APPLICATIONS_OPEN__", long(cohort.applications_open)),
                ("__MATCHING_DEADLINE__", long(cohort.matching_deadline)),
                ("__LAUNCH__", long(cohort.launch)),
                ("__MIDPOINT_SURVEY__", long(cohort.midpoint_survey)),
                ("__FINAL_SURVEY__", long(cohort.final_survey)),
                ("__END__", long(cohort.end)),
                ("__NEW_MEMBER_JOINED__", new_member_joined.to_string()),
                // The sample program's surveys name its association.
                ("LLAMA", short),
            ],
        }
    }

    fn fill(&self, text: &str) -> String {
        self.pairs
            .iter()
            .fold(text.to_string(), |text, (from, to)| text.replace(from, to))
    }

    fn get(&self, key: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

/// A YAML string: quoted, so any name is safe.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn program_yaml(words: &Words, c: &Cohort, timezone: &str) -> String {
    format!(
        r#"# The program: read by the site generator and the functions (schema:
# mentoring::program::Program). Written by `duos init`; edit freely, then
# `duos check`.
name: {name}
association: {association}
tagline: A ten-month partnership between an experienced member and a member starting out.
base_url: https://mentoring.example.org
theme: default
# The program's day (deadlines, survey days) is a day in this IANA zone.
timezone: {timezone}
contact_email: mentoring@example.org
request_expiry_days: 14
max_pending_requests: 3
consent_expiry_days: 14
waitlist_offer_days: 7

eligibility:
  good_standing_required: true
  mentee_max_membership_months: 12
  mentor_min_years_involvement: 3
  mentees_may_return: false
  member_categories:
    - Member
    - Student
    - Retired

# The terms mentors list their expertise under, and mentees their interests.
expertise:
  - slug: leadership
    name: Leadership
    description: Leading people and organizations.
  - slug: career-development
    name: Career development
    description: Career planning, job searches, moving into management.
  - slug: budgeting-and-finance
    name: Budgeting and finance
    description: Preparing and defending budgets, grants, cost control.
  - slug: communication
    name: Communication
    description: Public relations, writing, presenting, internal communication.

# Planned from the annual meeting on {launch}: applications open, duos are
# formed two weeks before launch, surveys half-way and in April, the year
# ends on the first April 30 after launch.
cohorts:
  - id: "{id}"
    name: {cohort_name}
    applications_open: {open}
    matching_deadline: {matching}
    launch: {launch}
    midpoint_survey: {midpoint}
    final_survey: {final_survey}
    end: {end}
    mentee_cap: {cap}

# Roster member ids (content/seed/roster.csv holds the sample people).
committee:
  chair: S0001
  members:
    - S0002
  staff: []
"#,
        name = quoted(words.get("__PROGRAM__")),
        association = quoted(words.get("__ASSOCIATION__")),
        id = c.id,
        cohort_name = quoted(&c.name),
        open = c.applications_open,
        matching = c.matching_deadline,
        launch = c.launch,
        midpoint = c.midpoint_survey,
        final_survey = c.final_survey,
        end = c.end,
        cap = c.mentee_cap,
    )
}
