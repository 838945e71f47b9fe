//! The operations journal: the one way Billfold writes to Stripe, exactly once.
//!
//! An operation is recorded (kind, account, input) before its first request. Its body is an
//! ordinary async function that calls [`OperationRun::step`] for each request; every step's
//! answer is saved as it arrives, and its request carries `Idempotency-Key: <operation id>:<step>`.
//! Resuming after a crash, a kill or a lost answer runs the body again from the top: saved
//! steps return their saved answer without a request, and the step that was in flight is
//! sent again with the same key, so Stripe replays it instead of making a second object.
//! Steps must therefore be deterministic given the answers of the steps before them.
//!
//! Stripe keeps idempotency keys for 24 hours; an operation left unfinished for longer
//! should look its objects up (by the metadata it wrote) before creating them again.

mod audit;
mod balance_transaction;
mod catalog;
mod catalog_copy;
mod coupon;
mod create_invoice;
mod credit_note;
mod customer;
mod dispute;
mod dunning_rule;
mod invoice_action;
mod issue_invoice;
mod payment;
mod service;
mod store;
mod subscription;
mod update_draft;

use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::store::Store;

pub use audit::OperationEntry;
pub use balance_transaction::AddBalanceTransaction;
pub use catalog::{AddPrice, CreateProduct, SetPriceActive, UpdateProduct};
pub use coupon::CreateCoupon;
pub use create_invoice::CreatedInvoice;
pub use update_draft::UpdateDraft;
pub use credit_note::{CreateCreditNote, CreditNoteLine, VoidCreditNote};
pub use customer::WriteCustomer;
pub use dispute::{AcceptDispute, DisputeEvidenceWrite, SpooledFile};
pub(crate) use dispute::{discard_spool, spool_dir};
pub use dunning_rule::DunningRuleApplication;
pub use invoice_action::InvoiceAction;
pub use issue_invoice::{IssueInvoice, IssueInvoiceLine, IssuedInvoice};
pub use payment::{CreatePayment, PaymentIntentAction, RefundPayment};
pub use subscription::{CreatedSubscription, SubscriptionWrite};

/// Where an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OperationStatus {
    /// Recorded and not finished: it runs now or resumes at the next start.
    Pending,
    /// Finished; its output is in the state.
    Done,
    /// Stripe refused it for good (the error says why); nothing will retry it.
    Failed,
}

