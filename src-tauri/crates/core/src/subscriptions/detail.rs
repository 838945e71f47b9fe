//! One subscription's detail read from the cache (items with their products, its invoices, its
//! events) with the actions its state allows, and Stripe's answer to a subscription write
//! applied to the cache. No request is made here.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::mrr::subscription_mrr;
use crate::coupons::{applied_discounts, AppliedDiscount};
use super::{PauseView, SubscriptionActionKind, SubscriptionDetail, SubscriptionItemView};
use crate::error::{Error, Result};
use crate::invoices::InvoiceTimelineEntry;
use crate::store::cache::kinds::{self, id_of};
use crate::store::cache::{full_raw_sql, invoice_row};
use crate::store::{FetchedChildren, InvoiceRow, Store};

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

/// What a subscription in `status` allows: a live one can be canceled now, scheduled to cancel
/// at period end (or that taken back), have collection paused or resumed, its prices and
/// quantities changed and a coupon applied (or its discounts removed); an `incomplete` or `paused` one can only be canceled; an ended
/// one nothing.
pub fn allowed_actions(status: &str, cancel_at_period_end: bool, paused: bool, discounted: bool) -> Vec<SubscriptionActionKind> {
    use SubscriptionActionKind::*;
    match status {
        "active" | "trialing" | "past_due" | "unpaid" => {
            let mut actions = vec![
                CancelNow,
                if cancel_at_period_end { UndoCancel } else { CancelAtPeriodEnd },
                if paused { ResumeCollection } else { PauseCollection },
                Change,
                ApplyCoupon,
            ];
            if discounted {
                actions.push(RemoveDiscounts);
            }
            actions
        }
        "incomplete" | "paused" => vec![CancelNow],
        _ => Vec::new(),
    }
}

