//! Account commands: overview, list, add, rename, switch, remove.

use billfold_core::accounts::{AccountView, NewAccount};
use billfold_core::secrets::Secret;
use billfold_core::AppOverview;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// Accounts, the active one and its sync status: the first thing the UI asks for. Waits
/// for a demo asked for at start (`BILLFOLD_DEMO=1`), so the window opens straight into it.
#[tauri::command]
pub async fn app_overview(state: State<'_, AppState>) -> CommandResult<AppOverview> {
    state.startup_done().await;
    state.core()?.overview().map_err(|err| err.payload())
}

/// All accounts.
#[tauri::command(async)]
pub fn list_accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountView>> {
    state.core()?.list_accounts().map_err(|err| err.payload())
}

/// Adds an account after checking its key with Stripe.
#[tauri::command]
pub async fn add_account(state: State<'_, AppState>, input: NewAccount) -> CommandResult<AccountView> {
    state.core()?.add_account(input).await.map_err(|err| err.payload())
}

/// Renames an account.
#[tauri::command(async)]
pub fn rename_account(state: State<'_, AppState>, id: String, name: String) -> CommandResult<AccountView> {
    state.core()?.rename_account(&id, &name).map_err(|err| err.payload())
}

/// Makes an account the active one.
#[tauri::command(async)]
pub fn switch_account(state: State<'_, AppState>, id: String) -> CommandResult<AccountView> {
    state.core()?.switch_account(&id).map_err(|err| err.payload())
}

/// Removes an account and its keychain entries.
#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    state.core()?.remove_account(&id).await.map_err(|err| err.payload())
}

/// Sets, replaces or (with `null`) removes an account's webhook signing secret.
#[tauri::command]
pub async fn set_webhook_secret(
    state: State<'_, AppState>,
    id: String,
    secret: Option<Secret>,
) -> CommandResult<AccountView> {
    state.core()?.set_webhook_secret(&id, secret).await.map_err(|err| err.payload())
}
