//! What customers and card networks do, for demos and tests: an invoice paid by the
//! customer, a renewal whose card declines, a customer fixing their card, a dispute filed
//! by the cardholder, a bank settling a refund.
//!
//! Real Stripe has no endpoint for these (they happen outside it); the `/_sim` control API
//! and [`crate::Simulator`]'s methods both call these functions. Each change emits the
//! events Stripe would, so a client polling `/v1/events` sees it like any other.

use serde_json::{json, Value};

use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::resources::subscriptions::billing::At;
use crate::resources::subscriptions::{self, lifecycle};
use crate::resources::{charges, disputes, invoices, payment_intents, payment_methods, refunds};
use crate::state::{lock, SimState};

/// The customer pays an invoice by `card` or `bank_transfer`: `amount` in minor units, or
/// all that remains when `None`. Answers the invoice.
pub fn customer_payment(
    state: &SimState,
    invoice_id: &str,
    amount: Option<i64>,
    method: &str,
) -> Result<Value, ApiError> {
    if !matches!(method, "card" | "bank_transfer") {
        return Err(ApiError::invalid_param(
            "method",
            "method must be card or bank_transfer",
        ));
    }
    let account = state
        .account_holding(invoice_id)
        .ok_or_else(|| ApiError::no_such("invoice", invoice_id, "id"))?;
    let mut data = lock(&account.data);
    invoices::record_payment(&mut data, invoice_id, amount, method, state.now())
}

/// The customer's card starts declining and the subscription renews now: a declining card
/// becomes its default payment method, the next period starts at once and its invoice's
/// charge fails, so the subscription turns `past_due` with the usual retries scheduled.
/// A trialing subscription's trial ends now. Answers the subscription.
pub fn fail_renewal(state: &SimState, subscription_id: &str) -> Result<Value, ApiError> {
    let account = state
        .account_holding(subscription_id)
        .ok_or_else(|| ApiError::no_such("subscription", subscription_id, "id"))?;
    let mut data = lock(&account.data);
    fail_renewal_in(&mut data, subscription_id, state.base_url(), state.now())
}

fn fail_renewal_in(
    data: &mut AccountData,
    id: &str,
    base_url: &str,
    now: i64,
) -> Result<Value, ApiError> {
    let old = subscriptions::find(data, id)?.clone();
    let status = old["status"].as_str().unwrap_or("").to_string();
    if !matches!(status.as_str(), "active" | "trialing" | "past_due") {
        return Err(ApiError::wrong_state(
            None,
            format!("This subscription has a status of {status}; only an active, trialing or past-due subscription renews."),
        ));
    }
    if old["collection_method"] != "charge_automatically" {
        return Err(ApiError::wrong_state(
            None,
            "This subscription is invoiced by email, so no card is charged when it renews.",
        ));
    }
    let customer = old["customer"].as_str().unwrap_or("").to_string();
    let origin = Origin::default();
    let card = payment_methods::attach_to(data, "pm_card_chargeDeclined", &customer, &origin, now)?;
    let mut declining = old.clone();
    declining["default_payment_method"] = card["id"].clone();
    subscriptions::save(data, &old, &declining, &[], &origin, now);

    let mut renewing = declining.clone();
    if status == "trialing" {
        renewing["trial_end"] = json!(now);
        renewing["status"] = json!("active");
    }
    let at = At {
        origin: &origin,
        base_url,
        now,
    };
    Ok(lifecycle::start_period(
        data,
        &declining,
        renewing,
        now,
        "subscription_cycle",
        &[],
        &at,
    ))
}

/// The customer fixes their card, as in Stripe's customer portal: a working test card
/// (4242) is attached to the customer and becomes its `invoice_settings.default_payment_method`
/// and the default payment method of each of its live subscriptions that had one. Nothing is
/// paid: the next retry, or paying the invoice by hand, charges the new card. Answers the
/// customer.
pub fn update_card(state: &SimState, customer_id: &str) -> Result<Value, ApiError> {
    let account = state
        .account_holding(customer_id)
        .ok_or_else(|| ApiError::no_such("customer", customer_id, "id"))?;
    let mut data = lock(&account.data);
    update_card_in(&mut data, customer_id, state.now())
}

