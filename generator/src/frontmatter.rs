//! Splitting a page into its YAML front matter and markdown body.

use crate::diagnostics::{Diagnostic, Pos};
use serde::Deserialize;
use std::path::Path;

/// Who may read a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    #[default]
    Public,
    Members,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Members => "members",
        }
    }
}

/// The front matter of a page, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub access: Access,
    pub template: Option<String>,
    #[serde(default)]
    pub toc: bool,
}

/// A page split in two: front matter and the body, with the byte offset of the
/// body in the file so positions in the body map back to the file.
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `text` (the whole file at `path`) and parses its front matter.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let start = Pos { line: 1, column: 1 };
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(Diagnostic::at(
            path,
            Some(start),
            "missing front matter: a page starts with a line `---`, then YAML (title: ...), then `---`",
        ));
    }
    let mut offset = first_end;
    let mut close: Option<(usize, usize)> = None;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map(|i| offset + i + 1)
            .unwrap_or(text.len());
        if text[offset..end].trim_end() == "---" {
            close = Some((offset, end));
            break;
        }
        offset = end;
    }
    let Some((yaml_end, body_offset)) = close else {
        return Err(Diagnostic::at(
            path,
            Some(start),
            "front matter is not closed: add a line `---` after it",
        ));
    };
    let yaml = &text[first_end..yaml_end];
    let front: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter::default()
    } else {
        serde_yaml::from_str(yaml).map_err(|e| Diagnostic::yaml(path, &e, 1))?
    };
    let has_title = matches!(front.title.as_deref(), Some(t) if !t.trim().is_empty());
    if !has_title {
        return Err(Diagnostic::at(
            path,
            Some(start),
            "missing required field \"title\" in front matter",
        ));
    }
    Ok(Split {
        front,
        body: &text[body_offset..],
        body_offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_reports() {
        let p = Path::new("content/a.md");
        let s = split(p, "---\ntitle: A\nweight: 2\n---\n# Hi\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("A"));
        assert_eq!(s.body, "# Hi\n");
        let e = split(p, "---\ntitle: A\nweight: [\n---\n").err().unwrap();
        assert_eq!(e.path, p);
        assert!(e.line.unwrap() >= 3, "{e}");
        let e = split(p, "---\ntitle: A\nacess: members\n---\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(3), "{e}");
    }
}
