//! One payment in detail, from the cache: amounts (refunded, left to refund), how it was paid,
//! the receipt, fee and net when Stripe's balance transaction is known, the invoice it paid
//! and that invoice's PO, its refunds, its dispute, and the timeline of its cached events.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::query::{payment_of, PAYMENT_COLUMNS};
use super::validate::refundable;
use super::{PaymentRow, RefundRow};
use crate::error::{Error, Result};
use crate::store::cache::kinds::id_of;
use crate::store::Store;

/// A payment's dispute, in short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisputeSummary {
    /// `dp_…`
    pub id: String,
    /// Stripe's dispute status (`needs_response`, `won`, `lost`, …).
    pub status: String,
    /// Why the cardholder disputed.
    pub reason: Option<String>,
    /// Minor units.
    pub amount: i64,
}

/// One cached event about the payment, its charge, refunds or dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentEvent {
    /// `evt_…`
    pub id: String,
    /// Stripe's event type (`charge.refunded`).
    pub event_type: String,
    /// Unix seconds.
    pub created: i64,
}

/// Everything about one payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentDetail {
    /// The payment as the list shows it.
    pub payment: PaymentRow,
    /// What is left to refund, minor units.
    pub refundable: i64,
    /// `automatic` or `manual`.
    pub capture_method: String,
    /// The card's brand (`visa`), for card payments.
    pub card_brand: Option<String>,
    /// The card's last four digits, for card payments.
    pub card_last4: Option<String>,
    /// Stripe's receipt page.
    pub receipt_url: Option<String>,
    /// Stripe's fee, minor units, when the charge's balance transaction is known.
    pub fee: Option<i64>,
    /// What the account keeps, minor units, when the charge's balance transaction is known.
    pub net: Option<i64>,
    /// The invoice it paid, if any.
    pub invoice_id: Option<String>,
    /// That invoice's number.
    pub invoice_number: Option<String>,
    /// The PO of that invoice, if any.
    pub po_id: Option<String>,
    /// That PO's number.
    pub po_number: Option<String>,
    /// Its refunds, newest first.
    pub refunds: Vec<RefundRow>,
    /// Its dispute, if the cardholder disputed it.
    pub dispute: Option<DisputeSummary>,
    /// Cached events about it, oldest first.
    pub events: Vec<PaymentEvent>,
    /// Whether a refund can be made now.
    pub can_refund: bool,
    /// Whether it waits for capture (capture or cancel can be done).
    pub can_capture: bool,
    /// Whether it can still be canceled.
    pub can_cancel: bool,
}

/// Statuses in which Stripe cancels a payment intent.
const CANCELABLE: &[&str] = &["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"];

impl Store {
    /// One cached payment in detail.
    pub fn payment_detail(&self, account_id: &str, payment_intent_id: &str) -> Result<PaymentDetail> {
        let conn = self.read_conn()?;
        let row = conn
            .query_row(
                &format!(
                    "SELECT {PAYMENT_COLUMNS}, latest_charge_id FROM cache_payment_intents
                     WHERE account_id = ?1 AND id = ?2 AND deleted = 0"
                ),
                params![account_id, payment_intent_id],
                |row| Ok((payment_of(row)?, row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
            )
            .optional()?;
        let (payment, intent_raw, charge_raw) = row.ok_or_else(|| {
            Error::NotFound(format!("There is no payment {payment_intent_id} in this account (sync it first if it is new)."))
        })?;
        let parse = |raw: &str| serde_json::from_str::<Value>(raw).map_err(|err| Error::Store(format!("a cached payment is not valid JSON: {err}")));
        let intent = parse(&intent_raw)?;
        let charge = charge_raw.as_deref().map(parse).transpose()?.unwrap_or(Value::Null);
        let text = |value: &Value| value.as_str().map(str::to_string);
        let card = &charge["payment_method_details"]["card"];
        // Expanded when the detail was opened online; an id alone says nothing of the fee.
        let balance_transaction = &charge["balance_transaction"];
        let (fee, net) = if balance_transaction.is_object() {
            (balance_transaction["fee"].as_i64(), balance_transaction["net"].as_i64())
        } else {
            (None, None)
        };

        let invoice: Option<(String, Option<String>)> = conn
            .query_row(
                "SELECT ip.invoice_id, i.number FROM cache_invoice_payments ip
                 LEFT JOIN cache_invoices i ON i.account_id = ip.account_id AND i.id = ip.invoice_id AND i.deleted = 0
                 WHERE ip.account_id = ?1 AND ip.deleted = 0 AND ip.invoice_id IS NOT NULL
                   AND coalesce(json_extract(ip.raw, '$.payment.payment_intent.id'), json_extract(ip.raw, '$.payment.payment_intent')) = ?2
                 LIMIT 1",
                params![account_id, payment_intent_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (invoice_id, invoice_number) = invoice.map_or((None, None), |(id, number)| (Some(id), number));
        let po: Option<(String, String)> = match &invoice_id {
            Some(invoice_id) => conn
                .query_row(
                    "SELECT id, po_number FROM purchase_orders WHERE account_id = ?1 AND invoice_id = ?2",
                    params![account_id, invoice_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?,
            None => None,
        };
        let dispute = conn
            .query_row(
                "SELECT id, coalesce(status, ''), reason, coalesce(amount, 0) FROM cache_disputes
                 WHERE account_id = ?1 AND payment_intent_id = ?2 AND deleted = 0 ORDER BY ifnull(created, 0) DESC LIMIT 1",
                params![account_id, payment_intent_id],
                |row| Ok(DisputeSummary { id: row.get(0)?, status: row.get(1)?, reason: row.get(2)?, amount: row.get(3)? }),
            )
            .optional()?;
        drop(conn);
        let refunds = self.refunds_of_payment(account_id, payment_intent_id)?;
        let mut about: Vec<String> = vec![payment_intent_id.to_string()];
        about.extend(id_of(&intent["latest_charge"]).map(str::to_string));
        about.extend(refunds.iter().map(|refund| refund.id.clone()));
        about.extend(dispute.iter().map(|dispute| dispute.id.clone()));
        let events = self.events_about(account_id, &about)?;

        let status = intent["status"].as_str().unwrap_or("");
        let left = refundable(&charge);
        Ok(PaymentDetail {
            refundable: left,
            capture_method: text(&intent["capture_method"]).unwrap_or_else(|| "automatic".into()),
            card_brand: text(&card["brand"]),
            card_last4: text(&card["last4"]),
            receipt_url: text(&charge["receipt_url"]),
            fee,
            net,
            invoice_id,
            invoice_number,
            po_id: po.as_ref().map(|(id, _)| id.clone()),
            po_number: po.map(|(_, number)| number),
            can_refund: status == "succeeded" && left > 0 && charge["disputed"] != true,
            can_capture: status == "requires_capture",
            can_cancel: CANCELABLE.contains(&status),
            refunds,
            dispute,
            events,
            payment,
        })
    }

    /// Cached events whose object is one of `ids`, oldest first.
    fn events_about(&self, account_id: &str, ids: &[String]) -> Result<Vec<PaymentEvent>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT id, type, created FROM cache_events WHERE account_id = ?1 AND object_id = ?2",
        )?;
        let mut events = Vec::new();
        for id in ids {
            let rows = statement.query_map(params![account_id, id], |row| {
                Ok(PaymentEvent { id: row.get(0)?, event_type: row.get(1)?, created: row.get(2)? })
            })?;
            events.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        events.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        Ok(events)
    }
}
