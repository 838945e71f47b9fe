//! `POST /v1/invoices/create_preview`: the invoice a change would bill. Each is dry-run on a
//! scratch copy of the account, so a preview and the change it previews agree to the cent
//! and nothing is stored:
//! - a subscription's next invoice, optionally as it would be after an update
//!   (`subscription_details[items|proration_behavior|proration_date|trial_end|…]`);
//! - its final invoice if canceled now or at a time in its period
//!   (`subscription_details[cancel_now|cancel_at]`, with the prorated credit);
//! - the first invoice of a new subscription (`customer` + `subscription_details[items]`);
//! - or a customer's pending invoice items.
//!
//! An account keeps its newest previews ([`RecentPreviews`]) so that `GET` at a preview's
//! `lines.url` pages through its lines.

use std::collections::VecDeque;

use axum::Json;
use serde_json::{json, Value};

use super::billing::{self, bill, At};
use super::lifecycle::{self, Due};
use super::{end_now, find, new_item, parse_items, trial_end, update, KIND};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page};
use crate::resources::{boolean, integer, invoices, required};
use crate::server::{ApiContext, Params};

/// What `subscription_details` takes for an existing subscription.
const DETAILS: &[&str] = &["cancel_at", "cancel_at_period_end", "cancel_now", "items", "metadata", "proration_behavior", "proration_date", "trial_end"];
/// What `subscription_details` takes for a new subscription.
const NEW_DETAILS: &[&str] = &["items", "trial_end", "trial_period_days"];
/// How many previews an account keeps for their lines.
const KEPT_PREVIEWS: usize = 20;

/// An account's newest invoice previews, whose lines `GET /v1/invoices/upcoming_…/lines`
/// serves; the oldest is forgotten once [`KEPT_PREVIEWS`] are kept.
#[derive(Debug, Default, Clone)]
pub struct RecentPreviews(VecDeque<Value>);

impl RecentPreviews {
    fn keep(&mut self, invoice: Value) {
        if self.0.len() >= KEPT_PREVIEWS {
            self.0.pop_front();
        }
        self.0.push_back(invoice);
    }

    fn get(&self, id: &str) -> Option<&Value> {
        self.0.iter().find(|invoice| invoice["id"] == id)
    }
}

/// `POST /v1/invoices/create_preview`
pub async fn create_preview(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["customer", "expand", "subscription", "subscription_details"])?;
    let mut data = ctx.data();
    let mut scratch = data.clone();
    // A dry run's events are never delivered.
    scratch.outbox = None;
    let origin = Origin::default();
    let at = At { origin: &origin, base_url: ctx.base_url(), now: ctx.now() };
    let details = params.get("subscription_details").cloned().unwrap_or_else(|| json!({}));
    let mut invoice = match params.get("subscription").and_then(Value::as_str) {
        Some(id) => {
            let subscription = as_draft_biller(&mut scratch, id, &params)?;
            refuse_unknown(&details, DETAILS)?;
            let mut invoice = match cancellation_time(&subscription, &details, at.now)? {
                Some(when) => cancellation_preview(&mut scratch, &subscription, &details, when, &at)?,
                None => subscription_preview(&mut scratch, &subscription, &details, &at)?,
            };
            if let Some(date) = details.get("proration_date") {
                invoice["parent"]["subscription_details"]["subscription_proration_date"] = json!(date.as_str().and_then(|d| d.parse::<i64>().ok()));
            }
            invoice
        }
        None if details.get("items").is_some() => new_subscription_preview(&mut scratch, &params, &details, &at)?,
        None => pending_items_preview(&mut scratch, &params, at.now)?,
    };
    // Stripe's preview takes the customer's balance as finalizing would; the scratch copy kept
    // the invoice a draft, so the balance is applied here (to the scratch copy only).
    if invoice["ending_balance"].is_null() {
        invoices::apply_balance(&mut scratch, &mut invoice, &origin, at.now);
        invoices::recompute(&scratch, &mut invoice);
    }
    let id = format!("upcoming_{}", invoice["id"].as_str().unwrap_or(""));
    invoice["id"] = json!(id);
    invoice["lines"]["url"] = json!(format!("/v1/invoices/{id}/lines"));
    for line in invoice["lines"]["data"].as_array_mut().into_iter().flatten() {
        line["invoice"] = json!(id);
    }
    data.previews.keep(invoice.clone());
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// `GET /v1/invoices/upcoming_…/lines`: a page of a recent preview's lines.
pub fn lines_page(data: &AccountData, id: &str, params: &Value) -> Result<Value, ApiError> {
    let invoice = data.previews.get(id).ok_or_else(|| ApiError::no_such("invoice", id, "invoice"))?;
    let lines = invoice["lines"]["data"].as_array().map(Vec::as_slice).unwrap_or_default();
    page(data, lines.iter(), params, &format!("/v1/invoices/{id}/lines"))
}

