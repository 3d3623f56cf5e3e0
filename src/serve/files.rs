//! Static files of the built site: content types, pretty URLs, `404.html`,
//! and the live-reload script injected into every HTML page.

use std::path::{Component, Path, PathBuf};

pub use functions::http::text::escape;
use functions::http::text::percent_decode_path;

/// What a request path resolves to inside a folder of the built site.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file to send.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing there.
    NotFound,
}

/// Resolves a URL path (already stripped of its area prefix, starting with
/// `/`) inside `dir`: `/a/` is `a/index.html`, `/a` a file or a redirect to
/// `/a/`. Refuses `..`, backslashes and NUL.
pub fn resolve(dir: &Path, url_path: &str, prefix: &str) -> Resolved {
    let Some(decoded) = percent_decode_path(url_path) else {
        return Resolved::NotFound;
    };
    if decoded.contains('\\') || decoded.contains('\0') {
        return Resolved::NotFound;
    }
    let rel = decoded.trim_start_matches('/');
    let rel_path = Path::new(rel);
    if rel_path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Resolved::NotFound;
    }
    let target = dir.join(rel_path);
    if decoded.ends_with('/') {
        let index = target.join("index.html");
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if target.is_file() {
        Resolved::File(target)
    } else if target.join("index.html").is_file() {
        Resolved::Redirect(format!("{prefix}{decoded}/"))
    } else {
        Resolved::NotFound
    }
}

/// The `Content-Type` of a file by its extension (the same table as the
/// deployed site's: [`functions::http::text::content_type`]).
pub fn content_type(path: &Path) -> &'static str {
    functions::http::text::content_type(&path.to_string_lossy())
}

/// Whether a content type is HTML (gets the live-reload script).
pub fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html")
}

/// The live-reload client (served at `/_livereload.js`): reloads the page
/// when the server says the site was rebuilt (the build generation differs
/// from the page's `data-generation`), reconnecting after a restart. A file
/// of the server, not inline, so the site's CSP (`script-src 'self'`) allows
/// it. Tiny, dependency-free.
pub const RELOAD_JS: &str = "(function(){var me=document.currentScript;\
var g=me&&me.getAttribute(\"data-generation\");if(!g||!window.EventSource)return;\
var s=new EventSource(\"/_livereload\");\
s.addEventListener(\"build\",function(e){if(e.data!==g){s.close();location.reload();}});})();\n";

/// The style of the server's own pages (the outbox, the error overlay),
/// served at `/_serve.css`: a file, so the site's CSP (`style-src 'self'`)
/// allows it.
pub const SERVE_CSS: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}\n\
main{max-width:60rem;margin:2rem auto;padding:0 1rem}\n\
table{border-collapse:collapse;width:100%}\n\
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ccc;vertical-align:top}\n\
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}\na{color:#0b4f8a}\n\
#duos-error-overlay h1{color:#8a1c1c}\n#duos-error-overlay ul{padding:0;list-style:none}\n\
#duos-error-overlay li{background:#fdf0f0;border-left:4px solid #8a1c1c;margin:.5rem 0;padding:.6rem .8rem;overflow-x:auto}\n\
#duos-error-overlay code{font-size:.95rem;white-space:pre-wrap}\n";

/// The `<link>` of [`SERVE_CSS`].
pub const SERVE_CSS_LINK: &str = "<link rel=\"stylesheet\" href=\"/_serve.css\">";

/// The tag that loads the live-reload client for build `generation`.
pub fn reload_script(generation: u64) -> String {
    format!("<script src=\"/_livereload.js\" data-generation=\"{generation}\"></script>")
}

/// `html` with the live-reload script inserted before `</body>` (or
/// appended).
pub fn inject_reload(html: &[u8], generation: u64) -> Vec<u8> {
    let script = reload_script(generation);
    let text = String::from_utf8_lossy(html);
    let lower = text.to_ascii_lowercase();
    match lower.rfind("</body>") {
        Some(i) => {
            let mut out = String::with_capacity(text.len() + script.len());
            out.push_str(&text[..i]);
            out.push_str(&script);
            out.push_str(&text[i..]);
            out.into_bytes()
        }
        None => {
            let mut out = text.into_owned();
            out.push_str(&script);
            out.into_bytes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pretty_urls_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("about")).unwrap();
        std::fs::write(dir.path().join("about/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a b.css"), "x").unwrap();
        assert_eq!(
            resolve(dir.path(), "/about/", ""),
            Resolved::File(dir.path().join("about/index.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/about", ""),
            Resolved::Redirect("/about/".into())
        );
        assert_eq!(
            resolve(dir.path(), "/a%20b.css", ""),
            Resolved::File(dir.path().join("a b.css"))
        );
        assert_eq!(
            resolve(dir.path(), "/../etc/passwd", ""),
            Resolved::NotFound
        );
        assert_eq!(resolve(dir.path(), "/%2e%2e/x", ""), Resolved::NotFound);
        assert_eq!(resolve(dir.path(), "/nope", ""), Resolved::NotFound);
        assert_eq!(resolve(dir.path(), "/", ""), Resolved::NotFound);
    }

    #[test]
    fn content_types_and_injection() {
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(
            content_type(Path::new("x/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.JS")),
            "text/javascript; charset=utf-8"
        );
        let out = String::from_utf8(inject_reload(b"<html><body>x</body></html>", 3)).unwrap();
        assert!(out.contains("<script src=\"/_livereload.js\" data-generation=\"3\"></script>"));
        assert!(out.ends_with("</script></body></html>"));
        assert!(!out.contains("<script>"), "no inline script: {out}");
        assert_eq!(
            escape("<a href=\"x\">&"),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
