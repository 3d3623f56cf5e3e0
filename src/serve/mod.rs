//! `duos serve`: the whole program on one machine.
//!
//! One process on 127.0.0.1:
//!
//! | path | what answers |
//! |---|---|
//! | `/api/*`, `/auth/*` | the functions' router ([`functions::router::handle`]), in-process, the same code as on Lambda; `/auth/dev` is the development sign-in |
//! | `/members/*` | the server-rendered pages of `functions::views` (apply, requests, duo, surveys, committee), else the members gate over `DATA/site/members/` |
//! | `/_livereload` | Server-Sent Events: `build` with the build generation after every rebuild |
//! | `/_livereload.js`, `/_serve.css` | the live-reload client and the style of the server's own pages |
//! | `/_outbox`, `/_outbox/<file>` | the mail the program "sent": `.eml` files in `DATA/outbox/` |
//! | everything else | `DATA/site/public/` (pretty URLs, `404.html`) |
//!
//! Data lives in `DATA/duos.redb` (the embedded store) and survives
//! restarts; the first run seeds it ([`seed`]). Every HTML page gets a
//! small live-reload script; when the content has errors every HTML page
//! is the error overlay instead (and the errors are printed), and the
//! server keeps running.
//!
//! Every request passes [`guard`] first: only `Host: 127.0.0.1:PORT` or
//! `localhost:PORT` is answered, headers and body must arrive in time, and
//! every reply carries the deployed site's security headers (its CSP too).

pub mod changes;
pub mod clock;
pub mod files;
pub mod guard;
pub mod notice;
pub mod outbox_page;
pub mod seed;
pub mod site;
pub mod watch;

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use functions::app::App;
use functions::auth::dev::{DevAccount, DevSignin};
use functions::auth::{AuthService, SessionConfig};
use functions::clock::{system_time, Clock};
use functions::config::Config;
use functions::mail::outbox::Outbox;
use functions::store::{EmbeddedStore, Store};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::StatusCode;
use tokio::sync::broadcast;

use self::clock::ShiftedClock;
use self::files::Resolved;
use self::site::BuildState;

/// What `duos serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub port: u16,
    pub data: PathBuf,
    pub today: Option<NaiveDate>,
    pub drafts: bool,
}

/// Largest request body read (the router answers 413 above its own limit).
const MAX_READ: usize = 256 * 1024;

/// Everything the request handlers share.
pub struct Shared {
    pub root: PathBuf,
    pub site_dir: PathBuf,
    pub drafts: bool,
    pub app: RwLock<App>,
    pub build: RwLock<BuildState>,
    pub reload: broadcast::Sender<u64>,
    pub outbox: Arc<Outbox>,
    pub survey_secret: Vec<u8>,
    /// The server's runtime (the watcher's thread reads the store with it).
    pub runtime: tokio::runtime::Handle,
}

impl Shared {
    fn app(&self) -> App {
        self.app.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn build_state(&self) -> BuildState {
        self.build.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Secrets of the local server, kept in `DATA/secrets.json` so that
/// sessions and the survey dedupe keys survive a restart.
#[derive(serde::Serialize, serde::Deserialize)]
struct Secrets {
    session: String,
    survey: String,
}

fn load_secrets(data: &Path) -> anyhow::Result<Secrets> {
    let path = data.join("secrets.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(s) = serde_json::from_str::<Secrets>(&text) {
            if s.session.len() >= 32 && s.survey.len() >= 32 {
                return Ok(s);
            }
        }
    }
    let s = Secrets {
        session: functions::records::hex(&functions::records::random_bytes(32)),
        survey: functions::records::hex(&functions::records::random_bytes(32)),
    };
    std::fs::write(&path, serde_json::to_vec_pretty(&s)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(s)
}

/// Starts the server and runs until Ctrl-C.
pub async fn run(opts: Options) -> anyhow::Result<()> {
    let root = opts.root.clone();
    if !root.join("content").is_dir() {
        anyhow::bail!("{} has no content/ folder (use --root DIR)", root.display());
    }
    std::fs::create_dir_all(&opts.data)
        .with_context(|| format!("creating {}", opts.data.display()))?;
    let data = opts.data.canonicalize().unwrap_or(opts.data.clone());
    let site_dir = data.join("site");

    let secrets = load_secrets(&data)?;
    let config = Config::load(root.join("content"), secrets.survey.clone().into_bytes())
        .map_err(|e| anyhow::anyhow!("the program's configuration has errors:\n{e}"))?;
    // The program's day is in its time zone (program.yaml `timezone:`).
    let clock = ShiftedClock::new(opts.today, config.program.zone());
    let today = config.program.moment(clock.now()).today;
    let store: Arc<dyn Store> = Arc::new(
        EmbeddedStore::open(&data)
            .with_context(|| format!("opening the store in {}", data.display()))?,
    );
    match seed::seed(Arc::clone(&store), &root, &config.program, today).await {
        Ok(Some(what)) => eprintln!("{what}"),
        Ok(None) => {}
        Err(e) => eprintln!("duos serve: seeding: {e:#}"),
    }

    // The first build, with the profiles the store published: errors are
    // shown, not fatal.
    let fingerprint = site::fingerprint(&root);
    let published =
        functions::records::profile::store_profiles(store.as_ref(), &config.program, today)
            .await
            .unwrap_or_else(|e| {
                eprintln!("duos serve: reading the published profiles: {e}");
                generator::StoreProfiles::default()
            });
    let (kept, errors) = match site::build(&root, &site_dir, opts.drafts, &published) {
        Ok((summary, site)) => {
            eprintln!("{summary}");
            (Some(site), Vec::new())
        }
        Err(errors) => {
            print_errors(&errors);
            (None, errors)
        }
    };

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, opts.port)))
            .await
            .with_context(|| format!("listening on 127.0.0.1:{}", opts.port))?;
    let port = listener.local_addr()?.port();
    let origin = format!("http://127.0.0.1:{port}");

