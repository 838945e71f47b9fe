//! Coupon commands: the cached coupons, and a new coupon created exactly once. Applying a
//! coupon goes through the subscription and draft invoice commands.

use billfold_core::coupons::{CouponRow, NewCouponInput};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// The account's cached coupons, valid ones first.
#[tauri::command(async)]
pub fn list_coupons(state: State<'_, AppState>, account_id: String) -> CommandResult<Vec<CouponRow>> {
    state.core()?.list_coupons(&account_id).map_err(|err| err.payload())
}

/// Creates a coupon exactly once and answers it as cached.
#[tauri::command]
pub async fn create_coupon(
    state: State<'_, AppState>,
    account_id: String,
    input: NewCouponInput,
) -> CommandResult<CouponRow> {
    state.core()?.create_coupon(&account_id, input).await.map_err(|err| err.payload())
}
