//! Payment intents, charges and refunds through async-stripe: the test cards, manual
//! capture, amount limits, partial refunds, and Stripe's wrong-state refusals.

mod common;

use stripe::StripeError;
use stripe_core::charge::{ListCharge, RetrieveCharge};
use stripe_core::customer::CreateCustomer;
use stripe_core::event::ListEvent;
use stripe_core::payment_intent::{
    CancelPaymentIntent, CancelPaymentIntentCancellationReason, CapturePaymentIntent, ConfirmPaymentIntent, CreatePaymentIntent,
    ListPaymentIntent, RetrievePaymentIntent, UpdatePaymentIntent,
};
use stripe_core::refund::{CancelRefund, CreateRefund, CreateRefundReason, ListRefund, RetrieveRefund, UpdateRefund};
use stripe_shared::{ChargeStatus, PaymentIntentCaptureMethod, PaymentIntentStatus};
use stripe_types::Currency;

/// The Stripe error of a failed call: (HTTP status, code, message).
fn stripe_error(err: StripeError) -> (u16, String, String, Box<stripe_shared::ApiErrors>) {
    match err {
        StripeError::Stripe(api, status) => {
            let code = api.code.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default();
            let message = api.message.clone().unwrap_or_default();
            (status, code, message, api)
        }
        other => panic!("expected a Stripe error, got {other:?}"),
    }
}

async fn event_types(client: &stripe::Client) -> Vec<String> {
    let events = ListEvent::new().limit(100).send(client).await.unwrap();
    events.data.iter().map(|e| e.type_.to_string()).collect()
}

#[tokio::test]
async fn a_visa_payment_succeeds_and_is_refunded_in_two_parts() {
    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().email("buyer@example.com").send(&client).await.unwrap();
    let created = CreatePaymentIntent::new(5_000, Currency::USD).customer(customer.id.as_str()).description("Workshop").send(&client).await.unwrap();
    assert_eq!(created.status, PaymentIntentStatus::RequiresPaymentMethod);

    let paid = ConfirmPaymentIntent::new(created.id.clone()).payment_method("pm_card_visa").send(&client).await.unwrap();
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);
    assert_eq!(paid.amount_received, 5_000);
    let charge_id = paid.latest_charge.as_ref().unwrap().id().clone();
    assert!(charge_id.as_str().starts_with("ch_"));
    let charge = RetrieveCharge::new(charge_id.as_str()).send(&client).await.unwrap();
    assert_eq!(charge.status, ChargeStatus::Succeeded);
    assert!(charge.captured && charge.paid);
    assert_eq!(charge.customer.as_ref().unwrap().id(), &customer.id);

    let over_charge = CreateRefund::new().charge(charge_id.as_str()).amount(6_000).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(over_charge).2, "Refund amount ($60.00) is greater than charge amount ($50.00)");
    let first = CreateRefund::new().payment_intent(paid.id.as_str()).amount(1_500).reason(CreateRefundReason::RequestedByCustomer).send(&client).await.unwrap();
    assert_eq!(first.amount, 1_500);
    let after_first = RetrieveCharge::new(charge_id.as_str()).send(&client).await.unwrap();
    assert_eq!(after_first.amount_refunded, 1_500);
    assert!(!after_first.refunded);

    let way_too_much = CreateRefund::new().charge(charge_id.as_str()).amount(6_000).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(way_too_much).2, "Refund amount ($60.00) is greater than unrefunded amount on charge ($35.00)");
    let too_much = CreateRefund::new().charge(charge_id.as_str()).amount(4_000).send(&client).await.unwrap_err();
    let (status, _, message, _) = stripe_error(too_much);
    assert_eq!(status, 400);
    assert_eq!(message, "Refund amount ($40.00) is greater than unrefunded amount on charge ($35.00)");

    let rest = CreateRefund::new().charge(charge_id.as_str()).send(&client).await.unwrap();
    assert_eq!(rest.amount, 3_500);
    let refunded = RetrieveCharge::new(charge_id.as_str()).send(&client).await.unwrap();
    assert!(refunded.refunded);
    assert_eq!(refunded.amount_refunded, 5_000);
    let again = CreateRefund::new().charge(charge_id.as_str()).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(again).1, "charge_already_refunded");

    let listed = ListRefund::new().payment_intent(paid.id.as_str()).send(&client).await.unwrap();
    assert_eq!(listed.data.iter().map(|r| r.amount).collect::<Vec<_>>(), vec![3_500, 1_500]);
    let tagged = UpdateRefund::new(first.id.clone()).metadata(std::collections::HashMap::from([("ticket".to_string(), "T-9".to_string())])).send(&client).await.unwrap();
    assert_eq!(tagged.metadata.unwrap()["ticket"], "T-9");
    assert_eq!(RetrieveRefund::new(first.id.clone()).send(&client).await.unwrap().metadata.unwrap()["ticket"], "T-9");
    let cancel = CancelRefund::new(first.id.clone()).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(cancel).0, 400);

    let charges = ListCharge::new().customer(customer.id.as_str()).send(&client).await.unwrap();
    assert_eq!(charges.data.len(), 1);
    let intents = ListPaymentIntent::new().customer(customer.id.as_str()).send(&client).await.unwrap();
    assert_eq!(intents.data.len(), 1);

    let types = event_types(&client).await;
    for expected in ["payment_intent.created", "charge.succeeded", "payment_intent.succeeded", "refund.created", "charge.refunded", "refund.updated"] {
        assert!(types.iter().any(|t| t == expected), "missing {expected} in {types:?}");
    }
}

