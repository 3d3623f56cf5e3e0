//! A running `duos serve` on 127.0.0.1 for a test, and raw HTTP/1.1 over a
//! socket (the tests send exactly the bytes an attacker would).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server; stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `duos serve` over the repository's sample program, `--today 2008-03-01`,
/// once its first page answers.
pub fn start() -> Server {
    start_at(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// `duos serve --root ROOT`, `--today 2008-03-01`, once its first page
/// answers.
pub fn start_at(root: &std::path::Path) -> Server {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["serve", "--root"])
        .arg(root)
        .arg("--data")
        .arg(data.path())
        .args(["--port", &port.to_string(), "--today", "2008-03-01"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port, data };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(r) = server.get("/", &[]) {
            if r.status == 200 {
                return server;
            }
        }
        assert!(
            Instant::now() < deadline,
            "duos serve did not answer on port {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a whole HTTP/1.1 reply (`Connection: close`, so read to the end).
pub fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = text
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

impl Server {
    /// Sends `raw` as it is and reads the reply to the end.
    pub fn raw(&self, raw: &[u8]) -> std::io::Result<Reply> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.write_all(raw)?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        Ok(parse(&response))
    }

    /// The Host header a browser on this server sends.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A GET with the server's own Host and `extra` header lines.
    pub fn get(&self, path: &str, extra: &[(&str, &str)]) -> std::io::Result<Reply> {
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n", self.host());
        for (n, v) in extra {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("Connection: close\r\n\r\n");
        self.raw(req.as_bytes())
    }

    /// A form POST from the server's own origin.
    pub fn post_form(
        &self,
        path: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Reply> {
        let mut req = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n",
            host = self.host(),
            len = body.len()
        );
        for (n, v) in extra {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("Connection: close\r\n\r\n");
        req.push_str(body);
        self.raw(req.as_bytes())
    }

    /// Signs in through the development sign-in as `member_id`; the
    /// session's `Cookie` header value.
    pub fn sign_in(&self, member_id: &str) -> String {
        let r = self
            .post_form(
                "/auth/dev",
                &format!("member_id={member_id}&next=/members/"),
                &[],
            )
            .unwrap();
        assert_eq!(r.status, 303, "signing in as {member_id}: {r:?}");
        r.headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.split(';').next().unwrap_or("").to_owned())
            .filter(|c| !c.ends_with('='))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The member ids the development sign-in offers.
    pub fn dev_accounts(&self) -> Vec<String> {
        let page = self.get("/auth/dev", &[]).unwrap();
        page.body
            .split("name=\"member_id\" value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_owned)
            .collect()
    }
}
