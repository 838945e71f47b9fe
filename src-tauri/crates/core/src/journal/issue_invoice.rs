//! The `issue_invoice` operation: find the customer by exact email (a list, not a search,
//! so a customer created a second ago is found) or create it, create a `send_invoice`
//! invoice, add every line in one `add_lines` request, and finalize it with
//! `auto_advance=true`. With automatic advancement on, Stripe itself emails a `send_invoice`
//! invoice when it is finalized (and emits `invoice.sent`), so no separate send request is
//! needed: at most five requests whatever the number of lines. Its output is what a purchase
//! order keeps of the invoice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::OperationRun;
use crate::error::{Error, Result};
use crate::money::Currency;

/// Input of the operation, as recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueInvoice {
    /// The customer's billing email; an existing customer with exactly this email is reused.
    pub customer_email: String,
    /// Name for a new customer (the organization).
    pub customer_name: String,
    /// Lowercase ISO currency.
    pub currency: String,
    /// Payment terms.
    pub days_until_due: u32,
    /// At least one line.
    pub lines: Vec<IssueInvoiceLine>,
    /// Invoice metadata (a second desktop rebuilds its records from it).
    pub metadata: BTreeMap<String, String>,
    /// Custom fields printed on the invoice PDF (name, value), at most 4.
    pub custom_fields: Vec<(String, String)>,
    /// The purchase order the invoice is for; it is updated when the operation finishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_id: Option<String>,
}

/// One invoice line: quantity × unit amount (minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueInvoiceLine {
    /// What is billed.
    pub description: String,
    /// How many, at least 1.
    pub quantity: u64,
    /// Price of one, in the currency's minor units.
    pub unit_amount: i64,
}

/// What the operation gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedInvoice {
    /// Stripe customer id.
    pub customer_id: String,
    /// Stripe invoice id.
    pub invoice_id: String,
    /// Invoice number (set at finalization).
    pub number: Option<String>,
    /// The hosted payment page.
    pub hosted_invoice_url: Option<String>,
    /// The PDF.
    pub invoice_pdf: Option<String>,
    /// Status after finalizing (normally `open`).
    pub status: String,
    /// Total in minor units.
    pub total: i64,
    /// Due date, Unix seconds.
    #[serde(default)]
    pub due_date: Option<i64>,
}

impl IssueInvoice {
    /// Checks what Stripe would refuse, before anything is recorded or sent.
    pub fn validate(&self) -> Result<()> {
        Currency::parse(&self.currency)?;
        if !self.customer_email.contains('@') {
            return Err(Error::Validation("The customer's email address is not valid.".into()));
        }
        if self.lines.is_empty() {
            return Err(Error::Validation("An invoice needs at least one line.".into()));
        }
        if self.lines.len() > 250 {
            return Err(Error::Validation("Stripe allows at most 250 lines on an invoice.".into()));
        }
        if self.lines.iter().any(|line| line.quantity == 0) {
            return Err(Error::Validation("Every line needs a quantity of at least 1.".into()));
        }
        if self.lines.iter().any(|line| line.unit_amount < 0) {
            return Err(Error::Validation("Unit prices cannot be negative.".into()));
        }
        if self.custom_fields.len() > 4 {
            return Err(Error::Validation("Stripe allows at most 4 custom fields on an invoice.".into()));
        }
        Ok(())
    }
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: IssueInvoice = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("an issue_invoice operation has unreadable input: {err}")))?;
    let gateway = run.gateway().clone();

    let found = run
        .step("find customer", |_| {
            let query = vec![("email".to_string(), input.customer_email.clone()), ("limit".to_string(), "1".to_string())];
            let gateway = gateway.clone();
            async move { gateway.get_json("/v1/customers", &query).await }
        })
        .await?;
    let customer_id = match found["data"].get(0).and_then(|customer| customer["id"].as_str()) {
        Some(id) => id.to_string(),
        None => {
            let form = pairs(&[("email", &input.customer_email), ("name", &input.customer_name)]);
            let created = run
                .step("create customer", |key| async move {
                    gateway.post_form("/v1/customers", &form, Some(&key)).await
                })
                .await?;
            text(&created, "id")?
        }
    };

    let mut form = pairs(&[
        ("customer", &customer_id),
        ("collection_method", "send_invoice"),
        ("days_until_due", &input.days_until_due.to_string()),
        ("currency", &input.currency),
        ("pending_invoice_items_behavior", "exclude"),
        ("metadata[operation_id]", run.id()),
    ]);
    for (name, value) in &input.metadata {
        form.push((format!("metadata[{name}]"), value.clone()));
    }
    for (index, (name, value)) in input.custom_fields.iter().enumerate() {
        form.push((format!("custom_fields[{index}][name]"), name.clone()));
        form.push((format!("custom_fields[{index}][value]"), value.clone()));
    }
    let gateway = run.gateway().clone();
    let invoice = run
        .step("create invoice", |key| async move { gateway.post_form("/v1/invoices", &form, Some(&key)).await })
        .await?;
    let invoice_id = text(&invoice, "id")?;

    let mut form = Vec::new();
    for (index, line) in input.lines.iter().enumerate() {
        let prefix = format!("lines[{index}]");
        form.push((format!("{prefix}[description]"), line.description.clone()));
        form.push((format!("{prefix}[quantity]"), line.quantity.to_string()));
        form.push((format!("{prefix}[price_data][currency]"), input.currency.clone()));
        form.push((format!("{prefix}[price_data][unit_amount]"), line.unit_amount.to_string()));
        form.push((format!("{prefix}[price_data][product_data][name]"), line.description.clone()));
    }
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{invoice_id}/add_lines");
    run.step("add lines", |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await?;

    // Finalizing with automatic advancement on makes Stripe email the invoice itself.
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{invoice_id}/finalize");
    let form = pairs(&[("auto_advance", "true")]);
    let finalized =
        run.step("finalize and send", |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await?;

    let issued = IssuedInvoice {
        customer_id,
        invoice_id,
        number: finalized["number"].as_str().map(str::to_string),
        hosted_invoice_url: finalized["hosted_invoice_url"].as_str().map(str::to_string),
        invoice_pdf: finalized["invoice_pdf"].as_str().map(str::to_string),
        status: text(&finalized, "status")?,
        total: finalized["total"].as_i64().unwrap_or_default(),
        due_date: finalized["due_date"].as_i64(),
    };
    serde_json::to_value(issued).map_err(|err| Error::Internal(err.to_string()))
}

pub(super) fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
}

pub(super) fn text(object: &Value, field: &str) -> Result<String> {
    object[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| Error::StripeResponse(format!("the answer has no '{field}'")))
}
