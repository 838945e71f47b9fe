//! Purchase-order commands: list, read, create, edit, issue, payments, resend, cancel,
//! links, CSV import and export.

use billfold_core::po::{
    CsvImportReport, NewPayment, PoInput, PoListQuery, PoPage, PurchaseOrder,
};
use billfold_core::Error;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::CommandResult;
use crate::AppState;

/// A page of POs: search, status and overdue filters, sort, overdue first by default.
#[tauri::command]
pub async fn list_purchase_orders(state: State<'_, AppState>, account_id: String, query: PoListQuery) -> CommandResult<PoPage> {
    state.core()?.list_purchase_orders(&account_id, &query).map_err(|err| err.payload())
}

/// One PO with its lines, payments, timeline and audit trail.
#[tauri::command(async)]
pub fn get_purchase_order(state: State<'_, AppState>, account_id: String, po_id: String) -> CommandResult<PurchaseOrder> {
    state.core()?.purchase_order(&account_id, &po_id).map_err(|err| err.payload())
}

/// Saves a new draft PO.
#[tauri::command(async)]
pub fn create_purchase_order(state: State<'_, AppState>, account_id: String, input: PoInput) -> CommandResult<PurchaseOrder> {
    state.core()?.create_purchase_order(&account_id, input).map_err(|err| err.payload())
}

/// Changes a draft PO.
#[tauri::command(async)]
pub fn update_purchase_order(
    state: State<'_, AppState>,
    account_id: String,
    po_id: String,
    input: PoInput,
) -> CommandResult<PurchaseOrder> {
    state.core()?.update_purchase_order(&account_id, &po_id, input).map_err(|err| err.payload())
}

/// Issues the PO's Stripe invoice (exactly once; asking again resumes).
#[tauri::command]
pub async fn issue_purchase_order(state: State<'_, AppState>, account_id: String, po_id: String) -> CommandResult<PurchaseOrder> {
    state.core()?.issue_purchase_order(&account_id, &po_id).await.map_err(|err| err.payload())
}

/// Records a cheque, wire, ACH or other payment received outside Stripe.
#[tauri::command]
pub async fn record_po_payment(
    state: State<'_, AppState>,
    account_id: String,
    po_id: String,
    payment: NewPayment,
) -> CommandResult<PurchaseOrder> {
    state.core()?.record_po_payment(&account_id, &po_id, payment).await.map_err(|err| err.payload())
}

/// Has Stripe email the invoice again.
#[tauri::command]
pub async fn resend_po_invoice(state: State<'_, AppState>, account_id: String, po_id: String) -> CommandResult<PurchaseOrder> {
    state.core()?.resend_po_invoice(&account_id, &po_id).await.map_err(|err| err.payload())
}

/// Cancels the PO: voids its open invoice or deletes its draft in Stripe.
#[tauri::command]
pub async fn cancel_purchase_order(state: State<'_, AppState>, account_id: String, po_id: String) -> CommandResult<PurchaseOrder> {
    state.core()?.cancel_purchase_order(&account_id, &po_id).await.map_err(|err| err.payload())
}

/// Opens the invoice's hosted page (`which = "hosted"`) or PDF (`"pdf"`) in the system
/// browser, after the core checked the URL is Stripe's (or the account's own API host).
#[tauri::command]
pub fn open_po_link<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
    po_id: String,
    which: String,
) -> CommandResult<()> {
    let url = state.core()?.po_link(&account_id, &po_id, &which).map_err(|err| err.payload())?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|err| Error::Internal(format!("the browser could not be opened: {err}")).payload())
}

/// Imports POs from CSV text: all or nothing, with a per-row error report.
#[tauri::command(async)]
pub fn import_purchase_orders_csv(state: State<'_, AppState>, account_id: String, csv: String) -> CommandResult<CsvImportReport> {
    state.core()?.import_purchase_orders_csv(&account_id, &csv).map_err(|err| err.payload())
}

/// Writes every PO of the account to a CSV file in the Downloads folder; returns its path.
#[tauri::command(async)]
pub fn export_purchase_orders_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<String> {
    let core = state.core()?;
    let text = core.export_purchase_orders_csv(&account_id).map_err(|err| err.payload())?;
    save_export(&app, core, &account_id, "purchase-orders", &text).map_err(|err| err.payload())
}

/// Writes every PO payment of the account to a CSV file in the Downloads folder.
#[tauri::command(async)]
pub fn export_po_payments_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    account_id: String,
) -> CommandResult<String> {
    let core = state.core()?;
    let text = core.export_po_payments_csv(&account_id).map_err(|err| err.payload())?;
    save_export(&app, core, &account_id, "po-payments", &text).map_err(|err| err.payload())
}

/// `<Downloads>/billfold-<what>-<account slug>-<date>.csv` (the data folder's `exports`
/// when the platform has no Downloads folder); never overwrites an earlier export.
fn save_export<R: Runtime>(
    app: &AppHandle<R>,
    core: &billfold_core::Billfold,
    account_id: &str,
    what: &str,
    text: &str,
) -> Result<String, Error> {
    let slug = core.store().get_account(account_id)?.slug;
    let folder = app
        .path()
        .download_dir()
        .or_else(|_| app.path().app_data_dir().map(|dir| dir.join("exports")))
        .map_err(|err| Error::Internal(format!("no folder to save the export in: {err}")))?;
    std::fs::create_dir_all(&folder)
        .map_err(|err| Error::Store(format!("cannot create {}: {err}", folder.display())))?;
    let date = chrono::Local::now().format("%Y-%m-%d");
    let mut path = folder.join(format!("billfold-{what}-{slug}-{date}.csv"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("billfold-{what}-{slug}-{date}-{n}.csv"));
        n += 1;
    }
    std::fs::write(&path, text).map_err(|err| Error::Store(format!("cannot write {}: {err}", path.display())))?;
    tracing::info!(path = %path.display(), "export written");
    Ok(path.display().to_string())
}
