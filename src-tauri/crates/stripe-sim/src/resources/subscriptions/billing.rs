//! What a subscription bills: billing periods, cycle invoices (created, finalized and
//! charged through the invoice state machine) and proration invoice items.

use serde_json::{json, Value};

use crate::data::{AccountData, Origin};
use crate::resources::invoices;
use crate::resources::invoices::items::{new_invoice_item_with, ItemOwner, PlannedLine};

const DAY: i64 = 86_400;

/// `timestamp` moved `count` intervals on; months and years keep the day of month,
/// clamped to the month's length (Jan 31 + 1 month = Feb 28/29), as Stripe bills.
pub fn add_interval(timestamp: i64, interval: &str, count: i64) -> i64 {
    match interval {
        "day" => timestamp + count * DAY,
        "week" => timestamp + count * 7 * DAY,
        "year" => add_months(timestamp, 12 * count),
        _ => add_months(timestamp, count),
    }
}

fn add_months(timestamp: i64, months: i64) -> i64 {
    let days = timestamp.div_euclid(DAY);
    let seconds = timestamp.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let index = year * 12 + (month - 1) + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + seconds
}

/// A timestamp as Stripe writes dates in descriptions: `23 Nov 2026`.
pub fn date_label(timestamp: i64) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, day) = civil_from_days(timestamp.div_euclid(DAY));
    format!("{day} {} {year}", MONTHS[(month - 1).clamp(0, 11) as usize])
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01 <-> year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The subscription's billing interval, from its first item's price.
pub fn interval(subscription: &Value) -> (String, i64) {
    let recurring = &subscription["items"]["data"][0]["price"]["recurring"];
    (recurring["interval"].as_str().unwrap_or("month").to_string(), recurring["interval_count"].as_i64().unwrap_or(1))
}

/// The end of the period that starts at `start`, counted from the billing cycle anchor so
/// periods never drift (a period starting on the 31st ends on the 31st or the month's end).
pub fn period_end(subscription: &Value, start: i64) -> i64 {
    let (interval, count) = interval(subscription);
    let anchor = subscription["billing_cycle_anchor"].as_i64().unwrap_or(start);
    let mut cycles = 1;
    loop {
        let end = add_interval(anchor, &interval, count * cycles);
        if end > start || cycles > 10_000 {
            return end;
        }
        cycles += 1;
    }
}

/// The current period of the subscription (of its first item).
pub fn current_period(subscription: &Value) -> (i64, i64) {
    let item = &subscription["items"]["data"][0];
    (item["current_period_start"].as_i64().unwrap_or(0), item["current_period_end"].as_i64().unwrap_or(0))
}

/// Sets every item's current period.
pub fn set_period(subscription: &mut Value, period: (i64, i64)) {
    if let Some(items) = subscription["items"]["data"].as_array_mut() {
        for item in items {
            item["current_period_start"] = json!(period.0);
            item["current_period_end"] = json!(period.1);
        }
    }
}

/// When and why a change happens: the request (or none, for the clock), the server's base
/// URL for hosted invoice links, and the (simulated) time.
pub struct At<'a> {
    /// Who caused the change, for events.
    pub origin: &'a Origin,
    /// The emulator's base URL, ending in `/`.
    pub base_url: &'a str,
    /// The time the change happens at.
    pub now: i64,
}

/// What billing a subscription ended in.
pub struct Billed {
    /// The invoice as stored.
    pub invoice: Value,
    /// Whether a charge was attempted and failed.
    pub failed: bool,
}

