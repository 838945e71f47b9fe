//! Cached disputes read back: the queue through the list engine (indexes from migration
//! 0016: by deadline with open ones first, created, amount or status; searched by id,
//! charge, payment intent and reason; counted exactly), one dispute, the charge's customer,
//! and the metadata of evidence files Billfold uploaded.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{DisputeRow, EvidenceFile, OPEN};
use crate::error::{Error, Result};
use crate::store::cache::page_request;
use crate::store::listing::{list_page, Filter, ListSpec, SortKey};
use crate::store::{ListQuery, Store};

/// One page of the dispute queue and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputePage {
    /// Matching disputes in all.
    pub total: i64,
    /// This page: open ones by deadline first unless another sort is asked for.
    pub rows: Vec<DisputeRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// The queue's status filters: `needs_response` covers inquiries awaiting a response too.
const STATUS_FILTERS: &[(&str, &[&str])] = &[
    ("needs_response", OPEN),
    ("under_review", &["under_review", "warning_under_review"]),
    ("won", &["won", "warning_closed"]),
    ("lost", &["lost"]),
];

/// Where NULL sorts, as the sort indexes write it.
const LOWEST: i64 = i64::MIN;

/// The open-first part of the deadline sort, exactly as migration 0016 indexes it.
const CLOSED_LAST: &str = "(ifnull(status, '') NOT IN ('needs_response', 'warning_needs_response'))";

fn list_spec() -> ListSpec {
    ListSpec {
        table: "cache_disputes",
        fts: "cache_disputes_fts",
        columns: "raw",
        live: "deleted = 0",
        count_index: Some("cache_disputes_by_status"),
        sorts: vec![
            SortKey {
                key: "deadline",
                exprs: vec![CLOSED_LAST.to_string(), "ifnull(due_by, 0)".to_string()],
                index: "cache_disputes_by_deadline",
                in_order: true,
            },
            SortKey::indexed("created", "created", "cache_disputes_by_created"),
            SortKey::indexed("amount", &format!("ifnull(amount, {LOWEST})"), "cache_disputes_by_amount"),
            SortKey::indexed("status", "ifnull(status, '')", "cache_disputes_by_status"),
        ],
        default_sort: ("deadline", false),
    }
}

fn row_of(row: &Row<'_>) -> rusqlite::Result<DisputeRow> {
    let raw: String = row.get(0)?;
    let dispute: Value = serde_json::from_str(&raw)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(err)))?;
    Ok(DisputeRow::from_stripe(&dispute))
}

/// Fills in the customer of the row's charge, when both are cached.
fn with_customer(conn: &Connection, account_id: &str, mut row: DisputeRow) -> Result<DisputeRow> {
    let Some(charge) = row.charge_id.as_deref() else { return Ok(row) };
    let customer: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT ch.customer_id, c.name, c.email FROM cache_charges ch
             LEFT JOIN cache_customers c ON c.account_id = ch.account_id AND c.id = ch.customer_id AND c.deleted = 0
             WHERE ch.account_id = ?1 AND ch.id = ?2",
            params![account_id, charge],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((id, name, email)) = customer {
        (row.customer_id, row.customer_name, row.customer_email) = (id, name, email);
    }
    Ok(row)
}

impl Store {
    /// A page of the account's dispute queue, searched by id, charge, payment intent or
    /// reason, filtered by status (`needs_response`, `under_review`, `won`, `lost`), open
    /// ones by deadline first unless another sort is named.
    pub fn list_disputes(&self, account_id: &str, query: &ListQuery) -> Result<DisputePage> {
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        let mut filters = Vec::new();
        if let Some(status) = status {
            let Some((_, statuses)) = STATUS_FILTERS.iter().find(|(name, _)| *name == status) else {
                return Err(Error::Validation(format!("Disputes have no status filter '{status}'.")));
            };
            filters.push(Filter::one_of("ifnull(status, '')", statuses));
        }
        let conn = self.read_conn()?;
        let page = list_page(&conn, &list_spec(), account_id, &page_request(query), &filters, row_of)?;
        let rows = page.rows.into_iter().map(|row| with_customer(&conn, account_id, row)).collect::<Result<_>>()?;
        Ok(DisputePage { total: page.total, rows, next: page.next, search_hint: page.search_hint })
    }

    /// One cached dispute as Stripe sent it.
    pub fn cached_dispute(&self, account_id: &str, dispute_id: &str) -> Result<Value> {
        let conn = self.read_conn()?;
        let raw: Option<String> = conn
            .query_row(
                "SELECT raw FROM cache_disputes WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, dispute_id],
                |row| row.get(0),
            )
            .optional()?;
        let raw = raw.ok_or_else(|| Error::NotFound(format!("No dispute {dispute_id} in this account.")))?;
        serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached dispute is not valid JSON: {err}")))
    }

    /// The queue row of one dispute, with its customer.
    pub fn dispute_row(&self, account_id: &str, dispute: &Value) -> Result<DisputeRow> {
        let conn = self.read_conn()?;
        with_customer(&conn, account_id, DisputeRow::from_stripe(dispute))
    }

    /// Remembers an evidence file Stripe answered for an upload (its metadata, not its bytes).
    pub(crate) fn record_dispute_file(&self, account_id: &str, file: &Value) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO dispute_files (account_id, id, filename, size, type, purpose, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account_id, id) DO NOTHING",
            params![
                account_id,
                file["id"].as_str().unwrap_or_default(),
                file["filename"].as_str().unwrap_or_default(),
                file["size"].as_i64().unwrap_or(0),
                file["type"].as_str().unwrap_or_default(),
                file["purpose"].as_str().unwrap_or_default(),
                file["created"].as_i64().unwrap_or(0),
            ],
        )?;
        Ok(())
    }

    /// An evidence field's file with what Billfold recorded when it uploaded it.
    pub fn evidence_file(&self, account_id: &str, field: &str, file_id: &str) -> Result<EvidenceFile> {
        let conn = self.read_conn()?;
        let known: Option<(String, i64, String)> = conn
            .query_row(
                "SELECT filename, size, type FROM dispute_files WHERE account_id = ?1 AND id = ?2",
                params![account_id, file_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let (filename, size, file_type) = match known {
            Some((filename, size, file_type)) => (Some(filename), Some(size), Some(file_type)),
            None => (None, None, None),
        };
        Ok(EvidenceFile { field: field.to_string(), file_id: file_id.to_string(), filename, size, file_type })
    }
}