fn no_upcoming(customer: &str) -> ApiError {
    ApiError::invalid_request(Some("invoice_upcoming_none"), format!("No upcoming invoices for customer: {customer}"), None)
}

fn refuse_unknown(details: &Value, known: &[&str]) -> Result<(), ApiError> {
    match details.as_object().and_then(|map| map.keys().find(|key| !known.contains(&key.as_str()))) {
        Some(unknown) => Err(ApiError::unknown_parameter(&format!("subscription_details[{unknown}]"))),
        None => Ok(()),
    }
}

/// The subscription to preview, set on the scratch copy to keep what it bills as drafts
/// (as a preview shows them, and so nothing is charged).
fn as_draft_biller(scratch: &mut AccountData, id: &str, params: &Value) -> Result<Value, ApiError> {
    let mut subscription = find(scratch, id).map_err(|_| ApiError::no_such("subscription", id, "subscription"))?.clone();
    let customer = subscription["customer"].as_str().unwrap_or("").to_string();
    if params.get("customer").and_then(Value::as_str).is_some_and(|c| c != customer) {
        return Err(ApiError::invalid_param("customer", format!("The subscription {id} does not belong to the customer.")));
    }
    if matches!(subscription["status"].as_str(), Some("canceled" | "incomplete_expired")) {
        return Err(no_upcoming(&customer));
    }
    subscription["pause_collection"] = json!({ "behavior": "keep_as_draft", "resumes_at": null });
    scratch.put(subscription.clone());
    Ok(subscription)
}

/// When a previewed cancellation takes effect: now (prorated from `proration_date` when
/// given) with `cancel_now=true`, or at a `cancel_at` within the current period. `None`
/// when the preview is not of a cancellation.
fn cancellation_time(subscription: &Value, details: &Value, now: i64) -> Result<Option<i64>, ApiError> {
    let cancel_now = boolean(details, "cancel_now")? == Some(true);
    let cancel_at = match details.get("cancel_at").and_then(Value::as_str) {
        None | Some("") => None,
        Some(_) => integer(details, "cancel_at")?,
    };
    let (start, end) = billing::current_period(subscription);
    match (cancel_now, cancel_at) {
        (true, Some(_)) => Err(ApiError::invalid_request(None, "You may only specify one of these parameters: cancel_at, cancel_now.", Some("subscription_details[cancel_at]"))),
        (true, None) => match integer(details, "proration_date")? {
            Some(date) if (start..=end).contains(&date) => Ok(Some(date)),
            Some(_) => Err(ApiError::invalid_param("subscription_details[proration_date]", "proration_date must be within the subscription's current period.")),
            None => Ok(Some(now)),
        },
        (false, Some(at)) if at <= now => Err(ApiError::invalid_param("subscription_details[cancel_at]", "cancel_at must be in the future.")),
        // Past the period's end it renews first: the next invoice is the renewal's.
        (false, Some(at)) => Ok((at < end).then_some(at)),
        (false, None) => Ok(None),
    }
}

