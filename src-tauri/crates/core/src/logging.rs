//! Logging: `tracing` to stderr and to a daily rolling file in the log folder.
//!
//! Nothing secret is ever logged: secrets are [`crate::secrets::Secret`], which prints
//! `<redacted>`. `RUST_LOG` adjusts the filter (default `info`).

use std::path::Path;

/// Flushes the log file when dropped; keep it for the life of the app.
pub use tracing_appender::non_blocking::WorkerGuard as LogGuard;
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::error::{Error, Result};

/// File name prefix of the rolling log files (`billfold.log.2026-11-23`).
pub const LOG_FILE_PREFIX: &str = "billfold.log";

/// Installs the global subscriber. Keep the guard alive for the life of the app: dropping it
/// flushes the file writer.
pub fn init(log_dir: &Path) -> Result<LogGuard> {
    std::fs::create_dir_all(log_dir).map_err(|err| {
        Error::Internal(format!("cannot create the log folder {}: {err}", log_dir.display()))
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .max_log_files(14)
        .build(log_dir)
        .map_err(|err| Error::Internal(format!("cannot open the log file: {err}")))?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(file_writer))
        .try_init()
        .map_err(|err| Error::Internal(format!("logging was already set up: {err}")))?;
    Ok(guard)
}
