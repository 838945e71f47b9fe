//! The account's balance: `GET /v1/balance` read when the balance view opens and kept with
//! the time it was read, so the view shows the last one "as of" then when Stripe cannot be
//! reached.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{AccountBalance, BalanceAmount};
use crate::error::{Error, Result};
use crate::store::Store;

/// The amounts of a `balance` object, one per currency in alphabetical order. Stripe lists
/// `available` and `pending` separately; a currency missing from one side has zero there.
pub(super) fn amounts(balance: &Value) -> Vec<BalanceAmount> {
    let mut amounts: std::collections::BTreeMap<String, BalanceAmount> = std::collections::BTreeMap::new();
    for (side, pending) in [("available", false), ("pending", true)] {
        for entry in balance[side].as_array().into_iter().flatten() {
            let currency = entry["currency"].as_str().unwrap_or_default().to_string();
            let amount = entry["amount"].as_i64().unwrap_or_default();
            let row = amounts
                .entry(currency.clone())
                .or_insert(BalanceAmount { currency, available: 0, pending: 0 });
            if pending {
                row.pending += amount;
            } else {
                row.available += amount;
            }
        }
    }
    amounts.into_values().collect()
}

/// Keeps a balance answer read at `fetched_at`.
pub(super) fn store(store: &Store, account_id: &str, balance: &Value, fetched_at: i64) -> Result<()> {
    let raw = serde_json::to_string(balance).map_err(|err| Error::Internal(err.to_string()))?;
    store.cache_write(account_id, |cache| {
        cache.tx().execute(
            "INSERT OR REPLACE INTO account_balances (account_id, raw, fetched_at) VALUES (?1, ?2, ?3)",
            params![account_id, raw, fetched_at],
        )?;
        Ok(())
    })?;
    Ok(())
}

/// The balance kept last, if any, marked `stale` as it is shown in place of a fresh one.
pub(super) fn cached(store: &Store, account_id: &str) -> Result<Option<AccountBalance>> {
    let conn = store.read_conn()?;
    let kept: Option<(String, i64)> = conn
        .query_row(
            "SELECT raw, fetched_at FROM account_balances WHERE account_id = ?1",
            [account_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    Ok(kept.map(|(raw, as_of)| {
        let balance: Value = serde_json::from_str(&raw).unwrap_or_default();
        AccountBalance { amounts: amounts(&balance), as_of, stale: true }
    }))
}

#[cfg(test)]
mod tests {
    use super::amounts;
    use crate::payouts::BalanceAmount;
    use serde_json::json;

    #[test]
    fn sides_join_by_currency() {
        let balance = json!({
            "available": [{"amount": 1200, "currency": "usd"}, {"amount": -300, "currency": "eur"}],
            "pending": [{"amount": 50, "currency": "usd"}, {"amount": 7, "currency": "gbp"}],
        });
        assert_eq!(
            amounts(&balance),
            vec![
                BalanceAmount { currency: "eur".into(), available: -300, pending: 0 },
                BalanceAmount { currency: "gbp".into(), available: 0, pending: 7 },
                BalanceAmount { currency: "usd".into(), available: 1200, pending: 50 },
            ]
        );
    }
}
