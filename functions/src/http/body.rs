//! Request bodies: JSON (`application/json`) or a plain form post
//! (`application/x-www-form-urlencoded`), at most [`MAX_BODY`] bytes, turned
//! into one JSON object and then into a handler's request type with
//! `deny_unknown_fields`. A serde error becomes a 400 naming the field
//! (`goals`, `answers.satisfaction`, `interests[0]`).

use http::header::CONTENT_TYPE;
use http::HeaderMap;
use mentoring::FieldError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Problem;
use crate::auth::CSRF_FORM_FIELD;

/// Largest accepted request body: 64 KiB.
pub const MAX_BODY: usize = 64 * 1024;

/// Longest id in a request (member ids, request ids, tokens).
pub const MAX_ID_LEN: usize = 128;

/// A parsed request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// A JSON document.
    Json(Value),
    /// Form fields in order (repeated names kept).
    Form(Vec<(String, String)>),
}

/// How form fields become JSON: which names are lists (checkboxes, multiple
/// selects) and which are whole numbers. Unlisted names are strings; a
/// repeated unlisted name is an error unless `repeated_are_lists`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape<'a> {
    /// Always lists, even with one value.
    pub lists: &'a [&'a str],
    /// Whole numbers (text that is not a number is kept, and the type
    /// check names the field).
    pub numbers: &'a [&'a str],
    /// A name given twice becomes a list (survey answers).
    pub repeated_are_lists: bool,
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    Some(
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Whether the request is a plain form post (answered with 303 / HTML).
pub fn is_form(headers: &HeaderMap) -> bool {
    media_type(headers).as_deref() == Some("application/x-www-form-urlencoded")
}

/// Parses a body by its `Content-Type`. The caller has checked the size.
pub fn parse(headers: &HeaderMap, bytes: &[u8]) -> Result<Body, Problem> {
    let media = media_type(headers);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body::Empty);
    }
    match media.as_deref() {
        Some("application/x-www-form-urlencoded") => Ok(Body::Form(
            url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )),
        Some(m) if m == "application/json" || m.ends_with("+json") => {
            serde_json::from_slice(bytes).map(Body::Json).map_err(|e| {
                Problem::field(
                    "body",
                    format!(
                        "The body is not valid JSON (line {}, column {}).",
                        e.line(),
                        e.column()
                    ),
                )
            })
        }
        _ => Err(Problem::unsupported_media_type()),
    }
}

impl Body {
    /// Removes the `_csrf` form field and returns it.
    pub fn take_csrf(&mut self) -> Option<String> {
        match self {
            Body::Form(pairs) => {
                let token = pairs
                    .iter()
                    .find(|(k, _)| k == CSRF_FORM_FIELD)
                    .map(|(_, v)| v.clone());
                pairs.retain(|(k, _)| k != CSRF_FORM_FIELD);
                token
            }
            _ => None,
        }
    }

    /// The body as one JSON object (an empty body is `{}`).
    pub fn into_object(self, shape: Shape<'_>) -> Result<Map<String, Value>, Problem> {
        match self {
            Body::Empty => Ok(Map::new()),
            Body::Json(Value::Object(map)) => Ok(map),
            Body::Json(_) => Err(Problem::field("body", "Send a JSON object.")),
            Body::Form(pairs) => form_object(pairs, shape),
        }
    }

    /// [`Body::into_object`] then [`decode`].
    pub fn decode<T: DeserializeOwned>(self, shape: Shape<'_>) -> Result<T, Problem> {
        decode(self.into_object(shape)?)
    }
}

