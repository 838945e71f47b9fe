//! Subscriptions through async-stripe: payment methods, trials, renewals the simulated
//! clock runs, dunning, cancellation, paused collection, and the events they emit.

mod common;
mod subscription_support;

use std::collections::HashMap;

use stripe_billing::invoice::{PayInvoice, RetrieveInvoice};
use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionPaymentBehavior, CreateSubscriptionTrialSettings,
    CreateSubscriptionTrialSettingsEndBehavior, CreateSubscriptionTrialSettingsEndBehaviorMissingPaymentMethod, ListSubscription,
    ListSubscriptionStatus, UpdateSubscription, UpdateSubscriptionPauseCollection,
    UpdateSubscriptionPauseCollectionBehavior,
};
use stripe_billing::subscription_item::{ListSubscriptionItem, RetrieveSubscriptionItem};
use stripe_core::customer::{CreateCustomer, ListPaymentMethodsCustomer, UpdateCustomer, UpdateCustomerInvoiceSettings};
use stripe_core::event::ListEvent;
use stripe_payment::payment_method::RetrievePaymentMethod;
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;
use stripe_shared::{InvoiceBillingReason, InvoiceStatus, SubscriptionStatus};
use stripe_types::Currency;
use subscription_support::*;

#[tokio::test]
async fn payment_methods_attach_to_customers_and_list() {
    let (_sim, client) = common::start().await;
    let (customer, pm) = customer_with_card(&client, "pm_card_visa").await;
    assert!(pm.starts_with("pm_") && pm != "pm_card_visa");
    let declining = attach(&client, "pm_card_chargeDeclined", &customer).await;
    let card = RetrievePaymentMethod::new(declining.as_str()).send(&client).await.unwrap();
    assert_eq!(card.customer.as_ref().map(|c| c.id().to_string()), Some(customer.clone()));
    assert_eq!(card.card.as_ref().unwrap().last4, "0002");
    let listed = ListPaymentMethodsCustomer::new(customer.as_str()).send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 2);
    assert_eq!(listed.data[1].card.as_ref().unwrap().last4, "4242");
    assert_eq!(listed.data[1].card.as_ref().unwrap().brand, "visa");

    let other = CreateCustomer::new().send(&client).await.unwrap();
    let mut settings = UpdateCustomerInvoiceSettings::new();
    settings.default_payment_method = Some(pm.clone());
    let refused = UpdateCustomer::new(other.id.clone()).invoice_settings(settings).send(&client).await.unwrap_err();
    assert!(matches!(refused, stripe::StripeError::Stripe(_, 400)), "a card attached elsewhere is not a default: {refused:?}");
}

