//! The small text rules of the web, once for every caller (the handlers,
//! the members area, publishing, `duos serve`): HTML escaping (the
//! generator's), the
//! percent-decoding of a URL path, a query's pairs, and a file's
//! `Content-Type`.

/// HTML-escapes text for element content and attribute values (`&`, `<`,
/// `>`, `"` and `'`): the generator's, so pages built and pages served
/// escape alike.
pub use generator::markdown::escape_attr as escape;

/// `%XX` decoding of a URL path (or one of its segments). `+` stays `+`
/// (it means a space only in a query). `None` when a `%` is not followed by
/// two hex digits or the result is not UTF-8: such a path names no page.
pub fn percent_decode_path(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `name=value` pairs of `uri`'s query, decoded, in order (a later
/// value of a name wins in a map).
pub fn query_pairs<C: FromIterator<(String, String)>>(uri: &http::Uri) -> C {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The `Content-Type` of a file by the extension of its path or key (any
/// case); `application/octet-stream` for one not listed.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn decodes_a_path_strictly() {
        assert_eq!(
            percent_decode_path("/mentors/jos%C3%A9-ruiz/").as_deref(),
            Some("/mentors/josé-ruiz/")
        );
        assert_eq!(percent_decode_path("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode_path("%2e%2E").as_deref(), Some(".."));
        assert_eq!(percent_decode_path("100%"), None);
        assert_eq!(percent_decode_path("%4"), None);
        assert_eq!(percent_decode_path("%zz"), None);
        assert_eq!(percent_decode_path("%+1"), None);
        assert_eq!(percent_decode_path("%ff"), None, "not UTF-8");
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a.JS"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("members/search-index.json"),
            "application/json"
        );
        assert_eq!(content_type("events.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("v.1/README"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
