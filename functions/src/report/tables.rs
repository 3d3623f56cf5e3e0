//! The report as CSV tables (and the files written by `duos report`).

use super::*;

/// A rate as CSV text: four decimals, empty when undefined.
pub fn csv_rate(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

/// A mean as CSV text: two decimals, empty when undefined.
pub fn csv_mean(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.2}")).unwrap_or_default()
}

pub(super) fn csv_text(rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).expect("writing CSV to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing CSV to memory")).expect("CSV of UTF-8 text")
}

pub(super) fn row<const N: usize>(cells: [&dyn ToString; N]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// The CSV files of a report, `(file name, contents)`, each with a header
/// row:
/// - `applications.csv`: side, received, accepted, waitlisted, declined,
///   withdrawn, submitted;
/// - `duos.csv`: formed, running, completed, ended_early, with_liaison,
///   liaison_coverage;
/// - `response_rates.csv`: survey, role (mentee, mentor, all), responses,
///   invited, response_rate;
/// - `questions.csv`: survey, question, kind, answered, mean (likert),
///   withheld (what stands in for a breakdown the small-group rule
///   withholds, "fewer than 5 answers"; empty otherwise);
/// - `distributions.csv`: survey, question, option, count (likert and
///   choice questions); a withheld question has one row, its option the
///   `withheld` text and its count empty;
/// - `free_text.csv`: survey, question, answer; withheld answers are one
///   row whose answer is the `withheld` text.
pub fn csv_files(report: &Report) -> Vec<(&'static str, String)> {
    let mut applications = vec![row([
        &"side",
        &"received",
        &"accepted",
        &"waitlisted",
        &"declined",
        &"withdrawn",
        &"submitted",
    ])];
    for a in &report.applications {
        applications.push(row([
            &a.side.as_str(),
            &a.received,
            &a.accepted,
            &a.waitlisted,
            &a.declined,
            &a.withdrawn,
            &a.submitted,
        ]));
    }
    let d = &report.duos;
    let duos = vec![
        row([
            &"formed",
            &"running",
            &"completed",
            &"ended_early",
            &"with_liaison",
            &"liaison_coverage",
        ]),
        row([
            &d.formed,
            &d.running,
            &d.completed,
            &d.ended_early,
            &d.with_liaison,
            &csv_rate(d.liaison_coverage),
        ]),
    ];
    let mut rates = vec![row([
        &"survey",
        &"role",
        &"responses",
        &"invited",
        &"response_rate",
    ])];
    let mut questions = vec![row([
        &"survey",
        &"question",
        &"kind",
        &"answered",
        &"mean",
        &"withheld",
    ])];
    let mut distributions = vec![row([&"survey", &"question", &"option", &"count"])];
    let mut texts = vec![row([&"survey", &"question", &"answer"])];
    for s in &report.surveys {
        for r in &s.by_role {
            rates.push(row([
                &s.id,
                &r.side.as_str(),
                &r.responses,
                &r.invited,
                &csv_rate(r.response_rate),
            ]));
        }
        rates.push(row([
            &s.id,
            &"all",
            &s.responses,
            &s.invited,
            &csv_rate(s.response_rate),
        ]));
        for q in &s.questions {
            let withheld = q.withheld.clone().unwrap_or_default();
            questions.push(row([
                &s.id,
                &q.id,
                &q.kind,
                &q.answered,
                &csv_mean(q.mean),
                &withheld,
            ]));
            if let Some(label) = &q.withheld {
                if q.kind == "text" {
                    texts.push(row([&s.id, &q.id, label]));
                } else {
                    distributions.push(row([&s.id, &q.id, label, &""]));
                }
            }
            for o in &q.distribution {
                distributions.push(row([&s.id, &q.id, &o.option, &o.count]));
            }
            for t in &q.texts {
                texts.push(row([&s.id, &q.id, t]));
            }
        }
    }
    vec![
        ("applications.csv", csv_text(applications)),
        ("duos.csv", csv_text(duos)),
        ("response_rates.csv", csv_text(rates)),
        ("questions.csv", csv_text(questions)),
        ("distributions.csv", csv_text(distributions)),
        ("free_text.csv", csv_text(texts)),
    ]
}

/// Writes `report.html` and the [`csv_files`] into `out` (created if
/// missing) and returns the paths written.
pub fn write_files(report: &Report, out: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let mut written = Vec::new();
    let html_path = out.join("report.html");
    std::fs::write(&html_path, html::render(report))?;
    written.push(html_path);
    for (name, contents) in csv_files(report) {
        let path = out.join(name);
        std::fs::write(&path, contents)?;
        written.push(path);
    }
    Ok(written)
}
