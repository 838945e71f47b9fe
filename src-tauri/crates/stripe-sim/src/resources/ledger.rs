//! The account's balance ledger: one `balance_transaction` for every movement of funds
//! (charges with their processing fee, refunds, dispute withdrawals and reinstatements,
//! payouts), Stripe's fee table per currency, and `GET /v1/balance_transactions`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::Path;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::data::AccountData;
use crate::errors::ApiError;
use crate::list::{expand_paths, expanded, page, ListFilter};
use crate::server::{ApiContext, Params};

/// The kind balance transactions are stored under.
pub const KIND: &str = "balance_transaction";
/// Card funds become available two days after the charge (Stripe's standard US schedule;
/// real accounts vary from 2 to 7 days by country and risk).
pub const CARD_AVAILABLE_AFTER_SECS: i64 = 2 * 86_400;
/// Basis points of a percentage fee are hundredths of a percent.
const BASIS_POINTS: i64 = 10_000;

type Answer = Result<Json<Value>, ApiError>;

/// What Stripe charges in one currency: a percentage of each charge plus a fixed amount,
/// and the fee of a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// The percentage in basis points (290 is 2.9 %).
    pub percent_bps: i64,
    /// Added to every charge, in minor units.
    pub fixed: i64,
    /// Charged when a dispute withdraws funds, in minor units.
    #[serde(default = "default_dispute_fee")]
    pub dispute: i64,
}

fn default_dispute_fee() -> i64 {
    1_500
}

impl Fee {
    /// Stripe's standard US card pricing: 2.9 % + 30 minor units, disputes 15.00.
    pub const STANDARD: Fee = Fee { percent_bps: 290, fixed: 30, dispute: 1_500 };

    /// The fee of a charge of `amount` minor units: the percentage rounded half-up to a
    /// whole minor unit, plus the fixed part.
    pub fn of_charge(&self, amount: i64) -> i64 {
        (amount * self.percent_bps + BASIS_POINTS / 2).div_euclid(BASIS_POINTS) + self.fixed
    }
}

/// The ledger's own state beyond the transactions: the fee table and which transactions
/// each payout took (Stripe keeps that off the transaction object; `?payout=` filters on it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ledger {
    /// Fees by lowercase currency; a currency not listed pays [`Fee::STANDARD`].
    pub fees: BTreeMap<String, Fee>,
    /// The payout (`po_…`) each paid-out transaction (`txn_…`) went into.
    pub paid_out: HashMap<String, String>,
}

impl Ledger {
    /// The fee table entry of a currency.
    pub fn fee(&self, currency: &str) -> Fee {
        self.fees.get(currency).copied().unwrap_or(Fee::STANDARD)
    }
}

/// One movement of funds, before it is recorded.
pub struct Movement<'a> {
    /// Stripe's `type`: `charge`, `refund`, `adjustment`, `payout`.
    pub kind: &'static str,
    /// Stripe's `reporting_category`: `charge`, `refund`, `dispute`, `dispute_reversal`, `payout`.
    pub category: &'static str,
    /// The gross amount; negative takes funds out.
    pub amount: i64,
    /// Stripe's fee on it (positive), described by `fee_description`.
    pub fee: i64,
    /// What the fee is, for `fee_details`.
    pub fee_description: &'static str,
    /// Lowercase ISO currency.
    pub currency: &'a str,
    /// The object that moved the funds (`ch_…`, `re_…`, `dp_…`, `po_…`).
    pub source: &'a str,
    /// Stripe's `description`.
    pub description: Value,
    /// When the funds can be paid out.
    pub available_on: i64,
}

/// Records a movement as a `balance_transaction` and answers it.
pub fn record(data: &mut AccountData, movement: Movement, now: i64) -> Value {
    let fee_details = if movement.fee == 0 {
        json!([])
    } else {
        json!([{ "amount": movement.fee, "application": null, "currency": movement.currency, "description": movement.fee_description, "type": "stripe_fee" }])
    };
    let transaction = json!({
        "id": AccountData::new_id("txn"),
        "object": KIND,
        "amount": movement.amount,
        "available_on": movement.available_on,
        "balance_type": "payments",
        "created": now,
        "currency": movement.currency,
        "description": movement.description,
        "exchange_rate": null,
        "fee": movement.fee,
        "fee_details": fee_details,
        "net": movement.amount - movement.fee,
        "reporting_category": movement.category,
        "source": movement.source,
        "status": if movement.available_on <= now { "available" } else { "pending" },
        "type": movement.kind,
    });
    data.insert(KIND, transaction.clone());
    transaction
}

/// The balance transaction of a captured charge of `amount` (its fee by the account's fee
/// table); every path that makes a charge goes through here. Answers the transaction id.
pub fn for_charge(data: &mut AccountData, charge: &Value, amount: i64, now: i64) -> String {
    let currency = charge["currency"].as_str().unwrap_or("usd").to_string();
    let fee = data.ledger.fee(&currency).of_charge(amount);
    let movement = Movement {
        kind: "charge",
        category: "charge",
        amount,
        fee,
        fee_description: "Stripe processing fees",
        currency: &currency,
        source: charge["id"].as_str().unwrap_or(""),
        description: charge["description"].clone(),
        available_on: now + CARD_AVAILABLE_AFTER_SECS,
    };
    record(data, movement, now)["id"].as_str().unwrap_or("").to_string()
}

