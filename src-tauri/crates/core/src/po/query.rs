//! Reading purchase orders: the list (search, status filter, overdue-first order, sort and
//! paging all in SQL; sort keys from a fixed list, never SQL from the caller) and the detail
//! with lines, payments, the invoice's timeline from cached events, and the audit log.

use chrono::Utc;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{
    store, AuditEntry, PaymentMethod, PoListQuery, PoPage, PoPayment, PoStatus, PoSummary,
    PurchaseOrder,
};
use crate::error::{Error, Result};
use crate::store::listing::{check_page, like_pattern};
use crate::store::Store;

/// A PO still owed after its due date (`:today` is bound by name); the SQL twin of
/// [`super::status::overdue`]. A macro so the column list and the filter share the literal.
macro_rules! overdue_sql {
    () => {
        "(status IN ('invoiced', 'partially_paid') AND due_date IS NOT NULL AND due_date < :today)"
    };
}

/// Summary columns, in the order [`summary`] reads them.
const SUMMARY: &str = concat!(
    "id, po_number, organization, contact_email, currency, total, paid, status, ",
    overdue_sql!(),
    " AS overdue, invoice_number, invoice_status, due_date, created_at,
    CASE WHEN status = 'cancelled' THEN 0 ELSE max(total - paid, 0) END AS balance"
);

/// Today as due dates are written (`YYYY-MM-DD`, UTC).
pub(super) fn today() -> String {
    Utc::now().format("%Y-%m-%d").to_string()
}

fn summary(row: &Row<'_>) -> rusqlite::Result<PoSummary> {
    Ok(PoSummary {
        id: row.get(0)?,
        po_number: row.get(1)?,
        organization: row.get(2)?,
        contact_email: row.get(3)?,
        currency: row.get(4)?,
        total: row.get(5)?,
        paid: row.get(6)?,
        status: PoStatus::parse(&row.get::<_, String>(7)?).unwrap_or(PoStatus::Draft),
        overdue: row.get(8)?,
        invoice_number: row.get(9)?,
        invoice_status: row.get(10)?,
        due_date: row.get(11)?,
        created_at: row.get(12)?,
        balance: row.get(13)?,
    })
}

/// The SQL a sort key orders by.
fn sort_column(key: &str) -> Result<&'static str> {
    Ok(match key {
        "po_number" => "po_number COLLATE NOCASE",
        "organization" => "organization COLLATE NOCASE",
        "total" => "total",
        "balance" => "balance",
        "due_date" => "due_date",
        "created_at" => "created_at",
        "status" => "status",
        other => {
            return Err(Error::Validation(format!(
                "POs cannot be sorted by '{other}'."
            )))
        }
    })
}

