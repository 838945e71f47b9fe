//! [`Billfold`]: the per-process service the Tauri commands call into.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::accounts::{self, Account, AccountView, NewAccount};
use crate::demo::DemoRuntime;
use crate::error::{Error, Result};
use crate::gateway::{Gateway, GatewayConfig, RequestLogEntry};
use crate::secrets::{Keychain, Secret, SecretKind};
use crate::store::{Store, SyncStatus, DATABASE_FILE};
use crate::stripe;
use crate::sync::scheduler::SyncRuntime;

/// Environment variable that overrides the data folder (tests, portable installs).
pub const DATA_DIR_ENV: &str = "BILLFOLD_DATA_DIR";

/// Everything the UI needs to draw its first frame.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppOverview {
    /// All accounts, by name.
    pub accounts: Vec<AccountView>,
    /// The active account's id, if any.
    pub active_account_id: Option<String>,
    /// The active account's sync status, if any.
    pub active_sync_status: Option<SyncStatus>,
}

/// Billfold's core: the store and the keychain, shared by every command.
#[derive(Debug, Clone)]
pub struct Billfold {
    store: Arc<Store>,
    keychain: Keychain,
    /// One gateway per account, made on first use so the key is read from the keychain once.
    gateways: Arc<Mutex<HashMap<String, Gateway>>>,
    /// Background polling, "Sync now" and cancel, per account.
    sync: Arc<SyncRuntime>,
    /// The demo accounts' in-process emulator, while there are demo accounts.
    demo: Arc<DemoRuntime>,
}

impl Billfold {
    /// Opens the database in `data_dir` with the given keychain.
    pub fn open(data_dir: &Path, keychain: Keychain) -> Result<Self> {
        let store = Store::open(&data_dir.join(DATABASE_FILE))?;
        Ok(Billfold {
            store: Arc::new(store),
            keychain,
            gateways: Arc::default(),
            sync: Arc::default(),
            demo: Arc::new(DemoRuntime::new(data_dir)),
        })
    }

    /// The data folder: `BILLFOLD_DATA_DIR` if set, else the platform default given.
    pub fn data_dir(platform_default: PathBuf) -> PathBuf {
        std::env::var_os(DATA_DIR_ENV)
            .filter(|value| !value.is_empty())
            .map(PathBuf::from)
            .unwrap_or(platform_default)
    }

    /// The store, for modules that build on it.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store behind its shared handle, for work that outlives one call (operations, sync).
    pub(crate) fn shared_store(&self) -> Arc<Store> {
        self.store.clone()
    }

    /// The sync scheduler's shared state.
    pub(crate) fn sync_runtime(&self) -> &SyncRuntime {
        &self.sync
    }

    /// The demo emulator's state.
    pub(crate) fn demo_runtime(&self) -> &DemoRuntime {
        &self.demo
    }

    /// The keychain, for modules that need an account's secrets.
    pub fn keychain(&self) -> &Keychain {
        &self.keychain
    }

    /// The account's gateway to Stripe: its key from the keychain, its rate limit and its
    /// request log. Every request to Stripe goes through one.
    pub async fn gateway(&self, account_id: &str) -> Result<Gateway> {
        if let Some(gateway) = self.cached_gateway(account_id)? {
            return Ok(gateway);
        }
        let account = self.store.get_account(account_id)?;
        let keychain = self.keychain.clone();
        let key_id = account.id.clone();
        let stored = blocking(move || keychain.get(&key_id, SecretKind::ApiKey)).await;
        let key = match (stored, crate::demo::public_demo_key(&account)) {
            (Ok(Some(key)), _) => key,
            // A demo account's key is a public fixture: without a keychain it still works.
            (Ok(None), Some(public)) => public,
            (Err(err), Some(public)) if crate::demo::keychain_missing(&err) => public,
            (Ok(None), None) => {
                return Err(Error::KeychainLocked(format!(
                    "the API key of '{}' is missing from the keychain",
                    account.name
                )))
            }
            (Err(err), _) => return Err(err),
        };
        let config = self.gateway_config(account.mode)?;
        let gateway = Gateway::new(self.store.clone(), &account.id, &account.api_base, &key, config)?;
        let mut gateways = self.gateways.lock().map_err(|_| Error::Internal("gateway lock poisoned".into()))?;
        Ok(gateways.entry(account.id).or_insert(gateway).clone())
    }

    fn cached_gateway(&self, account_id: &str) -> Result<Option<Gateway>> {
        let gateways = self.gateways.lock().map_err(|_| Error::Internal("gateway lock poisoned".into()))?;
        Ok(gateways.get(account_id).cloned())
    }

