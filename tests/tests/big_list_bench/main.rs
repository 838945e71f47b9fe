//! Big-list benchmark in the real app (`make bench`; built only with the `bench` feature, so
//! not by `make test`): stripe-sim generates 10k customers and 100k invoices, the app backfills
//! them with both rate limits off, and the invoices view is driven the way a person would:
//! scroll to the end of the virtual table and back to the top, type a search, clear it, click
//! a column header twice. Each time it measures, in the page, how long until the rows for the
//! new position are on screen, and writes the timings to `tests/artifacts/big-list-timings.md`
//! with screenshots `tests/artifacts/big-list.png` (sorted) and `big-list-end.png` (the end).
//!
//! Timings are reported, not asserted; what is asserted is that the rows appeared and are the
//! right ones (checked against the cache the app wrote, read through `billfold-core`, and the
//! invoice count against what the emulator made). `BENCH_CUSTOMERS` and `BENCH_INVOICES`
//! change the sizes; `BENCH_STRIPE_SIM` names a stripe-sim binary to run as its own process.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use billfold_core::store::{ListQuery, Store, DATABASE_FILE};
use billfold_e2e::{http_json, AppSession};
use serde_json::json;

/// The generated account's test key.
const KEY: &str = "sk_test_51BigListBenchBillfoldKey00000000000000c3d4";
/// A word in many generated customers' names (stripe-sim names them "<company> <form> <n>").
const SEARCH: &str = "Acme";
/// The column header clicked: the customer's name, a text sort.
const SORT_KEY: &str = "customer";
/// A first backfill of 110k objects by a debug build takes minutes; this only bounds a hang.
const SYNC_PATIENCE: Duration = Duration::from_secs(45 * 60);

mod emulator;
mod page_timer;

