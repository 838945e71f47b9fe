//! Top customers per currency: by revenue over a range (charges less refunds and lost
//! disputes, from the balance ledger, before Stripe's fees) or by what they owe on a day
//! (the aging's per-customer totals).

use std::collections::BTreeMap;

use rusqlite::{named_params, params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::aging::AgingReport;
use super::dates::DayRange;
use crate::error::Result;
use crate::store::Store;

/// What top customers are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TopBy {
    /// Revenue net of refunds and lost disputes over a range.
    Revenue,
    /// Open balance on a day.
    OpenBalance,
}

/// One ranked customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TopCustomer {
    /// The account the customer belongs to.
    pub account_id: String,
    /// The Stripe customer.
    pub customer_id: Option<String>,
    /// Name (or email) as cached.
    pub name: Option<String>,
    /// What it is ranked by: revenue, or open balance; minor units.
    pub amount: i64,
    /// Revenue: charges collected. Open balance: 0.
    pub gross: i64,
    /// Revenue: refunded and lost to disputes. Open balance: 0.
    pub refunded: i64,
    /// Open balance: past due. Revenue: 0.
    pub overdue: i64,
}

/// One currency's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TopCustomersCurrency {
    /// Lowercase ISO currency.
    pub currency: String,
    /// Highest first, at most the limit asked for.
    pub customers: Vec<TopCustomer>,
}

/// Top customers per currency (never converted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TopCustomersReport {
    /// The ranking.
    pub by: TopBy,
    /// Per currency, in code order.
    pub currencies: Vec<TopCustomersCurrency>,
}

/// Revenue by customer and currency for one account: one statement over the ledger, each
/// transaction's charge naming the customer. Names are read afterwards, for the customers
/// ranked only: reading every customer's row (after its JSON) would cost more than the sums.
const REVENUE_SQL: &str = "
    SELECT bt.currency, c.customer_id,
           sum(CASE WHEN bt.reporting_category = 'charge' THEN bt.amount ELSE 0 END),
           -sum(CASE WHEN bt.reporting_category <> 'charge' THEN bt.amount ELSE 0 END),
           sum(bt.amount)
    FROM cache_balance_transactions bt INDEXED BY cache_balance_transactions_by_created
    JOIN cache_charges c ON c.account_id = bt.account_id AND c.id = bt.charge_id
    WHERE bt.account_id = :account AND bt.created >= :start AND bt.created < :end
      AND bt.reporting_category IN ('charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal')
      AND c.customer_id IS NOT NULL
    GROUP BY bt.currency, c.customer_id";

/// The given accounts' customers with the most revenue over `range`, `limit` per currency.
pub fn by_revenue(store: &Store, accounts: &[String], range: &DayRange, limit: usize) -> Result<TopCustomersReport> {
    let (start, end) = range.bounds();
    let conn = store.read_conn()?;
    let mut stmt = conn.prepare_cached(REVENUE_SQL)?;
    let mut by_currency: BTreeMap<String, Vec<TopCustomer>> = BTreeMap::new();
    for account in accounts {
        let rows = stmt.query_map(named_params! {":account": account, ":start": start, ":end": end}, |row| {
            Ok((
                row.get::<_, String>(0)?,
                TopCustomer {
                    account_id: account.clone(),
                    customer_id: row.get(1)?,
                    name: None,
                    gross: row.get(2)?,
                    refunded: row.get(3)?,
                    amount: row.get(4)?,
                    overdue: 0,
                },
            ))
        })?;
        for row in rows {
            let (currency, customer) = row?;
            by_currency.entry(currency).or_default().push(customer);
        }
    }
    let mut report = ranked(TopBy::Revenue, by_currency, limit);
    let mut name_of = conn.prepare_cached("SELECT coalesce(name, email) FROM cache_customers WHERE account_id = ?1 AND id = ?2")?;
    for customer in report.currencies.iter_mut().flat_map(|currency| currency.customers.iter_mut()) {
        customer.name = name_of
            .query_row(params![customer.account_id, customer.customer_id], |row| row.get(0))
            .optional()?
            .flatten();
    }
    Ok(report)
}

/// The customers owing the most in an aging report, `limit` per currency.
pub fn by_open_balance(aging: AgingReport, limit: usize) -> TopCustomersReport {
    let by_currency = aging
        .currencies
        .into_iter()
        .map(|currency| {
            let customers = currency
                .customers
                .into_iter()
                .map(|customer| TopCustomer {
                    account_id: customer.account_id,
                    customer_id: customer.customer_id,
                    name: customer.name,
                    amount: customer.amounts.total,
                    gross: 0,
                    refunded: 0,
                    overdue: customer.amounts.overdue(),
                })
                .collect();
            (currency.currency, customers)
        })
        .collect();
    ranked(TopBy::OpenBalance, by_currency, limit)
}

/// Highest amount first (ties by account and customer id, so the order never depends on
/// the order rows were read), cut at `limit`; customers with nothing are left out.
fn ranked(by: TopBy, by_currency: BTreeMap<String, Vec<TopCustomer>>, limit: usize) -> TopCustomersReport {
    let currencies = by_currency
        .into_iter()
        .map(|(currency, mut customers)| {
            customers.retain(|customer| customer.amount != 0 || customer.gross != 0);
            customers.sort_by(|a, b| {
                b.amount.cmp(&a.amount).then_with(|| a.account_id.cmp(&b.account_id)).then_with(|| a.customer_id.cmp(&b.customer_id))
            });
            customers.truncate(limit);
            TopCustomersCurrency { currency, customers }
        })
        .filter(|currency| !currency.customers.is_empty())
        .collect();
    TopCustomersReport { by, currencies }
}
