//! `GET /v1/balance`: the account's funds per currency, added up from its balance
//! transactions — available once their `available_on` has passed, pending before.

use std::collections::BTreeMap;

use axum::Json;
use serde_json::{json, Value};

use super::ledger;
use crate::errors::ApiError;
use crate::server::{ApiContext, Params};

/// Answers `GET /v1/balance`. An account that never moved funds shows zero US dollars, as
/// a new Stripe account does.
pub async fn retrieve(ctx: ApiContext, params: Params) -> Result<Json<Value>, ApiError> {
    params.allow_only(&["expand"])?;
    let now = ctx.now();
    let data = ctx.data();
    // (available, pending) by currency.
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for transaction in ledger::all_as_of(&data, now) {
        let sum = sums.entry(transaction["currency"].as_str().unwrap_or("usd").to_string()).or_default();
        let net = transaction["net"].as_i64().unwrap_or(0);
        if transaction["status"] == "available" {
            sum.0 += net;
        } else {
            sum.1 += net;
        }
    }
    if sums.is_empty() {
        sums.insert("usd".into(), (0, 0));
    }
    let side = |pick: fn(&(i64, i64)) -> i64| -> Vec<Value> {
        sums.iter().map(|(currency, sum)| json!({ "amount": pick(sum), "currency": currency, "source_types": { "card": pick(sum) } })).collect()
    };
    let connect_reserved: Vec<Value> = sums.keys().map(|currency| json!({ "amount": 0, "currency": currency })).collect();
    Ok(Json(json!({
        "object": "balance",
        "available": side(|sum| sum.0),
        "pending": side(|sum| sum.1),
        "connect_reserved": connect_reserved,
        "livemode": ctx.livemode,
    })))
}
