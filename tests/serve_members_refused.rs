//! Every file of the real site's members-only part, asked for over HTTP from
//! a running `duos serve` without a session, is refused: a redirect to sign-in,
//! never the file.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One HTTP/1.1 GET without cookies; returns the status line and headers.
fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    Ok(text.split("\r\n\r\n").next().unwrap_or("").to_string())
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_members_file_is_refused_without_a_session() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_duos"))
        .args(["serve", "--root", env!("CARGO_MANIFEST_DIR"), "--data"])
        .arg(data.path())
        .args(["--port", &port.to_string(), "--today", "2008-03-01"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(head) = get(port, "/") {
            if head.starts_with("HTTP/1.1 200") {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "duos serve did not answer on port {port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let members = data.path().join("site").join("members");
    let files = files_under(&members);
    assert!(
        files.len() > 20,
        "expected the built members area under {}, found {} files",
        members.display(),
        files.len()
    );
    for file in files {
        let rel = file
            .strip_prefix(&members)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        let url = format!("/members/{rel}");
        let head = get(port, &url).unwrap();
        let status = head.lines().next().unwrap_or("");
        assert!(
            status.starts_with("HTTP/1.1 303"),
            "{url} answered {status}"
        );
        let location = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("location:"))
            .unwrap_or("");
        assert!(location.contains("/auth/login"), "{url}: {location}");
    }
}
