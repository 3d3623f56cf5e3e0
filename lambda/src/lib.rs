//! The Lambda side: each `src/bin/<function>.rs` is a few lines that say
//! what the function is made of: [`serve_api`] with its own route table
//! ([`functions::routes`]) and an [`App`] built from the [`Env`] with only the
//! AWS clients it calls (SES where it mails, S3 where it publishes or reads
//! the members bucket), or [`serve_session`] / [`serve_schedule`]. The
//! [`Env`] is read once per cold start; API Gateway HTTP API (payload 2.0)
//! events then go through [`router::handle_api`], the same code path `duos
//! serve` uses in-process.
//!
//! # What runs where
//! Each binary references only its own handlers, so the linker leaves the
//! others out (sizes per function: BENCHMARKS.md, "Lambda packages"). Each
//! answers only the routes the HTTP API sends it
//! ([`functions::deploy::FUNCTIONS`], the same table the SAM template is
//! checked against; its route table is checked against it); any other path
//! is a 404 problem, so a mis-wired API Gateway route cannot reach another
//! function's handlers with this function's IAM permissions. A path the
//! function owns with another method is the router's 405.
//!
//! | binary | function | serves |
//! |---|---|---|
//! | `applications` | applications | `/api/applications…`, `/api/alumni/volunteer` |
//! | `nominations` | nominations | `/api/nominations…` |
//! | `matches` | matches | `/api/matches…` |
//! | `duos-fn` | duos | `/api/duos…` (not `duos`: that is the CLI's name in the workspace's target folder) |
//! | `surveys` | surveys | `/api/surveys/{id}/…` |
//! | `me` | me | `/api/me`, `/api/alumni` |
//! | `session` | session | `/auth/…`; the members area ([`functions::members_area`]): `/members/…` from the members bucket and the per-member pages ([`functions::views`], with `/apply/done/`, `/nominate/…`) |
//! | `scheduler` | scheduler | no HTTP: each EventBridge Scheduler event runs [`functions::scheduler::tick`] once |
//!
//! # Conversion
//! [`from_lambda`] turns `lambda_http`'s request into the router's
//! `http::Request<Vec<u8>>` (origin-form URI `path?query`, headers including
//! `Cookie` rebuilt from the event's `cookies`, body base64-decoded when the
//! event says so); [`to_lambda`] turns the router's response back (text
//! bodies as text, others base64; `Set-Cookie` headers become the payload's
//! `cookies`).
//!
//! # Features
//! `lambda_http` is an ordinary dependency, so `cargo test --workspace` and
//! `cargo clippy --workspace --all-targets` build these binaries and the
//! tests in `tests/` run them (`tests/lambda_runtime.rs` against a Runtime
//! API emulator on loopback). The crate feature `lambda` is a marker for the
//! deploy build (`cargo lambda build --release -p duos-lambda --features
//! lambda --bins`): it turns on `functions/lambda`, which refuses to compile
//! together with the `duos` CLI's `dev-signin`. A workspace build unifies
//! `dev-signin` into these binaries; the development sign-in still never
//! turns on in them (nothing here enables it, and it refuses whenever
//! `AWS_LAMBDA_FUNCTION_NAME` is set, which the Lambda runtime always sets).
//! Never enable `lambda` from the root package.
//!
//! # Start-up failures
//! If the environment is incomplete (a missing table name, secret...), the
//! error is posted to the Runtime API's `/runtime/init/error` (so it shows
//! in the function's logs and the invoke fails with `Runtime.InitError`),
//! printed, and the process exits non-zero.

use std::convert::Infallible;
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Request, Response, Uri};
use lambda_http::lambda_runtime::LambdaEvent;
use lambda_http::{service_fn, Body, RequestExt};
use serde_json::Value;
use tracing::Instrument;

pub mod members_bucket;

use crate::members_bucket::{S3MembersFiles, S3Target, MEMBERS_BUCKET_ENV};
use functions::app::App;
use functions::auth::{AuthService, MemberDirectory, OidcConfig, SessionConfig};
use functions::clock::SystemClock;
use functions::config::{
    Config, CONTENT_DIR_ENV, RETIRED_UTC_OFFSET_ENV, SESSION_SECRET_ENV, SITE_ORIGIN_ENV,
    SURVEY_SECRET_ENV,
};
use functions::deploy::{self, FunctionSpec};
use functions::http::Problem;
use functions::mail::{MailError, Mailer, SesConfig, SesMailer};
use functions::members_area;
use functions::router::{self, Route};
use functions::scheduler;
use functions::store::{DynamoStore, Store};

