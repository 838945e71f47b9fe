//! An invoice's amounts, derived from its lines, credits and payments, and the customer
//! balance it uses: applied at finalization, returned when the invoice is voided.

use serde_json::{json, Value};

use crate::data::{AccountData, Origin};
use crate::resources::balance_transactions::{self, Entry};

/// Recomputes subtotal, discounts (see [`super::discounts`]), total, amount_due,
/// amount_remaining and amount_overpaid. `starting_balance` and `ending_balance` (the customer's balance before and after the
/// invoice) are set at finalization; their difference is what the balance paid (or added).
pub fn recompute(data: &AccountData, invoice: &mut Value) {
    let subtotal: i64 = invoice["lines"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| line["amount"].as_i64().unwrap_or(0))
        .sum();
    let credit_notes = invoice["pre_payment_credit_notes_amount"].as_i64().unwrap_or(0);
    let total = subtotal - super::discounts::apply(data, invoice);
    let amount_due = (total + balance_used(invoice) - credit_notes).max(0);
    let amount_paid = invoice["amount_paid"].as_i64().unwrap_or(0);
    invoice["subtotal"] = json!(subtotal);
    invoice["subtotal_excluding_tax"] = json!(subtotal);
    invoice["total"] = json!(total);
    invoice["total_excluding_tax"] = json!(total);
    invoice["amount_due"] = json!(amount_due);
    invoice["amount_remaining"] = json!((amount_due - amount_paid).max(0));
    invoice["amount_overpaid"] = json!((amount_paid - amount_due).max(0));
}

/// `starting_balance − ending_balance`: what the invoice took from the customer's balance
/// (negative when it used a credit); 0 before finalization, when `ending_balance` is null.
pub fn balance_used(invoice: &Value) -> i64 {
    match invoice["ending_balance"].as_i64() {
        Some(ending) => invoice["starting_balance"].as_i64().unwrap_or(0) - ending,
        None => 0,
    }
}

/// The customer credit the invoice consumed (positive), which a post-payment credit note
/// may give back like a payment.
pub fn credit_applied(invoice: &Value) -> i64 {
    let total = invoice["total"].as_i64().unwrap_or(0);
    if total <= 0 {
        return 0;
    }
    (-balance_used(invoice)).clamp(0, total)
}

/// At finalization: applies the customer's balance to the invoice (a credit covers at most
/// the total, a debit is added in full; a negative total is credited to the balance), sets
/// `starting_balance` and `ending_balance`, and records an `applied_to_invoice` transaction
/// (which emits `customer.updated`). A balance in another currency is left alone.
pub fn apply_balance(data: &mut AccountData, invoice: &mut Value, origin: &Origin, now: i64) {
    let customer_id = invoice["customer"].as_str().unwrap_or("").to_string();
    let currency = invoice["currency"].as_str().unwrap_or("usd").to_string();
    let Some(customer) = data.get_of("customer", &customer_id) else { return };
    let balance = customer["balance"].as_i64().unwrap_or(0);
    let same_currency = customer["currency"].as_str().is_none_or(|c| c == currency);
    let total = invoice["total"].as_i64().unwrap_or(0);
    let applied = if !same_currency || total <= 0 { 0 } else if balance < 0 { balance.max(-total) } else { balance };
    let credited = if same_currency { total.min(0) } else { 0 };
    let ending = balance - applied + credited;
    invoice["starting_balance"] = json!(balance);
    invoice["ending_balance"] = json!(ending);
    if ending != balance {
        let invoice_id = invoice["id"].as_str().unwrap_or("").to_string();
        let entry = Entry { invoice: Some(&invoice_id), ..Entry::new("applied_to_invoice", ending - balance, &currency) };
        balance_transactions::record(data, &customer_id, entry, origin, now);
    }
}

/// When an invoice is voided: gives back the balance it used, as an
/// `unapplied_from_invoice` transaction (which emits `customer.updated`).
pub fn return_balance(data: &mut AccountData, invoice: &Value, origin: &Origin, now: i64) {
    let used = balance_used(invoice);
    if used == 0 {
        return;
    }
    let customer_id = invoice["customer"].as_str().unwrap_or("");
    let currency = invoice["currency"].as_str().unwrap_or("usd");
    let invoice_id = invoice["id"].as_str().unwrap_or("");
    let entry = Entry { invoice: Some(invoice_id), ..Entry::new("unapplied_from_invoice", used, currency) };
    balance_transactions::record(data, customer_id, entry, origin, now);
}
