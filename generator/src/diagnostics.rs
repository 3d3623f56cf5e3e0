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

/// Position of a field path of mentoring's errors (`cohorts[1].launch`,
/// `reporting.min_group_size`, `base_url`): each key under the one before,
/// `[n]` the n-th item (0-based) of that key's list. Falls back to the
/// deepest part found.
pub fn field_path_pos(text: &str, path: &str) -> Option<Pos> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found: Option<Pos> = None;
    // Search from this 1-based line, deeper than this indentation.
    let mut from = 1;
    let mut deeper_than: Option<usize> = None;
    for segment in path.split('.') {
        let (name, index) = match segment.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let mut at = None;
        for (i, line) in lines.iter().enumerate().skip(from - 1) {
            let ind = indent(line);
            if !line.trim().is_empty() && deeper_than.is_some_and(|d| ind <= d) && i + 1 > from {
                break; // left the parent's block
            }
            if is_key_line(line, name)
                && deeper_than.is_none_or(|d| ind > d || line.trim_start().starts_with("- "))
            {
                at = Some((i, ind));
                break;
            }
        }
        let Some((i, ind)) = at else { return found };
        let col = lines[i].find(name).unwrap_or(0);
        found = Some(Pos {
            line: i + 1,
            column: lines[i][..col].chars().count() + 1,
        });
        from = i + 2;
        deeper_than = Some(ind);
        if let Some(n) = index {
            // The n-th "- " item of this key's block.
            let mut seen = 0;
            let mut item = None;
            let mut item_indent = None;
            for (j, line) in lines.iter().enumerate().skip(i + 1) {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let li = indent(line);
                if li < ind || (li == ind && !line.trim_start().starts_with("- ")) {
                    break;
                }
                if line.trim_start().starts_with("- ") && item_indent.is_none_or(|x| x == li) {
                    item_indent = Some(li);
                    if seen == n {
                        item = Some(j);
                        break;
                    }
                    seen += 1;
                }
            }
            let Some(j) = item else { return found };
            let li = indent(lines[j]);
            found = Some(Pos {
                line: j + 1,
                column: li + 3,
            });
            from = j + 1;
            // Keys of the item: on its "- " line or indented past the dash.
            deeper_than = Some(li);
        }
    }
    found
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

/// One step of a field path: `career[1].from` is `Key("career")`,
/// `Index(1)`, `Key("from")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Splits a field path (`career[1].from`, `contact.email`, `expertise[2]`).
pub fn path_steps(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some((n, after)) = inner.split_once(']') else {
                break;
            };
            if let Ok(i) = n.parse() {
                steps.push(Step::Index(i));
            }
            rest = after;
        }
    }
    steps
}

/// Position of the node at a field path in a block-style YAML document: the
/// key of a mapping entry, the `-` of a list item. Falls back to the deepest
/// step found; `None` when not even the first key is there.
pub fn path_pos(text: &str, path: &str) -> Option<Pos> {
    let lines: Vec<&str> = text.lines().collect();
    let skip = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    // The current node: its 0-based line and the byte column of its key or `-`.
    let mut node: Option<(usize, usize)> = None;
    for step in path_steps(path) {
        let next = match (&step, node) {
            (Step::Key(key), None) => (0..lines.len())
                .find(|&i| indent(lines[i]) == 0 && is_key_line(lines[i], key))
                .map(|i| (i, 0)),
            (Step::Key(key), Some((l, c))) => {
                let own = lines[l];
                let is_item = own[c..].starts_with('-');
                // Keys of an item start after its `- `; keys of a mapping
                // value at the indentation of its first line.
                let child = if is_item {
                    Some(c + 1 + (own[c + 1..].len() - own[c + 1..].trim_start().len()))
                } else {
                    (l + 1..lines.len())
                        .find(|&i| !skip(lines[i]))
                        .map(|i| indent(lines[i]))
                        .filter(|&ind| ind > c)
                };
                let own_hit = child.filter(|&ch| is_item && is_key_line(&own[ch..], key));
                if let Some(ch) = own_hit {
                    Some((l, ch))
                } else {
                    child.and_then(|child| {
                        (l + 1..lines.len())
                            .take_while(|&i| skip(lines[i]) || indent(lines[i]) > c)
                            .find(|&i| {
                                !skip(lines[i])
                                    && indent(lines[i]) == child
                                    && !lines[i].trim_start().starts_with('-')
                                    && is_key_line(lines[i], key)
                            })
                            .map(|i| (i, child))
                    })
                }
            }
            (Step::Index(n), Some((l, c))) if flow_item(lines[l], c, *n).is_some() => {
                flow_item(lines[l], c, *n).map(|col| (l, col))
            }
            (Step::Index(n), Some((l, c))) => {
                let mut item_indent = None;
                let mut count = 0;
                let mut hit = None;
                for (i, line) in lines.iter().enumerate().skip(l + 1) {
                    if skip(line) {
                        continue;
                    }
                    let ind = indent(line);
                    let dash = line.trim_start().starts_with('-');
                    if ind < c || (ind == c && !dash) {
                        break;
                    }
                    if !dash {
                        if item_indent.is_some_and(|w| ind <= w) {
                            break;
                        }
                        continue;
                    }
                    let w = *item_indent.get_or_insert(ind);
                    if ind > w {
                        continue;
                    }
                    if ind < w {
                        break;
                    }
                    if count == *n {
                        hit = Some((i, ind));
                        break;
                    }
                    count += 1;
                }
                hit
            }
            (Step::Index(_), None) => None,
        };
        match next {
            Some(found) => node = Some(found),
            None => break,
        }
    }
    node.map(|(line, col)| Pos {
        line: line + 1,
        column: lines[line][..col].chars().count() + 1,
    })
}

