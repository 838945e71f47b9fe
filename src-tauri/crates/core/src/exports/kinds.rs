//! What each accountant's export holds: its columns, the SQL that reads it from the cache
//! for one account and a date range, and how a row becomes cells. Every query but the PO
//! journal's walks an index on `(account_id, created)`; the journal reads the account's audit
//! rows (a few per PO). Rows are read one by one, never collected.
//!
//! Date ranges select by the object's creation time in Stripe (`created`), except payouts
//! (the payout's `created`; each of its transactions follows it) and the PO journal (when the
//! event happened).

use rusqlite::Row;

use super::csv::Cell;
use Col::{Currency, Date, Money, Text, Time, YesNo};
use super::journal;
use super::ExportKind;

/// Bounds a query compares against: Unix seconds, or the ISO text the PO audit stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bounds {
    Seconds,
    IsoText,
}

/// One export: header, how many rows (for the progress bar) and the rows themselves, each
/// with `?1` the account, `?2` the start and `?3` the end (exclusive) of the range.
pub(super) struct Spec {
    pub header: &'static [&'static str],
    pub bounds: Bounds,
    pub count_sql: &'static str,
    pub rows_sql: &'static str,
    pub cells: fn(&Row<'_>) -> rusqlite::Result<Vec<Cell>>,
}

/// A currency as the file writes it: uppercase ISO.
fn currency_cell(currency: &str) -> Cell {
    Cell::Text(currency.to_ascii_uppercase())
}

/// How one column of a query becomes a cell.
#[derive(Debug, Clone, Copy)]
enum Col {
    /// Text, empty when NULL.
    Text,
    /// Unix seconds as a date.
    Date,
    /// Unix seconds as a timestamp.
    Time,
    /// The row's currency (the amounts' too).
    Currency,
    /// Minor units of the row's currency.
    Money,
    /// A flag as `yes` or `no`.
    YesNo,
}

/// The cells of a row whose columns read as `columns` say, amounts in the row's currency.
fn typed(row: &Row<'_>, columns: &[Col]) -> rusqlite::Result<Vec<Cell>> {
    let currency: String = match columns.iter().position(|column| matches!(column, Col::Currency)) {
        Some(index) => row.get(index)?,
        None => String::new(),
    };
    let cell = |index: usize, column: &Col| -> rusqlite::Result<Cell> {
        Ok(match column {
            Col::Text => Cell::text(row.get(index)?),
            Col::Date => Cell::date(row.get(index)?),
            Col::Time => Cell::timestamp(row.get(index)?),
            Col::Currency => currency_cell(&currency),
            Col::Money => Cell::money(row.get(index)?, &currency),
            Col::YesNo => Cell::Text(if row.get::<_, bool>(index)? { "yes" } else { "no" }.into()),
        })
    };
    columns.iter().enumerate().map(|(index, column)| cell(index, column)).collect()
}

/// Prefixes a query with `links`: the payment intent each invoice payment names (expanded or
/// not) and the first invoice it paid, which is how payments and refunds find their invoice
/// and PO, computed once per query rather than once per row.
macro_rules! with_links {
    ($sql:literal) => {
        concat!(
            "WITH links AS MATERIALIZED (
                SELECT coalesce(json_extract(ip.raw, '$.payment.payment_intent.id'), json_extract(ip.raw, '$.payment.payment_intent')) AS intent_id,
                       min(ip.invoice_id) AS invoice_id
                FROM cache_invoice_payments ip
                WHERE ip.account_id = ?1 AND ip.deleted = 0 AND ip.invoice_id IS NOT NULL
                GROUP BY 1) ",
            $sql
        )
    };
}

pub(super) fn spec(kind: ExportKind) -> Spec {
    match kind {
        ExportKind::Invoices => INVOICES,
        ExportKind::Payments => PAYMENTS,
        ExportKind::Refunds => REFUNDS,
        ExportKind::CreditNotes => CREDIT_NOTES,
        ExportKind::Payouts => PAYOUTS,
        ExportKind::PoJournal => PO_JOURNAL,
    }
}

const INVOICES: Spec = Spec {
    header: &[
        "invoice_id", "number", "status", "customer_id", "customer_name", "customer_email", "po_number", "currency",
        "created", "due_date", "paid_on", "total", "amount_paid", "amount_remaining", "memo",
    ],
    bounds: Bounds::Seconds,
    count_sql: "SELECT count(*) FROM cache_invoices
        WHERE account_id = ?1 AND deleted = 0 AND created >= ?2 AND created < ?3",
    rows_sql: "SELECT i.id, i.number, i.status, i.customer_id, i.customer_name, i.customer_email,
            (SELECT p.po_number FROM purchase_orders p WHERE p.account_id = i.account_id AND p.invoice_id = i.id LIMIT 1),
            ifnull(i.currency, ''), i.created, i.due_date, json_extract(i.raw, '$.status_transitions.paid_at'),
            i.total, i.amount_paid, i.amount_remaining, json_extract(i.raw, '$.description')
        FROM cache_invoices i
        WHERE i.account_id = ?1 AND i.deleted = 0 AND i.created >= ?2 AND i.created < ?3
        ORDER BY i.created, i.id",
    cells: |row| typed(row, &[Text, Text, Text, Text, Text, Text, Text, Currency, Date, Date, Date, Money, Money, Money, Text]),
};

