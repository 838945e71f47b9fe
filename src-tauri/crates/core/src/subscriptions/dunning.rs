//! The dunning queue: the open invoices of subscriptions whose payment failed (`past_due` or
//! `unpaid`), read from the cache with how often Stripe tried, why the last try failed and
//! when it tries next, largest amount at risk first. No request is made here.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::invoices::rules::{allowed_actions, InvoiceState};
use crate::invoices::InvoiceActionKind;
use crate::service::Billfold;
use crate::store::Store;
use crate::subscriptions::DUNNING_MARK_KEY;

/// One open invoice of a subscription whose payment failed, as the dunning queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DunningRow {
    /// `sub_…`
    pub subscription_id: String,
    /// `past_due` or `unpaid`.
    pub subscription_status: String,
    /// The customer's id.
    pub customer_id: Option<String>,
    /// The customer's name, when the customer is cached.
    pub customer_name: Option<String>,
    /// The customer's email, when the customer is cached.
    pub customer_email: Option<String>,
    /// `in_…`, the open invoice to chase.
    pub invoice_id: String,
    /// Its number.
    pub invoice_number: Option<String>,
    /// Its currency.
    pub currency: String,
    /// Still to pay, minor units.
    pub amount_remaining: i64,
    /// How many times Stripe has tried to charge it.
    pub attempt_count: i64,
    /// When Stripe tries again by itself, Unix seconds; none once retries are exhausted.
    pub next_payment_attempt: Option<i64>,
    /// Why the last charge failed, when its payment intent or charge is cached.
    pub last_failure: Option<String>,
    /// When it is due, Unix seconds (`send_invoice` invoices only).
    pub due_date: Option<i64>,
    /// The invoice actions its state allows (pay retries now, send emails the hosted link).
    pub actions: Vec<InvoiceActionKind>,
    /// Whether the account's dunning rule marked the subscription for review.
    pub review: bool,
}

/// Subscription statuses whose open invoices need chasing.
const FAILING: &str = "('past_due', 'unpaid')";

impl Billfold {
    /// The account's dunning queue, from the cache only: largest amount remaining first,
    /// then the oldest due.
    pub fn dunning_queue(&self, account_id: &str) -> Result<Vec<DunningRow>> {
        self.store().get_account(account_id)?;
        self.store().dunning_queue(account_id)
    }
}

impl Store {
    /// Open invoices of the account's `past_due` and `unpaid` subscriptions, most money at
    /// risk first, then oldest due (an invoice without a due date counts from its creation).
    pub fn dunning_queue(&self, account_id: &str) -> Result<Vec<DunningRow>> {
        let conn = self.read_conn()?;
        // Newer API versions name the subscription under `parent`, which the typed column
        // holds; older ones at the top level of the invoice.
        let mut statement = conn.prepare_cached(&format!(
            "SELECT s.id, s.status, s.customer_id, s.customer_name, s.customer_email,
                    i.id, i.number, coalesce(i.currency, ''), coalesce(i.amount_remaining, 0),
                    coalesce(i.collection_method, ''),
                    coalesce(json_extract(i.raw, '$.attempt_count'), 0),
                    json_extract(i.raw, '$.next_payment_attempt'), i.due_date,
                    json_extract(i.raw, '$.payment_intent'),
                    coalesce(json_extract(s.raw, '$.metadata.{DUNNING_MARK_KEY}'), '') LIKE 'review %'
             FROM cache_subscriptions s
             JOIN cache_invoices i ON i.account_id = s.account_id AND i.deleted = 0 AND i.status = 'open'
                  AND (i.subscription_id = s.id
                       OR (i.subscription_id IS NULL AND json_extract(i.raw, '$.subscription') = s.id))
             WHERE s.account_id = ?1 AND s.deleted = 0 AND s.status IN {FAILING}
             ORDER BY coalesce(i.amount_remaining, 0) DESC, coalesce(i.due_date, i.created, 0), i.id"
        ))?;
        let found = statement.query_map(params![account_id], |row| {
            let collection_method: String = row.get(9)?;
            let legacy_intent: Option<String> = row.get(13)?;
            let status: String = row.get(1)?;
            let amount_remaining: i64 = row.get(8)?;
            let actions = allowed_actions(InvoiceState {
                status: "open",
                collection_method: &collection_method,
                amount_remaining,
            });
            Ok((
                DunningRow {
                    subscription_id: row.get(0)?,
                    subscription_status: status,
                    customer_id: row.get(2)?,
                    customer_name: row.get(3)?,
                    customer_email: row.get(4)?,
                    invoice_id: row.get(5)?,
                    invoice_number: row.get(6)?,
                    currency: row.get(7)?,
                    amount_remaining,
                    attempt_count: row.get(10)?,
                    next_payment_attempt: row.get(11)?,
                    last_failure: None,
                    due_date: row.get(12)?,
                    actions: actions.into_iter().filter(|kind| CHASING.contains(kind)).collect(),
                    review: row.get(14)?,
                },
                legacy_intent,
            ))
        })?;
        let mut rows = Vec::new();
        for found in found {
            let (mut row, legacy_intent) = found?;
            row.last_failure = last_failure(&conn, account_id, &row.invoice_id, legacy_intent.as_deref())?;
            rows.push(row);
        }
        Ok(rows)
    }
}

/// The invoice actions the queue offers: retry the charge, email the hosted link, give up.
/// Voiding or recording an outside payment belongs to the invoice's own view.
const CHASING: &[InvoiceActionKind] =
    &[InvoiceActionKind::Send, InvoiceActionKind::Pay, InvoiceActionKind::MarkUncollectible];

/// Why the invoice's latest charge failed: its newest payment intent's `last_payment_error`,
/// else that intent's failed charge's `failure_message`. The intents are the invoice's
/// payments (newer API versions) or its `payment_intent` (older ones); `None` when none of
/// them is cached with an error.
fn last_failure(conn: &Connection, account_id: &str, invoice_id: &str, legacy_intent: Option<&str>) -> Result<Option<String>> {
    let message: Option<Option<String>> = conn
        .prepare_cached(
            "WITH intents (id, created) AS (
                 SELECT json_extract(p.raw, '$.payment.payment_intent'), coalesce(p.created, 0)
                 FROM cache_invoice_payments p
                 WHERE p.account_id = ?1 AND p.invoice_id = ?2 AND p.deleted = 0
                 UNION ALL SELECT ?3, 0 WHERE ?3 IS NOT NULL)
             SELECT coalesce(
                        json_extract(pi.raw, '$.last_payment_error.message'),
                        (SELECT json_extract(c.raw, '$.failure_message') FROM cache_charges c
                         WHERE c.account_id = pi.account_id AND c.payment_intent_id = pi.id AND c.deleted = 0
                           AND json_extract(c.raw, '$.failure_message') IS NOT NULL
                         ORDER BY c.created DESC, c.id DESC LIMIT 1))
             FROM intents
             JOIN cache_payment_intents pi ON pi.account_id = ?1 AND pi.id = intents.id AND pi.deleted = 0
             ORDER BY intents.created DESC, coalesce(pi.created, 0) DESC, pi.id DESC
             LIMIT 1",
        )?
        .query_row(params![account_id, invoice_id, legacy_intent], |row| row.get(0))
        .optional()?;
    Ok(message.flatten())
}

#[cfg(test)]
#[path = "dunning_tests.rs"]
mod tests;
