//! Subscriptions and payments together: invoices of subscriptions are charged through real
//! payment intents and charges (refundable, disputable), from stored cards as from test ids.

mod common;
mod subscription_support;

use stripe::StripeError;
use stripe_billing::subscription::CreateSubscription;
use stripe_core::charge::ListCharge;
use stripe_core::dispute::ListDispute;
use stripe_core::payment_intent::{ConfirmPaymentIntent, CreatePaymentIntent, RetrievePaymentIntent};
use stripe_core::refund::CreateRefund;
use stripe_shared::{ChargeStatus, InvoiceStatus, PaymentIntentStatus, SubscriptionStatus};
use stripe_types::Currency;
use subscription_support::*;

#[tokio::test]
async fn a_subscription_paid_by_a_stored_card_is_a_refundable_charge() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 3_000).await;
    let (customer, pm) = customer_with_card(&client, "pm_card_mastercard").await;
    let subscription = CreateSubscription::new().customer(customer.as_str()).items(items(&price, 2)).send(&client).await.unwrap();
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    assert_eq!(latest_invoice(&client, &subscription).await.status, Some(InvoiceStatus::Paid));

    let charges = ListCharge::new().customer(customer.as_str()).send(&client).await.unwrap().data;
    assert_eq!(charges.len(), 1, "one charge for the first invoice");
    let charge = &charges[0];
    assert_eq!((charge.amount, charge.status.clone()), (6_000, ChargeStatus::Succeeded));
    assert_eq!(charge.payment_method.as_deref(), Some(pm.as_str()));
    let card = charge.payment_method_details.as_ref().unwrap().card.as_ref().unwrap();
    assert_eq!((card.last4.as_deref(), card.brand.as_deref()), (Some("4444"), Some("mastercard")));
    let intent_id = charge.payment_intent.as_ref().expect("the charge has a payment intent").id().clone();
    let intent = RetrievePaymentIntent::new(intent_id.clone()).send(&client).await.unwrap();
    assert_eq!((intent.status, intent.amount_received), (PaymentIntentStatus::Succeeded, 6_000));

    let refund = CreateRefund::new().payment_intent(intent_id.as_str()).amount(1_000).send(&client).await.unwrap();
    assert_eq!(refund.amount, 1_000);
    let refunded = ListCharge::new().customer(customer.as_str()).send(&client).await.unwrap().data;
    assert_eq!(refunded[0].amount_refunded, 1_000);

    // The clock's renewal charges the stored card the same way.
    common::raw_json_post(&sim, "/_sim/clock/advance", &format!(r#"{{"seconds": {}}}"#, 32 * DAY)).await;
    let renewed = ListCharge::new().customer(customer.as_str()).send(&client).await.unwrap().data;
    assert_eq!(renewed.len(), 2, "the renewal is a second charge");
    assert_eq!((renewed[0].amount, renewed[0].status.clone()), (6_000, ChargeStatus::Succeeded));
    assert!(renewed[0].payment_intent.is_some());
}

#[tokio::test]
async fn a_stored_dispute_card_pays_the_subscription_then_is_disputed() {
    let (_sim, client) = common::start().await;
    let price = monthly_price(&client, 2_500).await;
    let (customer, _) = customer_with_card(&client, "pm_card_createDispute").await;
    let subscription = CreateSubscription::new().customer(customer.as_str()).items(items(&price, 1)).send(&client).await.unwrap();
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    let charge = ListCharge::new().customer(customer.as_str()).send(&client).await.unwrap().data.remove(0);
    let disputes = ListDispute::new().charge(charge.id.as_str()).send(&client).await.unwrap().data;
    assert_eq!(disputes.len(), 1);
    assert_eq!(disputes[0].amount, 2_500);
}

#[tokio::test]
async fn payment_intents_take_stored_cards_and_decline_by_their_digits() {
    let (_sim, client) = common::start().await;
    let (customer, visa) = customer_with_card(&client, "pm_card_visa").await;
    let declining = attach(&client, "pm_card_chargeDeclined", &customer).await;

    let created = CreatePaymentIntent::new(1_500, Currency::USD).customer(customer.as_str()).send(&client).await.unwrap();
    let err = ConfirmPaymentIntent::new(created.id.clone()).payment_method(declining.as_str()).send(&client).await.unwrap_err();
    match err {
        StripeError::Stripe(api, status) => {
            assert_eq!(status, 402);
            assert_eq!(api.code.as_ref().map(|c| c.as_str().to_string()).as_deref(), Some("card_declined"));
        }
        other => panic!("expected a decline, got {other:?}"),
    }
    let paid = ConfirmPaymentIntent::new(created.id.clone()).payment_method(visa.as_str()).send(&client).await.unwrap();
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);

    let unknown = ConfirmPaymentIntent::new(created.id.clone()).payment_method("pm_nothing_here").send(&client).await.unwrap_err();
    assert!(matches!(unknown, StripeError::Stripe(_, 404)), "an unknown payment method is a 404: {unknown:?}");
}
