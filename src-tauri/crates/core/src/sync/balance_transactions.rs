//! The account's balance ledger (`GET /v1/balance_transactions`), kept for the revenue
//! report: fees and net exist only there.
//!
//! Stripe sends no event per balance transaction, so the list is read after the events:
//! - the first time, every page (newest first), each page committed with the position
//!   reached, so a cancel or crash resumes at the next page;
//! - afterwards, only when the pass saw money move (charges, refunds, disputes, payouts) or a
//!   previous listing did not finish: the transactions created since the newest cached one,
//!   less [`OVERLAP_SECS`] (several can share a second), every page. Rows are keyed by id,
//!   so the overlap and a repeated listing write nothing twice.
//!
//! With nothing new a poll still costs only its events request.

use std::collections::BTreeSet;

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::{list_parts, page_query, Run, Step, SyncPhase};
use crate::error::Result;
use crate::store::cache::kinds::id_of;
use crate::store::CacheTx;

/// The change notice name of the ledger.
pub const RESOURCE: &str = "balance_transactions";
const PATH: &str = "/v1/balance_transactions";
/// How far before the newest cached transaction a later listing starts.
pub const OVERLAP_SECS: i64 = 60;
/// Cached resources whose change means money may have moved.
const MONEY: &[&str] = &["charges", "refunds", "disputes", "payouts", "payment_intents", "invoice_payments"];

/// Brings the cached ledger up to date when it is due (see the module docs).
pub(super) async fn run(run: &mut Run<'_>) -> Step {
    let state = state(run)?;
    let moved = run.report.resources_changed.iter().any(|resource| MONEY.contains(&resource.as_str()));
    if state.backfilled && !state.due && !moved {
        return Ok(());
    }
    if !state.due {
        set_due(run, true)?;
    }
    if state.backfilled {
        let since = newest_created(run)?.map_or(0, |newest| newest - OVERLAP_SECS).max(0);
        list(run, vec![("created[gte]".to_string(), since.to_string())], None, false).await?;
    } else {
        list(run, Vec::new(), state.after, true).await?;
    }
    Ok(set_due(run, false)?)
}

/// Where the ledger's listing stands for one account.
struct State {
    backfilled: bool,
    after: Option<String>,
    due: bool,
}

fn state(run: &Run<'_>) -> Result<State> {
    let conn = run.store.conn()?;
    let row = conn
        .query_row(
            "SELECT backfilled, after, due FROM balance_transaction_sync WHERE account_id = ?1",
            [run.account_id()],
            |row| Ok(State { backfilled: row.get::<_, i64>(0)? != 0, after: row.get(1)?, due: row.get::<_, i64>(2)? != 0 }),
        )
        .optional()?;
    Ok(row.unwrap_or(State { backfilled: false, after: None, due: true }))
}

fn set_due(run: &Run<'_>, due: bool) -> Result<()> {
    run.store.cache_write(run.account_id(), |cache| {
        cache.tx().execute(
            "INSERT INTO balance_transaction_sync (account_id, due) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET due = excluded.due",
            params![cache.account_id(), i64::from(due)],
        )?;
        Ok(())
    })?;
    Ok(())
}

fn newest_created(run: &Run<'_>) -> Result<Option<i64>> {
    let conn = run.store.conn()?;
    Ok(conn.query_row(
        "SELECT max(created) FROM cache_balance_transactions WHERE account_id = ?1",
        [run.account_id()],
        |row| row.get(0),
    )?)
}

/// Lists every page from `after` on and stores each page in one transaction; a first listing
/// (`backfill`) also records its position and, at the end, that it is done.
async fn list(run: &mut Run<'_>, extra: Vec<(String, String)>, after: Option<String>, backfill: bool) -> Step {
    let mut after = after;
    let mut done = 0;
    loop {
        let page = run.get(PATH, &page_query(&extra, after.as_deref(), None)).await?;
        let (items, has_more) = list_parts(page)?;
        let last = items.last().and_then(|item| item["id"].as_str()).map(str::to_string);
        let finished = !has_more || last.is_none();
        let (written, _) = run.store.cache_write(run.account_id(), |cache| {
            let written = store_page(cache, &items)?;
            if backfill {
                cache.tx().execute(
                    "INSERT INTO balance_transaction_sync (account_id, backfilled, after) VALUES (?1, ?2, ?3)
                     ON CONFLICT (account_id) DO UPDATE SET backfilled = excluded.backfilled, after = excluded.after",
                    params![cache.account_id(), i64::from(finished), if finished { None } else { last.clone() }],
                )?;
            }
            Ok(written)
        })?;
        if written > 0 {
            run.changed(BTreeSet::from([RESOURCE]));
        }
        done += items.len();
        run.progress(if backfill { SyncPhase::Backfill } else { SyncPhase::Incremental }, RESOURCE, done, None);
        if finished {
            return Ok(());
        }
        after = last;
    }
}

/// Writes a page of transactions (new ones inserted, known ones updated: a pending one
/// becomes available) and links them to their charges; answers how many rows changed.
fn store_page(cache: &mut CacheTx<'_>, items: &[Value]) -> Result<usize> {
    let account_id = cache.account_id().to_string();
    let tx = cache.tx();
    let mut written = 0;
    {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO cache_balance_transactions
                 (account_id, id, type, reporting_category, source_id, charge_id, currency, amount, fee, net, created, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (account_id, id) DO UPDATE SET raw = excluded.raw
             WHERE raw IS NOT excluded.raw",
        )?;
        for item in items {
            let Some(id) = item["id"].as_str() else { continue };
            let source = id_of(&item["source"]);
            let kind = item["type"].as_str().unwrap_or("");
            // A charge is its own charge; a refund's or dispute's is looked up below.
            let charge = source.filter(|_| matches!(kind, "charge" | "payment"));
            written += upsert.execute(params![
                account_id,
                id,
                kind,
                item["reporting_category"].as_str().unwrap_or(kind),
                source,
                charge,
                item["currency"].as_str().unwrap_or(""),
                item["amount"].as_i64().unwrap_or(0),
                item["fee"].as_i64().unwrap_or(0),
                item["net"].as_i64().unwrap_or(0),
                item["created"].as_i64().unwrap_or(0),
                item.to_string(),
            ])?;
        }
    }
    link_charges(tx, &account_id)?;
    Ok(written)
}

/// Fills in the charge of refund and dispute transactions from the cached refunds and
/// disputes (the sync caches those first, from their events).
fn link_charges(tx: &rusqlite::Transaction<'_>, account_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE cache_balance_transactions AS bt SET charge_id = coalesce(
             (SELECT r.charge_id FROM cache_refunds r WHERE r.account_id = bt.account_id AND r.id = bt.source_id),
             (SELECT d.charge_id FROM cache_disputes d WHERE d.account_id = bt.account_id AND d.id = bt.source_id))
         WHERE bt.account_id = ?1 AND bt.charge_id IS NULL
           AND bt.reporting_category IN ('charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal')",
        [account_id],
    )?;
    Ok(())
}
