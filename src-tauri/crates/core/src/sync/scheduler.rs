//! Background polling: one task per account that syncs, waits the poll interval (longer after
//! failures, so an offline laptop or a failing account is not hammered), and wakes early for
//! "Sync now". A supervisor task starts pollers for accounts added later; a poller ends when
//! its account is removed. One sync per account runs at a time.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::SyncObserver;
use crate::error::{Error, ErrorCode, Result};
use crate::service::Billfold;

/// How often the supervisor looks for accounts without a poller.
const SUPERVISE_EVERY: Duration = Duration::from_secs(5);
/// The longest wait between attempts after failures (unless the interval itself is longer).
const MAX_BACKOFF_SECS: i64 = 30 * 60;

/// The wait before the next poll: the interval, doubled per consecutive failure, capped at
/// 30 minutes (or the interval, if that is longer).
pub fn backoff_secs(interval_secs: i64, failures: u32) -> i64 {
    let doubled = interval_secs.saturating_mul(1_i64 << failures.min(16));
    doubled.min(MAX_BACKOFF_SECS.max(interval_secs))
}

/// Per-account sync coordination.
#[derive(Default)]
pub(crate) struct AccountSync {
    /// Held while a sync of the account runs.
    pub(crate) running: tokio::sync::Mutex<()>,
    /// Set to stop the running sync at its next request.
    pub(crate) cancel: AtomicBool,
    /// Wakes the poller for "Sync now".
    wake: Notify,
    poller: Mutex<Option<JoinHandle<()>>>,
}

/// The scheduler's state, shared by every clone of [`Billfold`].
#[derive(Default)]
pub struct SyncRuntime {
    accounts: Mutex<HashMap<String, Arc<AccountSync>>>,
    observer: Mutex<Option<Arc<dyn SyncObserver>>>,
    supervisor: Mutex<Option<JoinHandle<()>>>,
    /// How often the supervisor looks, if not [`SUPERVISE_EVERY`] (tests).
    supervise_every: Mutex<Option<Duration>>,
}

impl std::fmt::Debug for SyncRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let accounts = lock(&self.accounts).len();
        f.debug_struct("SyncRuntime")
            .field("accounts", &accounts)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded values stay consistent even if a holder panicked.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SyncRuntime {
    /// The coordination record of an account, made on first use.
    pub(crate) fn account(&self, account_id: &str) -> Arc<AccountSync> {
        lock(&self.accounts)
            .entry(account_id.to_string())
            .or_default()
            .clone()
    }

    /// The observer the scheduler was started with, if it was.
    pub(crate) fn observer(&self) -> Option<Arc<dyn SyncObserver>> {
        lock(&self.observer).clone()
    }

    /// Wakes the account's poller; `false` when it has none running.
    pub(crate) fn wake(&self, account_id: &str) -> bool {
        let handle = self.account(account_id);
        let running = lock(&handle.poller)
            .as_ref()
            .is_some_and(|task| !task.is_finished());
        if running {
            handle.wake.notify_one();
        }
        running
    }

    /// Starts the account's poller now if the scheduler runs and the account has none (a new
    /// account syncs at once, not at the supervisor's next look); `false` when the scheduler
    /// is not running. Needs a tokio runtime.
    pub(crate) fn start_account(&self, billfold: &Billfold, account_id: &str) -> bool {
        let running = lock(&self.supervisor)
            .as_ref()
            .is_some_and(|task| !task.is_finished());
        match (running, self.observer()) {
            (true, Some(observer)) => {
                start_poller(billfold, account_id, &observer);
                true
            }
            _ => false,
        }
    }

    /// Makes the supervisor look every `every` instead (set before `start`), so a test can
    /// tell a sync the supervisor started from one started at once.
    #[cfg(test)]
    pub(crate) fn set_supervise_every(&self, every: Duration) {
        *lock(&self.supervise_every) = Some(every);
    }

    /// Starts the supervisor (and through it a poller per account). Needs a tokio runtime.
    pub(crate) fn start(&self, billfold: Billfold, observer: Arc<dyn SyncObserver>) -> Result<()> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::Internal("background sync needs an async runtime".into()))?;
        *lock(&self.observer) = Some(observer.clone());
        let every = lock(&self.supervise_every).unwrap_or(SUPERVISE_EVERY);
        let mut supervisor = lock(&self.supervisor);
        if supervisor.as_ref().is_some_and(|task| !task.is_finished()) {
            return Ok(());
        }
        *supervisor = Some(runtime.spawn(async move {
            loop {
                if let Err(err) = supervise(&billfold, &observer) {
                    tracing::warn!(%err, "cannot start account pollers");
                }
                tokio::time::sleep(every).await;
            }
        }));
        Ok(())
    }

    /// Stops the supervisor and every poller (a sync in flight stops at its next await).
    pub(crate) fn stop(&self) {
        if let Some(task) = lock(&self.supervisor).take() {
            task.abort();
        }
        for handle in lock(&self.accounts).values() {
            if let Some(task) = lock(&handle.poller).take() {
                task.abort();
            }
        }
        *lock(&self.observer) = None;
    }
}

