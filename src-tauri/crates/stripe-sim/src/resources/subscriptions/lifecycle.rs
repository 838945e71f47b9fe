//! What time does to a subscription: trials end (with `trial_will_end` three days before),
//! periods renew and are invoiced, failed renewals are retried, unpaid first invoices
//! expire, paused collection resumes, and `cancel_at_period_end` cancels.
//!
//! Dunning policy: a failed renewal makes the subscription `past_due`; the invoice is
//! retried on the account's [`RetrySchedule`] (by default 3, 6 and 9 days after the first
//! failure); when the last retry fails the subscription stays `past_due`, becomes `unpaid`
//! (its invoice stays open, later renewal invoices stay drafts until an invoice is paid) or
//! is canceled, as the schedule says. A canceled subscription's open invoices stop retrying
//! and it never becomes `unpaid` again.

use serde_json::{json, Value};

use super::billing::{self, bill, At};
use super::retries::{AfterLastFailure, RetrySchedule};
use super::{save, INCOMPLETE_WINDOW, KIND};
use crate::data::{AccountData, Origin};
use crate::resources::invoices;

/// How long before a trial ends Stripe warns with `customer.subscription.trial_will_end`.
pub const TRIAL_WARNING: i64 = 3 * 86_400;

/// Something that falls due for a subscription at a time.
#[derive(Debug, Clone, PartialEq)]
pub enum Due {
    /// Three days before the trial ends.
    TrialWillEnd,
    /// The trial ends.
    TrialEnds,
    /// The current period ends: renew, or cancel at period end.
    PeriodEnds,
    /// An `incomplete` subscription's first invoice was not paid in time.
    Expire,
    /// `pause_collection.resumes_at` has come.
    ResumeCollection,
    /// `cancel_at` has come before the period's end.
    Cancel,
    /// An automatic retry of this failed invoice.
    Retry(String),
    /// This send_invoice invoice passed its due date unpaid.
    Overdue(String),
    /// `pending_update.expires_at` has come with its invoice unpaid.
    PendingUpdateExpires,
}

/// What falls due for the subscription, with when, given its open invoices.
/// `TrialWillEnd` is only listed when it lies after `since` (so it is sent once, when the
/// clock crosses it).
pub fn due(subscription: &Value, open_invoices: &[&Value], since: i64) -> Vec<(i64, Due)> {
    let mut out = Vec::new();
    let status = subscription["status"].as_str().unwrap_or("");
    let (_, period_end) = billing::current_period(subscription);
    match status {
        "trialing" => {
            if let Some(end) = subscription["trial_end"].as_i64() {
                if end - TRIAL_WARNING > since {
                    out.push((end - TRIAL_WARNING, Due::TrialWillEnd));
                }
                out.push((end, Due::TrialEnds));
            }
        }
        "incomplete" => out.push((subscription["created"].as_i64().unwrap_or(0) + INCOMPLETE_WINDOW, Due::Expire)),
        "active" | "past_due" | "unpaid" => out.push((period_end, Due::PeriodEnds)),
        _ => {}
    }
    let live = matches!(status, "trialing" | "active" | "past_due" | "unpaid");
    let period_end = if status == "trialing" { subscription["trial_end"].as_i64().unwrap_or(period_end) } else { period_end };
    if let Some(cancel_at) = subscription["cancel_at"].as_i64().filter(|at| live && *at < period_end) {
        out.push((cancel_at, Due::Cancel));
    }
    if let Some(resumes_at) = subscription["pause_collection"]["resumes_at"].as_i64() {
        out.push((resumes_at, Due::ResumeCollection));
    }
    if let Some(expires_at) = subscription["pending_update"]["expires_at"].as_i64() {
        out.push((expires_at, Due::PendingUpdateExpires));
    }
    // An ended subscription collects nothing more: its open invoices are neither retried
    // nor made overdue (they stay payable by hand).
    let ended = matches!(status, "canceled" | "incomplete_expired");
    for invoice in open_invoices.iter().filter(|_| !ended) {
        let invoice_id = invoice["id"].as_str().unwrap_or("").to_string();
        if let Some(at) = invoice["next_payment_attempt"].as_i64() {
            out.push((at, Due::Retry(invoice_id)));
        } else if let (Some(due_date), "active") = (invoice["due_date"].as_i64(), status) {
            out.push((due_date, Due::Overdue(invoice_id)));
        }
    }
    out
}

