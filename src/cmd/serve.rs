//! `duos serve`: the whole program on one machine (see `src/serve/`).

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// The site's root folder (holds content/, themes/, static/, templates/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port on 127.0.0.1 (the server never listens on other addresses).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Data folder: the embedded database (duos.redb), the outbox, the built
    /// site and the local secrets. Survives restarts.
    #[arg(long, default_value = ".duos")]
    data: PathBuf,
    /// Pretend today is this date (YYYY-MM-DD); the clock still ticks from
    /// there. The sample program's cohort is 2008: `--today 2008-03-01` is
    /// inside its application window. Default: the real date.
    #[arg(long, value_parser = parse_date)]
    today: Option<chrono::NaiveDate>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date like 2008-03-01: {e}"))
}

pub fn serve(args: ServeArgs) -> ExitCode {
    functions::logging::init(functions::logging::Format::Readable);
    let options = crate::serve::Options {
        root: args.root,
        port: args.port,
        data: args.data,
        today: args.today,
        drafts: args.drafts,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("duos serve: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(crate::serve::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duos serve: {e:#}");
            ExitCode::from(1)
        }
    }
}
