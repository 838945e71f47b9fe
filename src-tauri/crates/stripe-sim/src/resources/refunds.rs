//! Refunds of succeeded charges, whole or partial. Card refunds succeed at once here, so
//! there is never a pending refund to cancel.

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
        "destination_details": { "type": "card", "card": { "reference": null, "reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund" } },
        "metadata": metadata,
        "payment_intent": old_charge["payment_intent"],
        "reason": reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
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

/// `POST /v1/refunds/{id}/cancel`: only refunds awaiting the customer's action can be
/// canceled, and card refunds never wait.
pub async fn cancel(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let refund = find(&data, &id)?;
    let status = refund["status"].as_str().unwrap_or("");
    Err(ApiError::wrong_state(
        None,
        format!("You can't cancel refund {id} because it has a status of {status}. Only refunds with a status of requires_action can be canceled."),
    ))
}

/// `GET /v1/refunds`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["charge", "payment_intent"], &[])?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|refund| filter.matches(refund));
    Ok(Json(page(&data, items, &params, "/v1/refunds")?))
}
