//! Payments on [`Billfold`]: the cached lists, one payment's detail (its charge fetched again
//! with the balance transaction expanded, for the fee), and refunding, creating, capturing or
//! canceling a payment exactly once, each one journaled operation whose answers are applied to
//! the cache before it returns.

use serde_json::Value;

use super::validate::{check_refund, new_payment_form};
use super::{NewPaymentInput, PaymentDetail, PaymentFilters, PaymentPage, RefundInput, RefundPage};
use crate::credit_notes::check_stripe_id;
use crate::error::{Error, Result};
use crate::journal::{self, CreatePayment, OperationKind, PaymentIntentAction, RefundPayment};
use crate::service::Billfold;
use crate::store::cache::kinds;
use crate::store::{FetchedChildren, ListQuery};

/// What a payment operation may change, for the views that follow it.
const CHANGED: [&str; 5] = ["payment_intents", "charges", "refunds", "invoices", crate::po::RESOURCE];

impl Billfold {
    /// A page of the account's cached payments.
    pub fn list_payments(&self, account_id: &str, query: &ListQuery, filters: &PaymentFilters) -> Result<PaymentPage> {
        self.store().get_account(account_id)?;
        self.store().list_payments(account_id, query, filters)
    }

    /// A page of the account's cached refunds.
    pub fn list_refunds(&self, account_id: &str, query: &ListQuery) -> Result<RefundPage> {
        self.store().get_account(account_id)?;
        self.store().list_refunds(account_id, query)
    }

    /// One payment in detail. Its charge is fetched again with the balance transaction
    /// expanded (for the fee and net) and kept in the cache; offline, the cached detail is
    /// answered as it is.
    pub async fn payment_detail(&self, account_id: &str, payment_intent_id: &str) -> Result<PaymentDetail> {
        check_stripe_id(payment_intent_id, "pi_", "payment")?;
        let detail = self.store().payment_detail(account_id, payment_intent_id)?;
        let Some(charge_id) = detail.payment.charge_id.clone() else {
            return Ok(detail);
        };
        let fetched = async {
            let gateway = self.gateway(account_id).await?;
            let expand = [("expand[]".to_string(), "balance_transaction".to_string())];
            gateway.get_json(&format!("/v1/charges/{charge_id}"), &expand).await
        }
        .await;
        match fetched {
            Ok(charge) => {
                self.cache_object(account_id, "charges", &charge)?;
                self.store().payment_detail(account_id, payment_intent_id)
            }
            Err(err) => {
                tracing::warn!(payment = %payment_intent_id, %err, "the charge could not be fetched; the cached detail is shown");
                Ok(detail)
            }
        }
    }

    /// Refunds (part of) a payment after checking it against the cache: never more than is
    /// left, never a disputed charge. Answers the payment as cached afterwards.
    pub async fn refund_payment(&self, account_id: &str, input: RefundInput) -> Result<PaymentDetail> {
        self.store().get_account(account_id)?;
        let checked = check_refund(self.store(), account_id, &input)?;
        let gateway = self.gateway(account_id).await?;
        let operation = RefundPayment {
            payment_intent_id: input.payment_intent_id.clone(),
            charge_id: checked.charge_id,
            amount: checked.amount,
            reason: input.reason.map(|reason| reason.as_str().to_string()),
            note: input.note.map(|note| note.trim().to_string()).filter(|note| !note.is_empty()),
        };
        self.run_payment_operation(account_id, &gateway, OperationKind::RefundPayment, &operation).await?;
        self.store().payment_detail(account_id, &input.payment_intent_id)
    }

