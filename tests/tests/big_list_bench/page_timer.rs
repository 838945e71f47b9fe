//! Timing a change of the invoices view in the page: a watcher installed in the window
//! notes when the rows for the new position are in the DOM and when the next frame paints them.

use std::time::{Duration, Instant};

use billfold_core::store::{InvoiceRow, ListQuery, Store};
use billfold_e2e::AppSession;
use serde_json::json;

/// How long one list change may take before the test calls it stuck.
const PAINT_PATIENCE: Duration = Duration::from_secs(120);

/// Installs `window.__bigList`: `arm(index, expect, count, start)` starts watching for the row
/// at `index` to be in view showing one of the texts `expect` (and the count to read `count`, when given), with
/// no row in view still "Loading…". The clock starts now (`"now"`), or at the last `input` or
/// `click` event after arming. It records when the DOM first showed them (a mutation observer)
/// and the start of the next animation frame, the one that paints them.
pub(crate) const INSTALL: &str = r#"
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
pub(crate) const CLEAR: &str = r#"
    const input = document.querySelector("[data-testid='invoices-search']");
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
"#;

/// What one step measured.
pub(crate) struct Step {
    pub(crate) what: String,
    pub(crate) dom_ms: f64,
    pub(crate) frame_ms: Option<f64>,
    pub(crate) text: String,
}

/// The app, its cache (read through the core), and the timings so far.
pub(crate) struct Bench {
    pub(crate) app: AppSession,
    pub(crate) cache: Store,
    pub(crate) account: String,
    pub(crate) steps: Vec<Step>,
}

/// What a row shows in its first column: the number, or the id of a draft.
pub(crate) fn label(row: &InvoiceRow) -> String {
    row.number.clone().unwrap_or_else(|| row.id.clone())
}

impl Bench {
    /// One row of the cache for the query the invoices view sends.
    pub(crate) fn row_at(&self, query: &ListQuery, index: i64) -> (i64, InvoiceRow) {
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
    pub(crate) async fn measure(
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
    pub(crate) async fn shown_row(&self, index: i64) -> String {
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
pub(crate) enum Act<'a> {
    /// A script run in the page (scrolling).
    Script(&'a str),
    /// Typing into the search box.
    Type(&'a str),
    /// Clicking an element by test id.
    Click(&'a str),
}
