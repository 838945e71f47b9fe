//! A PO's invoice timeline: what happened to its Stripe invoice, oldest first. Events are the
//! source (they say who and when); what happened before this desktop's first sync has no
//! cached event, so those steps come from the invoice's own `status_transitions` and its
//! invoice payments instead.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::TimelineEntry;
use crate::error::Result;

/// The timeline of `invoice_id`: its cached events, completed with the steps only the
/// cached invoice and its payments still tell.
pub(super) fn timeline(conn: &Connection, account_id: &str, invoice_id: &str) -> Result<Vec<TimelineEntry>> {
    let mut entries = from_events(conn, account_id, invoice_id)?;
    let covered: Vec<String> = entries.iter().map(|entry| entry.kind.clone()).collect();
    let paid_in_events: Vec<(i64, Option<i64>)> = entries
        .iter()
        .filter(|entry| entry.kind == "payment")
        .map(|entry| (entry.at, entry.amount))
        .collect();
    for entry in from_snapshot(conn, account_id, invoice_id)? {
        let known = if entry.kind == "payment" {
            paid_in_events.contains(&(entry.at, entry.amount))
        } else {
            covered.contains(&entry.kind)
        };
        if !known {
            entries.push(entry);
        }
    }
    entries.sort_by_key(|entry| entry.at);
    Ok(entries)
}

/// Steps read from the cached invoice (`created`, `status_transitions`) and its paid invoice
/// payments.
fn from_snapshot(conn: &Connection, account_id: &str, invoice_id: &str) -> Result<Vec<TimelineEntry>> {
    let raw: Option<String> = conn
        .query_row(
            "SELECT raw FROM cache_invoices WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            params![account_id, invoice_id],
            |row| row.get(0),
        )
        .optional()?;
    let Some(raw) = raw else { return Ok(Vec::new()) };
    let invoice: Value = serde_json::from_str(&raw).unwrap_or_default();
    let number = invoice["number"].as_str().unwrap_or("the invoice");
    let transitions = &invoice["status_transitions"];
    let mut entries = Vec::new();
    let mut step = |at: Option<i64>, kind: &str, label: String, amount: Option<i64>| {
        if let Some(at) = at {
            entries.push(TimelineEntry { at, kind: kind.to_string(), label, amount });
        }
    };
    step(invoice["created"].as_i64(), "created", "Invoice created as a draft".into(), None);
    step(transitions["finalized_at"].as_i64(), "finalized", format!("Invoice {number} finalized"), None);
    step(transitions["paid_at"].as_i64(), "paid", format!("Invoice {number} paid"), invoice["amount_paid"].as_i64());
    step(transitions["voided_at"].as_i64(), "voided", format!("Invoice {number} voided"), None);
    step(
        transitions["marked_uncollectible_at"].as_i64(),
        "uncollectible",
        format!("Invoice {number} marked uncollectible"),
        None,
    );
    let mut statement = conn.prepare_cached(
        "SELECT raw FROM cache_invoice_payments
         WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0 AND status = 'paid'",
    )?;
    let payments = statement.query_map(params![account_id, invoice_id], |row| row.get::<_, String>(0))?;
    for payment in payments {
        let payment: Value = serde_json::from_str(&payment?).unwrap_or_default();
        let at = payment["status_transitions"]["paid_at"].as_i64().or(payment["created"].as_i64());
        step(at, "payment", "Payment received in Stripe".into(), payment["amount_paid"].as_i64());
    }
    Ok(entries)
}

/// The invoice's events (and its payments' events) as timeline steps, oldest first.
fn from_events(conn: &Connection, account_id: &str, invoice_id: &str) -> Result<Vec<TimelineEntry>> {
    let mut statement = conn.prepare_cached(
        "SELECT type, created, raw FROM cache_events
         WHERE account_id = ?1 AND (object_id = ?2 OR object_id IN
               (SELECT id FROM cache_invoice_payments WHERE account_id = ?1 AND invoice_id = ?2))
         ORDER BY created, rowid",
    )?;
    let rows = statement.query_map(params![account_id, invoice_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (kind, at, raw) = row?;
        let event: Value = serde_json::from_str(&raw).unwrap_or_default();
        let object = &event["data"]["object"];
        let number = object["number"].as_str().unwrap_or("the invoice");
        let (kind, label, amount) = match kind.as_str() {
            "invoice.created" => ("created", "Invoice created as a draft".to_string(), None),
            "invoice.finalized" => ("finalized", format!("Invoice {number} finalized"), None),
            "invoice.sent" => (
                "sent",
                format!(
                    "Invoice emailed to {}",
                    object["customer_email"].as_str().unwrap_or("the customer")
                ),
                None,
            ),
            "invoice_payment.paid" => (
                "payment",
                "Payment received in Stripe".to_string(),
                object["amount_paid"].as_i64(),
            ),
            "invoice.paid" => (
                "paid",
                format!("Invoice {number} paid"),
                object["amount_paid"].as_i64(),
            ),
            "invoice.voided" => ("voided", format!("Invoice {number} voided"), None),
            "invoice.marked_uncollectible" => (
                "uncollectible",
                format!("Invoice {number} marked uncollectible"),
                None,
            ),
            _ => continue,
        };
        entries.push(TimelineEntry {
            at,
            kind: kind.to_string(),
            label,
            amount,
        });
    }
    Ok(entries)
}

