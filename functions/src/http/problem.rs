//! Errors as `application/problem+json` (RFC 9457):
//! `{"type", "title", "status", "detail", "errors": [{"field", "message"}]}`,
//! or, for plain HTML form posts, a small HTML page listing the same errors
//! with the same status.

use http::{Response, StatusCode};
use mentoring::{FieldError, RuleError};
use serde::Serialize;

use crate::auth::CsrfError;
use crate::store::StoreError;

use super::response::{html_page, json_with_type};

/// Base of the `type` URIs of our problems (`<base>#<code>`).
pub const PROBLEM_TYPE_BASE: &str = "https://duos.invalid/problems";

/// One API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `https://duos.invalid/problems#<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short, fixed per kind ("Invalid input").
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// A sentence for the person.
    pub detail: String,
    /// Field-level errors (empty unless the input was invalid).
    pub errors: Vec<FieldError>,
    /// Machine code (`invalid`, `duplicate`, `token_used`...).
    pub code: String,
    /// Extra headers (`Allow` for 405).
    #[serde(skip)]
    pub headers: Vec<(http::HeaderName, String)>,
}

impl Problem {
    /// A problem with `status`, machine `code`, `title` and `detail`.
    pub fn new(status: StatusCode, code: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            type_: format!("{PROBLEM_TYPE_BASE}#{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            code: code.to_owned(),
            headers: Vec::new(),
        }
    }

    /// 400 with field errors.
    pub fn invalid(errors: Vec<FieldError>) -> Problem {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields need attention.", errors.len()),
        };
        Problem {
            errors,
            ..Problem::new(StatusCode::BAD_REQUEST, "invalid", "Invalid input", detail)
        }
    }

    /// 400 about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem::invalid(vec![FieldError::new(field, message)])
    }

    /// 401: sign in first.
    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign-in required",
            "Sign in to do this.",
        )
    }

    /// 403: the caller's roles do not allow it.
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", detail)
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found", "Not found", detail)
    }

    /// 405 with `Allow`.
    pub fn method_not_allowed(allow: &[&str]) -> Problem {
        let mut p = Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
            format!("This address accepts {}.", allow.join(", ")),
        );
        p.headers.push((http::header::ALLOW, allow.join(", ")));
        p
    }

    /// 409.
    pub fn conflict(code: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }

    /// 413: over the body limit.
    pub fn too_large(limit: usize) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "Request too large",
            format!("The request body may be at most {} KiB.", limit / 1024),
        )
    }

    /// 415: neither JSON nor a form.
    pub fn unsupported_media_type() -> Problem {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported content type",
            "Send application/json or application/x-www-form-urlencoded.",
        )
    }

    /// 500/503 for a store failure (details go to the log, not the caller).
    pub fn from_store(e: &StoreError) -> Problem {
        tracing::error!("store error: {e}");
        if e.is_retryable() {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Busy",
                "The service is busy; please try again in a moment.",
            )
        } else {
            Problem::internal()
        }
    }

    /// 500.
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "Something went wrong on our side; nothing was changed. Please try again later.",
        )
    }

    /// 403 for a failed CSRF / Origin check.
    pub fn csrf(e: &CsrfError) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "Request refused",
            format!("{e}. Reload the page and try again."),
        )
    }

    /// The status as a [`StatusCode`].
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// As an `application/problem+json` response.
    pub fn to_response(&self) -> Response<Vec<u8>> {
        let mut r = json_with_type(self.status_code(), self, "application/problem+json");
        for (name, value) in &self.headers {
            if let Ok(v) = http::HeaderValue::from_str(value) {
                r.headers_mut().insert(name.clone(), v);
            }
        }
        r
    }

    /// As an HTML page (for plain form posts): the title, the detail, the
    /// field errors and a link back to the form.
    pub fn to_html(&self, back: Option<&str>) -> Response<Vec<u8>> {
        let mut body = format!("<p>{}</p>\n", super::response::escape(&self.detail));
        if !self.errors.is_empty() {
            body.push_str("<ul class=\"errors\">\n");
            for e in &self.errors {
                body.push_str(&format!(
                    "  <li><strong>{}</strong>: {}</li>\n",
                    super::response::escape(&e.field),
                    super::response::escape(&e.message)
                ));
            }
            body.push_str("</ul>\n");
        }
        // Never a `javascript:` link: the site's CSP (script-src 'self')
        // blocks it, so without the form's address the link goes home.
        let (back, label) = match back {
            Some(b) => (b, "Back to the form"),
            None => ("/", "Back to the site"),
        };
        body.push_str(&format!(
            "<p><a href=\"{}\">{label}</a></p>\n",
            super::response::escape(back)
        ));
        let mut r = html_page(self.status_code(), &self.title, &body);
        for (name, value) in &self.headers {
            if let Ok(v) = http::HeaderValue::from_str(value) {
                r.headers_mut().insert(name.clone(), v);
            }
        }
        r
    }
}

