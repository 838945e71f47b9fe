//! What finished (or refused) operations change on their purchase order: the invoice's ids
//! and links after issuing, cancelled after voiding or deleting, payments counted by Stripe
//! after marking paid out of band. Each writes audit rows carrying the Stripe request id of
//! the request that made the change, found in the gateway's request log by the operation's
//! idempotency keys. Charging or writing off the invoice from the invoice view is recorded
//! too, and the PO then follows the invoice the operation has just cached (status, payments).
//! Applying twice changes nothing the second time.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use super::store::{self, Audit};
use crate::error::{Error, Result};
use crate::journal::{InvoiceAction, IssueInvoice, IssuedInvoice, Operation, OperationKind};
use crate::store::Store;

/// The `Request-Id` of the operation's last successful request.
fn request_id(tx: &Transaction<'_>, operation: &Operation) -> Result<Option<String>> {
    Ok(tx
        .query_row(
            "SELECT request_id FROM request_log
             WHERE account_id = ?1 AND idempotency_key LIKE ?2 ESCAPE '\\' AND status BETWEEN 200 AND 299
             ORDER BY id DESC LIMIT 1",
            params![operation.account_id, format!("{}:%", operation.id.replace('_', "\\_"))],
            |row| row.get(0),
        )
        .optional()?
        .flatten())
}

fn po_of(operation: &Operation) -> Option<String> {
    match operation.kind {
        OperationKind::IssueInvoice => {
            serde_json::from_value::<IssueInvoice>(operation.input.clone())
                .ok()?
                .po_id
        }
        // These never belong to a purchase order; the PO follows the invoice they change
        // through the cache instead.
        OperationKind::CreateInvoice
        | OperationKind::UpdateDraftInvoice
        | OperationKind::AddCustomerBalanceTransaction
        | OperationKind::CreateCreditNote
        | OperationKind::VoidCreditNote
        | OperationKind::CreateCustomer
        | OperationKind::UpdateCustomer
        | OperationKind::CreateProduct
        | OperationKind::UpdateProduct
        | OperationKind::SetProductActive
        | OperationKind::AddPrice
        | OperationKind::ReplacePrice
        | OperationKind::SetPriceActive
        | OperationKind::CopyCatalog
        | OperationKind::CreateSubscription
        | OperationKind::CancelSubscription
        | OperationKind::UpdateSubscription
        | OperationKind::CreateCoupon
        | OperationKind::ApplyDunningRule
        | OperationKind::RefundPayment
        | OperationKind::CreatePayment
        | OperationKind::CapturePayment
        | OperationKind::CancelPayment
        | OperationKind::SaveDisputeEvidence
        | OperationKind::SubmitDisputeEvidence
        | OperationKind::AcceptDispute => None,
        _ => {
            serde_json::from_value::<InvoiceAction>(operation.input.clone())
                .ok()?
                .po_id
        }
    }
}

