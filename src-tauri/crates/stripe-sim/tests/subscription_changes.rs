//! Subscription changes through async-stripe: prorations (create_prorations,
//! always_invoice, none), downgrades and prorated cancellation credits, interval changes
//! (a new billing cycle now), and invoice previews that equal the invoices they preview.

mod common;
mod subscription_support;

use stripe_billing::invoice_item::ListInvoiceItem;
use stripe_billing::subscription::{CancelSubscription, CreateSubscription, UpdateSubscription, UpdateSubscriptionItems, UpdateSubscriptionProrationBehavior};
use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
use stripe_product::product::CreateProduct;
use stripe_shared::{Invoice, InvoiceBillingReason, InvoiceStatus, Subscription, SubscriptionStatus};
use stripe_types::Currency;
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

/// A recurring price of `unit_amount` cents every `interval`.
async fn price_every(client: &stripe::Client, unit_amount: i64, interval: CreatePriceRecurringInterval) -> String {
    let product = CreateProduct::new("Billfold Pro").send(client).await.unwrap();
    let price = CreatePrice::new(Currency::USD).product(product.id.as_str()).unit_amount(unit_amount).recurring(CreatePriceRecurring::new(interval));
    price.send(client).await.unwrap().id.to_string()
}

/// The subscription's first item moved to `price` and/or `quantity`, prorated from `proration_date`.
fn item_change(subscription: &Subscription, price: Option<&str>, quantity: Option<u64>) -> UpdateSubscriptionItems {
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.price = price.map(str::to_string);
    change.quantity = quantity;
    change
}

/// Moves the subscription's only item to `price` with `proration_date` and `behavior`.
async fn move_to(client: &stripe::Client, subscription: &Subscription, price: &str, proration_date: i64, behavior: UpdateSubscriptionProrationBehavior) -> Subscription {
    UpdateSubscription::new(subscription.id.clone())
        .items(vec![item_change(subscription, Some(price), None)])
        .proration_behavior(behavior)
        .proration_date(proration_date)
        .send(client)
        .await
        .unwrap()
}

fn sorted_amounts(invoice: &Invoice) -> Vec<i64> {
    let mut amounts: Vec<i64> = invoice.lines.data.iter().map(|line| line.amount).collect();
    amounts.sort_unstable();
    amounts
}

#[tokio::test]
async fn monthly_to_yearly_starts_a_year_now_with_a_credit_for_the_unused_month() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let yearly = price_every(&client, 20_000, CreatePriceRecurringInterval::Year).await;
    sim.advance_clock(10 * DAY);
    let (start, end) = period(&subscription);
    // A quarter into the month: three quarters of 20.00 unused (month lengths divide by 4).
    let proration_date = start + (end - start) / 4;
    let before = common_now(&sim).await;
    let moved = move_to(&client, &subscription, &yearly, proration_date, UpdateSubscriptionProrationBehavior::CreateProrations).await;
    let after = common_now(&sim).await;
    assert!((before..=after).contains(&moved.billing_cycle_anchor), "the billing cycle restarts now: {}", moved.billing_cycle_anchor);
    let (new_start, new_end) = period(&moved);
    assert_eq!(new_start, moved.billing_cycle_anchor);
    assert!(matches!((new_end - new_start) / DAY, 365 | 366), "a year-long period: {} days", (new_end - new_start) / DAY);
    assert_eq!(moved.items.data[0].price.id.as_str(), yearly);

    let invoice = latest_invoice(&client, &moved).await;
    assert_eq!(invoice.billing_reason, Some(InvoiceBillingReason::SubscriptionUpdate));
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(sorted_amounts(&invoice), vec![-1_500, 20_000], "the unused three quarters of a month back, the whole year charged");
    assert_eq!((invoice.total, invoice.amount_paid), (18_500, 18_500));
    assert_eq!((invoice.period_start, invoice.period_end), (new_start, new_end));
    let credit = invoice.lines.data.iter().find(|line| line.amount < 0).unwrap();
    assert!(credit.description.as_deref().unwrap().starts_with("Unused time on 1 × Billfold Pro after "), "{:?}", credit.description);
    assert_eq!((credit.period.start, credit.period.end), (proration_date, end));
    let year = invoice.lines.data.iter().find(|line| line.amount > 0).unwrap();
    assert_eq!((year.period.start, year.period.end), (new_start, new_end));
    assert!(ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data.is_empty(), "the credit went on the invoice");

    // The next invoice comes a year on, not at the old month's end.
    sim.advance_clock(60 * DAY);
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 2);
}

