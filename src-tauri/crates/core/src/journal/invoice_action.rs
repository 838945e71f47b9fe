//! One-request operations on an existing invoice: finalize it, send it again, charge it, void
//! it, mark it uncollectible, delete a draft, or mark it paid outside Stripe. Each is journaled
//! like any write, so a lost answer is replayed under the same idempotency key rather than
//! repeated, and Stripe's answer is applied to the cache before the operation ends (with the
//! customer, fetched again, when the invoice took or gave back its balance).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::issue_invoice::pairs;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::gateway::Method;
use crate::store::cache::kinds::id_of;

/// Input of an invoice action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceAction {
    /// The Stripe invoice acted on.
    pub invoice_id: String,
    /// The purchase order it belongs to, updated when the operation finishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_id: Option<String>,
}

/// `POST /v1/invoices/{id}/{verb}` as one step.
async fn post(run: &mut OperationRun, id: &str, verb: &str, form: Vec<(String, String)>) -> Result<Value> {
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{id}/{verb}");
    run.step(verb, |key| async move { gateway.post_form(&path, &form, Some(&key)).await }).await
}

/// Deletes a draft; one already gone counts as deleted.
pub(super) async fn delete_draft(run: &mut OperationRun, id: &str, name: &str) -> Result<Value> {
    let gateway = run.gateway().clone();
    let path = format!("/v1/invoices/{id}");
    let id = id.to_string();
    run.step(name, |_| async move {
        let body = gateway.execute(Method::Delete, &path, None, None, None).await;
        match body {
            Ok(body) => serde_json::from_slice(&body).map_err(|err| Error::StripeResponse(format!("not JSON ({err})"))),
            // Deleted by an earlier attempt whose answer was lost: the goal is reached.
            Err(Error::Stripe { code: Some(code), .. }) if code == "resource_missing" => {
                Ok(serde_json::json!({ "id": id, "object": "invoice", "deleted": true }))
            }
            Err(err) => Err(err),
        }
    })
    .await
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    let input: InvoiceAction = serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("an invoice operation has unreadable input: {err}")))?;
    let id = input.invoice_id;
    let answer = match kind {
        OperationKind::FinalizeInvoice => post(run, &id, "finalize", Vec::new()).await?,
        OperationKind::SendInvoice => post(run, &id, "send", Vec::new()).await?,
        OperationKind::VoidInvoice => post(run, &id, "void", Vec::new()).await?,
        OperationKind::MarkInvoiceUncollectible => post(run, &id, "mark_uncollectible", Vec::new()).await?,
        // Without a payment method Stripe charges the invoice's, subscription's or customer's default.
        OperationKind::PayInvoice => post(run, &id, "pay", Vec::new()).await?,
        OperationKind::PayInvoiceOutOfBand => post(run, &id, "pay", pairs(&[("paid_out_of_band", "true")])).await?,
        OperationKind::DeleteInvoice => delete_draft(run, &id, "delete draft").await?,
        OperationKind::IssueInvoice
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
        | OperationKind::AcceptDispute => {
            return Err(Error::Internal(format!("{} is not an invoice action", kind.as_str())))
        }
    };
    run.apply_invoice(&answer)?;
    // Finalizing applies the customer's balance to the invoice and voiding gives it back: the
    // customer changed too, and its event comes only with the next poll.
    let balance_moved = answer["starting_balance"].as_i64().unwrap_or(0) != 0;
    if balance_moved && matches!(kind, OperationKind::FinalizeInvoice | OperationKind::VoidInvoice) {
        if let Some(customer_id) = id_of(&answer["customer"]) {
            let gateway = run.gateway().clone();
            let path = format!("/v1/customers/{customer_id}");
            let customer = run.step("fetch customer", |_| async move { gateway.get_json(&path, &[]).await }).await?;
            run.apply_customer(&customer)?;
        }
    }
    Ok(answer)
}
