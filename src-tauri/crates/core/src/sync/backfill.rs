//! Backfill: every cached resource listed in full, parents first.
//!
//! Before the first page the newest event is noted: its `created` versions every backfilled
//! row (so an event that changed an object during the backfill still wins when it is replayed
//! afterwards) and its id becomes the event cursor at the end. Each page is committed with the
//! position reached, so a crash or cancel resumes at the next page. When a resource is done,
//! rows the new generation did not write (objects Stripe no longer has) are swept.
//!
//! Nothing is asked for per object: kinds Stripe lists only per parent (payment methods) are
//! not listed; the parent's list carries what matters expanded (a customer's default payment
//! method), and the rest is fetched when the parent is opened.

use super::{kind_index, list_parts, page_query, Run, Step, SyncPhase};
use crate::store::cache::kinds::{Kind, Listing, KINDS};
use crate::store::BackfillPosition;

/// Continues the backfill under way, or starts one.
pub(super) async fn run(run: &mut Run<'_>) -> Step {
    run.report.backfilled = true;
    let position = match run.store.sync_cursor(run.account_id())?.backfill {
        Some(position) => position,
        None => start(run).await?,
    };
    let first = kind_index(&position.resource).unwrap_or(0);
    for (index, kind) in KINDS.iter().enumerate().skip(first) {
        let after = if index == first {
            position.after.clone()
        } else {
            None
        };
        if let Listing::Account(path, extra) = kind.listing {
            list_resource(run, kind, path, extra, after, position.version).await?;
        }
        let next = KINDS.get(index + 1);
        let (_, changed) = run.store.cache_write(run.account_id(), |tx| {
            tx.sweep(kind)?;
            match next {
                Some(next) => tx.set_backfill_position(next.resource, None),
                None => tx.finish_backfill(),
            }
        })?;
        run.changed(changed);
    }
    Ok(())
}

/// Drops any backfill position and starts a new backfill (the event cursor aged out).
pub(super) async fn restart(run: &mut Run<'_>) -> Step {
    start(run).await?;
    self::run(run).await
}

/// Notes the newest event and opens a new backfill generation.
async fn start(run: &mut Run<'_>) -> Step<BackfillPosition> {
    let newest = run
        .get("/v1/events", &[("limit".to_string(), "1".to_string())])
        .await?;
    let (events, _) = list_parts(newest)?;
    let event_id = events.first().and_then(|event| event["id"].as_str());
    let version = events
        .first()
        .and_then(|event| event["created"].as_i64())
        .unwrap_or(0);
    run.store
        .start_backfill(run.account_id(), KINDS[0].resource, event_id, version)?;
    tracing::info!(account = %run.account_id(), ?event_id, "backfill started");
    Ok(BackfillPosition {
        resource: KINDS[0].resource.to_string(),
        after: None,
        event_id: event_id.map(str::to_string),
        version,
    })
}

/// Lists one account-wide resource from `after` on, a page per transaction.
async fn list_resource(
    run: &mut Run<'_>,
    kind: &'static Kind,
    path: &str,
    extra: &[(&str, &str)],
    after: Option<String>,
    version: i64,
) -> Step {
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(kind.expand_query())
        .collect();
    let mut done = 0;
    run.progress(SyncPhase::Backfill, kind.resource, done, None);
    let mut page = run
        .get(path, &page_query(&extra, after.as_deref(), None))
        .await?;
    loop {
        let (objects, has_more) = list_parts(page)?;
        let fetched = run.fetch_children(objects.iter()).await?;
        let last = objects
            .last()
            .and_then(|object| object["id"].as_str())
            .map(str::to_string);
        // The next page is asked for before this one is written, so Stripe's time and the
        // network's overlap with the write instead of adding to it.
        let next = match (&last, has_more) {
            (Some(last), true) => Some(run.prefetch(path, page_query(&extra, Some(last), None))?),
            _ => None,
        };
        let (written, changed) = run.store.cache_write(run.account_id(), |tx| {
            let mut written = 0;
            for object in &objects {
                written += u64::from(tx.upsert(kind, object, version, false, &fetched)?);
            }
            if let Some(last) = &last {
                tx.set_backfill_position(kind.resource, Some(last))?;
            }
            Ok(written)
        })?;
        run.report.objects_written += written;
        run.changed(changed);
        done += objects.len();
        run.progress(SyncPhase::Backfill, kind.resource, done, None);
        match next {
            Some(next) => page = next.answer().await?,
            None => return Ok(()),
        }
    }
}
