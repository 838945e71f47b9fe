//! What a subscription update does when the invoice it bills at once cannot be paid, by
//! `payment_behavior`: `error_if_incomplete` refuses it and changes nothing,
//! `pending_if_incomplete` keeps it in `pending_update` until the invoice is paid (or the
//! update expires), and `default_incomplete` leaves the invoice open without charging it.

mod common;
mod subscription_support;

use stripe_billing::invoice_item::ListInvoiceItem;
use stripe_billing::subscription::{UpdateSubscription, UpdateSubscriptionItems, UpdateSubscriptionPaymentBehavior, UpdateSubscriptionProrationBehavior};
use stripe_core::event::ListEvent;
use stripe_shared::{InvoiceStatus, Subscription, SubscriptionStatus};
use subscription_support::*;

/// The subscription's card is swapped for one that declines.
async fn decline_from_now_on(client: &stripe::Client, subscription: &Subscription) {
    let declining = attach(client, "pm_card_chargeDeclined", subscription.customer.id().as_str()).await;
    UpdateSubscription::new(subscription.id.clone()).default_payment_method(declining).send(client).await.unwrap();
}

/// An update moving the first item to `price`, invoiced at once, with `behavior`.
fn upgrade(subscription: &Subscription, price: &str, behavior: UpdateSubscriptionPaymentBehavior) -> UpdateSubscription {
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(subscription.items.data[0].id.to_string());
    change.price = Some(price.to_string());
    UpdateSubscription::new(subscription.id.clone()).items(vec![change]).proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice).payment_behavior(behavior)
}

async fn event_count(client: &stripe::Client) -> usize {
    ListEvent::new().limit(100).send(client).await.unwrap().data.len()
}

#[tokio::test]
async fn error_if_incomplete_refuses_a_declined_update_and_changes_nothing() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    decline_from_now_on(&client, &subscription).await;
    let bigger = monthly_price(&client, 5_000).await;
    sim.advance_clock(5 * DAY);
    let before = retrieve(&client, subscription.id.as_str()).await;
    let events = event_count(&client).await;

    let refused = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::ErrorIfIncomplete).send(&client).await.unwrap_err();
    match refused {
        stripe::StripeError::Stripe(err, 402) => assert_eq!(err.code.map(|code| code.as_str().to_string()).as_deref(), Some("card_declined")),
        other => panic!("expected a 402 card error, got {other:?}"),
    }
    let after = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(after.items.data[0].price.id, before.items.data[0].price.id, "the item keeps its price");
    assert_eq!(after.latest_invoice.as_ref().unwrap().id(), before.latest_invoice.as_ref().unwrap().id());
    assert_eq!(after.status, SubscriptionStatus::Active);
    assert_eq!(invoices_of(&client, subscription.id.as_str()).await.len(), 1, "no invoice");
    assert!(ListInvoiceItem::new().send(&client).await.unwrap().data.is_empty(), "no proration items");
    assert_eq!(event_count(&client).await, events, "not one event");

    // With a card that pays, the same update goes through.
    let visa = attach(&client, "pm_card_visa", subscription.customer.id().as_str()).await;
    UpdateSubscription::new(subscription.id.clone()).default_payment_method(visa).send(&client).await.unwrap();
    let upgraded = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::ErrorIfIncomplete).send(&client).await.unwrap();
    assert_eq!(upgraded.items.data[0].price.id.as_str(), bigger);
    assert_eq!(latest_invoice(&client, &upgraded).await.status, Some(InvoiceStatus::Paid));
}

#[tokio::test]
async fn pending_if_incomplete_applies_the_update_once_its_invoice_is_paid() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    decline_from_now_on(&client, &subscription).await;
    let bigger = monthly_price(&client, 5_000).await;
    let (start, end) = period(&subscription);
    let now = common_now(&sim).await;

    let updated = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::PendingIfIncomplete)
        .proration_date(start + (end - start) / 2)
        .send(&client)
        .await
        .unwrap();
    assert_eq!(updated.items.data[0].price.unit_amount, Some(2_000), "the items stay as they were");
    assert_eq!(updated.status, SubscriptionStatus::Active, "it keeps cycling as before");
    let pending = updated.pending_update.as_ref().expect("a pending update");
    let pending_items = pending.subscription_items.as_ref().unwrap();
    assert_eq!(pending_items[0].price.id.as_str(), bigger);
    assert!((now + 23 * 3600..=common_now(&sim).await + 23 * 3600).contains(&pending.expires_at), "expires 23 hours on");
    assert_eq!((pending.billing_cycle_anchor, pending.trial_end), (None, None));
    let invoice = latest_invoice(&client, &updated).await;
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    assert_eq!(invoice.total, 1_500, "half a month of the difference");
    assert_eq!(invoice.next_payment_attempt, None, "not retried by itself");

    sim.customer_payment(invoice.id.as_ref().unwrap().as_str(), None, "card").unwrap();
    let applied = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!(applied.items.data[0].price.id.as_str(), bigger);
    assert_eq!(applied.items.data[0].id, subscription.items.data[0].id, "the same item, changed");
    assert!(applied.pending_update.is_none());
    assert_eq!(event_types(&client, "customer.subscription.pending_update_applied").await.len(), 1);
}

