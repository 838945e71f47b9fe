//! Invoice items, read-only here: `GET /v1/invoiceitems` (by customer, invoice, pending)
//! and `GET /v1/invoiceitems/{id}`, so pending items such as prorations can be seen.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use super::boolean;
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "invoiceitem";

/// `GET /v1/invoiceitems/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Result<Json<Value>, ApiError> {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let item = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("invoiceitem", &id, "id"))?;
    Ok(Json(expanded(&data, item, &expand_paths(&params))))
}

/// `GET /v1/invoiceitems`: `pending=true` lists the items not yet on an invoice.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Result<Json<Value>, ApiError> {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["created", "customer", "invoice", "pending"]);
    Params(params.clone()).allow_only(&allowed)?;
    let customer = params.get("customer").and_then(Value::as_str);
    let invoice = params.get("invoice").and_then(Value::as_str);
    let pending = boolean(&params, "pending")?;
    let created = super::events::CreatedFilter::parse(&params)?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|item| {
        customer.is_none_or(|c| item["customer"] == c)
            && invoice.is_none_or(|i| item["invoice"] == i)
            && pending.is_none_or(|p| item["invoice"].is_null() == p)
            && created.matches(item["date"].as_i64().unwrap_or(0))
    });
    Ok(Json(page(&data, items, &params, "/v1/invoiceitems")?))
}
