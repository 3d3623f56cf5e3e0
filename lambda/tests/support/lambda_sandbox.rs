//! A Lambda sandbox for tests and benches: an in-process Runtime API server
//! on 127.0.0.1 (GET `/2018-06-01/runtime/invocation/next`, POST
//! `…/{id}/response`, `…/{id}/error`, `/runtime/init/error`), API Gateway
//! HTTP API (payload 2.0) events, and a function binary started against it
//! (`CARGO_BIN_EXE_<name>`, built by cargo for this package's tests and
//! benches). Used by `tests/lambda_runtime.rs` and `benches/coldstart.rs`.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::{oneshot, Notify};
// ---------------------------------------------------------------------------
// The Runtime API
// ---------------------------------------------------------------------------

/// What the function answered for one invocation.
#[derive(Debug)]
pub enum Outcome {
    /// POST `/invocation/{id}/response`: the API Gateway v2 response payload.
    Response(Value),
    /// POST `/invocation/{id}/error`: the error document.
    Error(Value),
}

#[derive(Default)]
pub struct State {
    pub queue: Mutex<VecDeque<(String, Value)>>,
    pub queued: Notify,
    pub waiting: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    pub init_error: Mutex<Option<Value>>,
    pub init_failed: Notify,
    pub next_calls: Mutex<u32>,
}

/// The Runtime API of one function sandbox.
pub struct RuntimeApi {
    pub addr: SocketAddr,
    pub state: Arc<State>,
    pub server: tokio::task::JoinHandle<()>,
}

impl RuntimeApi {
    pub async fn start() -> RuntimeApi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Runtime API");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        let server = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, Infallible>(serve(&state, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        RuntimeApi {
            addr,
            state,
            server,
        }
    }

    /// Queues `event` for the function; its answer arrives on the receiver.
    pub fn submit(&self, event: Value) -> oneshot::Receiver<Outcome> {
        let id = format!("req-{:016x}", fastrand::u64(..));
        let (tx, rx) = oneshot::channel();
        self.state.waiting.lock().unwrap().insert(id.clone(), tx);
        self.state.queue.lock().unwrap().push_back((id, event));
        self.state.queued.notify_one();
        rx
    }

    /// Waits for a POST to `/runtime/init/error`.
    pub async fn init_error(&self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(error) = self.state.init_error.lock().unwrap().clone() {
                return error;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no /init/error within 30 s");
            let _ = tokio::time::timeout(left, self.state.init_failed.notified()).await;
        }
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

pub async fn serve(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let json = || serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    const BASE: &str = "/2018-06-01/runtime";
    let Some(rest) = path.strip_prefix(BASE) else {
        return reply(
            StatusCode::NOT_FOUND,
            json!({"errorMessage": "unknown path"}),
        );
    };
    match (method.as_str(), rest) {
        ("GET", "/invocation/next") => {
            *state.next_calls.lock().unwrap() += 1;
            // Long poll: answer when an event is queued.
            let (id, event) = loop {
                let notified = state.queued.notified();
                if let Some(next) = state.queue.lock().unwrap().pop_front() {
                    break next;
                }
                notified.await;
            };
            let deadline = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 30_000;
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .header("lambda-runtime-aws-request-id", &id)
                .header("lambda-runtime-deadline-ms", deadline.to_string())
                .header(
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:duos-test",
                )
                .header(
                    "lambda-runtime-trace-id",
                    "Root=1-00000000-000000000000000000000000",
                )
                .body(Full::new(Bytes::from(event.to_string())))
                .unwrap()
        }
        ("POST", "/init/error") => {
            *state.init_error.lock().unwrap() = Some(json());
            state.init_failed.notify_waiters();
            reply(StatusCode::ACCEPTED, json!({"status": "OK"}))
        }
        ("POST", rest) => {
            let Some(rest) = rest.strip_prefix("/invocation/") else {
                return reply(
                    StatusCode::NOT_FOUND,
                    json!({"errorMessage": "unknown path"}),
                );
            };
            let (id, outcome) = if let Some(id) = rest.strip_suffix("/response") {
                (id, Outcome::Response(json()))
            } else if let Some(id) = rest.strip_suffix("/error") {
                (id, Outcome::Error(json()))
            } else {
                return reply(
                    StatusCode::NOT_FOUND,
                    json!({"errorMessage": "unknown path"}),
                );
            };
            match state.waiting.lock().unwrap().remove(id) {
                Some(tx) => {
                    let _ = tx.send(outcome);
                    reply(StatusCode::ACCEPTED, json!({"status": "OK"}))
                }
                None => reply(
                    StatusCode::BAD_REQUEST,
                    json!({"errorMessage": format!("unknown request id {id}")}),
                ),
            }
        }
        _ => reply(
            StatusCode::NOT_FOUND,
            json!({"errorMessage": "unknown path"}),
        ),
    }
}

// ---------------------------------------------------------------------------
// API Gateway HTTP API (payload format 2.0) events
// ---------------------------------------------------------------------------

/// One HTTP request as API Gateway's HTTP API hands it to a function.
#[derive(Clone, Debug)]
pub struct HttpEvent {
    pub method: &'static str,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub cookies: Vec<String>,
    pub body: Option<Vec<u8>>,
    base64: bool,
}

pub const HOST: &str = "mentoring.example.org";

impl HttpEvent {
    pub fn new(method: &'static str, path: &str) -> HttpEvent {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        HttpEvent {
            method,
            path: path.into(),
            query: query.into(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            base64: false,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> HttpEvent {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn cookie(mut self, cookie: &str) -> HttpEvent {
        self.cookies.push(cookie.into());
        self
    }

    pub fn json(self, body: &Value) -> HttpEvent {
        let mut event = self.header("content-type", "application/json");
        event.body = Some(body.to_string().into_bytes());
        event
    }

    /// A plain form post; API Gateway hands such bodies over base64-encoded.
    pub fn form(self, body: &str) -> HttpEvent {
        let mut event = self.header("content-type", "application/x-www-form-urlencoded");
        event.body = Some(body.as_bytes().to_vec());
        event.base64 = true;
        event
    }

    pub fn to_json(&self) -> Value {
        let mut headers = serde_json::Map::new();
        headers.insert("host".into(), json!(HOST));
        headers.insert("user-agent".into(), json!("duos-lambda-test"));
        headers.insert("x-forwarded-proto".into(), json!("https"));
        for (name, value) in &self.headers {
            headers.insert(name.clone(), json!(value));
        }
        let (body, base64) = match &self.body {
            None => (Value::Null, false),
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) if !self.base64 => (json!(text), false),
                _ => {
                    use base64::Engine as _;
                    (
                        json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                        true,
                    )
                }
            },
        };
        let mut event = json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": self.path,
            "rawQueryString": self.query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "duostest",
                "domainName": HOST,
                "domainPrefix": "mentoring",
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "192.0.2.10",
                    "userAgent": "duos-lambda-test"
                },
                "requestId": format!("apigw-{:08x}", fastrand::u32(..)),
                "routeKey": "$default",
                "stage": "$default",
                "time": "28/Nov/2026:11:00:00 +0000",
                "timeEpoch": 1_795_000_000_000u64
            },
            "isBase64Encoded": base64
        });
        if !self.cookies.is_empty() {
            event["cookies"] = json!(self.cookies);
        }
        if !body.is_null() {
            event["body"] = body;
        }
        event
    }
}

