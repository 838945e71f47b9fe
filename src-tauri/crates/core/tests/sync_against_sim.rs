//! The sync engine against a real stripe-sim: a backfill equals the emulator's state object for
//! object, an idle poll is one request, changes made between polls arrive, duplicated and
//! reordered events change nothing, an aged-out cursor falls back to a backfill, a cancelled
//! backfill resumes, and the scheduler polls and answers "Sync now".

#[allow(dead_code)]
mod sync_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use billfold_core::customers::CustomerInput;
use billfold_core::store::SyncStatus;
use billfold_core::sync::{DataChanged, NoObserver, SyncObserver, SyncProgress, SyncState};
use billfold_core::{Billfold, ErrorCode};
use serde_json::{json, Value};
use stripe_sim::SimConfig;
use sync_support::{harness, seed};

#[tokio::test]
async fn a_backfill_equals_stripe_and_an_idle_poll_is_one_request() {
    let h = harness(SimConfig::default(), 1).await;
    seed(&h).await;

    for (resource, objects) in h.stripe_state().await {
        assert!(!objects.is_empty(), "the seed made no {resource}");
    }

    let first = h.sync().await;
    assert!(first.backfilled);
    assert!(!first.cancelled);
    assert!(first.objects_written > 150, "{first:?}");
    h.assert_cache_equals_stripe().await;
    let status = h.status();
    assert_eq!(status.state, SyncState::Idle);
    assert_eq!(status.last_error, None);
    assert!(status.last_success_at.is_some());
    let cached: usize = h.cache_state().values().map(Vec::len).sum();
    assert_eq!(status.objects_synced, cached as i64);

    let before = h.sim.request_count();
    let second = h.sync().await;
    assert_eq!(
        h.sim.request_count() - before,
        1,
        "nothing changed: exactly one request"
    );
    assert_eq!(second.requests, 1);
    assert!(!second.backfilled);
    assert_eq!(second.events_applied, 0);
    assert!(second.resources_changed.is_empty());
}

