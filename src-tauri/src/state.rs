//! The state every command shares: the core service, or why it could not start.

use std::path::PathBuf;

use std::sync::Arc;

use billfold_core::listener::{self, ListenerConfig, ListenerHandle};
use billfold_core::secrets::Keychain;
use billfold_core::sync::SyncSettings;
use billfold_core::{logging, Billfold, Error, ErrorPayload};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::WindowEvents;
use crate::notifications::PluginNotifier;

/// Set to `1` to start straight into the demo accounts (`make demo`).
pub const DEMO_ENV: &str = "BILLFOLD_DEMO";

/// Set up once in `setup`. A start-up failure (say, a database from a newer version) is
/// kept and returned by every command, so the window can say what is wrong instead of
/// the app crashing.
pub struct AppState {
    core: Result<Billfold, ErrorPayload>,
    /// The data folder, known even when the core could not start.
    data_dir: PathBuf,
    /// The log folder.
    log_dir: PathBuf,
    /// The webhook listener while it is enabled.
    listener: tauri::async_runtime::Mutex<Option<ListenerHandle>>,
    /// Held for writing while start-up work the first overview must not miss runs (the demo
    /// asked for by [`DEMO_ENV`]).
    startup: Arc<tauri::async_runtime::RwLock<()>>,
    _log_guard: Option<logging::LogGuard>,
}

impl AppState {
    /// Resolves folders, starts logging, opens the keychain and the database.
    pub fn start<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Self> {
        let platform_data = app.path().app_data_dir()?;
        let data_dir = Billfold::data_dir(platform_data);
        let log_dir = log_dir(app, &data_dir)?;
        let log_guard = match logging::init(&log_dir) {
            Ok(guard) => Some(guard),
            Err(err) => {
                eprintln!("logging to a file is off: {err}");
                None
            }
        };
        tracing::info!(version = env!("CARGO_PKG_VERSION"), data_dir = %data_dir.display(), "Billfold starting");
        Ok(AppState {
            core: open_core(&data_dir),
            data_dir,
            log_dir,
            listener: Default::default(),
            startup: Default::default(),
            _log_guard: log_guard,
        })
    }

    /// A state around an already opened core (tests); logs are taken to be in the data
    /// folder's `logs`, as with `BILLFOLD_DATA_DIR`.
    pub fn with_core(core: Billfold) -> Self {
        let data_dir = core.store().path().parent().map(PathBuf::from).unwrap_or_default();
        AppState {
            log_dir: data_dir.join("logs"),
            data_dir,
            core: Ok(core),
            listener: Default::default(),
            startup: Default::default(),
            _log_guard: None,
        }
    }

    /// Whether the app was started with `BILLFOLD_DEMO=1` (`make demo`).
    pub fn demo_requested() -> bool {
        std::env::var(DEMO_ENV).is_ok_and(|value| value == "1")
    }

    /// Makes the first overview wait until the returned guard is dropped (once the demo
    /// asked for at start is open). Taken in `setup`, before the window can ask.
    pub fn hold_startup(&self) -> Option<impl Send + 'static> {
        self.startup.clone().try_write_owned().ok()
    }

    /// Waits until start-up work the UI depends on is done.
    pub async fn startup_done(&self) {
        drop(self.startup.read().await);
    }

    /// Background work once the window exists: restart the demo emulator if there is a
    /// demo, start polling every account, open the demo if `open_demo`, start the webhook
    /// listener if enabled, and finish operations a crash or kill left unfinished. The first
    /// overview waits for the demo to be open (see [`AppState::hold_startup`]).
    pub async fn start_background<R: Runtime>(&self, app: &AppHandle<R>, open_demo: bool) {
        let Ok(core) = &self.core else { return };
        // Before anything syncs: demo accounts must point at the emulator's new port.
        if let Err(err) = core.resume_demo().await {
            tracing::error!(%err, "the demo could not be restarted");
        }
        let events = WindowEvents::new(app.clone(), PluginNotifier::new(app.clone()));
        if let Err(err) = core.start_sync(Arc::new(events)) {
            tracing::error!(%err, "sync could not start");
        }
        // After the scheduler, so the demo's first sync reports its progress to the window.
        if open_demo {
            match core.start_demo().await {
                Ok(accounts) => tracing::info!(accounts = accounts.len(), "opened the demo"),
                Err(err) => tracing::error!(%err, "the demo could not start"),
            }
        }
        match core.sync_settings() {
            Ok(settings) => {
                if let Err(err) = self.apply_listener_settings(&settings).await {
                    tracing::warn!(%err, "the webhook listener could not start");
                }
            }
            Err(err) => tracing::warn!(%err, "could not read the sync settings"),
        }
        // Last: while Stripe is unreachable each unfinished operation spends its retries, and
        // polling, the demo and the listener should not wait for that.
        match core.resume_operations().await {
            Ok(0) => {}
            Ok(finished) => tracing::info!(finished, "resumed unfinished operations"),
            Err(err) => tracing::warn!(%err, "could not resume unfinished operations"),
        }
    }

    /// Stops the webhook listener, then starts it again if the settings enable it.
    pub async fn apply_listener_settings(&self, settings: &SyncSettings) -> Result<(), Error> {
        let core = self.core.as_ref().map_err(|err| Error::Internal(err.message.clone()))?;
        let mut listener = self.listener.lock().await;
        if let Some(running) = listener.take() {
            running.shutdown().await;
        }
        if settings.listener_enabled {
            let port = u16::try_from(settings.listener_port)
                .map_err(|_| Error::Validation("The listener port must be between 1 and 65535.".into()))?;
            let config = ListenerConfig::from_settings(&settings.listener_bind, port)?;
            if let Some(warning) = config.warning() {
                tracing::warn!(warning, "webhook listener reachable from other machines");
            }
            let handle = listener::start(config, Arc::new(core.clone())).await?;
            tracing::info!(addr = %handle.local_addr(), "webhook listener started");
            *listener = Some(handle);
        }
        Ok(())
    }

    /// The data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The log folder.
    pub fn log_dir(&self) -> &std::path::Path {
        &self.log_dir
    }

    /// The webhook listener's address while it runs.
    pub async fn listener_address(&self) -> Option<String> {
        self.listener.lock().await.as_ref().map(|handle| handle.local_addr().to_string())
    }

    /// The core, or the start-up error.
    pub fn core(&self) -> Result<&Billfold, ErrorPayload> {
        self.core.as_ref().map_err(Clone::clone)
    }
}

fn open_core(data_dir: &std::path::Path) -> Result<Billfold, ErrorPayload> {
    let keychain = Keychain::platform().unwrap_or_else(|err: Error| {
        tracing::warn!(%err, "no system keychain; accounts cannot be added until one is available");
        Keychain::unavailable()
    });
    Billfold::open(data_dir, keychain).map_err(|err| {
        tracing::error!(%err, "cannot open the database");
        err.payload()
    })
}

/// Logs go next to the data when `BILLFOLD_DATA_DIR` is set (tests, portable use), else to
/// the platform's log folder.
fn log_dir<R: Runtime>(app: &AppHandle<R>, data_dir: &std::path::Path) -> tauri::Result<PathBuf> {
    if std::env::var_os(billfold_core::DATA_DIR_ENV).is_some_and(|v| !v.is_empty()) {
        Ok(data_dir.join("logs"))
    } else {
        app.path().app_log_dir()
    }
}
