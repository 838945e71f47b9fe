//! Payment intents: create, retrieve, update, list, and (in [`flow`]) confirm, capture and
//! cancel, with Stripe's statuses, amount limits and test payment methods.

mod flow;

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{boolean, integer, metadata, optional_string, payment_methods, required};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::money;
use crate::server::{ApiContext, Params};

pub use flow::{cancel, capture, confirm};

const KIND: &str = "payment_intent";
/// What an update may change; amount and currency only before the payment goes through.
const UPDATE_PARAMS: &[&str] = &[
    "amount", "capture_method", "currency", "customer", "description", "expand", "metadata", "payment_method",
    "payment_method_types", "receipt_email", "setup_future_usage", "statement_descriptor", "statement_descriptor_suffix",
];
const CREATE_EXTRA: &[&str] = &[
    "automatic_payment_methods", "confirm", "confirmation_method", "error_on_requires_action", "off_session", "return_url",
];
/// Statuses in which the amount and payment details can still change.
const UNCONFIRMED: &[&str] = &["requires_payment_method", "requires_confirmation", "requires_action"];

type Answer = Result<Json<Value>, ApiError>;

/// The payment intent with this id, or Stripe's 404.
pub fn find<'a>(data: &'a AccountData, id: &str) -> Result<&'a Value, ApiError> {
    data.get_of(KIND, id).ok_or_else(|| ApiError::no_such("payment_intent", id, "intent"))
}

/// What a test payment method does when charged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TestCard {
    /// The charge succeeds.
    Succeeds,
    /// The charge is declined (`card_declined`, `generic_decline`).
    Declined,
    /// The charge succeeds, then the cardholder disputes it.
    Disputed,
    /// The bank asks for 3D Secure first (`requires_action`); the next confirm completes it.
    Authenticates,
}

/// The behaviour of a test payment method id, or Stripe's 404 for any other id (stored
/// cards go through `payment_methods::behavior`).
pub fn test_card(payment_method: &str) -> Result<TestCard, ApiError> {
    match payment_method {
        "pm_card_visa" | "pm_card_mastercard" | "pm_card_amex" => Ok(TestCard::Succeeds),
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" => Ok(TestCard::Declined),
        "pm_card_createDispute" => Ok(TestCard::Disputed),
        "pm_card_authenticationRequired" | "pm_card_threeDSecure2Required" => Ok(TestCard::Authenticates),
        _ => Err(ApiError::no_such("PaymentMethod", payment_method, "payment_method")),
    }
}

/// Checks an amount against the currency's minimum, the 8-digit maximum and, for
/// three-decimal currencies, the rule that the last digit is 0.
pub fn check_amount(amount: i64, currency: &str, param: &str) -> Result<(), ApiError> {
    let minimum = money::minimum_charge(currency);
    if amount < minimum {
        return Err(ApiError::invalid_request(
            Some("amount_too_small"),
            format!("Amount must be at least {} {currency}", money::display(minimum, currency)),
            Some(param),
        ));
    }
    if amount > money::MAX_AMOUNT {
        return Err(ApiError::invalid_request(
            Some("amount_too_large"),
            format!("Amount must be no more than {}", money::display(money::MAX_AMOUNT, currency)),
            Some(param),
        ));
    }
    if money::exponent(currency) == Some(3) && amount % 10 != 0 {
        return Err(ApiError::invalid_request(
            Some("invalid_amount"),
            format!("Amounts in {} must be a multiple of 10: the last digit of a three-decimal currency amount must be 0.", currency.to_ascii_uppercase()),
            Some(param),
        ));
    }
    Ok(())
}

