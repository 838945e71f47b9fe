//! About and diagnostics: the version and folders, the diagnostics report a user can hand
//! over, and opening Billfold's own data or log folder. All work when the core could not start.

use std::path::Path;

use billfold_core::diagnostics::{self, AboutInfo, Environment};
use billfold_core::Error;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use super::CommandResult;
use crate::AppState;

/// The version and the folders Settings → About shows.
#[tauri::command]
pub fn about_info(state: State<'_, AppState>) -> CommandResult<AboutInfo> {
    Ok(AboutInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir().display().to_string(),
        log_dir: state.log_dir().display().to_string(),
    })
}

/// The diagnostics report as plain text: versions, folders, accounts by slug and their sync,
/// recent log warnings; no keys, secrets, names, e-mails or amounts.
#[tauri::command]
pub async fn diagnostics(state: State<'_, AppState>) -> CommandResult<String> {
    let env = Environment {
        app_version: env!("CARGO_PKG_VERSION").into(),
        components: components(),
        data_dir: state.data_dir().to_path_buf(),
        log_dir: state.log_dir().to_path_buf(),
        listener_address: state.listener_address().await,
    };
    let core = state.core().cloned();
    // It reads the database and the log files: off the async workers.
    tauri::async_runtime::spawn_blocking(move || diagnostics::report(&env, core.as_ref()))
        .await
        .map_err(|err| Error::Internal(format!("the diagnostics could not be gathered: {err}")).payload())
}

/// Opens Billfold's data folder (`folder = "data"`) or log folder (`"logs"`) in the system
/// file manager. The window names one of the two, never a path.
#[tauri::command]
pub fn open_app_folder<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, folder: String) -> CommandResult<()> {
    let path = app_folder(&state, &folder).map_err(|err| err.payload())?;
    std::fs::create_dir_all(path)
        .map_err(|err| Error::Store(format!("cannot create {}: {err}", path.display())).payload())?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|err| Error::Internal(format!("the folder could not be opened: {err}")).payload())
}

/// The folder a name stands for; anything but `data` and `logs` is refused.
fn app_folder<'a>(state: &'a AppState, name: &str) -> Result<&'a Path, Error> {
    match name {
        "data" => Ok(state.data_dir()),
        "logs" => Ok(state.log_dir()),
        _ => Err(Error::Validation("Only Billfold's data or logs folder can be opened.".into())),
    }
}

/// Tauri's version and the web view's (WebKitGTK, WKWebView or WebView2), when it can tell.
fn components() -> Vec<(String, String)> {
    let mut components = vec![("Tauri".to_string(), tauri::VERSION.to_string())];
    let webview = if cfg!(target_os = "linux") {
        "WebKitGTK"
    } else if cfg!(target_os = "macos") {
        "WKWebView"
    } else {
        "WebView2"
    };
    if let Ok(version) = tauri::webview_version() {
        components.push((webview.to_string(), version));
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use billfold_core::secrets::Keychain;
    use billfold_core::Billfold;

    #[test]
    fn only_the_data_and_logs_folders_can_be_named() {
        let data = tempfile::tempdir().unwrap();
        let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
        let state = AppState::with_core(Billfold::open(data.path(), keychain).unwrap());
        assert_eq!(app_folder(&state, "data").unwrap(), data.path());
        assert_eq!(app_folder(&state, "logs").unwrap(), data.path().join("logs"));
        for other in ["", "Data", "/etc", "../data", "data/..", "downloads"] {
            assert_eq!(app_folder(&state, other).unwrap_err().code(), billfold_core::ErrorCode::Validation, "{other}");
        }
    }
}
