//! Products: create, retrieve, update, delete, list.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{boolean, metadata, optional_string, required};
use crate::data::{changed_fields, AccountData};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "product";
const WRITABLE: &[&str] = &["active", "description", "expand", "id", "metadata", "name", "unit_label", "url"];

type Answer = Result<Json<Value>, ApiError>;

/// A new product object (also used by `product_data` on prices).
pub fn new_product(ctx: &ApiContext, params: &Value) -> Result<Value, ApiError> {
    let name = required(params, "name")?;
    let now = ctx.now();
    let mut product = json!({
        "id": params.get("id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| AccountData::new_id("prod")),
        "object": "product",
        "active": true,
        "created": now,
        "default_price": null,
        "description": null,
        "images": [],
        "livemode": ctx.livemode,
        "marketing_features": [],
        "metadata": {},
        "name": name,
        "package_dimensions": null,
        "shippable": null,
        "statement_descriptor": null,
        "tax_code": null,
        "type": "service",
        "unit_label": null,
        "updated": now,
        "url": null,
    });
    apply(&mut product, params)?;
    Ok(product)
}

fn apply(product: &mut Value, params: &Value) -> Result<(), ApiError> {
    for field in ["description", "unit_label", "url"] {
        if let Some(value) = optional_string(params, field) {
            product[field] = value;
        }
    }
    if let Some(name) = params.get("name").and_then(Value::as_str) {
        if name.is_empty() {
            return Err(ApiError::invalid_param("name", "A product needs a name."));
        }
        product["name"] = json!(name);
    }
    if let Some(active) = boolean(params, "active")? {
        product["active"] = json!(active);
    }
    product["metadata"] = metadata(params, product.get("metadata"))?;
    Ok(())
}

/// `POST /v1/products`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(WRITABLE)?;
    let product = new_product(&ctx, &params)?;
    let mut data = ctx.data();
    if data.get(product["id"].as_str().unwrap_or_default()).is_some() {
        return Err(ApiError::invalid_request(Some("resource_already_exists"), "Product already exists.", Some("id")));
    }
    data.insert(KIND, product.clone());
    data.emit("product.created", &product, None, &ctx.origin, ctx.now());
    Ok(Json(expanded(&data, &product, &expand_paths(&params))))
}

/// `GET /v1/products/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let product = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("product", &id, "id"))?;
    Ok(Json(expanded(&data, product, &expand_paths(&params))))
}

/// The `default_price` an update asks for: `""` clears it; otherwise an active price of this
/// product.
fn default_price(data: &AccountData, product_id: &str, params: &Value) -> Result<Option<Value>, ApiError> {
    let Some(price_id) = params.get("default_price").and_then(Value::as_str) else {
        return Ok(None);
    };
    if price_id.is_empty() {
        return Ok(Some(Value::Null));
    }
    let price = data.get_of("price", price_id).ok_or_else(|| ApiError::no_such("price", price_id, "default_price"))?;
    if price["product"] != product_id {
        return Err(ApiError::invalid_param("default_price", format!("The price {price_id} does not belong to product {product_id}.")));
    }
    if price["active"] == false {
        return Err(ApiError::invalid_param("default_price", format!("The price specified ({price_id}) is inactive. This field only accepts active prices.")));
    }
    Ok(Some(json!(price_id)))
}

/// `POST /v1/products/{id}`
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["active", "default_price", "description", "expand", "metadata", "name", "unit_label", "url"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("product", &id, "id"))?.clone();
    let mut product = old.clone();
    apply(&mut product, &params)?;
    if let Some(default) = default_price(&data, &id, &params)? {
        product["default_price"] = default;
    }
    if let Some(previous) = changed_fields(&old, &product) {
        product["updated"] = json!(now);
        data.put(product.clone());
        data.emit("product.updated", &product, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &product, &expand_paths(&params))))
}

/// `DELETE /v1/products/{id}`: only products without prices can be deleted.
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let now = ctx.now();
    let mut data = ctx.data();
    data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("product", &id, "id"))?;
    if data.all("price").any(|price| price["product"] == id.as_str()) {
        return Err(ApiError::wrong_state(
            None,
            "This product cannot be deleted because it has one or more user-created prices.",
        ));
    }
    let product = data.remove(KIND, &id).unwrap_or_default();
    data.emit("product.deleted", &product, None, &ctx.origin, now);
    Ok(Json(json!({ "id": id, "object": "product", "deleted": true })))
}

/// `GET /v1/products`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["active", "created", "ids"]);
    Params(params.clone()).allow_only(&allowed)?;
    let active = boolean(&params, "active")?;
    let created = super::events::CreatedFilter::parse(&params)?;
    let data = ctx.data();
    let items = data
        .all(KIND)
        .rev()
        .filter(|product| active.is_none_or(|active| product["active"] == active))
        .filter(|product| created.matches(product["created"].as_i64().unwrap_or(0)));
    Ok(Json(page(&data, items, &params, "/v1/products")?))
}
