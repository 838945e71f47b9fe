//! Billfold's desktop entry point.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `--version` and `--help` answer before Tauri starts: no window, no display needed.
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    if let Some(text) = billfold_lib::cli::answer(&args) {
        println!("{text}");
        return;
    }
    billfold_lib::run();
}
