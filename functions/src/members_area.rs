//! Everything under the site's members area that is not the API: the same
//! code answers in the `session` Lambda function (files from the private
//! members bucket, `duos_lambda::members_bucket`) and under `duos serve` (files
//! from `site/members`, [`DiskMembersFiles`](crate::members_gate::DiskMembersFiles)).
//!
//! 1. The pages rendered per request ([`crate::views`], the committee's
//!    report among them), inside the layout of a built page ([`VIEW_SHELL`]).
//! 2. Every other path under `/members/`: a built file through the
//!    [`MembersGate`], for the session's member with their roles from the
//!    store.

use std::sync::Arc;

use http::header::CONTENT_TYPE;
use http::{Method, Request, Response, StatusCode};

use crate::app::App;
use crate::auth::Identity;
use crate::members_gate::{MembersFiles, MembersGate, MEMBERS_PREFIX};
use crate::views;

/// The built page whose layout the views are rendered into (relative to
/// `members/`): the mentor directory, which every build has.
pub const VIEW_SHELL: &str = "mentors/index.html";

/// Whether `path` is the members area's (a view, or under `/members`).
pub fn answers(path: &str) -> bool {
    views::is_view(path) || path == "/members" || path.starts_with(MEMBERS_PREFIX)
}

/// A view or a members file for `req`; `None` when the path is neither
/// (the caller goes on: the API router, the public site).
pub async fn handle(
    app: &App,
    files: &Arc<dyn MembersFiles>,
    req: &Request<Vec<u8>>,
) -> Option<Response<Vec<u8>>> {
    let path = req.uri().path();
    let read = matches!(*req.method(), Method::GET | Method::HEAD)
        || (*req.method() == Method::POST && path == views::profile::PREVIEW_PATH);
    if read && views::is_view(path) {
        let shell = shell(files.as_ref()).await;
        return views::handle(app, req, shell.as_deref()).await;
    }
    if path == "/members" || path.starts_with(MEMBERS_PREFIX) {
        return Some(members_file(app, files, req).await);
    }
    None
}

/// The layout page for the views; `None` (a plain layout) when it cannot
/// be read.
pub async fn shell(files: &dyn MembersFiles) -> Option<String> {
    match files.read(VIEW_SHELL).await {
        Ok(Some(bytes)) => String::from_utf8(bytes).ok(),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("members/{VIEW_SHELL}: {e}");
            None
        }
    }
}

/// A file of the members area through the gate: the session decides who
/// is asking (none: the sign-in), the store which roles they hold.
pub async fn members_file(
    app: &App,
    files: &Arc<dyn MembersFiles>,
    req: &Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    let identity = match identity(app, req).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!("the members area: {e}");
            return Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(b"The members area is not available right now; please try again.".to_vec())
                .expect("valid response");
        }
    };
    match MembersGate::new(Arc::clone(files))
        .serve(identity.as_ref(), req)
        .await
    {
        Some(resp) => resp,
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Vec::new())
            .expect("valid response"),
    }
}

/// The signed-in caller with their roles; `None` without a valid session.
async fn identity(
    app: &App,
    req: &Request<Vec<u8>>,
) -> Result<Option<Identity>, crate::store::StoreError> {
    let signed_in = crate::roles::signed_in(app, req.headers(), &app.moment()).await?;
    Ok(signed_in.map(|s| Identity::new(s.session.member_id, s.roles)))
}
