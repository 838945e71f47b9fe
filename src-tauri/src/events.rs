//! Core notifications to the window as Tauri events: `sync-progress`, `sync-status` and
//! `data-changed`, so open views refresh without a reload.

use billfold_core::store::SyncStatus;
use billfold_core::sync::{DataChanged, SyncObserver, SyncProgress};
use tauri::{AppHandle, Emitter, Runtime};

/// Emits every sync notification to all windows.
pub struct WindowEvents<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> WindowEvents<R> {
    /// Emits through this app.
    pub fn new(app: AppHandle<R>) -> Self {
        WindowEvents { app }
    }

    fn emit<T: serde::Serialize + Clone>(&self, name: &str, payload: &T) {
        if let Err(err) = self.app.emit(name, payload.clone()) {
            tracing::warn!(%err, event = name, "could not notify the window");
        }
    }
}

impl<R: Runtime> SyncObserver for WindowEvents<R> {
    fn progress(&self, progress: &SyncProgress) {
        self.emit("sync-progress", progress);
    }

    fn status(&self, status: &SyncStatus) {
        self.emit("sync-status", status);
    }

    fn data_changed(&self, change: &DataChanged) {
        self.emit("data-changed", change);
    }
}
