//! Reports and the dashboard, read from the local cache only (never a Stripe request), for
//! one account or all of them, always per currency (never converted):
//! - [`revenue`]: gross, refunds, disputes lost, fees and net by day, ISO week or month, from
//!   the cached balance ledger;
//! - [`aging`]: receivables aging as of any day, per customer, with a drill-down;
//! - [`top_customers`]: by revenue over a range or by open balance on a day;
//! - [`dashboard`]: the figures of the dashboard.
//!
//! Days are `YYYY-MM-DD` in the user's zone, given as the window's UTC offset ([`dates`]).

pub mod aging;
pub mod dashboard;
pub mod dates;
pub mod revenue;
pub mod top_customers;

pub use aging::{
    AgingAmounts, AgingBucketName, AgingCurrency, AgingCustomer, AgingFilter, AgingInvoice, AgingInvoicePage, AgingPageQuery, AgingReport, AgingSort,
};
pub use dashboard::{DashboardCounts, DashboardFigures, DashboardMoney};
pub use dates::{DayRange, Granularity};
pub use revenue::{RevenueCurrency, RevenueReport, RevenueRow};
pub use top_customers::{TopBy, TopCustomer, TopCustomersCurrency, TopCustomersReport};

use chrono::Duration;

use crate::error::{Error, Result};
use crate::service::Billfold;

/// The most customers a top list shows.
pub const MAX_TOP: usize = 100;

impl Billfold {
    /// The accounts a report covers, `(id, name)`: the one named (which must exist) or, for
    /// `None`, every account.
    fn report_scope(&self, account_id: Option<&str>) -> Result<Vec<(String, String)>> {
        match account_id {
            Some(id) => {
                let account = self.store().get_account(id)?;
                Ok(vec![(account.id, account.name)])
            }
            None => Ok(self.store().list_accounts()?.into_iter().map(|account| (account.id, account.name)).collect()),
        }
    }

    fn report_accounts(&self, account_id: Option<&str>) -> Result<Vec<String>> {
        Ok(self.report_scope(account_id)?.into_iter().map(|(id, _)| id).collect())
    }

    /// Revenue from `from` to `to` (days, in the zone `offset_minutes` east of UTC) by
    /// `granularity`, per currency. Day granularity covers at most a year (366 periods).
    pub fn revenue_report(&self, account_id: Option<&str>, from: &str, to: &str, granularity: Granularity, offset_minutes: i32) -> Result<RevenueReport> {
        let range = DayRange::parse(from, to, offset_minutes)?;
        if granularity == Granularity::Day && (range.to - range.from).num_days() >= 366 {
            return Err(Error::Validation("By day, a report covers at most a year; choose weeks or months for longer.".into()));
        }
        revenue::revenue(self.store(), &self.report_accounts(account_id)?, &range, granularity)
    }

    /// Receivables aging as of the end of day `as_of` (in the zone `offset_minutes` east of UTC).
    pub fn aging_report(&self, account_id: Option<&str>, as_of: &str, offset_minutes: i32) -> Result<AgingReport> {
        let (at, offset) = end_of_day(as_of, offset_minutes)?;
        aging::aging(self.store(), &self.report_accounts(account_id)?, as_of, at, offset)
    }

    /// The open invoices behind an aging figure, a page at a time: of one account or all, as of
    /// the end of `as_of`, narrowed to a currency, a customer and a bucket when given.
    pub fn aging_invoices(
        &self,
        account_id: Option<&str>,
        as_of: &str,
        offset_minutes: i32,
        filter: &AgingFilter<'_>,
        page: AgingPageQuery,
    ) -> Result<AgingInvoicePage> {
        let (at, offset) = end_of_day(as_of, offset_minutes)?;
        aging::invoices(self.store(), &self.report_accounts(account_id)?, at, offset, filter, page)
    }

    /// The top `limit` (1 to [`MAX_TOP`]) customers per currency: by revenue from `from` to
    /// `to`, or by open balance as of the end of `to`.
    pub fn top_customers(&self, account_id: Option<&str>, from: &str, to: &str, by: TopBy, limit: usize, offset_minutes: i32) -> Result<TopCustomersReport> {
        if !(1..=MAX_TOP).contains(&limit) {
            return Err(Error::Validation(format!("Show between 1 and {MAX_TOP} customers.")));
        }
        let range = DayRange::parse(from, to, offset_minutes)?;
        let accounts = self.report_accounts(account_id)?;
        match by {
            TopBy::Revenue => top_customers::by_revenue(self.store(), &accounts, &range, limit),
            TopBy::OpenBalance => {
                let (at, offset) = end_of_day(to, offset_minutes)?;
                Ok(top_customers::by_open_balance(aging::aging(self.store(), &accounts, to, at, offset)?, limit))
            }
        }
    }

    /// The dashboard's figures over `from`–`to` (revenue compared with the range before it),
    /// receivables and MRR as of `now` (Unix seconds).
    pub fn dashboard_figures(&self, account_id: Option<&str>, from: &str, to: &str, offset_minutes: i32, now: i64) -> Result<DashboardFigures> {
        let range = DayRange::parse(from, to, offset_minutes)?;
        let mrr = self.mrr_now_at(account_id, now)?;
        dashboard::figures(self.store(), &self.report_scope(account_id)?, &range, now, &mrr)
    }
}

/// The last second of day `day` in the zone `offset_minutes` east of UTC, and the offset in
/// seconds.
fn end_of_day(day: &str, offset_minutes: i32) -> Result<(i64, i64)> {
    let date = dates::parse_day(day, "as-of")?;
    let offset = dates::offset_secs(offset_minutes)?;
    Ok((dates::day_start(date + Duration::days(1), offset) - 1, offset))
}
