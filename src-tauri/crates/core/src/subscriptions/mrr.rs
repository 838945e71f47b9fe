//! Monthly recurring revenue and renewal dates, worked out from a subscription as Stripe sends
//! it (items with their prices). The cache stores them as typed columns so the list sorts by
//! them; migration 0013 computes the same numbers in SQL for subscriptions cached before it.

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

/// Statuses whose subscriptions bring no revenue now: not yet paying, no longer paying, or
/// paused.
pub const NO_REVENUE: &[&str] = &["trialing", "canceled", "incomplete", "incomplete_expired", "paused"];

/// Statuses after which a subscription never renews.
const ENDED: &[&str] = &["canceled", "incomplete_expired"];

/// One item's monthly amount: `unit_amount × quantity` over its interval, normalized to a
/// month (a year is 12 months, a week 52/12 of one, a day 365/12), divided by the interval
/// count, rounded half up to a minor unit. An unknown interval counts for nothing.
pub fn item_mrr(unit_amount: i64, quantity: i64, interval: &str, interval_count: i64) -> i64 {
    let (per_month, months) = match interval {
        "month" => (1, 1),
        "year" => (1, 12),
        "week" => (52, 12),
        "day" => (365, 12),
        _ => return 0,
    };
    let amount = i128::from(unit_amount) * i128::from(quantity) * per_month;
    let divisor = i128::from(months) * i128::from(interval_count.max(1));
    // Amounts are never negative, so this is half up.
    let rounded = (2 * amount + divisor).div_euclid(2 * divisor);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The items of a subscription object (`items.data`).
fn items(subscription: &Value) -> impl Iterator<Item = &Value> {
    subscription["items"]["data"].as_array().into_iter().flatten()
}

/// The monthly recurring revenue of a subscription: the sum of its licensed items' monthly
/// amounts, 0 in a status that brings none ([`NO_REVENUE`]).
pub fn subscription_mrr(subscription: &Value) -> i64 {
    let status = subscription["status"].as_str().unwrap_or_default();
    if NO_REVENUE.contains(&status) {
        return 0;
    }
    items_mrr(subscription)
}

/// The sum of a subscription's licensed items' monthly amounts ([`item_mrr`]), whatever its
/// status and before discounts; metered items count for nothing.
pub fn items_mrr(subscription: &Value) -> i64 {
    items(subscription)
        .filter(|item| item["price"]["recurring"]["usage_type"] != "metered")
        .map(|item| {
            let price = &item["price"];
            item_mrr(
                price["unit_amount"].as_i64().unwrap_or(0),
                item["quantity"].as_i64().unwrap_or(1),
                price["recurring"]["interval"].as_str().unwrap_or_default(),
                price["recurring"]["interval_count"].as_i64().unwrap_or(1),
            )
        })
        .fold(0_i64, i64::saturating_add)
}

/// When the current period ends: the earliest of its items' ends (where Stripe keeps them),
/// else the subscription's own field (older API versions).
pub fn period_end(subscription: &Value) -> Option<i64> {
    items(subscription)
        .filter_map(|item| item["current_period_end"].as_i64())
        .min()
        .or_else(|| subscription["current_period_end"].as_i64())
}

/// When it renews next: the current period's end, unless it has ended or cancels then.
pub fn next_renewal(subscription: &Value) -> Option<i64> {
    let status = subscription["status"].as_str().unwrap_or_default();
    if ENDED.contains(&status) || subscription["cancel_at_period_end"] == true {
        return None;
    }
    period_end(subscription)
}

fn integer(value: Option<i64>) -> SqlValue {
    value.map_or(SqlValue::Null, SqlValue::Integer)
}

/// The `mrr` column of `cache_subscriptions`.
pub(crate) fn mrr_column(subscription: &Value) -> SqlValue {
    SqlValue::Integer(subscription_mrr(subscription))
}

/// The `current_period_end` column of `cache_subscriptions`.
pub(crate) fn period_end_column(subscription: &Value) -> SqlValue {
    integer(period_end(subscription))
}

/// The `next_renewal` column of `cache_subscriptions`.
pub(crate) fn next_renewal_column(subscription: &Value) -> SqlValue {
    integer(next_renewal(subscription))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(unit_amount: i64, quantity: i64, interval: &str, count: i64) -> Value {
        json!({
            "quantity": quantity,
            "current_period_end": 2_000,
            "price": {"unit_amount": unit_amount, "recurring": {"interval": interval, "interval_count": count, "usage_type": "licensed"}},
        })
    }

    #[test]
    fn items_normalize_to_a_month_rounding_half_up() {
        assert_eq!(item_mrr(1500, 1, "month", 1), 1500);
        assert_eq!(item_mrr(12_000, 1, "year", 1), 1000);
        assert_eq!(item_mrr(1500, 3, "month", 1), 4500);
        // 1000 × 52 / 12 = 4333.33…
        assert_eq!(item_mrr(1000, 1, "week", 1), 4333);
        // 100 × 365 / 12 = 3041.66…
        assert_eq!(item_mrr(100, 1, "day", 1), 3042);
        // Every three months: 1000 / 3 = 333.33…; 5 / 2 = 2.5 rounds up.
        assert_eq!(item_mrr(1000, 1, "month", 3), 333);
        assert_eq!(item_mrr(5, 1, "month", 2), 3);
        // Yearly 6 → 0.5 a month, half up to 1; the quantity multiplies before rounding.
        assert_eq!(item_mrr(6, 1, "year", 1), 1);
        assert_eq!(item_mrr(1, 7, "year", 1), 1);
        assert_eq!(item_mrr(1000, 1, "fortnight", 1), 0);
    }

    #[test]
    fn a_subscription_sums_its_items_unless_it_brings_no_revenue() {
        let mut subscription = json!({
            "status": "active",
            "cancel_at_period_end": false,
            "items": {"data": [item(2000, 1, "month", 1), item(12_000, 2, "year", 1)]},
        });
        assert_eq!(subscription_mrr(&subscription), 4000);
        assert_eq!(next_renewal(&subscription), Some(2_000));
        subscription["status"] = json!("past_due");
        assert_eq!(subscription_mrr(&subscription), 4000);
        for status in NO_REVENUE {
            subscription["status"] = json!(status);
            assert_eq!(subscription_mrr(&subscription), 0, "{status}");
        }
        subscription["status"] = json!("canceled");
        assert_eq!(next_renewal(&subscription), None);
        assert_eq!(period_end(&subscription), Some(2_000));
        subscription["status"] = json!("active");
        subscription["cancel_at_period_end"] = json!(true);
        assert_eq!(next_renewal(&subscription), None);
    }

    #[test]
    fn metered_items_bring_no_fixed_revenue() {
        let mut metered = item(500, 1, "month", 1);
        metered["price"]["recurring"]["usage_type"] = json!("metered");
        let subscription = json!({"status": "active", "items": {"data": [metered, item(700, 1, "month", 1)]}});
        assert_eq!(subscription_mrr(&subscription), 700);
    }
}
