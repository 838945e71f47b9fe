//! Payouts: the automatic daily payout of each currency's available funds, made when the
//! simulated clock crosses a day boundary, paid when it passes the arrival date; and
//! `GET /v1/payouts`.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::events::CreatedFilter;
use super::ledger::{self, Movement};
use crate::data::{changed_fields, AccountData, Origin};
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::server::{ApiContext, Params};

const KIND: &str = "payout";
const DAY_SECS: i64 = 86_400;
/// A standard payout reaches the bank two days after it is made.
const ARRIVAL_AFTER_SECS: i64 = 2 * DAY_SECS;
/// The emulated bank account payouts go to.
const DESTINATION: &str = "ba_sim_payouts";

type Answer = Result<Json<Value>, ApiError>;

/// The day boundaries (UTC midnights) in `(since, until]`, oldest first.
pub fn day_boundaries(since: i64, until: i64) -> impl Iterator<Item = i64> {
    let first = since.div_euclid(DAY_SECS) + 1;
    let last = until.div_euclid(DAY_SECS);
    (first..=last).map(|day| day * DAY_SECS)
}

/// What the clock does to payouts at `boundary`: payouts in transit that arrived by then
/// are paid, then each currency's available funds not yet paid out go into a new payout.
pub fn run_day(data: &mut AccountData, boundary: i64) {
    mark_arrived(data, boundary);
    let mut due: std::collections::BTreeMap<String, (i64, Vec<String>)> = std::collections::BTreeMap::new();
    for transaction in data.all(ledger::KIND) {
        let id = transaction["id"].as_str().unwrap_or("");
        let available = transaction["available_on"].as_i64().unwrap_or(i64::MAX) <= boundary;
        if !available || transaction["type"] == "payout" || data.ledger.paid_out.contains_key(id) {
            continue;
        }
        let entry = due.entry(transaction["currency"].as_str().unwrap_or("usd").to_string()).or_default();
        entry.0 += transaction["net"].as_i64().unwrap_or(0);
        entry.1.push(id.to_string());
    }
    for (currency, (amount, transactions)) in due {
        // A negative or empty balance stays for later funds to cover, as Stripe's does.
        if amount > 0 {
            pay_out(data, &currency, amount, &transactions, boundary);
        }
    }
}

/// Makes one automatic payout of `amount` that takes `transactions`.
fn pay_out(data: &mut AccountData, currency: &str, amount: i64, transactions: &[String], now: i64) {
    let id = AccountData::new_id("po");
    let movement = Movement {
        kind: "payout",
        category: "payout",
        amount: -amount,
        fee: 0,
        fee_description: "",
        currency,
        source: &id,
        description: json!("STRIPE PAYOUT"),
        available_on: now,
    };
    let transaction = ledger::record(data, movement, now);
    let payout = json!({
        "id": id,
        "object": KIND,
        "amount": amount,
        "application_fee": null,
        "application_fee_amount": null,
        "arrival_date": now + ARRIVAL_AFTER_SECS,
        "automatic": true,
        "balance_transaction": transaction["id"],
        "created": now,
        "currency": currency,
        "description": "STRIPE PAYOUT",
        "destination": DESTINATION,
        "failure_balance_transaction": null,
        "failure_code": null,
        "failure_message": null,
        "livemode": data.livemode,
        "metadata": {},
        "method": "standard",
        "original_payout": null,
        "payout_method": null,
        "reconciliation_status": "in_progress",
        "reversed_by": null,
        "source_type": "card",
        "statement_descriptor": null,
        "status": "in_transit",
        "trace_id": null,
        "type": "bank_account",
    });
    data.insert(KIND, payout.clone());
    for transaction in transactions {
        data.ledger.paid_out.insert(transaction.clone(), id.clone());
    }
    data.emit("payout.created", &payout, None, &Origin::default(), now);
}

/// Marks payouts in transit whose arrival date is at or before `now` as paid.
pub fn mark_arrived(data: &mut AccountData, now: i64) {
    let arrived: Vec<Value> = data
        .all(KIND)
        .filter(|payout| payout["status"] == "in_transit" && payout["arrival_date"].as_i64().is_some_and(|arrival| arrival <= now))
        .cloned()
        .collect();
    for old in arrived {
        let mut payout = old.clone();
        payout["status"] = json!("paid");
        payout["reconciliation_status"] = json!("completed");
        data.put(payout.clone());
        let origin = Origin::default();
        data.emit("payout.updated", &payout, changed_fields(&old, &payout), &origin, now);
        data.emit("payout.paid", &payout, None, &origin, now);
    }
}

/// The payouts due between `since` and `until`, day by day.
pub fn run_due(data: &mut AccountData, since: i64, until: i64) {
    for boundary in day_boundaries(since, until) {
        run_day(data, boundary);
    }
    mark_arrived(data, until);
}

/// `GET /v1/payouts`: newest first; `status`, `arrival_date`, `created`, `destination`.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["destination", "status"], &["arrival_date"])?;
    let arrival = CreatedFilter::parse_field(&params, "arrival_date")?;
    let data = ctx.data();
    let items = data
        .all(KIND)
        .rev()
        .filter(|payout| filter.matches(payout) && arrival.matches(payout["arrival_date"].as_i64().unwrap_or(0)));
    Ok(Json(page(&data, items, &params, "/v1/payouts")?))
}

/// `GET /v1/payouts/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let data = ctx.data();
    let payout = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("payout", &id, "payout"))?;
    let mut answer = expanded(&data, payout, &expand_paths(&params));
    ledger::as_of_expanded(&mut answer, now);
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::day_boundaries;

    #[test]
    fn boundaries_are_the_midnights_crossed() {
        let day = 86_400;
        assert_eq!(day_boundaries(10 * day + 5, 10 * day + 100).count(), 0);
        assert_eq!(day_boundaries(10 * day - 1, 10 * day).collect::<Vec<_>>(), vec![10 * day]);
        assert_eq!(day_boundaries(10 * day, 13 * day + 1).collect::<Vec<_>>(), vec![11 * day, 12 * day, 13 * day]);
    }
}
