//! Benchmark: `GET /v1/customers?limit=100` pages, then `POST /v1/customers` writes, over
//! keep-alive loopback connections.
//!
//! `cargo run --release -p stripe-sim --example throughput [requests] [connections]`
//!
//! The emulator runs alone on one thread (a current-thread runtime), the rate limit off,
//! with 10,000 generated customers; clients run on another runtime and walk every page in
//! turn, then create customers. Prints requests/s and p50/p99 latency for each.

use std::time::{Duration, Instant};

use stripe_sim::{SimConfig, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const KEY: &str = "sk_test_000000000000000000000000benchmark";
const CUSTOMERS: usize = 10_000;

/// One keep-alive HTTP/1.1 connection that sends GETs and reads `Content-Length` bodies.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(addr: std::net::SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Connection { stream, buffer: Vec::with_capacity(256 * 1024) }
    }

    /// Sends a GET and answers the status and body.
    async fn get(&mut self, path: &str) -> (u16, Vec<u8>) {
        self.request(&format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {KEY}\r\n\r\n")).await
    }

    /// Sends a form POST and answers the status and body.
    async fn post(&mut self, path: &str, form: &str) -> (u16, Vec<u8>) {
        self.request(&format!(
            "POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ))
        .await
    }

    async fn request(&mut self, request: &str) -> (u16, Vec<u8>) {
        self.stream.write_all(request.as_bytes()).await.expect("write");
        self.buffer.clear();
        let mut chunk = [0u8; 64 * 1024];
        let head_end = loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "server closed the connection");
            self.buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&self.buffer[..head_end]).to_string();
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
        let length: usize = head
            .lines()
            .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().expect("length")))
            .expect("content-length");
        while self.buffer.len() < head_end + length {
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "server closed the connection");
            self.buffer.extend_from_slice(&chunk[..n]);
        }
        (status, self.buffer[head_end..head_end + length].to_vec())
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let connections: usize = args.next().and_then(|v| v.parse().ok()).unwrap_or(4);

    // The emulator on its own single thread.
    let (ready, started) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        runtime.block_on(async move {
            let sim = Simulator::start(SimConfig { rate_limit_per_sec: None, ..SimConfig::default() }).await.expect("start");
            let began = Instant::now();
            let made = sim.generate(KEY, CUSTOMERS, 0, 1).await.expect("generate");
            let took = began.elapsed();
            ready.send((sim.addr(), made.customers, took)).expect("report");
            std::future::pending::<()>().await;
        });
    });
    let (addr, customers, generation) = started.recv().expect("emulator started");
    println!("generated {customers} customers in {:.2}s", generation.as_secs_f64());

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("client runtime");
    runtime.block_on(async move {
        // Walk the list once to learn every page's cursor; the timed run cycles through them.
        let mut walker = Connection::open(addr).await;
        let mut cursors: Vec<Option<String>> = vec![None];
        loop {
            let path = match cursors.last().cloned().flatten() {
                None => "/v1/customers?limit=100".to_string(),
                Some(after) => format!("/v1/customers?limit=100&starting_after={after}"),
            };
            let (status, body) = walker.get(&path).await;
            assert_eq!(status, 200);
            let page: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(page["data"].as_array().map(Vec::len), Some(100), "full pages");
            if page["has_more"] != true {
                break;
            }
            cursors.push(page["data"][99]["id"].as_str().map(str::to_string));
        }
        println!("{} pages of 100", cursors.len());
        let paths: Vec<String> = cursors
            .iter()
            .map(|cursor| match cursor {
                None => "/v1/customers?limit=100".to_string(),
                Some(after) => format!("/v1/customers?limit=100&starting_after={after}"),
            })
            .collect();

        let per_connection = requests / connections;
        let began = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..connections {
            let paths = paths.clone();
            tasks.push(tokio::spawn(async move {
                let mut connection = Connection::open(addr).await;
                let mut latencies = Vec::with_capacity(per_connection);
                for n in 0..per_connection {
                    let path = &paths[(c + n * connections) % paths.len()];
                    let sent = Instant::now();
                    let (status, body) = connection.get(path).await;
                    latencies.push(sent.elapsed());
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                }
                latencies
            }));
        }
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.expect("client task"));
        }
        let elapsed = began.elapsed();
        report("list pages of 100", &mut latencies, elapsed, connections);

        let writes = per_connection / 4;
        let began = Instant::now();
        let mut tasks = Vec::new();
        for c in 0..connections {
            tasks.push(tokio::spawn(async move {
                let mut connection = Connection::open(addr).await;
                let mut latencies = Vec::with_capacity(writes);
                for n in 0..writes {
                    let form = format!("email=bench{c}x{n}%40example.com&name=Bench+{c}+{n}&metadata[run]=throughput");
                    let sent = Instant::now();
                    let (status, body) = connection.post("/v1/customers", &form).await;
                    latencies.push(sent.elapsed());
                    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                }
                latencies
            }));
        }
        let mut latencies = Vec::new();
        for task in tasks {
            latencies.extend(task.await.expect("client task"));
        }
        report("writes (POST /v1/customers)", &mut latencies, began.elapsed(), connections);
    });
}

fn report(what: &str, latencies: &mut [Duration], elapsed: Duration, connections: usize) {
    latencies.sort();
    println!(
        "{what}: {} requests over {connections} keep-alive connections in {:.2}s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(latencies, 0.99).as_secs_f64() * 1000.0,
    );
}
