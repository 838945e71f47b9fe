//! What customers and card networks do, driven from the library and the `/_sim` control API:
//! a renewal whose card declines, a dispute on a charge, a payment by the customer. Results
//! are read back through async-stripe, as a client would see them.

mod common;
mod subscription_support;

use stripe_billing::invoice::RetrieveInvoice;
use stripe_billing::subscription::{CancelSubscription, CreateSubscription};
use stripe_core::charge::RetrieveCharge;
use stripe_core::dispute::ListDispute;
use stripe_core::event::ListEvent;
use stripe_core::payment_intent::{CreatePaymentIntent, RetrievePaymentIntent};
use stripe_types::Currency;
use subscription_support::{customer_with_card, items, monthly_price, retrieve};

#[tokio::test]
async fn a_failed_renewal_makes_an_active_subscription_past_due() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 2_500).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let subscription = CreateSubscription::new()
        .customer(customer.as_str())
        .items(items(&price, 1))
        .send(&client)
        .await
        .unwrap();
    assert_eq!(subscription.status.as_str(), "active");
    let id = subscription.id.to_string();

    let (status, _, renewed) = common::http(
        &sim,
        "POST",
        &format!("/_sim/subscriptions/{id}/fail_renewal"),
        &[],
        "",
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    let after = retrieve(&client, &id).await;
    assert_eq!(after.status.as_str(), "past_due");
    let invoice_id = renewed["latest_invoice"].as_str().unwrap().to_string();
    let first_invoice = format!("{:?}", subscription.latest_invoice);
    assert!(
        !first_invoice.contains(&invoice_id),
        "a new renewal invoice, not {first_invoice}"
    );
    let invoice = RetrieveInvoice::new(invoice_id.as_str())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(invoice.status.as_ref().map(|s| s.as_str()), Some("open"));
    assert_eq!(invoice.attempt_count, 1);
    assert!(
        invoice.next_payment_attempt.is_some(),
        "the failed renewal is retried"
    );
    assert_eq!(invoice.amount_paid, 0);

    let events = ListEvent::new().limit(100).send(&client).await.unwrap();
    let types: Vec<&str> = events
        .data
        .iter()
        .map(|event| event.type_.as_str())
        .collect();
    assert!(types.contains(&"invoice.payment_failed"), "{types:?}");
    assert!(
        types.contains(&"customer.subscription.updated"),
        "{types:?}"
    );
}

#[tokio::test]
async fn only_a_live_card_subscription_can_fail_a_renewal() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 2_500).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let subscription = CreateSubscription::new()
        .customer(customer.as_str())
        .items(items(&price, 1))
        .send(&client)
        .await
        .unwrap();
    CancelSubscription::new(subscription.id.as_str())
        .send(&client)
        .await
        .unwrap();

    let refused = sim.fail_renewal(subscription.id.as_str()).unwrap_err();
    assert_eq!(refused.status.as_u16(), 400);
    assert!(refused.message.contains("canceled"), "{}", refused.message);
    let missing = sim.fail_renewal("sub_nothere").unwrap_err();
    assert_eq!(missing.code, Some("resource_missing"));
}

#[tokio::test]
async fn a_trialing_subscription_fails_at_the_end_of_its_trial() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 2_500).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let subscription = CreateSubscription::new()
        .customer(customer.as_str())
        .items(items(&price, 1))
        .trial_period_days(14u32)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(subscription.status.as_str(), "trialing");
    let renewed = sim.fail_renewal(subscription.id.as_str()).unwrap();
    assert_eq!(renewed["status"], "past_due");
    let after = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(after.status.as_str(), "past_due");
    assert!(
        after
            .trial_end
            .is_some_and(|end| end < after.created + 14 * 86_400),
        "the trial ended early"
    );
}

