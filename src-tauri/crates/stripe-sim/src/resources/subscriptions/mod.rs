//! Subscriptions: create (with its first invoice paid through the invoice state machine),
//! retrieve, list, update (see [`update`]), cancel now, resume a paused one, and what the
//! clock makes happen to them (see [`lifecycle`]).

pub mod billing;
pub mod items;
pub mod lifecycle;
pub mod pending;
pub mod preview;
pub mod retries;
mod update;

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{boolean, integer, metadata, payment_methods, required};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};
use billing::{bill, At};

pub use update::update;

const KIND: &str = "subscription";
const DAY: i64 = 86_400;
/// How long an `incomplete` subscription waits for its first payment before expiring.
pub const INCOMPLETE_WINDOW: i64 = 23 * 3600;
const CREATE_PARAMS: &[&str] = &[
    "cancel_at_period_end", "collection_method", "currency", "customer", "days_until_due", "default_payment_method", "description",
    "discounts", "expand", "items", "metadata", "off_session", "payment_behavior", "proration_behavior", "trial_end", "trial_period_days", "trial_settings",
];

type Answer = Result<Json<Value>, ApiError>;

/// The subscription with this id, or Stripe's 404.
pub fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("subscription", id, "id"))
}

/// Stores a changed subscription and emits `extra` events, then
/// `customer.subscription.updated` with what changed.
pub fn save(data: &mut AccountData, old: &Value, subscription: &Value, extra: &[&str], origin: &Origin, now: i64) {
    data.put(subscription.clone());
    for event_type in extra {
        data.emit(event_type, subscription, None, origin, now);
    }
    if let Some(previous) = changed_fields(old, subscription) {
        data.emit("customer.subscription.updated", subscription, Some(previous), origin, now);
    }
}

/// A recurring price, checked for use on a subscription in `currency` (the first item's
/// currency when `None`).
pub fn recurring_price(data: &AccountData, id: &str, param: &str, currency: Option<&str>) -> Result<Value, ApiError> {
    let price = data.get_of("price", id).ok_or_else(|| ApiError::no_such("price", id, param))?;
    if price["type"] != "recurring" {
        return Err(ApiError::invalid_param(param, "The price specified is set to `type=one_time` but this field only accepts prices with `type=recurring`."));
    }
    if price["active"] == false {
        return Err(ApiError::invalid_param(param, format!("The price specified ({id}) is inactive. This field only accepts active prices.")));
    }
    if currency.is_some_and(|currency| price["currency"] != currency) {
        return Err(ApiError::invalid_param(param, "All prices on a subscription must have the same currency."));
    }
    Ok(price.clone())
}

/// A subscription item for `price`, with the legacy `plan` view async-stripe still requires.
pub fn new_item(subscription: &str, price: &Value, quantity: i64, item_metadata: Value, period: (i64, i64), now: i64) -> Value {
    let recurring = &price["recurring"];
    json!({
        "id": AccountData::new_id("si"),
        "object": "subscription_item",
        "billing_thresholds": null,
        "created": now,
        "current_period_end": period.1,
        "current_period_start": period.0,
        "discounts": [],
        "metadata": item_metadata,
        "plan": {
            "id": price["id"], "object": "plan", "active": price["active"], "amount": price["unit_amount"],
            "amount_decimal": price["unit_amount_decimal"], "billing_scheme": "per_unit", "created": price["created"],
            "currency": price["currency"], "interval": recurring["interval"], "interval_count": recurring["interval_count"],
            "livemode": price["livemode"], "metadata": price["metadata"], "meter": null, "nickname": price["nickname"],
            "product": price["product"], "tiers_mode": null, "transform_usage": null, "trial_period_days": null, "usage_type": "licensed",
        },
        "price": price,
        "quantity": quantity,
        "subscription": subscription,
        "tax_rates": [],
    })
}

