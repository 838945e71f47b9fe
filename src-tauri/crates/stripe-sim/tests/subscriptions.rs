//! Subscriptions through async-stripe: trials, renewals the simulated clock runs, dunning,
//! prorations, cancellation, paused collection, and the events they emit.

mod common;

use std::collections::HashMap;

use stripe::Client;
use stripe_billing::invoice::{ListInvoice, PayInvoice, RetrieveInvoice};
use stripe_billing::invoice_item::ListInvoiceItem;
use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionItems, CreateSubscriptionPaymentBehavior, CreateSubscriptionTrialSettings,
    CreateSubscriptionTrialSettingsEndBehavior, CreateSubscriptionTrialSettingsEndBehaviorMissingPaymentMethod, ListSubscription,
    ListSubscriptionStatus, RetrieveSubscription, UpdateSubscription, UpdateSubscriptionItems, UpdateSubscriptionPauseCollection,
    UpdateSubscriptionPauseCollectionBehavior, UpdateSubscriptionProrationBehavior,
};
use stripe_billing::subscription_item::{ListSubscriptionItem, RetrieveSubscriptionItem};
use stripe_core::customer::{CreateCustomer, RetrieveCustomer, RetrieveCustomerReturned, ListPaymentMethodsCustomer, UpdateCustomer, UpdateCustomerInvoiceSettings};
use stripe_core::event::ListEvent;
use stripe_payment::payment_method::{AttachPaymentMethod, RetrievePaymentMethod};
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;
use stripe_shared::{Invoice, InvoiceBillingReason, InvoiceStatus, Subscription, SubscriptionStatus};
use stripe_sim::Simulator;
use stripe_types::Currency;

const DAY: i64 = 86_400;

/// A monthly price of `unit_amount` cents.
async fn monthly_price(client: &Client, unit_amount: i64) -> String {
    let product = CreateProduct::new("Billfold Pro").send(client).await.unwrap();
    CreatePrice::new(Currency::USD)
        .product(product.id.as_str())
        .unit_amount(unit_amount)
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(client)
        .await
        .unwrap()
        .id
        .to_string()
}

/// A customer whose default payment method is a card made from `test_pm`; returns the
/// customer and the attached card's id.
async fn customer_with_card(client: &Client, test_pm: &str) -> (String, String) {
    let customer = CreateCustomer::new().email("billing@acme.example").send(client).await.unwrap();
    let pm = attach(client, test_pm, customer.id.as_str()).await;
    let mut settings = UpdateCustomerInvoiceSettings::new();
    settings.default_payment_method = Some(pm.clone());
    UpdateCustomer::new(customer.id.clone()).invoice_settings(settings).send(client).await.unwrap();
    (customer.id.to_string(), pm)
}

async fn attach(client: &Client, test_pm: &str, customer: &str) -> String {
    AttachPaymentMethod::new(test_pm).customer(customer).send(client).await.unwrap().id.to_string()
}

fn items(price: &str, quantity: u64) -> Vec<CreateSubscriptionItems> {
    let mut item = CreateSubscriptionItems::new();
    item.price = Some(price.to_string());
    item.quantity = Some(quantity);
    vec![item]
}

async fn retrieve(client: &Client, id: &str) -> Subscription {
    RetrieveSubscription::new(id).send(client).await.unwrap()
}

async fn latest_invoice(client: &Client, subscription: &Subscription) -> Invoice {
    let id = subscription.latest_invoice.as_ref().expect("a latest invoice").id().clone();
    RetrieveInvoice::new(id.expect("an invoice id")).send(client).await.unwrap()
}

/// The subscription's invoices, oldest first.
async fn invoices_of(client: &Client, subscription: &str) -> Vec<Invoice> {
    let mut list = ListInvoice::new().subscription(subscription).limit(100).send(client).await.unwrap().data;
    list.reverse();
    list
}

async fn event_types(client: &Client, pattern: &str) -> Vec<String> {
    let events = ListEvent::new().type_(pattern).limit(100).send(client).await.unwrap();
    events.data.iter().rev().map(|e| e.type_.to_string()).collect()
}

async fn active_subscription(client: &Client, unit_amount: i64) -> (Subscription, String) {
    let price = monthly_price(client, unit_amount).await;
    let (customer, _) = customer_with_card(client, "pm_card_visa").await;
    let subscription = CreateSubscription::new().customer(customer).items(items(&price, 1)).send(client).await.unwrap();
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    (subscription, price)
}

