//! Credit note commands: list, preview (never recorded), issue and void (each journaled).

use billfold_core::credit_notes::{CreditNoteInput, CreditNotePage, CreditNotePreview, CreditNoteRow};
use billfold_core::store::ListQuery;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's cached credit notes, searched by number, customer or invoice.
#[tauri::command(async)]
pub fn list_credit_notes(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<CreditNotePage> {
    state.core()?.list_credit_notes(&account_id, &query).map_err(|err| err.payload())
}

/// What a credit note would be, from Stripe's preview, after the same checks as issuing it.
#[tauri::command]
pub async fn preview_credit_note(
    state: State<'_, AppState>,
    account_id: String,
    input: CreditNoteInput,
) -> CommandResult<CreditNotePreview> {
    state.core()?.preview_credit_note(&account_id, input).await.map_err(|err| err.payload())
}

/// Issues a credit note exactly once and answers its row; the invoice (and customer) follow
/// in the cache.
#[tauri::command]
pub async fn create_credit_note(
    state: State<'_, AppState>,
    account_id: String,
    input: CreditNoteInput,
) -> CommandResult<CreditNoteRow> {
    state.core()?.create_credit_note(&account_id, input).await.map_err(|err| err.payload())
}

/// Voids an issued credit note exactly once and answers its row.
#[tauri::command]
pub async fn void_credit_note(
    state: State<'_, AppState>,
    account_id: String,
    credit_note_id: String,
) -> CommandResult<CreditNoteRow> {
    state.core()?.void_credit_note(&account_id, &credit_note_id).await.map_err(|err| err.payload())
}