/// Starts a poller for each account that has none.
fn supervise(billfold: &Billfold, observer: &Arc<dyn SyncObserver>) -> Result<()> {
    for account in billfold.store().list_accounts()? {
        start_poller(billfold, &account.id, observer);
    }
    Ok(())
}

/// Starts the account's poller (which syncs at once) unless one is running.
fn start_poller(billfold: &Billfold, account_id: &str, observer: &Arc<dyn SyncObserver>) {
    let handle = billfold.sync_runtime().account(account_id);
    let mut poller = lock(&handle.poller);
    if poller.as_ref().is_some_and(|task| !task.is_finished()) {
        return;
    }
    let task = poll(
        billfold.clone(),
        account_id.to_string(),
        handle.clone(),
        observer.clone(),
    );
    *poller = Some(tokio::spawn(task));
}

/// One account's poll loop: sync at once, then after each interval (or "Sync now").
async fn poll(
    billfold: Billfold,
    account_id: String,
    handle: Arc<AccountSync>,
    observer: Arc<dyn SyncObserver>,
) {
    let mut failures: u32 = 0;
    loop {
        match billfold.sync_once(&account_id, observer.as_ref()).await {
            Ok(_) => failures = 0,
            Err(err) if err.code() == ErrorCode::NotFound => return,
            Err(err) => {
                failures = failures.saturating_add(1);
                tracing::warn!(account = %account_id, failures, %err, "sync failed");
            }
        }
        let store = billfold.store();
        let interval = store
            .sync_settings()
            .map(|s| s.poll_interval_secs)
            .unwrap_or(crate::store::DEFAULT_POLL_INTERVAL_SECS);
        let delay = backoff_secs(interval, failures);
        let next = (Utc::now() + chrono::Duration::seconds(delay))
            .to_rfc3339_opts(SecondsFormat::Secs, true);
        match store.sync_status(&account_id) {
            Ok(status) => {
                if store
                    .set_sync_schedule(&account_id, status.state, Some(&next))
                    .is_ok()
                {
                    if let Ok(status) = store.sync_status(&account_id) {
                        observer.status(&status);
                    }
                }
            }
            Err(_) => return,
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(delay.max(1) as u64)) => {}
            _ = handle.wake.notified() => {}
        }
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod scheduler_tests;

#[cfg(test)]
mod tests {
    use super::backoff_secs;

    #[test]
    fn backoff_doubles_per_failure_and_is_capped() {
        assert_eq!(backoff_secs(60, 0), 60);
        assert_eq!(backoff_secs(60, 1), 120);
        assert_eq!(backoff_secs(60, 3), 480);
        assert_eq!(backoff_secs(60, 10), 1800);
        assert_eq!(backoff_secs(60, 400), 1800);
        // An interval longer than the cap is never shortened.
        assert_eq!(backoff_secs(7200, 2), 7200);
    }
}
