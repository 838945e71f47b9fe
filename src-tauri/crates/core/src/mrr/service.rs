//! The MRR report on [`Billfold`]: one account or all, a range of months or now, and the
//! "MRR discounts" setting. Reads the history in one query and computes in one pass.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::history;
use super::months::{month_of, range};
use super::movements::{report, State};
use super::normalize::{discounted_mrr, Coupon};
use super::{DiscountMode, MrrNowRow, MrrReport};
use crate::error::{Error, Result};
use crate::service::Billfold;
use crate::store::Store;

/// The settings key of the "MRR discounts" setting.
const DISCOUNTS_SETTING: &str = "mrr.discounts";

/// Statuses in which a subscription brings MRR (Stripe Billing's definition).
const COUNTED: &[&str] = &["active", "past_due"];

impl Billfold {
    /// MRR, movements, churn and ARPA for each month from `from_month` to `to_month`
    /// (`YYYY-MM`), for one account or every account (`None`), per currency.
    pub fn mrr_report(&self, account_id: Option<&str>, from_month: &str, to_month: &str) -> Result<MrrReport> {
        let months = range(from_month, to_month)?;
        let mode = self.mrr_discounts()?;
        let states = load(self.store(), account_id, mode)?;
        Ok(MrrReport {
            account_id: account_id.map(str::to_string),
            from_month: from_month.to_string(),
            to_month: to_month.to_string(),
            discounts: mode,
            currencies: report(&states, &months),
        })
    }

    /// MRR now per currency, its change since the end of last month, and the live
    /// subscriptions and paying customers (for the dashboard).
    pub fn mrr_now(&self, account_id: Option<&str>) -> Result<Vec<MrrNowRow>> {
        self.mrr_now_at(account_id, chrono::Utc::now().timestamp())
    }

    /// [`Billfold::mrr_now`] as of Unix time `at` (changes after it are left out).
    pub fn mrr_now_at(&self, account_id: Option<&str>, at: i64) -> Result<Vec<MrrNowRow>> {
        let mode = self.mrr_discounts()?;
        let mut states = load(self.store(), account_id, mode)?;
        states.retain(|state| state.at <= at);
        Ok(report(&states, &[month_of(at)])
            .into_iter()
            .filter_map(|currency| {
                let month = currency.months.into_iter().next()?;
                Some(MrrNowRow {
                    currency: currency.currency,
                    mrr: month.mrr,
                    last_month_end: month.mrr_at_start,
                    change: month.mrr - month.mrr_at_start,
                    active_subscriptions: month.subscriptions,
                    paying_customers: month.customers,
                })
            })
            .collect())
    }

    /// The "MRR discounts" setting (Stripe's definition unless changed).
    pub fn mrr_discounts(&self) -> Result<DiscountMode> {
        Ok(match self.store().setting(DISCOUNTS_SETTING)?.as_deref() {
            Some("all") => DiscountMode::All,
            _ => DiscountMode::Forever,
        })
    }

    /// Changes the "MRR discounts" setting.
    pub fn set_mrr_discounts(&self, mode: DiscountMode) -> Result<()> {
        let value = match mode {
            DiscountMode::Forever => "forever",
            DiscountMode::All => "all",
        };
        self.store().set_setting(DISCOUNTS_SETTING, value)
    }
}

/// Every subscription state of the account (or all accounts) with its MRR worked out, sorted
/// by account, subscription and time. Subscriptions cached before the history existed get
/// their made-up past first.
fn load(store: &Store, account_id: Option<&str>, mode: DiscountMode) -> Result<Vec<State>> {
    let accounts = match account_id {
        Some(id) => vec![store.get_account(id)?.id],
        None => store.list_accounts()?.into_iter().map(|account| account.id).collect(),
    };
    for account in &accounts {
        if missing_history(store, account)? {
            store.cache_write(account, |tx| history::fill_missing(tx.tx(), account))?;
        }
    }
    let conn = store.read_conn()?;
    let mut coupons: HashMap<(String, String), Coupon> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT d.account_id, d.discount_id, c.duration, c.percent_off_bp, c.amount_off, c.currency
         FROM mrr_discount_coupons d JOIN mrr_coupons c ON c.account_id = d.account_id AND c.coupon_id = d.coupon_id
         WHERE ?1 IS NULL OR d.account_id = ?1",
    )?;
    let rows = stmt.query_map(params![account_id], |row| {
        Ok((
            (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
            Coupon {
                duration: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                percent_off_bp: row.get(3)?,
                amount_off: row.get(4)?,
                currency: row.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (key, coupon) = row?;
        coupons.insert(key, coupon);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT account_id, subscription_id, ifnull(customer_id, ''), currency, effective_at, status, items_mrr,
                ifnull(interval, 'month'), ifnull(interval_count, 1), discount_ids
         FROM mrr_history
         WHERE (?1 IS NULL OR account_id = ?1) AND currency IS NOT NULL
         ORDER BY account_id, subscription_id, effective_at, rowid",
    )?;
    let mut rows = stmt.query(params![account_id])?;
    let mut states = Vec::new();
    while let Some(row) = rows.next()? {
        let account: String = row.get(0)?;
        let currency: String = row.get(3)?;
        let status: String = row.get(5)?;
        let counted = COUNTED.contains(&status.as_str());
        let mrr = if counted {
            let items: i64 = row.get(6)?;
            let interval: String = row.get(7)?;
            let ids: String = row.get(9)?;
            let ids: Vec<String> = if ids == "[]" {
                Vec::new()
            } else {
                serde_json::from_str(&ids).map_err(|err| Error::Store(format!("bad discount ids in the MRR history: {err}")))?
            };
            let applied: Vec<&Coupon> =
                ids.into_iter().filter_map(|id| coupons.get(&(account.clone(), id))).collect();
            discounted_mrr(items, &currency, &interval, row.get(8)?, &applied, mode)
        } else {
            0
        };
        states.push(State {
            account_id: account,
            subscription_id: row.get(1)?,
            customer_id: row.get(2)?,
            currency,
            at: row.get(4)?,
            mrr,
            counted,
        });
    }
    Ok(states)
}

/// Whether a cached subscription of the account has no history yet.
fn missing_history(store: &Store, account_id: &str) -> Result<bool> {
    let conn = store.read_conn()?;
    Ok(conn
        .query_row(
            "SELECT 1 FROM cache_subscriptions s
             WHERE s.account_id = ?1 AND s.deleted = 0
               AND NOT EXISTS (SELECT 1 FROM mrr_history h WHERE h.account_id = s.account_id AND h.subscription_id = s.id)
             LIMIT 1",
            [account_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}
