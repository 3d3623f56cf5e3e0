//! What every page shares once its data is gathered: the templates, the
//! rendered [`Page`] or the [`ViewError`] that stands in for it, and the
//! site's layout around it ([`wrap`]).

use std::sync::OnceLock;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{Response, StatusCode};
use serde::Serialize;

/// The views' templates, `themes/default/views/<name>`, compiled into the
/// function.
macro_rules! view_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../themes/default/views/", $name)))),*]
    };
}

pub(super) const TEMPLATES: &[(&str, &str)] = view_templates![
    "_macros.html",
    "home.html",
    "apply.html",
    "apply_done.html",
    "nominate.html",
    "consent.html",
    "requests.html",
    "request_new.html",
    "duo.html",
    "survey.html",
    "committee_applications.html",
    "committee_duos.html",
    "committee_surveys.html",
    "committee_audit.html",
    "committee_liaison.html",
    "committee_pairing.html",
    "suggestions.html",
    "message.html",
    "alumni.html",
    "offer.html",
    "profile.html",
    "profile_preview.html",
];

pub(super) fn templates() -> &'static tera::Tera {
    static TERA: OnceLock<tera::Tera> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        t.add_raw_templates(TEMPLATES.iter().copied())
            .expect("the view templates compile (tested)");
        t
    })
}

/// A rendered page: its title and its `<main>` content.
pub(super) struct Page {
    pub(super) title: String,
    pub(super) main: String,
    /// 200, or 400 for a form shown again with its problems.
    pub(super) status: StatusCode,
}

/// A page that could not be shown.
#[derive(Debug)]
pub(super) struct ViewError {
    pub(super) status: StatusCode,
    pub(super) title: String,
    pub(super) message: String,
}

impl ViewError {
    pub(super) fn new(status: StatusCode, title: &str, message: impl Into<String>) -> ViewError {
        ViewError {
            status,
            title: title.to_owned(),
            message: message.into(),
        }
    }

    pub(super) fn not_found() -> ViewError {
        ViewError::new(StatusCode::NOT_FOUND, "Not found", "There is no such page.")
    }

    pub(super) fn forbidden(message: &str) -> ViewError {
        ViewError::new(StatusCode::FORBIDDEN, "Not for your role", message)
    }

    /// The program has no cohort the page could be about.
    pub(super) fn no_cohort() -> ViewError {
        ViewError::new(
            StatusCode::NOT_FOUND,
            "No cohort",
            "The program has no cohort at the moment.",
        )
    }

    /// A problem of the API's handlers, as a page.
    pub(super) fn problem(p: crate::http::Problem) -> ViewError {
        let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ViewError::new(status, &p.title, p.detail)
    }

    /// The error as a page (`message.html`).
    pub(super) fn into_page(self) -> Page {
        let mut ctx = tera::Context::new();
        ctx.insert("title", &self.title);
        ctx.insert("message", &self.message);
        let main = templates()
            .render("message.html", &ctx)
            .unwrap_or_else(|e| {
                format!("<p>{}</p>", crate::http::response::escape(&e.to_string()))
            });
        Page {
            title: self.title,
            main,
            status: self.status,
        }
    }
}

impl<E: std::fmt::Display> From<E> for ViewError {
    fn from(e: E) -> ViewError {
        tracing::error!("view: {e}");
        ViewError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The page could not be shown; please try again in a moment.",
        )
    }
}

/// Renders template `name` with `ctx` and then `data` (a page's own
/// context: a struct whose fields are the template's variables).
pub(super) fn render_with<T: Serialize>(
    name: &str,
    mut ctx: tera::Context,
    data: &T,
    title: &str,
) -> Result<Page, ViewError> {
    ctx.extend(tera::Context::from_serialize(data)?);
    render(name, &ctx, title)
}

/// Renders template `name` with `ctx`.
pub(super) fn render(name: &str, ctx: &tera::Context, title: &str) -> Result<Page, ViewError> {
    let main = templates()
        .render(name, ctx)
        .map_err(|e| ViewError::from(error_chain(&e)))?;
    Ok(Page {
        title: title.to_owned(),
        main,
        status: StatusCode::OK,
    })
}

/// A template's error with every cause (tera names the line in a cause).
pub(super) fn error_chain(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// An HTML page of the views (never cached).
pub(super) fn html_response(status: StatusCode, html: String) -> Response<Vec<u8>> {
    crate::http::response::html_in_site_shell(status, html)
}

/// A plain-text answer (never cached).
pub(super) fn text_response(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(CACHE_CONTROL, "no-store")
        .body(text.as_bytes().to_vec())
        .expect("valid response")
}

pub(super) fn see_other(to: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(LOCATION, to)
        .header(CACHE_CONTROL, "no-store")
        .body(Vec::new())
        .expect("valid response")
}

/// `shell` with its `<title>` and the inside of its `<main ...>` replaced.
pub fn wrap(shell: Option<&str>, title: &str, main: &str, site_name: &str) -> String {
    let full_title = format!(
        "{} · {}",
        crate::http::response::escape(title),
        crate::http::response::escape(site_name)
    );
    if let Some(shell) = shell {
        if let (Some(m_open), Some(m_close)) = (shell.find("<main"), shell.rfind("</main>")) {
            if let Some(gt) = shell[m_open..].find('>') {
                let inner_start = m_open + gt + 1;
                let mut out = String::with_capacity(shell.len() + main.len());
                let head = &shell[..inner_start];
                let head = match (head.find("<title>"), head.find("</title>")) {
                    (Some(a), Some(b)) if a < b => {
                        format!("{}<title>{full_title}{}", &head[..a], &head[b..])
                    }
                    _ => head.to_owned(),
                };
                // The shell's navigation marks its own page as current.
                out.push_str(&head.replace(" aria-current=\"page\"", ""));
                out.push('\n');
                out.push_str(main);
                out.push('\n');
                out.push_str(&shell[m_close..]);
                return out;
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{full_title}</title></head>\n\
<body><main id=\"main\">\n{main}\n</main></body></html>\n"
    )
}