impl OperationStatus {
    fn as_str(self) -> &'static str {
        match self {
            OperationStatus::Pending => "pending",
            OperationStatus::Done => "done",
            OperationStatus::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Result<Self> {
        match value {
            "pending" => Ok(OperationStatus::Pending),
            "done" => Ok(OperationStatus::Done),
            "failed" => Ok(OperationStatus::Failed),
            other => Err(Error::Store(format!("unknown operation status '{other}'"))),
        }
    }
}

/// The kinds of operation Billfold knows how to run (and so to resume).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// Find or create the customer, create a send-invoice invoice, add all lines, finalize
    /// (Stripe emails it).
    IssueInvoice,
    /// Email an open invoice again (`POST /v1/invoices/{id}/send`).
    SendInvoice,
    /// Void an open invoice.
    VoidInvoice,
    /// Delete a draft invoice.
    DeleteInvoice,
    /// Mark an open invoice paid outside Stripe (`pay` with `paid_out_of_band=true`).
    PayInvoiceOutOfBand,
    /// Credit or debit a customer's balance (`POST /v1/customers/{id}/balance_transactions`).
    AddCustomerBalanceTransaction,
    /// Finalize a draft invoice (draft → open).
    FinalizeInvoice,
    /// Charge what remains of an invoice to the customer's default payment method.
    PayInvoice,
    /// Write an open invoice off as uncollectible.
    MarkInvoiceUncollectible,
    /// Find or create the customer, create a draft invoice and add all its lines in one
    /// request; a draft whose lines Stripe refuses is deleted again.
    CreateInvoice,
    /// Change a draft's terms, then add, update and remove lines (one request each).
    UpdateDraftInvoice,
    /// Issue a credit note on an open or paid invoice, then fetch the invoice (and the
    /// customer when its balance moved) again.
    CreateCreditNote,
    /// Void a credit note, then fetch its invoice (and customer) again.
    VoidCreditNote,
    /// Create a customer (`POST /v1/customers`).
    CreateCustomer,
    /// Update a customer (`POST /v1/customers/{id}`).
    UpdateCustomer,
    /// Create a product, then its first price (made the product's default price).
    CreateProduct,
    /// Change a product's name, description and metadata.
    UpdateProduct,
    /// Archive or unarchive a product.
    SetProductActive,
    /// Create a price on a product.
    AddPrice,
    /// Create a price replacing another on the same product (the default moves to it when the
    /// old one was the default), then archive the old one.
    ReplacePrice,
    /// Archive (clearing the product's default first when it is this price) or unarchive a price.
    SetPriceActive,
    /// Copy a catalog into the account: the confirmed plan's actions, one step each.
    CopyCatalog,
    /// Find or create the customer, create a subscription, then fetch the customer and the
    /// subscription's first invoice.
    CreateSubscription,
    /// Cancel a subscription at once (`DELETE /v1/subscriptions/{id}`).
    CancelSubscription,
    /// Change a subscription (`POST /v1/subscriptions/{id}`): cancel at period end or not,
    /// pause or resume collection.
    UpdateSubscription,
    /// Create a coupon (`POST /v1/coupons`).
    CreateCoupon,
    /// The account's dunning rule applied to one subscription: mark it in its metadata
    /// (`POST /v1/subscriptions/{id}`), then, when the rule cancels, cancel it at once.
    ApplyDunningRule,
    /// Refund (part of) a payment's charge (`POST /v1/refunds`), then fetch the charge and
    /// the payment intent again.
    RefundPayment,
    /// Charge a customer's saved payment method (`POST /v1/payment_intents`, confirmed
    /// off-session), then fetch its charge.
    CreatePayment,
    /// Capture an authorized payment, then fetch its charge.
    CapturePayment,
    /// Cancel an uncaptured payment (its authorization is released), then fetch its charge.
    CancelPayment,
    /// Upload each new evidence file, then stage the evidence on the dispute (`submit=false`).
    SaveDisputeEvidence,
    /// Upload each new evidence file, then send the evidence to the bank (`submit=true`; once).
    SubmitDisputeEvidence,
    /// Accept a dispute (`POST /v1/disputes/{id}/close`): it closes as lost.
    AcceptDispute,
}