/// The final invoice of a cancellation at `when`: the credit for the unused rest of the
/// period (unless `proration_behavior=none`) and whatever else is pending.
fn cancellation_preview(scratch: &mut AccountData, subscription: &Value, details: &Value, when: i64, at: &At) -> Result<Value, ApiError> {
    let proration = details.get("proration_behavior").and_then(Value::as_str).unwrap_or("create_prorations");
    if !matches!(proration, "create_prorations" | "always_invoice" | "none") {
        return Err(ApiError::invalid_param("subscription_details[proration_behavior]", format!("Invalid proration_behavior: {proration}")));
    }
    // A cancellation later in the period happens then; one now, now (its credit counted from `when`).
    let at = At { origin: at.origin, base_url: at.base_url, now: at.now.max(when) };
    let ended = end_now(scratch, subscription, subscription.clone(), (proration != "none").then_some(when), true, &at);
    if ended["latest_invoice"] != subscription["latest_invoice"] {
        if let Some(invoice) = ended["latest_invoice"].as_str().and_then(|id| scratch.get_of("invoice", id)) {
            return Ok(invoice.clone());
        }
    }
    // Nothing credited: the final invoice holds only what else is pending.
    Ok(bill(scratch, &ended, "subscription_update", None, false, true, None, &at).invoice)
}

/// The invoice the update would bill now (`always_invoice`, or an interval change), else
/// the next renewal's.
fn subscription_preview(scratch: &mut AccountData, subscription: &Value, details: &Value, at: &At) -> Result<Value, ApiError> {
    let id = subscription["id"].as_str().unwrap_or("");
    let customer = subscription["customer"].as_str().unwrap_or("");
    let latest_before = subscription["latest_invoice"].clone();
    let updated = update::apply(scratch, id, details, at)?;
    if updated["latest_invoice"] != latest_before {
        return scratch.get_of("invoice", updated["latest_invoice"].as_str().unwrap_or("")).cloned().ok_or_else(|| no_upcoming(customer));
    }
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
        .ok_or_else(|| no_upcoming(customer))
}

/// The first invoice a new subscription for `customer` with `subscription_details[items]`
/// (and `[trial_end]`) would issue: its first period, or a free trial.
fn new_subscription_preview(scratch: &mut AccountData, params: &Value, details: &Value, at: &At) -> Result<Value, ApiError> {
    let now = at.now;
    let customer_id = required(params, "customer")?;
    let customer = scratch.get_of("customer", customer_id).cloned().ok_or_else(|| ApiError::no_such("customer", customer_id, "customer"))?;
    refuse_unknown(details, NEW_DETAILS)?;
    let items = parse_items(scratch, details)?;
    let currency = items[0].0["currency"].as_str().unwrap_or("usd").to_string();
    if customer["currency"].as_str().is_some_and(|existing| existing != currency) {
        return Err(ApiError::invalid_request(
            None,
            format!("You cannot combine currencies on a single customer. This customer has had a subscription, coupon, or invoice item with currency {}", customer["currency"].as_str().unwrap_or("")),
            Some("currency"),
        ));
    }
    let trial_end = trial_end(details, now)?;
    let id = AccountData::new_id("sub");
    let mut subscription = json!({
        "id": id,
        "object": "subscription",
        "billing_cycle_anchor": trial_end.unwrap_or(now),
        "collection_method": "charge_automatically",
        "currency": currency,
        "customer": customer_id,
        "days_until_due": null,
        "default_payment_method": null,
        "items": { "object": "list", "data": [], "has_more": false, "url": format!("/v1/subscription_items?subscription={id}") },
        "metadata": {},
        "pause_collection": { "behavior": "keep_as_draft", "resumes_at": null },
        "status": if trial_end.is_some() { "trialing" } else { "incomplete" },
        "trial_end": trial_end,
    });
    for (price, quantity, item_metadata) in &items {
        if let Some(list) = subscription["items"]["data"].as_array_mut() {
            list.push(new_item(&id, price, *quantity, item_metadata.clone(), (now, now), now));
        }
    }
    let period = (now, trial_end.unwrap_or_else(|| billing::period_end(&subscription, now)));
    billing::set_period(&mut subscription, period);
    scratch.insert(KIND, subscription.clone());
    Ok(bill(scratch, &subscription, "subscription_create", Some(period), trial_end.is_some(), false, None, at).invoice)
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
