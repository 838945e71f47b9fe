//! One invoice's detail read from the cache: the invoice, all its lines, its payments, credit
//! notes, purchase order and events, and what its state allows. No request is made.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::rules::{allowed_actions, InvoiceState};
use super::{
    CatalogPrice, CreditNoteRow, CustomField, InvoiceActionKind, InvoiceDetail, InvoiceLineView, InvoicePaymentView,
    InvoicePoLink, InvoiceTimelineEntry,
};
use crate::credit_notes::creditable_amount;
use crate::error::{Error, Result};
use crate::store::cache::kinds::id_of;
use crate::store::Store;

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn parse(raw: &str) -> Result<Value> {
    serde_json::from_str(raw).map_err(|err| Error::Store(format!("a cached object is not JSON: {err}")))
}

/// Rows of `sql` (one `raw` column) with the account and one id bound, parsed.
fn raws(conn: &Connection, sql: &str, account_id: &str, id: &str) -> Result<Vec<Value>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(params![account_id, id], |row| row.get::<_, String>(0))?;
    rows.map(|raw| parse(&raw?)).collect()
}

impl Store {
    /// The cached invoice `invoice_id` as the invoice view shows it.
    pub fn invoice_detail(&self, account_id: &str, invoice_id: &str) -> Result<InvoiceDetail> {
        let conn = self.read_conn()?;
        let raw: Option<String> = conn
            .query_row(
                "SELECT raw FROM cache_invoices WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, invoice_id],
                |row| row.get(0),
            )
            .optional()?;
        let raw = raw.ok_or_else(|| {
            Error::NotFound(format!("There is no invoice {invoice_id} in this account (sync it first if it is new)."))
        })?;
        let mut invoice = parse(&raw)?;
        let lines = raws(
            &conn,
            "SELECT raw FROM cache_invoice_lines WHERE account_id = ?1 AND invoice_id = ?2 ORDER BY position",
            account_id,
            invoice_id,
        )?;
        let payments = raws(
            &conn,
            "SELECT raw FROM cache_invoice_payments WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0
             ORDER BY created, id",
            account_id,
            invoice_id,
        )?;
        let credit_notes = raws(
            &conn,
            "SELECT raw FROM cache_credit_notes WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0
             ORDER BY created, id",
            account_id,
            invoice_id,
        )?;
        let po = conn
            .query_row(
                "SELECT id, po_number FROM purchase_orders WHERE account_id = ?1 AND invoice_id = ?2",
                params![account_id, invoice_id],
                |row| Ok(InvoicePoLink { po_id: row.get(0)?, po_number: row.get(1)? }),
            )
            .optional()?;
        let timeline = timeline(&conn, account_id, invoice_id)?;
        drop(conn);
        if let Some(list) = invoice.get_mut("lines").and_then(Value::as_object_mut) {
            list.insert("data".into(), Value::Array(lines.clone()));
        }
        let mut detail = build(invoice, &lines, &payments, &credit_notes, po, timeline);
        detail.refunds = self.refunds_of_invoice(account_id, invoice_id)?;
        Ok(detail)
    }