#[tokio::test]
async fn a_declined_card_is_a_402_and_the_intent_can_be_retried() {
    let (_sim, client) = common::start().await;
    let err = CreatePaymentIntent::new(2_000, Currency::EUR).payment_method("pm_card_chargeDeclined").confirm(true).send(&client).await.unwrap_err();
    let (status, code, message, api) = stripe_error(err);
    assert_eq!((status, code.as_str(), message.as_str()), (402, "card_declined", "Your card was declined."));
    assert_eq!(api.decline_code.as_deref(), Some("generic_decline"));
    let intent = api.payment_intent.expect("the error carries the payment intent");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    let last_error = intent.last_payment_error.as_ref().unwrap();
    assert_eq!(last_error.decline_code.as_deref(), Some("generic_decline"));
    let failed_charge = RetrieveCharge::new(api.charge.clone().unwrap().as_str()).send(&client).await.unwrap();
    assert_eq!(failed_charge.status, ChargeStatus::Failed);
    assert_eq!(failed_charge.failure_code.as_deref(), Some("card_declined"));

    let retried = ConfirmPaymentIntent::new(intent.id.clone()).payment_method("pm_card_visa").send(&client).await.unwrap();
    assert_eq!(retried.status, PaymentIntentStatus::Succeeded);
    assert!(retried.last_payment_error.is_none());
    let types = event_types(&client).await;
    assert!(types.iter().any(|t| t == "payment_intent.payment_failed"));
    assert!(types.iter().any(|t| t == "charge.failed"));
}

#[tokio::test]
async fn manual_capture_takes_part_of_the_authorization() {
    let (_sim, client) = common::start().await;
    let authorized = CreatePaymentIntent::new(10_000, Currency::GBP)
        .payment_method("pm_card_visa")
        .capture_method(PaymentIntentCaptureMethod::Manual)
        .confirm(true)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(authorized.status, PaymentIntentStatus::RequiresCapture);
    assert_eq!(authorized.amount_capturable, 10_000);

    let over = CapturePaymentIntent::new(authorized.id.clone()).amount_to_capture(20_000).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(over).1, "amount_too_large");
    let captured = CapturePaymentIntent::new(authorized.id.clone()).amount_to_capture(7_500).send(&client).await.unwrap();
    assert_eq!(captured.status, PaymentIntentStatus::Succeeded);
    assert_eq!(captured.amount_received, 7_500);
    let charge = RetrieveCharge::new(captured.latest_charge.unwrap().id().as_str()).send(&client).await.unwrap();
    assert_eq!(charge.amount_captured, 7_500);
    assert_eq!(charge.amount_refunded, 2_500, "the uncaptured rest is released");
    assert!(!charge.refunded);
    let over_refund = CreateRefund::new().charge(charge.id.as_str()).amount(8_000).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(over_refund).2, "Refund amount (£80.00) is greater than unrefunded amount on charge (£75.00)");
    let all_captured = CreateRefund::new().charge(charge.id.as_str()).send(&client).await.unwrap();
    assert_eq!(all_captured.amount, 7_500);
    assert!(RetrieveCharge::new(charge.id.as_str()).send(&client).await.unwrap().refunded);

    let twice = CapturePaymentIntent::new(authorized.id.clone()).send(&client).await.unwrap_err();
    let (status, code, message, _) = stripe_error(twice);
    assert_eq!((status, code.as_str()), (400, "payment_intent_unexpected_state"));
    assert_eq!(message, "This PaymentIntent could not be captured because it has a status of succeeded. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.");
    assert!(event_types(&client).await.iter().any(|t| t == "payment_intent.amount_capturable_updated"));
    assert!(event_types(&client).await.iter().any(|t| t == "charge.captured"));
}

