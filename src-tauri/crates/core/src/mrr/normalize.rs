//! A subscription's MRR from one history row: its items' monthly amount (before discounts)
//! less the discounts the setting counts.

use super::DiscountMode;
use crate::subscriptions::mrr::item_mrr;

/// A coupon's terms (they never change in Stripe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    /// `once`, `repeating` or `forever`.
    pub duration: String,
    /// Percent off in basis points, for a percentage coupon.
    pub percent_off_bp: Option<i64>,
    /// Amount off per invoice in minor units of `currency`, for an amount coupon.
    pub amount_off: Option<i64>,
    /// The currency of `amount_off`.
    pub currency: Option<String>,
}

/// MRR of a counted subscription whose items come to `items_mrr` a month, billed every
/// `interval_count` `interval`s in `currency`, carrying `coupons`: a percentage takes its share
/// of `items_mrr` (rounded half up), an amount off (per invoice, in the same currency) is
/// normalized to a month by the subscription's interval as an item is; never below 0. With
/// [`DiscountMode::Forever`] only `forever` coupons count (Stripe Billing), with
/// [`DiscountMode::All`] every one.
pub fn discounted_mrr(
    items_mrr: i64,
    currency: &str,
    interval: &str,
    interval_count: i64,
    coupons: &[&Coupon],
    mode: DiscountMode,
) -> i64 {
    let off = coupons
        .iter()
        .filter(|coupon| mode == DiscountMode::All || coupon.duration == "forever")
        .map(|coupon| match (coupon.percent_off_bp, coupon.amount_off) {
            (Some(bp), _) => {
                let share = i128::from(items_mrr) * i128::from(bp.clamp(0, 10_000));
                i64::try_from((2 * share + 10_000) / 20_000).unwrap_or(i64::MAX)
            }
            (None, Some(amount)) if coupon.currency.as_deref() == Some(currency) => {
                item_mrr(amount, 1, interval, interval_count)
            }
            _ => 0,
        })
        .fold(0_i64, i64::saturating_add);
    items_mrr.saturating_sub(off).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(bp: i64, duration: &str) -> Coupon {
        Coupon { duration: duration.into(), percent_off_bp: Some(bp), amount_off: None, currency: None }
    }

    fn amount(off: i64, currency: &str, duration: &str) -> Coupon {
        Coupon { duration: duration.into(), percent_off_bp: None, amount_off: Some(off), currency: Some(currency.into()) }
    }

    #[test]
    fn forever_percentages_round_half_up_per_subscription() {
        // 1999 × 20 % = 399.8 → 400 off → 1599.
        assert_eq!(discounted_mrr(1999, "eur", "month", 1, &[&percent(2000, "forever")], DiscountMode::Forever), 1599);
        // 1005 × 10 % = 100.5 → 101 off (half up) → 904.
        assert_eq!(discounted_mrr(1005, "eur", "month", 1, &[&percent(1000, "forever")], DiscountMode::Forever), 904);
        // 12.5 % of 1000 = 125 → 875.
        assert_eq!(discounted_mrr(1000, "eur", "month", 1, &[&percent(1250, "forever")], DiscountMode::Forever), 875);
    }

    #[test]
    fn once_and_repeating_count_only_with_all_discounts() {
        let once = percent(5000, "once");
        let repeating = percent(2500, "repeating");
        assert_eq!(discounted_mrr(5000, "eur", "month", 1, &[&once, &repeating], DiscountMode::Forever), 5000);
        // 5000 − 2500 − 1250 = 1250.
        assert_eq!(discounted_mrr(5000, "eur", "month", 1, &[&once, &repeating], DiscountMode::All), 1250);
    }

    #[test]
    fn amounts_off_normalize_by_the_interval_and_never_go_below_zero() {
        // Yearly plan 120000 = 10000 a month; 12000 off each yearly invoice = 1000 a month → 9000.
        assert_eq!(discounted_mrr(10_000, "eur", "year", 1, &[&amount(12_000, "eur", "forever")], DiscountMode::Forever), 9000);
        // Every 3 months, 1000 off = 333.33… → 333 a month; 10000 − 333 = 9667.
        assert_eq!(discounted_mrr(10_000, "eur", "month", 3, &[&amount(1000, "eur", "forever")], DiscountMode::Forever), 9667);
        // Weekly, 100 off = 100 × 52 / 12 = 433.33… → 433.
        assert_eq!(discounted_mrr(4333, "eur", "week", 1, &[&amount(100, "eur", "forever")], DiscountMode::Forever), 3900);
        // More off than the plan costs: 0, not negative.
        assert_eq!(discounted_mrr(500, "eur", "month", 1, &[&amount(900, "eur", "forever")], DiscountMode::Forever), 0);
        // An amount in another currency takes nothing off.
        assert_eq!(discounted_mrr(500, "eur", "month", 1, &[&amount(100, "usd", "forever")], DiscountMode::Forever), 500);
    }

    #[test]
    fn a_free_plan_stays_at_zero() {
        assert_eq!(discounted_mrr(0, "eur", "month", 1, &[&percent(2000, "forever")], DiscountMode::All), 0);
    }
}
