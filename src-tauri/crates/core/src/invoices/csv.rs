//! Invoices as CSV for a spreadsheet: one header row, ISO dates, amounts in major units with
//! the currency's own decimals, and no cell a spreadsheet would run as a formula.

use super::InvoiceDetail;
use crate::error::{Error, Result};
use crate::money::Currency;

const HEADER: [&str; 12] = [
    "number",
    "invoice_id",
    "status",
    "customer_name",
    "customer_email",
    "currency",
    "created",
    "due_date",
    "total",
    "amount_paid",
    "amount_remaining",
    "memo",
];

/// A cell a spreadsheet reads as text: one starting with `=`, `+`, `-` or `@` gets a `'`.
pub(crate) fn safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Minor units as a major-unit number with exactly the currency's decimals (`1250.00`, `1250`
/// for JPY, `1.250` for KWD) and no grouping, so spreadsheets read it as a number.
pub(crate) fn major_units(minor: i64, currency: &str) -> String {
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

pub(crate) fn date(seconds: Option<i64>) -> String {
    seconds
        .and_then(|at| chrono::DateTime::from_timestamp(at, 0))
        .map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The invoices as CSV text, in the order given.
pub(super) fn export(invoices: &[InvoiceDetail]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |err: csv::Error| Error::Internal(format!("CSV could not be written: {err}"));
    writer.write_record(HEADER).map_err(failed)?;
    for invoice in invoices {
        let amount = |minor: i64| major_units(minor, &invoice.currency);
        let record = [
            invoice.number.clone().unwrap_or_default(),
            invoice.id.clone(),
            invoice.status.clone(),
            invoice.customer_name.clone().unwrap_or_default(),
            invoice.customer_email.clone().unwrap_or_default(),
            invoice.currency.to_uppercase(),
            date(Some(invoice.created)),
            date(invoice.due_date),
            amount(invoice.total),
            amount(invoice.amount_paid),
            amount(invoice.amount_remaining),
            invoice.memo.clone().unwrap_or_default(),
        ];
        writer.write_record(record.iter().map(|cell| safe(cell))).map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|err| Error::Internal(format!("CSV could not be written: {err}")))?;
    String::from_utf8(bytes).map_err(|err| Error::Internal(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoices::detail::tests_support::detail_of;

    #[test]
    fn amounts_use_the_currency_exponent() {
        assert_eq!(major_units(125_000, "eur"), "1250.00");
        assert_eq!(major_units(5, "usd"), "0.05");
        assert_eq!(major_units(1250, "jpy"), "1250");
        assert_eq!(major_units(1250, "kwd"), "1.250");
        assert_eq!(major_units(-250, "eur"), "-2.50");
    }

    #[test]
    fn export_has_a_header_iso_dates_and_no_formulas() {
        let invoice = detail_of(
            serde_json::json!({"id": "in_1", "number": "=HYPERLINK(\"x\")", "status": "open", "currency": "eur",
                "customer_name": "@Acme", "customer_email": "ap@acme.test", "created": 1_700_000_000,
                "due_date": 1_702_592_000, "total": 123_456, "amount_paid": 0, "amount_remaining": 123_456,
                "description": "-5 discount"}),
            vec![],
        );
        let text = export(&[invoice]).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), HEADER.join(","));
        let row = lines.next().unwrap();
        assert!(row.starts_with("\"'=HYPERLINK(\"\"x\"\")\",in_1,open,'@Acme,ap@acme.test,EUR,2023-11-14,2023-12-14,1234.56,0.00,1234.56,'-5 discount"), "{row}");
        assert!(lines.next().is_none());
    }
}
