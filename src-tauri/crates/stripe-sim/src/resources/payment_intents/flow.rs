//! The payment intent state machine: confirm (charging the test card), capture and cancel,
//! with Stripe's `payment_intent_unexpected_state` refusals.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Map, Value};

use super::{find, payment_method_param, Answer, TestCard};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::resources::{charges, disputes, integer, payment_methods};
use crate::server::{ApiContext, Params};

const CONFIRMABLE: &[&str] = &["requires_payment_method", "requires_confirmation", "requires_action"];
const CANCELABLE: &[&str] = &["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];
const CANCELLATION_REASONS: &[&str] = &["abandoned", "duplicate", "fraudulent", "requested_by_customer"];

fn unexpected_state(message: String) -> ApiError {
    ApiError::wrong_state(Some("payment_intent_unexpected_state"), message)
}

/// `POST /v1/payment_intents/{id}/confirm`
pub async fn confirm(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["error_on_requires_action", "expand", "off_session", "payment_method", "return_url"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let payment_method = payment_method_param(&data, &params)?;
    let intent = confirm_in_place(&mut data, &id, payment_method, ctx.base_url(), &ctx.origin, now)?;
    Ok(Json(expanded(&data, &intent, &expand_paths(&params))))
}

/// Confirms a stored intent: charges its payment method, stores the result and emits the
/// events. A decline is stored too (status back to `requires_payment_method`) and answered
/// as Stripe's 402 `card_error`. A card that needs 3D Secure stops at `requires_action`
/// with a redirect; confirming again stands for the customer completing it.
pub fn confirm_in_place(data: &mut AccountData, id: &str, payment_method: Option<String>, base_url: &str, origin: &Origin, now: i64) -> Answer {
    let mut intent = find(data, id)?.clone();
    let status = intent["status"].as_str().unwrap_or("").to_string();
    if status == "succeeded" {
        return Err(unexpected_state("You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.".into()));
    }
    if !CONFIRMABLE.contains(&status.as_str()) {
        return Err(unexpected_state(format!(
            "You cannot confirm this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method."
        )));
    }
    if let Some(pm) = payment_method {
        intent["payment_method"] = json!(pm);
    }
    let Some(pm) = intent["payment_method"].as_str().map(str::to_string) else {
        return Err(ApiError::invalid_request(
            Some("payment_intent_unexpected_state"),
            "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
            None,
        ));
    };
    let card = payment_methods::behavior(data, &pm)?;
    if card == TestCard::Authenticates && status != "requires_action" {
        intent["status"] = json!("requires_action");
        intent["next_action"] = json!({
            "type": "redirect_to_url",
            "redirect_to_url": { "return_url": null, "url": format!("{base_url}_sim/3ds/{id}") },
        });
        data.put(intent.clone());
        data.emit("payment_intent.requires_action", &intent, None, origin, now);
        return Ok(Json(intent));
    }
    intent["next_action"] = Value::Null;
    let amount = intent["amount"].as_i64().unwrap_or(0);
    let manual = intent["capture_method"] == "manual";
    let succeeded = card != TestCard::Declined;
    let charge = charges::new_charge(data, &intent, &pm, succeeded, !manual, now);
    intent["latest_charge"] = charge["id"].clone();
    intent["last_payment_error"] = Value::Null;
    if !succeeded {
        intent["status"] = json!("requires_payment_method");
        intent["payment_method"] = Value::Null;
        // Stripe names the declined card here, since `payment_method` is cleared for a new one.
        let declined_card = payment_methods::resolve(data, &pm, now)?;
        intent["last_payment_error"] = json!({
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": "Your card was declined.",
            "charge": charge["id"],
            "doc_url": "https://stripe.com/docs/error-codes/card-declined",
            "payment_method": declined_card,
        });
        data.put(intent.clone());
        data.emit("charge.failed", &charge, None, origin, now);
        data.emit("payment_intent.payment_failed", &intent, None, origin, now);
        let mut details = Map::new();
        details.insert("charge".into(), charge["id"].clone());
        details.insert("payment_intent".into(), intent);
        return Err(ApiError::card_declined(details));
    }
    if manual {
        intent["status"] = json!("requires_capture");
        intent["amount_capturable"] = json!(amount);
    } else {
        intent["status"] = json!("succeeded");
        intent["amount_received"] = json!(amount);
    }
    data.put(intent.clone());
    data.emit("charge.succeeded", &charge, None, origin, now);
    data.emit(if manual { "payment_intent.amount_capturable_updated" } else { "payment_intent.succeeded" }, &intent, None, origin, now);
    if card == TestCard::Disputed {
        disputes::open_for(data, &charge, origin, now);
    }
    Ok(Json(intent))
}

/// `POST /v1/payment_intents/{id}/capture`
pub async fn capture(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["amount_to_capture", "expand", "final_capture", "metadata", "statement_descriptor", "statement_descriptor_suffix"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let mut intent = find(&data, &id)?.clone();
    let status = intent["status"].as_str().unwrap_or("").to_string();
    if status != "requires_capture" {
        return Err(unexpected_state(format!(
            "This PaymentIntent could not be captured because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture."
        )));
    }
    let capturable = intent["amount_capturable"].as_i64().unwrap_or(0);
    let amount = integer(&params, "amount_to_capture")?.unwrap_or(capturable);
    if amount > capturable {
        return Err(ApiError::invalid_request(
            Some("amount_too_large"),
            format!("The amount to capture ({amount}) must be less than or equal to the amount_capturable ({capturable})."),
            Some("amount_to_capture"),
        ));
    }
    if amount <= 0 {
        return Err(ApiError::invalid_param("amount_to_capture", "The amount to capture must be greater than 0."));
    }
    intent["metadata"] = crate::resources::metadata(&params, intent.get("metadata"))?;
    intent["status"] = json!("succeeded");
    intent["amount_capturable"] = json!(0);
    intent["amount_received"] = json!(amount);
    let charge_id = intent["latest_charge"].as_str().unwrap_or("").to_string();
    if let Some(old_charge) = data.get_of("charge", &charge_id).cloned() {
        let charge = charges::capture(&mut data, &old_charge, amount, now);
        data.emit("charge.captured", &charge, None, &ctx.origin, now);
    }
    data.put(intent.clone());
    data.emit("payment_intent.succeeded", &intent, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &intent, &expand_paths(&params))))
}

/// `POST /v1/payment_intents/{id}/cancel`
pub async fn cancel(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["cancellation_reason", "expand"])?;
    let reason = params.get("cancellation_reason").and_then(Value::as_str);
    if let Some(reason) = reason.filter(|r| !CANCELLATION_REASONS.contains(r)) {
        return Err(ApiError::invalid_param(
            "cancellation_reason",
            format!("Invalid cancellation_reason: must be one of abandoned, duplicate, fraudulent, or requested_by_customer (got {reason})"),
        ));
    }
    let now = ctx.now();
    let mut data = ctx.data();
    let mut intent = find(&data, &id)?.clone();
    let status = intent["status"].as_str().unwrap_or("").to_string();
    if !CANCELABLE.contains(&status.as_str()) {
        return Err(unexpected_state(format!(
            "You cannot cancel this PaymentIntent because it has a status of {status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing."
        )));
    }
    if status == "requires_capture" {
        // The authorization is released: the uncaptured charge is refunded in full.
        let charge_id = intent["latest_charge"].as_str().unwrap_or("").to_string();
        if let Some(old_charge) = data.get_of("charge", &charge_id).cloned() {
            let mut charge = old_charge.clone();
            charge["amount_refunded"] = charge["amount"].clone();
            charge["refunded"] = json!(true);
            data.put(charge.clone());
            data.emit("charge.refunded", &charge, crate::data::changed_fields(&old_charge, &charge), &ctx.origin, now);
        }
    }
    intent["status"] = json!("canceled");
    intent["canceled_at"] = json!(now);
    intent["amount_capturable"] = json!(0);
    intent["cancellation_reason"] = json!(reason);
    data.put(intent.clone());
    data.emit("payment_intent.canceled", &intent, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &intent, &expand_paths(&params))))
}
