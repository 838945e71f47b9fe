//! Invoice payments: the `invoice_payment` objects behind `amount_paid`, listed and
//! retrieved, and `attach_payment` for paying part of an invoice with a payment intent.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use super::transitions::add_payment;
use super::{find, save};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

type Answer = Result<Json<Value>, ApiError>;

/// `GET /v1/invoice_payments`, filtered by `invoice` and `status`.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["invoice", "payment", "status"]);
    Params(params.clone()).allow_only(&allowed)?;
    let invoice = params.get("invoice").and_then(Value::as_str);
    let status = params.get("status").and_then(Value::as_str);
    let intent = params["payment"]["payment_intent"].as_str();
    let data = ctx.data();
    let items = data.all("invoice_payment").rev().filter(|payment| {
        invoice.is_none_or(|id| payment["invoice"] == id)
            && status.is_none_or(|s| payment["status"] == s)
            && intent.is_none_or(|pi| payment["payment"]["payment_intent"] == pi)
    });
    Ok(Json(page(&data, items, &params, "/v1/invoice_payments")?))
}

/// `GET /v1/invoice_payments/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let data = ctx.data();
    let payment = data.get_of("invoice_payment", &id).ok_or_else(|| ApiError::no_such("invoice_payment", &id, "id"))?;
    Ok(Json(expanded(&data, payment, &expand_paths(&params))))
}

/// `POST /v1/invoices/{id}/attach_payment`: a succeeded payment intent pays (part of) an
/// open invoice.
pub async fn attach_payment(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "payment_intent", "payment_record"])?;
    let intent_id = super::super::required(&params, "payment_intent")?.to_string();
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "open" {
        return Err(ApiError::wrong_state(None, "You can only attach payments to open invoices."));
    }
    let intent = data
        .get_of("payment_intent", &intent_id)
        .ok_or_else(|| ApiError::no_such("payment_intent", &intent_id, "payment_intent"))?
        .clone();
    if intent["currency"] != old["currency"] {
        return Err(ApiError::invalid_param("payment_intent", "The PaymentIntent's currency must match the invoice's currency."));
    }
    if data.all("invoice_payment").any(|payment| payment["payment"]["payment_intent"] == intent_id.as_str()) {
        return Err(ApiError::invalid_param("payment_intent", "This PaymentIntent is already attached to an invoice."));
    }
    if intent["status"] != "succeeded" {
        return Err(ApiError::invalid_param("payment_intent", "Only succeeded PaymentIntents can be attached to an invoice."));
    }
    let amount = intent["amount_received"].as_i64().unwrap_or(0);
    let mut invoice = old.clone();
    add_payment(&mut data, &mut invoice, amount, "card", &intent_id, now, &ctx.origin);
    let extra: &[&str] = if invoice["status"] == "paid" { &["invoice.payment_succeeded", "invoice.paid"] } else { &[] };
    save(&mut data, &old, &invoice, extra, &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}