/// Makes `what` happen to subscription `id` at `at.now`.
pub fn run(data: &mut AccountData, id: &str, what: &Due, at: &At) {
    let Some(old) = data.get_of(KIND, id).cloned() else { return };
    let (origin, now) = (at.origin, at.now);
    let mut subscription = old.clone();
    match what {
        Due::TrialWillEnd => data.emit("customer.subscription.trial_will_end", &old, None, origin, now),
        Due::TrialEnds => end_trial(data, &old, at),
        Due::PeriodEnds => {
            let cancel_at = old["cancel_at"].as_i64();
            if old["cancel_at_period_end"] == true || cancel_at.is_some_and(|when| when <= now) {
                end(data, &mut subscription, "cancellation_requested", origin, now);
            } else {
                let (_, end) = billing::current_period(&old);
                start_period(data, &old, subscription, end, "subscription_cycle", &[], at);
            }
        }
        Due::Expire => {
            subscription["status"] = json!("incomplete_expired");
            subscription["ended_at"] = json!(now);
            if let Some(invoice_id) = old["latest_invoice"].as_str() {
                void_open(data, invoice_id, origin, now);
            }
            save(data, &old, &subscription, &[], origin, now);
        }
        Due::Cancel => end(data, &mut subscription, "cancellation_requested", origin, now),
        Due::ResumeCollection => {
            subscription["pause_collection"] = Value::Null;
            save(data, &old, &subscription, &[], origin, now);
        }
        Due::Retry(invoice_id) => retry(data, invoice_id, at),
        Due::PendingUpdateExpires => super::pending::expire(data, id, origin, now),
        Due::Overdue(_) => {
            subscription["status"] = json!("past_due");
            save(data, &old, &subscription, &[], origin, now);
        }
    }
}

/// The trial is over: bill the first paid period, or pause or cancel a subscription that
/// has no payment method, as its `trial_settings` say.
fn end_trial(data: &mut AccountData, old: &Value, at: &At) {
    let mut subscription = old.clone();
    let trial_end = old["trial_end"].as_i64().unwrap_or(at.now);
    let customer_pm = old["customer"].as_str().and_then(|c| data.get_of("customer", c)).and_then(|c| c["invoice_settings"]["default_payment_method"].as_str());
    let has_pm = old["default_payment_method"].is_string() || customer_pm.is_some();
    let automatic = old["collection_method"] == "charge_automatically";
    if old["cancel_at_period_end"] == true || old["cancel_at"].as_i64().is_some_and(|when| when <= trial_end) {
        end(data, &mut subscription, "cancellation_requested", at.origin, at.now);
        return;
    }
    match old["trial_settings"]["end_behavior"]["missing_payment_method"].as_str() {
        Some("pause") if automatic && !has_pm => {
            subscription["status"] = json!("paused");
            save(data, old, &subscription, &["customer.subscription.paused"], at.origin, at.now);
        }
        Some("cancel") if automatic && !has_pm => end(data, &mut subscription, "cancellation_requested", at.origin, at.now),
        _ => {
            subscription["status"] = json!("active");
            start_period(data, old, subscription, trial_end, "subscription_cycle", &[], at);
        }
    }
}

/// Starts the period beginning at `start` and invoices it; a failed charge makes the
/// subscription `past_due`. `subscription` is `old` with any changes the caller made.
pub fn start_period(data: &mut AccountData, old: &Value, mut subscription: Value, start: i64, reason: &str, extra: &[&str], at: &At) -> Value {
    if old["status"] == "paused" {
        subscription["status"] = json!("active");
        subscription["billing_cycle_anchor"] = json!(start);
    }
    let end = billing::period_end(&subscription, start);
    billing::set_period(&mut subscription, (start, end));
    // Stored before billing so the invoice's charge and its paid hook see the new period.
    data.put(subscription.clone());
    let billed = bill(data, &subscription, reason, Some((start, end)), false, true, None, at);
    let id = subscription["id"].as_str().unwrap_or("").to_string();
    let mut subscription = data.get_of(KIND, &id).cloned().unwrap_or(subscription);
    subscription["latest_invoice"] = billed.invoice["id"].clone();
    if billed.failed && subscription["status"] != "unpaid" {
        subscription["status"] = json!("past_due");
    }
    save(data, old, &subscription, extra, at.origin, at.now);
    if billed.failed {
        super::set_delinquent(data, subscription["customer"].as_str().unwrap_or(""), true, at.origin, at.now);
    }
    subscription
}

