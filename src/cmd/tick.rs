//! `duos tick`: runs the scheduled job once (the hourly `scheduler`
//! function on AWS, see `functions::scheduler`): match request expiry and
//! reminders, survey invitations and reminders, duo completion. Running it
//! twice sends nothing twice.
//!
//! - `--data DIR` (default `.duos`): the embedded store of `duos serve`; mail
//!   goes to `DIR/outbox/`, the survey key is `DIR/secrets.json`'s.
//! - `--table NAME [--region R] [--endpoint URL]`: the stack's DynamoDB
//!   table, as the scheduler function would: mail through SES from
//!   `--mail-from`, the survey key from `DUOS_SURVEY_SECRET` or the SSM
//!   SecureString `--survey-secret-param` (infra/README.md step 1).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::Args;
use functions::app::App;
use functions::auth::SessionConfig;
use functions::clock::{Clock, SystemClock, TestClock};
use functions::config::Config;
use functions::mail::outbox::Outbox;
#[cfg(feature = "aws")]
use functions::mail::ses::{SesConfig, SesMailer};
use functions::mail::Mailer;

use super::store_args::{Open, StoreArgs};

#[derive(Args, Debug, Clone)]
pub struct TickArgs {
    /// Where the data is: `--data DIR` (the embedded database, the outbox
    /// and the local secrets of `duos serve`) or `--table NAME`.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Run as of this instant (RFC 3339, e.g. 2008-11-17T14:00:00Z) instead
    /// of now. The sample program's cohort is 2008.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// The site's root folder (holds content/program.yaml and content/surveys/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The site's address used in the links of the mail (default:
    /// http://127.0.0.1:1111 with --data, program.yaml's base_url with --table).
    #[arg(long)]
    pub site: Option<String>,
    /// With --table: the SES sender (the stack's MailFrom, a verified identity).
    #[arg(long, value_name = "ADDRESS", requires = "table")]
    pub mail_from: Option<String>,
    /// With --table: the SSM SecureString holding the survey key (used when
    /// DUOS_SURVEY_SECRET is not set).
    #[arg(long, value_name = "NAME", default_value = "/duos/survey-secret")]
    pub survey_secret_param: String,
}

/// The local server's address, used in mail links with `--data`.
const LOCAL_SITE: &str = "http://127.0.0.1:1111";

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 instant like 2008-11-17T14:00:00Z: {e}"))
}

/// Exit codes: 0 the run went cleanly (whether or not it had work), 1 it
/// could not start (configuration, data folder), 2 it ran but some item or
/// message failed (see the printed errors; the next run retries them).
pub fn tick(args: TickArgs) -> ExitCode {
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("duos tick: {e}");
            return ExitCode::from(1);
        }
    };
    let app = match runtime.block_on(app(&args)) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("duos tick: {e}");
            return ExitCode::from(1);
        }
    };
    let now = app.clock.now();
    let report = runtime.block_on(functions::scheduler::tick(&app, now));
    println!("duos tick at {}: {report}", now.to_rfc3339());
    if report.mails_sent() > 0 {
        match args.store.data_dir() {
            Some(data) => println!("mail written to {}", data.join("outbox").display()),
            None => println!("mail sent through SES"),
        }
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// The program's configuration under `--root`, with the survey key.
fn load_config(args: &TickArgs, survey_secret: Vec<u8>) -> Result<Config, String> {
    let content = args.root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "{} has no content/ folder (use --root DIR)",
            args.root.display()
        ));
    }
    Config::load(&content, survey_secret)
        .map_err(|e| format!("the program's configuration has errors:\n{e}"))
}

