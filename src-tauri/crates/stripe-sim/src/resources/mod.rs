//! API resources served under `/v1`, one module each, plus the parameter helpers they share.

pub mod balance;
pub mod balance_transactions;
pub mod charges;
pub mod coupons;
pub mod credit_notes;
pub mod customers;
pub mod discounts;
pub mod disputes;
pub mod events;
pub mod files;
pub mod invoiceitems;
pub mod invoices;
pub mod ledger;
pub mod payment_intents;
pub mod payment_methods;
pub mod payouts;
pub mod prices;
pub mod products;
pub mod refunds;
pub mod subscriptions;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::webhooks;

/// Room for the multipart framing and the other fields around an upload's bytes.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// Every `/v1` route.
pub fn routes() -> Router {
    Router::new()
        .route("/v1/balance", get(balance::retrieve))
        .route("/v1/balance_transactions", get(ledger::list))
        .route("/v1/balance_transactions/{id}", get(ledger::retrieve))
        .route("/v1/payouts", get(payouts::list))
        .route("/v1/payouts/{id}", get(payouts::retrieve))
        .route("/v1/customers", get(customers::list).post(customers::create))
        .route("/v1/customers/search", get(customers::search))
        .route(
            "/v1/customers/{id}",
            get(customers::retrieve).post(customers::update).delete(customers::delete),
        )
        .route(
            "/v1/customers/{id}/balance_transactions",
            get(balance_transactions::list).post(balance_transactions::create),
        )
        .route(
            "/v1/customers/{id}/balance_transactions/{txn}",
            get(balance_transactions::retrieve).post(balance_transactions::update),
        )
        .route("/v1/products", get(products::list).post(products::create))
        .route("/v1/products/{id}", get(products::retrieve).post(products::update).delete(products::delete))
        .route("/v1/coupons", get(coupons::list).post(coupons::create))
        .route("/v1/coupons/{id}", get(coupons::retrieve).post(coupons::update).delete(coupons::delete))
        .route("/v1/prices", get(prices::list).post(prices::create))
        .route("/v1/prices/{id}", get(prices::retrieve).post(prices::update))
        .route("/v1/invoices", get(invoices::list).post(invoices::create))
        .route(
            "/v1/invoices/{id}",
            get(invoices::retrieve).post(invoices::update).delete(invoices::delete),
        )
        .route("/v1/invoices/create_preview", post(subscriptions::preview::create_preview))
        .route("/v1/invoices/{id}/lines", get(invoices::list_lines))
        .route("/v1/invoices/{id}/add_lines", post(invoices::add_lines))
        .route("/v1/invoices/{id}/update_lines", post(invoices::update_lines))
        .route("/v1/invoices/{id}/remove_lines", post(invoices::remove_lines))
        .route("/v1/invoices/{id}/finalize", post(invoices::finalize))
        .route("/v1/invoices/{id}/send", post(invoices::send))
        .route("/v1/invoices/{id}/pay", post(invoices::pay))
        .route("/v1/invoices/{id}/void", post(invoices::void))
        .route("/v1/invoices/{id}/mark_uncollectible", post(invoices::mark_uncollectible))
        .route("/v1/invoices/{id}/attach_payment", post(invoices::payments::attach_payment))
        .route("/v1/invoice_payments", get(invoices::payments::list))
        .route("/v1/invoice_payments/{id}", get(invoices::payments::retrieve))
        .route("/v1/credit_notes", get(credit_notes::list).post(credit_notes::create))
        .route("/v1/credit_notes/preview", get(credit_notes::preview))
        .route("/v1/credit_notes/{id}", get(credit_notes::retrieve).post(credit_notes::update))
        .route("/v1/credit_notes/{id}/lines", get(credit_notes::list_lines))
        .route("/v1/credit_notes/{id}/void", post(credit_notes::void))
        .route("/v1/invoiceitems", get(invoiceitems::list).post(invoiceitems::create))
        .route(
            "/v1/invoiceitems/{id}",
            get(invoiceitems::retrieve).post(invoiceitems::update).delete(invoiceitems::delete),
        )
        .route("/v1/payment_intents", get(payment_intents::list).post(payment_intents::create))
        .route("/v1/payment_intents/{id}", get(payment_intents::retrieve).post(payment_intents::update))
        .route("/v1/payment_intents/{id}/confirm", post(payment_intents::confirm))
        .route("/v1/payment_intents/{id}/capture", post(payment_intents::capture))
        .route("/v1/payment_intents/{id}/cancel", post(payment_intents::cancel))
        .route("/v1/charges", get(charges::list))
        .route("/v1/charges/{id}", get(charges::retrieve).post(charges::update))
        .route("/v1/refunds", get(refunds::list).post(refunds::create))
        .route("/v1/refunds/{id}", get(refunds::retrieve).post(refunds::update))
        .route("/v1/refunds/{id}/cancel", post(refunds::cancel))
        .route("/v1/disputes", get(disputes::list))
        .route("/v1/disputes/{id}", get(disputes::retrieve).post(disputes::update))
        .route("/v1/disputes/{id}/close", post(disputes::close))
        .route(
            "/v1/files",
            get(files::list).post(files::create).layer(DefaultBodyLimit::max(files::MAX_UPLOAD + MULTIPART_OVERHEAD)),
        )
        .route("/v1/files/{id}", get(files::retrieve))
        .route("/v1/payment_methods/{id}", get(payment_methods::retrieve))
        .route("/v1/payment_methods/{id}/attach", post(payment_methods::attach))
        .route("/v1/payment_methods/{id}/detach", post(payment_methods::detach))
        .route("/v1/customers/{id}/payment_methods", get(payment_methods::list_for_customer))
        .route("/v1/subscriptions", get(subscriptions::list).post(subscriptions::create))
        .route(
            "/v1/subscriptions/{id}",
            get(subscriptions::retrieve).post(subscriptions::update).delete(subscriptions::cancel),
        )
        .route("/v1/subscriptions/{id}/resume", post(subscriptions::resume))
        .route("/v1/subscription_items", get(subscriptions::items::list).post(subscriptions::items::create))
        .route(
            "/v1/subscription_items/{id}",
            get(subscriptions::items::retrieve).post(subscriptions::items::update_item).delete(subscriptions::items::delete),
        )
        .route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::retrieve))
        .route("/v1/webhook_endpoints", get(webhooks::list).post(webhooks::create))
        .route(
            "/v1/webhook_endpoints/{id}",
            get(webhooks::retrieve).post(webhooks::update).delete(webhooks::delete),
        )
}

