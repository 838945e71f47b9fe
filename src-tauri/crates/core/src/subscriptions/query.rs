//! Cached subscriptions read back as rows. The list goes through the list engine
//! (`store::listing`, indexes from migration 0013): sorted by created, next renewal, customer
//! or monthly recurring revenue, filtered by status, searched by customer name, email and ids.

use rusqlite::{params, Row};

use super::{RecurringPrice, SubscriptionPage, SubscriptionRow};
use crate::error::{Error, Result};
use crate::store::cache::page_request;
use crate::store::listing::{list_page, Filter, ListSpec, SortKey};
use crate::store::{ListQuery, Store};

/// Stripe's subscription statuses, the list's status filter.
pub(super) const STATUSES: &[&str] =
    &["active", "trialing", "past_due", "unpaid", "canceled", "incomplete", "incomplete_expired", "paused"];

/// Where NULL sorts, as the sort indexes write it (SQLite puts NULLs first anyway).
const LOWEST: i64 = i64::MIN;

/// The subscriptions list: sorts, search columns and counting index (migration 0013).
fn list_spec() -> ListSpec {
    ListSpec {
        table: "cache_subscriptions",
        fts: "cache_subscriptions_fts",
        columns: "id, customer_id, customer_name, customer_email, coalesce(status, ''), coalesce(currency, ''),
                  coalesce(mrr, 0), next_renewal, coalesce(cancel_at_period_end, 0), trial_end, coalesce(created, 0)",
        live: "deleted = 0",
        // The status index counts, and the status filter is written as it indexes status.
        count_index: Some("cache_subscriptions_by_status"),
        sorts: vec![
            SortKey::indexed("created", "created", "cache_subscriptions_by_created"),
            SortKey::indexed(
                "next_renewal",
                &format!("ifnull(next_renewal, {LOWEST})"),
                "cache_subscriptions_by_next_renewal",
            ),
            SortKey::indexed("customer", "lower(ifnull(customer_name, ''))", "cache_subscriptions_by_customer"),
            SortKey::indexed("mrr", &format!("ifnull(mrr, {LOWEST})"), "cache_subscriptions_by_mrr"),
        ],
        default_sort: ("created", true),
    }
}

/// A subscription row as the list's columns give it.
fn row_of(row: &Row<'_>) -> rusqlite::Result<SubscriptionRow> {
    Ok(SubscriptionRow {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        customer_name: row.get(2)?,
        customer_email: row.get(3)?,
        status: row.get(4)?,
        currency: row.get(5)?,
        mrr: row.get(6)?,
        next_renewal: row.get(7)?,
        cancel_at_period_end: row.get(8)?,
        trial_end: row.get(9)?,
        created: row.get(10)?,
    })
}

impl Store {
    /// A page of the account's cached subscriptions, newest first unless another sort is named.
    pub fn list_subscriptions(&self, account_id: &str, query: &ListQuery) -> Result<SubscriptionPage> {
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        if let Some(status) = status.filter(|status| !STATUSES.contains(status)) {
            return Err(Error::Validation(format!("Subscriptions have no status '{status}'.")));
        }
        let filters: Vec<Filter> =
            status.map(|status| Filter::equals("ifnull(status, '')", status.to_string())).into_iter().collect();
        let conn = self.read_conn()?;
        let page = list_page(&conn, &list_spec(), account_id, &page_request(query), &filters, row_of)?;
        Ok(SubscriptionPage { total: page.total, rows: page.rows, next: page.next, search_hint: page.search_hint })
    }

    /// Active recurring prices of the cache (in `currency`, when given) with their products'
    /// names, by product name, then amount.
    pub fn recurring_prices(&self, account_id: &str, currency: Option<&str>) -> Result<Vec<RecurringPrice>> {
        let conn = self.read_conn()?;
        let mut statement = conn.prepare_cached(
            "SELECT p.id, coalesce(p.product_id, ''), pr.name, coalesce(p.currency, ''), p.unit_amount,
                    json_extract(p.raw, '$.recurring.interval'), json_extract(p.raw, '$.recurring.interval_count'),
                    json_extract(p.raw, '$.tax_behavior'), json_extract(p.raw, '$.nickname'), coalesce(p.created, 0)
             FROM cache_prices p
             LEFT JOIN cache_products pr ON pr.account_id = p.account_id AND pr.id = p.product_id AND pr.deleted = 0
             WHERE p.account_id = ?1 AND p.deleted = 0 AND p.active = 1 AND p.type = 'recurring'
               AND (?2 IS NULL OR p.currency = ?2)
             ORDER BY lower(coalesce(pr.name, '')), p.unit_amount, p.id",
        )?;
        let rows = statement.query_map(params![account_id, currency], |row| {
            Ok(RecurringPrice {
                id: row.get(0)?,
                product_id: row.get(1)?,
                product_name: row.get(2)?,
                currency: row.get(3)?,
                unit_amount: row.get(4)?,
                recurring_interval: row.get(5)?,
                recurring_interval_count: row.get(6)?,
                tax_behavior: row.get(7)?,
                nickname: row.get(8)?,
                active: true,
                created: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
