//! Credit notes: create, preview, retrieve, update, list, lines and void. On an open
//! invoice a credit note lowers `amount_due` (pre-payment, and a fully credited invoice is
//! paid); on a paid one it is post-payment and credits the customer's balance.

mod plan;

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::balance_transactions::{self, Entry};
use super::{invoices, metadata, refunds, required};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "credit_note";
const CREATE_PARAMS: &[&str] = &[
    "amount", "credit_amount", "effective_at", "email_type", "expand", "invoice", "lines", "memo", "metadata",
    "out_of_band_amount", "reason", "refund_amount", "refunds", "shipping_cost",
];

type Answer = Result<Json<Value>, ApiError>;

fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("credit_note", id, "id"))
}

/// `POST /v1/credit_notes`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(CREATE_PARAMS)?;
    let invoice_id = required(&params, "invoice")?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old_invoice = invoices::find(&data, invoice_id)?.clone();
    let planned = plan::plan(&data, &params, &old_invoice, now)?;
    let mut note = planned.object;
    let id = note["id"].as_str().unwrap_or("").to_string();
    note["pdf"] = json!(format!("{}_sim/hosted/credit_notes/{id}/pdf", ctx.base_url()));
    let total = note["total"].as_i64().unwrap_or(0);
    let mut invoice = old_invoice.clone();
    let mut extra = Vec::new();
    if note["type"] == "pre_payment" {
        invoice["pre_payment_credit_notes_amount"] = json!(invoice["pre_payment_credit_notes_amount"].as_i64().unwrap_or(0) + total);
        invoices::recompute(&data, &mut invoice);
        // Stripe marks an invoice paid once credit notes leave nothing to pay.
        if invoice["status"] == "open" && invoice["amount_remaining"] == 0 {
            invoice["status"] = json!("paid");
            invoice["status_transitions"]["paid_at"] = json!(now);
            extra.push("invoice.paid");
        }
    } else {
        invoice["post_payment_credit_notes_amount"] = json!(invoice["post_payment_credit_notes_amount"].as_i64().unwrap_or(0) + total);
        if let Some((charge, amount)) = &planned.refund {
            let refund = refunds::refund_charge(&mut data, charge, Some(*amount), None, json!({}), &ctx.origin, now)?;
            if let Some(list) = note["refunds"].as_array_mut() {
                list.push(json!({ "amount_refunded": amount, "refund": refund["id"], "type": "refund", "payment_record_refund": null }));
            }
        }
        if planned.credit_amount > 0 {
            let customer = invoice["customer"].as_str().unwrap_or("").to_string();
            let currency = invoice["currency"].as_str().unwrap_or("usd").to_string();
            note["customer_balance_transaction"] = json!(adjust_balance(&mut data, &customer, -planned.credit_amount, &id, &currency, &ctx.origin, now));
        }
    }
    data.insert(KIND, note.clone());
    data.emit("credit_note.created", &note, None, &ctx.origin, now);
    invoices::save(&mut data, &old_invoice, &invoice, &extra, &ctx.origin, now);
    Ok(Json(expanded(&data, &note, &expand_paths(&params))))
}

/// Credits (or, for a void, debits) the customer's balance by `delta` for credit note
/// `credit_note`; answers the `customer_balance_transaction` id.
fn adjust_balance(data: &mut AccountData, customer_id: &str, delta: i64, credit_note: &str, currency: &str, origin: &Origin, now: i64) -> Option<String> {
    let entry = Entry { credit_note: Some(credit_note), ..Entry::new("credit_note", delta, currency) };
    let transaction = balance_transactions::record(data, customer_id, entry, origin, now)?;
    transaction["id"].as_str().map(str::to_string)
}

