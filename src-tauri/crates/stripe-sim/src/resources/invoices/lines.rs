//! Invoice lines on drafts: `add_lines`, `update_lines` and `remove_lines` (each all lines
//! in one request, all or nothing), the line objects, and pending invoice items.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::items::{apply_plan, merged_spec, new_invoice_item, plan_line, pricing_json, ItemOwner, Naming};
use super::{amounts, find, save};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::resources::metadata;
use crate::server::{ApiContext, Params};

/// Most lines an invoice may have.
pub const MAX_LINES: usize = 250;
const LINE_PARAMS: &[&str] = &["amount", "description", "discountable", "metadata", "period", "price_data", "pricing", "quantity", "tax_rates"];

type Answer = Result<Json<Value>, ApiError>;

/// A copy of the invoice whose lines are to change; only drafts may.
fn editable_draft(data: &AccountData, id: &str) -> Result<Value, ApiError> {
    let invoice = find(data, id)?;
    if invoice["status"] != "draft" {
        return Err(not_editable(invoice));
    }
    Ok(invoice.clone())
}

/// Stripe's refusal to change the lines of an invoice that is no longer a draft.
pub fn not_editable(invoice: &Value) -> ApiError {
    ApiError::wrong_state(
        Some("invoice_not_editable"),
        format!(
            "You can only modify lines on a draft invoice. Invoice {} is {}.",
            invoice["id"].as_str().unwrap_or(""),
            invoice["status"].as_str().unwrap_or("")
        ),
    )
}

/// The request's `lines[]`.
fn requested_lines(params: &Value) -> Result<Vec<Value>, ApiError> {
    match params.get("lines") {
        Some(Value::Array(lines)) => Ok(lines.clone()),
        _ => Err(ApiError::missing_param("lines")),
    }
}

fn refuse_unknown(line: &Value, index: usize, allowed: &[&str]) -> Result<(), ApiError> {
    match line.as_object().and_then(|map| map.keys().find(|k| !allowed.contains(&k.as_str()))) {
        Some(unknown) => Err(ApiError::unknown_parameter(&format!("lines[{index}][{unknown}]"))),
        None => Ok(()),
    }
}

fn apply_invoice_metadata(invoice: &mut Value, params: &Value) -> Result<(), ApiError> {
    if params.get("invoice_metadata").is_some() {
        let mut wrapped = json!({});
        wrapped["metadata"] = params["invoice_metadata"].clone();
        invoice["metadata"] = metadata(&wrapped, invoice.get("metadata"))?;
    }
    Ok(())
}

/// `POST /v1/invoices/{id}/add_lines`
pub async fn add_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "invoice_metadata", "lines"])?;
    let requested = requested_lines(&params)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = editable_draft(&data, &id)?;
    let existing = old["lines"]["data"].as_array().map_or(0, Vec::len);
    if existing + requested.len() > MAX_LINES {
        return Err(ApiError::invalid_param("lines", format!("An invoice can have at most {MAX_LINES} lines.")));
    }
    let currency = old["currency"].as_str().unwrap_or("usd").to_string();
    let customer = old["customer"].as_str().unwrap_or("").to_string();
    // Validate every line before creating anything: the request adds all or nothing.
    let mut planned = Vec::new();
    for (index, line) in requested.iter().enumerate() {
        refuse_unknown(line, index, LINE_PARAMS)?;
        let prefix = format!("lines[{index}]");
        planned.push(plan_line(&data, line, &Naming(Some(&prefix)), &currency)?);
    }
    let mut invoice = old.clone();
    let owner = ItemOwner { customer: &customer, invoice: Some(&id), currency: &currency };
    for plan in planned {
        let item = new_invoice_item(&mut data, &plan, &owner, now, &ctx.origin);
        push_line(&mut invoice, &item);
    }
    apply_invoice_metadata(&mut invoice, &params)?;
    amounts::recompute(&data, &mut invoice);
    save(&mut data, &old, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// The position of line `line_id` in the invoice and the id of its invoice item.
fn locate(invoice: &Value, line_id: &str, param: &str) -> Result<(usize, String), ApiError> {
    invoice["lines"]["data"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, line)| line["id"] == line_id)
        .map(|(position, line)| (position, line["parent"]["invoice_item_details"]["invoice_item"].as_str().unwrap_or("").to_string()))
        .ok_or_else(|| ApiError::no_such("invoice line item", line_id, param))
}

