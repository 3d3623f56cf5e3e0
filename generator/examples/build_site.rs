//! `duos build` without the rest of the CLI: the same call
//! ([`generator::build`] with [`generator::BuildOptions::new`]), the same
//! summary line. It builds in a fraction of the time the `duos` binary takes
//! (no AWS SDK to compile), so the site build can be profiled and
//! benchmarked from a fresh checkout quickly:
//!
//! ```text
//! cargo build --release -p generator --example build_site
//! DUOS_TIMINGS=1 target/release/examples/build_site build --root SITE --out OUT
//! DUOS_BIN=target/release/examples/build_site scripts/bench-site.sh
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut root = PathBuf::from(".");
    let mut out = PathBuf::from("site");
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("build") {
        eprintln!("usage: build_site build [--root SITE] [--out OUT]");
        return ExitCode::from(2);
    }
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--root", Some(v)) => root = v.into(),
            ("--out", Some(v)) => out = v.into(),
            _ => {
                eprintln!("usage: build_site build [--root SITE] [--out OUT]");
                return ExitCode::from(2);
            }
        }
    }
    match generator::build(&generator::BuildOptions::new(root, out)) {
        Ok(summary) => {
            for w in &summary.warnings {
                eprintln!("{w}");
            }
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            eprint!("{diagnostics}");
            ExitCode::from(1)
        }
    }
}
