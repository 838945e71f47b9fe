//! Subscription commands: list, detail and active recurring prices (cache only), the upcoming
//! invoice and a change's proration preview (Stripe's previews, never recorded), actions, new
//! subscriptions and changes of prices and quantities (each journaled), and the dunning queue
//! (cache only).

use billfold_core::store::ListQuery;
use billfold_core::subscriptions::{
    ChangePreview, DunningRow, NewSubscriptionInput, RecurringPrice, SubscriptionAction, SubscriptionChangeInput,
    SubscriptionDetail, SubscriptionPage, UpcomingInvoice,
};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's cached subscriptions, searched by customer or id.
#[tauri::command(async)]
pub fn list_subscriptions(
    state: State<'_, AppState>,
    account_id: String,
    query: ListQuery,
) -> CommandResult<SubscriptionPage> {
    state.core()?.list_subscriptions(&account_id, &query).map_err(|err| err.payload())
}

/// One cached subscription with its items, invoices, events and allowed actions.
#[tauri::command(async)]
pub fn get_subscription(
    state: State<'_, AppState>,
    account_id: String,
    subscription_id: String,
) -> CommandResult<SubscriptionDetail> {
    state.core()?.subscription_detail(&account_id, &subscription_id).map_err(|err| err.payload())
}

/// The invoice Stripe would issue next for the subscription; `null` when there is none.
#[tauri::command]
pub async fn upcoming_invoice(
    state: State<'_, AppState>,
    account_id: String,
    subscription_id: String,
) -> CommandResult<Option<UpcomingInvoice>> {
    state.core()?.upcoming_invoice(&account_id, &subscription_id).await.map_err(|err| err.payload())
}

/// Runs one action on a subscription exactly once and answers its fresh detail.
#[tauri::command]
pub async fn subscription_action(
    state: State<'_, AppState>,
    account_id: String,
    subscription_id: String,
    action: SubscriptionAction,
) -> CommandResult<SubscriptionDetail> {
    state.core()?.subscription_action(&account_id, &subscription_id, action).await.map_err(|err| err.payload())
}

/// Creates a subscription exactly once and answers its detail.
#[tauri::command]
pub async fn create_subscription(
    state: State<'_, AppState>,
    account_id: String,
    input: NewSubscriptionInput,
) -> CommandResult<SubscriptionDetail> {
    state.core()?.create_subscription(&account_id, input).await.map_err(|err| err.payload())
}

/// What changing the subscription's prices and quantities would bill (Stripe's preview,
/// never recorded); bad input is refused before anything is sent.
#[tauri::command]
pub async fn preview_subscription_change(
    state: State<'_, AppState>,
    account_id: String,
    subscription_id: String,
    input: SubscriptionChangeInput,
) -> CommandResult<ChangePreview> {
    state.core()?.preview_subscription_change(&account_id, &subscription_id, input).await.map_err(|err| err.payload())
}

/// Changes the subscription's prices and quantities exactly once and answers its fresh detail.
#[tauri::command]
pub async fn change_subscription(
    state: State<'_, AppState>,
    account_id: String,
    subscription_id: String,
    input: SubscriptionChangeInput,
) -> CommandResult<SubscriptionDetail> {
    state.core()?.change_subscription(&account_id, &subscription_id, input).await.map_err(|err| err.payload())
}

/// Active recurring prices of the cache (in `currency`, when given) with product names.
#[tauri::command(async)]
pub fn list_recurring_prices(
    state: State<'_, AppState>,
    account_id: String,
    currency: Option<String>,
) -> CommandResult<Vec<RecurringPrice>> {
    state.core()?.list_recurring_prices(&account_id, currency.as_deref()).map_err(|err| err.payload())
}

/// Open invoices of past-due and unpaid subscriptions, most money at risk first (cache only).
#[tauri::command(async)]
pub fn dunning_queue(state: State<'_, AppState>, account_id: String) -> CommandResult<Vec<DunningRow>> {
    state.core()?.dunning_queue(&account_id).map_err(|err| err.payload())
}