const PAYMENTS: Spec = Spec {
    header: &[
        "payment_id", "charge_id", "created", "status", "method", "customer_id", "customer_name", "customer_email",
        "invoice_id", "invoice_number", "po_number", "description", "currency", "amount", "amount_received",
        "amount_refunded",
    ],
    bounds: Bounds::Seconds,
    count_sql: "SELECT count(*) FROM cache_payment_intents
        WHERE account_id = ?1 AND deleted = 0 AND created >= ?2 AND created < ?3",
    rows_sql: with_links!(
        "SELECT pi.id, pi.latest_charge_id, pi.created, pi.payment_status,
            json_extract(c.raw, '$.payment_method_details.type'), pi.customer_id, pi.customer_name, pi.customer_email,
            l.invoice_id, inv.number,
            (SELECT p.po_number FROM purchase_orders p WHERE p.account_id = pi.account_id AND p.invoice_id = l.invoice_id LIMIT 1),
            pi.description, ifnull(pi.currency, ''), pi.amount, pi.amount_received,
            CASE WHEN c.id IS NULL THEN NULL ELSE ifnull(c.amount_refunded, 0) END
        FROM cache_payment_intents pi
        LEFT JOIN links l ON l.intent_id = pi.id
        LEFT JOIN cache_invoices inv ON inv.account_id = pi.account_id AND inv.id = l.invoice_id AND inv.deleted = 0
        LEFT JOIN cache_charges c ON c.account_id = pi.account_id AND c.id = pi.latest_charge_id AND c.deleted = 0
        WHERE pi.account_id = ?1 AND pi.deleted = 0 AND pi.created >= ?2 AND pi.created < ?3
        ORDER BY pi.created, pi.id"
    ),
    cells: |row| typed(row, &[Text, Text, Time, Text, Text, Text, Text, Text, Text, Text, Text, Text, Currency, Money, Money, Money]),
};

const REFUNDS: Spec = Spec {
    header: &[
        "refund_id", "created", "status", "reason", "charge_id", "payment_id", "customer_id", "customer_name",
        "customer_email", "invoice_id", "invoice_number", "po_number", "note", "currency", "amount",
    ],
    bounds: Bounds::Seconds,
    count_sql: "SELECT count(*) FROM cache_refunds
        WHERE account_id = ?1 AND deleted = 0 AND created >= ?2 AND created < ?3",
    rows_sql: with_links!(
        "SELECT r.id, r.created, r.status, json_extract(r.raw, '$.reason'), r.charge_id,
            coalesce(r.payment_intent_id, c.payment_intent_id), pi.customer_id, pi.customer_name, pi.customer_email,
            l.invoice_id, inv.number,
            (SELECT p.po_number FROM purchase_orders p WHERE p.account_id = r.account_id AND p.invoice_id = l.invoice_id LIMIT 1),
            json_extract(r.raw, '$.metadata.note'), ifnull(r.currency, ''), r.amount
        FROM cache_refunds r
        LEFT JOIN cache_charges c ON c.account_id = r.account_id AND c.id = r.charge_id AND c.deleted = 0
        LEFT JOIN cache_payment_intents pi ON pi.account_id = r.account_id
             AND pi.id = coalesce(r.payment_intent_id, c.payment_intent_id) AND pi.deleted = 0
        LEFT JOIN links l ON l.intent_id = pi.id
        LEFT JOIN cache_invoices inv ON inv.account_id = r.account_id AND inv.id = l.invoice_id AND inv.deleted = 0
        WHERE r.account_id = ?1 AND r.deleted = 0 AND r.created >= ?2 AND r.created < ?3
        ORDER BY r.created, r.id"
    ),
    cells: |row| typed(row, &[Text, Time, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Currency, Money]),
};

