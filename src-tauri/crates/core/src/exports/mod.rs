//! Exports for the accountant: invoices, payments, refunds, credit notes, payouts with their
//! transactions and the journal of POs as CSV files, for a date range and one account or all
//! of them; and any report's table as CSV. Everything is read from the local cache (no Stripe
//! request), row by row into a temporary file next to the target that is renamed into place
//! when complete (see [`file`]), with progress as it goes. [`csv`] is the one CSV writer every
//! export of Billfold uses, with its formula-safety rule.

pub mod csv;
mod file;
mod journal;
mod kinds;
mod table;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::csv::{Cell, CsvOut};
use self::file::PartFile;
use self::kinds::Bounds;
use crate::accounts::Account;
use crate::error::{Error, Result};
use crate::Billfold;

pub use table::{ColumnKind, ReportTable, TableColumn, TableValue};

/// Progress reports at most this often (plus one at the start and one at the end).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// Invoices created in the range.
    Invoices,
    /// Payments (payment intents) created in the range.
    Payments,
    /// Refunds created in the range.
    Refunds,
    /// Credit notes created in the range.
    CreditNotes,
    /// Payouts created in the range, one row per balance transaction.
    Payouts,
    /// Every PO event (created, issued, payments, credits, refunds, status changes) in the range.
    PoJournal,
}

impl ExportKind {
    /// The kind's name in file names.
    pub fn slug(self) -> &'static str {
        match self {
            ExportKind::Invoices => "invoices",
            ExportKind::Payments => "payments",
            ExportKind::Refunds => "refunds",
            ExportKind::CreditNotes => "credit-notes",
            ExportKind::Payouts => "payouts",
            ExportKind::PoJournal => "po-journal",
        }
    }
}

/// An export as the user asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportRequest {
    /// Which export.
    pub kind: ExportKind,
    /// First day (`YYYY-MM-DD`, UTC), included.
    pub from: String,
    /// Last day (`YYYY-MM-DD`, UTC), included.
    pub to: String,
    /// One account, or every account when absent (then rows start with the account's name).
    #[ts(optional)]
    pub account_id: Option<String>,
}

/// How far an export got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportProgress {
    /// Rows written so far.
    pub rows: i64,
    /// Rows the export will have.
    pub total: i64,
}

/// A written export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportSummary {
    /// Where the file is.
    pub path: String,
    /// Its file name.
    pub file_name: String,
    /// Rows written, without the header.
    pub rows: i64,
}

/// What became of an export the user started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExportOutcome {
    /// Written to a file.
    Saved(ExportSummary),
    /// The save dialog was closed, or Cancel pressed: nothing was written.
    Canceled,
}

/// A request checked: its kind, its bounds and the accounts it covers.
struct Plan {
    kind: ExportKind,
    from: NaiveDate,
    to: NaiveDate,
    accounts: Vec<Account>,
    all: bool,
}

fn day(text: &str, which: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Validation(format!("The {which} date '{}' is not a date (YYYY-MM-DD).", text.trim())))
}

impl Plan {
    /// Bounds as the export's SQL compares them: `[from 00:00 UTC, the day after to 00:00 UTC)`.
    fn bounds(&self, bounds: Bounds) -> Result<(rusqlite::types::Value, rusqlite::types::Value)> {
        let end = self.to.succ_opt().ok_or_else(|| Error::Validation("The end date is out of range.".into()))?;
        let start = self.from.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
        let end = end.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
        let (Some(start), Some(end)) = (start, end) else {
            return Err(Error::Validation("The dates are out of range.".into()));
        };
        Ok(match bounds {
            Bounds::Seconds => (start.timestamp().into(), end.timestamp().into()),
            // The audit stores `2026-01-31T09:05:00.000Z`; text order is time order.
            Bounds::IsoText => (
                start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into(),
                end.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into(),
            ),
        })
    }
}

/// Sends progress at most every [`PROGRESS_EVERY`].
struct Ticker<'a> {
    report: &'a mut dyn FnMut(ExportProgress),
    last: Instant,
    total: i64,
}

impl Ticker<'_> {
    fn tick(&mut self, rows: i64, force: bool) {
        if force || self.last.elapsed() >= PROGRESS_EVERY {
            self.last = Instant::now();
            (self.report)(ExportProgress { rows, total: self.total });
        }
    }
}

