//! Subscription operations. `cancel_subscription` is one `DELETE /v1/subscriptions/{id}`
//! (with `invoice_now` and `prorate`); `update_subscription` one `POST /v1/subscriptions/{id}`
//! with a checked form (cancel at period end or not, pause or resume collection);
//! `create_subscription` finds or creates the customer by email, creates the subscription
//! (the operation's id in its metadata), then fetches the customer and the first invoice.
//! Stripe's answers are applied to the cache before the operation ends.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::create_invoice::customer;
use super::issue_invoice::text;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::gateway::Method;
use crate::invoices::CollectionMethod;
use crate::store::cache::kinds::id_of;
use crate::subscriptions::{NewSubscriptionInput, TrialInput};

/// Input of `cancel_subscription` and `update_subscription`, as recorded (already checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionWrite {
    /// The Stripe subscription written to.
    pub subscription_id: String,
    /// The parameters sent, in order.
    pub form: Vec<(String, String)>,
}

/// What `create_subscription` gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedSubscription {
    /// Stripe customer id.
    pub customer_id: String,
    /// The new subscription's id.
    pub subscription_id: String,
}

fn unreadable(kind: OperationKind, err: serde_json::Error) -> Error {
    Error::Internal(format!("a {} operation has unreadable input: {err}", kind.as_str()))
}

/// Cancels at once. A cancel whose answer was lost finds the subscription canceled when sent
/// again (Stripe keeps no idempotency for a DELETE): then the goal is reached, and the
/// subscription as it is now is the answer.
pub(super) async fn cancel(run: &mut OperationRun, input: &SubscriptionWrite) -> Result<Value> {
    let gateway = run.gateway().clone();
    let path = format!("/v1/subscriptions/{}", input.subscription_id);
    // Sent as the query: the form holds only `invoice_now` and `prorate`, booleans that need no
    // escaping.
    let query = input.form.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&");
    run.step("cancel subscription", |key| async move {
        let sent = gateway.execute(Method::Delete, &path, Some(query), None, Some(key.as_str())).await;
        let body = match sent {
            Ok(body) => body,
            Err(err @ Error::Stripe { status: 400, .. }) => {
                let now = gateway.get_json(&path, &[]).await?;
                return if now["status"] == "canceled" { Ok(now) } else { Err(err) };
            }
            Err(err) => return Err(err),
        };
        serde_json::from_slice(&body).map_err(|err| Error::StripeResponse(format!("not JSON ({err})")))
    })
    .await
}

pub(super) async fn write(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    let input: SubscriptionWrite = serde_json::from_value(input).map_err(|err| unreadable(kind, err))?;
    let answer = match kind {
        OperationKind::CancelSubscription => cancel(run, &input).await?,
        OperationKind::UpdateSubscription => {
            let gateway = run.gateway().clone();
            let path = format!("/v1/subscriptions/{}", input.subscription_id);
            let form = input.form;
            run.step("update subscription", |key| async move { gateway.post_form(&path, &form, Some(&key)).await })
                .await?
        }
        other => return Err(Error::Internal(format!("{} is not a subscription write", other.as_str()))),
    };
    run.apply_subscription(&answer)?;
    Ok(answer)
}

/// The form of `POST /v1/subscriptions`.
fn subscription_form(input: &NewSubscriptionInput, customer_id: &str, operation_id: &str) -> Vec<(String, String)> {
    let mut form = vec![
        ("customer".to_string(), customer_id.to_string()),
        ("collection_method".to_string(), input.collection_method.as_str().to_string()),
        ("payment_behavior".to_string(), input.payment_behavior.clone()),
        ("metadata[operation_id]".to_string(), operation_id.to_string()),
    ];
    for (index, item) in input.items.iter().enumerate() {
        form.push((format!("items[{index}][price]"), item.price_id.clone()));
        form.push((format!("items[{index}][quantity]"), item.quantity.to_string()));
    }
    match input.trial {
        TrialInput::None => {}
        TrialInput::Days { days } => form.push(("trial_period_days".into(), days.to_string())),
        TrialInput::Until { trial_end } => form.push(("trial_end".into(), trial_end.to_string())),
    }
    if let (CollectionMethod::SendInvoice, Some(days)) = (input.collection_method, input.days_until_due) {
        form.push(("days_until_due".into(), days.to_string()));
    }
    for (name, value) in &input.metadata {
        form.push((format!("metadata[{name}]"), value.clone()));
    }
    if let Some(coupon) = &input.coupon_id {
        form.push(("discounts[0][coupon]".into(), coupon.clone()));
        // The answer then carries the discount itself, for the cache.
        form.push(("expand[]".into(), "discounts".into()));
    }
    form
}

pub(super) async fn create(run: &mut OperationRun, input: Value) -> Result<Value> {
    let input: NewSubscriptionInput =
        serde_json::from_value(input).map_err(|err| unreadable(OperationKind::CreateSubscription, err))?;
    let customer_id = customer(run, &input.customer).await?;
    let form = subscription_form(&input, &customer_id, run.id());
    let gateway = run.gateway().clone();
    let subscription = run
        .step("create subscription", |key| async move { gateway.post_form("/v1/subscriptions", &form, Some(&key)).await })
        .await?;
    let subscription_id = text(&subscription, "id")?;
    run.apply_subscription(&subscription)?;
    // The customer now has the subscription's currency (and may be new); its first invoice
    // belongs in the detail at once rather than after the next sync.
    let gateway = run.gateway().clone();
    let path = format!("/v1/customers/{customer_id}");
    let fetched = run.step("fetch customer", |_| async move { gateway.get_json(&path, &[]).await }).await?;
    run.apply_customer(&fetched)?;
    if let Some(invoice_id) = id_of(&subscription["latest_invoice"]).map(str::to_string) {
        let gateway = run.gateway().clone();
        let path = format!("/v1/invoices/{invoice_id}");
        let invoice = run.step("fetch first invoice", |_| async move { gateway.get_json(&path, &[]).await }).await?;
        run.apply_invoice(&invoice)?;
    }
    serde_json::to_value(CreatedSubscription { customer_id, subscription_id })
        .map_err(|err| Error::Internal(err.to_string()))
}
