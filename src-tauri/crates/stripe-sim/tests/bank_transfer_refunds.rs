//! A bank transfer that pays an invoice is a real payment (intent and charge) that can be
//! refunded; its refund waits for the customer's bank details, can be canceled meanwhile,
//! and the bank settles it as succeeded or failed (the amount then goes back to the charge).

mod common;

use serde_json::Value;
use stripe_sim::Simulator;

const KEY: &str = "sk_test_0000000BankTransferRefunds0000001";

async fn post(sim: &Simulator, path: &str, form: &str) -> (u16, Value) {
    let (status, _, body) = common::raw_post(sim, KEY, path, form, None).await;
    (status, body)
}

async fn get(sim: &Simulator, path: &str) -> Value {
    let auth = format!("Bearer {KEY}");
    common::http(sim, "GET", path, &[("Authorization", auth.as_str())], "").await.2
}

/// An open invoice of 500.00 for a new customer; answers its id.
async fn open_invoice(sim: &Simulator) -> String {
    let (_, customer) = post(sim, "/v1/customers", "email=payer@example.com").await;
    let form = format!("customer={}&collection_method=send_invoice&days_until_due=30", customer["id"].as_str().unwrap());
    let (_, invoice) = post(sim, "/v1/invoices", &form).await;
    let id = invoice["id"].as_str().unwrap().to_string();
    post(sim, &format!("/v1/invoices/{id}/add_lines"), "lines[0][description]=Booth&lines[0][amount]=50000").await;
    post(sim, &format!("/v1/invoices/{id}/finalize"), "").await;
    id
}

/// Pays the invoice by bank transfer (`amount` of it) and answers its payment intent.
async fn pay_by_bank_transfer(sim: &Simulator, invoice: &str, amount: i64) -> Value {
    sim.customer_payment(invoice, Some(amount), "bank_transfer").unwrap();
    let payments = get(sim, &format!("/v1/invoice_payments?invoice={invoice}")).await;
    let intent = payments["data"][0]["payment"]["payment_intent"].as_str().unwrap().to_string();
    assert_eq!(payments["data"][0]["payment_method_type"], "bank_transfer");
    get(sim, &format!("/v1/payment_intents/{intent}")).await
}

#[tokio::test]
async fn a_bank_transfer_is_a_succeeded_customer_balance_payment_with_a_charge() {
    let (sim, _) = common::start().await;
    let invoice = open_invoice(&sim).await;
    let intent = pay_by_bank_transfer(&sim, &invoice, 20_000).await;
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(intent["amount_received"], 20_000);
    assert_eq!(intent["payment_method_types"], serde_json::json!(["customer_balance"]));
    let charge_id = intent["latest_charge"].as_str().unwrap();
    let charge = get(&sim, &format!("/v1/charges/{charge_id}")).await;
    assert_eq!(charge["status"], "succeeded");
    assert_eq!(charge["amount"], 20_000);
    assert_eq!(charge["payment_method_details"]["type"], "customer_balance");
    assert_eq!(charge["payment_intent"], intent["id"]);
    assert_eq!(charge["customer"], intent["customer"]);
    let events = get(&sim, "/v1/events?type=payment_intent.succeeded").await;
    assert!(events["data"].as_array().unwrap().iter().any(|e| e["data"]["object"]["id"] == intent["id"]));
}

#[tokio::test]
async fn a_bank_transfer_refund_waits_and_can_be_canceled() {
    let (sim, _) = common::start().await;
    let invoice = open_invoice(&sim).await;
    let intent = pay_by_bank_transfer(&sim, &invoice, 50_000).await;
    let pi = intent["id"].as_str().unwrap();
    let (status, refund) = post(&sim, "/v1/refunds", &format!("payment_intent={pi}&amount=15000")).await;
    assert_eq!(status, 200, "{refund}");
    assert_eq!(refund["status"], "requires_action");
    assert_eq!(refund["next_action"]["type"], "display_details");
    assert_eq!(refund["next_action"]["display_details"]["email_sent"]["email_sent_to"], "payer@example.com");
    let charge_path = format!("/v1/charges/{}", intent["latest_charge"].as_str().unwrap());
    assert_eq!(get(&sim, &charge_path).await["amount_refunded"], 15_000, "a refund under way counts");

    let id = refund["id"].as_str().unwrap();
    let (status, canceled) = post(&sim, &format!("/v1/refunds/{id}/cancel"), "").await;
    assert_eq!(status, 200, "{canceled}");
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["failure_reason"], "merchant_request");
    let charge = get(&sim, &charge_path).await;
    assert_eq!(charge["amount_refunded"], 0);
    assert_eq!(charge["refunds"]["data"][0]["status"], "canceled");

    let (status, again) = post(&sim, &format!("/v1/refunds/{id}/cancel"), "").await;
    assert_eq!(status, 400);
    assert!(again["error"]["message"].as_str().unwrap().contains("status of canceled"));
    assert!(sim.settle_refund(id, "succeeded").is_err(), "a canceled refund is final");
}

#[tokio::test]
async fn the_bank_settles_a_refund_as_succeeded_or_failed() {
    let (sim, _) = common::start().await;
    let invoice = open_invoice(&sim).await;
    let intent = pay_by_bank_transfer(&sim, &invoice, 50_000).await;
    let pi = intent["id"].as_str().unwrap();
    let charge_path = format!("/v1/charges/{}", intent["latest_charge"].as_str().unwrap());

    let (_, first) = post(&sim, "/v1/refunds", &format!("payment_intent={pi}&amount=10000")).await;
    let (_, second) = post(&sim, "/v1/refunds", &format!("payment_intent={pi}&amount=40000")).await;
    assert_eq!(get(&sim, &charge_path).await["refunded"], true);
    let (status, none_left) = post(&sim, "/v1/refunds", &format!("payment_intent={pi}&amount=100")).await;
    assert_eq!(status, 400, "{none_left}");

    let settled = common::raw_json_post(&sim, &format!("/_sim/refunds/{}/settle", first["id"].as_str().unwrap()), r#"{"outcome": "succeeded"}"#).await;
    assert_eq!(settled["status"], "succeeded");
    assert_eq!(settled["next_action"], Value::Null);
    let failed = sim.settle_refund(second["id"].as_str().unwrap(), "failed").unwrap();
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["failure_reason"], "declined");
    let charge = get(&sim, &charge_path).await;
    assert_eq!(charge["amount_refunded"], 10_000, "the failed refund's amount is given back");
    assert_eq!(charge["refunded"], false);
    let (status, card_cancel) = post(&sim, &format!("/v1/refunds/{}/cancel", first["id"].as_str().unwrap()), "").await;
    assert_eq!(status, 400, "{card_cancel}");

    let events = get(&sim, "/v1/events?limit=100").await;
    let types: Vec<&str> = events["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    for expected in ["refund.created", "refund.updated", "refund.failed", "charge.refund.updated", "charge.updated"] {
        assert!(types.contains(&expected), "{expected} missing from {types:?}");
    }
    let bad = common::raw_json_post(&sim, &format!("/_sim/refunds/{}/settle", first["id"].as_str().unwrap()), r#"{"outcome": "maybe"}"#).await;
    assert!(bad["error"].is_object());
}
