//! Billfold's one CSV writer: RFC 4180 (comma separated, fields quoted when they hold a comma,
//! a quote or a line break, quotes doubled, CRLF after every record), UTF-8, a header row
//! first. Every export goes through it, so every file follows the same two rules:
//!
//! - **Text is formula-safe.** A text cell starting with `=`, `+`, `-`, `@`, a tab or a
//!   carriage return is what Excel, LibreOffice and Google Sheets would run as a formula
//!   (`=HYPERLINK(…)`, `@SUM(…)`, `+1`, `-2`), so it gets a leading `'`, which spreadsheets
//!   show as text. Only text from people or from Stripe (names, descriptions, PO numbers,
//!   memos, ids) is text.
//! - **Numbers we write ourselves are never altered.** Amounts are written here from integer
//!   minor units as major units with exactly the currency's decimals (JPY `1200`, BHD `1.250`,
//!   EUR `12.00`; no grouping, a dot for decimals), counts from integers, dates from
//!   timestamps; a negative amount stays `-12.00`, so refunds still add up in a spreadsheet.

use std::io::Write;

use crate::error::{Error, Result};
use crate::money::Currency;

/// One cell of a row, typed by where its value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from people or Stripe: neutralized when a spreadsheet would run it.
    Text(String),
    /// An amount in minor units of a currency (lowercase or uppercase ISO code).
    Money(i64, String),
    /// A whole number we counted.
    Count(i64),
    /// A number already formatted by us from a number (a percentage): written as it is.
    Number(String),
    /// A Unix time as a `YYYY-MM-DD` date in UTC.
    Date(i64),
    /// A Unix time as an ISO 8601 timestamp in UTC (`2026-01-31T09:05:00Z`).
    Timestamp(i64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// Text, or an empty cell when there is none.
    pub fn text(value: Option<String>) -> Cell {
        value.map_or(Cell::Empty, Cell::Text)
    }

    /// A date, or an empty cell when there is none.
    pub fn date(at: Option<i64>) -> Cell {
        at.map_or(Cell::Empty, Cell::Date)
    }

    /// A timestamp, or an empty cell when there is none.
    pub fn timestamp(at: Option<i64>) -> Cell {
        at.map_or(Cell::Empty, Cell::Timestamp)
    }

    /// An amount, or an empty cell when there is none.
    pub fn money(minor: Option<i64>, currency: &str) -> Cell {
        minor.map_or(Cell::Empty, |minor| Cell::Money(minor, currency.to_string()))
    }

    /// The cell as it goes into the file.
    pub fn render(&self) -> String {
        match self {
            Cell::Text(text) => safe(text),
            Cell::Money(minor, currency) => major_units(*minor, currency),
            Cell::Count(count) => count.to_string(),
            Cell::Number(number) => number.clone(),
            Cell::Date(at) => date(Some(*at)),
            Cell::Timestamp(at) => timestamp(*at),
            Cell::Empty => String::new(),
        }
    }
}

/// A text cell a spreadsheet reads as text: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`.
pub fn safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Minor units as a major-unit number with exactly the currency's decimals (`1250.00`, `1250`
/// for JPY, `1.250` for BHD) and no grouping, so spreadsheets read it as a number. An unknown
/// currency is taken to have two decimals.
pub fn major_units(minor: i64, currency: &str) -> String {
    let exponent = Currency::parse(currency).map_or(2, |currency| currency.exponent());
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    match exponent {
        0 => format!("{sign}{magnitude}"),
        n => {
            let scale = 10_u64.pow(n);
            format!("{sign}{}.{:0width$}", magnitude / scale, magnitude % scale, width = n as usize)
        }
    }
}

/// A Unix time as `YYYY-MM-DD` in UTC; empty when there is none.
pub fn date(seconds: Option<i64>) -> String {
    seconds
        .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
        .map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A Unix time as an ISO 8601 timestamp in UTC, to the second.
pub fn timestamp(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn failed(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("CSV could not be written: {err}"))
}

/// A CSV file being written: the header first, then rows of cells, each written through as
/// it comes (nothing is held but the writer's buffer).
pub struct CsvOut<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Starts a file on `out` with its header row.
    pub fn new<H: AsRef<str>>(out: W, header: &[H]) -> Result<Self> {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
        writer.write_record(header.iter().map(|name| name.as_ref())).map_err(failed)?;
        Ok(CsvOut { writer })
    }

    /// Writes one row of typed cells.
    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        self.writer.write_record(cells.iter().map(Cell::render)).map_err(failed)
    }

    /// Flushes the buffer and hands the output back.
    pub fn finish(self) -> Result<W> {
        self.writer.into_inner().map_err(failed)
    }
}

impl CsvOut<Vec<u8>> {
    /// A file held in memory (for the small exports the UI saves itself).
    pub fn in_memory<H: AsRef<str>>(header: &[H]) -> Result<Self> {
        CsvOut::new(Vec::new(), header)
    }

    /// The file as text.
    pub fn into_string(self) -> Result<String> {
        String::from_utf8(self.finish()?).map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_use_the_currency_exponent() {
        assert_eq!(major_units(125_000, "eur"), "1250.00");
        assert_eq!(major_units(5, "usd"), "0.05");
        assert_eq!(major_units(1200, "JPY"), "1200");
        assert_eq!(major_units(1250, "bhd"), "1.250");
        assert_eq!(major_units(-250, "eur"), "-2.50");
        assert_eq!(major_units(-5, "bhd"), "-0.005");
    }

    #[test]
    fn text_that_would_run_is_neutralized_and_numbers_are_not() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tTab", "'\tTab"),
            ("\rCR", "'\rCR"),
            ("Acme, Inc.", "Acme, Inc."),
            ("a=b", "a=b"),
        ] {
            assert_eq!(Cell::Text(cell.into()).render(), written);
        }
        assert_eq!(Cell::Money(-1200, "eur".into()).render(), "-12.00");
        assert_eq!(Cell::Count(-3).render(), "-3");
        assert_eq!(Cell::Number("-12.5".into()).render(), "-12.5");
    }

    #[test]
    fn records_are_quoted_and_end_in_crlf() {
        let mut out = CsvOut::in_memory(&["name", "amount", "on", "at"]).unwrap();
        out.row(&[
            Cell::Text("Acme \"Best\", Inc.\nBerlin".into()),
            Cell::Money(-1250, "eur".into()),
            Cell::Date(1_700_000_000),
            Cell::Timestamp(1_700_000_000),
        ])
        .unwrap();
        out.row(&[Cell::Empty, Cell::Money(1200, "jpy".into()), Cell::date(None), Cell::timestamp(None)]).unwrap();
        assert_eq!(
            out.into_string().unwrap(),
            "name,amount,on,at\r\n\"Acme \"\"Best\"\", Inc.\nBerlin\",-12.50,2023-11-14,2023-11-14T22:13:20Z\r\n,1200,,\r\n"
        );
    }
}