#[tokio::test]
async fn a_trial_ends_into_an_active_subscription_that_renews_monthly() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 2_000).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let trialing = CreateSubscription::new().customer(customer).items(items(&price, 1)).trial_period_days(14u32).send(&client).await.unwrap();
    assert_eq!(trialing.status, SubscriptionStatus::Trialing);
    let trial_end = trialing.trial_end.unwrap();
    assert_eq!(period(&trialing).1, trial_end);
    let first = latest_invoice(&client, &trialing).await;
    assert_eq!(first.billing_reason, Some(InvoiceBillingReason::SubscriptionCreate));
    assert_eq!((first.total, first.status), (0, Some(InvoiceStatus::Paid)));
    assert_eq!(first.parent.as_ref().unwrap().subscription_details.as_ref().unwrap().subscription.id().as_str(), trialing.id.as_str());

    sim.advance_clock(12 * DAY);
    assert_eq!(retrieve(&client, trialing.id.as_str()).await.status, SubscriptionStatus::Trialing);
    assert_eq!(event_types(&client, "customer.subscription.trial_will_end").await.len(), 1);

    sim.advance_clock(3 * DAY);
    let active = retrieve(&client, trialing.id.as_str()).await;
    assert_eq!(active.status, SubscriptionStatus::Active);
    assert_eq!(period(&active).0, trial_end);
    let paid = latest_invoice(&client, &active).await;
    assert_eq!(paid.billing_reason, Some(InvoiceBillingReason::SubscriptionCycle));
    assert_eq!((paid.status, paid.amount_paid), (Some(InvoiceStatus::Paid), 2_000));
    assert_eq!(paid.lines.data[0].period.start, trial_end);
    assert_eq!(paid.lines.data[0].description.as_deref(), Some("1 × Billfold Pro (at 20.00 USD / month)"));
    let listed = ListSubscriptionItem::new(active.id.as_str()).send(&client).await.unwrap();
    assert_eq!(listed.data.len(), 1);
    let item = RetrieveSubscriptionItem::new(listed.data[0].id.clone()).send(&client).await.unwrap();
    assert_eq!((item.current_period_start, item.subscription.as_str()), (trial_end, active.id.as_str()));

    // One month later: a renewal; then a three-month jump renews three times.
    sim.advance_clock(31 * DAY);
    assert_eq!(invoices_of(&client, active.id.as_str()).await.len(), 3);
    sim.advance_clock(92 * DAY);
    let all = invoices_of(&client, active.id.as_str()).await;
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|invoice| invoice.status == Some(InvoiceStatus::Paid)));
    let renewed = retrieve(&client, active.id.as_str()).await;
    assert_eq!(renewed.status, SubscriptionStatus::Active);
    let (start, end) = period(&renewed);
    assert!(start <= common_now(&sim).await && common_now(&sim).await < end);
    let periods: Vec<i64> = all.iter().skip(1).map(|invoice| invoice.lines.data[0].period.start).collect();
    assert!(periods.windows(2).all(|pair| pair[1] - pair[0] >= 28 * DAY), "monthly periods: {periods:?}");
    // Events are kept 30 days, as Stripe keeps them: the last renewal's are still listed.
    let types = event_types(&client, "invoice.*").await;
    for expected in ["invoice.created", "invoice.finalized", "invoice.payment_succeeded", "invoice.paid"] {
        assert!(types.iter().any(|t| t == expected), "{expected} missing from {types:?}");
    }
}

#[tokio::test]
async fn a_declining_card_goes_past_due_then_unpaid_until_paid() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let customer = subscription.customer.id().to_string();
    let declining = attach(&client, "pm_card_chargeDeclined", &customer).await;
    UpdateSubscription::new(subscription.id.clone()).default_payment_method(declining).send(&client).await.unwrap();

    sim.advance_clock(32 * DAY);
    let past_due = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(past_due.status, SubscriptionStatus::PastDue);
    assert!(delinquent(&client, &customer).await, "a failed renewal makes the customer delinquent");
    let updates = ListEvent::new().type_("customer.subscription.updated").limit(100).send(&client).await.unwrap();
    let went_past_due = updates.data.iter().find(|event| {
        let previous = event.data.previous_attributes.as_ref().map(miniserde::json::to_string).unwrap_or_default();
        previous.contains(r#""status":"active""#)
    });
    assert!(went_past_due.is_some(), "an update event records the status it left");
    let failed = latest_invoice(&client, &past_due).await;
    assert_eq!((failed.status, failed.attempt_count), (Some(InvoiceStatus::Open), 1));
    assert!(failed.next_payment_attempt.is_some());

    sim.advance_clock(3 * DAY);
    let retried = RetrieveInvoice::new(failed.id.clone().unwrap()).send(&client).await.unwrap();
    assert_eq!(retried.attempt_count, 2);
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::PastDue);

    sim.advance_clock(7 * DAY);
    let unpaid = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(unpaid.status, SubscriptionStatus::Unpaid);
    let exhausted = RetrieveInvoice::new(failed.id.clone().unwrap()).send(&client).await.unwrap();
    assert_eq!((exhausted.attempt_count, exhausted.next_payment_attempt), (4, None));
    assert_eq!(exhausted.status, Some(InvoiceStatus::Open));
    assert_eq!(event_types(&client, "invoice.payment_failed").await.len(), 4);

    // While unpaid, renewals are invoiced as drafts and not charged.
    sim.advance_clock(20 * DAY);
    let still_unpaid = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(still_unpaid.status, SubscriptionStatus::Unpaid);
    let draft = latest_invoice(&client, &still_unpaid).await;
    assert_eq!((draft.status, draft.attempt_count, draft.auto_advance), (Some(InvoiceStatus::Draft), 0, Some(false)));

    let visa = attach(&client, "pm_card_visa", &customer).await;
    let paid = PayInvoice::new(failed.id.clone().unwrap()).payment_method(visa).send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Active);
    assert!(!delinquent(&client, &customer).await);
}

