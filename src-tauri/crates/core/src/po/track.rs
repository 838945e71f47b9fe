//! Keeping POs equal to their invoices after each sync, and rebuilding POs a second desktop
//! issued. Runs at the end of every sync and after every pushed event, on the cache only.
//!
//! Payments follow `amount_paid` as deltas. Of what the invoice says is paid, the part this
//! desktop already explains is: Stripe payments recorded before, plus payments recorded here
//! that a paid-out-of-band mark covers (or is about to). What is left is new money: as much
//! as Stripe's own invoice payments account for becomes a Stripe payment, and the rest was
//! marked paid outside Stripe elsewhere (another desktop, the dashboard) and is shown as such.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

use super::balance::{CREDITED_OF_P, REFUNDED_OF_P};
use super::store::{self, Audit, PaymentRow};
use super::validate::ValidPo;
use super::{PaymentMethod, PoLine};
use crate::error::Result;
use crate::money::{format_amount, Currency};
use crate::store::Store;

/// Settings key of the cache version up to which invoices were checked for POs to rebuild.
fn watermark_key(account_id: &str) -> String {
    format!("po.rebuilt_through.{account_id}")
}

/// Brings the account's POs up to date with the cached invoices; returns whether any changed.
pub(crate) fn reconcile(store: &Store, account_id: &str) -> Result<bool> {
    let since: i64 = store
        .setting(&watermark_key(account_id))?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let (changed, newest) = store.po_write(|tx| {
        let (rebuilt, newest) = rebuild(tx, account_id, since)?;
        let updated = follow_invoices(tx, account_id)?;
        Ok((rebuilt + updated > 0, newest))
    })?;
    if newest > since {
        store.set_setting(&watermark_key(account_id), &newest.to_string())?;
    }
    Ok(changed)
}

/// Creates the POs named in the metadata of finalized invoices this desktop does not have.
/// Returns how many it made and the newest cache version seen.
fn rebuild(tx: &Transaction<'_>, account_id: &str, since: i64) -> Result<(usize, i64)> {
    let newest: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM cache_invoices WHERE account_id = ?1",
        params![account_id],
        |row| row.get(0),
    )?;
    let mut statement = tx.prepare(
        "SELECT id, raw FROM cache_invoices
         WHERE account_id = ?1 AND version >= ?2 AND deleted = 0 AND status NOT IN ('draft')
           AND json_extract(raw, '$.metadata.po_id') IS NOT NULL
           AND json_extract(raw, '$.metadata.po_id') NOT IN (SELECT id FROM purchase_orders WHERE account_id = ?1)",
    )?;
    let found = statement
        .query_map(params![account_id, since], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(statement);
    let mut made = 0;
    for (invoice_id, raw) in found {
        let invoice: Value = serde_json::from_str(&raw).unwrap_or_default();
        match rebuild_one(tx, account_id, &invoice_id, &invoice) {
            Ok(()) => made += 1,
            // One unreadable or clashing invoice must not stop the others.
            Err(err) => {
                tracing::warn!(account = %account_id, invoice = %invoice_id, %err, "cannot rebuild a PO from an invoice")
            }
        }
    }
    Ok((made, newest))
}