impl OperationKind {
    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::IssueInvoice => "issue_invoice",
            OperationKind::SendInvoice => "send_invoice",
            OperationKind::VoidInvoice => "void_invoice",
            OperationKind::DeleteInvoice => "delete_invoice",
            OperationKind::PayInvoiceOutOfBand => "pay_invoice_out_of_band",
            OperationKind::AddCustomerBalanceTransaction => "add_customer_balance_transaction",
            OperationKind::FinalizeInvoice => "finalize_invoice",
            OperationKind::PayInvoice => "pay_invoice",
            OperationKind::MarkInvoiceUncollectible => "mark_invoice_uncollectible",
            OperationKind::CreateInvoice => "create_invoice",
            OperationKind::UpdateDraftInvoice => "update_draft_invoice",
            OperationKind::CreateCreditNote => "create_credit_note",
            OperationKind::VoidCreditNote => "void_credit_note",
            OperationKind::CreateCustomer => "create_customer",
            OperationKind::UpdateCustomer => "update_customer",
            OperationKind::CreateProduct => "create_product",
            OperationKind::UpdateProduct => "update_product",
            OperationKind::SetProductActive => "set_product_active",
            OperationKind::AddPrice => "add_price",
            OperationKind::ReplacePrice => "replace_price",
            OperationKind::SetPriceActive => "set_price_active",
            OperationKind::CopyCatalog => "copy_catalog",
            OperationKind::CreateSubscription => "create_subscription",
            OperationKind::CancelSubscription => "cancel_subscription",
            OperationKind::UpdateSubscription => "update_subscription",
            OperationKind::CreateCoupon => "create_coupon",
            OperationKind::ApplyDunningRule => "apply_dunning_rule",
            OperationKind::RefundPayment => "refund_payment",
            OperationKind::CreatePayment => "create_payment",
            OperationKind::CapturePayment => "capture_payment",
            OperationKind::CancelPayment => "cancel_payment",
            OperationKind::SaveDisputeEvidence => "save_dispute_evidence",
            OperationKind::SubmitDisputeEvidence => "submit_dispute_evidence",
            OperationKind::AcceptDispute => "accept_dispute",
        }
    }

    fn parse(value: &str) -> Result<Self> {
        match value {
            "issue_invoice" => Ok(OperationKind::IssueInvoice),
            "send_invoice" => Ok(OperationKind::SendInvoice),
            "void_invoice" => Ok(OperationKind::VoidInvoice),
            "delete_invoice" => Ok(OperationKind::DeleteInvoice),
            "pay_invoice_out_of_band" => Ok(OperationKind::PayInvoiceOutOfBand),
            "add_customer_balance_transaction" => Ok(OperationKind::AddCustomerBalanceTransaction),
            "finalize_invoice" => Ok(OperationKind::FinalizeInvoice),
            "pay_invoice" => Ok(OperationKind::PayInvoice),
            "mark_invoice_uncollectible" => Ok(OperationKind::MarkInvoiceUncollectible),
            "create_invoice" => Ok(OperationKind::CreateInvoice),
            "update_draft_invoice" => Ok(OperationKind::UpdateDraftInvoice),
            "create_credit_note" => Ok(OperationKind::CreateCreditNote),
            "void_credit_note" => Ok(OperationKind::VoidCreditNote),
            "create_customer" => Ok(OperationKind::CreateCustomer),
            "update_customer" => Ok(OperationKind::UpdateCustomer),
            "create_product" => Ok(OperationKind::CreateProduct),
            "update_product" => Ok(OperationKind::UpdateProduct),
            "set_product_active" => Ok(OperationKind::SetProductActive),
            "add_price" => Ok(OperationKind::AddPrice),
            "replace_price" => Ok(OperationKind::ReplacePrice),
            "set_price_active" => Ok(OperationKind::SetPriceActive),
            "copy_catalog" => Ok(OperationKind::CopyCatalog),
            "create_subscription" => Ok(OperationKind::CreateSubscription),
            "cancel_subscription" => Ok(OperationKind::CancelSubscription),
            "update_subscription" => Ok(OperationKind::UpdateSubscription),
            "create_coupon" => Ok(OperationKind::CreateCoupon),
            "apply_dunning_rule" => Ok(OperationKind::ApplyDunningRule),
            "refund_payment" => Ok(OperationKind::RefundPayment),
            "create_payment" => Ok(OperationKind::CreatePayment),
            "capture_payment" => Ok(OperationKind::CapturePayment),
            "cancel_payment" => Ok(OperationKind::CancelPayment),
            "save_dispute_evidence" => Ok(OperationKind::SaveDisputeEvidence),
            "submit_dispute_evidence" => Ok(OperationKind::SubmitDisputeEvidence),
            "accept_dispute" => Ok(OperationKind::AcceptDispute),
            other => Err(Error::Store(format!("unknown operation kind '{other}'"))),
        }
    }
}

/// One journal row.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Unique id; also the prefix of every idempotency key the operation sends.
    pub id: String,
    /// The account whose Stripe it writes to.
    pub account_id: String,
    /// What it does.
    pub kind: OperationKind,
    /// Its input as recorded before the first request.
    pub input: Value,
    /// How many steps have a saved answer.
    pub step: u32,
    /// Saved step answers (`steps`) and, once done, the `output`.
    pub state: Value,
    /// Pending, done or failed.
    pub status: OperationStatus,
    /// The last error, if any (a pending operation may have met a transient one).
    pub error: Option<String>,
}

impl Operation {
    /// The output of a finished operation.
    pub fn output(&self) -> Option<&Value> {
        self.state.get("output")
    }
}

/// Records a new operation; nothing is sent to Stripe yet.
pub fn begin(store: &Store, account_id: &str, kind: OperationKind, input: Value) -> Result<Operation> {
    let operation = prepare(account_id, kind, input);
    store.insert_operation(&operation)?;
    tracing::info!(operation = %operation.id, kind = kind.as_str(), account = %account_id, "operation recorded");
    Ok(operation)
}

