//! `POST /v1/subscriptions/{id}`: items (with prorations), cancel at period end, pause
//! collection, payment method, trial end and metadata. Moving every item to another
//! interval starts a new billing cycle now, invoiced at once with a credit for the unused
//! time on the old prices. `payment_behavior` decides what a failed payment of an invoice
//! the update bills at once does: nothing (`allow_incomplete`), refuse the update
//! (`error_if_incomplete`), or keep it pending until paid (`pending_if_incomplete`, see
//! [`pending`](super::pending)); `default_incomplete` leaves that invoice open, uncharged.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::billing::{self, bill, At};
use super::lifecycle::{self, Due};
use super::{find, new_item, pending, recurring_price, save, KIND};
use crate::data::AccountData;
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::resources::payment_intents::TestCard;
use crate::resources::{boolean, discounts, integer, invoices, metadata, payment_methods};
use crate::server::{ApiContext, Params};

const UPDATE_PARAMS: &[&str] = &[
    "cancel_at", "cancel_at_period_end", "cancellation_details", "days_until_due", "default_payment_method", "description", "discounts", "expand",
    "items", "metadata", "off_session", "pause_collection", "payment_behavior", "proration_behavior", "proration_date", "trial_end",
];

/// One item's change: what it billed before and after, as `(price, quantity)`.
pub struct Change {
    /// The subscription item's id.
    pub item: String,
    /// Price and quantity before the change (`None` for a new item).
    pub before: Option<(Value, i64)>,
    /// Price and quantity after the change (`None` for a removed item).
    pub after: Option<(Value, i64)>,
    /// The item's current period.
    pub period: (i64, i64),
}

/// `POST /v1/subscriptions/{id}`
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(UPDATE_PARAMS)?;
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now: ctx.now() };
    let mut data = ctx.data();
    let subscription = apply(&mut data, &id, &params, &at)?;
    Ok(Json(expanded(&data, &subscription, &expand_paths(&params))))
}

/// An update worked out from its parameters before anything is stored.
pub struct Plan {
    /// The subscription as stored before the update.
    pub old: Value,
    /// The subscription as the update leaves it (before billing).
    pub subscription: Value,
    /// What each changed item billed before and after.
    pub changes: Vec<Change>,
    /// `proration_behavior`.
    pub proration: String,
    /// When prorations are counted from (`proration_date`, else now).
    pub proration_at: i64,
    /// `trial_end=now`: the trial ends with the update.
    pub end_trial_now: bool,
    /// Set when the items moved to another interval: the new period, which starts now.
    pub new_cycle: Option<(i64, i64)>,
}

impl Plan {
    /// Whether committing the plan bills an invoice at once (that a payment can fail on).
    pub fn invoices_now(&self) -> bool {
        self.new_cycle.is_some() || (self.proration == "always_invoice" && self.old["status"] != "trialing" && !self.changes.is_empty())
    }
}

/// What committing an update billed at once.
struct Committed {
    /// The subscription as stored.
    pub subscription: Value,
    /// The invoice billed at once, if any.
    pub invoice: Option<Value>,
    /// Whether charging that invoice failed.
    pub failed: bool,
}

/// Applies an update's parameters to subscription `id` (also used, on a scratch copy of the
/// account, to preview an update's invoice), as its `payment_behavior` says. Returns the
/// updated subscription.
pub fn apply(data: &mut AccountData, id: &str, params: &Value, at: &At) -> Result<Value, ApiError> {
    let behavior = params.get("payment_behavior").and_then(Value::as_str).unwrap_or("allow_incomplete");
    if !matches!(behavior, "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete") {
        return Err(ApiError::invalid_param("payment_behavior", format!("Invalid payment_behavior: {behavior}")));
    }
    if behavior == "pending_if_incomplete" {
        pending::check_params(find(data, id)?, params)?;
    }
    let mut plan = plan(data, id, params, at)?;
    let new_discounts = discounts::check(data, &plan.subscription, params, at.now)?;
    // A refusal or a pending update must leave the account as it was, so the update is
    // first tried on a scratch copy to learn whether its invoice would be paid.
    if matches!(behavior, "error_if_incomplete" | "pending_if_incomplete") && plan.invoices_now() {
        let mut scratch = data.clone();
        scratch.outbox = None;
        let tried = commit(&mut scratch, &plan, true, at);
        if let (true, Some(invoice)) = (tried.failed, &tried.invoice) {
            if behavior == "error_if_incomplete" {
                return Err(refusal(&scratch, invoice));
            }
            return Ok(pending::commit(data, &plan, params, at));
        }
    }
    discounts::commit(data, &mut plan.subscription, new_discounts, at.origin, at.now);
    Ok(commit(data, &plan, behavior != "default_incomplete", at).subscription)
}

