//! The request log: one row per HTTP attempt to Stripe (time, method, path, status, request
//! id, duration, idempotency key), for the "API log" view. Never bodies, never keys.

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Store;

/// How many rows the log keeps (all accounts together); older rows are pruned.
pub const REQUEST_LOG_CAPACITY: i64 = 10_000;

/// One attempt as the API log view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RequestLogEntry {
    /// Row id; newer attempts have larger ids.
    pub id: i64,
    /// When the attempt started (RFC 3339, milliseconds).
    pub at: String,
    /// The account whose key was used.
    pub account_id: String,
    /// HTTP method.
    pub method: String,
    /// Path and query string, e.g. `/v1/invoices?limit=100`.
    pub path: String,
    /// HTTP status, or `None` when no answer came.
    pub status: Option<i64>,
    /// Stripe's `Request-Id`, to quote to Stripe support.
    pub request_id: Option<String>,
    /// How long the attempt took.
    pub duration_ms: i64,
    /// The idempotency key sent, if any.
    pub idempotency_key: Option<String>,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: i64,
    /// What went wrong, in plain words, if it did.
    pub error: Option<String>,
}

/// What the gateway records about one attempt (the id is assigned by the store).
#[derive(Debug, Clone)]
pub struct NewLogEntry<'a> {
    pub at: String,
    pub account_id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: Option<u16>,
    pub request_id: Option<&'a str>,
    pub duration_ms: i64,
    pub idempotency_key: Option<&'a str>,
    pub attempt: u32,
    pub error: Option<&'a str>,
}

impl Store {
    /// Appends one attempt and keeps the log within [`REQUEST_LOG_CAPACITY`] rows.
    pub fn append_request_log(&self, entry: &NewLogEntry<'_>) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "INSERT INTO request_log
               (at, account_id, method, path, status, request_id, duration_ms, idempotency_key, attempt, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                entry.at,
                entry.account_id,
                entry.method,
                entry.path,
                entry.status,
                entry.request_id,
                entry.duration_ms,
                entry.idempotency_key,
                entry.attempt,
                entry.error,
            ],
        )?;
        let id = conn.last_insert_rowid();
        // Pruning every 100th row keeps inserts cheap and the table within capacity + 100.
        if id % 100 == 0 {
            conn.execute("DELETE FROM request_log WHERE id <= ?1", params![id - REQUEST_LOG_CAPACITY])?;
        }
        Ok(())
    }

    /// An account's attempts, newest first, `limit` at most, older than `before_id` if given.
    pub fn request_log(&self, account_id: &str, limit: u32, before_id: Option<i64>) -> Result<Vec<RequestLogEntry>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT id, at, account_id, method, path, status, request_id, duration_ms,
                    idempotency_key, attempt, error
             FROM request_log
             WHERE account_id = ?1 AND id < ?2
             ORDER BY id DESC LIMIT ?3",
        )?;
        let rows = statement.query_map(
            params![account_id, before_id.unwrap_or(i64::MAX), limit.min(1000)],
            |row| {
                Ok(RequestLogEntry {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    account_id: row.get(2)?,
                    method: row.get(3)?,
                    path: row.get(4)?,
                    status: row.get(5)?,
                    request_id: row.get(6)?,
                    duration_ms: row.get(7)?,
                    idempotency_key: row.get(8)?,
                    attempt: row.get(9)?,
                    error: row.get(10)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many attempts the log holds for an account (tests and the benchmark count requests with it).
    pub fn request_log_count(&self, account_id: &str) -> Result<i64> {
        let conn = self.conn()?;
        Ok(conn.query_row(
            "SELECT count(*) FROM request_log WHERE account_id = ?1",
            params![account_id],
            |row| row.get(0),
        )?)
    }
}
