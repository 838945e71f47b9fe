//! Backfill benchmark: `cargo run --release -p billfold-core --example backfill_bench`.
//!
//! Starts the `stripe-sim` binary as its own process (so CPU time and peak RSS measure Billfold
//! only) with its rate limit off, fills one account with 10k customers and 100k invoices, and
//! backfills it into a fresh database with the client-side rate limit off: wall time, requests,
//! objects/s, CPU time per object, peak RSS, requests and disk per object. On that database it
//! then times every list query the UI makes (with a second account of 20k purchase orders for
//! the PO list) and a restart up to the first invoice page, and says which targets hold.
//! Last, it backfills a smaller account with the 25 requests/s client limit on and reports how
//! close it comes to the limit's bound, and what that means for the full account.
//!
//! `BENCH_CUSTOMERS`, `BENCH_INVOICES`, `BENCH_PURCHASE_ORDERS`, `BENCH_LIMITED_CUSTOMERS` and
//! `BENCH_LIMITED_INVOICES` change the sizes; `BENCH_SKIP_LIMITED=1` skips the rate-limited run.

mod lists;
mod measure;
mod po;
mod sim;

use std::path::Path;
use std::time::{Duration, Instant};

use billfold_core::accounts::{Mode, NewAccount};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::store::ListQuery;
use billfold_core::sync::{NoObserver, SyncReport};
use billfold_core::Billfold;

use measure::{cpu_secs, cpu_secs_of, folder_size, peak_rss_mib, percentiles, verdict};
use sim::Sim;

/// Stripe's test-mode limit, which the gateway's default matches.
const TEST_MODE_RPS: u32 = 25;
/// Restarts timed up to the first invoice page.
const REOPENS: usize = 10;

