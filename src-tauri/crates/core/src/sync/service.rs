//! The sync commands on [`Billfold`]: run, schedule, cancel, read the cache, settings, and the
//! entry point for events pushed by webhooks.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::Value;

use super::{NoObserver, SyncObserver, SyncReport};
use crate::error::Result;
use crate::service::Billfold;
use crate::store::{CustomerPage, InvoicePage, ListQuery, SyncSettings, SyncState};

impl Billfold {
    /// Syncs one account now and waits for it: a backfill if one is due or under way, then new
    /// events, then the account's dunning rule (see [`Billfold::apply_dunning_rule`]). Waits for a sync of the same account already running. A cancelled sync returns
    /// its report with `cancelled` set.
    pub async fn sync_once(
        &self,
        account_id: &str,
        observer: &dyn SyncObserver,
    ) -> Result<SyncReport> {
        let handle = self.sync_runtime().account(account_id);
        let _running = handle.running.lock().await;
        handle.cancel.store(false, Ordering::Relaxed);
        let gateway = match self.gateway(account_id).await {
            Ok(gateway) => gateway,
            Err(err) => {
                // A missing key is worth showing where the sync status is shown.
                self.store().get_account(account_id)?;
                self.store().record_sync_failure(
                    account_id,
                    &err.to_string(),
                    SyncState::Failing,
                )?;
                if let Ok(status) = self.store().sync_status(account_id) {
                    observer.status(&status);
                }
                return Err(err);
            }
        };
        let report = super::sync_once(self.store(), &gateway, observer, &handle.cancel).await?;
        // After the pass has applied its events, still under the account's sync lock: two
        // passes never apply the rule side by side.
        if !report.cancelled {
            if let Err(err) = self.apply_dunning_rule(account_id).await {
                tracing::warn!(account = %account_id, %err, "the dunning rule could not run");
            }
        }
        Ok(report)
    }

    /// Starts background polling of every account (now and as accounts are added), telling
    /// `observer` about progress, status and changed data. Needs a tokio runtime; calling it
    /// again while it runs keeps the running scheduler.
    pub fn start_sync(&self, observer: Arc<dyn SyncObserver>) -> Result<()> {
        self.store().reset_sync_states()?;
        self.sync_runtime().start(self.clone(), observer)
    }

    /// Stops background polling (at shutdown).
    pub fn stop_sync(&self) {
        self.sync_runtime().stop();
    }

    /// Starts a sync of the account now and returns at once; progress and the outcome arrive
    /// through the observer. With the scheduler running this wakes the account's poller, or
    /// starts it for an account added since the scheduler last looked.
    pub fn sync_now(&self, account_id: &str) -> Result<()> {
        self.store().get_account(account_id)?;
        if self.sync_runtime().wake(account_id)
            || self.sync_runtime().start_account(self, account_id)
        {
            return Ok(());
        }
        let observer = self.observer();
        let billfold = self.clone();
        let id = account_id.to_string();
        tokio::runtime::Handle::try_current()
            .map_err(|_| crate::Error::Internal("a sync needs an async runtime".into()))?
            .spawn(async move {
                if let Err(err) = billfold.sync_once(&id, observer.as_ref()).await {
                    tracing::warn!(account = %id, %err, "sync failed");
                }
            });
        Ok(())
    }

    /// Asks the account's running sync to stop at its next request. Work committed so far is
    /// kept; a backfill resumes where it stopped.
    pub fn cancel_sync(&self, account_id: &str) -> Result<()> {
        self.store().get_account(account_id)?;
        self.sync_runtime()
            .account(account_id)
            .cancel
            .store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A page of the account's cached customers.
    pub fn list_customers(&self, account_id: &str, query: &ListQuery) -> Result<CustomerPage> {
        self.store().get_account(account_id)?;
        self.store().list_customers(account_id, query)
    }

    /// A page of the account's cached invoices.
    pub fn list_invoices(&self, account_id: &str, query: &ListQuery) -> Result<InvoicePage> {
        self.store().get_account(account_id)?;
        self.store().list_invoices(account_id, query)
    }

    /// The app-wide sync and listener settings.
    pub fn sync_settings(&self) -> Result<SyncSettings> {
        self.store().sync_settings()
    }

    /// Checks and saves the sync and listener settings; a new poll interval applies from each
    /// account's next wait on.
    pub fn set_sync_settings(&self, settings: &SyncSettings) -> Result<SyncSettings> {
        self.store().set_sync_settings(settings)
    }

    /// Applies an event that arrived by webhook through the same path as polling: an event
    /// seen both ways is applied once, and an older snapshot never overwrites a newer one.
    /// Returns whether the event was new. The event cursor is not moved (polling still reads
    /// every event in order).
    pub async fn apply_webhook_event(&self, account_id: &str, event: Value) -> Result<bool> {
        let gateway = self.gateway(account_id).await?;
        let observer = self.observer();
        super::apply_pushed_event(self.store(), &gateway, observer.as_ref(), &event).await
    }

    /// Whoever the scheduler tells about syncs (the window), or no one before it starts.
    pub(crate) fn observer(&self) -> Arc<dyn SyncObserver> {
        self.sync_runtime()
            .observer()
            .unwrap_or_else(|| Arc::new(NoObserver))
    }

    /// After a write sent to Stripe: tells the window what changed in the cache and has the
    /// account's poller read events now. What Stripe changed as a consequence (a subscription
    /// active again once its invoice is paid, the charge, the fee) arrives within seconds
    /// instead of at the next scheduled poll. Nothing starts when no poller runs.
    pub(crate) fn written_to_stripe<S: Into<String>>(
        &self,
        account_id: &str,
        resources: impl IntoIterator<Item = S>,
    ) {
        self.notify_changed(account_id, resources);
        self.sync_runtime().wake(account_id);
    }

    /// Tells the window which of an account's cached resources a write outside a sync
    /// changed (nothing when none did).
    pub(crate) fn notify_changed<S: Into<String>>(
        &self,
        account_id: &str,
        resources: impl IntoIterator<Item = S>,
    ) {
        let resources: Vec<String> = resources.into_iter().map(Into::into).collect();
        if !resources.is_empty() {
            self.observer().data_changed(&super::DataChanged {
                account_id: account_id.to_string(),
                resources,
            });
        }
    }
}