#[tokio::test]
async fn a_declined_first_payment_leaves_an_incomplete_subscription_that_expires() {
    let (sim, client) = common::start().await;
    let price = monthly_price(&client, 2_000).await;
    let (customer, _) = customer_with_card(&client, "pm_card_chargeDeclined").await;

    let refused = CreateSubscription::new()
        .customer(customer.as_str())
        .items(items(&price, 1))
        .payment_behavior(CreateSubscriptionPaymentBehavior::ErrorIfIncomplete)
        .send(&client)
        .await
        .unwrap_err();
    match refused {
        stripe::StripeError::Stripe(err, 402) => assert_eq!(err.code.map(|c| c.to_string()).as_deref(), Some("card_declined")),
        other => panic!("expected a 402, got {other:?}"),
    }
    assert!(ListSubscription::new().status(ListSubscriptionStatus::All).send(&client).await.unwrap().data.is_empty());

    // default_incomplete: nothing is charged until the first invoice is paid.
    let waiting = CreateSubscription::new()
        .customer(customer.as_str())
        .items(items(&price, 1))
        .payment_behavior(CreateSubscriptionPaymentBehavior::DefaultIncomplete)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(waiting.status, SubscriptionStatus::Incomplete);
    let first = latest_invoice(&client, &waiting).await;
    assert_eq!((first.status, first.attempt_count), (Some(InvoiceStatus::Open), 0));
    let visa = attach(&client, "pm_card_visa", &customer).await;
    PayInvoice::new(first.id.clone().unwrap()).payment_method(visa).send(&client).await.unwrap();
    assert_eq!(retrieve(&client, waiting.id.as_str()).await.status, SubscriptionStatus::Active);

    let incomplete = CreateSubscription::new().customer(customer.as_str()).items(items(&price, 1)).send(&client).await.unwrap();
    assert_eq!(incomplete.status, SubscriptionStatus::Incomplete);
    let invoice = latest_invoice(&client, &incomplete).await;
    assert_eq!((invoice.status, invoice.attempt_count), (Some(InvoiceStatus::Open), 1));

    sim.advance_clock(DAY);
    let expired = retrieve(&client, incomplete.id.as_str()).await;
    assert_eq!(expired.status, SubscriptionStatus::IncompleteExpired);
    assert_eq!(latest_invoice(&client, &expired).await.status, Some(InvoiceStatus::Void));
    let ended = ListSubscription::new().status(ListSubscriptionStatus::Ended).send(&client).await.unwrap();
    assert_eq!(ended.data.len(), 1);
    let active = ListSubscription::new().status(ListSubscriptionStatus::Active).send(&client).await.unwrap();
    assert_eq!(active.data.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [waiting.id.as_str()]);
}

#[tokio::test]
async fn cancel_at_period_end_and_cancel_now() {
    let (sim, client) = common::start().await;
    let (later, _) = active_subscription(&client, 2_000).await;
    let scheduled = UpdateSubscription::new(later.id.clone()).cancel_at_period_end(true).send(&client).await.unwrap();
    assert!(scheduled.cancel_at_period_end);
    assert_eq!(scheduled.cancel_at, Some(period(&later).1));
    assert_eq!(scheduled.status, SubscriptionStatus::Active);

    let (now, _) = active_subscription(&client, 1_000).await;
    let canceled = CancelSubscription::new(now.id.clone()).send(&client).await.unwrap();
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    assert!(canceled.ended_at.is_some());
    let listed = ListSubscription::new().send(&client).await.unwrap();
    assert_eq!(listed.data.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [later.id.as_str()]);
    assert_eq!(ListSubscription::new().status(ListSubscriptionStatus::All).send(&client).await.unwrap().data.len(), 2);
    assert_eq!(ListSubscription::new().customer(later.customer.id().as_str()).send(&client).await.unwrap().data.len(), 1);
    assert_eq!(ListSubscription::new().status(ListSubscriptionStatus::Canceled).send(&client).await.unwrap().data[0].id, now.id);
    assert_eq!(event_types(&client, "customer.subscription.deleted").await.len(), 1);

    // Deleting a customer cancels its subscriptions.
    let (doomed, _) = active_subscription(&client, 500).await;
    stripe_core::customer::DeleteCustomer::new(doomed.customer.id().as_str()).send(&client).await.unwrap();
    assert_eq!(retrieve(&client, doomed.id.as_str()).await.status, SubscriptionStatus::Canceled);

    sim.advance_clock(32 * DAY);
    let ended = retrieve(&client, later.id.as_str()).await;
    assert_eq!(ended.status, SubscriptionStatus::Canceled);
    assert_eq!(ended.ended_at, Some(period(&later).1));
    assert_eq!(invoices_of(&client, later.id.as_str()).await.len(), 1, "no renewal after cancellation");
    let deleted = ListEvent::new().type_("customer.subscription.deleted").send(&client).await.unwrap();
    assert_eq!(deleted.data.len(), 1, "the cancel-now event is past the 30 days events are kept");
    assert_eq!(deleted.data[0].created, period(&later).1);
}

