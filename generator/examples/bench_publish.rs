//! Publishing one changed profile into a site of N store profiles, as
//! `duos serve` and the publishing function do it ([`Site::publish`], then
//! the files written into a site folder), timed per kind of change.
//!
//! ```text
//! bench_publish --root SITE --profiles DIR [--runs 21]
//! ```
//!
//! `SITE` holds `content/` (no mentors) and `themes/`; `DIR` holds the
//! profiles as `<slug>.yaml` (`scripts/bench_corpus.py`'s, moved out of
//! `content/mentors` by `scripts/bench-publish.sh`): they are handed to the
//! site as the store's published profiles. The site is loaded once; each
//! change is then applied `runs` times (alternating between two values, so
//! that each run is a real change) and the table shows, per change, the
//! pages written, their bytes, and the median and slowest time of
//! `Site::publish` + writing the files (each written beside its target and
//! renamed over it), plus the refresh a publishing process does before
//! each change (`Site::set_store` with every other profile unchanged).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use generator::{Change, Listing, Published, Site, StoreProfiles};

fn main() {
    let mut root = None;
    let mut profiles = None;
    let mut runs = 21usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from),
            "--profiles" => profiles = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let (Some(root), Some(profiles)) = (root, profiles) else {
        fail("usage: bench_publish --root SITE --profiles DIR [--runs N]");
    };
    let store = read_profiles(&profiles);
    let n = store.published.len();
    let today = generator::today();
    let started = Instant::now();
    let mut site = Site::load(&root, false, today, &store)
        .unwrap_or_else(|d| fail(&format!("loading {}: {d}", root.display())));
    let load = started.elapsed();
    let out = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("a folder to write: {e}")));

    // The member in the middle of the directory.
    let mut ids: Vec<&Published> = store.published.iter().collect();
    ids.sort_by(|a, b| a.slug.cmp(&b.slug));
    let base = ids[n / 2].clone();
    let member = base.member_id.clone();
    let terms: Vec<String> = site
        .program
        .expertise
        .iter()
        .map(|t| t.slug.clone())
        .collect();
    let other_term = terms
        .iter()
        .find(|t| !base.profile.expertise.contains(t))
        .cloned()
        .unwrap_or_else(|| fail("every term is the member's"));

    let variant = |i: usize, f: &dyn Fn(&mut Published, bool)| -> Change {
        let mut p = base.clone();
        f(&mut p, i.is_multiple_of(2));
        Change::Upsert(p)
    };
    type Make<'a> = Box<dyn Fn(usize) -> Change + 'a>;
    let cases: Vec<(&str, Make)> = vec![
        (
            "bio edited past the card's opening",
            Box::new(|i| {
                variant(i, &|p, a| {
                    p.profile.bio = format!(
                        "{}\n\nEdit {}.",
                        base.profile.bio,
                        if a { "A" } else { "B" }
                    )
                })
            }),
        ),
        (
            "bio's opening edited (card changes)",
            Box::new(|i| {
                variant(i, &|p, a| {
                    p.profile.bio = format!(
                        "{} {}",
                        if a { "Edited:" } else { "Changed:" },
                        base.profile.bio
                    )
                })
            }),
        ),
        (
            "title edited (card changes)",
            Box::new(|i| {
                variant(i, &|p, a| {
                    p.profile.title = if a {
                        "Deputy Director".into()
                    } else {
                        base.profile.title.clone()
                    }
                })
            }),
        ),
        (
            "an expertise term swapped (counts change)",
            Box::new(|i| {
                let other = other_term.clone();
                variant(i, &move |p, a| {
                    if a {
                        p.profile.expertise[0] = other.clone();
                    }
                })
            }),
        ),
        (
            "paused / resumed",
            Box::new(|i| Change::Listing {
                member_id: member.clone(),
                listing: Listing {
                    paused: i.is_multiple_of(2),
                    taken: false,
                },
            }),
        ),
    ];

    println!(
        "N = {n} profiles: site loaded in {} ms; {runs} runs per change",
        load.as_millis()
    );
    println!();
    println!("| N | change | pages written | bytes written | median ms | slowest ms |");
    println!("|---:|---|---:|---:|---:|---:|");
    for (what, make) in &cases {
        let mut times = Vec::with_capacity(runs);
        let (mut pages, mut bytes) = (0, 0);
        for i in 0..runs {
            let change = make(i);
            let t = Instant::now();
            let publication = site
                .publish(change)
                .unwrap_or_else(|d| fail(&format!("{what}: {d}")));
            publication
                .write_to(out.path())
                .unwrap_or_else(|e| fail(&format!("{what}: writing: {e}")));
            times.push(t.elapsed());
            pages = publication.files.len();
            bytes = publication
                .files
                .iter()
                .map(|(_, b)| b.len())
                .sum::<usize>();
        }
        // Back to the base state for the next kind of change.
        site.publish(Change::Upsert(base.clone()))
            .unwrap_or_else(|d| fail(&format!("reset: {d}")));
        site.publish(Change::Listing {
            member_id: member.clone(),
            listing: Listing::default(),
        })
        .unwrap_or_else(|d| fail(&format!("reset: {d}")));
        let (median, slowest) = stats(&mut times);
        println!(
            "| {n} | {what} | {pages} | {bytes} | {} | {} |",
            ms(median),
            ms(slowest)
        );
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        site.set_store(&store)
            .unwrap_or_else(|d| fail(&format!("refresh: {d}")));
        times.push(t.elapsed());
    }
    let (median, slowest) = stats(&mut times);
    println!(
        "| {n} | refresh before a change: the other profiles compared, none changed | 0 | 0 | {} | {} |",
        ms(median),
        ms(slowest)
    );
}

fn read_profiles(dir: &std::path::Path) -> StoreProfiles {
    let mut published = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("reading {}: {e}", dir.display())));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| fail(&e.to_string())).path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        let (member_id, _, profile) = generator::profile_yaml::read_back(&text)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        published.push(Published {
            slug,
            member_id,
            profile,
        });
    }
    if published.is_empty() {
        fail(&format!("no <slug>.yaml profiles in {}", dir.display()));
    }
    StoreProfiles {
        published,
        listings: Default::default(),
    }
}

fn stats(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn fail(msg: &str) -> ! {
    eprintln!("bench_publish: {msg}");
    std::process::exit(1)
}
