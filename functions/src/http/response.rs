//! Building responses: JSON, 303 redirects, small HTML pages. Every API
//! response is `Cache-Control: no-store` (it is about one signed-in person).

use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{HeaderValue, Response, StatusCode};
use serde::Serialize;

/// A JSON response.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response<Vec<u8>> {
    json_with_type(status, body, "application/json")
}

/// A JSON response with another media type (`application/problem+json`).
pub fn json_with_type<T: Serialize + ?Sized>(
    status: StatusCode,
    body: &T,
    content_type: &'static str,
) -> Response<Vec<u8>> {
    let bytes = serde_json::to_vec(body).expect("responses serialize");
    let mut r = Response::new(bytes);
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `303 See Other` to `location` (a site path).
pub fn see_other(location: &str) -> Response<Vec<u8>> {
    let mut r = Response::new(Vec::new());
    *r.status_mut() = StatusCode::SEE_OTHER;
    let value = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    r.headers_mut().insert(LOCATION, value);
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A minimal, self-contained HTML page (`title` and `body_html`, which the
/// caller has escaped).
pub fn html_page(status: StatusCode, title: &str, body_html: &str) -> Response<Vec<u8>> {
    let title = escape(title);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body_html}</main>\n</body>\n</html>\n"
    );
    let mut r = Response::new(html.into_bytes());
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub use super::text::escape;

/// Percent-encodes a query-string value.
pub fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
