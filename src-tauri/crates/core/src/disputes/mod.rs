//! Disputes: the queue (cached disputes through the list engine, open ones by deadline), a
//! dispute's detail with its staged evidence, and answering one through the operations
//! journal: evidence saved (files uploaded first) or submitted once, or the dispute accepted.
//! Everything Stripe would refuse is refused here first, with nothing sent.

mod evidence;
mod files;
mod notices;
mod query;
mod service;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use evidence::{sniff, EvidenceFileInput, EvidenceInput, MAX_FILES_BYTES, MAX_FILE_BYTES, MAX_TEXT_CHARS, FILE_FIELDS, TEXT_FIELDS};
pub use notices::DUE_SOON_SECS;
pub use files::{inspect, EvidenceFilePick, EvidenceForm, PickedFile};
pub use query::DisputePage;

/// Statuses in which a dispute still awaits the merchant's response.
pub const OPEN: &[&str] = &["needs_response", "warning_needs_response"];

/// One dispute as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeRow {
    /// `dp_…`
    pub id: String,
    /// The disputed charge.
    pub charge_id: Option<String>,
    /// The payment intent of the charge, if any.
    pub payment_intent_id: Option<String>,
    /// Stripe's status (`needs_response`, `under_review`, `won`, `lost`, `warning_…`).
    pub status: String,
    /// Stripe's reason (`fraudulent`, `product_not_received`, …).
    pub reason: String,
    /// Disputed amount, minor units.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// When evidence is due (Unix seconds), if Stripe gave a deadline.
    pub due_by: Option<i64>,
    /// Opened at (Unix seconds).
    pub created: i64,
    /// The charge's customer, when the charge and customer are cached.
    pub customer_id: Option<String>,
    /// The customer's name, when cached.
    pub customer_name: Option<String>,
    /// The customer's email, when cached.
    pub customer_email: Option<String>,
}

impl DisputeRow {
    /// The row of a dispute as Stripe sends it (customer fields left empty).
    pub fn from_stripe(dispute: &Value) -> Self {
        let text = |field: &str| dispute[field].as_str().map(str::to_string);
        let id_of = |field: &str| match &dispute[field] {
            Value::String(id) => Some(id.clone()),
            Value::Object(object) => object.get("id").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        DisputeRow {
            id: text("id").unwrap_or_default(),
            charge_id: id_of("charge"),
            payment_intent_id: id_of("payment_intent"),
            status: text("status").unwrap_or_default(),
            reason: text("reason").unwrap_or_default(),
            amount: dispute["amount"].as_i64().unwrap_or(0),
            currency: text("currency").unwrap_or_default(),
            due_by: dispute["evidence_details"]["due_by"].as_i64(),
            created: dispute["created"].as_i64().unwrap_or(0),
            customer_id: None,
            customer_name: None,
            customer_email: None,
        }
    }

    /// Whether the merchant can still respond.
    pub fn is_open(&self) -> bool {
        OPEN.contains(&self.status.as_str())
    }
}

/// An evidence file as the dispute names it, with what Billfold knows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceFile {
    /// The evidence field (`receipt`, `customer_communication`, …).
    pub field: String,
    /// `file_…`
    pub file_id: String,
    /// The uploaded file's name, when Billfold uploaded it.
    pub filename: Option<String>,
    /// Its size in bytes, when known.
    pub size: Option<i64>,
    /// `pdf`, `png` or `jpg`, when known.
    pub file_type: Option<String>,
}

/// A dispute with its charge, customer and evidence as staged on Stripe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeDetail {
    /// The queue row (with the customer).
    pub row: DisputeRow,
    /// The evidence text fields that hold something, as `(field, text)`.
    pub text: Vec<(String, String)>,
    /// The evidence files named.
    pub files: Vec<EvidenceFile>,
    /// Whether any evidence is staged.
    pub has_evidence: bool,
    /// How many times evidence was submitted (Stripe allows one).
    pub submission_count: i64,
    /// Whether the deadline passed while it was open.
    pub past_due: bool,
    /// The payment in Stripe's dashboard.
    pub payment_link: Option<String>,
}
