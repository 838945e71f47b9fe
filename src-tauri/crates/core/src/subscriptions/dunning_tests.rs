//! The dunning queue on hand-made cached objects: the failure reason found through a newer
//! API's invoice payments or an older one's `payment_intent`, older invoices naming their
//! subscription at the top level, healthy subscriptions and settled invoices left out, and
//! the order (amount, then oldest due).

use serde_json::{json, Value};

use super::*;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, DATABASE_FILE};

const ACCOUNT: &str = "acct-1";

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.insert_account(&crate::store::test_account(ACCOUNT)).unwrap();
    (dir, store)
}

fn put(store: &Store, resource: &str, objects: &[Value]) {
    let kind = by_resource(resource).unwrap();
    store
        .cache_write(ACCOUNT, |tx| {
            for object in objects {
                tx.upsert(kind, object, 1, false, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
}

fn subscription(id: &str, status: &str) -> Value {
    json!({"id": id, "object": "subscription", "customer": "cus_1", "status": status, "currency": "eur",
           "cancel_at_period_end": false, "created": 100, "items": {"object": "list", "data": [], "has_more": false}})
}

/// An open invoice of `subscription` (under `parent`, as newer API versions put it).
fn invoice(id: &str, subscription: &str, remaining: i64, created: i64) -> Value {
    json!({"id": id, "object": "invoice", "customer": "cus_1", "status": "open", "currency": "eur",
           "collection_method": "charge_automatically", "number": format!("N-{id}"), "total": remaining,
           "amount_due": remaining, "amount_paid": 0, "amount_remaining": remaining, "due_date": null,
           "created": created, "attempt_count": 2, "next_payment_attempt": created + 259_200,
           "parent": {"subscription_details": {"subscription": subscription}},
           "lines": {"object": "list", "data": [], "has_more": false}})
}

fn intent(id: &str, error: Option<&str>, charge: &str) -> Value {
    json!({"id": id, "object": "payment_intent", "customer": "cus_1", "status": "requires_payment_method",
           "currency": "eur", "amount": 1000, "amount_received": 0, "created": 200, "latest_charge": charge,
           "last_payment_error": error.map(|message| json!({"message": message}))})
}

fn charge(id: &str, intent: &str, failure: &str) -> Value {
    json!({"id": id, "object": "charge", "customer": "cus_1", "payment_intent": intent, "status": "failed",
           "currency": "eur", "amount": 1000, "amount_refunded": 0, "refunded": false, "disputed": false,
           "created": 200, "failure_message": failure})
}

#[test]
fn failing_subscriptions_open_invoices_are_queued_with_why_they_failed() {
    let (_dir, store) = open();
    put(&store, "subscriptions", &[
        subscription("sub_due", "past_due"),
        subscription("sub_unpaid", "unpaid"),
        subscription("sub_old", "past_due"),
        subscription("sub_fine", "active"),
    ]);
    let mut legacy = invoice("in_legacy", "", 500, 300);
    legacy["parent"] = Value::Null;
    legacy["subscription"] = json!("sub_old");
    legacy["payment_intent"] = json!("pi_legacy");
    let mut paid = invoice("in_paid", "sub_due", 0, 50);
    paid["status"] = json!("paid");
    let mut sent = invoice("in_sent", "sub_unpaid", 500, 100);
    sent["collection_method"] = json!("send_invoice");
    sent["due_date"] = json!(250);
    sent["next_payment_attempt"] = Value::Null;
    put(&store, "invoices", &[
        invoice("in_due", "sub_due", 2000, 400),
        paid,
        sent,
        legacy,
        invoice("in_fine", "sub_fine", 9000, 400),
    ]);
    put(&store, "invoice_payments", &[json!({
        "id": "inpay_1", "object": "invoice_payment", "invoice": "in_due", "status": "open", "currency": "eur",
        "amount_paid": 0, "amount_requested": 2000, "created": 200,
        "payment": {"type": "payment_intent", "payment_intent": "pi_due"}})]);
    put(&store, "payment_intents", &[
        intent("pi_due", Some("Your card has insufficient funds."), "ch_due"),
        intent("pi_legacy", None, "ch_legacy"),
    ]);
    put(&store, "charges", &[charge("ch_legacy", "pi_legacy", "Your card was declined.")]);

    let queue = store.dunning_queue(ACCOUNT).unwrap();
    let order: Vec<&str> = queue.iter().map(|row| row.invoice_id.as_str()).collect();
    // The most at risk first; of the two at 5.00, the one due (or created) first.
    assert_eq!(order, vec!["in_due", "in_sent", "in_legacy"]);
    let due = &queue[0];
    assert_eq!((due.subscription_id.as_str(), due.subscription_status.as_str()), ("sub_due", "past_due"));
    assert_eq!((due.attempt_count, due.next_payment_attempt), (2, Some(400 + 259_200)));
    assert_eq!(due.last_failure.as_deref(), Some("Your card has insufficient funds."));
    assert_eq!(due.actions, vec![InvoiceActionKind::Pay, InvoiceActionKind::MarkUncollectible]);
    let sent = &queue[1];
    assert_eq!((sent.subscription_status.as_str(), sent.due_date, sent.last_failure.as_deref()), ("unpaid", Some(250), None));
    assert_eq!(
        sent.actions,
        vec![InvoiceActionKind::Send, InvoiceActionKind::Pay, InvoiceActionKind::MarkUncollectible]
    );
    let legacy = &queue[2];
    assert_eq!(legacy.subscription_id, "sub_old");
    assert_eq!(legacy.last_failure.as_deref(), Some("Your card was declined."), "the charge's reason, as the intent has none");
    assert!(store.dunning_queue("acct-other").unwrap().is_empty());
}
