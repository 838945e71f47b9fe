//! A customer's detail view, read from the cache only: the profile as Stripe last sent it,
//! its invoices, credit notes, subscriptions, the purchase orders billed to it, and the
//! cached events about it or its objects.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::input::Address;
use crate::credit_notes::CreditNoteRow;
use crate::error::{Error, Result};
use crate::invoices::InvoiceTimelineEntry;
use crate::store::cache::invoice_row;
use crate::store::{InvoiceRow, Store};

/// The most events a customer's timeline shows (newest first).
const TIMELINE_LIMIT: i64 = 200;

/// A subscription as a customer view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerSubscription {
    /// `sub_…`
    pub id: String,
    /// Stripe's status.
    pub status: String,
    /// End of the current period (from its first item), Unix seconds.
    pub current_period_end: Option<i64>,
    /// Its description, if any.
    pub description: Option<String>,
}

/// A purchase order billed to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerPo {
    /// The PO's id in Billfold.
    pub po_id: String,
    /// The customer's PO number.
    pub po_number: String,
    /// The PO's status.
    pub status: String,
    /// Currency.
    pub currency: String,
    /// Total, minor units.
    pub total: i64,
    /// What is still to be paid, minor units.
    pub balance: i64,
}

/// Everything the customer view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomerDetail {
    /// `cus_…`
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Billing address.
    pub address: Option<Address>,
    /// Preferred locales.
    pub preferred_locales: Vec<String>,
    /// Currency of the balance, once set.
    pub currency: Option<String>,
    /// Balance in minor units (negative = credit).
    pub balance: i64,
    /// Whether Stripe marks them delinquent.
    pub delinquent: bool,
    /// Created, Unix seconds.
    pub created: i64,
    /// Default payment method for invoices.
    pub default_payment_method: Option<String>,
    /// Footer on their invoices.
    pub invoice_footer: Option<String>,
    /// Metadata.
    pub metadata: BTreeMap<String, String>,
    /// Their invoices, newest first.
    pub invoices: Vec<InvoiceRow>,
    /// Their credit notes, newest first.
    pub credit_notes: Vec<CreditNoteRow>,
    /// Refunds of their payments, newest first.
    pub refunds: Vec<crate::payments::RefundRow>,
    /// Their subscriptions, newest first.
    pub subscriptions: Vec<CustomerSubscription>,
    /// Purchase orders billed to them, newest first.
    pub purchase_orders: Vec<CustomerPo>,
    /// Cached events about them or their objects, newest first.
    pub timeline: Vec<InvoiceTimelineEntry>,
}