/// Targets for a big account: what "instant" means for the lists, and what a backfill may cost.
mod target {
    /// Slowest acceptable p95 of one list page, ms.
    pub const LIST_P95_MS: f64 = 30.0;
    /// Slowest acceptable p95 from opening the database to the first invoice page, ms.
    pub const REOPEN_P95_MS: f64 = 100.0;
    /// Most requests per hundred objects (a page of 100 is one request; a little more for
    /// children fetched on their own).
    pub const REQUESTS_PER_100: f64 = 1.25;
    /// Most CPU per object synced, µs.
    pub const CPU_US_PER_OBJECT: f64 = 30.0;
    /// Largest peak RSS, MB.
    pub const PEAK_RSS_MB: f64 = 150.0;
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A mock keychain: keys never leave this process.
fn keychain() -> Keychain {
    Keychain::with_store(keyring_core::mock::Store::new().unwrap())
}

/// One backfill's measurements, and the app and account it filled.
struct Measured {
    report: SyncReport,
    wall: Duration,
    cpu: f64,
    sim_cpu: f64,
    objects: i64,
    generate_secs: f64,
    /// The app, until the reopen runs take it.
    app: Option<Billfold>,
    account: String,
    dir: tempfile::TempDir,
}

/// Fills a fresh account in the emulator and backfills it with the given client limit.
async fn backfill(sim: &Sim, key: &str, customers: usize, invoices: usize, rps: u32) -> Measured {
    let started = Instant::now();
    let generated = sim
        .control(
            "/_sim/generate",
            &format!(
                r#"{{"key":"{key}","customers":{customers},"invoices":{invoices},"seed":42}}"#
            ),
        )
        .await;
    let generate_secs = started.elapsed().as_secs_f64();
    eprintln!("generated in {generate_secs:.1} s: {generated}");
    let dir = tempfile::tempdir().unwrap();
    let app = Billfold::open(dir.path(), keychain()).unwrap();
    app.set_rate_limit(Mode::Test, rps).unwrap();
    let account = app
        .add_account(NewAccount {
            name: "Benchmark".into(),
            secret_key: Secret::new(key),
            default_currency: "eur".into(),
            api_base: Some(sim.api_base()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    let sim_pid = sim.pid();
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
        generate_secs,
        app: Some(app),
        account: account.id,
        dir,
    }
}

/// The data folder's size after folding the WAL into the database, and how it was measured.
fn storage(app: &Billfold, dir: &Path) -> (u64, usize, &'static str) {
    // A second connection can checkpoint: the app's own is idle between calls.
    let checkpointed = rusqlite::Connection::open(app.store().path())
        .and_then(|conn| {
            conn.busy_timeout(Duration::from_secs(5))?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
                row.get::<_, i64>(0)
            })
        })
        .map(|busy| busy == 0)
        .unwrap_or(false);
    let (bytes, files) = folder_size(dir);
    let how = if checkpointed {
        "after PRAGMA wal_checkpoint(TRUNCATE)"
    } else {
        "files as they are (the checkpoint did not complete)"
    };
    (bytes, files, how)
}

/// Drops the app and opens it again on the same folder, [`REOPENS`] times; the time from
/// `Billfold::open` to the first invoice page (warm OS file cache, as on a restart).
fn reopen(mut app: Billfold, dir: &Path, account: &str) -> (Billfold, Vec<Duration>) {
    let mut samples = Vec::new();
    for _ in 0..REOPENS {
        drop(app);
        let started = Instant::now();
        app = Billfold::open(dir, keychain()).unwrap();
        let page = app
            .list_invoices(
                account,
                &ListQuery {
                    limit: 100,
                    ..Default::default()
                },
            )
            .unwrap();
        samples.push(started.elapsed());
        assert_eq!(page.rows.len(), 100);
    }
    (app, samples)
}

#[tokio::main]
async fn main() {
    let customers = env_usize("BENCH_CUSTOMERS", 10_000);
    let invoices = env_usize("BENCH_INVOICES", 100_000);
    let purchase_orders = env_usize("BENCH_PURCHASE_ORDERS", 20_000);
    let limited_customers = env_usize("BENCH_LIMITED_CUSTOMERS", 200);
    let limited_invoices = env_usize("BENCH_LIMITED_INVOICES", 2_000);
    let skip_limited = std::env::var("BENCH_SKIP_LIMITED").is_ok_and(|v| v == "1");
    let sim = Sim::start();

    let mut full = backfill(
        &sim,
        "sk_test_51BillfoldBenchmarkFull0000000001",
        customers,
        invoices,
        0,
    )
    .await;
    let full_rss = peak_rss_mib();
    let full_app = full.app.take().expect("the app");
    let (disk_bytes, disk_files, disk_how) = storage(&full_app, full.dir.path());

    let po_sim = Sim::start();
    let mix = po::Mix {
        total: purchase_orders,
        issued: 300.min(purchase_orders),
        paid: 100.min(purchase_orders),
        partly_paid: 100.min(purchase_orders.saturating_sub(100)),
        cancelled: 1_000.min(purchase_orders.saturating_sub(300)),
    };
    let (po_account, po_secs) = po::fill(&full_app, &po_sim, &mix).await;
    drop(po_sim);
    eprintln!("made {purchase_orders} purchase orders in {po_secs:.1} s");

    let mut timed = lists::invoices_and_customers(&full_app, &full.account);
    timed.extend(lists::purchase_orders(&full_app, &po_account));
    let (app, reopens) = reopen(full_app, full.dir.path(), &full.account);
    drop(app);
    let end_rss = peak_rss_mib();

    let limited = if skip_limited {
        None
    } else {
        Some(
            backfill(
                &sim,
                "sk_test_51BillfoldBenchmarkLimited00000002",
                limited_customers,
                limited_invoices,
                TEST_MODE_RPS,
            )
            .await,
        )
    };

    let per_sec = |m: &Measured| m.objects as f64 / m.wall.as_secs_f64();
    let cpu_per_object_us = |m: &Measured| m.cpu * 1e6 / m.objects.max(1) as f64;
    let requests_per_100 =
        |m: &Measured| m.report.requests as f64 / (m.objects.max(1) as f64 / 100.0);
    // With the limit on, requests beyond the bucket's initial burst (one second's worth) cannot
    // go faster than this.
    let bound = |m: &Measured| {
        m.report.requests.saturating_sub(u64::from(TEST_MODE_RPS)) as f64 / f64::from(TEST_MODE_RPS)
    };

    println!();
    println!("Backfill of {customers} customers + {invoices} invoices from stripe-sim (separate process, its rate limit off; generated in {:.1} s)", full.generate_secs);
    println!("| run                             | objects | requests | req/100 obj | wall s  | objects/s | CPU s  | CPU µs/object | peak RSS MiB |");
    println!("|---------------------------------|---------|----------|-------------|---------|-----------|--------|---------------|--------------|");
    println!(
        "| client limit off                | {:>7} | {:>8} | {:>11.3} | {:>7.1} | {:>9.0} | {:>6.1} | {:>13.1} | {:>12.0} |",
        full.objects,
        full.report.requests,
        requests_per_100(&full),
        full.wall.as_secs_f64(),
        per_sec(&full),
        full.cpu,
        cpu_per_object_us(&full),
        full_rss
    );
    if let Some(limited) = &limited {
        println!(
            "| client limit {TEST_MODE_RPS} rps ({limited_customers} + {limited_invoices}) | {:>7} | {:>8} | {:>11.3} | {:>7.1} | {:>9.0} | {:>6.1} | {:>13.1} | {:>12} |",
            limited.objects,
            limited.report.requests,
            requests_per_100(limited),
            limited.wall.as_secs_f64(),
            per_sec(limited),
            limited.cpu,
            cpu_per_object_us(limited),
            "(see above)"
        );
    }
    let kb_per_object = disk_bytes as f64 / 1024.0 / full.objects.max(1) as f64;
    println!();
    println!(
        "Disk: the data folder holds {:.1} MiB in {disk_files} files ({disk_how}), {kb_per_object:.2} KB per object synced.",
        disk_bytes as f64 / (1024.0 * 1024.0)
    );

    println!();
    println!("List latency through the Billfold API, 100 rows a page, {} runs each after one warm-up (invoices and customers: the account above; POs: a second account of {purchase_orders} purchase orders, {} issued and due in the past, {} of them paid, {} paid in part, {} drafts cancelled)", 30, mix.issued, mix.paid, mix.partly_paid, mix.cancelled);
    println!(
        "| query                                   | matches | p50 ms | p95 ms | p95 ≤ {} ms |",
        target::LIST_P95_MS
    );
    println!(
        "|-----------------------------------------|---------|--------|--------|------------|"
    );
    for t in &timed {
        println!(
            "| {:<39} | {:>7} | {:>6.2} | {:>6.2} | {:<10} |",
            t.name,
            t.total,
            t.p50,
            t.p95,
            verdict(t.p95 <= target::LIST_P95_MS)
        );
    }
    let (reopen_p50, reopen_p95) = percentiles(&reopens);
    println!();
    println!("Reopen + first invoice page (Billfold::open on the same folder, then the default query; warm OS file cache), {REOPENS} runs: p50 {reopen_p50:.1} ms, p95 {reopen_p95:.1} ms");

    let slow: Vec<&lists::Timed> = timed
        .iter()
        .filter(|t| t.p95 > target::LIST_P95_MS)
        .collect();
    let worst = timed
        .iter()
        .max_by(|a, b| a.p95.total_cmp(&b.p95))
        .map(|t| format!("worst {} ms ({})", fmt2(t.p95), t.name))
        .unwrap_or_default();
    let rows: [(String, String, bool); 5] = [
        (
            format!("each list query p95 ≤ {} ms", target::LIST_P95_MS),
            format!("{} of {} over; {worst}", slow.len(), timed.len()),
            slow.is_empty(),
        ),
        (
            format!("reopen + first page p95 ≤ {} ms", target::REOPEN_P95_MS),
            format!("{reopen_p95:.1} ms"),
            reopen_p95 <= target::REOPEN_P95_MS,
        ),
        (
            format!("requests ≤ {} × objects/100", target::REQUESTS_PER_100),
            format!(
                "{:.3} × ({} requests, {} objects)",
                requests_per_100(&full),
                full.report.requests,
                full.objects
            ),
            requests_per_100(&full) <= target::REQUESTS_PER_100,
        ),
        (
            format!("CPU ≤ {} µs/object", target::CPU_US_PER_OBJECT),
            format!("{:.1} µs", cpu_per_object_us(&full)),
            cpu_per_object_us(&full) <= target::CPU_US_PER_OBJECT,
        ),
        (
            format!("peak RSS ≤ {} MB", target::PEAK_RSS_MB),
            format!(
                "{:.0} MB after the backfill ({:.0} MB at the end, with the PO account)",
                full_rss * 1.048_576,
                end_rss * 1.048_576
            ),
            full_rss * 1.048_576 <= target::PEAK_RSS_MB,
        ),
    ];
    println!();
    println!("Targets");
    println!("| target                            | measured                                                         | holds |");
    println!("|-----------------------------------|------------------------------------------------------------------|-------|");
    for (name, measured, holds) in rows {
        println!("| {name:<33} | {measured:<64} | {:<5} |", verdict(holds));
    }

    println!();
    if let Some(limited) = &limited {
        let efficiency = bound(limited) / limited.wall.as_secs_f64();
        println!(
            "At {TEST_MODE_RPS} rps the set of {limited_customers} customers + {limited_invoices} invoices made {} requests in {:.1} s; \
             after the first second's burst the limit allows no less than {:.1} s: {:.0}% of the bound's speed.",
            limited.report.requests,
            limited.wall.as_secs_f64(),
            bound(limited),
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
    } else {
        println!("The {TEST_MODE_RPS} rps run was skipped (BENCH_SKIP_LIMITED=1).");
    }
    println!(
        "Meanwhile stripe-sim used {:.1} s CPU (limit off){}; the machine has {} cores.",
        full.sim_cpu,
        limited
            .as_ref()
            .map(|l| format!(" and {:.1} s (limit on)", l.sim_cpu))
            .unwrap_or_default(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("Peak RSS is the process's peak so far, reached during the first run; requests exclude the key check.");
}

fn fmt2(ms: f64) -> String {
    format!("{ms:.2}")
}