/// Whether the PO still has a row (it may have been removed with its account).
fn exists(tx: &Transaction<'_>, account_id: &str, po_id: &str) -> Result<bool> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM purchase_orders WHERE account_id = ?1 AND id = ?2",
            params![account_id, po_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Applies a finished operation's output to its PO, if it has one.
pub(crate) fn after_operation(store: &Store, operation: &Operation, output: &Value) -> Result<()> {
    if operation.kind == OperationKind::RefundPayment {
        // A refund names no PO; the PO of the refunded invoice (if any) follows the refund
        // the operation cached.
        super::track::reconcile(store, &operation.account_id)?;
        return Ok(());
    }
    let Some(po_id) = po_of(operation) else {
        return Ok(());
    };
    let account = operation.account_id.as_str();
    store.po_write(|tx| {
        if !exists(tx, account, &po_id)? {
            return Ok(());
        }
        let request = request_id(tx, operation)?;
        match operation.kind {
            OperationKind::IssueInvoice => issued(tx, account, &po_id, output, request)?,
            OperationKind::SendInvoice => {
                store::audit(tx, account, &po_id, Audit { stripe_request_id: request, ..Audit::action("resent") })?;
            }
            OperationKind::VoidInvoice => {
                cancelled(tx, account, &po_id, Some("void"), "invoice voided", request)?;
            }
            OperationKind::DeleteInvoice => {
                cancelled(tx, account, &po_id, None, "draft invoice deleted", request)?;
            }
            OperationKind::PayInvoiceOutOfBand => {
                let marked = tx.execute(
                    "UPDATE purchase_order_payments SET recorded_in_stripe = 1
                     WHERE account_id = ?1 AND po_id = ?2 AND oob_operation_id = ?3 AND recorded_in_stripe = 0",
                    params![account, po_id, operation.id],
                )?;
                if marked > 0 {
                    tx.execute(
                        "UPDATE purchase_orders SET invoice_status = ?3 WHERE account_id = ?1 AND id = ?2",
                        params![account, po_id, output["status"].as_str().unwrap_or("paid")],
                    )?;
                    store::audit(
                        tx,
                        account,
                        &po_id,
                        Audit {
                            new_value: Some("Stripe invoice marked paid out of band".into()),
                            stripe_request_id: request.clone(),
                            ..Audit::action("paid_out_of_band")
                        },
                    )?;
                }
                store::settle(tx, account, &po_id, request.as_deref())?;
            }
            OperationKind::PayInvoice => {
                store::audit(
                    tx,
                    account,
                    &po_id,
                    Audit {
                        new_value: Some("Stripe invoice charged to the customer's default payment method".into()),
                        stripe_request_id: request,
                        ..Audit::action("charged")
                    },
                )?;
            }
            OperationKind::MarkInvoiceUncollectible => {
                store::audit(
                    tx,
                    account,
                    &po_id,
                    Audit {
                        new_value: Some("Stripe invoice marked uncollectible".into()),
                        stripe_request_id: request,
                        ..Audit::action("marked_uncollectible")
                    },
                )?;
            }
            // A PO's invoice is issued finalized; a finalize names no PO. Nor do the others.
            OperationKind::FinalizeInvoice
            | OperationKind::AddCustomerBalanceTransaction
            | OperationKind::CreateInvoice
            | OperationKind::UpdateDraftInvoice
            | OperationKind::CreateCreditNote
            | OperationKind::VoidCreditNote
            | OperationKind::CreateCustomer
            | OperationKind::UpdateCustomer
            | OperationKind::CreateProduct
            | OperationKind::UpdateProduct
            | OperationKind::SetProductActive
            | OperationKind::AddPrice
            | OperationKind::ReplacePrice
            | OperationKind::SetPriceActive
            | OperationKind::CopyCatalog
            | OperationKind::CreateSubscription
            | OperationKind::CancelSubscription
            | OperationKind::UpdateSubscription
            | OperationKind::CreateCoupon
            | OperationKind::ApplyDunningRule
            | OperationKind::RefundPayment
            | OperationKind::CreatePayment
            | OperationKind::CapturePayment
            | OperationKind::CancelPayment
            | OperationKind::SaveDisputeEvidence
            | OperationKind::SubmitDisputeEvidence
            | OperationKind::AcceptDispute => {}
        }
        Ok(())
    })?;
    if matches!(operation.kind, OperationKind::PayInvoice | OperationKind::MarkInvoiceUncollectible) {
        // The invoice the operation cached: its status and payments become the PO's.
        super::track::reconcile(store, account)?;
    }
    Ok(())
}

fn issued(
    tx: &Transaction<'_>,
    account: &str,
    po_id: &str,
    output: &Value,
    request: Option<String>,
) -> Result<()> {
    let issued: IssuedInvoice = serde_json::from_value(output.clone())
        .map_err(|err| Error::Internal(format!("unreadable issue output: {err}")))?;
    let already: Option<String> = tx.query_row(
        "SELECT invoice_id FROM purchase_orders WHERE account_id = ?1 AND id = ?2",
        params![account, po_id],
        |row| row.get(0),
    )?;
    if already.as_deref() == Some(issued.invoice_id.as_str()) {
        return Ok(());
    }
    let due_date = issued
        .due_date
        .and_then(|due| chrono::DateTime::from_timestamp(due, 0))
        .map(|due| due.format("%Y-%m-%d").to_string());
    tx.execute(
        "UPDATE purchase_orders SET customer_id = ?3, invoice_id = ?4, invoice_number = ?5, invoice_status = ?6,
                hosted_invoice_url = ?7, invoice_pdf = ?8, due_date = ?9, updated_at = ?10
         WHERE account_id = ?1 AND id = ?2",
        params![
            account,
            po_id,
            issued.customer_id,
            issued.invoice_id,
            issued.number,
            issued.status,
            issued.hosted_invoice_url,
            issued.invoice_pdf,
            due_date,
            store::now()
        ],
    )?;
    store::audit(
        tx,
        account,
        po_id,
        Audit {
            field: Some("invoice"),
            new_value: Some(format!(
                "Invoice {} issued and emailed by Stripe",
                issued.number.as_deref().unwrap_or(&issued.invoice_id)
            )),
            stripe_request_id: request.clone(),
            ..Audit::action("issued")
        },
    )?;
    store::settle(tx, account, po_id, request.as_deref())?;
    Ok(())
}

fn cancelled(
    tx: &Transaction<'_>,
    account: &str,
    po_id: &str,
    invoice_status: Option<&str>,
    what: &str,
    request: Option<String>,
) -> Result<()> {
    tx.execute(
        "UPDATE purchase_orders SET cancelled = 1, invoice_status = ?3,
                invoice_id = CASE WHEN ?3 IS NULL THEN NULL ELSE invoice_id END, updated_at = ?4
         WHERE account_id = ?1 AND id = ?2 AND cancelled = 0",
        params![account, po_id, invoice_status, store::now()],
    )?;
    store::audit(
        tx,
        account,
        po_id,
        Audit {
            new_value: Some(what.into()),
            stripe_request_id: request.clone(),
            ..Audit::action("cancelled")
        },
    )?;
    store::settle(tx, account, po_id, request.as_deref())?;
    Ok(())
}

/// Undoes what a refused operation had reserved on its PO and records Stripe's refusal.
pub(crate) fn after_operation_failed(
    store: &Store,
    operation: &Operation,
    err: &Error,
) -> Result<()> {
    let Some(po_id) = po_of(operation) else {
        return Ok(());
    };
    let account = operation.account_id.as_str();
    store.po_write(|tx| {
        if !exists(tx, account, &po_id)? {
            return Ok(());
        }
        match operation.kind {
            // Issuing may be tried again once the cause is fixed.
            OperationKind::IssueInvoice => {
                tx.execute(
                    "UPDATE purchase_orders SET issue_operation_id = NULL WHERE account_id = ?1 AND id = ?2 AND issue_operation_id = ?3",
                    params![account, po_id, operation.id],
                )?;
            }
            // The payments stay recorded here; Stripe keeps showing them as due.
            OperationKind::PayInvoiceOutOfBand => {
                tx.execute(
                    "UPDATE purchase_order_payments SET oob_operation_id = NULL WHERE account_id = ?1 AND po_id = ?2 AND oob_operation_id = ?3",
                    params![account, po_id, operation.id],
                )?;
            }
            _ => {}
        }
        store::audit(
            tx,
            account,
            &po_id,
            Audit {
                field: Some(operation.kind.as_str()),
                new_value: Some(err.to_string()),
                ..Audit::action("stripe_refused")
            },
        )
    })
}
