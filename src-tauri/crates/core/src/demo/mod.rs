//! The demo: two conferences' Stripe accounts on the built-in emulator, so Billfold can be
//! tried with no Stripe account and no network.
//!
//! The emulator (`stripe-sim`) runs in-process on a loopback port. The demo accounts are
//! registered through the normal add-account path (their fake `sk_test_…` keys go to the
//! keychain like any other) and marked `is_demo` on their row; from there on they sync
//! through the same code as real accounts. The emulator's state is saved to
//! `<data>/demo/stripe-sim.json` every [`SAVE_EVERY`] when it changed, after each
//! simulated action and at quit ([`Billfold::save_demo`]); the next start loads it on a new
//! port and points the demo accounts there. Real accounts never talk to the emulator, and
//! simulations refuse them.

mod simulate;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use stripe_sim::demo::DEMO_ACCOUNTS;
use stripe_sim::{SimConfig, Simulator};
use tokio::task::JoinHandle;

use crate::accounts::{Account, AccountView, NewAccount};
use crate::error::{Error, Result};
use crate::secrets::Secret;
use crate::service::Billfold;

pub use simulate::{SimulateAction, SimulationTarget, SimulationTargets};

/// The folder inside the data folder that holds the demo's files.
pub const DEMO_DIR: &str = "demo";
/// The emulator's snapshot file inside [`DEMO_DIR`].
pub const SNAPSHOT_FILE: &str = "stripe-sim.json";
/// How often the emulator's state is checked and, when it changed, saved.
pub const SAVE_EVERY: Duration = Duration::from_secs(2);

/// The demo emulator's state, shared by every clone of [`Billfold`].
pub struct DemoRuntime {
    dir: PathBuf,
    /// The running emulator; held while demo accounts are registered, reset or removed, so
    /// those never interleave.
    running: tokio::sync::Mutex<Option<Running>>,
}

impl std::fmt::Debug for DemoRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoRuntime")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

/// A running emulator and the task that saves it.
struct Running {
    sim: Arc<Simulator>,
    snapshot: PathBuf,
    /// The emulator's revision when it was last saved.
    saved: Arc<AtomicU64>,
    saver: JoinHandle<()>,
}

impl Running {
    /// Saves the emulator's state now if it changed since the last save.
    fn save(&self) {
        save_if_changed(&self.sim, &self.snapshot, &self.saved);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // The saver only holds a weak reference, so dropping `sim` stops the server.
        self.saver.abort();
    }
}

fn save_if_changed(sim: &Simulator, path: &Path, saved: &AtomicU64) {
    let revision = sim.revision();
    if saved.load(Ordering::Relaxed) == revision && path.exists() {
        return;
    }
    match sim.save_snapshot(path) {
        Ok(()) => saved.store(revision, Ordering::Relaxed),
        Err(err) => tracing::warn!(%err, "could not save the demo emulator's state"),
    }
}

impl DemoRuntime {
    /// The demo runtime of the data folder `data_dir`; nothing starts until asked.
    pub(crate) fn new(data_dir: &Path) -> Self {
        DemoRuntime {
            dir: data_dir.join(DEMO_DIR),
            running: tokio::sync::Mutex::new(None),
        }
    }

    fn snapshot_path(&self) -> PathBuf {
        self.dir.join(SNAPSHOT_FILE)
    }

    /// Starts an emulator on a free loopback port, from the snapshot when `restore` is set
    /// and one exists, else with fresh demo data; saves it and keeps saving it.
    async fn launch(&self, restore: bool) -> Result<Running> {
        // No emulator-side rate limit: the seed runs at full speed, and the app's own
        // client-side limit (Stripe's test-mode 25 requests/s) still applies to its syncs.
        let config = SimConfig {
            rate_limit_per_sec: None,
            ..SimConfig::default()
        };
        let sim = Simulator::start(config)
            .await
            .map_err(|err| Error::Internal(format!("the demo emulator could not start: {err}")))?;
        let snapshot = self.snapshot_path();
        std::fs::create_dir_all(&self.dir).map_err(|err| {
            Error::Store(format!(
                "cannot create the demo folder {}: {err}",
                self.dir.display()
            ))
        })?;
        if restore && snapshot.exists() {
            sim.load_snapshot(&snapshot).map_err(|err| {
                Error::Store(format!(
                    "the demo data in {} cannot be read: {err}",
                    snapshot.display()
                ))
            })?;
        } else {
            sim.seed_demo()
                .await
                .map_err(|err| Error::Internal(err.to_string()))?;
        }
        let sim = Arc::new(sim);
        // u64::MAX: never equal to a revision, so the first save always writes.
        let saved = Arc::new(AtomicU64::new(u64::MAX));
        save_if_changed(&sim, &snapshot, &saved);
        let saver = tokio::spawn(keep_saving(
            Arc::downgrade(&sim),
            snapshot.clone(),
            saved.clone(),
        ));
        tracing::info!(base = %sim.base_url(), "demo emulator started");
        Ok(Running {
            sim,
            snapshot,
            saved,
            saver,
        })
    }

