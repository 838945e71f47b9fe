//! Customers: create, retrieve, update, delete, list (with exact `email`), search.

use axum::extract::Path;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::balance_transactions::{self, Entry};
use super::{integer, metadata, optional_string, payment_methods};
use crate::data::{changed_fields, AccountData};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page_of, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "customer";
const WRITABLE: &[&str] = &["address", "balance", "description", "email", "expand", "invoice_settings", "metadata", "name", "phone", "preferred_locales"];
/// The currency of a balance set on a customer that has none yet (the emulated account's).
const BALANCE_CURRENCY: &str = "usd";
const ADDRESS_FIELDS: &[&str] = &["city", "country", "line1", "line2", "postal_code", "state"];

type Answer = Result<Json<Value>, ApiError>;

/// `POST /v1/customers`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = WRITABLE.to_vec();
    allowed.push("payment_method");
    Params(params.clone()).allow_only(&allowed)?;
    let now = ctx.now();
    let mut customer = json!({
        "id": AccountData::new_id("cus"),
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": now,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": null,
        "discount": null,
        "email": null,
        "invoice_prefix": null,
        "invoice_settings": { "custom_fields": null, "default_payment_method": null, "footer": null, "rendering_options": null },
        "livemode": ctx.livemode,
        "metadata": {},
        "name": null,
        "next_invoice_sequence": 1,
        "phone": null,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null,
    });
    apply(&mut customer, &params)?;
    let balance = integer(&params, "balance")?.unwrap_or(0);
    customer["balance"] = json!(balance);
    customer["invoice_prefix"] = json!(crate::state::short_id()[..8].to_ascii_uppercase());
    let mut data = ctx.data();
    let id = customer["id"].as_str().unwrap_or_default().to_string();
    let requested_default = default_payment_method(&params)?;
    // `payment_method` is attached once the customer exists; a default naming the same
    // test id names the attached card.
    let attached = match params.get("payment_method").and_then(Value::as_str) {
        Some(pm) => {
            payment_methods::declines(&data, pm).ok_or_else(|| ApiError::no_such("PaymentMethod", pm, "payment_method"))?;
            Some(pm.to_string())
        }
        None => None,
    };
    if let Some(Some(default)) = &requested_default {
        if attached.as_deref() != Some(default.as_str()) {
            payment_methods::check_attached(&data, default, &id, "invoice_settings[default_payment_method]")?;
        }
    }
    data.insert(KIND, customer.clone());
    data.emit("customer.created", &customer, None, &ctx.origin, now);
    // A starting balance is the ledger's first row, as in Stripe.
    if balance != 0 {
        balance_transactions::store(&mut data, &id, Entry::new("initial", balance, BALANCE_CURRENCY), balance, now);
    }
    if let Some(pm) = attached {
        let stored = payment_methods::attach_to(&mut data, &pm, &id, &ctx.origin, now)?;
        if requested_default == Some(Some(pm)) {
            customer["invoice_settings"]["default_payment_method"] = stored["id"].clone();
            data.put(customer.clone());
        }
    } else if let Some(default) = requested_default {
        customer["invoice_settings"]["default_payment_method"] = json!(default);
        data.put(customer.clone());
    }
    Ok(Json(expanded(&data, &customer, &expand_paths(&params))))
}

/// Writes the writable fields of `params` onto `customer`.
fn apply(customer: &mut Value, params: &Value) -> Result<(), ApiError> {
    for field in ["description", "email", "name", "phone"] {
        if let Some(value) = optional_string(params, field) {
            customer[field] = value;
        }
    }
    customer["metadata"] = metadata(params, customer.get("metadata"))?;
    match params.get("address") {
        None => {}
        Some(Value::String(empty)) if empty.is_empty() => customer["address"] = Value::Null,
        Some(Value::Object(fields)) => {
            let mut address = json!({"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null});
            for (name, value) in fields {
                if !ADDRESS_FIELDS.contains(&name.as_str()) {
                    return Err(ApiError::unknown_parameter(&format!("address[{name}]")));
                }
                address[name.as_str()] = value.clone();
            }
            customer["address"] = address;
        }
        Some(_) => return Err(ApiError::invalid_param("address", "Invalid hash")),
    }
    match params.get("preferred_locales") {
        Some(Value::Array(locales)) => customer["preferred_locales"] = Value::Array(locales.clone()),
        // An empty string clears the list, as for any array parameter.
        Some(Value::String(empty)) if empty.is_empty() => customer["preferred_locales"] = json!([]),
        Some(_) => return Err(ApiError::invalid_param("preferred_locales", "Invalid array")),
        None => {}
    }
    if let Some(footer) = params.get("invoice_settings").and_then(|settings| optional_string(settings, "footer")) {
        customer["invoice_settings"]["footer"] = footer;
    }
    Ok(())
}

/// `invoice_settings[default_payment_method]`: `Some(None)` unsets it.
fn default_payment_method(params: &Value) -> Result<Option<Option<String>>, ApiError> {
    match params.get("invoice_settings") {
        None => Ok(None),
        Some(Value::Object(settings)) => {
            if let Some(unknown) = settings.keys().find(|k| !matches!(k.as_str(), "default_payment_method" | "custom_fields" | "footer" | "rendering_options")) {
                return Err(ApiError::unknown_parameter(&format!("invoice_settings[{unknown}]")));
            }
            Ok(settings.get("default_payment_method").and_then(Value::as_str).map(|pm| (!pm.is_empty()).then(|| pm.to_string())))
        }
        Some(_) => Err(ApiError::invalid_param("invoice_settings", "Invalid hash")),
    }
}

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("customer", id, "id"))
}

