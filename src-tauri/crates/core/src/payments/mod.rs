//! Payments and refunds: the account's payments (cached payment intents with their charges)
//! and refunds as lists, one payment in detail, and refunding, creating, capturing or
//! canceling a payment through the operations journal after checking it against the cache.

mod detail;
mod query;
mod service;
mod validate;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use detail::{DisputeSummary, PaymentDetail, PaymentEvent};
pub use validate::RefundReason;

/// The statuses a payment shows in lists and filters, from its intent and latest charge
/// (migration 0015's `payment_statuses`).
pub const PAYMENT_STATUSES: &[&str] = &[
    "succeeded",
    "failed",
    "requires_action",
    "canceled",
    "refunded",
    "partially_refunded",
    "disputed",
    "processing",
    "uncaptured",
];

/// The statuses Stripe gives a refund.
pub const REFUND_STATUSES: &[&str] = &["pending", "requires_action", "succeeded", "failed", "canceled"];

/// A payment as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentRow {
    /// `pi_…`
    pub id: String,
    /// One of [`PAYMENT_STATUSES`].
    pub status: String,
    /// Why it failed (the decline's message), when it did.
    pub decline_reason: Option<String>,
    /// Amount asked, minor units.
    pub amount: i64,
    /// Refunded to the customer so far (a refund under way included), minor units.
    pub amount_refunded: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// The customer, if any.
    pub customer_id: Option<String>,
    /// The customer's name, when the customer is cached.
    pub customer_name: Option<String>,
    /// The customer's email, when the customer is cached.
    pub customer_email: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// How it was paid: "Visa •••• 4242", "Bank transfer", or none yet.
    pub method: Option<String>,
    /// The latest charge, `ch_…`.
    pub charge_id: Option<String>,
    /// Created, Unix seconds.
    pub created: i64,
}

/// One page of payments and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentPage {
    /// Matching payments in all.
    pub total: i64,
    /// This page, newest first unless asked otherwise.
    pub rows: Vec<PaymentRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// The payments list's filters beyond the list query's search and status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentFilters {
    /// Created at or after, Unix seconds.
    #[serde(default)]
    pub created_from: Option<i64>,
    /// Created before, Unix seconds.
    #[serde(default)]
    pub created_to: Option<i64>,
    /// At least this amount, minor units.
    #[serde(default)]
    pub amount_min: Option<i64>,
    /// At most this amount, minor units.
    #[serde(default)]
    pub amount_max: Option<i64>,
    /// Only this customer's payments.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Only payments in this currency (lowercase ISO).
    #[serde(default)]
    pub currency: Option<String>,
}

/// A refund as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RefundRow {
    /// `re_…`
    pub id: String,
    /// One of [`REFUND_STATUSES`].
    pub status: String,
    /// Minor units.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// `requested_by_customer`, `duplicate`, `fraudulent`, or none.
    pub reason: Option<String>,
    /// The note written with it (`metadata[note]`).
    pub note: Option<String>,
    /// Why it failed or was canceled, Stripe's `failure_reason`.
    pub failure_reason: Option<String>,
    /// The charge refunded.
    pub charge_id: Option<String>,
    /// The payment refunded.
    pub payment_intent_id: Option<String>,
    /// Created, Unix seconds.
    pub created: i64,
}

impl RefundRow {
    /// The row of a refund as Stripe sends it.
    pub fn from_stripe(refund: &Value) -> Self {
        let text = |value: &Value| value.as_str().map(str::to_string);
        let id_of = |field: &str| crate::store::cache::kinds::id_of(&refund[field]).map(str::to_string);
        RefundRow {
            id: text(&refund["id"]).unwrap_or_default(),
            status: text(&refund["status"]).unwrap_or_default(),
            amount: refund["amount"].as_i64().unwrap_or_default(),
            currency: text(&refund["currency"]).unwrap_or_default(),
            reason: text(&refund["reason"]),
            note: text(&refund["metadata"]["note"]),
            failure_reason: text(&refund["failure_reason"]),
            charge_id: id_of("charge"),
            payment_intent_id: id_of("payment_intent"),
            created: refund["created"].as_i64().unwrap_or_default(),
        }
    }
}

/// One page of refunds and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RefundPage {
    /// Matching refunds in all.
    pub total: i64,
    /// This page, newest first unless asked otherwise.
    pub rows: Vec<RefundRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// A refund asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RefundInput {
    /// The payment refunded, `pi_…`.
    pub payment_intent_id: String,
    /// Minor units; all that is left when `None`.
    pub amount: Option<i64>,
    /// Why, as Stripe names it.
    pub reason: Option<RefundReason>,
    /// A note kept on the refund (`metadata[note]`).
    pub note: Option<String>,
}

/// A payment to take from a customer's saved payment method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewPaymentInput {
    /// `cus_…`
    pub customer_id: String,
    /// A payment method saved on the customer, `pm_…`.
    pub payment_method: String,
    /// Minor units.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// What it is for.
    pub description: Option<String>,
    /// Authorize only; capture (or cancel) later.
    #[serde(default)]
    pub capture_later: bool,
}

/// How a payment was made, in words, from its charge: the card's brand and last digits, or
/// the bank transfer.
pub(crate) fn method_label(charge: &Value) -> Option<String> {
    let details = &charge["payment_method_details"];
    match details["type"].as_str()? {
        "card" => {
            let card = &details["card"];
            let brand = card["brand"].as_str().map(brand_name).unwrap_or_else(|| "Card".into());
            Some(match card["last4"].as_str() {
                Some(last4) => format!("{brand} •••• {last4}"),
                None => brand,
            })
        }
        "customer_balance" => Some("Bank transfer".into()),
        "us_bank_account" => Some(match details["us_bank_account"]["last4"].as_str() {
            Some(last4) => format!("Bank account •••• {last4}"),
            None => "Bank account".into(),
        }),
        other => Some(other.replace('_', " ")),
    }
}

/// A card brand as people write it.
fn brand_name(brand: &str) -> String {
    match brand {
        "visa" => "Visa".into(),
        "mastercard" => "Mastercard".into(),
        "amex" => "American Express".into(),
        "discover" => "Discover".into(),
        other => {
            let mut chars = other.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::method_label;
    use serde_json::json;

    #[test]
    fn a_charge_names_its_card_or_bank_transfer() {
        let card = json!({ "payment_method_details": { "type": "card", "card": { "brand": "visa", "last4": "4242" } } });
        assert_eq!(method_label(&card).as_deref(), Some("Visa •••• 4242"));
        let transfer = json!({ "payment_method_details": { "type": "customer_balance", "customer_balance": {} } });
        assert_eq!(method_label(&transfer).as_deref(), Some("Bank transfer"));
        assert_eq!(method_label(&json!({})), None);
    }
}
