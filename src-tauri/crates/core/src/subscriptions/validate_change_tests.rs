//! The checks of a subscription change, one refusal each, on a cached catalog and a detail
//! made by hand.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::change;
use crate::error::Error;
use crate::store::{FetchedChildren, Store, DATABASE_FILE};
use crate::subscriptions::detail::allowed_actions;
use crate::subscriptions::{
    ItemChange, ProrationChoice, SubscriptionChangeInput, SubscriptionDetail, SubscriptionItemView,
};

const ACCOUNT: &str = "acct-1";
const PERIOD: (i64, i64) = (1_800_000_000, 1_802_592_000);

fn price(id: &str, currency: &str, active: bool, interval: Option<&str>) -> Value {
    let recurring = interval.map(|interval| json!({"interval": interval, "interval_count": 1}));
    json!({"id": id, "object": "price", "product": "prod_1", "currency": currency, "unit_amount": 1000,
           "active": active, "type": if interval.is_some() { "recurring" } else { "one_time" },
           "recurring": recurring, "created": 100})
}

/// A store with the catalog: monthly euro prices (one archived), a yearly one, a one-off and
/// a monthly dollar price.
fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.insert_account(&crate::store::test_account(ACCOUNT)).unwrap();
    let prices = [
        price("price_basic", "eur", true, Some("month")),
        price("price_pro", "eur", true, Some("month")),
        price("price_seat", "eur", true, Some("month")),
        price("price_old", "eur", false, Some("month")),
        price("price_yearly", "eur", true, Some("year")),
        price("price_once", "eur", true, None),
        price("price_usd", "usd", true, Some("month")),
    ];
    store
        .cache_write(ACCOUNT, |tx| {
            for (n, price) in prices.iter().enumerate() {
                let event = json!({"id": format!("evt_{n}"), "object": "event", "type": "price.created",
                                   "created": 100, "data": {"object": price}});
                tx.apply_event(&event, &FetchedChildren::new())?;
            }
            Ok(())
        })
        .unwrap();
    (dir, store)
}

fn item(id: &str, price: &str, quantity: i64) -> SubscriptionItemView {
    SubscriptionItemView {
        id: id.into(),
        price_id: Some(price.into()),
        product_id: None,
        product_name: None,
        quantity,
        unit_amount: Some(1000),
        currency: "eur".into(),
        interval: Some("month".into()),
        interval_count: Some(1),
    }
}

/// An active euro subscription billing 2 × basic and 1 × seat monthly.
fn detail(status: &str) -> SubscriptionDetail {
    SubscriptionDetail {
        id: "sub_1".into(),
        status: status.into(),
        customer_id: Some("cus_1".into()),
        customer_name: None,
        customer_email: None,
        currency: "eur".into(),
        collection_method: "charge_automatically".into(),
        days_until_due: None,
        default_payment_method: None,
        current_period_start: Some(PERIOD.0),
        current_period_end: Some(PERIOD.1),
        trial_end: None,
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        pause_collection: None,
        discounts: Vec::new(),
        mrr: 3000,
        items: vec![item("si_basic", "price_basic", 2), item("si_seat", "price_seat", 1)],
        invoices: Vec::new(),
        timeline: Vec::new(),
        actions: allowed_actions(status, false, false, false),
        metadata: BTreeMap::new(),
        raw_json: String::new(),
    }
}

fn existing(id: &str, price: Option<&str>, quantity: Option<i64>) -> ItemChange {
    ItemChange { item_id: Some(id.into()), price_id: price.map(str::to_string), quantity, deleted: false }
}

fn input(items: Vec<ItemChange>) -> SubscriptionChangeInput {
    SubscriptionChangeInput { items, proration: ProrationChoice::AlwaysInvoice, proration_date: PERIOD.0 + 86_400 }
}

/// Expects a validation error mentioning `words`.
fn refused(store: &Store, detail: &SubscriptionDetail, input: &SubscriptionChangeInput, words: &str) {
    match change(store, ACCOUNT, detail, input) {
        Err(Error::Validation(message)) => assert!(message.contains(words), "'{message}' should mention '{words}'"),
        other => panic!("expected a refusal mentioning '{words}', got {other:?}"),
    }
}