fn rebuild_one(
    tx: &Transaction<'_>,
    account_id: &str,
    invoice_id: &str,
    invoice: &Value,
) -> Result<()> {
    let text = |value: &Value| {
        value
            .as_str()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    };
    let metadata = &invoice["metadata"];
    let po_id = text(&metadata["po_id"]).unwrap_or_default();
    let po_number = text(&metadata["po_number"]).unwrap_or_else(|| invoice_id.to_string());
    let organization =
        text(&invoice["customer_name"]).unwrap_or_else(|| "(unnamed customer)".into());
    let currency = Currency::parse(invoice["currency"].as_str().unwrap_or_default())?;
    let mut lines = Vec::new();
    {
        let mut statement = tx.prepare_cached(
            "SELECT raw FROM cache_invoice_lines WHERE account_id = ?1 AND invoice_id = ?2 ORDER BY position",
        )?;
        let raws = statement.query_map(params![account_id, invoice_id], |row| {
            row.get::<_, String>(0)
        })?;
        for (index, raw) in raws.enumerate() {
            let line: Value = serde_json::from_str(&raw?).unwrap_or_default();
            let amount = line["amount"].as_i64().unwrap_or(0);
            let quantity = line["quantity"].as_i64().filter(|q| *q > 0).unwrap_or(1);
            let (quantity, unit_amount) = if amount % quantity == 0 {
                (quantity, amount / quantity)
            } else {
                (1, amount)
            };
            lines.push(PoLine {
                position: index as i64 + 1,
                description: text(&line["description"])
                    .unwrap_or_else(|| format!("Line {}", index + 1)),
                quantity,
                unit_amount,
                amount,
            });
        }
    }
    let po = ValidPo {
        po_number,
        contact_name: text(&metadata["contact_name"]).unwrap_or_else(|| organization.clone()),
        organization,
        contact_email: text(&invoice["customer_email"]).unwrap_or_default(),
        billing_address: None,
        payment_terms_days: metadata["payment_terms_days"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .unwrap_or(30),
        notes: None,
        total: lines.iter().map(|line| line.amount).sum(),
        currency,
        lines,
    };
    let source = format!(
        "rebuilt from Stripe invoice {}",
        invoice["number"].as_str().unwrap_or(invoice_id)
    );
    store::insert(tx, account_id, &po_id, &po, &source)?;
    tx.execute(
        "UPDATE purchase_orders SET customer_id = ?3, invoice_id = ?4 WHERE account_id = ?1 AND id = ?2",
        params![account_id, po_id, invoice["customer"].as_str(), invoice_id],
    )?;
    Ok(())
}

/// The invoice fields a PO follows.
struct Seen {
    po_id: String,
    invoice_id: String,
    currency: String,
    old_status: Option<String>,
    status: Option<String>,
    number: Option<String>,
    hosted: Option<String>,
    pdf: Option<String>,
    due: Option<i64>,
    amount_paid: i64,
}

/// Applies every cached invoice that differs from what its PO last saw, credit notes
/// included: a note issued or voided changes what the PO owes without touching the invoice's
/// status or `amount_paid`.
fn follow_invoices(tx: &Transaction<'_>, account_id: &str) -> Result<usize> {
    let mut statement = tx.prepare(&format!(
        "SELECT p.id, c.id, p.currency, p.invoice_status, c.status, c.number,
                json_extract(c.raw, '$.hosted_invoice_url'), json_extract(c.raw, '$.invoice_pdf'),
                c.due_date, coalesce(c.amount_paid, 0)
         FROM purchase_orders p JOIN cache_invoices c ON c.account_id = p.account_id AND c.id = p.invoice_id
         WHERE p.account_id = ?1 AND c.deleted = 0
           AND (c.status IS NOT p.invoice_status OR coalesce(c.amount_paid, 0) != p.stripe_amount_paid
                OR c.number IS NOT p.invoice_number OR {CREDITED_OF_P} != p.credited
                OR {REFUNDED_OF_P} != p.refunded)"
    ))?;
    let seen = statement
        .query_map(params![account_id], |row| {
            Ok(Seen {
                po_id: row.get(0)?,
                invoice_id: row.get(1)?,
                currency: row.get(2)?,
                old_status: row.get(3)?,
                status: row.get(4)?,
                number: row.get(5)?,
                hosted: row.get(6)?,
                pdf: row.get(7)?,
                due: row.get(8)?,
                amount_paid: row.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(statement);
    for invoice in &seen {
        follow(tx, account_id, invoice)?;
    }
    Ok(seen.len())
}

fn follow(tx: &Transaction<'_>, account_id: &str, seen: &Seen) -> Result<()> {
    let po_id = seen.po_id.as_str();
    let due_date = seen
        .due
        .and_then(|due| chrono::DateTime::from_timestamp(due, 0))
        .map(|due| due.format("%Y-%m-%d").to_string());
    tx.execute(
        "UPDATE purchase_orders SET invoice_status = ?3, invoice_number = ?4,
                hosted_invoice_url = coalesce(?5, hosted_invoice_url), invoice_pdf = coalesce(?6, invoice_pdf),
                due_date = coalesce(?7, due_date), stripe_amount_paid = ?8, updated_at = ?9
         WHERE account_id = ?1 AND id = ?2",
        params![account_id, po_id, seen.status, seen.number, seen.hosted, seen.pdf, due_date, seen.amount_paid, store::now()],
    )?;
    if seen.status != seen.old_status {
        store::audit(
            tx,
            account_id,
            po_id,
            Audit {
                field: Some("invoice_status"),
                old_value: seen.old_status.clone(),
                new_value: seen.status.clone(),
                ..Audit::action("invoice_status")
            },
        )?;
    }
    let sums = |sql: &str| -> Result<i64> {
        Ok(tx.query_row(sql, params![account_id, po_id], |row| row.get(0))?)
    };
    // Recorded here and counted by Stripe (or about to be, by a mark under way).
    let explained_here = sums(
        "SELECT coalesce(sum(amount), 0) FROM purchase_order_payments
         WHERE account_id = ?1 AND po_id = ?2 AND method != 'stripe' AND (recorded_in_stripe = 1 OR oob_operation_id IS NOT NULL)",
    )?;
    let stripe_recorded =
        sums("SELECT coalesce(sum(amount), 0) FROM purchase_order_payments WHERE account_id = ?1 AND po_id = ?2 AND method = 'stripe'")?;
    let unexplained = seen.amount_paid - explained_here - stripe_recorded;
    if unexplained > 0 {
        let through_stripe: i64 = tx
            .query_row(
                "SELECT sum(amount_paid) FROM cache_invoice_payments
                 WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0 AND status = 'paid'",
                params![account_id, seen.invoice_id],
                |row| row.get::<_, Option<i64>>(0),
            )
            .optional()?
            .flatten()
            .unwrap_or(0);
        let stripe_part = unexplained.min((through_stripe - stripe_recorded).max(0));
        let outside_part = unexplained - stripe_part;
        let today = super::query::today();
        let currency = Currency::parse(&seen.currency)?;
        for (amount, method, note) in [
            (stripe_part, PaymentMethod::Stripe, "Paid through Stripe"),
            (
                outside_part,
                PaymentMethod::Other,
                "Marked paid outside Stripe elsewhere (another desktop or the Stripe dashboard)",
            ),
        ] {
            if amount <= 0 {
                continue;
            }
            let id = format!("pay_{}", uuid::Uuid::new_v4().simple());
            store::insert_payment(
                tx,
                account_id,
                po_id,
                &PaymentRow {
                    id: &id,
                    amount,
                    method,
                    reference: seen.number.as_deref(),
                    received_on: &today,
                    note: Some(note),
                    recorded_in_stripe: true,
                },
            )?;
            store::audit(
                tx,
                account_id,
                po_id,
                Audit {
                    field: Some("payments"),
                    new_value: Some(format!(
                        "{} {} ({})",
                        format_amount(amount, &currency),
                        currency.code().to_ascii_uppercase(),
                        method.as_str()
                    )),
                    ..Audit::action("payment_received")
                },
            )?;
        }
    }
    store::settle(tx, account_id, po_id, None)?;
    Ok(())
}