fn update_card_in(data: &mut AccountData, id: &str, now: i64) -> Result<Value, ApiError> {
    let old = data
        .get_of("customer", id)
        .cloned()
        .ok_or_else(|| ApiError::no_such("customer", id, "id"))?;
    let origin = Origin::default();
    let card = payment_methods::attach_to(data, "pm_card_visa", id, &origin, now)?;
    let mut customer = old.clone();
    customer["invoice_settings"]["default_payment_method"] = card["id"].clone();
    data.put(customer.clone());
    data.emit(
        "customer.updated",
        &customer,
        changed_fields(&old, &customer),
        &origin,
        now,
    );
    let with_own_card: Vec<Value> = data
        .all("subscription")
        .filter(|s| s["customer"] == id && s["default_payment_method"].is_string())
        .filter(|s| {
            !matches!(
                s["status"].as_str(),
                Some("canceled" | "incomplete_expired")
            )
        })
        .cloned()
        .collect();
    for old_subscription in with_own_card {
        let mut subscription = old_subscription.clone();
        subscription["default_payment_method"] = card["id"].clone();
        subscriptions::save(data, &old_subscription, &subscription, &[], &origin, now);
    }
    Ok(customer)
}

/// The cardholder disputes a charge (`ch_…`, or a payment intent `pi_…` meaning its latest
/// charge): a fraud dispute opens and the funds are withdrawn. Answers the dispute.
pub fn open_dispute(state: &SimState, id: &str, reason: &str, inquiry: bool) -> Result<Value, ApiError> {
    if !disputes::REASONS.contains(&reason) {
        return Err(ApiError::invalid_param("reason", format!("Invalid reason: must be one of {}", disputes::REASONS.join(", "))));
    }
    let account = state
        .account_holding(id)
        .ok_or_else(|| ApiError::no_such("charge", id, "id"))?;
    let mut data = lock(&account.data);
    open_dispute_in(&mut data, id, reason, inquiry, state.now())
}

fn open_dispute_in(data: &mut AccountData, id: &str, reason: &str, inquiry: bool, now: i64) -> Result<Value, ApiError> {
    let charge_id = if id.starts_with("pi_") {
        let intent = payment_intents::find(data, id)?;
        intent["latest_charge"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| {
                ApiError::wrong_state(None, "This payment intent has no charge to dispute.")
            })?
    } else {
        id.to_string()
    };
    let charge = charges::find(data, &charge_id)?.clone();
    if charge["status"] != "succeeded" {
        return Err(ApiError::wrong_state(
            None,
            "Only a succeeded charge can be disputed.",
        ));
    }
    if charge["disputed"] == true {
        return Err(ApiError::wrong_state(
            None,
            "This charge is already disputed.",
        ));
    }
    if charge["refunded"] == true {
        return Err(ApiError::wrong_state(
            None,
            "This charge was refunded in full; there is nothing left to dispute.",
        ));
    }
    Ok(disputes::open_with(data, &charge, reason, inquiry, &Origin::default(), now))
}

/// The bank settles a refund under way (a bank transfer's refund once the customer gave
/// their details): `outcome` `succeeded` or `failed`. Answers the refund.
pub fn settle_refund(state: &SimState, refund_id: &str, outcome: &str) -> Result<Value, ApiError> {
    let account = state
        .account_holding(refund_id)
        .ok_or_else(|| ApiError::no_such("refund", refund_id, "id"))?;
    let mut data = lock(&account.data);
    refunds::settle(&mut data, refund_id, outcome, state.now())
}

/// The card network decides a dispute under review or still open: `won` or `lost` (an
/// inquiry closes as a warning either way). Answers the dispute.
pub fn resolve_dispute(state: &SimState, id: &str, outcome: &str) -> Result<Value, ApiError> {
    let account = state.account_holding(id).ok_or_else(|| ApiError::no_such("dispute", id, "id"))?;
    let mut data = lock(&account.data);
    disputes::resolve(&mut data, id, outcome, state.now())
}
