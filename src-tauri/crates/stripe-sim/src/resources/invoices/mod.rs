//! Invoices: create, retrieve, update, delete (drafts), list, their lines, and the state
//! machine draft → open → paid | void | uncollectible with Stripe's wrong-state errors.

mod amounts;
pub mod discounts;
pub mod items;
pub mod lines;
pub mod payments;
mod transitions;

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{boolean, integer, metadata, optional_string, required};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

pub use amounts::{apply_balance, credit_applied, recompute, return_balance};
pub use lines::{add_lines, attach_pending_items, push_subscription_line, remove_lines, update_lines};
pub use transitions::{cancel_open_payments, charge, finalize, finalize_in_place, mark_uncollectible, pay, payment_method_for, record_payment, send, void};

const KIND: &str = "invoice";
const CREATE_PARAMS: &[&str] = &[
    "auto_advance", "collection_method", "currency", "custom_fields", "customer", "days_until_due", "default_payment_method",
    "description", "discounts", "due_date", "expand", "footer", "metadata", "pending_invoice_items_behavior", "subscription",
];
/// Fields that change amounts or collection; frozen once the invoice is finalized.
const DRAFT_ONLY: &[&str] = &["collection_method", "currency", "days_until_due", "discounts", "due_date", "custom_fields", "footer", "default_payment_method"];
const SECONDS_PER_DAY: i64 = 86_400;

type Answer = Result<Json<Value>, ApiError>;

/// The invoice with this id, or Stripe's 404.
pub fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("invoice", id, "invoice"))
}

/// Stores a changed invoice and emits `invoice.updated` (plus `extra` events first) with
/// the previous values of what changed.
pub fn save(data: &mut AccountData, old: &Value, invoice: &Value, extra: &[&str], origin: &Origin, now: i64) {
    data.put(invoice.clone());
    for event_type in extra {
        data.emit(event_type, invoice, None, origin, now);
    }
    if let Some(previous) = changed_fields(old, invoice) {
        data.emit("invoice.updated", invoice, Some(previous), origin, now);
    }
    // A subscription follows its invoices: paying one brings it back to active.
    if old["status"] != "paid" && invoice["status"] == "paid" {
        super::subscriptions::invoice_paid(data, invoice, origin, now);
    }
}

