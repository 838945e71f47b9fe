//! Balance and payouts: the account's balance per currency (read from Stripe, kept with the
//! time it was read), its payouts (a cached kind, listed through the list engine) and each
//! payout's balance transactions (fetched once when its detail opens, then read offline),
//! with their sums and a CSV export.

mod balance;
mod csv;
mod query;
mod service;
mod transactions;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use query::PayoutPage;

/// The statuses Stripe gives a payout, the list's status filter.
pub const STATUSES: &[&str] = &["paid", "pending", "in_transit", "canceled", "failed"];

/// A payout as the payouts list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutRow {
    /// `po_…`
    pub id: String,
    /// Stripe's status: `paid`, `pending`, `in_transit`, `canceled` or `failed`.
    pub status: String,
    /// Minor units.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// When it reaches (or reached) the bank (Unix seconds).
    pub arrival_date: i64,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// Whether Stripe made it on the payout schedule (not by hand).
    pub automatic: bool,
    /// Stripe's `description`, if any.
    pub description: Option<String>,
    /// Why it failed, when it did.
    pub failure_message: Option<String>,
}

impl PayoutRow {
    /// The row of a `payout` as Stripe sends it.
    pub fn from_stripe(payout: &Value) -> Self {
        PayoutRow {
            id: payout["id"].as_str().unwrap_or_default().to_string(),
            status: payout["status"].as_str().unwrap_or_default().to_string(),
            amount: payout["amount"].as_i64().unwrap_or_default(),
            currency: payout["currency"].as_str().unwrap_or_default().to_string(),
            arrival_date: payout["arrival_date"].as_i64().unwrap_or_default(),
            created: payout["created"].as_i64().unwrap_or_default(),
            automatic: payout["automatic"].as_bool().unwrap_or(false),
            description: payout["description"].as_str().map(str::to_string),
            failure_message: payout["failure_message"].as_str().map(str::to_string),
        }
    }
}

/// One balance transaction a payout took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutTransactionRow {
    /// `txn_…`
    pub id: String,
    /// Stripe's `type`: `charge`, `refund`, `adjustment`, `payment`, …
    #[serde(rename = "type")]
    pub transaction_type: String,
    /// Stripe's `reporting_category` (`charge`, `refund`, `dispute`, …).
    pub reporting_category: String,
    /// The object that moved the funds (`ch_…`, `re_…`, `dp_…`), if any.
    pub source_id: Option<String>,
    /// The charge behind it (the charge itself, or the refunded or disputed one).
    pub charge_id: Option<String>,
    /// The customer, when Stripe or the cache knows it.
    pub customer_id: Option<String>,
    /// The customer's name, when cached.
    pub customer_name: Option<String>,
    /// Gross amount in minor units (negative takes funds out).
    pub amount: i64,
    /// Stripe's fees on it, in minor units.
    pub fee: i64,
    /// `amount - fee`.
    pub net: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// Stripe's `description`, if any.
    pub description: Option<String>,
}

/// The sums of a payout's transactions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutSums {
    /// Sum of the gross amounts.
    pub amount: i64,
    /// Sum of the fees.
    pub fee: i64,
    /// Sum of the net amounts: what the payout should be.
    pub net: i64,
    /// Whether `net` equals the payout's amount; when not, the detail warns.
    pub matches_payout: bool,
}

/// A payout with its transactions, as the payout detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutDetail {
    /// The payout.
    pub payout: PayoutRow,
    /// Its transactions, in Stripe's order (newest first).
    pub transactions: Vec<PayoutTransactionRow>,
    /// Their sums.
    pub sums: PayoutSums,
    /// When the transactions were fetched from Stripe (Unix seconds).
    pub fetched_at: i64,
}

/// One currency's funds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BalanceAmount {
    /// Lowercase ISO currency.
    pub currency: String,
    /// Funds that can be paid out, in minor units (negative when refunds and disputes took
    /// more than came in).
    pub available: i64,
    /// Funds on their way to available, in minor units.
    pub pending: i64,
}

/// The account's balance as last read from Stripe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccountBalance {
    /// Per currency, in alphabetical order.
    pub amounts: Vec<BalanceAmount>,
    /// When it was read from Stripe (Unix seconds).
    pub as_of: i64,
    /// Whether this read failed and the answer is the one kept from `as_of`.
    pub stale: bool,
}

/// Checks a payout id (`po_…`) before it is used in a path or a query.
pub(crate) fn check_payout_id(id: &str) -> crate::error::Result<()> {
    let valid = id.starts_with("po_") && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(crate::error::Error::Validation(format!("'{id}' is not a payout id (po_…).")))
    }
}