#[tokio::test]
async fn a_pending_interval_change_expires_after_23_hours() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    decline_from_now_on(&client, &subscription).await;
    let yearly = {
        use stripe_product::price::{CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval};
        let product = stripe_product::product::CreateProduct::new("Billfold Pro").send(&client).await.unwrap();
        let price = CreatePrice::new(stripe_types::Currency::USD).product(product.id.as_str()).unit_amount(20_000);
        price.recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Year)).send(&client).await.unwrap().id.to_string()
    };
    sim.advance_clock(3 * DAY);
    let now = common_now(&sim).await;
    let updated = upgrade(&subscription, &yearly, UpdateSubscriptionPaymentBehavior::PendingIfIncomplete).send(&client).await.unwrap();
    let pending = updated.pending_update.as_ref().expect("a pending update");
    assert!(pending.billing_cycle_anchor.is_some_and(|anchor| anchor >= now), "the new cycle waits too");
    assert_eq!(updated.billing_cycle_anchor, subscription.billing_cycle_anchor);
    assert_eq!(period(&updated), period(&subscription), "the period is unchanged");
    let invoice = latest_invoice(&client, &updated).await;
    assert_eq!(invoice.status, Some(InvoiceStatus::Open));
    assert!((18_150..=18_250).contains(&invoice.total), "the year less the unused rest of the month: {}", invoice.total);

    sim.advance_clock(23 * 3600 - 60);
    assert!(retrieve(&client, subscription.id.as_str()).await.pending_update.is_some(), "not expired yet");
    sim.advance_clock(120);
    let expired = retrieve(&client, subscription.id.as_str()).await;
    assert!(expired.pending_update.is_none());
    assert_eq!(event_types(&client, "customer.subscription.pending_update_expired").await.len(), 1);
    assert_eq!(expired.items.data[0].price.unit_amount, Some(2_000));
    // Paying the invoice after the expiry applies nothing.
    sim.customer_payment(invoice.id.as_ref().unwrap().as_str(), None, "card").unwrap();
    let later = retrieve(&client, subscription.id.as_str()).await;
    assert_eq!((later.items.data[0].price.unit_amount, period(&later)), (Some(2_000), period(&subscription)));
    assert!(event_types(&client, "customer.subscription.pending_update_applied").await.is_empty());
}

#[tokio::test]
async fn pending_if_incomplete_takes_only_what_pending_updates_support() {
    let (_sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let bigger = monthly_price(&client, 5_000).await;
    let refused = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::PendingIfIncomplete).description("Upgrade").send(&client).await.unwrap_err();
    match refused {
        stripe::StripeError::Stripe(err, 400) => assert_eq!(err.param.as_deref(), Some("description")),
        other => panic!("expected a 400, got {other:?}"),
    }
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.items.data[0].price.unit_amount, Some(2_000));
    // A card that pays: applied at once, nothing pending.
    let updated = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::PendingIfIncomplete).send(&client).await.unwrap();
    assert_eq!(updated.items.data[0].price.id.as_str(), bigger);
    assert!(updated.pending_update.is_none());
    assert_eq!(latest_invoice(&client, &updated).await.status, Some(InvoiceStatus::Paid));
}

#[tokio::test]
async fn default_incomplete_leaves_the_update_invoice_open_and_uncharged() {
    let (sim, client) = common::start().await;
    let (subscription, _) = active_subscription(&client, 2_000).await;
    let bigger = monthly_price(&client, 5_000).await;
    sim.advance_clock(DAY);
    let updated = upgrade(&subscription, &bigger, UpdateSubscriptionPaymentBehavior::DefaultIncomplete).send(&client).await.unwrap();
    assert_eq!(updated.items.data[0].price.id.as_str(), bigger, "the change is made");
    assert_eq!(updated.status, SubscriptionStatus::PastDue, "until the invoice is paid");
    let invoice = latest_invoice(&client, &updated).await;
    assert_eq!((invoice.status, invoice.attempt_count), (Some(InvoiceStatus::Open), 0));
    sim.customer_payment(invoice.id.as_ref().unwrap().as_str(), None, "card").unwrap();
    assert_eq!(retrieve(&client, subscription.id.as_str()).await.status, SubscriptionStatus::Active);
}
