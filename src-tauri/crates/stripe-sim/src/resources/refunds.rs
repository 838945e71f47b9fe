//! Refunds of succeeded charges, whole or partial. Card refunds succeed at once; a bank
//! transfer's refund waits for the customer's bank details (`requires_action`, cancelable)
//! until the `/_sim` control settles it (see [`settle`]).

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{charges, integer, metadata};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::money;
use crate::server::{ApiContext, Params};

const KIND: &str = "refund";
const REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];
/// The status of a refund waiting for the customer's bank details; the only one Stripe cancels.
const REQUIRES_ACTION: &str = "requires_action";
/// How long the customer has to give their bank details (Stripe's 45 days), in seconds.
const REFUND_DETAILS_WINDOW: i64 = 45 * 24 * 60 * 60;

type Answer = Result<Json<Value>, ApiError>;

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("refund", id, "refund"))
}

/// `POST /v1/refunds`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin", "payment_intent", "reason", "refund_application_fee", "reverse_transfer"])?;
    let reason = params.get("reason").and_then(Value::as_str);
    if let Some(reason) = reason.filter(|r| !REASONS.contains(r)) {
        return Err(ApiError::invalid_param("reason", format!("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer (got {reason})")));
    }
    let amount = integer(&params, "amount")?;
    let metadata = metadata(&params, None)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let charge_id = match (params.get("charge").and_then(Value::as_str), params.get("payment_intent").and_then(Value::as_str)) {
        (Some(charge), None) => {
            charges::find(&data, charge)?;
            charge.to_string()
        }
        (None, Some(intent_id)) => {
            let intent = super::payment_intents::find(&data, intent_id)?;
            if intent["status"] != "succeeded" {
                return Err(ApiError::invalid_request(
                    None,
                    format!("This PaymentIntent ({intent_id}) does not have a successful charge to refund."),
                    Some("payment_intent"),
                ));
            }
            intent["latest_charge"].as_str().unwrap_or("").to_string()
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(None, "You cannot specify both a charge and a payment_intent.", Some("charge")));
        }
        (None, None) => return Err(ApiError::invalid_request(Some("parameter_missing"), "One of the following params should be provided for this request: payment_intent or charge.", None)),
    };
    let refund = refund_charge(&mut data, &charge_id, amount, reason, metadata, &ctx.origin, now)?;
    Ok(Json(expanded(&data, &refund, &expand_paths(&params))))
}

/// Refunds `amount` (all that remains when `None`) of a succeeded, captured charge with
/// Stripe's refusals, stores the refund and emits `refund.created` and `charge.refunded`.
pub fn refund_charge(data: &mut AccountData, charge_id: &str, amount: Option<i64>, reason: Option<&str>, metadata: Value, origin: &Origin, now: i64) -> Result<Value, ApiError> {
    let old_charge = charges::find(data, charge_id)?.clone();
    let currency = old_charge["currency"].as_str().unwrap_or("usd").to_string();
    if old_charge["status"] != "succeeded" || old_charge["captured"] != true {
        return Err(ApiError::invalid_request(None, format!("Charge {charge_id} has not been captured and cannot be refunded; cancel its PaymentIntent instead."), Some("charge")));
    }
    if old_charge["disputed"] == true {
        return Err(ApiError::invalid_request(Some("charge_disputed"), format!("Charge {charge_id} has been charged back; cannot issue a refund."), Some("charge")));
    }
    // `amount_refunded` includes what a partial capture released, so this is what was
    // captured and not yet refunded.
    let charged = old_charge["amount"].as_i64().unwrap_or(0);
    let refunded = old_charge["amount_refunded"].as_i64().unwrap_or(0);
    let remaining = charged - refunded;
    if remaining <= 0 {
        return Err(ApiError::invalid_request(Some("charge_already_refunded"), format!("Charge {charge_id} has already been refunded."), Some("charge")));
    }
    let amount = amount.unwrap_or(remaining);
    if amount <= 0 {
        return Err(ApiError::invalid_param("amount", "Refund amount must be greater than 0."));
    }
    if amount > remaining {
        let message = if refunded == 0 {
            format!("Refund amount ({}) is greater than charge amount ({})", money::display(amount, &currency), money::display(charged, &currency))
        } else {
            format!("Refund amount ({}) is greater than unrefunded amount on charge ({})", money::display(amount, &currency), money::display(remaining, &currency))
        };
        return Err(ApiError::invalid_request(None, message, Some("amount")));
    }
    // Stripe emails the customer of a bank transfer for the account to send the money back
    // to, so such a refund waits for them (and can be canceled meanwhile).
    let by_bank_transfer = old_charge["payment_method_details"]["type"] == "customer_balance";
    let (status, next_action, destination) = if by_bank_transfer {
        let next_action = json!({ "type": "display_details", "display_details": {
            "email_sent": { "email_sent_at": now, "email_sent_to": customer_email(data, &old_charge) },
            "expires_at": now + REFUND_DETAILS_WINDOW,
        } });
        (REQUIRES_ACTION, next_action, json!({ "type": "customer_cash_balance", "customer_cash_balance": {} }))
    } else {
        ("succeeded", Value::Null, json!({ "type": "card", "card": { "reference": null, "reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund" } }))
    };
    let refund_id = AccountData::new_id("re");
    let balance_transaction = super::ledger::for_refund(data, &refund_id, amount, &currency, now);
    let refund = json!({
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": balance_transaction,
        "charge": charge_id,
        "created": now,
        "currency": currency,
        "destination_details": destination,
        "failure_balance_transaction": null,
        "failure_reason": null,
        "metadata": metadata,
        "next_action": next_action,
        "payment_intent": old_charge["payment_intent"],
        "reason": reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": status,
        "transfer_reversal": null,
    });
    data.insert(KIND, refund.clone());
    let mut charge = old_charge.clone();
    charge["amount_refunded"] = json!(refunded + amount);
    charge["refunded"] = json!(refunded + amount == charged);
    if let Some(list) = charge["refunds"]["data"].as_array_mut() {
        list.insert(0, refund.clone());
    }
    data.put(charge.clone());
    data.emit("refund.created", &refund, None, origin, now);
    let previous = changed_fields(&old_charge, &charge);
    data.emit("charge.refunded", &charge, previous, origin, now);
    Ok(refund)
}

