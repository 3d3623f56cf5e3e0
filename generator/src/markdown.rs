//! Markdown to HTML: tables, footnotes, heading ids and anchors, a table of
//! contents, and `@/path.md` internal links.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;

/// One heading of a page, for its table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A rendered markdown document.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text of the document (whitespace collapsed), from up to
    /// `TEXT_LIMIT` bytes of its text, and cut after the number of
    /// characters [`render_with`] was asked for.
    pub text: String,
    /// Whether the document used only constructs whose HTML has no
    /// attribute, URL or raw HTML: paragraphs, emphasis, strong,
    /// strikethrough, inline code, line breaks, bullet lists, lists
    /// numbered from 1 and block quotes ([`is_plain`]). Such HTML needs no
    /// sanitizer's parse ([`crate::sanitize::clean`]).
    pub plain: bool,
}

/// Whether `event` is one of the constructs of a plain document
/// ([`Rendered::plain`]).
fn is_plain(event: &Event) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Paragraph
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::List(None | Some(1))
                | Tag::Item
                | Tag::BlockQuote(None)
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(None)
        ),
        _ => false,
    }
}

/// An `@/` link that did not resolve: byte offset (in the markdown source)
/// of the link target, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub offset: usize,
    pub message: String,
}

const TEXT_LIMIT: usize = 2000;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// A URL-safe id from heading text: lowercase letters, digits and dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c == '_' || c == '/' || c == '.' {
            dash = true;
        }
    }
    out
}

fn level_num(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Renders `source`; `resolve` turns an `@/path.md#frag` target into a URL or
/// says why it cannot. Link errors are returned beside the (still rendered)
/// document so that every broken link of a build is reported.
pub fn render(
    source: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
) -> (Rendered, Vec<LinkError>) {
    render_with(source, resolve, usize::MAX)
}

/// Like [`render`], with the plain text cut once it is longer than
/// `text_chars` characters (0: none collected). A bio needs only enough
/// for its excerpt: [`excerpt`] of `text` with `max` below `text_chars`
/// is the excerpt of the whole text.
pub fn render_with(
    source: &str,
    resolve: &dyn Fn(&str) -> Result<String, String>,
    text_chars: usize,
) -> (Rendered, Vec<LinkError>) {
    let limit = if text_chars > 0 { TEXT_LIMIT } else { 0 };
    let mut events: Vec<Event> = Vec::new();
    let mut errors = Vec::new();
    let mut toc = Vec::new();
    let mut text = String::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    // Index in `events` of the open heading and its text so far.
    let mut heading: Option<(usize, String)> = None;
    let mut plain = true;

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        plain = plain && is_plain(&event);
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let url = match resolve(&dest_url) {
                    Ok(url) => url,
                    Err(message) => {
                        let span = &source[range.clone()];
                        let offset = match span.rfind(dest_url.as_ref()) {
                            Some(i) => range.start + i,
                            None => source.find(dest_url.as_ref()).unwrap_or(range.start),
                        };
                        errors.push(LinkError { offset, message });
                        dest_url.to_string()
                    }
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((events.len(), String::new()));
                events.push(event);
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((at, title)) = heading.take() {
                    let title = collapse(&title, usize::MAX);
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[at] {
                        let wanted = match id {
                            Some(given) => given.to_string(),
                            None => {
                                let s = slugify(&title);
                                if s.is_empty() {
                                    "section".to_string()
                                } else {
                                    s
                                }
                            }
                        };
                        let mut unique = wanted.clone();
                        let mut n = 1;
                        while used_ids.contains(&unique) {
                            unique = format!("{wanted}-{n}");
                            n += 1;
                        }
                        used_ids.insert(unique.clone());
                        *id = Some(CowStr::from(unique.clone()));
                        events.push(Event::Html(CowStr::from(format!(
                            " <a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                            escape_attr(&unique)
                        ))));
                        toc.push(TocEntry {
                            level: level_num(level),
                            id: unique,
                            title,
                        });
                    }
                }
                push_text(&mut text, limit, " ");
                events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(t);
                }
                push_text(&mut text, limit, t);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push(' ');
                }
                push_text(&mut text, limit, " ");
                events.push(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                push_text(&mut text, limit, " ");
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(source.len() + source.len() / 2);
    html::push_html(&mut out, events.into_iter());
    (
        Rendered {
            html: out,
            toc,
            text: collapse(&text, text_chars),
            plain,
        },
        errors,
    )
}

fn push_text(text: &mut String, limit: usize, t: &str) {
    if text.len() < limit {
        text.push_str(t);
    }
}

/// `s`'s words (split at [`char::is_whitespace`], as `str::split_whitespace`
/// splits) joined by single spaces, up to the word that makes it longer
/// than `max_chars` characters. Reads bytes, and decodes a character only
/// where one starts beyond ASCII: a bio's text is mostly ASCII, and this
/// runs on up to [`TEXT_LIMIT`] bytes of every bio and page.
fn collapse(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    let mut chars = 0usize;
    // Adds a word; false once the text is longer than `max_chars`.
    let mut push_word = |word: &str| {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        if max_chars != usize::MAX {
            chars += word.chars().count();
        }
        chars <= max_chars
    };
    let bytes = s.as_bytes();
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (space, width) = match bytes[i] {
            // ASCII whitespace as `char::is_whitespace` has it (U+0009 to
            // U+000D and the space; `u8::is_ascii_whitespace` leaves out
            // U+000B).
            b @ 0..=0x7f => (matches!(b, b'\t'..=b'\r' | b' '), 1),
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            }
        };
        match (space, word_start) {
            (true, Some(start)) => {
                if !push_word(&s[start..i]) {
                    return out;
                }
                word_start = None;
            }
            (false, None) => word_start = Some(i),
            _ => {}
        }
        i += width;
    }
    if let Some(start) = word_start {
        push_word(&s[start..]);
    }
    out
}