/// The Lambda functions, one binary each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// Mentee and mentor applications.
    Applications,
    /// Nominations and their consent links.
    Nominations,
    /// Match requests.
    Matches,
    /// Duos: the chair's and committee's views and actions.
    Duos,
    /// Survey answers and response rates.
    Surveys,
    /// The signed-in member's own data.
    Me,
    /// Sign-in (`/auth/*`) and the members-only files.
    Session,
    /// The hourly job (reminders, expiry, survey invitations).
    Scheduler,
}

impl Function {
    /// Every function, in the order of [`functions::deploy::FUNCTIONS`].
    pub const ALL: [Function; 8] = [
        Function::Applications,
        Function::Nominations,
        Function::Matches,
        Function::Duos,
        Function::Surveys,
        Function::Me,
        Function::Session,
        Function::Scheduler,
    ];

    /// The function's name (the SAM function's, in `deploy::FUNCTIONS`).
    pub fn name(self) -> &'static str {
        match self {
            Function::Applications => "applications",
            Function::Nominations => "nominations",
            Function::Matches => "matches",
            Function::Duos => "duos",
            Function::Surveys => "surveys",
            Function::Me => "me",
            Function::Session => "session",
            Function::Scheduler => "scheduler",
        }
    }

    /// What the function may do on AWS and which routes it serves.
    pub fn spec(self) -> &'static FunctionSpec {
        deploy::function(self.name()).expect("every Function is in deploy::FUNCTIONS")
    }

    /// The binary's name (`cargo build --bins`): the function's name, but
    /// `duos-fn` for `duos`, which would collide with the `duos` CLI.
    pub fn binary(self) -> &'static str {
        self.spec().binary
    }

    /// Whether `path` is one of this function's routes (any method: the
    /// router answers a wrong method with 405). A `/auth/…` path belongs to
    /// the function serving `/auth/login`.
    pub fn owns(self, path: &str) -> bool {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        self.spec().routes.iter().any(|(_, template)| {
            if let Some(prefix) = template.strip_suffix("/{proxy+}") {
                return path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'));
            }
            if template.starts_with("/auth/") && (path == "/auth" || path.starts_with("/auth/")) {
                return true;
            }
            router::match_path(template, path).is_some()
        })
    }

    /// The function that owns `path`, if any.
    pub fn for_path(path: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.owns(path))
    }
}

