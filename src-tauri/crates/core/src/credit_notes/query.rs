//! Cached credit notes read back as rows. The account-wide list goes through the list engine
//! (`store::listing`, indexes from migration 0011): sorted by created, number, total or status,
//! searched by number and ids, paged by keyset cursor, counted exactly.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::CreditNoteRow;
use crate::error::{Error, Result};
use crate::store::cache::page_request;
use crate::store::listing::{list_page, Filter, ListSpec, SortKey};
use crate::store::{ListQuery, Store};

/// One page of credit notes and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNotePage {
    /// Matching credit notes in all.
    pub total: i64,
    /// This page, newest first unless asked otherwise.
    pub rows: Vec<CreditNoteRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// The statuses Stripe gives a credit note, the list's status filter.
const STATUSES: &[&str] = &["issued", "void"];

/// Where NULL sorts, as the sort indexes write it (SQLite puts NULLs first anyway).
const LOWEST: i64 = i64::MIN;

/// The credit notes list: sorts, search columns and counting index (migration 0011). A row is
/// read from its raw JSON: the refund and balance parts are not typed columns.
fn list_spec() -> ListSpec {
    ListSpec {
        table: "cache_credit_notes",
        fts: "cache_credit_notes_fts",
        columns: "raw",
        live: "deleted = 0",
        // The status sort index counts, and the status filter is written as it indexes status.
        count_index: Some("cache_credit_notes_by_status"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_credit_notes_by_created"),
            SortKey::indexed("number", "lower(ifnull(number, ''))", "cache_credit_notes_by_number"),
            SortKey::indexed("status", "ifnull(status, '')", "cache_credit_notes_by_status"),
            SortKey::indexed("total", &format!("ifnull(total, {LOWEST})"), "cache_credit_notes_by_total"),
        ],
        default_sort: ("created", true),
    }
}

/// A credit note row from its cached JSON (the first column).
fn row_of(row: &Row<'_>) -> rusqlite::Result<CreditNoteRow> {
    let raw: String = row.get(0)?;
    let note: Value = serde_json::from_str(&raw)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(err)))?;
    Ok(CreditNoteRow::from_stripe(&note))
}

fn rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<CreditNoteRow>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(args, row_of)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// A page of the account's cached credit notes, searched by number, id, customer or invoice
    /// id, filtered by status (`issued` or `void`), newest first unless another sort is named.
    pub fn list_credit_notes(&self, account_id: &str, query: &ListQuery) -> Result<CreditNotePage> {
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        if let Some(status) = status.filter(|status| !STATUSES.contains(status)) {
            return Err(Error::Validation(format!("Credit notes have no status '{status}'.")));
        }
        let filters: Vec<Filter> = status
            .map(|status| Filter::equals("ifnull(status, '')", status.to_string()))
            .into_iter()
            .collect();
        let conn = self.read_conn()?;
        let page = list_page(&conn, &list_spec(), account_id, &page_request(query), &filters, row_of)?;
        Ok(CreditNotePage { total: page.total, rows: page.rows, next: page.next, search_hint: page.search_hint })
    }

    /// The cached credit notes of one invoice, newest first.
    pub fn credit_notes_of_invoice(&self, account_id: &str, invoice_id: &str) -> Result<Vec<CreditNoteRow>> {
        let conn = self.read_conn()?;
        rows(
            &conn,
            "SELECT raw FROM cache_credit_notes WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0
             ORDER BY ifnull(created, 0) DESC, id DESC",
            params![account_id, invoice_id],
        )
    }

    /// The cached credit notes of one customer, newest first.
    pub fn credit_notes_of_customer(&self, account_id: &str, customer_id: &str) -> Result<Vec<CreditNoteRow>> {
        let conn = self.read_conn()?;
        rows(
            &conn,
            "SELECT raw FROM cache_credit_notes WHERE account_id = ?1 AND customer_id = ?2 AND deleted = 0
             ORDER BY ifnull(created, 0) DESC, id DESC",
            params![account_id, customer_id],
        )
    }
}
