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
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use billfold_core::store::{InvoiceRow, ListQuery, Store, DATABASE_FILE};
use billfold_e2e::{http_json, AppSession};
use serde_json::json;
use stripe_sim::{SimConfig, Simulator};

/// The generated account's test key.
const KEY: &str = "sk_test_51BigListBenchBillfoldKey00000000000000c3d4";
/// A word in many generated customers' names (stripe-sim names them "<company> <form> <n>").
const SEARCH: &str = "Acme";
/// The column header clicked: sorting by the customer's name joins the customers table.
const SORT_KEY: &str = "customer";
/// A first backfill of 110k objects by a debug build takes minutes; this only bounds a hang.
const SYNC_PATIENCE: Duration = Duration::from_secs(45 * 60);
/// How long one list change may take before the test calls it stuck.
const PAINT_PATIENCE: Duration = Duration::from_secs(120);

/// Installs `window.__bigList`: `arm(index, expect, count, start)` starts watching for the row
/// at `index` to be in view showing one of the texts `expect` (and the count to read `count`, when given), with
/// no row in view still "Loading…". The clock starts now (`"now"`), or at the last `input` or
/// `click` event after arming. It records when the DOM first showed them (a mutation observer)
/// and the start of the next animation frame, the one that paints them.
const INSTALL: &str = r#"
    const grid = () => document.querySelector("[data-testid='invoices']");
    const inView = (element, box) => {
        const rect = element.getBoundingClientRect();
        return rect.bottom > box.top && rect.top < box.bottom;
    };
    const painted = (s) => {
        const table = grid();
        if (!table) return null;
        const row = table.querySelector(`[data-testid='invoices-row'][data-index='${s.index}']`);
        if (!row || !s.expect.some((text) => row.textContent.includes(text))) return null;
        if (s.count !== null) {
            const shown = document.querySelector("[data-testid='invoices-count']");
            if (!shown || shown.textContent.replace(/\D/g, '') !== String(s.count)) return null;
        }
        const box = table.getBoundingClientRect();
        if (!inView(row, box)) return null;
        for (const other of table.querySelectorAll("[data-testid='invoices-row']")) {
            if (inView(other, box) && other.textContent.includes('Loading')) return null;
        }
        return Array.from(row.children, (cell) => cell.textContent.trim()).join(' · ');
    };
    const observe = () => {
        const s = window.__bigListState;
        if (!s || s.t0 === null || s.dom !== null) return;
        const text = painted(s);
        if (text !== null) {
            s.dom = performance.now() - s.t0;
            s.text = text;
        }
    };
    new MutationObserver(observe).observe(document.body, {
        subtree: true, childList: true, characterData: true, attributes: true,
    });
    for (const type of ['input', 'click']) {
        document.addEventListener(type, () => {
            const s = window.__bigListState;
            if (s && s.start === type && s.dom === null) s.t0 = performance.now();
        }, true);
    }
    const frame = () => {
        observe();
        const s = window.__bigListState;
        if (s && s.dom !== null && s.frame === null) s.frame = performance.now() - s.t0;
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    window.__bigList = {
        arm(index, expect, count, start) {
            window.__bigListState = {
                index, expect, count, start,
                t0: start === 'now' ? performance.now() : null,
                dom: null, frame: null, text: null,
            };
        },
    };
"#;

/// Empties the search box as its clear button does (an `input` event with the empty value).
const CLEAR: &str = r#"
    const input = document.querySelector("[data-testid='invoices-search']");
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
"#;

/// What one step measured.
struct Step {
    what: String,
    dom_ms: f64,
    frame_ms: Option<f64>,
    text: String,
}

/// The app, its cache (read through the core), and the timings so far.
struct Bench {
    app: AppSession,
    cache: Store,
    account: String,
    steps: Vec<Step>,
}

/// What a row shows in its first column: the number, or the id of a draft.
fn label(row: &InvoiceRow) -> String {
    row.number.clone().unwrap_or_else(|| row.id.clone())
}

impl Bench {
    /// One row of the cache for the query the invoices view sends.
    fn row_at(&self, query: &ListQuery, index: i64) -> (i64, InvoiceRow) {
        let page = self
            .cache
            .list_invoices(
                &self.account,
                &ListQuery {
                    offset: index,
                    limit: 1,
                    ..query.clone()
                },
            )
            .expect("the cache answers");
        let row = page.rows.into_iter().next().expect("a row at that index");
        (page.total, row)
    }

    /// Arms the watcher for the row at `index` showing one of `expect`, runs `act`, waits for
    /// the row, and records the step.
    async fn measure(
        &mut self,
        what: &str,
        index: i64,
        expect: &[String],
        count: Option<i64>,
        start: &str,
        act: Act<'_>,
    ) {
        let arm = "window.__bigList.arm(arguments[0], arguments[1], arguments[2], arguments[3]);";
        // A script acts in the same call that arms, so no WebDriver round trip is timed.
        let script = match act {
            Act::Script(source) => format!("{arm}\n{source}"),
            _ => arm.to_string(),
        };
        self.app
            .client
            .execute(
                &script,
                vec![json!(index), json!(expect), json!(count), json!(start)],
            )
            .await
            .expect("arm the watcher");
        match act {
            Act::Script(_) => {}
            Act::Type(text) => {
                self.app
                    .type_into("[data-testid='invoices-search']", text)
                    .await
            }
            Act::Click(test_id) => self.app.click(test_id).await,
        }
        let started = Instant::now();
        let state = loop {
            let state = self
                .app
                .client
                .execute("return window.__bigListState;", vec![])
                .await
                .expect("read the watcher");
            let (dom_done, frame_done) = (!state["dom"].is_null(), !state["frame"].is_null());
            // Without animation frames (a hidden window) the DOM time stands alone.
            if frame_done || (dom_done && started.elapsed() > Duration::from_secs(2)) {
                break state;
            }
            if started.elapsed() > PAINT_PATIENCE {
                let shot = self.app.screenshot("big-list-stuck").await;
                panic!(
                    "{what}: row {index} never showed {expect:?} (see {})",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let text: String = state["text"]
            .as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            expect
                .iter()
                .any(|candidate| text.contains(candidate.as_str())),
            "{what}: row {index} shows {text:?}"
        );
        let step = Step {
            what: what.to_string(),
            dom_ms: state["dom"].as_f64().unwrap_or(f64::NAN),
            frame_ms: state["frame"].as_f64(),
            text,
        };
        println!(
            "{what}: DOM {:.0} ms, next frame {:?} ms: {}",
            step.dom_ms,
            step.frame_ms.map(f64::round),
            step.text
        );
        self.steps.push(step);
    }

    /// The text of the row at `index`, if it is in the page.
    async fn shown_row(&self, index: i64) -> String {
        let text = self
            .app
            .client
            .execute(
                "const row = document.querySelector(`[data-testid='invoices-row'][data-index='${arguments[0]}']`);
                 return row ? row.textContent : '';",
                vec![json!(index)],
            )
            .await
            .expect("read a row");
        text.as_str().unwrap_or_default().to_string()
    }
}

/// What a step does to the invoices view.
#[derive(Clone, Copy)]
enum Act<'a> {
    /// A script run in the page (scrolling).
    Script(&'a str),
    /// Typing into the search box.
    Type(&'a str),
    /// Clicking an element by test id.
    Click(&'a str),
}

/// The emulator: the binary named by `BENCH_STRIPE_SIM` as its own process (`make bench` passes
/// a release build, which generates and serves 100k invoices many times faster than a debug
/// build), else in this test's process.
struct Emulator {
    addr: SocketAddr,
    kind: &'static str,
    _in_process: Option<Simulator>,
    process: Option<Child>,
}

impl Emulator {
    /// Starts the emulator with its rate limit off.
    async fn start() -> Emulator {
        let Some(binary) = std::env::var_os("BENCH_STRIPE_SIM").filter(|path| !path.is_empty())
        else {
            let sim = Simulator::start(SimConfig {
                rate_limit_per_sec: None,
                ..SimConfig::default()
            })
            .await
            .unwrap();
            return Emulator {
                addr: sim.addr(),
                kind: "in the test process",
                _in_process: Some(sim),
                process: None,
            };
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(&binary)
            .args(["--port", &port.to_string(), "--no-rate-limit"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.to_string_lossy()));
        let stdout = child.stdout.take().expect("its output");
        let listening = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains("listening"));
        assert!(listening, "stripe-sim stopped before listening");
        Emulator {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            kind: "its own process",
            _in_process: None,
            process: Some(child),
        }
    }

    /// The API base the account points at.
    fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(child) = &mut self.process {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

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
