//! Sanitizing rendered markdown (bios, event descriptions): the one
//! sanitizer of the build (ammonia), and a fast path for markdown that
//! cannot hold anything to remove.
//!
//! Most bios are paragraphs of text with some emphasis. Their HTML, as
//! pulldown-cmark writes it, holds no attribute, no URL and no raw HTML, so
//! ammonia's parse and re-serialization change only how a few things are
//! spelled: a line break (`<br />` becomes `<br>`) and the no-break space
//! (written as `&nbsp;`). [`clean`] spells those the same way without the
//! parse; `tests/sanitize_fast.rs` checks that the two outputs are
//! byte-identical on generated markdown.

use std::sync::OnceLock;

/// The one sanitizer of the build, configured once.
pub fn sanitizer() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b
    })
}

/// The sanitized HTML of rendered markdown (`html`, and whether the
/// markdown was [`crate::markdown::Rendered::plain`]): ammonia's output, computed without
/// ammonia when it was plain.
pub fn clean(html: String, plain: bool) -> String {
    if plain {
        respell_plain(html)
    } else {
        sanitizer().clean(&html).to_string()
    }
}

/// Whether `html` holds a `<br />`, a U+00A0 or a NUL: one pass over its
/// bytes (it runs on every bio). U+00A0 is the bytes C2 A0; looking for
/// the byte A0 alone also finds the few other characters ending in it,
/// which the respelling then copies unchanged.
fn needs_respelling(html: &str, line_break: &str) -> bool {
    let bytes = html.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == 0 || b == 0xa0 || (b == b'<' && bytes[i..].starts_with(line_break.as_bytes()))
    })
}

/// pulldown-cmark's HTML of plain markdown, spelled as ammonia's serializer
/// spells it: `<br>` for `<br />`, `&nbsp;` for U+00A0, and NUL dropped (an
/// HTML parser drops it from text). Everything else (tags without
/// attributes, text with `&`, `<` and `>` escaped) is already the same.
fn respell_plain(html: String) -> String {
    const BREAK: &str = "<br />";
    if !needs_respelling(&html, BREAK) {
        // The renderer reserves half as much again as the markdown; kept
        // for the whole build, the slack would be ~1 KiB per bio (and an
        // allocator may shrink in place without releasing it): copied
        // into a string of its own size instead.
        if html.capacity() - html.len() > html.len() / 8 {
            return html.as_str().to_owned();
        }
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    while let Some(at) = rest.find(['<', '\u{a0}', '\0']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(BREAK) {
            out.push_str("<br>");
            rest = after;
        } else if let Some(after) = rest.strip_prefix('\u{a0}') {
            out.push_str("&nbsp;");
            rest = after;
        } else if let Some(after) = rest.strip_prefix('\0') {
            rest = after;
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}
