//! Reading the cache for the tables the UI shows: search, status filter, sort and paging all
//! happen in SQL. Sort keys come from a fixed list, never from the caller as SQL.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::listing::{check_page, like_pattern};
use super::super::Store;
use crate::error::{Error, Result};

/// What a table view asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListQuery {
    /// Words to look for (id, name, email, number…), case-insensitive.
    pub search: Option<String>,
    /// Only rows with this status (invoices: `draft`, `open`, …; customers: `delinquent`).
    pub status: Option<String>,
    /// The column to sort by (each list names the ones it knows); default: created.
    pub sort: Option<String>,
    /// Sort descending.
    pub descending: bool,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return (1–500).
    pub limit: i64,
}

/// A customer as the customers table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerRow {
    /// `cus_…`
    pub id: String,
    /// Name, if set.
    pub name: Option<String>,
    /// Email, if set.
    pub email: Option<String>,
    /// The customer's currency, once one is set.
    pub currency: Option<String>,
    /// Balance in minor units of `currency` (negative = credit).
    pub balance: i64,
    /// Whether Stripe marks them delinquent.
    pub delinquent: bool,
    /// Created, Unix seconds.
    pub created: i64,
}

/// One page of customers and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerPage {
    /// Matching customers in all.
    pub total: i64,
    /// This page.
    pub rows: Vec<CustomerRow>,
}

/// An invoice as the invoices table shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoiceRow {
    /// `in_…`
    pub id: String,
    /// Number, from finalization on.
    pub number: Option<String>,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer's name, if cached.
    pub customer_name: Option<String>,
    /// The customer's email, if cached.
    pub customer_email: Option<String>,
    /// `draft`, `open`, `paid`, `uncollectible` or `void`.
    pub status: String,
    /// Currency of every amount.
    pub currency: String,
    /// Total, minor units.
    pub total: i64,
    /// Amount due, minor units.
    pub amount_due: i64,
    /// Amount paid, minor units.
    pub amount_paid: i64,
    /// Amount remaining, minor units.
    pub amount_remaining: i64,
    /// Due date, Unix seconds.
    pub due_date: Option<i64>,
    /// Created, Unix seconds.
    pub created: i64,
}

/// One page of invoices and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InvoicePage {
    /// Matching invoices in all.
    pub total: i64,
    /// This page.
    pub rows: Vec<InvoiceRow>,
}

/// The ORDER BY column for a sort key, from `allowed` (key, SQL expression).
fn order_by(query: &ListQuery, allowed: &[(&str, &str)], prefix: &str) -> Result<String> {
    let key = query.sort.as_deref().unwrap_or("created");
    let column = allowed
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, column)| *column)
        .ok_or_else(|| Error::Validation(format!("This list cannot be sorted by '{key}'.")))?;
    let direction = if query.descending { "DESC" } else { "ASC" };
    // The id breaks ties so pages never overlap.
    Ok(format!("{column} {direction}, {prefix}id {direction}"))
}

fn paging(query: &ListQuery) -> Result<(i64, i64)> {
    check_page(query.limit, query.offset)?;
    Ok((query.limit, query.offset))
}

fn customer_row(row: &Row<'_>) -> rusqlite::Result<CustomerRow> {
    Ok(CustomerRow {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        currency: row.get(3)?,
        balance: row.get(4)?,
        delinquent: row.get(5)?,
        created: row.get(6)?,
    })
}

fn invoice_row(row: &Row<'_>) -> rusqlite::Result<InvoiceRow> {
    Ok(InvoiceRow {
        id: row.get(0)?,
        number: row.get(1)?,
        customer_id: row.get(2)?,
        customer_name: row.get(3)?,
        customer_email: row.get(4)?,
        status: row.get(5)?,
        currency: row.get(6)?,
        total: row.get(7)?,
        amount_due: row.get(8)?,
        amount_paid: row.get(9)?,
        amount_remaining: row.get(10)?,
        due_date: row.get(11)?,
        created: row.get(12)?,
    })
}