#[tokio::test]
async fn wrong_state_calls_are_refused_with_stripes_messages() {
    let (_sim, client) = common::start().await;
    let intent = CreatePaymentIntent::new(1_000, Currency::USD).send(&client).await.unwrap();
    let missing = ConfirmPaymentIntent::new(intent.id.clone()).send(&client).await.unwrap_err();
    assert!(stripe_error(missing).2.starts_with("You cannot confirm this PaymentIntent because it's missing a payment method."));

    let ready = UpdatePaymentIntent::new(intent.id.clone()).payment_method("pm_card_visa").amount(1_200).send(&client).await.unwrap();
    assert_eq!(ready.status, PaymentIntentStatus::RequiresConfirmation);
    assert_eq!(ready.amount, 1_200);
    let canceled = CancelPaymentIntent::new(intent.id.clone()).cancellation_reason(CancelPaymentIntentCancellationReason::Abandoned).send(&client).await.unwrap();
    assert_eq!(canceled.status, PaymentIntentStatus::Canceled);
    assert!(canceled.canceled_at.is_some());

    let confirm = ConfirmPaymentIntent::new(intent.id.clone()).payment_method("pm_card_visa").send(&client).await.unwrap_err();
    assert_eq!(
        stripe_error(confirm).2,
        "You cannot confirm this PaymentIntent because it has a status of canceled. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method."
    );
    let cancel_again = CancelPaymentIntent::new(intent.id.clone()).send(&client).await.unwrap_err();
    assert!(stripe_error(cancel_again).2.starts_with("You cannot cancel this PaymentIntent because it has a status of canceled."));

    let done = CreatePaymentIntent::new(1_000, Currency::USD).payment_method("pm_card_visa").confirm(true).send(&client).await.unwrap();
    let reconfirm = ConfirmPaymentIntent::new(done.id.clone()).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(reconfirm).2, "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.");
    let change_amount = UpdatePaymentIntent::new(done.id.clone()).amount(2_000).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(change_amount).1, "payment_intent_unexpected_state");
    let described = UpdatePaymentIntent::new(done.id.clone()).description("still editable").send(&client).await.unwrap();
    assert_eq!(described.description.as_deref(), Some("still editable"));
    let refund_unpaid = CreateRefund::new().payment_intent(intent.id.as_str()).send(&client).await.unwrap_err();
    assert_eq!(stripe_error(refund_unpaid).0, 400);
    assert_eq!(RetrievePaymentIntent::new(done.id.clone()).send(&client).await.unwrap().status, PaymentIntentStatus::Succeeded);
    assert!(event_types(&client).await.iter().any(|t| t == "payment_intent.canceled"));
}