impl From<RuleError> for Problem {
    /// `invalid` 400, `not_eligible` / `forbidden` 403, `not_found` 404,
    /// `conflict` / `invalid_transition` / `duplicate` / `limit_reached` /
    /// `closed` / `token_used` 409, `expired` 410.
    fn from(e: RuleError) -> Problem {
        let code = e.code();
        match e {
            RuleError::Invalid(errors) => Problem::invalid(errors),
            RuleError::NotEligible(why) => {
                Problem::new(StatusCode::FORBIDDEN, code, "Not eligible", why.to_string())
            }
            RuleError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, code, "Not allowed", m),
            RuleError::NotFound(m) => Problem::new(StatusCode::NOT_FOUND, code, "Not found", m),
            RuleError::Expired(m) => Problem::new(StatusCode::GONE, code, "Expired", m),
            RuleError::InvalidTransition { from, action } => Problem::new(
                StatusCode::CONFLICT,
                code,
                "Conflict",
                format!(
                    "This cannot be done now: it is {} (tried to {}).",
                    from.replace('_', " "),
                    action.replace('_', " ")
                ),
            ),
            RuleError::TokenUsed => Problem::new(
                StatusCode::CONFLICT,
                code,
                "Link already used",
                "This link was already used.",
            ),
            RuleError::Conflict(m)
            | RuleError::Duplicate(m)
            | RuleError::LimitReached(m)
            | RuleError::Closed(m) => Problem::new(StatusCode::CONFLICT, code, "Conflict", m),
        }
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        Problem::from_store(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_errors_map_to_statuses() {
        let cases = [
            (RuleError::invalid("f", "m"), 400),
            (RuleError::Forbidden("x".into()), 403),
            (RuleError::NotFound("x".into()), 404),
            (RuleError::Conflict("x".into()), 409),
            (RuleError::Duplicate("x".into()), 409),
            (RuleError::LimitReached("x".into()), 409),
            (RuleError::Closed("x".into()), 409),
            (RuleError::TokenUsed, 409),
            (RuleError::Expired("x".into()), 410),
        ];
        for (e, status) in cases {
            let code = e.code();
            let p = Problem::from(e);
            assert_eq!(p.status, status, "{code}");
            assert_eq!(p.code, code);
        }
    }

    #[test]
    fn problem_json_shape() {
        let p = Problem::field("goals", "Goals is required.");
        let r = p.to_response();
        assert_eq!(r.status(), 400);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let v: serde_json::Value = serde_json::from_slice(r.body()).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["errors"][0]["field"], "goals");
        assert!(v["type"].as_str().unwrap().ends_with("#invalid"));
        assert!(v.get("headers").is_none());
        let html = p.to_html(Some("/apply/?a=<b>"));
        let text = String::from_utf8(html.into_body()).unwrap();
        assert!(text.contains("<strong>goals</strong>"));
        assert!(text.contains("/apply/?a=&lt;b&gt;"));
        let html = p.to_html(None);
        let text = String::from_utf8(html.into_body()).unwrap();
        assert!(!text.contains("javascript:"), "{text}");
        assert!(text.contains("<a href=\"/\">Back to the site</a>"));
    }
}
