//! Customer commands: the detail view (from the cache), create and edit (journaled), the
//! same-email look-up, what a customer view asks Stripe for when it opens, and credits or
//! debits to a customer's balance.

use billfold_core::customers::{BalanceAdjustmentInput, CustomerDetail, CustomerInput};
use billfold_core::store::{BalanceTransactionRow, CustomerRow};
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

/// Fetches the customer's balance ledger from Stripe, replaces the cached one with it and
/// answers it (newest first).
#[tauri::command]
pub async fn refresh_customer_balance_transactions(
    state: State<'_, AppState>,
    account_id: String,
    customer_id: String,
) -> CommandResult<Vec<BalanceTransactionRow>> {
    state
        .core()?
        .refresh_customer_balance_transactions(&account_id, &customer_id)
        .await
        .map_err(|err| err.payload())
}

/// Credits (negative amount) or debits the customer's balance, exactly once, and answers the
/// new ledger row; the cached customer's balance follows.
#[tauri::command]
pub async fn add_customer_balance_transaction(
    state: State<'_, AppState>,
    account_id: String,
    customer_id: String,
    input: BalanceAdjustmentInput,
) -> CommandResult<BalanceTransactionRow> {
    state
        .core()?
        .add_customer_balance_transaction(&account_id, &customer_id, input)
        .await
        .map_err(|err| err.payload())
}

/// A customer's detail from the cache (no request).
#[tauri::command(async)]
pub fn get_customer(state: State<'_, AppState>, account_id: String, customer_id: String) -> CommandResult<CustomerDetail> {
    state.core()?.customer_detail(&account_id, &customer_id).map_err(|err| err.payload())
}

/// Creates a customer exactly once and answers its detail.
#[tauri::command]
pub async fn create_customer(
    state: State<'_, AppState>,
    account_id: String,
    input: CustomerInput,
) -> CommandResult<CustomerDetail> {
    state.core()?.create_customer(&account_id, input).await.map_err(|err| err.payload())
}

/// Updates a customer (every field of the form; an empty one clears it) and answers its detail.
#[tauri::command]
pub async fn update_customer(
    state: State<'_, AppState>,
    account_id: String,
    customer_id: String,
    input: CustomerInput,
) -> CommandResult<CustomerDetail> {
    state.core()?.update_customer(&account_id, &customer_id, input).await.map_err(|err| err.payload())
}

/// The cached customers with exactly this email, whatever the case (the duplicate warning).
#[tauri::command(async)]
pub fn customers_with_email(state: State<'_, AppState>, account_id: String, email: String) -> CommandResult<Vec<CustomerRow>> {
    state.core()?.customers_with_email(&account_id, &email).map_err(|err| err.payload())
}
