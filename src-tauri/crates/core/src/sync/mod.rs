//! The sync engine: keeps each account's cache equal to Stripe.
//!
//! - **Backfill** ([`backfill`]): the first sync, or when the event cursor has aged out of
//!   Stripe's retention: every resource listed with `limit=100`, parents first, each page
//!   committed with its position so a crash or cancel resumes where it stopped. Nothing is
//!   asked for per object: a customer's payment methods are fetched when it is opened
//!   ([`Billfold::refresh_customer_payment_methods`](crate::Billfold)).
//! - **Incremental** ([`incremental`]): the events after the cursor, oldest first, one
//!   transaction per page that also moves the cursor. Nothing new costs one request.
//! - **Balance ledger** ([`balance_transactions`]): after the events, the balance
//!   transactions new since the last listing, when money moved (for the revenue report).
//! - **Scheduling** ([`scheduler`]): a background poll per account with backoff, "Sync now",
//!   cancel. Webhook events feed the same apply path ([`crate::store::CacheTx::apply_event`]).
//!
//! What happens is told to an [`SyncObserver`] (the Tauri shell emits it to the window), with
//! desktop notices about new payment failures ([`notices`]). After a successful pass the
//! account's dunning rule runs ([`Billfold::apply_dunning_rule`](crate::Billfold)).

mod backfill;
pub mod balance_transactions;
mod incremental;
pub mod notices;
mod payment_methods;
pub mod scheduler;
mod service;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::gateway::Gateway;
use crate::store::cache::kinds::{self, Kind};
use crate::store::{FetchedChildren, Store, SyncStatus};

pub use crate::store::{SyncSettings, SyncState};
pub use notices::{Notice, NotificationSettings};
pub use payment_methods::PaymentMethodRow;

/// Objects per list page: Stripe's maximum.
pub const PAGE_SIZE: usize = 100;

/// Which part of a sync a progress report belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Listing every object.
    Backfill,
    /// Applying events.
    Incremental,
}

/// Progress of a running sync, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    /// The account.
    pub account_id: String,
    /// Backfill or incremental.
    pub phase: SyncPhase,
    /// The resource being synced (`"invoices"`, `"events"`, …).
    pub resource: String,
    /// Objects done so far in this resource.
    pub done: i64,
    /// How many there are, when known (Stripe's lists do not say).
    pub total: Option<i64>,
}

/// Cached data changed: views showing these resources of this account should re-query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataChanged {
    /// The account.
    pub account_id: String,
    /// Resource names (`"customers"`, `"invoices"`, …, `"events"`).
    pub resources: Vec<String>,
}

/// Told what a sync does. Implementations must be quick (they run on the sync's task).
pub trait SyncObserver: Send + Sync {
    /// A sync made progress.
    fn progress(&self, progress: &SyncProgress);
    /// An account's sync status changed.
    fn status(&self, status: &SyncStatus);
    /// Cached data changed.
    fn data_changed(&self, change: &DataChanged);
    /// Desktop notifications to show about events just applied (see [`notices`]). Ignored
    /// unless an observer shows them.
    fn notices(&self, _notices: &[Notice]) {}
}

/// An observer that ignores everything (tests, benchmarks, one-off syncs).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl SyncObserver for NoObserver {
    fn progress(&self, _: &SyncProgress) {}
    fn status(&self, _: &SyncStatus) {}
    fn data_changed(&self, _: &DataChanged) {}
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// The account.
    pub account_id: String,
    /// Whether it ran (or finished) a backfill.
    pub backfilled: bool,
    /// Requests sent to Stripe (each may have been retried by the gateway).
    pub requests: u64,
    /// Object snapshots a backfill wrote to the cache.
    pub objects_written: u64,
    /// New events applied.
    pub events_applied: u64,
    /// Events skipped because they had been applied before (polling and webhooks overlap).
    pub events_skipped: u64,
    /// Resources that changed.
    pub resources_changed: BTreeSet<String>,
    /// Whether it stopped early because it was cancelled (it resumes next time).
    pub cancelled: bool,
}

/// Why a sync stopped before the end.
#[derive(Debug)]
enum Stop {
    /// Cancel was asked for.
    Cancelled,
    /// The event cursor is older than Stripe keeps events: a backfill must run.
    CursorExpired,
    /// Something failed.
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(err: Error) -> Self {
        Stop::Failed(err)
    }
}

