//! Export commands: an accountant's export or a report's table, written as CSV where the user
//! picks in the native save dialog. Rust opens the dialog itself (the window has no dialog
//! permission), so the webview never names a path to write.
//!
//! Test seam: with [`EXPORT_DIR_ENV`] set when the app starts, no dialog opens and the file
//! goes to that folder under its suggested name (WebDriver cannot drive a native GTK dialog).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use billfold_core::exports::{ExportOutcome, ExportProgress, ExportRequest, ReportTable};
use billfold_core::{Error, ErrorPayload};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;

use super::CommandResult;
use crate::AppState;

/// When set, exports skip the save dialog and write into this folder (end-to-end tests).
pub const EXPORT_DIR_ENV: &str = "BILLFOLD_EXPORT_DIR";

/// The exports' shared state: where to write without a dialog (the test seam), and the
/// cancel switches of the exports running, by the id the window gave each.
#[derive(Default)]
pub struct ExportJobs {
    folder: Option<PathBuf>,
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

impl ExportJobs {
    /// Reads [`EXPORT_DIR_ENV`], the one place it is read.
    pub fn from_env() -> Self {
        ExportJobs { folder: std::env::var_os(EXPORT_DIR_ENV).map(PathBuf::from), ..ExportJobs::default() }
    }

    /// Exports that write into `folder` without a dialog (tests).
    #[cfg(test)]
    pub fn into_folder(folder: &std::path::Path) -> Self {
        ExportJobs { folder: Some(folder.to_path_buf()), ..ExportJobs::default() }
    }

    fn start(&self, id: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut jobs) = self.running.lock() {
            jobs.insert(id.to_string(), flag.clone());
        }
        flag
    }

    fn finish(&self, id: &str) {
        if let Ok(mut jobs) = self.running.lock() {
            jobs.remove(id);
        }
    }

    fn cancel(&self, id: &str) -> bool {
        let jobs = self.running.lock().ok();
        let flag = jobs.as_ref().and_then(|jobs| jobs.get(id));
        flag.map(|flag| flag.store(true, Ordering::Relaxed)).is_some()
    }
}

fn internal(message: impl std::fmt::Display) -> ErrorPayload {
    Error::Internal(message.to_string()).payload()
}

/// Where to write: the test seam's folder, or what the user picks in the save dialog
/// (`None` when the dialog is closed).
async fn choose_target<R: Runtime>(app: &AppHandle<R>, jobs: &ExportJobs, suggested: &str) -> CommandResult<Option<PathBuf>> {
    if let Some(folder) = &jobs.folder {
        return Ok(Some(folder.join(suggested)));
    }
    let dialog = app.dialog().file().set_title("Export CSV").set_file_name(suggested).add_filter("CSV", &["csv"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file()).await.map_err(internal)?;
    picked.map(|path| path.into_path().map_err(internal)).transpose()
}

/// Writes an accountant's export (`request`: kind, from, to, account or all) where the user
/// picks, reporting progress on `on_progress`; `export_id` names it for [`cancel_export`].
#[tauri::command]
pub async fn export_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    jobs: State<'_, ExportJobs>,
    request: Value,
    export_id: String,
    on_progress: Channel<ExportProgress>,
) -> CommandResult<ExportOutcome> {
    // Read here rather than by Tauri, so an unknown kind is a `{code, message}` like the rest.
    let request: ExportRequest = serde_json::from_value(request)
        .map_err(|err| Error::Validation(format!("This export cannot be made: {err}.")).payload())?;
    let core = state.core()?.clone();
    let suggested = core.export_file_name(&request).map_err(|err| err.payload())?;
    let Some(target) = choose_target(&app, &jobs, &suggested).await? else {
        return Ok(ExportOutcome::Canceled);
    };
    let cancel = jobs.start(&export_id);
    let flag = cancel.clone();
    let written = tauri::async_runtime::spawn_blocking(move || {
        core.export_csv(&request, &target, &mut |progress| {
            // The window may be gone; the file is still written.
            let _ = on_progress.send(progress);
        }, &flag)
    })
    .await;
    jobs.finish(&export_id);
    match written.map_err(internal)?.map_err(|err| err.payload())? {
        Some(summary) => Ok(ExportOutcome::Saved(summary)),
        None => Ok(ExportOutcome::Canceled),
    }
}

/// Stops a running export; its file is not written. Answers whether it was running.
#[tauri::command]
pub fn cancel_export(jobs: State<'_, ExportJobs>, export_id: String) -> bool {
    jobs.cancel(&export_id)
}

/// Writes a report's table (see `billfold_core::exports::ReportTable`) where the user picks.
#[tauri::command]
pub async fn export_table<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    jobs: State<'_, ExportJobs>,
    table: Value,
) -> CommandResult<ExportOutcome> {
    let table: ReportTable = serde_json::from_value(table)
        .map_err(|err| Error::Validation(format!("This table cannot be exported: {err}.")).payload())?;
    let core = state.core()?.clone();
    let suggested = core.export_table_file_name(&table).map_err(|err| err.payload())?;
    let Some(target) = choose_target(&app, &jobs, &suggested).await? else {
        return Ok(ExportOutcome::Canceled);
    };
    let written = tauri::async_runtime::spawn_blocking(move || core.export_table(&table, &target)).await;
    Ok(ExportOutcome::Saved(written.map_err(internal)?.map_err(|err| err.payload())?))
}
