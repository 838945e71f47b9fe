//! The emulator as its own process, so this process's CPU time and peak RSS measure Billfold
//! only, and its JSON control API.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The emulator process; killed when dropped.
pub struct Sim {
    child: Child,
    /// Its loopback port.
    pub port: u16,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    /// Starts `stripe-sim --no-rate-limit` on a free port and waits until it listens.
    pub fn start() -> Sim {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(sim_binary())
            .args(["--port", &port.to_string(), "--no-rate-limit"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("stripe-sim starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("listening") => break,
                Some(Ok(_)) => {}
                _ => panic!("stripe-sim stopped before listening"),
            }
        }
        Sim { child, port }
    }

    /// The process id, for reading its CPU time.
    pub fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// The API base an account points at.
    pub fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// One JSON POST to the control API; its answer's body.
    pub async fn control(&self, path: &str, body: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .unwrap();
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_string())
            .unwrap_or_default()
    }
}

/// The `stripe-sim` binary next to this example's build, built first if need be.
fn sim_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let profile_dir = exe
        .parent()
        .and_then(|examples| examples.parent())
        .expect("target dir")
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let release = profile_dir.ends_with("release");
    let mut build = Command::new(cargo);
    build.args(["build", "-q", "-p", "stripe-sim", "--bin", "stripe-sim"]);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building stripe-sim failed");
    profile_dir.join("stripe-sim")
}