/// `GET /v1/customers/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let customer = find(&data, &id)?;
    Ok(Json(expanded(&data, customer, &expand_paths(&params))))
}

/// `POST /v1/customers/{id}`
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(WRITABLE)?;
    let now = ctx.now();
    let mut data = ctx.data();
    find(&data, &id)?;
    // A new `balance` is an adjustment on the ledger (with its own `customer.updated`), as
    // in Stripe; the rest of the update applies on top of it.
    if let Some(balance) = integer(&params, "balance")? {
        let current = find(&data, &id)?;
        let delta = balance - current["balance"].as_i64().unwrap_or(0);
        let currency = current["currency"].as_str().unwrap_or(BALANCE_CURRENCY).to_string();
        if delta != 0 {
            balance_transactions::record(&mut data, &id, Entry::new("adjustment", delta, &currency), &ctx.origin, now);
        }
    }
    let old = find(&data, &id)?.clone();
    let mut customer = old.clone();
    apply(&mut customer, &params)?;
    if let Some(default) = default_payment_method(&params)? {
        if let Some(pm) = &default {
            payment_methods::check_attached(&data, pm, &id, "invoice_settings[default_payment_method]")?;
        }
        customer["invoice_settings"]["default_payment_method"] = json!(default);
    }
    if let Some(previous) = changed_fields(&old, &customer) {
        data.put(customer.clone());
        data.emit("customer.updated", &customer, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &customer, &expand_paths(&params))))
}

/// `DELETE /v1/customers/{id}`
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let now = ctx.now();
    let mut data = ctx.data();
    find(&data, &id)?;
    // Deleting a customer cancels its subscriptions at once, as Stripe does.
    let live: Vec<Value> = data
        .all("subscription")
        .filter(|sub| sub["customer"] == id.as_str() && !matches!(sub["status"].as_str(), Some("canceled" | "incomplete_expired")))
        .cloned()
        .collect();
    for mut subscription in live {
        super::subscriptions::lifecycle::end(&mut data, &mut subscription, "cancellation_requested", &ctx.origin, now);
    }
    let customer = data.remove(KIND, &id).unwrap_or_default();
    data.emit("customer.deleted", &customer, None, &ctx.origin, now);
    Ok(Json(json!({ "id": id, "object": "customer", "deleted": true })))
}

/// `GET /v1/customers` with optional exact `email` and `created` filter.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Result<Response, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["email", "created", "test_clock"]);
    Params(params.clone()).allow_only(&allowed)?;
    let email = params.get("email").and_then(Value::as_str);
    let created = super::events::CreatedFilter::parse(&params)?;
    // Looking up `created` in every customer is most of a big list's cost; skip it unasked.
    let filter_created = params.get("created").is_some();
    let data = ctx.data();
    // The common case of paging through all customers skips straight to the cursor.
    let after = params.get("starting_after").and_then(Value::as_str);
    if let (None, false, Some(cursor), None) = (email, filter_created, after, params.get("ending_before")) {
        if let Some(older) = data.older_than(KIND, cursor) {
            let mut rest = params.clone();
            if let Some(map) = rest.as_object_mut() {
                map.remove("starting_after");
            }
            return Ok(page_of(&data, older, &rest, "/v1/customers")?.to_response(&data));
        }
    }
    let items = data
        .all(KIND)
        .rev()
        .filter(|customer| email.is_none_or(|email| customer["email"] == email))
        .filter(|customer| !filter_created || created.matches(customer["created"].as_i64().unwrap_or(0)));
    Ok(page_of(&data, items, &params, "/v1/customers")?.to_response(&data))
}

/// `GET /v1/customers/search?query=…`: `field:'value'` clauses joined by `AND`, on
/// `email`, `name`, `phone` and `metadata['key']`. (Stripe's search lags writes by up to a
/// minute; the emulator's does not, which only makes it kinder.)
pub async fn search(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["query", "limit", "page", "expand"])?;
    let query = super::required(&params, "query")?;
    let clauses = parse_query(query)?;
    let data = ctx.data();
    let matches: Vec<Value> = data
        .all(KIND)
        .rev()
        .filter(|customer| clauses.iter().all(|(field, value)| field_value(customer, field) == Some(value.as_str())))
        .cloned()
        .collect();
    let limit = integer(&params, "limit")?.unwrap_or(10).clamp(1, 100) as usize;
    let offset: usize = params.get("page").and_then(Value::as_str).and_then(|p| p.parse().ok()).unwrap_or(0);
    let window: Vec<Value> = matches.iter().skip(offset).take(limit).cloned().collect();
    let has_more = matches.len() > offset + limit;
    Ok(Json(json!({
        "object": "search_result",
        "data": window,
        "has_more": has_more,
        "next_page": has_more.then(|| (offset + limit).to_string()),
        "url": "/v1/customers/search",
    })))
}

fn field_value<'a>(customer: &'a Value, field: &str) -> Option<&'a str> {
    if let Some(key) = field.strip_prefix("metadata['").and_then(|rest| rest.strip_suffix("']")) {
        return customer["metadata"][key].as_str();
    }
    customer.get(field).and_then(Value::as_str)
}

fn parse_query(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let bad = || ApiError::invalid_param("query", format!("Invalid search query: {query}"));
    query
        .split(" AND ")
        .map(|clause| {
            let (field, value) = clause.trim().split_once(':').ok_or_else(bad)?;
            let value = value.trim().strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).ok_or_else(bad)?;
            if !matches!(field, "email" | "name" | "phone") && !field.starts_with("metadata['") {
                return Err(bad());
            }
            Ok((field.to_string(), value.to_string()))
        })
        .collect()
}
