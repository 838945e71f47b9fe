//! Cached credit notes read back as rows. The account-wide list is a plain offset/limit query
//! (credit notes are few next to invoices, so the indexed list engine is not worth extending
//! for them): `next` is the offset of the following page as text, and `after` resumes there.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::CreditNoteRow;
use crate::error::{Error, Result};
use crate::store::listing::{check_page, MIN_SEARCH_CHARS, SHORT_SEARCH_HINT};
use crate::store::{ListQuery, Store};

/// One page of credit notes and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreditNotePage {
    /// Matching credit notes in all.
    pub total: i64,
    /// This page, newest first unless asked otherwise.
    pub rows: Vec<CreditNoteRow>,
    /// The offset right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// What the search matches: the id, number, customer and invoice, case-insensitive.
const SEARCHED: &str = "(instr(lower(id), ?2) > 0 OR instr(lower(ifnull(number, '')), ?2) > 0
    OR instr(lower(ifnull(customer_id, '')), ?2) > 0 OR instr(lower(ifnull(invoice_id, '')), ?2) > 0)";

fn rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<CreditNoteRow>> {
    let mut statement = conn.prepare(sql)?;
    let raws = statement.query_map(args, |row| row.get::<_, String>(0))?;
    raws.map(|raw| {
        let note: Value = serde_json::from_str(&raw?)
            .map_err(|err| Error::Store(format!("a cached credit note is not valid JSON: {err}")))?;
        Ok(CreditNoteRow::from_stripe(&note))
    })
    .collect()
}

impl Store {
    /// A page of the account's cached credit notes, searched by number, customer or invoice
    /// id and sorted by `created` (the only sort).
    pub fn list_credit_notes(&self, account_id: &str, query: &ListQuery) -> Result<CreditNotePage> {
        let offset = match query.after.as_deref() {
            Some(after) => after
                .parse::<i64>()
                .map_err(|_| Error::Validation(format!("'{after}' is not a credit note page cursor.")))?,
            None => query.offset,
        };
        check_page(query.limit, offset)?;
        match query.sort.as_deref() {
            None | Some("created") => {}
            Some(other) => return Err(Error::Validation(format!("Credit notes cannot be sorted by '{other}'."))),
        }
        let order = if query.sort.is_none() || query.descending { "DESC" } else { "ASC" };
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        if let Some(status) = status.filter(|status| !matches!(*status, "issued" | "void")) {
            return Err(Error::Validation(format!("Credit notes have no status '{status}'.")));
        }
        let search = query.search.as_deref().map(str::trim).filter(|text| !text.is_empty());
        let (needle, search_hint) = match search {
            Some(text) if text.chars().count() < MIN_SEARCH_CHARS => (None, Some(SHORT_SEARCH_HINT.to_string())),
            Some(text) => (Some(text.to_lowercase()), None),
            None => (None, None),
        };
        let filter = format!(
            "account_id = ?1 AND deleted = 0 AND (?2 IS NULL OR {SEARCHED}) AND (?3 IS NULL OR status = ?3)"
        );
        let conn = self.read_conn()?;
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM cache_credit_notes WHERE {filter}"),
            params![account_id, needle, status],
            |row| row.get(0),
        )?;
        let page = rows(
            &conn,
            &format!(
                "SELECT raw FROM cache_credit_notes WHERE {filter}
                 ORDER BY ifnull(created, 0) {order}, id {order} LIMIT ?4 OFFSET ?5"
            ),
            params![account_id, needle, status, query.limit, offset],
        )?;
        let end = offset + page.len() as i64;
        Ok(CreditNotePage { total, rows: page, next: (end < total).then(|| end.to_string()), search_hint })
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