/// Why an update's invoice could not be paid, as `error_if_incomplete` answers: the card's
/// decline, the authentication it asks for, or no payment method at all.
fn refusal(data: &AccountData, invoice: &Value) -> ApiError {
    let Some(pm) = invoices::payment_method_for(data, invoice) else {
        return ApiError::invalid_request(
            Some("resource_missing"),
            "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
            None,
        );
    };
    match payment_methods::behavior(data, &pm) {
        Ok(TestCard::Authenticates) => ApiError {
            status: axum::http::StatusCode::PAYMENT_REQUIRED,
            kind: "card_error",
            code: Some("subscription_payment_intent_requires_action"),
            message: "Payment for this subscription requires additional user action before it can be completed successfully.".into(),
            param: None,
            should_retry: Some(false),
            details: None,
        },
        _ => ApiError::card_declined(serde_json::Map::new()),
    }
}

/// Checks an update's parameters and works out the subscription it makes; stores nothing.
fn plan(data: &AccountData, id: &str, params: &Value, at: &At) -> Result<Plan, ApiError> {
    let now = at.now;
    let old = find(data, id)?.clone();
    let ended = matches!(old["status"].as_str(), Some("canceled" | "incomplete_expired"));
    if ended {
        if let Some(field) = UPDATE_PARAMS.iter().find(|p| !matches!(**p, "metadata" | "cancellation_details" | "expand") && params.get(**p).is_some()) {
            return Err(ApiError::invalid_request(None, "A canceled subscription can only update its cancellation_details and metadata.", Some(field)));
        }
    }
    let proration = params.get("proration_behavior").and_then(Value::as_str).unwrap_or("create_prorations");
    if !matches!(proration, "create_prorations" | "always_invoice" | "none") {
        return Err(ApiError::invalid_param("proration_behavior", format!("Invalid proration_behavior: {proration}")));
    }
    let mut subscription = old.clone();
    subscription["metadata"] = metadata(params, old.get("metadata"))?;
    if let Some(description) = params.get("description").and_then(Value::as_str) {
        subscription["description"] = if description.is_empty() { Value::Null } else { json!(description) };
    }
    if let Some(pm) = params.get("default_payment_method").and_then(Value::as_str) {
        if !pm.is_empty() {
            payment_methods::check_attached(data, pm, old["customer"].as_str().unwrap_or(""), "default_payment_method")?;
        }
        subscription["default_payment_method"] = if pm.is_empty() { Value::Null } else { json!(pm) };
    }
    if let Some(days) = integer(params, "days_until_due")? {
        if old["collection_method"] != "send_invoice" {
            return Err(ApiError::invalid_param("days_until_due", "`days_until_due` can only be set when `collection_method` is `send_invoice`."));
        }
        subscription["days_until_due"] = json!(days);
    }
    apply_cancellation(&mut subscription, params, now)?;
    apply_pause(&mut subscription, params, now)?;
    let end_trial_now = match params.get("trial_end").and_then(Value::as_str) {
        None => false,
        Some("now") if old["status"] == "trialing" => true,
        Some("now") => return Err(ApiError::invalid_param("trial_end", "This subscription is not trialing.")),
        Some(_) => {
            let end = integer(params, "trial_end")?.unwrap_or(0);
            if old["status"] != "trialing" || end <= now {
                return Err(ApiError::invalid_param("trial_end", "trial_end can only be moved to a future time while the subscription is trialing."));
            }
            subscription["trial_end"] = json!(end);
            billing::set_period(&mut subscription, (billing::current_period(&old).0, end));
            false
        }
    };
    let changes = apply_items(data, &mut subscription, params, now)?;
    // A proration date lets a preview and the update it previews agree to the cent.
    let (period_start, period_end) = billing::current_period(&old);
    let proration_at = match integer(params, "proration_date")? {
        Some(date) if (period_start..=period_end).contains(&date) => date,
        Some(_) => return Err(ApiError::invalid_param("proration_date", "proration_date must be within the subscription's current period.")),
        None => now,
    };
    // Moving to another interval starts a new billing cycle now (a trial keeps its end).
    let new_cycle = (billing::interval(&subscription) != billing::interval(&old) && old["status"] != "trialing").then(|| {
        subscription["billing_cycle_anchor"] = json!(now);
        let period = (now, billing::period_end(&subscription, now));
        billing::set_period(&mut subscription, period);
        if subscription["cancel_at_period_end"] == true {
            subscription["cancel_at"] = json!(period.1);
        }
        period
    });
    Ok(Plan { old, subscription, changes, proration: proration.to_string(), proration_at, end_trial_now, new_cycle })
}

