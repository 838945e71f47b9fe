//! The Tauri shell: builds the app, wires commands to `billfold-core`, nothing more.

pub mod cli;
mod commands;
mod events;
mod notifications;
mod state;

#[cfg(test)]
mod tests;

use tauri::{Manager, Runtime};

pub use state::AppState;

/// Adds Billfold's commands to a builder, for any runtime (the real one, or the mock
/// runtime in tests, which manage their own [`AppState`] and, to export, their own
/// `ExportJobs`).
pub fn build_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        // Save dialogs for exports, opened by the export commands (no webview permission).
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(commands::handler())
}

/// Runs the desktop app.
pub fn run() {
    let app = build_app(tauri::Builder::default()).manage(commands::ExportJobs::from_env()).setup(|app| {
        let state = AppState::start(app.handle())?;
        let open_demo = AppState::demo_requested();
        let startup = if open_demo { state.hold_startup() } else { None };
        app.manage(state);
        let handle = app.handle().clone();
        tauri::async_runtime::spawn(async move {
            let state = handle.state::<AppState>();
            state.start_background(&handle, open_demo).await;
            drop(startup);
        });
        Ok(())
    });
    match app.build(tauri::generate_context!()) {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                // The demo emulator is also saved on a timer; this keeps the last seconds.
                if let Some(core) = handle.try_state::<AppState>().and_then(|state| state.core().ok().cloned()) {
                    core.save_demo();
                }
            }
        }),
        Err(err) => {
            eprintln!("Billfold could not start: {err}");
            std::process::exit(1);
        }
    }
}
