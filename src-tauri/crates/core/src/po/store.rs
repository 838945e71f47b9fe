//! Purchase orders in SQLite, the write side: every change runs in one transaction that also
//! writes its audit rows and re-derives the PO's paid and credited sums and status, so the
//! list, the detail and the audit log never disagree.

use chrono::{SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::balance::{CREDITED_OF_P, REFUNDED_OF_P};
use super::status::{self, StatusInputs};
use super::validate::ValidPo;
use super::{PaymentMethod, PoLine, PoStatus};
use crate::error::{Error, Result};
use crate::money::{format_amount, Currency};
use crate::store::Store;

/// Now, as audit rows and timestamps write it.
pub(super) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The columns a change needs to know about a PO.
#[derive(Debug, Clone)]
pub(super) struct PoHead {
    pub id: String,
    pub po_number: String,
    pub organization: String,
    pub contact_name: String,
    pub contact_email: String,
    pub billing_address: Option<String>,
    pub currency: String,
    pub payment_terms_days: i64,
    pub notes: Option<String>,
    pub total: i64,
    pub paid: i64,
    pub credited: i64,
    pub refunded: i64,
    pub status: PoStatus,
    pub cancelled: bool,
    pub issue_operation_id: Option<String>,
    pub invoice_id: Option<String>,
    pub invoice_status: Option<String>,
}

impl PoHead {
    pub fn currency(&self) -> Result<Currency> {
        Currency::parse(&self.currency)
    }
}

/// One audit row to write.
#[derive(Debug, Default, Clone)]
pub(super) struct Audit<'a> {
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub stripe_request_id: Option<String>,
}

impl<'a> Audit<'a> {
    pub fn action(action: &'a str) -> Self {
        Audit {
            action,
            ..Audit::default()
        }
    }

    pub fn change(field: &'a str, old_value: Option<String>, new_value: Option<String>) -> Self {
        Audit {
            action: "updated",
            field: Some(field),
            old_value,
            new_value,
            stripe_request_id: None,
        }
    }
}

/// A new payment to store.
#[derive(Debug, Clone)]
pub(super) struct PaymentRow<'a> {
    pub id: &'a str,
    pub amount: i64,
    pub method: PaymentMethod,
    pub reference: Option<&'a str>,
    pub received_on: &'a str,
    pub note: Option<&'a str>,
    pub recorded_in_stripe: bool,
}