type Step<T = ()> = std::result::Result<T, Stop>;

/// A GET under way in the background ([`Run::prefetch`]).
struct Prefetch(tokio::task::JoinHandle<Result<Value>>);

impl Prefetch {
    /// Its answer.
    async fn answer(self) -> Step<Value> {
        match self.0.await {
            Ok(answer) => Ok(answer?),
            Err(err) => Err(Stop::Failed(Error::Internal(format!("a page request stopped: {err}")))),
        }
    }
}

/// One sync run of one account.
struct Run<'a> {
    store: &'a Store,
    gateway: &'a Gateway,
    observer: &'a dyn SyncObserver,
    cancel: &'a AtomicBool,
    report: SyncReport,
    /// From when applied events may become notices; `None` for none (see [`notices`]).
    notices_since: Option<i64>,
    /// Newly applied events that may become notices, oldest first.
    noticed: Vec<Value>,
}

impl Run<'_> {
    fn account_id(&self) -> &str {
        self.gateway.account_id()
    }

    /// One GET, unless cancel was asked for.
    async fn get(&mut self, path: &str, query: &[(String, String)]) -> Step<Value> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Stop::Cancelled);
        }
        self.report.requests += 1;
        Ok(self.gateway.get_json(path, query).await?)
    }

    /// Starts one GET in the background, unless cancel was asked for: the next page of a list
    /// travels (and Stripe prepares it) while this one is being written.
    fn prefetch(&mut self, path: &str, query: Vec<(String, String)>) -> Step<Prefetch> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Stop::Cancelled);
        }
        self.report.requests += 1;
        let gateway = self.gateway.clone();
        let path = path.to_string();
        Ok(Prefetch(tokio::spawn(async move { gateway.get_json(&path, &query).await })))
    }

    fn progress(&self, phase: SyncPhase, resource: &str, done: usize, total: Option<i64>) {
        self.observer.progress(&SyncProgress {
            account_id: self.account_id().to_string(),
            phase,
            resource: resource.to_string(),
            done: done as i64,
            total,
        });
    }

    /// Tells the observer (and the report) what a committed transaction changed.
    fn changed(&mut self, resources: BTreeSet<&'static str>) {
        if resources.is_empty() {
            return;
        }
        let resources: Vec<String> = resources.into_iter().map(str::to_string).collect();
        self.report
            .resources_changed
            .extend(resources.iter().cloned());
        self.observer.data_changed(&DataChanged {
            account_id: self.account_id().to_string(),
            resources,
        });
    }

    fn status(&self) {
        if let Ok(status) = self.store.sync_status(self.account_id()) {
            self.observer.status(&status);
        }
    }

    /// The full child lists of `objects` whose embedded list was cut short.
    async fn fetch_children<'o>(
        &mut self,
        objects: impl Iterator<Item = &'o Value>,
    ) -> Step<FetchedChildren> {
        let mut fetched = FetchedChildren::new();
        for object in objects {
            let Some(kind) = object["object"].as_str().and_then(kinds::by_object) else {
                continue;
            };
            let Some(children) = &kind.children else {
                continue;
            };
            if object[children.field]["has_more"] != Value::Bool(true) {
                continue;
            }
            let Some(id) = object["id"].as_str() else {
                continue;
            };
            let (path, query) = children.list(id);
            match self.list_all(&path, &query).await {
                Ok(all) => {
                    fetched.insert(id.to_string(), all);
                }
                // Gone since (a deleted draft): the embedded part is all there is to keep.
                Err(Stop::Failed(err)) if is_missing(&err) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(fetched)
    }

    /// Every item of a list, in the list's order, following `starting_after`.
    async fn list_all(&mut self, path: &str, extra: &[(String, String)]) -> Step<Vec<Value>> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Stop::Cancelled);
        }
        let (all, requests) = list_all_pages(self.gateway, path, extra).await?;
        self.report.requests += requests;
        Ok(all)
    }
}