/// `POST /v1/invoices`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(CREATE_PARAMS)?;
    let customer_id = required(&params, "customer")?;
    let now = ctx.now();
    let mut data = ctx.data();
    let customer = data.get_of("customer", customer_id).ok_or_else(|| ApiError::no_such("customer", customer_id, "customer"))?.clone();
    let collection_method = params.get("collection_method").and_then(Value::as_str).unwrap_or("charge_automatically");
    if !matches!(collection_method, "charge_automatically" | "send_invoice") {
        return Err(ApiError::invalid_param("collection_method", "Invalid collection_method: must be one of charge_automatically or send_invoice"));
    }
    let currency = match params.get("currency") {
        Some(_) => super::currency(&params, "currency")?,
        None => customer["currency"].as_str().unwrap_or("usd").to_string(),
    };
    let mut invoice = blank(&customer, collection_method, &currency, ctx.livemode, now);
    apply_draft_fields(&mut invoice, &params, now)?;
    if collection_method == "send_invoice" && invoice["due_date"].is_null() {
        return Err(ApiError::invalid_request(
            None,
            "If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.",
            None,
        ));
    }
    if params.get("pending_invoice_items_behavior").and_then(Value::as_str) == Some("include") {
        lines::attach_pending_items(&mut data, &mut invoice, customer_id, &ctx.origin, now);
    }
    super::discounts::apply_param(&mut data, &mut invoice, &params, &ctx.origin, now)?;
    amounts::recompute(&data, &mut invoice);
    data.insert(KIND, invoice.clone());
    data.emit("invoice.created", &invoice, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// A new draft invoice for `customer` with no lines, as `POST /v1/invoices` and
/// subscription cycles start it.
pub fn blank(customer: &Value, collection_method: &str, currency: &str, livemode: bool, now: i64) -> Value {
    let mut invoice = json!({
        "id": AccountData::new_id("in"),
        "object": "invoice",
        "account_country": "US",
        "account_name": "Stripe emulator",
        "account_tax_ids": null,
        "amount_due": 0,
        "amount_overpaid": 0,
        "amount_paid": 0,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "application": null,
        "attempt_count": 0,
        "attempted": false,
        "auto_advance": false,
        "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null, "provider": null, "status": null },
        "automatically_finalizes_at": null,
        "billing_reason": "manual",
        "collection_method": collection_method,
        "confirmation_secret": null,
        "created": now,
        "currency": currency,
        "custom_fields": null,
        "customer": customer["id"],
        "customer_address": customer["address"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "customer_phone": customer["phone"],
        "customer_shipping": customer["shipping"],
        "customer_tax_exempt": customer["tax_exempt"],
        "customer_tax_ids": [],
        "default_payment_method": null,
        "default_source": null,
        "default_tax_rates": [],
        "description": null,
        "discounts": [],
        "due_date": null,
        "effective_at": null,
        "ending_balance": null,
        "footer": null,
        "from_invoice": null,
        "hosted_invoice_url": null,
        "invoice_pdf": null,
        "issuer": { "type": "self" },
        "last_finalization_error": null,
        "latest_revision": null,
        "lines": { "object": "list", "data": [], "has_more": false, "url": "" },
        "livemode": livemode,
        "metadata": {},
        "next_payment_attempt": null,
        "number": null,
        "on_behalf_of": null,
        "parent": null,
        "payment_settings": { "default_mandate": null, "payment_method_options": null, "payment_method_types": null },
        "payments": { "object": "list", "data": [], "has_more": false, "url": "" },
        "period_end": now,
        "period_start": now,
        "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0,
        "receipt_number": null,
        "rendering": null,
        "shipping_cost": null,
        "shipping_details": null,
        "starting_balance": 0,
        "statement_descriptor": null,
        "status": "draft",
        "status_transitions": { "finalized_at": null, "marked_uncollectible_at": null, "paid_at": null, "voided_at": null },
        "subtotal": 0,
        "subtotal_excluding_tax": 0,
        "test_clock": null,
        "total": 0,
        "total_discount_amounts": [],
        "total_excluding_tax": 0,
        "total_pretax_credit_amounts": [],
        "total_taxes": [],
        "webhooks_delivered_at": null,
    });
    let id = invoice["id"].as_str().unwrap_or_default().to_string();
    invoice["lines"]["url"] = json!(format!("/v1/invoices/{id}/lines"));
    invoice["payments"]["url"] = json!(format!("/v1/invoice_payments?invoice={id}"));
    invoice
}

/// Writes editable fields; the draft-only ones are refused by the caller after finalize.
fn apply_draft_fields(invoice: &mut Value, params: &Value, now: i64) -> Result<(), ApiError> {
    if let Some(method) = params.get("collection_method").and_then(Value::as_str) {
        invoice["collection_method"] = json!(method);
    }
    let days = integer(params, "days_until_due")?;
    let due = integer(params, "due_date")?;
    let send_invoice = invoice["collection_method"] == "send_invoice";
    if (days.is_some() || due.is_some()) && !send_invoice {
        return Err(ApiError::invalid_request(
            None,
            "You can only set `due_date` or `days_until_due` if `collection_method` is `send_invoice`.",
            Some(if days.is_some() { "days_until_due" } else { "due_date" }),
        ));
    }
    match (days, due) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_request(None, "You may only specify one of these parameters: days_until_due, due_date.", Some("due_date")))
        }
        (Some(days), None) if (0..=3650).contains(&days) => invoice["due_date"] = json!(now + days * SECONDS_PER_DAY),
        (Some(_), None) => return Err(ApiError::invalid_param("days_until_due", "days_until_due must be between 0 and 3650.")),
        (None, Some(due)) if due > now => invoice["due_date"] = json!(due),
        (None, Some(_)) => return Err(ApiError::invalid_param("due_date", "The due date must be in the future.")),
        (None, None) => {}
    }
    for field in ["description", "footer", "default_payment_method"] {
        if let Some(value) = optional_string(params, field) {
            invoice[field] = value;
        }
    }
    if let Some(auto_advance) = boolean(params, "auto_advance")? {
        invoice["auto_advance"] = json!(auto_advance);
    }
    invoice["metadata"] = metadata(params, invoice.get("metadata"))?;
    match params.get("custom_fields") {
        None => {}
        Some(Value::String(empty)) if empty.is_empty() => invoice["custom_fields"] = Value::Null,
        Some(Value::Array(fields)) => {
            if fields.len() > 4 {
                return Err(ApiError::invalid_param("custom_fields", "You can have at most 4 custom fields."));
            }
            let mut out = Vec::new();
            for (i, field) in fields.iter().enumerate() {
                let name = field["name"].as_str().filter(|v| !v.is_empty()).ok_or_else(|| ApiError::missing_param(&format!("custom_fields[{i}][name]")))?;
                let value = field["value"].as_str().filter(|v| !v.is_empty()).ok_or_else(|| ApiError::missing_param(&format!("custom_fields[{i}][value]")))?;
                if name.chars().count() > 40 || value.chars().count() > 140 {
                    return Err(ApiError::invalid_param("custom_fields", "Custom field names can be at most 40 characters and values at most 140."));
                }
                out.push(json!({ "name": name, "value": value }));
            }
            invoice["custom_fields"] = Value::Array(out);
        }
        Some(_) => return Err(ApiError::invalid_param("custom_fields", "Invalid array")),
    }
    Ok(())
}

