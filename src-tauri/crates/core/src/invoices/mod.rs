//! Invoices: one invoice's detail read from the cache, the actions Stripe's state rules
//! allow on it, and new or edited drafts, each write one journaled operation whose answer
//! is applied to the cache before the fresh detail is returned.

mod apply;
pub(crate) mod csv;
mod detail;
pub mod rules;
mod service;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) use apply::apply_invoice;
pub(crate) use validate::check_email;

/// What can be done to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceActionKind {
    /// Draft → open (`POST /v1/invoices/{id}/finalize`).
    Finalize,
    /// Email an open `send_invoice` invoice.
    Send,
    /// Charge the customer's default payment method for what remains.
    Pay,
    /// Mark it paid outside Stripe.
    PayOutOfBand,
    /// Cancel an open or uncollectible invoice for good.
    Void,
    /// Write an open invoice off as uncollectible.
    MarkUncollectible,
    /// Delete a draft.
    DeleteDraft,
}

/// One invoice line as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoiceLineView {
    /// `il_…`
    pub id: String,
    /// What is billed.
    pub description: Option<String>,
    /// How many.
    pub quantity: Option<i64>,
    /// Price of one, minor units.
    pub unit_amount: Option<i64>,
    /// Line amount, minor units.
    pub amount: i64,
    /// The catalog price, when the line has one.
    pub price_id: Option<String>,
    /// Service period start, Unix seconds.
    pub period_start: Option<i64>,
    /// Service period end, Unix seconds.
    pub period_end: Option<i64>,
}

/// One payment of the invoice (an `invoice_payment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoicePaymentView {
    /// `inpay_…`
    pub id: String,
    /// Paid, minor units.
    pub amount_paid: i64,
    /// `paid`, `open` or `canceled`.
    pub status: String,
    /// Created, Unix seconds.
    pub created: i64,
    /// The payment intent behind it, if any.
    pub payment_intent: Option<String>,
    /// The charge behind it, if any.
    pub charge: Option<String>,
    /// Whether it was paid outside Stripe.
    pub paid_out_of_band: bool,
}

/// A credit note as the invoice detail lists it (the credit notes module's row).
pub use crate::credit_notes::CreditNoteRow;

/// One cached event about an object (an invoice, a customer, a subscription), newest first in
/// a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoiceTimelineEntry {
    /// `evt_…`
    pub event_id: String,
    /// Stripe's event type (`invoice.finalized`, …).
    pub event_type: String,
    /// When Stripe made it, Unix seconds.
    pub created: i64,
    /// How it reached the cache: `poll` or `webhook`.
    pub source: String,
}

/// The purchase order an invoice was issued for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoicePoLink {
    /// The PO's id.
    pub po_id: String,
    /// Its number.
    pub po_number: String,
}

/// A custom field printed on the invoice PDF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomField {
    /// At most 40 characters.
    pub name: String,
    /// At most 140 characters.
    pub value: String,
}

/// Everything the invoice view shows, from the cache only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoiceDetail {
    /// `in_…`
    pub id: String,
    /// Number, from finalization on.
    pub number: Option<String>,
    /// `draft`, `open`, `paid`, `uncollectible`, `void` (or `deleted` right after deleting a draft).
    pub status: String,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer's name as the invoice carries it.
    pub customer_name: Option<String>,
    /// The customer's email as the invoice carries it.
    pub customer_email: Option<String>,
    /// Currency of every amount.
    pub currency: String,
    /// `send_invoice` or `charge_automatically`.
    pub collection_method: String,
    /// Created, Unix seconds.
    pub created: i64,
    /// Due date, Unix seconds.
    pub due_date: Option<i64>,
    /// Finalized, Unix seconds.
    pub finalized_at: Option<i64>,
    /// Sum of the lines, minor units.
    pub subtotal: i64,
    /// Total, minor units.
    pub total: i64,
    /// Due after the customer's balance, minor units.
    pub amount_due: i64,
    /// Paid so far, minor units.
    pub amount_paid: i64,
    /// Still to pay, minor units.
    pub amount_remaining: i64,
    /// The customer's balance applied at finalization, minor units.
    pub starting_balance: i64,
    /// The customer's balance after it, minor units.
    pub ending_balance: Option<i64>,
    /// Stripe's `description`.
    pub memo: Option<String>,
    /// Footer printed on the PDF.
    pub footer: Option<String>,
    /// The hosted payment page.
    pub hosted_invoice_url: Option<String>,
    /// The PDF.
    pub invoice_pdf: Option<String>,
    /// Custom fields on the PDF.
    pub custom_fields: Vec<CustomField>,
    /// Stripe metadata.
    pub metadata: BTreeMap<String, String>,
    /// Every cached line, in Stripe's order.
    pub lines: Vec<InvoiceLineView>,
    /// Its payments, oldest first.
    pub payments: Vec<InvoicePaymentView>,
    /// Credit notes issued against it, oldest first.
    pub credit_notes: Vec<CreditNoteRow>,
    /// Refunds of its payments (a credit note's refund included), newest first.
    pub refunds: Vec<crate::payments::RefundRow>,
    /// The purchase order it belongs to, if any.
    pub po: Option<InvoicePoLink>,
    /// Cached events about it, newest first.
    pub timeline: Vec<InvoiceTimelineEntry>,
    /// What its state allows now.
    pub actions: Vec<InvoiceActionKind>,
    /// Whether it is a draft (lines and terms editable).
    pub can_edit: bool,
    /// Whether a credit note can be issued against it.
    pub can_credit: bool,
    /// What a credit note may still take off, minor units.
    pub creditable_amount: i64,
    /// The cached object, pretty-printed.
    pub raw_json: String,
}

