//! MRR, its movements, churn and ARPA per month and per currency, read from the subscription
//! history the cache keeps (no Stripe request), following Stripe Billing's definition.
//!
//! A subscription counts while `active` or `past_due`: its licensed items normalized to a month
//! (`subscriptions::mrr::item_mrr`), less its `forever` coupons (or every discount it carries,
//! with the "all discounts" setting). A customer's MRR (per account, per currency) is the sum of
//! its subscriptions'; each change of it at one second is a movement: new, reactivation,
//! expansion, contraction or churn. Months are calendar months in UTC, as every date in
//! Billfold. Currencies are never converted.

pub(crate) mod history;
mod months;
mod movements;
mod normalize;
mod service;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use months::{month_start, parse_month, MAX_MONTHS};
pub use movements::{classify, Movement};
pub use normalize::{discounted_mrr, Coupon};

/// Which discounts lower MRR (the "MRR discounts" setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiscountMode {
    /// Stripe Billing's definition: only `forever` coupons lower MRR.
    #[default]
    Forever,
    /// ChartMogul/Baremetrics-like: every discount lowers MRR while the subscription carries it.
    All,
}

/// A rate as exact integers: `numerator ÷ denominator` in basis points (1 % = 100), rounded
/// half away from zero; `None` when the denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Rate {
    /// What is counted (customers, or minor units).
    pub numerator: i64,
    /// What it is counted against.
    pub denominator: i64,
    /// The rate in basis points, or `None` for a zero denominator.
    pub basis_points: Option<i64>,
}

impl Rate {
    /// `numerator ÷ denominator` in basis points, half away from zero.
    pub fn of(numerator: i64, denominator: i64) -> Rate {
        let basis_points = (denominator != 0).then(|| {
            let scaled = i128::from(numerator) * 10_000;
            let den = i128::from(denominator);
            let (q, r) = (scaled / den, scaled % den);
            let rounded = if 2 * r.abs() >= den.abs() { q + scaled.signum() * den.signum() } else { q };
            i64::try_from(rounded).unwrap_or(i64::MAX)
        });
        Rate { numerator, denominator, basis_points }
    }
}

/// One month of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MrrMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// MRR at the end of the previous month, in minor units.
    pub mrr_at_start: i64,
    /// MRR at the end of the month.
    pub mrr: i64,
    /// From customers who never had MRR in this currency before.
    pub new: i64,
    /// Increases of customers who had MRR.
    pub expansion: i64,
    /// Decreases of customers who keep some MRR (a positive number).
    pub contraction: i64,
    /// MRR of customers who went to 0 (a positive number).
    pub churn: i64,
    /// From customers who had MRR before, went to 0 and came back.
    pub reactivation: i64,
    /// `new + expansion + reactivation − contraction − churn` (= `mrr − mrr_at_start`).
    pub net: i64,
    /// Subscriptions `active` or `past_due` at the end of the month (free plans included).
    pub subscriptions: i64,
    /// Customers with MRR above 0 at the end of the month.
    pub customers: i64,
    /// Paying customers at the end of the previous month.
    pub customers_at_start: i64,
    /// Customers whose MRR went to 0 in the month (a customer churning twice counts twice).
    pub churned_customers: i64,
    /// Customers new in the month.
    pub new_customers: i64,
    /// `mrr ÷ customers`, rounded half up; `None` without paying customers.
    pub arpa: Option<i64>,
    /// Churned customers ÷ (customers at start + new customers).
    pub churn_rate: Rate,
    /// (churn + contraction) ÷ MRR at start.
    pub gross_mrr_churn: Rate,
    /// (churn + contraction − expansion − reactivation) ÷ MRR at start; negative when the
    /// month grew more than it lost.
    pub net_mrr_churn: Rate,
}

/// The report of one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CurrencyMrr {
    /// Lowercase ISO code.
    pub currency: String,
    /// One row per month of the range, oldest first.
    pub months: Vec<MrrMonth>,
}

/// MRR and its movements over a range of months, per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MrrReport {
    /// The account, or `None` for every account together.
    pub account_id: Option<String>,
    /// First month, `YYYY-MM`.
    pub from_month: String,
    /// Last month, `YYYY-MM`.
    pub to_month: String,
    /// Which discounts lowered MRR.
    pub discounts: DiscountMode,
    /// Currencies with any subscription history, alphabetically.
    pub currencies: Vec<CurrencyMrr>,
}

/// MRR now in one currency, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MrrNowRow {
    /// Lowercase ISO code.
    pub currency: String,
    /// MRR now, in minor units.
    pub mrr: i64,
    /// MRR at the end of last month.
    pub last_month_end: i64,
    /// `mrr − last_month_end`.
    pub change: i64,
    /// Subscriptions `active` or `past_due` now.
    pub active_subscriptions: i64,
    /// Customers with MRR above 0 now.
    pub paying_customers: i64,
}