/// Cancels now: `canceled`, `ended_at`, and `customer.subscription.deleted`.
pub fn end(data: &mut AccountData, subscription: &mut Value, reason: &str, origin: &Origin, now: i64) {
    subscription["status"] = json!("canceled");
    if subscription["canceled_at"].is_null() {
        subscription["canceled_at"] = json!(now);
    }
    subscription["ended_at"] = json!(now);
    subscription["cancellation_details"]["reason"] = json!(reason);
    data.put(subscription.clone());
    data.emit("customer.subscription.deleted", subscription, None, origin, now);
    stop_retries(data, subscription["id"].as_str().unwrap_or(""), origin, now);
}

/// Clears the next automatic attempt of the subscription's open invoices, as Stripe does
/// when it is canceled (`invoice.updated` for each).
fn stop_retries(data: &mut AccountData, subscription_id: &str, origin: &Origin, now: i64) {
    let retrying: Vec<Value> = data
        .all("invoice")
        .filter(|invoice| {
            invoice["parent"]["subscription_details"]["subscription"] == subscription_id
                && invoice["status"] == "open"
                && !invoice["next_payment_attempt"].is_null()
        })
        .cloned()
        .collect();
    for old in retrying {
        let mut invoice = old.clone();
        invoice["next_payment_attempt"] = Value::Null;
        invoices::save(data, &old, &invoice, &[], origin, now);
    }
}

fn void_open(data: &mut AccountData, invoice_id: &str, origin: &Origin, now: i64) {
    let Some(old) = data.get_of("invoice", invoice_id).cloned() else { return };
    if old["status"] != "open" {
        return;
    }
    let mut invoice = old.clone();
    invoice["status"] = json!("void");
    invoice["status_transitions"]["voided_at"] = json!(now);
    invoice["next_payment_attempt"] = Value::Null;
    invoices::cancel_open_payments(data, &mut invoice, "void_invoice", origin, now);
    invoices::return_balance(data, &invoice, origin, now);
    invoices::save(data, &old, &invoice, &["invoice.voided"], origin, now);
}

/// An automatic retry of a failed renewal invoice. The schedule counts from the invoice's
/// first attempt, made when it was finalized; when no retry is left, the subscription ends
/// up as the schedule says.
fn retry(data: &mut AccountData, invoice_id: &str, at: &At) {
    let Some(old) = data.get_of("invoice", invoice_id).cloned() else { return };
    let mut invoice = old.clone();
    let outcome = invoices::payment_method_for(data, &invoice).and_then(|pm| invoices::charge(data, &mut invoice, &pm, at.origin, at.now).ok());
    let events = match outcome {
        Some(attempt) => attempt.events,
        None => {
            invoice["attempted"] = json!(true);
            invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
            vec!["invoice.payment_failed"]
        }
    };
    let paid = invoice["status"] == "paid";
    let first_failure = invoice["status_transitions"]["finalized_at"].as_i64().unwrap_or(at.now);
    let next = data.retry_schedule.next_after(first_failure, at.now);
    if !paid {
        invoice["next_payment_attempt"] = json!(next);
    }
    invoices::save(data, &old, &invoice, &events, at.origin, at.now);
    if !paid && next.is_none() {
        let schedule = data.retry_schedule.clone();
        give_up(data, &invoice, &schedule, at);
    }
}

/// The last retry of a renewal invoice failed: the subscription stays `past_due`, turns
/// `unpaid` or is canceled, as `schedule` says (an ended one stays as it is).
fn give_up(data: &mut AccountData, invoice: &Value, schedule: &RetrySchedule, at: &At) {
    let Some(sub_id) = invoice["parent"]["subscription_details"]["subscription"].as_str() else { return };
    let Some(old_sub) = data.get_of(KIND, sub_id).cloned() else { return };
    if matches!(old_sub["status"].as_str(), Some("canceled" | "incomplete_expired")) {
        return;
    }
    let mut subscription = old_sub.clone();
    match schedule.after_last_failure {
        AfterLastFailure::PastDue => {}
        AfterLastFailure::Unpaid => {
            subscription["status"] = json!("unpaid");
            save(data, &old_sub, &subscription, &[], at.origin, at.now);
        }
        AfterLastFailure::Canceled => end(data, &mut subscription, "payment_failed", at.origin, at.now),
    }
}