/// `GET /v1/credit_notes/preview`: the credit note a create would issue, nothing stored.
pub async fn preview(ctx: ApiContext, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(CREATE_PARAMS)?;
    let invoice_id = required(&params, "invoice")?;
    let data = ctx.data();
    let invoice = invoices::find(&data, invoice_id)?;
    let mut note = plan::plan(&data, &params, invoice, ctx.now())?.object;
    note["pdf"] = json!(format!("{}_sim/hosted/credit_notes/{}/pdf", ctx.base_url(), note["id"].as_str().unwrap_or("")));
    Ok(Json(expanded(&data, &note, &expand_paths(&params))))
}

/// `GET /v1/credit_notes/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    Ok(Json(expanded(&data, find(&data, &id)?, &expand_paths(&params))))
}

/// `POST /v1/credit_notes/{id}`: memo and metadata.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "memo", "metadata"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let mut note = old.clone();
    if let Some(memo) = super::optional_string(&params, "memo") {
        note["memo"] = memo;
    }
    note["metadata"] = metadata(&params, note.get("metadata"))?;
    data.put(note.clone());
    if let Some(previous) = changed_fields(&old, &note) {
        data.emit("credit_note.updated", &note, Some(previous), &ctx.origin, now);
    }
    Ok(Json(expanded(&data, &note, &expand_paths(&params))))
}

/// `POST /v1/credit_notes/{id}/void`: undoes the credit (pre-payment credit while the
/// invoice is still open; a post-payment balance credit is taken back).
pub async fn void(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] == "void" {
        return Err(ApiError::wrong_state(None, format!("Credit note {id} has already been voided.")));
    }
    let invoice_id = old["invoice"].as_str().unwrap_or("").to_string();
    let old_invoice = invoices::find(&data, &invoice_id)?.clone();
    let total = old["total"].as_i64().unwrap_or(0);
    let mut invoice = old_invoice.clone();
    if old["type"] == "pre_payment" {
        if old_invoice["status"] != "open" && old_invoice["status"] != "uncollectible" {
            return Err(ApiError::wrong_state(
                None,
                format!("Credit note {id} can't be voided because invoice {invoice_id} is {}.", old_invoice["status"].as_str().unwrap_or("")),
            ));
        }
        invoice["pre_payment_credit_notes_amount"] = json!(invoice["pre_payment_credit_notes_amount"].as_i64().unwrap_or(0) - total);
        invoices::recompute(&data, &mut invoice);
    } else {
        invoice["post_payment_credit_notes_amount"] = json!(invoice["post_payment_credit_notes_amount"].as_i64().unwrap_or(0) - total);
        let credited = old["customer_balance_transaction"]
            .as_str()
            .and_then(|txn| data.get_of("customer_balance_transaction", txn))
            .and_then(|txn| txn["amount"].as_i64())
            .unwrap_or(0);
        if credited != 0 {
            let customer = old["customer"].as_str().unwrap_or("").to_string();
            let currency = old["currency"].as_str().unwrap_or("usd").to_string();
            adjust_balance(&mut data, &customer, -credited, &id, &currency, &ctx.origin, now);
        }
    }
    let mut note = old.clone();
    note["status"] = json!("void");
    note["voided_at"] = json!(now);
    data.put(note.clone());
    data.emit("credit_note.voided", &note, changed_fields(&old, &note), &ctx.origin, now);
    invoices::save(&mut data, &old_invoice, &invoice, &[], &ctx.origin, now);
    Ok(Json(expanded(&data, &note, &expand_paths(&params))))
}

/// `GET /v1/credit_notes`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["customer", "invoice"], &[])?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|note| filter.matches(note));
    Ok(Json(page(&data, items, &params, "/v1/credit_notes")?))
}

/// `GET /v1/credit_notes/{id}/lines`
pub async fn list_lines(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(LIST_PARAMS)?;
    let data = ctx.data();
    let note = find(&data, &id)?;
    let lines: Vec<Value> = note["lines"]["data"].as_array().cloned().unwrap_or_default();
    Ok(Json(page(&data, lines.iter(), &params, &format!("/v1/credit_notes/{id}/lines"))?))
}