use emulator::Emulator;
use page_timer::{label, Act, Bench, CLEAR, INSTALL};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `tests/artifacts`, made if missing.
fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hundred_thousand_invoices_scroll_search_and_sort_in_the_real_app() {
    let customers = env_usize("BENCH_CUSTOMERS", 10_000);
    let invoices = env_usize("BENCH_INVOICES", 100_000);
    let sim = Emulator::start().await;
    let started = Instant::now();
    let (code, made) = http_json(
        sim.addr,
        "POST",
        "/_sim/generate",
        &[("Content-Type", "application/json")],
        &json!({ "key": KEY, "customers": customers, "invoices": invoices, "seed": 42 })
            .to_string(),
    )
    .await;
    assert_eq!(code, 200, "{made}");
    let generate_secs = started.elapsed().as_secs_f64();
    println!(
        "{} generated {customers} customers + {invoices} invoices in {generate_secs:.1} s",
        sim.kind
    );

    // The client-side limit off, as the app reads it when it makes the account's gateway.
    let data = tempfile::tempdir().unwrap();
    let database = data.path().join(DATABASE_FILE);
    Store::open(&database)
        .unwrap()
        .set_setting("rate_limit.test", "0")
        .unwrap();

    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    let submitted = Instant::now();
    app.add_account("Big Conf", KEY, "eur", &sim.base_url())
        .await;
    let status = loop {
        let text = app
            .find("sync-status")
            .await
            .prop("textContent")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        if text.contains("Synced") {
            break text;
        }
        assert!(
            submitted.elapsed() < SYNC_PATIENCE,
            "the first sync never ended: {text:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let sync_secs = submitted.elapsed().as_secs_f64();
    assert!(!status.contains("error"), "{status}");
    println!("first sync in the app: {sync_secs:.1} s");

    app.click("nav-invoices").await;
    app.find("invoices-row").await;
    let cache = Store::open(&database).unwrap();
    let account = cache
        .list_accounts()
        .unwrap()
        .into_iter()
        .next()
        .expect("the account")
        .id;
    app.client
        .execute(INSTALL, vec![])
        .await
        .expect("install the watcher");
    let mut bench = Bench {
        app,
        cache,
        account,
        steps: Vec::new(),
    };

    // The whole list: as many invoices as the emulator made, in its default order by creation.
    let all = ListQuery::default();
    let (total, first) = bench.row_at(&all, 0);
    assert_eq!(total, invoices as i64, "every generated invoice is cached");
    let (_, last) = bench.row_at(&all, total - 1);
    let created = |descending| {
        bench
            .row_at(
                &ListQuery {
                    sort: Some("created".into()),
                    descending,
                    ..Default::default()
                },
                0,
            )
            .1
            .created
    };
    let (oldest, newest) = (created(false), created(true));
    assert!(
        (first.created, last.created) == (oldest, newest)
            || (first.created, last.created) == (newest, oldest),
        "the default order runs from one end of time to the other"
    );
    let auth = format!("Bearer {KEY}");
    let (code, page) = http_json(
        sim.addr,
        "GET",
        "/v1/invoices?limit=1",
        &[("Authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(
        page["data"][0]["created"].as_i64(),
        Some(newest),
        "the newest invoice is the emulator's newest"
    );

    let to_end = "const t = document.querySelector(\"[data-testid='invoices']\"); t.scrollTop = t.scrollHeight;";
    let to_top = "document.querySelector(\"[data-testid='invoices']\").scrollTop = 0;";
    bench
        .measure(
            "scroll to the end",
            total - 1,
            &[label(&last)],
            Some(total),
            "now",
            Act::Script(to_end),
        )
        .await;
    let end_shot = bench.app.screenshot("big-list-end").await;
    bench
        .measure(
            "scroll back to the top",
            0,
            &[label(&first)],
            Some(total),
            "now",
            Act::Script(to_top),
        )
        .await;

    let search = ListQuery {
        search: Some(SEARCH.into()),
        ..Default::default()
    };
    let (matches, first_match) = bench.row_at(&search, 0);
    assert!(
        matches > 0 && matches < total,
        "{SEARCH:?} matches some invoices: {matches}"
    );
    bench
        .measure(
            &format!("type a search ({SEARCH:?}, {matches} matches)"),
            0,
            &[label(&first_match)],
            Some(matches),
            "input",
            Act::Type(SEARCH),
        )
        .await;
    bench
        .measure(
            "clear the search",
            0,
            &[label(&first)],
            Some(total),
            "input",
            Act::Script(CLEAR),
        )
        .await;

    let sorted = |descending| ListQuery {
        sort: Some(SORT_KEY.into()),
        descending,
        ..Default::default()
    };
    let ascending_first = label(&bench.row_at(&sorted(false), 0).1);
    let descending_first = label(&bench.row_at(&sorted(true), 0).1);
    let header = format!("sort-{SORT_KEY}");
    let mut shown_directions = Vec::new();
    for click in ["first", "second"] {
        // The old rows stay on screen until the new ones come: wait for a first row other than
        // the one shown now, in whichever direction the UI sorts on this click.
        let before = bench.shown_row(0).await;
        let expect: Vec<String> = [&ascending_first, &descending_first]
            .into_iter()
            .filter(|text| !before.contains(text.as_str()))
            .cloned()
            .collect();
        bench
            .measure(
                &format!("click the {SORT_KEY} header ({click} click)"),
                0,
                &expect,
                Some(total),
                "click",
                Act::Click(&header),
            )
            .await;
        let direction = bench
            .app
            .client
            .execute(
                "return document.querySelector(arguments[0]).closest('[role=columnheader]').getAttribute('aria-sort');",
                vec![json!(format!("[data-testid='{header}']"))],
            )
            .await
            .expect("read aria-sort");
        let text = &bench.steps.last().expect("a step").text;
        let expected = match direction.as_str() {
            Some("ascending") => &ascending_first,
            Some("descending") => &descending_first,
            other => panic!("the {SORT_KEY} header says {other:?} after a click"),
        };
        assert!(
            text.contains(expected.as_str()),
            "sorted {direction}: the first row shows {text:?}, not {expected:?}"
        );
        shown_directions.push(direction.as_str().unwrap_or_default().to_string());
    }
    assert_ne!(
        shown_directions[0], shown_directions[1],
        "the second click turns the order around"
    );
    let shot = bench.app.screenshot("big-list").await;

    let mut report = String::new();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    writeln!(report, "# Big list in the real app\n").unwrap();
    writeln!(
        report,
        "{customers} customers + {invoices} invoices generated by stripe-sim ({}) in {generate_secs:.1} s; \
         first sync in the app ({profile} build, both rate limits off) from submitting the account to \"Synced\": {sync_secs:.1} s.\n",
        sim.kind
    )
    .unwrap();
    writeln!(
        report,
        "Each step is timed in the page with `performance.now()`: from the action (the scroll, the last keystroke, the click) \
         to the first DOM state showing the right rows for the new position with none in view still loading, and to the start of \
         the next animation frame, the one that paints them. The search box waits for a 250 ms pause in typing before it asks; \
         that wait is included. Reported, not asserted.\n"
    )
    .unwrap();
    writeln!(
        report,
        "| step | DOM shows the rows, ms | next frame, ms | row checked |"
    )
    .unwrap();
    writeln!(
        report,
        "|------|-----------------------:|---------------:|-------------|"
    )
    .unwrap();
    for step in &bench.steps {
        let frame = step
            .frame_ms
            .map_or("–".to_string(), |ms| format!("{ms:.0}"));
        let shown: String = step.text.chars().take(90).collect();
        writeln!(
            report,
            "| {} | {:.0} | {frame} | {} |",
            step.what,
            step.dom_ms,
            shown.replace('|', "/")
        )
        .unwrap();
    }
    writeln!(
        report,
        "\nScreenshots: `{}`, `{}`.",
        file_name(&end_shot),
        file_name(&shot)
    )
    .unwrap();
    let path = artifacts().join("big-list-timings.md");
    std::fs::write(&path, &report).expect("write the timings");
    println!("{report}");
    bench.app.close().await;
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}
