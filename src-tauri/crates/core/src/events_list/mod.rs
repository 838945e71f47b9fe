//! The events list: the Stripe events the cache has applied (polled or pushed by a webhook),
//! newest first, filtered by type with `*` wildcards (`invoice.*`) or by object, paged by a
//! keyset cursor over `(created, id)`; and one event's raw JSON.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::service::Billfold;
use crate::store::listing::MAX_PAGE;

/// The longest type filter taken (Stripe's longest event type is under 60 characters).
const MAX_PATTERN: usize = 100;

/// What the events list asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventQuery {
    /// An event type, `*` matching any run of characters (`invoice.*`, `*.paid`).
    pub event_type: Option<String>,
    /// Only events about this object (`in_…`, `po_…`).
    pub object_id: Option<String>,
    /// Rows to return (1–500).
    pub limit: i64,
    /// The previous page's `next`: this page starts right after it.
    pub after: Option<String>,
}

/// One event as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventRow {
    /// `evt_…`
    pub id: String,
    /// `invoice.paid`, …
    #[serde(rename = "type")]
    pub event_type: String,
    /// When Stripe made it (Unix seconds).
    pub created: i64,
    /// The `object` of the object it is about (`invoice`), if any.
    pub object_type: Option<String>,
    /// The id of the object it is about, if any.
    pub object_id: Option<String>,
    /// How it arrived: `poll` or `webhook`.
    pub source: String,
    /// When Billfold applied it to the cache (Unix seconds); unknown for events cached before
    /// Billfold recorded it.
    pub applied_at: Option<i64>,
}

/// One page of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventPage {
    /// Events matching in all.
    pub total: i64,
    /// This page, newest first.
    pub rows: Vec<EventRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
}

/// One event with its JSON as Stripe sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventDetail {
    /// The row.
    pub event: EventRow,
    /// The event's JSON, indented.
    pub json: String,
}

/// The type filter as a SQLite GLOB pattern. Event types are lowercase letters, digits, `_`
/// and `.`, so only `*` can be special; anything else is refused rather than read as GLOB's
/// `?` or `[…]`.
fn glob_of(pattern: &str) -> Result<String> {
    let pattern = pattern.trim();
    let valid = !pattern.is_empty()
        && pattern.len() <= MAX_PATTERN
        && pattern.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '*'));
    if !valid {
        return Err(Error::Validation(format!(
            "'{pattern}' is not an event type filter: use lowercase letters, digits, '_', '.' and '*' (as in invoice.*)."
        )));
    }
    Ok(pattern.to_string())
}

/// The `(created, id)` a cursor holds.
fn parse_cursor(cursor: &str) -> Result<(i64, String)> {
    cursor
        .split_once(':')
        .and_then(|(created, id)| Some((created.parse().ok()?, id.to_string())))
        .filter(|(_, id)| id.starts_with("evt_"))
        .ok_or_else(|| Error::Validation("That events page cursor is not one this list made.".into()))
}

fn row_of(row: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: row.get(0)?,
        event_type: row.get(1)?,
        created: row.get(2)?,
        object_type: row.get(3)?,
        object_id: row.get(4)?,
        source: row.get(5)?,
        applied_at: row.get(6)?,
    })
}

const COLUMNS: &str = "id, type, created, object_type, object_id, source, applied_at";

impl Billfold {
    /// A page of the account's cached events, newest first (see [`EventQuery`]).
    pub fn list_events(&self, account_id: &str, query: &EventQuery) -> Result<EventPage> {
        self.store().get_account(account_id)?;
        if !(1..=MAX_PAGE).contains(&query.limit) {
            return Err(Error::Validation(format!("A page holds 1 to {MAX_PAGE} rows.")));
        }
        let mut filter = String::from("account_id = ?");
        let mut args = vec![SqlValue::Text(account_id.to_string())];
        if let Some(pattern) = query.event_type.as_deref().filter(|p| !p.trim().is_empty()) {
            filter.push_str(" AND type GLOB ?");
            args.push(SqlValue::Text(glob_of(pattern)?));
        }
        if let Some(object_id) = query.object_id.as_deref().filter(|id| !id.is_empty()) {
            filter.push_str(" AND object_id = ?");
            args.push(SqlValue::Text(object_id.to_string()));
        }
        let conn = self.store().read_conn()?;
        let total: i64 = conn.query_row(&format!("SELECT count(*) FROM cache_events WHERE {filter}"), params_from_iter(&args), |row| row.get(0))?;
        let mut page_args = args;
        let mut page_filter = filter;
        if let Some(cursor) = query.after.as_deref() {
            let (created, id) = parse_cursor(cursor)?;
            page_filter.push_str(" AND (created, id) < (?, ?)");
            page_args.push(SqlValue::Integer(created));
            page_args.push(SqlValue::Text(id));
        }
        page_args.push(SqlValue::Integer(query.limit + 1));
        let mut statement = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM cache_events WHERE {page_filter} ORDER BY created DESC, id DESC LIMIT ?"
        ))?;
        let mut rows: Vec<EventRow> = statement.query_map(params_from_iter(&page_args), row_of)?.collect::<rusqlite::Result<_>>()?;
        let more = rows.len() as i64 > query.limit;
        rows.truncate(query.limit as usize);
        let next = more.then(|| rows.last().map(|last| format!("{}:{}", last.created, last.id))).flatten();
        Ok(EventPage { total, rows, next })
    }

    /// One cached event with its JSON, or `NotFound`.
    pub fn event_detail(&self, account_id: &str, event_id: &str) -> Result<EventDetail> {
        self.store().get_account(account_id)?;
        if !event_id.starts_with("evt_") || event_id.len() > 255 {
            return Err(Error::Validation(format!("'{event_id}' is not an event id (evt_…).")));
        }
        let conn = self.store().read_conn()?;
        let found = conn
            .query_row(
                &format!("SELECT {COLUMNS}, raw FROM cache_events WHERE account_id = ?1 AND id = ?2"),
                [account_id, event_id],
                |row| Ok((row_of(row)?, row.get::<_, String>(7)?)),
            )
            .optional()?;
        let (event, raw) = found.ok_or_else(|| Error::NotFound(format!("No event {event_id} is cached for this account.")))?;
        let value: serde_json::Value = serde_json::from_str(&raw).map_err(|err| Error::Internal(err.to_string()))?;
        let json = serde_json::to_string_pretty(&value).map_err(|err| Error::Internal(err.to_string()))?;
        Ok(EventDetail { event, json })
    }
}

#[cfg(test)]
mod tests {
    use super::{glob_of, parse_cursor};

    #[test]
    fn type_filters_allow_only_event_type_characters_and_stars() {
        assert_eq!(glob_of(" invoice.* ").unwrap(), "invoice.*");
        assert_eq!(glob_of("*.paid").unwrap(), "*.paid");
        for bad in ["", "invoice.[a]", "invoice.?aid", "Invoice.paid", "a b"] {
            assert!(glob_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_reject_others() {
        assert_eq!(parse_cursor("1700000000:evt_1").unwrap(), (1_700_000_000, "evt_1".to_string()));
        assert!(parse_cursor("x:evt_1").is_err());
        assert!(parse_cursor("1:cus_1").is_err());
        assert!(parse_cursor("nothing").is_err());
    }
}