/// `POST /v1/invoices/{id}/update_lines`: rewrites lines (and their invoice items).
pub async fn update_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "invoice_metadata", "lines"])?;
    let requested = requested_lines(&params)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = editable_draft(&data, &id)?;
    let currency = old["currency"].as_str().unwrap_or("usd").to_string();
    let mut allowed = LINE_PARAMS.to_vec();
    allowed.extend(["discounts", "id"]);
    let mut planned = Vec::new();
    for (index, line) in requested.iter().enumerate() {
        refuse_unknown(line, index, &allowed)?;
        let prefix = format!("lines[{index}]");
        let line_id = line["id"].as_str().ok_or_else(|| ApiError::missing_param(&format!("{prefix}[id]")))?;
        let (position, item_id) = locate(&old, line_id, &format!("{prefix}[id]"))?;
        let item = data.get_of("invoiceitem", &item_id).ok_or_else(|| ApiError::no_such("invoice line item", line_id, &format!("{prefix}[id]")))?;
        let mut changes = line.clone();
        if let Some(map) = changes.as_object_mut() {
            map.remove("id");
        }
        let plan = plan_line(&data, &merged_spec(item, &changes), &Naming(Some(&prefix)), &currency)?;
        let new_metadata = metadata(&changes, item.get("metadata"))?;
        planned.push((position, item.clone(), plan, new_metadata));
    }
    let mut invoice = old.clone();
    for (position, mut item, plan, new_metadata) in planned {
        let before = item.clone();
        apply_plan(&mut data, &mut item, &plan, now);
        item["metadata"] = new_metadata;
        data.put(item.clone());
        if let Some(previous) = crate::data::changed_fields(&before, &item) {
            data.emit("invoiceitem.updated", &item, Some(previous), &ctx.origin, now);
        }
        let line_id = invoice["lines"]["data"][position]["id"].clone();
        invoice["lines"]["data"][position] = line_json(&invoice["id"], &item, line_id);
    }
    apply_invoice_metadata(&mut invoice, &params)?;
    amounts::recompute(&data, &mut invoice);
    save(&mut data, &old, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// `POST /v1/invoices/{id}/remove_lines`: `behavior=delete` deletes the invoice item,
/// `unassign` sends it back to the customer's pending items.
pub async fn remove_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "invoice_metadata", "lines"])?;
    let requested = requested_lines(&params)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = editable_draft(&data, &id)?;
    let mut removals = Vec::new();
    for (index, line) in requested.iter().enumerate() {
        refuse_unknown(line, index, &["behavior", "id"])?;
        let param = |name: &str| format!("lines[{index}][{name}]");
        let line_id = line["id"].as_str().ok_or_else(|| ApiError::missing_param(&param("id")))?;
        let behavior = match line["behavior"].as_str() {
            Some(behavior @ ("delete" | "unassign")) => behavior,
            Some(other) => return Err(ApiError::invalid_param(&param("behavior"), format!("Invalid behavior: must be one of delete or unassign (got {other})"))),
            None => return Err(ApiError::missing_param(&param("behavior"))),
        };
        let (_, item_id) = locate(&old, line_id, &param("id"))?;
        removals.push((line_id.to_string(), item_id, behavior == "delete"));
    }
    let mut invoice = old.clone();
    for (line_id, item_id, delete) in removals {
        if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
            lines.retain(|line| line["id"] != line_id.as_str());
        }
        let Some(item) = data.get_of("invoiceitem", &item_id).cloned() else { continue };
        if delete {
            data.remove("invoiceitem", &item_id);
            data.emit("invoiceitem.deleted", &item, None, &ctx.origin, now);
        } else {
            let mut pending = item.clone();
            pending["invoice"] = Value::Null;
            data.put(pending.clone());
            data.emit("invoiceitem.updated", &pending, Some(json!({ "invoice": item["invoice"] })), &ctx.origin, now);
        }
    }
    apply_invoice_metadata(&mut invoice, &params)?;
    amounts::recompute(&data, &mut invoice);
    save(&mut data, &old, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// The invoice line that shows an invoice item (a subscription's proration names the
/// subscription).
pub fn line_json(invoice_id: &Value, item: &Value, line_id: Value) -> Value {
    let subscription = item["parent"]["subscription_details"]["subscription"].clone();
    let proration = item["proration"].as_bool().unwrap_or(false);
    json!({
        "id": line_id,
        "object": "line_item",
        "amount": item["amount"],
        "currency": item["currency"],
        "description": item["description"],
        "discount_amounts": [],
        // A proration's item is not discountable, and neither is its line.
        "discountable": item["discountable"].as_bool().unwrap_or(true),
        "discounts": [],
        "invoice": invoice_id,
        "livemode": item["livemode"],
        "metadata": item["metadata"],
        "parent": {
            "type": "invoice_item_details",
            "invoice_item_details": { "invoice_item": item["id"], "proration": proration, "proration_details": { "credited_items": null }, "subscription": subscription },
            "subscription_item_details": null,
        },
        "period": item["period"],
        "pretax_credit_amounts": [],
        "pricing": item["pricing"],
        "quantity": item["quantity"],
        "quantity_decimal": item["quantity_decimal"],
        "subscription": subscription,
        "subtotal": item["amount"],
        "taxes": [],
    })
}

/// Appends the invoice line that shows an invoice item.
pub fn push_line(invoice: &mut Value, item: &Value) {
    let line = line_json(&invoice["id"], item, json!(AccountData::new_id("il")));
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
}

/// Appends the invoice line of a subscription item for `period`: shaped as an invoice
/// item's line, with no invoice item behind it.
pub fn push_subscription_line(invoice: &mut Value, subscription: &str, item: &Value, period: (i64, i64), description: String) {
    let price = &item["price"];
    let quantity = item["quantity"].as_i64().unwrap_or(1);
    let unit_amount = price["unit_amount"].as_i64().unwrap_or(0);
    let shown = json!({
        "amount": unit_amount * quantity,
        "currency": price["currency"],
        "description": description,
        "livemode": invoice["livemode"],
        "metadata": item["metadata"],
        "parent": { "subscription_details": { "subscription": subscription } },
        "period": { "start": period.0, "end": period.1 },
        "pricing": pricing_json(price["id"].as_str().unwrap_or(""), price["product"].as_str().unwrap_or(""), unit_amount),
        "quantity": quantity,
        "quantity_decimal": quantity.to_string(),
    });
    let mut line = line_json(&invoice["id"], &shown, json!(AccountData::new_id("il")));
    line["parent"] = json!({
        "type": "subscription_item_details",
        "invoice_item_details": null,
        "subscription_item_details": {
            "invoice_item": null, "proration": false, "proration_details": { "credited_items": null },
            "subscription": subscription, "subscription_item": item["id"],
        },
    });
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.push(line);
    }
}