/// Escapes text for an HTML attribute or element.
pub fn escape_attr(s: &str) -> String {
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A nested list of links for the headings of levels 2 to 4.
pub fn toc_html(toc: &[TocEntry]) -> String {
    let entries: Vec<&TocEntry> = toc.iter().filter(|e| (2..=4).contains(&e.level)).collect();
    if entries.is_empty() {
        return String::new();
    }
    let base = entries.iter().map(|e| e.level).min().unwrap_or(2);
    let mut out = String::from("<ul>");
    let mut depth = base;
    let mut open_item = false;
    for e in entries {
        let level = e.level.max(base);
        while depth < level {
            out.push_str("<ul>");
            if !open_item {
                out.push_str("<li>");
            }
            depth += 1;
            open_item = false;
        }
        while depth > level {
            out.push_str("</li></ul>");
            depth -= 1;
            open_item = true;
        }
        if open_item {
            out.push_str("</li>");
        }
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a>",
            escape_attr(&e.id),
            escape_attr(&e.title)
        ));
        open_item = true;
    }
    while depth > base {
        out.push_str("</li></ul>");
        depth -= 1;
    }
    out.push_str("</li></ul>");
    out
}

/// The first `max` characters of `text`, cut at a word boundary, with "…".
pub fn excerpt(text: &str, max: usize) -> String {
    // Where the character after the first `max` starts; none: the text
    // is no longer than `max` characters.
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Who can apply?"), "who-can-apply");
        assert_eq!(slugify("  Mentors & mentees "), "mentors-mentees");
    }

    #[test]
    fn toc_nesting() {
        let e = |level, id: &str| TocEntry {
            level,
            id: id.into(),
            title: id.into(),
        };
        let html = toc_html(&[e(2, "a"), e(3, "b"), e(3, "c"), e(2, "d")]);
        assert_eq!(
            html,
            "<ul><li><a href=\"#a\">a</a><ul><li><a href=\"#b\">b</a></li><li><a href=\"#c\">c</a></li></ul></li><li><a href=\"#d\">d</a></li></ul>"
        );
    }

    #[test]
    fn collapse_splits_as_split_whitespace() {
        let slow = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tnew\nline\r\nvt\u{b}ff\u{c}end",
            "nbsp\u{a0}em\u{2003}ideographic\u{3000}x",
            "\u{85}next line\u{2028}sep\u{202f}",
            "é à  ü\u{a0}\u{a0}日本 語",
            "zero\u{200b}width is not a space",
        ] {
            assert_eq!(collapse(s, usize::MAX), slow(s), "{s:?}");
        }
    }

    #[test]
    fn collapse_stops_after_max_chars() {
        assert_eq!(collapse("one  two three", 2), "one");
        assert_eq!(collapse("one  two three", 3), "one two");
        assert_eq!(collapse("one  two three", 6), "one two");
        assert_eq!(collapse("one  two three", 7), "one two three");
        assert_eq!(collapse("é é é", 2), "é é");
    }

    #[test]
    fn excerpt_of_a_cut_text_is_the_excerpt_of_the_whole() {
        let words = ["library", "é", "mentor", "a", "strategic", "日本語", "x"];
        for n in 0..120 {
            let text: String = (0..n)
                .map(|i| words[(i * 7 + n) % words.len()])
                .collect::<Vec<_>>()
                .join(if n % 2 == 0 { " \n " } else { " " });
            for max in [1, 5, 20, 40, 160] {
                assert_eq!(
                    excerpt(&collapse(&text, max + 1), max),
                    excerpt(&collapse(&text, usize::MAX), max),
                    "{text:?} {max}"
                );
            }
        }
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("exactly10!", 10), "exactly10!");
        assert_eq!(excerpt("one two three four", 10), "one two…");
        assert_eq!(excerpt("élan vital éternel", 9), "élan…");
        assert_eq!(excerpt("abcdefghijklmnop", 10), "abcdefghij…");
    }

    #[test]
    fn broken_link_offset() {
        let src = "Hello [x](@/nope.md) there";
        let (_, errs) = render(src, &|_| Err("no".into()));
        assert_eq!(errs[0].offset, 10);
    }
}
