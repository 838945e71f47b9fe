// The one place that talks to the Rust side. Every command's result and error type comes
// from the generated bindings; errors always arrive as {code, message}.
import { invoke } from '@tauri-apps/api/core';
import type {
  AboutInfo,
  AccountView,
  AppOverview,
  BalanceAdjustmentInput,
  BalanceTransactionRow,
  CsvImportReport,
  CustomerPage,
  ErrorPayload,
  InvoicePage,
  ListQuery,
  NewAccount,
  NewPayment,
  PaymentMethodRow,
  PoInput,
  PoListQuery,
  PoPage,
  PurchaseOrder,
  OperationEntry,
  RequestLogEntry,
  SimulateAction,
  SimulationTargets,
  SyncSettings,
  SyncStatus,
} from './bindings';

/** Which of an issued PO's Stripe pages to open. */
export type PoLink = 'hosted' | 'pdf';

/** Which of Billfold's own folders to open: the data folder or the log folder. */
export type AppFolder = 'data' | 'logs';

function asErrorPayload(err: unknown): ErrorPayload {
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return err as ErrorPayload;
  }
  return { code: 'internal', message: String(err) };
}

/** Runs one command; a failure always arrives as an `ErrorPayload`. */
export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw asErrorPayload(err);
  }
}

export const api = {
  appOverview: () => call<AppOverview>('app_overview'),
  listAccounts: () => call<AccountView[]>('list_accounts'),
  addAccount: (input: NewAccount) => call<AccountView>('add_account', { input }),
  renameAccount: (id: string, name: string) => call<AccountView>('rename_account', { id, name }),
  switchAccount: (id: string) => call<AccountView>('switch_account', { id }),
  removeAccount: (id: string) => call<null>('remove_account', { id }),
  setWebhookSecret: (id: string, secret: string | null) =>
    call<AccountView>('set_webhook_secret', { id, secret }),
  /** Starts a sync now and returns at once; progress arrives as `sync-progress` events. */
  syncNow: (accountId: string) => call<null>('sync_now', { accountId }),
  cancelSync: (accountId: string) => call<null>('cancel_sync', { accountId }),
  syncStatus: (accountId: string) => call<SyncStatus>('sync_status', { accountId }),
  /** Newest first; `beforeId` pages back past the oldest entry already shown. */
  listRequestLog: (accountId: string, limit: number, beforeId: number | null) =>
    call<RequestLogEntry[]>('list_request_log', { accountId, limit, beforeId }),
  /** The audit trail of writes, newest first; `before` pages back past the oldest `seq` shown. */
  listOperations: (accountId: string, limit: number, before: number | null) =>
    call<OperationEntry[]>('list_operations', { accountId, limit, before }),
  listCustomers: (accountId: string, query: ListQuery) => call<CustomerPage>('list_customers', { accountId, query }),
  /** Asks Stripe for a customer's payment methods (when its view opens) and caches them; newest first. */
  refreshCustomerPaymentMethods: (accountId: string, customerId: string) =>
    call<PaymentMethodRow[]>('refresh_customer_payment_methods', { accountId, customerId }),
  refreshCustomerBalanceTransactions: (accountId: string, customerId: string) =>
    call<BalanceTransactionRow[]>('refresh_customer_balance_transactions', { accountId, customerId }),
  addCustomerBalanceTransaction: (accountId: string, customerId: string, input: BalanceAdjustmentInput) =>
    call<BalanceTransactionRow>('add_customer_balance_transaction', { accountId, customerId, input }),
  listInvoices: (accountId: string, query: ListQuery) => call<InvoicePage>('list_invoices', { accountId, query }),
  listPurchaseOrders: (accountId: string, query: PoListQuery) =>
    call<PoPage>('list_purchase_orders', { accountId, query }),
  getPurchaseOrder: (accountId: string, poId: string) => call<PurchaseOrder>('get_purchase_order', { accountId, poId }),
  /** Saves a new draft; refused with a `validation` error when the input is wrong, nothing saved. */
  createPurchaseOrder: (accountId: string, input: PoInput) =>
    call<PurchaseOrder>('create_purchase_order', { accountId, input }),
  /** Replaces a draft's fields and lines; issued POs are refused. */
  updatePurchaseOrder: (accountId: string, poId: string, input: PoInput) =>
    call<PurchaseOrder>('update_purchase_order', { accountId, poId, input }),
  /** Creates, finalizes and sends the Stripe invoice of a draft, exactly once. */
  issuePurchaseOrder: (accountId: string, poId: string) =>
    call<PurchaseOrder>('issue_purchase_order', { accountId, poId }),
  recordPoPayment: (accountId: string, poId: string, payment: NewPayment) =>
    call<PurchaseOrder>('record_po_payment', { accountId, poId, payment }),
  resendPoInvoice: (accountId: string, poId: string) => call<PurchaseOrder>('resend_po_invoice', { accountId, poId }),
  /** Voids the open invoice (or deletes a draft one) in Stripe and marks the PO cancelled. */
  cancelPurchaseOrder: (accountId: string, poId: string) =>
    call<PurchaseOrder>('cancel_purchase_order', { accountId, poId }),
  /** Opens the invoice page or PDF in the system browser; Rust checks the host first. */
  openPoLink: (accountId: string, poId: string, which: PoLink) => call<null>('open_po_link', { accountId, poId, which }),
  /** All or nothing: when the report lists errors, no PO was imported. */
  importPurchaseOrdersCsv: (accountId: string, csv: string) =>
    call<CsvImportReport>('import_purchase_orders_csv', { accountId, csv }),
  /** Writes the CSV to the Downloads folder and returns the file's path. */
  exportPurchaseOrdersCsv: (accountId: string) => call<string>('export_purchase_orders_csv', { accountId }),
  /** Writes the CSV to the Downloads folder and returns the file's path. */
  exportPoPaymentsCsv: (accountId: string) => call<string>('export_po_payments_csv', { accountId }),
  getSyncSettings: () => call<SyncSettings>('get_sync_settings'),
  setSyncSettings: (settings: SyncSettings) => call<SyncSettings>('set_sync_settings', { settings }),
  /** Starts the demo (two conferences on the built-in emulator); the first becomes active. */
  startDemo: () => call<AccountView[]>('start_demo'),
  resetDemo: () => call<AccountView[]>('reset_demo'),
  removeDemo: () => call<null>('remove_demo'),
  /** Acts as the customer on a demo account's emulator, then syncs the account. */
  simulate: (accountId: string, action: SimulateAction) => call<null>('simulate', { accountId, action }),
  simulationTargets: (accountId: string) => call<SimulationTargets>('simulation_targets', { accountId }),
  /** The version and the data and log folders; answers even when the database could not open. */
  aboutInfo: () => call<AboutInfo>('about_info'),
  /** The plain-text diagnostics report: no keys, secrets, names, e-mails or amounts in it. */
  diagnostics: () => call<string>('diagnostics'),
  /** Opens the data or log folder in the system file manager. */
  openAppFolder: (folder: AppFolder) => call<null>('open_app_folder', { folder }),
};

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return !!value && typeof value === 'object' && 'code' in value && 'message' in value;
}
