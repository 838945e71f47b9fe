//! Coupons: the account's coupons read from the cache, a new coupon (one journaled
//! `POST /v1/coupons`), whether a coupon applies to a subscription or an invoice, and the
//! discounts that apply coupons, as a subscription's detail shows them.
//!
//! Stripe sends `percent_off` as a decimal number (`25.5`); Billfold reads and writes it as
//! whole basis points (2550), so no float ever reaches a total.

mod query;
mod service;
mod validate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) use query::applied_discounts;
pub use validate::check_applies;

/// A coupon as the coupons list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CouponRow {
    /// The coupon's id (Stripe's or the one given at creation).
    pub id: String,
    /// Its name, shown on invoices.
    pub name: Option<String>,
    /// Percent off in basis points (25.5 % = 2550), for a percentage coupon.
    pub percent_off_bp: Option<i64>,
    /// Amount off in minor units of `currency`, for an amount coupon.
    pub amount_off: Option<i64>,
    /// The currency of `amount_off`.
    pub currency: Option<String>,
    /// `once`, `repeating` or `forever`.
    pub duration: String,
    /// Months it lasts, for `repeating`.
    pub duration_in_months: Option<i64>,
    /// Whether it can still be redeemed.
    pub valid: bool,
    /// How often it was redeemed.
    pub times_redeemed: i64,
    /// The most redemptions allowed, if limited.
    pub max_redemptions: Option<i64>,
    /// The last time it can be redeemed, if limited.
    pub redeem_by: Option<i64>,
    /// The products it is limited to (empty: any).
    pub applies_to_products: Vec<String>,
    /// Created, Unix seconds.
    pub created: i64,
}

/// What a new coupon takes off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CouponValue {
    /// A percentage, in basis points (1 to 10000).
    Percent {
        /// 2550 is 25.5 %.
        basis_points: i64,
    },
    /// A fixed amount in one currency.
    Amount {
        /// Minor units.
        amount: i64,
        /// ISO code, lower or upper case.
        currency: String,
    },
}

/// A new coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewCouponInput {
    /// Its name (shown to customers on invoices), 1 to 40 characters.
    pub name: String,
    /// What it takes off.
    pub value: CouponValue,
    /// `once`, `repeating` or `forever`.
    pub duration: String,
    /// Months, for `repeating` (1 to 36).
    pub duration_in_months: Option<i64>,
    /// The most redemptions allowed, if limited.
    pub max_redemptions: Option<i64>,
    /// The last time it can be redeemed (in the future), if limited.
    pub redeem_by: Option<i64>,
    /// Cached products it is limited to (empty: any).
    pub applies_to_products: Vec<String>,
}

/// A discount on a subscription: its coupon, as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppliedDiscount {
    /// `di_…`
    pub id: String,
    /// The coupon it applies.
    pub coupon_id: Option<String>,
    /// The coupon as cached, when it is.
    pub coupon: Option<CouponRow>,
    /// When it started.
    pub starts_at: Option<i64>,
    /// When it ends (a `repeating` coupon's), if ever.
    pub ends_at: Option<i64>,
}

/// A coupon's `percent_off` as basis points; `None` when it has none.
pub fn basis_points(percent_off: &serde_json::Value) -> Option<i64> {
    // Stripe allows at most two decimals, so rounding to a basis point loses nothing.
    percent_off.as_f64().map(|percent| (percent * 100.0).round() as i64)
}

/// Basis points as Stripe's `percent_off` text: 2550 → `25.5`, 1000 → `10`.
pub fn percent_text(basis_points: i64) -> String {
    let (whole, part) = (basis_points / 100, basis_points % 100);
    match part {
        0 => whole.to_string(),
        p if p % 10 == 0 => format!("{whole}.{}", p / 10),
        p => format!("{whole}.{p:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_travel_as_basis_points() {
        assert_eq!(basis_points(&json!(25.5)), Some(2550));
        assert_eq!(basis_points(&json!(10)), Some(1000));
        assert_eq!(basis_points(&json!(33.33)), Some(3333));
        assert_eq!(basis_points(&json!(null)), None);
        assert_eq!(percent_text(2550), "25.5");
        assert_eq!(percent_text(1000), "10");
        assert_eq!(percent_text(3333), "33.33");
        assert_eq!(percent_text(5), "0.05");
    }
}