impl Store {
    /// A page of an account's cached customers.
    pub fn list_customers(&self, account_id: &str, query: &ListQuery) -> Result<CustomerPage> {
        let (limit, offset) = paging(query)?;
        let order = order_by(
            query,
            &[
                ("created", "created"),
                ("name", "name COLLATE NOCASE"),
                ("email", "email COLLATE NOCASE"),
                ("balance", "balance"),
            ],
            "",
        )?;
        let mut filter = String::from("account_id = ?1 AND deleted = 0");
        let mut args = vec![SqlValue::Text(account_id.into())];
        if let Some(search) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            args.push(SqlValue::Text(like_pattern(search)));
            let n = args.len();
            filter += &format!(" AND (name LIKE ?{n} ESCAPE '\\' OR email LIKE ?{n} ESCAPE '\\' OR id LIKE ?{n} ESCAPE '\\')");
        }
        match query.status.as_deref() {
            None | Some("") => {}
            Some("delinquent") => filter += " AND delinquent = 1",
            Some(other) => {
                return Err(Error::Validation(format!(
                    "Customers have no status '{other}'."
                )))
            }
        }
        let conn = self.conn()?;
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM cache_customers WHERE {filter}"),
            params_from_iter(args.iter()),
            |row| row.get(0),
        )?;
        args.extend([SqlValue::Integer(limit), SqlValue::Integer(offset)]);
        let n = args.len();
        let mut stmt = conn.prepare(&format!(
            "SELECT id, name, email, currency, coalesce(balance, 0), coalesce(delinquent, 0), coalesce(created, 0)
             FROM cache_customers WHERE {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), customer_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(CustomerPage { total, rows })
    }

    /// A page of an account's cached invoices, with their customers' names and emails.
    pub fn list_invoices(&self, account_id: &str, query: &ListQuery) -> Result<InvoicePage> {
        let (limit, offset) = paging(query)?;
        let order = order_by(
            query,
            &[
                ("created", "i.created"),
                ("due_date", "i.due_date"),
                ("number", "i.number"),
                ("status", "i.status"),
                ("total", "i.total"),
                ("amount_due", "i.amount_due"),
                ("amount_remaining", "i.amount_remaining"),
                ("customer", "c.name COLLATE NOCASE"),
            ],
            "i.",
        )?;
        let mut filter = String::from("i.account_id = ?1 AND i.deleted = 0");
        let mut args = vec![SqlValue::Text(account_id.into())];
        if let Some(search) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            args.push(SqlValue::Text(like_pattern(search)));
            let n = args.len();
            filter += &format!(
                " AND (i.id LIKE ?{n} ESCAPE '\\' OR i.number LIKE ?{n} ESCAPE '\\' OR i.customer_id LIKE ?{n} ESCAPE '\\'
                   OR c.name LIKE ?{n} ESCAPE '\\' OR c.email LIKE ?{n} ESCAPE '\\')"
            );
        }
        if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
            args.push(SqlValue::Text(status.into()));
            filter += &format!(" AND i.status = ?{}", args.len());
        }
        let from = "cache_invoices i LEFT JOIN cache_customers c
                    ON c.account_id = i.account_id AND c.id = i.customer_id AND c.deleted = 0";
        let conn = self.conn()?;
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {from} WHERE {filter}"),
            params_from_iter(args.iter()),
            |row| row.get(0),
        )?;
        args.extend([SqlValue::Integer(limit), SqlValue::Integer(offset)]);
        let n = args.len();
        let mut stmt = conn.prepare(&format!(
            "SELECT i.id, i.number, i.customer_id, c.name, c.email, coalesce(i.status, ''), coalesce(i.currency, ''),
                    coalesce(i.total, 0), coalesce(i.amount_due, 0), coalesce(i.amount_paid, 0),
                    coalesce(i.amount_remaining, 0), i.due_date, coalesce(i.created, 0)
             FROM {from} WHERE {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), invoice_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(InvoicePage { total, rows })
    }
}
