//! Checking a credit note request against the cached invoice before anything is recorded or
//! sent, with Stripe's rules: only open or paid invoices; an amount or lines, not both; no
//! more than the invoice can still be credited; on an open invoice the note lowers what is
//! due and settles nothing, on a paid one refund + balance credit + out of band make the total.

use rusqlite::{params, OptionalExtension};
use serde_json::Value;

use super::CreditNoteInput;
use crate::error::{Error, Result};
use crate::journal::{CreateCreditNote, CreditNoteLine};
use crate::store::cache::{full_raw_sql, kinds};
use crate::store::Store;

/// Stripe's longest credit note `memo`, in characters.
pub const MAX_MEMO_CHARS: usize = 5000;

/// A checked request and what the cached invoice said about it.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    /// The journal's input.
    pub operation: CreateCreditNote,
    /// The credit note's total, as the cache lets us work it out.
    pub total: i64,
    /// The invoice's status.
    pub invoice_status: String,
    /// The invoice's `amount_remaining`.
    pub amount_remaining: i64,
    /// What the invoice can still be credited.
    pub creditable: i64,
}

/// Refuses anything but a plausible Stripe id with `prefix`: it goes into a request path.
pub(crate) fn check_id(id: &str, prefix: &str, what: &str) -> Result<()> {
    let plausible = id.starts_with(prefix) && id.len() > prefix.len() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        Ok(())
    } else {
        Err(Error::Validation(format!("'{id}' is not a Stripe {what} id.")))
    }
}

/// What an invoice can still be credited: an open one what remains due (a pre-payment note
/// lowers it); a paid one its total less what earlier credit notes took (what the balance
/// paid counts like a payment, as in Stripe).
pub fn creditable_amount(invoice: &Value) -> i64 {
    let int = |field: &str| invoice[field].as_i64().unwrap_or_default();
    match invoice["status"].as_str() {
        Some("open") => int("amount_remaining").max(0),
        Some("paid") => {
            (int("total") - int("pre_payment_credit_notes_amount") - int("post_payment_credit_notes_amount")).max(0)
        }
        _ => 0,
    }
}

/// The cached invoice (with all its lines), or a validation error naming it.
pub(super) fn cached_invoice(store: &Store, account_id: &str, invoice_id: &str) -> Result<Value> {
    let kind = kinds::by_resource("invoices").ok_or_else(|| Error::Internal("no cached invoices".into()))?;
    let conn = store.read_conn()?;
    let raw: Option<String> = conn
        .query_row(
            &format!("SELECT {} FROM cache_invoices r WHERE account_id = ?1 AND id = ?2 AND deleted = 0", full_raw_sql(kind, "r")),
            params![account_id, invoice_id],
            |row| row.get(0),
        )
        .optional()?;
    let raw = raw.ok_or_else(|| {
        Error::Validation(format!("There is no invoice {invoice_id} in this account (sync it first if it is new)."))
    })?;
    serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached invoice is not valid JSON: {err}")))
}

/// What the invoice's card payments can still refund: paid invoice payments made through a
/// payment intent, less what its credit notes already refunded.
fn refundable_by_card(store: &Store, account_id: &str, invoice_id: &str) -> Result<i64> {
    let conn = store.read_conn()?;
    let paid: i64 = conn.query_row(
        "SELECT coalesce(sum(amount_paid), 0) FROM cache_invoice_payments
         WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0 AND status = 'paid'
           AND json_extract(raw, '$.payment.type') = 'payment_intent'",
        params![account_id, invoice_id],
        |row| row.get(0),
    )?;
    let refunded: i64 = conn.query_row(
        "SELECT coalesce(sum(json_extract(r.value, '$.amount_refunded')), 0)
         FROM cache_credit_notes n, json_each(n.raw, '$.refunds') r
         WHERE n.account_id = ?1 AND n.invoice_id = ?2 AND n.deleted = 0 AND n.status = 'issued'",
        params![account_id, invoice_id],
        |row| row.get(0),
    )?;
    Ok((paid - refunded).max(0))
}