#[tokio::test]
async fn yearly_to_monthly_credits_half_a_year_to_the_balance() {
    let (sim, client) = common::start().await;
    let yearly = price_every(&client, 12_000, CreatePriceRecurringInterval::Year).await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let subscription = CreateSubscription::new().customer(customer.clone()).items(items(&yearly, 1)).send(&client).await.unwrap();
    let monthly = monthly_price(&client, 1_500).await;
    sim.advance_clock(100 * DAY);
    let (start, end) = period(&subscription);
    let halfway = start + (end - start) / 2;
    let moved = move_to(&client, &subscription, &monthly, halfway, UpdateSubscriptionProrationBehavior::CreateProrations).await;
    let (new_start, new_end) = period(&moved);
    assert_eq!(new_start, moved.billing_cycle_anchor);
    assert!(new_start > start + 99 * DAY, "the new cycle starts at the change");
    assert!((28..=31).contains(&((new_end - new_start) / DAY)), "a month-long period: {} days", (new_end - new_start) / DAY);

    let invoice = latest_invoice(&client, &moved).await;
    assert_eq!(invoice.billing_reason, Some(InvoiceBillingReason::SubscriptionUpdate));
    assert_eq!(sorted_amounts(&invoice), vec![-6_000, 1_500], "half the year back, the first month charged");
    assert_eq!((invoice.total, invoice.amount_due), (-4_500, 0));
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(balance(&client, &customer).await, -4_500, "the rest of the credit waits on the balance");

    // The next month's renewal uses the credit.
    sim.advance_clock(new_end - common_now(&sim).await + 60);
    let all = invoices_of(&client, subscription.id.as_str()).await;
    assert_eq!(all.len(), 3);
    assert_eq!((all[2].total, all[2].amount_due), (1_500, 0));
    assert_eq!(balance(&client, &customer).await, -3_000);
}

#[tokio::test]
async fn an_interval_change_without_prorations_bills_only_the_new_period() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let yearly = price_every(&client, 20_000, CreatePriceRecurringInterval::Year).await;
    sim.advance_clock(10 * DAY);
    let (start, end) = period(&subscription);
    let moved = move_to(&client, &subscription, &yearly, start + (end - start) / 2, UpdateSubscriptionProrationBehavior::None).await;
    let invoice = latest_invoice(&client, &moved).await;
    assert_eq!(sorted_amounts(&invoice), vec![20_000]);
    assert_eq!((invoice.total, invoice.status), (20_000, Some(InvoiceStatus::Paid)));
    assert!(ListInvoiceItem::new().pending(true).send(&client).await.unwrap().data.is_empty(), "no credit made");
    assert!(event_types(&client, "invoiceitem.created").await.is_empty());
}

#[tokio::test]
async fn items_may_not_end_up_on_different_intervals() {
    let (_sim, client) = common::start().await;
    let (customer, _) = customer_with_card(&client, "pm_card_visa").await;
    let (base, addon) = (monthly_price(&client, 2_000).await, monthly_price(&client, 500).await);
    let mut both = items(&base, 1);
    both.extend(items(&addon, 2));
    let subscription = CreateSubscription::new().customer(customer).items(both).send(&client).await.unwrap();
    let yearly = price_every(&client, 20_000, CreatePriceRecurringInterval::Year).await;
    let refused = UpdateSubscription::new(subscription.id.clone()).items(vec![item_change(&subscription, Some(&yearly), None)]).send(&client).await.unwrap_err();
    match refused {
        stripe::StripeError::Stripe(err, 400) => {
            assert_eq!(err.param.as_deref(), Some("items[0][price]"));
            assert_eq!(err.message.as_deref(), Some("Currency and interval fields must match across all plans on this subscription."));
        }
        other => panic!("expected a 400, got {other:?}"),
    }
    let unchanged = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(unchanged.items.data[0].price.id.as_str(), base);
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 1);
}

/// A line's amount, description, quantity, and period when it is a proration.
type LineKey = (i64, Option<String>, Option<u64>, Option<(i64, i64)>);