/// `GET /v1/invoices/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let invoice = find(&data, &id)?;
    Ok(Json(expanded(&data, invoice, &expand_paths(&params))))
}

/// `POST /v1/invoices/{id}`: drafts are editable; finalized invoices only take metadata,
/// description and auto_advance.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    let mut allowed: Vec<&str> = CREATE_PARAMS.iter().copied().filter(|p| !matches!(*p, "customer" | "currency" | "pending_invoice_items_behavior" | "subscription")).collect();
    allowed.push("expand");
    Params(params.clone()).allow_only(&allowed)?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "draft" {
        if let Some(frozen) = DRAFT_ONLY.iter().find(|field| params.get(**field).is_some()) {
            return Err(ApiError::invalid_request(None, "Finalized invoices can't be updated in this way", Some(frozen)));
        }
    }
    let mut invoice = old.clone();
    apply_draft_fields(&mut invoice, &params, now)?;
    if invoice["collection_method"] == "send_invoice" && invoice["due_date"].is_null() {
        return Err(ApiError::invalid_request(None, "If invoice collection method is 'send_invoice', you must specify 'due_date' or 'days_until_due'.", None));
    }
    if invoice["collection_method"] == "charge_automatically" {
        invoice["due_date"] = Value::Null;
    }
    super::discounts::apply_param(&mut data, &mut invoice, &params, &ctx.origin, now)?;
    amounts::recompute(&data, &mut invoice);
    save(&mut data, &old, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// `DELETE /v1/invoices/{id}`: drafts only.
pub async fn delete(ctx: ApiContext, Path(id): Path<String>) -> Answer {
    let now = ctx.now();
    let mut data = ctx.data();
    let invoice = find(&data, &id)?.clone();
    if invoice["status"] != "draft" {
        return Err(ApiError::wrong_state(None, "You can only delete draft invoices."));
    }
    for line in invoice["lines"]["data"].as_array().into_iter().flatten() {
        if let Some(item) = line["parent"]["invoice_item_details"]["invoice_item"].as_str() {
            data.remove("invoiceitem", item);
        }
    }
    data.remove(KIND, &id);
    data.emit("invoice.deleted", &invoice, None, &ctx.origin, now);
    Ok(Json(json!({ "id": id, "object": "invoice", "deleted": true })))
}

/// `GET /v1/invoices`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["collection_method", "created", "customer", "due_date", "status", "subscription"]);
    Params(params.clone()).allow_only(&allowed)?;
    let customer = params.get("customer").and_then(Value::as_str);
    let status = params.get("status").and_then(Value::as_str);
    let method = params.get("collection_method").and_then(Value::as_str);
    let subscription = params.get("subscription").and_then(Value::as_str);
    let created = super::events::CreatedFilter::parse(&params)?;
    let due = super::events::CreatedFilter::parse_field(&params, "due_date")?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|invoice| {
        // An invoice without a due date never matches a due_date filter.
        let due_ok = params.get("due_date").is_none() || invoice["due_date"].as_i64().is_some_and(|d| due.matches(d));
        customer.is_none_or(|c| invoice["customer"] == c)
            && status.is_none_or(|s| invoice["status"] == s)
            && method.is_none_or(|m| invoice["collection_method"] == m)
            && subscription.is_none_or(|s| invoice["parent"]["subscription_details"]["subscription"] == s)
            && created.matches(invoice["created"].as_i64().unwrap_or(0))
            && due_ok
    });
    Ok(Json(page(&data, items, &params, "/v1/invoices")?))
}

/// `GET /v1/invoices/{id}/lines` (a preview's too, `upcoming_…`)
pub async fn list_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(LIST_PARAMS)?;
    let data = ctx.data();
    if id.starts_with("upcoming_") {
        return Ok(Json(super::subscriptions::preview::lines_page(&data, &id, &params)?));
    }
    let invoice = find(&data, &id)?;
    let lines: Vec<Value> = invoice["lines"]["data"].as_array().cloned().unwrap_or_default();
    Ok(Json(page(&data, lines.iter(), &params, &format!("/v1/invoices/{id}/lines"))?))
}