/// Makes the prorations of a plan: credit for the unused time on what each item billed and
/// charge for the rest of the period on what it bills now; after an interval change only the
/// credit, as the new price is billed in full for the new period. Whether any was made.
pub fn make_prorations(data: &mut AccountData, plan: &Plan, at: &At) -> bool {
    if plan.proration == "none" || plan.old["status"] == "trialing" {
        return false;
    }
    let mut prorated = false;
    for change in &plan.changes {
        if plan.new_cycle.is_some() {
            let credit = Change { item: change.item.clone(), before: change.before.clone(), after: None, period: change.period };
            prorated |= prorate(data, &plan.subscription, &credit, plan.proration_at, at);
        } else {
            prorated |= prorate(data, &plan.subscription, change, plan.proration_at, at);
        }
    }
    prorated
}

/// Stores a plan: its prorations, the subscription, and the invoice it bills at once
/// (charged when `attempt`; left open otherwise, and the subscription `past_due` until paid).
fn commit(data: &mut AccountData, plan: &Plan, attempt: bool, at: &At) -> Committed {
    let (now, origin) = (at.now, at.origin);
    let id = plan.old["id"].as_str().unwrap_or("").to_string();
    let prorated = make_prorations(data, plan, at);
    let mut subscription = plan.subscription.clone();
    save(data, &plan.old, &subscription, &[], origin, now);
    let mut committed = Committed { subscription: subscription.clone(), invoice: None, failed: false };
    let period = match plan.new_cycle {
        Some(period) => Some(Some(period)),
        None if plan.proration == "always_invoice" && prorated => Some(None),
        None => None,
    };
    if let Some(period) = period {
        let billed = bill(data, &subscription, "subscription_update", period, false, attempt, None, at);
        let before = data.get_of(KIND, &id).cloned().unwrap_or(subscription);
        subscription = before.clone();
        subscription["latest_invoice"] = billed.invoice["id"].clone();
        // `default_incomplete` leaves the invoice open for the customer to pay.
        let unpaid = billed.failed || (!attempt && billed.invoice["status"] == "open" && subscription["collection_method"] == "charge_automatically");
        if unpaid && subscription["status"] == "active" {
            subscription["status"] = json!("past_due");
        }
        save(data, &before, &subscription, &[], origin, now);
        committed = Committed { subscription: subscription.clone(), failed: billed.failed, invoice: Some(billed.invoice) };
    }
    if plan.end_trial_now {
        let mut trialing = subscription.clone();
        trialing["trial_end"] = json!(now);
        data.put(trialing.clone());
        // Stripe also warns when a trial is ended early.
        data.emit("customer.subscription.trial_will_end", &trialing, None, origin, now);
        lifecycle::run(data, &id, &Due::TrialEnds, at);
        committed.subscription = data.get_of(KIND, &id).cloned().unwrap_or(subscription);
    }
    committed
}