#[tokio::test]
async fn paused_collection_keeps_drafts_and_resumes() {
    let (sim, client, key) = start_with_key().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let paused = UpdateSubscription::new(subscription.id.clone())
        .pause_collection(UpdateSubscriptionPauseCollection::new(UpdateSubscriptionPauseCollectionBehavior::KeepAsDraft))
        .metadata(HashMap::from([("plan".to_string(), "paused".to_string())]))
        .send(&client)
        .await
        .unwrap();
    assert!(paused.pause_collection.is_some());
    assert_eq!(paused.status, SubscriptionStatus::Active);
    // The update events carry what changed.
    let events = ListEvent::new().type_("customer.subscription.updated").limit(100).send(&client).await.unwrap();
    let first_update = &events.data[0];
    let previous = first_update.data.previous_attributes.as_ref().expect("previous_attributes");
    let previous: serde_json::Value = serde_json::from_str(&miniserde::json::to_string(previous)).unwrap();
    assert_eq!(previous["pause_collection"], serde_json::Value::Null);
    assert_eq!(previous["metadata"], serde_json::json!({}));

    sim.advance_clock(32 * DAY);
    let all = invoices_of(&client, subscription.id.as_str()).await;
    assert_eq!(all[1].status, Some(InvoiceStatus::Draft));

    let (status, _, body) = common::raw_post(&sim, &key, &format!("/v1/subscriptions/{}", subscription.id), "pause_collection=", None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["pause_collection"].is_null());
    sim.advance_clock(31 * DAY);
    let all = invoices_of(&client, subscription.id.as_str()).await;
    assert_eq!(all[2].status, Some(InvoiceStatus::Paid));

    // Pausing with a resume date: renewals are marked uncollectible until then.
    let until = common_now(&sim).await + 40 * DAY;
    let mut pause = UpdateSubscriptionPauseCollection::new(UpdateSubscriptionPauseCollectionBehavior::MarkUncollectible);
    pause.resumes_at = Some(until);
    UpdateSubscription::new(subscription.id.clone()).pause_collection(pause).send(&client).await.unwrap();
    sim.advance_clock(31 * DAY);
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await[3].status, Some(InvoiceStatus::Uncollectible));
    sim.advance_clock(15 * DAY);
    assert!(retrieve(&client, subscription.id.as_str()).await.pause_collection.is_none());
}

#[tokio::test]
async fn a_trial_without_a_payment_method_pauses_and_resumes() {
    let (sim, client, key) = start_with_key().await;
    let price = monthly_price(&client, 2_000).await;
    let customer = CreateCustomer::new().send(&client).await.unwrap();
    let mut end = CreateSubscriptionTrialSettingsEndBehavior::new();
    end.missing_payment_method = Some(CreateSubscriptionTrialSettingsEndBehaviorMissingPaymentMethod::Pause);
    let trialing = CreateSubscription::new()
        .customer(customer.id.as_str())
        .items(items(&price, 1))
        .trial_period_days(7u32)
        .trial_settings(CreateSubscriptionTrialSettings::new(end))
        .send(&client)
        .await
        .unwrap();
    sim.advance_clock(8 * DAY);
    assert_eq!(retrieve(&client, trialing.id.as_str()).await.status, SubscriptionStatus::Paused);

    let pm = attach(&client, "pm_card_visa", customer.id.as_str()).await;
    UpdateSubscription::new(trialing.id.clone()).default_payment_method(pm).send(&client).await.unwrap();
    let (status, _, body) = common::raw_post(&sim, &key, &format!("/v1/subscriptions/{}/resume", trialing.id), "", None).await;
    assert_eq!(status, 200, "{body}");
    let resumed = retrieve(&client, trialing.id.as_str()).await;
    assert_eq!(resumed.status, SubscriptionStatus::Active);
    assert_eq!(latest_invoice(&client, &resumed).await.amount_paid, 2_000);
    let types = event_types(&client, "customer.subscription.*").await;
    for expected in ["customer.subscription.created", "customer.subscription.trial_will_end", "customer.subscription.paused", "customer.subscription.resumed"] {
        assert!(types.iter().any(|t| t == expected), "{expected} missing from {types:?}");
    }
}

