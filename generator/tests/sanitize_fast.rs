//! The sanitizer's fast path (`generator::sanitize::clean` for plain
//! markdown) gives byte for byte what ammonia gives, and markdown that is
//! not plain still goes through ammonia.

use generator::markdown::{render, Rendered};
use generator::sanitize::{clean, sanitizer};
use proptest::prelude::*;

fn rendered(md: &str) -> Rendered {
    render(md, &|t| Ok(t.to_string())).0
}

fn ammonia(r: &Rendered) -> String {
    sanitizer().clean(&r.html).to_string()
}

/// Pieces of markdown: words, the characters HTML escapes or markdown
/// reads (emphasis, code, lists, quotes, breaks, entities), raw HTML and
/// links, so that both plain and non-plain documents come out.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "word",
        " ",
        " ",
        "\n",
        "\n\n",
        "*",
        "_",
        "**",
        "~~",
        "`",
        "- ",
        "1. ",
        "2. ",
        "> ",
        "  \n",
        "\\\n",
        "&",
        "&amp;",
        "&nbsp;",
        "\u{a0}",
        "<",
        ">",
        "\"",
        "'",
        "\t",
        "é",
        "\r\n",
        "\r",
        "\u{0}",
        "#",
        "[x](y)",
        "<b>",
        "<script>",
        "&#39;",
        "&quot;",
        "    ",
        "---",
        "|",
        "x<y",
        "a & b",
        "<br>",
        "http://example.org",
        "\u{1}",
        "\u{b}",
        "\u{c}",
        "\u{7f}",
        "\u{fffd}",
        "\u{feff}",
        "\u{85}",
        "\u{2028}",
        "\u{d}\u{a0}",
        "&#0;",
        "&#x80;",
        "\\*",
        "\u{1F600}",
    ])
}

/// Only the pieces of plain markdown (and characters HTML escapes), so
/// that the fast path itself is what most cases test.
fn plain_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "word", " ", "\n", "\n\n", "*", "_", "**", "~~", "`", "- ", "1. ", "> ", "  \n", "\\\n",
        "&", "&nbsp;", "\u{a0}", "<", ">", "\"", "'", "\u{0}", "\u{c}", "\r\n", "é",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn fast_path_equals_ammonia(pieces in prop::collection::vec(piece(), 0..40)) {
        let md: String = pieces.concat();
        let r = rendered(&md);
        prop_assert_eq!(clean(r.html.clone(), r.plain), ammonia(&r), "markdown {:?} (plain: {})", md, r.plain);
    }

    #[test]
    fn fast_path_equals_ammonia_on_plain_markdown(pieces in prop::collection::vec(plain_piece(), 0..60)) {
        let md: String = pieces.concat();
        let r = rendered(&md);
        // A run of pieces can make a code block or a rule: not plain, and
        // tested above; proptest fails on too many such rejects.
        prop_assume!(r.plain);
        prop_assert_eq!(clean(r.html.clone(), r.plain), ammonia(&r), "markdown {:?}", md);
    }
}

#[test]
fn a_bio_of_paragraphs_and_emphasis_is_plain_and_unchanged_by_the_fast_path() {
    let md = "Twenty years in *public* libraries & archives: reference, **outreach**\n\
              and `MARC` records.\n\nShe mentors new branch heads  \nin their first year.\n\n\
              - budgets\n- staff\n\n> Ask early.";
    let r = rendered(md);
    assert!(r.plain, "{md:?} should be plain");
    assert_eq!(clean(r.html.clone(), r.plain), ammonia(&r));
    assert!(
        clean(r.html.clone(), r.plain).contains("<br>"),
        "{}",
        clean(r.html.clone(), r.plain)
    );
}

#[test]
fn raw_html_links_and_headings_are_not_plain_and_go_through_ammonia() {
    for md in [
        "Hello <script>alert(1)</script>",
        "See [the guide](javascript:alert(1)).",
        "# A heading\n\ntext",
        "![x](http://example.org/x.png)",
        "3. starts at three",
        "<p onclick=\"x()\">hi</p>",
    ] {
        let r = rendered(md);
        assert!(!r.plain, "{md:?} should not be plain");
        let out = clean(r.html.clone(), r.plain);
        assert_eq!(out, ammonia(&r));
        assert!(
            !out.contains("script") && !out.contains("javascript") && !out.contains("onclick"),
            "{out}"
        );
    }
}
