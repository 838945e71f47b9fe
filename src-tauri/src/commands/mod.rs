//! IPC commands: each parses its arguments, calls `billfold-core` and returns a DTO or
//! `{code, message}`. Nothing else lives here.

mod accounts;
mod activity;
mod demo;
mod sync;

use billfold_core::ErrorPayload;
use tauri::{ipc::Invoke, Runtime};

/// The error every command returns: `{code, message}` with a stable code.
pub type CommandResult<T> = Result<T, ErrorPayload>;

/// The handler for every Billfold command; `build.rs` lists the same names for permissions.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        accounts::app_overview,
        accounts::list_accounts,
        accounts::add_account,
        accounts::rename_account,
        accounts::switch_account,
        accounts::remove_account,
        accounts::set_webhook_secret,
        sync::sync_now,
        sync::cancel_sync,
        sync::sync_status,
        sync::list_customers,
        sync::list_invoices,
        sync::get_sync_settings,
        sync::set_sync_settings,
        activity::list_request_log,
        demo::start_demo,
        demo::reset_demo,
        demo::remove_demo,
        demo::simulate,
        demo::simulation_targets,
    ]
}