/// Byte column of item `n` of a flow list on the line of the key at byte
/// column `c` (`expertise: [a, b]`).
fn flow_item(line: &str, c: usize, n: usize) -> Option<usize> {
    let after_key = &line[c..];
    let colon = after_key.find(':')?;
    let value_at = c + colon + 1;
    let value = &line[value_at..];
    let open = value.find('[')?;
    if !value[..open].trim().is_empty() {
        return None;
    }
    let inner_at = value_at + open + 1;
    let inner = &line[inner_at..];
    let inner = &inner[..inner.find(']').unwrap_or(inner.len())];
    let mut offset = 0;
    for (i, item) in inner.split(',').enumerate() {
        if i == n {
            let lead = item.len() - item.trim_start().len();
            return Some(inner_at + offset + lead);
        }
        offset += item.len() + 1;
    }
    None
}

/// Position of the value at a field path (after `key: `, or the first line
/// below the key when the value is a block); the node's position otherwise.
pub fn value_pos(text: &str, path: &str) -> Option<Pos> {
    let node = path_pos(text, path)?;
    let line = text.lines().nth(node.line - 1)?;
    let from: usize = line
        .char_indices()
        .nth(node.column - 1)
        .map_or(line.len(), |(b, _)| b);
    let rest = &line[from..];
    if let Some(item) = rest.strip_prefix('-') {
        let content = item.trim_start();
        if !content.is_empty() {
            let byte = from + 1 + (item.len() - content.len());
            return Some(Pos {
                line: node.line,
                column: line[..byte].chars().count() + 1,
            });
        }
        return Some(node);
    }
    if let Some(colon) = rest.find(':') {
        let after = &rest[colon + 1..];
        let value = after.trim_start();
        if !value.is_empty() && !value.starts_with('#') {
            let byte = from + colon + 1 + (after.len() - value.len());
            return Some(Pos {
                line: node.line,
                column: line[..byte].chars().count() + 1,
            });
        }
    }
    Some(node)
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

    #[test]
    fn field_paths_to_positions() {
        let text = "name: [Zed]\nexpertise:\n  - a\n  - b\ncareer:\n  - title: T\n    from: 1990\n  -   title: U\n      from: 1999\n      to: 1998\ncontact:\n  email: x\n";
        let at = |line, column| Some(Pos { line, column });
        assert_eq!(
            path_steps("career[1].from"),
            [
                Step::Key("career".into()),
                Step::Index(1),
                Step::Key("from".into())
            ]
        );
        assert_eq!(path_pos(text, "name"), at(1, 1));
        assert_eq!(value_pos(text, "name"), at(1, 7));
        assert_eq!(path_pos(text, "expertise[1]"), at(4, 3));
        assert_eq!(path_pos(text, "career[0].from"), at(7, 5));
        assert_eq!(path_pos(text, "career[1]"), at(8, 3));
        assert_eq!(path_pos(text, "career[1].title"), at(8, 7));
        assert_eq!(path_pos(text, "career[1].to"), at(10, 7));
        assert_eq!(value_pos(text, "career[1].to"), at(10, 11));
        // A key missing in the item: the item itself.
        assert_eq!(path_pos(text, "career[0].to"), at(6, 3));
        assert_eq!(path_pos(text, "contact.email"), at(12, 3));
        assert_eq!(path_pos(text, "contact.phone"), at(11, 1));
        assert_eq!(path_pos(text, "photo"), None);
        let flow = "expertise: [a,  bb, c]\n";
        assert_eq!(path_pos(flow, "expertise[1]"), at(1, 17));
        assert_eq!(value_pos(flow, "expertise[2]"), at(1, 21));
    }
}