    let session = SessionConfig::new(secrets.session.clone().into_bytes(), &origin)
        .map_err(|e| anyhow::anyhow!("session configuration: {e}"))?;
    let members = seed::read_roster(&root, &config.program)
        .map(|(_, m)| m)
        .unwrap_or_default();
    let mentor_ids: Vec<String> = seed::seed_cohort(&config.program, today)
        .map(|c| {
            seed::mentor_applications(&root, &config.program, &c)
                .into_iter()
                .map(|a| a.member_id)
                .collect()
        })
        .unwrap_or_default();
    let sample_duos = seed::read_duos(&root, &config.program).unwrap_or_else(|e| {
        eprintln!("duos serve: {e:#}");
        Vec::new()
    });
    let accounts = seed::accounts(&members, &config.program, &mentor_ids, &sample_duos);
    let dev = DevSignin::new(
        accounts
            .iter()
            .map(|a| DevAccount {
                member_id: a.member_id.clone(),
                label: format!("{} — {}", a.name, a.role),
            })
            .collect(),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let directory = Arc::new(functions::roster::StoreDirectory::new(Arc::clone(&store)));
    let clock_arc: Arc<dyn Clock> = Arc::new(clock);
    let auth_clock = Arc::clone(&clock_arc);
    let auth = AuthService::without_provider(session.clone(), directory)
        .with_clock(Arc::new(move || system_time(auth_clock.now())))
        .with_dev_signin(dev)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let contact = config.program.contact_email.clone();
    let outbox = Arc::new(
        Outbox::new(
            data.join("outbox"),
            functions::mail::mailbox(&config.program.name, &contact),
        )
        .with_clock(Arc::clone(&clock_arc)),
    );
    let app = App::new(
        Arc::clone(&store),
        Arc::clone(&outbox) as Arc<dyn functions::mail::Mailer>,
        clock_arc,
        Arc::new(config),
        session,
        Some(Arc::new(auth)),
    );
    // Approvals, edits, pauses and matches re-render the profile pages they
    // touch into the site folder: the next page load shows them.
    let publisher = functions::publish::Publisher::new(
        root.clone(),
        opts.drafts,
        Arc::new(functions::publish::DiskTarget::new(site_dir.clone())),
    );
    let app = app.with_publisher(Arc::new(publisher));

    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        root: root.clone(),
        site_dir,
        drafts: opts.drafts,
        app: RwLock::new(app),
        build: RwLock::new(BuildState {
            generation: 1,
            errors,
        }),
        reload,
        outbox,
        survey_secret: secrets.survey.into_bytes(),
        runtime: tokio::runtime::Handle::current(),
    });
    let _watcher = watch::start(Arc::clone(&shared), fingerprint, kept)?;

    let router = axum::Router::new()
        .route("/_livereload", get(livereload))
        .route("/_outbox", get(outbox_list))
        .route("/_outbox/", get(outbox_list))
        .route("/_outbox/{file}", get(outbox_message))
        .route("/_livereload.js", get(reload_js))
        .route("/_serve.css", get(serve_css))
        .fallback(handle)
        .with_state(Arc::clone(&shared))
        .layer(axum::middleware::from_fn_with_state(port, guard::guard));

    println!("duos serve: {origin}/");
    println!("  data:       {}", data.display());
    println!("  mail:       {origin}/_outbox");
    println!("  sign in:    {origin}/auth/dev");
    if clock.is_shifted() {
        println!("  today:      {today} (--today)");
    } else {
        println!("  today:      {today}");
    }
    println!("  accounts (development sign-in, no password):");
    for a in &accounts {
        println!("    {:<6} {:<28} {}", a.member_id, a.name, a.role);
    }
    println!(
        "  watching:   {} (live reload); Ctrl-C stops",
        site::WATCHED.join("/, ") + "/"
    );
    if let Some(notice) = notice::nothing_open(&shared.app().config.program, today) {
        eprintln!("\n{notice}");
    }

    serve_connections(listener, router).await
}

