//! The catalog and a subscription in the real app: a membership product with a monthly price is
//! created, its price changed (a new price, the old one archived), a customer with a card is
//! subscribed with a 14-day trial, the subscription shows its upcoming invoice, and it is set
//! to cancel at the end of its period. Screenshots of the product and the subscription land in
//! `tests/artifacts/`.

use billfold_e2e::{http_json, AppSession};
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

const KEY: &str = "sk_test_51EndToEndSubscriptionsKey000000000000a7b8";

/// A form-encoded POST to the emulator's API with the account's key.
async fn stripe_post(sim: &Simulator, path: &str, form: &str) -> Value {
    let auth = format!("Bearer {KEY}");
    let headers = [("Authorization", auth.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let (status, body) = http_json(sim.addr(), "POST", path, &headers, form).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn stripe_get(sim: &Simulator, path: &str) -> Value {
    let auth = format!("Bearer {KEY}");
    let (status, body) = http_json(sim.addr(), "GET", path, &[("Authorization", &auth)], "").await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// The digits of a formatted amount ("€ 60.00" → "6000").
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_membership_is_priced_subscribed_with_a_trial_and_set_to_cancel() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    // A member with a card on file.
    let customer = stripe_post(&sim, "/v1/customers", "email=ada%40members.test&name=Ada%20Lovelace").await;
    let customer_id = customer["id"].as_str().unwrap().to_string();
    let card = stripe_post(&sim, "/v1/payment_methods/pm_card_visa/attach", &format!("customer={customer_id}")).await;
    stripe_post(
        &sim,
        &format!("/v1/customers/{customer_id}"),
        &format!("invoice_settings[default_payment_method]={}", card["id"].as_str().unwrap()),
    )
    .await;

    let data = tempfile::tempdir().unwrap();
    let app = AppSession::launch(data.path()).await;
    app.find("first-run").await;
    app.add_account("RustFest Members", KEY, "eur", sim.base_url()).await;
    app.wait_for_text("sync-status", "Synced").await;

    // A product with a monthly price of 50.00.
    app.click("nav-catalog").await;
    app.click("catalog-new").await;
    app.type_into("[data-testid='product-field-name']", "Annual membership").await;
    app.click("product-with-price").await;
    app.type_into("[data-testid='price-currency']", "eur").await;
    app.type_into("[data-testid='price-amount']", "50.00").await;
    app.find("price-interval").await.select_by_value("month").await.expect("monthly");
    app.click("product-save").await;
    app.wait_for_text("product-name", "Annual membership").await;
    let first = app.wait_for_text("product-price", "50").await;
    assert!(digits(&first).contains("5000"), "{first}");

    // Its price changes to 60.00: a new price, the old one archived.
    app.click("price-change").await;
    app.type_into("[data-testid='price-amount']", "60.00").await;
    app.click("price-save").await;
    app.click("price-confirm-ok").await;
    // The newest price is listed first (the confirmation itself names 60.00, so it is no proof).
    app.wait_for_text("product-price", "60.00").await;
    let prices = stripe_get(&sim, "/v1/prices?limit=10").await;
    let prices = prices["data"].as_array().unwrap();
    assert_eq!(prices.len(), 2, "the old price and the new one: {prices:?}");
    let active: Vec<&Value> = prices.iter().filter(|price| price["active"] == true).collect();
    assert_eq!(active.len(), 1, "only the new price is active");
    assert_eq!(active[0]["unit_amount"], 6000);
    let price_id = active[0]["id"].as_str().unwrap().to_string();
    app.screenshot("catalog-product").await;

    // Ada subscribes with a 14-day trial.
    app.click("nav-subscriptions").await;
    app.click("subscription-new").await;
    app.type_into("[data-testid='subscription-customer-search']", "ada@members").await;
    app.click("subscription-customer-option").await;
    app.find("subscription-add-price").await.select_by_value(&price_id).await.expect("pick the price");
    app.find("subscription-editor-item").await;
    app.click("trial-days-mode").await;
    app.type_into("[data-testid='trial-days']", "14").await;
    app.click("subscription-editor-save").await;
    app.wait_for_text("subscription-status", "rial").await;
    let subscriptions = stripe_get(&sim, &format!("/v1/subscriptions?customer={customer_id}")).await;
    let subscriptions = subscriptions["data"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 1, "one subscription in Stripe");
    assert_eq!(subscriptions[0]["status"], "trialing");
    let due = app.wait_for_text("subscription-upcoming-due", "60").await;
    assert!(digits(&due).contains("6000"), "the first invoice after the trial: {due}");

    // It is set to cancel when the period ends.
    app.click("subscription-action-cancel_at_period_end").await;
    app.click("subscription-confirm-ok").await;
    app.find("subscription-cancelling").await;
    let subscription = stripe_get(&sim, &format!("/v1/subscriptions/{}", subscriptions[0]["id"].as_str().unwrap())).await;
    assert_eq!(subscription["cancel_at_period_end"], true);
    app.screenshot("subscription-detail").await;
    app.close().await;
}