fn period(subscription: &Subscription) -> (i64, i64) {
    let item = &subscription.items.data[0];
    (item.current_period_start, item.current_period_end)
}

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

async fn common_now(sim: &Simulator) -> i64 {
    let clock = common::raw_json_post(sim, "/_sim/clock/advance", r#"{"seconds": 0}"#).await;
    clock["now"].as_i64().unwrap()
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

    let visa = attach(&client, "pm_card_visa", &customer).await;
    let paid = PayInvoice::new(failed.id.clone().unwrap()).payment_method(visa).send(&client).await.unwrap();
    assert_eq!(paid.status, Some(InvoiceStatus::Paid));
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Active);
    assert!(!delinquent(&client, &customer).await);
}

async fn delinquent(client: &Client, customer: &str) -> bool {
    match RetrieveCustomer::new(customer).send(client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer.delinquent.unwrap_or(false),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
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
    assert!(ListSubscription::new().status(ListSubscriptionStatus::Active).send(&client).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn create_prorations_are_pending_until_the_next_renewal() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 3_000).await;
    let item = subscription.items.data[0].id.to_string();
    sim.advance_clock(10 * DAY);
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(item);
    change.quantity = Some(2);
    let updated = UpdateSubscription::new(subscription.id.clone()).items(vec![change]).send(&client).await.unwrap();
    assert_eq!(updated.items.data[0].quantity, Some(2));
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 1, "no invoice yet");
    let pending = ListInvoiceItem::new().customer(subscription.customer.id().as_str()).pending(true).send(&client).await.unwrap().data;
    assert_eq!(pending.len(), 2, "a credit and a charge, pending");
    assert!(pending.iter().all(|item| item.proration && item.invoice.is_none()));
    let parent = pending[0].parent.as_ref().unwrap().subscription_details.as_ref().unwrap();
    assert_eq!(parent.subscription, subscription.id.as_str());

    sim.advance_clock(25 * DAY);
    let all = invoices_of(&client, subscription.id.as_str()).await;
    assert_eq!(all.len(), 2);
    let renewal = &all[1];
    assert_eq!(renewal.lines.data.len(), 3);
    let prorations: Vec<i64> = renewal.lines.data.iter().filter(|l| l.parent.as_ref().unwrap().invoice_item_details.is_some()).map(|l| l.amount).collect();
    assert_eq!(prorations.len(), 2);
    let (credit, charge) = (prorations.iter().copied().min().unwrap(), prorations.iter().copied().max().unwrap());
    assert!(credit < -1_000 && credit > -3_000, "unused time on one seat: {credit}");
    assert_eq!(charge, -2 * credit, "remaining time on two seats is twice the credit");
    assert_eq!(renewal.total, 6_000 + credit + charge);
    assert_eq!(renewal.status, Some(InvoiceStatus::Paid));
    let still_pending = ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data;
    assert!(still_pending.is_empty(), "the renewal took the prorations");
}

#[tokio::test]
async fn always_invoice_bills_at_once_and_none_bills_nothing() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let bigger = monthly_price(&client, 5_000).await;
    sim.advance_clock(15 * DAY);
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.price = Some(bigger.clone());
    // Prorating from exactly halfway through the period: half the difference.
    let (start, end) = period(&subscription);
    let halfway = start + (end - start) / 2;
    let upgraded = UpdateSubscription::new(subscription.id.clone())
        .items(vec![change])
        .proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice)
        .proration_date(halfway)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(upgraded.items.data[0].price.id.as_str(), bigger);
    let invoice = latest_invoice(&client, &upgraded).await;
    assert_eq!(invoice.billing_reason, Some(InvoiceBillingReason::SubscriptionUpdate));
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(invoice.lines.data.len(), 2);
    assert_eq!(invoice.total, 2_500 - 1_000, "half a month of the new price less half a month of the old");
    assert!(invoice.lines.data.iter().any(|line| line.description.as_deref().unwrap_or("").starts_with("Unused time on 1 × Billfold Pro after ")));

    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.quantity = Some(3);
    let unprorated = UpdateSubscription::new(subscription.id.clone())
        .items(vec![change])
        .proration_behavior(UpdateSubscriptionProrationBehavior::None)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(unprorated.latest_invoice.as_ref().unwrap().id(), upgraded.latest_invoice.as_ref().unwrap().id());
    assert_eq!(event_types(&client, "invoiceitem.created").await.len(), 2, "only the upgrade's prorations");
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 2);

    sim.advance_clock(20 * DAY);
    let all = invoices_of(&client, subscription.id.as_str()).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].total, 15_000, "the renewal bills three seats of the new price and no prorations");
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