    /// Deletes the demo folder (the snapshot) if it is there.
    fn remove_files(&self) -> Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(Error::Store(format!(
                "cannot delete the demo folder {}: {err}",
                self.dir.display()
            ))),
        }
    }
}

/// Saves the emulator every [`SAVE_EVERY`] when it changed, until it is stopped.
async fn keep_saving(sim: Weak<Simulator>, path: PathBuf, saved: Arc<AtomicU64>) {
    loop {
        tokio::time::sleep(SAVE_EVERY).await;
        let Some(sim) = sim.upgrade() else { return };
        save_if_changed(&sim, &path, &saved);
    }
}

impl Billfold {
    /// The demo accounts, in the order they were registered.
    fn demo_accounts(&self) -> Result<Vec<Account>> {
        let mut accounts: Vec<Account> = self
            .store()
            .list_accounts()?
            .into_iter()
            .filter(|a| a.is_demo)
            .collect();
        accounts.sort_by(|a, b| (&a.created_at, demo_rank(a)).cmp(&(&b.created_at, demo_rank(b))));
        Ok(accounts)
    }

    /// Starts the demo: the emulator with fresh demo data and the two demo accounts, whose
    /// first sync starts at once (progress arrives as for any account). When demo accounts
    /// exist already, makes sure their emulator runs. Either way the first demo account
    /// becomes the active one. Answers the demo accounts.
    pub async fn start_demo(&self) -> Result<Vec<AccountView>> {
        let mut running = self.demo_runtime().running.lock().await;
        let existing = self.demo_accounts()?;
        let ids = if existing.is_empty() {
            *running = None;
            self.register_demo(&mut running).await?
        } else {
            if running.is_none() {
                *running = Some(self.relaunch(&existing).await?);
            }
            // Read again: a relaunch without its snapshot registers the demo afresh.
            self.demo_accounts()?
                .into_iter()
                .map(|account| account.id)
                .collect()
        };
        if let Some(first) = ids.first() {
            self.store().set_active_account(first)?;
        }
        self.demo_views(&ids)
    }

    /// At app start: when demo accounts exist, restarts their emulator from its snapshot on
    /// a new port and points them there. Answers whether there is a demo.
    pub async fn resume_demo(&self) -> Result<bool> {
        let mut running = self.demo_runtime().running.lock().await;
        if running.is_some() {
            return Ok(true);
        }
        let accounts = self.demo_accounts()?;
        if accounts.is_empty() {
            return Ok(false);
        }
        *running = Some(self.relaunch(&accounts).await?);
        Ok(true)
    }

    /// Back to the initial demo data: the demo accounts go (with their cache, operations
    /// journal, request log and everything else stored for them) and come back fresh on a
    /// freshly seeded emulator. A demo account that was active stays so (its successor).
    pub async fn reset_demo(&self) -> Result<Vec<AccountView>> {
        let mut running = self.demo_runtime().running.lock().await;
        let old = self.demo_accounts()?;
        if old.is_empty() {
            return Err(Error::NotFound("There is no demo account to reset.".into()));
        }
        let active = self.store().active_account_id()?;
        let was_active = old
            .iter()
            .any(|account| Some(&account.id) == active.as_ref());
        self.unregister_demo(&mut running, &old).await?;
        let ids = self.register_demo(&mut running).await?;
        if was_active || self.store().active_account_id()?.is_none() {
            if let Some(first) = ids.first() {
                self.store().set_active_account(first)?;
            }
        }
        tracing::info!("demo reset");
        self.demo_views(&ids)
    }

    /// Removes the demo: its accounts (keychain entries first, then every row), the
    /// emulator, and its snapshot. Real accounts are untouched.
    pub async fn remove_demo(&self) -> Result<()> {
        let mut running = self.demo_runtime().running.lock().await;
        let accounts = self.demo_accounts()?;
        self.unregister_demo(&mut running, &accounts).await?;
        tracing::info!("demo removed");
        Ok(())
    }

    /// Saves the demo emulator's state if it changed (at quit; also done on a timer).
    pub fn save_demo(&self) {
        if let Ok(running) = self.demo_runtime().running.try_lock() {
            if let Some(running) = running.as_ref() {
                running.save();
            }
        }
    }

