//! Export commands through the real IPC path (mock runtime, real capability file, real
//! SQLite): the test seam writes the suggested file into its folder without a dialog, bad
//! requests come back as `{code, message}`, and the window is granted no dialog permission.

use billfold_core::secrets::Keychain;
use billfold_core::Billfold;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use crate::commands::ExportJobs;
use crate::{build_app, AppState};

#[cfg(any(windows, target_os = "android"))]
const APP_URL: &str = "http://tauri.localhost";
#[cfg(not(any(windows, target_os = "android")))]
const APP_URL: &str = "tauri://localhost";

fn invoke(window: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: APP_URL.parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn exports_write_through_the_test_seam_and_refuse_bad_requests_as_code_and_message() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let keychain = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
    let app = build_app(mock_builder()).build(tauri::generate_context!()).unwrap();
    app.manage(AppState::with_core(Billfold::open(data.path(), keychain).unwrap()));
    // What `BILLFOLD_EXPORT_DIR` does when the app starts.
    app.manage(ExportJobs::into_folder(out.path()));
    let main = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let all = json!({ "kind": "credit_notes", "from": "2026-01-01", "to": "2026-03-31" });
    let saved = invoke(&main, "export_csv", json!({ "request": all, "exportId": "e1", "onProgress": "__CHANNEL__:7" })).unwrap();
    let file_name = "billfold-credit-notes-all-accounts-2026-01-01_2026-03-31.csv";
    assert_eq!((saved["status"].as_str(), saved["rows"].as_i64(), saved["file_name"].as_str()), (Some("saved"), Some(0), Some(file_name)));
    let text = std::fs::read_to_string(out.path().join(file_name)).unwrap();
    assert!(text.starts_with("account,credit_note_id,number,created,"), "{text}");

    let table = json!({
        "title": "MRR movements",
        "columns": [{ "name": "month", "kind": "date" }, { "name": "new", "kind": "money" }],
        "rows": [["2026-01", 120000], ["=2026-02", -2500]],
        "currency": "eur",
    });
    let saved = invoke(&main, "export_table", json!({ "table": table })).unwrap();
    assert_eq!((saved["status"].as_str(), saved["rows"].as_i64()), (Some("saved"), Some(2)));
    let text = std::fs::read_to_string(out.path().join("billfold-mrr-movements.csv")).unwrap();
    assert_eq!(text, "month,new,currency\r\n2026-01,1200.00,EUR\r\n'=2026-02,-25.00,EUR\r\n");

    for (cmd, args, code, words) in [
        ("export_csv", json!({ "kind": "invoices", "from": "2026-03-01", "to": "2026-01-01" }), "validation", "after the end date"),
        ("export_csv", json!({ "kind": "ledgers", "from": "2026-01-01", "to": "2026-01-31" }), "validation", "unknown variant"),
        ("export_csv", json!({ "kind": "invoices", "from": "2026-01-01", "to": "2026-01-31", "account_id": "nope" }), "not_found", ""),
        ("export_table", json!({ "title": "", "columns": [], "rows": [] }), "validation", "title"),
        ("export_table", json!({ "title": "T", "columns": [{ "name": "x", "kind": "colour" }], "rows": [] }), "validation", "unknown variant"),
    ] {
        let args = if cmd == "export_csv" {
            json!({ "request": args, "exportId": "e2", "onProgress": "__CHANNEL__:8" })
        } else {
            json!({ "table": args })
        };
        let err = invoke(&main, cmd, args).unwrap_err();
        assert_eq!(err["code"], code, "{cmd}: {err}");
        assert!(err["message"].as_str().unwrap().contains(words), "{cmd}: {err}");
        assert_eq!(err.as_object().unwrap().len(), 2, "exactly {{code, message}}: {err}");
    }
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2, "refused exports write nothing");
    assert_eq!(invoke(&main, "cancel_export", json!({ "exportId": "none-running" })).unwrap(), json!(false));

    // The window opens no dialog itself: the capability grants it no dialog permission, and
    // the plugin's commands are refused.
    let capability = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities/main-window.json")).unwrap();
    assert!(!capability.contains("dialog:"));
    let refused = invoke(&main, "plugin:dialog|save", json!({ "options": {} })).unwrap_err();
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}