    /// Charges a customer's saved payment method off-session (or only authorizes it, to
    /// capture later). A decline is answered as the card error, with the failed payment cached.
    pub async fn create_payment(&self, account_id: &str, input: NewPaymentInput) -> Result<PaymentDetail> {
        self.store().get_account(account_id)?;
        let form = new_payment_form(self.store(), account_id, &input)?;
        let gateway = self.gateway(account_id).await?;
        let input_value = serde_json::to_value(CreatePayment { form }).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, OperationKind::CreatePayment, input_value)?;
        let output = journal::run(&self.shared_store(), &gateway, &operation.id).await;
        let output = match output {
            Ok(output) => output,
            Err(err) => {
                // Stripe keeps the declined intent; cache it so the list shows the failure.
                if matches!(err, Error::StripeCard(_)) {
                    self.cache_declined(account_id, &gateway, &input.customer_id, &operation.id).await;
                }
                self.written_to_stripe(account_id, CHANGED);
                return Err(err);
            }
        };
        self.written_to_stripe(account_id, CHANGED);
        let id = output["payment_intent_id"]
            .as_str()
            .ok_or_else(|| Error::Internal("a create_payment operation gave no payment id".into()))?;
        self.store().payment_detail(account_id, id)
    }

    /// Captures an authorized payment in full.
    pub async fn capture_payment(&self, account_id: &str, payment_intent_id: &str) -> Result<PaymentDetail> {
        self.intent_action(account_id, payment_intent_id, OperationKind::CapturePayment, "requires_capture", "captured").await
    }

    /// Cancels a payment that has not gone through (an authorization is released).
    pub async fn cancel_payment(&self, account_id: &str, payment_intent_id: &str) -> Result<PaymentDetail> {
        let detail = self.store().payment_detail(account_id, payment_intent_id)?;
        if !detail.can_cancel {
            return Err(Error::Validation("Only a payment that has not gone through can be canceled.".into()));
        }
        self.intent_action(account_id, payment_intent_id, OperationKind::CancelPayment, "", "canceled").await
    }

    async fn intent_action(&self, account_id: &str, id: &str, kind: OperationKind, needs: &str, done: &str) -> Result<PaymentDetail> {
        self.store().get_account(account_id)?;
        check_stripe_id(id, "pi_", "payment")?;
        let detail = self.store().payment_detail(account_id, id)?;
        if !needs.is_empty() && !detail.can_capture {
            return Err(Error::Validation(format!("Only an authorized, uncaptured payment can be {done}.")));
        }
        let gateway = self.gateway(account_id).await?;
        let input = PaymentIntentAction { payment_intent_id: id.to_string() };
        self.run_payment_operation(account_id, &gateway, kind, &input).await?;
        self.store().payment_detail(account_id, id)
    }

    async fn run_payment_operation<T: serde::Serialize>(
        &self,
        account_id: &str,
        gateway: &crate::gateway::Gateway,
        kind: OperationKind,
        input: &T,
    ) -> Result<Value> {
        let input = serde_json::to_value(input).map_err(|err| Error::Internal(err.to_string()))?;
        let operation = journal::begin(self.store(), account_id, kind, input)?;
        let output = journal::run(&self.shared_store(), gateway, &operation.id).await;
        self.written_to_stripe(account_id, CHANGED);
        output
    }

    /// Caches the intent a declined `create_payment` left in Stripe, found by its operation id
    /// among the customer's newest payments, with its charge. Best effort: the decline is what
    /// the caller reports either way.
    async fn cache_declined(&self, account_id: &str, gateway: &crate::gateway::Gateway, customer_id: &str, operation_id: &str) {
        let query = [("customer".to_string(), customer_id.to_string()), ("limit".to_string(), "10".to_string())];
        let found = async {
            let page = gateway.get_json("/v1/payment_intents", &query).await?;
            let intent = page["data"].as_array().and_then(|intents| {
                intents.iter().find(|intent| intent["metadata"]["operation_id"] == operation_id).cloned()
            });
            let Some(intent) = intent else { return Ok(()) };
            self.cache_object(account_id, "payment_intents", &intent)?;
            if let Some(charge) = kinds::id_of(&intent["latest_charge"]) {
                let charge = gateway.get_json(&format!("/v1/charges/{charge}"), &[]).await?;
                self.cache_object(account_id, "charges", &charge)?;
            }
            Ok::<(), Error>(())
        }
        .await;
        if let Err(err) = found {
            tracing::warn!(operation = %operation_id, %err, "the declined payment could not be cached");
        }
    }

    /// Stores an object as Stripe answered it in the account's cache.
    fn cache_object(&self, account_id: &str, resource: &str, object: &Value) -> Result<()> {
        let kind = kinds::by_resource(resource).ok_or_else(|| Error::Internal(format!("{resource} are not cached")))?;
        self.store().cache_write(account_id, |tx| {
            let version = tx.newest_version()?;
            tx.upsert(kind, object, version, false, &FetchedChildren::new())
        })?;
        Ok(())
    }
}