/// How Stripe collects an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CollectionMethod {
    /// Emailed; the customer pays by its due date.
    SendInvoice,
    /// Charged to the customer's default payment method.
    ChargeAutomatically,
}

impl CollectionMethod {
    /// Stripe's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionMethod::SendInvoice => "send_invoice",
            CollectionMethod::ChargeAutomatically => "charge_automatically",
        }
    }
}

/// Who a new invoice is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustomerChoice {
    /// A customer already in the cache.
    Existing {
        /// `cus_…`
        customer_id: String,
    },
    /// The customer with exactly this email, made if Stripe has none.
    ByEmail {
        /// Billing email.
        email: String,
        /// Name for a new customer.
        name: String,
    },
}

/// One line of a new invoice: a catalog price, or a description and a unit amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewInvoiceLine {
    /// A cached, active, one-off price in the invoice's currency.
    pub price_id: Option<String>,
    /// What is billed (required without a price).
    pub description: Option<String>,
    /// How many, at least 1.
    #[ts(type = "number")]
    pub quantity: u64,
    /// Price of one in minor units (required without a price).
    pub unit_amount: Option<i64>,
}

/// A new draft invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewInvoiceInput {
    /// Who it is for.
    pub customer: CustomerChoice,
    /// ISO currency code, any case.
    pub currency: String,
    /// How Stripe collects it.
    pub collection_method: CollectionMethod,
    /// Payment terms in days (`send_invoice` only; this or `due_date`).
    pub days_until_due: Option<u32>,
    /// Due date, Unix seconds in the future (`send_invoice` only).
    pub due_date: Option<i64>,
    /// At least one, at most 250.
    pub lines: Vec<NewInvoiceLine>,
    /// Stripe's `description`.
    pub memo: Option<String>,
    /// Footer printed on the PDF.
    pub footer: Option<String>,
    /// At most 4.
    pub custom_fields: Vec<CustomField>,
    /// Stripe metadata.
    pub metadata: BTreeMap<String, String>,
}

/// A change to one line of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LineChange {
    /// The line changed.
    pub line_id: String,
    /// New description.
    pub description: Option<String>,
    /// New quantity, at least 1.
    #[ts(type = "number | null")]
    pub quantity: Option<u64>,
    /// New unit amount, minor units.
    pub unit_amount: Option<i64>,
}

/// Changes to a draft: lines added, changed or removed, and its terms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DraftChanges {
    /// Lines to add.
    pub add_lines: Vec<NewInvoiceLine>,
    /// Lines to change.
    pub update_lines: Vec<LineChange>,
    /// Lines to remove.
    pub remove_line_ids: Vec<String>,
    /// New collection method.
    pub collection_method: Option<CollectionMethod>,
    /// New payment terms in days.
    pub days_until_due: Option<u32>,
    /// New due date, Unix seconds.
    pub due_date: Option<i64>,
    /// New memo (empty clears it).
    pub memo: Option<String>,
    /// New footer (empty clears it).
    pub footer: Option<String>,
    /// A cached coupon to apply, replacing any discount (empty removes the discounts).
    #[serde(default)]
    pub coupon_id: Option<String>,
}

/// An active one-off price the invoice editor offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CatalogPrice {
    /// `price_…`
    pub id: String,
    /// Its product's name.
    pub product_name: String,
    /// Its currency.
    pub currency: String,
    /// Price of one, minor units.
    pub unit_amount: Option<i64>,
    /// Whether it is a recurring price (never offered; kept for the UI's label).
    pub recurring: bool,
}

/// The outcome of one invoice in a bulk action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BulkResult {
    /// The invoice.
    pub invoice_id: String,
    /// Whether it worked.
    pub ok: bool,
    /// Why not, when it did not.
    pub message: Option<String>,
}
