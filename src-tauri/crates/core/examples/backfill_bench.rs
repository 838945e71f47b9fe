//! Backfill benchmark: `cargo run --release -p billfold-core --example backfill_bench`.
//!
//! Starts the `stripe-sim` binary as its own process (so CPU time and peak RSS measure Billfold
//! only) with its rate limit off, fills one account with 10k customers and 100k invoices, and
//! backfills it into a fresh database with the client-side rate limit off: wall time, requests,
//! objects/s, CPU time per object, peak RSS. Then backfills a smaller account with the 25
//! requests/s client limit on and reports how close it comes to the limit's bound, and what
//! that means for the full account.
//!
//! `BENCH_CUSTOMERS`, `BENCH_INVOICES`, `BENCH_LIMITED_CUSTOMERS` and `BENCH_LIMITED_INVOICES`
//! change the sizes.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use billfold_core::accounts::{Mode, NewAccount};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::sync::{NoObserver, SyncReport};
use billfold_core::Billfold;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Stripe's test-mode limit, which the gateway's default matches.
const TEST_MODE_RPS: u32 = 25;

/// The emulator process; killed when dropped.
struct Sim {
    child: Child,
    port: u16,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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

fn start_sim() -> Sim {
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

/// One JSON POST to the emulator's control API.
async fn control(port: u16, path: &str, body: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
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

/// User + system CPU seconds of a process (`self` or a pid) so far.
fn cpu_secs_of(process: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{process}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // The kernel reports in USER_HZ, which is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn cpu_secs() -> f64 {
    cpu_secs_of("self")
}

/// Peak resident set size of this process so far, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

struct Measured {
    report: SyncReport,
    wall: Duration,
    cpu: f64,
    sim_cpu: f64,
    objects: i64,
}

/// Fills a fresh account in the emulator and backfills it with the given client limit.
async fn backfill(sim: &Sim, key: &str, customers: usize, invoices: usize, rps: u32) -> Measured {
    let generated = control(
        sim.port,
        "/_sim/generate",
        &format!(r#"{{"key":"{key}","customers":{customers},"invoices":{invoices},"seed":42}}"#),
    )
    .await;
    eprintln!("generated: {generated}");
    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain).unwrap();
    app.set_rate_limit(Mode::Test, rps).unwrap();
    let account = app
        .add_account(NewAccount {
            name: "Benchmark".into(),
            secret_key: Secret::new(key),
            default_currency: "eur".into(),
            api_base: Some(format!("http://127.0.0.1:{}/", sim.port)),
            webhook_secret: None,
        })
        .await
        .unwrap();
    let sim_pid = sim.child.id().to_string();
    let (cpu_before, sim_before, started) = (cpu_secs(), cpu_secs_of(&sim_pid), Instant::now());
    let report = app.sync_once(&account.id, &NoObserver).await.unwrap();
    let (wall, cpu, sim_cpu) = (
        started.elapsed(),
        cpu_secs() - cpu_before,
        cpu_secs_of(&sim_pid) - sim_before,
    );
    let objects = app.sync_status(&account.id).unwrap().objects_synced;
    Measured {
        report,
        wall,
        cpu,
        sim_cpu,
        objects,
    }
}

#[tokio::main]
async fn main() {
    let customers = env_usize("BENCH_CUSTOMERS", 10_000);
    let invoices = env_usize("BENCH_INVOICES", 100_000);
    let limited_customers = env_usize("BENCH_LIMITED_CUSTOMERS", 200);
    let limited_invoices = env_usize("BENCH_LIMITED_INVOICES", 2_000);
    let sim = start_sim();

    let full = backfill(
        &sim,
        "sk_test_51BillfoldBenchmarkFull0000000001",
        customers,
        invoices,
        0,
    )
    .await;
    let full_rss = peak_rss_mib();
    let limited = backfill(
        &sim,
        "sk_test_51BillfoldBenchmarkLimited00000002",
        limited_customers,
        limited_invoices,
        TEST_MODE_RPS,
    )
    .await;

    let per_sec = |m: &Measured| m.objects as f64 / m.wall.as_secs_f64();
    let cpu_per_object_us = |m: &Measured| m.cpu * 1e6 / m.objects.max(1) as f64;
    // With the limit on, requests beyond the bucket's initial burst (one second's worth) cannot
    // go faster than this.
    let bound = |m: &Measured| {
        m.report.requests.saturating_sub(u64::from(TEST_MODE_RPS)) as f64 / f64::from(TEST_MODE_RPS)
    };
    let efficiency = bound(&limited) / limited.wall.as_secs_f64();

    println!();
    println!("Backfill of {customers} customers + {invoices} invoices from stripe-sim (separate process, its rate limit off)");
    println!("| run                             | objects | requests | wall s  | objects/s | CPU s  | CPU µs/object | peak RSS MiB |");
    println!("|---------------------------------|---------|----------|---------|-----------|--------|---------------|--------------|");
    println!(
        "| client limit off                | {:>7} | {:>8} | {:>7.1} | {:>9.0} | {:>6.1} | {:>13.1} | {:>12.0} |",
        full.objects,
        full.report.requests,
        full.wall.as_secs_f64(),
        per_sec(&full),
        full.cpu,
        cpu_per_object_us(&full),
        full_rss
    );
    println!(
        "| client limit {TEST_MODE_RPS} rps ({limited_customers} + {limited_invoices}) | {:>7} | {:>8} | {:>7.1} | {:>9.0} | {:>6.1} | {:>13.1} | {:>12} |",
        limited.objects,
        limited.report.requests,
        limited.wall.as_secs_f64(),
        per_sec(&limited),
        limited.cpu,
        cpu_per_object_us(&limited),
        "(see above)"
    );
    println!();
    println!(
        "At {TEST_MODE_RPS} rps the set of {limited_customers} customers + {limited_invoices} invoices made {} requests in {:.1} s; \
         after the first second's burst the limit allows no less than {:.1} s: {:.0}% of the bound's speed.",
        limited.report.requests,
        limited.wall.as_secs_f64(),
        bound(&limited),
        efficiency * 100.0
    );
    if full.report.requests > limited.report.requests {
        println!(
            "Extrapolated (not measured): the full set's {} requests at {TEST_MODE_RPS} rps take at least {:.0} s; at that efficiency about {:.0} s.",
            full.report.requests,
            bound(&full),
            bound(&full) / efficiency
        );
    }
    println!(
        "Meanwhile stripe-sim used {:.1} s CPU (limit off) and {:.1} s (limit on); the machine has {} cores.",
        full.sim_cpu,
        limited.sim_cpu,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("Peak RSS is the process's peak so far, reached during the first run; requests exclude the key check.");
}
