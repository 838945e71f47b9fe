//! Purchase orders: the finance staff's workflow from a customer's PO to a paid Stripe
//! invoice. A PO is entered as a draft, issued as one journaled operation (customer, invoice,
//! all lines, finalize: at most five requests), then follows its invoice through sync;
//! payments received outside Stripe are recorded here and, once they complete the balance,
//! the invoice is marked paid out of band. Every change is written to the PO's audit log.
//!
//! Everything a second desktop needs is mirrored into the invoice's metadata (`po_id`,
//! `po_number`, `account`), so syncing the same account rebuilds the same POs.

mod aging;
mod balance;
pub(crate) use balance::balance_sql;
mod csv;
mod effects;
mod query;
mod service;
pub mod status;
mod store;
mod timeline;
mod track;
mod validate;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::credit_notes::CreditNoteRow;

pub use aging::AgingBucket;
pub use csv::{CsvImportReport, CsvRowError};
pub(crate) use effects::{after_operation, after_operation_failed};
pub use service::allowed_link;
pub(crate) use track::reconcile;

/// Where a purchase order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PoStatus {
    /// Entered, not issued; editable.
    Draft,
    /// Issued; nothing paid yet.
    Invoiced,
    /// Some paid, some still owed.
    PartiallyPaid,
    /// Paid in full (or more).
    Paid,
    /// Cancelled here, or its invoice was voided.
    Cancelled,
}

impl PoStatus {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            PoStatus::Draft => "draft",
            PoStatus::Invoiced => "invoiced",
            PoStatus::PartiallyPaid => "partially_paid",
            PoStatus::Paid => "paid",
            PoStatus::Cancelled => "cancelled",
        }
    }

    /// Reads a stored name.
    pub fn parse(value: &str) -> crate::error::Result<Self> {
        Ok(match value {
            "draft" => PoStatus::Draft,
            "invoiced" => PoStatus::Invoiced,
            "partially_paid" => PoStatus::PartiallyPaid,
            "paid" => PoStatus::Paid,
            "cancelled" => PoStatus::Cancelled,
            other => {
                return Err(crate::Error::Validation(format!(
                    "'{other}' is not a purchase order status."
                )))
            }
        })
    }
}

/// How a payment arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Paid through Stripe (card, bank transfer to Stripe); seen by sync.
    Stripe,
    /// A cheque.
    Check,
    /// A wire transfer to the company's bank.
    Wire,
    /// An ACH transfer to the company's bank.
    Ach,
    /// Anything else.
    Other,
}

impl PaymentMethod {
    /// The stored and serialized name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Stripe => "stripe",
            PaymentMethod::Check => "check",
            PaymentMethod::Wire => "wire",
            PaymentMethod::Ach => "ach",
            PaymentMethod::Other => "other",
        }
    }

    /// Reads a stored or typed name (CSV, database).
    pub fn parse(value: &str) -> crate::error::Result<Self> {
        Ok(match value.trim().to_ascii_lowercase().as_str() {
            "stripe" => PaymentMethod::Stripe,
            "check" | "cheque" => PaymentMethod::Check,
            "wire" => PaymentMethod::Wire,
            "ach" => PaymentMethod::Ach,
            "other" => PaymentMethod::Other,
            other => {
                return Err(crate::Error::Validation(format!(
                    "'{other}' is not a payment method (stripe, check, wire, ach or other)."
                )))
            }
        })
    }
}

/// One line as the user types it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoLineInput {
    /// What is billed.
    pub description: String,
    /// How many; more than 0.
    pub quantity: i64,
    /// Price of one in major units as typed (`"1,250.00"`).
    pub unit_price: String,
}

/// A PO as the editor sends it (create, update, CSV import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoInput {
    /// The customer's PO reference; unique per account.
    pub po_number: String,
    /// The customer organization (the Stripe customer's name).
    pub organization: String,
    /// Who to address.
    pub contact_name: String,
    /// Where Stripe emails the invoice.
    pub contact_email: String,
    /// Optional postal address.
    pub billing_address: Option<String>,
    /// ISO currency; `None` = the account's default.
    pub currency: Option<String>,
    /// Days until due; `None` = 30.
    pub payment_terms_days: Option<i64>,
    /// Free text.
    pub notes: Option<String>,
    /// At least one line.
    pub lines: Vec<PoLineInput>,
}

/// One stored line, in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoLine {
    /// 1-based order on the PO.
    pub position: i64,
    /// What is billed.
    pub description: String,
    /// How many.
    pub quantity: i64,
    /// Price of one, minor units.
    pub unit_amount: i64,
    /// quantity × unit_amount, minor units.
    pub amount: i64,
}