/// The life of an API function's binary (`src/bin/<function>.rs`): a Tokio
/// runtime, the [`Env`] read once, the [`App`] that `build` makes of it
/// (with just the clients this function uses), then the Runtime API loop,
/// answering this function's paths from `routes` and any other with 404.
pub fn serve_api<F, Fut>(function: Function, routes: &'static [Route], build: F) -> ExitCode
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = Result<App, String>>,
{
    run_binary(function, async move {
        let app = start(function, |env| async move {
            check_table(function, routes)?;
            build(env).await
        })
        .await?;
        lambda_http::run(service_fn(move |request: lambda_http::Request| {
            let app = Arc::clone(&app);
            async move {
                let response = answer_api(&app, function, routes, from_lambda(request)).await;
                Ok::<_, Infallible>(to_lambda(response))
            }
        }))
        .await
    })
}

/// Whether `routes` are exactly the API routes [`functions::deploy::FUNCTIONS`]
/// gives `function` (the template is checked against that table): a
/// binary wired to another function's table refuses to start.
pub fn check_table(function: Function, routes: &[Route]) -> Result<(), String> {
    let mut given: Vec<(&str, &str)> = routes.iter().map(|r| (r.method, r.path)).collect();
    let mut owned: Vec<(&str, &str)> = function
        .spec()
        .routes
        .iter()
        .copied()
        .filter(|(_, path)| path.starts_with("/api/"))
        .collect();
    given.sort_unstable();
    owned.sort_unstable();
    if given == owned {
        Ok(())
    } else {
        Err(format!(
            "its route table {given:?} is not its routes in deploy::FUNCTIONS {owned:?}"
        ))
    }
}

/// The `session` function's binary: sign-in (`/auth/…`) and the members
/// area ([`functions::members_area`]: the views and the members bucket); any
/// other path is a 404.
pub fn serve_session<F, Fut>(build: F) -> ExitCode
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = Result<App, String>>,
{
    let function = Function::Session;
    run_binary(function, async move {
        let app = start(function, build).await?;
        lambda_http::run(service_fn(move |request: lambda_http::Request| {
            let app = Arc::clone(&app);
            async move {
                let response = answer_session(&app, from_lambda(request)).await;
                Ok::<_, Infallible>(to_lambda(response))
            }
        }))
        .await
    })
}

/// One request to an API function, in its request span: the router with
/// `routes` if `function` owns the path, else a 404 problem.
pub async fn answer_api(
    app: &App,
    function: Function,
    routes: &'static [Route],
    request: Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    let span = functions::logging::request_span(&request);
    functions::logging::traced(span, async {
        if function.owns(request.uri().path()) {
            router::handle_api(app, routes, request).await
        } else {
            not_here(request.uri().path())
        }
    })
    .await
}

/// One request to the `session` function, in its request span: the members
/// area, then sign-in; any other path is a 404 problem.
pub async fn answer_session(app: &App, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    let span = functions::logging::request_span(&request);
    functions::logging::traced(span, session_response(app, request)).await
}

async fn session_response(app: &App, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
    if let Some(files) = &app.members {
        if let Some(response) = members_area::handle(app, files, &request).await {
            return response;
        }
    }
    if let Some(response) = router::handle_auth(app, &request).await {
        return response;
    }
    let path = request.uri().path();
    if Function::Session.owns(path) {
        Problem::not_found("No such page.").to_response()
    } else {
        not_here(path)
    }
}

/// The `scheduler` function's binary: each EventBridge Scheduler event
/// runs [`functions::scheduler::tick`] once; no HTTP.
pub fn serve_schedule<F, Fut>(build: F) -> ExitCode
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = Result<App, String>>,
{
    let function = Function::Scheduler;
    run_binary(function, async move {
        let app = start(function, build).await?;
        lambda_http::lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| {
            let app = Arc::clone(&app);
            async move {
                let report = scheduler::tick(&app, app.clock.now())
                    .instrument(tracing::info_span!("scheduler_tick"))
                    .await;
                for error in &report.errors {
                    tracing::error!("scheduler: {error}");
                }
                Ok::<_, Infallible>(serde_json::to_value(&report).unwrap_or(Value::Null))
            }
        }))
        .await
    })
}

/// JSON logs, a Tokio runtime, then `serve` until the sandbox ends.
fn run_binary(
    function: Function,
    serve: impl Future<Output = Result<(), lambda_http::Error>>,
) -> ExitCode {
    functions::logging::init(functions::logging::Format::Json);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(
                function = function.name(),
                "cannot start the async runtime: {e}"
            );
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(function = function.name(), "{e}");
            ExitCode::FAILURE
        }
    }
}

/// The [`Env`], then the [`App`] `build` makes of it; a start-up error is
/// reported to the Runtime API's `/init/error`.
async fn start<F, Fut>(function: Function, build: F) -> Result<Arc<App>, lambda_http::Error>
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = Result<App, String>>,
{
    let built = match Env::load(function).await {
        Ok(env) => build(env).await,
        Err(e) => Err(e),
    };
    match built {
        Ok(app) => Ok(Arc::new(app)),
        Err(e) => {
            let message = format!("{} cannot start: {e}", function.name());
            report_init_error(&message).await;
            Err(message.into())
        }
    }
}

/// Env var naming the DynamoDB table (required).
pub const TABLE_ENV: &str = "DUOS_TABLE";
/// Env var holding the `From` mailbox of SES mail (required), e.g.
/// `LLAMA Mentoring <mentoring@example.org>`.
pub const MAIL_FROM_ENV: &str = "DUOS_MAIL_FROM";
/// Env var naming an SES configuration set (optional).
pub const SES_CONFIGURATION_SET_ENV: &str = "DUOS_SES_CONFIGURATION_SET";
/// Env var naming the SSM SecureString parameter that holds the session
/// secret (used when `DUOS_SESSION_SECRET` itself is not set).
pub const SESSION_SECRET_PARAM_ENV: &str = "DUOS_SESSION_SECRET_PARAM";
/// Env var naming the SSM SecureString parameter that holds the survey
/// secret (used when `DUOS_SURVEY_SECRET` itself is not set).
pub const SURVEY_SECRET_PARAM_ENV: &str = "DUOS_SURVEY_SECRET_PARAM";