#[tokio::test]
async fn changes_between_polls_arrive_with_the_next_poll() {
    let h = harness(SimConfig::default(), 2).await;
    seed(&h).await;
    let lonely = h
        .post("/v1/customers", &[("name", "Short-lived Ltd")])
        .await;
    h.sync().await;

    // New invoice, finalized and paid; another voided; a draft deleted; a subscription
    // canceled and another changed; a customer renamed and another deleted; a card detached.
    // Newest first: [0] is the short-lived one, [1] the seeded one with a card.
    let customers = h.list_all("/v1/customers", &[]).await;
    let customer = customers[2]["id"].as_str().unwrap();
    let invoice = h
        .post(
            "/v1/invoices",
            &[
                ("customer", customer),
                ("currency", "eur"),
                ("collection_method", "send_invoice"),
                ("days_until_due", "30"),
            ],
        )
        .await;
    let new_id = invoice["id"].as_str().unwrap();
    h.post(
        &format!("/v1/invoices/{new_id}/add_lines"),
        &[
            ("lines[0][description]", "Booth"),
            ("lines[0][amount]", "150000"),
        ],
    )
    .await;
    h.post(&format!("/v1/invoices/{new_id}/finalize"), &[])
        .await;
    h.post(
        &format!("/v1/invoices/{new_id}/pay"),
        &[("paid_out_of_band", "true")],
    )
    .await;
    let open = h.list_all("/v1/invoices", &[("status", "open")]).await;
    h.post(
        &format!("/v1/invoices/{}/void", open[0]["id"].as_str().unwrap()),
        &[],
    )
    .await;
    let drafts = h.list_all("/v1/invoices", &[("status", "draft")]).await;
    h.delete(&format!(
        "/v1/invoices/{}",
        drafts[0]["id"].as_str().unwrap()
    ))
    .await;
    let subscriptions = h.list_all("/v1/subscriptions", &[]).await;
    h.delete(&format!(
        "/v1/subscriptions/{}",
        subscriptions[0]["id"].as_str().unwrap()
    ))
    .await;
    h.post(
        &format!(
            "/v1/subscriptions/{}",
            subscriptions[1]["id"].as_str().unwrap()
        ),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    h.post(
        &format!("/v1/customers/{customer}"),
        &[("name", "Renamed GmbH")],
    )
    .await;
    h.delete(&format!("/v1/customers/{}", lonely["id"].as_str().unwrap()))
        .await;
    let cards = h
        .list_all(
            &format!(
                "/v1/customers/{}/payment_methods",
                customers[1]["id"].as_str().unwrap()
            ),
            &[],
        )
        .await;
    h.post(
        &format!(
            "/v1/payment_methods/{}/detach",
            cards[0]["id"].as_str().unwrap()
        ),
        &[],
    )
    .await;

    let report = h.sync().await;
    assert!(!report.backfilled);
    assert!(report.events_applied > 10, "{report:?}");
    for resource in [
        "invoices",
        "subscriptions",
        "customers",
        "payment_methods",
        "events",
    ] {
        assert!(
            report.resources_changed.contains(resource),
            "{resource} not reported changed: {report:?}"
        );
    }
    h.assert_cache_equals_stripe().await;
    let page = h
        .app
        .list_invoices(
            &h.account,
            &billfold_core::store::ListQuery {
                search: Some("Renamed".into()),
                limit: 100,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(page
        .rows
        .iter()
        .any(|row| row.id == new_id && row.status == "paid" && row.amount_paid == 150_000));
}

#[tokio::test]
async fn duplicated_and_reordered_events_change_nothing() {
    let h = harness(SimConfig::default(), 3).await;
    seed(&h).await;
    h.sync().await;
    let seen_before = h.list_all("/v1/events", &[]).await.len();

    // Changes a few seconds apart, so their events have distinct times.
    let invoices = h.list_all("/v1/invoices", &[("status", "open")]).await;
    let (a, b) = (
        invoices[0]["id"].as_str().unwrap().to_string(),
        invoices[1]["id"].as_str().unwrap().to_string(),
    );
    h.post(
        &format!("/v1/invoices/{a}/pay"),
        &[("paid_out_of_band", "true")],
    )
    .await;
    h.sim.advance_clock(5);
    h.post(&format!("/v1/invoices/{b}/void"), &[]).await;
    h.sim.advance_clock(5);
    h.post(&format!("/v1/invoices/{a}"), &[("metadata[po]", "PO-7")])
        .await;
    h.sim.advance_clock(5);
    let customer = h.list_all("/v1/customers", &[]).await[2]["id"]
        .as_str()
        .unwrap()
        .to_string();
    h.post(
        &format!("/v1/customers/{customer}"),
        &[("email", "ap@example.com")],
    )
    .await;
    h.sim.advance_clock(5);
    h.post(
        &format!("/v1/customers/{customer}"),
        &[("email", "billing@example.com")],
    )
    .await;

    // The new events arrive by webhook newest first, each twice.
    let all = h.list_all("/v1/events", &[]).await;
    let new: Vec<Value> = all[..all.len() - seen_before].to_vec();
    assert!(new.len() >= 5, "{} new events", new.len());
    let mut applied = 0;
    for event in new.iter().chain(new.iter()) {
        applied += usize::from(
            h.app
                .apply_webhook_event(&h.account, event.clone())
                .await
                .unwrap(),
        );
    }
    assert_eq!(applied, new.len(), "each event is applied once");
    h.assert_cache_equals_stripe().await;

    // Polling then finds them all seen.
    let report = h.sync().await;
    assert_eq!(report.events_applied, 0);
    assert_eq!(report.events_skipped, new.len() as u64);
    h.assert_cache_equals_stripe().await;
    let cached = h
        .app
        .store()
        .cached_objects(&h.account, "customers")
        .unwrap();
    assert_eq!(
        cached
            .iter()
            .find(|c| c["id"] == customer.as_str())
            .unwrap()["email"],
        "billing@example.com"
    );
}

#[tokio::test]
async fn a_cursor_older_than_retention_falls_back_to_a_backfill() {
    let h = harness(
        SimConfig {
            event_retention_secs: 3_600,
            ..SimConfig::default()
        },
        4,
    )
    .await;
    seed(&h).await;
    h.sync().await;

    // Changes whose events age out before the next poll: only a backfill can see them,
    // including the deletion.
    let customers = h.list_all("/v1/customers", &[]).await;
    let gone = h.post("/v1/customers", &[("name", "Gone Ltd")]).await;
    h.sync().await;
    h.delete(&format!("/v1/customers/{}", gone["id"].as_str().unwrap()))
        .await;
    h.post(
        &format!("/v1/customers/{}", customers[3]["id"].as_str().unwrap()),
        &[("name", "Renamed while away")],
    )
    .await;
    h.sim.advance_clock(7_200);
    h.post(
        &format!("/v1/customers/{}", customers[4]["id"].as_str().unwrap()),
        &[("name", "Renamed just now")],
    )
    .await;

    let report = h.sync().await;
    assert!(report.backfilled, "{report:?}");
    h.assert_cache_equals_stripe().await;
    assert!(h.cache_state()["customers"]
        .iter()
        .all(|c| c["id"] != gone["id"]));

    // Afterwards polling is incremental again.
    let before = h.sim.request_count();
    let idle = h.sync().await;
    assert!(!idle.backfilled);
    assert_eq!(h.sim.request_count() - before, 1);
}

/// Cancels the sync once it has reported `after` progress events.
struct CancelAfter {
    app: Mutex<Option<(Billfold, String)>>,
    seen: AtomicUsize,
    after: usize,
}

impl SyncObserver for CancelAfter {
    fn progress(&self, _: &SyncProgress) {
        if self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.after {
            if let Some((app, account)) = self.app.lock().unwrap().as_ref() {
                app.cancel_sync(account).unwrap();
            }
        }
    }
    fn status(&self, _: &SyncStatus) {}
    fn data_changed(&self, _: &DataChanged) {}
}

#[tokio::test]
async fn a_cancelled_backfill_resumes_where_it_stopped() {
    let reference = harness(SimConfig::default(), 5).await;
    reference
        .sim
        .generate(&reference.key, 10, 450, 11)
        .await
        .unwrap();
    let uninterrupted = reference.sync().await.requests;

    let h = harness(SimConfig::default(), 6).await;
    h.sim.generate(&h.key, 10, 450, 11).await.unwrap();
    let observer = CancelAfter {
        app: Mutex::new(Some((h.app.clone(), h.account.clone()))),
        seen: AtomicUsize::new(0),
        after: 12,
    };
    let cancelled = h.app.sync_once(&h.account, &observer).await.unwrap();
    assert!(cancelled.cancelled);
    assert!(h.status().last_error.unwrap().contains("cancelled"));
    let partial = h.app.store().cached_count(&h.account, "invoices").unwrap();
    assert!(
        partial < 450,
        "the cancel stopped the backfill early ({partial} invoices)"
    );

    let resumed = h.sync().await;
    assert!(resumed.backfilled && !resumed.cancelled);
    h.assert_cache_equals_stripe().await;
    // Resuming re-reads nothing already committed (the first run's last request is lost).
    assert!(
        cancelled.requests + resumed.requests <= uninterrupted + 2,
        "{} + {} requests against {uninterrupted} in one go",
        cancelled.requests,
        resumed.requests
    );
}

#[tokio::test]
async fn an_unreachable_api_shows_offline_with_the_reason() {
    let h = harness(SimConfig::default(), 7).await;
    let port = h.sim.addr().port();
    drop(h.sim);
    let err = h.app.sync_once(&h.account, &NoObserver).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StripeUnreachable, "{err}");
    let status = h.app.sync_status(&h.account).unwrap();
    assert_eq!(status.state, SyncState::Offline);
    assert!(status.last_error.unwrap().contains(&port.to_string()));
    assert_eq!(status.last_success_at, None);
}

/// Records what the scheduler reports.
#[derive(Default)]
struct Recorder {
    changes: Mutex<Vec<DataChanged>>,
    statuses: Mutex<Vec<SyncStatus>>,
}

impl SyncObserver for Recorder {
    fn progress(&self, _: &SyncProgress) {}
    fn status(&self, status: &SyncStatus) {
        self.statuses.lock().unwrap().push(status.clone());
    }
    fn data_changed(&self, change: &DataChanged) {
        self.changes.lock().unwrap().push(change.clone());
    }
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..600 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn the_scheduler_polls_each_account_and_sync_now_wakes_it() {
    let h = harness(SimConfig::default(), 8).await;
    h.sim.generate(&h.key, 5, 5, 3).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    h.app.start_sync(recorder.clone()).unwrap();

    eventually("the first poll", || {
        h.status().last_success_at.is_some() && h.status().next_poll_at.is_some()
    })
    .await;
    assert_eq!(
        h.app.store().cached_count(&h.account, "customers").unwrap(),
        5
    );
    assert_eq!(h.status().poll_interval_secs, 60);
    assert!(recorder
        .statuses
        .lock()
        .unwrap()
        .iter()
        .any(|s| s.state == SyncState::Backfilling));

    recorder.changes.lock().unwrap().clear();
    h.post("/v1/customers", &[("name", "Late Registrant")])
        .await;
    h.app.sync_now(&h.account).unwrap();
    eventually("the new customer", || {
        h.app.store().cached_count(&h.account, "customers").unwrap() == 6
    })
    .await;
    let changes = recorder.changes.lock().unwrap().clone();
    assert!(
        changes
            .iter()
            .any(|c| c.account_id == h.account && c.resources.contains(&"customers".to_string())),
        "{changes:?}"
    );
    h.app.stop_sync();

    let bad = h.app.sync_now("no-such-account").unwrap_err();
    assert_eq!(bad.code(), ErrorCode::NotFound);
    assert_eq!(json!(h.status().state), json!("idle"));
}

/// A write through the app has the account's poller read events at once: what Stripe did
/// meanwhile (here a customer made elsewhere) arrives without Sync now and long before the
/// next scheduled poll (a minute away).
#[tokio::test]
async fn a_write_through_the_app_wakes_the_poller() {
    let h = harness(SimConfig::default(), 8).await;
    h.sim.generate(&h.key, 5, 5, 3).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    h.app.start_sync(recorder.clone()).unwrap();
    eventually("the first poll", || h.status().next_poll_at.is_some()).await;
    assert_eq!(h.status().poll_interval_secs, 60);

    h.post("/v1/customers", &[("name", "Made on the Dashboard")]).await;
    let input = CustomerInput { name: Some("Made in Billfold".into()), ..CustomerInput::default() };
    h.app.create_customer(&h.account, input).await.unwrap();
    eventually("the customer made elsewhere", || {
        h.app.store().cached_count(&h.account, "customers").unwrap() == 7
    })
    .await;
    h.app.stop_sync();
}

/// How many syncs of `account` the statuses show starting (a running state after a resting one).
fn syncs_started(statuses: &[SyncStatus], account: &str) -> usize {
    let running = |s: &SyncStatus| matches!(s.state, SyncState::Syncing | SyncState::Backfilling);
    let mine: Vec<&SyncStatus> = statuses
        .iter()
        .filter(|s| s.account_id == account)
        .collect();
    mine.iter()
        .enumerate()
        .filter(|(i, s)| running(s) && (*i == 0 || !running(mine[i - 1])))
        .count()
}

#[tokio::test]
async fn sync_now_on_an_account_the_scheduler_has_not_seen_starts_its_poller_once() {
    let h = harness(SimConfig::default(), 8).await;
    h.sim.generate(&h.key, 5, 5, 3).await.unwrap();
    let recorder = Arc::new(Recorder::default());
    // Sync now right after the scheduler starts, before its supervisor has looked at the
    // accounts (this test's runtime runs one task at a time): a new account, in effect.
    h.app.start_sync(recorder.clone()).unwrap();
    h.app.sync_now(&h.account).unwrap();

    eventually("the first sync", || h.status().next_poll_at.is_some()).await;
    // Long enough for the supervisor's first look, which must not start a second sync.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let statuses = recorder.statuses.lock().unwrap().clone();
    assert_eq!(syncs_started(&statuses, &h.account), 1, "{statuses:#?}");
    assert_eq!(
        h.app.store().cached_count(&h.account, "customers").unwrap(),
        5
    );
    h.app.stop_sync();
}
