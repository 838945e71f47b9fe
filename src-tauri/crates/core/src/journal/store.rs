//! Journal rows in SQLite.

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde_json::Value;

use super::{Operation, OperationKind, OperationStatus};
use crate::error::{Error, Result};
use crate::store::Store;

const COLUMNS: &str = "id, account_id, kind, input, step, state, status, error";

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A row as read: id, account, kind, input, step, state, status, error.
type RawOperation = (String, String, String, String, u32, String, String, Option<String>);

fn from_row(row: &Row<'_>) -> rusqlite::Result<RawOperation> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?))
}

fn decode(raw: RawOperation) -> Result<Operation> {
    let (id, account_id, kind, input, step, state, status, error) = raw;
    let json = |text: &str| -> Result<Value> {
        serde_json::from_str(text).map_err(|err| Error::Store(format!("operation {id} has unreadable JSON: {err}")))
    };
    Ok(Operation {
        kind: OperationKind::parse(&kind)?,
        input: json(&input)?,
        state: json(&state)?,
        status: OperationStatus::parse(&status)?,
        id,
        account_id,
        step,
        error,
    })
}

/// Inserts an operation row on `conn` (inside the caller's transaction, if any).
pub(super) fn insert_operation_in(conn: &rusqlite::Connection, operation: &Operation) -> Result<()> {
    conn.execute(
        "INSERT INTO operations (id, account_id, kind, input, step, state, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![
            operation.id,
            operation.account_id,
            operation.kind.as_str(),
            operation.input.to_string(),
            operation.step,
            operation.state.to_string(),
            operation.status.as_str(),
            now(),
        ],
    )?;
    Ok(())
}

impl Store {
    pub(super) fn insert_operation(&self, operation: &Operation) -> Result<()> {
        insert_operation_in(&*self.conn()?, operation)
    }

    /// One operation by id.
    pub fn operation(&self, id: &str) -> Result<Operation> {
        let conn = self.conn()?;
        let raw = conn
            .query_row(&format!("SELECT {COLUMNS} FROM operations WHERE id = ?1"), params![id], from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("No operation {id}.")))?;
        decode(raw)
    }

    pub(super) fn unfinished_operations(&self) -> Result<Vec<Operation>> {
        let conn = self.conn()?;
        let mut statement = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM operations WHERE status = 'pending' ORDER BY created_at, id"
        ))?;
        let raws = statement.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(decode).collect()
    }

    pub(super) fn save_operation_state(&self, id: &str, step: u32, state: &Value) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE operations SET step = ?2, state = ?3, error = NULL, updated_at = ?4 WHERE id = ?1",
            params![id, step, state.to_string(), now()],
        )?;
        Ok(())
    }

    pub(super) fn finish_operation(&self, id: &str, output: &Value) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE operations SET status = 'done', error = NULL,
                    state = json_set(state, '$.output', json(?2)), updated_at = ?3
             WHERE id = ?1",
            params![id, output.to_string(), now()],
        )?;
        Ok(())
    }

    pub(super) fn set_operation_error(&self, id: &str, status: OperationStatus, error: &str) -> Result<()> {
        let conn = self.conn()?;
        conn.execute(
            "UPDATE operations SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), error, now()],
        )?;
        Ok(())
    }
}
