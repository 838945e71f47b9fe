//! The `create_credit_note` and `void_credit_note` operations: one write each, then the
//! invoice (and, when the customer's balance moved, the customer and its new ledger row, or
//! after a void its whole ledger) fetched again as further steps, and every answer applied to the cache. Fetches are steps too, so a
//! resume applies the same snapshots without asking again.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::{pairs, text};
use super::OperationRun;
use crate::error::{Error, Result};
use crate::store::cache::kinds;
use crate::store::FetchedChildren;

/// One invoice line credited, by quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteLine {
    /// The invoice line item (`il_…`).
    pub invoice_line_id: String,
    /// How many of the line's units, at least 1.
    pub quantity: u64,
}

/// Input of `create_credit_note`, as recorded in the journal (already validated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCreditNote {
    /// The invoice credited.
    pub invoice_id: String,
    /// The invoice's customer (its balance moves when `credit_amount` > 0).
    pub customer_id: Option<String>,
    /// A bare amount, or `None` when crediting by lines.
    pub amount: Option<i64>,
    /// Lines credited, when not by amount.
    pub lines: Vec<CreditNoteLine>,
    /// Stripe's `reason`.
    pub reason: Option<String>,
    /// Stripe's `memo`.
    pub memo: Option<String>,
    /// Refunded from the invoice's card payment (paid invoices only).
    pub refund_amount: i64,
    /// Credited to the customer's balance (paid invoices only).
    pub credit_amount: i64,
    /// Settled outside Stripe (paid invoices only).
    pub out_of_band_amount: i64,
}

impl CreateCreditNote {
    /// The request's form, shared by the preview (as a query) and the create (as a body).
    /// Settlement amounts are sent only when not zero: an open invoice takes none.
    pub(crate) fn form(&self) -> Vec<(String, String)> {
        let mut form = pairs(&[("invoice", &self.invoice_id)]);
        if let Some(amount) = self.amount {
            form.push(("amount".into(), amount.to_string()));
        }
        for (index, line) in self.lines.iter().enumerate() {
            let prefix = format!("lines[{index}]");
            form.push((format!("{prefix}[type]"), "invoice_line_item".into()));
            form.push((format!("{prefix}[invoice_line_item]"), line.invoice_line_id.clone()));
            form.push((format!("{prefix}[quantity]"), line.quantity.to_string()));
        }
        if let Some(reason) = &self.reason {
            form.push(("reason".into(), reason.clone()));
        }
        if let Some(memo) = &self.memo {
            form.push(("memo".into(), memo.clone()));
        }
        for (name, value) in [
            ("refund_amount", self.refund_amount),
            ("credit_amount", self.credit_amount),
            ("out_of_band_amount", self.out_of_band_amount),
        ] {
            if value > 0 {
                form.push((name.into(), value.to_string()));
            }
        }
        form
    }
}

/// Input of `void_credit_note`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidCreditNote {
    /// The credit note voided.
    pub credit_note_id: String,
    /// Its invoice, fetched again afterwards.
    pub invoice_id: Option<String>,
}

pub(super) async fn create(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: CreateCreditNote = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a create_credit_note operation has unreadable input: {err}")))?;
    let gateway = run.gateway().clone();
    let mut form = input.form();
    form.push(("metadata[operation_id]".into(), run.id().to_string()));
    let note = run
        .step("create credit note", |key| async move { gateway.post_form("/v1/credit_notes", &form, Some(&key)).await })
        .await?;
    let balance_moved = input.credit_amount > 0;
    let after = refetch(run, &input.invoice_id, input.customer_id.as_deref().filter(|_| balance_moved), &note).await?;
    apply(run, &note, after)?;
    Ok(note)
}