    /// The demo emulator's API base while it runs (tests, diagnostics).
    pub async fn demo_api_base(&self) -> Option<String> {
        let running = self.demo_runtime().running.lock().await;
        running
            .as_ref()
            .map(|running| running.sim.base_url().to_string())
    }

    /// Called after an account was removed the normal way: the last demo account gone
    /// means the demo is gone, emulator and snapshot with it.
    pub(crate) async fn demo_account_removed(&self) -> Result<()> {
        let mut running = self.demo_runtime().running.lock().await;
        if self.demo_accounts()?.is_empty() {
            *running = None;
            self.demo_runtime().remove_files()?;
        }
        Ok(())
    }

    /// Seeds a fresh emulator and registers the demo accounts on it through the normal
    /// add-account path, then starts their first sync. Nothing is kept if a step fails.
    async fn register_demo(&self, running: &mut Option<Running>) -> Result<Vec<String>> {
        let launched = self.demo_runtime().launch(false).await?;
        let api_base = launched.sim.base_url().to_string();
        let mut ids = Vec::new();
        for demo in DEMO_ACCOUNTS {
            let input = NewAccount {
                name: demo.name.to_string(),
                secret_key: Secret::new(demo.key),
                default_currency: demo.currency.to_string(),
                api_base: Some(api_base.clone()),
                webhook_secret: None,
            };
            match self.add_account_as(input, true).await {
                Ok(view) => ids.push(view.id),
                Err(err) => {
                    for id in &ids {
                        let _ = self.remove_account_only(id).await;
                    }
                    drop(launched);
                    let _ = self.demo_runtime().remove_files();
                    return Err(err);
                }
            }
        }
        *running = Some(launched);
        for id in &ids {
            self.sync_now(id)?;
        }
        tracing::info!(accounts = ids.len(), "demo accounts registered");
        Ok(ids)
    }

    /// Removes the given demo accounts, stops the emulator and deletes its snapshot.
    async fn unregister_demo(
        &self,
        running: &mut Option<Running>,
        accounts: &[Account],
    ) -> Result<()> {
        for account in accounts {
            // A sync in flight stops at its next request instead of writing to a removed account.
            self.cancel_sync(&account.id)?;
            self.remove_account_only(&account.id).await?;
        }
        *running = None;
        self.demo_runtime().remove_files()
    }

    /// Restarts the emulator for existing demo accounts from the snapshot and points them at
    /// its new port. Without a snapshot, the demo starts over from fresh data.
    async fn relaunch(&self, accounts: &[Account]) -> Result<Running> {
        if !self.demo_runtime().snapshot_path().exists() {
            tracing::warn!("the demo data is missing; starting the demo over");
            let mut running = None;
            self.unregister_demo(&mut running, accounts).await?;
            self.register_demo(&mut running).await?;
            return running
                .ok_or_else(|| Error::Internal("the demo emulator did not start".into()));
        }
        let running = self.demo_runtime().launch(true).await?;
        for account in accounts {
            self.store()
                .set_api_base(&account.id, running.sim.base_url())?;
            self.forget_gateway(&account.id);
        }
        Ok(running)
    }

    fn demo_views(&self, ids: &[String]) -> Result<Vec<AccountView>> {
        let accounts = self.list_accounts()?;
        Ok(ids
            .iter()
            .filter_map(|id| accounts.iter().find(|view| &view.id == id).cloned())
            .collect())
    }
}

/// Orders accounts registered in the same second as [`DEMO_ACCOUNTS`] lists them.
/// The fixed, public key of a demo account (it only opens the in-process emulator), found by
/// the slug the account got when the demo registered it. Used when no keychain can hold it,
/// so the demo works on a computer without a Secret Service.
pub(crate) fn public_demo_key(account: &Account) -> Option<Secret> {
    if !account.is_demo {
        return None;
    }
    DEMO_ACCOUNTS
        .iter()
        .find(|demo| account.slug == demo.slug || account.slug.starts_with(&format!("{}-", demo.slug)))
        .map(|demo| Secret::new(demo.key))
}

/// Whether a keychain failure only means "no usable keychain here", which a demo account's
/// public key can do without.
pub(crate) fn keychain_missing(err: &Error) -> bool {
    matches!(err, Error::KeychainUnavailable(_) | Error::KeychainLocked(_))
}

fn demo_rank(account: &Account) -> usize {
    DEMO_ACCOUNTS
        .iter()
        .position(|demo| demo.name == account.name)
        .unwrap_or(DEMO_ACCOUNTS.len())
}
