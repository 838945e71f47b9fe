//! Prices: one-off and recurring, with `product` or inline `product_data`.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{boolean, currency, integer, metadata, optional_string};
use crate::data::{changed_fields, AccountData};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::money::MAX_AMOUNT;
use crate::server::{ApiContext, Params};

const KIND: &str = "price";
const INTERVALS: &[&str] = &["day", "week", "month", "year"];
/// How many of each interval make one year, Stripe's longest billing interval.
const PER_YEAR: &[i64] = &[365, 52, 12, 1];
const TAX_BEHAVIORS: &[&str] = &["exclusive", "inclusive", "unspecified"];

type Answer = Result<Json<Value>, ApiError>;

/// `POST /v1/prices`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&[
        "active", "currency", "expand", "lookup_key", "metadata", "nickname", "product", "product_data", "recurring",
        "tax_behavior", "unit_amount", "unit_amount_decimal",
    ])?;
    let currency = currency(&params, "currency")?;
    let unit_amount = match (integer(&params, "unit_amount")?, params.get("unit_amount_decimal").and_then(Value::as_str)) {
        (Some(amount), None) => amount,
        (None, Some(decimal)) => decimal.parse::<f64>().map(|d| d.round() as i64).map_err(|_| {
            ApiError::invalid_request(Some("parameter_invalid_string"), "Invalid decimal", Some("unit_amount_decimal"))
        })?,
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: unit_amount, unit_amount_decimal.", Some("unit_amount")))
        }
        (None, None) => return Err(ApiError::missing_param("unit_amount")),
    };
    if !(0..=MAX_AMOUNT).contains(&unit_amount) {
        return Err(ApiError::invalid_request(Some("parameter_invalid_integer"), "This value must be greater than or equal to 0 and at most 99999999.", Some("unit_amount")));
    }
    let recurring = match params.get("recurring") {
        None => Value::Null,
        Some(Value::Object(fields)) => {
            let interval = fields.get("interval").and_then(Value::as_str).ok_or_else(|| ApiError::missing_param("recurring[interval]"))?;
            if !INTERVALS.contains(&interval) {
                return Err(ApiError::invalid_param("recurring[interval]", format!("Invalid recurring[interval]: must be one of {}", INTERVALS.join(", "))));
            }
            let count = integer(&params["recurring"], "interval_count")?.unwrap_or(1);
            let per_year = INTERVALS.iter().position(|i| *i == interval).map_or(1, |at| PER_YEAR[at]);
            if count < 1 {
                return Err(ApiError::invalid_request(Some("parameter_invalid_integer"), "This value must be greater than or equal to 1.", Some("recurring[interval_count]")));
            }
            if count > per_year {
                return Err(ApiError::invalid_param("recurring[interval_count]", "The maximum billing interval is one year (1 year, 12 months, 52 weeks or 365 days)."));
            }
            json!({ "interval": interval, "interval_count": count, "meter": null, "trial_period_days": null, "usage_type": "licensed" })
        }
        Some(_) => return Err(ApiError::invalid_param("recurring", "Invalid hash")),
    };
    let tax_behavior = tax_behavior(&params)?.unwrap_or_else(|| "unspecified".into());
    let now = ctx.now();
    let mut data = ctx.data();
    let product_id = match (params.get("product").and_then(Value::as_str), params.get("product_data")) {
        (Some(id), None) => {
            data.get_of("product", id).ok_or_else(|| ApiError::no_such("product", id, "product"))?;
            id.to_string()
        }
        (None, Some(product_data)) => {
            let product = super::products::new_product(&ctx, product_data)?;
            let id = product["id"].as_str().unwrap_or_default().to_string();
            data.insert("product", product.clone());
            data.emit("product.created", &product, None, &ctx.origin, now);
            id
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: product, product_data.", Some("product")))
        }
        (None, None) => return Err(ApiError::missing_param("product")),
    };
    let price = json!({
        "id": AccountData::new_id("price"),
        "object": "price",
        "active": boolean(&params, "active")?.unwrap_or(true),
        "billing_scheme": "per_unit",
        "created": now,
        "currency": currency,
        "custom_unit_amount": null,
        "livemode": ctx.livemode,
        "lookup_key": params.get("lookup_key").cloned().unwrap_or(Value::Null),
        "metadata": metadata(&params, None)?,
        "nickname": params.get("nickname").cloned().unwrap_or(Value::Null),
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": tax_behavior,
        "tiers_mode": null,
        "transform_quantity": null,
        "type": if recurring.is_null() { "one_time" } else { "recurring" },
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount.to_string(),
    });
    data.insert(KIND, price.clone());
    data.emit("price.created", &price, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &price, &expand_paths(&params))))
}

/// `tax_behavior`, if given: one of Stripe's three.
fn tax_behavior(params: &Value) -> Result<Option<String>, ApiError> {
    match params.get("tax_behavior") {
        None => Ok(None),
        Some(Value::String(value)) if TAX_BEHAVIORS.contains(&value.as_str()) => Ok(Some(value.clone())),
        Some(_) => Err(ApiError::invalid_param("tax_behavior", format!("Invalid tax_behavior: must be one of {}", TAX_BEHAVIORS.join(", ")))),
    }
}

/// `GET /v1/prices/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let price = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("price", &id, "id"))?;
    Ok(Json(expanded(&data, price, &expand_paths(&params))))
}

/// `POST /v1/prices/{id}`: amounts are fixed once created; these fields are not.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["active", "expand", "lookup_key", "metadata", "nickname", "tax_behavior"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("price", &id, "id"))?.clone();
    let mut price = old.clone();
    if let Some(active) = boolean(&params, "active")? {
        let product = old["product"].as_str().and_then(|product| data.get_of("product", product));
        if !active && product.is_some_and(|product| product["default_price"] == id.as_str()) {
            return Err(ApiError::invalid_param("active", "This price cannot be archived because it is the default price of its product."));
        }
        price["active"] = json!(active);
    }
    if let Some(tax_behavior) = tax_behavior(&params)? {
        if old["tax_behavior"] != "unspecified" && old["tax_behavior"] != tax_behavior.as_str() {
            return Err(ApiError::invalid_param("tax_behavior", "A price's tax_behavior cannot be changed once it is inclusive or exclusive."));
        }
        price["tax_behavior"] = json!(tax_behavior);
    }
    for field in ["lookup_key", "nickname"] {
        if let Some(value) = optional_string(&params, field) {
            price[field] = value;
        }
    }
    price["metadata"] = metadata(&params, price.get("metadata"))?;
    if let Some(previous) = changed_fields(&old, &price) {
        data.put(price.clone());
        data.emit("price.updated", &price, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &price, &expand_paths(&params))))
}

/// `GET /v1/prices` filtered by `product`, `active`, `type`, `currency`.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["active", "created", "currency", "lookup_keys", "product", "recurring", "type"]);
    Params(params.clone()).allow_only(&allowed)?;
    let active = boolean(&params, "active")?;
    let product = params.get("product").and_then(Value::as_str);
    let kind = params.get("type").and_then(Value::as_str);
    let currency = params.get("currency").and_then(Value::as_str);
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|price| {
        active.is_none_or(|a| price["active"] == a)
            && product.is_none_or(|p| price["product"] == p)
            && kind.is_none_or(|t| price["type"] == t)
            && currency.is_none_or(|c| price["currency"] == c)
    });
    Ok(Json(page(&data, items, &params, "/v1/prices")?))
}
