//! Where a build's time goes, with `DUOS_TIMINGS` set in the environment:
//! wall time per phase ([`phase`]) and, within phases that run on every
//! thread, the CPU time of each stage summed over threads ([`Stage`],
//! printed by [`report`]). CPU time of the thread, not wall time: on a busy
//! machine a thread waiting for a core would count as working. Without the
//! variable every call costs one load of a flag.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// A stage of the work on one file, timed per call and summed over threads.
#[derive(Debug, Clone, Copy)]
pub enum Stage {
    /// Reading `content/` (walking and reading the files).
    Read,
    /// YAML parsing of profiles, into a YAML value.
    Yaml,
    /// The YAML value into the profile model (serde).
    Model,
    /// Validating profiles against the program.
    Validate,
    /// Markdown to HTML (bios and pages).
    Markdown,
    /// Sanitizing bios (ammonia).
    Sanitize,
    /// Rendering templates (tera), the context's building included.
    Template,
    /// Splicing the cards into directory and term pages.
    Splice,
    /// Writing files (folders created, bytes written).
    Write,
}

const STAGES: [(Stage, &str); 9] = [
    (Stage::Read, "read content"),
    (Stage::Yaml, "YAML parse"),
    (Stage::Model, "YAML to model"),
    (Stage::Validate, "validate"),
    (Stage::Markdown, "markdown"),
    (Stage::Sanitize, "sanitize"),
    (Stage::Template, "templates"),
    (Stage::Splice, "splice cards"),
    (Stage::Write, "write files"),
];

static NANOS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];
static CALLS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

/// Whether `DUOS_TIMINGS` is set (read once).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DUOS_TIMINGS").is_some())
}

/// Runs `f`, adding its time to `stage` when timings are on.
#[inline]
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let started = thread_cpu_nanos();
    let out = f();
    let i = stage as usize;
    NANOS[i].fetch_add(
        thread_cpu_nanos().saturating_sub(started),
        Ordering::Relaxed,
    );
    CALLS[i].fetch_add(1, Ordering::Relaxed);
    out
}

/// CPU time of the calling thread, in nanoseconds (0 where unsupported).
fn thread_cpu_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given and
    // reads nothing else.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if ok {
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    } else {
        0
    }
}

/// Process CPU time so far (Linux), in milliseconds.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10)
}

/// With timings on, prints how long the phase since `since` took (wall) and
/// the process's CPU time so far; restarts `since`.
pub fn phase(name: &str, since: &mut Instant) {
    if enabled() {
        let cpu = cpu_ms()
            .map(|ms| format!(", cpu so far {ms} ms"))
            .unwrap_or_default();
        eprintln!("  {name}: {} ms{cpu}", since.elapsed().as_millis());
    }
    *since = Instant::now();
}

/// With timings on, prints each stage's time summed over threads, and
/// resets the sums.
pub fn report() {
    if !enabled() {
        return;
    }
    eprintln!("  stages (CPU time summed over threads):");
    for (stage, name) in STAGES {
        let i = stage as usize;
        let nanos = NANOS[i].swap(0, Ordering::Relaxed);
        let calls = CALLS[i].swap(0, Ordering::Relaxed);
        if calls > 0 {
            eprintln!(
                "    {name:<14} {:>7.1} ms in {calls} calls",
                nanos as f64 / 1e6
            );
        }
    }
}
