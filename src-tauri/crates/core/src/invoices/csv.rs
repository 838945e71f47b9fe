//! Invoices as CSV for a spreadsheet: one header row, ISO dates, amounts in major units with
//! the currency's own decimals, and no cell a spreadsheet would run as a formula (the rules
//! of [`crate::exports::csv`], which writes it).

use super::InvoiceDetail;
use crate::error::Result;
use crate::exports::csv::{Cell, CsvOut};

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

/// The invoices as CSV text, in the order given.
pub(super) fn export(invoices: &[InvoiceDetail]) -> Result<String> {
    let mut out = CsvOut::in_memory(&HEADER)?;
    for invoice in invoices {
        let currency = &invoice.currency;
        out.row(&[
            Cell::text(invoice.number.clone()),
            Cell::Text(invoice.id.clone()),
            Cell::Text(invoice.status.clone()),
            Cell::text(invoice.customer_name.clone()),
            Cell::text(invoice.customer_email.clone()),
            Cell::Text(currency.to_uppercase()),
            Cell::Date(invoice.created),
            Cell::date(invoice.due_date),
            Cell::Money(invoice.total, currency.clone()),
            Cell::Money(invoice.amount_paid, currency.clone()),
            Cell::Money(invoice.amount_remaining, currency.clone()),
            Cell::text(invoice.memo.clone()),
        ])?;
    }
    out.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoices::detail::tests_support::detail_of;

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
