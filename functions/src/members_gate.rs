//! The members-only part of the site: files of the built site's `members/`
//! folder, served only to a session whose roles may see them.
//!
//! | path | who ([`mentoring::permissions`] action) |
//! |---|---|
//! | `/members/mentors/` (the directory and files directly in it) | [`Action::ViewMentorDirectory`]: mentees, committee, chair, staff |
//! | `/members/expertise/**` (mentors by expertise) | [`Action::ViewMentorDirectory`] |
//! | `/members/mentors/<slug>/**` (a profile) | [`Action::ViewMentorProfile`], or [`Action::ViewOwnProfile`] when `members/access.json` maps `<slug>` to the caller |
//! | everything else under `/members/` | [`Action::ViewMembersPages`]: any signed-in member |
//!
//! Anonymous callers get a 303 to `/auth/login?next=<path>` (whether or not
//! the file exists); signed-in callers without the role get 403. Paths with
//! `..`, `.`-segments, hidden names, backslashes or NUL are refused (400), and
//! `members/access.json` itself is never served.
//!
//! `members/access.json` is written by the generator: `{"mentors": {"<slug>":
//! "<member_id>"}}`; without it, no mentor is recognised as a profile's owner.

use async_trait::async_trait;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use mentoring::permissions::{permitted, Action};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::auth::Identity;

/// URL prefix of the members-only pages.
pub const MEMBERS_PREFIX: &str = "/members/";
/// The manifest of who owns which profile, relative to `members/`.
pub const ACCESS_MANIFEST: &str = "access.json";

/// Where the members-only files are: the built site's `members/` folder on
/// disk ([`DiskMembersFiles`]) or, on AWS, a private bucket.
#[async_trait]
pub trait MembersFiles: Send + Sync {
    /// The file at `rel` (a checked, `/`-separated path relative to
    /// `members/`, e.g. `mentors/ada/index.html`); `None` when it does not
    /// exist or is a folder.
    async fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>>;
}

/// [`MembersFiles`] from a folder (`site/members` after `duos build`).
#[derive(Debug, Clone)]
pub struct DiskMembersFiles {
    root: PathBuf,
}

impl DiskMembersFiles {
    pub fn new(members_dir: impl Into<PathBuf>) -> DiskMembersFiles {
        DiskMembersFiles {
            root: members_dir.into(),
        }
    }
}

#[async_trait]
impl MembersFiles for DiskMembersFiles {
    async fn read(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        // `rel` is already checked; also refuse anything that resolves
        // outside the folder (a symlink planted in the output).
        let root = self.root.clone();
        let rel = rel.to_string();
        tokio::task::spawn_blocking(move || read_inside(&root, &rel))
            .await
            .map_err(io::Error::other)?
    }
}

