//! Sync commands: run now, cancel, status, settings, and the cached lists.

use billfold_core::store::SyncStatus;
use billfold_core::store::{CustomerPage, InvoicePage, ListQuery, SyncSettings};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// Starts a sync of the account now; progress arrives as `sync-progress` events.
#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>, account_id: String) -> CommandResult<()> {
    state.core()?.sync_now(&account_id).map_err(|err| err.payload())
}

/// Cancels the account's running sync; it resumes where it stopped next time.
#[tauri::command(async)]
pub fn cancel_sync(state: State<'_, AppState>, account_id: String) -> CommandResult<()> {
    state.core()?.cancel_sync(&account_id).map_err(|err| err.payload())
}

/// The account's sync status (off the window's thread, like the lists).
#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>, account_id: String) -> CommandResult<SyncStatus> {
    state.core()?.sync_status(&account_id).map_err(|err| err.payload())
}

/// A page of cached customers. Async, like every list, so a query never runs on the window's
/// thread.
#[tauri::command]
pub async fn list_customers(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<CustomerPage> {
    state.core()?.list_customers(&account_id, &query).map_err(|err| err.payload())
}

/// A page of cached invoices.
#[tauri::command]
pub async fn list_invoices(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<InvoicePage> {
    state.core()?.list_invoices(&account_id, &query).map_err(|err| err.payload())
}

/// Poll interval and webhook listener settings.
#[tauri::command(async)]
pub fn get_sync_settings(state: State<'_, AppState>) -> CommandResult<SyncSettings> {
    state.core()?.sync_settings().map_err(|err| err.payload())
}

/// Saves the settings and (re)starts or stops the webhook listener to match.
#[tauri::command]
pub async fn set_sync_settings(
    state: State<'_, AppState>,
    settings: SyncSettings,
) -> CommandResult<SyncSettings> {
    let saved = state.core()?.set_sync_settings(&settings).map_err(|err| err.payload())?;
    state.apply_listener_settings(&saved).await.map_err(|err| err.payload())?;
    Ok(saved)
}
