//! Pending updates (`payment_behavior=pending_if_incomplete`): an update whose invoice
//! cannot be paid leaves the subscription's items as they were and records the change in
//! `pending_update`, with that invoice left open as `latest_invoice`. Paying the invoice
//! applies the change (`customer.subscription.pending_update_applied`); 23 hours after the
//! update it expires instead (`customer.subscription.pending_update_expired`).

use serde_json::{json, Value};

use super::billing::{bill, At};
use super::update::{make_prorations, Plan};
use super::{save, KIND};
use crate::data::{AccountData, Origin};
use crate::errors::ApiError;
use crate::resources::{invoices, metadata};

/// How long a pending update waits for its invoice to be paid.
pub const PENDING_WINDOW: i64 = 23 * 3600;
/// The update parameters a pending update takes (Stripe's pending updates reference; those
/// it lists that the emulator does not know are refused as unknown anyway). `metadata`
/// since API version 2026-05-27.
const PENDING_PARAMS: &[&str] = &["expand", "items", "metadata", "payment_behavior", "proration_behavior", "proration_date", "trial_end"];
/// What each of its items may set.
const PENDING_ITEM_PARAMS: &[&str] = &["id", "price", "quantity"];

/// Refuses an update that cannot be made pending: a `send_invoice` subscription, or a
/// parameter pending updates do not support.
pub fn check_params(subscription: &Value, params: &Value) -> Result<(), ApiError> {
    if subscription["collection_method"] == "send_invoice" {
        return Err(ApiError::invalid_param("payment_behavior", "Pending updates are not supported on subscriptions with `collection_method=send_invoice`."));
    }
    let refuse = |param: &str| {
        ApiError::invalid_request(
            None,
            format!("`{param}` cannot be used with `payment_behavior=pending_if_incomplete`: only the parameters supported by pending updates can be."),
            Some(param),
        )
    };
    if let Some(unsupported) = params.as_object().and_then(|map| map.keys().find(|key| !PENDING_PARAMS.contains(&key.as_str()))) {
        return Err(refuse(unsupported));
    }
    for (index, item) in params["items"].as_array().into_iter().flatten().enumerate() {
        if let Some(unsupported) = item.as_object().and_then(|map| map.keys().find(|key| !PENDING_ITEM_PARAMS.contains(&key.as_str()))) {
            return Err(refuse(&format!("items[{index}][{unsupported}]")));
        }
    }
    Ok(())
}

/// Stores a plan whose invoice cannot be paid as a pending update: its prorations and its
/// invoice are made (and the charge fails), while the subscription keeps its items, names
/// the open invoice as `latest_invoice` and holds the change in `pending_update`.
pub fn commit(data: &mut AccountData, plan: &Plan, params: &Value, at: &At) -> Value {
    make_prorations(data, plan, at);
    let billed = bill(data, &plan.subscription, "subscription_update", plan.new_cycle, false, true, None, at);
    // Not retried automatically: the customer settles it within the window, or it lapses.
    let mut invoice = billed.invoice.clone();
    invoice["next_payment_attempt"] = Value::Null;
    invoices::save(data, &billed.invoice, &invoice, &[], at.origin, at.now);
    let old = data.get_of(KIND, plan.old["id"].as_str().unwrap_or("")).cloned().unwrap_or_else(|| plan.old.clone());
    let mut subscription = old.clone();
    subscription["latest_invoice"] = invoice["id"].clone();
    let changed = |field: &str| if plan.subscription[field] != plan.old[field] { plan.subscription[field].clone() } else { Value::Null };
    subscription["pending_update"] = json!({
        "billing_cycle_anchor": if plan.new_cycle.is_some() { plan.subscription["billing_cycle_anchor"].clone() } else { Value::Null },
        "cancel_at_period_end": null,
        "discount": null,
        "discounts": null,
        "expires_at": at.now + PENDING_WINDOW,
        "metadata": params.get("metadata"),
        "subscription_items": plan.subscription["items"]["data"],
        "trial_end": changed("trial_end"),
        "trial_from_plan": null,
    });
    save(data, &old, &subscription, &[], at.origin, at.now);
    subscription
}

/// Called when an invoice is paid: the pending update it was billed for is applied.
pub fn invoice_paid(data: &mut AccountData, invoice: &Value, origin: &Origin, now: i64) {
    let Some(id) = invoice["parent"]["subscription_details"]["subscription"].as_str() else { return };
    let Some(old) = data.get_of(KIND, id).cloned() else { return };
    let pending = &old["pending_update"];
    if pending.is_null() || old["latest_invoice"] != invoice["id"] {
        return;
    }
    let mut subscription = old.clone();
    subscription["items"]["data"] = pending["subscription_items"].clone();
    for field in ["billing_cycle_anchor", "trial_end"] {
        if !pending[field].is_null() {
            subscription[field] = pending[field].clone();
        }
    }
    // Merged into the subscription's metadata as an update would (checked when it was made).
    if let (false, Ok(merged)) = (pending["metadata"].is_null(), metadata(pending, old.get("metadata"))) {
        subscription["metadata"] = merged;
    }
    subscription["pending_update"] = Value::Null;
    save(data, &old, &subscription, &["customer.subscription.pending_update_applied"], origin, now);
}

/// The pending update's window has passed unpaid: it is dropped.
pub fn expire(data: &mut AccountData, id: &str, origin: &Origin, now: i64) {
    let Some(old) = data.get_of(KIND, id).cloned() else { return };
    if old["pending_update"].is_null() {
        return;
    }
    let mut subscription = old.clone();
    subscription["pending_update"] = Value::Null;
    save(data, &old, &subscription, &["customer.subscription.pending_update_expired"], origin, now);
}
