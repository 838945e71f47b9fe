//! `POST /v1/invoices/create_preview`: the next invoice of a subscription, optionally as it
//! would be after an update (`subscription_details[items|proration_behavior|proration_date]`),
//! or of a customer's pending invoice items. The change is dry-run on a scratch copy of the
//! account, so a preview and the update it previews agree to the cent and nothing is stored.

use axum::Json;
use serde_json::{json, Value};

use super::billing::{self, At};
use super::lifecycle::{self, Due};
use super::{find, update, KIND};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::resources::invoices;
use crate::server::{ApiContext, Params};

const DETAILS: &[&str] = &["cancel_at_period_end", "items", "metadata", "proration_behavior", "proration_date"];

/// `POST /v1/invoices/create_preview`
pub async fn create_preview(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["customer", "expand", "subscription", "subscription_details"])?;
    let data = ctx.data();
    let mut scratch = data.clone();
    let origin = Origin::default();
    let at = At { origin: &origin, base_url: ctx.base_url(), now: ctx.now() };
    let mut invoice = match params.get("subscription").and_then(Value::as_str) {
        Some(id) => subscription_preview(&mut scratch, id, &params, &at)?,
        None => pending_items_preview(&mut scratch, &params, at.now)?,
    };
    invoice["id"] = json!(format!("upcoming_{}", invoice["id"].as_str().unwrap_or("")));
    invoice["lines"]["url"] = json!("/v1/invoices/upcoming/lines");
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

fn no_upcoming(customer: &str) -> ApiError {
    ApiError::invalid_request(Some("invoice_upcoming_none"), format!("No upcoming invoices for customer: {customer}"), None)
}

/// The invoice the update would bill now (`always_invoice`), else the next renewal's.
fn subscription_preview(scratch: &mut AccountData, id: &str, params: &Value, at: &At) -> Result<Value, ApiError> {
    let mut subscription = find(scratch, id).map_err(|_| ApiError::no_such("subscription", id, "subscription"))?.clone();
    let customer = subscription["customer"].as_str().unwrap_or("").to_string();
    if params.get("customer").and_then(Value::as_str).is_some_and(|c| c != customer) {
        return Err(ApiError::invalid_param("customer", format!("The subscription {id} does not belong to the customer.")));
    }
    if matches!(subscription["status"].as_str(), Some("canceled" | "incomplete_expired")) {
        return Err(no_upcoming(&customer));
    }
    // Billing on the scratch copy keeps invoices as drafts, as a preview shows them.
    subscription["pause_collection"] = json!({ "behavior": "keep_as_draft", "resumes_at": null });
    scratch.put(subscription.clone());
    let details = params.get("subscription_details").cloned().unwrap_or_else(|| json!({}));
    if let Some(unknown) = details.as_object().and_then(|map| map.keys().find(|k| !DETAILS.contains(&k.as_str()))) {
        return Err(ApiError::unknown_parameter(&format!("subscription_details[{unknown}]")));
    }
    let latest_before = subscription["latest_invoice"].clone();
    let updated = update::apply(scratch, id, &details, at)?;
    let mut invoice = if updated["latest_invoice"] != latest_before {
        scratch.get_of("invoice", updated["latest_invoice"].as_str().unwrap_or("")).cloned()
    } else {
        let (what, when) = if updated["status"] == "trialing" {
            (Due::TrialEnds, updated["trial_end"].as_i64().unwrap_or(at.now))
        } else {
            (Due::PeriodEnds, billing::current_period(&updated).1)
        };
        lifecycle::run(scratch, id, &what, &At { origin: at.origin, base_url: at.base_url, now: when });
        let renewed = scratch.get_of(KIND, id).cloned().unwrap_or_default();
        (renewed["latest_invoice"] != latest_before)
            .then(|| scratch.get_of("invoice", renewed["latest_invoice"].as_str().unwrap_or("")).cloned())
            .flatten()
    }
    .ok_or_else(|| no_upcoming(&customer))?;
    if let Some(date) = details.get("proration_date") {
        invoice["parent"]["subscription_details"]["subscription_proration_date"] = json!(date.as_str().and_then(|d| d.parse::<i64>().ok()));
    }
    Ok(invoice)
}

/// The customer's pending invoice items, as the next manual invoice would take them.
fn pending_items_preview(scratch: &mut AccountData, params: &Value, now: i64) -> Result<Value, ApiError> {
    let customer_id = params.get("customer").and_then(Value::as_str).ok_or_else(|| ApiError::missing_param("customer"))?;
    let customer = scratch.get_of("customer", customer_id).cloned().ok_or_else(|| ApiError::no_such("customer", customer_id, "customer"))?;
    let currency = customer["currency"].as_str().unwrap_or("usd").to_string();
    let mut invoice = invoices::blank(&customer, "charge_automatically", &currency, scratch.livemode, now);
    invoices::attach_pending_items(scratch, &mut invoice, customer_id, &Origin::default(), now);
    if invoice["lines"]["data"].as_array().is_none_or(Vec::is_empty) {
        return Err(no_upcoming(customer_id));
    }
    invoices::recompute(scratch, &mut invoice);
    Ok(invoice)
}
