//! Balance and payouts commands: the payouts list, a payout's detail (its transactions
//! fetched the first time), its CSV, and the account's balance.

use billfold_core::payouts::{AccountBalance, PayoutDetail, PayoutPage};
use billfold_core::store::ListQuery;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's cached payouts, searched by id, filtered by status.
#[tauri::command(async)]
pub fn list_payouts(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<PayoutPage> {
    state.core()?.list_payouts(&account_id, &query).map_err(|err| err.payload())
}

/// A cached payout with its balance transactions and their sums; the transactions are
/// fetched from Stripe the first time and read from the cache after.
#[tauri::command]
pub async fn payout_detail(state: State<'_, AppState>, account_id: String, payout_id: String) -> CommandResult<PayoutDetail> {
    state.core()?.payout_detail(&account_id, &payout_id).await.map_err(|err| err.payload())
}

/// A payout's transactions as CSV text, for the UI to save.
#[tauri::command]
pub async fn export_payout_csv(state: State<'_, AppState>, account_id: String, payout_id: String) -> CommandResult<String> {
    state.core()?.export_payout_csv(&account_id, &payout_id).await.map_err(|err| err.payload())
}

/// The account's balance per currency from Stripe, or the one kept last (marked stale) when
/// Stripe cannot be reached.
#[tauri::command]
pub async fn account_balance(state: State<'_, AppState>, account_id: String) -> CommandResult<AccountBalance> {
    state.core()?.account_balance(&account_id).await.map_err(|err| err.payload())
}
