//! Development sign-in for `duos serve`: pick one of the seeded accounts, no
//! password.
//!
//! Three locks keep it out of production:
//! 1. it is compiled only with the `dev-signin` feature, which only the
//!    `duos` CLI enables, and a build with the `lambda` feature refuses to
//!    compile with it (`compile_error!` in `auth/mod.rs`);
//! 2. it is off unless [`AuthService::with_dev_signin`] turns it on, which
//!    the Lambda functions never call, and which refuses when the site is not
//!    on localhost;
//! 3. it refuses to turn on, and its routes answer 404, whenever
//!    `AWS_LAMBDA_FUNCTION_NAME` is set (the Lambda runtime always sets it).

use http::{Method, Request, Response, StatusCode};

use super::routes::{
    escape_html, form_field, page, query_param, safe_next, sign_in_response, AuthService,
};
use super::session::{check_origin, is_local_origin};

/// One account offered on the development sign-in page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevAccount {
    /// Roster member id (must exist in the roster).
    pub member_id: String,
    /// What the page shows, e.g. "Ada (mentee)".
    pub label: String,
}

/// The accounts the development sign-in offers.
#[derive(Debug, Clone)]
pub struct DevSignin {
    accounts: Vec<DevAccount>,
}

/// Why the development sign-in refused to turn on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevSigninError {
    #[error("the development sign-in never runs on AWS Lambda (AWS_LAMBDA_FUNCTION_NAME is set)")]
    OnLambda,
    #[error("the development sign-in is only for a site on localhost (site origin {0})")]
    NotLocal(String),
}

/// True inside the AWS Lambda runtime.
pub fn on_lambda() -> bool {
    std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some()
}

impl DevSignin {
    pub fn new(accounts: Vec<DevAccount>) -> Result<DevSignin, DevSigninError> {
        if on_lambda() {
            return Err(DevSigninError::OnLambda);
        }
        Ok(DevSignin { accounts })
    }

    pub fn accounts(&self) -> &[DevAccount] {
        &self.accounts
    }
}

impl AuthService {
    /// Turns the development sign-in on (`duos serve` only).
    pub fn with_dev_signin(mut self, dev: DevSignin) -> Result<AuthService, DevSigninError> {
        if on_lambda() {
            return Err(DevSigninError::OnLambda);
        }
        if self.session.secure_cookie || !is_local_origin(&self.session.site_origin) {
            return Err(DevSigninError::NotLocal(self.session.site_origin.clone()));
        }
        self.dev = Some(dev);
        Ok(self)
    }
}

pub(super) async fn handle<B: AsRef<[u8]>>(
    svc: &AuthService,
    req: &Request<B>,
) -> Response<Vec<u8>> {
    let Some(dev) = svc.dev.as_ref().filter(|_| !on_lambda()) else {
        return page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such sign-in page.",
            None,
        );
    };
    match *req.method() {
        Method::GET | Method::HEAD => chooser(dev, &safe_next(query_param(req, "next").as_deref())),
        Method::POST => {
            // No session exists yet, so there is no CSRF token: the request
            // must at least come from the site itself.
            if let Err(e) = check_origin(&svc.session, req.headers()) {
                return page(StatusCode::FORBIDDEN, "Not signed in", &e.to_string(), None);
            }
            let body = req.body().as_ref();
            let member_id = form_field(body, "member_id").unwrap_or_default();
            let next = safe_next(form_field(body, "next").as_deref());
            if !dev.accounts.iter().any(|a| a.member_id == member_id) {
                return page(
                    StatusCode::FORBIDDEN,
                    "Not signed in",
                    "That account is not offered by the development sign-in.",
                    Some(("/auth/dev", "Choose again")),
                );
            }
            match svc.members.by_id(&member_id).await {
                Ok(Some(member)) => sign_in_response(svc, &member, &next, svc.now()),
                Ok(None) => page(
                    StatusCode::FORBIDDEN,
                    "Not on the member roster",
                    "That seeded account is not on the roster; import the roster first (duos roster import).",
                    Some(("/auth/dev", "Choose again")),
                ),
                Err(e) => page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", &e.to_string(), None),
            }
        }
        _ => page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            "This page does not accept that kind of request.",
            None,
        ),
    }
}

fn chooser(dev: &DevSignin, next: &str) -> Response<Vec<u8>> {
    let mut items = String::new();
    for a in &dev.accounts {
        items.push_str(&format!(
            "<li><form method=\"post\" action=\"/auth/dev\">\
             <input type=\"hidden\" name=\"member_id\" value=\"{id}\">\
             <input type=\"hidden\" name=\"next\" value=\"{next}\">\
             <button type=\"submit\">{label}</button> <small>{id}</small></form></li>\n",
            id = escape_html(&a.member_id),
            label = escape_html(&a.label),
            next = escape_html(next),
        ));
    }
    if items.is_empty() {
        items.push_str("<li>No seeded accounts.</li>");
    }
    crate::http::response::html_page(
        StatusCode::OK,
        "Development sign-in",
        &format!(
            "<p>This local server signs you in as any seeded account, without a password. \
             It exists only in <code>duos serve</code>.</p>\n<ul>\n{items}</ul>\n"
        ),
    )
}
