//! The cached customers and invoices lists, through the list engine (`store::listing`). Sort
//! keys come from a fixed list, never from the caller as SQL.

use rusqlite::Row;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::listing::{list_page, Filter, ListSpec, PageRequest, SortKey};
use super::super::Store;
use crate::error::{Error, Result};

/// What a table view asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ListQuery {
    /// Words to look for (id, name, email, number…), case-insensitive substrings of 3 or
    /// more characters; a shorter search is not applied (the page's `search_hint` says so).
    pub search: Option<String>,
    /// Only rows with this status (invoices: `draft`, `open`, …; customers: `delinquent`).
    pub status: Option<String>,
    /// The column to sort by (each list names the ones it knows); `None`: the list's own
    /// order (newest first), whatever `descending` says.
    pub sort: Option<String>,
    /// Sort descending.
    pub descending: bool,
    /// Rows before this page.
    pub offset: i64,
    /// Rows to return (1–500).
    pub limit: i64,
    /// The previous page's `next`: this page starts right after it (an index seek; the
    /// offset then only says where that is). Ignored if it belongs to another sort.
    #[serde(default)]
    pub after: Option<String>,
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
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
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
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// The customers list: sorts, search columns and counting index (migration 0006).
fn customers_spec() -> ListSpec {
    ListSpec {
        table: "cache_customers",
        fts: "cache_customers_fts",
        columns: "id, name, email, currency, coalesce(balance, 0), coalesce(delinquent, 0), coalesce(created, 0)",
        live: "deleted = 0",
        // Counting walks the narrowest index; the delinquent flag is in it.
        count_index: Some("cache_customers_by_created"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_customers_by_created"),
            SortKey::indexed("name", "lower(ifnull(name, ''))", "cache_customers_by_name"),
            SortKey::indexed("email", "lower(ifnull(email, ''))", "cache_customers_by_email"),
            SortKey::indexed("balance", &format!("ifnull(balance, {LOWEST})"), "cache_customers_by_balance"),
        ],
        default_sort: ("created", true),
    }
}

/// The invoices list: sorts, search columns and counting index (migration 0006).
fn invoices_spec() -> ListSpec {
    ListSpec {
        table: "cache_invoices",
        fts: "cache_invoices_fts",
        columns: "id, number, customer_id, customer_name, customer_email, coalesce(status, ''), coalesce(currency, ''),
                  coalesce(total, 0), coalesce(amount_due, 0), coalesce(amount_paid, 0),
                  coalesce(amount_remaining, 0), due_date, coalesce(created, 0)",
        live: "deleted = 0",
        // The status sort index counts, and its status filter is written as it indexes status.
        count_index: Some("cache_invoices_by_status"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_invoices_by_created"),
            SortKey::indexed("due_date", &format!("ifnull(due_date, {LOWEST})"), "cache_invoices_by_due_date"),
            SortKey::indexed("number", "lower(ifnull(number, ''))", "cache_invoices_by_number"),
            SortKey::indexed("status", "ifnull(status, '')", "cache_invoices_by_status"),
            SortKey::indexed("total", &format!("ifnull(total, {LOWEST})"), "cache_invoices_by_total"),
            SortKey::indexed(
                "amount_remaining",
                &format!("ifnull(amount_remaining, {LOWEST})"),
                "cache_invoices_by_amount_remaining",
            ),
            SortKey::indexed("customer", "lower(ifnull(customer_name, ''))", "cache_invoices_by_customer"),
        ],
        default_sort: ("created", true),
    }
}

/// Where NULL sorts, as the sort indexes write it (SQLite puts NULLs first anyway).
const LOWEST: i64 = i64::MIN;

/// A table view's query as the list engine takes it.
pub(crate) fn request(query: &ListQuery) -> PageRequest<'_> {
    PageRequest {
        search: query.search.as_deref(),
        sort: query.sort.as_deref(),
        descending: query.descending,
        offset: query.offset,
        limit: query.limit,
        after: query.after.as_deref(),
    }
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

/// An invoice row as the list's columns give it.
pub(crate) fn invoice_row(row: &Row<'_>) -> rusqlite::Result<InvoiceRow> {
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
        let filters = match query.status.as_deref() {
            None | Some("") => Vec::new(),
            Some("delinquent") => vec![Filter::equals("delinquent", 1)],
            Some(other) => {
                return Err(Error::Validation(format!(
                    "Customers have no status '{other}'."
                )))
            }
        };
        let conn = self.read_conn()?;
        let page = list_page(
            &conn,
            &customers_spec(),
            account_id,
            &request(query),
            &filters,
            customer_row,
        )?;
        Ok(CustomerPage {
            total: page.total,
            rows: page.rows,
            next: page.next,
            search_hint: page.search_hint,
        })
    }

    /// A page of an account's cached invoices, with their customers' names and emails as the
    /// invoices carry them.
    pub fn list_invoices(&self, account_id: &str, query: &ListQuery) -> Result<InvoicePage> {
        let filters: Vec<Filter> = query
            .status
            .as_deref()
            .filter(|status| !status.is_empty())
            .map(|status| Filter::equals("ifnull(status, '')", status.to_string()))
            .into_iter()
            .collect();
        let conn = self.read_conn()?;
        let page = list_page(
            &conn,
            &invoices_spec(),
            account_id,
            &request(query),
            &filters,
            invoice_row,
        )?;
        Ok(InvoicePage {
            total: page.total,
            rows: page.rows,
            next: page.next,
            search_hint: page.search_hint,
        })
    }
}
