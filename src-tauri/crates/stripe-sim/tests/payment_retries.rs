//! Failed invoice payments and their retries: a declined charge leaves the invoice's payment
//! intent, a failed charge and an open invoice payment with Stripe's events; retries reuse
//! that intent; the account's retry schedule sets each `next_payment_attempt` and how
//! dunning ends; and the customer fixing their card pays nothing until the next attempt.

mod common;
mod subscription_support;

use serde_json::{json, Value};
use stripe_core::payment_intent::RetrievePaymentIntent;
use stripe_shared::PaymentIntentStatus;
use stripe_sim::{AfterLastFailure, RetrySchedule, Simulator};
use subscription_support::*;

/// A customer paying `pm_card_visa`, subscribed monthly at 25.00, whose renewal then fails
/// (the declining card becomes the subscription's own default). Answers the subscription
/// as the failure left it.
async fn failed_renewal(sim: &Simulator, client: &stripe::Client) -> Value {
    let (subscription, _) = active_subscription(client, 2_500).await;
    let renewed = sim.fail_renewal(subscription.id.as_str()).unwrap();
    assert_eq!(renewed["status"], "past_due");
    renewed
}

async fn get(sim: &Simulator, key: &str, path: &str) -> Value {
    raw_get(sim, key, path).await
}

/// The data of a list answer.
async fn list(sim: &Simulator, key: &str, path: &str) -> Vec<Value> {
    get(sim, key, path).await["data"].as_array().cloned().unwrap_or_default()
}

/// Event types, oldest first, from the `since`-th event on.
async fn event_types_since(sim: &Simulator, key: &str, since: usize) -> Vec<String> {
    let mut events = list(sim, key, "/v1/events?limit=100").await;
    events.reverse();
    events[since..].iter().map(|event| event["type"].as_str().unwrap_or("").to_string()).collect()
}

fn position(types: &[String], wanted: &str) -> usize {
    types.iter().position(|t| t == wanted).unwrap_or_else(|| panic!("no {wanted} in {types:?}"))
}

