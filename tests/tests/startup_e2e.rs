//! Start-up on cached data: the demo is opened and synced once, then the app is started again
//! three times on the same data folder, timing each launch until the dashboard shows the active
//! conference's cached figures, and then the invoice list. Reported (printed and written to
//! `tests/artifacts/startup-timing.txt`), not asserted: a timing limit in a test fails on a busy
//! machine, not on slow code.
//!
//! "Launch" is the app process's start as the kernel recorded it (`/proc`), so the time does
//! not include tauri-driver or the WebDriver session; "first data" is the window's
//! `billfold:first-data` mark (the frame after the first cached figures were drawn).

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use billfold_e2e::{app_binary, AppSession};

const RELAUNCHES: usize = 3;
const PATIENCE: Duration = Duration::from_secs(60);

/// When the app process started, in milliseconds since the Unix epoch: the process of the
/// app binary whose environment names `data_dir`.
fn app_started_ms(data_dir: &Path) -> f64 {
    let wanted = format!("BILLFOLD_DATA_DIR={}", data_dir.display()).into_bytes();
    let app = app_binary().canonicalize().expect("the app binary");
    let ticks_per_sec: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0);
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let dir = entry.path();
        let exe = std::fs::read_link(dir.join("exe")).ok();
        let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
        if exe.as_deref() != Some(app.as_path()) || !environ.split(|b| *b == 0).any(|var| var == wanted.as_slice()) {
            continue;
        }
        let stat = std::fs::read_to_string(dir.join("stat")).expect("the process's stat");
        // Fields after the command name, which is in parentheses; `starttime` is field 22.
        let after_name = &stat[stat.rfind(')').expect("a stat line") + 2..];
        let start_ticks: f64 = after_name.split(' ').nth(19).and_then(|f| f.parse().ok()).expect("starttime");
        let uptime = std::fs::read_to_string("/proc/uptime").expect("/proc/uptime");
        let uptime_secs: f64 = uptime.split(' ').next().and_then(|f| f.parse().ok()).expect("uptime");
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs_f64() * 1000.0;
        return now_ms - (uptime_secs - start_ticks / ticks_per_sec) * 1000.0;
    }
    panic!("no billfold process runs on {}", data_dir.display());
}

/// The window's first-data mark, in milliseconds since the Unix epoch, and since the page
/// started loading; waits for it.
async fn first_data_ms(app: &AppSession) -> (f64, f64) {
    let started = Instant::now();
    loop {
        let mark = app
            .client
            .execute(
                "const mark = performance.getEntriesByName('billfold:first-data')[0];
                 return mark ? [performance.timeOrigin + mark.startTime, mark.startTime] : null;",
                vec![],
            )
            .await
            .expect("read the page's marks");
        if let Some([epoch, page]) = mark.as_array().map(Vec::as_slice) {
            return (epoch.as_f64().unwrap_or(f64::NAN), page.as_f64().unwrap_or(f64::NAN));
        }
        assert!(started.elapsed() < PATIENCE, "the window never marked its first data");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_opens_on_cached_data() {
    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.click("try-demo").await;
    app.wait_for_text("sync-status", "Synced").await;
    app.click("nav-invoices").await;
    app.find("invoices-row").await;
    app.close().await;

    let mut report = String::from(
        "start-up on cached data (demo account, two conferences), launch to first paint:\n",
    );
    for run in 1..=RELAUNCHES {
        let app = AppSession::launch(data.path()).await;
        // The first view is the dashboard: the first conference's (euro) receivables, cached.
        app.find("aging-eur").await;
        let (first_data, in_page) = first_data_ms(&app).await;
        let launch = first_data - app_started_ms(data.path());
        let clicked = Instant::now();
        app.click("nav-invoices").await;
        app.find("invoices-row").await;
        let invoices = clicked.elapsed().as_secs_f64() * 1000.0;
        let line = format!(
            "run {run}: process start to cached dashboard {launch:.0} ms (page load to it {in_page:.0} ms); \
             Invoices click to rows {invoices:.0} ms\n"
        );
        print!("{line}");
        report.push_str(&line);
        app.close().await;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    std::fs::write(dir.join("startup-timing.txt"), report).expect("write the timings");
}
