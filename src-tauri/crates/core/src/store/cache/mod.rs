//! The cache of Stripe objects: the one apply path every snapshot takes (backfill pages,
//! polled events, webhook events), the versioning that keeps an older snapshot from
//! overwriting a newer one, and the seen-events table that makes applying an event idempotent.
//!
//! Writes happen in a [`CacheTx`]: one SQLite transaction for one account, which also moves the
//! sync cursor, so a crash leaves either the whole page and its cursor or neither.

mod balance;
pub mod kinds;
mod query;
mod stored;

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Transaction, TransactionBehavior};
use serde_json::Value;

use super::Store;
use crate::error::{Error, Result};
use kinds::{Children, Kind, Listing, KINDS};

pub(crate) use stored::full_raw_sql;

pub use balance::{BalanceTransactionRow, BALANCE_TRANSACTIONS_RESOURCE};

pub use query::{CustomerPage, CustomerRow, InvoicePage, InvoiceRow, ListQuery};
pub(crate) use query::{invoice_row, request as page_request};

/// Full child lists fetched for parents whose embedded list was cut short (`has_more`), by
/// parent id.
pub type FetchedChildren = HashMap<String, Vec<Value>>;

/// The resource whose snapshots also go into the MRR history.
const SUBSCRIPTIONS: &str = "subscriptions";

/// One write transaction on one account's cache.
pub struct CacheTx<'conn> {
    tx: Transaction<'conn>,
    account_id: String,
    gen: i64,
    changed: BTreeSet<&'static str>,
}

impl Store {
    /// Runs `work` in one IMMEDIATE transaction on `account_id`'s cache and commits it if
    /// `work` succeeds. Returns `work`'s result and the resources it changed.
    pub fn cache_write<T>(
        &self,
        account_id: &str,
        work: impl FnOnce(&mut CacheTx<'_>) -> Result<T>,
    ) -> Result<(T, BTreeSet<&'static str>)> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let gen: i64 = tx
            .query_row(
                "SELECT backfill_gen FROM sync_status WHERE account_id = ?1",
                [account_id],
                |row| row.get(0),
            )
            .map_err(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => {
                    Error::NotFound("That account does not exist (any more).".into())
                }
                other => other.into(),
            })?;
        let mut cache = CacheTx {
            tx,
            account_id: account_id.to_string(),
            gen,
            changed: BTreeSet::new(),
        };
        let out = work(&mut cache)?;
        let CacheTx { tx, changed, .. } = cache;
        tx.commit()?;
        Ok((out, changed))
    }

    /// Every cached, not deleted object of a resource as Stripe sent it, oldest first (for
    /// detail views and exports; a full table read).
    pub fn cached_objects(&self, account_id: &str, resource: &str) -> Result<Vec<Value>> {
        let kind = kinds::by_resource(resource)
            .ok_or_else(|| Error::Validation(format!("'{resource}' is not a cached resource.")))?;
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {} FROM {} r WHERE account_id = ?1 AND deleted = 0 ORDER BY created, id",
            full_raw_sql(kind, "r"),
            kind.table
        ))?;
        let raws = stmt.query_map([account_id], |row| row.get::<_, String>(0))?;
        raws.map(|raw| parse_raw(&raw?)).collect()
    }

    /// All children (invoice lines, subscription items) of one cached parent, in order.
    pub fn cached_children(
        &self,
        account_id: &str,
        resource: &str,
        parent_id: &str,
    ) -> Result<Vec<Value>> {
        let children = kinds::by_resource(resource)
            .and_then(|kind| kind.children.as_ref())
            .ok_or_else(|| Error::Validation(format!("'{resource}' has no child list.")))?;
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT raw FROM {} WHERE account_id = ?1 AND {} = ?2 ORDER BY position",
            children.table, children.parent_column
        ))?;
        let raws = stmt.query_map(params![account_id, parent_id], |row| {
            row.get::<_, String>(0)
        })?;
        raws.map(|raw| parse_raw(&raw?)).collect()
    }

    /// How many objects of one resource (not deleted) the cache holds for an account.
    pub fn cached_count(&self, account_id: &str, resource: &str) -> Result<i64> {
        let kind = kinds::by_resource(resource)
            .ok_or_else(|| Error::Validation(format!("'{resource}' is not a cached resource.")))?;
        let conn = self.conn()?;
        let sql = format!(
            "SELECT count(*) FROM {} WHERE account_id = ?1 AND deleted = 0",
            kind.table
        );
        Ok(conn.query_row(&sql, [account_id], |row| row.get(0))?)
    }

    /// How many objects (not deleted) the cache holds for an account, over every resource.
    pub fn cached_object_count(&self, account_id: &str) -> Result<i64> {
        let conn = self.conn()?;
        count_objects(&conn, account_id)
    }
}