/// A read-only connection of its own, so a long export neither waits for nor holds up the
/// lists and the sync; one read transaction makes the count and the rows one snapshot.
fn snapshot_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch("BEGIN")?;
    Ok(conn)
}

impl Billfold {
    fn plan(&self, request: &ExportRequest) -> Result<Plan> {
        let from = day(&request.from, "start")?;
        let to = day(&request.to, "end")?;
        if from > to {
            return Err(Error::Validation(format!("The start date {from} is after the end date {to}.")));
        }
        let (accounts, all) = match &request.account_id {
            Some(id) => (vec![self.store().get_account(id)?], false),
            None => (self.store().list_accounts()?, true),
        };
        Ok(Plan { kind: request.kind, from, to, accounts, all })
    }

    /// Checks a request and names its file: `billfold-invoices-2026-01-01_2026-03-31.csv`
    /// (`billfold-invoices-all-accounts-…` for every account).
    pub fn export_file_name(&self, request: &ExportRequest) -> Result<String> {
        let plan = self.plan(request)?;
        let scope = if plan.all { "-all-accounts" } else { "" };
        Ok(format!("billfold-{}{scope}-{}_{}.csv", plan.kind.slug(), plan.from, plan.to))
    }

    /// Writes an export to `target` (replacing it only when complete), reporting progress as
    /// rows go out. Answers `None` when `cancel` was set before the end (nothing is left on
    /// disk then).
    pub fn export_csv(
        &self,
        request: &ExportRequest,
        target: &Path,
        progress: &mut dyn FnMut(ExportProgress),
        cancel: &AtomicBool,
    ) -> Result<Option<ExportSummary>> {
        let plan = self.plan(request)?;
        let spec = kinds::spec(plan.kind);
        let (start, end) = plan.bounds(spec.bounds)?;
        let conn = snapshot_connection(self.store().path())?;
        let mut total = 0_i64;
        for account in &plan.accounts {
            total += conn.query_row(spec.count_sql, params![account.id, start, end], |row| row.get::<_, i64>(0))?;
        }
        let mut ticker = Ticker { report: progress, last: Instant::now(), total };
        ticker.tick(0, true);
        let mut part = PartFile::create(target)?;
        let mut header: Vec<&str> = spec.header.to_vec();
        if plan.all {
            header.insert(0, "account");
        }
        let mut out = CsvOut::new(&mut part, &header)?;
        let mut rows = 0_i64;
        let mut statement = conn.prepare(spec.rows_sql)?;
        for account in &plan.accounts {
            let mut found = statement.query(params![account.id, start, end])?;
            while let Some(row) = found.next()? {
                if cancel.load(Ordering::Relaxed) {
                    return Ok(None);
                }
                let mut cells = (spec.cells)(row)?;
                if plan.all {
                    cells.insert(0, Cell::Text(account.name.clone()));
                }
                out.row(&cells)?;
                rows += 1;
                ticker.tick(rows, false);
            }
        }
        out.finish()?;
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        let path = part.commit()?;
        ticker.tick(rows, true);
        tracing::info!(kind = plan.kind.slug(), rows, "export written");
        Ok(Some(summary(&path, rows)))
    }

    /// Checks a report's table and names its file (`billfold-<title>.csv`).
    pub fn export_table_file_name(&self, table: &ReportTable) -> Result<String> {
        table::check(table)?;
        Ok(table::file_name(&table.title))
    }

    /// Writes a report's table to `target` (replacing it only when complete).
    pub fn export_table(&self, table: &ReportTable, target: &Path) -> Result<ExportSummary> {
        let checked = table::check(table)?;
        let mut part = PartFile::create(target)?;
        let mut out = CsvOut::new(&mut part, &checked.header)?;
        for row in &checked.rows {
            out.row(row)?;
        }
        out.finish()?;
        let path = part.commit()?;
        Ok(summary(&path, checked.rows.len() as i64))
    }
}

fn summary(path: &Path, rows: i64) -> ExportSummary {
    ExportSummary {
        path: path.display().to_string(),
        file_name: path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default(),
        rows,
    }
}