#[test]
fn an_upgrade_a_quantity_an_added_and_a_removed_item_pass() {
    let (_dir, store) = open();
    let active = detail("active");
    let upgrade = input(vec![existing("si_basic", Some("price_pro"), None)]);
    assert!(change(&store, ACCOUNT, &active, &upgrade).is_ok());
    let more = input(vec![existing("si_seat", None, Some(5))]);
    assert!(change(&store, ACCOUNT, &active, &more).is_ok());
    let added =
        input(vec![ItemChange { item_id: None, price_id: Some("price_pro".into()), quantity: None, deleted: false }]);
    assert!(change(&store, ACCOUNT, &active, &added).is_ok());
    let removed =
        input(vec![ItemChange { item_id: Some("si_seat".into()), price_id: None, quantity: None, deleted: true }]);
    assert!(change(&store, ACCOUNT, &active, &removed).is_ok());
    // A change of interval moves every item: the seat goes, the basic item turns yearly.
    let yearly = input(vec![
        existing("si_basic", Some("price_yearly"), None),
        ItemChange { item_id: Some("si_seat".into()), price_id: None, quantity: None, deleted: true },
    ]);
    assert!(change(&store, ACCOUNT, &active, &yearly).is_ok());
    assert!(change(&store, ACCOUNT, &detail("past_due"), &upgrade).is_ok());
}

#[test]
fn a_quantity_below_one_is_refused() {
    let (_dir, store) = open();
    refused(&store, &detail("active"), &input(vec![existing("si_basic", None, Some(0))]), "at least 1");
    refused(&store, &detail("active"), &input(vec![existing("si_basic", None, Some(-2))]), "at least 1");
}

#[test]
fn a_price_in_another_currency_is_refused() {
    let (_dir, store) = open();
    refused(&store, &detail("active"), &input(vec![existing("si_basic", Some("price_usd"), None)]), "USD");
}

#[test]
fn archived_unknown_and_one_off_prices_are_refused() {
    let (_dir, store) = open();
    let active = detail("active");
    refused(&store, &active, &input(vec![existing("si_basic", Some("price_old"), None)]), "archived");
    refused(&store, &active, &input(vec![existing("si_basic", Some("price_gone"), None)]), "no price price_gone");
    refused(&store, &active, &input(vec![existing("si_basic", Some("price_once"), None)]), "one-off");
}

#[test]
fn an_ended_or_incomplete_subscription_is_refused() {
    let (_dir, store) = open();
    let upgrade = input(vec![existing("si_basic", Some("price_pro"), None)]);
    refused(&store, &detail("canceled"), &upgrade, "ended");
    refused(&store, &detail("incomplete_expired"), &upgrade, "ended");
    refused(&store, &detail("incomplete"), &upgrade, "can only be canceled");
}

#[test]
fn no_change_at_all_is_refused() {
    let (_dir, store) = open();
    let active = detail("active");
    refused(&store, &active, &input(Vec::new()), "changes nothing");
    let same = input(vec![existing("si_basic", Some("price_basic"), Some(2)), existing("si_seat", None, None)]);
    refused(&store, &active, &same, "changes nothing");
}

#[test]
fn a_proration_date_outside_the_current_period_is_refused() {
    let (_dir, store) = open();
    let mut early = input(vec![existing("si_basic", Some("price_pro"), None)]);
    early.proration_date = PERIOD.0 - 1;
    refused(&store, &detail("active"), &early, "current period");
    let mut late = early.clone();
    late.proration_date = PERIOD.1 + 1;
    refused(&store, &detail("active"), &late, "current period");
}

#[test]
fn an_item_not_on_the_subscription_is_refused() {
    let (_dir, store) = open();
    let active = detail("active");
    refused(&store, &active, &input(vec![existing("si_other", None, Some(3))]), "not an item of subscription sub_1");
    let twice = input(vec![existing("si_basic", None, Some(3)), existing("si_basic", None, Some(4))]);
    refused(&store, &active, &twice, "second time");
    let gone = ItemChange { item_id: None, price_id: Some("price_pro".into()), quantity: None, deleted: true };
    refused(&store, &active, &input(vec![gone]), "cannot be removed");
}

#[test]
fn the_items_left_must_be_one_each_on_one_interval() {
    let (_dir, store) = open();
    let active = detail("active");
    let both = |id: &str| ItemChange { item_id: Some(id.into()), price_id: None, quantity: None, deleted: true };
    refused(&store, &active, &input(vec![both("si_basic"), both("si_seat")]), "at least one item");
    refused(&store, &active, &input(vec![existing("si_basic", Some("price_seat"), None)]), "twice");
    refused(&store, &active, &input(vec![existing("si_basic", Some("price_yearly"), None)]), "one interval");
    let new_without_price = ItemChange { item_id: None, price_id: None, quantity: Some(2), deleted: false };
    refused(&store, &active, &input(vec![new_without_price]), "needs a price");
}