    /// Drops the account's cached gateway, so the next request reads its API base afresh.
    pub(crate) fn forget_gateway(&self, account_id: &str) {
        if let Ok(mut gateways) = self.gateways.lock() {
            gateways.remove(account_id);
        }
    }

    /// Limits for a mode: Stripe's defaults unless the settings `rate_limit.test` /
    /// `rate_limit.live` (requests per second, 0 = off) say otherwise.
    fn gateway_config(&self, mode: accounts::Mode) -> Result<GatewayConfig> {
        let mut config = GatewayConfig::for_mode(mode);
        if let Some(value) = self.store.setting(&format!("rate_limit.{}", mode.as_str()))? {
            let per_second: u32 = value
                .parse()
                .map_err(|_| Error::Validation(format!("The rate limit setting '{value}' is not a whole number.")))?;
            config.requests_per_second = per_second;
            config.burst = per_second.max(1);
        }
        Ok(config)
    }

    /// Sets the client-side rate limit for one mode (requests per second; 0 turns it off).
    /// Gateways made afterwards use it.
    pub fn set_rate_limit(&self, mode: accounts::Mode, per_second: u32) -> Result<()> {
        if per_second > 1000 {
            return Err(Error::Validation("A rate limit above 1000 requests per second is not allowed.".into()));
        }
        self.store.set_setting(&format!("rate_limit.{}", mode.as_str()), &per_second.to_string())?;
        if let Ok(mut gateways) = self.gateways.lock() {
            gateways.clear();
        }
        Ok(())
    }

    /// An account's request log, newest first.
    pub fn request_log(&self, account_id: &str, limit: u32, before_id: Option<i64>) -> Result<Vec<RequestLogEntry>> {
        self.store.get_account(account_id)?;
        self.store.request_log(account_id, limit, before_id)
    }

    /// Accounts, the active one and its sync status.
    pub fn overview(&self) -> Result<AppOverview> {
        let active = self.store.active_account_id()?;
        let accounts = self.list_accounts_with(active.as_deref())?;
        let active_sync_status = match &active {
            Some(id) => Some(self.store.sync_status(id)?),
            None => None,
        };
        Ok(AppOverview { accounts, active_account_id: active, active_sync_status })
    }

    /// All accounts as the UI shows them.
    pub fn list_accounts(&self) -> Result<Vec<AccountView>> {
        let active = self.store.active_account_id()?;
        self.list_accounts_with(active.as_deref())
    }

    fn list_accounts_with(&self, active: Option<&str>) -> Result<Vec<AccountView>> {
        Ok(self
            .store
            .list_accounts()?
            .into_iter()
            .map(|account| AccountView::from_account(account, active))
            .collect())
    }

    fn view(&self, account: Account) -> Result<AccountView> {
        let active = self.store.active_account_id()?;
        Ok(AccountView::from_account(account, active.as_deref()))
    }

    /// Adds an account: checks the input, verifies the key with Stripe, stores the secrets
    /// in the keychain and the rest in SQLite. The first account becomes active.
    /// Nothing is kept if any step fails. With background sync running, its first sync starts
    /// at once (not at the scheduler's next look for new accounts).
    pub async fn add_account(&self, input: NewAccount) -> Result<AccountView> {
        let view = self.add_account_as(input, false).await?;
        self.sync_runtime().start_account(self, &view.id);
        Ok(view)
    }

    /// [`Billfold::add_account`], marking the account as a demo one or not.
    pub(crate) async fn add_account_as(&self, input: NewAccount, is_demo: bool) -> Result<AccountView> {
        let input = accounts::validate_new_account(input)?;
        stripe::verify_key(&input.api_base, &input.secret_key).await?;

        let id = uuid::Uuid::new_v4().to_string();
        let slug = self.unique_slug(&accounts::slugify(&input.name))?;
        let account = Account {
            id: id.clone(),
            name: input.name,
            slug,
            default_currency: input.default_currency,
            mode: input.mode,
            api_base: input.api_base,
            key_hint: input.secret_key.masked(),
            has_webhook_secret: input.webhook_secret.is_some(),
            created_at: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            is_demo,
        };

        let keychain = self.keychain.clone();
        let (key, hook, key_id) = (input.secret_key, input.webhook_secret, id.clone());
        let stored = blocking(move || {
            keychain.set(&key_id, SecretKind::ApiKey, &key)?;
            if let Some(hook) = hook {
                if let Err(err) = keychain.set(&key_id, SecretKind::WebhookSecret, &hook) {
                    let _ = keychain.delete(&key_id, SecretKind::ApiKey);
                    return Err(err);
                }
            }
            Ok(())
        })
        .await;
        match stored {
            Ok(()) => {}
            // The demo's keys are public fixtures, so a computer without a keychain can still
            // run the demo; real keys never go anywhere but the keychain.
            Err(err) if is_demo && crate::demo::keychain_missing(&err) => {
                tracing::info!(%err, "no usable keychain: the demo account uses its public fixture key");
            }
            Err(err) => return Err(err),
        }

        if let Err(err) = self.store.insert_account(&account) {
            self.forget_secrets(&id).await;
            return Err(err);
        }
        if self.store.active_account_id()?.is_none() {
            self.store.set_active_account(&id)?;
        }
        tracing::info!(account = %id, slug = %account.slug, mode = account.mode.as_str(), "account added");
        self.view(account)
    }

