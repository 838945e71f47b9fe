//! Report and dashboard commands: revenue, receivables aging (and the invoices behind a
//! figure), top customers and the dashboard's figures, read from the cache only. `account_id`
//! null means all accounts; days are `YYYY-MM-DD` in the window's zone, whose UTC offset
//! (minutes east) comes with each call.

use billfold_core::reports::{
    AgingBucketName, AgingFilter, AgingInvoicePage, AgingPageQuery, AgingReport, AgingSort, DashboardFigures, Granularity, RevenueReport, TopBy,
    TopCustomersReport,
};
use tauri::State;

use super::CommandResult;
use crate::AppState;

/// Revenue from `from` to `to` by day, ISO week or month, per currency.
#[tauri::command(async)]
pub fn revenue_report(
    state: State<'_, AppState>,
    account_id: Option<String>,
    from: String,
    to: String,
    granularity: Granularity,
    offset_minutes: i32,
) -> CommandResult<RevenueReport> {
    state.core()?.revenue_report(account_id.as_deref(), &from, &to, granularity, offset_minutes).map_err(|err| err.payload())
}

/// Receivables aging as of the end of `as_of`, per currency and customer.
#[tauri::command(async)]
pub fn aging_report(state: State<'_, AppState>, account_id: Option<String>, as_of: String, offset_minutes: i32) -> CommandResult<AgingReport> {
    state.core()?.aging_report(account_id.as_deref(), &as_of, offset_minutes).map_err(|err| err.payload())
}

/// The open invoices behind an aging figure, a page at a time: of one account or all, in a
/// currency, optionally of one customer and one bucket, sorted by `sort` (null: most days past
/// due first).
#[tauri::command(async)]
#[allow(clippy::too_many_arguments)]
pub fn aging_invoices(
    state: State<'_, AppState>,
    account_id: Option<String>,
    as_of: String,
    offset_minutes: i32,
    currency: Option<String>,
    customer_id: Option<String>,
    bucket: Option<AgingBucketName>,
    sort: Option<AgingSort>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> CommandResult<AgingInvoicePage> {
    let filter = AgingFilter { currency: currency.as_deref(), customer_id: customer_id.as_deref(), bucket };
    let page = AgingPageQuery { sort, descending, offset, limit };
    state.core()?.aging_invoices(account_id.as_deref(), &as_of, offset_minutes, &filter, page).map_err(|err| err.payload())
}

/// The top `limit` customers per currency by revenue over the range or by open balance at
/// its end.
#[tauri::command(async)]
pub fn top_customers(
    state: State<'_, AppState>,
    account_id: Option<String>,
    from: String,
    to: String,
    by: TopBy,
    limit: u32,
    offset_minutes: i32,
) -> CommandResult<TopCustomersReport> {
    state.core()?.top_customers(account_id.as_deref(), &from, &to, by, limit as usize, offset_minutes).map_err(|err| err.payload())
}

/// The dashboard's figures over the range (revenue compared with the range before it).
#[tauri::command(async)]
pub fn dashboard_figures(
    state: State<'_, AppState>,
    account_id: Option<String>,
    from: String,
    to: String,
    offset_minutes: i32,
) -> CommandResult<DashboardFigures> {
    let now = chrono::Utc::now().timestamp();
    state.core()?.dashboard_figures(account_id.as_deref(), &from, &to, offset_minutes, now).map_err(|err| err.payload())
}
