//! Subscription changes through async-stripe: prorations (create_prorations,
//! always_invoice, none), downgrades and prorated cancellation credits, and invoice previews.

mod common;
mod subscription_support;

use stripe_billing::invoice_item::ListInvoiceItem;
use stripe_billing::subscription::{CancelSubscription, UpdateSubscription, UpdateSubscriptionItems, UpdateSubscriptionProrationBehavior};
use stripe_shared::{InvoiceBillingReason, InvoiceStatus, SubscriptionStatus};
use subscription_support::*;

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

#[tokio::test]
async fn subscription_items_are_added_changed_and_removed_with_prorations() {
    use stripe_billing::subscription_item::{
        CreateSubscriptionItem, CreateSubscriptionItemProrationBehavior, DeleteSubscriptionItem, UpdateSubscriptionItem,
        UpdateSubscriptionItemProrationBehavior,
    };
    let (_sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let addon = monthly_price(&client, 500).await;
    let added = CreateSubscriptionItem::new(subscription.id.as_str())
        .price(addon.as_str())
        .quantity(3u64)
        .proration_behavior(CreateSubscriptionItemProrationBehavior::None)
        .send(&client)
        .await
        .unwrap();
    assert_eq!((added.price.id.as_str(), added.quantity), (addon.as_str(), Some(3)));
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.items.data.len(), 2);
    assert!(ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data.is_empty(), "no prorations asked for");

    let changed = UpdateSubscriptionItem::new(added.id.clone())
        .quantity(5u64)
        .proration_behavior(UpdateSubscriptionItemProrationBehavior::AlwaysInvoice)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(changed.quantity, Some(5));
    let invoice = latest_invoice(&client, &retrieve(&client, subscription.id.as_str()).await).await;
    assert_eq!(invoice.billing_reason, Some(InvoiceBillingReason::SubscriptionUpdate));
    assert!((990..=1_000).contains(&invoice.total), "two more seats for (nearly) the whole period: {}", invoice.total);

    let deleted = DeleteSubscriptionItem::new(added.id.clone()).send(&client).await.unwrap();
    assert_eq!(deleted.id, added.id);
    let remaining = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(remaining.items.data.len(), 1);
    let pending = ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data;
    assert_eq!(pending.len(), 1, "a credit for the removed seats");
    assert!(pending[0].amount < 0);
}