    /// Renames an account.
    pub fn rename_account(&self, id: &str, name: &str) -> Result<AccountView> {
        let name = accounts::validate_name(name)?;
        self.store.rename_account(id, &name)?;
        tracing::info!(account = %id, "account renamed");
        self.view(self.store.get_account(id)?)
    }

    /// Sets, replaces (`Some`) or removes (`None`) an account's webhook signing secret, e.g.
    /// the one `stripe listen` prints. The secret goes to the keychain only.
    pub async fn set_webhook_secret(&self, id: &str, secret: Option<Secret>) -> Result<AccountView> {
        self.store.get_account(id)?;
        if let Some(secret) = &secret {
            accounts::validate_webhook_secret(secret)?;
        }
        let keychain = self.keychain.clone();
        let key_id = id.to_string();
        let has_secret = secret.is_some();
        blocking(move || match secret {
            Some(secret) => keychain.set(&key_id, SecretKind::WebhookSecret, &secret),
            None => keychain.delete(&key_id, SecretKind::WebhookSecret),
        })
        .await?;
        self.store.set_has_webhook_secret(id, has_secret)?;
        tracing::info!(account = %id, has_secret, "webhook signing secret changed");
        self.view(self.store.get_account(id)?)
    }

    /// Makes an account the one the app shows; it stays so after a restart.
    pub fn switch_account(&self, id: &str) -> Result<AccountView> {
        self.store.set_active_account(id)?;
        tracing::info!(account = %id, "switched account");
        self.view(self.store.get_account(id)?)
    }

    /// Removes an account: its keychain entries first (so no secret outlives the row that
    /// names it), then its rows. Another account becomes active if this one was. Removing
    /// the last demo account removes the demo (its emulator and saved data) too.
    pub async fn remove_account(&self, id: &str) -> Result<()> {
        let account = self.store.get_account(id)?;
        self.remove_account_only(id).await?;
        if account.is_demo {
            self.demo_account_removed().await?;
        }
        Ok(())
    }

    /// [`Billfold::remove_account`] without the demo bookkeeping (the demo module's own path).
    pub(crate) async fn remove_account_only(&self, id: &str) -> Result<()> {
        let account = self.store.get_account(id)?;
        let keychain = self.keychain.clone();
        let key_id = id.to_string();
        let forgotten = blocking(move || {
            keychain.delete(&key_id, SecretKind::ApiKey)?;
            keychain.delete(&key_id, SecretKind::WebhookSecret)
        })
        .await;
        match forgotten {
            Ok(()) => {}
            // Without a keychain a demo account never had an entry in one.
            Err(err) if account.is_demo && crate::demo::keychain_missing(&err) => {}
            Err(err) => return Err(err),
        }
        self.store.delete_account(id)?;
        self.forget_gateway(id);
        if self.store.active_account_id()?.is_none() {
            if let Some(next) = self.store.list_accounts()?.first() {
                self.store.set_active_account(&next.id)?;
            }
        }
        tracing::info!(account = %id, "account removed");
        Ok(())
    }

    /// Sync status of one account.
    pub fn sync_status(&self, id: &str) -> Result<SyncStatus> {
        self.store.sync_status(id)
    }

    async fn forget_secrets(&self, id: &str) {
        let keychain = self.keychain.clone();
        let key_id = id.to_string();
        let _ = blocking(move || {
            keychain.delete(&key_id, SecretKind::ApiKey)?;
            keychain.delete(&key_id, SecretKind::WebhookSecret)
        })
        .await;
    }

    fn unique_slug(&self, base: &str) -> Result<String> {
        if !self.store.slug_exists(base)? {
            return Ok(base.to_string());
        }
        for n in 2..1000 {
            let candidate = format!("{base}-{n}");
            if !self.store.slug_exists(&candidate)? {
                return Ok(candidate);
            }
        }
        Err(Error::Conflict(format!("Too many accounts are named like '{base}'.")))
    }
}

/// Runs a blocking keychain call off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| Error::Internal(format!("a background task failed: {err}")))?
}
