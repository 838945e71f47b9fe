//! IPC commands: each parses its arguments, calls `billfold-core` and returns a DTO or
//! `{code, message}`. Nothing else lives here. Every command that touches the database is
//! `async` (or `#[tauri::command(async)]`): Tauri runs plain commands on the window's thread,
//! which would then freeze while a sync holds the database for a page.

mod about;
mod accounts;
mod activity;
mod catalog;
mod coupons;
mod credit_notes;
mod customers;
mod disputes;
mod dunning;
mod events;
mod exports;
mod invoices;
mod mrr;
mod payments;
mod payouts;
mod purchase_orders;
mod reports;
mod subscriptions;
mod demo;
mod sync;

use billfold_core::ErrorPayload;
use tauri::{ipc::Invoke, Runtime};

pub use exports::ExportJobs;

/// The error every command returns: `{code, message}` with a stable code.
pub type CommandResult<T> = Result<T, ErrorPayload>;

/// The handler for every Billfold command; `build.rs` lists the same names for permissions.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        accounts::app_overview,
        accounts::list_accounts,
        accounts::add_account,
        accounts::rename_account,
        accounts::switch_account,
        accounts::remove_account,
        accounts::set_webhook_secret,
        sync::sync_now,
        sync::cancel_sync,
        sync::sync_status,
        sync::list_customers,
        sync::list_invoices,
        sync::get_sync_settings,
        sync::set_sync_settings,
        customers::refresh_customer_payment_methods,
        customers::refresh_customer_balance_transactions,
        customers::add_customer_balance_transaction,
        invoices::get_invoice,
        invoices::invoice_action,
        invoices::create_invoice,
        invoices::update_draft_invoice,
        invoices::duplicate_invoice,
        invoices::list_catalog_prices,
        invoices::send_invoice_reminders,
        invoices::export_invoices_csv,
        invoices::open_invoice_link,
        customers::get_customer,
        customers::create_customer,
        customers::update_customer,
        customers::customers_with_email,
        catalog::list_catalog,
        catalog::create_product,
        catalog::update_product,
        catalog::set_product_active,
        catalog::add_price,
        catalog::replace_price,
        catalog::set_price_active,
        catalog::plan_catalog_copy,
        catalog::apply_catalog_copy,
        catalog::export_catalog,
        credit_notes::list_credit_notes,
        credit_notes::preview_credit_note,
        credit_notes::create_credit_note,
        credit_notes::void_credit_note,
        disputes::list_disputes,
        disputes::dispute_detail,
        disputes::inspect_evidence_file,
        disputes::save_dispute_evidence,
        disputes::submit_dispute_evidence,
        disputes::accept_dispute,
        subscriptions::list_subscriptions,
        subscriptions::get_subscription,
        subscriptions::upcoming_invoice,
        subscriptions::subscription_action,
        subscriptions::create_subscription,
        subscriptions::list_recurring_prices,
        subscriptions::dunning_queue,
        subscriptions::preview_subscription_change,
        subscriptions::change_subscription,
        coupons::list_coupons,
        coupons::create_coupon,
        mrr::mrr_report,
        mrr::mrr_now,
        mrr::get_mrr_discounts,
        mrr::set_mrr_discounts,
        payments::list_payments,
        payments::payment_detail,
        payments::list_refunds,
        payments::refund_payment,
        payments::create_payment,
        payments::capture_payment,
        payments::cancel_payment,
        dunning::get_dunning_rule,
        dunning::set_dunning_rule,
        dunning::get_notification_settings,
        dunning::set_notification_settings,
        activity::list_request_log,
        activity::list_operations,
        events::list_events,
        events::event_detail,
        payouts::list_payouts,
        payouts::payout_detail,
        payouts::export_payout_csv,
        payouts::account_balance,
        reports::revenue_report,
        reports::aging_report,
        reports::aging_invoices,
        reports::top_customers,
        reports::dashboard_figures,
        exports::export_csv,
        exports::cancel_export,
        exports::export_table,
        purchase_orders::list_purchase_orders,
        purchase_orders::get_purchase_order,
        purchase_orders::create_purchase_order,
        purchase_orders::update_purchase_order,
        purchase_orders::issue_purchase_order,
        purchase_orders::record_po_payment,
        purchase_orders::resend_po_invoice,
        purchase_orders::cancel_purchase_order,
        purchase_orders::open_po_link,
        purchase_orders::import_purchase_orders_csv,
        purchase_orders::export_purchase_orders_csv,
        purchase_orders::export_po_payments_csv,
        demo::start_demo,
        demo::reset_demo,
        demo::remove_demo,
        demo::simulate,
        demo::simulation_targets,
        about::about_info,
        about::diagnostics,
        about::open_app_folder,
    ]
}