/// A payment on a PO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoPayment {
    /// `pay_…`
    pub id: String,
    /// Minor units of the PO's currency.
    pub amount: i64,
    /// How it arrived.
    pub method: PaymentMethod,
    /// Cheque number, wire reference, Stripe invoice number…
    pub reference: Option<String>,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// Free text.
    pub note: Option<String>,
    /// Whether Stripe's invoice counts it (a Stripe payment, or one marked paid out of band).
    pub recorded_in_stripe: bool,
}

/// A payment as the user enters it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewPayment {
    /// Major units as typed (`"1,250.00"`).
    pub amount: String,
    /// How it arrived (not `stripe`: those come from sync).
    pub method: PaymentMethod,
    /// Cheque number, wire reference…
    pub reference: Option<String>,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    /// Free text.
    pub note: Option<String>,
}

/// One audit-log row: who changed what, when, and the Stripe request behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    /// Row id (newer rows have larger ids).
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// `created`, `updated`, `issued`, `payment_recorded`, `status`, …
    pub action: String,
    /// The field changed, if one.
    pub field: Option<String>,
    /// Value before.
    pub old_value: Option<String>,
    /// Value after.
    pub new_value: Option<String>,
    /// Stripe's `Request-Id` of the request that made the change.
    pub stripe_request_id: Option<String>,
}

/// One step of the invoice's life, from Stripe's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    /// Unix seconds.
    pub at: i64,
    /// `created`, `finalized`, `sent`, `payment`, `paid`, `voided`, `uncollectible`, `updated`.
    pub kind: String,
    /// A readable sentence.
    pub label: String,
    /// The amount, for payments.
    pub amount: Option<i64>,
}

/// A PO as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoSummary {
    /// `po_…`
    pub id: String,
    /// The customer's reference.
    pub po_number: String,
    /// Customer organization.
    pub organization: String,
    /// Contact email.
    pub contact_email: String,
    /// Lowercase ISO currency of every amount.
    pub currency: String,
    /// Sum of the lines.
    pub total: i64,
    /// Sum of the payments.
    pub paid: i64,
    /// Sum of the totals of its invoice's credit notes that are not void.
    pub credited: i64,
    /// What was refunded of its invoice's payments (refunds failed or canceled left out).
    pub refunded: i64,
    /// Still owed: total − (paid − refunded) − credited (0 when covered, overpaid or cancelled).
    pub balance: i64,
    /// Where it is.
    pub status: PoStatus,
    /// Past due and still owed.
    pub overdue: bool,
    /// Stripe's invoice number once issued.
    pub invoice_number: Option<String>,
    /// Stripe's invoice status (`open`, `paid`, `void`, `uncollectible`).
    pub invoice_status: Option<String>,
    /// `YYYY-MM-DD`, once issued.
    pub due_date: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// Everything about one PO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PurchaseOrder {
    /// The list's view of it.
    pub summary: PoSummary,
    /// Who to address.
    pub contact_name: String,
    /// Postal address.
    pub billing_address: Option<String>,
    /// Days until due.
    pub payment_terms_days: i64,
    /// Free text.
    pub notes: Option<String>,
    /// Its lines, in order.
    pub lines: Vec<PoLine>,
    /// Its payments, oldest first.
    pub payments: Vec<PoPayment>,
    /// Its invoice's credit notes from the cache (void ones too), newest first.
    pub credit_notes: Vec<CreditNoteRow>,
    /// Paid beyond the total, minor units (0 if not overpaid).
    pub overpaid: i64,
    /// Stripe invoice id.
    pub invoice_id: Option<String>,
    /// The hosted invoice page.
    pub hosted_invoice_url: Option<String>,
    /// The invoice PDF.
    pub invoice_pdf: Option<String>,
    /// A payment recorded here is not in Stripe yet: Stripe still shows it as due.
    pub stripe_shows_remainder: bool,
    /// The invoice's life from Stripe's events, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Every change, newest first.
    pub audit: Vec<AuditEntry>,
}

/// What the PO list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoListQuery {
    /// Matches PO number, organization, email or invoice number (case-insensitive substrings
    /// of 3 or more characters; a shorter search is not applied and the page says so).
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<PoStatus>,
    /// Only overdue POs.
    pub overdue_only: bool,
    /// `po_number`, `organization`, `total`, `balance`, `due_date`, `created_at`, `status`;
    /// `None` = overdue first, then newest.
    pub sort: Option<String>,
    /// Sort descending.
    pub descending: bool,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return (1–500).
    pub limit: i64,
    /// The previous page's `next`: this page starts right after it.
    #[serde(default)]
    pub after: Option<String>,
}

/// One page of POs and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PoPage {
    /// Matching POs in all.
    pub total: i64,
    /// This page.
    pub rows: Vec<PoSummary>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// The resource name of POs in `DataChanged`.
pub const RESOURCE: &str = "purchase_orders";
