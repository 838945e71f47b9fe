//! Core notifications to the window as Tauri events: `sync-progress`, `sync-status` and
//! `data-changed`, so open views refresh without a reload; notices about failed payments go to
//! the desktop instead (see [`crate::notifications`]).

use std::sync::Arc;

use billfold_core::store::SyncStatus;
use billfold_core::sync::{DataChanged, Notice, SyncObserver, SyncProgress};
use tauri::{AppHandle, Emitter, Runtime};

use crate::notifications::DesktopNotifier;

/// Emits every sync notification to all windows and shows notices on the desktop.
pub struct WindowEvents<R: Runtime> {
    app: AppHandle<R>,
    notifier: Arc<dyn DesktopNotifier>,
}

impl<R: Runtime> WindowEvents<R> {
    /// Emits through this app and shows notices through `notifier`.
    pub fn new(app: AppHandle<R>, notifier: Arc<dyn DesktopNotifier>) -> Self {
        WindowEvents { app, notifier }
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

    fn notices(&self, notices: &[Notice]) {
        for notice in notices {
            self.notifier.show(notice);
        }
    }
}