/// One Lambda function's settings, read from the environment once per cold
/// start and checked together:
///
/// | env var | meaning |
/// |---|---|
/// | `DUOS_TABLE` | the DynamoDB table (required) |
/// | `DUOS_MAIL_FROM` | the SES `From` mailbox (required where the function mails; a verified identity) |
/// | `DUOS_SES_CONFIGURATION_SET` | SES configuration set (optional) |
/// | `DUOS_SESSION_SECRET` or `DUOS_SESSION_SECRET_PARAM` | the session key, or the name of the SSM SecureString holding it (read once per cold start) |
/// | `DUOS_SURVEY_SECRET` or `DUOS_SURVEY_SECRET_PARAM` | the survey dedupe key, likewise |
/// | `DUOS_MEMBERS_BUCKET` | the private bucket of the members-only pages (required by `session`, which reads it, and by the functions that publish profile changes into it: `applications`, `matches`) |
/// | `DUOS_SITE_ROOT` | the site root (`content/`, `themes/`) profile changes are rendered from (required where they are published; `session` renders the profile preview with it) |
/// | `DUOS_CONTENT_DIR`, `DUOS_SITE_ORIGIN` | see [`functions::config`] |
/// | `DUOS_OIDC_*` | the OpenID provider (`session` only; see [`OidcConfig::from_env`]) |
/// | `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | the region and the function role's credentials, as Lambda sets them (read from the environment alone, not the SDK's default chains: [`functions::aws::environment_config`]) |
/// | `AWS_ENDPOINT_URL` (`_DYNAMODB`, `_SESV2`, `_SSM`, `_S3`) | endpoint overrides (tests: moto) |
///
/// Which settings a function needs is its [`FunctionSpec`]; which clients it
/// builds from them is its binary's choice (`src/bin/<function>.rs`), so a
/// function links only the AWS clients it calls.
pub struct Env {
    /// The function being started.
    pub function: Function,
    table: String,
    from: String,
    config: Arc<Config>,
    session: SessionConfig,
    members_bucket: Option<String>,
    site_root: Option<String>,
    oidc: Option<OidcConfig>,
    /// The AWS clients' shared configuration (region, credentials,
    /// endpoints), from the environment.
    aws: functions::aws::SdkConfig,
}

