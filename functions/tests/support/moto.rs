//! A DynamoDB-speaking server on loopback for the store tests: moto's
//! `moto_server` from the workspace's `.venv` (created by `scripts/test.sh`
//! with `pip install 'moto[server]'`), or whatever endpoint
//! `DUOS_TEST_DYNAMODB_ENDPOINT` names.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Env var naming an already running DynamoDB-speaking endpoint.
pub const ENDPOINT_ENV: &str = "DUOS_TEST_DYNAMODB_ENDPOINT";

/// moto's server, started by the tests. Killed when dropped; besides, it
/// watches its stdin (a pipe from this process) and exits when that closes,
/// so it never outlives the test process, however that ends.
pub struct MotoServer {
    child: Child,
    endpoint: String,
    log: PathBuf,
}

impl MotoServer {
    /// The workspace's venv: `<workspace>/.venv`.
    pub fn venv() -> PathBuf {
        workspace().join(".venv")
    }

    /// Starts `moto_server` on 127.0.0.1 on a free port and waits until it
    /// answers HTTP. `Err` says why it could not (not installed, exited,
    /// never answered).
    pub fn spawn() -> Result<MotoServer, String> {
        let venv = Self::venv();
        let moto_server = venv.join("bin").join("moto_server");
        let python = venv.join("bin").join("python");
        if !moto_server.exists() || !python.exists() {
            return Err(format!(
                "{} is not installed (scripts/test.sh creates it with \
                 `python3 -m venv .venv && .venv/bin/pip install 'moto[server]'`)",
                moto_server.display()
            ));
        }
        let launcher = workspace()
            .join("functions")
            .join("tests")
            .join("support")
            .join("moto_server.py");
        let port = free_port().map_err(|e| format!("finding a free port: {e}"))?;
        let log = std::env::temp_dir().join(format!("duos-moto-{}-{port}.log", std::process::id()));
        let log_file =
            std::fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        // moto_server (moto.server:main) with requests serialized, exiting
        // when our end of its stdin closes (see moto_server.py).
        let child = Command::new(&python)
            .arg(&launcher)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("DUOS_MOTO_WATCH_STDIN", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("starting {} {}: {e}", python.display(), launcher.display()))?;
        let mut server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "moto_server exited early ({status}):\n{}",
                    server.log_tail()
                ));
            }
            if http_status(addr, "/moto-api/").is_some() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "moto_server did not answer on {addr} within 60 s:\n{}",
                    server.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The workspace's root folder, whichever crate's tests include this file
/// (`functions`, or the `duos` CLI's via `#[path]`).
fn workspace() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("functions").is_dir() {
        manifest.to_path_buf()
    } else {
        manifest.join("..")
    }
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The status of `GET path` at `addr`, `None` if nothing answers.
fn http_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    // "HTTP/1.1 200"
    std::str::from_utf8(head.get(9..12)?).ok()?.parse().ok()
}

/// The socket address of an `http://host:port` endpoint.
fn endpoint_addr(endpoint: &str) -> Option<SocketAddr> {
    let authority = endpoint.strip_prefix("http://")?.split('/').next()?;
    authority.to_socket_addrs().ok()?.next()
}

/// What a test needs of the DynamoDB endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any DynamoDB-speaking endpoint.
    Any,
    /// One that applies concurrent transactions atomically, as DynamoDB
    /// does: not a plain (thread-unsafe) moto_server.
    // Not every test crate that includes this file asks for it.
    #[allow(dead_code)]
    Atomic,
}

/// The endpoint the DynamoDB tests use: `DUOS_TEST_DYNAMODB_ENDPOINT` if set,
/// else one moto server started for this test process (shared by its tests,
/// each of which uses its own table). For [`Need::Atomic`], an endpoint that
/// is a plain moto_server (answers `/moto-api/` but not
/// `/duos-moto-serialized`) is replaced by the serialized server started
/// here. `Err` says why there is none.
pub fn endpoint(need: Need) -> Result<String, String> {
    static SHARED: OnceLock<Result<MotoServer, String>> = OnceLock::new();
    let shared = || {
        SHARED
            .get_or_init(MotoServer::spawn)
            .as_ref()
            .map(|server| server.endpoint().to_owned())
            .map_err(Clone::clone)
    };
    let Some(url) = std::env::var(ENDPOINT_ENV).ok().filter(|u| !u.is_empty()) else {
        return shared();
    };
    if need == Need::Any {
        return Ok(url);
    }
    let plain_moto = endpoint_addr(&url).is_some_and(|addr| {
        http_status(addr, "/moto-api/") == Some(200)
            && http_status(addr, "/duos-moto-serialized") != Some(200)
    });
    if plain_moto {
        if let Ok(own) = shared() {
            let _ = writeln!(
                std::io::stderr(),
                "note: {ENDPOINT_ENV}={url} is a plain moto_server, which does not apply \
                 concurrent transactions atomically; this test uses a serialized moto at {own}"
            );
            return Ok(own);
        }
    }
    Ok(url)
}
