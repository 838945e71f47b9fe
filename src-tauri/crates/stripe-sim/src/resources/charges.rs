//! Charges: created by confirming a payment intent, then read with retrieve and list.
//! Refunds and disputes change them.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::server::{ApiContext, Params};

const KIND: &str = "charge";

type Answer = Result<Json<Value>, ApiError>;

/// The charge with this id, or Stripe's 404.
pub fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("charge", id, "charge"))
}

/// Stores a changed charge and emits `charge.updated` with what changed.
pub fn save(data: &mut AccountData, old: &Value, charge: &Value, origin: &Origin, now: i64) {
    data.put(charge.clone());
    if let Some(previous) = changed_fields(old, charge) {
        data.emit("charge.updated", charge, Some(previous), origin, now);
    }
}

/// Creates and stores the charge of a payment intent's confirmation: succeeded (captured
/// now or later) or failed with Stripe's generic decline.
pub fn new_charge(data: &mut AccountData, intent: &Value, payment_method: &str, succeeded: bool, captured: bool, now: i64) -> Value {
    let id = AccountData::new_id("ch");
    let amount = intent["amount"].as_i64().unwrap_or(0);
    // A stored card shows its own brand and digits; a test id those of its test card.
    let (brand, last4) = super::payment_methods::card_display(data, payment_method);
    let outcome = if succeeded {
        json!({ "advice_code": null, "network_advice_code": null, "network_decline_code": null, "network_status": "approved_by_network",
                "reason": null, "risk_level": "normal", "seller_message": "Payment complete.", "type": "authorized" })
    } else {
        json!({ "advice_code": "try_again_later", "network_advice_code": null, "network_decline_code": null, "network_status": "declined_by_network",
                "reason": "generic_decline", "risk_level": "normal", "seller_message": "The bank did not return any further details with this decline.", "type": "issuer_declined" })
    };
    let charge = json!({
        "id": id,
        "object": "charge",
        "amount": amount,
        "amount_captured": if succeeded && captured { amount } else { 0 },
        "amount_refunded": 0,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": { "address": null, "email": null, "name": null, "phone": null, "tax_id": null },
        "calculated_statement_descriptor": "BILLFOLD",
        "captured": succeeded && captured,
        "created": now,
        "currency": intent["currency"],
        "customer": intent["customer"],
        "description": intent["description"],
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": if succeeded { Value::Null } else { json!("card_declined") },
        "failure_message": if succeeded { Value::Null } else { json!("Your card was declined.") },
        "fraud_details": {},
        "livemode": intent["livemode"],
        "metadata": intent["metadata"],
        "on_behalf_of": null,
        "outcome": outcome,
        "paid": succeeded,
        "payment_intent": intent["id"],
        "payment_method": payment_method,
        "payment_method_details": { "type": "card", "card": {
            "amount_authorized": if succeeded { json!(amount) } else { Value::Null }, "brand": brand, "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
            "country": "US", "exp_month": 12, "exp_year": 2034, "fingerprint": "SimFingerprint01", "funding": "credit",
            "last4": last4, "mandate": null, "network": brand, "network_token": { "used": false }, "three_d_secure": null, "wallet": null,
        } },
        "receipt_email": intent["receipt_email"],
        "receipt_number": null,
        "receipt_url": null,
        "refunded": false,
        "refunds": { "object": "list", "data": [], "has_more": false, "url": format!("/v1/charges/{id}/refunds") },
        "review": null,
        "shipping": null,
        "source_transfer": null,
        "statement_descriptor": intent["statement_descriptor"],
        "statement_descriptor_suffix": intent["statement_descriptor_suffix"],
        "status": if succeeded { "succeeded" } else { "failed" },
        "transfer_data": null,
        "transfer_group": null,
    });
    let mut charge = charge;
    // Funds move when the charge is captured; an authorization alone moves none.
    if succeeded && captured {
        charge["balance_transaction"] = json!(super::ledger::for_charge(data, &charge, amount, now));
    }
    data.insert(KIND, charge.clone());
    charge
}

/// Creates and stores the succeeded charge of a bank transfer that paid `intent` (made by
/// [`new_charge`], so whatever every charge gets, this one gets too). Stripe funds an
/// invoice's bank transfer from the customer's cash balance, and shows the payment as a
/// `customer_balance` payment method (not `us_bank_account`, which is an ACH debit Stripe
/// pulls): that is what `payment_method_details.type` says here.
pub fn new_bank_transfer_charge(data: &mut AccountData, intent: &Value, now: i64) -> Value {
    let mut charge = new_charge(data, intent, "", true, true, now);
    charge["payment_method"] = json!(AccountData::new_id("pm"));
    charge["payment_method_details"] = json!({ "type": "customer_balance", "customer_balance": {} });
    charge["outcome"]["seller_message"] = json!("Payment complete.");
    charge["outcome"]["network_status"] = json!("approved_by_network");
    data.put(charge.clone());
    charge
}

/// Captures `amount` of an authorized charge: its funds enter the balance now. Answers the
/// captured charge (stored, without an event: the caller emits `charge.captured`).
pub fn capture(data: &mut AccountData, old: &Value, amount: i64, now: i64) -> Value {
    let mut charge = old.clone();
    charge["captured"] = json!(true);
    charge["amount_captured"] = json!(amount);
    // Stripe refunds whatever was authorized but not captured.
    charge["amount_refunded"] = json!(charge["amount"].as_i64().unwrap_or(0) - amount);
    charge["balance_transaction"] = json!(super::ledger::for_charge(data, &charge, amount, now));
    data.put(charge.clone());
    charge
}

/// `GET /v1/charges/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let data = ctx.data();
    let mut charge = expanded(&data, find(&data, &id)?, &expand_paths(&params));
    super::ledger::as_of_expanded(&mut charge, now);
    Ok(Json(charge))
}

/// `POST /v1/charges/{id}`: description, metadata, receipt_email.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["description", "expand", "fraud_details", "metadata", "receipt_email", "shipping", "transfer_group"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let mut charge = old.clone();
    for field in ["description", "receipt_email", "transfer_group"] {
        if let Some(value) = super::optional_string(&params, field) {
            charge[field] = value;
        }
    }
    charge["metadata"] = super::metadata(&params, charge.get("metadata"))?;
    save(&mut data, &old, &charge, &ctx.origin, now);
    Ok(Json(expanded(&data, &charge, &expand_paths(&params))))
}

/// `GET /v1/charges`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["customer", "payment_intent"], &["transfer_group"])?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|charge| filter.matches(charge));
    Ok(Json(page(&data, items, &params, "/v1/charges")?))
}