/// `GET /v1/refunds/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let data = ctx.data();
    let mut refund = expanded(&data, find(&data, &id)?, &expand_paths(&params));
    super::ledger::as_of_expanded(&mut refund, now);
    Ok(Json(refund))
}

/// `POST /v1/refunds/{id}`: metadata only.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "metadata"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let mut refund = old.clone();
    refund["metadata"] = metadata(&params, refund.get("metadata"))?;
    save(&mut data, &old, &refund, &ctx.origin, now);
    Ok(Json(expanded(&data, &refund, &expand_paths(&params))))
}

fn save(data: &mut AccountData, old: &Value, refund: &Value, origin: &Origin, now: i64) {
    data.put(refund.clone());
    if let Some(previous) = changed_fields(old, refund) {
        data.emit("refund.updated", refund, Some(previous), origin, now);
    }
}

/// `POST /v1/refunds/{id}/cancel`: only a refund awaiting the customer's action can be
/// canceled; the amount goes back to the charge.
pub async fn cancel(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let refund = find(&data, &id)?;
    let status = refund["status"].as_str().unwrap_or("").to_string();
    if status != REQUIRES_ACTION {
        return Err(ApiError::wrong_state(
            None,
            format!("You can't cancel refund {id} because it has a status of {status}. Only refunds with a status of requires_action can be canceled."),
        ));
    }
    let refund = finish(&mut data, &id, "canceled", Some("merchant_request"), &ctx.origin, now)?;
    Ok(Json(expanded(&data, &refund, &expand_paths(&params))))
}

/// The bank's answer on a refund still under way (`requires_action` or `pending`):
/// `succeeded`, or `failed` (the amount goes back to the charge, `refund.failed`). Answers
/// the refund. Stripe has no such endpoint; the `/_sim` control API calls it.
pub fn settle(data: &mut AccountData, id: &str, outcome: &str, now: i64) -> Result<Value, ApiError> {
    let status = find(data, id)?["status"].as_str().unwrap_or("").to_string();
    if !matches!(status.as_str(), REQUIRES_ACTION | "pending") {
        return Err(ApiError::wrong_state(None, format!("Refund {id} has a status of {status}; only a pending or requires_action refund can settle.")));
    }
    match outcome {
        "succeeded" => finish(data, id, "succeeded", None, &Origin::default(), now),
        "failed" => finish(data, id, "failed", Some("declined"), &Origin::default(), now),
        _ => Err(ApiError::invalid_param("outcome", "outcome must be succeeded or failed")),
    }
}

/// Moves a refund under way to its final `status`. A refund that did not go through gives
/// its amount back to the charge (`amount_refunded` down, no longer `refunded`).
fn finish(data: &mut AccountData, id: &str, status: &str, failure_reason: Option<&str>, origin: &Origin, now: i64) -> Result<Value, ApiError> {
    let old = find(data, id)?.clone();
    let mut refund = old.clone();
    refund["status"] = json!(status);
    refund["next_action"] = Value::Null;
    refund["failure_reason"] = json!(failure_reason);
    if failure_reason.is_some() {
        refund["failure_balance_transaction"] = json!(super::ledger::for_refund_failure(data, &refund, now));
    }
    save(data, &old, &refund, origin, now);
    if status == "failed" {
        data.emit("refund.failed", &refund, None, origin, now);
    }
    let charge_id = refund["charge"].as_str().unwrap_or("").to_string();
    let old_charge = charges::find(data, &charge_id)?.clone();
    let mut charge = old_charge.clone();
    if failure_reason.is_some() {
        let refunded = charge["amount_refunded"].as_i64().unwrap_or(0) - refund["amount"].as_i64().unwrap_or(0);
        charge["amount_refunded"] = json!(refunded.max(0));
        charge["refunded"] = json!(false);
    }
    if let Some(copy) = charge["refunds"]["data"].as_array_mut().and_then(|list| list.iter_mut().find(|r| r["id"] == id)) {
        *copy = refund.clone();
    }
    charges::save(data, &old_charge, &charge, origin, now);
    data.emit("charge.refund.updated", &refund, changed_fields(&old, &refund), origin, now);
    Ok(refund)
}

/// The email the customer's refund instructions go to, as Stripe sends them.
fn customer_email(data: &AccountData, charge: &Value) -> Value {
    charge["customer"].as_str().and_then(|id| data.get_of("customer", id)).map(|customer| customer["email"].clone()).unwrap_or(Value::Null)
}

/// `GET /v1/refunds`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["charge", "payment_intent"], &[])?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|refund| filter.matches(refund));
    Ok(Json(page(&data, items, &params, "/v1/refunds")?))
}
