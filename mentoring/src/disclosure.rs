//! What the results of a survey may show: the small-group rule.
//!
//! A breakdown of answers over a handful of people says what each of them
//! answered. So any distribution, mean or set of free-text answers over
//! fewer than `reporting.min_group_size` people (program.yaml, default
//! [`DEFAULT_MIN_GROUP_SIZE`]) is shown as "fewer than N answers" instead,
//! wherever it appears: the committee's report, its CSV files, the
//! committee's pages and `GET /api/surveys/{id}/stats`. The free-text
//! answers of an anonymous survey appear only after the survey has closed
//! (while it is open, the order in which answers arrive could tell who
//! wrote which).

use chrono::NaiveDate;

use crate::answers::{QuestionStats, SurveyStats};
use crate::program::Program;
use crate::survey::Survey;

/// The smallest group shown broken down when program.yaml says nothing.
pub const DEFAULT_MIN_GROUP_SIZE: u32 = 5;

/// What stands in for a breakdown over too few people.
pub fn fewer_than(min_group_size: u32) -> String {
    format!("fewer than {min_group_size} answers")
}

/// What stands in for the free-text answers of an anonymous survey that is
/// still open.
pub fn texts_after_close(closes: NaiveDate) -> String {
    format!("shown after the survey closes on {closes}")
}

/// Why a breakdown is withheld, or `None` when it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// Fewer than the program's smallest group answered.
    FewerThan(u32),
    /// Free text of an anonymous survey that has not closed yet.
    UntilClosed(NaiveDate),
}

impl Withheld {
    /// The text shown in place of the breakdown.
    pub fn label(self) -> String {
        match self {
            Withheld::FewerThan(n) => fewer_than(n),
            Withheld::UntilClosed(d) => texts_after_close(d),
        }
    }
}

/// May a distribution or mean over `answered` people be shown?
pub fn breakdown(program: &Program, answered: u32) -> Option<Withheld> {
    let min = program.reporting.min_group_size.max(1);
    (answered < min).then_some(Withheld::FewerThan(min))
}

/// May the free-text answers (`answered` of them) of `survey`, closing on
/// `closes`, be shown on `today`?
pub fn free_text(
    program: &Program,
    survey: &Survey,
    answered: u32,
    closes: NaiveDate,
    today: NaiveDate,
) -> Option<Withheld> {
    if survey.anonymous && today <= closes {
        return Some(Withheld::UntilClosed(closes));
    }
    breakdown(program, answered)
}

/// `stats` with every question whose breakdown is withheld reduced to
/// [`QuestionStats::Withheld`] (the count of answers stays: it says how
/// many, not what). For the committee's API.
pub fn disclose_stats(program: &Program, mut stats: SurveyStats) -> SurveyStats {
    for q in &mut stats.questions {
        if matches!(q.stats, QuestionStats::Text) {
            continue;
        }
        if let Some(w) = breakdown(program, q.answered) {
            q.stats = QuestionStats::Withheld { reason: w.label() };
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{d, program, survey};

    #[test]
    fn fewer_than_the_smallest_group_is_withheld() {
        let mut p = program();
        assert_eq!(p.reporting.min_group_size, 5);
        assert_eq!(breakdown(&p, 4), Some(Withheld::FewerThan(5)));
        assert_eq!(breakdown(&p, 5), None);
        assert_eq!(breakdown(&p, 0).unwrap().label(), "fewer than 5 answers");
        p.reporting.min_group_size = 3;
        assert_eq!(breakdown(&p, 2).unwrap().label(), "fewer than 3 answers");
        assert_eq!(breakdown(&p, 3), None);
    }

    #[test]
    fn anonymous_free_text_waits_for_the_close() {
        let p = program();
        let mut s = survey();
        s.anonymous = true;
        let closes = d("2008-12-01");
        assert_eq!(
            free_text(&p, &s, 9, closes, d("2008-12-01")),
            Some(Withheld::UntilClosed(closes))
        );
        assert_eq!(free_text(&p, &s, 9, closes, d("2008-12-02")), None);
        assert_eq!(
            free_text(&p, &s, 2, closes, d("2008-12-02")),
            Some(Withheld::FewerThan(5))
        );
        s.anonymous = false;
        assert_eq!(free_text(&p, &s, 9, closes, d("2008-11-01")), None);
    }
}