/// The function's answer, decoded from the API Gateway v2 response payload.
#[derive(Debug)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub cookies: Vec<String>,
    pub body: Vec<u8>,
}

impl HttpAnswer {
    pub fn from_outcome(outcome: Outcome) -> HttpAnswer {
        let payload = match outcome {
            Outcome::Response(payload) => payload,
            Outcome::Error(error) => panic!("the function reported an invocation error: {error}"),
        };
        let status = payload["statusCode"]
            .as_u64()
            .unwrap_or_else(|| panic!("no statusCode in {payload}")) as u16;
        let headers = payload["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(k, v)| {
                        (
                            k.to_ascii_lowercase(),
                            v.as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let cookies = payload["cookies"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let body = match payload["body"].as_str() {
            None => Vec::new(),
            Some(text) if payload["isBase64Encoded"] == true => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .expect("base64 body")
            }
            Some(text) => text.as_bytes().to_vec(),
        };
        HttpAnswer {
            status,
            headers,
            cookies,
            body,
        }
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts an `application/problem+json` answer with `status`.
    pub fn assert_problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "content-type {:?}",
            self.content_type()
        );
        let problem = self.json();
        assert_eq!(problem["status"], status, "{problem}");
        assert!(problem["title"].is_string(), "{problem}");
        problem
    }
}

// ---------------------------------------------------------------------------
// The function process
// ---------------------------------------------------------------------------

/// The path of a built Lambda binary.
pub fn binary(name: &str) -> PathBuf {
    let path = match name {
        "applications" => env!("CARGO_BIN_EXE_applications"),
        "nominations" => env!("CARGO_BIN_EXE_nominations"),
        "matches" => env!("CARGO_BIN_EXE_matches"),
        "duos-fn" => env!("CARGO_BIN_EXE_duos-fn"),
        "surveys" => env!("CARGO_BIN_EXE_surveys"),
        "me" => env!("CARGO_BIN_EXE_me"),
        "session" => env!("CARGO_BIN_EXE_session"),
        "scheduler" => env!("CARGO_BIN_EXE_scheduler"),
        other => panic!("no Lambda binary {other}"),
    };
    PathBuf::from(path)
}

/// One running function: its Runtime API and its process (killed on drop).
pub struct Sandbox {
    pub api: RuntimeApi,
    pub child: Child,
    pub name: String,
}

impl Sandbox {
    /// Starts binary `name` with `env` (and nothing else of this process's
    /// environment but `PATH`).
    pub async fn start(name: &str, env: &[(String, String)]) -> Sandbox {
        let api = RuntimeApi::start().await;
        let mut command = Command::new(binary(name));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", format!("duos-test-{name}"))
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/duos-test-{name}"),
            )
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        Sandbox {
            api,
            child,
            name: name.into(),
        }
    }

    /// Invokes the function with `event` and waits (60 s at most) for its
    /// answer; fails at once if the process exits meanwhile.
    pub async fn call(&mut self, event: Value) -> Outcome {
        let mut rx = self.api.submit(event);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match tokio::time::timeout(Duration::from_millis(100), &mut rx).await {
                Ok(outcome) => return outcome.expect("the Runtime API server stopped"),
                Err(_) => {
                    if let Ok(Some(status)) = self.child.try_wait() {
                        panic!("{} exited ({status}) before answering", self.name);
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{} gave no answer within 60 s",
                        self.name
                    );
                }
            }
        }
    }

    pub async fn request(&mut self, event: &HttpEvent) -> HttpAnswer {
        HttpAnswer::from_outcome(self.call(event.to_json()).await)
    }

    /// Waits for the process to end; its exit status.
    pub async fn exit_status(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit within 30 s",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
