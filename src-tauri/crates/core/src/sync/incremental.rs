//! Incremental sync: the events after the cursor, applied oldest first.
//!
//! Stripe lists events newest first; `ending_before=<cursor>` returns the page right after the
//! cursor, so each page is applied reversed and the cursor moves to its newest event in the
//! same transaction. An empty first page (nothing changed) is the only request. A cursor Stripe
//! no longer knows (older than its retention) stops with [`Stop::CursorExpired`].

use serde_json::Value;

use super::{is_missing, list_parts, notices, page_query, Run, Step, Stop, SyncPhase, PAGE_SIZE};
use crate::store::cache::kinds::{self, EVENTS_RESOURCE};
use crate::store::FetchedChildren;

const EVENTS: &str = "/v1/events";
const INVOICE_PAYMENTS: &str = "invoice_payments";

/// Applies every event after the cursor.
pub(super) async fn run(run: &mut Run<'_>) -> Step {
    match run.store.sync_cursor(run.account_id())?.event_cursor {
        Some(cursor) => after_cursor(run, cursor).await,
        None => everything(run).await,
    }
}

async fn after_cursor(run: &mut Run<'_>, mut cursor: String) -> Step {
    let mut done = 0;
    loop {
        let page = match run.get(EVENTS, &page_query(&[], None, Some(&cursor))).await {
            Ok(page) => page,
            Err(Stop::Failed(err)) if is_missing(&err) => return Err(Stop::CursorExpired),
            Err(other) => return Err(other),
        };
        let (mut events, has_more) = list_parts(page)?;
        let Some(newest) = events
            .first()
            .and_then(|event| event["id"].as_str())
            .map(str::to_string)
        else {
            return Ok(());
        };
        events.reverse();
        apply_page(run, &events, &newest).await?;
        done += events.len();
        run.progress(SyncPhase::Incremental, EVENTS_RESOURCE, done, None);
        if !has_more {
            return Ok(());
        }
        cursor = newest;
    }
}

/// No cursor: no event existed when the backfill began, so every event listed now came after
/// it. Reads them all (newest first), then applies them oldest first a page at a time.
async fn everything(run: &mut Run<'_>) -> Step {
    let mut events = run.list_all(EVENTS, &[]).await?;
    events.reverse();
    let mut done = 0;
    for page in events.chunks(PAGE_SIZE) {
        let Some(newest) = page.last().and_then(|event| event["id"].as_str()) else {
            continue;
        };
        apply_page(run, page, newest).await?;
        done += page.len();
        run.progress(SyncPhase::Incremental, EVENTS_RESOURCE, done, None);
    }
    Ok(())
}

/// Applies events (oldest first) in one transaction that moves the cursor to `newest`.
async fn apply_page(run: &mut Run<'_>, events: &[Value], newest: &str) -> Step {
    let fetched = run
        .fetch_children(events.iter().map(|event| &event["data"]["object"]))
        .await?;
    let attempts = failed_attempts(run, events).await?;
    let payments = kinds::by_resource(INVOICE_PAYMENTS);
    let ((applied, noticed), changed) = run.store.cache_write(run.account_id(), |tx| {
        let mut applied = 0u64;
        let mut noticed = Vec::new();
        for event in events {
            let new = tx.apply_event(event, &fetched)?;
            applied += u64::from(new);
            if new && notices::concerns(event) {
                noticed.push(event.clone());
            }
        }
        for (version, payment) in &attempts {
            if let Some(kind) = payments {
                tx.upsert(kind, payment, *version, false, &FetchedChildren::new())?;
            }
        }
        tx.set_event_cursor(newest)?;
        Ok((applied, noticed))
    })?;
    if run.notices_since.is_some() {
        run.noticed.extend(noticed);
    }
    run.report.events_applied += applied;
    run.report.events_skipped += events.len() as u64 - applied;
    run.changed(changed);
    Ok(())
}

/// The payments of each invoice whose payment failed in `events`, with the failure's time as
/// their version. Stripe sends no event for the open payment a declined attempt leaves, yet
/// it is what links the invoice to its payment intent (and so to why the card failed), so
/// the invoice's payments are listed once per page that reports a failure.
async fn failed_attempts(run: &mut Run<'_>, events: &[Value]) -> Step<Vec<(i64, Value)>> {
    let mut invoices: Vec<(&str, i64)> = Vec::new();
    for event in events
        .iter()
        .filter(|e| e["type"] == "invoice.payment_failed")
    {
        let (Some(id), Some(created)) = (
            event["data"]["object"]["id"].as_str(),
            event["created"].as_i64(),
        ) else {
            continue;
        };
        match invoices.iter_mut().find(|(known, _)| *known == id) {
            Some(known) => known.1 = known.1.max(created),
            None => invoices.push((id, created)),
        }
    }
    let mut payments = Vec::new();
    for (invoice, version) in invoices {
        let query = [("invoice".to_string(), invoice.to_string())];
        match run.list_all("/v1/invoice_payments", &query).await {
            Ok(all) => payments.extend(all.into_iter().map(|payment| (version, payment))),
            // A draft deleted since has no payments to keep.
            Err(Stop::Failed(err)) if is_missing(&err) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(payments)
}