/// `items[n][price]`, `items[n][quantity]`, `items[n][metadata]` of a create request.
fn parse_items(data: &AccountData, params: &Value) -> Result<Vec<(Value, i64, Value)>, ApiError> {
    let Some(Value::Array(items)) = params.get("items") else {
        return Err(ApiError::missing_param("items"));
    };
    let mut out = Vec::new();
    let mut currency: Option<String> = None;
    for (index, item) in items.iter().enumerate() {
        if let Some(unknown) = item.as_object().and_then(|map| map.keys().find(|k| !matches!(k.as_str(), "price" | "quantity" | "metadata"))) {
            return Err(ApiError::unknown_parameter(&format!("items[{index}][{unknown}]")));
        }
        let param = format!("items[{index}][price]");
        let price_id = item["price"].as_str().ok_or_else(|| ApiError::missing_param(&param))?;
        let price = recurring_price(data, price_id, &param, currency.as_deref())?;
        if let Some((first, _, _)) = out.first() {
            let interval = |p: &Value| (p["recurring"]["interval"].clone(), p["recurring"]["interval_count"].clone());
            if interval(first) != interval(&price) {
                return Err(ApiError::invalid_param(&param, "Currency and interval fields must match across all plans on this subscription."));
            }
        }
        currency = price["currency"].as_str().map(str::to_string);
        let quantity = integer(item, "quantity")?.unwrap_or(1);
        if quantity < 0 {
            return Err(ApiError::invalid_param(&format!("items[{index}][quantity]"), "Quantity must be zero or more."));
        }
        out.push((price, quantity, metadata(item, None)?));
    }
    if out.is_empty() {
        return Err(ApiError::missing_param("items"));
    }
    Ok(out)
}

