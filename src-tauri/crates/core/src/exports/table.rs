//! Any report's table as CSV: the reports hand over their table in one generic shape (titled
//! columns with a kind, rows of strings, numbers or nulls, a currency for the table or one per
//! row), and it is written by the same writer and rules as every other export.
//!
//! Kinds: `text` is neutralized text (a number in it is written as it is); `money` is an
//! integer amount in minor units, written in major units of the row's currency (or the
//! table's); `count` an integer; `date` a label such as `2026-01-31`, `2026-01` or `2026-W03`
//! (a number is taken as Unix seconds); `percent` a number in percent (12.5 means 12.5 %),
//! written with two decimals. A table with money and no `currency` column gets one at its
//! end, so every amount says what it is in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::csv::Cell;
use crate::error::{Error, Result};
use crate::money::Currency;

/// The largest integer a JavaScript number holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Rows a report table may have (reports are months, weeks or buckets; far fewer).
const MAX_ROWS: usize = 100_000;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text, neutralized against formulas.
    Text,
    /// An amount in minor units.
    Money,
    /// A whole number.
    Count,
    /// A date or period label.
    Date,
    /// A percentage (12.5 means 12.5 %).
    Percent,
}

/// One column of a report table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TableColumn {
    /// The header cell.
    pub name: String,
    /// What its cells hold.
    pub kind: ColumnKind,
}

/// One cell value as the UI has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum TableValue {
    /// A number (minor units for money).
    Number(f64),
    /// Text.
    Text(String),
}

/// A report's table, as every report shapes it for its CSV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportTable {
    /// The report's title; it names the suggested file.
    pub title: String,
    /// The columns, in order.
    pub columns: Vec<TableColumn>,
    /// The rows: one value (or null) per column.
    pub rows: Vec<Vec<Option<TableValue>>>,
    /// The currency of every money cell, when the table has one.
    #[serde(default)]
    #[ts(optional)]
    pub currency: Option<String>,
    /// The currency of each row's money cells, when rows differ (wins over `currency`).
    #[serde(default)]
    #[ts(optional)]
    pub row_currencies: Option<Vec<String>>,
}

/// A table checked and ready to write.
pub(super) struct CheckedTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn refuse<T>(message: String) -> Result<T> {
    Err(Error::Validation(message))
}

