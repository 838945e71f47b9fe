//! `POST /v1/invoices/create_preview` beyond updates: the first invoice of a new
//! subscription, the final invoice of a cancellation, and a preview's lines paged at its
//! `lines.url`.

mod common;
mod subscription_support;

use stripe_billing::invoice::{
    CreatePreviewInvoice, CreatePreviewInvoiceSubscriptionDetails, CreatePreviewInvoiceSubscriptionDetailsCancelAt,
    CreatePreviewInvoiceSubscriptionDetailsItems, CreatePreviewInvoiceSubscriptionDetailsProrationBehavior, CreatePreviewInvoiceSubscriptionDetailsTrialEnd,
};
use stripe_billing::subscription::{CancelSubscription, CreateSubscription, ListSubscription};
use stripe_core::customer_balance_transaction::CreateCustomerCustomerBalanceTransaction;
use stripe_shared::{Invoice, InvoiceBillingReason, InvoiceStatus, SubscriptionStatus};
use subscription_support::*;

fn new_items(prices: &[(&str, u64)]) -> Vec<CreatePreviewInvoiceSubscriptionDetailsItems> {
    prices
        .iter()
        .map(|(price, quantity)| {
            let mut item = CreatePreviewInvoiceSubscriptionDetailsItems::new();
            item.price = Some(price.to_string());
            item.quantity = Some(*quantity);
            item
        })
        .collect()
}

fn lines_of(invoice: &Invoice) -> Vec<(i64, Option<String>, Option<u64>)> {
    invoice.lines.data.iter().map(|line| (line.amount, line.description.clone(), line.quantity)).collect()
}

#[tokio::test]
async fn a_new_subscription_preview_is_its_first_invoice() {
    let (_sim, client) = common::start().await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let (base, seats) = (monthly_price(&client, 4_900).await, monthly_price(&client, 1_000).await);
    let mut details = CreatePreviewInvoiceSubscriptionDetails::new();
    details.items = Some(new_items(&[(&base, 1), (&seats, 3)]));
    let preview = CreatePreviewInvoice::new().customer(customer.as_str()).subscription_details(details).send(&client).await.unwrap();
    assert_eq!((preview.total, preview.status.clone()), (7_900, Some(InvoiceStatus::Draft)));
    assert_eq!(preview.billing_reason, Some(InvoiceBillingReason::SubscriptionCreate));
    assert!(preview.id.as_ref().unwrap().as_str().starts_with("upcoming_"));
    assert!(ListSubscription::new().customer(customer.as_str()).send(&client).await.unwrap().data.is_empty(), "nothing stored");

    let mut both = items(&base, 1);
    both.extend(items(&seats, 3));
    let subscription = CreateSubscription::new().customer(customer.as_str()).items(both).send(&client).await.unwrap();
    let first = latest_invoice(&client, &subscription).await;
    assert_eq!(lines_of(&first), lines_of(&preview));
    assert_eq!((first.total, &first.billing_reason), (preview.total, &preview.billing_reason));
}

#[tokio::test]
async fn a_new_subscription_with_a_trial_previews_a_free_first_invoice() {
    let (sim, client) = common::start().await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let price = monthly_price(&client, 4_900).await;
    let mut details = CreatePreviewInvoiceSubscriptionDetails::new();
    details.items = Some(new_items(&[(&price, 1)]));
    details.trial_end = Some(CreatePreviewInvoiceSubscriptionDetailsTrialEnd::Timestamp(common_now(&sim).await + 14 * DAY));
    let preview = CreatePreviewInvoice::new().customer(customer.as_str()).subscription_details(details).send(&client).await.unwrap();
    assert_eq!(preview.total, 0);
    assert!(preview.lines.data[0].description.as_deref().unwrap().starts_with("Trial period for 1 × Billfold Pro"));
}

/// A cancellation preview of `subscription` with `details` filled in by `fill`.
async fn cancellation(client: &stripe::Client, subscription: &str, fill: impl FnOnce(&mut CreatePreviewInvoiceSubscriptionDetails)) -> Invoice {
    let mut details = CreatePreviewInvoiceSubscriptionDetails::new();
    fill(&mut details);
    CreatePreviewInvoice::new().subscription(subscription).subscription_details(details).send(client).await.unwrap()
}

