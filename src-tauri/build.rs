//! Generates Billfold's `allow-<command>` permissions so capabilities can grant exactly
//! our own commands.

use tauri_build::{AppManifest, Attributes};

/// Every command the UI may call; keep in step with `commands::handler()`.
const COMMANDS: &[&str] = &[
    "app_overview",
    "list_accounts",
    "add_account",
    "rename_account",
    "switch_account",
    "remove_account",
    "set_webhook_secret",
    "sync_now",
    "cancel_sync",
    "sync_status",
    "list_customers",
    "list_invoices",
    "get_sync_settings",
    "set_sync_settings",
    "refresh_customer_payment_methods",
    "refresh_customer_balance_transactions",
    "add_customer_balance_transaction",
    "get_customer",
    "create_customer",
    "update_customer",
    "customers_with_email",
    "list_credit_notes",
    "preview_credit_note",
    "create_credit_note",
    "void_credit_note",
    "list_request_log",
    "list_purchase_orders",
    "get_purchase_order",
    "create_purchase_order",
    "update_purchase_order",
    "issue_purchase_order",
    "record_po_payment",
    "resend_po_invoice",
    "cancel_purchase_order",
    "open_po_link",
    "aging_summary",
    "import_purchase_orders_csv",
    "export_purchase_orders_csv",
    "export_po_payments_csv",
    "start_demo",
    "reset_demo",
    "remove_demo",
    "simulate",
    "simulation_targets",
    "about_info",
    "diagnostics",
    "open_app_folder",
];

fn main() {
    tauri_build::try_build(Attributes::new().app_manifest(AppManifest::new().commands(COMMANDS)))
        .expect("tauri build script");
}
