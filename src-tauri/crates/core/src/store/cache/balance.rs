//! The cached ledger of a customer's balance (Stripe's customer balance transactions): read
//! newest first, replaced whole on a refresh, and added to when Billfold writes one.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::CacheTx;
use crate::error::{Error, Result};
use crate::store::Store;

/// The name change notifications use for the ledger.
pub const BALANCE_TRANSACTIONS_RESOURCE: &str = "customer_balance_transactions";

/// One movement of a customer's balance, as a customer view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BalanceTransactionRow {
    /// Stripe's id (`cbtxn_…`).
    pub id: String,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// Stripe's `type`: `adjustment`, `applied_to_invoice`, `unapplied_from_invoice`, `credit_note`, …
    #[serde(rename = "type")]
    pub transaction_type: String,
    /// The change in minor units; negative is a credit to the customer.
    pub amount: i64,
    /// Lowercase ISO currency.
    pub currency: String,
    /// The customer's balance after it, in minor units.
    pub ending_balance: i64,
    /// What it was for, if anyone said.
    pub description: Option<String>,
    /// The invoice that moved the balance, if any.
    pub invoice_id: Option<String>,
    /// The credit note that moved the balance, if any.
    pub credit_note_id: Option<String>,
}

impl BalanceTransactionRow {
    /// The row of a `customer_balance_transaction` as Stripe sends it; an id (the only field
    /// a row cannot do without) is required.
    pub fn from_stripe(object: &Value) -> Result<Self> {
        let id = object["id"]
            .as_str()
            .ok_or_else(|| Error::StripeResponse("a balance transaction without an id".into()))?;
        // `invoice`/`credit_note` may come expanded; the row keeps the id either way.
        let id_of = |field: &str| match &object[field] {
            Value::String(id) => Some(id.clone()),
            Value::Object(inner) => inner.get("id").and_then(Value::as_str).map(str::to_string),
            _ => None,
        };
        Ok(BalanceTransactionRow {
            id: id.to_string(),
            created: object["created"].as_i64().unwrap_or_default(),
            transaction_type: object["type"].as_str().unwrap_or_default().to_string(),
            amount: object["amount"].as_i64().unwrap_or_default(),
            currency: object["currency"].as_str().unwrap_or_default().to_string(),
            ending_balance: object["ending_balance"].as_i64().unwrap_or_default(),
            description: object["description"].as_str().map(str::to_string),
            invoice_id: id_of("invoice"),
            credit_note_id: id_of("credit_note"),
        })
    }

    fn from_sql(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(BalanceTransactionRow {
            id: row.get(0)?,
            created: row.get(1)?,
            transaction_type: row.get(2)?,
            amount: row.get(3)?,
            currency: row.get(4)?,
            ending_balance: row.get(5)?,
            description: row.get(6)?,
            invoice_id: row.get(7)?,
            credit_note_id: row.get(8)?,
        })
    }
}

impl Store {
    /// A customer's cached balance transactions, newest first. Several made in the same
    /// second keep Stripe's order: rows are stored oldest first, so the later rowid is the
    /// newer transaction (ids are random and say nothing of order).
    pub fn customer_balance_transactions(
        &self,
        account_id: &str,
        customer_id: &str,
    ) -> Result<Vec<BalanceTransactionRow>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT id, created, type, amount, currency, ending_balance, description, invoice_id, credit_note_id
             FROM cache_customer_balance_transactions
             WHERE account_id = ?1 AND customer_id = ?2
             ORDER BY created DESC, rowid DESC",
        )?;
        let rows = stmt.query_map(
            params![account_id, customer_id],
            BalanceTransactionRow::from_sql,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether the cache holds the customer (not deleted) for the account.
    pub fn has_cached_customer(&self, account_id: &str, customer_id: &str) -> Result<bool> {
        let conn = self.conn()?;
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, customer_id],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }
}

impl CacheTx<'_> {
    /// Replaces a customer's whole cached ledger with `objects` (the full list Stripe gave).
    pub fn replace_balance_transactions(
        &mut self,
        customer_id: &str,
        objects: &[Value],
    ) -> Result<()> {
        self.tx.execute(
            "DELETE FROM cache_customer_balance_transactions WHERE account_id = ?1 AND customer_id = ?2",
            params![self.account_id, customer_id],
        )?;
        // Stripe lists newest first; stored oldest first so that rowids follow time (see
        // `customer_balance_transactions`).
        for object in objects.iter().rev() {
            self.put_balance_transaction(customer_id, object)?;
        }
        self.changed.insert(BALANCE_TRANSACTIONS_RESOURCE);
        Ok(())
    }

    /// Stores one balance transaction of a customer (again, if it is there already).
    pub fn put_balance_transaction(
        &mut self,
        customer_id: &str,
        object: &Value,
    ) -> Result<BalanceTransactionRow> {
        let row = BalanceTransactionRow::from_stripe(object)?;
        let raw = serde_json::to_string(object).map_err(|err| Error::Internal(err.to_string()))?;
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO cache_customer_balance_transactions
                   (account_id, id, customer_id, created, type, amount, currency, ending_balance,
                    description, invoice_id, credit_note_id, raw)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                self.account_id,
                row.id,
                customer_id,
                row.created,
                row.transaction_type,
                row.amount,
                row.currency,
                row.ending_balance,
                row.description,
                row.invoice_id,
                row.credit_note_id,
                raw,
            ])?;
        self.changed.insert(BALANCE_TRANSACTIONS_RESOURCE);
        Ok(row)
    }

    /// Sets a cached customer's balance (its column and its raw JSON alike) to what Stripe
    /// answered after a balance transaction, so the two never disagree. The customer's event
    /// (`customer.updated`) later brings the same value with the rest of the object.
    pub fn set_customer_balance(&mut self, customer_id: &str, balance: i64) -> Result<()> {
        let updated = self.tx.execute(
            "UPDATE cache_customers SET balance = ?3, raw = json_set(raw, '$.balance', ?3)
             WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            params![self.account_id, customer_id, balance],
        )?;
        if updated > 0 {
            self.changed.insert("customers");
        }
        Ok(())
    }
}
