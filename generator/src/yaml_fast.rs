//! A fast reader for the plain YAML profile files are written in, the
//! largest single cost of a build through serde_yaml (a third of the CPU
//! time of 10,000 profiles; BENCHMARKS.md "Site build").
//!
//! It reads block mappings and sequences of `key: value` lines, `- ` items,
//! double- or single-quoted scalars without escapes, plain scalars that are
//! clearly text or a decimal integer, and `|` literal blocks, and returns
//! the same [`serde_yaml::Value`] serde_yaml does. Anything else (flow
//! collections, anchors, tags, escapes, comments after values, folded or
//! chomped blocks, tabs, a plain scalar that could be a number, a boolean or
//! null, duplicate keys, a syntax error) gives `None`, and the caller reads
//! the file with serde_yaml: its errors and positions stay serde_yaml's.
//! `tests/yaml_fast.rs` checks that the two agree on real files, edited.

use serde_yaml::{Mapping, Number, Value};

/// One line: its indentation (spaces) and the rest, without the newline.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

impl Line<'_> {
    /// Blank or a whole-line comment: no content outside a literal block.
    fn skippable(&self) -> bool {
        self.text.is_empty() || self.text.starts_with('#')
    }
}

/// The value of `text`, or `None` when it is not in the subset read here.
pub fn parse(text: &str) -> Option<Value> {
    if !plain_characters(text) {
        return None;
    }
    let mut lines: Vec<Line> = text
        .split('\n')
        .map(|l| {
            let body = l.trim_start_matches(' ');
            Line {
                indent: l.len() - body.len(),
                text: body,
            }
        })
        .collect();
    let mut at = 0;
    skip(&lines, &mut at);
    if at == lines.len() || lines[at].indent != 0 {
        return None;
    }
    let map = mapping(&mut lines, &mut at, 0)?;
    skip(&lines, &mut at);
    (at == lines.len()).then_some(Value::Mapping(map))
}

/// Whether `text` holds only characters the reader takes as themselves:
/// YAML's printable ones (`c-printable`, YAML 1.2 section 5.1) without tab,
/// carriage return and the byte order mark. Anything else, control
/// characters included, goes to serde_yaml, which refuses them with their
/// position.
fn plain_characters(text: &str) -> bool {
    // Profiles are mostly ASCII: a byte scan first, a block at a time
    // without stopping early within a block, which the compiler turns into
    // vector instructions (a byte-at-a-time loop was a tenth of the
    // reader's time).
    text.as_bytes().chunks(64).all(|block| {
        block.iter().fold(true, |plain, &b| {
            plain & ((b' '..=b'~').contains(&b) | (b == b'\n'))
        })
    }) || text.chars().all(|c| {
        matches!(c,
                '\n'
                | ' '..='~'
                | '\u{85}'
                | '\u{a0}'..='\u{d7ff}'
                | '\u{e000}'..='\u{fefe}'
                | '\u{ff00}'..='\u{fffd}'
                | '\u{10000}'..)
    })
}

fn skip(lines: &[Line], at: &mut usize) {
    while *at < lines.len() && lines[*at].skippable() {
        *at += 1;
    }
}

/// `key` and the rest of a `key: value` or `key:` line.
fn key_value(text: &str) -> Option<(&str, &str)> {
    // Text keys only (letters, digits, `_`, `-`, up to the first `:`): a
    // key that could read as a number, a boolean or null is left to
    // serde_yaml. One pass over the key, not a search of the whole line.
    let bytes = text.as_bytes();
    let colon = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?;
    if bytes[colon] != b':' {
        return None;
    }
    let (key, rest) = (&text[..colon], &text[colon + 1..]);
    if !key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') || is_special(key) {
        return None;
    }
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((key, rest.trim_start_matches(' ')))
}

/// A block mapping whose keys stand at `indent`, from line `at`.
fn mapping(lines: &mut [Line], at: &mut usize, indent: usize) -> Option<Mapping> {
    let mut map = Mapping::new();
    loop {
        skip(lines, at);
        if *at == lines.len() || lines[*at].indent < indent {
            return Some(map);
        }
        let line = lines[*at];
        if line.indent > indent || line.text.starts_with('-') {
            return None;
        }
        let (key, rest) = key_value(line.text)?;
        *at += 1;
        let value = value(lines, at, indent, rest)?;
        if map.insert(Value::String(key.to_string()), value).is_some() {
            return None;
        }
    }
}

/// The value after `key:` (`rest`) of a key at `indent`.
fn value(lines: &mut [Line], at: &mut usize, indent: usize, rest: &str) -> Option<Value> {
    if rest == "|" {
        return literal(lines, at, indent).map(Value::String);
    }
    if !rest.is_empty() {
        return scalar(rest);
    }
    skip(lines, at);
    let Some(next) = lines.get(*at).copied() else {
        return Some(Value::Null);
    };
    let item = next.text == "-" || next.text.starts_with("- ");
    if item && next.indent >= indent {
        return sequence(lines, at, next.indent).map(Value::Sequence);
    }
    if next.indent > indent {
        return mapping(lines, at, next.indent).map(Value::Mapping);
    }
    Some(Value::Null)
}