impl Store {
    /// Runs `work` in one IMMEDIATE transaction and commits it if `work` succeeds.
    pub(super) fn po_write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = work(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

pub(super) fn head(tx: &Transaction<'_>, account_id: &str, po_id: &str) -> Result<PoHead> {
    tx.query_row(
        "SELECT id, po_number, organization, contact_name, contact_email, billing_address, currency,
                payment_terms_days, notes, total, paid, status, cancelled, issue_operation_id,
                invoice_id, invoice_status, credited, refunded
         FROM purchase_orders WHERE account_id = ?1 AND id = ?2",
        params![account_id, po_id],
        |row| {
            Ok(PoHead {
                id: row.get(0)?,
                po_number: row.get(1)?,
                organization: row.get(2)?,
                contact_name: row.get(3)?,
                contact_email: row.get(4)?,
                billing_address: row.get(5)?,
                currency: row.get(6)?,
                payment_terms_days: row.get(7)?,
                notes: row.get(8)?,
                total: row.get(9)?,
                paid: row.get(10)?,
                status: PoStatus::parse(&row.get::<_, String>(11)?).unwrap_or(PoStatus::Draft),
                cancelled: row.get(12)?,
                issue_operation_id: row.get(13)?,
                invoice_id: row.get(14)?,
                invoice_status: row.get(15)?,
                credited: row.get(16)?,
                refunded: row.get(17)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound("That purchase order does not exist (any more).".into()))
}

pub(super) fn audit(
    tx: &Transaction<'_>,
    account_id: &str,
    po_id: &str,
    entry: Audit<'_>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO purchase_order_audit
           (account_id, po_id, at, action, field, old_value, new_value, stripe_request_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            account_id,
            po_id,
            now(),
            entry.action,
            entry.field,
            entry.old_value,
            entry.new_value,
            entry.stripe_request_id
        ],
    )?;
    Ok(())
}

fn number_taken(
    tx: &Transaction<'_>,
    account_id: &str,
    po_number: &str,
    except: Option<&str>,
) -> Result<()> {
    let clash: Option<String> = tx
        .query_row(
            "SELECT id FROM purchase_orders WHERE account_id = ?1 AND po_number_key = ?2 AND id != ?3",
            params![account_id, po_number.to_lowercase(), except.unwrap_or("")],
            |row| row.get(0),
        )
        .optional()?;
    match clash {
        Some(_) => Err(Error::Validation(format!(
            "A purchase order numbered '{po_number}' already exists in this account."
        ))),
        None => Ok(()),
    }
}

fn write_lines(
    tx: &Transaction<'_>,
    account_id: &str,
    po_id: &str,
    lines: &[PoLine],
) -> Result<()> {
    tx.execute(
        "DELETE FROM purchase_order_lines WHERE account_id = ?1 AND po_id = ?2",
        params![account_id, po_id],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO purchase_order_lines (account_id, po_id, position, description, quantity, unit_amount, amount)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for line in lines {
        insert.execute(params![
            account_id,
            po_id,
            line.position,
            line.description,
            line.quantity,
            line.unit_amount,
            line.amount
        ])?;
    }
    Ok(())
}

/// Stores a new PO (with its id chosen by the caller) and its "created" audit row.
pub(super) fn insert(
    tx: &Transaction<'_>,
    account_id: &str,
    po_id: &str,
    po: &ValidPo,
    source: &str,
) -> Result<()> {
    number_taken(tx, account_id, &po.po_number, None)?;
    let at = now();
    tx.execute(
        "INSERT INTO purchase_orders
           (account_id, id, po_number, po_number_key, organization, contact_name, contact_email,
            billing_address, currency, payment_terms_days, notes, total, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'draft', ?13, ?13)",
        params![
            account_id,
            po_id,
            po.po_number,
            po.po_number.to_lowercase(),
            po.organization,
            po.contact_name,
            po.contact_email,
            po.billing_address,
            po.currency.code(),
            po.payment_terms_days,
            po.notes,
            po.total,
            at
        ],
    )?;
    write_lines(tx, account_id, po_id, &po.lines)?;
    audit(
        tx,
        account_id,
        po_id,
        Audit {
            new_value: Some(format!("{} ({source})", po.po_number)),
            ..Audit::action("created")
        },
    )
}

/// Replaces a draft's fields and lines, auditing each field that changed.
pub(super) fn update(
    tx: &Transaction<'_>,
    account_id: &str,
    old: &PoHead,
    po: &ValidPo,
) -> Result<()> {
    number_taken(tx, account_id, &po.po_number, Some(&old.id))?;
    let currency = po.currency.code().to_string();
    let old_lines = lines(tx, account_id, &old.id)?;
    let changes: [(&str, Option<String>, Option<String>); 9] = [
        (
            "po_number",
            Some(old.po_number.clone()),
            Some(po.po_number.clone()),
        ),
        (
            "organization",
            Some(old.organization.clone()),
            Some(po.organization.clone()),
        ),
        (
            "contact_name",
            Some(old.contact_name.clone()),
            Some(po.contact_name.clone()),
        ),
        (
            "contact_email",
            Some(old.contact_email.clone()),
            Some(po.contact_email.clone()),
        ),
        (
            "billing_address",
            old.billing_address.clone(),
            po.billing_address.clone(),
        ),
        (
            "currency",
            Some(old.currency.clone()),
            Some(currency.clone()),
        ),
        (
            "payment_terms_days",
            Some(old.payment_terms_days.to_string()),
            Some(po.payment_terms_days.to_string()),
        ),
        ("notes", old.notes.clone(), po.notes.clone()),
        (
            "lines",
            Some(describe_lines(&old_lines, old.total, &old.currency()?)),
            Some(describe_lines(&po.lines, po.total, &po.currency)),
        ),
    ];
    for (field, before, after) in changes {
        let lines_changed = field == "lines" && (old_lines != po.lines || old.currency != currency);
        if before != after || lines_changed {
            audit(tx, account_id, &old.id, Audit::change(field, before, after))?;
        }
    }
    tx.execute(
        "UPDATE purchase_orders SET po_number = ?3, po_number_key = ?4, organization = ?5, contact_name = ?6,
                contact_email = ?7, billing_address = ?8, currency = ?9, payment_terms_days = ?10, notes = ?11,
                total = ?12, updated_at = ?13
         WHERE account_id = ?1 AND id = ?2",
        params![
            account_id,
            old.id,
            po.po_number,
            po.po_number.to_lowercase(),
            po.organization,
            po.contact_name,
            po.contact_email,
            po.billing_address,
            currency,
            po.payment_terms_days,
            po.notes,
            po.total,
            now()
        ],
    )?;
    write_lines(tx, account_id, &old.id, &po.lines)
}

/// "3 lines, 4,250.00 EUR": what the audit log shows of a set of lines.
fn describe_lines(lines: &[PoLine], total: i64, currency: &Currency) -> String {
    let count = lines.len();
    let noun = if count == 1 { "line" } else { "lines" };
    format!(
        "{count} {noun}, {} {}",
        format_amount(total, currency),
        currency.code().to_ascii_uppercase()
    )
}

pub(super) fn lines(
    tx: &rusqlite::Connection,
    account_id: &str,
    po_id: &str,
) -> Result<Vec<PoLine>> {
    let mut statement = tx.prepare_cached(
        "SELECT position, description, quantity, unit_amount, amount FROM purchase_order_lines
         WHERE account_id = ?1 AND po_id = ?2 ORDER BY position",
    )?;
    let rows = statement.query_map(params![account_id, po_id], |row| {
        Ok(PoLine {
            position: row.get(0)?,
            description: row.get(1)?,
            quantity: row.get(2)?,
            unit_amount: row.get(3)?,
            amount: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a payment.
pub(super) fn insert_payment(
    tx: &Transaction<'_>,
    account_id: &str,
    po_id: &str,
    payment: &PaymentRow<'_>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO purchase_order_payments
           (account_id, po_id, id, amount, method, reference, received_on, note, recorded_in_stripe, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            account_id,
            po_id,
            payment.id,
            payment.amount,
            payment.method.as_str(),
            payment.reference,
            payment.received_on,
            payment.note,
            payment.recorded_in_stripe,
            now()
        ],
    )?;
    Ok(())
}

/// Re-derives the paid sum, the credited sum (from the cached credit notes of its invoice), the
/// refunded sum (from the cached refunds of its invoice's payments) and the status, writing
/// audit rows when the credited or refunded sum or the status changes. Every change to
/// payments, refunds, credit notes or the invoice ends here.
pub(super) fn settle(
    tx: &Transaction<'_>,
    account_id: &str,
    po_id: &str,
    request_id: Option<&str>,
) -> Result<PoStatus> {
    let old = head(tx, account_id, po_id)?;
    let paid: i64 = tx.query_row(
        "SELECT coalesce(sum(amount), 0) FROM purchase_order_payments WHERE account_id = ?1 AND po_id = ?2",
        params![account_id, po_id],
        |row| row.get(0),
    )?;
    let credited: i64 = tx.query_row(
        &format!(
            "SELECT {CREDITED_OF_P} FROM purchase_orders p WHERE p.account_id = ?1 AND p.id = ?2"
        ),
        params![account_id, po_id],
        |row| row.get(0),
    )?;
    let refunded: i64 = tx.query_row(
        &format!("SELECT {REFUNDED_OF_P} FROM purchase_orders p WHERE p.account_id = ?1 AND p.id = ?2"),
        params![account_id, po_id],
        |row| row.get(0),
    )?;
    let status = status::derive(StatusInputs {
        cancelled: old.cancelled,
        invoice_status: old.invoice_status.as_deref(),
        total: old.total,
        paid,
        credited,
    });
    if paid != old.paid || credited != old.credited || refunded != old.refunded || status != old.status {
        tx.execute(
            "UPDATE purchase_orders SET paid = ?3, credited = ?4, refunded = ?5, status = ?6, updated_at = ?7
             WHERE account_id = ?1 AND id = ?2",
            params![account_id, po_id, paid, credited, refunded, status.as_str(), now()],
        )?;
    }
    if refunded != old.refunded {
        let currency = old.currency()?;
        audit(
            tx,
            account_id,
            po_id,
            Audit {
                field: Some("refunded"),
                old_value: Some(format_amount(old.refunded, &currency)),
                new_value: Some(format_amount(refunded, &currency)),
                ..Audit::action("refunded")
            },
        )?;
    }
    if paid > old.total && old.paid <= old.total {
        audit(
            tx,
            account_id,
            po_id,
            Audit {
                field: Some("paid"),
                old_value: Some(old.paid.to_string()),
                new_value: Some(format!(
                    "overpaid by {}",
                    format_amount(paid - old.total, &old.currency()?)
                )),
                ..Audit::action("overpaid")
            },
        )?;
    }
    if credited != old.credited {
        let currency = old.currency()?;
        audit(
            tx,
            account_id,
            po_id,
            Audit {
                field: Some("credited"),
                old_value: Some(format_amount(old.credited, &currency)),
                new_value: Some(format_amount(credited, &currency)),
                ..Audit::action("credited")
            },
        )?;
    }
    if status != old.status {
        audit(
            tx,
            account_id,
            po_id,
            Audit {
                action: "status",
                field: Some("status"),
                old_value: Some(old.status.as_str().into()),
                new_value: Some(status.as_str().into()),
                stripe_request_id: request_id.map(str::to_string),
            },
        )?;
    }
    Ok(status)
}