impl Store {
    /// One page of an account's POs.
    pub fn list_purchase_orders(&self, account_id: &str, query: &PoListQuery) -> Result<PoPage> {
        check_page(query.limit, query.offset)?;
        let mut filter = String::from("account_id = :account");
        let mut named: Vec<(&str, SqlValue)> = vec![
            (":account", SqlValue::Text(account_id.into())),
            (":today", SqlValue::Text(today())),
        ];
        if let Some(search) = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
        {
            filter.push_str(
                " AND (po_number LIKE :search ESCAPE '\\' OR organization LIKE :search ESCAPE '\\'
                       OR contact_email LIKE :search ESCAPE '\\' OR invoice_number LIKE :search ESCAPE '\\')",
            );
            named.push((":search", SqlValue::Text(like_pattern(search))));
        }
        if let Some(status) = query.status {
            filter.push_str(" AND status = :status");
            named.push((":status", SqlValue::Text(status.as_str().into())));
        }
        if query.overdue_only {
            filter.push_str(concat!(" AND ", overdue_sql!()));
        }
        let direction = if query.descending { "DESC" } else { "ASC" };
        let order = match query.sort.as_deref() {
            None => "overdue DESC, created_at DESC, id DESC".to_string(),
            Some(key) => format!(
                "{} {direction}, created_at DESC, id DESC",
                sort_column(key)?
            ),
        };
        let conn = self.conn()?;
        let total: i64 = {
            let sql = format!("SELECT count(*) FROM purchase_orders WHERE {filter}");
            let mut statement = conn.prepare_cached(&sql)?;
            let bound: Vec<(&str, &dyn rusqlite::ToSql)> = named
                .iter()
                .filter(|(name, _)| sql.contains(name))
                .map(|(name, value)| (*name, value as &dyn rusqlite::ToSql))
                .collect();
            statement.query_row(bound.as_slice(), |row| row.get(0))?
        };
        let sql = format!("SELECT {SUMMARY} FROM purchase_orders WHERE {filter} ORDER BY {order} LIMIT :limit OFFSET :offset");
        named.push((":limit", SqlValue::Integer(query.limit)));
        named.push((":offset", SqlValue::Integer(query.offset)));
        let mut statement = conn.prepare_cached(&sql)?;
        let bound: Vec<(&str, &dyn rusqlite::ToSql)> = named
            .iter()
            .map(|(name, value)| (*name, value as &dyn rusqlite::ToSql))
            .collect();
        let rows = statement
            .query_map(bound.as_slice(), summary)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(PoPage { total, rows })
    }

    /// Everything about one PO.
    pub fn purchase_order(&self, account_id: &str, po_id: &str) -> Result<PurchaseOrder> {
        let conn = self.conn()?;
        let sql = format!(
            "SELECT {SUMMARY}, contact_name, billing_address, payment_terms_days, notes, invoice_id,
                    hosted_invoice_url, invoice_pdf
             FROM purchase_orders WHERE account_id = :account AND id = :id"
        );
        let found = conn
            .query_row(
                &sql,
                rusqlite::named_params! { ":account": account_id, ":id": po_id, ":today": today() },
                |row| {
                    Ok((
                        summary(row)?,
                        row.get::<_, String>(14)?,
                        row.get::<_, Option<String>>(15)?,
                        row.get::<_, i64>(16)?,
                        row.get::<_, Option<String>>(17)?,
                        row.get::<_, Option<String>>(18)?,
                        row.get::<_, Option<String>>(19)?,
                        row.get::<_, Option<String>>(20)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| {
                Error::NotFound("That purchase order does not exist (any more).".into())
            })?;
        let (
            summary,
            contact_name,
            billing_address,
            payment_terms_days,
            notes,
            invoice_id,
            hosted_invoice_url,
            invoice_pdf,
        ) = found;
        let payments = payments(&conn, account_id, po_id)?;
        let stripe_shows_remainder = summary.status != PoStatus::Cancelled
            && summary.invoice_status.as_deref() == Some("open")
            && payments.iter().any(|payment| !payment.recorded_in_stripe);
        let timeline = match &invoice_id {
            Some(invoice_id) => super::timeline::timeline(&conn, account_id, invoice_id)?,
            None => Vec::new(),
        };
        Ok(PurchaseOrder {
            overpaid: (summary.paid - summary.total).max(0),
            lines: store::lines(&conn, account_id, po_id)?,
            audit: audit(&conn, account_id, po_id)?,
            summary,
            contact_name,
            billing_address,
            payment_terms_days,
            notes,
            payments,
            invoice_id,
            hosted_invoice_url,
            invoice_pdf,
            stripe_shows_remainder,
            timeline,
        })
    }
}

pub(super) fn payments(conn: &Connection, account_id: &str, po_id: &str) -> Result<Vec<PoPayment>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, amount, method, reference, received_on, note, recorded_in_stripe
         FROM purchase_order_payments WHERE account_id = ?1 AND po_id = ?2 ORDER BY received_on, created_at, id",
    )?;
    let rows = statement.query_map(params![account_id, po_id], |row| {
        Ok(PoPayment {
            id: row.get(0)?,
            amount: row.get(1)?,
            method: PaymentMethod::parse(&row.get::<_, String>(2)?).unwrap_or(PaymentMethod::Other),
            reference: row.get(3)?,
            received_on: row.get(4)?,
            note: row.get(5)?,
            recorded_in_stripe: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn audit(conn: &Connection, account_id: &str, po_id: &str) -> Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, at, action, field, old_value, new_value, stripe_request_id
         FROM purchase_order_audit WHERE account_id = ?1 AND po_id = ?2 ORDER BY id DESC",
    )?;
    let rows = statement.query_map(params![account_id, po_id], |row| {
        Ok(AuditEntry {
            id: row.get(0)?,
            at: row.get(1)?,
            action: row.get(2)?,
            field: row.get(3)?,
            old_value: row.get(4)?,
            new_value: row.get(5)?,
            stripe_request_id: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Every PO of an account in full, oldest first (for exports).
    pub fn all_purchase_orders(&self, account_id: &str) -> Result<Vec<PurchaseOrder>> {
        let ids: Vec<String> = {
            let conn = self.conn()?;
            let mut statement = conn.prepare(
                "SELECT id FROM purchase_orders WHERE account_id = ?1 ORDER BY created_at, id",
            )?;
            let ids = statement.query_map(params![account_id], |row| row.get(0))?;
            ids.collect::<rusqlite::Result<_>>()?
        };
        ids.iter()
            .map(|id| self.purchase_order(account_id, id))
            .collect()
    }
}
