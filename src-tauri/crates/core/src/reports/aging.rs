//! Receivables aging as of any day, from the cached Stripe invoices (a PO's invoice
//! included), per currency and per customer, with the invoices behind each bucket.
//!
//! As of the end of day D (in the user's zone) an invoice is open when it was finalized by
//! then and not paid, voided or marked uncollectible by then (`status_transitions`). What it
//! still owed then is what was due at finalization (`amount_due` plus the pre-payment credit
//! notes that lowered it since) less its invoice payments paid by then and less its
//! pre-payment credit notes (not void) issued by then. Approximations: a credit note voided
//! after D is left out as if it never counted; a payment Stripe does not list as an invoice
//! payment (paid out of band) counts only when it closes the invoice. Days past due are whole
//! days from the due date to D; an invoice with no due date (charged automatically) is current.

use std::collections::BTreeMap;

use rusqlite::named_params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::store::Store;

/// The aging buckets, by days past due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum AgingBucketName {
    /// Not yet due (or no due date).
    #[serde(rename = "current")]
    Current,
    /// 1–30 days past due.
    #[serde(rename = "days_1_30")]
    Days1To30,
    /// 31–60 days past due.
    #[serde(rename = "days_31_60")]
    Days31To60,
    /// 61–90 days past due.
    #[serde(rename = "days_61_90")]
    Days61To90,
    /// More than 90 days past due.
    #[serde(rename = "over_90")]
    Over90,
}

impl AgingBucketName {
    fn from_index(index: i64) -> AgingBucketName {
        match index {
            0 => AgingBucketName::Current,
            1 => AgingBucketName::Days1To30,
            2 => AgingBucketName::Days31To60,
            3 => AgingBucketName::Days61To90,
            _ => AgingBucketName::Over90,
        }
    }

    fn index(self) -> i64 {
        self as i64
    }
}

/// Amounts owed by bucket, minor units of one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingAmounts {
    /// Not yet due.
    pub current: i64,
    /// 1–30 days past due.
    pub days_1_30: i64,
    /// 31–60 days past due.
    pub days_31_60: i64,
    /// 61–90 days past due.
    pub days_61_90: i64,
    /// More than 90 days past due.
    pub over_90: i64,
    /// All of it.
    pub total: i64,
    /// Open invoices counted.
    pub invoices: i64,
}

impl AgingAmounts {
    fn add(&mut self, bucket: AgingBucketName, owed: i64, invoices: i64) {
        let slot = match bucket {
            AgingBucketName::Current => &mut self.current,
            AgingBucketName::Days1To30 => &mut self.days_1_30,
            AgingBucketName::Days31To60 => &mut self.days_31_60,
            AgingBucketName::Days61To90 => &mut self.days_61_90,
            AgingBucketName::Over90 => &mut self.over_90,
        };
        *slot += owed;
        self.total += owed;
        self.invoices += invoices;
    }

    /// Past due, all buckets but current.
    pub fn overdue(&self) -> i64 {
        self.total - self.current
    }
}

/// One customer's open invoices by bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingCustomer {
    /// The account the customer belongs to.
    pub account_id: String,
    /// The Stripe customer, when the invoice names one.
    pub customer_id: Option<String>,
    /// The customer's name (or email) as cached.
    pub name: Option<String>,
    /// What they owed.
    pub amounts: AgingAmounts,
}

/// One currency's aging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingCurrency {
    /// Lowercase ISO currency.
    pub currency: String,
    /// Every customer together.
    pub total: AgingAmounts,
    /// Per customer, most owed first.
    pub customers: Vec<AgingCustomer>,
}

/// Receivables aging as of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingReport {
    /// The day, `YYYY-MM-DD`.
    pub as_of: String,
    /// Per currency, most owed first (never converted).
    pub currencies: Vec<AgingCurrency>,
}

/// An invoice behind an aging figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingInvoice {
    /// Its account.
    pub account_id: String,
    /// The Stripe invoice id.
    pub invoice_id: String,
    /// Its number.
    pub number: Option<String>,
    /// Its customer.
    pub customer_id: Option<String>,
    /// The customer's name (or email).
    pub customer_name: Option<String>,
    /// Lowercase ISO currency.
    pub currency: String,
    /// When it was due, Unix seconds.
    pub due_date: Option<i64>,
    /// Whole days past due as of the day (0 or less: not yet due).
    pub days_past_due: i64,
    /// Its bucket.
    pub bucket: AgingBucketName,
    /// What it still owed, minor units.
    pub owed: i64,
}

/// What narrows the invoice list of a drill-down.
#[derive(Debug, Clone, Default)]
pub struct AgingFilter<'a> {
    /// Only this currency.
    pub currency: Option<&'a str>,
    /// Only this customer.
    pub customer_id: Option<&'a str>,
    /// Only this bucket.
    pub bucket: Option<AgingBucketName>,
}

