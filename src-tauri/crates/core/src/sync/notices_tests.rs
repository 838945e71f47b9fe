//! What becomes a notice: failed payments and subscriptions newly past due, from `since` on,
//! worded with the customer's name (from the event or the cache) and the account; and the
//! per-account switch.

use serde_json::{json, Value};

use super::*;
use crate::store::DATABASE_FILE;

fn failed(id: &str, created: i64, customer_name: Option<&str>) -> Value {
    json!({"id": id, "type": "invoice.payment_failed", "created": created, "data": {"object": {
        "id": "in_1", "object": "invoice", "customer": "cus_1", "customer_name": customer_name, "number": "INV-0042",
        "currency": "eur", "amount_due": 120_000, "amount_remaining": 120_000}}})
}

fn updated(id: &str, created: i64, status: &str, previous: Value) -> Value {
    json!({"id": id, "type": "customer.subscription.updated", "created": created, "data": {
        "object": {"id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status},
        "previous_attributes": previous}})
}

fn names(id: &str) -> Option<String> {
    (id == "cus_1").then(|| "Cached Name".to_string())
}

#[test]
fn a_failed_payment_and_a_subscription_turning_past_due_are_told() {
    let events = [
        failed("evt_1", 100, Some("Acme Ltd")),
        updated("evt_2", 100, "past_due", json!({"status": "active"})),
        json!({"id": "evt_3", "type": "invoice.paid", "created": 100, "data": {"object": {"id": "in_1"}}}),
    ];
    let notices = notices_for("acct", "EuroRust", &events, 100, names);
    let told: Vec<(&str, &str, &str)> =
        notices.iter().map(|n| (n.event_id.as_str(), n.title.as_str(), n.body.as_str())).collect();
    assert_eq!(told, vec![
        ("evt_1", "Payment failed — Acme Ltd", "€1,200.00, invoice INV-0042 (EuroRust)"),
        ("evt_2", "Subscription past due — Cached Name", "sub_1 is past due (EuroRust)"),
    ]);
    assert!(notices.iter().all(|notice| notice.account_id == "acct"));
}

#[test]
fn old_events_and_other_status_changes_are_not_told() {
    let events = [
        failed("evt_old", 99, Some("Acme Ltd")),
        updated("evt_still", 200, "past_due", json!({"status": "past_due"})),
        updated("evt_other_field", 200, "past_due", json!({"metadata": {}})),
        updated("evt_recovered", 200, "active", json!({"status": "past_due"})),
    ];
    assert_eq!(notices_for("acct", "EuroRust", &events, 100, names), Vec::new());
}

#[test]
fn the_customer_falls_back_to_the_cache_then_the_id_and_amounts_keep_other_currencies_codes() {
    let mut event = failed("evt_1", 5, None);
    assert_eq!(notices_for("acct", "A", &[event.clone()], 0, names)[0].title, "Payment failed — Cached Name");
    assert_eq!(notices_for("acct", "A", &[event.clone()], 0, |_| None)[0].title, "Payment failed — cus_1");
    event["data"]["object"]["currency"] = json!("chf");
    event["data"]["object"]["amount_remaining"] = json!(5_050);
    assert_eq!(notices_for("acct", "A", &[event.clone()], 0, names)[0].body, "CHF 50.50, invoice INV-0042 (A)");
    event["data"]["object"]["currency"] = json!("jpy");
    assert_eq!(notices_for("acct", "A", &[event], 0, names)[0].body, "¥5,050, invoice INV-0042 (A)");
}

#[test]
fn the_switch_is_on_by_default_and_kept_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.insert_account(&crate::store::test_account("a1")).unwrap();
    assert!(store.notification_settings("a1").unwrap().payment_failures);
    store.set_notification_settings("a1", &NotificationSettings { payment_failures: false, disputes: true }).unwrap();
    assert!(!store.notification_settings("a1").unwrap().payment_failures);
    assert!(store.notification_settings("a1").unwrap().disputes, "each switch on its own");
    assert!(store.notification_settings("a2").unwrap().payment_failures, "another account keeps the default");
    assert_eq!(store.notices_since("a1").unwrap(), None, "never synced: nothing is new yet");
}