pub(super) fn count_objects(conn: &rusqlite::Connection, account_id: &str) -> Result<i64> {
    let sql = KINDS
        .iter()
        .map(|kind| {
            format!(
                "(SELECT count(*) FROM {} WHERE account_id = ?1 AND deleted = 0)",
                kind.table
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    Ok(conn.query_row(&format!("SELECT {sql}"), [account_id], |row| row.get(0))?)
}

fn parse_raw(raw: &str) -> Result<Value> {
    serde_json::from_str(raw)
        .map_err(|err| Error::Store(format!("a cached object is not valid JSON: {err}")))
}

impl CacheTx<'_> {
    /// The SQL transaction, for the sync state kept beside the cache.
    pub(crate) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The account written to.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Stores a snapshot of `object` (of `kind`) taken at Stripe time `version`, unless the
    /// cache already holds a newer one. `deleted` stores a tombstone instead. Children come from
    /// `fetched` when the embedded list was cut short; expanded objects the snapshot carries
    /// are stored as their own snapshots at the same version. Returns whether it was written.
    pub fn upsert(
        &mut self,
        kind: &'static Kind,
        object: &Value,
        version: i64,
        deleted: bool,
        fetched: &FetchedChildren,
    ) -> Result<bool> {
        let Some(id) = object["id"].as_str() else {
            return Err(Error::Internal(format!("a {} without an id", kind.object)));
        };
        let mut values: Vec<SqlValue> = vec![
            SqlValue::Text(self.account_id.clone()),
            SqlValue::Text(id.to_string()),
            SqlValue::Integer(version),
            SqlValue::Integer(self.gen),
            SqlValue::Integer(deleted.into()),
            SqlValue::Text(stored::raw_of(kind, object)?),
        ];
        // Derived columns see every child: the full list when the embedded one was cut short.
        let whole;
        let source = match (&kind.children, fetched.get(id)) {
            (Some(children), Some(all)) => {
                let mut copy = object.clone();
                copy[children.field]["data"] = Value::Array(all.clone());
                whole = copy;
                &whole
            }
            _ => object,
        };
        values.extend(kind.columns.iter().map(|(_, get)| get.read(source)));
        let written = self
            .tx
            .prepare_cached(upsert_sql(kind))?
            .execute(params_from_iter(values))?
            > 0;
        if written {
            if let Some(children) = &kind.children {
                let list = match fetched.get(id) {
                    Some(all) => all.as_slice(),
                    None => object[children.field]["data"]
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                };
                self.replace_children(children, id, if deleted { &[] } else { list })?;
            }
            if kind.resource == SUBSCRIPTIONS && !deleted {
                crate::mrr::history::first_sight(&self.tx, &self.account_id, source, version)?;
            }
            self.changed.insert(kind.resource);
        }
        if !deleted {
            for expanded in kind.expanded {
                let inner = expanded.path.iter().fold(object, |node, key| &node[*key]);
                let Some(inner_kind) = kinds::by_resource(expanded.resource) else { continue };
                // A list of references (a subscription's `discounts`) expands element by element.
                let objects = match inner {
                    Value::Array(items) => items.iter().filter(|item| item.is_object()).collect(),
                    Value::Object(_) => vec![inner],
                    _ => Vec::new(),
                };
                for one in objects {
                    self.upsert(inner_kind, one, version, false, &FetchedChildren::new())?;
                }
            }
        }
        Ok(written)
    }

    /// Stores `objects`, the full list Stripe gives of a per-parent `kind` (payment methods)
    /// under `parent_id`, as snapshots at `version`, and marks deleted the parent's cached
    /// ones it no longer lists (unless a newer snapshot says otherwise).
    pub fn replace_parent_list(
        &mut self,
        kind: &'static Kind,
        parent_id: &str,
        objects: &[Value],
        version: i64,
    ) -> Result<()> {
        let Listing::PerParent { column, .. } = kind.listing else {
            return Err(Error::Internal(format!(
                "{} are not listed per parent",
                kind.resource
            )));
        };
        for object in objects {
            self.upsert(kind, object, version, false, &FetchedChildren::new())?;
        }
        let listed: Vec<&str> = objects.iter().filter_map(|o| o["id"].as_str()).collect();
        let listed =
            serde_json::to_string(&listed).map_err(|err| Error::Internal(err.to_string()))?;
        let gone = self.tx.execute(
            &format!(
                "UPDATE {} SET deleted = 1, version = ?3, gen = ?4
                 WHERE account_id = ?1 AND {column} = ?2 AND deleted = 0 AND version <= ?3
                   AND id NOT IN (SELECT value FROM json_each(?5))",
                kind.table
            ),
            params![self.account_id, parent_id, version, self.gen, listed],
        )?;
        if gone > 0 {
            self.changed.insert(kind.resource);
        }
        Ok(())
    }

    /// The newest Stripe time the account's cache knows of: its newest event, or the version
    /// of its latest backfill. A snapshot fetched now is at least that new.
    pub fn newest_version(&self) -> Result<i64> {
        Ok(self.tx.query_row(
            "SELECT max((SELECT coalesce(max(created), 0) FROM cache_events WHERE account_id = ?1),
                        (SELECT backfill_version FROM sync_status WHERE account_id = ?1))",
            [&self.account_id],
            |row| row.get(0),
        )?)
    }

    fn replace_children(
        &mut self,
        children: &Children,
        parent_id: &str,
        list: &[Value],
    ) -> Result<()> {
        self.tx
            .prepare_cached(&format!(
                "DELETE FROM {} WHERE account_id = ?1 AND {} = ?2",
                children.table, children.parent_column
            ))?
            .execute(params![self.account_id, parent_id])?;
        let names: Vec<&str> = children.columns.iter().map(|(name, _)| *name).collect();
        let marks = (1..=5 + names.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT OR REPLACE INTO {} (account_id, {}, id, position, raw, {}) VALUES ({marks})",
            children.table,
            children.parent_column,
            names.join(", ")
        );
        let mut stmt = self.tx.prepare_cached(&sql)?;
        for (position, child) in list.iter().enumerate() {
            let Some(id) = child["id"].as_str() else {
                continue;
            };
            let raw =
                serde_json::to_string(child).map_err(|err| Error::Internal(err.to_string()))?;
            let mut values = vec![
                SqlValue::Text(self.account_id.clone()),
                SqlValue::Text(parent_id.to_string()),
                SqlValue::Text(id.to_string()),
                SqlValue::Integer(position as i64),
                SqlValue::Text(raw),
            ];
            values.extend(children.columns.iter().map(|(_, get)| get.read(child)));
            stmt.execute(params_from_iter(values))?;
        }
        Ok(())
    }

    /// Applies one Stripe event: records it (a second sight of the same id changes nothing and
    /// returns `false`), then stores the snapshot in `data.object`, versioned by the event's
    /// `created`, or removes the object for deletion events.
    pub fn apply_event(&mut self, event: &Value, fetched: &FetchedChildren) -> Result<bool> {
        let (Some(event_id), Some(event_type), Some(created)) = (
            event["id"].as_str(),
            event["type"].as_str(),
            event["created"].as_i64(),
        ) else {
            return Err(Error::Validation(
                "The event has no id, type or created time.".into(),
            ));
        };
        let object = &event["data"]["object"];
        let object_type = object["object"].as_str();
        let raw = serde_json::to_string(event).map_err(|err| Error::Internal(err.to_string()))?;
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO cache_events (account_id, id, type, created, object_type, object_id, raw, applied_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CAST(strftime('%s', 'now') AS INTEGER))",
            )?
            .execute(params![self.account_id, event_id, event_type, created, object_type, object["id"].as_str(), raw])?;
        if inserted == 0 {
            return Ok(false);
        }
        self.changed.insert(kinds::EVENTS_RESOURCE);
        if let Some(kind) = object_type.and_then(kinds::by_object) {
            self.upsert(
                kind,
                object,
                created,
                kinds::removes(event_type, object),
                fetched,
            )?;
            // Recorded even when the cache holds a newer snapshot: the history wants every state.
            if kind.resource == SUBSCRIPTIONS {
                crate::mrr::history::record_event(&self.tx, &self.account_id, event_id, created, object, fetched)?;
            }
        }
        Ok(true)
    }

    /// Drops the rows of `kind` that the current backfill generation never wrote: objects
    /// Stripe no longer has (and old tombstones). A backfill never lists per-parent kinds, so
    /// of those it drops only tombstones and the rows whose parent is gone: the rest (lists
    /// fetched when a customer was opened) stay until an event or the next opening changes them.
    pub fn sweep(&mut self, kind: &'static Kind) -> Result<usize> {
        let orphans = match kind.listing {
            Listing::Account(..) => String::new(),
            Listing::PerParent { table, column } => format!(
                " AND (deleted = 1 OR {column} IS NULL
                       OR {column} NOT IN (SELECT id FROM {table} WHERE account_id = ?1 AND deleted = 0))"
            ),
        };
        let removed = self.tx.execute(
            &format!(
                "DELETE FROM {} WHERE account_id = ?1 AND gen < ?2{orphans}",
                kind.table
            ),
            params![self.account_id, self.gen],
        )?;
        if removed > 0 {
            self.changed.insert(kind.resource);
        }
        Ok(removed)
    }
}

/// `INSERT … ON CONFLICT DO UPDATE … WHERE newer` for a kind, built once.
fn upsert_sql(kind: &Kind) -> &'static str {
    static SQL: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        KINDS
            .iter()
            .map(|kind| {
                let typed: Vec<&str> = kind.columns.iter().map(|(name, _)| *name).collect();
                let mut names = vec!["account_id", "id", "version", "gen", "deleted", "raw"];
                names.extend(&typed);
                let marks = (1..=names.len())
                    .map(|n| format!("?{n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let updates = names[2..]
                    .iter()
                    .map(|name| format!("{name} = excluded.{name}"))
                    .collect::<Vec<_>>();
                let sql = format!(
                    "INSERT INTO {table} ({names}) VALUES ({marks})
                     ON CONFLICT (account_id, id) DO UPDATE SET {updates}
                     WHERE excluded.version >= {table}.version",
                    table = kind.table,
                    names = names.join(", "),
                    updates = updates.join(", "),
                );
                (kind.table, sql)
            })
            .collect()
    });
    all.get(kind.table).map(String::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests;
