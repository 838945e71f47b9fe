//! Subscription history: a row per snapshot of a subscription at the Stripe time it describes
//! (migration 0018), written where snapshots reach the cache, so MRR at the end of a past month
//! is the state the subscription was in then.
//!
//! Each `customer.subscription.*` event is recorded from its own `data.object` at the event's
//! `created`, keyed by the event id: the same event applied by a poll and by a webhook is one
//! row. A subscription seen first without its events (a backfill, or a cache made before this
//! table) gets a made-up past instead, see [`synthesize`].

use rusqlite::{params, Transaction};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::store::FetchedChildren;
use crate::subscriptions::mrr::items_mrr;

/// One state of a subscription to record.
struct Snapshot<'a> {
    subscription_id: &'a str,
    source: &'a str,
    effective_at: i64,
    status: &'a str,
}

/// Records the subscription in `event` (a `customer.subscription.*` event) at the event's
/// time. Items cut short in the event (`has_more`) come from `fetched`. A second sight of the
/// same event writes nothing.
pub(crate) fn record_event(
    tx: &Transaction<'_>,
    account_id: &str,
    event_id: &str,
    created: i64,
    object: &Value,
    fetched: &FetchedChildren,
) -> Result<()> {
    let Some(id) = object["id"].as_str() else { return Ok(()) };
    let whole = with_items(object, fetched.get(id));
    let status = whole["status"].as_str().unwrap_or_default();
    insert(tx, account_id, &whole, &Snapshot { subscription_id: id, source: event_id, effective_at: created, status })
}

/// Gives a subscription that has no history yet the past its own times tell (see
/// [`synthesize`]); one that has history is left alone. `object` carries every item.
pub(crate) fn first_sight(tx: &Transaction<'_>, account_id: &str, object: &Value, version: i64) -> Result<()> {
    let Some(id) = object["id"].as_str() else { return Ok(()) };
    let known: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM mrr_history WHERE account_id = ?1 AND subscription_id = ?2)")?
        .query_row(params![account_id, id], |row| row.get(0))?;
    if known {
        return Ok(());
    }
    for (source, effective_at, status) in synthesize(object, version) {
        insert(tx, account_id, object, &Snapshot { subscription_id: id, source, effective_at, status: &status })?;
    }
    Ok(())
}

/// Gives every cached subscription without history (a cache older than migration 0018) its
/// made-up past, in one transaction. Answers how many subscriptions it filled.
pub(crate) fn fill_missing(tx: &Transaction<'_>, account_id: &str) -> Result<usize> {
    let mut stmt = tx.prepare_cached(
        "SELECT s.raw, s.version,
                (SELECT json_group_array(json(c.raw) ORDER BY c.position) FROM cache_subscription_items c
                 WHERE c.account_id = s.account_id AND c.subscription_id = s.id)
         FROM cache_subscriptions s
         WHERE s.account_id = ?1 AND s.deleted = 0
           AND NOT EXISTS (SELECT 1 FROM mrr_history h WHERE h.account_id = s.account_id AND h.subscription_id = s.id)",
    )?;
    let rows = stmt
        .query_map([account_id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    for (raw, version, items) in &rows {
        let mut object = parse(raw)?;
        object["items"]["data"] = parse(items)?;
        first_sight(tx, account_id, &object, *version)?;
    }
    Ok(rows.len())
}

/// The past of a subscription first seen as `object` at Stripe time `version`, as
/// `(source, time, status)`: from `start_date` (trialing until `trial_end` when it had a
/// trial), then from the trial's end in its current state, and canceled from `ended_at`.
///
/// This is an approximation: the items, quantities and discounts it had before are unknown,
/// so its current ones are assumed since it started (a plan changed before the first sync
/// shows from the start); a subscription now `past_due`, `unpaid` or `paused` is taken to have
/// been so since it started paying; one that ended is taken to have been active until then.
pub(crate) fn synthesize(object: &Value, version: i64) -> Vec<(&'static str, i64, String)> {
    let status = object["status"].as_str().unwrap_or_default();
    let start = object["start_date"].as_i64().or_else(|| object["created"].as_i64()).unwrap_or(version).min(version);
    let trial_end = object["trial_end"].as_i64().filter(|end| *end > start);
    let ended_at = object["ended_at"]
        .as_i64()
        .or_else(|| object["canceled_at"].as_i64())
        .filter(|_| matches!(status, "canceled" | "incomplete_expired"))
        .map(|at| at.clamp(start, version));
    // What it was while it lived, after any trial.
    let living = match status {
        "canceled" => "active",
        "incomplete_expired" => "incomplete",
        other => other,
    };
    let mut out = Vec::new();
    match trial_end {
        Some(end) if status == "trialing" || ended_at.is_some_and(|ended| ended <= end) => {
            out.push(("synth:start", start, "trialing".to_string()));
        }
        Some(end) => {
            out.push(("synth:start", start, "trialing".to_string()));
            if end <= version {
                out.push(("synth:trial_end", end, living.to_string()));
            }
        }
        None => out.push(("synth:start", start, living.to_string())),
    }
    if let Some(ended) = ended_at {
        out.push(("synth:ended", ended, status.to_string()));
    }
    out
}

fn insert(tx: &Transaction<'_>, account_id: &str, object: &Value, snapshot: &Snapshot<'_>) -> Result<()> {
    let first_price = &object["items"]["data"][0]["price"]["recurring"];
    let discounts: Vec<&str> = object["discounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|discount| discount.as_str().or_else(|| discount["id"].as_str()))
        .collect();
    let discounts = serde_json::to_string(&discounts).map_err(|err| Error::Internal(err.to_string()))?;
    let customer = object["customer"].as_str().or_else(|| object["customer"]["id"].as_str());
    tx.prepare_cached(
        "INSERT OR IGNORE INTO mrr_history (account_id, subscription_id, source, effective_at, customer_id, currency,
                                            status, items_mrr, interval, interval_count, discount_ids)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        account_id,
        snapshot.subscription_id,
        snapshot.source,
        snapshot.effective_at,
        customer,
        object["currency"].as_str(),
        snapshot.status,
        items_mrr(object),
        first_price["interval"].as_str(),
        first_price["interval_count"].as_i64(),
        discounts,
    ])?;
    Ok(())
}

/// `object` with its full item list when the embedded one was cut short.
fn with_items(object: &Value, all: Option<&Vec<Value>>) -> Value {
    let mut whole = object.clone();
    if let Some(all) = all {
        whole["items"]["data"] = Value::Array(all.clone());
    }
    whole
}

fn parse(raw: &str) -> Result<Value> {
    serde_json::from_str(raw).map_err(|err| Error::Store(format!("a cached subscription is not valid JSON: {err}")))
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
