//! Every kind of content error: exact `path:line:column: message`, the build
//! fails, and the previous output stays exactly as it was.

mod common;
use common::assert_fails;

#[test]
fn malformed_yaml_in_front_matter_and_profile() {
    assert_fails(
        "malformed_yaml",
        &[
            "content/about.md:4:1: found unexpected end of stream, while scanning a quoted scalar",
            "content/mentors/bad-indent.yaml:7:2: did not find expected key, while parsing a block mapping",
        ],
    );
}

#[test]
fn missing_template() {
    assert_fails(
        "missing_template",
        &[
            "content/about.md:4:1: template \"fancy.html\" not found in themes/default/templates/ or templates/ (field template)",
        ],
    );
}

#[test]
fn template_syntax_error() {
    assert_fails(
        "template_error",
        &[
            "templates/page.html:3:19: template error in \"page.html\": expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)",
        ],
    );
}

#[test]
fn template_render_error() {
    assert_fails(
        "render_error",
        &[
            "templates/page.html: template error in \"page.html\": Failed to render 'page.html': Variable `page.subtitle` not found in context while rendering 'page.html'",
        ],
    );
}

#[test]
fn unknown_expertise_term() {
    assert_fails(
        "unknown_expertise",
        &[
            "content/mentors/ursula.yaml:7:5: Unknown expertise term \"underwater-basket-weaving\": not one of the program's terms (field expertise[1])",
        ],
    );
}

#[test]
fn missing_required_profile_field() {
    assert_fails(
        "missing_field",
        &["content/mentors/nora.yaml:1:1: missing required field \"title\""],
    );
}

#[test]
fn duplicate_slugs() {
    assert_fails(
        "duplicate_slug",
        &[
            "content/about.md:1:1: duplicate slug: content/about.md and content/about/_index.md both map to /about/",
            "content/mentors/otto.yaml:1:1: duplicate slug: content/mentors/otto.yaml and content/mentors/more/otto.yaml both map to /members/mentors/otto/",
        ],
    );
}

#[test]
fn broken_internal_link() {
    assert_fails(
        "broken_link",
        &[
            "content/about.md:5:38: broken link \"@/program/gone.md\": no page content/program/gone.md",
        ],
    );
}

#[test]
fn several_errors_are_all_reported() {
    assert_fails(
        "several_errors",
        &[
            "content/about.md:3:1: template \"fancy.html\" not found in themes/default/templates/ or templates/ (field template)",
            "content/about.md:5:15: broken link \"@/nothing.md\": no page content/nothing.md",
            "content/mentors/sam.yaml:1:1: missing required field \"title\"",
            "content/mentors/sam.yaml:5:5: Unknown expertise term \"knitting\": not one of the program's terms (field expertise[0])",
            "content/mentors/zed.yaml:1:7: name: invalid type: sequence, expected a string",
            "content/surveys/exit.yaml:1:1: survey id \"final\" must equal the file name \"exit\" (field id)",
            "content/surveys/exit.yaml:10:5: question \"happy\" needs at least 2 choices (field questions.choices)",
            "content/surveys/exit.yaml:14:5: question \"scale\": likert min (5) must be less than max (1) (field questions.min)",
        ],
    );
}
