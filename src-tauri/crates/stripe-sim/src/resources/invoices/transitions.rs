//! The invoice state machine: finalize, send, pay, void, mark_uncollectible, and payments
//! made by the customer (the emulator's stand-in for a card or bank transfer arriving).

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::{amounts, find, save};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded};
use crate::resources::payment_intents::{self, charge_now, receive_bank_transfer, IntentSpec, TestCard};
use crate::resources::{boolean, payment_methods};
use crate::server::{ApiContext, Params};

type Answer = Result<Json<Value>, ApiError>;

/// `POST /v1/invoices/{id}/finalize`
pub async fn finalize(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["auto_advance", "expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "draft" {
        return Err(ApiError::wrong_state(None, "This invoice is already finalized, you can't re-finalize a non-draft invoice."));
    }
    let mut invoice = old.clone();
    if let Some(auto_advance) = boolean(&params, "auto_advance")? {
        invoice["auto_advance"] = json!(auto_advance);
    }
    let extra = finalize_in_place(&mut data, &mut invoice, ctx.base_url(), &ctx.origin, now);
    save(&mut data, &old, &invoice, &extra, &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// Applies the customer's balance, numbers the invoice and opens it; a zero amount due is
/// paid at once. Returns the events to emit besides `invoice.updated`.
pub fn finalize_in_place(data: &mut AccountData, invoice: &mut Value, base_url: &str, origin: &Origin, now: i64) -> Vec<&'static str> {
    amounts::recompute(data, invoice);
    amounts::apply_balance(data, invoice, origin, now);
    amounts::recompute(data, invoice);
    let id = invoice["id"].as_str().unwrap_or("").to_string();
    invoice["number"] = json!(data.next_invoice_number());
    invoice["hosted_invoice_url"] = json!(format!("{base_url}_sim/hosted/invoices/{id}"));
    invoice["invoice_pdf"] = json!(format!("{base_url}_sim/hosted/invoices/{id}/pdf"));
    invoice["status"] = json!("open");
    invoice["status_transitions"]["finalized_at"] = json!(now);
    invoice["effective_at"] = json!(now);
    let mut events = vec!["invoice.finalized"];
    if invoice["amount_due"] == 0 {
        invoice["status"] = json!("paid");
        invoice["status_transitions"]["paid_at"] = json!(now);
        // Automatic advancement is always off on a paid invoice.
        invoice["auto_advance"] = json!(false);
        events.push("invoice.paid");
    } else if invoice["auto_advance"] == true && invoice["collection_method"] == "send_invoice" {
        // With automatic advancement on, Stripe emails a send_invoice invoice itself when it
        // is finalized (test mode sends no email but still emits the event).
        events.push("invoice.sent");
    }
    events
}

/// `POST /v1/invoices/{id}/send`
pub async fn send(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let invoice = find(&data, &id)?.clone();
    if invoice["collection_method"] != "send_invoice" {
        return Err(ApiError::wrong_state(None, "You can only manually send an invoice if its collection method is 'send_invoice'."));
    }
    if invoice["status"] != "open" {
        return Err(ApiError::wrong_state(None, "You can only send an open invoice. This invoice isn't open."));
    }
    data.emit("invoice.sent", &invoice, None, &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// `POST /v1/invoices/{id}/pay`: out of band, or with a test payment method.
pub async fn pay(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand", "forgive", "mandate", "off_session", "paid_out_of_band", "payment_method", "source"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    match old["status"].as_str() {
        Some("paid") => return Err(ApiError::wrong_state(Some("invoice_already_paid"), "Invoice is already paid")),
        Some("void") => return Err(ApiError::wrong_state(None, "This invoice has been voided and can no longer be paid.")),
        _ => {}
    }
    let mut invoice = old.clone();
    let mut extra = Vec::new();
    if invoice["status"] == "draft" {
        extra = finalize_in_place(&mut data, &mut invoice, ctx.base_url(), &ctx.origin, now);
        if invoice["status"] == "paid" {
            save(&mut data, &old, &invoice, &extra, &ctx.origin, now);
            return Ok(Json(expanded(&data, &invoice, &expand_paths(&params))));
        }
    }
    if boolean(&params, "paid_out_of_band")? == Some(true) {
        let remaining = invoice["amount_remaining"].as_i64().unwrap_or(0);
        invoice["amount_paid"] = json!(invoice["amount_paid"].as_i64().unwrap_or(0) + remaining);
        mark_paid(&mut invoice, now);
        cancel_open_payments(&mut data, &mut invoice, "automatic", &ctx.origin, now);
        extra.push("invoice.paid");
        amounts::recompute(&data, &mut invoice);
        save(&mut data, &old, &invoice, &extra, &ctx.origin, now);
        return Ok(Json(expanded(&data, &invoice, &expand_paths(&params))));
    }
    let payment_method = match params["payment_method"].as_str() {
        Some(pm) => Some(pm.to_string()),
        None => payment_method_for(&data, &invoice),
    };
    let Some(payment_method) = payment_method else {
        return Err(ApiError::wrong_state(
            None,
            "This customer has no attached payment source or default payment method. Please consider adding a default payment method.",
        ));
    };
    let attempt = charge(&mut data, &mut invoice, &payment_method, &ctx.origin, now)?;
    extra.extend(attempt.events);
    save(&mut data, &old, &invoice, &extra, &ctx.origin, now);
    match attempt.refusal {
        None => Ok(Json(expanded(&data, &invoice, &expand_paths(&params)))),
        Some(refusal) => Err(refusal),
    }
}

/// The payment method an automatic charge of `invoice` uses: the invoice's default, then
/// its subscription's, then the customer's `invoice_settings.default_payment_method`.
pub fn payment_method_for(data: &AccountData, invoice: &Value) -> Option<String> {
    let subscription = invoice["parent"]["subscription_details"]["subscription"].as_str().and_then(|id| data.get_of("subscription", id));
    let customer = invoice["customer"].as_str().and_then(|id| data.get_of("customer", id));
    [
        invoice["default_payment_method"].as_str(),
        subscription.and_then(|s| s["default_payment_method"].as_str()),
        customer.and_then(|c| c["invoice_settings"]["default_payment_method"].as_str()),
    ]
    .into_iter()
    .flatten()
    .next()
    .map(str::to_string)
}

/// The outcome of one attempt to charge an invoice.
pub struct Attempt {
    /// Events to emit before `invoice.updated`.
    pub events: Vec<&'static str>,
    /// The error `POST /v1/invoices/{id}/pay` answers with when the charge did not go
    /// through; `None` when the invoice is paid.
    pub refusal: Option<ApiError>,
}

impl Attempt {
    /// Whether the invoice was paid.
    pub fn paid(&self) -> bool {
        self.refusal.is_none()
    }
}

/// Attempts to charge what remains of an open invoice to `payment_method` (a test id such
/// as `pm_card_visa` or a stored `pm_…` card), through the invoice's payment intent: the one
/// an earlier declined attempt left (an `open` invoice payment), else a new one. A decline
/// leaves that intent `requires_payment_method` with its `last_payment_error`, a failed
/// charge and an open invoice payment; a paid attempt a succeeded intent and charge (so it
/// can be refunded or disputed) and a paid invoice payment. Used by invoice pay,
/// subscription billing and the clock's retries; the caller saves the invoice. Errs only
/// for an unknown payment method.
pub fn charge(data: &mut AccountData, invoice: &mut Value, payment_method: &str, origin: &Origin, now: i64) -> Result<Attempt, ApiError> {
    let card = payment_methods::behavior(data, payment_method)?;
    invoice["attempted"] = json!(true);
    invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
    if card == TestCard::Authenticates {
        return Ok(Attempt {
            events: vec!["invoice.payment_action_required", "invoice.payment_failed"],
            refusal: Some(ApiError {
                status: axum::http::StatusCode::PAYMENT_REQUIRED,
                kind: "card_error",
                code: Some("invoice_payment_intent_requires_action"),
                message: "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.".into(),
                param: None,
                should_retry: Some(false),
                details: None,
            }),
        });
    }
    let remaining = invoice["amount_remaining"].as_i64().unwrap_or(0);
    let open = open_payment(data, invoice);
    let intent = match &open {
        Some(payment) => {
            let id = payment["payment"]["payment_intent"].as_str().unwrap_or("").to_string();
            reprice(data, &id, remaining);
            id
        }
        None => {
            let description = format!("Payment for Invoice {}", invoice["number"].as_str().unwrap_or(""));
            payment_intents::create_stored(data, &intent_spec(invoice, remaining, None), Some(&description), origin, now)
        }
    };
    match payment_intents::confirm_off_session(data, &intent, Some(payment_method), origin, now) {
        Ok(_) => {
            match open {
                Some(payment) => settle(data, invoice, payment, remaining, now, origin),
                None => add_payment(data, invoice, remaining, "card", &intent, now, origin),
            }
            invoice["next_payment_attempt"] = Value::Null;
            Ok(Attempt { events: vec!["invoice.payment_succeeded", "invoice.paid"], refusal: None })
        }
        Err(refusal) => {
            if open.is_none() {
                add_open_payment(data, invoice, remaining, &intent, now);
            }
            Ok(Attempt { events: vec!["invoice.payment_failed"], refusal: Some(refusal) })
        }
    }
}

/// What a payment intent for `amount` of the invoice is.
fn intent_spec<'a>(invoice: &'a Value, amount: i64, payment_method: Option<&'a str>) -> IntentSpec<'a> {
    IntentSpec {
        amount,
        currency: invoice["currency"].as_str().unwrap_or("usd"),
        customer: invoice["customer"].as_str(),
        payment_method,
        capture_method: "automatic",
    }
}

/// Charges a card for (part of) an invoice: a succeeded payment intent and charge of
/// the invoice's customer; answers the intent's id.
fn charge_invoice(data: &mut AccountData, invoice: &Value, amount: i64, payment_method: &str, origin: &Origin, now: i64) -> Result<String, ApiError> {
    let description = format!("Payment for Invoice {}", invoice["number"].as_str().unwrap_or(""));
    let intent = charge_now(data, &intent_spec(invoice, amount, Some(payment_method)), Some(&description), origin, now)?;
    Ok(intent["id"].as_str().unwrap_or("").to_string())
}

/// The invoice's open payment whose intent can still be confirmed: what an earlier declined
/// attempt left, for the next attempt to reuse.
fn open_payment(data: &AccountData, invoice: &Value) -> Option<Value> {
    invoice["payments"]["data"].as_array()?.iter().find(|payment| {
        payment["status"] == "open"
            && payment["payment"]["payment_intent"]
                .as_str()
                .and_then(|id| data.get_of("payment_intent", id))
                .is_some_and(|intent| matches!(intent["status"].as_str(), Some("requires_payment_method" | "requires_confirmation")))
    }).cloned()
}

/// Sets a reused intent's amount to what the invoice still owes (a credit note may have
/// lowered it since the last attempt).
fn reprice(data: &mut AccountData, intent_id: &str, amount: i64) {
    if let Some(mut intent) = data.get_of("payment_intent", intent_id).cloned() {
        if intent["amount"] != amount {
            intent["amount"] = json!(amount);
            data.put(intent);
        }
    }
}

fn mark_paid(invoice: &mut Value, now: i64) {
    invoice["status"] = json!("paid");
    invoice["status_transitions"]["paid_at"] = json!(now);
}

/// Records a payment on an open invoice: an `invoice_payment` object, `amount_paid` up by
/// `amount`, and paid once nothing remains.
pub(super) fn add_payment(data: &mut AccountData, invoice: &mut Value, amount: i64, method: &str, payment_intent: &str, now: i64, origin: &Origin) {
    let mut payment = new_payment(data, invoice, amount, payment_intent, now);
    payment["amount_paid"] = json!(amount);
    payment["payment_method_type"] = json!(method);
    payment["status"] = json!("paid");
    payment["status_transitions"]["paid_at"] = json!(now);
    data.insert("invoice_payment", payment.clone());
    paid(data, invoice, payment, amount, now, origin);
}

/// An `invoice_payment` of the invoice through `payment_intent`, not yet paid (not stored).
fn new_payment(data: &AccountData, invoice: &Value, amount: i64, payment_intent: &str, now: i64) -> Value {
    json!({
        "id": AccountData::new_id("inpay"),
        "object": "invoice_payment",
        "amount_paid": null,
        "amount_requested": amount,
        "created": now,
        "currency": invoice["currency"],
        "invoice": invoice["id"],
        "is_default": invoice["payments"]["data"].as_array().is_none_or(Vec::is_empty),
        "livemode": data.livemode,
        "payment": { "type": "payment_intent", "payment_intent": payment_intent },
        "payment_method_type": "card",
        "status": "open",
        "status_transitions": { "canceled_at": null, "paid_at": null },
    })
}

/// The open payment a declined attempt leaves: the invoice's payments show its intent.
fn add_open_payment(data: &mut AccountData, invoice: &mut Value, amount: i64, payment_intent: &str, now: i64) {
    let payment = new_payment(data, invoice, amount, payment_intent, now);
    data.insert("invoice_payment", payment.clone());
    put_payment(invoice, payment);
}

/// A retry succeeded: the open payment it reused is paid.
fn settle(data: &mut AccountData, invoice: &mut Value, mut payment: Value, amount: i64, now: i64, origin: &Origin) {
    payment["amount_paid"] = json!(amount);
    payment["amount_requested"] = json!(amount);
    payment["status"] = json!("paid");
    payment["status_transitions"]["paid_at"] = json!(now);
    data.put(payment.clone());
    paid(data, invoice, payment, amount, now, origin);
}

/// A payment of `amount` is paid: announced, shown on the invoice and counted; once nothing
/// remains the invoice is paid and any other open attempt is canceled.
fn paid(data: &mut AccountData, invoice: &mut Value, payment: Value, amount: i64, now: i64, origin: &Origin) {
    data.emit("invoice_payment.paid", &payment, None, origin, now);
    put_payment(invoice, payment);
    invoice["amount_paid"] = json!(invoice["amount_paid"].as_i64().unwrap_or(0) + amount);
    amounts::recompute(data, invoice);
    if invoice["amount_remaining"] == 0 {
        mark_paid(invoice, now);
        cancel_open_payments(data, invoice, "automatic", origin, now);
    }
}

/// Adds `payment` to the invoice's payments, or replaces the copy with its id.
fn put_payment(invoice: &mut Value, payment: Value) {
    let Some(payments) = invoice["payments"]["data"].as_array_mut() else { return };
    match payments.iter_mut().find(|known| known["id"] == payment["id"]) {
        Some(known) => *known = payment,
        None => payments.push(payment),
    }
}

/// The invoice no longer needs its open payments (paid another way, or voided): each is
/// canceled with its payment intent, as Stripe cancels an invoice's intent.
pub fn cancel_open_payments(data: &mut AccountData, invoice: &mut Value, reason: &str, origin: &Origin, now: i64) {
    let open: Vec<Value> = invoice["payments"]["data"].as_array().into_iter().flatten().filter(|p| p["status"] == "open").cloned().collect();
    for mut payment in open {
        payment["status"] = json!("canceled");
        payment["status_transitions"]["canceled_at"] = json!(now);
        data.put(payment.clone());
        let intent = payment["payment"]["payment_intent"].as_str().and_then(|id| data.get_of("payment_intent", id)).cloned();
        put_payment(invoice, payment);
        if let Some(mut intent) = intent.filter(|intent| matches!(intent["status"].as_str(), Some("requires_payment_method" | "requires_confirmation"))) {
            intent["status"] = json!("canceled");
            intent["canceled_at"] = json!(now);
            intent["cancellation_reason"] = json!(reason);
            data.put(intent.clone());
            data.emit("payment_intent.canceled", &intent, None, origin, now);
        }
    }
}

/// The customer pays `amount` (all that remains when `None`) by card or bank transfer.
/// Used by the control API; bank transfers may overpay, as real ones can.
pub fn record_payment(data: &mut AccountData, id: &str, amount: Option<i64>, method: &str, now: i64) -> Result<Value, ApiError> {
    let old = find(data, id)?.clone();
    if !matches!(old["status"].as_str(), Some("open" | "uncollectible")) {
        return Err(ApiError::wrong_state(None, format!("Only open invoices can be paid; this one is {}.", old["status"].as_str().unwrap_or(""))));
    }
    let remaining = old["amount_remaining"].as_i64().unwrap_or(0);
    let amount = amount.unwrap_or(remaining);
    if amount <= 0 || (method == "card" && amount > remaining) {
        return Err(ApiError::invalid_param("amount", format!("A {method} payment must be between 1 and {remaining}.")));
    }
    let mut invoice = old.clone();
    let origin = Origin::default();
    // Either way a real payment intent and charge (refundable) stand behind the payment.
    let intent = if method == "card" {
        charge_invoice(data, &invoice, amount, "pm_card_visa", &origin, now)?
    } else {
        let description = format!("Payment for Invoice {}", invoice["number"].as_str().unwrap_or(""));
        let intent = receive_bank_transfer(data, &intent_spec(&invoice, amount, None), Some(&description), &origin, now);
        intent["id"].as_str().unwrap_or("").to_string()
    };
    add_payment(data, &mut invoice, amount, method, &intent, now, &origin);
    let extra: &[&str] = if invoice["status"] == "paid" { &["invoice.payment_succeeded", "invoice.paid"] } else { &[] };
    save(data, &old, &invoice, extra, &origin, now);
    Ok(invoice)
}

/// `POST /v1/invoices/{id}/void`
pub async fn void(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if !matches!(old["status"].as_str(), Some("open" | "uncollectible")) {
        return Err(ApiError::wrong_state(None, "You can only pass in open invoices. This invoice isn't open."));
    }
    let mut invoice = old.clone();
    invoice["status"] = json!("void");
    invoice["status_transitions"]["voided_at"] = json!(now);
    cancel_open_payments(&mut data, &mut invoice, "void_invoice", &ctx.origin, now);
    amounts::return_balance(&mut data, &invoice, &ctx.origin, now);
    save(&mut data, &old, &invoice, &["invoice.voided"], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}

/// `POST /v1/invoices/{id}/mark_uncollectible`
pub async fn mark_uncollectible(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let mut data = ctx.data();
    let old = find(&data, &id)?.clone();
    if old["status"] != "open" {
        return Err(ApiError::wrong_state(None, "You can only mark open invoices as uncollectible. This invoice isn't open."));
    }
    let mut invoice = old.clone();
    invoice["status"] = json!("uncollectible");
    invoice["status_transitions"]["marked_uncollectible_at"] = json!(now);
    save(&mut data, &old, &invoice, &["invoice.marked_uncollectible"], &ctx.origin, now);
    Ok(Json(expanded(&data, &invoice, &expand_paths(&params))))
}
