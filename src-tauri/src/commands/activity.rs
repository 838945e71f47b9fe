//! The API log (what Billfold asked Stripe, attempt by attempt) and the audit trail (every
//! write Billfold made, one row per operation).

use billfold_core::gateway::RequestLogEntry;
use billfold_core::journal::OperationEntry;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// An account's request log, newest first; pass the last id seen as `before_id` for more.
#[tauri::command(async)]
pub fn list_request_log(
    state: State<'_, AppState>,
    account_id: String,
    limit: u32,
    before_id: Option<i64>,
) -> CommandResult<Vec<RequestLogEntry>> {
    state.core()?.request_log(&account_id, limit, before_id).map_err(|err| err.payload())
}

/// An account's operations (writes to Stripe), newest first; pass the last `seq` seen as
/// `before` for more.
#[tauri::command(async)]
pub fn list_operations(
    state: State<'_, AppState>,
    account_id: String,
    limit: u32,
    before: Option<i64>,
) -> CommandResult<Vec<OperationEntry>> {
    state.core()?.operation_log(&account_id, limit, before).map_err(|err| err.payload())
}