/// Every item of a list, page by page; also how many requests it took.
pub(crate) async fn list_all_pages(
    gateway: &Gateway,
    path: &str,
    extra: &[(String, String)],
) -> Result<(Vec<Value>, u64)> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    let mut requests = 0;
    loop {
        requests += 1;
        let page = gateway
            .get_json(path, &page_query(extra, after.as_deref(), None))
            .await?;
        let (items, has_more) = list_parts(page)?;
        after = items
            .last()
            .and_then(|item| item["id"].as_str())
            .map(str::to_string);
        all.extend(items);
        if !has_more || after.is_none() {
            return Ok((all, requests));
        }
    }
}

/// Every item of a list at `path`, all pages (for operations that fetch a full child list).
pub(crate) async fn list_all(gateway: &Gateway, path: &str) -> Result<Vec<Value>> {
    Ok(list_all_pages(gateway, path, &[]).await?.0)
}

/// Every item of a list kept under one customer (`path`), all pages; a customer Stripe does
/// not know (any more) is a clear not-found rather than Stripe's raw error.
pub(crate) async fn list_customer_children(gateway: &Gateway, path: &str, customer_id: &str) -> Result<Vec<Value>> {
    match list_all_pages(gateway, path, &[]).await {
        Ok((items, _requests)) => Ok(items),
        Err(err) if is_missing(&err) => Err(Error::NotFound(format!("Stripe has no customer {customer_id} (any more)."))),
        Err(err) => Err(err),
    }
}

/// Whether Stripe answered that the object asked for does not exist.
fn is_missing(err: &Error) -> bool {
    matches!(err, Error::Stripe { code: Some(code), .. } if code == "resource_missing")
}

/// `limit=100`, the extra pairs, and a cursor.
fn page_query(
    extra: &[(String, String)],
    after: Option<&str>,
    before: Option<&str>,
) -> Vec<(String, String)> {
    let mut query = vec![("limit".to_string(), PAGE_SIZE.to_string())];
    query.extend(extra.iter().cloned());
    if let Some(after) = after {
        query.push(("starting_after".into(), after.into()));
    }
    if let Some(before) = before {
        query.push(("ending_before".into(), before.into()));
    }
    query
}

/// A list object's items and `has_more`.
fn list_parts(page: Value) -> Result<(Vec<Value>, bool)> {
    let has_more = page["has_more"].as_bool().unwrap_or(false);
    match page {
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => Ok((items, has_more)),
            _ => Err(Error::StripeResponse("a list answer without data".into())),
        },
        _ => Err(Error::StripeResponse(
            "a list answer that is not an object".into(),
        )),
    }
}

/// The index of a resource in backfill order.
fn kind_index(resource: &str) -> Option<usize> {
    kinds::KINDS
        .iter()
        .position(|kind: &Kind| kind.resource == resource)
}

/// Runs one sync of the gateway's account: finishes or starts a backfill if one is due, then
/// applies new events. Records the attempt and its outcome in the account's sync status.
/// A cancelled sync returns `Ok` with `cancelled` set; it resumes next time.
pub(crate) async fn sync_once(
    store: &Store,
    gateway: &Gateway,
    observer: &dyn SyncObserver,
    cancel: &AtomicBool,
) -> Result<SyncReport> {
    let account_id = gateway.account_id().to_string();
    let cursor = store.sync_cursor(&account_id)?;
    let needs_backfill = cursor.backfill.is_some() || !cursor.backfilled;
    let state = if needs_backfill {
        SyncState::Backfilling
    } else {
        SyncState::Syncing
    };
    // Read before the pass: what it applies is new only against what came before it.
    let notices_since = if needs_backfill { None } else { store.notices_since(&account_id)? };
    store.record_sync_attempt(&account_id, state)?;
    let mut run = Run {
        store,
        gateway,
        observer,
        cancel,
        report: SyncReport {
            account_id: account_id.clone(),
            ..SyncReport::default()
        },
        notices_since,
        noticed: Vec::new(),
    };
    run.status();
    let outcome = run_steps(&mut run, needs_backfill).await;
    follow_purchase_orders(&mut run);
    // Also after a failed or cancelled pass: the pages it committed are not applied again.
    if let Some(since) = run.notices_since {
        store.tell_notices(observer, &account_id, since, &run.noticed);
    }
    let mut report = run.report;
    match outcome {
        Ok(()) => {
            store.record_sync_success(&account_id)?;
            notify_status(store, observer, &account_id);
            store.tell_dispute_deadlines(observer, &account_id, chrono::Utc::now().timestamp());
            Ok(report)
        }
        Err(Stop::Cancelled) => {
            report.cancelled = true;
            store.record_sync_failure(
                &account_id,
                "The sync was cancelled; it resumes where it stopped.",
                SyncState::Idle,
            )?;
            notify_status(store, observer, &account_id);
            Ok(report)
        }
        Err(Stop::CursorExpired) => Err(Error::Internal(
            "the event cursor expired twice in one sync".into(),
        )),
        Err(Stop::Failed(err)) => {
            let shown = match err {
                Error::StripeUnreachable { .. } => SyncState::Offline,
                _ => SyncState::Failing,
            };
            store.record_sync_failure(&account_id, &err.to_string(), shown)?;
            notify_status(store, observer, &account_id);
            Err(err)
        }
    }
}