impl Store {
    /// The cached subscription `subscription_id` as the subscription view shows it.
    pub fn subscription_detail(&self, account_id: &str, subscription_id: &str) -> Result<SubscriptionDetail> {
        let kind = kinds::by_resource("subscriptions")
            .ok_or_else(|| Error::Internal("subscriptions are not cached".into()))?;
        let conn = self.read_conn()?;
        let found: Option<(String, Option<String>, Option<String>)> = conn
            .query_row(
                &format!(
                    "SELECT {}, customer_name, customer_email FROM cache_subscriptions s
                     WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                    full_raw_sql(kind, "s")
                ),
                params![account_id, subscription_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let (raw, customer_name, customer_email) = found.ok_or_else(|| {
            Error::NotFound(format!(
                "There is no subscription {subscription_id} in this account (sync it first if it is new)."
            ))
        })?;
        let subscription: Value = serde_json::from_str(&raw)
            .map_err(|err| Error::Store(format!("a cached subscription is not JSON: {err}")))?;
        let items = subscription["items"]["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| item_view(&conn, account_id, item))
            .collect::<Result<Vec<_>>>()?;
        let invoices = invoices_of(&conn, account_id, subscription_id)?;
        let timeline = timeline(&conn, account_id, subscription_id)?;
        let discounts = applied_discounts(&conn, account_id, &subscription["discounts"])?;
        Ok(build(subscription, (customer_name, customer_email), Related { items, invoices, timeline, discounts }))
    }
}

/// An item with its price (embedded by Stripe) and its product's cached name.
fn item_view(conn: &Connection, account_id: &str, item: &Value) -> Result<SubscriptionItemView> {
    let price = &item["price"];
    let product_name: Option<String> = match id_of(&price["product"]) {
        Some(product) => conn
            .prepare_cached("SELECT name FROM cache_products WHERE account_id = ?1 AND id = ?2 AND deleted = 0")?
            .query_row(params![account_id, product], |row| row.get(0))
            .optional()?
            .flatten(),
        None => None,
    };
    Ok(SubscriptionItemView {
        id: text(&item["id"]).unwrap_or_default(),
        price_id: id_of(price).map(str::to_string),
        product_id: id_of(&price["product"]).map(str::to_string),
        product_name,
        quantity: item["quantity"].as_i64().unwrap_or(1),
        unit_amount: price["unit_amount"].as_i64(),
        currency: text(&price["currency"]).unwrap_or_default(),
        interval: text(&price["recurring"]["interval"]),
        interval_count: price["recurring"]["interval_count"].as_i64(),
    })
}

/// The cached invoices of the subscription, newest first, as the invoices list shows them.
fn invoices_of(conn: &Connection, account_id: &str, subscription_id: &str) -> Result<Vec<InvoiceRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, number, customer_id, customer_name, customer_email, coalesce(status, ''), coalesce(currency, ''),
                coalesce(total, 0), coalesce(amount_due, 0), coalesce(amount_paid, 0),
                coalesce(amount_remaining, 0), due_date, coalesce(created, 0)
         FROM cache_invoices WHERE account_id = ?1 AND subscription_id = ?2 AND deleted = 0
         ORDER BY created DESC, id DESC",
    )?;
    let rows = statement.query_map(params![account_id, subscription_id], invoice_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The cached events whose object is the subscription, newest first.
fn timeline(conn: &Connection, account_id: &str, subscription_id: &str) -> Result<Vec<InvoiceTimelineEntry>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, type, created, source FROM cache_events WHERE account_id = ?1 AND object_id = ?2
         ORDER BY created DESC, rowid DESC",
    )?;
    let rows = statement.query_map(params![account_id, subscription_id], |row| {
        Ok(InvoiceTimelineEntry { event_id: row.get(0)?, event_type: row.get(1)?, created: row.get(2)?, source: row.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What the cache holds about a subscription besides the subscription itself.
struct Related {
    items: Vec<SubscriptionItemView>,
    invoices: Vec<InvoiceRow>,
    timeline: Vec<InvoiceTimelineEntry>,
    discounts: Vec<AppliedDiscount>,
}

/// The detail of a parsed subscription and its cached relatives.
fn build(
    subscription: Value,
    (customer_name, customer_email): (Option<String>, Option<String>),
    Related { items, invoices, timeline, discounts }: Related,
) -> SubscriptionDetail {
    let status = text(&subscription["status"]).unwrap_or_default();
    let cancel_at_period_end = subscription["cancel_at_period_end"] == true;
    let pause = &subscription["pause_collection"];
    let pause_collection = pause.is_object().then(|| PauseView {
        behavior: text(&pause["behavior"]).unwrap_or_default(),
        resumes_at: pause["resumes_at"].as_i64(),
    });
    let item_times = |field: &str| -> Vec<i64> {
        subscription["items"]["data"].as_array().into_iter().flatten().filter_map(|item| item[field].as_i64()).collect()
    };
    let current_period_start =
        item_times("current_period_start").into_iter().min().or_else(|| subscription["current_period_start"].as_i64());
    let metadata: BTreeMap<String, String> = subscription["metadata"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| value.as_str().map(|value| (key.clone(), value.to_string())))
        .collect();
    SubscriptionDetail {
        id: text(&subscription["id"]).unwrap_or_default(),
        customer_id: id_of(&subscription["customer"]).map(str::to_string),
        customer_name,
        customer_email,
        currency: text(&subscription["currency"]).unwrap_or_default(),
        collection_method: text(&subscription["collection_method"]).unwrap_or_else(|| "charge_automatically".into()),
        days_until_due: subscription["days_until_due"].as_i64(),
        default_payment_method: id_of(&subscription["default_payment_method"]).map(str::to_string),
        current_period_start,
        current_period_end: super::mrr::period_end(&subscription),
        trial_end: subscription["trial_end"].as_i64(),
        cancel_at_period_end,
        cancel_at: subscription["cancel_at"].as_i64(),
        canceled_at: subscription["canceled_at"].as_i64(),
        actions: allowed_actions(&status, cancel_at_period_end, pause_collection.is_some(), !discounts.is_empty()),
        pause_collection,
        discounts,
        mrr: subscription_mrr(&subscription),
        items,
        invoices,
        timeline,
        metadata,
        raw_json: serde_json::to_string_pretty(&subscription).unwrap_or_default(),
        status,
    }
}

/// Stores `answer` (a subscription as Stripe answered a write) in `account_id`'s cache;
/// answers the resources it changed. Applying the same answer twice changes nothing more.
pub(crate) fn apply_subscription(store: &Store, account_id: &str, answer: &Value) -> Result<BTreeSet<&'static str>> {
    let kind = kinds::by_resource("subscriptions")
        .ok_or_else(|| Error::Internal("subscriptions are not cached".into()))?;
    let ((), changed) = store.cache_write(account_id, |tx| {
        let version = tx.newest_version()?;
        tx.upsert(kind, answer, version, false, &FetchedChildren::new())?;
        Ok(())
    })?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubscriptionActionKind::*;

    #[test]
    fn the_state_decides_the_actions() {
        assert_eq!(allowed_actions("active", false, false, false), vec![CancelNow, CancelAtPeriodEnd, PauseCollection, Change, ApplyCoupon]);
        assert_eq!(allowed_actions("trialing", true, false, false), vec![CancelNow, UndoCancel, PauseCollection, Change, ApplyCoupon]);
        assert_eq!(
            allowed_actions("past_due", false, true, true),
            vec![CancelNow, CancelAtPeriodEnd, ResumeCollection, Change, ApplyCoupon, RemoveDiscounts]
        );
        assert_eq!(allowed_actions("unpaid", true, true, false), vec![CancelNow, UndoCancel, ResumeCollection, Change, ApplyCoupon]);
        assert_eq!(allowed_actions("incomplete", false, false, true), vec![CancelNow]);
        assert!(allowed_actions("canceled", false, false, true).is_empty());
        assert!(allowed_actions("incomplete_expired", false, false, false).is_empty());
    }
}