/// Creates the subscription's invoice for `reason`: its items over `period` (zero-priced
/// for a trial), plus the customer's pending invoice items (prorations). It is finalized
/// and, when collected automatically and `attempt` is set, charged, unless
/// `pause_collection` or an `unpaid` subscription keeps it a draft. `invoice_id` is an id
/// the caller reserved (a new subscription names its first invoice before it exists).
#[allow(clippy::too_many_arguments)]
pub fn bill(data: &mut AccountData, subscription: &Value, reason: &str, period: Option<(i64, i64)>, trial: bool, attempt: bool, invoice_id: Option<&str>, at: &At) -> Billed {
    let (origin, now) = (at.origin, at.now);
    let sub_id = subscription["id"].as_str().unwrap_or("").to_string();
    let customer = subscription["customer"].as_str().and_then(|id| data.get_of("customer", id)).cloned().unwrap_or(Value::Null);
    let collection = subscription["collection_method"].as_str().unwrap_or("charge_automatically");
    let currency = subscription["currency"].as_str().unwrap_or("usd");
    let mut invoice = invoices::blank(&customer, collection, currency, data.livemode, now);
    if let Some(id) = invoice_id {
        invoice["id"] = json!(id);
        invoice["lines"]["url"] = json!(format!("/v1/invoices/{id}/lines"));
        invoice["payments"]["url"] = json!(format!("/v1/invoice_payments?invoice={id}"));
    }
    invoice["billing_reason"] = json!(reason);
    invoice["auto_advance"] = json!(true);
    invoice["parent"] = json!({
        "type": "subscription_details",
        "quote_details": null,
        "subscription_details": { "metadata": subscription["metadata"], "subscription": sub_id, "subscription_proration_date": null },
    });
    if let Some(period) = period {
        invoice["period_start"] = json!(period.0);
        invoice["period_end"] = json!(period.1);
        for item in subscription["items"]["data"].as_array().into_iter().flatten() {
            let description = item_description(data, item);
            invoices::push_subscription_line(&mut invoice, &sub_id, item, period, description);
            if trial {
                zero_last_line(&mut invoice);
            }
        }
    }
    let customer_id = customer["id"].as_str().unwrap_or("").to_string();
    invoices::attach_pending_items(data, &mut invoice, &customer_id, origin, now);
    if collection == "send_invoice" {
        invoice["due_date"] = json!(now + subscription["days_until_due"].as_i64().unwrap_or(30) * DAY);
    }
    invoices::recompute(data, &mut invoice);
    crate::resources::discounts::onto_subscription_invoice(data, &mut invoice, origin, now);
    data.insert("invoice", invoice.clone());
    data.emit("invoice.created", &invoice, None, origin, now);

    let pause = subscription["pause_collection"]["behavior"].as_str();
    if pause == Some("keep_as_draft") || subscription["status"] == "unpaid" {
        let old = invoice.clone();
        invoice["auto_advance"] = json!(false);
        invoices::save(data, &old, &invoice, &[], origin, now);
        return Billed { invoice, failed: false };
    }
    let old = invoice.clone();
    let mut events = invoices::finalize_in_place(data, &mut invoice, at.base_url, origin, now);
    match pause {
        Some("mark_uncollectible") if invoice["status"] == "open" => {
            invoice["status"] = json!("uncollectible");
            invoice["status_transitions"]["marked_uncollectible_at"] = json!(now);
            events.push("invoice.marked_uncollectible");
        }
        Some("void") if invoice["status"] == "open" => {
            invoice["status"] = json!("void");
            invoice["status_transitions"]["voided_at"] = json!(now);
            invoices::return_balance(data, &invoice, origin, now);
            events.push("invoice.voided");
        }
        _ => {}
    }
    if collection == "send_invoice" && invoice["status"] == "open" {
        events.push("invoice.sent");
    }
    let mut failed = false;
    if collection == "charge_automatically" && invoice["status"] == "open" && attempt {
        let outcome = match invoices::payment_method_for(data, &invoice) {
            Some(pm) => invoices::charge(data, &mut invoice, &pm, origin, now).ok(),
            None => None,
        };
        match outcome {
            Some(attempt) if attempt.paid() => events.extend(attempt.events),
            other => {
                match other {
                    Some(attempt) => events.extend(attempt.events),
                    None => {
                        // No usable payment method: the attempt fails without reaching a card.
                        invoice["attempted"] = json!(true);
                        invoice["attempt_count"] = json!(invoice["attempt_count"].as_i64().unwrap_or(0) + 1);
                        events.push("invoice.payment_failed");
                    }
                }
                failed = true;
                // The first invoice is not retried: an incomplete subscription expires instead.
                // Others are, on the account's schedule counted from this first failure.
                if reason != "subscription_create" {
                    invoice["next_payment_attempt"] = json!(data.retry_schedule.next_after(now, now));
                }
            }
        }
    }
    invoices::save(data, &old, &invoice, &events, origin, now);
    Billed { invoice, failed }
}