#[tokio::test]
async fn send_invoice_subscriptions_go_past_due_after_the_due_date() {
    let (sim, client, key) = start_with_key().await;
    let price = monthly_price(&client, 9_900).await;
    let customer = CreateCustomer::new().send(&client).await.unwrap();
    let subscription = CreateSubscription::new()
        .customer(customer.id.as_str())
        .items(items(&price, 1))
        .collection_method(stripe_shared::SubscriptionCollectionMethod::SendInvoice)
        .days_until_due(14u32)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    let invoice = latest_invoice(&client, &subscription).await;
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    let due = invoice.due_date.unwrap();

    sim.advance_clock(15 * DAY);
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::PastDue);
    let overdue = raw_get(&sim, &key, &format!("/v1/invoices?status=open&due_date[lt]={}", common_now(&sim).await)).await;
    assert_eq!(overdue["data"][0]["id"], invoice.id.as_ref().unwrap().as_str());
    let later = raw_get(&sim, &key, &format!("/v1/invoices?due_date[gt]={due}")).await;
    assert!(later["data"].as_array().unwrap().is_empty());

    // The customer pays by bank transfer: the subscription is active again.
    let id = invoice.id.as_ref().unwrap();
    common::raw_json_post(&sim, &format!("/_sim/invoices/{id}/customer_payment"), r#"{"method": "bank_transfer"}"#).await;
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Active);

    // One currency per customer.
    let euros = {
        let product = CreateProduct::new("Billfold Pro EU").send(&client).await.unwrap();
        CreatePrice::new(Currency::EUR)
            .product(product.id.as_str())
            .unit_amount(9_000)
            .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
            .send(&client)
            .await
            .unwrap()
    };
    let mixed = CreateSubscription::new()
        .customer(customer.id.as_str())
        .items(items(euros.id.as_str(), 1))
        .collection_method(stripe_shared::SubscriptionCollectionMethod::SendInvoice)
        .days_until_due(14u32)
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(mixed, stripe::StripeError::Stripe(_, 400)), "{mixed:?}");
}

#[tokio::test]
async fn ending_a_trial_now_bills_at_once_and_warns() {
    let (_sim, client) = common::start().await;
    let price = monthly_price(&client, 4_000).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let trialing = CreateSubscription::new().customer(customer).items(items(&price, 2)).trial_period_days(30u32).send(&client).await.unwrap();
    let ended = UpdateSubscription::new(trialing.id.clone())
        .trial_end(stripe_billing::subscription::UpdateSubscriptionTrialEnd::Now)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(ended.status, SubscriptionStatus::Active);
    assert!(ended.trial_end.unwrap() < trialing.trial_end.unwrap());
    let invoice = latest_invoice(&client, &ended).await;
    assert_eq!((invoice.amount_paid, invoice.status), (8_000, Some(InvoiceStatus::Paid)));
    assert_eq!(event_types(&client, "customer.subscription.trial_will_end").await.len(), 1);
    let (start, end) = period(&ended);
    assert!(end - start >= 28 * DAY, "a full month starts when the trial ends");
}