/// `POST /v1/subscriptions`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(CREATE_PARAMS)?;
    let customer_id = required(&params, "customer")?.to_string();
    let now = ctx.now();
    let mut data = ctx.data();
    let customer = data.get_of("customer", &customer_id).cloned().ok_or_else(|| ApiError::no_such("customer", &customer_id, "customer"))?;
    let items = parse_items(&data, &params)?;
    let collection = params.get("collection_method").and_then(Value::as_str).unwrap_or("charge_automatically").to_string();
    if !matches!(collection.as_str(), "charge_automatically" | "send_invoice") {
        return Err(ApiError::invalid_param("collection_method", "Invalid collection_method: must be one of charge_automatically or send_invoice"));
    }
    let days_until_due = integer(&params, "days_until_due")?;
    match (collection.as_str(), days_until_due) {
        ("send_invoice", None) => return Err(ApiError::missing_param("days_until_due")),
        ("charge_automatically", Some(_)) => {
            return Err(ApiError::invalid_param("days_until_due", "`days_until_due` can only be set when `collection_method` is `send_invoice`."))
        }
        _ => {}
    }
    let behavior = params.get("payment_behavior").and_then(Value::as_str).unwrap_or("allow_incomplete");
    if !matches!(behavior, "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete") {
        return Err(ApiError::invalid_param("payment_behavior", format!("Invalid payment_behavior: {behavior}")));
    }
    let default_pm = params.get("default_payment_method").and_then(Value::as_str).filter(|pm| !pm.is_empty());
    if let Some(pm) = default_pm {
        payment_methods::check_attached(&data, pm, &customer_id, "default_payment_method")?;
    }
    let trial_end = trial_end(&params, now)?;
    let missing_pm_behavior = params["trial_settings"]["end_behavior"]["missing_payment_method"].as_str().unwrap_or("create_invoice");
    if !matches!(missing_pm_behavior, "create_invoice" | "pause" | "cancel") {
        return Err(ApiError::invalid_param("trial_settings[end_behavior][missing_payment_method]", "Invalid missing_payment_method"));
    }
    // A customer bills in one currency, fixed by its first subscription or invoice.
    let currency = items[0].0["currency"].as_str().unwrap_or("usd").to_string();
    if customer["currency"].as_str().is_some_and(|existing| existing != currency) {
        return Err(ApiError::invalid_request(
            None,
            format!("You cannot combine currencies on a single customer. This customer has had a subscription, coupon, or invoice item with currency {}", customer["currency"].as_str().unwrap_or("")),
            Some("currency"),
        ));
    }
    let total: i64 = items.iter().map(|(price, quantity, _)| price["unit_amount"].as_i64().unwrap_or(0) * quantity).sum();
    let payment_method = default_pm.map(str::to_string).or_else(|| customer["invoice_settings"]["default_payment_method"].as_str().map(str::to_string));
    // Refusals that leave nothing behind: no way to pay now, or (error_if_incomplete) a decline.
    if collection == "charge_automatically" && trial_end.is_none() && total > 0 && behavior != "default_incomplete" {
        match &payment_method {
            None => {
                return Err(ApiError::invalid_request(
                    Some("resource_missing"),
                    "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
                    None,
                ))
            }
            Some(pm) if behavior == "error_if_incomplete" && payment_methods::declines(&data, pm) == Some(true) => {
                return Err(ApiError::card_declined(serde_json::Map::new()))
            }
            _ => {}
        }
    }

    let id = AccountData::new_id("sub");
    let (period_start, anchor) = (now, trial_end.unwrap_or(now));
    let mut subscription = json!({
        "id": id,
        "object": "subscription",
        "application": null,
        "application_fee_percent": null,
        "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null },
        "billing_cycle_anchor": anchor,
        "billing_cycle_anchor_config": null,
        "billing_mode": { "type": "classic", "flexible": null, "updated_at": null },
        "billing_schedules": [],
        "billing_thresholds": null,
        "cancel_at": null,
        "cancel_at_period_end": false,
        "canceled_at": null,
        "cancellation_details": { "comment": null, "feedback": null, "reason": null },
        "collection_method": collection,
        "created": now,
        "currency": items[0].0["currency"],
        "customer": customer_id,
        "customer_account": null,
        "days_until_due": days_until_due,
        "default_payment_method": default_pm,
        "default_source": null,
        "default_tax_rates": [],
        "description": params.get("description").and_then(Value::as_str),
        "discounts": [],
        "ended_at": null,
        "invoice_settings": { "account_tax_ids": null, "custom_fields": null, "description": null, "footer": null, "issuer": { "type": "self" } },
        "items": { "object": "list", "data": [], "has_more": false, "url": format!("/v1/subscription_items?subscription={id}") },
        "latest_invoice": null,
        "livemode": ctx.livemode,
        "managed_payments": null,
        "metadata": metadata(&params, None)?,
        "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null,
        "pause_collection": null,
        "payment_settings": { "payment_method_options": null, "payment_method_types": null, "save_default_payment_method": "off" },
        "pending_invoice_item_interval": null,
        "pending_setup_intent": null,
        "pending_update": null,
        "schedule": null,
        "start_date": now,
        // Incomplete until the first invoice is paid (at once, below, when the card succeeds).
        "status": if trial_end.is_some() { "trialing" } else if collection == "charge_automatically" && total > 0 { "incomplete" } else { "active" },
        "test_clock": null,
        "transfer_data": null,
        "trial_end": trial_end,
        "trial_settings": { "end_behavior": { "missing_payment_method": missing_pm_behavior } },
        "trial_start": trial_end.map(|_| now),
    });
    for (price, quantity, item_metadata) in &items {
        let item = new_item(&id, price, *quantity, item_metadata.clone(), (now, now), now);
        if let Some(list) = subscription["items"]["data"].as_array_mut() {
            list.push(item);
        }
    }
    let period_end = trial_end.unwrap_or_else(|| billing::period_end(&subscription, period_start));
    billing::set_period(&mut subscription, (period_start, period_end));
    if boolean(&params, "cancel_at_period_end")? == Some(true) {
        subscription["cancel_at_period_end"] = json!(true);
        subscription["cancel_at"] = json!(period_end);
    }
    super::discounts::apply_param(&mut data, &mut subscription, &params, &ctx.origin, now)?;
    if customer["currency"].is_null() {
        let mut with_currency = customer.clone();
        with_currency["currency"] = json!(currency);
        data.put(with_currency.clone());
        data.emit("customer.updated", &with_currency, Some(json!({ "currency": null })), &ctx.origin, now);
    }
    // Stored and announced first, as Stripe orders the events, naming its first invoice;
    // paying that invoice makes it active (`customer.subscription.updated`).
    let invoice_id = AccountData::new_id("in");
    subscription["latest_invoice"] = json!(invoice_id);
    data.insert(KIND, subscription.clone());
    data.emit("customer.subscription.created", &subscription, None, &ctx.origin, now);
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now };
    bill(&mut data, &subscription, "subscription_create", Some((period_start, period_end)), trial_end.is_some(), behavior != "default_incomplete", Some(&invoice_id), &at);
    let subscription = data.get_of(KIND, &id).cloned().unwrap_or(subscription);
    Ok(Json(expanded(&data, &subscription, &expand_paths(&params))))
}

