//! Reports benchmark: `cargo run --release -p billfold-core --example reports_bench`.
//!
//! Starts the `stripe-sim` binary as its own process with its rate limit off and fills one
//! account with 10k customers, 100k invoices, 10k monthly subscriptions (a third on trial) and
//! 20k card payments (one in ten refunded by half) and syncs it into a fresh database. With
//! `BENCH_ADVANCE_DAYS=N` it then moves the simulated clock N days (trials end, subscriptions
//! renew) and syncs again, so the subscription history holds events too and "aging a month
//! ago" (with N ≥ 30) is the day the invoices were made: every one of them open. Then it
//! times every report the Reports area and the dashboard ask for, for the account and for All
//! accounts, and says whether each holds the 200 ms target (p95 of [`RUNS`] runs, warm cache,
//! release build).
//!
//! `BENCH_CUSTOMERS`, `BENCH_INVOICES`, `BENCH_SUBSCRIPTIONS` and `BENCH_PAYMENTS` change the
//! sizes.

// Shared with the backfill benchmark, which uses more of them.
#[path = "../backfill_bench/measure.rs"]
#[allow(dead_code)]
mod measure;
#[path = "../backfill_bench/sim.rs"]
#[allow(dead_code)]
mod sim;

use std::time::{Duration, Instant};

use billfold_core::accounts::{Mode, NewAccount};
use billfold_core::reports::{AgingFilter, AgingPageQuery, AgingSort, Granularity, TopBy};
use billfold_core::secrets::{Keychain, Secret};
use billfold_core::sync::NoObserver;
use billfold_core::Billfold;
use chrono::{Days, Utc};

use measure::{percentiles, verdict};
use sim::Sim;

/// Runs per report; the first warms SQLite's page cache and is not counted.
const RUNS: usize = 21;
/// Slowest acceptable p95 of one report, ms.
const REPORT_P95_MS: f64 = 200.0;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Times `report` [`RUNS`] times and prints its line; `rows` says how big its answer was.
fn time<T>(name: &str, mut report: impl FnMut() -> T, rows: impl Fn(&T) -> usize) -> bool {
    let mut samples: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut size = 0;
    for run in 0..RUNS {
        let started = Instant::now();
        let answer = report();
        let elapsed = started.elapsed();
        size = rows(&answer);
        if run > 0 {
            samples.push(elapsed);
        }
    }
    let (p50, p95) = percentiles(&samples);
    let holds = p95 <= REPORT_P95_MS;
    println!("{name:<44} {p50:>8.1} {p95:>8.1} {size:>7}   {}", verdict(holds));
    holds
}