fn invoices(conn: &Connection, account_id: &str, customer_id: &str) -> Result<Vec<InvoiceRow>> {
    let mut statement = conn.prepare(
        "SELECT id, number, customer_id, customer_name, customer_email, coalesce(status, ''), coalesce(currency, ''),
                coalesce(total, 0), coalesce(amount_due, 0), coalesce(amount_paid, 0),
                coalesce(amount_remaining, 0), due_date, coalesce(created, 0)
         FROM cache_invoices WHERE account_id = ?1 AND customer_id = ?2 AND deleted = 0
         ORDER BY ifnull(created, 0) DESC, id DESC",
    )?;
    let rows = statement.query_map(params![account_id, customer_id], invoice_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn subscriptions(conn: &Connection, account_id: &str, customer_id: &str) -> Result<Vec<CustomerSubscription>> {
    // Since 2025 Stripe keeps the current period on the items, not the subscription.
    let mut statement = conn.prepare(
        "SELECT s.id, coalesce(s.status, ''),
                coalesce(json_extract(s.raw, '$.current_period_end'),
                         (SELECT json_extract(i.raw, '$.current_period_end') FROM cache_subscription_items i
                          WHERE i.account_id = s.account_id AND i.subscription_id = s.id ORDER BY i.position LIMIT 1)),
                json_extract(s.raw, '$.description')
         FROM cache_subscriptions s WHERE s.account_id = ?1 AND s.customer_id = ?2 AND s.deleted = 0
         ORDER BY ifnull(s.created, 0) DESC, s.id DESC",
    )?;
    let rows = statement.query_map(params![account_id, customer_id], |row| {
        Ok(CustomerSubscription {
            id: row.get(0)?,
            status: row.get(1)?,
            current_period_end: row.get(2)?,
            description: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn purchase_orders(conn: &Connection, account_id: &str, customer_id: &str) -> Result<Vec<CustomerPo>> {
    // A PO names the customer once issued; its invoice names it too (a PO rebuilt from
    // another desktop's invoice may only have the invoice).
    let mut statement = conn.prepare(
        concat!(
            "SELECT id, po_number, status, currency, total, ",
            crate::po::balance_sql!(),
            " FROM purchase_orders
             WHERE account_id = ?1 AND (customer_id = ?2 OR invoice_id IN
                   (SELECT id FROM cache_invoices WHERE account_id = ?1 AND customer_id = ?2))
             ORDER BY created_at DESC, id DESC"
        ),
    )?;
    let rows = statement.query_map(params![account_id, customer_id], |row| {
        Ok(CustomerPo {
            po_id: row.get(0)?,
            po_number: row.get(1)?,
            status: row.get(2)?,
            currency: row.get(3)?,
            total: row.get(4)?,
            balance: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn timeline(conn: &Connection, account_id: &str, customer_id: &str) -> Result<Vec<InvoiceTimelineEntry>> {
    let mut statement = conn.prepare(
        "SELECT id, type, created, source FROM cache_events
         WHERE account_id = ?1 AND (object_id = ?2 OR json_extract(raw, '$.data.object.customer') = ?2)
         ORDER BY created DESC, id DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(params![account_id, customer_id, TIMELINE_LIMIT], |row| {
        Ok(InvoiceTimelineEntry { event_id: row.get(0)?, event_type: row.get(1)?, created: row.get(2)?, source: row.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

impl Store {
    /// A customer's detail from the cache; not found when the cache has no such customer.
    pub fn customer_detail(&self, account_id: &str, customer_id: &str) -> Result<CustomerDetail> {
        let raw: Option<String> = {
            let conn = self.read_conn()?;
            conn.query_row(
                "SELECT raw FROM cache_customers WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
                params![account_id, customer_id],
                |row| row.get(0),
            )
            .optional()?
        };
        let raw = raw.ok_or_else(|| {
            Error::NotFound(format!("There is no customer {customer_id} in this account (sync it first if it is new)."))
        })?;
        let customer: Value =
            serde_json::from_str(&raw).map_err(|err| Error::Store(format!("a cached customer is not valid JSON: {err}")))?;
        let credit_notes = self.credit_notes_of_customer(account_id, customer_id)?;
        let refunds = self.refunds_of_customer(account_id, customer_id)?;
        let conn = self.read_conn()?;
        let text = |value: &Value| value.as_str().map(str::to_string);
        Ok(CustomerDetail {
            id: customer_id.to_string(),
            name: text(&customer["name"]),
            email: text(&customer["email"]),
            phone: text(&customer["phone"]),
            address: Address::from_stripe(&customer["address"]),
            preferred_locales: customer["preferred_locales"]
                .as_array()
                .map(|locales| locales.iter().filter_map(|l| l.as_str().map(str::to_string)).collect())
                .unwrap_or_default(),
            currency: text(&customer["currency"]),
            balance: customer["balance"].as_i64().unwrap_or_default(),
            delinquent: customer["delinquent"].as_bool().unwrap_or_default(),
            created: customer["created"].as_i64().unwrap_or_default(),
            default_payment_method: crate::store::cache::kinds::id_of(&customer["invoice_settings"]["default_payment_method"])
                .map(str::to_string),
            invoice_footer: text(&customer["invoice_settings"]["footer"]),
            metadata: customer["metadata"]
                .as_object()
                .map(|map| map.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))).collect())
                .unwrap_or_default(),
            invoices: invoices(&conn, account_id, customer_id)?,
            credit_notes,
            refunds,
            subscriptions: subscriptions(&conn, account_id, customer_id)?,
            purchase_orders: purchase_orders(&conn, account_id, customer_id)?,
            timeline: timeline(&conn, account_id, customer_id)?,
        })
    }
}