/// What a drill-down can be sorted by; with none, most days past due first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AgingSort {
    /// Days past due as of the day.
    DaysPastDue,
    /// What the invoice still owed.
    Owed,
    /// The due date (none first).
    DueDate,
    /// The invoice number.
    Number,
    /// The customer's name, ignoring case.
    Customer,
}

/// Which slice of a drill-down to answer, in which order.
#[derive(Debug, Clone, Copy)]
pub struct AgingPageQuery {
    /// The order; `None` is most days past due first.
    pub sort: Option<AgingSort>,
    /// Largest first.
    pub descending: bool,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to answer, 1 to the list engine's page size.
    pub limit: i64,
}

/// One page of a drill-down and how many invoices it has in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgingInvoicePage {
    /// The invoices behind the figure in all.
    pub total: i64,
    /// This page.
    pub rows: Vec<AgingInvoice>,
}

/// The open invoices as of `at` (the last second of the day) with what each
/// owed and its days past due: one statement over every account in the JSON array
/// `:accounts`, read from the `cache_invoices_aging` index (an invoice row is read only for
/// one with credit notes).
const OPEN_AT_SQL: &str = "
    SELECT i.account_id, i.id, i.number, i.customer_id, coalesce(i.customer_name, i.customer_email) AS customer_name, i.currency, i.due_date,
           -- Whole days between the two dates in the user's zone (day numbers since 1970).
           CASE WHEN i.due_date IS NULL THEN 0 ELSE (:at + :offset) / 86400 - (i.due_date + :offset) / 86400 END AS days,
           max(0, ifnull(i.amount_due, 0)
               -- Stripe's amount_paid only grows: an invoice with none now had no payment by the day.
               - CASE WHEN ifnull(i.amount_paid, 0) = 0 THEN 0
                      ELSE ifnull((SELECT sum(p.amount_paid) FROM cache_invoice_payments p
                                   WHERE p.account_id = i.account_id AND p.invoice_id = i.id AND p.deleted = 0 AND p.status = 'paid'
                                     AND ifnull(json_extract(p.raw, '$.status_transitions.paid_at'), p.created) <= :at), 0) END
               -- Only an invoice with credit notes has a pre-payment amount to read from its JSON;
               -- reading it for every open invoice would parse tens of thousands of documents.
               + CASE WHEN NOT EXISTS (SELECT 1 FROM cache_credit_notes c WHERE c.account_id = i.account_id AND c.invoice_id = i.id) THEN 0
                      ELSE ifnull(json_extract(i.raw, '$.pre_payment_credit_notes_amount'), 0)
                           - ifnull((SELECT sum(n.total) FROM cache_credit_notes n INDEXED BY cache_credit_notes_invoice
                                     WHERE n.account_id = i.account_id AND n.invoice_id = i.id AND n.deleted = 0
                                       AND ifnull(n.status, '') <> 'void' AND n.created <= :at
                                       AND ifnull(json_extract(n.raw, '$.type'), 'pre_payment') = 'pre_payment'), 0) END) AS owed
    FROM cache_invoices i INDEXED BY cache_invoices_aging
    WHERE i.account_id IN (SELECT value FROM json_each(:accounts)) AND i.deleted = 0 AND i.finalized_at IS NOT NULL AND i.finalized_at <= :at
      AND NOT ifnull(i.paid_at <= :at, 0) AND NOT ifnull(i.voided_at <= :at, 0) AND NOT ifnull(i.uncollectible_at <= :at, 0)";

/// The bucket index of `days` past due, in SQL.
const BUCKET_SQL: &str = "CASE WHEN days <= 0 THEN 0 WHEN days <= 30 THEN 1 WHEN days <= 60 THEN 2 WHEN days <= 90 THEN 3 ELSE 4 END";

/// A currency's customers by (account, customer id).
type CustomersByKey = BTreeMap<(String, Option<String>), AgingCustomer>;