#[tokio::main]
async fn main() {
    let customers = env_usize("BENCH_CUSTOMERS", 10_000);
    let invoices = env_usize("BENCH_INVOICES", 100_000);
    let subscriptions = env_usize("BENCH_SUBSCRIPTIONS", 10_000);
    let payments = env_usize("BENCH_PAYMENTS", 20_000);
    let advance_days = env_usize("BENCH_ADVANCE_DAYS", 0) as i64;
    let sim = Sim::start();
    let key = "sk_test_51BillfoldReportsBench000000000001";

    let started = Instant::now();
    let made = sim
        .control(
            "/_sim/generate",
            &format!(r#"{{"key":"{key}","customers":{customers},"invoices":{invoices},"subscriptions":{subscriptions},"payments":{payments},"seed":42}}"#),
        )
        .await;
    eprintln!("generated in {:.1} s: {made}", started.elapsed().as_secs_f64());

    let dir = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = Billfold::open(dir.path(), keychain).unwrap();
    app.set_rate_limit(Mode::Test, 0).unwrap();
    let account = app
        .add_account(NewAccount {
            name: "Reports benchmark".into(),
            secret_key: Secret::new(key),
            default_currency: "eur".into(),
            api_base: Some(sim.api_base()),
            webhook_secret: None,
        })
        .await
        .unwrap();
    let started = Instant::now();
    app.sync_once(&account.id, &NoObserver).await.unwrap();
    eprintln!("first sync in {:.1} s", started.elapsed().as_secs_f64());
    if advance_days > 0 {
        sim.control("/_sim/clock/advance", &format!(r#"{{"seconds":{}}}"#, advance_days * 86_400)).await;
        let started = Instant::now();
        app.sync_once(&account.id, &NoObserver).await.unwrap();
        eprintln!("{advance_days} days later, synced again in {:.1} s", started.elapsed().as_secs_f64());
    }

    let count = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(app.store().path()).unwrap();
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    };
    println!("Reports over one account in a release build (p95 of {} runs each, target {REPORT_P95_MS} ms):", RUNS - 1);
    println!(
        "  cached: {} customers, {} invoices, {} subscriptions, {} MRR history rows, {} balance transactions",
        count("SELECT count(*) FROM cache_customers"),
        count("SELECT count(*) FROM cache_invoices"),
        count("SELECT count(*) FROM cache_subscriptions"),
        count("SELECT count(*) FROM mrr_history"),
        count("SELECT count(*) FROM cache_balance_transactions"),
    );
    println!("{:<44} {:>8} {:>8} {:>7}", "report", "p50 ms", "p95 ms", "rows");

    // Reports run as of the simulated clock's "today".
    let today = Utc::now().date_naive() + Days::new(advance_days as u64);
    let day = |date: chrono::NaiveDate| date.format("%Y-%m-%d").to_string();
    let (to, year_ago, month_ago) = (day(today), day(today - Days::new(364)), day(today - Days::new(30)));
    let month = |date: chrono::NaiveDate| date.format("%Y-%m").to_string();
    let (this_month, year_before) = (month(today), month(today - Days::new(334)));
    let now = Utc::now().timestamp() + advance_days * 86_400;
    let id = account.id.as_str();
    let mut all_hold = true;
    for (scope, account_id) in [("", Some(id)), (" (All accounts)", None)] {
        let label = |name: &str| format!("{name}{scope}");
        all_hold &= time(&label("revenue by day, a year"), || app.revenue_report(account_id, &year_ago, &to, Granularity::Day, 0).unwrap(), |r| r.currencies.iter().map(|c| c.rows.len()).sum());
        all_hold &= time(&label("revenue by week, a year"), || app.revenue_report(account_id, &year_ago, &to, Granularity::Week, 0).unwrap(), |r| r.currencies.iter().map(|c| c.rows.len()).sum());
        all_hold &= time(&label("revenue by month, a year"), || app.revenue_report(account_id, &year_ago, &to, Granularity::Month, 0).unwrap(), |r| r.currencies.iter().map(|c| c.rows.len()).sum());
        all_hold &= time(&label("MRR and churn, 12 months"), || app.mrr_report(account_id, &year_before, &this_month).unwrap(), |r| r.currencies.iter().map(|c| c.months.len()).sum());
        all_hold &= time(&label("MRR now"), || app.mrr_now_at(account_id, now).unwrap(), Vec::len);
        all_hold &= time(&label("aging today"), || app.aging_report(account_id, &to, 0).unwrap(), |r| r.currencies.iter().map(|c| c.customers.len()).sum());
        all_hold &= time(&label("aging a month ago"), || app.aging_report(account_id, &month_ago, 0).unwrap(), |r| r.currencies.iter().map(|c| c.customers.len()).sum());
        all_hold &= time(&label("top 25 customers by revenue, a year"), || app.top_customers(account_id, &year_ago, &to, TopBy::Revenue, 25, 0).unwrap(), |r| r.currencies.iter().map(|c| c.customers.len()).sum());
        all_hold &= time(&label("top 25 customers by open balance"), || app.top_customers(account_id, &year_ago, &to, TopBy::OpenBalance, 25, 0).unwrap(), |r| r.currencies.iter().map(|c| c.customers.len()).sum());
        all_hold &= time(&label("dashboard figures, this month"), || app.dashboard_figures(account_id, &day(today - Days::new(29)), &to, 0, now).unwrap(), |_| 1);
    }
    let first_page = AgingPageQuery { sort: None, descending: false, offset: 0, limit: 200 };
    all_hold &= time("aging drill-down: first page of every invoice", || app.aging_invoices(Some(id), &to, 0, &AgingFilter::default(), first_page).unwrap(), |page| page.rows.len());
    let by_customer = AgingPageQuery { sort: Some(AgingSort::Customer), descending: true, offset: 20_000, limit: 200 };
    all_hold &= time("aging drill-down: by customer, offset 20,000", || app.aging_invoices(Some(id), &to, 0, &AgingFilter::default(), by_customer).unwrap(), |page| page.rows.len());
    println!("every report within {REPORT_P95_MS} ms: {}", verdict(all_hold));
}
