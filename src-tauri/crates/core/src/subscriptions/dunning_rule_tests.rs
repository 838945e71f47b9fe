//! The dunning rule on hand-made cached objects: stored per account and checked, which
//! subscriptions it is due for (enough failed payments, not yet marked for that invoice, one per
//! subscription), and the review flag the dunning queue shows.

use serde_json::{json, Value};

use super::*;
use crate::store::cache::kinds::by_resource;
use crate::store::{FetchedChildren, DATABASE_FILE};

const ACCOUNT: &str = "acct-1";

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.insert_account(&crate::store::test_account(ACCOUNT)).unwrap();
    store.insert_account(&crate::store::test_account("acct-2")).unwrap();
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

fn subscription(id: &str, status: &str, metadata: Value) -> Value {
    json!({"id": id, "object": "subscription", "customer": "cus_1", "status": status, "currency": "eur",
           "cancel_at_period_end": false, "created": 100, "metadata": metadata,
           "items": {"object": "list", "data": [], "has_more": false}})
}

fn invoice(id: &str, subscription: &str, attempts: i64) -> Value {
    json!({"id": id, "object": "invoice", "customer": "cus_1", "status": "open", "currency": "eur",
           "collection_method": "charge_automatically", "number": format!("N-{id}"), "total": 1000,
           "amount_due": 1000, "amount_paid": 0, "amount_remaining": 1000, "due_date": null, "created": 200,
           "attempt_count": attempts, "next_payment_attempt": 500,
           "parent": {"subscription_details": {"subscription": subscription}},
           "lines": {"object": "list", "data": [], "has_more": false}})
}

fn due_ids(store: &Store, failed_payments: u32) -> Vec<(String, String)> {
    store
        .dunning_rule_due(ACCOUNT, failed_payments)
        .unwrap()
        .into_iter()
        .map(|due| (due.subscription_id, due.invoice_id))
        .collect()
}

#[test]
fn the_rule_is_off_by_default_kept_per_account_and_checked() {
    let (_dir, store) = open();
    assert_eq!(store.dunning_rule(ACCOUNT).unwrap(), DunningRule::default());
    assert!(!DunningRule::default().enabled);
    let wanted = DunningRule { enabled: true, failed_payments: 2, action: DunningAction::Cancel };
    assert_eq!(store.set_dunning_rule(ACCOUNT, &wanted).unwrap(), wanted);
    assert_eq!(store.dunning_rule("acct-2").unwrap(), DunningRule::default(), "another account is untouched");
    for failed_payments in [0, 11] {
        let bad = DunningRule { failed_payments, ..wanted.clone() };
        let err = store.set_dunning_rule(ACCOUNT, &bad).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation, "{failed_payments}");
    }
    assert_eq!(store.dunning_rule(ACCOUNT).unwrap(), wanted, "a refused rule saves nothing");
    store.set_setting("dunning_rule.acct-2", "not json").unwrap();
    assert_eq!(store.dunning_rule("acct-2").unwrap(), DunningRule::default(), "an unreadable rule is off");
}

#[test]
fn the_rule_is_due_for_failing_subscriptions_tried_often_enough_and_not_yet_marked() {
    let (_dir, store) = open();
    let marked = json!({DUNNING_MARK_KEY: "review after 2 failed payments", DUNNING_INVOICE_KEY: "in_marked"});
    let marked_earlier = json!({DUNNING_MARK_KEY: "review after 2 failed payments", DUNNING_INVOICE_KEY: "in_old"});
    put(&store, "subscriptions", &[
        subscription("sub_a", "past_due", json!({})),
        subscription("sub_b", "unpaid", json!({})),
        subscription("sub_few", "past_due", json!({})),
        subscription("sub_marked", "past_due", marked),
        subscription("sub_again", "past_due", marked_earlier),
        subscription("sub_fine", "active", json!({})),
    ]);
    put(&store, "invoices", &[
        invoice("in_a1", "sub_a", 2),
        invoice("in_a2", "sub_a", 3),
        invoice("in_b", "sub_b", 5),
        invoice("in_few", "sub_few", 1),
        invoice("in_marked", "sub_marked", 4),
        invoice("in_again", "sub_again", 2),
        invoice("in_fine", "sub_fine", 9),
    ]);
    let expected = [("sub_a", "in_a2"), ("sub_again", "in_again"), ("sub_b", "in_b")];
    let expected: Vec<(String, String)> = expected.iter().map(|(s, i)| (s.to_string(), i.to_string())).collect();
    assert_eq!(due_ids(&store, 2), expected, "one per subscription, its most tried invoice");
    assert_eq!(due_ids(&store, 1).len(), 4, "one failure is enough for a rule of 1");
    assert_eq!(due_ids(&store, 6), Vec::<(String, String)>::new());

    let queue = store.dunning_queue(ACCOUNT).unwrap();
    let flagged: Vec<&str> = queue.iter().filter(|row| row.review).map(|row| row.subscription_id.as_str()).collect();
    assert_eq!(flagged, vec!["sub_again", "sub_marked"], "the queue flags subscriptions marked for review");
}

#[test]
fn a_cancel_mark_is_not_a_review_flag() {
    let (_dir, store) = open();
    let canceled = json!({DUNNING_MARK_KEY: "canceled after 2 failed payments", DUNNING_INVOICE_KEY: "in_x"});
    put(&store, "subscriptions", &[subscription("sub_x", "past_due", canceled)]);
    put(&store, "invoices", &[invoice("in_x", "sub_x", 2)]);
    let queue = store.dunning_queue(ACCOUNT).unwrap();
    assert_eq!(queue.len(), 1);
    assert!(!queue[0].review);
    assert!(due_ids(&store, 2).is_empty(), "marked for this invoice already");
}
