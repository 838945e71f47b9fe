//! Payment methods: Stripe's test ids (`pm_card_visa`, `pm_card_chargeDeclined`,
//! `pm_card_createDispute`) become stored `pm_…` cards when attached to a customer.
//!
//! What charging a stored card does is read from its `last4`, which is that of the test card
//! number behind the test id (4242 succeeds, 0002 declines, 0259 is disputed after paying,
//! 3184 asks for 3D Secure), so the stored object needs no field Stripe does not have.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::payment_intents::{self, TestCard as Behavior};
use super::required;
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, LIST_PARAMS};
use crate::server::{ApiContext, Params};

const KIND: &str = "payment_method";

type Answer = Result<Json<Value>, ApiError>;

/// A test card: its brand and last four digits (which decide what charging it does).
struct TestCard {
    brand: &'static str,
    last4: &'static str,
}

fn test_card(id: &str) -> Option<TestCard> {
    match id {
        "pm_card_visa" => Some(TestCard { brand: "visa", last4: "4242" }),
        "pm_card_mastercard" => Some(TestCard { brand: "mastercard", last4: "4444" }),
        "pm_card_amex" => Some(TestCard { brand: "amex", last4: "8431" }),
        "pm_card_createDispute" => Some(TestCard { brand: "visa", last4: "0259" }),
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" => Some(TestCard { brand: "visa", last4: "0002" }),
        "pm_card_authenticationRequired" | "pm_card_threeDSecure2Required" => Some(TestCard { brand: "visa", last4: "3184" }),
        _ => None,
    }
}

/// What charging this payment method does: a test id (`pm_card_visa`, ...) by its name, a
/// stored `pm_…` card by the `last4` of the test card it was made from. Stripe's 404 for
/// any other id. The one place card outcomes are decided, for payment intents and invoices.
pub fn behavior(data: &AccountData, id: &str) -> Result<Behavior, ApiError> {
    match data.get_of(KIND, id) {
        Some(pm) => Ok(match pm["card"]["last4"].as_str() {
            Some("0002") => Behavior::Declined,
            Some("0259") => Behavior::Disputed,
            Some("3184") => Behavior::Authenticates,
            _ => Behavior::Succeeds,
        }),
        None => payment_intents::test_card(id),
    }
}

/// Whether charging this payment method (a test id or a stored `pm_…`) is declined;
/// `None` when there is no such payment method.
pub fn declines(data: &AccountData, id: &str) -> Option<bool> {
    behavior(data, id).ok().map(|card| card == Behavior::Declined)
}

/// The brand and last four digits a charge of this payment method shows.
pub fn card_display(data: &AccountData, id: &str) -> (String, String) {
    if let Some(pm) = data.get_of(KIND, id) {
        return (pm["card"]["brand"].as_str().unwrap_or("visa").to_string(), pm["card"]["last4"].as_str().unwrap_or("4242").to_string());
    }
    let card = test_card(id).unwrap_or(TestCard { brand: "visa", last4: "4242" });
    (card.brand.to_string(), card.last4.to_string())
}

/// A new card payment method made from a test id, attached to `customer` if given.
fn new_card(card: &TestCard, customer: Option<&str>, livemode: bool, now: i64) -> Value {
    json!({
        "id": AccountData::new_id("pm"),
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": null, "name": null, "phone": null, "tax_id": null,
        },
        "card": {
            "brand": card.brand,
            "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
            "country": "US",
            "display_brand": card.brand,
            "exp_month": 8,
            "exp_year": 2030,
            "fingerprint": format!("sim{}{}", card.brand, card.last4),
            "funding": "credit",
            "generated_from": null,
            "last4": card.last4,
            "networks": { "available": [card.brand], "preferred": null },
            "regulated_status": "unregulated",
            "three_d_secure_usage": { "supported": true },
            "wallet": null,
        },
        "created": now,
        "customer": customer,
        "customer_account": null,
        "livemode": livemode,
        "metadata": {},
        "type": "card",
    })
}

