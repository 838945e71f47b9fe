//! Desktop notifications: core decides what to tell ([`Notice`]), this shows it. They are sent
//! from Rust only, through `tauri-plugin-notification`; the window is granted none of the
//! plugin's commands (least permission: a page can neither show nor ask to show one).

use std::sync::Arc;

use billfold_core::sync::Notice;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Shows desktop notifications; swapped for a recorder in tests.
pub trait DesktopNotifier: Send + Sync {
    /// Shows one notification. Failing to show one is logged, never an error of the sync.
    fn show(&self, notice: &Notice);
}

/// The operating system's notifications, through the plugin.
pub struct PluginNotifier<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> PluginNotifier<R> {
    /// Shows through this app (the plugin must be registered on it).
    pub fn new(app: AppHandle<R>) -> Arc<Self> {
        Arc::new(PluginNotifier { app })
    }
}

impl<R: Runtime> DesktopNotifier for PluginNotifier<R> {
    fn show(&self, notice: &Notice) {
        let shown = self.app.notification().builder().title(&notice.title).body(&notice.body).show();
        match shown {
            Ok(()) => tracing::info!(account = %notice.account_id, event = %notice.event_id, "desktop notification shown"),
            Err(err) => tracing::warn!(account = %notice.account_id, %err, "could not show a desktop notification"),
        }
    }
}