/// The app of the run: over the data folder as `duos serve` builds it
/// (outbox mailer, local secrets), or over the table as the scheduler
/// function builds it (SES, the stack's survey key); the clock stands at
/// `--now` (or is the system clock).
async fn app(args: &TickArgs) -> Result<App, String> {
    let clock: Arc<dyn Clock> = match args.now {
        Some(now) => Arc::new(TestClock::at(now)),
        None => Arc::new(SystemClock),
    };
    let (config, mailer, session_secret) = match args.store.data_dir() {
        Some(data) => {
            std::fs::create_dir_all(data)
                .map_err(|e| format!("creating {}: {e}", data.display()))?;
            let secrets = local_secrets(data)?;
            let config = load_config(args, secrets.survey.into_bytes())?;
            let outbox: Arc<dyn Mailer> = Arc::new(
                Outbox::new(
                    data.join("outbox"),
                    functions::mail::mailbox(&config.program.name, &config.program.contact_email),
                )
                .with_clock(Arc::clone(&clock)),
            );
            (config, outbox, secrets.session.into_bytes())
        }
        None => on_table(args).await?,
    };
    let store = args.store.open(Open::CreateIfMissing).await?;
    let site = match (&args.site, args.store.data_dir()) {
        (Some(site), _) => site.clone(),
        (None, Some(_)) => LOCAL_SITE.to_string(),
        (None, None) => config.program.base_url.clone(),
    };
    let session =
        SessionConfig::new(session_secret, &site).map_err(|e| format!("--site {site}: {e}"))?;
    Ok(App::new(
        store,
        mailer,
        clock,
        Arc::new(config),
        session,
        None,
    ))
}

/// A non-empty environment variable.
#[cfg(feature = "aws")]
fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `DATA/secrets.json` as `duos serve` keeps it (`{"session": hex, "survey":
/// hex}`): the survey key must be the server's, or reminders could not tell
/// who already answered. Made (like the server does) when missing.
#[derive(serde::Serialize, serde::Deserialize)]
struct Secrets {
    session: String,
    survey: String,
}

fn local_secrets(data: &Path) -> Result<Secrets, String> {
    let path = data.join("secrets.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return match serde_json::from_str::<Secrets>(&text) {
            Ok(s) if s.session.len() >= 32 && s.survey.len() >= 32 => Ok(s),
            _ => Err(format!(
                "{} is not the secrets file of duos serve (session and survey keys of 32+ characters)",
                path.display()
            )),
        };
    }
    let s = Secrets {
        session: functions::records::hex(&functions::records::random_bytes(32)),
        survey: functions::records::hex(&functions::records::random_bytes(32)),
    };
    let text = serde_json::to_vec_pretty(&s).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(s)
}

/// The configuration, mailer and session key of a run on `--table`, as the
/// scheduler function has them: SES from `--mail-from`, the survey key from
/// `DUOS_SURVEY_SECRET` or SSM.
#[cfg(feature = "aws")]
async fn on_table(args: &TickArgs) -> Result<(Config, Arc<dyn Mailer>, Vec<u8>), String> {
    let from = args.mail_from.clone().or_else(|| non_empty_env("DUOS_MAIL_FROM")).ok_or(
        "--table needs --mail-from ADDRESS (or DUOS_MAIL_FROM): the stack's MailFrom, a verified SES identity",
    )?;
    let survey = match non_empty_env("DUOS_SURVEY_SECRET") {
        Some(v) => v.into_bytes(),
        None => functions::aws::ssm_secure_string(
            &args.survey_secret_param,
            args.store.region.as_deref(),
        )
        .await
        .map_err(|e| format!("the survey key (DUOS_SURVEY_SECRET not set): {e}"))?,
    };
    let config = load_config(args, survey)?;
    let mut ses = SesConfig::new(from);
    if let Some(region) = &args.store.region {
        ses = ses.region(region);
    }
    let mailer: Arc<dyn Mailer> = Arc::new(SesMailer::connect(ses).await);
    // The job signs nothing a browser presents: any session key will do.
    let session = functions::records::hex(&functions::records::random_bytes(32));
    Ok((config, mailer, session.into_bytes()))
}

/// Without the `aws` feature there is no SES or SSM to reach.
#[cfg(not(feature = "aws"))]
async fn on_table(_args: &TickArgs) -> Result<(Config, Arc<dyn Mailer>, Vec<u8>), String> {
    Err(super::store_args::BUILT_WITHOUT_AWS.to_string())
}