/// `trial_end` (a timestamp or `now`) or `trial_period_days`, as the trial's end.
fn trial_end(params: &Value, now: i64) -> Result<Option<i64>, ApiError> {
    let days = integer(params, "trial_period_days")?;
    let end = match params.get("trial_end").and_then(Value::as_str) {
        None => None,
        Some("now") => return Ok(None),
        Some(_) => integer(params, "trial_end")?,
    };
    match (days, end) {
        (Some(_), Some(_)) => Err(ApiError::invalid_request(None, "You may only specify one of these parameters: trial_end, trial_period_days.", Some("trial_end"))),
        (Some(days), None) if (0..=730).contains(&days) => Ok((days > 0).then_some(now + days * DAY)),
        (Some(_), None) => Err(ApiError::invalid_param("trial_period_days", "trial_period_days must be between 0 and 730.")),
        (None, Some(end)) if end > now => Ok(Some(end)),
        (None, Some(_)) => Err(ApiError::invalid_param("trial_end", "Invalid timestamp: must be an integer Unix timestamp in the future.")),
        (None, None) => Ok(None),
    }
}

/// `GET /v1/subscriptions/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let subscription = find(&data, &id)?;
    Ok(Json(expanded(&data, subscription, &expand_paths(&params))))
}

/// `GET /v1/subscriptions`: by `customer`, `price`, `collection_method` and `status`
/// (canceled ones only with `status=canceled`, `ended` or `all`, as Stripe lists them).
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["collection_method", "created", "customer", "price", "status"]);
    Params(params.clone()).allow_only(&allowed)?;
    let customer = params.get("customer").and_then(Value::as_str);
    let price = params.get("price").and_then(Value::as_str);
    let method = params.get("collection_method").and_then(Value::as_str);
    let status = params.get("status").and_then(Value::as_str);
    const STATUSES: &[&str] = &["active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"];
    if status.is_some_and(|status| !STATUSES.contains(&status)) {
        return Err(ApiError::invalid_param("status", format!("Invalid status: must be one of {}", STATUSES.join(", "))));
    }
    let created = super::events::CreatedFilter::parse(&params)?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|sub| {
        let state = sub["status"].as_str().unwrap_or("");
        let status_ok = match status {
            None => state != "canceled",
            Some("all") => true,
            Some("ended") => state == "canceled" || state == "incomplete_expired",
            Some(wanted) => state == wanted,
        };
        status_ok
            && customer.is_none_or(|c| sub["customer"] == c)
            && method.is_none_or(|m| sub["collection_method"] == m)
            && price.is_none_or(|p| sub["items"]["data"].as_array().into_iter().flatten().any(|item| item["price"]["id"] == p))
            && created.matches(sub["created"].as_i64().unwrap_or(0))
    });
    Ok(Json(page(&data, items, &params, "/v1/subscriptions")?))
}

