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

/// A raw form POST, for what async-stripe will not send (unknown params, replays).
pub async fn raw_post(sim: &Simulator, key: &str, path: &str, body: &str, idempotency_key: Option<&str>) -> (u16, Vec<(String, String)>, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let idem = idempotency_key.map(|k| format!("Idempotency-Key: {k}\r\n")).unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nContent-Type: application/x-www-form-urlencoded\r\n{idem}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status: u16 = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}

/// A JSON POST to the control API.
pub async fn raw_json_post(sim: &Simulator, path: &str, body: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// A GET to the control API.
pub async fn raw_json_get(sim: &Simulator, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}