/// Aging of the given accounts as of `at` (the last second of day `as_of` in the zone
/// `offset_secs` east of UTC).
pub fn aging(store: &Store, accounts: &[String], as_of: &str, at: i64, offset_secs: i64) -> Result<AgingReport> {
    // Materialized: the bucket names `days` four times and the sum `owed` twice, and SQLite
    // would otherwise compute each invoice's sums again for every mention (3x slower).
    let sql = format!(
        "WITH open AS MATERIALIZED ({OPEN_AT_SQL})
         SELECT account_id, currency, customer_id, max(customer_name), {BUCKET_SQL} AS bucket, count(*), sum(owed)
         FROM open WHERE owed > 0 GROUP BY account_id, currency, customer_id, bucket"
    );
    let conn = store.read_conn()?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut currencies: BTreeMap<String, (AgingAmounts, CustomersByKey)> = BTreeMap::new();
    let rows = stmt.query_map(named_params! {":accounts": json_list(accounts)?, ":at": at, ":offset": offset_secs}, |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, Option<String>>(3)?,
            AgingBucketName::from_index(row.get(4)?),
            row.get::<_, i64>(5)?,
            row.get::<_, i64>(6)?,
        ))
    })?;
    for row in rows {
        let (account, currency, customer_id, name, bucket, count, owed) = row?;
        let (total, customers) = currencies.entry(currency).or_default();
        total.add(bucket, owed, count);
        let customer = customers.entry((account.clone(), customer_id.clone())).or_insert_with(|| AgingCustomer {
            account_id: account,
            customer_id,
            name: name.clone(),
            amounts: AgingAmounts::default(),
        });
        customer.amounts.add(bucket, owed, count);
    }
    let mut out: Vec<AgingCurrency> = currencies
        .into_iter()
        .map(|(currency, (total, customers))| {
            let mut customers: Vec<AgingCustomer> = customers.into_values().collect();
            customers.sort_by(|a, b| {
                b.amounts.total.cmp(&a.amounts.total).then_with(|| a.account_id.cmp(&b.account_id)).then_with(|| a.customer_id.cmp(&b.customer_id))
            });
            AgingCurrency { currency, total, customers }
        })
        .collect();
    out.sort_by(|a, b| b.total.total.cmp(&a.total.total).then_with(|| a.currency.cmp(&b.currency)));
    Ok(AgingReport { as_of: as_of.to_string(), currencies: out })
}

/// The open invoices of `accounts` as of `at` that `filter` selects, one page of them in the
/// order asked (ties by account and invoice id, so pages never overlap). Which invoices were
/// open on a past day is computed, not stored, so SQLite computes the list and keeps the
/// page's rows as it goes (not materialized: only the order and the filter read the sums).
pub fn invoices(store: &Store, accounts: &[String], at: i64, offset_secs: i64, filter: &AgingFilter<'_>, page: AgingPageQuery) -> Result<AgingInvoicePage> {
    crate::store::listing::check_page(page.limit, page.offset)?;
    if let Some(currency) = filter.currency {
        crate::money::Currency::parse(currency)?;
    }
    if filter.customer_id.is_some_and(|id| !id.starts_with("cus_")) {
        return Err(Error::Validation("A customer id starts with cus_.".into()));
    }
    let filtered = format!(
        "SELECT * FROM ({OPEN_AT_SQL})
         WHERE owed > 0 AND (:currency IS NULL OR currency = :currency) AND (:customer IS NULL OR customer_id = :customer)
           AND (:bucket IS NULL OR {BUCKET_SQL} = :bucket)"
    );
    let (sort, descending) = match page.sort {
        Some(sort) => (sort, page.descending),
        None => (AgingSort::DaysPastDue, true),
    };
    let key = match sort {
        AgingSort::DaysPastDue => "days",
        AgingSort::Owed => "owed",
        AgingSort::DueDate => "due_date",
        AgingSort::Number => "number",
        AgingSort::Customer => "lower(customer_name)",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let conn = store.read_conn()?;
    let accounts = json_list(accounts)?;
    let currency = filter.currency.map(str::to_lowercase);
    let bucket = filter.bucket.map(AgingBucketName::index);
    let total: i64 = conn.prepare_cached(&format!("SELECT count(*) FROM ({filtered})"))?.query_row(
        named_params! {
            ":accounts": accounts, ":at": at, ":offset": offset_secs,
            ":currency": currency, ":customer": filter.customer_id, ":bucket": bucket,
        },
        |row| row.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT account_id, id, number, customer_id, customer_name, currency, due_date, days, {BUCKET_SQL}, owed
         FROM ({filtered}) ORDER BY {key} {direction}, account_id, id LIMIT :limit OFFSET :skip"
    ))?;
    let rows = stmt.query_map(
        named_params! {
            ":accounts": accounts, ":at": at, ":offset": offset_secs,
            ":currency": currency, ":customer": filter.customer_id, ":bucket": bucket,
            ":limit": page.limit, ":skip": page.offset,
        },
        |row| {
            Ok(AgingInvoice {
                account_id: row.get(0)?,
                invoice_id: row.get(1)?,
                number: row.get(2)?,
                customer_id: row.get(3)?,
                customer_name: row.get(4)?,
                currency: row.get(5)?,
                due_date: row.get(6)?,
                days_past_due: row.get(7)?,
                bucket: AgingBucketName::from_index(row.get(8)?),
                owed: row.get(9)?,
            })
        },
    )?;
    Ok(AgingInvoicePage { total, rows: rows.collect::<rusqlite::Result<Vec<_>>>()? })
}

/// Account ids as the JSON array `:accounts` is read from.
fn json_list(accounts: &[String]) -> Result<String> {
    serde_json::to_string(accounts).map_err(|err| Error::Internal(err.to_string()))
}