/// `cancel_at_period_end` and `cancel_at` (`""` clears it).
fn apply_cancellation(subscription: &mut Value, params: &Value, now: i64) -> Result<(), ApiError> {
    let (_, period_end) = billing::current_period(subscription);
    if let Some(at_end) = boolean(params, "cancel_at_period_end")? {
        subscription["cancel_at_period_end"] = json!(at_end);
        subscription["cancel_at"] = if at_end { json!(period_end) } else { Value::Null };
        subscription["canceled_at"] = if at_end { json!(now) } else { Value::Null };
    }
    match params.get("cancel_at").and_then(Value::as_str) {
        None => {}
        Some("") => {
            subscription["cancel_at"] = Value::Null;
            subscription["canceled_at"] = Value::Null;
        }
        Some(_) => {
            let when = integer(params, "cancel_at")?.unwrap_or(0);
            if when <= now {
                return Err(ApiError::invalid_param("cancel_at", "cancel_at must be in the future."));
            }
            subscription["cancel_at"] = json!(when);
            subscription["cancel_at_period_end"] = json!(when == period_end);
            subscription["canceled_at"] = json!(now);
        }
    }
    if let Some(reason) = params["cancellation_details"]["feedback"].as_str() {
        subscription["cancellation_details"]["feedback"] = json!(reason);
    }
    if let Some(comment) = params["cancellation_details"]["comment"].as_str() {
        subscription["cancellation_details"]["comment"] = json!(comment);
    }
    Ok(())
}

/// `pause_collection[behavior]` and `[resumes_at]`; `pause_collection=""` resumes.
fn apply_pause(subscription: &mut Value, params: &Value, now: i64) -> Result<(), ApiError> {
    match params.get("pause_collection") {
        None => Ok(()),
        Some(Value::String(empty)) if empty.is_empty() => {
            subscription["pause_collection"] = Value::Null;
            Ok(())
        }
        Some(pause @ Value::Object(_)) => {
            let behavior = pause["behavior"].as_str().ok_or_else(|| ApiError::missing_param("pause_collection[behavior]"))?;
            if !matches!(behavior, "keep_as_draft" | "mark_uncollectible" | "void") {
                return Err(ApiError::invalid_param("pause_collection[behavior]", format!("Invalid pause_collection[behavior]: {behavior}")));
            }
            let resumes_at = integer(pause, "resumes_at")?;
            if resumes_at.is_some_and(|at| at <= now) {
                return Err(ApiError::invalid_param("pause_collection[resumes_at]", "resumes_at must be in the future."));
            }
            subscription["pause_collection"] = json!({ "behavior": behavior, "resumes_at": resumes_at });
            Ok(())
        }
        Some(_) => Err(ApiError::invalid_param("pause_collection", "Invalid hash")),
    }
}