fn read_inside(root: &Path, rel: &str) -> io::Result<Option<Vec<u8>>> {
    let path = rel
        .split('/')
        .fold(root.to_path_buf(), |p, segment| p.join(segment));
    let (Ok(root), Ok(real)) = (root.canonicalize(), path.canonicalize()) else {
        return Ok(None);
    };
    if !real.starts_with(&root) || !real.is_file() {
        return Ok(None);
    }
    match std::fs::read(&real) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `members/access.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AccessManifest {
    /// Profile slug -> the mentor's roster member id.
    #[serde(default)]
    pub mentors: BTreeMap<String, String>,
}

/// What a members-only path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembersPage {
    /// The mentor directory (and files directly in `mentors/`).
    Directory,
    /// An expertise page (mentors by expertise term).
    Expertise,
    /// A mentor's profile (or a file in its folder, e.g. a photo).
    Profile { slug: String },
    /// Any other members-only page.
    Other,
    /// Internal files never served (the access manifest).
    Internal,
}

/// Why a path was refused before looking at anyone's roles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad members path: {0}")]
pub struct BadPath(pub String);

/// The checked file path (relative to `members/`) a request path names, and
/// what kind of page it is. `/members/` is `index.html`, a trailing `/` adds
/// `index.html`.
pub fn resolve_path(url_path: &str) -> Result<(String, MembersPage), BadPath> {
    let rest = url_path
        .strip_prefix(MEMBERS_PREFIX)
        .or_else(|| (url_path == "/members").then_some(""))
        .ok_or_else(|| BadPath("not under /members/".into()))?;
    let decoded = crate::http::text::percent_decode_path(rest)
        .ok_or_else(|| BadPath("bad percent-encoding".into()))?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return Err(BadPath("backslash or control character".into()));
    }
    let mut segments: Vec<&str> = decoded.split('/').collect();
    let dir = decoded.is_empty() || decoded.ends_with('/');
    if dir {
        segments.pop();
    }
    for s in &segments {
        if s.is_empty() || s.starts_with('.') {
            return Err(BadPath(format!("segment {s:?}")));
        }
    }
    if dir {
        segments.push("index.html");
    }
    let rel = segments.join("/");
    // Classified case-insensitively: on a case-insensitive disk (or
    // bucket front) `Mentors/ada/` reads the same file as `mentors/ada/`,
    // so it must meet the same rule.
    let folded: Vec<String> = segments.iter().map(|s| s.to_lowercase()).collect();
    let folded: Vec<&str> = folded.iter().map(String::as_str).collect();
    let page = match folded.as_slice() {
        [ACCESS_MANIFEST] => MembersPage::Internal,
        ["mentors", _file] => MembersPage::Directory,
        ["mentors", slug, ..] => MembersPage::Profile {
            slug: slug.to_string(),
        },
        ["expertise", ..] => MembersPage::Expertise,
        _ => MembersPage::Other,
    };
    Ok((rel, page))
}

/// The gate's answer for one caller and one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Anonymous: sign in first.
    SignIn,
    /// Signed in without the role.
    Forbidden,
    /// Never served.
    NotFound,
}

/// Decides, asking [`mentoring::permissions`] for every rule.
pub fn decide(
    identity: Option<&Identity>,
    page: &MembersPage,
    access: &AccessManifest,
) -> Decision {
    let Some(identity) = identity else {
        return Decision::SignIn;
    };
    let roles = &identity.roles;
    if !permitted(roles, Action::ViewMembersPages) {
        // No role at all is anonymous to the permission table.
        return Decision::SignIn;
    }
    let allowed = match page {
        MembersPage::Internal => return Decision::NotFound,
        MembersPage::Other => true,
        MembersPage::Directory | MembersPage::Expertise => {
            permitted(roles, Action::ViewMentorDirectory)
        }
        MembersPage::Profile { slug } => {
            permitted(roles, Action::ViewMentorProfile)
                || (permitted(roles, Action::ViewOwnProfile)
                    && access
                        .mentors
                        .get(slug)
                        .is_some_and(|owner| *owner == identity.member_id))
        }
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbidden
    }
}

/// Serves `/members/*` through [`MembersFiles`].
#[derive(Clone)]
pub struct MembersGate {
    files: Arc<dyn MembersFiles>,
}

impl fmt::Debug for MembersGate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MembersGate").finish_non_exhaustive()
    }
}

impl MembersGate {
    pub fn new(files: Arc<dyn MembersFiles>) -> MembersGate {
        MembersGate { files }
    }

    /// A gate over a `members/` folder on disk.
    pub fn disk(members_dir: impl Into<PathBuf>) -> MembersGate {
        MembersGate::new(Arc::new(DiskMembersFiles::new(members_dir)))
    }

    async fn manifest(&self) -> AccessManifest {
        match self.files.read(ACCESS_MANIFEST).await {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("members/{ACCESS_MANIFEST}: {e}; no mentor owns a profile");
                AccessManifest::default()
            }),
            Ok(None) => AccessManifest::default(),
            Err(e) => {
                tracing::warn!("members/{ACCESS_MANIFEST}: {e}");
                AccessManifest::default()
            }
        }
    }

    /// Serves a members-only file to `identity` (`None`: anonymous, i.e. no
    /// valid session). Returns `None` when the path is not under `/members`.
    pub async fn serve<B>(
        &self,
        identity: Option<&Identity>,
        req: &Request<B>,
    ) -> Option<Response<Vec<u8>>> {
        let path = req.uri().path();
        if path != "/members" && !path.starts_with(MEMBERS_PREFIX) {
            return None;
        }
        Some(self.serve_path(identity, req.method(), path).await)
    }

    async fn serve_path(
        &self,
        identity: Option<&Identity>,
        method: &Method,
        path: &str,
    ) -> Response<Vec<u8>> {
        if !matches!(*method, Method::GET | Method::HEAD) {
            let mut resp = simple(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
            resp.headers_mut()
                .insert(http::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return resp;
        }
        // Anonymous callers learn nothing, not even whether a path is valid.
        if identity.is_none() {
            return sign_in_redirect(path);
        }
        let (rel, page) = match resolve_path(path) {
            Ok(x) => x,
            Err(_) => return simple(StatusCode::BAD_REQUEST, "Bad request"),
        };
        let access = match page {
            MembersPage::Profile { .. } => self.manifest().await,
            _ => AccessManifest::default(),
        };
        match decide(identity, &page, &access) {
            Decision::Allow => {}
            Decision::SignIn => return sign_in_redirect(path),
            Decision::NotFound => return simple(StatusCode::NOT_FOUND, "Not found"),
            Decision::Forbidden => {
                return simple(
                    StatusCode::FORBIDDEN,
                    "This page is for mentees and the mentoring committee",
                )
            }
        }
        match self.files.read(&rel).await {
            Ok(Some(bytes)) => {
                let body = if *method == Method::HEAD {
                    Vec::new()
                } else {
                    bytes
                };
                let mut resp = Response::new(body);
                let h = resp.headers_mut();
                h.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static(crate::http::text::content_type(&rel)),
                );
                h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
                h.insert(http::header::VARY, HeaderValue::from_static("Cookie"));
                // The site's own pages: the site's policy comes from the edge.
                crate::http::security::add_security_headers(h, None);
                resp
            }
            Ok(None) => {
                // `/members/mentors` -> `/members/mentors/` when that exists.
                if !path.ends_with('/') && !rel.contains('.') {
                    if let Ok(Some(_)) = self.files.read(&format!("{rel}/index.html")).await {
                        let mut resp = Response::new(Vec::new());
                        *resp.status_mut() = StatusCode::PERMANENT_REDIRECT;
                        if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
                            resp.headers_mut().insert(LOCATION, v);
                        }
                        return resp;
                    }
                }
                simple(StatusCode::NOT_FOUND, "Not found")
            }
            Err(e) => {
                tracing::warn!("members/{rel}: {e}");
                simple(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
            }
        }
    }
}

fn sign_in_redirect(path: &str) -> Response<Vec<u8>> {
    let next = crate::http::response::query_value(path);
    let mut resp = Response::new(Vec::new());
    *resp.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(&format!("/auth/login?next={next}")) {
        resp.headers_mut().insert(LOCATION, v);
    }
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn simple(status: StatusCode, title: &str) -> Response<Vec<u8>> {
    crate::auth::error_page(status, title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified() {
        let ok = |p: &str| resolve_path(p).unwrap();
        assert_eq!(ok("/members/"), ("index.html".into(), MembersPage::Other));
        assert_eq!(
            ok("/members/mentors/"),
            ("mentors/index.html".into(), MembersPage::Directory)
        );
        assert_eq!(
            ok("/members/mentors/ada-lovelace/"),
            (
                "mentors/ada-lovelace/index.html".into(),
                MembersPage::Profile {
                    slug: "ada-lovelace".into()
                }
            )
        );
        assert_eq!(
            ok("/members/expertise/budgeting/").1,
            MembersPage::Expertise
        );
        assert_eq!(ok("/members/access.json").1, MembersPage::Internal);
        assert_eq!(ok("/members/surveys/midpoint/").1, MembersPage::Other);
    }

    #[test]
    fn traversal_is_refused() {
        for p in [
            "/members/../public/index.html",
            "/members/%2e%2e/secret",
            "/members/mentors/..%2f..%2fetc/passwd",
            "/members//etc",
            "/members/.hidden",
            "/members/a\\b",
            "/members/a%00b",
            "/members/%zz",
            "/members/mentors/%2E%2E/",
        ] {
            assert!(resolve_path(p).is_err(), "{p}");
        }
    }
}
