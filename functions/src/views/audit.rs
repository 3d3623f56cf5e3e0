//! `/members/committee/audit/` (the chair): the audit trail, read-only —
//! who did what, when, to which record — filtered by cohort (the selector),
//! `member` (the one who acted, or the one the change was about) and
//! `action`; `?format=csv` gives the same rows as CSV. The store only ever
//! appends entries ([`crate::audit`]); nothing on this page changes them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use http::{Response, StatusCode};
use mentoring::permissions::Action;
use serde::Serialize;

use super::cohorts::{committee_cohort, committee_focus, CommitteeFocus};
use super::load::member_name;
use super::page::{render_with, text_response};
use super::{Page, ViewError, Viewer};
use crate::app::App;
use crate::audit;
use crate::records::keys;
use crate::store::{Item, Query, Value};

/// The page.
pub const AUDIT_PATH: &str = "/members/committee/audit/";

/// One row of the trail as the page and the CSV show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    /// When: an instant (RFC 3339), or only the day (anonymous answers).
    pub at: String,
    /// `apply`, `approve_application`, ...
    pub action: String,
    /// Who did it (blank: anonymous).
    pub actor: String,
    /// The actor's name.
    pub actor_name: String,
    /// The key of the changed record.
    pub subject: String,
    /// The entry's details, `name=value` joined by `; `.
    pub detail: String,
}

