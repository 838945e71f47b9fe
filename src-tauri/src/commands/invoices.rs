//! Invoice commands: the invoice view (read from the cache), its actions, new, edited and
//! duplicated drafts, the catalog prices a draft can use, reminders, CSV and links.

use billfold_core::invoices::{
    BulkResult, CatalogPrice, DraftChanges, InvoiceActionKind, InvoiceDetail, NewInvoiceInput,
};
use billfold_core::Error;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::CommandResult;
use crate::AppState;

/// One cached invoice with its lines, payments, credit notes, timeline and allowed actions.
/// No request to Stripe.
#[tauri::command(async)]
pub fn get_invoice(state: State<'_, AppState>, account_id: String, invoice_id: String) -> CommandResult<InvoiceDetail> {
    state.core()?.invoice_detail(&account_id, &invoice_id).map_err(|err| err.payload())
}

/// Runs one action the invoice's state allows (refused up front otherwise), exactly once;
/// answers the fresh detail.
#[tauri::command]
pub async fn invoice_action(
    state: State<'_, AppState>,
    account_id: String,
    invoice_id: String,
    action: InvoiceActionKind,
) -> CommandResult<InvoiceDetail> {
    state.core()?.invoice_action(&account_id, &invoice_id, action).await.map_err(|err| err.payload())
}

/// Creates a draft invoice; answers its detail.
#[tauri::command]
pub async fn create_invoice(
    state: State<'_, AppState>,
    account_id: String,
    input: NewInvoiceInput,
) -> CommandResult<InvoiceDetail> {
    state.core()?.create_invoice(&account_id, input).await.map_err(|err| err.payload())
}

/// Changes a draft's terms and lines; answers its detail.
#[tauri::command]
pub async fn update_draft_invoice(
    state: State<'_, AppState>,
    account_id: String,
    invoice_id: String,
    changes: DraftChanges,
) -> CommandResult<InvoiceDetail> {
    state.core()?.update_draft_invoice(&account_id, &invoice_id, changes).await.map_err(|err| err.payload())
}

/// A new draft with the same customer, terms and lines; answers its detail.
#[tauri::command]
pub async fn duplicate_invoice(
    state: State<'_, AppState>,
    account_id: String,
    invoice_id: String,
) -> CommandResult<InvoiceDetail> {
    state.core()?.duplicate_invoice(&account_id, &invoice_id).await.map_err(|err| err.payload())
}

/// Active one-off prices from the cache, in one currency when given.
#[tauri::command(async)]
pub fn list_catalog_prices(
    state: State<'_, AppState>,
    account_id: String,
    currency: Option<String>,
) -> CommandResult<Vec<CatalogPrice>> {
    state.core()?.list_catalog_prices(&account_id, currency.as_deref()).map_err(|err| err.payload())
}

/// Emails each invoice again; one result per invoice.
#[tauri::command]
pub async fn send_invoice_reminders(
    state: State<'_, AppState>,
    account_id: String,
    invoice_ids: Vec<String>,
) -> CommandResult<Vec<BulkResult>> {
    state.core()?.send_invoice_reminders(&account_id, &invoice_ids).await.map_err(|err| err.payload())
}

/// The cached invoices as CSV text.
#[tauri::command(async)]
pub fn export_invoices_csv(
    state: State<'_, AppState>,
    account_id: String,
    invoice_ids: Vec<String>,
) -> CommandResult<String> {
    state.core()?.export_invoices_csv(&account_id, &invoice_ids).map_err(|err| err.payload())
}

/// Opens the invoice's hosted page (`which = "hosted"`) or PDF (`"pdf"`) in the system
/// browser, after the core checked the URL is Stripe's (or the account's own API host).
#[tauri::command]
pub fn open_invoice_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    invoice_id: String,
    which: String,
) -> CommandResult<()> {
    let url = state.core()?.invoice_link(&account_id, &invoice_id, &which).map_err(|err| err.payload())?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|err| Error::Internal(format!("the browser could not be opened: {err}")).payload())
}
