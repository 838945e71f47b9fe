//! The dashboard's figures for one account or all: money per currency (revenue this range
//! and the one before, receivables, MRR) and counts per account (each a link to its list).

use std::collections::BTreeMap;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dates::{DayRange, Granularity};
use super::revenue::{revenue, RevenueRow};
use crate::error::Result;
use crate::mrr::MrrNowRow;
use crate::store::Store;

/// Money figures of one currency, minor units, summed over the accounts in scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardMoney {
    /// Lowercase ISO currency.
    pub currency: String,
    /// Revenue over the range.
    pub revenue: RevenueRow,
    /// Revenue over the range before it (last month for this month).
    pub previous_revenue: RevenueRow,
    /// Open invoices' amount remaining now.
    pub open_receivables: i64,
    /// The part of it past its due date.
    pub overdue: i64,
    /// Monthly recurring revenue now, as the MRR report counts it ([`crate::mrr`]).
    pub mrr: i64,
    /// MRR's change since the end of last month; None where the currency has no MRR history.
    pub mrr_change: Option<i64>,
}

/// Counts of one account, each the size of a list the UI links to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardCounts {
    /// The account.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Subscriptions active or past due (the ones MRR counts).
    pub active_subscriptions: i64,
    /// Payments that failed within the range.
    pub failed_payments: i64,
    /// Disputes waiting for evidence or an answer.
    pub disputes_needing_response: i64,
    /// Draft invoices.
    pub draft_invoices: i64,
    /// Purchase orders not yet invoiced.
    pub draft_purchase_orders: i64,
    /// Open invoices past their due date.
    pub overdue_invoices: i64,
}

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardFigures {
    /// The range's first and last day, `YYYY-MM-DD`.
    pub from: String,
    /// The range's last day.
    pub to: String,
    /// The range compared with, first day.
    pub previous_from: String,
    /// The range compared with, last day.
    pub previous_to: String,
    /// Per currency (never converted), most revenue first.
    pub money: Vec<DashboardMoney>,
    /// Per account in scope.
    pub counts: Vec<DashboardCounts>,
}

/// Open invoices' remaining amount and the overdue part per currency, as of `now`.
fn receivables(store: &Store, account_id: &str, now: i64) -> Result<Vec<(String, i64, i64, i64)>> {
    let conn = store.read_conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT currency, sum(ifnull(amount_remaining, 0)),
                sum(CASE WHEN due_date < ?2 THEN ifnull(amount_remaining, 0) ELSE 0 END),
                sum(CASE WHEN due_date < ?2 AND amount_remaining > 0 THEN 1 ELSE 0 END)
         FROM cache_invoices INDEXED BY cache_invoices_open
         WHERE account_id = ?1 AND deleted = 0 AND status = 'open' AND currency IS NOT NULL
         GROUP BY currency",
    )?;
    let rows = stmt.query_map(params![account_id, now], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The counts of one account (one statement, each count index-served).
fn counts(store: &Store, account_id: &str, account_name: &str, range: &DayRange) -> Result<DashboardCounts> {
    let (start, end) = range.bounds();
    let conn = store.read_conn()?;
    let mut stmt = conn.prepare_cached(
        "SELECT
            (SELECT count(*) FROM cache_subscriptions INDEXED BY cache_subscriptions_by_status
              WHERE account_id = ?1 AND deleted = 0 AND ifnull(status, '') IN ('active', 'past_due')),
            (SELECT count(*) FROM cache_payment_intents INDEXED BY cache_payment_intents_by_status
              WHERE account_id = ?1 AND deleted = 0 AND ifnull(payment_status, '') = 'failed' AND created >= ?2 AND created < ?3),
            (SELECT count(*) FROM cache_disputes INDEXED BY cache_disputes_by_status
              WHERE account_id = ?1 AND deleted = 0 AND ifnull(status, '') IN ('needs_response', 'warning_needs_response')),
            (SELECT count(*) FROM cache_invoices INDEXED BY cache_invoices_by_status
              WHERE account_id = ?1 AND deleted = 0 AND ifnull(status, '') = 'draft'),
            (SELECT count(*) FROM purchase_orders WHERE account_id = ?1 AND status = 'draft')",
    )?;
    let (active_subscriptions, failed_payments, disputes_needing_response, draft_invoices, draft_purchase_orders) =
        stmt.query_row(params![account_id, start, end], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?;
    Ok(DashboardCounts {
        account_id: account_id.to_string(),
        account_name: account_name.to_string(),
        active_subscriptions,
        failed_payments,
        disputes_needing_response,
        draft_invoices,
        draft_purchase_orders,
        overdue_invoices: 0,
    })
}

/// The money figures of `currency`, made empty when first asked for.
fn slot<'m>(money: &'m mut BTreeMap<String, DashboardMoney>, currency: &str) -> &'m mut DashboardMoney {
    money.entry(currency.to_string()).or_insert_with(|| DashboardMoney { currency: currency.to_string(), ..DashboardMoney::default() })
}

/// The dashboard of the given accounts (`(id, name)`) over `range`, as of `now`, with their
/// MRR now (from the MRR report, so both always agree).
pub fn figures(store: &Store, accounts: &[(String, String)], range: &DayRange, now: i64, mrr: &[MrrNowRow]) -> Result<DashboardFigures> {
    let ids: Vec<String> = accounts.iter().map(|(id, _)| id.clone()).collect();
    let previous = range.previous();
    let mut money: BTreeMap<String, DashboardMoney> = BTreeMap::new();
    // Whole-range totals: one period per range is enough, the report's total row is it.
    for currency in revenue(store, &ids, range, Granularity::Month)?.currencies {
        let entry = slot(&mut money, &currency.currency);
        entry.revenue = currency.total;
    }
    for currency in revenue(store, &ids, &previous, Granularity::Month)?.currencies {
        let entry = slot(&mut money, &currency.currency);
        entry.previous_revenue = currency.total;
    }
    let mut counts_out = Vec::new();
    for (id, name) in accounts {
        let mut counts = counts(store, id, name, range)?;
        for (currency, open, overdue, overdue_count) in receivables(store, id, now)? {
            let entry = slot(&mut money, &currency);
            entry.open_receivables += open;
            entry.overdue += overdue;
            counts.overdue_invoices += overdue_count;
        }
        counts_out.push(counts);
    }
    for row in mrr {
        let entry = slot(&mut money, &row.currency);
        entry.mrr = row.mrr;
        entry.mrr_change = Some(row.change);
    }
    let mut money: Vec<DashboardMoney> = money.into_values().collect();
    money.sort_by(|a, b| b.revenue.gross.cmp(&a.revenue.gross).then_with(|| a.currency.cmp(&b.currency)));
    for entry in &mut money {
        entry.revenue.period = format!("{}..{}", range.from, range.to);
        entry.previous_revenue.period = format!("{}..{}", previous.from, previous.to);
    }
    Ok(DashboardFigures {
        from: range.from.to_string(),
        to: range.to.to_string(),
        previous_from: previous.from.to_string(),
        previous_to: previous.to.to_string(),
        money,
        counts: counts_out,
    })
}
