//! Revenue by day, ISO week or month, per currency, from the cached balance ledger
//! (`cache_balance_transactions`): what an accountant reconciles against.
//!
//! By `reporting_category`: gross = `charge`; refunds = `refund` less `refund_failure` (a
//! failed refund gives the money back); disputes lost = `dispute` withdrawals less
//! `dispute_reversal` (a won dispute gives it back); other = every other category except the
//! movements that are not revenue (payouts, top-ups, transfers and their reversals);
//! fees = Σ `fee` and net = Σ `net` over the same transactions. So
//! net = gross − refunds − disputes lost + other − fees, exactly.

use std::collections::BTreeMap;

use rusqlite::named_params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dates::{period_key_sql, DayRange, Granularity};
use crate::error::Result;
use crate::store::Store;

/// Categories that move money without being revenue: left out of every sum.
pub(crate) const NOT_REVENUE_SQL: &str =
    "('payout', 'payout_reversal', 'topup', 'topup_reversal', 'transfer', 'transfer_reversal')";

/// One period's revenue in one currency, minor units. Deductions are positive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevenueRow {
    /// The period's label (`2026-03-02`, `2026-W10`, `2026-03`), or `total`.
    pub period: String,
    /// Charges collected.
    pub gross: i64,
    /// Refunded, less refunds that failed.
    pub refunds: i64,
    /// Taken back by lost disputes, less what won disputes returned.
    pub disputes_lost: i64,
    /// Any other movement (adjustments, Stripe's own fees billed as transactions).
    pub other: i64,
    /// Stripe's fees.
    pub fees: i64,
    /// What reached the balance: gross − refunds − disputes lost + other − fees.
    pub net: i64,
}

impl RevenueRow {
    fn add(&mut self, other: &RevenueRow) {
        self.gross += other.gross;
        self.refunds += other.refunds;
        self.disputes_lost += other.disputes_lost;
        self.other += other.other;
        self.fees += other.fees;
        self.net += other.net;
    }
}

/// One currency's revenue: every period of the range (zeros included) and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevenueCurrency {
    /// Lowercase ISO currency.
    pub currency: String,
    /// One row per period, in order.
    pub rows: Vec<RevenueRow>,
    /// The whole range.
    pub total: RevenueRow,
}

/// The revenue report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RevenueReport {
    /// How the range is cut.
    pub granularity: Granularity,
    /// The periods' labels, in order.
    pub periods: Vec<String>,
    /// Per currency, most gross first (never converted).
    pub currencies: Vec<RevenueCurrency>,
}

/// Sums by (currency, period key) of the given accounts' ledgers over the range.
fn sums(store: &Store, accounts: &[String], range: &DayRange, granularity: Granularity) -> Result<BTreeMap<(String, String), RevenueRow>> {
    let (start, end) = range.bounds();
    let sql = format!(
        "SELECT currency, {key} AS period,
                sum(CASE WHEN reporting_category = 'charge' THEN amount ELSE 0 END),
                -sum(CASE WHEN reporting_category IN ('refund', 'refund_failure') THEN amount ELSE 0 END),
                -sum(CASE WHEN reporting_category IN ('dispute', 'dispute_reversal') THEN amount ELSE 0 END),
                sum(CASE WHEN reporting_category NOT IN ('charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal') THEN amount ELSE 0 END),
                sum(fee), sum(net)
         FROM cache_balance_transactions INDEXED BY cache_balance_transactions_by_created
         WHERE account_id = :account AND created >= :start AND created < :end
           AND reporting_category NOT IN {NOT_REVENUE_SQL}
         GROUP BY currency, period",
        key = period_key_sql("created", granularity),
    );
    let conn = store.read_conn()?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out: BTreeMap<(String, String), RevenueRow> = BTreeMap::new();
    for account in accounts {
        let rows = stmt.query_map(named_params! {":account": account, ":start": start, ":end": end, ":offset": range.offset_secs}, |row| {
            Ok((
                (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                RevenueRow {
                    period: String::new(),
                    gross: row.get(2)?,
                    refunds: row.get(3)?,
                    disputes_lost: row.get(4)?,
                    other: row.get(5)?,
                    fees: row.get(6)?,
                    net: row.get(7)?,
                },
            ))
        })?;
        for row in rows {
            let (key, sums) = row?;
            out.entry(key).or_default().add(&sums);
        }
    }
    Ok(out)
}

/// The revenue of the given accounts over `range`, cut by `granularity`, per currency.
pub fn revenue(store: &Store, accounts: &[String], range: &DayRange, granularity: Granularity) -> Result<RevenueReport> {
    let sums = sums(store, accounts, range, granularity)?;
    let periods = range.periods(granularity);
    let mut currencies: BTreeMap<&str, ()> = BTreeMap::new();
    for (currency, _) in sums.keys() {
        currencies.insert(currency, ());
    }
    let mut out: Vec<RevenueCurrency> = currencies
        .keys()
        .map(|currency| {
            let mut total = RevenueRow { period: "total".into(), ..RevenueRow::default() };
            let rows = periods
                .iter()
                .map(|(key, label)| {
                    let mut row = sums.get(&(currency.to_string(), key.clone())).cloned().unwrap_or_default();
                    row.period = label.clone();
                    total.add(&row);
                    row
                })
                .collect();
            RevenueCurrency { currency: currency.to_string(), rows, total }
        })
        .collect();
    out.sort_by(|a, b| b.total.gross.cmp(&a.total.gross).then_with(|| a.currency.cmp(&b.currency)));
    Ok(RevenueReport { granularity, periods: periods.into_iter().map(|(_, label)| label).collect(), currencies: out })
}