/// Records a new operation inside the caller's transaction, so the record that points at it
/// (a purchase order) and the operation are saved together or not at all.
pub(crate) fn begin_in(tx: &rusqlite::Connection, account_id: &str, kind: OperationKind, input: Value) -> Result<Operation> {
    let operation = prepare(account_id, kind, input);
    store::insert_operation_in(tx, &operation)?;
    tracing::info!(operation = %operation.id, kind = kind.as_str(), account = %account_id, "operation recorded");
    Ok(operation)
}

fn prepare(account_id: &str, kind: OperationKind, input: Value) -> Operation {
    Operation {
        id: format!("op_{}", uuid::Uuid::new_v4().simple()),
        account_id: account_id.to_string(),
        kind,
        input,
        step: 0,
        state: serde_json::json!({ "steps": [] }),
        status: OperationStatus::Pending,
        error: None,
    }
}

/// Runs (or resumes) an operation to its end and returns its output. A transient failure
/// (network, rate limit, Stripe 5xx) leaves it pending for the next resume; a refusal marks
/// it failed. Either way the error is returned.
pub async fn run(store: &Arc<Store>, gateway: &Gateway, operation_id: &str) -> Result<Value> {
    let operation = store.operation(operation_id)?;
    match operation.status {
        OperationStatus::Done => return Ok(operation.output().cloned().unwrap_or(Value::Null)),
        OperationStatus::Failed => {
            return Err(Error::Conflict(format!(
                "This operation failed earlier and will not be retried: {}",
                operation.error.unwrap_or_default()
            )))
        }
        OperationStatus::Pending => {}
    }
    if gateway.account_id() != operation.account_id {
        return Err(Error::Internal("an operation was run with another account's gateway".into()));
    }
    let recorded = operation.clone();
    let kind = operation.kind;
    let input = operation.input.clone();
    let mut run = OperationRun { store: store.clone(), gateway: gateway.clone(), operation, next_step: 0 };
    let result = match kind {
        OperationKind::IssueInvoice => issue_invoice::run(&mut run, input).await,
        OperationKind::SendInvoice
        | OperationKind::VoidInvoice
        | OperationKind::DeleteInvoice
        | OperationKind::PayInvoiceOutOfBand
        | OperationKind::FinalizeInvoice
        | OperationKind::PayInvoice
        | OperationKind::MarkInvoiceUncollectible => invoice_action::run(&mut run, kind, input).await,
        OperationKind::AddCustomerBalanceTransaction => balance_transaction::run(&mut run, input).await,
        OperationKind::CreateInvoice => create_invoice::run(&mut run, input).await,
        OperationKind::UpdateDraftInvoice => update_draft::run(&mut run, input).await,
        OperationKind::CreateCreditNote => credit_note::create(&mut run, input).await,
        OperationKind::VoidCreditNote => credit_note::void(&mut run, input).await,
        OperationKind::CreateCustomer | OperationKind::UpdateCustomer => customer::run(&mut run, kind, input).await,
        OperationKind::CreateProduct
        | OperationKind::UpdateProduct
        | OperationKind::SetProductActive
        | OperationKind::AddPrice
        | OperationKind::ReplacePrice
        | OperationKind::SetPriceActive => catalog::run(&mut run, kind, input).await,
        OperationKind::CopyCatalog => catalog_copy::run(&mut run, input).await,
        OperationKind::CreateSubscription => subscription::create(&mut run, input).await,
        OperationKind::CancelSubscription | OperationKind::UpdateSubscription => {
            subscription::write(&mut run, kind, input).await
        }
        OperationKind::CreateCoupon => coupon::create(&mut run, input).await,
        OperationKind::ApplyDunningRule => dunning_rule::run(&mut run, input).await,
        OperationKind::RefundPayment
        | OperationKind::CreatePayment
        | OperationKind::CapturePayment
        | OperationKind::CancelPayment => payment::run(&mut run, kind, input).await,
        OperationKind::SaveDisputeEvidence | OperationKind::SubmitDisputeEvidence | OperationKind::AcceptDispute => {
            dispute::run(&mut run, kind, input).await
        }
    };
    // What the operation changes locally is applied before it is marked done: a crash in
    // between leaves it pending, and resuming (from saved answers, no requests) applies it again.
    let result = match result {
        Ok(output) => crate::po::after_operation(store, &recorded, &output).map(|()| output),
        Err(err) => Err(err),
    };
    match result {
        Ok(output) => {
            store.finish_operation(operation_id, &output)?;
            tracing::info!(operation = %operation_id, "operation done");
            Ok(output)
        }
        Err(err) => {
            let status = if is_transient(&err) { OperationStatus::Pending } else { OperationStatus::Failed };
            store.set_operation_error(operation_id, status, &err.to_string())?;
            if status == OperationStatus::Failed {
                crate::po::after_operation_failed(store, &recorded, &err)?;
            }
            tracing::warn!(operation = %operation_id, status = status.as_str(), %err, "operation stopped");
            Err(err)
        }
    }
}

