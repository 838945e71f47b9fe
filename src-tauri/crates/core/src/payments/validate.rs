//! Checking a refund or a new payment against the cache before anything is recorded or
//! sent: never more than is left to refund, never a disputed charge, only a customer's own
//! saved payment method, integer minor units within Stripe's limits.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{NewPaymentInput, RefundInput};
use crate::credit_notes::check_stripe_id;
use crate::error::{Error, Result};
use crate::money::{format_amount, Currency};
use crate::store::Store;

/// Stripe's reasons for a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    /// The customer asked for it.
    RequestedByCustomer,
    /// The payment was made twice.
    Duplicate,
    /// The payment was fraudulent.
    Fraudulent,
}

impl RefundReason {
    /// Stripe's name.
    pub fn as_str(self) -> &'static str {
        match self {
            RefundReason::RequestedByCustomer => "requested_by_customer",
            RefundReason::Duplicate => "duplicate",
            RefundReason::Fraudulent => "fraudulent",
        }
    }
}

/// Stripe's longest metadata value, in characters.
const MAX_NOTE_CHARS: usize = 500;
/// Stripe's largest amount (8 digits).
const MAX_AMOUNT: i64 = 99_999_999;
/// Stripe's longest description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// A cached object's JSON, if the cache holds it.
pub(super) fn cached(store: &Store, table: &str, account_id: &str, id: &str) -> Result<Option<Value>> {
    let conn = store.read_conn()?;
    let raw: Option<String> = conn
        .query_row(
            &format!("SELECT raw FROM {table} WHERE account_id = ?1 AND id = ?2 AND deleted = 0"),
            params![account_id, id],
            |row| row.get(0),
        )
        .optional()?;
    raw.map(|raw| serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached {table} row is not valid JSON: {err}"))))
        .transpose()
}

/// What is left to refund of a charge: what was captured less what was refunded (a refund
/// under way included, as Stripe counts it).
pub fn refundable(charge: &Value) -> i64 {
    if charge["status"] != "succeeded" || charge["captured"] != true {
        return 0;
    }
    let int = |field: &str| charge[field].as_i64().unwrap_or(0);
    // `amount_refunded` includes what a partial capture released.
    (int("amount") - int("amount_refunded")).max(0)
}

/// A checked refund: the charge and the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CheckedRefund {
    pub charge_id: String,
    pub amount: i64,
}

/// Checks a refund against the cached payment and its charge.
pub(super) fn check_refund(store: &Store, account_id: &str, input: &RefundInput) -> Result<CheckedRefund> {
    check_stripe_id(&input.payment_intent_id, "pi_", "payment")?;
    let intent = cached(store, "cache_payment_intents", account_id, &input.payment_intent_id)?.ok_or_else(|| {
        Error::NotFound(format!("There is no payment {} in this account (sync it first if it is new).", input.payment_intent_id))
    })?;
    let charge_id = crate::store::cache::kinds::id_of(&intent["latest_charge"])
        .ok_or_else(|| Error::Validation("This payment has no charge to refund.".into()))?
        .to_string();
    let charge = cached(store, "cache_charges", account_id, &charge_id)?
        .ok_or_else(|| Error::Validation(format!("The charge {charge_id} of this payment is not cached yet; sync and try again.")))?;
    if charge["disputed"] == true {
        return Err(Error::Validation(
            "This payment is disputed: it cannot be refunded while the dispute decides where the money goes.".into(),
        ));
    }
    if intent["status"] != "succeeded" || charge["status"] != "succeeded" || charge["captured"] != true {
        return Err(Error::Validation("Only a succeeded, captured payment can be refunded.".into()));
    }
    let left = refundable(&charge);
    let currency = Currency::parse(charge["currency"].as_str().unwrap_or("usd"))?;
    if left <= 0 {
        return Err(Error::Validation("This payment has been refunded in full already.".into()));
    }
    let amount = input.amount.unwrap_or(left);
    if amount <= 0 {
        return Err(Error::Validation("A refund must be more than zero.".into()));
    }
    if amount > left {
        return Err(Error::Validation(format!(
            "A refund of {} is more than the {} left to refund of this payment.",
            format_amount(amount, &currency),
            format_amount(left, &currency)
        )));
    }
    if input.note.as_deref().is_some_and(|note| note.chars().count() > MAX_NOTE_CHARS) {
        return Err(Error::Validation(format!("A refund note holds at most {MAX_NOTE_CHARS} characters.")));
    }
    Ok(CheckedRefund { charge_id, amount })
}

/// Checks a new payment against the cache and Stripe's limits; answers the form of
/// `POST /v1/payment_intents` (without the operation id).
pub(super) fn new_payment_form(store: &Store, account_id: &str, input: &NewPaymentInput) -> Result<Vec<(String, String)>> {
    check_stripe_id(&input.customer_id, "cus_", "customer")?;
    check_stripe_id(&input.payment_method, "pm_", "payment method")?;
    let currency = Currency::parse(&input.currency)?;
    if input.amount <= 0 || input.amount > MAX_AMOUNT {
        return Err(Error::Validation(format!("A payment is between 1 and {MAX_AMOUNT} minor units.")));
    }
    if currency.exponent() == 3 && input.amount % 10 != 0 {
        return Err(Error::Validation("Amounts in three-decimal currencies must end in 0.".into()));
    }
    if input.description.as_deref().is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS) {
        return Err(Error::Validation(format!("A description holds at most {MAX_DESCRIPTION_CHARS} characters.")));
    }
    cached(store, "cache_customers", account_id, &input.customer_id)?.ok_or_else(|| {
        Error::Validation(format!("There is no customer {} in this account (sync it first if it is new).", input.customer_id))
    })?;
    let method = cached(store, "cache_payment_methods", account_id, &input.payment_method)?;
    let owner = method.as_ref().and_then(|method| crate::store::cache::kinds::id_of(&method["customer"]));
    if owner != Some(input.customer_id.as_str()) {
        return Err(Error::Validation(format!(
            "The payment method {} is not saved on this customer.",
            input.payment_method
        )));
    }
    let mut form = vec![
        ("amount".to_string(), input.amount.to_string()),
        ("currency".to_string(), currency.code().to_string()),
        ("customer".to_string(), input.customer_id.clone()),
        ("payment_method".to_string(), input.payment_method.clone()),
        ("confirm".to_string(), "true".to_string()),
        ("off_session".to_string(), "true".to_string()),
    ];
    if let Some(description) = input.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        form.push(("description".into(), description.to_string()));
    }
    if input.capture_later {
        form.push(("capture_method".into(), "manual".into()));
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::refundable;
    use serde_json::json;

    #[test]
    fn what_is_left_to_refund_is_captured_less_refunded() {
        let charge = json!({ "status": "succeeded", "captured": true, "amount": 5000, "amount_refunded": 1500 });
        assert_eq!(refundable(&charge), 3500);
        let uncaptured = json!({ "status": "succeeded", "captured": false, "amount": 5000, "amount_refunded": 0 });
        assert_eq!(refundable(&uncaptured), 0);
        let failed = json!({ "status": "failed", "captured": false, "amount": 5000 });
        assert_eq!(refundable(&failed), 0);
    }
}
