//! Diagnostics a user can hand over: a plain-text report of versions, folders, the database,
//! accounts and their sync, the webhook listener, unfinished operations and recent log
//! warnings.
//!
//! The report never holds keys, secrets, account or customer names, e-mails or amounts:
//! accounts appear by slug, and every free text (sync errors, operation errors, log lines)
//! goes through [`Scrubber`] first.

mod logs;
pub mod scrub;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use ts_rs::TS;

use crate::accounts::{Account, DEFAULT_API_BASE};
use crate::error::ErrorPayload;
use crate::store::{DATABASE_FILE, SCHEMA_VERSION};
use crate::Billfold;

pub use logs::{recent_problems, LogProblem};
pub use scrub::Scrubber;

/// How many recent log warnings and errors a report shows.
pub const LOG_LINES: usize = 20;
/// How many unfinished operations a report lists one by one.
const OPERATION_LINES: usize = 10;

/// What Settings → About shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AboutInfo {
    /// Billfold's version.
    pub version: String,
    /// The folder holding the database (and the demo's saved data).
    pub data_dir: String,
    /// The folder holding the log files.
    pub log_dir: String,
}

/// What the app shell knows that the core does not: versions and folders.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Billfold's version.
    pub app_version: String,
    /// Other components by name and version, e.g. `("Tauri", "2.12.5")`.
    pub components: Vec<(String, String)>,
    /// The data folder.
    pub data_dir: PathBuf,
    /// The log folder.
    pub log_dir: PathBuf,
    /// The webhook listener's address while it runs.
    pub listener_address: Option<String>,
}

/// Builds the report. `core` is the start-up error when the database could not be opened;
/// the report then says so and shows what it can without it. A part that cannot be read
/// says why instead of failing the whole report.
pub fn report(env: &Environment, core: Result<&Billfold, &ErrorPayload>) -> String {
    let accounts = match core {
        Ok(core) => core.store().list_accounts(),
        Err(_) => Ok(Vec::new()),
    };
    let scrubber = Scrubber::new(
        accounts.as_deref().unwrap_or_default().iter().map(|account| (account.name.as_str(), account.slug.as_str())),
    );
    let mut out = Report::default();
    out.line("Billfold diagnostics");
    out.line(format!("Generated: {}", Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)));
    out.line("Keys, secrets, account and customer names, e-mails and amounts are left out; error and log");
    out.line("texts are scrubbed of them. Read it before sending it on.");

    out.section("App");
    out.line(format!("Billfold: {}", env.app_version));
    for (name, version) in &env.components {
        out.line(format!("{name}: {version}"));
    }
    out.line(format!("OS: {}", os_description()));

    out.section("Folders and database");
    out.line(format!("Data folder: {}", env.data_dir.display()));
    out.line(format!("Log folder: {}", env.log_dir.display()));
    out.line(format!("Database: {}", database_description(&env.data_dir.join(DATABASE_FILE))));
    match core {
        Ok(_) => out.line("Start-up: the database opened"),
        Err(err) => out.line(format!("Start-up: failed ({:?}): {}", err.code, scrubber.scrub(&err.message))),
    }

    if let Ok(core) = core {
        settings_section(&mut out, core, env);
        match &accounts {
            Ok(accounts) => accounts_section(&mut out, core, accounts, &scrubber),
            Err(err) => {
                out.section("Accounts");
                out.line(format!("(could not be read: {})", scrubber.scrub(&err.to_string())));
            }
        }
        journal_section(&mut out, core, accounts.as_deref().unwrap_or_default(), &scrubber);
    }

    out.section(&format!("Recent warnings and errors (last {LOG_LINES} in the log, oldest first)"));
    match recent_problems(&env.log_dir, LOG_LINES) {
        Ok(problems) if problems.is_empty() => out.line("(none)"),
        Ok(problems) => {
            for problem in problems {
                out.line(format!("{} {} {}", problem.time, problem.level, scrubber.scrub(&problem.text)));
            }
        }
        Err(err) => out.line(format!("(the log folder could not be read: {})", err.kind())),
    }
    out.finish()
}

/// The report's lines, with a blank line and a heading per section.
#[derive(Default)]
struct Report {
    lines: Vec<String>,
}

impl Report {
    fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    fn section(&mut self, title: &str) {
        self.lines.push(String::new());
        self.lines.push(format!("== {title} =="));
    }

    fn finish(self) -> String {
        let mut text = self.lines.join("\n");
        text.push('\n');
        text
    }
}

