//! The `create_invoice` operation: for a customer given by email, find it with an exact
//! email list (a list, not a search, so one created a second ago is found) or create it;
//! create a draft invoice (`auto_advance=false`, pending items excluded, the operation's id
//! in its metadata); add every line in one `add_lines` request. Catalog lines name their
//! price (`pricing[price]`), ad hoc lines carry `price_data`. If Stripe refuses the lines for
//! good, the draft is deleted again, so no half-made draft is left behind. Its input is an
//! already checked [`NewInvoiceInput`]; the draft is applied to the cache.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::invoice_action::delete_draft;
use super::issue_invoice::{pairs, text};
use super::{is_transient, OperationRun};
use crate::error::{Error, Result};
use crate::invoices::{CollectionMethod, CustomerChoice, NewInvoiceInput, NewInvoiceLine};

/// What the operation gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvoice {
    /// Stripe customer id.
    pub customer_id: String,
    /// The new draft's id.
    pub invoice_id: String,
}

/// Adds `line` to `form` as `lines[index][…]` of `add_lines`.
pub(super) fn line_form(form: &mut Vec<(String, String)>, index: usize, line: &NewInvoiceLine, currency: &str) {
    let prefix = format!("lines[{index}]");
    form.push((format!("{prefix}[quantity]"), line.quantity.to_string()));
    if let Some(description) = &line.description {
        form.push((format!("{prefix}[description]"), description.clone()));
    }
    match (&line.price_id, line.unit_amount) {
        (Some(price), _) => form.push((format!("{prefix}[pricing][price]"), price.clone())),
        (None, unit_amount) => {
            form.push((format!("{prefix}[price_data][currency]"), currency.to_string()));
            form.push((format!("{prefix}[price_data][unit_amount]"), unit_amount.unwrap_or(0).to_string()));
            let name = line.description.clone().unwrap_or_else(|| "Invoice line".into());
            form.push((format!("{prefix}[price_data][product_data][name]"), name));
        }
    }
}

/// The terms of a new draft as `POST /v1/invoices` takes them.
fn invoice_form(input: &NewInvoiceInput, customer_id: &str, operation_id: &str) -> Vec<(String, String)> {
    let mut form = pairs(&[
        ("customer", customer_id),
        ("currency", &input.currency),
        ("collection_method", input.collection_method.as_str()),
        ("auto_advance", "false"),
        ("pending_invoice_items_behavior", "exclude"),
        ("metadata[operation_id]", operation_id),
    ]);
    if input.collection_method == CollectionMethod::SendInvoice {
        if let Some(days) = input.days_until_due {
            form.push(("days_until_due".into(), days.to_string()));
        }
        if let Some(due) = input.due_date {
            form.push(("due_date".into(), due.to_string()));
        }
    }
    if let Some(memo) = &input.memo {
        form.push(("description".into(), memo.clone()));
    }
    if let Some(footer) = &input.footer {
        form.push(("footer".into(), footer.clone()));
    }
    for (index, field) in input.custom_fields.iter().enumerate() {
        form.push((format!("custom_fields[{index}][name]"), field.name.clone()));
        form.push((format!("custom_fields[{index}][value]"), field.value.clone()));
    }
    for (name, value) in &input.metadata {
        form.push((format!("metadata[{name}]"), value.clone()));
    }
    form
}

/// The customer's id: given, or found by exact email, or created.
pub(super) async fn customer(run: &mut OperationRun, choice: &CustomerChoice) -> Result<String> {
    let (email, name) = match choice {
        CustomerChoice::Existing { customer_id } => return Ok(customer_id.clone()),
        CustomerChoice::ByEmail { email, name } => (email.clone(), name.clone()),
    };
    let gateway = run.gateway().clone();
    let query = vec![("email".to_string(), email.clone()), ("limit".to_string(), "100".to_string())];
    let found = run.step("find customer", |_| async move { gateway.get_json("/v1/customers", &query).await }).await?;
    let existing = found["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|customer| customer["email"].as_str() == Some(email.as_str()))
        .and_then(|customer| customer["id"].as_str());
    if let Some(id) = existing {
        return Ok(id.to_string());
    }
    let mut form = pairs(&[("email", &email), ("metadata[operation_id]", run.id())]);
    if !name.is_empty() {
        form.push(("name".into(), name));
    }
    let gateway = run.gateway().clone();
    let created =
        run.step("create customer", |key| async move { gateway.post_form("/v1/customers", &form, Some(&key)).await }).await?;
    text(&created, "id")
}

pub(super) async fn run(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: NewInvoiceInput = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a create_invoice operation has unreadable input: {err}")))?;
    let customer_id = customer(run, &input.customer).await?;

    let form = invoice_form(&input, &customer_id, run.id());
    let gateway = run.gateway().clone();
    let draft =
        run.step("create invoice", |key| async move { gateway.post_form("/v1/invoices", &form, Some(&key)).await }).await?;
    let invoice_id = text(&draft, "id")?;

    let mut form = Vec::new();
    for (index, line) in input.lines.iter().enumerate() {
        line_form(&mut form, index, line, &input.currency);
    }
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{invoice_id}/add_lines");
    let added = run.step("add lines", |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await;
    let invoice = match added {
        Ok(invoice) => invoice,
        Err(err) if !is_transient(&err) => {
            // Refused for good: the draft would be left half-made, so it goes again.
            let deleted = delete_draft(run, &invoice_id, "delete refused draft").await?;
            run.apply_invoice(&deleted)?;
            return Err(refused_lines(err));
        }
        Err(err) => return Err(err),
    };
    run.apply_invoice(&invoice)?;
    serde_json::to_value(CreatedInvoice { customer_id, invoice_id }).map_err(|err| Error::Internal(err.to_string()))
}

/// Stripe's refusal of the lines, saying the draft was removed.
fn refused_lines(err: Error) -> Error {
    let what = "Stripe refused the invoice's lines, so the draft was deleted again";
    match err {
        Error::Stripe { status, code, message } => Error::Stripe { status, code, message: format!("{what}: {message}") },
        other => Error::Validation(format!("{what}: {other}")),
    }
}
