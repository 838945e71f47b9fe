//! MRR report commands: MRR with its movements, churn and ARPA per month, MRR now for the
//! dashboard, and the "MRR discounts" setting. All read the cache only; core checks the input.

use billfold_core::mrr::{DiscountMode, MrrNowRow, MrrReport};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// MRR, movements, churn and ARPA from `from_month` to `to_month` (`YYYY-MM`), per currency,
/// for one account or every account (`account_id` null).
#[tauri::command(async)]
pub fn mrr_report(
    state: State<'_, AppState>,
    account_id: Option<String>,
    from_month: String,
    to_month: String,
) -> CommandResult<MrrReport> {
    state.core()?.mrr_report(account_id.as_deref(), &from_month, &to_month).map_err(|err| err.payload())
}

/// MRR now per currency, its change since the end of last month, live subscriptions and
/// paying customers, for one account or every account.
#[tauri::command(async)]
pub fn mrr_now(state: State<'_, AppState>, account_id: Option<String>) -> CommandResult<Vec<MrrNowRow>> {
    state.core()?.mrr_now(account_id.as_deref()).map_err(|err| err.payload())
}

/// The "MRR discounts" setting.
#[tauri::command(async)]
pub fn get_mrr_discounts(state: State<'_, AppState>) -> CommandResult<DiscountMode> {
    state.core()?.mrr_discounts().map_err(|err| err.payload())
}

/// Changes the "MRR discounts" setting.
#[tauri::command(async)]
pub fn set_mrr_discounts(state: State<'_, AppState>, mode: DiscountMode) -> CommandResult<()> {
    state.core()?.set_mrr_discounts(mode).map_err(|err| err.payload())
}
