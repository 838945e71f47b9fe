//! CSV import of purchase orders and CSV export of POs and payments (RFC 4180: comma
//! separated, double-quoted where needed, quotes doubled, CRLF line ends).
//!
//! # Import format
//!
//! One row per PO line; rows with the same `po_number` make one PO, in file order. The first
//! row of a PO gives its fields; its later rows may leave them empty (if filled they must
//! agree). Header (any column order, names exact):
//!
//! ```text
//! po_number,organization,contact_name,contact_email,billing_address,currency,payment_terms_days,notes,description,quantity,unit_price
//! ```
//!
//! `billing_address`, `currency` (empty = the account's default), `payment_terms_days`
//! (empty = 30) and `notes` may be empty; `unit_price` is typed like in the editor
//! (`1,250.00`, quoted when it holds a comma). Import is all or nothing: any error in any row
//! imports nothing and the report lists every error with its row number (the header is row 1).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store;
use super::validate::{self, ValidPo};
use super::{PoInput, PoLineInput, RESOURCE};
use crate::error::{Error, Result};
use crate::exports::csv::{Cell, CsvOut};
use crate::Billfold;

/// Columns of the import file.
pub const IMPORT_COLUMNS: &[&str] = &[
    "po_number",
    "organization",
    "contact_name",
    "contact_email",
    "billing_address",
    "currency",
    "payment_terms_days",
    "notes",
    "description",
    "quantity",
    "unit_price",
];

/// One refused row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvRowError {
    /// Row number in the file; the header is row 1.
    pub row: i64,
    /// What is wrong.
    pub message: String,
}

/// What an import did: with any error, nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvImportReport {
    /// POs imported (0 when there are errors).
    pub imported: i64,
    /// Every error found.
    pub errors: Vec<CsvRowError>,
}

/// The rows of one PO in the file.
struct Group {
    input: PoInput,
    /// File row of each line, in order; the first is the PO's own row.
    rows: Vec<i64>,
}

fn error(row: i64, message: impl Into<String>) -> CsvRowError {
    CsvRowError {
        row,
        message: message.into(),
    }
}

/// Reads the file into POs, collecting every problem found on the way.
fn parse(text: &str, errors: &mut Vec<CsvRowError>) -> Vec<Group> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(err) => {
            errors.push(error(1, format!("The header cannot be read: {err}")));
            return Vec::new();
        }
    };
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.trim(), i))
        .collect();
    let missing: Vec<&str> = IMPORT_COLUMNS
        .iter()
        .copied()
        .filter(|name| !index.contains_key(name))
        .collect();
    if !missing.is_empty() {
        errors.push(error(
            1,
            format!("The header lacks the column(s): {}.", missing.join(", ")),
        ));
        return Vec::new();
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut by_number: HashMap<String, usize> = HashMap::new();
    // Rows are counted as a spreadsheet shows them (a quoted field may span lines).
    for (ordinal, record) in reader.records().enumerate() {
        let row = ordinal as i64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                errors.push(error(row, format!("This row cannot be read: {err}")));
                continue;
            }
        };
        let field = |name: &str| record.get(index[name]).unwrap_or("").trim().to_string();
        let optional = |name: &str| Some(field(name)).filter(|value| !value.is_empty());
        let po_number = field("po_number");
        if po_number.is_empty() {
            errors.push(error(row, "The PO number is required on every row."));
            continue;
        }
        let quantity = match field("quantity").parse::<i64>() {
            Ok(quantity) => quantity,
            Err(_) => {
                errors.push(error(
                    row,
                    format!("'{}' is not a whole quantity.", field("quantity")),
                ));
                continue;
            }
        };
        let terms = match optional("payment_terms_days").map(|days| days.parse::<i64>()) {
            None => None,
            Some(Ok(days)) => Some(days),
            Some(Err(_)) => {
                errors.push(error(
                    row,
                    format!("'{}' is not a number of days.", field("payment_terms_days")),
                ));
                continue;
            }
        };
        let line = PoLineInput {
            description: field("description"),
            quantity,
            unit_price: field("unit_price"),
        };
        let key = po_number.to_lowercase();
        match by_number.get(&key) {
            Some(&at) => {
                let group = &mut groups[at];
                let first = &group.input;
                let disagreeing = [
                    (
                        "organization",
                        Some(first.organization.clone()),
                        optional("organization"),
                    ),
                    (
                        "contact_name",
                        Some(first.contact_name.clone()),
                        optional("contact_name"),
                    ),
                    (
                        "contact_email",
                        Some(first.contact_email.clone()),
                        optional("contact_email"),
                    ),
                    (
                        "billing_address",
                        first.billing_address.clone(),
                        optional("billing_address"),
                    ),
                    ("currency", first.currency.clone(), optional("currency")),
                    ("notes", first.notes.clone(), optional("notes")),
                ]
                .into_iter()
                .find(|(_, first, this)| this.is_some() && this != first)
                .map(|(name, ..)| name);
                if let Some(name) = disagreeing {
                    errors.push(error(
                        row,
                        format!("The {name} differs from the first row of PO '{po_number}'."),
                    ));
                }
                group.input.lines.push(line);
                group.rows.push(row);
            }
            None => {
                by_number.insert(key, groups.len());
                groups.push(Group {
                    input: PoInput {
                        po_number,
                        organization: field("organization"),
                        contact_name: field("contact_name"),
                        contact_email: field("contact_email"),
                        billing_address: optional("billing_address"),
                        currency: optional("currency"),
                        payment_terms_days: terms,
                        notes: optional("notes"),
                        lines: vec![line],
                    },
                    rows: vec![row],
                });
            }
        }
    }
    if groups.is_empty() && errors.is_empty() {
        errors.push(error(1, "The file holds no purchase orders."));
    }
    groups
}