/// The balance transaction of a refund: the amount leaves the balance at once, no fee.
pub fn for_refund(data: &mut AccountData, refund_id: &str, amount: i64, currency: &str, now: i64) -> String {
    let movement = Movement {
        kind: "refund",
        category: "refund",
        amount: -amount,
        fee: 0,
        fee_description: "",
        currency,
        source: refund_id,
        description: json!("REFUND FOR CHARGE"),
        available_on: now,
    };
    record(data, movement, now)["id"].as_str().unwrap_or("").to_string()
}

/// The balance transaction that gives back a refund which failed or was canceled: its amount
/// returns to the balance (Stripe's `refund_failure`). Answers the transaction id.
pub fn for_refund_failure(data: &mut AccountData, refund: &Value, now: i64) -> String {
    let currency = refund["currency"].as_str().unwrap_or("usd").to_string();
    let movement = Movement {
        kind: "refund_failure",
        category: "refund_failure",
        amount: refund["amount"].as_i64().unwrap_or(0),
        fee: 0,
        fee_description: "",
        currency: &currency,
        source: refund["id"].as_str().unwrap_or(""),
        description: json!("REFUND FAILURE"),
        available_on: now,
    };
    record(data, movement, now)["id"].as_str().unwrap_or("").to_string()
}

/// The balance transaction of a dispute: `withdrawn` takes the amount and Stripe's dispute
/// fee; otherwise the amount is reinstated (a won dispute). Answers the transaction.
pub fn for_dispute(data: &mut AccountData, dispute: &Value, withdrawn: bool, now: i64) -> Value {
    let currency = dispute["currency"].as_str().unwrap_or("usd").to_string();
    let amount = dispute["amount"].as_i64().unwrap_or(0);
    let dispute_fee = data.ledger.fee(&currency).dispute;
    let (amount, fee, category, description) = if withdrawn {
        (-amount, dispute_fee, "dispute", "Chargeback withdrawal")
    } else {
        (amount, 0, "dispute_reversal", "Chargeback reversal")
    };
    let movement = Movement {
        kind: "adjustment",
        category,
        amount,
        fee,
        fee_description: "Dispute fee",
        currency: &currency,
        source: dispute["id"].as_str().unwrap_or(""),
        description: json!(description),
        available_on: now,
    };
    record(data, movement, now)
}

/// The transaction as of `now`: `status` follows the simulated clock, so it is worked out
/// when read rather than stored.
pub fn as_of(transaction: &mut Value, now: i64) {
    let available_on = transaction["available_on"].as_i64().unwrap_or(i64::MAX);
    transaction["status"] = json!(if available_on <= now { "available" } else { "pending" });
}

/// Sets the status of a `balance_transaction` field that `expand[]` replaced by the object.
pub fn as_of_expanded(object: &mut Value, now: i64) {
    if object["balance_transaction"]["object"] == KIND {
        as_of(&mut object["balance_transaction"], now);
    }
}

/// Every transaction, oldest first, each with its status as of `now`.
pub fn all_as_of(data: &AccountData, now: i64) -> Vec<Value> {
    data.all(KIND)
        .map(|transaction| {
            let mut transaction = transaction.clone();
            as_of(&mut transaction, now);
            transaction
        })
        .collect()
}

/// `GET /v1/balance_transactions`: newest first; `payout`, `type`, `source`, `currency`,
/// `created`.
pub async fn list(ctx: ApiContext, Params(params): Params) -> Answer {
    let filter = ListFilter::parse(&params, &["currency", "source", "type"], &["payout"])?;
    let payout = params.get("payout").and_then(Value::as_str).map(str::to_string);
    let now = ctx.now();
    let data = ctx.data();
    let items = data.all(KIND).rev().filter(|transaction| filter.matches(transaction)).filter(|transaction| match &payout {
        None => true,
        Some(payout) => transaction["id"].as_str().and_then(|id| data.ledger.paid_out.get(id)) == Some(payout),
    });
    let mut answer = page(&data, items, &params, "/v1/balance_transactions")?;
    if let Some(items) = answer["data"].as_array_mut() {
        items.iter_mut().for_each(|transaction| as_of(transaction, now));
    }
    Ok(Json(answer))
}

/// `GET /v1/balance_transactions/{id}`
pub async fn retrieve(ctx: ApiContext, Path(id): Path<String>, Params(params): Params) -> Answer {
    Params(params.clone()).allow_only(&["expand"])?;
    let now = ctx.now();
    let data = ctx.data();
    let transaction = data.get_of(KIND, &id).ok_or_else(|| ApiError::no_such("balance transaction", &id, "id"))?;
    let mut answer = expanded(&data, transaction, &expand_paths(&params));
    as_of(&mut answer, now);
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::Fee;

    #[test]
    fn percentage_rounds_half_up_to_a_minor_unit() {
        // 2.9 % of 1050 is 30.45 → 30; of 1000 is 29.0; of 1500 is 43.5 → 44.
        assert_eq!(Fee::STANDARD.of_charge(1_050), 60);
        assert_eq!(Fee::STANDARD.of_charge(1_000), 59);
        assert_eq!(Fee::STANDARD.of_charge(1_500), 74);
        let no_fixed = Fee { percent_bps: 150, fixed: 0, dispute: 0 };
        assert_eq!(no_fixed.of_charge(100), 2, "1.5 is rounded up");
        assert_eq!(no_fixed.of_charge(99), 1, "1.485 is rounded down");
    }
}
