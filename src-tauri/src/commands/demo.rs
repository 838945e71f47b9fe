//! Demo commands: start, reset and remove the demo accounts, simulate what customers do.

use billfold_core::accounts::AccountView;
use billfold_core::demo::{SimulateAction, SimulationTargets};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// Starts the demo (or finds it running) and makes its first account active; answers the
/// demo accounts. Their first sync reports progress like any account's.
#[tauri::command]
pub async fn start_demo(state: State<'_, AppState>) -> CommandResult<Vec<AccountView>> {
    state
        .core()?
        .start_demo()
        .await
        .map_err(|err| err.payload())
}

/// Back to the initial demo data; answers the new demo accounts.
#[tauri::command]
pub async fn reset_demo(state: State<'_, AppState>) -> CommandResult<Vec<AccountView>> {
    state
        .core()?
        .reset_demo()
        .await
        .map_err(|err| err.payload())
}

/// Removes the demo accounts, the emulator and its saved data.
#[tauri::command]
pub async fn remove_demo(state: State<'_, AppState>) -> CommandResult<()> {
    state
        .core()?
        .remove_demo()
        .await
        .map_err(|err| err.payload())
}

/// Acts as a customer or the card network on a demo account, then syncs it.
#[tauri::command]
pub async fn simulate(
    state: State<'_, AppState>,
    account_id: String,
    action: SimulateAction,
) -> CommandResult<()> {
    state
        .core()?
        .simulate(&account_id, action)
        .await
        .map_err(|err| err.payload())
}

/// What the Simulate menu of a demo account can act on.
#[tauri::command(async)]
pub fn simulation_targets(
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<SimulationTargets> {
    state
        .core()?
        .simulation_targets(&account_id)
        .map_err(|err| err.payload())
}