fn settings_section(out: &mut Report, core: &Billfold, env: &Environment) {
    out.section("Sync settings");
    match core.store().sync_settings() {
        Ok(settings) => {
            out.line(format!("Poll interval: {} s", settings.poll_interval_secs));
            let running = match &env.listener_address {
                Some(address) => format!("running on {address}"),
                None => "not running".into(),
            };
            if settings.listener_enabled {
                out.line(format!(
                    "Webhook listener: enabled on {}:{}, {running}",
                    settings.listener_bind, settings.listener_port
                ));
            } else {
                out.line(format!("Webhook listener: disabled, {running}"));
            }
        }
        Err(err) => out.line(format!("(could not be read: {err})")),
    }
}

fn accounts_section(out: &mut Report, core: &Billfold, accounts: &[Account], scrubber: &Scrubber) {
    out.section(&format!("Accounts ({})", accounts.len()));
    if accounts.is_empty() {
        out.line("(none)");
    }
    let active = core.store().active_account_id().ok().flatten();
    let when = |time: &Option<String>| time.clone().unwrap_or_else(|| "never".into());
    for account in accounts {
        let api = if account.is_demo {
            "demo emulator"
        } else if account.api_base == DEFAULT_API_BASE {
            "Stripe"
        } else {
            "custom API base"
        };
        out.line(format!(
            "- {}{}: {} mode, demo: {}, API: {api}, webhook secret: {}",
            account.slug,
            if active.as_deref() == Some(account.id.as_str()) { " (active)" } else { "" },
            account.mode.as_str(),
            yes_no(account.is_demo),
            yes_no(account.has_webhook_secret),
        ));
        match core.store().sync_status(&account.id) {
            Ok(status) => {
                out.line(format!(
                    "  sync: {}, last attempt {}, last success {}, objects synced {}, next poll {}",
                    status.state.as_str(),
                    when(&status.last_attempt_at),
                    when(&status.last_success_at),
                    status.objects_synced,
                    status.next_poll_at.as_deref().unwrap_or("not scheduled"),
                ));
                if let Some(error) = &status.last_error {
                    out.line(format!("  last error: {}", scrubber.scrub(error)));
                }
            }
            Err(err) => out.line(format!("  sync: (could not be read: {})", scrubber.scrub(&err.to_string()))),
        }
    }
}

fn journal_section(out: &mut Report, core: &Billfold, accounts: &[Account], scrubber: &Scrubber) {
    out.section("Operations journal");
    let operations = match crate::journal::unfinished(core.store()) {
        Ok(operations) => operations,
        Err(err) => {
            out.line(format!("(could not be read: {})", scrubber.scrub(&err.to_string())));
            return;
        }
    };
    out.line(format!("Unfinished operations: {}", operations.len()));
    for operation in operations.iter().take(OPERATION_LINES) {
        let slug = accounts
            .iter()
            .find(|account| account.id == operation.account_id)
            .map_or("(removed account)", |account| account.slug.as_str());
        let error = operation.error.as_deref().map(|error| format!(", last error: {}", scrubber.scrub(error)));
        out.line(format!(
            "- {} on {slug}, at step {}{}",
            operation.kind.as_str(),
            operation.step,
            error.unwrap_or_default()
        ));
    }
    if operations.len() > OPERATION_LINES {
        out.line(format!("- and {} more", operations.len() - OPERATION_LINES));
    }
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// The schema version of the database file, read without changing it (it may be the file
/// that failed to open).
fn database_description(path: &Path) -> String {
    if !path.exists() {
        return format!("{DATABASE_FILE} not created yet (this build writes schema {SCHEMA_VERSION})");
    }
    let version = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| conn.pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0)));
    match version {
        Ok(version) => format!("{DATABASE_FILE}, schema {version} (this build writes schema {SCHEMA_VERSION})"),
        Err(err) => format!("{DATABASE_FILE}, schema unreadable: {err}"),
    }
}

/// `linux x86_64 (Ubuntu 24.04.1 LTS)`: the OS and CPU, and on Linux the distribution.
fn os_description() -> String {
    let base = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    let distribution = if cfg!(target_os = "linux") {
        std::fs::read_to_string("/etc/os-release").ok().and_then(|text| pretty_name(&text))
    } else {
        None
    };
    match distribution {
        Some(name) => format!("{base} ({name})"),
        None => base,
    }
}

/// `PRETTY_NAME` of an os-release file, unquoted.
fn pretty_name(os_release: &str) -> Option<String> {
    let value = os_release.lines().find_map(|line| line.trim().strip_prefix("PRETTY_NAME="))?;
    let value = value.trim().trim_matches('"').trim_matches('\'').trim();
    (!value.is_empty()).then(|| value.to_string())
}