/// `DELETE /v1/subscriptions/{id}`: cancels at once.
pub async fn cancel(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["cancellation_details", "expand", "invoice_now", "prorate"])?;
    let (prorate, invoice_now) = (boolean(&params, "prorate")? == Some(true), boolean(&params, "invoice_now")? == Some(true));
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if matches!(old["status"].as_str(), Some("canceled" | "incomplete_expired")) {
        return Err(ApiError::invalid_request(
            None,
            format!("A canceled subscription can only update its cancellation_details and metadata. Subscription {id} is already canceled."),
            None,
        ));
    }
    let mut subscription = old.clone();
    if let Some(comment) = params["cancellation_details"]["comment"].as_str() {
        subscription["cancellation_details"]["comment"] = json!(comment);
    }
    if let Some(feedback) = params["cancellation_details"]["feedback"].as_str() {
        subscription["cancellation_details"]["feedback"] = json!(feedback);
    }
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now };
    let subscription = end_now(&mut data, &old, subscription, prorate.then_some(now), invoice_now, &at);
    Ok(Json(expanded(&data, &subscription, &expand_paths(&params))))
}

/// Cancels `subscription` (`old` with the caller's changes) now. With `prorate_from`, the
/// unused rest of the period from then on is credited as pending invoice items; with
/// `invoice_now`, those go on a final invoice (a credit goes to the balance). Shared by
/// `DELETE` and the cancellation preview.
pub fn end_now(data: &mut AccountData, old: &Value, mut subscription: Value, prorate_from: Option<i64>, invoice_now: bool, at: &At) -> Value {
    let mut prorated = false;
    if let Some(from) = prorate_from.filter(|_| old["status"] != "trialing") {
        for item in old["items"]["data"].as_array().into_iter().flatten() {
            let change = update::Change {
                item: item["id"].as_str().unwrap_or("").to_string(),
                before: Some((item["price"].clone(), item["quantity"].as_i64().unwrap_or(1))),
                after: None,
                period: (item["current_period_start"].as_i64().unwrap_or(from), item["current_period_end"].as_i64().unwrap_or(from)),
            };
            prorated |= update::prorate(data, old, &change, from, at);
        }
    }
    lifecycle::end(data, &mut subscription, "cancellation_requested", at.origin, at.now);
    if invoice_now && prorated {
        let billed = bill(data, &subscription, "subscription_update", None, false, true, None, at);
        subscription["latest_invoice"] = billed.invoice["id"].clone();
        data.put(subscription.clone());
    }
    subscription
}

/// `POST /v1/subscriptions/{id}/resume`: a `paused` subscription starts a new period now
/// and is invoiced for it.
pub async fn resume(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["billing_cycle_anchor", "expand", "proration_behavior", "proration_date"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "paused" {
        return Err(ApiError::invalid_request(None, "Only subscriptions with status `paused` can be resumed.", None));
    }
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now };
    let subscription = lifecycle::start_period(&mut data, &old, old.clone(), now, "subscription_update", &["customer.subscription.resumed"], &at);
    Ok(Json(expanded(&data, &subscription, &expand_paths(&params))))
}

/// Called when one of a subscription's invoices is paid: a pending update it was billed
/// for is applied, and an `incomplete`, `past_due` or `unpaid` subscription becomes `active` again.
pub fn invoice_paid(data: &mut AccountData, invoice: &Value, origin: &Origin, now: i64) {
    pending::invoice_paid(data, invoice, origin, now);
    let Some(id) = invoice["parent"]["subscription_details"]["subscription"].as_str() else { return };
    let Some(old) = data.get_of(KIND, id).cloned() else { return };
    if !matches!(old["status"].as_str(), Some("incomplete" | "past_due" | "unpaid")) {
        return;
    }
    let mut subscription = old.clone();
    subscription["status"] = json!("active");
    save(data, &old, &subscription, &[], origin, now);
    set_delinquent(data, old["customer"].as_str().unwrap_or(""), false, origin, now);
}

/// Marks the customer delinquent (a renewal failed) or not (it was paid).
pub fn set_delinquent(data: &mut AccountData, customer: &str, delinquent: bool, origin: &Origin, now: i64) {
    let Some(old) = data.get_of("customer", customer).cloned() else { return };
    if old["delinquent"] == delinquent {
        return;
    }
    let mut changed = old.clone();
    changed["delinquent"] = json!(delinquent);
    data.put(changed.clone());
    data.emit("customer.updated", &changed, Some(json!({ "delinquent": old["delinquent"] })), origin, now);
}