/// `POST /v1/payment_intents`
pub async fn create(ctx: ApiContext, Params(params): Params) -> Answer {
    let mut allowed = UPDATE_PARAMS.to_vec();
    allowed.extend(CREATE_EXTRA);
    Params(params.clone()).allow_only(&allowed)?;
    let amount = integer(&params, "amount")?.ok_or_else(|| ApiError::missing_param("amount"))?;
    let currency = super::currency(&params, "currency")?;
    check_amount(amount, &currency, "amount")?;
    let capture_method = capture_method(&params)?.unwrap_or("automatic");
    let confirm = boolean(&params, "confirm")?.unwrap_or(false);
    let now = ctx.now();
    let mut data = ctx.data();
    if let Some(customer) = params.get("customer").and_then(Value::as_str) {
        data.get_of("customer", customer).ok_or_else(|| ApiError::no_such("customer", customer, "customer"))?;
    }
    let payment_method = params.get("payment_method").and_then(Value::as_str).filter(|pm| !pm.is_empty());
    if let Some(pm) = payment_method {
        payment_methods::behavior(&data, pm)?;
    }
    let customer = params.get("customer").and_then(Value::as_str);
    let mut intent = new_intent(&IntentSpec { amount, currency: &currency, customer, payment_method, capture_method }, ctx.livemode, now);
    let id = intent["id"].as_str().unwrap_or("").to_string();
    apply_fields(&mut intent, &params)?;
    data.insert(KIND, intent.clone());
    data.emit("payment_intent.created", &intent, None, &ctx.origin, now);
    if confirm {
        // A declined confirm still leaves the created intent behind, as on Stripe.
        intent = flow::confirm_in_place(&mut data, &id, None, ctx.base_url(), &ctx.origin, now)?.0;
    }
    Ok(Json(expanded(&data, &intent, &expand_paths(&params))))
}

/// What a new payment intent is for.
pub struct IntentSpec<'a> {
    /// Minor units.
    pub amount: i64,
    /// Lowercase ISO code.
    pub currency: &'a str,
    /// `cus_…`, if any.
    pub customer: Option<&'a str>,
    /// A test payment method, if already chosen.
    pub payment_method: Option<&'a str>,
    /// `automatic`, `automatic_async` or `manual`.
    pub capture_method: &'a str,
}

/// A new payment intent object (not stored), unconfirmed.
fn new_intent(spec: &IntentSpec, livemode: bool, now: i64) -> Value {
    let id = AccountData::new_id("pi");
    json!({
        "id": id,
        "object": "payment_intent",
        "amount": spec.amount,
        "amount_capturable": 0,
        "amount_details": { "tip": {} },
        "amount_received": 0,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": spec.capture_method,
        "client_secret": format!("{id}_secret_{}", crate::state::short_id()),
        "confirmation_method": "automatic",
        "created": now,
        "currency": spec.currency,
        "customer": spec.customer,
        "description": null,
        "excluded_payment_method_types": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": livemode,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": spec.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": { "card": { "installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic" } },
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": if spec.payment_method.is_some() { "requires_confirmation" } else { "requires_payment_method" },
        "transfer_data": null,
        "transfer_group": null,
    })
}

/// Creates a payment intent and confirms it at once with `payment_method`, as an invoice
/// payment does; answers the succeeded intent (or the decline).
pub fn charge_now(data: &mut AccountData, spec: &IntentSpec, description: Option<&str>, origin: &Origin, now: i64) -> Result<Value, ApiError> {
    let id = create_stored(data, spec, description, origin, now);
    confirm_off_session(data, &id, None, origin, now)
}

/// Creates and stores an unconfirmed payment intent (`payment_intent.created`); answers its id.
pub fn create_stored(data: &mut AccountData, spec: &IntentSpec, description: Option<&str>, origin: &Origin, now: i64) -> String {
    let mut intent = new_intent(spec, data.livemode, now);
    intent["description"] = json!(description);
    let id = intent["id"].as_str().unwrap_or("").to_string();
    data.insert(KIND, intent.clone());
    data.emit("payment_intent.created", &intent, None, origin, now);
    id
}

/// Confirms stored intent `id` with `payment_method` (`None`: the one it has), as Stripe
/// charges a saved card with no customer present: answers the succeeded intent, or the
/// decline (stored on the intent).
pub fn confirm_off_session(data: &mut AccountData, id: &str, payment_method: Option<&str>, origin: &Origin, now: i64) -> Result<Value, ApiError> {
    // No base URL is needed: only 3D Secure cards build a redirect, and callers charge
    // cards that need no action.
    flow::confirm_in_place(data, id, payment_method.map(str::to_string), "", origin, now).map(|answer| answer.0)
}

/// Creates a payment intent for money the customer sent by bank transfer, already
/// received: `customer_balance` is its only payment method type (Stripe reconciles an
/// invoice's bank transfer from the customer's cash balance), it succeeds at once with a
/// charge so it can be refunded like any other payment. Answers the succeeded intent.
pub fn receive_bank_transfer(data: &mut AccountData, spec: &IntentSpec, description: Option<&str>, origin: &Origin, now: i64) -> Value {
    let id = create_stored(data, spec, description, origin, now);
    let mut intent = data.get_of(KIND, &id).cloned().unwrap_or_default();
    intent["payment_method_types"] = json!(["customer_balance"]);
    intent["payment_method_options"] = json!({ "customer_balance": { "bank_transfer": { "type": "us_bank_transfer" }, "funding_type": "bank_transfer" } });
    let charge = super::charges::new_bank_transfer_charge(data, &intent, now);
    intent["payment_method"] = charge["payment_method"].clone();
    intent["latest_charge"] = charge["id"].clone();
    intent["status"] = json!("succeeded");
    intent["amount_received"] = intent["amount"].clone();
    data.put(intent.clone());
    data.emit("charge.succeeded", &charge, None, origin, now);
    data.emit("payment_intent.succeeded", &intent, None, origin, now);
    intent
}

