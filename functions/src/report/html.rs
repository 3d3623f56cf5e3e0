//! The report as one self-contained HTML page: its CSS inline (with `@page`
//! and page-break rules for printing), charts as inline SVG, no script, no
//! external asset; every text escaped.
//!
//! Each survey is a `<section class="survey">` (`data-anonymous="true"`
//! for an anonymous survey); the page names no member anywhere.

use std::fmt::Write;

use super::{OptionCount, Report, SurveyReport};
use crate::http::response::escape;

const CSS: &str = r#"
@page { size: letter; margin: 2cm 1.8cm; }
:root { color-scheme: light; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #1b1b1b; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; }
h1, h2, h3 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.2; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #999; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eee; }
figure { margin: .5rem 0 1rem; }
figcaption { font-size: .9rem; color: #444; }
svg text { font: 11px Arial, sans-serif; fill: #1b1b1b; }
.bar { fill: #3f6e9c; }
.note { font-size: .9rem; color: #555; }
blockquote { margin: .3rem 0 .6rem 1rem; padding-left: .6rem; border-left: 3px solid #ccc; white-space: pre-wrap; }
section, figure, table, .question { break-inside: avoid; page-break-inside: avoid; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
nav.cohorts { font: .9rem Arial, sans-serif; border-bottom: 1px solid #ccc; padding-bottom: .4rem; }
nav.cohorts p, nav.cohorts ul { display: inline; margin: 0; padding: 0; }
nav.cohorts li { display: inline; margin-left: .8rem; }
@media print {
  nav.cohorts { display: none; }
  body { margin: 0; max-width: none; }
  section.survey { break-before: page; page-break-before: always; }
  .bar { fill: #555; }
}
"#;

/// The report page's `Content-Security-Policy`: nothing may load, and the
/// one inline `<style>` runs by its SHA-256 (CSP Level 2 hash source), so
/// the page stays self-contained under the site's strict policy, which
/// forbids inline styles.
pub fn content_security_policy() -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, CSS.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

/// A rate as a percentage with one decimal, `—` when undefined.
pub fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".to_owned())
}

/// A mean with two decimals, `—` when undefined.
pub fn mean(m: Option<f64>) -> String {
    m.map(|m| format!("{m:.2}"))
        .unwrap_or_else(|| "—".to_owned())
}

/// A horizontal bar chart as inline SVG: one bar per `(label, count)`, the
/// count written after the bar. `title` is the chart's accessible name.
pub fn bar_chart(title: &str, rows: &[OptionCount]) -> String {
    const LABEL_W: usize = 260;
    const BAR_W: usize = 300;
    const ROW_H: usize = 22;
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let height = rows.len() * ROW_H + 4;
    let width = LABEL_W + BAR_W + 50;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" aria-label=\"{t}\"><title>{t}</title>",
        t = escape(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i * ROW_H + 2;
        let w = (r.count as usize * BAR_W) / max as usize;
        let label: String = if r.option.chars().count() > 42 {
            r.option.chars().take(41).chain(['…']).collect()
        } else {
            r.option.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"bar\" x=\"{LABEL_W}\" y=\"{y}\" width=\"{w}\" height=\"{bh}\"/>\
             <text x=\"{cx}\" y=\"{ty}\">{count}</text>",
            lx = LABEL_W - 6,
            ty = y + 14,
            label = escape(&label),
            bh = ROW_H - 6,
            cx = LABEL_W + w + 6,
            count = r.count,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn survey_section(out: &mut String, s: &SurveyReport) {
    let _ = write!(
        out,
        "<section class=\"survey\" id=\"survey-{id}\" data-anonymous=\"{anon}\">\n\
         <h2>{title}</h2>\n<p class=\"meta\">Open {opens} through {closes}{anon_note}.</p>\n",
        id = escape(&s.id),
        anon = s.anonymous,
        title = escape(&s.title),
        opens = s.opens,
        closes = s.closes,
        anon_note = if s.anonymous {
            "; anonymous: answers are not linked to anyone"
        } else {
            ""
        },
    );
    out.push_str(
        "<h3>Response rate</h3>\n<table class=\"rates\">\n<thead><tr><th>Role</th><th>Responses</th>\
         <th>Invited</th><th>Rate</th></tr></thead>\n<tbody>\n",
    );
    for r in &s.by_role {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.side.as_str(),
            r.responses,
            r.invited,
            percent(r.response_rate)
        );
    }
    let _ = writeln!(
        out,
        "<tr><th>All</th><td>{}</td><td>{}</td><td>{}</td></tr>\n</tbody>\n</table>",
        s.responses,
        s.invited,
        percent(s.response_rate)
    );
    for q in &s.questions {
        let _ = write!(
            out,
            "<div class=\"question\" id=\"q-{sid}-{qid}\">\n<h3>{prompt}</h3>\n<p class=\"note\">{answered} answered",
            sid = escape(&s.id),
            qid = escape(&q.id),
            prompt = escape(&q.prompt),
            answered = q.answered,
        );
        if q.kind == "likert" && q.withheld.is_none() {
            let _ = write!(out, "; mean {}", mean(q.mean));
            if let Some((lo, hi)) = &q.scale {
                let first = q.distribution.first().map(|o| o.option.as_str());
                let last = q.distribution.last().map(|o| o.option.as_str());
                let _ = write!(
                    out,
                    " ({} = {}, {} = {})",
                    escape(first.unwrap_or("")),
                    escape(lo),
                    escape(last.unwrap_or("")),
                    escape(hi)
                );
            }
        }
        if q.kind == "multi" {
            out.push_str("; several answers allowed");
        }
        out.push_str(".</p>\n");
        if let Some(label) = &q.withheld {
            let _ = writeln!(out, "<p class=\"note withheld\">{}</p>", escape(label));
        } else if q.kind == "text" {
            if q.texts.is_empty() {
                out.push_str("<p class=\"note\">No answers.</p>\n");
            }
            for t in &q.texts {
                let _ = writeln!(out, "<blockquote>{}</blockquote>", escape(t));
            }
        } else {
            let _ = write!(
                out,
                "<figure>{}<figcaption>{}</figcaption></figure>\n<table class=\"distribution\">\
                 <thead><tr><th>Answer</th><th>Count</th></tr></thead><tbody>",
                bar_chart(&q.prompt, &q.distribution),
                escape(&q.prompt)
            );
            for o in &q.distribution {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape(&o.option),
                    o.count
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

/// The whole page.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("{} — {}: report to the Board", r.program, r.cohort_name);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{t}</h1>\n\
         <p class=\"meta\">{assoc}. Cohort {cohort}; figures as of {as_of}. Confidential: \
         for the committee and the Board.</p>\n</header>\n<main>\n",
        t = escape(&title),
        assoc = escape(&r.association),
        cohort = escape(&r.cohort),
        as_of = r.as_of,
    );
    out.push_str(
        "<section id=\"applications\">\n<h2>Applications</h2>\n<table>\n<thead><tr><th>Side</th>\
         <th>Received</th><th>Accepted</th><th>Waitlisted</th><th>Declined</th><th>Withdrawn</th>\
         <th>Undecided</th></tr></thead>\n<tbody>\n",
    );
    for a in &r.applications {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a.side.as_str(),
            a.received,
            a.accepted,
            a.waitlisted,
            a.declined,
            a.withdrawn,
            a.submitted
        );
    }
    out.push_str("</tbody>\n</table>\n<p class=\"note\">Mentors are approved rather than accepted; only mentees are waitlisted (by the mentee cap).</p>\n</section>\n");
    let d = &r.duos;
    let _ = write!(
        out,
        "<section id=\"duos\">\n<h2>Duos</h2>\n<table>\n<tbody>\n\
         <tr><td>Formed</td><td>{}</td></tr>\n<tr><td>Still running</td><td>{}</td></tr>\n\
         <tr><td>Completed</td><td>{}</td></tr>\n<tr><td>Ended early</td><td>{}</td></tr>\n\
         <tr><td>With a liaison</td><td>{}</td></tr>\n<tr><td>Liaison coverage</td><td>{}</td></tr>\n\
         </tbody>\n</table>\n<figure>{}<figcaption>Duos by outcome</figcaption></figure>\n</section>\n",
        d.formed,
        d.running,
        d.completed,
        d.ended_early,
        d.with_liaison,
        percent(d.liaison_coverage),
        bar_chart(
            "Duos by outcome",
            &[
                OptionCount {
                    option: "Completed".into(),
                    count: d.completed
                },
                OptionCount {
                    option: "Ended early".into(),
                    count: d.ended_early
                },
                OptionCount {
                    option: "Still running".into(),
                    count: d.running
                },
            ]
        ),
    );
    for s in &r.surveys {
        survey_section(&mut out, s);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_and_scale() {
        let svg = bar_chart(
            "A <b> & \"c\"",
            &[
                OptionCount {
                    option: "<script>".into(),
                    count: 2,
                },
                OptionCount {
                    option: "none".into(),
                    count: 0,
                },
            ],
        );
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("A &lt;b&gt; &amp; &quot;c&quot;"));
        assert!(svg.contains("width=\"300\""), "{svg}");
        assert!(svg.contains("width=\"0\""), "{svg}");
        assert_eq!(percent(Some(2.0 / 3.0)), "66.7%");
        assert_eq!(percent(None), "—");
        assert_eq!(mean(Some(4.0 / 3.0)), "1.33");
    }
}