/// The stored payment method `id`, creating an unattached one for a test id.
pub fn resolve(data: &mut AccountData, id: &str, now: i64) -> Result<Value, ApiError> {
    if let Some(pm) = data.get_of(KIND, id) {
        return Ok(pm.clone());
    }
    let card = test_card(id).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "payment_method"))?;
    let pm = new_card(&card, None, data.livemode, now);
    data.insert(KIND, pm.clone());
    Ok(pm)
}

/// `POST /v1/payment_methods/{id}/attach`
pub async fn attach(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["customer", "expand"])?;
    let customer = required(&params, "customer")?;
    let now = ctx.now();
    let mut data = ctx.data();
    data.get_of("customer", customer).ok_or_else(|| ApiError::no_such("customer", customer, "customer"))?;
    let pm = attach_to(&mut data, &id, customer, &ctx.origin, now)?;
    Ok(Json(expanded(&data, &pm, &expand_paths(&params))))
}

/// Attaches payment method `id` (a stored one or a test id) to `customer`.
pub fn attach_to(data: &mut AccountData, id: &str, customer: &str, origin: &Origin, now: i64) -> Result<Value, ApiError> {
    let mut pm = resolve(data, id, now)?;
    match pm["customer"].as_str() {
        Some(owner) if owner == customer => return Ok(pm),
        Some(_) => {
            return Err(ApiError::wrong_state(None, "The payment method you provided has already been attached to a customer."))
        }
        None => {}
    }
    pm["customer"] = json!(customer);
    data.put(pm.clone());
    data.emit("payment_method.attached", &pm, None, origin, now);
    Ok(pm)
}

/// `POST /v1/payment_methods/{id}/detach`
pub async fn detach(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let mut pm = data.get_of(KIND, &id).cloned().ok_or_else(|| ApiError::no_such("PaymentMethod", &id, "payment_method"))?;
    if pm["customer"].is_null() {
        return Err(ApiError::wrong_state(None, "The payment method you provided is not attached to a customer so detachment is impossible."));
    }
    let previous = json!({ "customer": pm["customer"].take() });
    data.put(pm.clone());
    data.emit("payment_method.detached", &pm, Some(previous), &ctx.origin, now);
    Ok(Json(expanded(&data, &pm, &expand_paths(&params))))
}

/// `GET /v1/payment_methods/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let pm = resolve(&mut data, &id, now)?;
    Ok(Json(expanded(&data, &pm, &expand_paths(&params))))
}

/// `GET /v1/customers/{id}/payment_methods`, optionally filtered by `type`.
pub async fn list_for_customer(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    let mut allowed = LIST_PARAMS.to_vec();
    allowed.extend(["type", "allow_redisplay"]);
    Params(params.clone()).allow_only(&allowed)?;
    let kind = params.get("type").and_then(Value::as_str);
    let data = ctx.data();
    data.get_of("customer", &id).ok_or_else(|| ApiError::no_such("customer", &id, "customer"))?;
    let items = data
        .all(KIND)
        .rev()
        .filter(|pm| pm["customer"] == id.as_str() && kind.is_none_or(|kind| pm["type"] == kind));
    Ok(Json(page(&data, items, &params, &format!("/v1/customers/{id}/payment_methods"))?))
}

/// Checks that `pm` is a payment method attached to `customer` (for default payment methods).
pub fn check_attached(data: &AccountData, pm: &str, customer: &str, param: &str) -> Result<(), ApiError> {
    match data.get_of(KIND, pm) {
        Some(found) if found["customer"] == customer => Ok(()),
        Some(_) => Err(ApiError::invalid_param(param, format!("The customer does not have a payment method with the ID {pm}. The payment method must be attached to the customer."))),
        None => Err(ApiError::no_such("PaymentMethod", pm, param)),
    }
}
