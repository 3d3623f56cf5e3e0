//! `duos tick`: runs the scheduled job once (the hourly `scheduler`
//! function on AWS, see `functions::scheduler`) against the local embedded
//! store of `duos serve`: match request expiry and reminders, survey
//! invitations and reminders, duo completion. Mail goes to `DATA/outbox/`.
//! Running it twice sends nothing twice.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::Args;
use functions::app::App;
use functions::auth::SessionConfig;
use functions::clock::{Clock, SystemClock, TestClock};
use functions::config::{utc, Config};
use functions::mail::outbox::Outbox;
use functions::mail::Mailer;
use functions::store::{EmbeddedStore, Store};

#[derive(Args, Debug, Clone)]
pub struct TickArgs {
    /// Data folder of `duos serve`: the embedded database (duos.redb), the
    /// outbox and the local secrets.
    #[arg(long, default_value = ".duos")]
    pub data: PathBuf,
    /// Run as of this instant (RFC 3339, e.g. 2008-11-17T14:00:00Z) instead
    /// of now. The sample program's cohort is 2008.
    #[arg(long, value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// The site's root folder (holds content/program.yaml and content/surveys/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The site's address used in the links of the mail.
    #[arg(long, default_value = "http://127.0.0.1:1111")]
    pub site: String,
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 instant like 2008-11-17T14:00:00Z: {e}"))
}

/// Exit codes: 0 the run went cleanly (whether or not it had work), 1 it
/// could not start (configuration, data folder), 2 it ran but some item or
/// message failed (see the printed errors; the next run retries them).
pub fn tick(args: TickArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("duos tick: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let app = match local_app(&args) {
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
        println!("mail written to {}", args.data.join("outbox").display());
    }
    if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// The app `duos serve` would build over the same data folder, with the
/// outbox mailer and a clock standing at `--now` (or the system clock).
fn local_app(args: &TickArgs) -> Result<App, String> {
    let content = args.root.join("content");
    if !content.is_dir() {
        return Err(format!(
            "{} has no content/ folder (use --root DIR)",
            args.root.display()
        ));
    }
    std::fs::create_dir_all(&args.data)
        .map_err(|e| format!("creating {}: {e}", args.data.display()))?;
    let secrets = local_secrets(&args.data)?;
    let config = Config::load(&content, secrets.survey.into_bytes(), utc())
        .map_err(|e| format!("the program's configuration has errors:\n{e}"))?;
    let store: Arc<dyn Store> = Arc::new(
        EmbeddedStore::open(&args.data)
            .map_err(|e| format!("opening the store in {}: {e}", args.data.display()))?,
    );
    let clock: Arc<dyn Clock> = match args.now {
        Some(now) => Arc::new(TestClock::at(now)),
        None => Arc::new(SystemClock),
    };
    let outbox: Arc<dyn Mailer> = Arc::new(
        Outbox::new(
            args.data.join("outbox"),
            format!("{} <{}>", config.program.name, config.program.contact_email),
        )
        .with_clock(Arc::clone(&clock)),
    );
    let session = SessionConfig::new(secrets.session.into_bytes(), &args.site)
        .map_err(|e| format!("--site {}: {e}", args.site))?;
    Ok(App::new(
        store,
        outbox,
        clock,
        Arc::new(config),
        session,
        None,
    ))
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
