//! Dispute commands: the queue, a dispute's detail, a picked evidence file's name, size and
//! type, and answering a dispute (save or submit evidence, accept; each journaled). Evidence
//! files are read from disk here, never by the webview.

use billfold_core::disputes::{DisputeDetail, DisputePage, EvidenceForm, PickedFile};
use billfold_core::store::ListQuery;
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// A page of the account's dispute queue, open ones by deadline first.
#[tauri::command(async)]
pub fn list_disputes(state: State<'_, AppState>, account_id: String, query: ListQuery) -> CommandResult<DisputePage> {
    state.core()?.list_disputes(&account_id, &query).map_err(|err| err.payload())
}

/// A dispute with its customer and staged evidence.
#[tauri::command(async)]
pub fn dispute_detail(state: State<'_, AppState>, account_id: String, dispute_id: String) -> CommandResult<DisputeDetail> {
    state.core()?.dispute_detail(&account_id, &dispute_id).map_err(|err| err.payload())
}

/// Name, size and type (by its bytes) of a file picked as evidence.
#[tauri::command(async)]
pub fn inspect_evidence_file(path: String) -> CommandResult<PickedFile> {
    billfold_core::disputes::inspect(std::path::Path::new(&path)).map_err(|err| err.payload())
}

/// Stages evidence on an open dispute (picked files read and uploaded first).
#[tauri::command]
pub async fn save_dispute_evidence(
    state: State<'_, AppState>,
    account_id: String,
    dispute_id: String,
    form: EvidenceForm,
) -> CommandResult<DisputeDetail> {
    let input = form.read().map_err(|err| err.payload())?;
    state.core()?.save_dispute_evidence(&account_id, &dispute_id, input).await.map_err(|err| err.payload())
}

/// Sends the evidence (with the form's last changes) to the bank; possible once.
#[tauri::command]
pub async fn submit_dispute_evidence(
    state: State<'_, AppState>,
    account_id: String,
    dispute_id: String,
    form: EvidenceForm,
) -> CommandResult<DisputeDetail> {
    let input = form.read().map_err(|err| err.payload())?;
    state.core()?.submit_dispute_evidence(&account_id, &dispute_id, input).await.map_err(|err| err.payload())
}

/// Accepts an open dispute: it closes as lost, for good.
#[tauri::command]
pub async fn accept_dispute(state: State<'_, AppState>, account_id: String, dispute_id: String) -> CommandResult<DisputeDetail> {
    state.core()?.accept_dispute(&account_id, &dispute_id).await.map_err(|err| err.payload())
}