impl Env {
    /// Reads and checks the settings of `function`; every problem found is
    /// reported in one error.
    pub async fn load(function: Function) -> Result<Env, String> {
        let mut problems = Vec::new();
        let mut required = |name: &str, what: &str| {
            let value = var(name);
            if value.is_none() {
                problems.push(format!("{name}: not set ({what})"));
            }
            value
        };
        let table = required(TABLE_ENV, "the DynamoDB table name");
        let spec = function.spec();
        let members_bucket = if spec.reads_members_bucket || spec.publishes_members {
            required(
                MEMBERS_BUCKET_ENV,
                "the private bucket of the members-only pages",
            )
        } else {
            None
        };
        let from = if spec.mails {
            required(MAIL_FROM_ENV, "the SES sender, a verified identity")
        } else {
            Some(var(MAIL_FROM_ENV).unwrap_or_else(|| "no-reply@duos.invalid".to_owned()))
        };
        let site_root = if spec.publishes_members {
            required(
                functions::publish::SITE_ROOT_ENV,
                "the site root (content/ and themes/) the changed profiles are rendered from",
            )
        } else {
            var(functions::publish::SITE_ROOT_ENV)
        };
        let aws = functions::aws::environment_config(|name| std::env::var(name).ok())
            .map_err(|e| problems.push(e))
            .ok();
        // Both secrets, when read from SSM, share one connection pool.
        let ssm = functions::aws::SsmReader::new();
        // A function that never reads a secret (per deploy::FUNCTIONS, and so
        // has no IAM grant for it) gets a random one: nothing it does depends
        // on it, and nothing it signs with it is accepted anywhere else.
        let session_secret = if spec.reads_session_secret {
            secret(
                SESSION_SECRET_ENV,
                SESSION_SECRET_PARAM_ENV,
                aws.as_ref(),
                &ssm,
            )
            .await
            .map_err(|e| problems.push(e))
            .ok()
        } else {
            Some(random_secret())
        };
        let survey_secret = if spec.reads_survey_secret {
            secret(
                SURVEY_SECRET_ENV,
                SURVEY_SECRET_PARAM_ENV,
                aws.as_ref(),
                &ssm,
            )
            .await
            .map_err(|e| problems.push(e))
            .ok()
        } else {
            Some(random_secret())
        };
        if let Some(v) = var(RETIRED_UTC_OFFSET_ENV) {
            problems.push(format!(
                "{RETIRED_UTC_OFFSET_ENV}={v:?} is no longer read: set the program's IANA time zone \
                 as `timezone:` in content/program.yaml (for example America/Chicago) and remove \
                 the variable"
            ));
        }
        let oidc = if function == Function::Session {
            OidcConfig::from_env().unwrap_or_else(|e| {
                problems.push(format!("DUOS_OIDC_*: {e}"));
                None
            })
        } else {
            None
        };
        let content_dir = var(CONTENT_DIR_ENV).unwrap_or_else(|| "content".to_owned());
        let config = Config::load(&content_dir, survey_secret.unwrap_or_default())
            .map_err(|e| problems.extend(e.problems))
            .ok();
        let session = match (&config, session_secret) {
            (Some(config), Some(secret)) => {
                let origin =
                    var(SITE_ORIGIN_ENV).unwrap_or_else(|| config.program.base_url.clone());
                SessionConfig::new(secret, &origin)
                    .map_err(|e| {
                        problems.push(format!("{SESSION_SECRET_ENV}/{SITE_ORIGIN_ENV}: {e}"))
                    })
                    .ok()
            }
            _ => None,
        };
        let (Some(table), Some(from), Some(config), Some(session), Some(aws), true) =
            (table, from, config, session, aws, problems.is_empty())
        else {
            return Err(problems.join("; "));
        };
        Ok(Env {
            function,
            table,
            from,
            config: Arc::new(config),
            session,
            members_bucket,
            site_root,
            oidc,
            aws,
        })
    }

    /// The function's [`App`]: the DynamoDB store, `mailer`, the system
    /// clock, the program and the sessions.
    pub async fn app(&self, mailer: Arc<dyn Mailer>) -> App {
        let store: Arc<dyn Store> =
            Arc::new(DynamoStore::with_sdk_config(&self.aws, self.table.clone()));
        App::new(
            store,
            mailer,
            Arc::new(SystemClock),
            Arc::clone(&self.config),
            self.session.clone(),
            None,
        )
    }

    /// Mail through SES v2, from `DUOS_MAIL_FROM`.
    pub async fn ses_mailer(&self) -> Arc<dyn Mailer> {
        let mut ses = SesConfig::new(self.from.clone());
        if let Some(set) = var(SES_CONFIGURATION_SET_ENV) {
            ses = ses.configuration_set(set);
        }
        Arc::new(SesMailer::with_sdk_config(&self.aws, ses))
    }

    /// For a function that sends no mail ([`FunctionSpec::mails`] false,
    /// and no SES grant): every send fails, naming the function.
    pub fn no_mailer(&self) -> Arc<dyn Mailer> {
        Arc::new(NoMailer(self.function.name()))
    }

    /// `app` publishing profile changes into the members bucket, rendered
    /// from `DUOS_SITE_ROOT` ([`functions::publish`]).
    pub async fn publishing(&self, app: App) -> App {
        match (&self.site_root, &self.members_bucket) {
            (Some(root), Some(bucket)) => {
                let target = Arc::new(S3Target::connect(&self.aws, bucket.clone()));
                app.with_publisher(Arc::new(functions::publish::Publisher::new(
                    root, false, target,
                )))
            }
            _ => app,
        }
    }

