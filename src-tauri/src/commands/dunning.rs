//! Per-account dunning rule and desktop-notification settings (the rule runs after each sync).

use billfold_core::subscriptions::DunningRule;
use billfold_core::sync::NotificationSettings;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// The account's dunning rule (off unless set).
#[tauri::command(async)]
pub fn get_dunning_rule(state: State<'_, AppState>, account_id: String) -> CommandResult<DunningRule> {
    state.core()?.dunning_rule(&account_id).map_err(|err| err.payload())
}

/// Checks and saves the account's dunning rule; it applies from the account's next sync.
#[tauri::command(async)]
pub fn set_dunning_rule(state: State<'_, AppState>, account_id: String, rule: DunningRule) -> CommandResult<DunningRule> {
    state.core()?.set_dunning_rule(&account_id, &rule).map_err(|err| err.payload())
}

/// The account's desktop-notification switch (on unless turned off).
#[tauri::command(async)]
pub fn get_notification_settings(state: State<'_, AppState>, account_id: String) -> CommandResult<NotificationSettings> {
    state.core()?.notification_settings(&account_id).map_err(|err| err.payload())
}

/// Saves the account's desktop-notification switch.
#[tauri::command(async)]
pub fn set_notification_settings(
    state: State<'_, AppState>,
    account_id: String,
    settings: NotificationSettings,
) -> CommandResult<NotificationSettings> {
    state.core()?.set_notification_settings(&account_id, &settings).map_err(|err| err.payload())
}
