//! What the handlers know about the program: `content/program.yaml` and
//! `content/surveys/*.yaml` (the same files the site is built from), the
//! survey HMAC secret. The program's day is in its `timezone:` (IANA, in
//! program.yaml), daylight saving included ([`mentoring::program::Program::moment`]).
//!
//! Loaded once per process (Lambda cold start, `duos serve` start):
//!
//! | env var | meaning | default |
//! |---|---|---|
//! | `DUOS_CONTENT_DIR` | the content folder | `./content` |
//! | `DUOS_SURVEY_SECRET` | HMAC key of the one-answer-per-person `DONE#` items, at least 32 bytes; keep it out of the data store | required |
//! | `DUOS_SESSION_SECRET` | session signing key, at least 32 bytes | required |
//! | `DUOS_SITE_ORIGIN` | the site's origin for cookies and the Origin check | `base_url` of program.yaml |
//!
//! (`DUOS_UTC_OFFSET`, a fixed offset, is gone: it was wrong half the year.
//! A function that still finds it set refuses to start, naming `timezone:`.)
//!
//! A file that does not parse is reported as `file:line:column: what is
//! wrong`; a program that parses but breaks a calendar rule as
//! `file: field: what is wrong`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use mentoring::calendar::validate_survey_windows;
use mentoring::program::Program;
use mentoring::survey::Survey;

/// Env var naming the content folder.
pub const CONTENT_DIR_ENV: &str = "DUOS_CONTENT_DIR";
/// Env var holding the survey dedupe HMAC secret.
pub const SURVEY_SECRET_ENV: &str = "DUOS_SURVEY_SECRET";
/// Env var holding the session signing secret.
pub const SESSION_SECRET_ENV: &str = "DUOS_SESSION_SECRET";
/// Env var naming the site's origin.
pub const SITE_ORIGIN_ENV: &str = "DUOS_SITE_ORIGIN";
/// The env var of the fixed offset that `timezone:` replaced.
pub const RETIRED_UTC_OFFSET_ENV: &str = "DUOS_UTC_OFFSET";
/// Least length of a secret, in bytes.
pub const MIN_SECRET_LEN: usize = 32;

/// The program as the handlers see it. Shared as `Arc<Config>`.
#[derive(Clone)]
pub struct Config {
    /// `content/program.yaml`.
    pub program: Program,
    /// `content/surveys/<id>.yaml` by id.
    pub surveys: BTreeMap<String, Survey>,
    /// Key of [`mentoring::answers::dedupe_key`].
    pub survey_secret: Vec<u8>,
    /// Where the content was read from.
    pub content_dir: PathBuf,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("program", &self.program.name)
            .field("surveys", &self.surveys.keys().collect::<Vec<_>>())
            .field("survey_secret", &"<redacted>")
            .field("timezone", &self.program.timezone)
            .field("content_dir", &self.content_dir)
            .finish()
    }
}

/// Why the configuration could not be loaded; `Display` is one line per
/// problem, each starting with the file (and position) it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct ConfigError {
    /// `file:line:column: message` (or `file: field: message`, or `VAR: message`).
    pub problems: Vec<String>,
}

impl Config {
    /// Reads `<content_dir>/program.yaml` and `<content_dir>/surveys/*.yaml`
    /// and checks them; every problem of every file is reported at once.
    pub fn load(
        content_dir: impl AsRef<Path>,
        survey_secret: Vec<u8>,
    ) -> Result<Config, ConfigError> {
        let dir = content_dir.as_ref();
        let mut problems = Vec::new();
        if survey_secret.len() < MIN_SECRET_LEN {
            problems.push(format!(
                "{SURVEY_SECRET_ENV}: the survey secret must be at least {MIN_SECRET_LEN} bytes"
            ));
        }
        let program_path = dir.join("program.yaml");
        let program: Option<Program> = match read_yaml(&program_path) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(e);
                None
            }
        };
        if let Some(p) = &program {
            for e in p.validate() {
                problems.push(format!(
                    "{}: {}: {}",
                    program_path.display(),
                    e.field,
                    e.message
                ));
            }
        }
        let mut surveys = BTreeMap::new();
        let survey_dir = dir.join("surveys");
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&survey_dir) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                problems.push(format!("{}: {e}", survey_dir.display()));
                Vec::new()
            }
        };
        files.sort();
        for path in files {
            let survey: Survey = match read_yaml(&path) {
                Ok(s) => s,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            if survey.id != stem {
                problems.push(format!(
                    "{}: id: the survey id {:?} must equal the file name {:?}",
                    path.display(),
                    survey.id,
                    stem
                ));
            }
            if let Some(p) = &program {
                for e in validate_survey_windows(p, &survey) {
                    problems.push(format!("{}: {}: {}", path.display(), e.field, e.message));
                }
            }
            surveys.insert(survey.id.clone(), survey);
        }
        match program {
            Some(program) if problems.is_empty() => Ok(Config {
                program,
                surveys,
                survey_secret,
                content_dir: dir.to_owned(),
            }),
            _ => Err(ConfigError { problems }),
        }
    }

    /// A survey definition by id.
    pub fn survey(&self, id: &str) -> Option<&Survey> {
        self.surveys.get(id)
    }
}

fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}:1:1: cannot read: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| match e.location() {
        Some(loc) => format!("{}:{}:{}: {e}", path.display(), loc.line(), loc.column()),
        None => format!("{}:1:1: {e}", path.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("content")
    }

    #[test]
    fn the_real_content_loads() {
        let c = Config::load(content(), vec![7; 32]).unwrap();
        assert_eq!(c.program.cohorts[0].mentee_cap, 25);
        assert!(c.survey("midpoint").is_some());
        assert!(c.survey("final").is_some());
        assert!(!format!("{c:?}").contains("7, 7"));
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("program.yaml"), "name: x\nbogus: [\n").unwrap();
        let e = Config::load(dir.path(), vec![0; 32]).unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        let p = &e.problems[0];
        assert!(p.contains("program.yaml:"), "{p}");
        let after = p.split("program.yaml:").nth(1).unwrap();
        let mut parts = after.split(':');
        assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{p}");
        assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{p}");
    }

    #[test]
    fn short_secrets_and_bad_surveys_are_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            content().join("program.yaml"),
            dir.path().join("program.yaml"),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("surveys")).unwrap();
        let survey = std::fs::read_to_string(content().join("surveys/midpoint.yaml")).unwrap();
        std::fs::write(dir.path().join("surveys/other.yaml"), survey).unwrap();
        std::fs::write(dir.path().join("surveys/bad.yaml"), "id: bad\nunknown: 1\n").unwrap();
        let e = Config::load(dir.path(), vec![0; 3]).unwrap_err();
        assert_eq!(e.problems.len(), 3, "{e}");
        assert!(e.problems[0].starts_with(SURVEY_SECRET_ENV));
        assert!(e.problems[1].contains("bad.yaml:"));
        assert!(e.problems[2].contains("other.yaml: id:"));
    }
}