#[tokio::test]
async fn a_declined_renewal_leaves_a_failed_intent_that_the_successful_retry_reuses() {
    let (sim, client, key) = start_with_key().await;
    let (subscription, _) = active_subscription(&client, 2_500).await;
    let events_before = list(&sim, &key, "/v1/events?limit=100").await.len();
    let renewed = sim.fail_renewal(subscription.id.as_str()).unwrap();
    let declining = renewed["default_payment_method"].as_str().unwrap().to_string();
    let invoice_id = renewed["latest_invoice"].as_str().unwrap().to_string();
    let invoice = get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!((invoice["status"].as_str(), invoice["attempt_count"].as_i64()), (Some("open"), Some(1)));
    let finalized = invoice["status_transitions"]["finalized_at"].as_i64().unwrap();
    assert_eq!(invoice["next_payment_attempt"].as_i64(), Some(finalized + 3 * DAY), "the default schedule's first retry");

    // The invoice's payments show its payment intent, open.
    let payments = list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await;
    assert_eq!(payments.len(), 1, "{payments:?}");
    let payment = &payments[0];
    assert_eq!((payment["status"].as_str(), &payment["amount_paid"], payment["amount_requested"].as_i64()), (Some("open"), &Value::Null, Some(2_500)));
    assert_eq!(invoice["payments"]["data"][0]["id"], payment["id"]);
    let intent_id = payment["payment"]["payment_intent"].as_str().unwrap().to_string();

    // The intent waits for a new payment method and says why the card failed.
    let intent = get(&sim, &key, &format!("/v1/payment_intents/{intent_id}")).await;
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!((intent["amount"].as_i64(), &intent["payment_method"]), (Some(2_500), &Value::Null));
    let error = &intent["last_payment_error"];
    assert_eq!((error["type"].as_str(), error["code"].as_str(), error["decline_code"].as_str()), (Some("card_error"), Some("card_declined"), Some("generic_decline")));
    assert_eq!(error["message"], "Your card was declined.");
    assert_eq!(error["payment_method"]["id"].as_str(), Some(declining.as_str()));
    let typed = RetrievePaymentIntent::new(intent_id.as_str()).send(&client).await.unwrap();
    assert_eq!(typed.status, PaymentIntentStatus::RequiresPaymentMethod, "async-stripe reads the declined intent");
    assert_eq!(typed.last_payment_error.and_then(|e| e.payment_method).map(|pm| pm.id.to_string()), Some(declining.clone()));

    // One failed charge, with Stripe's failure fields and outcome.
    let charges = list(&sim, &key, &format!("/v1/charges?payment_intent={intent_id}")).await;
    assert_eq!(charges.len(), 1);
    let charge = &charges[0];
    assert_eq!((charge["status"].as_str(), charge["paid"].as_bool()), (Some("failed"), Some(false)));
    assert_eq!((charge["failure_code"].as_str(), charge["failure_message"].as_str()), (Some("card_declined"), Some("Your card was declined.")));
    assert_eq!((charge["outcome"]["type"].as_str(), charge["outcome"]["reason"].as_str()), (Some("issuer_declined"), Some("generic_decline")));
    assert_eq!((&error["charge"], &intent["latest_charge"]), (&charge["id"], &charge["id"]));

    // In Stripe's order: the charge fails, then the intent, then the invoice.
    let types = event_types_since(&sim, &key, events_before).await;
    let (charge_failed, intent_failed, invoice_failed) = (position(&types, "charge.failed"), position(&types, "payment_intent.payment_failed"), position(&types, "invoice.payment_failed"));
    assert!(position(&types, "payment_intent.created") < charge_failed && charge_failed < intent_failed && intent_failed < invoice_failed, "{types:?}");

    // Paying by hand with the same card fails again through the same intent.
    let (status, _, refused) = common::raw_post(&sim, &key, &format!("/v1/invoices/{invoice_id}/pay"), "", None).await;
    assert_eq!(status, 402, "{refused}");
    assert_eq!((refused["error"]["code"].as_str(), refused["error"]["decline_code"].as_str()), (Some("card_declined"), Some("generic_decline")));
    assert_eq!(refused["error"]["payment_intent"]["id"].as_str(), Some(intent_id.as_str()));
    assert_eq!(list(&sim, &key, &format!("/v1/charges?payment_intent={intent_id}")).await.len(), 2);
    assert_eq!(list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await.len(), 1);
    let invoice = get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!(invoice["attempt_count"].as_i64(), Some(2));
    assert_eq!(invoice["next_payment_attempt"].as_i64(), Some(finalized + 3 * DAY), "a manual attempt keeps the schedule");

    // The customer fixes the card; the scheduled retry charges it through the same intent.
    let customer = renewed["customer"].as_str().unwrap();
    sim.update_card(customer).unwrap();
    sim.advance_clock(3 * DAY);
    let invoice = get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!((invoice["status"].as_str(), invoice["attempt_count"].as_i64(), &invoice["next_payment_attempt"]), (Some("paid"), Some(3), &Value::Null));
    let intent = get(&sim, &key, &format!("/v1/payment_intents/{intent_id}")).await;
    assert_eq!((intent["status"].as_str(), intent["amount_received"].as_i64()), (Some("succeeded"), Some(2_500)));
    assert_eq!(intent["last_payment_error"], Value::Null);
    let charges = list(&sim, &key, &format!("/v1/charges?payment_intent={intent_id}")).await;
    let statuses: Vec<&str> = charges.iter().map(|c| c["status"].as_str().unwrap_or("")).collect();
    assert_eq!(statuses, vec!["succeeded", "failed", "failed"], "newest first");
    let payments = list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await;
    assert_eq!(payments.len(), 1, "the open payment is the one paid: {payments:?}");
    assert_eq!((payments[0]["status"].as_str(), payments[0]["amount_paid"].as_i64()), (Some("paid"), Some(2_500)));
    assert_eq!((invoice["amount_paid"].as_i64(), invoice["amount_remaining"].as_i64()), (Some(2_500), Some(0)));
    assert_eq!(get(&sim, &key, &format!("/v1/subscriptions/{}", subscription.id)).await["status"], "active");
}

#[tokio::test]
async fn a_manual_pay_with_a_working_card_completes_the_declined_intent() {
    let (sim, client, key) = start_with_key().await;
    let renewed = failed_renewal(&sim, &client).await;
    let invoice_id = renewed["latest_invoice"].as_str().unwrap();
    let (status, _, paid) = common::raw_post(&sim, &key, &format!("/v1/invoices/{invoice_id}/pay"), "payment_method=pm_card_visa", None).await;
    assert_eq!((status, paid["status"].as_str()), (200, Some("paid")), "{paid}");
    let payments = list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await;
    assert_eq!(payments.len(), 1);
    let intent_id = payments[0]["payment"]["payment_intent"].as_str().unwrap();
    let intent = get(&sim, &key, &format!("/v1/payment_intents/{intent_id}")).await;
    assert_eq!(intent["status"], "succeeded");
    assert_eq!(list(&sim, &key, &format!("/v1/charges?payment_intent={intent_id}")).await.len(), 2, "the failed charge and the paid one");
}