/// Applies `items[n][id|price|quantity|deleted|metadata]`; returns what each changed item
/// billed before and after, for prorations.
fn apply_items(data: &AccountData, subscription: &mut Value, params: &Value, now: i64) -> Result<Vec<Change>, ApiError> {
    let Some(requested) = params.get("items") else { return Ok(Vec::new()) };
    let Value::Array(requested) = requested else { return Err(ApiError::invalid_param("items", "Invalid array")) };
    let sub_id = subscription["id"].as_str().unwrap_or("").to_string();
    let currency = subscription["currency"].as_str().unwrap_or("usd").to_string();
    let period = billing::current_period(subscription);
    let mut items: Vec<Value> = subscription["items"]["data"].as_array().cloned().unwrap_or_default();
    let mut changes = Vec::new();
    // Each requested price's parameter and interval, to name the one that does not fit.
    let mut priced: Vec<(String, (Value, Value))> = Vec::new();
    for (index, request) in requested.iter().enumerate() {
        let param = |name: &str| format!("items[{index}][{name}]");
        if let Some(unknown) = request.as_object().and_then(|m| m.keys().find(|k| !matches!(k.as_str(), "id" | "price" | "quantity" | "deleted" | "metadata" | "clear_usage"))) {
            return Err(ApiError::unknown_parameter(&param(unknown)));
        }
        let price = match request["price"].as_str() {
            Some(price_id) => {
                let price = recurring_price(data, price_id, &param("price"), Some(&currency))?;
                priced.push((param("price"), interval_of(&price)));
                Some(price)
            }
            None => None,
        };
        let quantity = integer(request, "quantity")?;
        if quantity.is_some_and(|q| q < 0) {
            return Err(ApiError::invalid_param(&param("quantity"), "Quantity must be zero or more."));
        }
        match request["id"].as_str() {
            Some(item_id) => {
                let position = items.iter().position(|item| item["id"] == item_id).ok_or_else(|| ApiError::no_such("subscription_item", item_id, &param("id")))?;
                let before = (items[position]["price"].clone(), items[position]["quantity"].as_i64().unwrap_or(1));
                if boolean(request, "deleted")? == Some(true) {
                    items.remove(position);
                    changes.push(Change { item: item_id.to_string(), before: Some(before), after: None, period });
                    continue;
                }
                let item = &mut items[position];
                if let Some(price) = &price {
                    let fresh = new_item(&sub_id, price, 1, Value::Null, period, now);
                    item["price"] = price.clone();
                    item["plan"] = fresh["plan"].clone();
                }
                if let Some(quantity) = quantity {
                    item["quantity"] = json!(quantity);
                }
                item["metadata"] = metadata(request, item.get("metadata"))?;
                let after = (item["price"].clone(), item["quantity"].as_i64().unwrap_or(1));
                if after != before {
                    changes.push(Change { item: item_id.to_string(), before: Some(before), after: Some(after), period });
                }
            }
            None => {
                let price = price.ok_or_else(|| ApiError::missing_param(&param("price")))?;
                if items.iter().any(|item| item["price"]["id"] == price["id"]) {
                    return Err(ApiError::invalid_param(&param("price"), "Cannot add multiple subscription items with the same price."));
                }
                let quantity = quantity.unwrap_or(1);
                let item = new_item(&sub_id, &price, quantity, metadata(request, None)?, period, now);
                changes.push(Change { item: item["id"].as_str().unwrap_or("").to_string(), before: None, after: Some((price, quantity)), period });
                items.push(item);
            }
        }
    }
    if items.is_empty() {
        return Err(ApiError::invalid_param("items", "A subscription must have at least one active item."));
    }
    // All items may move to another interval together, never apart.
    let first = interval_of(&items[0]["price"]);
    if items.iter().any(|item| interval_of(&item["price"]) != first) {
        let param = priced.iter().find(|(_, interval)| *interval != first).or(priced.first()).map_or("items".to_string(), |(param, _)| param.clone());
        return Err(ApiError::invalid_param(&param, "Currency and interval fields must match across all plans on this subscription."));
    }
    subscription["items"]["data"] = Value::Array(items);
    Ok(changes)
}

/// A price's `(interval, interval_count)`.
fn interval_of(price: &Value) -> (Value, Value) {
    (price["recurring"]["interval"].clone(), price["recurring"]["interval_count"].clone())
}

/// Creates the proration items of one change (credit for unused time on what it billed
/// before, charge for the rest of the period on what it bills now); whether any was made.
pub fn prorate(data: &mut AccountData, subscription: &Value, change: &Change, from: i64, at: &At) -> bool {
    let (start, end) = change.period;
    let (total, remaining) = (i128::from(end - start), i128::from((end - from).max(0)));
    if total <= 0 || remaining == 0 {
        return false;
    }
    let share = |price: &Value, quantity: i64| -> i64 {
        let full = i128::from(price["unit_amount"].as_i64().unwrap_or(0)) * i128::from(quantity);
        // Rounded to the nearest minor unit, as Stripe rounds prorations.
        ((full * remaining * 2 + total) / (total * 2)) as i64
    };
    let mut made = false;
    if let Some((price, quantity)) = &change.before {
        let amount = -share(price, *quantity);
        if amount != 0 {
            let description = format!("Unused time on {} after {}", label(data, price, *quantity), billing::date_label(from));
            billing::proration_item(data, subscription, &change.item, price, *quantity, amount, description, (from, end), at);
            made = true;
        }
    }
    if let Some((price, quantity)) = &change.after {
        let amount = share(price, *quantity);
        if amount != 0 {
            let description = format!("Remaining time on {} after {}", label(data, price, *quantity), billing::date_label(from));
            billing::proration_item(data, subscription, &change.item, price, *quantity, amount, description, (from, end), at);
            made = true;
        }
    }
    made
}

/// `2 × Pro` for a price's product.
fn label(data: &AccountData, price: &Value, quantity: i64) -> String {
    let product = price["product"].as_str().and_then(|id| data.get_of("product", id)).and_then(|p| p["name"].as_str()).unwrap_or("subscription");
    format!("{quantity} × {product}")
}