    /// `app` with the members area: the members bucket's files, the profile
    /// form's preview (rendered as it will be published) and sign-in (the
    /// OpenID provider when configured, else `/auth/login` answers 503;
    /// members from the roster in the store; never the development
    /// sign-in).
    pub async fn members_area(&self, mut app: App) -> Result<App, String> {
        if let Some(root) = &self.site_root {
            app = app.with_publisher(Arc::new(functions::publish::Publisher::preview_only(root)));
        }
        if let Some(bucket) = &self.members_bucket {
            app = app.with_members(Arc::new(S3MembersFiles::connect(&self.aws, bucket.clone())));
        }
        let members: Arc<dyn MemberDirectory> = Arc::new(functions::roster::StoreDirectory::new(
            Arc::clone(&app.store),
        ));
        let auth = match self.oidc.clone() {
            Some(oidc) => AuthService::new(app.session.clone(), oidc, members)
                .map_err(|e| format!("DUOS_OIDC_*: {e}"))?,
            None => AuthService::without_provider(app.session.clone(), members),
        };
        app.auth = Some(Arc::new(auth));
        Ok(app)
    }
}

/// The mailer of a function that sends no mail.
struct NoMailer(&'static str);

#[async_trait::async_trait]
impl Mailer for NoMailer {
    async fn send(&self, mail: functions::mail::Mail) -> Result<String, MailError> {
        Err(MailError {
            to: mail.to,
            reason: format!("the {} function sends no mail", self.0),
        })
    }
}

/// 32 random bytes from the system's generator, as hex text.
fn random_secret() -> Vec<u8> {
    functions::records::hex(&functions::records::random_bytes(32)).into_bytes()
}

/// A non-empty env var.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A secret from `direct_env`, else from the SSM SecureString named by
/// `param_env` (one signed `GetParameter`: [`functions::aws::SsmReader`]).
async fn secret(
    direct_env: &str,
    param_env: &str,
    aws: Option<&functions::aws::SdkConfig>,
    ssm: &functions::aws::SsmReader,
) -> Result<Vec<u8>, String> {
    if let Some(value) = var(direct_env) {
        return Ok(value.into_bytes());
    }
    let Some(name) = var(param_env) else {
        return Err(format!(
            "{direct_env}: not set, nor {param_env} (the SSM SecureString holding it)"
        ));
    };
    let Some(aws) = aws else {
        return Err(format!(
            "{param_env}: not read (the AWS configuration above is incomplete)"
        ));
    };
    ssm.get(aws, &name)
        .await
        .map_err(|e| format!("{param_env}: {e}"))
}

/// 404 `application/problem+json` for a path another function owns (or no
/// function does).
fn not_here(path: &str) -> Response<Vec<u8>> {
    Problem::not_found(format!("Nothing here answers {path}.")).to_response()
}

/// `lambda_http`'s request as the router's: origin-form URI, the same
/// headers (with `Cookie` from the event's `cookies`), the body as bytes.
pub fn from_lambda(request: lambda_http::Request) -> Request<Vec<u8>> {
    let request_id = request
        .lambda_context_ref()
        .map(|c| c.request_id.clone())
        .filter(|id| !id.is_empty());
    let (mut parts, body) = request.into_parts();
    if let Some(id) = request_id {
        parts.extensions.insert(functions::logging::RequestId(id));
    }
    let bytes = match body {
        Body::Text(text) => text.into_bytes(),
        Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    if let Some(path_and_query) = parts.uri.path_and_query().cloned() {
        if let Ok(uri) = Uri::builder().path_and_query(path_and_query).build() {
            parts.uri = uri;
        }
    }
    Request::from_parts(parts, bytes)
}

/// The router's response as `lambda_http`'s. Text (by `Content-Type`) goes
/// out as text, anything else base64-encoded; a non-empty body without a
/// `Content-Type` that is not UTF-8 is labelled `application/octet-stream`
/// so it is not mangled into text.
pub fn to_lambda(response: Response<Vec<u8>>) -> Response<Body> {
    let (mut parts, bytes) = response.into_parts();
    if bytes.is_empty() {
        return Response::from_parts(parts, Body::Empty);
    }
    if !parts.headers.contains_key(CONTENT_TYPE) && std::str::from_utf8(&bytes).is_err() {
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
    }
    Response::from_parts(parts, Body::Binary(bytes))
}

/// Posts a start-up failure to the Runtime API (`/runtime/init/error`);
/// best effort (a failure to report is logged). Plain HTTP/1.1 on the
/// sandbox's loopback address, so no HTTP client library is linked for it.
async fn report_init_error(message: &str) {
    tracing::error!("{message}");
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        return;
    };
    let body = serde_json::json!({
        "errorMessage": message,
        "errorType": "Runtime.ConfigError",
        "stackTrace": [],
    })
    .to_string();
    if let Err(e) = post_init_error(&api, &body).await {
        tracing::error!("could not report the start-up error to the Runtime API at {api}: {e}");
    }
}

/// One `POST /2018-06-01/runtime/init/error` to `api` (`host:port`); the
/// reply's status must be 2xx.
async fn post_init_error(api: &str, body: &str) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(api).await?;
    let request = format!(
        "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: {api}\r\n\
         Lambda-Runtime-Function-Error-Type: Runtime.ConfigError\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    // The status line is enough: no need to wait for the connection to close.
    let mut reply = Vec::new();
    let mut chunk = [0u8; 256];
    while !reply.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&chunk[..n]);
    }
    let status = String::from_utf8_lossy(&reply)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok());
    match status {
        Some(code) if (200..300).contains(&code) => Ok(()),
        other => Err(std::io::Error::other(format!(
            "the Runtime API answered {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_follows_the_deploy_table() {
        assert!(Function::Me.owns("/api/me"));
        assert!(Function::Me.owns("/api/me/"));
        assert!(!Function::Me.owns("/api/meetings"));
        assert!(Function::Session.owns("/auth/login"));
        assert!(Function::Session.owns("/members/duos/index.html"));
        assert!(Function::Session.owns("/members"));
        assert!(Function::Session.owns("/members/"));
        assert!(Function::Session.owns("/apply/done/"));
        assert!(!Function::Session.owns("/membership"));
        assert!(!Function::Session.owns("/apply"));
        assert_eq!(
            Function::for_path("/api/applications/x/approve"),
            Some(Function::Applications)
        );
        assert_eq!(Function::for_path("/api/unknown"), None);
        assert_eq!(Function::Duos.binary(), "duos-fn");
        for f in Function::ALL {
            assert_eq!(f.spec().name, f.name());
        }
        // Every API route is served by exactly one function.
        for route in router::ROUTES {
            let concrete = route.path.replace("{id}", "x1");
            let owners: Vec<_> = Function::ALL
                .into_iter()
                .filter(|f| f.owns(&concrete))
                .collect();
            assert_eq!(
                owners.len(),
                1,
                "{} {} owned by {owners:?}",
                route.method,
                route.path
            );
        }
    }

    #[test]
    fn each_table_is_its_functions_routes() {
        use functions::routes;
        let tables = [
            (Function::Applications, routes::APPLICATIONS),
            (Function::Nominations, routes::NOMINATIONS),
            (Function::Matches, routes::MATCHES),
            (Function::Duos, routes::DUOS),
            (Function::Surveys, routes::SURVEYS),
            (Function::Me, routes::ME),
        ];
        for (function, table) in tables {
            assert_eq!(check_table(function, table), Ok(()), "{}", function.name());
        }
        let total: usize = tables.iter().map(|(_, t)| t.len()).sum();
        assert_eq!(total, router::ROUTES.len());
        assert!(check_table(Function::Me, routes::DUOS).is_err());
        assert_eq!(check_table(Function::Session, &[]), Ok(()));
    }

    #[test]
    fn responses_keep_binary_bodies_binary() {
        let response = Response::builder().body(vec![0xff, 0x00, 0xfe]).unwrap();
        let converted = to_lambda(response);
        assert_eq!(
            converted.headers()[CONTENT_TYPE],
            "application/octet-stream"
        );
        assert!(matches!(converted.body(), Body::Binary(b) if b == &[0xff, 0x00, 0xfe]));
        let empty = to_lambda(Response::builder().status(303).body(Vec::new()).unwrap());
        assert!(matches!(empty.body(), Body::Empty));
    }

    #[test]
    fn requests_get_an_origin_form_uri_and_bytes() {
        let request = lambda_http::http::Request::builder()
            .method("POST")
            .uri("https://example.org/api/me?x=1")
            .header("cookie", "a=b")
            .body(Body::Text("{\"k\":1}".into()))
            .unwrap();
        let converted = from_lambda(request);
        assert_eq!(converted.uri().to_string(), "/api/me?x=1");
        assert_eq!(converted.headers()["cookie"], "a=b");
        assert_eq!(converted.body(), b"{\"k\":1}");
    }
}