fn flat(v: &Value) -> String {
    match v {
        Value::S(s) => s.clone(),
        Value::N(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        Value::L(items) => items.iter().map(flat).collect::<Vec<_>>().join(", "),
        Value::M(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", flat(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn row(item: &Item) -> Row {
    let detail = item
        .get("detail")
        .and_then(Value::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", flat(v)))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    Row {
        at: item.get_str("at").unwrap_or_default().to_owned(),
        action: item.get_str("action").unwrap_or_default().to_owned(),
        actor: item.get_str("actor").unwrap_or_default().to_owned(),
        actor_name: String::new(),
        subject: item.get_str("subject").unwrap_or_default().to_owned(),
        detail,
    }
}

/// Does `row` concern `member`: they acted, or the record or its details
/// name them (an application, a lock, a request's mentee)?
pub fn concerns(row: &Row, member: &str) -> bool {
    if member.is_empty() {
        return true;
    }
    let named = |text: &str| {
        text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .any(|w| w == member)
    };
    row.actor == member || named(&row.subject) || named(&row.detail)
}

/// The trail of `scope` (a cohort id), oldest first — in the order of
/// [`audit::order`]: by instant, then in the order written (cause before
/// effect) — filtered.
pub async fn rows(
    app: &App,
    scope: &str,
    member: &str,
    action: &str,
) -> Result<(Vec<Row>, Vec<String>), ViewError> {
    let mut items = app
        .store
        .query(&Query::table(keys::audit_pk(scope)).prefix(keys::AUDIT_PREFIX))
        .await?;
    items.sort_by(audit::order);
    let all: Vec<Row> = items.iter().map(row).collect();
    let mut actions: Vec<String> = all.iter().map(|r| r.action.clone()).collect();
    actions.sort();
    actions.dedup();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for mut r in all {
        if !concerns(&r, member) || (!action.is_empty() && r.action != action) {
            continue;
        }
        if !r.actor.is_empty() {
            if !names.contains_key(&r.actor) {
                let n = member_name(app, &r.actor).await;
                names.insert(r.actor.clone(), n);
            }
            r.actor_name = names[&r.actor].clone();
        }
        out.push(r);
    }
    Ok((out, actions))
}

fn csv_field(s: &str) -> String {
    // A leading = + - @ would be a formula in a spreadsheet: quote it away.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The rows as CSV, with a header line.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from("at,action,actor,actor_name,subject,detail\n");
    for r in rows {
        let fields = [
            &r.at,
            &r.action,
            &r.actor,
            &r.actor_name,
            &r.subject,
            &r.detail,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The filters of the query: `(member, action)`, trimmed.
fn filters(query: &BTreeMap<String, String>) -> (String, String) {
    let get = |k: &str| {
        query
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    (get("member"), get("action"))
}

#[derive(Serialize)]
struct AuditPage<'a> {
    #[serde(flatten)]
    focus: CommitteeFocus<'a>,
    entries: Vec<Row>,
    /// Every action of the cohort's trail (the filter's choices).
    actions: Vec<String>,
    filter: Filter,
    csv_link: String,
}

/// The filters of the query, trimmed.
#[derive(Serialize)]
struct Filter {
    member: String,
    action: String,
}

/// The page (HTML).
pub(super) async fn page(
    app: &App,
    viewer: &Viewer,
    ctx: tera::Context,
    query: &BTreeMap<String, String>,
) -> Result<Page, ViewError> {
    if !viewer.may(Action::ViewAuditTrail) {
        return Err(ViewError::forbidden(
            "Only the committee's chair reads the audit trail.",
        ));
    }
    let (c, focus) = committee_focus(&app.config.program, viewer.today, query, AUDIT_PATH)?;
    let (member, action) = filters(query);
    let (entries, actions) = rows(app, &c.id, &member, &action).await?;
    let mut csv_link = format!("{AUDIT_PATH}?format=csv&cohort={}", enc(&c.id));
    if !member.is_empty() {
        csv_link.push_str(&format!("&member={}", enc(&member)));
    }
    if !action.is_empty() {
        csv_link.push_str(&format!("&action={}", enc(&action)));
    }
    let data = AuditPage {
        focus,
        entries,
        actions,
        filter: Filter { member, action },
        csv_link,
    };
    render_with("committee_audit.html", ctx, &data, "Audit trail")
}

use crate::http::response::query_value as enc;

/// The CSV download (`?format=csv`), for the chair only; `None` when the
/// query asks for the page.
pub(super) async fn csv_reply(
    app: &App,
    viewer: &Viewer,
    query: &BTreeMap<String, String>,
    today: NaiveDate,
) -> Option<Response<Vec<u8>>> {
    if query.get("format").map(String::as_str) != Some("csv") {
        return None;
    }
    let plain = text_response;
    if !viewer.may(Action::ViewAuditTrail) {
        return Some(plain(
            StatusCode::FORBIDDEN,
            "Only the committee's chair reads the audit trail.",
        ));
    }
    let program = &app.config.program;
    let cohort = match committee_cohort(program, today, query) {
        Ok(c) => c,
        Err(e) => return Some(plain(e.status, &e.message)),
    };
    let (member, action) = filters(query);
    match rows(app, &cohort.id, &member, &action).await {
        Ok((rows, _)) => Some(
            Response::builder()
                .status(StatusCode::OK)
                .header(CONTENT_TYPE, "text/csv; charset=utf-8")
                .header(CACHE_CONTROL, "no-store")
                .header(
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"audit-{}.csv\"", cohort.id),
                )
                .body(csv(&rows).into_bytes())
                .expect("valid response"),
        ),
        Err(e) => Some(plain(e.status, &e.message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(actor: &str, subject: &str, detail: &str) -> Row {
        Row {
            at: "2008-03-01T10:00:00.000Z".into(),
            action: "apply".into(),
            actor: actor.into(),
            actor_name: String::new(),
            subject: subject.into(),
            detail: detail.into(),
        }
    }

    #[test]
    fn a_member_is_found_as_actor_subject_or_detail_but_not_as_a_prefix() {
        assert!(concerns(&r("M1", "x", ""), "M1"));
        assert!(concerns(&r("CH", "COHORT#2008 / APP#MENTEE#M1", ""), "M1"));
        assert!(concerns(&r("CH", "x", "mentee=M1; duo=d"), "M1"));
        assert!(!concerns(&r("M10", "APP#MENTEE#M10", "mentee=M10"), "M1"));
        assert!(concerns(&r("M10", "", ""), ""));
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let rows = [r("M1", "a,b", "=cmd\"x\"")];
        let out = csv(&rows);
        assert_eq!(
            out.lines().nth(1).unwrap(),
            "2008-03-01T10:00:00.000Z,apply,M1,,\"a,b\",\"'=cmd\"\"x\"\"\""
        );
    }
}