#[tokio::test]
async fn amounts_respect_minimums_maximums_and_currency_decimals() {
    let (sim, client) = common::start().await;
    for (amount, currency, message) in [
        (49, Currency::USD, "Amount must be at least $0.50 usd"),
        (49, Currency::EUR, "Amount must be at least €0.50 eur"),
        (29, Currency::GBP, "Amount must be at least £0.30 gbp"),
        (49, Currency::JPY, "Amount must be at least ¥50 jpy"),
    ] {
        let err = CreatePaymentIntent::new(amount, currency).send(&client).await.unwrap_err();
        let (status, code, got, _) = stripe_error(err);
        assert_eq!((status, code.as_str(), got.as_str()), (400, "amount_too_small", message));
    }
    assert!(CreatePaymentIntent::new(30, Currency::GBP).send(&client).await.is_ok());
    assert!(CreatePaymentIntent::new(50, Currency::JPY).send(&client).await.is_ok());
    let too_large = CreatePaymentIntent::new(100_000_000, Currency::USD).send(&client).await.unwrap_err();
    let (_, code, message, _) = stripe_error(too_large);
    assert_eq!((code.as_str(), message.as_str()), ("amount_too_large", "Amount must be no more than $999,999.99"));
    assert!(CreatePaymentIntent::new(99_999_999, Currency::USD).send(&client).await.is_ok());
    // async-stripe has no three-decimal currencies, so KWD goes over raw HTTP.
    let key = "sk_test_threedecimals000000000000";
    let (status, _, body) = common::raw_post(&sim, key, "/v1/payment_intents", "amount=1005&currency=kwd", None).await;
    assert_eq!((status, body["error"]["param"].as_str()), (400, Some("amount")));
    let (status, _, body) = common::raw_post(&sim, key, "/v1/payment_intents", "amount=1010&currency=kwd", None).await;
    assert_eq!((status, body["amount"].as_i64()), (200, Some(1_010)));
}

#[tokio::test]
async fn a_card_needing_3d_secure_waits_for_the_customer() {
    let (_sim, client) = common::start().await;
    let pending = CreatePaymentIntent::new(3_000, Currency::EUR).payment_method("pm_card_authenticationRequired").confirm(true).send(&client).await.unwrap();
    assert_eq!(pending.status, PaymentIntentStatus::RequiresAction);
    let next = pending.next_action.as_ref().unwrap();
    assert_eq!(next.type_, "redirect_to_url");
    assert!(next.redirect_to_url.as_ref().unwrap().url.is_some());
    assert!(pending.latest_charge.is_none(), "nothing is charged before authentication");
    let done = ConfirmPaymentIntent::new(pending.id.clone()).send(&client).await.unwrap();
    assert_eq!(done.status, PaymentIntentStatus::Succeeded);
    assert!(done.next_action.is_none());
    assert!(event_types(&client).await.iter().any(|t| t == "payment_intent.requires_action"));
}

#[tokio::test]
async fn paying_an_invoice_with_a_3d_secure_card_needs_the_customer() {
    use stripe_billing::invoice::{AddLinesInvoice, AddLinesInvoiceLines, CreateInvoice, PayInvoice, RetrieveInvoice};

    let (_sim, client) = common::start().await;
    let customer = CreateCustomer::new().name("Delta").send(&client).await.unwrap();
    let draft = CreateInvoice::new().customer(customer.id.as_str()).currency(Currency::USD).send(&client).await.unwrap();
    let id = draft.id.unwrap();
    let mut line = AddLinesInvoiceLines::new();
    line.amount = Some(9_900);
    AddLinesInvoice::new(id.clone(), vec![line]).send(&client).await.unwrap();
    let err = PayInvoice::new(id.clone()).payment_method("pm_card_authenticationRequired").send(&client).await.unwrap_err();
    let (status, code, _, _) = stripe_error(err);
    assert_eq!((status, code.as_str()), (402, "invoice_payment_intent_requires_action"));
    let invoice = RetrieveInvoice::new(id).send(&client).await.unwrap();
    assert_eq!(invoice.amount_remaining, 9_900);
    assert!(invoice.attempted);
    assert!(event_types(&client).await.iter().any(|t| t == "invoice.payment_action_required"));
}

#[tokio::test]
async fn canceling_an_authorization_releases_the_charge() {
    let (_sim, client) = common::start().await;
    let authorized = CreatePaymentIntent::new(2_000, Currency::USD)
        .payment_method("pm_card_visa")
        .capture_method(PaymentIntentCaptureMethod::Manual)
        .confirm(true)
        .send(&client)
        .await
        .unwrap();
    let charge = authorized.latest_charge.unwrap().id().clone();
    assert!(!RetrieveCharge::new(charge.as_str()).send(&client).await.unwrap().captured);
    let canceled = CancelPaymentIntent::new(authorized.id.clone()).send(&client).await.unwrap();
    assert_eq!((canceled.status, canceled.amount_capturable), (PaymentIntentStatus::Canceled, 0));
    let released = RetrieveCharge::new(charge.as_str()).send(&client).await.unwrap();
    assert!(released.refunded);
    assert_eq!(released.amount_refunded, 2_000);
    assert!(event_types(&client).await.iter().any(|t| t == "charge.refunded"));
}
