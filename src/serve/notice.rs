//! What `duos serve` says when no cohort is open on its day: an empty
//! program otherwise looks broken to a new maintainer.

use chrono::NaiveDate;
use mentoring::program::Program;

/// `None` when a cohort has opened its applications and not yet ended on
/// `today`; else what to do: visit the next cohort's first day, or add one.
pub fn nothing_open(program: &Program, today: NaiveDate) -> Option<String> {
    if !program.running_cohorts(today).is_empty() {
        return None;
    }
    let next = program
        .cohorts
        .iter()
        .filter(|c| c.applications_open > today)
        .min_by_key(|c| c.applications_open);
    Some(match next {
        Some(c) => format!(
            "No cohort is open on {today}: the {} cohort opens its applications on {}. \
             To try the program now, run duos serve --today {}.",
            c.name, c.applications_open, c.applications_open
        ),
        None => format!(
            "No cohort is open on {today}, and none is planned: add next year's cohort to \
             content/program.yaml (cohorts:), or run duos serve --today with a day of an \
             earlier cohort."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Program {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join("content/program.yaml")).unwrap();
        serde_yaml::from_str(&text).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn says_nothing_while_a_cohort_runs_or_takes_applications() {
        let p = sample();
        for d in ["2008-01-14", "2008-06-28", "2009-02-01", "2010-04-30"] {
            assert_eq!(nothing_open(&p, day(d)), None, "{d}");
        }
    }

    #[test]
    fn before_the_first_cohort_it_names_its_first_day() {
        let said = nothing_open(&sample(), day("2007-12-01")).unwrap();
        assert!(said.contains("2008–2009 pilot cohort opens its applications on 2008-01-14"));
        assert!(said.contains("--today 2008-01-14"));
    }

    #[test]
    fn after_the_last_cohort_it_asks_for_a_new_one() {
        let said = nothing_open(&sample(), day("2026-12-02")).unwrap();
        assert!(
            said.contains("none is planned") && said.contains("program.yaml"),
            "{said}"
        );
    }
}