/// Checks `input` against the account's cache; nothing is sent.
pub(super) fn check(store: &Store, account_id: &str, input: &CreditNoteInput) -> Result<Checked> {
    check_id(&input.invoice_id, "in_", "invoice")?;
    let invoice = cached_invoice(store, account_id, &input.invoice_id)?;
    let status = invoice["status"].as_str().unwrap_or_default().to_string();
    if !matches!(status.as_str(), "open" | "paid") {
        return Err(Error::Validation(format!(
            "Credit notes can only be issued for open or paid invoices, and invoice {} is {status}.",
            input.invoice_id
        )));
    }
    let lines = check_lines(&invoice, input)?;
    let lines_total: i64 = lines.iter().map(|(_, amount)| amount).sum();
    let total = match (input.amount, lines.is_empty()) {
        (Some(_), false) => {
            return Err(Error::Validation("Credit either an amount or lines, not both.".into()));
        }
        (None, true) => return Err(Error::Validation("Give an amount or at least one line to credit.".into())),
        (Some(amount), true) => amount,
        (None, false) => lines_total,
    };
    if total <= 0 {
        return Err(Error::Validation("A credit note's amount must be greater than 0.".into()));
    }
    let creditable = creditable_amount(&invoice);
    if total > creditable {
        return Err(Error::Validation(format!(
            "The credit note amount ({total}) is greater than what invoice {} can still be credited ({creditable}).",
            input.invoice_id
        )));
    }
    check_settlement(store, account_id, input, &status, total)?;
    let memo = input.memo.as_deref().map(str::trim).filter(|memo| !memo.is_empty());
    if memo.is_some_and(|memo| memo.chars().count() > MAX_MEMO_CHARS) {
        return Err(Error::Validation(format!("The memo can have at most {MAX_MEMO_CHARS} characters.")));
    }
    let operation = CreateCreditNote {
        invoice_id: input.invoice_id.clone(),
        customer_id: kinds::id_of(&invoice["customer"]).map(str::to_string),
        amount: input.amount,
        lines: lines.into_iter().map(|(line, _)| line).collect(),
        reason: input.reason.map(|reason| reason.as_str().to_string()),
        memo: memo.map(str::to_string),
        refund_amount: input.refund_amount,
        credit_amount: input.credit_amount,
        out_of_band_amount: input.out_of_band_amount,
    };
    Ok(Checked {
        operation,
        total,
        invoice_status: status,
        amount_remaining: invoice["amount_remaining"].as_i64().unwrap_or_default(),
        creditable,
    })
}

/// Each requested line with the amount it credits (the line's amount per unit times the
/// quantity, as Stripe works it out).
fn check_lines(invoice: &Value, input: &CreditNoteInput) -> Result<Vec<(CreditNoteLine, i64)>> {
    let cached = invoice["lines"]["data"].as_array().cloned().unwrap_or_default();
    let mut checked: Vec<(CreditNoteLine, i64)> = Vec::with_capacity(input.lines.len());
    for line in &input.lines {
        if checked.iter().any(|(seen, _)| seen.invoice_line_id == line.invoice_line_id) {
            return Err(Error::Validation(format!("Line {} is credited twice.", line.invoice_line_id)));
        }
        let found = cached
            .iter()
            .find(|candidate| candidate["id"] == line.invoice_line_id.as_str())
            .ok_or_else(|| {
                Error::Validation(format!("Invoice {} has no line {}.", input.invoice_id, line.invoice_line_id))
            })?;
        let line_quantity = found["quantity"].as_i64().unwrap_or(1).max(1);
        let quantity = i64::try_from(line.quantity).unwrap_or(i64::MAX);
        if quantity < 1 || quantity > line_quantity {
            return Err(Error::Validation(format!(
                "The quantity credited on line {} must be 1 to {line_quantity}.",
                line.invoice_line_id
            )));
        }
        let amount = found["amount"].as_i64().unwrap_or_default() / line_quantity * quantity;
        checked.push((CreditNoteLine { invoice_line_id: line.invoice_line_id.clone(), quantity: line.quantity }, amount));
    }
    Ok(checked)
}

/// Refund, balance credit and out of band: none on an open invoice; on a paid one they are
/// not negative, add up to the total, and the refund fits what the card paid.
fn check_settlement(store: &Store, account_id: &str, input: &CreditNoteInput, status: &str, total: i64) -> Result<()> {
    let parts = [input.refund_amount, input.credit_amount, input.out_of_band_amount];
    if status == "open" {
        if parts.iter().any(|part| *part != 0) {
            return Err(Error::Validation(
                "A credit note on an open invoice lowers its amount due: it cannot refund, credit the balance or be settled out of band."
                    .into(),
            ));
        }
        return Ok(());
    }
    if parts.iter().any(|part| *part < 0) {
        return Err(Error::Validation("Refund, balance credit and out-of-band amounts cannot be negative.".into()));
    }
    let settled: i64 = parts.iter().sum();
    if settled != total {
        return Err(Error::Validation(format!(
            "The refund, balance credit and out-of-band amounts ({settled}) must add up to the credit note's total ({total})."
        )));
    }
    if input.refund_amount > 0 {
        let refundable = refundable_by_card(store, account_id, &input.invoice_id)?;
        if input.refund_amount > refundable {
            return Err(Error::Validation(format!(
                "Only {refundable} of invoice {} was paid by card and can be refunded.",
                input.invoice_id
            )));
        }
    }
    Ok(())
}