fn capture_method(params: &Value) -> Result<Option<&str>, ApiError> {
    match params.get("capture_method").and_then(Value::as_str) {
        None => Ok(None),
        Some(method @ ("automatic" | "automatic_async" | "manual")) => Ok(Some(method)),
        Some(other) => Err(ApiError::invalid_param(
            "capture_method",
            format!("Invalid capture_method: must be one of automatic, automatic_async, or manual (got {other})"),
        )),
    }
}

/// Writes the descriptive fields shared by create and update.
fn apply_fields(intent: &mut Value, params: &Value) -> Result<(), ApiError> {
    for field in ["description", "receipt_email", "statement_descriptor", "statement_descriptor_suffix", "setup_future_usage"] {
        if let Some(value) = optional_string(params, field) {
            intent[field] = value;
        }
    }
    if let Some(types) = params.get("payment_method_types").and_then(Value::as_array) {
        intent["payment_method_types"] = Value::Array(types.clone());
    }
    intent["metadata"] = metadata(params, intent.get("metadata"))?;
    Ok(())
}

/// `GET /v1/payment_intents/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["client_secret", "expand"])?;
    let data = ctx.data();
    Ok(Json(expanded(&data, find(&data, &id)?, &expand_paths(&params))))
}

/// `POST /v1/payment_intents/{id}`: amount, currency, payment method and capture method
/// only while unconfirmed; descriptive fields and metadata at any time.
pub async fn update(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(UPDATE_PARAMS)?;
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    let status = old["status"].as_str().unwrap_or("").to_string();
    let mut intent = old.clone();
    let money_change = ["amount", "currency", "payment_method", "capture_method", "customer"].into_iter().find(|field| params.get(*field).is_some());
    if let Some(field) = money_change {
        if !UNCONFIRMED.contains(&status.as_str()) {
            return Err(ApiError::invalid_request(
                Some("payment_intent_unexpected_state"),
                format!("This PaymentIntent's {field} could not be updated because it has a status of {status}. You may only update the {field} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action."),
                Some(field),
            ));
        }
    }
    if params.get("currency").is_some() {
        intent["currency"] = json!(super::currency(&params, "currency")?);
    }
    if let Some(amount) = integer(&params, "amount")? {
        intent["amount"] = json!(amount);
    }
    check_amount(intent["amount"].as_i64().unwrap_or(0), intent["currency"].as_str().unwrap_or("usd"), "amount")?;
    if let Some(method) = capture_method(&params)? {
        intent["capture_method"] = json!(method);
    }
    if let Some(customer) = params.get("customer").and_then(Value::as_str) {
        data.get_of("customer", customer).ok_or_else(|| ApiError::no_such("customer", customer, "customer"))?;
        intent["customer"] = json!(customer);
    }
    if let Some(pm) = params.get("payment_method").and_then(Value::as_str) {
        if pm.is_empty() {
            intent["payment_method"] = Value::Null;
            intent["status"] = json!("requires_payment_method");
        } else {
            payment_methods::behavior(&data, pm)?;
            intent["payment_method"] = json!(pm);
            intent["status"] = json!("requires_confirmation");
        }
    }
    apply_fields(&mut intent, &params)?;
    data.put(intent.clone());
    Ok(Json(expanded(&data, &intent, &expand_paths(&params))))
}

/// `GET /v1/payment_intents`
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["customer"], &[])?;
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|intent| filter.matches(intent));
    Ok(Json(page(&data, items, &params, "/v1/payment_intents")?))
}

/// The id parameter of confirm that names a payment method (a test id or a stored card), checked.
pub fn payment_method_param(data: &AccountData, params: &Value) -> Result<Option<String>, ApiError> {
    match params.get("payment_method") {
        None => Ok(None),
        Some(_) => {
            let pm = required(params, "payment_method")?;
            payment_methods::behavior(data, pm)?;
            Ok(Some(pm.to_string()))
        }
    }
}
