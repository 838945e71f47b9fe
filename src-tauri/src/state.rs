//! The state every command shares: the core service, or why it could not start.

use std::path::PathBuf;

use billfold_core::secrets::Keychain;
use billfold_core::{logging, Billfold, Error, ErrorPayload};
use tauri::{AppHandle, Manager, Runtime};

/// Set up once in `setup`. A start-up failure (say, a database from a newer version) is
/// kept and returned by every command, so the window can say what is wrong instead of
/// the app crashing.
pub struct AppState {
    core: Result<Billfold, ErrorPayload>,
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
        Ok(AppState { core: open_core(&data_dir), _log_guard: log_guard })
    }

    /// A state around an already opened core (tests).
    pub fn with_core(core: Billfold) -> Self {
        AppState { core: Ok(core), _log_guard: None }
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