/// Operations of an account (or all) that have not finished, oldest first.
pub fn unfinished(store: &Store) -> Result<Vec<Operation>> {
    store.unfinished_operations()
}

/// Errors after which the same request may succeed later.
pub(crate) fn is_transient(err: &Error) -> bool {
    match err {
        Error::StripeUnreachable { .. } | Error::StripeRateLimited => true,
        Error::Stripe { status, .. } => *status >= 500 || *status == 409,
        Error::KeychainLocked(_) | Error::KeychainUnavailable(_) | Error::Store(_) => true,
        _ => false,
    }
}

/// A running operation: hands out steps and saves their answers.
pub struct OperationRun {
    store: Arc<Store>,
    gateway: Gateway,
    operation: Operation,
    next_step: u32,
}

impl OperationRun {
    /// The gateway of the operation's account.
    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }

    /// The operation's id.
    pub fn id(&self) -> &str {
        &self.operation.id
    }

    /// Applies Stripe's answer about an invoice to the account's cache. Done inside the
    /// operation, so a resume (from saved answers, no requests) applies it again; the second
    /// time changes nothing.
    pub(crate) fn apply_invoice(&self, answer: &Value) -> Result<()> {
        crate::invoices::apply_invoice(&self.store, &self.operation.account_id, answer).map(|_| ())
    }

    /// Applies a subscription as Stripe answered it to the account's cache, like
    /// [`OperationRun::apply_invoice`].
    pub(crate) fn apply_subscription(&self, answer: &Value) -> Result<()> {
        crate::subscriptions::apply_subscription(&self.store, &self.operation.account_id, answer).map(|_| ())
    }

    /// Applies a customer as Stripe answered it to the account's cache, like
    /// [`OperationRun::apply_invoice`].
    pub(crate) fn apply_customer(&self, customer: &Value) -> Result<()> {
        let kind = crate::store::cache::kinds::by_resource("customers")
            .ok_or_else(|| Error::Internal("customers are not cached".into()))?;
        self.store.cache_write(&self.operation.account_id, |tx| {
            let version = tx.newest_version()?;
            tx.upsert(kind, customer, version, false, &crate::store::cache::FetchedChildren::new())
        })?;
        Ok(())
    }

    /// Runs the next step: returns its saved answer if it has one, else calls `request`
    /// with the step's idempotency key (`<operation id>:<step>`) and saves the answer before
    /// returning it. `name` is for people reading the journal.
    pub async fn step<F, Fut>(&mut self, name: &str, request: F) -> Result<Value>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = Result<Value>>,
    {
        let index = self.next_step;
        self.next_step += 1;
        if let Some(saved) = self.operation.state["steps"].get(index as usize) {
            return Ok(saved["answer"].clone());
        }
        let key = format!("{}:{index}", self.operation.id);
        let answer = request(key).await?;
        let steps = self.operation.state["steps"]
            .as_array_mut()
            .ok_or_else(|| Error::Internal("an operation's steps are not a list".into()))?;
        steps.push(serde_json::json!({ "name": name, "answer": answer }));
        self.store.save_operation_state(&self.operation.id, index + 1, &self.operation.state)?;
        Ok(answer)
    }
}
