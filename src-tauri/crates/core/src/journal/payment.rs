//! The payment operations: `refund_payment` (one `POST /v1/refunds`), `create_payment` (one
//! `POST /v1/payment_intents`, confirmed off-session), `capture_payment` and `cancel_payment`
//! (one `POST` on the intent). What each makes carries `metadata[operation_id]`; every answer
//! is applied to the cache, and the charge (and, after a refund, the payment intent) is
//! fetched again so the payment shows what changed at once. Each answers
//! `{payment_intent_id}` (and `refund_id` for a refund).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::catalog::{apply, post};
use super::issue_invoice::text;
use super::{OperationKind, OperationRun};
use crate::error::{Error, Result};
use crate::store::cache::kinds::id_of;

/// Input of `refund_payment`, as recorded (already checked against the cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    /// The payment refunded.
    pub payment_intent_id: String,
    /// Its charge, the one refunded.
    pub charge_id: String,
    /// Minor units.
    pub amount: i64,
    /// Stripe's reason, if given.
    pub reason: Option<String>,
    /// Kept as `metadata[note]`.
    pub note: Option<String>,
}

/// Input of `create_payment`, as recorded (already checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePayment {
    /// The form of `POST /v1/payment_intents`.
    pub form: Vec<(String, String)>,
}

/// Input of `capture_payment` and `cancel_payment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentIntentAction {
    /// The payment captured or canceled.
    pub payment_intent_id: String,
}

fn read<T: for<'de> Deserialize<'de>>(kind: OperationKind, input: Value) -> Result<T> {
    serde_json::from_value(input)
        .map_err(|err| Error::Internal(format!("a {} operation has unreadable input: {err}", kind.as_str())))
}

/// Fetches an object as a step and applies it to the cache as `resource`.
async fn fetch(run: &mut OperationRun, name: &str, path: String, resource: &str) -> Result<Value> {
    let gateway = run.gateway().clone();
    let answer = run.step(name, |_| async move { gateway.get_json(&path, &[]).await }).await?;
    apply(run, resource, &answer)?;
    Ok(answer)
}

/// Fetches the intent's latest charge again, when it has one.
async fn refresh_charge(run: &mut OperationRun, intent: &Value) -> Result<()> {
    if let Some(charge) = id_of(&intent["latest_charge"]) {
        fetch(run, "fetch charge", format!("/v1/charges/{charge}"), "charges").await?;
    }
    Ok(())
}

pub(super) async fn run(run: &mut OperationRun, kind: OperationKind, input: Value) -> Result<Value> {
    match kind {
        OperationKind::RefundPayment => {
            let input: RefundPayment = read(kind, input)?;
            let mut form = vec![("charge".to_string(), input.charge_id.clone()), ("amount".to_string(), input.amount.to_string())];
            if let Some(reason) = input.reason {
                form.push(("reason".into(), reason));
            }
            if let Some(note) = input.note {
                form.push(("metadata[note]".into(), note));
            }
            form.push(("metadata[operation_id]".into(), run.id().to_string()));
            let refund = post(run, "create refund", "/v1/refunds".into(), form, "refunds").await?;
            fetch(run, "fetch charge", format!("/v1/charges/{}", input.charge_id), "charges").await?;
            let path = format!("/v1/payment_intents/{}", input.payment_intent_id);
            fetch(run, "fetch payment", path, "payment_intents").await?;
            Ok(json!({ "refund_id": text(&refund, "id")?, "payment_intent_id": input.payment_intent_id }))
        }
        OperationKind::CreatePayment => {
            let input: CreatePayment = read(kind, input)?;
            let mut form = input.form;
            form.push(("metadata[operation_id]".into(), run.id().to_string()));
            let intent = post(run, "create payment", "/v1/payment_intents".into(), form, "payment_intents").await?;
            refresh_charge(run, &intent).await?;
            Ok(json!({ "payment_intent_id": text(&intent, "id")? }))
        }
        OperationKind::CapturePayment | OperationKind::CancelPayment => {
            let input: PaymentIntentAction = read(kind, input)?;
            let verb = if kind == OperationKind::CapturePayment { "capture" } else { "cancel" };
            let path = format!("/v1/payment_intents/{}/{verb}", input.payment_intent_id);
            let intent = post(run, kind.as_str(), path, Vec::new(), "payment_intents").await?;
            refresh_charge(run, &intent).await?;
            Ok(json!({ "payment_intent_id": input.payment_intent_id }))
        }
        _ => Err(Error::Internal(format!("{} is not a payment operation", kind.as_str()))),
    }
}