#[tokio::test]
async fn paying_out_of_band_or_voiding_cancels_the_open_attempt() {
    let (sim, client, key) = start_with_key().await;
    for (body, action, reason) in [("paid_out_of_band=true", "pay", "automatic"), ("", "void", "void_invoice")] {
        let renewed = failed_renewal(&sim, &client).await;
        let invoice_id = renewed["latest_invoice"].as_str().unwrap();
        let (status, _, answer) = common::raw_post(&sim, &key, &format!("/v1/invoices/{invoice_id}/{action}"), body, None).await;
        assert_eq!(status, 200, "{answer}");
        let payments = list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await;
        assert_eq!(payments[0]["status"], "canceled", "{action}");
        assert!(payments[0]["status_transitions"]["canceled_at"].is_i64());
        let intent = get(&sim, &key, &format!("/v1/payment_intents/{}", payments[0]["payment"]["payment_intent"].as_str().unwrap())).await;
        assert_eq!((intent["status"].as_str(), intent["cancellation_reason"].as_str()), (Some("canceled"), Some(reason)));
    }
}

/// Each retry of a failed renewal under `days` and `after`, as `(attempt_count,
/// next_payment_attempt − first failure)` after each step; then the subscription.
async fn run_schedule(days: Vec<i64>, after: AfterLastFailure) -> (Vec<(i64, Option<i64>)>, Value, Value) {
    let (sim, client, key) = start_with_key().await;
    let schedule = RetrySchedule { days: days.clone(), after_last_failure: after };
    assert_eq!(sim.set_retry_schedule(&key, schedule.clone()).unwrap(), schedule);
    let renewed = failed_renewal(&sim, &client).await;
    let invoice_id = renewed["latest_invoice"].as_str().unwrap().to_string();
    let mut seen = Vec::new();
    let mut first = None;
    let mut previous_day = 0;
    for day in std::iter::once(0).chain(days) {
        sim.advance_clock((day - previous_day) * DAY);
        previous_day = day;
        let invoice = get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await;
        let first_failure = *first.get_or_insert(invoice["status_transitions"]["finalized_at"].as_i64().unwrap());
        seen.push((invoice["attempt_count"].as_i64().unwrap(), invoice["next_payment_attempt"].as_i64().map(|at| at - first_failure)));
        assert_eq!(invoice["status"], "open");
    }
    let subscription = get(&sim, &key, &format!("/v1/subscriptions/{}", renewed["id"].as_str().unwrap())).await;
    let payments = list(&sim, &key, &format!("/v1/invoice_payments?invoice={invoice_id}")).await;
    assert_eq!(payments.len(), 1, "every retry goes through the one intent");
    let intent = payments[0]["payment"]["payment_intent"].as_str().unwrap();
    let charges = list(&sim, &key, &format!("/v1/charges?payment_intent={intent}")).await;
    assert_eq!(charges.len(), seen.len(), "a failed charge per attempt");
    (seen, subscription, get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await)
}

#[tokio::test]
async fn a_configured_schedule_sets_each_retry_and_how_dunning_ends() {
    let expected = vec![(1, Some(2 * DAY)), (2, Some(5 * DAY)), (3, Some(7 * DAY)), (4, None)];

    let (seen, subscription, invoice) = run_schedule(vec![2, 5, 7], AfterLastFailure::PastDue).await;
    assert_eq!(seen, expected);
    assert_eq!(subscription["status"], "past_due", "left past due");
    assert_eq!(invoice["status"], "open");

    let (seen, subscription, _) = run_schedule(vec![2, 5, 7], AfterLastFailure::Unpaid).await;
    assert_eq!(seen, expected);
    assert_eq!(subscription["status"], "unpaid");

    let (seen, subscription, invoice) = run_schedule(vec![2, 5, 7], AfterLastFailure::Canceled).await;
    assert_eq!(seen, expected);
    assert_eq!((subscription["status"].as_str(), subscription["cancellation_details"]["reason"].as_str()), (Some("canceled"), Some("payment_failed")));
    assert!(subscription["ended_at"].is_i64());
    assert_eq!((invoice["status"].as_str(), &invoice["next_payment_attempt"]), (Some("open"), &Value::Null), "its invoice stays payable by hand");

    let (seen, _, _) = run_schedule(vec![1], AfterLastFailure::Unpaid).await;
    assert_eq!(seen, vec![(1, Some(DAY)), (2, None)], "a single retry");
}

#[tokio::test]
async fn the_default_schedule_is_three_retries_three_days_apart_then_unpaid() {
    let (seen, subscription, _) = run_schedule(vec![3, 6, 9], AfterLastFailure::Unpaid).await;
    assert_eq!(seen, vec![(1, Some(3 * DAY)), (2, Some(6 * DAY)), (3, Some(9 * DAY)), (4, None)]);
    assert_eq!(subscription["status"], "unpaid");
    let (sim, _, key) = start_with_key().await;
    assert_eq!(sim.retry_schedule(&key).unwrap(), RetrySchedule::default());
    assert_eq!(RetrySchedule::default(), RetrySchedule { days: vec![3, 6, 9], after_last_failure: AfterLastFailure::Unpaid });
}

