//! Parsing and validating the roster CSV: every row's problems, each with
//! its line and column.

use super::*;

/// One problem of a roster file: where (line, column) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file (`None` for the file as a whole).
    pub line: Option<u64>,
    /// The column the problem is in, when it is about one field.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.field) {
            (Some(l), Some(field)) => write!(f, "line {l}: {field}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(field)) => write!(f, "{field}: {}", self.message),
            (None, None) => write!(f, "{}", self.message),
        }
    }
}

pub(super) fn err(line: Option<u64>, field: Option<&str>, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.map(String::from),
        message: message.into(),
    }
}

/// A roster that failed validation: every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterErrors(pub Vec<RowError>);

impl fmt::Display for RosterErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RosterErrors {}

/// A validated roster row and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub line: u64,
    pub member: Member,
}

/// Parses and validates a roster CSV. `categories`: the program's member
/// categories (`eligibility.member_categories`); when given, a category
/// outside them is an error and the program's spelling is kept.
pub fn parse_roster(
    csv_text: &[u8],
    categories: Option<&[String]>,
) -> Result<Vec<RosterRow>, RosterErrors> {
    let text = csv_text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(csv_text);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(RosterErrors(vec![err(None, None, "the file is empty")]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text);
    let mut errors = Vec::new();

    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(RosterErrors(vec![err(
                Some(1),
                None,
                format!("unreadable header: {e}"),
            )]))
        }
    };
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = h.to_ascii_lowercase();
        if let Some(col) = COLUMNS.iter().find(|c| **c == name) {
            if index.insert(col, i).is_some() {
                errors.push(err(
                    Some(1),
                    Some(col),
                    "the column appears twice in the header",
                ));
            }
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        errors.push(err(
            Some(1),
            None,
            format!(
                "the header lacks the column(s) {} (expected {})",
                missing.join(", "),
                COLUMNS.join(",")
            ),
        ));
        return Err(RosterErrors(errors));
    }

    let mut rows = Vec::new();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                errors.push(err(line, None, format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue; // a blank line
        }
        if record.len() != headers.len() {
            errors.push(err(
                Some(line),
                None,
                format!(
                    "the row has {} fields, the header {}",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let get = |col: &str| record.get(index[col]).unwrap_or("");
        let before = errors.len();

        let member_id = get("member_id");
        if member_id.is_empty() {
            errors.push(err(Some(line), Some("member_id"), "is empty"));
        } else if member_id.len() > 64
            || !member_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            errors.push(err(
                Some(line),
                Some("member_id"),
                format!(
                    "{member_id:?} is not a member id (letters, digits, - _ . only; at most 64)"
                ),
            ));
        } else if let Some(first) = seen_ids.get(member_id) {
            errors.push(err(
                Some(line),
                Some("member_id"),
                format!("duplicate member id {member_id:?} (first on line {first})"),
            ));
        } else {
            seen_ids.insert(member_id.to_string(), line);
        }

        let name = get("name");
        if name.is_empty() {
            errors.push(err(Some(line), Some("name"), "is empty"));
        }

        let email = get("email");
        // The profile form's rule for an address (mentoring), and the
        // 254 characters a mailbox can hold.
        let email_ok = mentoring::profile::is_email(email) && email.len() <= 254;
        if !email_ok {
            errors.push(err(
                Some(line),
                Some("email"),
                format!("{email:?} is not an e-mail address"),
            ));
        } else if let Some(first) = seen_emails.get(&email.to_lowercase()) {
            errors.push(err(
                Some(line),
                Some("email"),
                format!("{email:?} is already the address of the member on line {first}"),
            ));
        } else {
            seen_emails.insert(email.to_lowercase(), line);
        }

        let joined = match NaiveDate::parse_from_str(get("joined"), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(err(
                    Some(line),
                    Some("joined"),
                    format!("{:?} is not a date like 2007-09-01", get("joined")),
                ));
                None
            }
        };

        let mut category = get("category").to_string();
        if category.is_empty() {
            errors.push(err(Some(line), Some("category"), "is empty"));
        } else if let Some(known) = categories {
            match known.iter().find(|k| k.eq_ignore_ascii_case(&category)) {
                Some(k) => category = k.clone(),
                None => errors.push(err(
                    Some(line),
                    Some("category"),
                    format!(
                        "{category:?} is not one of the program's categories ({})",
                        known.join(", ")
                    ),
                )),
            }
        }

        let good_standing = match get("good_standing").to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            other => {
                errors.push(err(
                    Some(line),
                    Some("good_standing"),
                    format!("{other:?} is not one of true, false, yes, no"),
                ));
                None
            }
        };

        if errors.len() == before {
            rows.push(RosterRow {
                line,
                member: Member {
                    member_id: member_id.to_string(),
                    name: name.to_string(),
                    email: email.to_string(),
                    joined: joined.expect("checked"),
                    category,
                    good_standing: good_standing.expect("checked"),
                },
            });
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(err(None, None, "the file has a header but no members"));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(RosterErrors(errors))
    }
}
