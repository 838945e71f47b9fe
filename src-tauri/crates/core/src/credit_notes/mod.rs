//! Credit notes: the rows shown for an invoice, a customer or the whole account (read from
//! the cache), a preview that is never recorded, and issuing or voiding one through the
//! operations journal after checking the request against the cached invoice.

mod query;
mod service;
mod validate;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use query::CreditNotePage;
pub use validate::{creditable_amount, MAX_MEMO_CHARS};
pub(crate) use validate::check_id as check_stripe_id;

/// Stripe's reasons for a credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CreditReason {
    /// The invoice was charged twice.
    Duplicate,
    /// The charge was fraudulent.
    Fraudulent,
    /// The order changed.
    OrderChange,
    /// The customer was not satisfied with the product.
    ProductUnsatisfactory,
}

impl CreditReason {
    /// Stripe's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CreditReason::Duplicate => "duplicate",
            CreditReason::Fraudulent => "fraudulent",
            CreditReason::OrderChange => "order_change",
            CreditReason::ProductUnsatisfactory => "product_unsatisfactory",
        }
    }
}

/// One invoice line credited by quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditLineInput {
    /// The invoice line item (`il_…`).
    pub invoice_line_id: String,
    /// How many of its units (1 to the line's quantity).
    pub quantity: u64,
}

/// What the credit note dialog asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNoteInput {
    /// The invoice credited (open or paid).
    pub invoice_id: String,
    /// Credit a bare amount (minor units) …
    pub amount: Option<i64>,
    /// … or these lines: exactly one of the two.
    pub lines: Vec<CreditLineInput>,
    /// Why.
    pub reason: Option<CreditReason>,
    /// A note printed on the credit note.
    pub memo: Option<String>,
    /// Paid invoice: refunded to the card.
    pub refund_amount: i64,
    /// Paid invoice: credited to the customer's balance.
    pub credit_amount: i64,
    /// Paid invoice: settled outside Stripe.
    pub out_of_band_amount: i64,
}

/// What a credit note would be, from Stripe's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNotePreview {
    /// Total, minor units.
    pub total: i64,
    /// Subtotal, minor units.
    pub subtotal: i64,
    /// Currency.
    pub currency: String,
    /// Its lines (none when crediting an amount).
    pub lines: Vec<CreditNotePreviewLine>,
    /// The invoice's `amount_remaining` once it is issued.
    pub amount_remaining_after: i64,
    /// The invoice's status now.
    pub invoice_status: String,
    /// How much of the invoice can still be credited, before this one.
    pub creditable_amount: i64,
}

/// One line of a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNotePreviewLine {
    /// What it credits.
    pub description: Option<String>,
    /// How many units.
    pub quantity: Option<i64>,
    /// Amount, minor units.
    pub amount: i64,
}

/// A credit note as lists and detail views show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNoteRow {
    /// `cn_…`
    pub id: String,
    /// Its number.
    pub number: Option<String>,
    /// The invoice credited.
    pub invoice_id: Option<String>,
    /// The customer.
    pub customer_id: Option<String>,
    /// `issued` or `void`.
    pub status: String,
    /// Currency of every amount.
    pub currency: String,
    /// Total, minor units.
    pub total: i64,
    /// Amount before taxes and discounts, minor units.
    pub amount: i64,
    /// Refunded to the card.
    pub refund_amount: i64,
    /// Credited to the customer's balance.
    pub credit_amount: i64,
    /// Settled outside Stripe.
    pub out_of_band_amount: i64,
    /// Why.
    pub reason: Option<String>,
    /// The note on it.
    pub memo: Option<String>,
    /// Created, Unix seconds.
    pub created: i64,
}

impl CreditNoteRow {
    /// The row of a credit note as Stripe sends it. Stripe has no `credit_amount` field: on a
    /// post-payment note it is what neither the refunds nor the out-of-band part settle.
    pub fn from_stripe(note: &Value) -> Self {
        let text = |field: &str| note[field].as_str().map(str::to_string);
        let int = |field: &str| note[field].as_i64().unwrap_or_default();
        let id_of = |field: &str| crate::store::cache::kinds::id_of(&note[field]).map(str::to_string);
        let total = int("total");
        let refund_amount: i64 = note["refunds"]
            .as_array()
            .map(|refunds| refunds.iter().filter_map(|r| r["amount_refunded"].as_i64()).sum())
            .unwrap_or_default();
        let out_of_band_amount = int("out_of_band_amount");
        let credit_amount = if note["type"] == "post_payment" {
            (total - refund_amount - out_of_band_amount).max(0)
        } else {
            0
        };
        CreditNoteRow {
            id: text("id").unwrap_or_default(),
            number: text("number"),
            invoice_id: id_of("invoice"),
            customer_id: id_of("customer"),
            status: text("status").unwrap_or_default(),
            currency: text("currency").unwrap_or_default(),
            total,
            amount: int("amount"),
            refund_amount,
            credit_amount,
            out_of_band_amount,
            reason: text("reason"),
            memo: text("memo"),
            created: int("created"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_rows_credit_amount_is_what_refunds_and_out_of_band_leave() {
        let note = json!({"id": "cn_1", "type": "post_payment", "total": 1000, "amount": 1000, "status": "issued",
            "currency": "eur", "invoice": {"id": "in_1"}, "customer": "cus_1", "out_of_band_amount": 200,
            "refunds": [{"amount_refunded": 300, "refund": "re_1"}], "created": 5});
        let row = CreditNoteRow::from_stripe(&note);
        assert_eq!((row.refund_amount, row.credit_amount, row.out_of_band_amount), (300, 500, 200));
        assert_eq!(row.invoice_id.as_deref(), Some("in_1"));
        let open = json!({"id": "cn_2", "type": "pre_payment", "total": 700, "out_of_band_amount": null, "refunds": []});
        let row = CreditNoteRow::from_stripe(&open);
        assert_eq!((row.total, row.credit_amount, row.out_of_band_amount), (700, 0, 0));
    }
}
