//! `/v1/invoiceitems`: items on a draft invoice (shown as its lines) or pending on the
//! customer until an invoice pulls them in. Only pending items and items on drafts change.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::invoices::items::{apply_plan, merged_spec, new_invoice_item, plan_line, ItemOwner, Naming};
use super::invoices::lines::{drop_line, not_editable, push_line, replace_line, MAX_LINES};
use super::invoices::{self, recompute};
use super::{boolean, metadata, required};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "invoiceitem";
const PRICING_PARAMS: &[&str] = &["amount", "description", "discountable", "discounts", "expand", "metadata", "period", "price_data", "pricing", "quantity", "tax_rates", "unit_amount_decimal"];

type Answer = Result<Json<Value>, ApiError>;

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("invoiceitem", id, "id"))
}

/// The draft invoice an item is on (if any), refusing items on finalized invoices.
fn editable_invoice(data: &AccountData, item: &Value) -> Result<Option<Value>, ApiError> {
    let Some(invoice_id) = item["invoice"].as_str() else { return Ok(None) };
    let invoice = invoices::find(data, invoice_id)?;
    if invoice["status"] != "draft" {
        return Err(not_editable(invoice));
    }
    Ok(Some(invoice.clone()))
}

/// Stores an invoice whose lines changed, with recomputed amounts and `invoice.updated`.
fn save_invoice(data: &mut AccountData, old: &Value, mut invoice: Value, origin: &Origin, now: i64) {
    recompute(data, &mut invoice);
    invoices::save(data, old, &invoice, &[], origin, now);
}

/// `POST /v1/invoiceitems`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = PRICING_PARAMS.to_vec();
    allowed.extend(["currency", "customer", "invoice", "quantity_decimal", "subscription", "tax_behavior", "tax_code"]);
    Params(params.clone()).allow_only(&allowed)?;
    let customer = required(&params, "customer")?.to_string();
    let now = ctx.now();
    let mut data = ctx.data();
    data.get_of("customer", &customer).ok_or_else(|| ApiError::no_such("customer", &customer, "customer"))?;
    let invoice = match params.get("invoice").and_then(Value::as_str) {
        Some(invoice_id) => {
            let invoice = invoices::find(&data, invoice_id)?.clone();
            if invoice["status"] != "draft" {
                return Err(not_editable(&invoice));
            }
            if invoice["customer"] != customer.as_str() {
                return Err(ApiError::invalid_param("invoice", format!("The invoice {invoice_id} belongs to another customer.")));
            }
            if invoice["lines"]["data"].as_array().map_or(0, Vec::len) >= MAX_LINES {
                return Err(ApiError::invalid_param("invoice", format!("An invoice can have at most {MAX_LINES} invoice items.")));
            }
            Some(invoice)
        }
        None => None,
    };
    let currency = match &invoice {
        Some(invoice) => invoice["currency"].as_str().unwrap_or("usd").to_string(),
        None => pending_currency(&data, &params)?,
    };
    if let (Some(_), Some(given)) = (&invoice, params.get("currency").and_then(Value::as_str)) {
        if !given.eq_ignore_ascii_case(&currency) {
            return Err(ApiError::invalid_param("currency", format!("The currency ({given}) must match the invoice's currency ({currency}).")));
        }
    }
    let plan = plan_line(&data, &params, &Naming(None), &currency)?;
    let invoice_id = invoice.as_ref().and_then(|inv| inv["id"].as_str()).map(str::to_string);
    let owner = ItemOwner { customer: &customer, invoice: invoice_id.as_deref(), currency: &currency };
    let mut item = new_invoice_item(&mut data, &plan, &owner, now, &ctx.origin);
    if let Some(discountable) = boolean(&params, "discountable")? {
        item["discountable"] = json!(discountable);
        data.put(item.clone());
    }
    if let Some(old) = invoice {
        let mut updated = old.clone();
        push_line(&mut updated, &item);
        save_invoice(&mut data, &old, updated, &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &item, &expand_paths(&params))))
}

/// A pending item's currency: given, or its price's.
fn pending_currency(data: &AccountData, params: &Value) -> Result<String, ApiError> {
    if params.get("currency").is_some() {
        return super::currency(params, "currency");
    }
    if let Some(currency) = params["price_data"]["currency"].as_str() {
        return Ok(currency.to_ascii_lowercase());
    }
    if let Some(price) = params["pricing"]["price"].as_str().and_then(|id| data.get_of("price", id)) {
        return Ok(price["currency"].as_str().unwrap_or("usd").to_string());
    }
    Err(ApiError::missing_param("currency"))
}

/// `GET /v1/invoiceitems/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    Ok(Json(expanded(&data, find(&data, &id)?, &expand_paths(&params))))
}

/// `POST /v1/invoiceitems/{id}`
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    let mut allowed = PRICING_PARAMS.to_vec();
    allowed.extend(["quantity_decimal", "tax_behavior", "tax_code"]);
    Params(params.clone()).allow_only(&allowed)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let invoice = editable_invoice(&data, &old)?;
    let mut changes = params.clone();
    if let Some(map) = changes.as_object_mut() {
        map.remove("expand");
        map.remove("discountable");
    }
    let currency = old["currency"].as_str().unwrap_or("usd").to_string();
    let plan = plan_line(&data, &merged_spec(&old, &changes), &Naming(None), &currency)?;
    let new_metadata = metadata(&params, old.get("metadata"))?;
    let mut item = old.clone();
    apply_plan(&mut data, &mut item, &plan, now);
    item["metadata"] = new_metadata;
    if let Some(discountable) = boolean(&params, "discountable")? {
        item["discountable"] = json!(discountable);
    }
    data.put(item.clone());
    if let Some(previous) = changed_fields(&old, &item) {
        data.emit("invoiceitem.updated", &item, Some(previous), &ctx.origin, now);
    }
    if let Some(old_invoice) = invoice {
        let mut updated = old_invoice.clone();
        replace_line(&mut updated, &item);
        save_invoice(&mut data, &old_invoice, updated, &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &item, &expand_paths(&params))))
}

/// `DELETE /v1/invoiceitems/{id}`
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let now = ctx.now();
    let mut data = ctx.data();
    let item = find(&data, &id)?.clone();
    let invoice = editable_invoice(&data, &item)?;
    data.remove(KIND, &id);
    data.emit("invoiceitem.deleted", &item, None, &ctx.origin, now);
    if let Some(old_invoice) = invoice {
        let mut updated = old_invoice.clone();
        drop_line(&mut updated, &id);
        save_invoice(&mut data, &old_invoice, updated, &ctx.origin, now);
    }
    Ok(Json(json!({ "id": id, "object": "invoiceitem", "deleted": true })))
}

/// `GET /v1/invoiceitems`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
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
            && created.matches(item["created"].as_i64().or(item["date"].as_i64()).unwrap_or(0))
    });
    Ok(Json(page(&data, items, &params, "/v1/invoiceitems")?))
}
