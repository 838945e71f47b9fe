//! Subscription items, read-only: `GET /v1/subscription_items?subscription=…` and
//! `GET /v1/subscription_items/{id}`. They live inside their subscription's `items`.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use super::{find, KIND};
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
