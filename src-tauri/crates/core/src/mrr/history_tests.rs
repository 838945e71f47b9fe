//! The history on a real store: events recorded once however often they are applied, a
//! backfilled subscription's made-up past written once, and a cache older than the history
//! filled on demand.

use serde_json::{json, Value};

use super::*;
use crate::store::cache::kinds::by_resource;
use crate::store::{Store, DATABASE_FILE};

const ACCOUNT: &str = "acct-1";

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.insert_account(&crate::store::test_account(ACCOUNT)).unwrap();
    (dir, store)
}

fn subscription(status: &str, quantity: i64) -> Value {
    json!({"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status, "currency": "eur",
           "cancel_at_period_end": false, "created": 100, "start_date": 100, "discounts": ["di_1"],
           "items": {"object": "list", "has_more": false, "data": [
               {"id": "si_1", "quantity": quantity,
                "price": {"id": "price_1", "unit_amount": 1000, "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}}}]}})
}

fn event(id: &str, created: i64, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": "customer.subscription.updated", "created": created, "data": {"object": object}})
}

/// (source, time, status, items_mrr, discount ids) of every row, in time order.
fn rows(store: &Store) -> Vec<(String, i64, String, i64, String)> {
    let conn = store.conn().unwrap();
    let mut stmt = conn
        .prepare("SELECT source, effective_at, status, items_mrr, discount_ids FROM mrr_history ORDER BY effective_at, rowid")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn an_event_applied_by_poll_and_by_webhook_is_one_row() {
    let (_dir, store) = open();
    let update = event("evt_1", 500, subscription("active", 3));
    for _ in 0..2 {
        store.cache_write(ACCOUNT, |tx| tx.apply_event(&update, &FetchedChildren::new())).unwrap();
    }
    // Even past the events table, the same event id is one row.
    store
        .cache_write(ACCOUNT, |tx| record_event(tx.tx(), ACCOUNT, "evt_1", 500, &update["data"]["object"], &FetchedChildren::new()))
        .unwrap();
    // First seen through this event: its start is made up from the object, then the event.
    let discounts = r#"["di_1"]"#.to_string();
    assert_eq!(
        rows(&store),
        vec![
            ("synth:start".into(), 100, "active".into(), 3000, discounts.clone()),
            ("evt_1".into(), 500, "active".into(), 3000, discounts.clone()),
        ]
    );
    // An older event applied late is still recorded at its own time.
    let older = event("evt_0", 300, subscription("past_due", 2));
    store.cache_write(ACCOUNT, |tx| tx.apply_event(&older, &FetchedChildren::new())).unwrap();
    assert_eq!(rows(&store)[1], ("evt_0".into(), 300, "past_due".into(), 2000, discounts));
}

#[test]
fn a_backfilled_subscription_gets_its_past_once_and_a_cache_older_than_the_history_is_filled() {
    let (_dir, store) = open();
    let kind = by_resource("subscriptions").unwrap();
    let mut canceled = subscription("canceled", 1);
    canceled["trial_end"] = json!(200);
    canceled["ended_at"] = json!(400);
    canceled["canceled_at"] = json!(400);
    for version in [900, 950] {
        store.cache_write(ACCOUNT, |tx| tx.upsert(kind, &canceled, version, false, &FetchedChildren::new())).unwrap();
    }
    let made_up: Vec<(String, i64, String)> = rows(&store).into_iter().map(|(s, at, status, _, _)| (s, at, status)).collect();
    assert_eq!(
        made_up,
        vec![
            ("synth:start".into(), 100, "trialing".into()),
            ("synth:trial_end".into(), 200, "active".into()),
            ("synth:ended".into(), 400, "canceled".into()),
        ]
    );
    // A cache from before migration 0018 has no history: filled from the cached object, items
    // and all.
    store.conn().unwrap().execute("DELETE FROM mrr_history", []).unwrap();
    let (filled, _) = store.cache_write(ACCOUNT, |tx| fill_missing(tx.tx(), ACCOUNT)).unwrap();
    assert_eq!(filled, 1);
    assert_eq!(rows(&store).len(), 3);
    assert!(rows(&store).iter().all(|row| row.3 == 1000), "the items came from the items table");
    let (again, _) = store.cache_write(ACCOUNT, |tx| fill_missing(tx.tx(), ACCOUNT)).unwrap();
    assert_eq!(again, 0);
}

#[test]
fn a_live_subscription_is_taken_as_it_is_since_it_started() {
    let sub = json!({"status": "active", "start_date": 100, "created": 90});
    assert_eq!(synthesize(&sub, 500), vec![("synth:start", 100, "active".to_string())]);
}

#[test]
fn a_trial_that_ended_and_a_cancellation_are_dated_by_the_object() {
    let sub = json!({"status": "canceled", "start_date": 100, "trial_end": 200, "ended_at": 400, "canceled_at": 350});
    assert_eq!(
        synthesize(&sub, 500),
        vec![
            ("synth:start", 100, "trialing".to_string()),
            ("synth:trial_end", 200, "active".to_string()),
            ("synth:ended", 400, "canceled".to_string()),
        ]
    );
    // Still in its trial: nothing after the start.
    let trialing = json!({"status": "trialing", "start_date": 100, "trial_end": 900});
    assert_eq!(synthesize(&trialing, 500), vec![("synth:start", 100, "trialing".to_string())]);
    // Canceled during its trial: it never paid.
    let gone = json!({"status": "canceled", "start_date": 100, "trial_end": 300, "ended_at": 300});
    assert_eq!(
        synthesize(&gone, 500),
        vec![("synth:start", 100, "trialing".to_string()), ("synth:ended", 300, "canceled".to_string())]
    );
}