/// The file name a table's export suggests: `billfold-<title as a slug>.csv`.
pub(super) fn file_name(title: &str) -> String {
    let mut slug = String::new();
    for ch in title.chars().flat_map(char::to_lowercase) {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    format!("billfold-{}.csv", if slug.is_empty() { "report" } else { slug })
}

fn integer(value: f64, column: &str, row: usize) -> Result<i64> {
    if value.fract() != 0.0 || !value.is_finite() || value.abs() > MAX_SAFE_INTEGER {
        return refuse(format!("Row {row}, {column}: {value} is not a whole number."));
    }
    Ok(value as i64)
}

/// Checks every cell against its column and types it.
pub(super) fn check(table: &ReportTable) -> Result<CheckedTable> {
    if table.title.trim().is_empty() {
        return refuse("A table needs a title.".into());
    }
    if table.columns.is_empty() {
        return refuse("A table needs at least one column.".into());
    }
    if table.rows.len() > MAX_ROWS {
        return refuse(format!("A report table has at most {MAX_ROWS} rows."));
    }
    if let Some(currencies) = &table.row_currencies {
        if currencies.len() != table.rows.len() {
            return refuse(format!("{} rows but {} row currencies.", table.rows.len(), currencies.len()));
        }
    }
    let has_money = table.columns.iter().any(|column| column.kind == ColumnKind::Money);
    let add_currency = has_money && !table.columns.iter().any(|column| column.name.eq_ignore_ascii_case("currency"));
    let mut header: Vec<String> = table.columns.iter().map(|column| column.name.clone()).collect();
    if add_currency {
        header.push("currency".into());
    }
    let mut rows = Vec::with_capacity(table.rows.len());
    for (index, values) in table.rows.iter().enumerate() {
        let row = index + 1;
        if values.len() != table.columns.len() {
            return refuse(format!("Row {row} has {} cells for {} columns.", values.len(), table.columns.len()));
        }
        let currency = table.row_currencies.as_ref().map(|currencies| &currencies[index]).or(table.currency.as_ref());
        let currency = match currency {
            Some(code) => Some(Currency::parse(code)?),
            None if has_money => return refuse(format!("Row {row} has amounts but no currency.")),
            None => None,
        };
        let mut cells = Vec::with_capacity(header.len());
        for (column, value) in table.columns.iter().zip(values) {
            let name = &column.name;
            let cell = match (column.kind, value) {
                (_, None) => Cell::Empty,
                (ColumnKind::Text | ColumnKind::Date, Some(TableValue::Text(text))) => Cell::Text(text.clone()),
                (ColumnKind::Text, Some(TableValue::Number(number))) => Cell::Number(number.to_string()),
                (ColumnKind::Date, Some(TableValue::Number(seconds))) => Cell::Date(integer(*seconds, name, row)?),
                (ColumnKind::Money, Some(TableValue::Number(minor))) => match &currency {
                    Some(currency) => Cell::Money(integer(*minor, name, row)?, currency.code().to_string()),
                    None => return refuse(format!("Row {row} has amounts but no currency.")),
                },
                (ColumnKind::Count, Some(TableValue::Number(count))) => Cell::Count(integer(*count, name, row)?),
                (ColumnKind::Percent, Some(TableValue::Number(percent))) if percent.is_finite() => {
                    Cell::Number(format!("{percent:.2}"))
                }
                (kind, Some(other)) => {
                    return refuse(format!("Row {row}, {name}: {other:?} is not a {kind:?} value."));
                }
            };
            cells.push(cell);
        }
        if add_currency {
            cells.push(Cell::text(currency.map(|currency| currency.code().to_ascii_uppercase())));
        }
        rows.push(cells);
    }
    Ok(CheckedTable { header, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, kind: ColumnKind) -> TableColumn {
        TableColumn { name: name.into(), kind }
    }

    #[test]
    fn file_names_are_slugs_of_the_title() {
        assert_eq!(file_name("MRR — movements 2026"), "billfold-mrr-movements-2026.csv");
        assert_eq!(file_name("???"), "billfold-report.csv");
    }

    #[test]
    fn cells_are_typed_by_column_and_money_by_the_row_currency() {
        let table = ReportTable {
            title: "Revenue".into(),
            columns: vec![
                column("month", ColumnKind::Date),
                column("net", ColumnKind::Money),
                column("count", ColumnKind::Count),
                column("rate", ColumnKind::Percent),
                column("note", ColumnKind::Text),
            ],
            rows: vec![
                vec![
                    Some(TableValue::Text("2026-01".into())),
                    Some(TableValue::Number(-1200.0)),
                    Some(TableValue::Number(3.0)),
                    Some(TableValue::Number(12.5)),
                    Some(TableValue::Text("=1+1".into())),
                ],
                vec![Some(TableValue::Text("2026-01".into())), Some(TableValue::Number(1250.0)), None, None, None],
            ],
            currency: None,
            row_currencies: Some(vec!["jpy".into(), "BHD".into()]),
        };
        let checked = check(&table).unwrap();
        assert_eq!(checked.header, ["month", "net", "count", "rate", "note", "currency"]);
        let rendered: Vec<Vec<String>> =
            checked.rows.iter().map(|row| row.iter().map(Cell::render).collect()).collect();
        assert_eq!(rendered[0], ["2026-01", "-1200", "3", "12.50", "'=1+1", "JPY"]);
        assert_eq!(rendered[1], ["2026-01", "1.250", "", "", "", "BHD"]);
    }

    #[test]
    fn bad_tables_are_refused_with_the_row() {
        let base = ReportTable {
            title: "Aging".into(),
            columns: vec![column("open", ColumnKind::Money)],
            rows: vec![vec![Some(TableValue::Number(10.5))]],
            currency: Some("eur".into()),
            row_currencies: None,
        };
        let message = |table: &ReportTable| check(table).err().unwrap().to_string();
        assert!(message(&base).contains("Row 1, open: 10.5 is not a whole number"));
        let no_currency = ReportTable { currency: None, rows: vec![vec![Some(TableValue::Number(1.0))]], ..base.clone() };
        assert!(message(&no_currency).contains("no currency"));
        let short = ReportTable { rows: vec![vec![]], ..base.clone() };
        assert!(message(&short).contains("0 cells for 1 columns"));
        let text_money = ReportTable { rows: vec![vec![Some(TableValue::Text("12".into()))]], ..base.clone() };
        assert!(message(&text_money).contains("not a Money value"));
        let bad_currency = ReportTable { currency: Some("xyz".into()), ..base };
        assert!(message(&bad_currency).contains("not a currency"));
    }
}
