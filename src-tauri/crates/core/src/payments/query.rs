//! Cached payments and refunds read back as rows. Both lists go through the list engine
//! (`store::listing`, indexes from migration 0015): payments sorted by created, amount or
//! status, filtered by status, date, amount, customer and currency, searched by id, customer
//! and description; refunds sorted by created, amount or status, searched by their ids.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, Row};
use serde_json::Value;

use super::{method_label, PaymentFilters, PaymentPage, PaymentRow, RefundPage, RefundRow, PAYMENT_STATUSES, REFUND_STATUSES};
use crate::error::{Error, Result};
use crate::store::cache::page_request;
use crate::store::listing::{list_page, Filter, ListSpec, SortKey};
use crate::store::{ListQuery, Store};

/// Where NULL sorts, as the sort indexes write it (SQLite puts NULLs first anyway).
const LOWEST: i64 = i64::MIN;

/// A payment's columns: the intent, its latest charge (read by id, not joined, so the list
/// engine's single-table plans hold), the derived status and the customer's names.
pub(super) const PAYMENT_COLUMNS: &str = "raw,
    (SELECT c.raw FROM cache_charges c WHERE c.account_id = cache_payment_intents.account_id
        AND c.id = cache_payment_intents.latest_charge_id AND c.deleted = 0),
    coalesce(payment_status, ''), customer_name, customer_email";

/// The payments list: sorts, search columns and counting index (migration 0015).
fn payment_spec() -> ListSpec {
    ListSpec {
        table: "cache_payment_intents",
        fts: "cache_payment_intents_fts",
        columns: PAYMENT_COLUMNS,
        live: "deleted = 0",
        count_index: Some("cache_payment_intents_by_status"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_payment_intents_by_created"),
            SortKey::indexed("amount", &format!("ifnull(amount, {LOWEST})"), "cache_payment_intents_by_amount"),
            SortKey::indexed("status", "ifnull(payment_status, '')", "cache_payment_intents_by_status"),
        ],
        default_sort: ("created", true),
    }
}

/// The refunds list (migration 0015).
fn refund_spec() -> ListSpec {
    ListSpec {
        table: "cache_refunds",
        fts: "cache_refunds_fts",
        columns: "raw",
        live: "deleted = 0",
        count_index: Some("cache_refunds_by_status"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_refunds_by_created"),
            SortKey::indexed("amount", &format!("ifnull(amount, {LOWEST})"), "cache_refunds_by_amount"),
            SortKey::indexed("status", "ifnull(status, '')", "cache_refunds_by_status"),
        ],
        default_sort: ("created", true),
    }
}

fn json(text: Option<String>, column: usize) -> rusqlite::Result<Value> {
    match text {
        None => Ok(Value::Null),
        Some(text) => serde_json::from_str(&text)
            .map_err(|err| rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, Box::new(err))),
    }
}

/// A payment row from [`PAYMENT_COLUMNS`].
pub(super) fn payment_of(row: &Row<'_>) -> rusqlite::Result<PaymentRow> {
    let intent = json(Some(row.get(0)?), 0)?;
    let charge = json(row.get(1)?, 1)?;
    let status: String = row.get(2)?;
    Ok(payment_row(&intent, &charge, status, row.get(3)?, row.get(4)?))
}

/// A payment row from its intent and latest charge (null when it has none).
pub(super) fn payment_row(intent: &Value, charge: &Value, status: String, name: Option<String>, email: Option<String>) -> PaymentRow {
    let text = |value: &Value| value.as_str().map(str::to_string);
    let decline_reason = (status == "failed")
        .then(|| text(&intent["last_payment_error"]["message"]).or_else(|| text(&charge["failure_message"])))
        .flatten();
    // What a partial capture released is not a refund to the customer.
    let released = charge["amount"].as_i64().unwrap_or(0) - charge["amount_captured"].as_i64().unwrap_or(0);
    let released = if charge["captured"] == true { released.max(0) } else { 0 };
    PaymentRow {
        id: text(&intent["id"]).unwrap_or_default(),
        status,
        decline_reason,
        amount: intent["amount"].as_i64().unwrap_or_default(),
        amount_refunded: (charge["amount_refunded"].as_i64().unwrap_or(0) - released).max(0),
        currency: text(&intent["currency"]).unwrap_or_default(),
        customer_id: crate::store::cache::kinds::id_of(&intent["customer"]).map(str::to_string),
        customer_name: name,
        customer_email: email,
        description: text(&intent["description"]),
        method: method_label(charge),
        charge_id: crate::store::cache::kinds::id_of(&intent["latest_charge"]).map(str::to_string),
        created: intent["created"].as_i64().unwrap_or_default(),
    }
}

fn refund_of(row: &Row<'_>) -> rusqlite::Result<RefundRow> {
    Ok(RefundRow::from_stripe(&json(Some(row.get(0)?), 0)?))
}

