//! The security headers of every page, once: the deployed site's (the
//! CloudFront response headers policy of `infra/template.yaml`), which
//! `duos serve` adds to every reply, and which the functions' own pages
//! carry themselves ([`super::response::html_page`],
//! [`super::response::html_document`]).
//!
//! Two policies:
//! - [`SITE_CSP`]: the site's pages (built, or rendered into the site's
//!   shell by the members area) load the site's own scripts and styles. On
//!   AWS the edge adds it, with the sign-in provider in `form-action` and
//!   `upgrade-insecure-requests`; `duos serve` sends it as written here
//!   (plain HTTP on loopback, the development sign-in on its own origin).
//! - [`PAGE_CSP`]: the functions' small self-contained pages (errors,
//!   sign-in, refusals) load nothing and run no script. They bring it
//!   themselves, and a reply that brings its own policy keeps it, on
//!   CloudFront (`Override: false`) as in `duos serve`.

use http::header::CONTENT_SECURITY_POLICY;
use http::{HeaderMap, HeaderValue};

/// The site's Content-Security-Policy, as `duos serve` sends it.
pub const SITE_CSP: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// The Content-Security-Policy of a self-contained page of the functions:
/// no script, nothing loaded but the site's own styles and images, forms
/// post to the site, never framed.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The other headers of the deployed site's response headers policy.
pub const OTHER_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

/// Adds [`OTHER_HEADERS`] to `headers`, and `csp` as the
/// Content-Security-Policy when the reply has none of its own (`None`:
/// leave it to the edge).
pub fn add_security_headers(headers: &mut HeaderMap, csp: Option<&'static str>) {
    if let Some(csp) = csp {
        if !headers.contains_key(CONTENT_SECURITY_POLICY) {
            headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
        }
    }
    for (name, value) in OTHER_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_keeps_its_own_policy() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static("x"));
        add_security_headers(&mut h, Some(SITE_CSP));
        assert_eq!(h[CONTENT_SECURITY_POLICY], "x");
        assert_eq!(h["x-frame-options"], "DENY");
        let mut h = HeaderMap::new();
        add_security_headers(&mut h, Some(PAGE_CSP));
        assert_eq!(h[CONTENT_SECURITY_POLICY], PAGE_CSP);
        let mut h = HeaderMap::new();
        add_security_headers(&mut h, None);
        assert!(!h.contains_key(CONTENT_SECURITY_POLICY));
        assert_eq!(h["x-content-type-options"], "nosniff");
    }
}