/// `metadata[...]`: string values, at most 50 keys of ≤ 40 characters and values of ≤ 500;
/// an empty value unsets a key on update.
pub fn metadata(params: &Value, existing: Option<&Value>) -> Result<Value, ApiError> {
    let mut out: Map<String, Value> = existing.and_then(Value::as_object).cloned().unwrap_or_default();
    match params.get("metadata") {
        None => {}
        Some(Value::String(empty)) if empty.is_empty() => out.clear(),
        Some(Value::Object(map)) => {
            for (key, value) in map {
                let Some(text) = value.as_str() else {
                    return Err(ApiError::invalid_param("metadata", "Invalid metadata value: must be a string"));
                };
                if key.chars().count() > 40 || text.chars().count() > 500 {
                    return Err(ApiError::invalid_param(
                        "metadata",
                        "Metadata keys can be at most 40 characters and values at most 500 characters.",
                    ));
                }
                if text.is_empty() {
                    out.remove(key);
                } else {
                    out.insert(key.clone(), Value::String(text.to_string()));
                }
            }
            if out.len() > 50 {
                return Err(ApiError::invalid_param("metadata", "Metadata can have at most 50 keys."));
            }
        }
        Some(_) => return Err(ApiError::invalid_param("metadata", "Invalid hash")),
    }
    Ok(Value::Object(out))
}

/// An integer parameter, if present.
pub fn integer(params: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match params.get(name) {
        None => Ok(None),
        Some(Value::String(raw)) => raw.parse::<i64>().map(Some).map_err(|_| {
            ApiError::invalid_request(Some("parameter_invalid_integer"), format!("Invalid integer: {raw}"), Some(name))
        }),
        Some(_) => Err(ApiError::invalid_request(Some("parameter_invalid_integer"), "Invalid integer", Some(name))),
    }
}

/// A boolean parameter, if present.
pub fn boolean(params: &Value, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name).and_then(Value::as_str) {
        None if params.get(name).is_none() => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        _ => Err(ApiError::invalid_request(Some("parameter_invalid_boolean"), "Invalid boolean", Some(name))),
    }
}

/// A string parameter that must be present.
pub fn required<'a>(params: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    params.get(name).and_then(Value::as_str).filter(|v| !v.is_empty()).ok_or_else(|| ApiError::missing_param(name))
}

/// An optional string parameter; `""` means "unset" on updates and comes back as null.
pub fn optional_string(params: &Value, name: &str) -> Option<Value> {
    params.get(name).and_then(Value::as_str).map(|v| if v.is_empty() { Value::Null } else { Value::String(v.into()) })
}

/// A lowercase ISO currency the emulator knows, with its exponent.
pub fn currency(params: &Value, name: &str) -> Result<String, ApiError> {
    let raw = required(params, name)?.to_ascii_lowercase();
    if crate::money::exponent(&raw).is_none() {
        return Err(ApiError::invalid_param(name, format!("Invalid currency: {raw}. Stripe currently supports these currencies: usd, eur, gbp, jpy, …")));
    }
    Ok(raw)
}
