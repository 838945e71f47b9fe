//! An invoice's amounts, derived from its lines, credits and payments.

use serde_json::{json, Value};

use crate::data::AccountData;

/// Recomputes subtotal, total, amount_due, amount_remaining and amount_overpaid.
/// `starting_balance` (a customer credit, negative) is set at finalization.
pub fn recompute(_data: &AccountData, invoice: &mut Value) {
    let subtotal: i64 = invoice["lines"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| line["amount"].as_i64().unwrap_or(0))
        .sum();
    let starting_balance = invoice["starting_balance"].as_i64().unwrap_or(0);
    let credit_notes = invoice["pre_payment_credit_notes_amount"].as_i64().unwrap_or(0);
    let total = subtotal;
    let amount_due = (total + starting_balance - credit_notes).max(0);
    let amount_paid = invoice["amount_paid"].as_i64().unwrap_or(0);
    invoice["subtotal"] = json!(subtotal);
    invoice["subtotal_excluding_tax"] = json!(subtotal);
    invoice["total"] = json!(total);
    invoice["total_excluding_tax"] = json!(total);
    invoice["amount_due"] = json!(amount_due);
    invoice["amount_remaining"] = json!((amount_due - amount_paid).max(0));
    invoice["amount_overpaid"] = json!((amount_paid - amount_due).max(0));
}
