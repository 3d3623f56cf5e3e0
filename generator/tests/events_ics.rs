//! The events calendar (generator::events), read back with an independent
//! RFC 5545 parser (the `icalendar` crate): every event's fields, UTC
//! times, escaping and line folding; and the events page of a real build.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use generator::events::{self, EventView};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use mentoring::program::{Event, Program};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn program() -> Program {
    let text = std::fs::read_to_string(root().join("content/program.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn stamp() -> DateTime<Utc> {
    utc(2026, 11, 28, 12, 0)
}

fn start_of(e: &icalendar::Event) -> DateTime<Utc> {
    match e.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => t,
        other => panic!("DTSTART is not a UTC date-time: {other:?}"),
    }
}

fn end_of(e: &icalendar::Event) -> DateTime<Utc> {
    match e.get_end() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(t))) => t,
        other => panic!("DTEND is not a UTC date-time: {other:?}"),
    }
}

/// Every physical line ends with CRLF and is at most 75 octets.
fn assert_folded(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
    }
}

#[test]
fn the_programs_events_parse_back_with_utc_times() {
    let program = program();
    let views = events::resolve(&program).unwrap();
    let ics = events::ics(&program, &views, stamp());
    assert_folded(&ics);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    for line in [
        "CALSCALE:GREGORIAN\r\n",
        "METHOD:PUBLISH\r\n",
        "END:VCALENDAR\r\n",
    ] {
        assert!(ics.contains(line), "{line}");
    }
    // The long descriptions were folded.
    assert!(ics.contains("\r\n "));

    let cal = Calendar::from_str(&ics).expect("an RFC 5545 calendar");
    let parsed: Vec<&icalendar::Event> =
        cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(parsed.len(), 5);
    // (id, UTC start, UTC end): the naive local times in their zones.
    let expected = [
        // 16:00-18:30 PDT (UTC-7) in Anaheim.
        (
            "launch-2008",
            utc(2008, 6, 28, 23, 0),
            utc(2008, 6, 29, 1, 30),
        ),
        // 10:00-11:00 MST (UTC-7) in Denver, in January.
        (
            "midwinter-2009-board-report",
            utc(2009, 1, 26, 17, 0),
            utc(2009, 1, 26, 18, 0),
        ),
        // 13:30-15:00 CDT (UTC-5) in Chicago.
        (
            "followup-2009",
            utc(2009, 7, 11, 18, 30),
            utc(2009, 7, 11, 20, 0),
        ),
        // The second cohort: 16:00-18:30 CDT in Chicago, the same day.
        (
            "launch-2009",
            utc(2009, 7, 11, 21, 0),
            utc(2009, 7, 11, 23, 30),
        ),
        // 10:00-11:00 EST (UTC-5) in Boston, in January.
        (
            "midwinter-2010-board-report",
            utc(2010, 1, 18, 15, 0),
            utc(2010, 1, 18, 16, 0),
        ),
    ];
    assert_eq!(expected.len(), parsed.len(), "every event is checked");
    for ((id, start, end), e) in expected.iter().zip(&parsed) {
        let source: &Event = program.events.iter().find(|x| x.id == *id).unwrap();
        assert_eq!(
            e.get_uid(),
            Some(format!("{id}@mentoring.example.org").as_str())
        );
        assert_eq!(start_of(e), *start, "{id}");
        assert_eq!(end_of(e), *end, "{id}");
        assert_eq!(e.get_summary(), Some(source.title.as_str()));
        assert_eq!(e.get_location(), Some(source.location.as_str()));
        assert_eq!(e.get_description(), Some(source.description.trim()));
        assert_eq!(
            e.get_url(),
            Some(format!("https://mentoring.example.org/events/#{id}").as_str())
        );
        assert_eq!(e.get_timestamp(), Some(stamp()));
    }
    // The location's commas are escaped on the wire.
    assert!(ics.contains("LOCATION:ALA Annual Conference 2008\\, Anaheim\\, California"));
}

#[test]
fn escaping_and_folding_survive_a_round_trip() {
    let mut program = program();
    let tricky =
        "Bring: notes; a pen, \\ your questions.\nSecond line — café, naïve, 東京 ünïcödé \
                  text that is long enough to need folding more than once, certainly; yes, twice."
            .to_owned();
    program.events = vec![Event {
        id: "tricky".into(),
        title: "Orientation; part 1, \"welcome\"".into(),
        cohort: None,
        starts: chrono::NaiveDate::from_ymd_opt(2008, 11, 2)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap(),
        ends: chrono::NaiveDate::from_ymd_opt(2008, 11, 2)
            .unwrap()
            .and_hms_opt(3, 0, 0)
            .unwrap(),
        timezone: "America/Chicago".into(),
        location: "Room 101, Main Library; east wing".into(),
        description: tricky.clone(),
    }];
    let views: Vec<EventView> = events::resolve(&program).unwrap();
    let ics = events::ics(&program, &views, stamp());
    assert_folded(&ics);
    assert!(ics.contains("SUMMARY:Orientation\\; part 1\\, \"welcome\"\r\n"));
    let cal = Calendar::from_str(&ics).unwrap();
    let e = cal.components[0].as_event().unwrap();
    assert_eq!(e.get_summary(), Some("Orientation; part 1, \"welcome\""));
    assert_eq!(e.get_location(), Some("Room 101, Main Library; east wing"));
    assert_eq!(e.get_description(), Some(tricky.as_str()));
    // 01:30 on the night clocks go back is ambiguous: the first (CDT, UTC-5).
    assert_eq!(start_of(e), utc(2008, 11, 2, 6, 30));
    // 03:00 CST (UTC-6).
    assert_eq!(end_of(e), utc(2008, 11, 2, 9, 0));

    // Unknown zones and times the clocks skip are errors naming the event.
    program.events[0].timezone = "Mars/Olympus_Mons".into();
    let errors = events::resolve(&program).unwrap_err();
    assert!(errors[0].contains("tricky") && errors[0].contains("Mars/Olympus_Mons"));
    program.events[0].timezone = "America/Chicago".into();
    program.events[0].starts = chrono::NaiveDate::from_ymd_opt(2009, 3, 8)
        .unwrap()
        .and_hms_opt(2, 30, 0)
        .unwrap();
    program.events[0].ends = program.events[0].starts + chrono::Duration::hours(2);
    assert!(events::resolve(&program).is_err());
}

#[test]
fn the_build_writes_the_events_page_and_calendar() {
    let out = tempfile::tempdir().unwrap();
    generator::build(&generator::BuildOptions::new(root(), out.path())).expect("the site builds");
    let page = std::fs::read_to_string(out.path().join("public/events/index.html")).unwrap();
    assert!(page.contains("Mentoring program launch orientation and reception"));
    assert!(page.contains("Saturday, June 28, 2008, 4:00 PM – 6:30 PM PDT"));
    assert!(page.contains("Monday, January 26, 2009, 10:00 AM – 11:00 AM MST"));
    assert!(page.contains("id=\"followup-2009\""));
    assert!(page.contains("href=\"/events.ics\""));
    assert!(page.contains("</html>"), "extends base.html");
    let ics = std::fs::read_to_string(out.path().join("public/events.ics")).unwrap();
    assert_folded(&ics);
    let cal = Calendar::from_str(&ics).unwrap();
    assert_eq!(
        cal.components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        5
    );
    assert!(!out.path().join("members/events.ics").exists());
}