const CREDIT_NOTES: Spec = Spec {
    header: &[
        "credit_note_id", "number", "created", "status", "reason", "invoice_id", "invoice_number", "po_number",
        "customer_id", "customer_name", "customer_email", "currency", "total", "out_of_band_amount", "memo",
    ],
    bounds: Bounds::Seconds,
    count_sql: "SELECT count(*) FROM cache_credit_notes
        WHERE account_id = ?1 AND deleted = 0 AND created >= ?2 AND created < ?3",
    rows_sql: "SELECT cn.id, cn.number, cn.created, cn.status, json_extract(cn.raw, '$.reason'), cn.invoice_id, inv.number,
            (SELECT p.po_number FROM purchase_orders p WHERE p.account_id = cn.account_id AND p.invoice_id = cn.invoice_id LIMIT 1),
            cn.customer_id, coalesce(cu.name, inv.customer_name), coalesce(cu.email, inv.customer_email),
            ifnull(cn.currency, ''), cn.total, json_extract(cn.raw, '$.out_of_band_amount'), json_extract(cn.raw, '$.memo')
        FROM cache_credit_notes cn
        LEFT JOIN cache_invoices inv ON inv.account_id = cn.account_id AND inv.id = cn.invoice_id AND inv.deleted = 0
        LEFT JOIN cache_customers cu ON cu.account_id = cn.account_id AND cu.id = cn.customer_id AND cu.deleted = 0
        WHERE cn.account_id = ?1 AND cn.deleted = 0 AND cn.created >= ?2 AND cn.created < ?3
        ORDER BY cn.created, cn.id",
    cells: |row| typed(row, &[Text, Text, Date, Text, Text, Text, Text, Text, Text, Text, Text, Currency, Money, Money, Text]),
};

/// One row per balance transaction of each payout; a payout whose transactions were never
/// fetched (its detail never opened) has one row saying so, with the transaction cells empty.
const PAYOUTS: Spec = Spec {
    header: &[
        "payout_id", "payout_status", "payout_created", "arrival_date", "currency", "payout_amount",
        "transactions_cached", "transaction_id", "transaction_type", "source_id", "customer_id", "customer_name",
        "transaction_created", "amount", "fee", "net",
    ],
    bounds: Bounds::Seconds,
    count_sql: "SELECT count(*) FROM cache_payouts p
        LEFT JOIN cache_payout_transactions t ON t.account_id = p.account_id AND t.payout_id = p.id
        WHERE p.account_id = ?1 AND p.deleted = 0 AND p.created >= ?2 AND p.created < ?3",
    rows_sql: "SELECT p.id, p.status, p.created, p.arrival_date, ifnull(p.currency, ''), p.amount,
            EXISTS (SELECT 1 FROM payout_transaction_fetches f WHERE f.account_id = p.account_id AND f.payout_id = p.id),
            t.id, t.type, t.source_id, t.customer_id, cu.name, t.created, t.amount, t.fee, t.net
        FROM cache_payouts p
        LEFT JOIN cache_payout_transactions t ON t.account_id = p.account_id AND t.payout_id = p.id
        LEFT JOIN cache_customers cu ON cu.account_id = p.account_id AND cu.id = t.customer_id AND cu.deleted = 0
        WHERE p.account_id = ?1 AND p.deleted = 0 AND p.created >= ?2 AND p.created < ?3
        ORDER BY p.created, p.id, t.position",
    cells: |row| typed(row, &[Text, Text, Date, Date, Currency, Money, YesNo, Text, Text, Text, Text, Text, Date, Money, Money, Money]),
};

/// Every audit entry of every PO, oldest first (see [`journal`] for the amount column).
const PO_JOURNAL: Spec = Spec {
    header: &[
        "at", "date", "po_number", "organization", "contact_name", "contact_email", "event", "field", "old_value",
        "new_value", "currency", "amount", "invoice_id", "invoice_number", "customer_id", "stripe_request_id",
    ],
    bounds: Bounds::IsoText,
    count_sql: "SELECT count(*) FROM purchase_order_audit WHERE account_id = ?1 AND at >= ?2 AND at < ?3",
    rows_sql: "SELECT a.at, p.po_number, p.organization, p.contact_name, p.contact_email, a.action, a.field, a.old_value,
            a.new_value, p.currency, p.total, p.invoice_id, p.invoice_number, p.customer_id, a.stripe_request_id
        FROM purchase_order_audit a
        JOIN purchase_orders p ON p.account_id = a.account_id AND p.id = a.po_id
        WHERE a.account_id = ?1 AND a.at >= ?2 AND a.at < ?3
        ORDER BY a.at, a.id",
    cells: |row| {
        let at: String = row.get(0)?;
        let currency: String = row.get(9)?;
        let action: String = row.get(5)?;
        let old_value: Option<String> = row.get(7)?;
        let new_value: Option<String> = row.get(8)?;
        let amount = journal::amount(&action, row.get(10)?, old_value.as_deref(), new_value.as_deref(), &currency);
        let at = journal::seconds(&at);
        Ok(vec![
            Cell::timestamp(at),
            Cell::date(at),
            Cell::Text(row.get(1)?),
            Cell::Text(row.get(2)?),
            Cell::Text(row.get(3)?),
            Cell::Text(row.get(4)?),
            Cell::Text(action),
            Cell::text(row.get(6)?),
            Cell::text(old_value),
            Cell::text(new_value),
            currency_cell(&currency),
            Cell::money(amount, &currency),
            Cell::text(row.get(11)?),
            Cell::text(row.get(12)?),
            Cell::text(row.get(13)?),
            Cell::text(row.get(14)?),
        ])
    },
};