#[tokio::test]
async fn the_control_api_reads_checks_and_replaces_the_schedule() {
    let (sim, _, key) = start_with_key().await;
    let path = format!("/_sim/accounts/{key}/retry_schedule");
    assert_eq!(common::raw_json_get(&sim, &path).await, json!({ "days": [3, 6, 9], "after_last_failure": "unpaid" }));

    let set = common::raw_json_post(&sim, &path, r#"{"days": [1, 4, 8, 15], "after_last_failure": "canceled"}"#).await;
    assert_eq!(set, json!({ "days": [1, 4, 8, 15], "after_last_failure": "canceled" }));
    assert_eq!(common::raw_json_get(&sim, &path).await, set);

    for bad in [r#"{"days": [5, 3]}"#, r#"{"days": []}"#, r#"{"days": [1, 2, 3, 4, 5, 6, 7, 8, 9]}"#, r#"{"days": [0]}"#] {
        let (status, _, answer) = common::http(&sim, "POST", &path, &[("Content-Type", "application/json")], bad).await;
        assert_eq!((status, answer["error"]["param"].as_str()), (400, Some("days")), "{bad}: {answer}");
    }
    let (status, _, _) = common::http(&sim, "POST", &path, &[("Content-Type", "application/json")], r#"{"days": [2], "after_last_failure": "forgive"}"#).await;
    assert!((400..500).contains(&status), "an unknown ending is refused");
    assert_eq!(common::raw_json_get(&sim, &path).await, set, "refusals change nothing");

    let (status, _, answer) = common::http(&sim, "GET", "/_sim/accounts/pk_test_0123456789abcdefghijklmn/retry_schedule", &[], "").await;
    assert_eq!(status, 401, "only a secret key names an account: {answer}");

    assert_eq!(common::raw_json_post(&sim, &path, "{}").await, json!({ "days": [3, 6, 9], "after_last_failure": "unpaid" }), "an empty body restores the default");
}

#[tokio::test]
async fn updating_the_card_sets_the_defaults_and_pays_nothing() {
    let (sim, client, key) = start_with_key().await;
    let renewed = failed_renewal(&sim, &client).await;
    let customer = renewed["customer"].as_str().unwrap().to_string();
    let declining = renewed["default_payment_method"].as_str().unwrap().to_string();
    let invoice_id = renewed["latest_invoice"].as_str().unwrap();
    // A second subscription of the same customer has no card of its own: it stays so.
    let price = monthly_price(&client, 1_000).await;
    let (status, _, plain) = common::raw_post(&sim, &key, "/v1/subscriptions", &format!("customer={customer}&items[0][price]={price}"), None).await;
    assert_eq!(status, 200, "{plain}");
    let charges_before = list(&sim, &key, &format!("/v1/charges?customer={customer}")).await.len();
    let events_before = list(&sim, &key, "/v1/events?limit=100").await.len();

    let answered = common::raw_json_post(&sim, &format!("/_sim/customers/{customer}/update_card"), "").await;
    let card = answered["invoice_settings"]["default_payment_method"].as_str().unwrap().to_string();
    assert_ne!(card, declining);
    let stored = get(&sim, &key, &format!("/v1/payment_methods/{card}")).await;
    assert_eq!((stored["customer"].as_str(), stored["card"]["last4"].as_str()), (Some(customer.as_str()), Some("4242")));
    assert_eq!(get(&sim, &key, &format!("/v1/customers/{customer}")).await["invoice_settings"]["default_payment_method"].as_str(), Some(card.as_str()));
    assert_eq!(get(&sim, &key, &format!("/v1/subscriptions/{}", renewed["id"].as_str().unwrap())).await["default_payment_method"].as_str(), Some(card.as_str()));
    assert_eq!(get(&sim, &key, &format!("/v1/subscriptions/{}", plain["id"].as_str().unwrap())).await["default_payment_method"], Value::Null);

    let types = event_types_since(&sim, &key, events_before).await;
    assert_eq!(types, vec!["payment_method.attached", "customer.updated", "customer.subscription.updated"]);
    assert_eq!(list(&sim, &key, &format!("/v1/charges?customer={customer}")).await.len(), charges_before, "nothing is charged");
    let invoice = get(&sim, &key, &format!("/v1/invoices/{invoice_id}")).await;
    assert_eq!((invoice["status"].as_str(), invoice["attempt_count"].as_i64()), (Some("open"), Some(1)));

    let missing = common::http(&sim, "POST", "/_sim/customers/cus_nothere/update_card", &[], "").await;
    assert_eq!(missing.0, 404);
}