/// A block sequence whose `- ` stand at `indent`.
fn sequence(lines: &mut [Line], at: &mut usize, indent: usize) -> Option<Vec<Value>> {
    let mut items = Vec::new();
    loop {
        skip(lines, at);
        let Some(line) = lines.get(*at).copied() else {
            return Some(items);
        };
        if line.indent < indent {
            return Some(items);
        }
        if line.indent > indent || !line.text.starts_with("- ") {
            // `-` alone (a nested block item) or a stray line.
            return (line.indent == indent && !line.text.starts_with('-')).then_some(items);
        }
        let body = line.text[2..].trim_start_matches(' ');
        let content = line.indent + (line.text.len() - body.len());
        if body.is_empty() || body.starts_with('-') || body == "|" {
            return None;
        }
        if key_value(body).is_some() {
            // A mapping item: its first key on the `- ` line.
            lines[*at] = Line {
                indent: content,
                text: body,
            };
            items.push(Value::Mapping(mapping(lines, at, content)?));
        } else {
            *at += 1;
            items.push(scalar(body)?);
        }
    }
}

/// A `|` literal block of a key at `indent`: kept as written, one final
/// newline (clip chomping).
fn literal(lines: &[Line], at: &mut usize, indent: usize) -> Option<String> {
    let first = lines.get(*at)?;
    if first.text.is_empty() || first.indent <= indent {
        return None;
    }
    let block = first.indent;
    let mut out = String::new();
    let mut blanks = 0usize;
    let mut ends_file = false;
    while let Some(line) = lines.get(*at) {
        if line.text.is_empty() {
            if line.indent > block {
                return None;
            }
            blanks += 1;
        } else if line.indent < block {
            break;
        } else {
            for _ in 0..blanks {
                out.push('\n');
            }
            blanks = 0;
            out.extend(std::iter::repeat_n(' ', line.indent - block));
            out.push_str(line.text);
            out.push('\n');
            // The file's last line has no newline to keep.
            ends_file = *at + 1 == lines.len();
        }
        *at += 1;
    }
    if ends_file {
        out.pop();
    }
    // The block's trailing blank lines end it (clip); the next content line
    // must belong to the parent.
    if lines
        .get(*at)
        .is_some_and(|l| l.indent > indent && !l.text.is_empty())
    {
        return None;
    }
    Some(out)
}

/// Words a plain scalar must not be to be text here (YAML 1.1 and 1.2
/// booleans and nulls, special floats), compared lowercased.
const SPECIAL: [&str; 14] = [
    "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan", "+.inf",
    "-.inf",
];

/// Whether `word` is one of [`SPECIAL`], in any case.
fn is_special(word: &str) -> bool {
    word.len() <= 5 && SPECIAL.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// A scalar on a line: quoted, a decimal integer, or plain text.
fn scalar(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    match bytes[0] {
        b'"' | b'\'' => {
            let quote = bytes[0] as char;
            let inner = text[1..].strip_suffix(quote)?;
            if inner.contains([quote, '\\']) {
                return None;
            }
            Some(Value::String(inner.to_string()))
        }
        b'0'..=b'9' => {
            if !text.bytes().all(|b| b.is_ascii_digit())
                || text.len() > 18
                || (text.len() > 1 && text.starts_with('0'))
            {
                return None;
            }
            text.parse::<u64>()
                .ok()
                .map(|n| Value::Number(Number::from(n)))
        }
        b'[' | b'{' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' | b','
        | b'?' | b':' | b'-' | b'+' | b'.' | b']' | b'}' => None,
        _ => {
            if bytes
                .windows(2)
                .any(|pair| matches!(pair, [b':', b' '] | [b' ', b'#']))
                || text.ends_with(':')
                || text.ends_with(' ')
                || is_special(text)
            {
                return None;
            }
            Some(Value::String(text.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_anywhere_in_a_block_sends_the_file_to_serde_yaml() {
        for at in [0, 1, 62, 63, 64, 65, 127, 128, 130] {
            let mut text = "a".repeat(131);
            text.replace_range(at..=at, "\u{7}");
            assert!(!plain_characters(&text), "control character at {at}");
            text.replace_range(at..=at, "\t");
            assert!(!plain_characters(&text), "tab at {at}");
            text.replace_range(at..=at, "\n");
            assert!(plain_characters(&text), "newline at {at}");
        }
        assert!(plain_characters("name: Zoë Ñúñez\n"));
        assert!(!plain_characters("name: \u{feff}Ada\n"));
    }

    #[test]
    fn keys_are_plain_words_before_the_first_colon() {
        assert_eq!(key_value("name: Ada"), Some(("name", "Ada")));
        assert_eq!(key_value("years_involved:"), Some(("years_involved", "")));
        assert_eq!(key_value("a-b_c9:  x"), Some(("a-b_c9", "x")));
        for refused in [
            "name:Ada",
            "two words: x",
            "9lives: x",
            "-key: x",
            "\"name\": x",
            "Yes: x",
            "null: x",
            "no colon here",
            ": x",
        ] {
            assert_eq!(key_value(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn plain_text_that_yaml_reads_otherwise_is_left_to_serde_yaml() {
        assert_eq!(
            scalar("Ada Okafor"),
            Some(Value::String("Ada Okafor".into()))
        );
        assert_eq!(scalar("a:b"), Some(Value::String("a:b".into())));
        assert_eq!(scalar("a#b"), Some(Value::String("a#b".into())));
        for refused in [
            "a: b",
            "a #b",
            "ends:",
            "trailing ",
            "TRUE",
            "Off",
            "~",
            ".NaN",
        ] {
            assert_eq!(scalar(refused), None, "{refused:?}");
        }
    }
}