fn form_object(
    pairs: Vec<(String, String)>,
    shape: Shape<'_>,
) -> Result<Map<String, Value>, Problem> {
    let mut map = Map::new();
    let mut errors = Vec::new();
    for (name, value) in pairs {
        if shape.lists.contains(&name.as_str()) {
            let entry = map.entry(name).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                if !value.is_empty() {
                    list.push(Value::String(value));
                }
            }
            continue;
        }
        let v = if shape.numbers.contains(&name.as_str()) {
            value
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(Value::String(value))
        } else {
            Value::String(value)
        };
        match map.get_mut(&name) {
            None => {
                map.insert(name, v);
            }
            Some(existing) if shape.repeated_are_lists => match existing {
                Value::Array(list) => list.push(v),
                other => {
                    let first = other.take();
                    *other = Value::Array(vec![first, v]);
                }
            },
            Some(_) => {
                // A form's `=a&=b`: there is no name to point at.
                let (field, message) = if name.is_empty() {
                    ("body", "A field without a name was given more than once.")
                } else {
                    (name.as_str(), "This field was given more than once.")
                };
                if !errors.iter().any(|e: &FieldError| e.field == field) {
                    errors.push(FieldError::new(field, message));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(map)
    } else {
        Err(Problem::invalid(errors))
    }
}

/// Deserializes `object` into `T`, mapping a serde error to a 400 that
/// names the field.
pub fn decode<T: DeserializeOwned>(object: Map<String, Value>) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(Value::Object(object)).map_err(|e| {
        Problem::invalid(vec![field_error(
            &e.path().to_string(),
            &e.into_inner().to_string(),
        )])
    })
}

fn backticked(msg: &str, after: &str) -> Option<String> {
    let rest = msg.strip_prefix(after)?;
    let rest = rest.strip_prefix('`')?;
    Some(rest.split('`').next().unwrap_or_default().to_owned())
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." || path == name || path.ends_with(&format!(".{name}")) {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// One serde error as a field error.
pub fn field_error(path: &str, msg: &str) -> FieldError {
    if let Some(name) = backticked(msg, "unknown field ") {
        let parent = path
            .strip_suffix(&name)
            .unwrap_or(path)
            .trim_end_matches('.');
        let field = join(parent, &name);
        if field.is_empty() || name.is_empty() {
            // `{"": 1}` or a form's `=1`: there is no name to point at.
            let at = if parent.is_empty() { "body" } else { parent };
            return FieldError::new(at, "A field without a name is not expected here.");
        }
        return FieldError::new(field, "This field is not expected here.");
    }
    if let Some(name) = backticked(msg, "missing field ") {
        return FieldError::new(join(path, &name), "This field is required.");
    }
    let field = if path.is_empty() || path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    let message = if let Some(rest) = msg.strip_prefix("invalid type: ") {
        match rest.split_once(", expected ") {
            Some((got, expected)) => format!("Expected {expected}, got {got}."),
            None => format!("Wrong type: {rest}."),
        }
    } else if let Some(rest) = msg.strip_prefix("unknown variant ") {
        match rest.split_once(", expected ") {
            Some((got, expected)) => format!("{got} is not allowed; expected {expected}."),
            None => format!("{rest} is not allowed."),
        }
    } else if let Some(rest) = msg.strip_prefix("invalid value: ") {
        match rest.split_once(", expected ") {
            Some((got, expected)) => format!("Expected {expected}, got {got}."),
            None => format!("Invalid value: {rest}."),
        }
    } else {
        let mut m = msg.to_owned();
        if let Some(first) = m.get(..1) {
            m.replace_range(..1, &first.to_uppercase());
        }
        m
    };
    FieldError::new(field, message)
}

/// Checks an id-like text field: non-blank, at most [`MAX_ID_LEN`] characters.
pub fn check_id(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "This field is required."));
    } else if value.chars().count() > MAX_ID_LEN {
        errors.push(FieldError::new(
            field,
            format!("Too long: at most {MAX_ID_LEN} characters."),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct T {
        name: String,
        #[serde(default)]
        years: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn form(s: &str) -> Body {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        parse(&h, s.as_bytes()).unwrap()
    }

    fn json(s: &str) -> Result<Body, Problem> {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        parse(&h, s.as_bytes())
    }

    const SHAPE: Shape<'static> = Shape {
        lists: &["tags"],
        numbers: &["years"],
        repeated_are_lists: false,
    };

    #[test]
    fn forms_become_typed_values() {
        let mut b = form("name=Ada&years=3&tags=a&tags=b&_csrf=tok");
        assert_eq!(b.take_csrf().as_deref(), Some("tok"));
        let t: T = b.decode(SHAPE).unwrap();
        assert_eq!(
            t,
            T {
                name: "Ada".into(),
                years: 3,
                tags: vec!["a".into(), "b".into()]
            }
        );
    }

    /// Found by functions/tests/parsers_never_panic.rs: `{"": 1}` was
    /// refused with an error naming the field "".
    #[test]
    fn a_field_without_a_name_is_refused_with_a_field_named() {
        for b in [
            json(r#"{"name": "x", "years": 1, "": 1}"#).unwrap(),
            form("name=x&years=1&=1"),
        ] {
            let e = b.decode::<T>(SHAPE).unwrap_err();
            assert_eq!(e.errors[0].field, "body");
            assert_eq!(
                e.errors[0].message,
                "A field without a name is not expected here."
            );
        }
    }

    /// Found by functions/tests/parsers_never_panic.rs in a CI run: the
    /// form `=&=` was refused with an error naming the field "".
    #[test]
    fn a_field_without_a_name_given_twice_is_refused_with_a_field_named() {
        let e = form("=&=").decode::<T>(SHAPE).unwrap_err();
        assert_eq!(e.status, 400);
        assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
        assert_eq!(e.errors[0].field, "body");
        assert_eq!(
            e.errors[0].message,
            "A field without a name was given more than once."
        );
    }

    #[test]
    fn errors_name_the_field() {
        let e = form("name=Ada&years=many").decode::<T>(SHAPE).unwrap_err();
        assert_eq!(e.errors[0].field, "years");
        let e = json(r#"{"name": "x", "extra": 1}"#)
            .unwrap()
            .decode::<T>(SHAPE)
            .unwrap_err();
        assert_eq!(e.errors[0].field, "extra");
        assert_eq!(e.status, 400);
        let e = json(r#"{"years": 1}"#)
            .unwrap()
            .decode::<T>(SHAPE)
            .unwrap_err();
        assert_eq!(e.errors[0].field, "name");
        assert_eq!(e.errors[0].message, "This field is required.");
        let e = json(r#"{"name": 5}"#)
            .unwrap()
            .decode::<T>(SHAPE)
            .unwrap_err();
        assert_eq!(e.errors[0].field, "name");
        assert!(
            e.errors[0].message.starts_with("Expected a string"),
            "{:?}",
            e.errors
        );
        let e = json(r#"{"name": "x", "tags": [1]}"#)
            .unwrap()
            .decode::<T>(SHAPE)
            .unwrap_err();
        assert_eq!(e.errors[0].field, "tags[0]");
        let e = form("name=a&name=b").decode::<T>(SHAPE).unwrap_err();
        assert_eq!(e.errors[0].field, "name");
        assert_eq!(
            json("[1]").unwrap().decode::<T>(SHAPE).unwrap_err().errors[0].field,
            "body"
        );
        assert_eq!(json("{").unwrap_err().errors[0].field, "body");
    }

    #[test]
    fn other_media_types_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, "text/plain".parse().unwrap());
        assert_eq!(parse(&h, b"x").unwrap_err().status, 415);
        assert_eq!(parse(&h, b"  ").unwrap(), Body::Empty);
    }
}
