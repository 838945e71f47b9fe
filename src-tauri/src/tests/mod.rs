//! Shell tests on Tauri's mock runtime with the real capability files, and the check that
//! the committed TypeScript bindings match the Rust types.

mod bindings;
mod commands;
mod exports;
