//! Reading purchase orders: the list (search, status filter, overdue-first order, sort and
//! paging all in SQL; sort keys from a fixed list, never SQL from the caller) and the detail
//! with lines, payments, the invoice's credit notes and timeline from the cache, and the audit
//! log. The balance is [`super::balance`]'s, in the columns and in the sort alike.

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::balance::{balance_sql, BALANCE};
use super::{
    store, AuditEntry, PaymentMethod, PoListQuery, PoPage, PoPayment, PoStatus, PoSummary,
    PurchaseOrder,
};
use crate::error::{Error, Result};
use crate::store::listing::{list_page, Filter, ListSpec, PageRequest, SortKey};
use crate::store::Store;

/// A PO still owed after its due date, for a `today` we write ourselves (`YYYY-MM-DD`); the
/// SQL twin of [`super::status::overdue`].
fn overdue_sql(today: &str) -> String {
    format!("(status IN ('invoiced', 'partially_paid') AND due_date IS NOT NULL AND due_date < '{today}')")
}

/// Summary columns, in the order [`summary`] reads them.
const SUMMARY: &str = concat!(
    "id, po_number, organization, contact_email, currency, total, paid, status,
    invoice_number, invoice_status, due_date, created_at, credited, refunded, ",
    balance_sql!(),
    " AS balance"
);

/// Today as due dates are written (`YYYY-MM-DD`, UTC).
pub(super) fn today() -> String {
    Utc::now().format("%Y-%m-%d").to_string()
}

/// A summary row; overdue is worked out for `today`.
fn summary(row: &Row<'_>, today: &str) -> rusqlite::Result<PoSummary> {
    let status = PoStatus::parse(&row.get::<_, String>(7)?).unwrap_or(PoStatus::Draft);
    let due_date: Option<String> = row.get(10)?;
    Ok(PoSummary {
        id: row.get(0)?,
        po_number: row.get(1)?,
        organization: row.get(2)?,
        contact_email: row.get(3)?,
        currency: row.get(4)?,
        total: row.get(5)?,
        paid: row.get(6)?,
        status,
        overdue: super::status::overdue(status, due_date.as_deref(), today),
        invoice_number: row.get(8)?,
        invoice_status: row.get(9)?,
        due_date,
        created_at: row.get(11)?,
        credited: row.get(12)?,
        refunded: row.get(13)?,
        balance: row.get(14)?,
    })
}

/// The PO list for today: sorts (the default puts overdue POs first, which depends on the
/// date, so it is computed from an index holding status, due date and entry time), search
/// columns, counting.
fn list_spec(today: &str) -> ListSpec {
    let overdue_first = overdue_sql(today);
    ListSpec {
        table: "purchase_orders",
        fts: "purchase_orders_fts",
        columns: SUMMARY,
        live: "1",
        count_index: Some("purchase_orders_by_due"),
        sorts: vec![
            SortKey::computed(
                "default",
                vec![overdue_first, "created_at".into()],
                "purchase_orders_by_due",
            ),
            SortKey::indexed(
                "po_number",
                "lower(po_number)",
                "purchase_orders_by_po_number",
            ),
            SortKey::indexed(
                "organization",
                "lower(organization)",
                "purchase_orders_by_organization",
            ),
            SortKey::indexed("total", "total", "purchase_orders_by_total"),
            SortKey::indexed("balance", BALANCE, "purchase_orders_by_balance"),
            SortKey::indexed(
                "due_date",
                "ifnull(due_date, '')",
                "purchase_orders_by_due_date",
            ),
            SortKey::indexed("created_at", "created_at", "purchase_orders_by_created_at"),
            SortKey::indexed("status", "status", "purchase_orders_by_status"),
        ],
        default_sort: ("default", true),
    }
}

impl Store {
    /// One page of an account's POs.
    pub fn list_purchase_orders(&self, account_id: &str, query: &PoListQuery) -> Result<PoPage> {
        let today = today();
        let mut filters = Vec::new();
        if let Some(status) = query.status {
            filters.push(Filter::equals("status", status.as_str().to_string()));
        }
        if query.overdue_only {
            filters.push(Filter {
                sql: overdue_sql(&today),
                args: Vec::new(),
            });
        }
        let request = PageRequest {
            search: query.search.as_deref(),
            sort: query.sort.as_deref(),
            descending: query.descending,
            offset: query.offset,
            limit: query.limit,
            after: query.after.as_deref(),
        };
        let conn = self.read_conn()?;
        let page = list_page(
            &conn,
            &list_spec(&today),
            account_id,
            &request,
            &filters,
            |row| summary(row, &today),
        )?;
        Ok(PoPage {
            total: page.total,
            rows: page.rows,
            next: page.next,
            search_hint: page.search_hint,
        })
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
                rusqlite::named_params! { ":account": account_id, ":id": po_id },
                |row| {
                    Ok((
                        summary(row, &today())?,
                        row.get::<_, String>(15)?,
                        row.get::<_, Option<String>>(16)?,
                        row.get::<_, i64>(17)?,
                        row.get::<_, Option<String>>(18)?,
                        row.get::<_, Option<String>>(19)?,
                        row.get::<_, Option<String>>(20)?,
                        row.get::<_, Option<String>>(21)?,
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
        let lines = store::lines(&conn, account_id, po_id)?;
        let audit = audit(&conn, account_id, po_id)?;
        // Released before the credit notes are read through the list reader, so this never
        // holds both connections at once.
        drop(conn);
        let credit_notes = match &invoice_id {
            Some(invoice_id) => self.credit_notes_of_invoice(account_id, invoice_id)?,
            None => Vec::new(),
        };
        Ok(PurchaseOrder {
            overpaid: (summary.paid - summary.total).max(0),
            lines,
            audit,
            credit_notes,
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
