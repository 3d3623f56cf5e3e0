//! Time for the handlers: one [`Clock`] read per request, turned into a
//! [`mentoring::Moment`] (the instant, and the association's calendar day).
//!
//! [`SystemClock`] is the real one; [`TestClock`] is set and moved by tests
//! (the program's calendar is in 2008, so tests live there too).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

/// Where the handlers get the time from. Object safe: `Arc<dyn Clock>`.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test sets or advances it. Clones share
/// the same time.
#[derive(Debug, Clone)]
pub struct TestClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl TestClock {
    /// A clock showing `now`.
    pub fn at(now: DateTime<Utc>) -> TestClock {
        TestClock {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// A clock showing an RFC 3339 instant (`2008-03-01T12:00:00Z`). Panics
    /// on a malformed one (tests only).
    pub fn at_rfc3339(instant: &str) -> TestClock {
        let now = DateTime::parse_from_rfc3339(instant)
            .unwrap_or_else(|e| panic!("bad test instant {instant:?}: {e}"))
            .with_timezone(&Utc);
        TestClock::at(now)
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `now` as a [`SystemTime`] (what the session functions take).
pub fn system_time(now: DateTime<Utc>) -> SystemTime {
    let millis = now.timestamp_millis();
    if millis >= 0 {
        UNIX_EPOCH + Duration::from_millis(millis.unsigned_abs())
    } else {
        UNIX_EPOCH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_clock_moves_only_when_told() {
        let c = TestClock::at_rfc3339("2008-03-01T23:30:00Z");
        let copy = c.clone();
        assert_eq!(c.now(), copy.now());
        c.advance(chrono::Duration::hours(1));
        assert_eq!(copy.now().to_rfc3339(), "2008-03-02T00:30:00+00:00");
    }

    #[test]
    fn system_time_is_the_same_instant() {
        let now = DateTime::parse_from_rfc3339("2008-03-02T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            system_time(now)
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            now.timestamp() as u64
        );
    }
}