/// What must agree between a preview and the invoice it previews, line by line: amount,
/// description, quantity, and the period of prorations (a new period starts at the
/// update's own moment).
fn line_keys(invoice: &Invoice) -> Vec<LineKey> {
    let mut keys: Vec<_> = invoice
        .lines
        .data
        .iter()
        .map(|line| {
            let proration = line.parent.as_ref().is_some_and(|parent| parent.invoice_item_details.is_some());
            (line.amount, line.description.clone(), line.quantity, proration.then_some((line.period.start, line.period.end)))
        })
        .collect();
    keys.sort();
    keys
}

/// Previews moving the first item to `price` / `quantity` with a proration date a third into
/// the period, makes the change with the same date, and checks the invoice equals the preview.
async fn preview_then_change(client: &stripe::Client, subscription: &Subscription, price: Option<&str>, quantity: Option<u64>, behavior: UpdateSubscriptionProrationBehavior) -> Invoice {
    use stripe_billing::invoice::{CreatePreviewInvoice, CreatePreviewInvoiceSubscriptionDetails, CreatePreviewInvoiceSubscriptionDetailsItems, CreatePreviewInvoiceSubscriptionDetailsProrationBehavior as PreviewBehavior};
    let (start, end) = period(subscription);
    let proration_date = start + (end - start) / 3;
    let mut item = CreatePreviewInvoiceSubscriptionDetailsItems::new();
    item.id = Some(subscription.items.data[0].id.to_string());
    item.price = price.map(str::to_string);
    item.quantity = quantity;
    let mut details = CreatePreviewInvoiceSubscriptionDetails::new();
    details.items = Some(vec![item]);
    details.proration_date = Some(proration_date);
    details.proration_behavior = Some(match behavior {
        UpdateSubscriptionProrationBehavior::AlwaysInvoice => PreviewBehavior::AlwaysInvoice,
        UpdateSubscriptionProrationBehavior::None => PreviewBehavior::None,
        _ => PreviewBehavior::CreateProrations,
    });
    let preview = CreatePreviewInvoice::new().subscription(subscription.id.as_str()).subscription_details(details).send(client).await.unwrap();
    assert_eq!(preview.status, Some(InvoiceStatus::Draft));
    assert_eq!(invoices_of(client, subscription.id.as_str()).await.len(), 1, "a preview stores no invoice");

    let updated = UpdateSubscription::new(subscription.id.clone())
        .items(vec![item_change(subscription, price, quantity)])
        .proration_behavior(behavior)
        .proration_date(proration_date)
        .send(client)
        .await
        .unwrap();
    let billed = latest_invoice(client, &updated).await;
    assert_ne!(&billed.id, subscription.latest_invoice.as_ref().unwrap().id(), "the change billed at once");
    assert_eq!(line_keys(&billed), line_keys(&preview), "the preview's lines are the invoice's");
    assert_eq!((billed.subtotal, billed.total, billed.billing_reason.clone()), (preview.subtotal, preview.total, preview.billing_reason.clone()));
    billed
}

#[tokio::test]
async fn previews_equal_the_invoices_of_upgrades_downgrades_quantity_and_interval_changes() {
    let (sim, client) = common::start().await;
    let (upgraded, _) = active_subscription(&client, 2_000).await;
    let (downgraded, _) = active_subscription(&client, 5_000).await;
    let (more_seats, _) = active_subscription(&client, 1_000).await;
    let (to_yearly, _) = active_subscription(&client, 3_000).await;
    let (bigger, smaller) = (monthly_price(&client, 5_000).await, monthly_price(&client, 2_000).await);
    let yearly = price_every(&client, 30_000, CreatePriceRecurringInterval::Year).await;
    sim.advance_clock(12 * DAY);

    let invoice = preview_then_change(&client, &upgraded, Some(&bigger), None, UpdateSubscriptionProrationBehavior::AlwaysInvoice).await;
    assert_eq!(invoice.total, 2_000, "two thirds of the 30.00 difference");
    let invoice = preview_then_change(&client, &downgraded, Some(&smaller), None, UpdateSubscriptionProrationBehavior::AlwaysInvoice).await;
    assert_eq!(invoice.total, -2_000);
    let invoice = preview_then_change(&client, &more_seats, None, Some(3), UpdateSubscriptionProrationBehavior::AlwaysInvoice).await;
    assert_eq!(sorted_amounts(&invoice), vec![-667, 2_000], "one seat back and three charged for two thirds of the month");
    let invoice = preview_then_change(&client, &to_yearly, Some(&yearly), None, UpdateSubscriptionProrationBehavior::CreateProrations).await;
    assert_eq!(sorted_amounts(&invoice), vec![-2_000, 30_000]);
}
