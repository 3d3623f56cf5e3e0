//! Build errors: `path:line:column: message`, collected and reported together.

use std::fmt;
use std::path::{Path, PathBuf};

/// One error of a build, tied to a file (relative to the site root).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path of the file, relative to the site root (`content/mentors/ada.yaml`).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(path: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        let mut d = Diagnostic::new(path, message);
        if let Some(p) = pos {
            d.line = Some(p.line);
            d.column = Some(p.column);
        }
        d
    }

    /// A serde_yaml error: its location (shifted by `line_offset` lines, for
    /// front matter that starts below line 1) and its message without the
    /// trailing "at line N column M".
    pub fn yaml(path: &Path, err: &serde_yaml::Error, line_offset: usize) -> Self {
        let pos = err.location().map(|l| Pos {
            line: l.line() + line_offset,
            column: l.column(),
        });
        Diagnostic::at(path, pos, yaml_message(err))
    }
}

/// The message of a serde_yaml error, without its position.
pub fn yaml_message(err: &serde_yaml::Error) -> String {
    let text = err.to_string();
    // libyaml: "{problem} at line L column C, {context} at line L column C".
    let mut parts = text.split(" at line ");
    let mut joined = parts.next().unwrap_or_default().to_string();
    for rest in parts {
        if let Some((_, context)) = rest.split_once(", ") {
            joined.push_str(", ");
            joined.push_str(context);
        }
    }
    let msg = joined.as_str();
    // Prefer "missing required field" wording for missing fields.
    if let Some(rest) = msg.strip_prefix("missing field `") {
        if let Some(name) = rest.strip_suffix('`') {
            return format!("missing required field \"{name}\"");
        }
    }
    if let Some((path, rest)) = msg.split_once(": missing field `") {
        if let Some(name) = rest.strip_suffix('`') {
            return format!("missing required field \"{name}\" (in {path})");
        }
    }
    msg.to_string()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display().to_string().replace('\\', "/"))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// Every error of a build. `Display` prints one per line, each ending in a
/// newline, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
    /// Sorts by path, line, column, message and removes exact duplicates.
    pub fn normalize(&mut self) {
        self.0.sort_by(|a, b| {
            (
                &a.path,
                a.line.unwrap_or(0),
                a.column.unwrap_or(0),
                &a.message,
            )
                .cmp(&(
                    &b.path,
                    b.line.unwrap_or(0),
                    b.column.unwrap_or(0),
                    &b.message,
                ))
        });
        self.0.dedup();
    }
    /// `Err(self)` when there is anything in it.
    pub fn into_result(mut self) -> Result<(), Diagnostics> {
        if self.is_empty() {
            Ok(())
        } else {
            self.normalize();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Line and column (in characters, 1-based) of a byte offset in `text`.
pub fn pos_of_offset(text: &str, offset: usize) -> Pos {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    Pos { line, column }
}

/// Indentation (in bytes of spaces) of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_key_line(line: &str, key: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let t = t.strip_prefix("- ").unwrap_or(t);
    match t.strip_prefix(key) {
        Some(rest) => {
            let rest = rest.trim_start_matches(' ');
            rest.starts_with(':')
        }
        None => false,
    }
}

/// Position of a top-level `key:` in a YAML document.
pub fn key_pos(text: &str, key: &str) -> Option<Pos> {
    key_pos_from(text, 1, key, Some(0))
}

/// Position of `key:` at or after 1-based `from_line`, at the given
/// indentation (or any when `None`); the key may follow a `- `.
pub fn key_pos_from(
    text: &str,
    from_line: usize,
    key: &str,
    at_indent: Option<usize>,
) -> Option<Pos> {
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        if is_key_line(line, key) && (at_indent.is_none() || at_indent == Some(indent(line))) {
            let col = line.find(key).unwrap_or(0);
            return Some(Pos {
                line: i + 1,
                column: line[..col].chars().count() + 1,
            });
        }
    }
    None
}

/// Position of `value` as an item of the top-level list `key` (block or flow
/// style); falls back to the key's own position.
pub fn list_item_pos(text: &str, key: &str, value: &str) -> Option<Pos> {
    let key_at = key_pos(text, key)?;
    let lines: Vec<&str> = text.lines().collect();
    let find_token = |line: &str| -> Option<usize> {
        let mut start = 0;
        while let Some(i) = line[start..].find(value) {
            let at = start + i;
            let before = line[..at].chars().last();
            let after = line[at + value.len()..].chars().next();
            let ok_before = !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
            let ok_after = !after.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
            if ok_before && ok_after {
                return Some(at);
            }
            start = at + value.len();
        }
        None
    };
    // Flow style on the key's line: `expertise: [a, b]`.
    let key_line = lines[key_at.line - 1];
    if let Some(colon) = key_line.find(':') {
        if let Some(at) = find_token(&key_line[colon + 1..]) {
            let at = colon + 1 + at;
            return Some(Pos {
                line: key_at.line,
                column: key_line[..at].chars().count() + 1,
            });
        }
    }
    for (i, line) in lines.iter().enumerate().skip(key_at.line) {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if indent(line) == 0 && !line.starts_with('-') {
            break;
        }
        if let Some(at) = find_token(line) {
            return Some(Pos {
                line: i + 1,
                column: line[..at].chars().count() + 1,
            });
        }
    }
    Some(key_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "name: A\nexpertise:\n  - budgeting\n  - x\nbio: |\n  hi\n";
        assert_eq!(key_pos(text, "bio"), Some(Pos { line: 5, column: 1 }));
        assert_eq!(
            list_item_pos(text, "expertise", "x"),
            Some(Pos { line: 4, column: 5 })
        );
        let flow = "expertise: [budgeting, x]\n";
        assert_eq!(
            list_item_pos(flow, "expertise", "x"),
            Some(Pos {
                line: 1,
                column: 24
            })
        );
        assert_eq!(pos_of_offset("ab\ncdé f", 8), Pos { line: 2, column: 5 });
    }
}