    /// Active one-off prices of the cache (in `currency`, when given) with their products'
    /// names, by product name.
    pub fn catalog_prices(&self, account_id: &str, currency: Option<&str>) -> Result<Vec<CatalogPrice>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT p.id, coalesce(pr.name, p.product_id, ''), coalesce(p.currency, ''), p.unit_amount
             FROM cache_prices p
             LEFT JOIN cache_products pr ON pr.account_id = p.account_id AND pr.id = p.product_id AND pr.deleted = 0
             WHERE p.account_id = ?1 AND p.deleted = 0 AND p.active = 1 AND p.type = 'one_time'
               AND (?2 IS NULL OR p.currency = ?2)
             ORDER BY lower(coalesce(pr.name, '')), p.unit_amount, p.id",
        )?;
        let rows = statement.query_map(params![account_id, currency], |row| {
            Ok(CatalogPrice {
                id: row.get(0)?,
                product_name: row.get(1)?,
                currency: row.get(2)?,
                unit_amount: row.get(3)?,
                recurring: false,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The detail of a parsed invoice and its cached relatives.
fn build(
    invoice: Value,
    lines: &[Value],
    payments: &[Value],
    credit_notes: &[Value],
    po: Option<InvoicePoLink>,
    timeline: Vec<InvoiceTimelineEntry>,
) -> InvoiceDetail {
    let int = |field: &str| invoice[field].as_i64().unwrap_or(0);
    let status = text(&invoice["status"]).unwrap_or_default();
    let collection_method = text(&invoice["collection_method"]).unwrap_or_else(|| "charge_automatically".into());
    let actions = allowed_actions(InvoiceState {
        status: &status,
        collection_method: &collection_method,
        amount_remaining: int("amount_remaining"),
    });
    let credit_notes: Vec<CreditNoteRow> = credit_notes.iter().map(CreditNoteRow::from_stripe).collect();
    // One rule for the detail and for the credit note form's checks.
    let creditable_amount = creditable_amount(&invoice);
    let custom_fields = invoice["custom_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|field| CustomField {
            name: text(&field["name"]).unwrap_or_default(),
            value: text(&field["value"]).unwrap_or_default(),
        })
        .collect();
    let metadata: BTreeMap<String, String> = invoice["metadata"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| value.as_str().map(|value| (key.clone(), value.to_string())))
        .collect();
    InvoiceDetail {
        id: text(&invoice["id"]).unwrap_or_default(),
        number: text(&invoice["number"]),
        customer_id: id_of(&invoice["customer"]).map(str::to_string),
        customer_name: text(&invoice["customer_name"]),
        customer_email: text(&invoice["customer_email"]),
        currency: text(&invoice["currency"]).unwrap_or_default(),
        created: int("created"),
        due_date: invoice["due_date"].as_i64(),
        finalized_at: invoice["status_transitions"]["finalized_at"].as_i64(),
        subtotal: int("subtotal"),
        total: int("total"),
        amount_due: int("amount_due"),
        amount_paid: int("amount_paid"),
        amount_remaining: int("amount_remaining"),
        starting_balance: int("starting_balance"),
        ending_balance: invoice["ending_balance"].as_i64(),
        memo: text(&invoice["description"]),
        footer: text(&invoice["footer"]),
        hosted_invoice_url: text(&invoice["hosted_invoice_url"]),
        invoice_pdf: text(&invoice["invoice_pdf"]),
        custom_fields,
        metadata,
        lines: lines.iter().map(line_view).collect(),
        payments: payments.iter().map(payment_view).collect(),
        po,
        timeline,
        can_edit: status == "draft",
        can_credit: creditable_amount > 0,
        creditable_amount,
        raw_json: serde_json::to_string_pretty(&invoice).unwrap_or_default(),
        actions,
        credit_notes,
        // Read from the refunds cache by the caller; a preview has none.
        refunds: Vec::new(),
        collection_method,
        status,
    }
}

fn line_view(line: &Value) -> InvoiceLineView {
    let pricing = &line["pricing"];
    let unit_amount = pricing["unit_amount_decimal"]
        .as_str()
        .and_then(|decimal| decimal.split('.').next())
        .and_then(|whole| whole.parse().ok());
    InvoiceLineView {
        id: text(&line["id"]).unwrap_or_default(),
        description: text(&line["description"]),
        quantity: line["quantity"].as_i64(),
        unit_amount,
        amount: line["amount"].as_i64().unwrap_or(0),
        price_id: id_of(&pricing["price_details"]["price"]).map(str::to_string),
        period_start: line["period"]["start"].as_i64(),
        period_end: line["period"]["end"].as_i64(),
    }
}

fn payment_view(payment: &Value) -> InvoicePaymentView {
    let inner = &payment["payment"];
    InvoicePaymentView {
        id: text(&payment["id"]).unwrap_or_default(),
        amount_paid: payment["amount_paid"].as_i64().unwrap_or(0),
        status: text(&payment["status"]).unwrap_or_default(),
        created: payment["created"].as_i64().unwrap_or(0),
        payment_intent: id_of(&inner["payment_intent"]).map(str::to_string),
        charge: id_of(&inner["charge"]).map(str::to_string),
        paid_out_of_band: inner["type"] == "out_of_band_payment",
    }
}

/// The cached events whose object is the invoice, newest first, each with how it arrived.
fn timeline(conn: &Connection, account_id: &str, invoice_id: &str) -> Result<Vec<InvoiceTimelineEntry>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, type, created, source FROM cache_events WHERE account_id = ?1 AND object_id = ?2
         ORDER BY created DESC, rowid DESC",
    )?;
    let rows = statement.query_map(params![account_id, invoice_id], |row| {
        Ok(InvoiceTimelineEntry {
            event_id: row.get(0)?,
            event_type: row.get(1)?,
            created: row.get(2)?,
            source: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The actions of an invoice that was just deleted: none.
pub(super) fn deleted(mut detail: InvoiceDetail) -> InvoiceDetail {
    detail.status = "deleted".into();
    detail.actions = Vec::<InvoiceActionKind>::new();
    detail.can_edit = false;
    detail.can_credit = false;
    detail.creditable_amount = 0;
    detail
}

#[cfg(test)]
pub(super) mod tests_support {
    use super::*;

    /// The detail of an invoice object and its lines, with nothing else cached.
    pub(in crate::invoices) fn detail_of(invoice: Value, lines: Vec<Value>) -> InvoiceDetail {
        build(invoice, &lines, &[], &[], None, Vec::new())
    }
}
