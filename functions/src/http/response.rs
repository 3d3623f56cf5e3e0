//! Building responses: JSON, 303 redirects, HTML pages. Every API response
//! is `Cache-Control: no-store` (it is about one signed-in person); every
//! HTML page carries the security headers ([`super::security`]).

use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{HeaderValue, Response, StatusCode};
use serde::Serialize;

use super::security;

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
/// caller has escaped): the one page shell of the functions, sent by
/// [`html_document`].
pub fn html_page(status: StatusCode, title: &str, body_html: &str) -> Response<Vec<u8>> {
    let title = escape(title);
    html_document(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body_html}</main>\n</body>\n</html>\n"
        ),
    )
}

/// A self-contained HTML document of the functions (no script): `no-store`,
/// the security headers and their own policy ([`security::PAGE_CSP`]).
pub fn html_document(status: StatusCode, html: String) -> Response<Vec<u8>> {
    html_response(status, html, Some(security::PAGE_CSP))
}

/// A page in the site's shell (the members area's views): `no-store` and
/// the security headers; its policy is the site's, which names the sign-in
/// provider and is added by the edge (CloudFront, `duos serve`).
pub fn html_in_site_shell(status: StatusCode, html: String) -> Response<Vec<u8>> {
    html_response(status, html, None)
}

fn html_response(status: StatusCode, html: String, csp: Option<&'static str>) -> Response<Vec<u8>> {
    let mut r = Response::new(html.into_bytes());
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    security::add_security_headers(r.headers_mut(), csp);
    r
}

pub use super::text::escape;

/// Percent-encodes a query-string value.
pub fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