pub(super) async fn void(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: VoidCreditNote = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a void_credit_note operation has unreadable input: {err}")))?;
    let gateway = run.gateway().clone();
    let path = format!("/v1/credit_notes/{}/void", input.credit_note_id);
    let note = run.step("void credit note", |key| async move { gateway.post_form(&path, &[], Some(&key)).await }).await?;
    let invoice_id = input.invoice_id.or_else(|| kinds::id_of(&note["invoice"]).map(str::to_string));
    // Voiding takes back a balance credit: the customer is fetched again when it had one.
    let customer = kinds::id_of(&note["customer"]).filter(|_| !note["customer_balance_transaction"].is_null());
    let mut after = match invoice_id {
        Some(invoice_id) => refetch(run, &invoice_id, customer, &Value::Null).await?,
        None => Refetched::default(),
    };
    // The row that takes the credit back has no id on the note: the whole ledger is fetched.
    if let Some(customer_id) = customer {
        let gateway = run.gateway().clone();
        let path = format!("/v1/customers/{customer_id}/balance_transactions");
        let ledger = run
            .step("fetch ledger", |_| async move {
                let items = crate::sync::list_all(&gateway, &path).await?;
                Ok(serde_json::json!({ "data": items }))
            })
            .await?;
        after.ledger = Some(ledger["data"].as_array().cloned().unwrap_or_default());
    }
    apply(run, &note, after)?;
    Ok(note)
}

/// What is fetched again after a credit note changed.
#[derive(Default)]
struct Refetched {
    invoice: Option<Value>,
    lines: FetchedChildren,
    customer: Option<(String, Value)>,
    ledger_row: Option<Value>,
    /// The customer's whole ledger, newest first, when it replaces the cached one.
    ledger: Option<Vec<Value>>,
}

/// Fetches the invoice (all its lines when Stripe embeds only some), and the customer and the
/// credit note's ledger row when `customer_id` is given.
async fn refetch(run: &mut OperationRun, invoice_id: &str, customer_id: Option<&str>, note: &Value) -> Result<Refetched> {
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{invoice_id}");
    let invoice = run.step("fetch invoice", |_| async move { gateway.get_json(&path, &[]).await }).await?;
    let mut lines = FetchedChildren::new();
    if invoice["lines"]["has_more"] == Value::Bool(true) {
        let gateway = run.gateway().clone();
        let path = format!("/v1/invoices/{invoice_id}/lines");
        let all = run
            .step("fetch invoice lines", |_| async move {
                let items = crate::sync::list_all(&gateway, &path).await?;
                Ok(serde_json::json!({ "data": items }))
            })
            .await?;
        lines.insert(invoice_id.to_string(), all["data"].as_array().cloned().unwrap_or_default());
    }
    let mut refetched = Refetched { invoice: Some(invoice), lines, ..Refetched::default() };
    if let Some(customer_id) = customer_id {
        let gateway = run.gateway().clone();
        let path = format!("/v1/customers/{customer_id}");
        let customer = run.step("fetch customer", |_| async move { gateway.get_json(&path, &[]).await }).await?;
        if let Some(txn) = note["customer_balance_transaction"].as_str() {
            let gateway = run.gateway().clone();
            let path = format!("/v1/customers/{customer_id}/balance_transactions/{txn}");
            refetched.ledger_row =
                Some(run.step("fetch ledger row", |_| async move { gateway.get_json(&path, &[]).await }).await?);
        }
        refetched.customer = Some((customer_id.to_string(), customer));
    }
    Ok(refetched)
}

/// Applies the credit note and what was fetched after it to the cache in one transaction;
/// applying the same answers again (a resume) changes nothing.
fn apply(run: &OperationRun, note: &Value, after: Refetched) -> Result<()> {
    let account_id = run.operation.account_id.clone();
    text(note, "id")?;
    let kind = |resource: &str| {
        kinds::by_resource(resource).ok_or_else(|| Error::Internal(format!("no cached kind '{resource}'")))
    };
    run.store.cache_write(&account_id, |tx| {
        let version = tx.newest_version()?;
        tx.upsert(kind("credit_notes")?, note, version, false, &FetchedChildren::new())?;
        if let Some(invoice) = &after.invoice {
            tx.upsert(kind("invoices")?, invoice, version, false, &after.lines)?;
        }
        if let Some((customer_id, customer)) = &after.customer {
            tx.upsert(kind("customers")?, customer, version, false, &FetchedChildren::new())?;
            if let Some(row) = &after.ledger_row {
                tx.put_balance_transaction(customer_id, row)?;
            }
            if let Some(ledger) = &after.ledger {
                tx.replace_balance_transactions(customer_id, ledger)?;
            }
        }
        Ok(())
    })?;
    // A purchase order follows its invoice (a fully credited invoice is paid).
    crate::po::reconcile(&run.store, &account_id)?;
    Ok(())
}