/// An emulator and a client, with the client's key for raw requests.
async fn start_with_key() -> (Simulator, Client, String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let sim = Simulator::start(stripe_sim::SimConfig { rate_limit_per_sec: None }).await.unwrap();
    let key = format!("sk_test_subscriptions{:012}", NEXT.fetch_add(1, Ordering::Relaxed));
    let client = common::client(&sim, &key);
    (sim, client, key)
}

async fn raw_get(sim: &Simulator, key: &str, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap()
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

async fn balance(client: &Client, customer: &str) -> i64 {
    match RetrieveCustomer::new(customer).send(client).await.unwrap() {
        RetrieveCustomerReturned::Customer(customer) => customer.balance.unwrap_or(0),
        RetrieveCustomerReturned::DeletedCustomer(_) => panic!("customer deleted"),
    }
}

#[tokio::test]
async fn a_downgrade_and_a_prorated_cancellation_credit_the_balance() {
    let (_sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 6_000).await;
    let customer = subscription.customer.id().to_string();
    let cheaper = monthly_price(&client, 2_000).await;
    let (start, end) = period(&subscription);
    let halfway = start + (end - start) / 2;
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.price = Some(cheaper);
    let downgraded = UpdateSubscription::new(subscription.id.clone())
        .items(vec![change])
        .proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice)
        .proration_date(halfway)
        .send(&client)
        .await
        .unwrap();
    let credit_note = latest_invoice(&client, &downgraded).await;
    assert_eq!((credit_note.total, credit_note.amount_due), (1_000 - 3_000, 0));
    assert_eq!(credit_note.status, Some(InvoiceStatus::Paid));
    assert_eq!(balance(&client, &customer).await, -2_000, "the credit waits on the balance");

    let canceled = CancelSubscription::new(subscription.id.clone()).prorate(true).invoice_now(true).send(&client).await.unwrap();
    assert_eq!(canceled.status, SubscriptionStatus::Canceled);
    let last = latest_invoice(&client, &canceled).await;
    assert_ne!(last.id, credit_note.id, "a final invoice");
    // Canceled right at the start of the period: nearly all of it is unused.
    assert!((-2_000..=-1_990).contains(&last.total), "credit for the unused rest of the period: {}", last.total);
    assert_eq!(balance(&client, &customer).await, -2_000 + last.total);
}

#[tokio::test]
async fn a_preview_matches_the_update_it_previews() {
    use stripe_billing::invoice::{CreatePreviewInvoice, CreatePreviewInvoiceSubscriptionDetails, CreatePreviewInvoiceSubscriptionDetailsItems, CreatePreviewInvoiceSubscriptionDetailsProrationBehavior};
    let (_sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let bigger = monthly_price(&client, 5_000).await;
    let renewal = CreatePreviewInvoice::new().subscription(subscription.id.as_str()).send(&client).await.unwrap();
    assert_eq!((renewal.total, renewal.status), (2_000, Some(InvoiceStatus::Draft)));
    assert_eq!(renewal.billing_reason, Some(InvoiceBillingReason::SubscriptionCycle));

    let (start, end) = period(&subscription);
    let proration_date = start + (end - start) / 3;
    let mut item = CreatePreviewInvoiceSubscriptionDetailsItems::new();
    item.id = Some(subscription.items.data[0].id.to_string());
    item.price = Some(bigger.clone());
    let mut details = CreatePreviewInvoiceSubscriptionDetails::new();
    details.items = Some(vec![item]);
    details.proration_date = Some(proration_date);
    details.proration_behavior = Some(CreatePreviewInvoiceSubscriptionDetailsProrationBehavior::AlwaysInvoice);
    let preview = CreatePreviewInvoice::new().subscription(subscription.id.as_str()).subscription_details(details).send(&client).await.unwrap();
    assert_eq!(preview.billing_reason, Some(InvoiceBillingReason::SubscriptionUpdate));
    assert!(preview.total > 0);
    // Nothing was stored: still one invoice, no pending items, the old price.
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 1);
    assert!(ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data.is_empty());
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.items.data[0].price.unit_amount, Some(2_000));

    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.price = Some(bigger);
    let updated = UpdateSubscription::new(subscription.id.clone())
        .items(vec![change])
        .proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice)
        .proration_date(proration_date)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(latest_invoice(&client, &updated).await.total, preview.total, "the preview and the update agree");
}