#[tokio::test]
async fn a_dispute_opens_on_a_payment_intent_or_a_charge_once() {
    let (sim, client) = common::start().await;
    let (customer, card) = customer_with_card(&client, "pm_card_visa").await;
    let pay = || {
        CreatePaymentIntent::new(12_000, Currency::EUR)
            .customer(customer.as_str())
            .payment_method(card.as_str())
            .confirm(true)
    };
    let by_intent = pay().send(&client).await.unwrap();
    assert_eq!(
        ListDispute::new().send(&client).await.unwrap().data.len(),
        0
    );

    let dispute = sim.open_dispute(by_intent.id.as_str()).unwrap();
    assert_eq!(dispute["status"], "needs_response");
    assert_eq!(dispute["amount"], 12_000);
    let charge_id = RetrievePaymentIntent::new(by_intent.id.as_str())
        .send(&client)
        .await
        .unwrap()
        .latest_charge
        .unwrap()
        .id()
        .to_string();
    assert!(
        RetrieveCharge::new(charge_id.as_str())
            .send(&client)
            .await
            .unwrap()
            .disputed
    );
    let again = sim.open_dispute(&charge_id).unwrap_err();
    assert!(
        again.message.contains("already disputed"),
        "{}",
        again.message
    );

    let by_charge = pay().send(&client).await.unwrap();
    let charge_id = by_charge.latest_charge.unwrap().id().to_string();
    let (status, _, opened) = common::http(
        &sim,
        "POST",
        &format!("/_sim/charges/{charge_id}/dispute"),
        &[],
        "",
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["charge"], charge_id.as_str());
    let disputes = ListDispute::new().send(&client).await.unwrap();
    assert_eq!(disputes.data.len(), 2);
    let events = ListEvent::new().limit(100).send(&client).await.unwrap();
    assert_eq!(
        events
            .data
            .iter()
            .filter(|event| event.type_.as_str() == "charge.dispute.created")
            .count(),
        2
    );
}

#[tokio::test]
async fn the_customer_pays_part_then_the_rest_and_the_revision_moves() {
    let (sim, _) = common::start().await;
    let key = "sk_test_0000000SimulatePayments000000001";
    let client = common::client(&sim, key);
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let form = format!("customer={customer}&collection_method=send_invoice&days_until_due=30");
    let (_, _, invoice) = common::raw_post(&sim, key, "/v1/invoices", &form, None).await;
    let id = invoice["id"].as_str().unwrap().to_string();
    let lines = "lines[0][description]=Booth&lines[0][amount]=50000";
    common::raw_post(
        &sim,
        key,
        &format!("/v1/invoices/{id}/add_lines"),
        lines,
        None,
    )
    .await;
    common::raw_post(&sim, key, &format!("/v1/invoices/{id}/finalize"), "", None).await;

    let before = sim.revision();
    let partly = sim
        .customer_payment(&id, Some(20_000), "bank_transfer")
        .unwrap();
    assert_eq!(partly["amount_remaining"], 30_000);
    assert!(sim.revision() > before, "a payment is a change");
    let settled = sim.revision();
    RetrieveInvoice::new(id.as_str())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(sim.revision(), settled, "reading changes nothing");
    let paid = sim.customer_payment(&id, None, "card").unwrap();
    assert_eq!(paid["status"], "paid");
    assert!(
        sim.customer_payment(&id, None, "card").is_err(),
        "a paid invoice cannot be paid again"
    );
    assert!(sim.customer_payment(&id, None, "cheque").is_err());
    let paid_revision = sim.revision();
    sim.advance_clock(86_400);
    assert!(
        sim.revision() > paid_revision,
        "moving the clock is a change"
    );
}

#[tokio::test]
async fn an_empty_emulator_may_start_its_clock_in_the_past_and_only_then() {
    use stripe_core::customer::CreateCustomer;
    let (sim, client) = common::start().await;
    let real_now = common::raw_json_get(&sim, "/_sim/clock").await["now"].as_i64().unwrap();
    let (status, _, started) =
        common::http(&sim, "POST", "/_sim/clock/start", &[("Content-Type", "application/json")], r#"{"seconds_ago": 86400}"#).await;
    assert_eq!(status, 200);
    let then = started["now"].as_i64().unwrap();
    assert!((real_now - 86_400 - then).abs() <= 2, "one day back: {then} vs {real_now}");
    let customer = CreateCustomer::new().send(&client).await.unwrap();
    assert!((customer.created - then).abs() <= 2, "objects are made at the simulated time");

    // With data behind it the clock only moves forward.
    let (status, _, refused) =
        common::http(&sim, "POST", "/_sim/clock/start", &[("Content-Type", "application/json")], r#"{"seconds_ago": 3600}"#).await;
    assert_eq!(status, 400, "{refused}");
    let after = common::raw_json_get(&sim, "/_sim/clock").await["now"].as_i64().unwrap();
    assert!(after >= then, "the refused start left the clock alone");
}

#[tokio::test]
async fn the_clock_moves_to_a_given_time_and_never_back() {
    let (sim, _client) = common::start().await;
    let now = sim.now();
    let served = common::raw_json_get(&sim, "/_sim/clock").await["now"].as_i64().unwrap();
    assert!((served - now).abs() <= 1, "the library and the control read the same clock");
    let target = now + 40 * 86_400;
    sim.advance_clock_to(target);
    let moved = sim.now();
    assert!(moved >= target && moved <= target + 2, "the clock is at the target: {moved} vs {target}");
    sim.advance_clock_to(now);
    assert!(sim.now() >= moved, "an earlier time leaves the clock where it is");
}
