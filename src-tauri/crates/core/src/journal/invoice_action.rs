//! One-request operations on an existing invoice: send it again, void it, delete a draft, or
//! mark it paid outside Stripe. Each is journaled like any write, so a lost answer is replayed
//! under the same idempotency key rather than repeated.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::pairs;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::gateway::Method;

/// Input of an invoice action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceAction {
    /// The Stripe invoice acted on.
    pub invoice_id: String,
    /// The purchase order it belongs to, updated when the operation finishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_id: Option<String>,
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    let input: InvoiceAction = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("an invoice operation has unreadable input: {err}")))?;
    let gateway = run.gateway().clone();
    let id = input.invoice_id;
    match kind {
        OperationKind::SendInvoice => {
            let path = format!("/v1/invoices/{id}/send");
            run.step("send", |key| async move { gateway.post_form(&path, &[], Some(&key)).await }).await
        }
        OperationKind::VoidInvoice => {
            let path = format!("/v1/invoices/{id}/void");
            run.step("void", |key| async move { gateway.post_form(&path, &[], Some(&key)).await }).await
        }
        OperationKind::PayInvoiceOutOfBand => {
            let path = format!("/v1/invoices/{id}/pay");
            let form = pairs(&[("paid_out_of_band", "true")]);
            run.step("pay out of band", |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await
        }
        OperationKind::DeleteInvoice => {
            let path = format!("/v1/invoices/{id}");
            run.step("delete draft", |_| async move {
                let body = gateway.execute(Method::Delete, &path, None, None, None).await;
                match body {
                    Ok(body) => serde_json::from_slice(&body)
                        .map_err(|err| Error::StripeResponse(format!("not JSON ({err})"))),
                    // Deleted by an earlier attempt whose answer was lost: the goal is reached.
                    Err(Error::Stripe { code: Some(code), .. }) if code == "resource_missing" => {
                        Ok(serde_json::json!({ "id": id, "object": "invoice", "deleted": true }))
                    }
                    Err(err) => Err(err),
                }
            })
            .await
        }
        OperationKind::IssueInvoice
        | OperationKind::AddCustomerBalanceTransaction
        | OperationKind::CreateCreditNote
        | OperationKind::VoidCreditNote
        | OperationKind::CreateCustomer
        | OperationKind::UpdateCustomer => {
            Err(Error::Internal(format!("{} is not an invoice action", kind.as_str())))
        }
    }
}