/// Accepts connections until Ctrl-C, each served by hyper with the
/// [`guard::HEADER_READ_TIMEOUT`]: a connection whose request headers do
/// not arrive in time is closed.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    router: axum::Router,
) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            _ = &mut stop => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    eprintln!("duos serve: accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(guard::HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}

/// The store's published profiles and listings, for a full build.
pub async fn store_profiles(
    app: &App,
) -> Result<generator::StoreProfiles, functions::store::StoreError> {
    functions::records::profile::store_profiles(
        app.store.as_ref(),
        &app.config.program,
        app.moment().today,
    )
    .await
}

/// Prints build errors to the terminal.
pub fn print_errors(errors: &[String]) {
    eprintln!(
        "duos serve: the site has {} error(s); the browser shows them too:",
        errors.len()
    );
    for e in errors {
        eprintln!("{e}");
    }
}

async fn livereload(State(shared): State<Arc<Shared>>) -> Response {
    let rx = shared.reload.subscribe();
    let generation = shared.build_state().generation;
    let first = Bytes::from(format!("retry: 1000\nevent: build\ndata: {generation}\n\n"));
    let stream = futures_util::stream::unfold((rx, Some(first)), |(mut rx, first)| async move {
        if let Some(first) = first {
            return Some((Ok::<Bytes, Infallible>(first), (rx, None)));
        }
        let chunk = match tokio::time::timeout(Duration::from_secs(15), rx.recv()).await {
            Ok(Ok(generation)) => format!("event: build\ndata: {generation}\n\n"),
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => ": lagged\n\n".to_owned(),
            Ok(Err(broadcast::error::RecvError::Closed)) => return None,
            Err(_) => ": keep-alive\n\n".to_owned(),
        };
        Some((Ok(Bytes::from(chunk)), (rx, None)))
    });
    Response::builder()
        .header(CONTENT_TYPE, "text/event-stream")
        .header(CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(stream))
        .expect("valid response")
}

async fn reload_js() -> Response {
    Response::builder()
        .header(CONTENT_TYPE, "text/javascript; charset=utf-8")
        .header(CACHE_CONTROL, "no-cache")
        .body(Body::from(files::RELOAD_JS))
        .expect("valid response")
}

async fn serve_css() -> Response {
    Response::builder()
        .header(CONTENT_TYPE, "text/css; charset=utf-8")
        .header(CACHE_CONTROL, "no-cache")
        .body(Body::from(files::SERVE_CSS))
        .expect("valid response")
}

async fn outbox_list(State(shared): State<Arc<Shared>>) -> Response {
    html(
        StatusCode::OK,
        outbox_page::list(&shared.outbox).into_bytes(),
        &shared,
    )
}

async fn outbox_message(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    match outbox_page::message(&shared.outbox, &file) {
        Some(page) => html(StatusCode::OK, page.into_bytes(), &shared),
        None => not_found(&shared),
    }
}

fn html(status: StatusCode, body: Vec<u8>, shared: &Shared) -> Response {
    let generation = shared.build_state().generation;
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header(CACHE_CONTROL, "no-store")
        .body(Body::from(files::inject_reload(&body, generation)))
        .expect("valid response")
}

/// Converts a functions response, injecting the live-reload script into HTML
/// (not into a page with a policy of its own, such as the sign-in and the
/// report, whose `default-src 'none'` would block it).
fn from_functions(resp: http::Response<Vec<u8>>, shared: &Shared) -> Response {
    let (mut parts, body) = resp.into_parts();
    let is_html = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(files::is_html)
        && !parts
            .headers
            .contains_key(http::header::CONTENT_SECURITY_POLICY);
    let body = if is_html {
        parts.headers.remove(http::header::CONTENT_LENGTH);
        files::inject_reload(&body, shared.build_state().generation)
    } else {
        body
    };
    Response::from_parts(parts, Body::from(body))
}

fn overlay(shared: &Shared, state: &BuildState) -> Response {
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(CONTENT_TYPE, "text/html; charset=utf-8")
        .header(CACHE_CONTROL, "no-store")
        .body(Body::from(site::overlay_page(
            &state.errors,
            state.generation,
        )))
        .unwrap_or_else(|_| not_found(shared))
}

fn not_found(shared: &Shared) -> Response {
    let page = shared.site_dir.join("public/404.html");
    let body = std::fs::read(&page).unwrap_or_else(|_| {
        b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><main><h1>Not found</h1><p><a href=\"/\">Home</a></p></main></body></html>".to_vec()
    });
    html(StatusCode::NOT_FOUND, body, shared)
}

fn send_file(shared: &Shared, path: &Path, state: &BuildState) -> Response {
    let ct = files::content_type(path);
    if files::is_html(ct) && !state.errors.is_empty() {
        return overlay(shared, state);
    }
    match std::fs::read(path) {
        Ok(bytes) if files::is_html(ct) => html(StatusCode::OK, bytes, shared),
        Ok(bytes) => Response::builder()
            .header(CONTENT_TYPE, ct)
            .header(CACHE_CONTROL, "no-cache")
            .body(Body::from(bytes))
            .expect("valid response"),
        Err(_) => not_found(shared),
    }
}

fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::MOVED_PERMANENTLY)
        .header(LOCATION, to)
        .body(Body::empty())
        .expect("valid response")
}

