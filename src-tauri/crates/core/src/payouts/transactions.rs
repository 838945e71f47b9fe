//! A payout's balance transactions: fetched from `/v1/balance_transactions?payout=…` (every
//! page) the first time its detail opens, stored in one cache transaction, then read from the
//! cache — offline too. A payout's transactions never change once it is made, so they are not
//! fetched again.

use rusqlite::{params, OptionalExtension, Row};
use serde_json::Value;

use super::{PayoutSums, PayoutTransactionRow};
use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::store::cache::kinds::id_of;
use crate::store::Store;

/// The change notice name of a payout's transactions.
pub const RESOURCE: &str = "payout_transactions";

/// Every balance transaction of a payout from Stripe, with their sources expanded (for the
/// customer of a charge).
pub(super) async fn fetch(gateway: &Gateway, payout_id: &str) -> Result<Vec<Value>> {
    let extra = [
        ("payout".to_string(), payout_id.to_string()),
        ("expand[]".to_string(), "data.source".to_string()),
    ];
    Ok(crate::sync::list_all_pages(gateway, "/v1/balance_transactions", &extra).await?.0)
}

/// The charge behind a transaction's source and the customer when the source says: a
/// charge is its own, a refund or dispute names its charge.
fn charge_and_customer(source: &Value) -> (Option<String>, Option<String>) {
    let id = id_of(source).unwrap_or_default();
    if id.starts_with("ch_") || id.starts_with("py_") {
        return (Some(id.to_string()), id_of(&source["customer"]).map(str::to_string));
    }
    (id_of(&source["charge"]).map(str::to_string), None)
}

/// Stores the fetched transactions of a payout in place of any kept before, and notes when.
pub(super) fn store(store: &Store, account_id: &str, payout_id: &str, transactions: &[Value], fetched_at: i64) -> Result<()> {
    store.cache_write(account_id, |cache| {
        let tx = cache.tx();
        tx.execute(
            "DELETE FROM cache_payout_transactions WHERE account_id = ?1 AND payout_id = ?2",
            params![account_id, payout_id],
        )?;
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO cache_payout_transactions
                 (account_id, payout_id, id, position, type, source_id, charge_id, customer_id, currency, amount, fee, net, created, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for (position, transaction) in transactions.iter().enumerate() {
            let id = transaction["id"]
                .as_str()
                .ok_or_else(|| Error::StripeResponse("a balance transaction without an id".into()))?;
            let source_id = id_of(&transaction["source"]).map(str::to_string);
            let (charge_id, customer_id) = charge_and_customer(&transaction["source"]);
            // The raw JSON keeps the source as an id, as Stripe sends it unexpanded.
            let mut raw = transaction.clone();
            raw["source"] = source_id.clone().map_or(Value::Null, Value::String);
            let raw = serde_json::to_string(&raw).map_err(|err| Error::Internal(err.to_string()))?;
            insert.execute(params![
                account_id,
                payout_id,
                id,
                position as i64,
                transaction["type"].as_str().unwrap_or_default(),
                source_id,
                charge_id,
                customer_id,
                transaction["currency"].as_str().unwrap_or_default(),
                transaction["amount"].as_i64().unwrap_or_default(),
                transaction["fee"].as_i64().unwrap_or_default(),
                transaction["net"].as_i64().unwrap_or_default(),
                transaction["created"].as_i64().unwrap_or_default(),
                raw,
            ])?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO payout_transaction_fetches (account_id, payout_id, fetched_at) VALUES (?1, ?2, ?3)",
            params![account_id, payout_id, fetched_at],
        )?;
        Ok(())
    })?;
    Ok(())
}

fn row_of(row: &Row<'_>) -> rusqlite::Result<PayoutTransactionRow> {
    let raw: String = row.get(0)?;
    let raw: Value = serde_json::from_str(&raw).unwrap_or_default();
    Ok(PayoutTransactionRow {
        id: row.get(1)?,
        transaction_type: row.get(2)?,
        reporting_category: raw["reporting_category"].as_str().unwrap_or_default().to_string(),
        source_id: row.get(3)?,
        charge_id: row.get(4)?,
        customer_id: row.get(5)?,
        customer_name: row.get(6)?,
        amount: row.get(7)?,
        fee: row.get(8)?,
        net: row.get(9)?,
        currency: row.get(10)?,
        created: row.get(11)?,
        description: raw["description"].as_str().map(str::to_string),
    })
}

/// The cached transactions of a payout and when they were fetched; `None` when they never were.
pub(super) fn cached(store: &Store, account_id: &str, payout_id: &str) -> Result<Option<(Vec<PayoutTransactionRow>, i64)>> {
    let conn = store.read_conn()?;
    let fetched_at: Option<i64> = conn
        .query_row(
            "SELECT fetched_at FROM payout_transaction_fetches WHERE account_id = ?1 AND payout_id = ?2",
            params![account_id, payout_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(fetched_at) = fetched_at else { return Ok(None) };
    // The customer comes from Stripe (a charge's) or else from the cached charge behind it.
    let mut statement = conn.prepare(
        "SELECT t.raw, t.id, t.type, t.source_id, t.charge_id, coalesce(t.customer_id, c.customer_id), cu.name,
                t.amount, t.fee, t.net, t.currency, t.created
         FROM cache_payout_transactions t
         LEFT JOIN cache_charges c ON c.account_id = t.account_id AND c.id = t.charge_id
         LEFT JOIN cache_customers cu ON cu.account_id = t.account_id AND cu.id = coalesce(t.customer_id, c.customer_id)
         WHERE t.account_id = ?1 AND t.payout_id = ?2
         ORDER BY t.position",
    )?;
    let rows = statement.query_map(params![account_id, payout_id], row_of)?;
    Ok(Some((rows.collect::<rusqlite::Result<_>>()?, fetched_at)))
}

/// The sums of `transactions`, checked against the payout's `amount`.
pub(super) fn sums(transactions: &[PayoutTransactionRow], payout_amount: i64) -> PayoutSums {
    let amount = transactions.iter().map(|t| t.amount).sum();
    let fee = transactions.iter().map(|t| t.fee).sum();
    let net: i64 = transactions.iter().map(|t| t.net).sum();
    PayoutSums { amount, fee, net, matches_payout: net == payout_amount }
}