/// The row a validation message is about: "Line n: …" names a line, the rest the PO's row.
fn row_of(group: &Group, message: &str) -> i64 {
    message
        .strip_prefix("Line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| group.rows.get(n.wrapping_sub(1)).copied())
        .unwrap_or(group.rows[0])
}

impl Billfold {
    /// Imports POs from CSV (see the module docs for the format): all or nothing.
    pub fn import_purchase_orders_csv(
        &self,
        account_id: &str,
        text: &str,
    ) -> Result<CsvImportReport> {
        let account = self.store().get_account(account_id)?;
        let mut errors = Vec::new();
        let groups = parse(text, &mut errors);
        let mut valid: Vec<(ValidPo, &Group)> = Vec::new();
        for group in &groups {
            match validate::validate(&group.input, &account.default_currency) {
                Ok(po) => valid.push((po, group)),
                Err(err) => {
                    let message = err.to_string();
                    errors.push(error(row_of(group, &message), message));
                }
            }
        }
        if errors.is_empty() {
            let mut clashes = Vec::new();
            let outcome = self.store().po_write(|tx| {
                for (po, group) in &valid {
                    let id = format!("po_{}", uuid::Uuid::new_v4().simple());
                    if let Err(err) = store::insert(tx, account_id, &id, po, "imported from CSV") {
                        match err {
                            Error::Validation(message) => {
                                clashes.push(error(group.rows[0], message))
                            }
                            other => return Err(other),
                        }
                    }
                }
                if clashes.is_empty() {
                    Ok(())
                } else {
                    // Rolls the whole import back.
                    Err(Error::Validation("nothing imported".into()))
                }
            });
            match outcome {
                Ok(()) => {}
                Err(Error::Validation(_)) => errors.extend(clashes),
                Err(other) => return Err(other),
            }
        }
        errors.sort_by_key(|entry| entry.row);
        let imported = if errors.is_empty() {
            valid.len() as i64
        } else {
            0
        };
        if imported > 0 {
            tracing::info!(account = %account_id, imported, "purchase orders imported");
            if let Some(observer) = self.sync_runtime().observer() {
                observer.data_changed(&crate::sync::DataChanged {
                    account_id: account_id.into(),
                    resources: vec![RESOURCE.into()],
                });
            }
        }
        Ok(CsvImportReport { imported, errors })
    }

    /// Every PO of the account as CSV, one row per PO, amounts in major units (written by
    /// [`crate::exports::csv`]: text cells formula-safe).
    pub fn export_purchase_orders_csv(&self, account_id: &str) -> Result<String> {
        self.store().get_account(account_id)?;
        let mut out = CsvOut::in_memory(&[
            "po_number",
            "organization",
            "contact_name",
            "contact_email",
            "currency",
            "status",
            "overdue",
            "total",
            "paid",
            "balance",
            "invoice_number",
            "invoice_status",
            "due_date",
            "created_at",
        ])?;
        for po in self.store().all_purchase_orders(account_id)? {
            let summary = &po.summary;
            let currency = &summary.currency;
            out.row(&[
                Cell::Text(summary.po_number.clone()),
                Cell::Text(summary.organization.clone()),
                Cell::Text(po.contact_name.clone()),
                Cell::Text(summary.contact_email.clone()),
                Cell::Text(currency.to_ascii_uppercase()),
                Cell::Text(summary.status.as_str().into()),
                Cell::Text(if summary.overdue { "yes" } else { "no" }.into()),
                Cell::Money(summary.total, currency.clone()),
                Cell::Money(summary.paid, currency.clone()),
                Cell::Money(summary.balance, currency.clone()),
                Cell::text(summary.invoice_number.clone()),
                Cell::text(summary.invoice_status.clone()),
                Cell::text(summary.due_date.clone()),
                Cell::Text(summary.created_at.clone()),
            ])?;
        }
        out.into_string()
    }

    /// Every payment on the account's POs as CSV, amounts in major units.
    pub fn export_po_payments_csv(&self, account_id: &str) -> Result<String> {
        self.store().get_account(account_id)?;
        let mut out = CsvOut::in_memory(&[
            "po_number",
            "organization",
            "payment_id",
            "received_on",
            "method",
            "amount",
            "currency",
            "reference",
            "note",
            "recorded_in_stripe",
        ])?;
        for po in self.store().all_purchase_orders(account_id)? {
            let currency = &po.summary.currency;
            for payment in &po.payments {
                out.row(&[
                    Cell::Text(po.summary.po_number.clone()),
                    Cell::Text(po.summary.organization.clone()),
                    Cell::Text(payment.id.clone()),
                    Cell::Text(payment.received_on.clone()),
                    Cell::Text(payment.method.as_str().into()),
                    Cell::Money(payment.amount, currency.clone()),
                    Cell::Text(currency.to_ascii_uppercase()),
                    Cell::text(payment.reference.clone()),
                    Cell::text(payment.note.clone()),
                    Cell::Text(if payment.recorded_in_stripe { "yes" } else { "no" }.into()),
                ])?;
            }
        }
        out.into_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_group_into_pos_and_errors_name_their_rows() {
        let text = "po_number,organization,contact_name,contact_email,billing_address,currency,payment_terms_days,notes,description,quantity,unit_price\r\n\
                    PO-1,Acme,Ada,ap@acme.test,,EUR,14,,Tickets,2,\"1,250.00\"\r\n\
                    PO-1,,,,,,,,Booth,1,500\r\n\
                    PO-2,Globex,Hank,ap@globex.test,\"1 Main St, Springfield\",,,,Tickets,x,10\r\n\
                    PO-1,Other Org,,,,,,,Extra,1,1\r\n";
        let mut errors = Vec::new();
        let groups = parse(text, &mut errors);
        assert_eq!(groups.len(), 1, "PO-2's only row was refused");
        assert_eq!(groups[0].input.lines.len(), 3);
        assert_eq!(groups[0].rows, vec![2, 3, 5]);
        assert_eq!(groups[0].input.payment_terms_days, Some(14));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].row, 4);
        assert!(errors[0].message.contains("'x' is not a whole quantity"));
        assert_eq!(errors[1].row, 5);
        assert!(errors[1].message.contains("organization differs"));
        assert_eq!(
            row_of(&groups[0], "Line 2: the quantity must be more than 0."),
            3
        );
        assert_eq!(row_of(&groups[0], "The total must be more than zero."), 2);
    }

    #[test]
    fn row_numbers_count_the_header_as_row_one() {
        for newline in ["\n", "\r\n"] {
            let header = IMPORT_COLUMNS.join(",");
            let text = format!("{header}{newline}PO-1,Acme,Ada,ap@acme.test,,,,,A,1,1{newline}PO-1,,,,,,,,B,1,1{newline}");
            let mut errors = Vec::new();
            let groups = parse(&text, &mut errors);
            assert_eq!(groups[0].rows, vec![2, 3], "{newline:?}");
        }
    }

    #[test]
    fn a_header_without_the_columns_is_refused() {
        let mut errors = Vec::new();
        assert!(parse("po_number,organization\nPO-1,Acme\n", &mut errors).is_empty());
        assert_eq!(errors[0].row, 1);
        assert!(errors[0].message.contains("contact_name"));
    }
}
