//! Cached payouts read back as rows. The list goes through the list engine
//! (`store::listing`, indexes from migration 0017): sorted by arrival date, created, amount or
//! status, searched by id, paged by keyset cursor, counted exactly.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{check_payout_id, PayoutRow, STATUSES};
use crate::error::{Error, Result};
use crate::store::cache::page_request;
use crate::store::listing::{list_page, Filter, ListSpec, SortKey};
use crate::store::{ListQuery, Store};

/// One page of payouts and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PayoutPage {
    /// Matching payouts in all.
    pub total: i64,
    /// This page, latest arrival first unless asked otherwise.
    pub rows: Vec<PayoutRow>,
    /// The cursor right after this page, when more rows follow.
    pub next: Option<String>,
    /// Why the search was not applied, when it was not (too short).
    pub search_hint: Option<String>,
}

/// Where NULL sorts, as the sort indexes write it.
const LOWEST: i64 = i64::MIN;

fn list_spec() -> ListSpec {
    ListSpec {
        table: "cache_payouts",
        fts: "cache_payouts_fts",
        columns: "raw",
        live: "deleted = 0",
        count_index: Some("cache_payouts_by_status"),
        sorts: vec![
            SortKey::indexed("arrival_date", &format!("ifnull(arrival_date, {LOWEST})"), "cache_payouts_by_arrival"),
            SortKey::indexed("created", &format!("ifnull(created, {LOWEST})"), "cache_payouts_by_created"),
            SortKey::indexed("amount", &format!("ifnull(amount, {LOWEST})"), "cache_payouts_by_amount"),
            SortKey::indexed("status", "ifnull(status, '')", "cache_payouts_by_status"),
        ],
        default_sort: ("arrival_date", true),
    }
}

fn row_of(row: &Row<'_>) -> rusqlite::Result<PayoutRow> {
    let raw: String = row.get(0)?;
    let payout: Value = serde_json::from_str(&raw)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(err)))?;
    Ok(PayoutRow::from_stripe(&payout))
}

impl Store {
    /// A page of the account's cached payouts, searched by id, filtered by status, latest
    /// arrival first unless another sort (`arrival_date`, `created`, `amount`, `status`) is named.
    pub fn list_payouts(&self, account_id: &str, query: &ListQuery) -> Result<PayoutPage> {
        let status = query.status.as_deref().filter(|status| !status.is_empty());
        if let Some(status) = status.filter(|status| !STATUSES.contains(status)) {
            return Err(Error::Validation(format!("Payouts have no status '{status}'.")));
        }
        let filters: Vec<Filter> = status
            .map(|status| Filter::equals("ifnull(status, '')", status.to_string()))
            .into_iter()
            .collect();
        let conn = self.read_conn()?;
        let page = list_page(&conn, &list_spec(), account_id, &page_request(query), &filters, row_of)?;
        Ok(PayoutPage { total: page.total, rows: page.rows, next: page.next, search_hint: page.search_hint })
    }

    /// One cached payout, or `NotFound`.
    pub fn cached_payout(&self, account_id: &str, payout_id: &str) -> Result<PayoutRow> {
        check_payout_id(payout_id)?;
        let conn = self.read_conn()?;
        conn.query_row(
            "SELECT raw FROM cache_payouts WHERE account_id = ?1 AND id = ?2 AND deleted = 0",
            [account_id, payout_id],
            row_of,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("No payout {payout_id} is cached for this account; sync it first.")))
    }
}