fn refunds(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<RefundRow>> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map(args, refund_of)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The filters of a payments query, checked.
fn payment_filters(query: &ListQuery, filters: &PaymentFilters) -> Result<Vec<Filter>> {
    let mut out = Vec::new();
    if let Some(status) = query.status.as_deref().filter(|status| !status.is_empty()) {
        if !PAYMENT_STATUSES.contains(&status) {
            return Err(Error::Validation(format!("Payments have no status '{status}'.")));
        }
        out.push(Filter::equals("ifnull(payment_status, '')", status.to_string()));
    }
    let range = |low: Option<i64>, high: Option<i64>, what: &str| -> Result<()> {
        match (low, high) {
            (Some(low), Some(high)) if low > high => Err(Error::Validation(format!("The {what} range ends before it starts."))),
            _ => Ok(()),
        }
    };
    range(filters.created_from, filters.created_to, "date")?;
    range(filters.amount_min, filters.amount_max, "amount")?;
    let bound = |sql: &str, value: i64| Filter { sql: sql.into(), args: vec![SqlValue::Integer(value)] };
    out.extend(filters.created_from.map(|from| bound("created >= ?", from)));
    out.extend(filters.created_to.map(|to| bound("created < ?", to)));
    out.extend(filters.amount_min.map(|min| bound("amount >= ?", min)));
    out.extend(filters.amount_max.map(|max| bound("amount <= ?", max)));
    if let Some(customer) = filters.customer_id.as_deref().filter(|c| !c.is_empty()) {
        out.push(Filter::equals("customer_id", customer.to_string()));
    }
    if let Some(currency) = filters.currency.as_deref().filter(|c| !c.is_empty()) {
        out.push(Filter::equals("currency", currency.to_ascii_lowercase()));
    }
    Ok(out)
}

impl Store {
    /// A page of the account's cached payments, newest first unless another sort is named.
    pub fn list_payments(&self, account_id: &str, query: &ListQuery, filters: &PaymentFilters) -> Result<PaymentPage> {
        let filters = payment_filters(query, filters)?;
        let conn = self.read_conn()?;
        let page = list_page(&conn, &payment_spec(), account_id, &page_request(query), &filters, payment_of)?;
        Ok(PaymentPage { total: page.total, rows: page.rows, next: page.next, search_hint: page.search_hint })
    }

    /// A page of the account's cached refunds, newest first unless another sort is named.
    pub fn list_refunds(&self, account_id: &str, query: &ListQuery) -> Result<RefundPage> {
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        if let Some(status) = status.filter(|status| !REFUND_STATUSES.contains(status)) {
            return Err(Error::Validation(format!("Refunds have no status '{status}'.")));
        }
        let filters: Vec<Filter> =
            status.map(|status| Filter::equals("ifnull(status, '')", status.to_string())).into_iter().collect();
        let conn = self.read_conn()?;
        let page = list_page(&conn, &refund_spec(), account_id, &page_request(query), &filters, refund_of)?;
        Ok(RefundPage { total: page.total, rows: page.rows, next: page.next, search_hint: page.search_hint })
    }

    /// The cached refunds of one payment, newest first.
    pub fn refunds_of_payment(&self, account_id: &str, payment_intent_id: &str) -> Result<Vec<RefundRow>> {
        let conn = self.read_conn()?;
        refunds(
            &conn,
            "SELECT raw FROM cache_refunds WHERE account_id = ?1 AND payment_intent_id = ?2 AND deleted = 0
             ORDER BY ifnull(created, 0) DESC, id DESC",
            params![account_id, payment_intent_id],
        )
    }

    /// The cached refunds of the payments of one invoice, newest first.
    pub fn refunds_of_invoice(&self, account_id: &str, invoice_id: &str) -> Result<Vec<RefundRow>> {
        let conn = self.read_conn()?;
        refunds(
            &conn,
            "SELECT raw FROM cache_refunds WHERE account_id = ?1 AND deleted = 0 AND payment_intent_id IN
                 (SELECT coalesce(json_extract(raw, '$.payment.payment_intent.id'), json_extract(raw, '$.payment.payment_intent'))
                  FROM cache_invoice_payments WHERE account_id = ?1 AND invoice_id = ?2 AND deleted = 0)
             ORDER BY ifnull(created, 0) DESC, id DESC",
            params![account_id, invoice_id],
        )
    }

    /// The cached refunds of one customer's payments, newest first.
    pub fn refunds_of_customer(&self, account_id: &str, customer_id: &str) -> Result<Vec<RefundRow>> {
        let conn = self.read_conn()?;
        refunds(
            &conn,
            "SELECT raw FROM cache_refunds WHERE account_id = ?1 AND deleted = 0 AND payment_intent_id IN
                 (SELECT id FROM cache_payment_intents WHERE account_id = ?1 AND customer_id = ?2 AND deleted = 0)
             ORDER BY ifnull(created, 0) DESC, id DESC",
            params![account_id, customer_id],
        )
    }
}