#[tokio::test]
async fn cancel_at_a_date_and_a_trial_set_to_cancel() {
    let (sim, client, key) = start_with_key().await;
    let (subscription, price) = active_subscription(&client, 2_000).await;
    let (start, _) = period(&subscription);
    let when = start + 10 * DAY;
    let (status, _, body) = common::raw_post(&sim, &key, &format!("/v1/subscriptions/{}", subscription.id), &format!("cancel_at={when}"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["cancel_at"], when);
    assert_eq!(body["cancel_at_period_end"], false);

    let customer = subscription.customer.id().to_string();
    let trialing = CreateSubscription::new().customer(customer).items(items(&price, 1)).trial_period_days(14u32).send(&client).await.unwrap();
    UpdateSubscription::new(trialing.id.clone()).cancel_at_period_end(true).send(&client).await.unwrap();

    sim.advance_clock(11 * DAY);
    let canceled = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!((canceled.status, canceled.ended_at), (SubscriptionStatus::Canceled, Some(when)));
    assert_eq!(retrieve(&client, trialing.id.as_str()).await.status, SubscriptionStatus::Trialing);
    sim.advance_clock(4 * DAY);
    let ended = retrieve(&client, trialing.id.as_str()).await;
    assert_eq!((ended.status, ended.ended_at), (SubscriptionStatus::Canceled, trialing.trial_end));
    assert_eq!(invoices_of(&client, trialing.id.as_str()).await.len(), 1, "only the trial's own $0 invoice");
}

#[tokio::test]
async fn creating_a_subscription_emits_events_in_stripes_order() {
    let (_sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let events = ListEvent::new().limit(100).send(&client).await.unwrap();
    let ordered: Vec<&stripe_shared::Event> = events.data.iter().rev().collect();
    let types: Vec<String> = ordered.iter().map(|e| e.type_.to_string()).collect();
    let position = |wanted: &str| types.iter().position(|t| t == wanted).unwrap_or_else(|| panic!("{wanted} missing from {types:?}"));
    assert!(position("customer.subscription.created") < position("invoice.created"));
    assert!(position("invoice.created") < position("invoice.finalized"));
    assert!(position("invoice.finalized") < position("invoice.paid"));
    assert!(position("invoice.paid") < position("customer.subscription.updated"));
    let created: serde_json::Value = serde_json::from_str(&miniserde::json::to_string(&ordered[position("customer.subscription.created")].data.object)).unwrap();
    assert_eq!(created["status"], "incomplete");
    assert_eq!(created["latest_invoice"], latest_invoice(&client, &subscription).await.id.unwrap().as_str());
    let activated = &ordered[position("customer.subscription.updated")].data;
    let previous: serde_json::Value = serde_json::from_str(&miniserde::json::to_string(activated.previous_attributes.as_ref().unwrap())).unwrap();
    assert_eq!(previous, serde_json::json!({ "status": "incomplete" }));
}

#[tokio::test]
async fn a_canceled_subscription_stops_retrying_and_never_turns_unpaid() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let customer = subscription.customer.id().to_string();
    let declining = attach(&client, "pm_card_chargeDeclined", &customer).await;
    UpdateSubscription::new(subscription.id.clone()).default_payment_method(declining).send(&client).await.unwrap();
    sim.advance_clock(32 * DAY);
    let past_due = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(past_due.status, SubscriptionStatus::PastDue);
    let failed = latest_invoice(&client, &past_due).await;
    assert!(failed.next_payment_attempt.is_some(), "the failed renewal is scheduled for a retry");

    let canceled = CancelSubscription::new(subscription.id.clone()).send(&client).await.unwrap();
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    let stopped = RetrieveInvoice::new(failed.id.clone().unwrap()).send(&client).await.unwrap();
    assert_eq!((stopped.status, stopped.next_payment_attempt), (Some(InvoiceStatus::Open), None));
    let failures = event_types(&client, "invoice.payment_failed").await.len();

    // Past every retry the dunning schedule would have made (three days apart, four in all).
    sim.advance_clock(12 * DAY);
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Canceled);
    let after = RetrieveInvoice::new(failed.id.clone().unwrap()).send(&client).await.unwrap();
    assert_eq!((after.attempt_count, after.next_payment_attempt), (stopped.attempt_count, None));
    assert_eq!(event_types(&client, "invoice.payment_failed").await.len(), failures, "no retry after cancellation");
    // It stays payable by hand, and paying it leaves the subscription canceled.
    let visa = attach(&client, "pm_card_visa", &customer).await;
    let paid = PayInvoice::new(failed.id.clone().unwrap()).payment_method(visa).send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Canceled);
}
