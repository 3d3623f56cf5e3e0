//! A full build that keeps what it loaded: `duos serve` builds the site
//! once, keeps the [`Site`], and then updates it as profile files change
//! ([`Site::update_profile_files`]) instead of building everything again.

use crate::render;
use crate::write::{Sink, Staging};
use crate::{events, finish, phase, summary, BuildOptions, BuildSummary, Diagnostics, Site};
use std::time::Instant;

/// [`crate::build`], returning the loaded site with the summary.
pub fn build_and_keep(opts: &BuildOptions) -> Result<(BuildSummary, Site), Diagnostics> {
    let started = Instant::now();
    let site = Site::load(&opts.root, opts.drafts, opts.today, &opts.store)?;
    let staging = Staging::new(&opts.out)?;
    let mut t = Instant::now();
    let counts = render::render(&site, &Sink::Dir(staging.tmp.clone())).map_err(finish)?;
    events::render(&site, &Sink::Dir(staging.tmp.clone())).map_err(finish)?;
    phase("render+write", &mut t);
    staging.commit()?;
    phase("swap", &mut t);
    crate::timings::report();
    let summary = summary(
        counts,
        site.warnings.clone(),
        Some(opts.out.clone()),
        started,
    );
    Ok((summary, site))
}
