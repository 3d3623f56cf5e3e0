//! Fixtures shared by the unit tests: the 2008 pilot cohort.

use chrono::{DateTime, NaiveDate, Utc};

use crate::program::{Cohort, Committee, Eligibility, ExpertiseTerm, Program};
use crate::roster::Member;
use crate::survey::{Audience, CalendarDate, Question, QuestionKind, RelativeDate, Survey};

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A UTC instant from `YYYY-MM-DDTHH:MM:SSZ`.
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn cohort() -> Cohort {
    Cohort {
        id: "2008".into(),
        name: "2008 pilot".into(),
        pilot: true,
        applications_open: d("2008-02-01"),
        matching_deadline: d("2008-05-31"),
        launch: d("2008-06-27"),
        midpoint_survey: d("2008-11-15"),
        final_survey: d("2009-04-01"),
        end: d("2009-04-30"),
        mentee_cap: 25,
    }
}

pub fn program() -> Program {
    Program {
        name: "LLAMA Formal Mentoring Program".into(),
        association: "LLAMA".into(),
        tagline: String::new(),
        base_url: "https://example.org".into(),
        theme: "default".into(),
        timezone: "America/Chicago".into(),
        contact_email: "mentoring@example.org".into(),
        request_expiry_days: 14,
        max_pending_requests: 3,
        consent_expiry_days: 14,
        waitlist_offer_days: 7,
        max_nominations: 10,
        reporting: crate::program::Reporting::default(),
        eligibility: Eligibility {
            good_standing_required: true,
            mentee_max_membership_months: 12,
            mentor_min_years_involvement: 1,
            mentees_may_return: false,
            member_categories: vec!["personal".into(), "student".into(), "retired".into()],
        },
        expertise: ["strategic-planning", "budgeting", "assessment"]
            .iter()
            .map(|s| ExpertiseTerm {
                slug: (*s).into(),
                name: s.replace('-', " "),
                description: String::new(),
            })
            .collect(),
        cohorts: vec![cohort()],
        committee: Committee {
            chair: Some("chair".into()),
            members: vec!["c1".into(), "c2".into(), "c3".into()],
            staff: vec!["staff1".into()],
        },
        events: vec![],
    }
}

pub fn member(id: &str, joined: &str) -> Member {
    Member {
        member_id: id.into(),
        name: format!("Member {id}"),
        email: format!("{id}@example.org"),
        joined: d(joined),
        category: "personal".into(),
        good_standing: true,
    }
}

/// The midpoint survey: open from the midpoint date for 21 days.
pub fn survey() -> Survey {
    Survey {
        id: "midpoint".into(),
        title: "Mid-way survey".into(),
        intro: String::new(),
        audience: vec![Audience::Mentee, Audience::Mentor],
        opens: RelativeDate {
            from: CalendarDate::MidpointSurvey,
            days: 0,
        },
        closes: RelativeDate {
            from: CalendarDate::MidpointSurvey,
            days: 21,
        },
        anonymous: true,
        questions: vec![
            Question {
                id: "satisfaction".into(),
                prompt: "How satisfied are you?".into(),
                help: String::new(),
                required: true,
                kind: QuestionKind::Likert {
                    min: 1,
                    max: 5,
                    min_label: "Not at all".into(),
                    max_label: "Very".into(),
                },
            },
            Question {
                id: "meeting_frequency".into(),
                prompt: "How often do you meet?".into(),
                help: String::new(),
                required: true,
                kind: QuestionKind::Single {
                    choices: vec!["weekly".into(), "monthly".into(), "rarely".into()],
                },
            },
            Question {
                id: "topics".into(),
                prompt: "Topics".into(),
                help: String::new(),
                required: false,
                kind: QuestionKind::Multi {
                    choices: vec!["career".into(), "budget".into(), "people".into()],
                },
            },
            Question {
                id: "comments".into(),
                prompt: "Anything else?".into(),
                help: String::new(),
                required: false,
                kind: QuestionKind::Text { max_length: 10 },
            },
        ],
    }
}
