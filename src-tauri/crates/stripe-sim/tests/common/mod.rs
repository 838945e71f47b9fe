//! Shared set-up for the API tests: an emulator on loopback and an async-stripe client.

#![allow(dead_code)]

use stripe::{Client, ClientBuilder};
use stripe_sim::{SimConfig, Simulator};

/// A fresh emulator (rate limit off, so tests never wait) and a client with its own account.
pub async fn start() -> (Simulator, Client) {
    let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.expect("emulator starts");
    let client = client(&sim, &format!("sk_test_{}", "0".repeat(8) + &uuid_like()));
    (sim, client)
}

/// A client for another key: another isolated account on the same emulator.
pub fn client(sim: &Simulator, key: &str) -> Client {
    ClientBuilder::new(key).url(sim.base_url()).build().expect("client")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("{:024}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// One raw HTTP/1.1 exchange with the emulator: status, lower-cased headers, JSON body.
pub async fn http(sim: &Simulator, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Vec<(String, String)>, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let extra: String = headers.iter().map(|(name, value)| format!("{name}: {value}\r\n")).collect();
    let request = format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|line| line.split_once(": ")).map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
    (status, headers, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

/// A raw form POST, for what async-stripe will not send (unknown params, replays).
pub async fn raw_post(sim: &Simulator, key: &str, path: &str, body: &str, idempotency_key: Option<&str>) -> (u16, Vec<(String, String)>, serde_json::Value) {
    let auth = format!("Bearer {key}");
    let mut headers = vec![("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(idempotency_key) = idempotency_key {
        headers.push(("Idempotency-Key", idempotency_key));
    }
    http(sim, "POST", path, &headers, body).await
}

/// A JSON POST to the control API.
pub async fn raw_json_post(sim: &Simulator, path: &str, body: &str) -> serde_json::Value {
    http(sim, "POST", path, &[("Content-Type", "application/json")], body).await.2
}

/// A GET to the control API.
pub async fn raw_json_get(sim: &Simulator, path: &str) -> serde_json::Value {
    http(sim, "GET", path, &[], "").await.2
}

/// The test interpreter: `$BILLFOLD_PYTHON` (the venv `make test` sets up), else `python3`.
pub fn python_interpreter() -> std::path::PathBuf {
    std::env::var_os("BILLFOLD_PYTHON").map(Into::into).unwrap_or_else(|| "python3".into())
}

/// Runs `tests/python/<script>` with `args` under `$BILLFOLD_PYTHON` (else `python3`),
/// printing its output. `make test` provides an interpreter with the packages installed.
pub async fn run_python(script: &str, args: Vec<String>) -> std::process::Output {
    let python = python_interpreter().display().to_string();
    let path = format!("{}/tests/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let interpreter = python.clone();
    let output = tokio::task::spawn_blocking(move || std::process::Command::new(&interpreter).arg(path).args(args).output())
        .await
        .unwrap()
        .unwrap_or_else(|err| panic!("cannot run `{python}` ({err}): run `make test`, which sets up the Python test venv"));
    println!("{}", String::from_utf8_lossy(&output.stdout));
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A `multipart/form-data` upload to `/v1/files`: text `fields`, then the file part, with
/// the given boundary (clients draw one per attempt) and optional Idempotency-Key.
pub async fn upload(
    sim: &Simulator,
    key: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
    boundary: &str,
    idempotency_key: Option<&str>,
) -> (u16, Vec<(String, String)>, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((filename, bytes)) = file {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let idempotency = idempotency_key.map(|k| format!("Idempotency-Key: {k}\r\n")).unwrap_or_default();
    let head = format!(
        "POST /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n{idempotency}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = lines.filter_map(|line| line.split_once(": ")).map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect();
    (status, headers, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

/// A small but well-formed PDF, for evidence uploads.
pub const SMALL_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
