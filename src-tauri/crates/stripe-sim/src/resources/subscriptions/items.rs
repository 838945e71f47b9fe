//! Subscription items: list, retrieve, and create / update / delete, which are updates of
//! their subscription's `items` (with the same prorations). They live inside it.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Map, Value};

use super::billing::At;
use super::{find, update, KIND};
use crate::data::AccountData;
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::resources::required;
use crate::server::{ApiContext, Params};

/// `GET /v1/subscription_items/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let item = data
        .all(KIND)
        .flat_map(|sub| sub["items"]["data"].as_array().into_iter().flatten())
        .find(|item| item["id"] == id.as_str())
        .ok_or_else(|| ApiError::no_such("subscription_item", &id, "id"))?;
    Ok(Json(expanded(&data, item, &expand_paths(&params))))
}

/// `GET /v1/subscription_items?subscription=…`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.push("subscription");
    Params(params.clone()).allow_only(&allowed)?;
    let subscription = required(&params, "subscription")?;
    let data = ctx.data();
    let items: Vec<Value> = find(&data, subscription)?["items"]["data"].as_array().cloned().unwrap_or_default();
    Ok(Json(page(&data, items.iter().rev(), &params, "/v1/subscription_items")?))
}

/// Parameters that go to the subscription update rather than to the item.
const UPDATE_LEVEL: &[&str] = &["payment_behavior", "proration_behavior", "proration_date"];

/// The id of the subscription holding item `id`.
fn holder(data: &AccountData, id: &str) -> Result<String, ApiError> {
    data.all(KIND)
        .find(|sub| sub["items"]["data"].as_array().into_iter().flatten().any(|item| item["id"] == id))
        .and_then(|sub| sub["id"].as_str().map(str::to_string))
        .ok_or_else(|| ApiError::no_such("subscription_item", id, "id"))
}

/// The subscription update that makes `item` (`items[0]`) change, with the update-level
/// parameters carried over.
fn as_update(params: &Value, item: Map<String, Value>) -> Value {
    let mut update = json!({ "items": [Value::Object(item)] });
    for name in UPDATE_LEVEL {
        if let Some(value) = params.get(*name) {
            update[*name] = value.clone();
        }
    }
    update
}

/// The item-level parameters of a request.
fn item_fields(params: &Value, names: &[&str]) -> Map<String, Value> {
    names.iter().filter_map(|name| params.get(*name).map(|value| (name.to_string(), value.clone()))).collect()
}

/// `POST /v1/subscription_items`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand", "metadata", "payment_behavior", "price", "proration_behavior", "proration_date", "quantity", "subscription"])?;
    let subscription = required(&params, "subscription")?.to_string();
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now: ctx.now() };
    let mut data = ctx.data();
    find(&data, &subscription)?;
    let updated = update::apply(&mut data, &subscription, &as_update(&params, item_fields(&params, &["price", "quantity", "metadata"])), &at)?;
    let item = updated["items"]["data"].as_array().and_then(|items| items.last()).cloned().unwrap_or_default();
    Ok(Json(expanded(&data, &item, &expand_paths(&params))))
}

/// `POST /v1/subscription_items/{id}`
pub async fn update_item(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand", "metadata", "payment_behavior", "price", "proration_behavior", "proration_date", "quantity"])?;
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now: ctx.now() };
    let mut data = ctx.data();
    let subscription = holder(&data, &id)?;
    let mut fields = item_fields(&params, &["price", "quantity", "metadata"]);
    fields.insert("id".into(), json!(id));
    let updated = update::apply(&mut data, &subscription, &as_update(&params, fields), &at)?;
    let item = updated["items"]["data"].as_array().into_iter().flatten().find(|item| item["id"] == id.as_str()).cloned().unwrap_or_default();
    Ok(Json(expanded(&data, &item, &expand_paths(&params))))
}

/// `DELETE /v1/subscription_items/{id}`
pub async fn delete(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["clear_usage", "payment_behavior", "proration_behavior", "proration_date"])?;
    let at = At { origin: &ctx.origin, base_url: ctx.base_url(), now: ctx.now() };
    let mut data = ctx.data();
    let subscription = holder(&data, &id)?;
    let fields = Map::from_iter([("id".to_string(), json!(id)), ("deleted".to_string(), json!("true"))]);
    update::apply(&mut data, &subscription, &as_update(&params, fields), &at)?;
    Ok(Json(json!({ "id": id, "object": "subscription_item", "deleted": true })))
}