#[tokio::test]
async fn a_cancellation_preview_is_the_final_invoice_with_the_prorated_credit() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 3_000).await;
    let id = subscription.id.as_str();
    sim.advance_clock(12 * DAY);
    let (start, end) = period(&subscription);

    // Canceled a third into the month: two thirds of 30.00 come back (month lengths divide by 3).
    let third = start + (end - start) / 3;
    let now_preview = cancellation(&client, id, |d| {
        d.cancel_now = Some(true);
        d.proration_date = Some(third);
    })
    .await;
    assert_eq!((now_preview.total, now_preview.status.clone()), (-2_000, Some(InvoiceStatus::Draft)));
    assert_eq!(now_preview.lines.data.len(), 1);
    assert!(now_preview.lines.data[0].description.as_deref().unwrap().starts_with("Unused time on 1 × Billfold Pro after "));
    assert_eq!((now_preview.lines.data[0].period.start, now_preview.lines.data[0].period.end), (third, end));

    // Two thirds in, later: one third back.
    let later = cancellation(&client, id, |d| d.cancel_at = Some(CreatePreviewInvoiceSubscriptionDetailsCancelAt::Timestamp(start + 2 * (end - start) / 3))).await;
    assert_eq!(later.total, -1_000);

    let unprorated = cancellation(&client, id, |d| {
        d.cancel_now = Some(true);
        d.proration_behavior = Some(CreatePreviewInvoiceSubscriptionDetailsProrationBehavior::None);
    })
    .await;
    assert_eq!((unprorated.total, unprorated.lines.data.len()), (0, 0));
    assert_eq!(retrieve(&client, id).await.status, SubscriptionStatus::Active, "previews cancel nothing");
    assert_eq!(invoices_of(&client, id).await.len(), 1);

    // The cancellation itself, right after a preview of it now.
    let today = common_now(&sim).await;
    let preview = cancellation(&client, id, |d| {
        d.cancel_now = Some(true);
        d.proration_date = Some(today);
    })
    .await;
    let canceled = CancelSubscription::new(subscription.id.clone()).prorate(true).invoice_now(true).send(&client).await.unwrap();
    let last = latest_invoice(&client, &canceled).await;
    assert!((last.total - preview.total).abs() <= 1, "the final invoice {} is the preview's {}", last.total, preview.total);
    assert_eq!(last.lines.data[0].description, preview.lines.data[0].description);
}

#[tokio::test]
async fn a_preview_pages_its_lines_at_its_lines_url() {
    let (sim, client, key) = start_with_key().await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let mut all = Vec::new();
    for n in 1..=12 {
        all.extend(items(&monthly_price(&client, 100 * n).await, 1));
    }
    let subscription = CreateSubscription::new().customer(customer).items(all).send(&client).await.unwrap();
    let preview = CreatePreviewInvoice::new().subscription(subscription.id.as_str()).send(&client).await.unwrap();
    assert_eq!(preview.total, 7_800, "the renewal of twelve items");
    assert_eq!((preview.lines.data.len(), preview.lines.has_more), (10, true), "ten lines embedded");
    let url = preview.lines.url.clone();
    assert_eq!(url, format!("/v1/invoices/{}/lines", preview.id.as_ref().unwrap()));

    let first = raw_get(&sim, &key, &url).await;
    assert_eq!((first["data"].as_array().unwrap().len(), first["has_more"].as_bool()), (10, Some(true)));
    let last_id = first["data"][9]["id"].as_str().unwrap();
    let rest = raw_get(&sim, &key, &format!("{url}?starting_after={last_id}")).await;
    assert_eq!((rest["data"].as_array().unwrap().len(), rest["has_more"].as_bool()), (2, Some(false)));
    let sum: i64 = first["data"].as_array().unwrap().iter().chain(rest["data"].as_array().unwrap()).map(|line| line["amount"].as_i64().unwrap()).sum();
    assert_eq!(sum, preview.total, "the pages hold every line once");
    let small = raw_get(&sim, &key, &format!("{url}?limit=5")).await;
    assert_eq!(small["data"].as_array().unwrap().len(), 5);
    assert_eq!(small["data"][0]["invoice"].as_str(), preview.id.as_ref().map(|id| id.as_str()));

    let unknown = raw_get(&sim, &key, "/v1/invoices/upcoming_in_nothing/lines").await;
    assert_eq!(unknown["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn a_preview_takes_the_customer_credit_as_the_renewal_then_does() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 4_900).await;
    let customer = subscription.customer.id().to_string();
    let credit = CreateCustomerCustomerBalanceTransaction::new(customer.clone(), -1_500, stripe_types::Currency::USD);
    credit.send(&client).await.unwrap();
    let preview = CreatePreviewInvoice::new().subscription(subscription.id.as_str()).send(&client).await.unwrap();
    assert_eq!((preview.total, preview.amount_due), (4_900, 3_400), "the 15.00 credit is taken");
    assert_eq!((preview.starting_balance, preview.ending_balance), (-1_500, Some(0)));
    assert_eq!(balance(&client, &customer).await, -1_500, "a preview changes no balance");

    let (_, end) = period(&subscription);
    common::raw_json_post(&sim, "/_sim/clock/advance", &format!(r#"{{"seconds": {}}}"#, end - common_now(&sim).await + 60)).await;
    let renewal = latest_invoice(&client, &retrieve(&client, subscription.id.as_str()).await).await;
    assert_eq!((renewal.total, renewal.amount_due, renewal.amount_paid), (preview.total, preview.amount_due, 3_400));
    assert_eq!(balance(&client, &customer).await, 0);
}