/// `2 × Pro (at 20.00 USD / month)`, as Stripe describes a subscription line.
pub fn item_description(data: &AccountData, item: &Value) -> String {
    let price = &item["price"];
    let product = price["product"].as_str().and_then(|id| data.get_of("product", id)).and_then(|p| p["name"].as_str()).unwrap_or("Subscription");
    let currency = price["currency"].as_str().unwrap_or("usd");
    let exponent = crate::money::exponent(currency).unwrap_or(2);
    let unit = price["unit_amount"].as_i64().unwrap_or(0);
    let scale = 10_i64.pow(exponent);
    let amount = if exponent == 0 { unit.to_string() } else { format!("{}.{:0width$}", unit / scale, (unit % scale).abs(), width = exponent as usize) };
    let interval = price["recurring"]["interval"].as_str().unwrap_or("month");
    format!("{} × {product} (at {amount} {} / {interval})", item["quantity"].as_i64().unwrap_or(1), currency.to_ascii_uppercase())
}

/// Makes the last line a free trial line.
fn zero_last_line(invoice: &mut Value) {
    if let Some(line) = invoice["lines"]["data"].as_array_mut().and_then(|lines| lines.last_mut()) {
        line["amount"] = json!(0);
        line["subtotal"] = json!(0);
        let description = line["description"].as_str().unwrap_or("").to_string();
        line["description"] = json!(format!("Trial period for {description}"));
    }
}

/// A proration invoice item for `amount` (negative for unused time) on a subscription item,
/// pending on the customer until the next invoice pulls it in.
#[allow(clippy::too_many_arguments)]
pub fn proration_item(data: &mut AccountData, subscription: &Value, item_id: &str, price: &Value, quantity: i64, amount: i64, description: String, period: (i64, i64), at: &At) -> Value {
    let plan = PlannedLine::of_price(price, quantity, amount, description, period);
    let currency = subscription["currency"].as_str().unwrap_or("usd");
    let owner = ItemOwner { customer: subscription["customer"].as_str().unwrap_or(""), invoice: None, currency };
    let extra = json!({
        "discountable": false,
        "parent": {
            "type": "subscription_details",
            "subscription_details": { "subscription": subscription["id"], "subscription_item": item_id },
        },
        "proration": true,
        "proration_details": { "credited_items": null, "discount_amounts": [] },
    });
    new_invoice_item_with(data, &plan, &owner, extra, at.now, at.origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_keep_the_day_and_clamp_to_short_months() {
        // 2026-01-31T12:00:00Z
        let jan31 = days_from_civil(2026, 1, 31) * DAY + 12 * 3600;
        assert_eq!(civil_from_days(add_interval(jan31, "month", 1).div_euclid(DAY)), (2026, 2, 28));
        assert_eq!(civil_from_days(add_interval(jan31, "month", 2).div_euclid(DAY)), (2026, 3, 31));
        assert_eq!(civil_from_days(add_interval(jan31, "year", 2).div_euclid(DAY)), (2028, 1, 31));
        assert_eq!(add_interval(jan31, "month", 1).rem_euclid(DAY), 12 * 3600);
        assert_eq!(add_interval(jan31, "week", 1) - jan31, 7 * DAY);
        assert_eq!(date_label(jan31), "31 Jan 2026");
    }
}
