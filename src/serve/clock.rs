//! The clock of `duos serve`: the real clock, optionally moved to another
//! day (`--today`), still ticking so that requests keep their order and
//! sessions expire as they would.

use chrono::{DateTime, NaiveDate, Utc};
use functions::clock::Clock;

/// The system clock shifted by a whole number of days.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    shift: chrono::Duration,
}

impl ShiftedClock {
    /// A clock whose today, in the program's time `zone`, is `today`, at
    /// the real time of day; the real clock when `today` is `None`.
    pub fn new(today: Option<NaiveDate>, zone: chrono_tz::Tz) -> ShiftedClock {
        let shift = match today {
            Some(day) => day.signed_duration_since(Utc::now().with_timezone(&zone).date_naive()),
            None => chrono::Duration::zero(),
        };
        ShiftedClock { shift }
    }

    /// Whether the clock is moved to another day.
    pub fn is_shifted(&self) -> bool {
        !self.shift.is_zero()
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_asked_day_and_time_ticks() {
        let day = NaiveDate::from_ymd_opt(2008, 3, 1).unwrap();
        // Chicago's day, whatever the time of day in UTC (up to a day
        // apart at midnight there): the local date is the asked one.
        for zone in [
            chrono_tz::America::Chicago,
            chrono_tz::Asia::Tokyo,
            chrono_tz::UTC,
        ] {
            let c = ShiftedClock::new(Some(day), zone);
            let a = c.now();
            let local = a.with_timezone(&zone).date_naive();
            assert!(
                local == day || local == day.succ_opt().unwrap(),
                "{zone}: {local}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
            assert!(c.now() > a);
        }
        assert!(!ShiftedClock::new(None, chrono_tz::UTC).is_shifted());
    }
}
