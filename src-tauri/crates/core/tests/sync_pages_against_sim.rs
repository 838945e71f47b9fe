//! A first sync asks Stripe only for pages: no request per customer, about one request per
//! hundred objects, default payment methods from the expanded customer list. A customer's
//! other payment methods arrive when it is opened and stay fresh through events, and a later
//! backfill keeps them unless their customer is gone.

#[allow(dead_code)]
mod sync_support;

use billfold_core::ErrorCode;
use serde_json::Value;
use stripe_sim::SimConfig;
use sync_support::{harness, Harness};

/// Attaches a test card to a customer; returns the stored card's id.
async fn attach(h: &Harness, card: &str, customer: &str) -> String {
    let method = h
        .post(
            &format!("/v1/payment_methods/{card}/attach"),
            &[("customer", customer)],
        )
        .await;
    method["id"].as_str().unwrap().to_string()
}

/// Attaches a card and makes it the customer's default.
async fn attach_default(h: &Harness, customer: &str) -> String {
    let id = attach(h, "pm_card_visa", customer).await;
    h.post(
        &format!("/v1/customers/{customer}"),
        &[("invoice_settings[default_payment_method]", id.as_str())],
    )
    .await;
    id
}

fn cached_method_ids(h: &Harness) -> Vec<String> {
    let mut ids: Vec<String> = h
        .app
        .store()
        .cached_objects(&h.account, "payment_methods")
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn customer_ids(customers: &[Value]) -> Vec<String> {
    customers
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_first_sync_asks_only_for_pages() {
    let h = harness(SimConfig::default(), 21).await;
    h.sim.generate(&h.key, 400, 2_500, 5).await.unwrap();
    h.sim.generate_subscriptions(&h.key, 40, 5).await.unwrap();
    let customers = customer_ids(&h.list_all("/v1/customers", &[]).await);
    let mut defaults = Vec::new();
    for customer in customers.iter().step_by(50) {
        defaults.push(attach_default(&h, customer).await);
        attach(&h, "pm_card_mastercard", customer).await;
    }
    defaults.sort();
    // An invoice with more lines than Stripe embeds.
    h.draft_invoice_with_lines(&customers[1], 14, "Day", 500)
        .await;

    let before = h.sim.request_count();
    let report = h.sync().await;
    let sent = h.sim.request_count() - before;
    assert!(report.backfilled && !report.cancelled);
    assert_eq!(report.requests, sent, "every request is counted");
    let log = h.app.store().request_log(&h.account, 10_000, None).unwrap();
    let per_customer: Vec<&str> = log
        .iter()
        .filter(|entry| entry.method == "GET" && entry.path.starts_with("/v1/customers/"))
        .map(|entry| entry.path.as_str())
        .collect();
    assert_eq!(per_customer, Vec::<&str>::new(), "no request per customer");
    let objects = h.app.store().cached_object_count(&h.account).unwrap() as u64;
    assert!(objects > 3_000, "{objects} objects");
    // Pages of 100 per resource (a dozen resources, some with one short page), the newest
    // event noted first, the events after, and the full line list of the long invoice.
    let bound = objects * 125 / 10_000 + 16;
    assert!(
        sent <= bound,
        "{sent} requests for {objects} objects (bound {bound})"
    );
    assert_eq!(
        cached_method_ids(&h),
        defaults,
        "exactly the defaults are cached"
    );
    h.assert_cache_equals_stripe().await;
}

#[tokio::test]
async fn opening_a_customer_fetches_its_cards_and_events_keep_them_fresh() {
    let h = harness(SimConfig::default(), 22).await;
    h.sim.generate(&h.key, 3, 0, 9).await.unwrap();
    let customers = customer_ids(&h.list_all("/v1/customers", &[]).await);
    let customer = customers[0].as_str();
    let default = attach_default(&h, customer).await;
    let mastercard = attach(&h, "pm_card_mastercard", customer).await;
    let amex = attach(&h, "pm_card_amex", customer).await;
    h.sync().await;
    assert_eq!(cached_method_ids(&h), std::slice::from_ref(&default));

    let opened = h.open_customer(customer).await;
    let listed: Vec<(&str, bool)> = opened
        .iter()
        .map(|row| (row.id.as_str(), row.is_default))
        .collect();
    assert_eq!(
        listed,
        [
            (amex.as_str(), false),
            (mastercard.as_str(), false),
            (default.as_str(), true)
        ],
        "newest first, the default marked"
    );
    assert_eq!(opened[1].brand.as_deref(), Some("mastercard"));
    assert_eq!(opened[1].last4.as_deref(), Some("4444"));
    h.assert_cache_equals_stripe().await;

    // Detached in Stripe: opening again drops it, before any poll.
    h.post(&format!("/v1/payment_methods/{amex}/detach"), &[])
        .await;
    assert_eq!(h.open_customer(customer).await.len(), 2);
    let mut expected = vec![default.clone(), mastercard.clone()];
    expected.sort();
    assert_eq!(cached_method_ids(&h), expected);

    // Then events: a new card arrives and a detached one goes with the next poll.
    let new_card = attach(&h, "pm_card_visa", customer).await;
    h.post(&format!("/v1/payment_methods/{mastercard}/detach"), &[])
        .await;
    let report = h.sync().await;
    assert!(!report.backfilled);
    assert!(report.resources_changed.contains("payment_methods"));
    let mut expected = vec![default, new_card];
    expected.sort();
    assert_eq!(cached_method_ids(&h), expected);
    h.assert_cache_equals_stripe().await;

    let missing = h
        .app
        .refresh_customer_payment_methods(&h.account, "cus_doesnotexist")
        .await
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound, "{missing}");
    let odd = h
        .app
        .refresh_customer_payment_methods(&h.account, "cus_1/../../v1/charges")
        .await
        .unwrap_err();
    assert_eq!(odd.code(), ErrorCode::Validation);
}

#[tokio::test]
async fn a_new_backfill_keeps_opened_lists_unless_their_customer_is_gone() {
    let h = harness(
        SimConfig {
            event_retention_secs: 3_600,
            ..SimConfig::default()
        },
        23,
    )
    .await;
    h.sim.generate(&h.key, 4, 0, 13).await.unwrap();
    let customers = customer_ids(&h.list_all("/v1/customers", &[]).await);
    let (kept, gone) = (customers[0].as_str(), customers[1].as_str());
    let default = attach_default(&h, kept).await;
    let second = attach(&h, "pm_card_mastercard", kept).await;
    attach(&h, "pm_card_visa", gone).await;
    h.sync().await;
    h.open_customer(kept).await;
    h.open_customer(gone).await;
    assert_eq!(cached_method_ids(&h).len(), 3);

    // The events of what happens now age out: only a new backfill sees it.
    h.delete(&format!("/v1/customers/{gone}")).await;
    h.sim.advance_clock(7_200);
    h.post(&format!("/v1/customers/{kept}"), &[("name", "Renamed")])
        .await;
    let report = h.sync().await;
    assert!(report.backfilled, "{report:?}");
    let mut expected = vec![default, second];
    expected.sort();
    assert_eq!(cached_method_ids(&h), expected);
    h.assert_cache_equals_stripe().await;
}