/// Everything but the server's own pages, each request in its log span
/// ([`functions::logging`]).
async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let span = functions::logging::request_span(&req);
    functions::logging::traced(span, answer(shared, req)).await
}

async fn answer(shared: Arc<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = match tokio::time::timeout(
        guard::BODY_READ_TIMEOUT,
        axum::body::to_bytes(body, MAX_READ),
    )
    .await
    {
        Ok(Ok(b)) => b.to_vec(),
        Ok(Err(_)) => {
            return Response::builder()
                .status(StatusCode::PAYLOAD_TOO_LARGE)
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::from("The request is too large."))
                .expect("valid response")
        }
        Err(_) => {
            return Response::builder()
                .status(StatusCode::REQUEST_TIMEOUT)
                .header(CONTENT_TYPE, "text/plain; charset=utf-8")
                .header(http::header::CONNECTION, "close")
                .body(Body::from("The request's body did not arrive in time."))
                .expect("valid response")
        }
    };
    let req = http::Request::from_parts(parts, body);
    let path = req.uri().path().to_owned();
    let app = shared.app();
    if path == "/api" || path.starts_with("/api/") || path == "/auth" || path.starts_with("/auth/")
    {
        return from_functions(functions::router::handle(&app, req).await, &shared);
    }
    let state = shared.build_state();
    let shell = std::fs::read_to_string(
        shared
            .site_dir
            .join("members")
            .join(functions::members_area::VIEW_SHELL),
    )
    .ok();
    if let Some(resp) = functions::views::handle(&app, &req, shell.as_deref()).await {
        if !state.errors.is_empty() && resp.status().is_success() {
            return overlay(&shared, &state);
        }
        return from_functions(resp, &shared);
    }
    if path == "/members" || path.starts_with("/members/") {
        let gate = members(&app, &req, &shared.site_dir.join("members")).await;
        if gate.status().is_success() && !state.errors.is_empty() {
            let html = gate
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(files::is_html);
            if html {
                return overlay(&shared, &state);
            }
        }
        return from_functions(gate, &shared);
    }
    if req.method() != http::Method::GET && req.method() != http::Method::HEAD {
        return Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(http::header::ALLOW, "GET, HEAD")
            .body(Body::empty())
            .expect("valid response");
    }
    match files::resolve(&shared.site_dir.join("public"), &path, "") {
        Resolved::File(file) => send_file(&shared, &file, &state),
        Resolved::Redirect(to) => redirect(&to),
        Resolved::NotFound if !state.errors.is_empty() => overlay(&shared, &state),
        Resolved::NotFound => not_found(&shared),
    }
}

/// The members area through the members gate (`functions::members_area`,
/// the session function's code): the session's roles decide which files of
/// `DATA/site/members/` it sees; without a session, 303 to the sign-in.
async fn members(app: &App, req: &http::Request<Vec<u8>>, dir: &Path) -> http::Response<Vec<u8>> {
    let files: Arc<dyn functions::members_gate::MembersFiles> =
        Arc::new(functions::members_gate::DiskMembersFiles::new(dir));
    functions::members_area::members_file(app, &files, req).await
}
