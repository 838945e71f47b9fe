//! Payment and refund commands: the cached lists, one payment's detail, and refunding,
//! creating, capturing or canceling a payment exactly once (core checks the input).

use billfold_core::payments::{NewPaymentInput, PaymentDetail, PaymentFilters, PaymentPage, RefundInput, RefundPage};
use billfold_core::store::ListQuery;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's cached payments.
#[tauri::command(async)]
pub fn list_payments(
    state: State<'_, AppState>,
    account_id: String,
    query: ListQuery,
    filters: PaymentFilters,
) -> CommandResult<PaymentPage> {
    state.core()?.list_payments(&account_id, &query, &filters).map_err(|err| err.payload())
}

/// One payment in detail (its charge fetched again for the fee when online).
#[tauri::command]
pub async fn payment_detail(
    state: State<'_, AppState>,
    account_id: String,
    payment_intent_id: String,
) -> CommandResult<PaymentDetail> {
    state.core()?.payment_detail(&account_id, &payment_intent_id).await.map_err(|err| err.payload())
}

/// A page of the account's cached refunds.
#[tauri::command(async)]
pub fn list_refunds(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<RefundPage> {
    state.core()?.list_refunds(&account_id, &query).map_err(|err| err.payload())
}

/// Refunds (part of) a payment exactly once; answers the payment afterwards.
#[tauri::command]
pub async fn refund_payment(
    state: State<'_, AppState>,
    account_id: String,
    input: RefundInput,
) -> CommandResult<PaymentDetail> {
    state.core()?.refund_payment(&account_id, input).await.map_err(|err| err.payload())
}

/// Charges a customer's saved payment method exactly once (or only authorizes it).
#[tauri::command]
pub async fn create_payment(
    state: State<'_, AppState>,
    account_id: String,
    input: NewPaymentInput,
) -> CommandResult<PaymentDetail> {
    state.core()?.create_payment(&account_id, input).await.map_err(|err| err.payload())
}

/// Captures an authorized payment.
#[tauri::command]
pub async fn capture_payment(
    state: State<'_, AppState>,
    account_id: String,
    payment_intent_id: String,
) -> CommandResult<PaymentDetail> {
    state.core()?.capture_payment(&account_id, &payment_intent_id).await.map_err(|err| err.payload())
}

/// Cancels a payment that has not gone through.
#[tauri::command]
pub async fn cancel_payment(
    state: State<'_, AppState>,
    account_id: String,
    payment_intent_id: String,
) -> CommandResult<PaymentDetail> {
    state.core()?.cancel_payment(&account_id, &payment_intent_id).await.map_err(|err| err.payload())
}
