//! Customer commands: what a customer view asks Stripe for when it opens.

use billfold_core::sync::PaymentMethodRow;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// Fetches the customer's payment methods from Stripe, refreshes the cache with them and
/// answers them (newest first). Events keep them fresh afterwards.
#[tauri::command]
pub async fn refresh_customer_payment_methods(
    state: State<'_, AppState>,
    account_id: String,
    customer_id: String,
) -> CommandResult<Vec<PaymentMethodRow>> {
    state
        .core()?
        .refresh_customer_payment_methods(&account_id, &customer_id)
        .await
        .map_err(|err| err.payload())
}
