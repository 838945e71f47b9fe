//! The accounts-receivable aging summary: open balances of issued, unpaid POs by how many
//! days they are past due, one row per currency. Computed in SQL, with the list's balance
//! (credit notes taken off).

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::balance::BALANCE;
use crate::error::Result;
use crate::Billfold;

/// Open balances of one currency by days past due (minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingBucket {
    /// Lowercase ISO currency.
    pub currency: String,
    /// Not yet due.
    pub current: i64,
    /// 1–30 days past due.
    pub days_1_30: i64,
    /// 31–60 days past due.
    pub days_31_60: i64,
    /// 61–90 days past due.
    pub days_61_90: i64,
    /// More than 90 days past due.
    pub days_over_90: i64,
    /// All open balances.
    pub total: i64,
}

impl crate::store::Store {
    /// The aging summary on `today` (`YYYY-MM-DD`), read through the list reader (never behind
    /// a sync's write).
    pub fn aging_summary(&self, account_id: &str, today: &str) -> Result<Vec<AgingBucket>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(&format!(
            "WITH open AS (
                SELECT currency, {BALANCE} AS balance,
                       CASE WHEN due_date IS NULL THEN 0
                            ELSE CAST(julianday(?2) - julianday(due_date) AS INTEGER) END AS late
                FROM purchase_orders
                WHERE account_id = ?1 AND status IN ('invoiced', 'partially_paid'))
             SELECT currency,
                    sum(CASE WHEN late <= 0 THEN balance ELSE 0 END),
                    sum(CASE WHEN late BETWEEN 1 AND 30 THEN balance ELSE 0 END),
                    sum(CASE WHEN late BETWEEN 31 AND 60 THEN balance ELSE 0 END),
                    sum(CASE WHEN late BETWEEN 61 AND 90 THEN balance ELSE 0 END),
                    sum(CASE WHEN late > 90 THEN balance ELSE 0 END),
                    sum(balance)
             FROM open GROUP BY currency ORDER BY currency"
        ))?;
        let rows = statement.query_map(params![account_id, today], |row| {
            Ok(AgingBucket {
                currency: row.get(0)?,
                current: row.get(1)?,
                days_1_30: row.get(2)?,
                days_31_60: row.get(3)?,
                days_61_90: row.get(4)?,
                days_over_90: row.get(5)?,
                total: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Billfold {
    /// Open balances by days past due, one bucket row per currency.
    pub fn aging_summary(&self, account_id: &str) -> Result<Vec<AgingBucket>> {
        self.store().get_account(account_id)?;
        self.store()
            .aging_summary(account_id, &super::query::today())
    }
}