/// Rewrites the line of an item already on the invoice (after the item changed).
pub fn replace_line(invoice: &mut Value, item: &Value) {
    let invoice_id = invoice["id"].clone();
    for line in invoice["lines"]["data"].as_array_mut().into_iter().flatten() {
        if line["parent"]["invoice_item_details"]["invoice_item"] == item["id"] {
            *line = line_json(&invoice_id, item, line["id"].clone());
        }
    }
}

/// Drops the line of an item from the invoice.
pub fn drop_line(invoice: &mut Value, item_id: &str) {
    if let Some(lines) = invoice["lines"]["data"].as_array_mut() {
        lines.retain(|line| line["parent"]["invoice_item_details"]["invoice_item"] != item_id);
    }
}


/// `pending_invoice_items_behavior=include`: pulls the customer's pending items in.
pub fn attach_pending_items(data: &mut AccountData, invoice: &mut Value, customer: &str, origin: &Origin, now: i64) {
    let currency = invoice["currency"].clone();
    let pending: Vec<Value> = data
        .pending_items_of(customer)
        .filter(|item| item["currency"] == currency)
        .take(MAX_LINES)
        .cloned()
        .collect();
    for mut item in pending {
        item["invoice"] = invoice["id"].clone();
        data.put(item.clone());
        data.emit("invoiceitem.updated", &item, Some(json!({ "invoice": null })), origin, now);
        push_line(invoice, &item);
    }
}