async fn run_steps(run: &mut Run<'_>, needs_backfill: bool) -> Step {
    events_steps(run, needs_backfill).await?;
    balance_transactions::run(run).await
}

/// The backfill when due, then the events.
async fn events_steps(run: &mut Run<'_>, needs_backfill: bool) -> Step {
    if needs_backfill {
        backfill::run(run).await?;
    }
    match incremental::run(run).await {
        Err(Stop::CursorExpired) => {
            tracing::info!(account = %run.account_id(), "event cursor aged out; backfilling");
            // Events missed for that long are old news, not notices.
            run.notices_since = None;
            run.store
                .record_sync_attempt(run.account_id(), SyncState::Backfilling)?;
            run.status();
            backfill::restart(run).await?;
            incremental::run(run).await
        }
        other => other,
    }
}

/// Brings purchase orders up to date with what the sync wrote to the cache (also after a
/// failed or cancelled sync: what was committed counts). A failure here is logged, not fatal:
/// the next sync tries again.
fn follow_purchase_orders(run: &mut Run<'_>) {
    match crate::po::reconcile(run.store, run.account_id()) {
        Ok(true) => run.changed(BTreeSet::from([crate::po::RESOURCE])),
        Ok(false) => {}
        Err(err) => tracing::warn!(account = %run.account_id(), %err, "purchase orders could not follow their invoices"),
    }
}

fn notify_status(store: &Store, observer: &dyn SyncObserver, account_id: &str) {
    if let Ok(status) = store.sync_status(account_id) {
        observer.status(&status);
    }
}

/// Applies one event that arrived outside polling (a webhook). Fetches full child lists
/// first when the event's object embeds a cut-short one. Returns whether it was new.
pub(crate) async fn apply_pushed_event(
    store: &Store,
    gateway: &Gateway,
    observer: &dyn SyncObserver,
    event: &Value,
) -> Result<bool> {
    if event["object"] != "event" || event["id"].as_str().is_none() {
        return Err(Error::Validation("That is not a Stripe event.".into()));
    }
    let never = AtomicBool::new(false);
    let cursor = store.sync_cursor(gateway.account_id())?;
    // During a backfill an event is no news: the backfill lists its object anyway.
    let backfilling = !cursor.backfilled || cursor.backfill.is_some();
    let notices_since = if backfilling { None } else { store.notices_since(gateway.account_id())? };
    let mut run = Run {
        store,
        gateway,
        observer,
        cancel: &never,
        report: SyncReport::default(),
        notices_since,
        noticed: Vec::new(),
    };
    let fetched = match run
        .fetch_children(std::iter::once(&event["data"]["object"]))
        .await
    {
        Ok(fetched) => fetched,
        Err(Stop::Failed(err)) => return Err(err),
        Err(_) => FetchedChildren::new(),
    };
    let (applied, changed) = store.cache_write(gateway.account_id(), |tx| {
        let applied = tx.apply_event(event, &fetched)?;
        if applied {
            // Timelines say how each event arrived; a poll that sees it later skips it.
            tx.tx().execute(
                "UPDATE cache_events SET source = 'webhook' WHERE account_id = ?1 AND id = ?2",
                rusqlite::params![tx.account_id(), event["id"].as_str()],
            )?;
        }
        Ok(applied)
    })?;
    run.changed(changed);
    if applied {
        follow_purchase_orders(&mut run);
        if let (Some(since), true) = (run.notices_since, notices::concerns(event)) {
            store.tell_notices(observer, gateway.account_id(), since, std::slice::from_ref(event));
        }
    }
    Ok(applied)
}
